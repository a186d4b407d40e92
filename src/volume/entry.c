/* A walked entry, borrowed for its callback, made into an owned file identity. */
#include <string.h>

#include "exhume/volume.h"

int
exh_entry_fileref(const struct exh_entry *e, const struct exh_stream_info *st,
    struct exh_fileref *out)
{
	struct exh_fileref ref;

	memset(&ref, 0, sizeof(ref));
	ref.mft = e->mft;
	ref.seq = e->seq;
	ref.size = st != NULL ? st->size : 0;
	ref.attributes = e->attributes;
	ref.si = e->si;
	ref.fn = e->fn;
	if ((ref.path = strdup(e->path != NULL ? e->path : "")) == NULL ||
	    (ref.stream = strdup(st != NULL ? st->name : "")) == NULL ||
	    (ref.owner_sid = strdup(e->owner_sid != NULL ? e->owner_sid :
	    "")) == NULL) {
		exh_fileref_free(&ref);
		return EXH_ENOMEM;
	}
	*out = ref;
	return EXH_OK;
}
