/* The findings collector: thread-safe accumulation, skips, stats, stable order. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"

#define COLLECTOR_MAGIC 0x46494e44u

/*
 * The text every finding of one rule repeats (kind, rule name,
 * description, reference), kept once: with many findings the copies
 * would outweigh the findings.  The collector owns these strings; the
 * reasons of the findings it holds point into it.
 */
struct strtab {
	char **slot;			/* NULL: empty */
	size_t n, cap;			/* cap: a power of two */
};

struct exh_findings {
	unsigned magic;
	pthread_mutex_t lock;
	struct strtab texts;
	struct exh_finding **items;
	size_t n, cap;
	struct exh_skip *skips;
	size_t nskips, capskips;
	struct exh_set64 skip_hashes;	/* skip_hash of every skip */
	struct exh_stats stats;
	char *partial;
};

int
exh_findings_create(struct exh_findings **out, struct exh_err *err)
{
	struct exh_findings *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "findings: out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->magic = COLLECTOR_MAGIC;
	*out = c;
	return EXH_OK;
}

static void
free_skip(struct exh_skip *s)
{
	free(s->path);
	free(s->stream);
	free(s->reason);
	free(s->detail);
}

static size_t
str_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static char **
str_slot(const struct strtab *t, const char *s)
{
	size_t i = str_hash(s) & (t->cap - 1);

	while (t->slot[i] != NULL && strcmp(t->slot[i], s) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* Room for extra more strings at most half full: inserts cannot fail. */
static bool
str_reserve(struct strtab *t, size_t extra)
{
	struct strtab g;
	size_t i;

	if (t->n + extra <= t->cap / 2)
		return true;
	g.cap = t->cap ? t->cap : 64;
	while (t->n + extra > g.cap / 2)
		if (!exh_mul_ok(g.cap, 2, &g.cap))
			return false;
	if ((g.slot = calloc(g.cap, sizeof(*g.slot))) == NULL)
		return false;
	g.n = t->n;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i] != NULL)
			*str_slot(&g, t->slot[i]) = t->slot[i];
	free(t->slot);
	*t = g;
	return true;
}

/* The kept copy of *s, which is freed when one was kept already. */
static void
str_keep(struct strtab *t, char **s)
{
	char **at;

	if (*s == NULL)
		return;
	at = str_slot(t, *s);
	if (*at == NULL) {
		*at = *s;
		t->n++;
	} else if (*at != *s) {
		free(*s);
		*s = *at;
	}
}

/* Before a finding is freed: its shared texts are not its own. */
static void
str_release(struct exh_finding *f)
{
	size_t i;

	for (i = 0; i < f->nreasons; i++) {
		f->reasons[i].kind = NULL;
		f->reasons[i].name = NULL;
		f->reasons[i].description = NULL;
		f->reasons[i].reference = NULL;
	}
}

void
exh_findings_destroy(struct exh_findings *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		str_release(c->items[i]);
		exh_finding_free(c->items[i]);
	}
	for (i = 0; i < c->texts.cap; i++)
		free(c->texts.slot[i]);
	free(c->texts.slot);
	for (i = 0; i < c->nskips; i++)
		free_skip(&c->skips[i]);
	free(c->items);
	free(c->skips);
	exh_set64_free(&c->skip_hashes);
	free(c->partial);
	pthread_mutex_destroy(&c->lock);
	c->magic = 0;
	free(c);
}

static bool
grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16, bytes;
	void *p;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	if (!exh_mul_ok(ncap, elem, &bytes) || (p = realloc(*arr, bytes)) == NULL)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

int
exh_findings_add(struct exh_findings *c, struct exh_finding *f,
    struct exh_err *err)
{
	int rc = EXH_OK;
	size_t i;

	if (c == NULL || c->magic != COLLECTOR_MAGIC || f == NULL) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "findings: add: invalid collector or finding");
	}
	pthread_mutex_lock(&c->lock);
	if (f->nreasons <= SIZE_MAX / 8 &&
	    str_reserve(&c->texts, 4 * f->nreasons) &&
	    grow((void **)&c->items, &c->cap, c->n + 1, sizeof(*c->items))) {
		for (i = 0; i < f->nreasons; i++) {
			str_keep(&c->texts, &f->reasons[i].kind);
			str_keep(&c->texts, &f->reasons[i].name);
			str_keep(&c->texts, &f->reasons[i].description);
			str_keep(&c->texts, &f->reasons[i].reference);
		}
		c->items[c->n++] = f;
	} else
		rc = EXH_ENOMEM;
	pthread_mutex_unlock(&c->lock);
	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(err, rc, 0, "findings: out of memory");
	}
	return EXH_OK;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* FNV-1a over the fields has_skip compares; never UINT64_MAX. */
static uint64_t
skip_hash(const struct exh_skip *s)
{
	const char *f[4] = { s->reason, s->path, s->stream, s->detail };
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;
	size_t i;

	for (i = 0; i < 8; i++)
		h = (h ^ ((s->mft >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	for (i = 0; i < 4; i++) {
		for (p = (const unsigned char *)f[i]; *p != '\0'; p++)
			h = (h ^ *p) * 0x100000001b3ull;
		h = (h ^ 0xff) * 0x100000001b3ull;	/* field separator */
	}
	return h == UINT64_MAX ? 0 : h;
}

/*
 * Called with the lock held.  The hash set rules out almost every new
 * skip at once; only a hash seen before (a duplicate, or rarely a
 * collision) is compared with the list, which sorting may reorder.
 */
static bool
has_skip(const struct exh_findings *c, const struct exh_skip *s,
    uint64_t hash)
{
	size_t i;

	if (!exh_set64_has(&c->skip_hashes, hash))
		return false;
	for (i = 0; i < c->nskips; i++)
		if (c->skips[i].mft == s->mft &&
		    strcmp(c->skips[i].reason, s->reason) == 0 &&
		    strcmp(c->skips[i].path, s->path) == 0 &&
		    strcmp(c->skips[i].stream, s->stream) == 0 &&
		    strcmp(c->skips[i].detail, s->detail) == 0)
			return true;
	return false;
}

int
exh_findings_add_skip(struct exh_findings *c, const char *path,
    const char *stream, uint64_t mft, uint64_t size, const char *reason,
    const char *detail, struct exh_err *err)
{
	struct exh_skip s;
	uint64_t hash;
	int rc = EXH_OK;

	if (c == NULL || c->magic != COLLECTOR_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "findings: add skip: invalid collector");
	s.path = dup_or_empty(path);
	s.stream = dup_or_empty(stream);
	s.reason = dup_or_empty(reason);
	s.detail = dup_or_empty(detail);
	s.mft = mft;
	s.size = size;
	if (s.path == NULL || s.stream == NULL || s.reason == NULL ||
	    s.detail == NULL) {
		free_skip(&s);
		return exh_err_set(err, EXH_ENOMEM, 0, "findings: out of memory");
	}
	hash = skip_hash(&s);
	pthread_mutex_lock(&c->lock);
	if (has_skip(c, &s, hash))
		free_skip(&s);	/* the file scan and a log walk both saw it */
	else if (grow((void **)&c->skips, &c->capskips, c->nskips + 1,
	    sizeof(*c->skips)) &&
	    exh_set64_add(&c->skip_hashes, hash) == EXH_OK)
		c->skips[c->nskips++] = s;
	else
		rc = EXH_ENOMEM;
	pthread_mutex_unlock(&c->lock);
	if (rc != EXH_OK) {
		free_skip(&s);
		return exh_err_set(err, rc, 0, "findings: out of memory");
	}
	return EXH_OK;
}

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int
cmp_finding(const void *pa, const void *pb)
{
	const struct exh_finding *a = *(struct exh_finding *const *)pa;
	const struct exh_finding *b = *(struct exh_finding *const *)pb;
	int d;

	if (a->level != b->level)
		return b->level - a->level;
	if (a->score != b->score)
		return b->score - a->score;
	if ((d = a->kind - b->kind) != 0 ||
	    (d = cmp_str(a->file.path, b->file.path)) != 0 ||
	    (d = cmp_str(a->file.stream, b->file.stream)) != 0 ||
	    (d = cmp_u64(a->line, b->line)) != 0 ||
	    (d = cmp_u64(a->record, b->record)) != 0 ||
	    (d = cmp_str(a->check, b->check)) != 0)
		return d;
	return cmp_u64(a->file.mft, b->file.mft);
}

static int
cmp_skip(const void *pa, const void *pb)
{
	const struct exh_skip *a = pa, *b = pb;
	int d;

	if ((d = cmp_str(a->path, b->path)) != 0 ||
	    (d = cmp_str(a->stream, b->stream)) != 0)
		return d;
	return cmp_str(a->reason, b->reason);
}

void
exh_findings_sort(struct exh_findings *c)
{
	size_t i;

	if (c == NULL || c->magic != COLLECTOR_MAGIC)
		return;
	pthread_mutex_lock(&c->lock);
	/* qsort's array may not be NULL, even for zero elements. */
	if (c->n > 0)
		qsort(c->items, c->n, sizeof(*c->items), cmp_finding);
	if (c->nskips > 0)
		qsort(c->skips, c->nskips, sizeof(*c->skips), cmp_skip);
	for (i = 0; i < c->n; i++) {
		char id[16];
		int w = snprintf(id, sizeof(id), "F%04zu", i + 1);

		if (w > 0 && (size_t)w < sizeof(id))
			memcpy(c->items[i]->id, id, sizeof(id));
	}
	pthread_mutex_unlock(&c->lock);
}

size_t
exh_findings_count(const struct exh_findings *c)
{
	return c != NULL ? c->n : 0;
}

const struct exh_finding *
exh_findings_get(const struct exh_findings *c, size_t i)
{
	return (c != NULL && i < c->n) ? c->items[i] : NULL;
}

size_t
exh_findings_skip_count(const struct exh_findings *c)
{
	return c != NULL ? c->nskips : 0;
}

const struct exh_skip *
exh_findings_skip(const struct exh_findings *c, size_t i)
{
	return (c != NULL && i < c->nskips) ? &c->skips[i] : NULL;
}

void
exh_findings_level_counts(const struct exh_findings *c, size_t counts[4])
{
	size_t i;

	memset(counts, 0, 4 * sizeof(counts[0]));
	if (c == NULL)
		return;
	/* Log threads ask while others still add. */
	pthread_mutex_lock((pthread_mutex_t *)&c->lock);
	for (i = 0; i < c->n; i++)
		if (c->items[i]->level >= 0 && c->items[i]->level <= 3)
			counts[c->items[i]->level]++;
	pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
}

void
exh_findings_stats_add(struct exh_findings *c, const struct exh_stats *d)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stats.streams_seen += d->streams_seen;
	c->stats.streams_scanned += d->streams_scanned;
	c->stats.bytes_scanned += d->bytes_scanned;
	c->stats.streams_skipped += d->streams_skipped;
	c->stats.streams_unreadable += d->streams_unreadable;
	c->stats.log_files += d->log_files;
	c->stats.log_lines += d->log_lines;
	c->stats.events += d->events;
	pthread_mutex_unlock(&c->lock);
}

struct exh_stats
exh_findings_stats(const struct exh_findings *c)
{
	struct exh_stats s = { 0 };

	if (c != NULL)
		s = c->stats;
	return s;
}

void
exh_findings_set_partial(struct exh_findings *c, const char *why)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->partial == NULL)
		c->partial = strdup(why != NULL ? why : "partial");
	pthread_mutex_unlock(&c->lock);
}

const char *
exh_findings_partial(const struct exh_findings *c)
{
	return c != NULL ? c->partial : NULL;
}
