/* Examining one stream on a worker: read once, hash, YARA, hash lists, path IOCs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

#define CHUNK_OVERLAP		((size_t)1 << 20)
#define READ_STEP		((size_t)256 << 10)
#define REPORT_SCORE		40

#define REPORT_STEP		((uint64_t)4 << 20)
/* A decoded page larger than this is not kept between streams. */
#define DECODED_KEEP		((size_t)1 << 20)
#define VBE_FORM		"decoded VBScript.Encode content"

/* A worker's view while it examines one item. */
struct examiner {
	struct file_scan *s;
	struct scan_worker *w;
	struct exh_volume *vol;
	/* Progress: what counting counted for this stream, and how much of
	 * it was added to the shared bytes_done so far, and read since. */
	uint64_t budget, reported, unreported;
	const char *why;	/* deleted data refused: why (see
				   exh_stream_open_deleted) */
	bool deleted;		/* bytes of deleted data are not the live
				   scan's bytes */
	/* With a dedupe index: the first block's hash of a live stream
	 * above the chunk size, for the stores' check. */
	unsigned char head[8];
	bool have_head;
};

void
scan_item_free(void *item)
{
	struct scan_item *it = item;

	exh_fileref_free(&it->file);
	memset(it, 0, sizeof(*it));
}

/* The name Windows shows for a well-known owner, else the SID itself. */
static const char *
owner_name(const struct file_scan *s, const struct scan_item *it)
{
	const char *name = exh_rules_sid_name(s->rules, it->file.owner_sid);

	return name != NULL ? name : it->file.owner_sid;
}

static struct exh_finding *
new_finding(const struct file_scan *s, const struct scan_item *it)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);

	if (f == NULL)
		return NULL;
	if (exh_fileref_copy(&f->file, &it->file) != EXH_OK ||
	    exh_finding_set(&f->owner, owner_name(s, it)) != EXH_OK) {
		exh_finding_free(f);
		return NULL;
	}
	return f;
}

int
scan_add_skip(struct file_scan *s, const struct scan_item *it,
    const char *reason, const char *detail, struct exh_stats *st,
    bool unreadable, struct exh_err *err)
{
	if (unreadable)
		st->streams_unreadable++;
	else
		st->streams_skipped++;
	return exh_findings_add_skip(s->out, it->file.path, it->file.stream,
	    it->file.mft, it->file.size, reason, detail, err);
}

uint64_t
scan_read_budget(const struct file_scan *s, uint64_t size)
{
	/* scan_head_tail reads at most its first and its last chunk. */
	if (size > s->max_size)
		return size / 2 > s->chunk ? 2 * (uint64_t)s->chunk : size;
	return size;
}

/* The item's stream: a live one by MFT reference, or a deleted record's
 * data through its own reader. */
static int
open_item(struct examiner *x, const struct scan_item *it,
    struct exh_stream **st, struct exh_err *e)
{
	int content;

	x->why = NULL;
	if (!it->deleted)
		return exh_stream_open_ref(x->vol, it->file.mft, it->file.seq,
		    it->file.stream, st, e);
	return exh_stream_open_deleted(x->vol, it->file.mft, it->file.seq,
	    &content, &x->why, st, e);
}

/* Workers count; the calling thread reports (see scan.c). */
static void
count_stream(struct file_scan *s, uint64_t bytes, bool done, int level)
{
	pthread_mutex_lock(&s->plock);
	if (done)
		s->prog.streams_done++;
	s->prog.bytes_done += bytes;
	if (level >= 0 && level < 4)
		s->prog.by_level[level]++;
	pthread_mutex_unlock(&s->plock);
}

/*
 * A large stream moves bytes_done while it is read, in steps of
 * REPORT_STEP, never past its budget: the stream's end adds the rest
 * (examine_done), so bytes_done meets bytes_total exactly.
 */
static void
count_read(struct examiner *x, size_t got)
{
	uint64_t add;

	x->unreported += got;
	if (x->unreported < REPORT_STEP || x->reported >= x->budget)
		return;
	add = x->budget - x->reported < x->unreported ?
	    x->budget - x->reported : x->unreported;
	x->reported += add;
	x->unreported = 0;
	count_stream(x->s, add, false, -1);
}

/*
 * Fills the buffer from have up to the chunk size or the end of the
 * stream, hashing (when hash) each piece right after it is read, while it is still in
 * the CPU cache (the chunk is larger than the cache; YARA reads it again).
 */
static int
fill_hashed(struct examiner *x, struct exh_stream *st, size_t *have,
    uint64_t *off, bool hash, bool *eof, struct exh_err *e)
{
	struct scan_worker *w = x->w;
	size_t got, want;
	int rc;

	while (*have < x->s->chunk) {
		want = x->s->chunk - *have;
		if (want > READ_STEP)
			want = READ_STEP;
		rc = exh_stream_pread(st, w->buf + *have, want, *off, &got, e);
		if (rc != EXH_OK)
			return rc;
		if (got == 0) {
			*eof = true;
			break;
		}
		if (hash)
			exh_hasher_update(w->hasher, w->buf + *have, got);
		if (!x->deleted)
			w->stats.bytes_scanned += got;
		count_read(x, got);
		*have += got;
		*off += got;
	}
	return EXH_OK;
}

static int
fill(struct examiner *x, struct exh_stream *st, size_t *have, uint64_t *off,
    bool *eof, struct exh_err *e)
{
	return fill_hashed(x, st, have, off, true, eof, e);
}

/* YARA over the head alone: the prefilter found no rule that needs more. */
static int
scan_head(struct scan_worker *w, const struct exh_scan_target *t, size_t have,
    struct exh_finding *f, struct exh_err *e)
{
	return exh_matcher_scan(w->matcher, t, w->buf,
	    have < EXH_MATCHER_HEAD ? have : EXH_MATCHER_HEAD, 0, f, e);
}

/* "decoded VBScript.Encode content (2 blocks; damaged: <why>)". */
static void
vbe_form(char *form, size_t len, const struct exh_vbe_stats *st)
{
	/* Two numbers and fixed texts: form holds them (it may be cut). */
	(void)snprintf(form, len, "%s (%zu block%s%s%s%s%s)", VBE_FORM,
	    st->blocks, st->blocks == 1 ? "" : "s",
	    st->note != NULL ? "; damaged: " : "",
	    st->note != NULL ? st->note : "", st->broken > 1 ? " and more" : "",
	    st->truncated ? "; cut at the stream's size" : "");
}

/*
 * A classic ASP page (or .vbe/.jse script) with VBScript.Encode blocks:
 * YARA sees the page again with the blocks decoded, so content rules
 * meet the script and not its encoding; reasons from it say so in their
 * detail.  The raw bytes were scanned already.  Only streams read into
 * one buffer are decoded, and the decoded text is at most as long as
 * the stream (decoding never grows it).
 */
static int
scan_decoded(struct scan_worker *w, const struct exh_scan_target *t,
    size_t have, struct exh_finding *f, struct exh_err *e)
{
	struct exh_scan_target dt;
	struct exh_vbe_stats st;
	char form[256];
	int rc;

	if (have < 4 || memmem(w->buf, have, "#@~^", 4) == NULL)
		return EXH_OK;
	if ((rc = exh_vbe_decode(w->buf, have, have, &w->decoded, &st, e)) !=
	    EXH_OK)
		return rc;
	if (st.blocks > 0) {
		dt = *t;
		dt.size = w->decoded.len;
		dt.rule_set = 0;
		vbe_form(form, sizeof(form), &st);
		dt.content_form = form;
		rc = exh_matcher_scan(w->matcher, &dt, w->decoded.data,
		    w->decoded.len, 0, f, e);
	}
	if (w->decoded.cap > DECODED_KEEP)
		exh_buf_free(&w->decoded);
	return rc;
}

/* SHA-256 of buf[0..n) cut to 8 bytes, on the worker's head hasher. */
static int
head_hash(struct scan_worker *w, const unsigned char *buf, size_t n,
    unsigned char head[8], struct exh_err *e)
{
	char hex[65];
	int rc;

	if ((rc = exh_hasher_reset(w->head_hasher)) != EXH_OK ||
	    (rc = exh_hasher_update(w->head_hasher, buf, n)) != EXH_OK ||
	    (rc = exh_hasher_final(w->head_hasher, NULL, NULL, hex)) !=
	    EXH_OK)
		return exh_err_set(e, rc, 0, "hashing failed: %s",
		    exh_status_name(rc));
	(void)dedupe_hex_bytes(hex, head, 8);
	return EXH_OK;
}

/* A store's stream already examined: counted, not scanned again.  *dup
 * is set when its SHA-256 (in f) is the live stream's or another
 * store's.  EXH_OK or EXH_ENOMEM. */
static int
known_content(struct file_scan *s, const struct scan_item *it,
    const struct exh_finding *f, bool *dup, struct exh_err *e)
{
	struct exh_scan_dedupe *d = s->opt->dedupe;
	const struct dedupe_entry *live;

	*dup = false;
	if ((live = dedupe_live(d, &it->file)) != NULL &&
	    dedupe_same_sha(live, f->sha256)) {
		dedupe_count(d, DEDUPE_IDENTICAL_LIVE);
		*dup = true;
		return EXH_OK;
	}
	if (dedupe_store_seen(d, f->sha256, dup) != EXH_OK)
		return exh_err_set(e, EXH_ENOMEM, 0, "out of memory");
	if (*dup)
		dedupe_count(d, DEDUPE_IDENTICAL_NEWER);
	return EXH_OK;
}

/*
 * The dedupe's part of the first block read: a live stream above the
 * chunk size keeps its first block's hash; a store's stream read whole
 * into the buffer is hashed now, before YARA, and not scanned when its
 * content was examined already (*dup).
 */
static int
first_block(struct examiner *x, const struct scan_item *it,
    struct exh_finding *f, size_t have, bool single, bool *hashed,
    bool *dup, struct exh_err *e)
{
	struct file_scan *s = x->s;
	int rc;

	if (!s->opt->snapshot) {
		if (single)
			return EXH_OK;
		x->have_head = true;
		return head_hash(x->w, x->w->buf, have < DEDUPE_HEAD ? have :
		    DEDUPE_HEAD, x->head, e);
	}
	if (!single)
		return EXH_OK;	/* checked before reading (examine) */
	if ((rc = exh_hasher_final(x->w->hasher, f->md5, f->sha1,
	    f->sha256)) != EXH_OK)
		return exh_err_set(e, rc, 0, "hashing failed: %s",
		    exh_status_name(rc));
	*hashed = true;
	return known_content(s, it, f, dup, e);
}

/*
 * Reads the whole stream once: hashes it and runs YARA over it, in one
 * buffer when it fits, else in chunks overlapping by CHUNK_OVERLAP so a
 * string across a chunk border is still seen.  When the prefilter says
 * no rule needs more than the head, YARA gets the head only.  A stream
 * that cannot be read or scanned sets *skip_reason and detail; the
 * status is then EXH_OK.  Any other status is a failure (e says why).
 */
static int
read_and_scan(struct examiner *x, const struct scan_item *it,
    struct exh_finding *f, const char **skip_reason, char *detail,
    size_t detail_len, bool *dup, struct exh_err *e)
{
	struct file_scan *s = x->s;
	struct scan_worker *w = x->w;
	struct exh_scan_target t;
	struct exh_stream *st;
	uint64_t off = 0, base = 0;
	size_t have = 0, overlap;
	bool eof = false, first = true, whole = true, hashed = false;
	bool single = it->file.size <= s->chunk;
	int rc;

	*skip_reason = NULL;
	/* By MFT reference: a name with an unpaired surrogate or NUL opens
	 * too, and a record reused since the walk is not read as this one. */
	if ((rc = open_item(x, it, &st, e)) != EXH_OK) {
		if (rc == EXH_ENOMEM)
			return rc;
		*skip_reason = (rc == EXH_EIO && e->sys_errno == EACCES) ?
		    "encrypted" : rc == EXH_ECORRUPT ? "corrupt" :
		    "unreadable";
		/* detail is EXH_ERR_MSG_MAX long, like e->msg: never cut. */
		(void)snprintf(detail, detail_len, "%s", e->msg);
		return EXH_OK;
	}
	exh_hasher_reset(w->hasher);
	overlap = s->chunk / 2 < CHUNK_OVERLAP ? s->chunk / 2 : CHUNK_OVERLAP;
	memset(&t, 0, sizeof(t));
	t.path = it->file.path;
	t.stream = it->file.stream;
	t.size = it->file.size;
	t.owner = owner_name(s, it);
	t.filetype = "";
	t.script_exts = s->script_exts.data;
	for (;;) {
		if ((rc = fill(x, st, &have, &off, &eof, e)) != EXH_OK)
			goto read_failed;
		if (first) {
			first = false;
			if (s->opt->dedupe != NULL && ((rc = first_block(x, it,
			    f, have, single, &hashed, dup, e)) != EXH_OK ||
			    *dup))
				goto out;
			/* The rules own the name and outlive the scan: no
			 * copy, so no length limit to cut it at. */
			t.filetype = exh_rules_filetype(s->rules, w->buf,
			    have);
			whole = exh_matcher_prepare(w->matcher, &t, w->buf,
			    have);
			if (!whole && (rc = scan_head(w, &t, have, f, e)) !=
			    EXH_OK)
				goto yara_failed;
		}
		if (single)
			break;
		if (whole && (rc = exh_matcher_scan(w->matcher, &t, w->buf,
		    have, base, f, e)) != EXH_OK)
			goto yara_failed;
		if (eof || have < s->chunk || off >= it->file.size)
			break;
		if (!whole) {
			have = 0;
			continue;
		}
		memmove(w->buf, w->buf + have - overlap, overlap);
		base += have - overlap;
		have = overlap;
	}
	/* Hash before a single-buffer scan, so YARA's md5 external is set. */
	if (!hashed && (rc = exh_hasher_final(w->hasher, f->md5, f->sha1,
	    f->sha256)) != EXH_OK) {
		exh_err_set(e, rc, 0, "hashing failed: %s",
		    exh_status_name(rc));
		goto out;
	}
	if (single && whole) {
		t.md5 = f->md5;
		if ((rc = exh_matcher_scan(w->matcher, &t, w->buf, have, 0, f,
		    e)) != EXH_OK)
			goto yara_failed;
	}
	if (single && (rc = scan_decoded(w, &t, have, f, e)) != EXH_OK)
		goto yara_failed;
	goto out;
read_failed:
	if (rc != EXH_ENOMEM) {
		*skip_reason = rc == EXH_ECORRUPT ? "corrupt" : "unreadable";
		(void)snprintf(detail, detail_len, "%s", e->msg);
		rc = EXH_OK;
	}
	goto out;
yara_failed:
	if (rc == EXH_EIO) {
		*skip_reason = "timeout";
		(void)snprintf(detail, detail_len, "%s", e->msg);
		rc = EXH_OK;
	}
out:
	exh_stream_close(st);
	return rc;
}

/* Reads up to one chunk at off into the worker's buffer (not hashed). */
static int
read_chunk_at(struct examiner *x, struct exh_stream *st, uint64_t off,
    size_t *have, struct exh_err *e)
{
	bool eof = false;

	*have = 0;
	return fill_hashed(x, st, have, &off, false, &eof, e);
}

/*
 * A stream above the size limit is neither read whole nor hashed, but a
 * web shell padded to evade the limit still meets the rules: YARA searches
 * its first and its last chunk, with the true size (filesize tests and
 * offsets hold).  A read or YARA failure is returned; the caller notes it.
 */
static int
scan_head_tail(struct examiner *x, const struct scan_item *it,
    struct exh_finding *f, struct exh_err *e)
{
	struct file_scan *s = x->s;
	struct scan_worker *w = x->w;
	struct exh_scan_target t;
	struct exh_stream *st;
	uint64_t tail_off;
	size_t have;
	bool whole;
	int rc;

	if ((rc = open_item(x, it, &st, e)) != EXH_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.path = it->file.path;
	t.stream = it->file.stream;
	t.size = it->file.size;
	t.owner = owner_name(s, it);
	t.filetype = "";
	t.script_exts = s->script_exts.data;
	if ((rc = read_chunk_at(x, st, 0, &have, e)) != EXH_OK)
		goto out;
	t.filetype = exh_rules_filetype(s->rules, w->buf, have);
	whole = exh_matcher_prepare(w->matcher, &t, w->buf, have);
	rc = whole ? exh_matcher_scan(w->matcher, &t, w->buf, have, 0, f, e) :
	    scan_head(w, &t, have, f, e);
	/* The prefilter may say no rule needs more than the head. */
	if (rc != EXH_OK || !whole || it->file.size <= have)
		goto out;
	tail_off = it->file.size - have > s->chunk ? it->file.size - s->chunk : have;
	if ((rc = read_chunk_at(x, st, tail_off, &have, e)) == EXH_OK &&
	    have > 0)
		rc = exh_matcher_scan(w->matcher, &t, w->buf, have, tail_off,
		    f, e);
out:
	exh_stream_close(st);
	return rc;
}

static void
count_deleted_scanned(struct file_scan *s, const struct scan_item *it)
{
	pthread_mutex_lock(&s->plock);
	s->dres->scanned++;
	if (it->content == EXH_DELETED_RESIDENT)
		s->dres->resident++;
	else
		s->dres->free++;
	pthread_mutex_unlock(&s->plock);
}

/* The first block alone (as the live scan hashed it: the first
 * min(DEDUPE_HEAD, chunk) bytes), hashed into the worker's hasher. */
static int
read_head(struct examiner *x, struct exh_stream *st, size_t *have,
    bool *eof, struct exh_err *e)
{
	size_t got, n = x->s->chunk < DEDUPE_HEAD ? x->s->chunk : DEDUPE_HEAD;
	int rc;

	*have = 0;
	while (*have < n && !*eof) {
		if ((rc = exh_stream_pread(st, x->w->buf + *have, n - *have,
		    *have, &got, e)) != EXH_OK)
			return rc;
		*eof = got == 0;
		exh_hasher_update(x->w->hasher, x->w->buf + *have, got);
		count_read(x, got);
		*have += got;
	}
	return EXH_OK;
}

/*
 * A store's stream above the chunk size with a live stream of the same
 * reference, stream and size: its first block is compared first, then the
 * whole stream's SHA-256, so a changed file is found by its head without
 * reading it whole twice.  *same: identical, not to be scanned.  A read
 * failure is "not the same" (the scan then meets it and says why).
 */
static int
large_identical(struct examiner *x, const struct scan_item *it, bool *same,
    struct exh_err *e)
{
	const struct dedupe_entry *live;
	struct scan_worker *w = x->w;
	struct exh_stream *st;
	unsigned char head[8];
	char sha[65];
	size_t have = 0;
	uint64_t off = 0;
	bool eof = false;
	int rc;

	*same = false;
	if ((live = dedupe_live(x->s->opt->dedupe, &it->file)) == NULL)
		return EXH_OK;
	if ((rc = exh_stream_open_ref(x->vol, it->file.mft, it->file.seq,
	    it->file.stream, &st, e)) != EXH_OK)
		return rc == EXH_ENOMEM ? rc : EXH_OK;
	exh_hasher_reset(w->hasher);
	if ((rc = read_head(x, st, &have, &eof, e)) != EXH_OK ||
	    (rc = head_hash(w, w->buf, have, head, e)) != EXH_OK ||
	    !dedupe_same_head(live, head))
		goto out;
	off = have;
	while (!eof && rc == EXH_OK) {
		rc = fill_hashed(x, st, &have, &off, true, &eof, e);
		have = 0;
	}
	if (rc == EXH_OK && exh_hasher_final(w->hasher, NULL, NULL, sha) ==
	    EXH_OK && dedupe_same_sha(live, sha)) {
		dedupe_count(x->s->opt->dedupe, DEDUPE_IDENTICAL_LIVE);
		*same = true;
	}
out:
	exh_stream_close(st);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}

/*
 * After a stream was read and scanned whole: the live scan records it in
 * the dedupe index; a store's stream above the chunk size (hashed only at
 * its end) is dropped when another store scanned the same content (*dup).
 */
static int
dedupe_after(struct examiner *x, const struct scan_item *it,
    const struct exh_finding *f, bool *dup, struct exh_err *e)
{
	struct file_scan *s = x->s;

	if (s->opt->dedupe == NULL)
		return EXH_OK;
	if (!s->opt->snapshot)
		return dedupe_record(s->opt->dedupe, &it->file, x->have_head ?
		    x->head : NULL, f->sha256) == EXH_ENOMEM ?
		    exh_err_set(e, EXH_ENOMEM, 0, "out of memory") : EXH_OK;
	if (it->file.size <= s->chunk)
		return EXH_OK;	/* checked before YARA (first_block) */
	if (dedupe_store_seen(s->opt->dedupe, f->sha256, dup) != EXH_OK)
		return exh_err_set(e, EXH_ENOMEM, 0, "out of memory");
	if (*dup)
		dedupe_count(s->opt->dedupe, DEDUPE_IDENTICAL_NEWER);
	return EXH_OK;
}

/* Reads the stream's data, hashes, scans and matches hash lists: a
 * stream above the size limit in its first and last chunk only.  *dup:
 * a store's stream whose content was examined already. */
static int
examine_data(struct examiner *x, const struct scan_item *it,
    struct exh_finding *f, bool *allowed, bool *dup, struct exh_err *e)
{
	struct file_scan *s = x->s;
	/* Deleted records have counters of their own: the live scan's
	 * stream counts stay what the live volume held. */
	struct exh_stats deleted_stats = { 0 };
	struct exh_stats *st = it->deleted ? &deleted_stats : &x->w->stats;
	const char *skip = NULL;
	char detail[EXH_ERR_MSG_MAX] = "";
	int rc;

	st->streams_seen++;
	if (it->file.size > s->max_size) {
		skip = "too-large";
		if ((rc = scan_head_tail(x, it, f, e)) == EXH_ENOMEM)
			return rc;
		/* Two numbers and a fixed text: detail holds them. */
		(void)snprintf(detail, sizeof(detail), "%llu bytes, above "
		    "the limit of %llu: not hashed; %s",
		    (unsigned long long)it->file.size,
		    (unsigned long long)s->max_size, rc == EXH_OK ?
		    "YARA searched its first and last chunk only" :
		    "its first and last chunk could not be searched");
	} else {
		if (s->opt->snapshot && !it->deleted &&
		    it->file.size > s->chunk &&
		    ((rc = large_identical(x, it, dup, e)) != EXH_OK || *dup))
			return rc;
		if ((rc = read_and_scan(x, it, f, &skip, detail,
		    sizeof(detail), dup, e)) != EXH_OK || *dup)
			return rc;
	}
	if (skip != NULL && it->deleted)
		return scan_deleted_refused(s, it, x->why != NULL ? x->why :
		    skip, detail, e);
	if (skip != NULL)
		return scan_add_skip(s, it, skip, detail, st,
		    strcmp(skip, "too-large") != 0, e);
	if (!it->deleted &&
	    ((rc = dedupe_after(x, it, f, dup, e)) != EXH_OK || *dup))
		return rc;
	if (it->deleted)
		count_deleted_scanned(s, it);
	st->streams_scanned++;
	return exh_rules_match_hashes(s->rules, f->md5, f->sha1, f->sha256,
	    f, allowed, e);
}

/* Reads the stream (unless it is a further name only) and matches rules;
 * a finding that scores enough goes to the collector. */
static int
examine(struct examiner *x, const struct scan_item *it, int *level,
    struct exh_err *e)
{
	struct file_scan *s = x->s;
	struct exh_finding *f;
	bool allowed = false, dup = false;
	int rc = EXH_OK;

	if ((f = new_finding(s, it)) == NULL)
		return exh_err_set(e, EXH_ENOMEM, 0, "out of memory");
	if (!it->path_only && ((rc = examine_data(x, it, f, &allowed, &dup,
	    e)) != EXH_OK || dup))
		goto out;
	if ((rc = exh_rules_match_path(s->rules, it->file.path,
	    it->file.stream, f, e)) != EXH_OK)
		goto out;
	if (it->deleted && f->nreasons > 0 && scan_deleted_mark(it, f) !=
	    EXH_OK) {
		rc = exh_err_set(e, EXH_ENOMEM, 0, "out of memory");
		goto out;
	}
	exh_finding_rescore(f);
	if (!allowed && f->nreasons > 0 && f->score >= REPORT_SCORE) {
		*level = f->level;
		rc = exh_findings_add(s->out, f, e);
		f = NULL;
	}
out:
	exh_finding_free(f);
	return rc;
}

int
scan_examine(void *ctx, struct pool_worker *pw, void *item,
    struct exh_err *err)
{
	struct scan_item *it = item;
	struct examiner x;
	char name[256];
	int rc, level = -1;

	memset(&x, 0, sizeof(x));
	x.s = ctx;
	x.w = &x.s->workers[pool_worker_index(pw)];
	x.budget = it->path_only ? 0 : scan_read_budget(x.s, it->file.size);
	x.deleted = it->deleted;
	if ((rc = pool_volume(pw, x.s->vol, &x.vol, err)) == EXH_OK)
		rc = examine(&x, it, &level, err);
	count_stream(x.s, x.budget - x.reported, !it->path_only, level);
	/* The cause stays; the message says which file it concerned. */
	if (rc != EXH_OK)
		exh_err_prefix(err, "worker: %s",
		    exh_esc_term_str(it->file.path, name, sizeof(name)));
	return rc;
}
