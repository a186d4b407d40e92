/* Collecting the planned streams: read each by MFT reference, store it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/volume.h"

#include "bundle_int.h"

/* Reads the stream for the bundle and hashes what it hands over. */
struct stream_reader {
	struct exh_stream *st;
	uint64_t off;
	struct exh_hasher *h;
};

static int
read_item(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct stream_reader *r = ctx;
	int rc = exh_stream_pread(r->st, buf, len, r->off, got, err);

	if (rc == EXH_OK) {
		r->off += *got;
		exh_hasher_update(r->h, buf, *got);
	}
	return rc;
}

static void
item_to_bundle(const struct plan_item *it, struct exh_bundle_item *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->drive = it->file.path[0];
	bi->file = it->file;		/* borrowed for the call */
	bi->reason = it->reason;
	bi->finding_ids = it->ids;
	bi->n_finding_ids = it->nids;
	bi->max_bytes = it->max_bytes;
	bi->max_why = it->max_why;
}

/* What the bundle did with the item, told by what was read. */
static void
record_outcome(const struct exh_bundle *b, struct plan_item *it, int rc,
    const struct stream_reader *r, const struct exh_err *err)
{
	if (rc == EXH_EIO) {
		it->status = "incomplete";
		it->why = strdup(err->msg);
	} else if (r->off == 0 && it->file.size > 0) {
		it->status = "left-out";
		it->why = strdup(b->cap_why);
	} else if (r->off < it->file.size) {
		it->status = "incomplete";
		it->why = strdup(it->max_bytes != 0 &&
		    r->off >= it->max_bytes && it->max_why != NULL ?
		    it->max_why : "size cap reached while reading");
	} else
		it->status = "collected";
	if (r->off > 0 || it->file.size == 0)
		(void)exh_hasher_final(r->h, NULL, NULL, it->sha256);
}

/* Lists the item as left out with why; the manifest says so too. */
static int
leave_out(struct exh_bundle *b, struct plan_item *it,
    const struct exh_bundle_item *bi, const char *why, struct exh_err *err)
{
	char copy[EXH_ERR_MSG_MAX];

	/* why may be err->msg, which the call below overwrites; at most
	 * EXH_ERR_MSG_MAX long, like copy, so never cut. */
	(void)snprintf(copy, sizeof(copy), "%s", why);
	it->status = "left-out";
	free(it->why);
	it->why = strdup(copy);
	return exh_bundle_add_skipped(b, bi, copy, err);
}

/*
 * A name holding '\\', '/', NUL or an unpaired surrogate has a display
 * path that leads elsewhere or nowhere, and may equal another stream's.
 * Such an item gets its MFT reference as salt: a tagged entry name of
 * its own.
 */
static const char *
salt_for(const struct plan_item *it, char *buf, size_t len)
{
	struct exh_err err;
	uint64_t mft;

	if (exh_volume_lookup(it->vol, it->file.path, &mft, NULL, &err) ==
	    EXH_OK && mft == it->file.mft)
		return NULL;
	if (snprintf(buf, len, "%llu-%u", (unsigned long long)it->file.mft,
	    (unsigned)it->file.seq) >= (int)len)
		return NULL;
	return buf;
}

static int
collect(struct exh_bundle *b, struct plan_item *it, struct exh_err *err)
{
	struct exh_bundle_item bi;
	struct stream_reader r = { NULL, 0, NULL };
	struct exh_buf name = { 0 };
	const char *salt;
	char saltbuf[48];
	int rc;

	item_to_bundle(it, &bi);
	if (it->over_cap)
		return leave_out(b, it, &bi, b->cap_why, err);
	salt = salt_for(it, saltbuf, sizeof(saltbuf));
	if (bundle_entry_name_salted(bi.drive, it->file.path, it->file.stream,
	    salt, &name) == EXH_OK && name.data != NULL)
		it->entry = exh_buf_take(&name);
	exh_buf_free(&name);
	/* By MFT reference: a display path may not lead back to the file. */
	if (exh_stream_open_ref(it->vol, it->file.mft, it->file.seq,
	    it->file.stream, &r.st, err) != EXH_OK)
		return leave_out(b, it, &bi, err->msg, err);
	if (exh_hasher_create(false, false, &r.h) != EXH_OK) {
		exh_stream_close(r.st);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	rc = bundle_add_stream(b, &bi, salt, read_item, &r, err);
	exh_stream_close(r.st);
	if (rc == EXH_OK || rc == EXH_EIO)
		record_outcome(b, it, rc, &r, err);
	exh_hasher_destroy(r.h);
	/* An item the bundle refused (two display paths with one entry
	 * name, no entry name) is listed, not lost. */
	if (rc == EXH_EUSAGE)
		return leave_out(b, it, &bi, err->msg, err);
	/* An unreadable stream is recorded as incomplete; go on. */
	return rc == EXH_EIO ? EXH_OK : rc;
}

/* The bytes an item stores at most: its size or its per-file cap. */
static uint64_t
plan_bytes(const struct plan_item *it)
{
	return it->max_bytes != 0 && it->max_bytes < it->file.size ?
	    it->max_bytes : it->file.size;
}

/* Findings' streams first, then smaller before larger. */
static int
by_keep_order(const void *a, const void *b)
{
	const struct plan_item *x = *(const struct plan_item *const *)a;
	const struct plan_item *y = *(const struct plan_item *const *)b;

	if ((x->nids > 0) != (y->nids > 0))
		return x->nids > 0 ? -1 : 1;
	if (plan_bytes(x) != plan_bytes(y))
		return plan_bytes(x) < plan_bytes(y) ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * When the plan does not fit under the cap, marks what is left out before
 * anything is read.  Plan order alone would let one large stream early in
 * the plan (a flagged database, $MFT) crowd out every small one after it
 * (hives, event logs, the next web shell); choosing smallest first keeps
 * the most items and leaves out the largest, which a later full image
 * still holds.  The streams of findings are the evidence and are chosen
 * before any artefact.
 */
static int
choose_under_cap(struct exh_bundle_plan *p, uint64_t cap,
    struct exh_err *err)
{
	struct plan_item **v;
	uint64_t used = 0;
	size_t i;

	if (p->bytes <= cap || p->n == 0)
		return EXH_OK;
	if ((v = calloc(p->n, sizeof(*v))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of "
		    "memory");
	for (i = 0; i < p->n; i++)
		v[i] = &p->items[i];
	qsort(v, p->n, sizeof(*v), by_keep_order);
	for (i = 0; i < p->n; i++) {
		if (plan_bytes(v[i]) <= cap - used)
			used += plan_bytes(v[i]);
		else
			v[i]->over_cap = true;
	}
	free(v);
	return EXH_OK;
}

int
exh_bundle_plan_collect(struct exh_bundle_plan *p, struct exh_bundle *b,
    exh_bundle_progress_fn progress, void *ctx, struct exh_err *err)
{
	size_t i;
	int rc = EXH_OK;

	if (p == NULL || p->magic != PLAN_MAGIC || b == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle plan: invalid "
		    "handle");
	if ((rc = choose_under_cap(p, b->cap, err)) != EXH_OK)
		return rc;
	for (i = 0; i < p->n && rc == EXH_OK; i++) {
		if (progress != NULL)
			progress(ctx, i, p->n, p->items[i].file.path);
		rc = collect(b, &p->items[i], err);
	}
	return rc;
}
