/* The file scan: the calling thread walks the roots and feeds the pool; workers examine each stream once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "scan_int.h"

#define DEFAULT_MAX_SIZE	(100ull << 20)
#define IIS_CONFIG_PATH	"\\Windows\\System32\\inetsrv\\config\\applicationHost.config"
#define IIS_CONFIG_MAX	((size_t)32 << 20)
#define DEFAULT_CHUNK		((size_t)16 << 20)

static bool
walk_cancelled(const struct file_scan *s)
{
	return s->opt->cancel != NULL && *s->opt->cancel != 0;
}

/* ---- progress, on the calling thread ------------------------------------ */

static void
report_scan(void *ctx)
{
	struct file_scan *s = ctx;
	struct exh_scan_progress copy;

	if (s->opt->progress == NULL)
		return;
	pthread_mutex_lock(&s->plock);
	copy = s->prog;
	pthread_mutex_unlock(&s->plock);
	copy.current_path = s->walking;
	s->opt->progress(s->opt->progress_ctx, &copy);
}

/* ---- the walk ----------------------------------------------------------- */

static bool
linked_seen(struct file_scan *s, uint64_t mft)
{
	return exh_set64_has(&s->linked, mft);
}

static int
linked_add(struct file_scan *s, uint64_t mft)
{
	if (exh_set64_add(&s->linked, mft) != EXH_OK)
		return exh_err_set(&s->werr, EXH_ENOMEM, 0, "out of memory");
	return EXH_OK;
}

static int
make_item(struct file_scan *s, const struct exh_entry *e,
    const struct exh_stream_info *si, struct scan_item *it)
{
	memset(it, 0, sizeof(*it));
	if (exh_entry_fileref(e, si, &it->file) != EXH_OK)
		return exh_err_set(&s->werr, EXH_ENOMEM, 0, "out of memory");
	return EXH_OK;
}

static int
walk_skip(struct file_scan *s, const struct exh_entry *e, const char *reason,
    const char *detail, bool unreadable)
{
	struct scan_item it;
	int rc;

	if ((rc = make_item(s, e, NULL, &it)) != EXH_OK)
		return rc;
	rc = scan_add_skip(s, &it, reason, detail, &s->wstats, unreadable,
	    &s->werr);
	scan_item_free(&it);
	return rc;
}

/* Queues every stream of e; a record with several names has its data
 * read under one name only. */
static int
queue_streams(struct file_scan *s, const struct exh_entry *e)
{
	struct scan_item it;
	bool data = true;
	size_t i;
	int rc;

	if (e->links > 1 && !e->is_dir) {
		if (linked_seen(s, e->mft))
			data = false;
		else if ((rc = linked_add(s, e->mft)) != EXH_OK)
			return rc;
	}
	for (i = 0; i < e->nstreams; i++) {
		const struct exh_stream_info *si = &e->streams[i];

		if ((rc = make_item(s, e, si, &it)) != EXH_OK)
			return rc;
		it.path_only = !data;
		if (data && ((si->flags & EXH_STREAM_ENCRYPTED) ||
		    (e->attributes & EXH_ATTR_ENCRYPTED))) {
			/* EFS data is ciphertext to us; names still count. */
			s->wstats.streams_seen++;
			rc = scan_add_skip(s, &it, "encrypted", "EFS-encrypted "
			    "stream; not readable without the user's key",
			    &s->wstats, true, &s->werr);
			it.path_only = true;
			if (rc != EXH_OK) {
				scan_item_free(&it);
				return rc;
			}
		}
		s->walking = e->path;
		rc = pool_push(s->pool, &it);
		s->walking = NULL;
		/* A failed worker stops the walk; pool_finish says why. */
		if (rc != EXH_OK) {
			s->stopped = true;
			return EXH_STOP;
		}
	}
	return EXH_OK;
}

static int
queue_entry(const struct exh_entry *e, void *ctx)
{
	static const char *damage[] = { "", "corrupt", "unreadable", "cycle" };
	struct file_scan *s = ctx;
	int rc;

	if (walk_cancelled(s))
		return EXH_WALK_STOP;
	if (e->status != EXH_ENTRY_OK) {
		s->rc = walk_skip(s, e, e->status <= EXH_ENTRY_CYCLE ?
		    damage[e->status] : "corrupt", e->problem,
		    e->status != EXH_ENTRY_CYCLE);
		/* A damaged entry is never descended into anyway. */
		return s->rc == EXH_OK ? EXH_WALK_NEXT : EXH_WALK_STOP;
	}
	/* The volume's stores are read as shadow copies, not as files. */
	if (s->opt->dedupe != NULL && !e->is_dir &&
	    dedupe_is_store_file(e->path)) {
		dedupe_count(s->opt->dedupe, DEDUPE_STORE_FILE);
		return EXH_WALK_NEXT;
	}
	if (e->reparse_tag != 0) {
		s->rc = walk_skip(s, e, "reparse-point", e->reparse_target ?
		    e->reparse_target : "", false);
		if (s->rc != EXH_OK)
			return EXH_WALK_STOP;
	}
	if ((rc = queue_streams(s, e)) != EXH_OK) {
		if (rc != EXH_STOP)
			s->rc = rc;
		return EXH_WALK_STOP;
	}
	return e->reparse_tag != 0 ? EXH_WALK_PRUNE : EXH_WALK_NEXT;
}

/* Whether the data of e's streams is read: a record with several names
 * only under the first one the walk meets (as queue_streams). */
static int
count_data(struct file_scan *s, const struct exh_entry *e, bool *data)
{
	*data = true;
	if (e->links <= 1 || e->is_dir)
		return EXH_OK;
	if (exh_set64_has(&s->counted, e->mft)) {
		*data = false;
		return EXH_OK;
	}
	if (exh_set64_add(&s->counted, e->mft) != EXH_OK)
		return exh_err_set(&s->werr, EXH_ENOMEM, 0, "out of memory");
	return EXH_OK;
}

/* While counting there is no pool to tick: report from here. */
static void
count_tick(struct file_scan *s, const char *path)
{
	struct timespec now;

	if (exh_mono_ns_since(&s->last_count_report, &now) <
	    100LL * 1000 * 1000)
		return;
	s->last_count_report = now;
	s->walking = path;
	report_scan(s);
	s->walking = NULL;
}

/* Counts what queue_entry will queue, from the walk's metadata only. */
static int
count_entry(const struct exh_entry *e, void *ctx)
{
	struct file_scan *s = ctx;
	bool data;
	size_t i;

	if (walk_cancelled(s))
		return EXH_WALK_STOP;
	if (e->status != EXH_ENTRY_OK || (s->opt->dedupe != NULL &&
	    !e->is_dir && dedupe_is_store_file(e->path)))
		return EXH_WALK_NEXT;
	if ((s->rc = count_data(s, e, &data)) != EXH_OK)
		return EXH_WALK_STOP;
	for (i = 0; data && i < e->nstreams; i++) {
		const struct exh_stream_info *si = &e->streams[i];

		if ((si->flags & EXH_STREAM_ENCRYPTED) ||
		    (e->attributes & EXH_ATTR_ENCRYPTED))
			continue;
		s->prog.streams_total++;
		s->prog.bytes_total += scan_read_budget(s, si->size);
	}
	count_tick(s, e->path);
	return e->reparse_tag != 0 ? EXH_WALK_PRUNE : EXH_WALK_NEXT;
}

static int
walk_roots(struct file_scan *s, const char *const *roots, size_t nroots,
    exh_walk_fn fn, bool record_missing)
{
	struct exh_err e;
	size_t i;
	int rc;

	for (i = 0; i < nroots && !walk_cancelled(s) && !s->stopped; i++) {
		rc = exh_volume_walk(s->vol, roots[i], fn, s, &e);
		if (s->rc != EXH_OK) {
			*s->err = s->werr;
			s->err->status = s->rc;
			return exh_err_prefix(s->err, "scan");
		}
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

/* ---- set-up ------------------------------------------------------------- */

/* Each worker's matcher, hasher, buffer and volume handle, made on the
 * calling thread so a failure stops the scan before it starts. */
static int
prepare_scanners(struct file_scan *s, struct exh_err *err)
{
	struct exh_volume *vol;
	unsigned i, n = pool_threads(s->pool);
	int rc;

	if ((s->workers = calloc(n, sizeof(*s->workers))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < n; i++) {
		struct scan_worker *w = &s->workers[i];

		if ((rc = pool_volume(pool_worker(s->pool, i), s->vol, &vol,
		    err)) != EXH_OK)
			return exh_err_prefix(err, "scan: worker %u", i + 1);
		if ((rc = exh_matcher_create(s->rules, s->timeout, &w->matcher,
		    err)) != EXH_OK)
			return rc;
		if (exh_hasher_create(s->md5, s->sha1, &w->hasher) != EXH_OK ||
		    (s->opt->dedupe != NULL && exh_hasher_create(false, false,
		    &w->head_hasher) != EXH_OK) ||
		    (w->buf = malloc(s->chunk)) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	return EXH_OK;
}

static void
free_scanners(struct file_scan *s, unsigned n)
{
	unsigned i;

	for (i = 0; s->workers != NULL && i < n; i++) {
		struct scan_worker *w = &s->workers[i];

		exh_findings_stats_add(s->out, &w->stats);
		free(w->buf);
		exh_buf_free(&w->decoded);
		exh_hasher_destroy(w->hasher);
		exh_hasher_destroy(w->head_hasher);
		exh_matcher_destroy(w->matcher);
	}
	free(s->workers);
	s->workers = NULL;
}

static int
walk_on_pool(struct file_scan *s, const char *const *roots, size_t nroots,
    struct exh_err *err)
{
	struct pool_config pc;
	unsigned n;
	int rc, prc;

	memset(&pc, 0, sizeof(pc));
	pc.nthreads = exh_scan_thread_count(s->opt->threads);
	pc.item_size = sizeof(struct scan_item);
	pc.work = scan_examine;
	pc.item_free = scan_item_free;
	pc.tick = report_scan;
	pc.ctx = s;
	pc.cancel = s->opt->cancel;
	if ((rc = pool_create(&pc, &s->pool, err)) != EXH_OK)
		return rc;
	n = pool_threads(s->pool);
	if ((rc = prepare_scanners(s, err)) == EXH_OK &&
	    (rc = pool_start(s->pool, err)) == EXH_OK)
		rc = s->dres != NULL ? scan_feed_deleted(s, err) :
		    walk_roots(s, roots, nroots, queue_entry, true);
	/* A worker's failure comes first: it is why the walk stopped. */
	if ((prc = pool_finish(s->pool, err)) != EXH_OK)
		rc = prc;
	pool_destroy(s->pool);
	s->pool = NULL;
	free_scanners(s, n);
	return rc;
}

/*
 * The extensions the iis_script external is true for: the shipped list
 * and those this volume's applicationHost.config maps to a script
 * engine.  A missing or unreadable config leaves the shipped list (on an
 * Exchange data volume the config is on C:, another volume).
 */
static int
script_extensions(struct file_scan *s, struct exh_err *err)
{
	const char *shipped = exh_rules_script_extensions(s->rules);
	struct exh_buf cfg = { 0 };
	struct exh_err ignored = { 0 };
	size_t added;
	int rc;

	if (exh_buf_puts(&s->script_exts, shipped != NULL ? shipped : "|") !=
	    EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	rc = exh_volume_read_file(s->vol, IIS_CONFIG_PATH, "",
	    IIS_CONFIG_MAX, &cfg, &ignored);
	if (rc == EXH_OK)
		rc = exh_iis_script_handlers(cfg.data, cfg.len,
		    &s->script_exts, &added, err);
	else
		rc = rc == EXH_ENOMEM ? exh_err_set(err, EXH_ENOMEM, 0,
		    "out of memory") : EXH_OK;
	exh_buf_free(&cfg);
	return rc;
}

int
exh_scan_volume(struct exh_volume *vol, const char *const *roots,
    size_t nroots, const struct exh_scan_options *opt,
    struct exh_findings *out, struct exh_err *err)
{
	struct file_scan s;

	if (vol == NULL || opt == NULL || opt->rules == NULL || out == NULL ||
	    (roots == NULL && nroots > 0))
		return exh_err_set(err, EXH_EUSAGE, 0, "scan: invalid call");
	memset(&s, 0, sizeof(s));
	s.vol = vol;
	s.opt = opt;
	s.out = out;
	return scan_run(&s, roots, nroots, err);
}

int
scan_run(struct file_scan *s, const char *const *roots, size_t nroots,
    struct exh_err *err)
{
	const struct exh_scan_options *opt = s->opt;
	int rc = EXH_OK;

	s->rules = opt->rules;
	s->err = err;
	s->max_size = opt->max_size ? opt->max_size : DEFAULT_MAX_SIZE;
	s->chunk = opt->chunk ? opt->chunk : DEFAULT_CHUNK;
	if (s->chunk < 4096)
		s->chunk = 4096;
	s->timeout = opt->timeout_sec ? opt->timeout_sec : 60;
	s->md5 = exh_rules_wants_md5(s->rules);
	s->sha1 = exh_rules_wants_sha1(s->rules);
	pthread_mutex_init(&s->plock, NULL);
	/* Deleted records are not counted first: their walk is the count. */
	if (opt->count_first && s->dres == NULL) {
		s->prog.phase = "counting";
		clock_gettime(CLOCK_MONOTONIC, &s->last_count_report);
		report_scan(s);
		rc = walk_roots(s, roots, nroots, count_entry, false);
		exh_set64_free(&s->counted);
		if (rc == EXH_OK)
			report_scan(s);
	}
	s->prog.phase = "scanning";
	if (rc == EXH_OK)
		rc = script_extensions(s, err);
	if (rc == EXH_OK)
		rc = walk_on_pool(s, roots, nroots, err);
	exh_buf_free(&s->script_exts);
	exh_findings_stats_add(s->out, &s->wstats);
	exh_set64_free(&s->linked);
	s->prog.phase = "done";
	if (rc == EXH_OK)
		report_scan(s);
	pthread_mutex_destroy(&s->plock);
	if (rc == EXH_OK && walk_cancelled(s)) {
		exh_findings_set_partial(s->out, "cancelled");
		return EXH_STOP;
	}
	return rc;
}
