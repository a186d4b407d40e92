/* Documents written in bounded pieces: a buffer handed on when it fills. */
#include "exhume/core.h"

int
exh_sink_flush(struct exh_sink *s, bool force)
{
	if (s->rc != EXH_OK || s->write == NULL || s->buf->len == 0 ||
	    (!force && s->buf->len < EXH_SINK_CHUNK))
		return s->rc;
	s->rc = s->write(s->ctx, s->buf->data, s->buf->len);
	s->buf->len = 0;
	s->buf->data[0] = '\0';
	return s->rc;
}
