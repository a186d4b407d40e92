/* The damage survey of an .evtx: header, chunk signatures and checksums, a cut-off last chunk. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* As in events.c: no libbfio. */
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"

#include "events_int.h"

static bool
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * Whether the records of a whole, checked chunk chain from the header to
 * the free space offset (each with its signature and a matching copy of
 * its size): then our walk lists them as libevtx does.  A record
 * signature in the free space after them is counted as slack, which only
 * libevtx recovers.
 */
static void
survey_records(struct evtx_scan *sc, const unsigned char *c, uint32_t free_off)
{
	uint32_t off = CHUNK_HDR;

	while (off < free_off) {
		uint32_t size;

		if (free_off - off < 28 || memcmp(c + off, "**\0\0", 4) != 0 ||
		    (size = exh_le32(c + off + 4)) < 28 ||
		    size > free_off - off ||
		    exh_le32(c + off + size - 4) != size) {
			sc->fast_ok = false;
			return;
		}
		off += size;
	}
	if (memmem(c + off, CHUNK_SIZE - off, "**\0\0", 4) != NULL)
		sc->slack_seen = true;
}

/* Checks one whole chunk's signature and checksums. */
static int
survey_chunk(struct evtx_scan *sc, const unsigned char *c, size_t idx)
{
	uint32_t free_off, crc;
	uint64_t first = exh_le64(c + 24), last = exh_le64(c + 32);

	if (all_zero(c, 8))
		return EXH_OK;	/* never used */
	sc->fast_ok = false;	/* until the chunk proves whole */
	if (memcmp(c, "ElfChnk", 8) != 0)
		return events_damage(sc, "chunk %zu: no chunk signature; its records "
		    "are lost", idx);
	crc = (uint32_t)crc32(crc32(0L, c, 120), c + 128, CHUNK_HDR - 128);
	if (crc != exh_le32(c + 124))
		return events_damage(sc, "chunk %zu (records %llu-%llu): header "
		    "checksum mismatch", idx, (unsigned long long)first,
		    (unsigned long long)last);
	free_off = exh_le32(c + 48);
	if (free_off < CHUNK_HDR || free_off > CHUNK_SIZE)
		return events_damage(sc, "chunk %zu (records %llu-%llu): free space "
		    "offset %u out of range", idx, (unsigned long long)first,
		    (unsigned long long)last, free_off);
	crc = (uint32_t)crc32(0L, c + CHUNK_HDR, free_off - CHUNK_HDR);
	if (crc != exh_le32(c + 52))
		return events_damage(sc, "chunk %zu (records %llu-%llu): records "
		    "checksum mismatch; damaged records may be missing or "
		    "recovered", idx, (unsigned long long)first,
		    (unsigned long long)last);
	sc->fast_ok = true;
	sc->chunks_used++;
	survey_records(sc, c, free_off);
	return EXH_OK;
}

/*
 * Reads the file once for the damage libevtx does not itemise: a bad or
 * dirty header, chunks with bad checksums, a file cut inside a chunk.
 */
int
events_survey(struct evtx_scan *sc, int fd)
{
	unsigned char hdr[128], *chunk;
	struct stat sb;
	uint64_t size, nfull, rest, i, listed;
	bool dirty, fast;
	int rc = EXH_OK;

	if (fstat(fd, &sb) != 0)
		return exh_err_set(sc->err, EXH_EIO, errno, "fstat: %s",
		    exh_strerror(errno));
	size = (uint64_t)sb.st_size;
	if (size < sizeof(hdr) ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return events_damage(sc, "file header unreadable (%llu bytes)",
		    (unsigned long long)size);
	if (memcmp(hdr, "ElfFile", 8) != 0)
		return events_damage(sc, "no evtx file signature");
	if ((uint32_t)crc32(0L, hdr, 120) != exh_le32(hdr + 124) &&
	    (rc = events_damage(sc, "file header checksum mismatch")) != EXH_OK)
		return rc;
	dirty = (exh_le32(hdr + 120) & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0;
	if (dirty &&
	    (rc = events_damage(sc, "file header marks the log dirty (not closed "
	    "cleanly); every chunk present was read")) != EXH_OK)
		return rc;
	listed = (uint64_t)hdr[42] | (uint64_t)hdr[43] << 8;
	nfull = size > FILE_HDR ? (size - FILE_HDR) / CHUNK_SIZE : 0;
	rest = size > FILE_HDR ? (size - FILE_HDR) % CHUNK_SIZE : 0;
	if (rest != 0 && (rc = events_damage(sc, "file ends inside chunk %llu (%llu "
	    "of %u bytes present; header lists %llu chunks); records in it "
	    "are not read", (unsigned long long)nfull,
	    (unsigned long long)rest, CHUNK_SIZE,
	    (unsigned long long)listed)) != EXH_OK)
		return rc;
	if ((chunk = malloc(CHUNK_SIZE)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM,
		    "out of memory");
	for (i = 0, fast = true; i < nfull && rc == EXH_OK; i++) {
		off_t off = (off_t)(FILE_HDR + i * CHUNK_SIZE);

		sc->fast_ok = true;
		if (pread(fd, chunk, CHUNK_SIZE, off) != (ssize_t)CHUNK_SIZE)
			rc = events_damage(sc, "chunk %llu unreadable: %s",
			    (unsigned long long)i, exh_strerror(errno));
		else
			rc = survey_chunk(sc, chunk, (size_t)i);
		fast = fast && sc->fast_ok;
	}
	free(chunk);
	/* Our own walk only where libevtx's list of records is certain: no
	 * damage but a dirty flag, and every chunk in use listed (or the
	 * log dirty, when libevtx reads every chunk present). */
	sc->fast_ok = fast && rc == EXH_OK &&
	    sc->st->damaged == (dirty ? 1u : 0u) &&
	    (dirty || sc->chunks_used == listed);
	return rc;
}
