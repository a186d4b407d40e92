/* Shadow copies without scanning twice: an index of what the live scan read, and the contents scanned in stores. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* The VSS store files' common tail, {3808876b-...}: the catalog and
 * every "{store-guid}{3808876b-...}" difference area. */
#define VSS_TAIL	"{3808876b-c176-4e48-b7ae-04046e6cc752}"
#define SVI_DIR		"\\System Volume Information\\"

/*
 * One stream the live scan read: 48 bytes.  The key (reference, stream,
 * size) only narrows the search; SHA-256 (its first 128 bits) decides.
 */
struct dedupe_entry {
	uint64_t ref;		/* MFT record | sequence << 48 */
	uint64_t size;
	uint32_t stream;	/* FNV-1a of the stream's name */
	unsigned char head[8];	/* SHA-256 of the first block, cut */
	unsigned char sha[16];	/* SHA-256 of the stream, cut */
};

struct exh_scan_dedupe {
	pthread_mutex_t lock;
	struct dedupe_entry *live;	/* sorted once frozen */
	size_t n, cap;
	bool frozen;
	/* Contents scanned in a store: SHA-256 bits 0..63 -> bits 64..119
	 * and the store's ordinal in the low 8 bits. */
	struct exh_set64 stored;
	unsigned store;			/* ordinal of the store being scanned */
	struct exh_scan_dedupe_counts counts;
};

int
exh_scan_dedupe_create(struct exh_scan_dedupe **out, struct exh_err *err)
{
	struct exh_scan_dedupe *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	pthread_mutex_init(&d->lock, NULL);
	*out = d;
	return EXH_OK;
}

void
exh_scan_dedupe_destroy(struct exh_scan_dedupe *d)
{
	if (d == NULL)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d->live);
	exh_set64_free(&d->stored);
	free(d);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct dedupe_entry *x = a, *y = b;

	if (x->ref != y->ref)
		return x->ref < y->ref ? -1 : 1;
	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return 0;
}

int
exh_scan_dedupe_freeze(struct exh_scan_dedupe *d, struct exh_err *err)
{
	struct dedupe_entry *fit;

	if (d == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "dedupe: invalid call");
	if (d->frozen)
		return EXH_OK;
	qsort(d->live, d->n, sizeof(*d->live), entry_cmp);
	/* What grew by doubling is cut to what it holds. */
	if (d->n > 0 && d->n < d->cap &&
	    (fit = realloc(d->live, d->n * sizeof(*fit))) != NULL) {
		d->live = fit;
		d->cap = d->n;
	}
	d->frozen = true;
	d->counts.index_bytes = d->cap * sizeof(*d->live);
	return EXH_OK;
}

void
exh_scan_dedupe_next_store(struct exh_scan_dedupe *d)
{
	if (d != NULL)
		d->store++;
}

void
exh_scan_dedupe_counts(struct exh_scan_dedupe *d,
    struct exh_scan_dedupe_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	*c = d->counts;
	pthread_mutex_unlock(&d->lock);
}

size_t
exh_scan_dedupe_entry_bytes(void)
{
	return sizeof(struct dedupe_entry);
}

static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

bool
dedupe_hex_bytes(const char *hex, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = exh_hexval((unsigned char)hex[2 * i])) < 0 ||
		    (lo = exh_hexval((unsigned char)hex[2 * i + 1])) < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static void
key_of(const struct exh_fileref *f, struct dedupe_entry *k)
{
	memset(k, 0, sizeof(*k));
	k->ref = (f->mft & 0xffffffffffffull) | (uint64_t)f->seq << 48;
	k->size = f->size;
	k->stream = name_hash(f->stream);
}

int
dedupe_record(struct exh_scan_dedupe *d, const struct exh_fileref *f,
    const unsigned char head[8], const char *sha256)
{
	struct dedupe_entry e, *grown;
	size_t cap;
	int rc = EXH_OK;

	key_of(f, &e);
	if (head != NULL)
		memcpy(e.head, head, sizeof(e.head));
	if (!dedupe_hex_bytes(sha256, e.sha, sizeof(e.sha)))
		return EXH_OK;	/* not hashed: nothing to compare with */
	pthread_mutex_lock(&d->lock);
	if (d->frozen) {
		rc = EXH_EUSAGE;
	} else if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 1024;
		if ((grown = reallocarray(d->live, cap, sizeof(*grown))) ==
		    NULL)
			rc = EXH_ENOMEM;
		else {
			d->live = grown;
			d->cap = cap;
		}
	}
	if (rc == EXH_OK) {
		d->live[d->n++] = e;
		d->counts.recorded++;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

const struct dedupe_entry *
dedupe_live(const struct exh_scan_dedupe *d, const struct exh_fileref *f)
{
	struct dedupe_entry k;

	if (d == NULL || !d->frozen || d->n == 0)
		return NULL;
	key_of(f, &k);
	return bsearch(&k, d->live, d->n, sizeof(*d->live), entry_cmp);
}

bool
dedupe_same_head(const struct dedupe_entry *e, const unsigned char head[8])
{
	return memcmp(e->head, head, sizeof(e->head)) == 0;
}

bool
dedupe_same_sha(const struct dedupe_entry *e, const char *sha256)
{
	unsigned char sha[16];

	return dedupe_hex_bytes(sha256, sha, sizeof(sha)) &&
	    memcmp(e->sha, sha, sizeof(sha)) == 0;
}

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
dedupe_store_seen(struct exh_scan_dedupe *d, const char *sha256, bool *seen)
{
	unsigned char sha[16];
	uint64_t key, tail, have;
	int rc = EXH_OK;

	*seen = false;
	if (!dedupe_hex_bytes(sha256, sha, sizeof(sha)))
		return EXH_OK;
	key = load64(sha);
	if (key == UINT64_MAX)
		key--;		/* the one key a set64 cannot hold */
	tail = load64(sha + 8) & ~(uint64_t)0xff;
	pthread_mutex_lock(&d->lock);
	if (exh_set64_get(&d->stored, key, &have)) {
		/* The same content twice in one store is two files: both
		 * are reported.  Another store's copy is not scanned. */
		*seen = (have & ~(uint64_t)0xff) == tail &&
		    (have & 0xff) != (d->store & 0xff);
	} else
		rc = exh_set64_put(&d->stored, key, tail | (d->store & 0xff));
	pthread_mutex_unlock(&d->lock);
	return rc;
}

void
dedupe_count(struct exh_scan_dedupe *d, int what)
{
	pthread_mutex_lock(&d->lock);
	if (what == DEDUPE_IDENTICAL_LIVE)
		d->counts.identical_live++;
	else if (what == DEDUPE_IDENTICAL_NEWER)
		d->counts.identical_newer++;
	else if (what == DEDUPE_STORE_FILE)
		d->counts.store_files++;
	pthread_mutex_unlock(&d->lock);
}

bool
dedupe_is_store_file(const char *path)
{
	const char *svi = path != NULL ? strchr(path, '\\') : NULL;
	size_t m = sizeof(SVI_DIR) - 1;

	/* "X:\System Volume Information\{guid}{3808876b-...}", directly
	 * below the folder. */
	return svi != NULL && exh_ascii_istarts(svi, SVI_DIR) &&
	    strchr(svi + m, '\\') == NULL && exh_ascii_iends(svi + m, VSS_TAIL);
}
