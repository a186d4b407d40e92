/* Both readers over one .evtx, record by record: the identity check behind the switch to our binary XML reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* As in events.c: no libbfio. */
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>

#include "exhume/core.h"

#include "events_int.h"

struct placed {
	uint64_t id;
	uint64_t chunk;
	uint32_t off, size;
};

static int
by_id(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every record our chunk walk sees, with its place. */
static int
place_all(int fd, uint64_t size, struct placed **out, size_t *n)
{
	unsigned char *c = malloc(CHUNK_SIZE);
	struct placed *p = NULL;
	size_t np = 0, cap = 0;
	uint64_t i, nchunks = size > FILE_HDR ? (size - FILE_HDR) / CHUNK_SIZE : 0;

	if (c == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < nchunks; i++) {
		uint32_t off = CHUNK_HDR, end;

		if (pread(fd, c, CHUNK_SIZE, (off_t)(FILE_HDR + i * CHUNK_SIZE)) !=
		    (ssize_t)CHUNK_SIZE || memcmp(c, "ElfChnk", 8) != 0)
			continue;
		end = exh_le32(c + 48);
		if (end < CHUNK_HDR || end > CHUNK_SIZE)
			end = CHUNK_SIZE;
		while (off + 28 <= end && memcmp(c + off, "**\0\0", 4) == 0) {
			uint32_t rs = exh_le32(c + off + 4);

			if (rs < 28 || rs > end - off)
				break;
			if (np == cap) {
				struct placed *q;

				cap = cap ? cap * 2 : 1024;
				if ((q = realloc(p, cap * sizeof(*p))) == NULL) {
					free(p);
					free(c);
					return EXH_ENOMEM;
				}
				p = q;
			}
			p[np++] = (struct placed){ exh_le64(c + off + 8), i, off,
			    rs };
			off += rs;
		}
	}
	free(c);
	qsort(p, np, sizeof(*p), by_id);
	*out = p;
	*n = np;
	return EXH_OK;
}

static bool
same_buf(const struct exh_buf *a, const struct exh_buf *b)
{
	size_t la = a->data ? a->len : 0, lb = b->data ? b->len : 0;

	return la == lb && (la == 0 || memcmp(a->data, b->data, la) == 0);
}

/* The first field in which a and b differ, NULL when none. */
static const char *
differs(const struct events_record *a, const struct events_record *b)
{
	size_t i;

	if (a->time != b->time)
		return "time";
	if (a->event_id != b->event_id)
		return "event id";
	if (a->level != b->level)
		return "level";
	if (!same_buf(&a->provider, &b->provider))
		return "provider";
	if (!same_buf(&a->channel, &b->channel))
		return "channel";
	if (!same_buf(&a->computer, &b->computer))
		return "computer";
	if (!same_buf(&a->systime, &b->systime))
		return "systime";
	if (a->ndata != b->ndata)
		return "number of data values";
	for (i = 0; i < a->ndata; i++)
		if (!same_buf(&a->data[i], &b->data[i]))
			return "data value";
	return NULL;
}

static void
describe(struct events_compare *cmp, uint64_t id, const char *field,
    const struct events_record *a, const struct events_record *b)
{
	size_t i;
	const char *va = "", *vb = "";

	if (cmp->first_diff[0] != '\0')
		return;
	if (strcmp(field, "data value") == 0) {
		for (i = 0; i < a->ndata; i++)
			if (!same_buf(&a->data[i], &b->data[i]))
				break;
		va = a->data[i].data ? a->data[i].data : "";
		vb = b->data[i].data ? b->data[i].data : "";
	} else if (strcmp(field, "provider") == 0) {
		va = a->provider.data ? a->provider.data : "";
		vb = b->provider.data ? b->provider.data : "";
	} else if (strcmp(field, "systime") == 0) {
		va = a->systime.data ? a->systime.data : "";
		vb = b->systime.data ? b->systime.data : "";
	}
	(void)snprintf(cmp->first_diff, sizeof(cmp->first_diff),
	    "record %llu: %s: libevtx \"%.200s\", ours \"%.200s\"",
	    (unsigned long long)id, field, va, vb);
}

/* Record idx through libevtx into a; false when libevtx cannot. */
static bool
through_libevtx(libevtx_file_t *f, int idx, struct events_record *a,
    uint64_t *id)
{
	libevtx_record_t *rec = NULL;
	uint64_t wt = 0;
	size_t sz = 0;
	char *xml = NULL;
	bool ok;

	if (libevtx_file_get_record_by_index(f, idx, &rec, NULL) != 1)
		return false;
	ok = libevtx_record_get_identifier(rec, id, NULL) == 1 &&
	    libevtx_record_get_written_time(rec, &wt, NULL) == 1 &&
	    libevtx_record_get_utf8_xml_string_size(rec, &sz, NULL) == 1 &&
	    sz > 0 && (xml = malloc(sz)) != NULL &&
	    libevtx_record_get_utf8_xml_string(rec, (uint8_t *)xml, sz,
	    NULL) == 1;
	libevtx_record_free(&rec, NULL);
	events_record_reset(a);
	ok = ok && events_xml_parse(xml, sz, a) == EXH_OK;
	free(xml);
	if (ok && a->time == 0)
		a->time = (int64_t)wt;
	return ok;
}

static void
compare_one(struct events_compare *cmp, int fd, unsigned char *chunk,
    uint64_t *loaded, const struct placed *p, struct events_binxml *bx,
    const struct events_record *a, struct events_record *b)
{
	const char *field;

	if (*loaded != p->chunk) {
		if (pread(fd, chunk, CHUNK_SIZE, (off_t)(FILE_HDR + p->chunk *
		    CHUNK_SIZE)) != (ssize_t)CHUNK_SIZE) {
			cmp->fell_back++;
			return;
		}
		*loaded = p->chunk;
	}
	events_record_reset(b);
	if (events_binxml_parse(bx, chunk, p->off, p->size, b) != EXH_OK) {
		if (cmp->fell_back++ == 0)
			cmp->first_fell_back = p->id;
		return;
	}
	if (b->time == 0)
		b->time = (int64_t)exh_le64(chunk + p->off + 16);
	if ((field = differs(a, b)) == NULL) {
		cmp->identical++;
		return;
	}
	cmp->differing++;
	describe(cmp, p->id, field, a, b);
}

int
events_compare_fd(int fd, uint64_t size, struct events_compare *cmp)
{
	struct events_record a = { 0 }, b = { 0 };
	struct events_binxml bx = { 0 };
	struct placed *pl = NULL;
	libevtx_file_t *f = NULL;
	unsigned char *chunk = NULL;
	uint64_t loaded = UINT64_MAX;
	size_t npl = 0;
	char path[64];
	int n = 0, i, rc;

	memset(cmp, 0, sizeof(*cmp));
	if ((rc = place_all(fd, size, &pl, &npl)) != EXH_OK ||
	    (rc = events_binxml_init(&bx)) != EXH_OK ||
	    (chunk = malloc(CHUNK_SIZE)) == NULL) {
		rc = EXH_ENOMEM;
		goto done;
	}
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (libevtx_file_initialize(&f, NULL) != 1 ||
	    libevtx_file_open(f, path, LIBEVTX_OPEN_READ, NULL) != 1 ||
	    libevtx_file_get_number_of_records(f, &n, NULL) != 1) {
		rc = EXH_ECORRUPT;
		goto done;
	}
	for (i = 0; i < n; i++) {
		struct placed key, *p;

		cmp->records++;
		if (!through_libevtx(f, i, &a, &key.id)) {
			cmp->libevtx_failed++;
			continue;
		}
		p = bsearch(&key, pl, npl, sizeof(*pl), by_id);
		if (p == NULL) {
			cmp->not_placed++;
			continue;
		}
		compare_one(cmp, fd, chunk, &loaded, p, &bx, &a, &b);
	}
	libevtx_file_close(f, NULL);
	rc = EXH_OK;
done:
	if (f != NULL)
		libevtx_file_free(&f, NULL);
	free(chunk);
	free(pl);
	events_binxml_free(&bx);
	events_record_free(&a);
	events_record_free(&b);
	return rc;
}
