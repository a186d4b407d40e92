/* Our walk over the chunks and records of an .evtx the survey found whole, with libevtx for the records our reader declines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/core.h"
#include "exhume/events.h"

#include "events_int.h"

/*
 * The survey checked every chunk in use: checksums, and records that
 * chain from the header to the free space offset.  So the records are
 * those libevtx lists, in the same order, and the n-th record here is
 * libevtx's record n: a record our reader declines is read there.  The
 * chunk is read again here (one buffer) rather than kept from the
 * survey, so memory stays one chunk whatever the file's size.
 */
static int
chunk_records(struct evtx_scan *sc, const unsigned char *c, int *idx)
{
	uint32_t off = CHUNK_HDR, free_off = exh_le32(c + 48);
	int rc = EXH_OK;

	while (rc == EXH_OK && off < free_off && free_off - off >= 28) {
		uint32_t size = exh_le32(c + off + 4);

		if (size < 28 || size > free_off - off)
			break;	/* the survey saw none such */
		events_record_reset(&sc->rec);
		rc = events_binxml_parse(&sc->bx, c, off, size, &sc->rec);
		if (rc == EXH_OK)
			rc = events_record_ready(sc, false,
			    exh_le64(c + off + 16));
		else if (rc == EXH_ECORRUPT) {
			sc->st->fell_back++;
			rc = events_libevtx_record(sc, *idx);
		} else
			rc = exh_err_set(sc->err, rc, ENOMEM, "out of memory");
		(*idx)++;
		off += size;
	}
	return rc;
}

int
events_fast_walk(struct evtx_scan *sc)
{
	unsigned char *c;
	uint64_t i, nchunks = sc->size > FILE_HDR ?
	    (sc->size - FILE_HDR) / CHUNK_SIZE : 0;
	int idx = 0, rc = EXH_OK;

	if ((c = malloc(CHUNK_SIZE)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM, "out of memory");
	for (i = 0; i < nchunks && rc == EXH_OK; i++) {
		if (pread(sc->fd, c, CHUNK_SIZE, (off_t)(FILE_HDR +
		    i * CHUNK_SIZE)) != (ssize_t)CHUNK_SIZE) {
			rc = events_damage(sc, "chunk %llu unreadable on the "
			    "second read: %s", (unsigned long long)i,
			    exh_strerror(errno));
			continue;
		}
		if (memcmp(c, "ElfChnk", 8) == 0)
			rc = chunk_records(sc, c, &idx);
	}
	free(c);
	return rc;
}
