/* Test helper: a dirty hive and new-format (HvLE) transaction log entries built from two hive specs (mkhive, unit tests, fuzz seeds). */
#ifndef EXHUME_TESTS_HIVELOGSPEC_H
#define EXHUME_TESTS_HIVELOGSPEC_H

/*
 * hl_build(old_spec, new_spec, nentries, &set): the hive "on disk" holds
 * old_spec's content with a dirty base block (primary sequence
 * HL_SEQ + 1, secondary HL_SEQ), as Windows leaves it when a write did not
 * finish.  The 4096-byte pages in which new_spec's hive differs from it
 * are split over nentries log entries with sequence numbers HL_SEQ,
 * HL_SEQ + 1, ...  hl_log() packs a run of those entries into a log file
 * (a 512-byte base block with file type 6, then the entries).  The hashes
 * come from exh_hive_marvin32, checked separately on real Windows logs.
 */

#include <unistd.h>

#include "exhume/host.h"

#include "hivespec.h"

#define HL_SEQ		7u
#define HL_MAX_ENTRIES	8

struct hl_entry {
	unsigned char *data;
	size_t len;
};

struct hl_set {
	unsigned char *hive;	/* dirty, old content */
	size_t hive_len;
	unsigned char *base;	/* the old base block, for log headers */
	struct hl_entry entries[HL_MAX_ENTRIES];
	unsigned nentries;
};

static HS_UNUSED uint32_t
hl_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static HS_UNUSED void
hl_put64(unsigned char *p, uint64_t v)
{
	hs_put32(p, (uint32_t)v);
	hs_put32(p + 4, (uint32_t)(v >> 32));
}

static HS_UNUSED void
hl_checksum(unsigned char *b)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 508; i += 4)
		sum ^= hl_get32(b + i);
	if (sum == 0xffffffffu)
		sum = 0xfffffffeu;
	if (sum == 0)
		sum = 1;
	hs_put32(b + 508, sum);
}

/* Recomputes both hashes of an entry (after a test edits it). */
static HS_UNUSED void
hl_rehash(unsigned char *e)
{
	uint32_t size = hl_get32(e + 4);

	hl_put64(e + 24, exh_hive_marvin32(e + 40, size - 40));
	hl_put64(e + 32, exh_hive_marvin32(e, 32));
}

static HS_UNUSED int
hl_spec_hive(const char *spec, unsigned char **data, size_t *len, char *why,
    size_t whylen)
{
	char path[] = "/tmp/exh-hivelog-XXXXXX";
	unsigned char *d = NULL;
	FILE *f;
	long n;
	int fd, rc = -1;

	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	if (hs_build(spec, path, why, whylen) == 0 &&
	    (f = fopen(path, "rb")) != NULL) {
		if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 4096 &&
		    fseek(f, 0, SEEK_SET) == 0 &&
		    (d = malloc((size_t)n)) != NULL &&
		    fread(d, 1, (size_t)n, f) == (size_t)n) {
			*data = d;
			*len = (size_t)n;
			d = NULL;
			rc = 0;
		}
		fclose(f);
	}
	free(d);
	unlink(path);
	return rc;
}

/* One entry holding pages [from, to) of the changed list. */
static HS_UNUSED int
hl_entry(const unsigned char *newh, uint32_t hbins, const uint32_t *pages,
    unsigned from, unsigned to, uint32_t seq, struct hl_entry *out)
{
	size_t n = to - from, size = 40 + n * 8 + n * 4096, i;
	unsigned char *e;

	size = (size + 511) / 512 * 512;
	if ((e = calloc(1, size)) == NULL)
		return -1;
	memcpy(e, "HvLE", 4);
	hs_put32(e + 4, (uint32_t)size);
	hs_put32(e + 8, 0);
	hs_put32(e + 12, seq);
	hs_put32(e + 16, hbins);
	hs_put32(e + 20, (uint32_t)n);
	for (i = 0; i < n; i++) {
		hs_put32(e + 40 + i * 8, pages[from + i]);
		hs_put32(e + 40 + i * 8 + 4, 4096);
		memcpy(e + 40 + n * 8 + i * 4096, newh + 4096 + pages[from + i],
		    4096);
	}
	hl_rehash(e);
	out->data = e;
	out->len = size;
	return 0;
}

static HS_UNUSED void
hl_free(struct hl_set *s)
{
	unsigned i;

	free(s->hive);
	free(s->base);
	for (i = 0; i < s->nentries; i++)
		free(s->entries[i].data);
	memset(s, 0, sizeof(*s));
}

static HS_UNUSED int
hl_build(const char *old_spec, const char *new_spec, unsigned nentries,
    struct hl_set *s, char *why, size_t whylen)
{
	unsigned char *oldh = NULL, *newh = NULL;
	size_t oldlen = 0, newlen = 0, off;
	uint32_t hbins, pages[256];
	unsigned npages = 0, i, from, to;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (nentries == 0 || nentries > HL_MAX_ENTRIES ||
	    hl_spec_hive(old_spec, &oldh, &oldlen, why, whylen) != 0 ||
	    hl_spec_hive(new_spec, &newh, &newlen, why, whylen) != 0)
		goto out;
	hbins = hl_get32(newh + 40);
	for (off = 0; off < hbins && npages < 256; off += 4096)
		if (4096 + off + 4096 > oldlen ||
		    memcmp(oldh + 4096 + off, newh + 4096 + off, 4096) != 0)
			pages[npages++] = (uint32_t)off;
	if (npages < nentries) {
		snprintf(why, whylen, "%u changed pages for %u entries",
		    npages, nentries);
		goto out;
	}
	hs_put32(oldh + 4, HL_SEQ + 1);
	hs_put32(oldh + 8, HL_SEQ);
	hl_checksum(oldh);
	if ((s->base = malloc(512)) == NULL)
		goto out;
	memcpy(s->base, oldh, 512);
	for (i = 0; i < nentries; i++) {
		from = npages * i / nentries;
		to = npages * (i + 1) / nentries;
		if (hl_entry(newh, hbins, pages, from, to, HL_SEQ + i,
		    &s->entries[i]) != 0)
			goto out;
		s->nentries++;
	}
	s->hive = oldh;
	s->hive_len = oldlen;
	oldh = NULL;
	rc = 0;
out:
	free(oldh);
	free(newh);
	if (rc != 0)
		hl_free(s);
	return rc;
}

/* A log file holding entries [from, to) of s; malloc'd into *log. */
static HS_UNUSED int
hl_log(const struct hl_set *s, unsigned from, unsigned to,
    unsigned char **log, size_t *len)
{
	size_t n = 512, at;
	unsigned i;
	unsigned char *l;

	for (i = from; i < to; i++)
		n += s->entries[i].len;
	if ((l = calloc(1, n)) == NULL)
		return -1;
	memcpy(l, s->base, 512);
	hs_put32(l + 4, HL_SEQ + from);
	hs_put32(l + 8, HL_SEQ + from);
	hs_put32(l + 28, 6);		/* new-format transaction log */
	hl_checksum(l);
	for (at = 512, i = from; i < to; i++) {
		memcpy(l + at, s->entries[i].data, s->entries[i].len);
		at += s->entries[i].len;
	}
	*log = l;
	*len = n;
	return 0;
}

#endif /* EXHUME_TESTS_HIVELOGSPEC_H */
