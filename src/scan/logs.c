/* The log and event-log analysis of a host, on the worker pool; results merged in file order. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* What one worker thread owns besides its volume handles. */
struct log_worker {
	struct exh_logscan *ls;
	struct exh_events *ev;
};

struct log_run {
	const struct exh_scan_logs_input *in;
	struct log_list *l;
	struct exh_findings *out;
	struct log_worker *workers;	/* by pool worker index */
	/* Counters the workers add to, under lock. */
	pthread_mutex_t lock;
	size_t done;
	uint64_t bytes;
	uint64_t bytes_total;	/* of the files read (read_size) */
	size_t last;		/* index of the file done last; SIZE_MAX */
	uint64_t *read_per_vol;	/* files read, by index of in->vols */
	int skip_rc;		/* first skip that could not be recorded */
	struct exh_err skip_err;
};

static int
family_of(const struct log_run *run, const struct log_file *f)
{
	return f->family != EXH_LOG_UNKNOWN ? f->family :
	    exh_log_family_for_path(f->path, run->in->install_dir);
}

/* Progress counts the bytes of the files whose records are read. */
static uint64_t
read_size(const struct log_run *run, const struct log_file *f)
{
	if (family_of(run, f) == EXH_LOG_UNKNOWN && !log_wanted_evtx(f->path))
		return 0;
	return f->size;
}

/* Workers count; the calling thread reports (report_logs below). */
static void
count_file(struct log_run *run, size_t k, bool read)
{
	uint64_t bytes = read_size(run, &run->l->files[k]);
	size_t v = run->l->files[k].vol_index;

	pthread_mutex_lock(&run->lock);
	if (read && run->read_per_vol != NULL && v < run->in->nvols)
		run->read_per_vol[v]++;
	run->done++;
	run->bytes += bytes;
	run->last = k;
	pthread_mutex_unlock(&run->lock);
}

static void
report_logs(void *ctx)
{
	struct log_run *run = ctx;
	struct exh_scan_progress p;
	size_t last;

	if (run->in->progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.phase = "logs";
	p.streams_total = run->l->n;
	p.bytes_total = run->bytes_total;
	pthread_mutex_lock(&run->lock);
	p.streams_done = run->done;
	p.bytes_done = run->bytes;
	last = run->last;
	pthread_mutex_unlock(&run->lock);
	/* The list does not change while the pool runs. */
	p.current_path = last != SIZE_MAX ? run->l->files[last].path : NULL;
	exh_findings_level_counts(run->out, p.by_level);
	run->in->progress(run->in->progress_ctx, &p);
}

/* An event log's MsiInstaller records, kept with the file they came from
 * so they are merged in file order. */
static int
keep_updates(struct exh_events *ev, size_t from, struct log_file *f,
    struct exh_err *err)
{
	size_t i, n = exh_events_update_count(ev);

	if (n <= from)
		return EXH_OK;
	if ((f->updates = calloc(n - from, sizeof(*f->updates))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = from; i < n; i++)
		f->updates[f->nupdates++] = *exh_events_update(ev, i);
	return EXH_OK;
}

static int
analyse_file(void *ctx, struct pool_worker *pw, void *item, struct exh_err *err)
{
	struct log_run *run = ctx;
	struct log_worker *w = &run->workers[pool_worker_index(pw)];
	size_t k = *(size_t *)item, from;
	struct log_file *f = &run->l->files[k];
	struct exh_volume *vol;
	struct exh_err e;
	char name[256];
	int family = family_of(run, f);
	bool read = false;
	int rc = EXH_OK;

	if (family == EXH_LOG_UNKNOWN && !log_wanted_evtx(f->path))
		;	/* another event log: not one the checks read */
	else if (pool_volume(pw, f->vol, &vol, &e) != EXH_OK)
		rc = exh_findings_add_skip(run->out, f->path, "", f->mft,
		    f->size, "unreadable", e.msg, err);
	else if (family != EXH_LOG_UNKNOWN)
		rc = log_scan_text(vol, w->ls, family, f, run->out, &read,
		    err);
	else {
		from = exh_events_update_count(w->ev);
		if ((rc = log_scan_evtx(vol, w->ev, f, run->out, &read,
		    err)) == EXH_OK)
			rc = keep_updates(w->ev, from, f, err);
	}
	count_file(run, k, read);
	if (rc != EXH_OK)
		exh_err_prefix(err, "worker: %s", exh_esc_term_str(f->path,
		    name, sizeof(name)));
	return rc;
}

/* After a cancel every log left is recorded, not silently dropped. */
static void
skip_cancelled(void *ctx, struct pool_worker *pw, void *item)
{
	struct log_run *run = ctx;
	size_t k = *(size_t *)item;
	struct log_file *f = &run->l->files[k];
	struct exh_err e;
	int rc;

	(void)pw;
	rc = exh_findings_add_skip(run->out, f->path, "", f->mft, f->size,
	    "cancelled", "scan cancelled before this log", &e);
	/* A skip that could not be recorded fails the run after the pool. */
	pthread_mutex_lock(&run->lock);
	if (rc != EXH_OK && run->skip_rc == EXH_OK) {
		run->skip_rc = rc;
		run->skip_err = e;
	}
	pthread_mutex_unlock(&run->lock);
	count_file(run, k, false);
}

static int
larger_first(const void *a, const void *b, void *ctx)
{
	const struct log_list *l = ctx;
	uint64_t x = l->files[*(const size_t *)a].size;
	uint64_t y = l->files[*(const size_t *)b].size;

	if (x != y)
		return x > y ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Adds one handle's coverage into cov[family]. */
static void
add_coverage(struct exh_log_coverage *cov, const struct exh_logscan *ls)
{
	size_t i, n = exh_logscan_coverage_count(ls);

	for (i = 0; i < n; i++) {
		const struct exh_log_coverage *c = exh_logscan_coverage(ls, i);
		struct exh_log_coverage *to;

		if (c->files == 0 || c->family <= EXH_LOG_UNKNOWN ||
		    c->family >= EXH_LOG_NFAMILIES)
			continue;
		to = &cov[c->family];
		to->family = c->family;
		to->files += c->files;
		to->lines += c->lines;
		to->bad_lines += c->bad_lines;
		if (c->first != 0 && (to->first == 0 || c->first < to->first))
			to->first = c->first;
		if (c->last > to->last)
			to->last = c->last;
	}
}

static int
keep_coverage(const struct log_run *run, unsigned nworkers,
    struct exh_scan_logs_result *res, struct exh_err *err)
{
	struct exh_log_coverage cov[EXH_LOG_NFAMILIES];
	unsigned i;
	int f;

	memset(cov, 0, sizeof(cov));
	for (i = 0; i < nworkers; i++)
		add_coverage(cov, run->workers[i].ls);
	if ((res->cov = calloc(EXH_LOG_NFAMILIES, sizeof(*res->cov))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (f = 0; f < EXH_LOG_NFAMILIES; f++)
		if (cov[f].files != 0)
			res->cov[res->ncov++] = cov[f];
	return EXH_OK;
}

/* Each worker's logscan and events handles, made on the calling thread
 * so a bad rule set stops the run before it starts. */
static int
prepare_analysers(struct log_run *run, unsigned n, struct exh_err *err)
{
	const struct exh_scan_logs_input *in = run->in;
	unsigned i;

	if ((run->workers = calloc(n, sizeof(*run->workers))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < n; i++) {
		struct log_worker *w = &run->workers[i];

		if (exh_logscan_create(in->rules_dir, &w->ls, err) != EXH_OK ||
		    exh_events_create(in->rules_dir, &w->ev, err) != EXH_OK)
			return err->status;
		log_register_flagged(in, w->ls);
		if (in->install_dir != NULL)
			exh_logscan_set_install_path(w->ls, in->install_dir);
	}
	return EXH_OK;
}

/* Feeds the pool the file indices, largest first: the big IIS and
 * HttpProxy folders of a real server take minutes on one core. */
static int
feed(struct log_run *run, struct pool *pool, struct exh_err *err)
{
	const struct log_list *l = run->l;
	size_t *order, k;
	int rc = EXH_OK;

	if ((order = calloc(l->n + 1, sizeof(*order))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (k = 0; k < l->n; k++)
		order[k] = k;
	qsort_r(order, l->n, sizeof(*order), larger_first, (void *)l);
	for (k = 0; k < l->n && rc == EXH_OK; k++)
		rc = pool_push(pool, &order[k]);
	free(order);
	/* A failed worker: pool_finish says why. */
	return EXH_OK;
}

static int
logs_on_pool(struct log_run *run, struct exh_scan_logs_result *res,
    struct exh_err *err)
{
	const struct exh_scan_logs_input *in = run->in;
	struct pool_config pc;
	struct pool *pool;
	unsigned n = exh_scan_thread_count(in->threads), i;
	size_t k;
	int rc, prc;

	if ((size_t)n > run->l->n)
		n = run->l->n > 0 ? (unsigned)run->l->n : 1;
	for (k = 0; k < run->l->n; k++)
		run->bytes_total += read_size(run, &run->l->files[k]);
	memset(&pc, 0, sizeof(pc));
	pc.nthreads = n;
	pc.item_size = sizeof(size_t);
	pc.work = analyse_file;
	pc.cancelled = skip_cancelled;
	pc.tick = report_logs;
	pc.ctx = run;
	pc.cancel = in->cancel;
	if ((rc = pool_create(&pc, &pool, err)) != EXH_OK)
		return rc;
	if ((rc = prepare_analysers(run, n, err)) == EXH_OK &&
	    (rc = pool_start(pool, err)) == EXH_OK)
		rc = feed(run, pool, err);
	if ((prc = pool_finish(pool, err)) != EXH_OK && rc == EXH_OK)
		rc = prc;
	pool_destroy(pool);
	if (rc == EXH_OK && run->skip_rc != EXH_OK) {
		*err = run->skip_err;
		rc = run->skip_rc;
	}
	if (rc == EXH_OK)
		report_logs(run);
	if (rc == EXH_OK)
		rc = keep_coverage(run, n, res, err);
	for (i = 0; run->workers != NULL && i < n; i++) {
		exh_events_destroy(run->workers[i].ev);
		exh_logscan_destroy(run->workers[i].ls);
	}
	free(run->workers);
	return rc;
}

/* Notes and update events of every file, in file order. */
static int
merge(struct log_list *l, struct exh_scan_logs_result *res)
{
	struct exh_update_event *grown;
	uint64_t other_records = 0;
	size_t k, other = 0;
	int rc = EXH_OK;

	for (k = 0; k < l->n && rc == EXH_OK; k++) {
		struct log_file *f = &l->files[k];

		if (f->nupdates > 0) {
			grown = realloc(res->updates, (res->nupdates +
			    f->nupdates) * sizeof(*grown));
			if (grown == NULL)
				return EXH_ENOMEM;
			res->updates = grown;
			memcpy(res->updates + res->nupdates, f->updates,
			    f->nupdates * sizeof(*grown));
			res->nupdates += f->nupdates;
		}
		if (f->note != NULL)
			rc = exh_msgs_push(&res->notes, &res->nnotes,
			    f->note);
		if (f->other_evtx) {
			other++;
			other_records += f->other_records;
		}
	}
	if (rc == EXH_OK && other > 0)
		rc = log_note(res, "event logs of other channels: %zu files, "
		    "%llu records read (no check reads their channels; the "
		    "bundle holds them)", other,
		    (unsigned long long)other_records);
	return rc;
}

int
exh_scan_logs(const struct exh_scan_logs_input *in, struct exh_findings *out,
    struct exh_scan_logs_result *res, struct exh_err *err)
{
	struct log_list l;
	struct log_run run;
	size_t k;
	int rc;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (in == NULL || in->rules_dir == NULL || out == NULL || res == NULL ||
	    (in->vols == NULL && in->nvols > 0))
		return exh_err_set(err, EXH_EUSAGE, 0, "logs: invalid call");
	if (in->nvols > 0 && (res->read_per_vol = calloc(in->nvols,
	    sizeof(*res->read_per_vol))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	memset(&l, 0, sizeof(l));
	l.hint = EXH_LOG_UNKNOWN;
	l.fs = out;
	l.res = res;
	memset(&run, 0, sizeof(run));
	run.in = in;
	run.l = &l;
	run.out = out;
	run.last = SIZE_MAX;
	run.read_per_vol = res->read_per_vol;
	pthread_mutex_init(&run.lock, NULL);
	if ((rc = log_find(in, &l, err)) == EXH_OK && in->live != NULL)
		rc = log_drop_in_live(in, &l, res, err);
	if (rc == EXH_OK)
		rc = logs_on_pool(&run, res, err);
	if (merge(&l, res) != EXH_OK && rc == EXH_OK)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "logs: out of memory");
	for (k = 0; k < l.n; k++) {
		free(l.files[k].path);
		free(l.files[k].note);
		free(l.files[k].updates);
	}
	free(l.files);
	pthread_mutex_destroy(&run.lock);
	return rc;
}

void
exh_scan_logs_result_free(struct exh_scan_logs_result *res)
{
	if (res == NULL)
		return;
	exh_msgs_free(res->notes);
	free(res->cov);
	free(res->updates);
	free(res->read_per_vol);
	memset(res, 0, sizeof(*res));
}
