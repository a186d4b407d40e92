/* The file identity every layer embeds: one deep copy, one free. */
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

static int
dup_or_null(char **dst, const char *s)
{
	*dst = NULL;
	if (s != NULL && (*dst = strdup(s)) == NULL)
		return EXH_ENOMEM;
	return EXH_OK;
}

int
exh_fileref_copy(struct exh_fileref *dst, const struct exh_fileref *src)
{
	*dst = *src;
	dst->path = dst->stream = dst->owner_sid = NULL;
	if (dup_or_null(&dst->path, src->path) != EXH_OK ||
	    dup_or_null(&dst->stream, src->stream) != EXH_OK ||
	    dup_or_null(&dst->owner_sid, src->owner_sid) != EXH_OK) {
		exh_fileref_free(dst);
		return EXH_ENOMEM;
	}
	return EXH_OK;
}

void
exh_fileref_free(struct exh_fileref *f)
{
	free(f->path);
	free(f->stream);
	free(f->owner_sid);
	memset(f, 0, sizeof(*f));
}
