/* The scan pipeline: one walker feeding a bounded queue, N workers reading each stream once. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/scan.h"

#define DEFAULT_MAX_SIZE	(100ull << 20)
#define DEFAULT_CHUNK		((size_t)16 << 20)
#define CHUNK_OVERLAP		((size_t)1 << 20)
#define READ_STEP		((size_t)256 << 10)
#define MAX_THREADS		64
#define REPORT_SCORE		40

/* One stream to examine (or, with path_only, one more name of a record). */
struct item {
	char *path;
	char *stream;
	char *owner_sid;	/* "" when the descriptor could not be read */
	uint64_t mft;
	uint16_t seq;
	uint64_t size;
	uint32_t attributes;
	struct exh_macb si, fn;
	bool path_only;
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct item *ring;
	size_t cap, head, n;
	bool closed;
};

struct scan;

struct worker {
	struct scan *s;
	pthread_t tid;
	struct exh_volume *vol;
	struct exh_matcher *matcher;
	struct exh_hasher *hasher;
	unsigned char *buf;
	struct exh_stats stats;
	struct exh_err err;
	int rc;
	bool started;
};

struct scan {
	struct exh_source *src;
	int part;
	struct exh_volume *vol;
	const struct exh_scan_options *opt;
	struct exh_rules *rules;
	struct exh_findings *out;
	uint64_t max_size;
	size_t chunk;
	unsigned timeout;
	bool md5, sha1;
	struct queue q;
	struct worker *workers;
	unsigned nworkers;
	/* Walker-side state (calling thread only). */
	uint64_t *linked;	/* records with several names already queued */
	size_t nlinked, caplinked;
	struct exh_stats wstats;
	int rc;			/* first fatal status of the walk */
	struct exh_err *err;
	/* Progress, under plock. */
	pthread_mutex_t plock;
	struct exh_scan_progress prog;
};

static bool
cancelled(const struct scan *s)
{
	return s->opt->cancel != NULL && *s->opt->cancel != 0;
}

static void
item_free(struct item *it)
{
	free(it->path);
	free(it->stream);
	free(it->owner_sid);
	memset(it, 0, sizeof(*it));
}

/* ---- the queue ---------------------------------------------------------- */

static int
queue_init(struct queue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	if ((q->ring = calloc(cap, sizeof(*q->ring))) == NULL)
		return EXH_ENOMEM;
	q->cap = cap;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return EXH_OK;
}

static void
queue_destroy(struct queue *q)
{
	while (q->n > 0) {
		item_free(&q->ring[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	free(q->ring);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

/* Takes ownership of *it. */
static void
queue_push(struct queue *q, struct item *it)
{
	pthread_mutex_lock(&q->lock);
	while (q->n == q->cap)
		pthread_cond_wait(&q->not_full, &q->lock);
	q->ring[(q->head + q->n) % q->cap] = *it;
	q->n++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	memset(it, 0, sizeof(*it));
}

/* False when the queue is closed and empty. */
static bool
queue_pop(struct queue *q, struct item *it)
{
	pthread_mutex_lock(&q->lock);
	while (q->n == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (q->n == 0) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	*it = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return true;
}

static void
queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

/* ---- progress ----------------------------------------------------------- */

static void
progress_note(struct scan *s, const char *path, uint64_t bytes, bool done,
    int level)
{
	struct exh_scan_progress copy;

	pthread_mutex_lock(&s->plock);
	if (done)
		s->prog.streams_done++;
	s->prog.bytes_done += bytes;
	if (level >= 0 && level < 4)
		s->prog.by_level[level]++;
	if (path != NULL)
		s->prog.current_path = path;
	copy = s->prog;
	/* The callback runs under the lock so calls never overlap. */
	if (s->opt->progress != NULL)
		s->opt->progress(s->opt->progress_ctx, &copy);
	s->prog.current_path = NULL;
	pthread_mutex_unlock(&s->plock);
}

/* ---- examining one stream ----------------------------------------------- */

/* The name Windows shows for a well-known owner, else the SID itself. */
static const char *
owner_name(const struct scan *s, const struct item *it)
{
	const char *name = exh_rules_sid_name(s->rules, it->owner_sid);

	return name != NULL ? name : it->owner_sid;
}

static struct exh_finding *
new_finding(const struct scan *s, const struct item *it)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);

	if (f == NULL)
		return NULL;
	if (exh_finding_set(&f->path, it->path) != EXH_OK ||
	    exh_finding_set(&f->stream, it->stream) != EXH_OK ||
	    exh_finding_set(&f->owner_sid, it->owner_sid) != EXH_OK ||
	    exh_finding_set(&f->owner, owner_name(s, it)) != EXH_OK) {
		exh_finding_free(f);
		return NULL;
	}
	f->size = it->size;
	f->mft = it->mft;
	f->seq = it->seq;
	f->attributes = it->attributes;
	f->si = it->si;
	f->fn = it->fn;
	return f;
}

static int
add_skip(struct scan *s, const struct item *it, const char *reason,
    const char *detail, struct exh_stats *st, bool unreadable)
{
	struct exh_err e;

	if (unreadable)
		st->streams_unreadable++;
	else
		st->streams_skipped++;
	if (exh_findings_add_skip(s->out, it->path, it->stream, it->mft,
	    it->size, reason, detail, &e) != EXH_OK)
		return e.status;
	return EXH_OK;
}

/*
 * Fills w->buf from have up to the chunk size or the end of the stream,
 * hashing each piece right after it is read, while it is still in the
 * CPU cache (the chunk is larger than the cache; YARA reads it again).
 */
static int
fill(struct worker *w, struct exh_stream *st, size_t *have, uint64_t *off,
    bool *eof, struct exh_err *e)
{
	size_t got, want;
	int rc;

	while (*have < w->s->chunk) {
		want = w->s->chunk - *have;
		if (want > READ_STEP)
			want = READ_STEP;
		rc = exh_stream_pread(st, w->buf + *have, want, *off, &got, e);
		if (rc != EXH_OK)
			return rc;
		if (got == 0) {
			*eof = true;
			break;
		}
		exh_hasher_update(w->hasher, w->buf + *have, got);
		w->stats.bytes_scanned += got;
		*have += got;
		*off += got;
	}
	return EXH_OK;
}

/* YARA over the head alone: the prefilter found no rule that needs more. */
static int
scan_head(struct worker *w, const struct exh_scan_target *t, size_t have,
    struct exh_finding *f, struct exh_err *e)
{
	return exh_matcher_scan(w->matcher, t, w->buf,
	    have < EXH_MATCHER_HEAD ? have : EXH_MATCHER_HEAD, 0, f, e);
}

/*
 * Reads the whole stream once: hashes it and runs YARA over it, in one
 * buffer when it fits, else in chunks overlapping by CHUNK_OVERLAP so a
 * string across a chunk border is still seen.  When the prefilter says
 * no rule needs more than the head, YARA gets the head only.
 */
static int
read_and_scan(struct worker *w, const struct item *it, struct exh_finding *f,
    const char **skip_reason, char *detail, size_t detail_len)
{
	struct scan *s = w->s;
	struct exh_scan_target t;
	struct exh_stream *st;
	struct exh_err e;
	uint64_t off = 0, base = 0;
	size_t have = 0, overlap;
	char filetype[64];
	bool eof = false, first = true, whole = true;
	bool single = it->size <= s->chunk;
	int rc;

	*skip_reason = NULL;
	if ((rc = exh_stream_open_ref(w->vol, it->mft, it->seq, it->stream,
	    &st, &e)) != EXH_OK) {
		if (rc == EXH_ENOMEM)
			return rc;
		*skip_reason = (rc == EXH_EIO && e.sys_errno == EACCES) ?
		    "encrypted" : rc == EXH_ECORRUPT ? "corrupt" :
		    "unreadable";
		snprintf(detail, detail_len, "%s", e.msg);
		return EXH_OK;
	}
	exh_hasher_reset(w->hasher);
	overlap = s->chunk / 2 < CHUNK_OVERLAP ? s->chunk / 2 : CHUNK_OVERLAP;
	memset(&t, 0, sizeof(t));
	t.path = it->path;
	t.stream = it->stream;
	t.size = it->size;
	t.owner = owner_name(s, it);
	t.filetype = filetype;
	for (;;) {
		if ((rc = fill(w, st, &have, &off, &eof, &e)) != EXH_OK)
			goto read_failed;
		if (first) {
			first = false;
			snprintf(filetype, sizeof(filetype), "%s",
			    exh_rules_filetype(s->rules, w->buf, have));
			whole = exh_matcher_prepare(w->matcher, &t, w->buf,
			    have);
			if (!whole && (rc = scan_head(w, &t, have, f, &e)) !=
			    EXH_OK)
				goto yara_failed;
		}
		if (single)
			break;
		if (whole && (rc = exh_matcher_scan(w->matcher, &t, w->buf,
		    have, base, f, &e)) != EXH_OK)
			goto yara_failed;
		if (eof || have < s->chunk || off >= it->size)
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
	if ((rc = exh_hasher_final(w->hasher, f->md5, f->sha1, f->sha256)) !=
	    EXH_OK)
		goto out;
	if (single && whole) {
		t.md5 = f->md5;
		if ((rc = exh_matcher_scan(w->matcher, &t, w->buf, have, 0, f,
		    &e)) != EXH_OK)
			goto yara_failed;
	}
	goto out;
read_failed:
	if (rc != EXH_ENOMEM) {
		*skip_reason = rc == EXH_ECORRUPT ? "corrupt" : "unreadable";
		snprintf(detail, detail_len, "%s", e.msg);
		rc = EXH_OK;
	}
	goto out;
yara_failed:
	if (rc == EXH_EIO) {
		*skip_reason = "timeout";
		snprintf(detail, detail_len, "%s", e.msg);
		rc = EXH_OK;
	}
out:
	exh_stream_close(st);
	return rc;
}

static int
examine(struct worker *w, const struct item *it)
{
	struct scan *s = w->s;
	struct exh_finding *f;
	struct exh_err e;
	const char *skip = NULL;
	char detail[EXH_ERR_MSG_MAX] = "";
	bool allowed = false;
	int rc = EXH_OK, level = -1;

	if ((f = new_finding(s, it)) == NULL)
		return EXH_ENOMEM;
	if (!it->path_only) {
		w->stats.streams_seen++;
		if (it->size > s->max_size) {
			skip = "too-large";
			snprintf(detail, sizeof(detail), "%llu bytes, above "
			    "the limit of %llu", (unsigned long long)it->size,
			    (unsigned long long)s->max_size);
		} else if ((rc = read_and_scan(w, it, f, &skip, detail,
		    sizeof(detail))) != EXH_OK)
			goto out;
		if (skip != NULL) {
			bool bad = strcmp(skip, "too-large") != 0;

			if ((rc = add_skip(s, it, skip, detail, &w->stats,
			    bad)) != EXH_OK)
				goto out;
		} else {
			w->stats.streams_scanned++;
			if ((rc = exh_rules_match_hashes(s->rules, f->md5,
			    f->sha1, f->sha256, f, &allowed, &e)) != EXH_OK)
				goto out;
		}
	}
	if ((rc = exh_rules_match_path(s->rules, it->path, it->stream, f,
	    &e)) != EXH_OK)
		goto out;
	exh_finding_rescore(f);
	if (!allowed && f->nreasons > 0 && f->score >= REPORT_SCORE) {
		level = f->level;
		rc = exh_findings_add(s->out, f, &e);
		f = NULL;
	}
out:
	exh_finding_free(f);
	progress_note(s, NULL, it->path_only ? 0 : it->size,
	    !it->path_only, level);
	return rc;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct item it;

	while (queue_pop(&w->s->q, &it)) {
		/* After a cancel or a fatal error the rest is dropped. */
		if (!cancelled(w->s) && w->rc == EXH_OK) {
			w->rc = examine(w, &it);
			if (w->rc != EXH_OK)
				exh_err_set(&w->err, w->rc, 0, "%s: scan "
				    "failed: %s", "worker",
				    exh_status_name(w->rc));
		}
		item_free(&it);
	}
	return NULL;
}

/* ---- the walk ----------------------------------------------------------- */

static bool
linked_seen(struct scan *s, uint64_t mft)
{
	size_t i;

	for (i = 0; i < s->nlinked; i++)
		if (s->linked[i] == mft)
			return true;
	return false;
}

static int
linked_add(struct scan *s, uint64_t mft)
{
	if (s->nlinked == s->caplinked) {
		size_t cap = s->caplinked ? s->caplinked * 2 : 64;
		uint64_t *grown = realloc(s->linked, cap * sizeof(*grown));

		if (grown == NULL)
			return EXH_ENOMEM;
		s->linked = grown;
		s->caplinked = cap;
	}
	s->linked[s->nlinked++] = mft;
	return EXH_OK;
}

static int
make_item(const struct exh_entry *e, const struct exh_stream_info *si,
    struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->path = strdup(e->path);
	it->stream = strdup(si != NULL ? si->name : "");
	it->owner_sid = strdup(e->owner_sid != NULL ? e->owner_sid : "");
	if (it->path == NULL || it->stream == NULL || it->owner_sid == NULL) {
		item_free(it);
		return EXH_ENOMEM;
	}
	it->mft = e->mft;
	it->seq = e->seq;
	it->size = si != NULL ? si->size : 0;
	it->attributes = e->attributes;
	it->si = e->si;
	it->fn = e->fn;
	return EXH_OK;
}

static int
walk_skip(struct scan *s, const struct exh_entry *e, const char *reason,
    const char *detail, bool unreadable)
{
	struct item it;
	int rc;

	if ((rc = make_item(e, NULL, &it)) != EXH_OK)
		return rc;
	rc = add_skip(s, &it, reason, detail, &s->wstats, unreadable);
	item_free(&it);
	return rc;
}

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	static const char *damage[] = { "", "corrupt", "unreadable", "cycle" };
	struct scan *s = ctx;
	struct item it;
	bool data;
	size_t i;

	if (cancelled(s))
		return EXH_WALK_STOP;
	if (e->status != EXH_ENTRY_OK) {
		s->rc = walk_skip(s, e, e->status <= EXH_ENTRY_CYCLE ?
		    damage[e->status] : "corrupt", e->problem,
		    e->status != EXH_ENTRY_CYCLE);
		/* A damaged entry is never descended into anyway. */
		return s->rc == EXH_OK ? EXH_WALK_NEXT : EXH_WALK_STOP;
	}
	if (e->reparse_tag != 0) {
		s->rc = walk_skip(s, e, "reparse-point", e->reparse_target ?
		    e->reparse_target : "", false);
		if (s->rc != EXH_OK)
			return EXH_WALK_STOP;
	}
	/* Data of a record with several names is read under one name. */
	data = true;
	if (e->links > 1 && !e->is_dir) {
		if (linked_seen(s, e->mft))
			data = false;
		else if ((s->rc = linked_add(s, e->mft)) != EXH_OK)
			return EXH_WALK_STOP;
	}
	for (i = 0; i < e->nstreams; i++) {
		const struct exh_stream_info *si = &e->streams[i];

		if ((s->rc = make_item(e, si, &it)) != EXH_OK)
			return EXH_WALK_STOP;
		it.path_only = !data;
		if (data && ((si->flags & EXH_STREAM_ENCRYPTED) ||
		    (e->attributes & EXH_ATTR_ENCRYPTED))) {
			/* EFS data is ciphertext to us; names still count. */
			s->wstats.streams_seen++;
			s->rc = add_skip(s, &it, "encrypted", "EFS-encrypted "
			    "stream; not readable without the user's key",
			    &s->wstats, true);
			it.path_only = true;
			if (s->rc != EXH_OK) {
				item_free(&it);
				return EXH_WALK_STOP;
			}
		}
		progress_note(s, e->path, 0, false, -1);
		queue_push(&s->q, &it);
	}
	return e->reparse_tag != 0 ? EXH_WALK_PRUNE : EXH_WALK_NEXT;
}

static int
count_entry(const struct exh_entry *e, void *ctx)
{
	struct scan *s = ctx;

	if (cancelled(s))
		return EXH_WALK_STOP;
	s->prog.streams_total += e->nstreams;
	return e->reparse_tag != 0 ? EXH_WALK_PRUNE : EXH_WALK_NEXT;
}

/* ---- set-up ------------------------------------------------------------- */

unsigned
exh_scan_thread_count(unsigned asked)
{
	long n;

	if (asked == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		asked = n > 0 ? (unsigned)n : 1;
	}
	return asked > MAX_THREADS ? MAX_THREADS : asked;
}

static int
workers_start(struct scan *s, struct exh_err *err)
{
	unsigned i;
	int rc;

	s->workers = calloc(s->nworkers, sizeof(*s->workers));
	if (s->workers == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		w->s = s;
		if ((rc = exh_volume_open(s->src, s->part, &w->vol, err)) !=
		    EXH_OK)
			return exh_err_prefix(err, "scan: worker %u", i + 1);
		exh_volume_set_letter(w->vol, exh_volume_info(s->vol)->letter);
		if ((rc = exh_matcher_create(s->rules, s->timeout, &w->matcher,
		    err)) != EXH_OK)
			return rc;
		if (exh_hasher_create(s->md5, s->sha1, &w->hasher) != EXH_OK ||
		    (w->buf = malloc(s->chunk)) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	for (i = 0; i < s->nworkers; i++) {
		if ((rc = pthread_create(&s->workers[i].tid, NULL, worker_main,
		    &s->workers[i])) != 0)
			return exh_err_set(err, EXH_EFATAL, rc,
			    "scan: cannot start a thread: %s", strerror(rc));
		s->workers[i].started = true;
	}
	return EXH_OK;
}

static void
workers_stop(struct scan *s)
{
	unsigned i;

	queue_close(&s->q);
	for (i = 0; s->workers != NULL && i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		if (w->started)
			pthread_join(w->tid, NULL);
		exh_findings_stats_add(s->out, &w->stats);
		free(w->buf);
		exh_hasher_destroy(w->hasher);
		exh_matcher_destroy(w->matcher);
		exh_volume_close(w->vol);
	}
}

static int
walk_roots(struct scan *s, const char *const *roots, size_t nroots,
    exh_walk_fn fn, bool record_missing)
{
	struct exh_err e;
	size_t i;
	int rc;

	for (i = 0; i < nroots && !cancelled(s); i++) {
		rc = exh_volume_walk(s->vol, roots[i], fn, s, &e);
		if (s->rc != EXH_OK)
			return exh_err_set(s->err, s->rc, 0, "scan: %s",
			    exh_status_name(s->rc));
		if (rc == EXH_ENOTFOUND || rc == EXH_ECORRUPT ||
		    rc == EXH_EIO) {
			if (!record_missing)
				continue;
			if (exh_findings_add_skip(s->out, roots[i], "", 0, 0,
			    rc == EXH_ENOTFOUND ? "not-present" :
			    rc == EXH_EIO ? "unreadable" : "corrupt", e.msg,
			    s->err) != EXH_OK)
				return s->err->status;
			if (rc != EXH_ENOTFOUND)
				s->wstats.streams_unreadable++;
		} else if (rc != EXH_OK && rc != EXH_STOP) {
			*s->err = e;
			return exh_err_prefix(s->err, "scan: walking %s",
			    "a root");
		}
	}
	return EXH_OK;
}

int
exh_scan_volume(struct exh_source *src, int part, struct exh_volume *vol,
    const char *const *roots, size_t nroots,
    const struct exh_scan_options *opt, struct exh_findings *out,
    struct exh_err *err)
{
	struct scan s;
	unsigned i;
	int rc;

	if (src == NULL || vol == NULL || opt == NULL || opt->rules == NULL ||
	    out == NULL || (roots == NULL && nroots > 0))
		return exh_err_set(err, EXH_EUSAGE, 0, "scan: invalid call");
	memset(&s, 0, sizeof(s));
	s.src = src;
	s.part = part;
	s.vol = vol;
	s.opt = opt;
	s.rules = opt->rules;
	s.out = out;
	s.err = err;
	s.max_size = opt->max_size ? opt->max_size : DEFAULT_MAX_SIZE;
	s.chunk = opt->chunk ? opt->chunk : DEFAULT_CHUNK;
	if (s.chunk < 4096)
		s.chunk = 4096;
	s.timeout = opt->timeout_sec ? opt->timeout_sec : 60;
	s.md5 = exh_rules_wants_md5(s.rules);
	s.sha1 = exh_rules_wants_sha1(s.rules);
	s.nworkers = exh_scan_thread_count(opt->threads);
	pthread_mutex_init(&s.plock, NULL);
	if (opt->count_first) {
		s.prog.phase = "counting";
		if ((rc = walk_roots(&s, roots, nroots, count_entry, false)) !=
		    EXH_OK) {
			pthread_mutex_destroy(&s.plock);
			return rc;
		}
	}
	s.prog.phase = "scanning";
	if (queue_init(&s.q, (size_t)s.nworkers * 4) != EXH_OK) {
		pthread_mutex_destroy(&s.plock);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	if ((rc = workers_start(&s, err)) == EXH_OK)
		rc = walk_roots(&s, roots, nroots, on_entry, true);
	workers_stop(&s);
	for (i = 0; rc == EXH_OK && i < s.nworkers; i++)
		if (s.workers[i].rc != EXH_OK) {
			*err = s.workers[i].err;
			rc = s.workers[i].rc;
		}
	exh_findings_stats_add(out, &s.wstats);
	free(s.workers);
	free(s.linked);
	queue_destroy(&s.q);
	s.prog.phase = "done";
	if (rc == EXH_OK && opt->progress != NULL)
		opt->progress(opt->progress_ctx, &s.prog);
	pthread_mutex_destroy(&s.plock);
	if (rc == EXH_OK && cancelled(&s)) {
		exh_findings_set_partial(out, "cancelled");
		return EXH_STOP;
	}
	return rc;
}
