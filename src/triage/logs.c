/* The log and event-log part of a triage: Exchange and IIS logs, .evtx files. */
#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "exhume/events.h"
#include "triage_int.h"

#define EVTX_MAX (1024ULL * 1024 * 1024)

struct log_file {
	char *path;
	uint64_t mft;
	uint64_t size;
	int family;		/* enum exh_log_family; UNKNOWN = by path */
	struct exh_volume *vol;	/* where it is: IIS may log to another one */
};

struct log_list {
	struct log_file *files;
	size_t n;
	int hint;		/* family of W3C files in the folder walked */
	struct exh_volume *vol;	/* the volume walked */
	struct exh_findings *fs;	/* damaged entries become skips */
};

/* IIS names its W3C logs u_ex<date>.log; a folder set in
 * applicationHost.config need not end in LogFiles, so its path alone does
 * not tell the family. */
static int
family_hint(const struct log_list *l, const char *path)
{
	const char *base = strrchr(path, '\\');

	base = base != NULL ? base + 1 : path;
	if (l->hint == EXH_LOG_IIS && exh_ascii_istarts(base, "u_ex") &&
	    (exh_ascii_iends(base, ".log") || exh_ascii_iends(base, ".log.gz")))
		return EXH_LOG_IIS;
	return EXH_LOG_UNKNOWN;
}

static int
collect(const struct exh_entry *e, void *ctx)
{
	struct log_list *l = ctx;
	struct log_file *grown;

	struct exh_err err;

	/* A log whose record is damaged is not analysed, and says so. */
	if (!e->is_dir && e->status != EXH_ENTRY_OK) {
		exh_findings_add_skip(l->fs, e->path, "", e->mft, 0,
		    e->status == EXH_ENTRY_UNREADABLE ? "unreadable" : "corrupt",
		    e->problem ? e->problem : "damaged record in a log folder",
		    &err);
		return EXH_WALK_NEXT;
	}
	if (e->is_dir || e->nstreams == 0 || e->streams[0].name[0] != '\0')
		return EXH_WALK_NEXT;
	if ((grown = realloc(l->files, (l->n + 1) * sizeof(*grown))) == NULL)
		return EXH_WALK_STOP;
	l->files = grown;
	if ((grown[l->n].path = strdup(e->path)) == NULL)
		return EXH_WALK_STOP;
	grown[l->n].mft = e->mft;
	grown[l->n].size = e->streams[0].size;
	grown[l->n].family = family_hint(l, e->path);
	grown[l->n].vol = l->vol;
	l->n++;
	return EXH_WALK_NEXT;
}

struct stream_reader {
	struct exh_stream *st;
	uint64_t off;
};

static int
read_stream(void *ctx, void *buf, size_t len, size_t *got,
    struct exh_err *err)
{
	struct stream_reader *r = ctx;
	int rc = exh_stream_pread(r->st, buf, len, r->off, got, err);

	if (rc == EXH_OK)
		r->off += *got;
	return rc;
}

static void
scan_text_log(struct exh_volume *vol, struct exh_logscan *ls, int family,
    const struct log_file *f, struct exh_findings *fs)
{
	struct stream_reader r = { NULL, 0 };
	struct exh_err err;
	int rc;

	if ((rc = exh_stream_open(vol, f->mft, "", &r.st, &err)) == EXH_OK) {
		rc = exh_logscan_file(ls, f->path, family, read_stream, &r, fs,
		    &err);
		exh_stream_close(r.st);
	}
	if (rc != EXH_OK)
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    rc == EXH_ECORRUPT ? "corrupt" : "unreadable", err.msg,
		    &err);
}

/* libevtx wants a file: the event log is copied into anonymous memory. */
static int
evtx_to_memfd(struct exh_volume *vol, const struct log_file *f, int *out,
    struct exh_err *err)
{
	struct stream_reader r = { NULL, 0 };
	char buf[65536];
	size_t got;
	int fd, rc;

	if ((fd = memfd_create("exhume-evtx", MFD_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "memfd: %s",
		    strerror(errno));
	rc = exh_stream_open(vol, f->mft, "", &r.st, err);
	while (rc == EXH_OK && (rc = read_stream(&r, buf, sizeof(buf), &got,
	    err)) == EXH_OK && got > 0)
		if (write(fd, buf, got) != (ssize_t)got)
			rc = exh_err_set(err, EXH_EIO, errno, "memfd: %s",
			    strerror(errno));
	if (r.st != NULL)
		exh_stream_close(r.st);
	if (rc != EXH_OK) {
		close(fd);
		return rc;
	}
	*out = fd;
	return EXH_OK;
}

/* The per-file note goes to note (empty when there is none): log threads
 * hand notes back in file order so the record reads the same every run. */
static void
scan_evtx(struct exh_findings *fs, struct exh_volume *vol,
    struct exh_events *ev, const struct log_file *f, char *note,
    size_t notelen)
{
	struct exh_events_stats st;
	struct exh_err err;
	char a[32], b[32];
	int fd, rc;

	note[0] = '\0';
	if (f->size > EVTX_MAX) {
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "too-large", "event log larger than 1 GiB", &err);
		return;
	}
	memset(&st, 0, sizeof(st));
	if ((rc = evtx_to_memfd(vol, f, &fd, &err)) == EXH_OK) {
		rc = exh_events_scan_fd(ev, fd, f->path, fs, &st, &err);
		close(fd);
	}
	if (rc == EXH_OK || rc == EXH_ECORRUPT)
		snprintf(note, notelen, "event log %s: %llu records, %s .. %s",
		    f->path, (unsigned long long)st.records,
		    exh_filetime_iso(st.first, a), exh_filetime_iso(st.last, b));
	else
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "unreadable", err.msg, &err);
}

static bool
wanted_evtx(const char *path)
{
	return exh_ascii_iends(path, "\\Application.evtx") ||
	    exh_ascii_iends(path, "\\MSExchange Management.evtx") ||
	    exh_ascii_iends(path,
	    "\\Microsoft-Windows-Windows Defender%4Operational.evtx");
}

static int
walk_root(struct exh_volume *vol, const char *root, int hint,
    struct log_list *l)
{
	struct exh_err err;
	int rc;

	l->hint = hint;
	l->vol = vol;
	rc = exh_volume_walk(vol, root, collect, l, &err);
	l->hint = EXH_LOG_UNKNOWN;
	/* A folder that exists but cannot be walked is a gap, not silence. */
	if (rc != EXH_OK && rc != EXH_ENOTFOUND)
		exh_findings_add_skip(l->fs, root, "", 0, 0, rc == EXH_ECORRUPT ?
		    "corrupt" : "unreadable", err.msg, &err);
	return rc;
}

/* A URL path for a flagged file under a virtual directory, into url. */
static bool
url_for(const struct exh_iis_vdir *v, const char *path, char *url, size_t len)
{
	size_t n = strlen(v->physical_resolved), i;
	const char *rest;
	int w;

	while (n > 0 && v->physical_resolved[n - 1] == '\\')
		n--;
	if (n == 0 || strncasecmp(path, v->physical_resolved, n) != 0 ||
	    path[n] != '\\')
		return false;
	rest = path + n;
	w = snprintf(url, len, "%s%s%s", strcmp(v->app_path, "/") == 0 ? "" :
	    v->app_path, strcmp(v->vdir_path, "/") == 0 ? "" : v->vdir_path,
	    rest);
	if (w < 0 || (size_t)w >= len)
		return false;
	for (i = 0; url[i] != '\0'; i++)
		if (url[i] == '\\')
			url[i] = '/';
	return true;
}

/* IIS requests to files the scanner flagged are findings of their own. */
static void
register_flagged(const struct exh_triage *t, struct exh_logscan *ls)
{
	const struct exh_profile *p = t->prof;
	struct exh_err err;
	char url[4096];
	size_t i, j;

	for (i = 0; i < exh_findings_count(t->fs); i++) {
		const struct exh_finding *f = exh_findings_get(t->fs, i);

		if (f->kind != EXH_FIND_FILE || f->level < EXH_LEVEL_NOTICE ||
		    f->path == NULL)
			continue;
		for (j = 0; p != NULL && j < p->nvdirs; j++)
			if (p->vdirs[j].physical_resolved != NULL &&
			    url_for(&p->vdirs[j], f->path, url, sizeof(url)))
				(void)exh_logscan_add_flagged_url(ls, url,
				    f->id[0] ? f->id : f->check, &err);
	}
}

/* IIS log folders: the default and the ones applicationHost.config sets,
 * on whichever opened volume has their drive letter. */
static void
walk_iis_logs(struct exh_triage *t, struct exh_volume *vol,
    struct log_list *l)
{
	char root[4096], letter = exh_volume_info(vol)->letter;
	struct exh_volume *on;
	size_t i;

	snprintf(root, sizeof(root), "%c:\\inetpub\\logs\\LogFiles", letter);
	(void)walk_root(vol, root, EXH_LOG_IIS, l);
	for (i = 0; t->prof != NULL && i < t->prof->nsites; i++) {
		const char *d = t->prof->sites[i].log_dir_resolved;

		if (d == NULL || strlen(d) < 3 || d[1] != ':' ||
		    strncasecmp(d, root, strlen(root)) == 0)
			continue;
		if ((on = triage_volume_for(t, d[0])) == NULL)
			triage_note(t, "IIS site %s logs to %s, which is on no "
			    "opened volume", t->prof->sites[i].name, d);
		else if (walk_root(on, d, EXH_LOG_IIS, l) == EXH_ENOTFOUND)
			triage_note(t, "IIS site %s logs to %s, which does "
			    "not exist", t->prof->sites[i].name, d);
	}
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

static void
keep_coverage(struct exh_triage *t, const struct exh_log_coverage *cov)
{
	struct exh_log_coverage *grown;
	int f;

	for (f = 0; f < EXH_LOG_NFAMILIES; f++) {
		if (cov[f].files == 0)
			continue;
		grown = realloc(t->cov, (t->ncov + 1) * sizeof(*grown));
		if (grown == NULL)
			return;
		t->cov = grown;
		t->cov[t->ncov++] = cov[f];
	}
}

static void
apply_updates(struct exh_triage *t, const struct exh_events *ev)
{
	size_t i;

	for (i = 0; t->prof != NULL && i < exh_events_update_count(ev); i++) {
		const struct exh_update_event *u = exh_events_update(ev, i);

		if (u->kb[0] != '\0')
			(void)exh_profile_add_update_event(t->prof, u->time,
			    u->kb, u->failed);
	}
}

/* ---- the log files, on several threads --------------------------------- */

/* Shared by the log threads; everything below lock is under it. */
struct log_run {
	struct exh_triage *t;
	struct log_list *l;
	const char *install;
	size_t *order;		/* file indices, largest first */
	char **notes;		/* per file: what an event log held */
	pthread_mutex_t lock;
	size_t next, done;
	uint64_t bytes;
};

struct log_worker {
	struct log_run *run;
	pthread_t tid;
	bool started;
	struct exh_logscan *ls;
	struct exh_events *ev;
	struct exh_volume **vols;	/* own handles, by index in t->vols */
};

/* libntfs-3g handles are not shared between threads: each log thread
 * reads through its own handle of the file's volume. */
static struct exh_volume *
worker_volume(struct log_worker *w, struct exh_volume *main_vol,
    struct exh_err *err)
{
	struct exh_triage *t = w->run->t;
	size_t i;

	for (i = 0; i < t->nvols && t->vols[i].vol != main_vol; i++)
		;
	if (i == t->nvols) {
		exh_err_set(err, EXH_EUSAGE, 0, "volume not open");
		return NULL;
	}
	if (w->vols[i] == NULL && exh_volume_open(t->vols[i].src,
	    t->vols[i].part, &w->vols[i], err) != EXH_OK)
		return NULL;
	return w->vols[i];
}

static void
log_progress(struct log_run *run, const struct log_file *f)
{
	struct exh_triage *t = run->t;
	struct exh_scan_progress p;

	pthread_mutex_lock(&run->lock);
	run->done++;
	run->bytes += f->size;
	if (t->opt.progress != NULL) {
		memset(&p, 0, sizeof(p));
		p.phase = "logs";
		p.streams_done = run->done;
		p.streams_total = run->l->n;
		p.bytes_done = run->bytes;
		p.current_path = f->path;
		exh_findings_level_counts(t->fs, p.by_level);
		t->opt.progress(t->opt.ctx, &p);
	}
	pthread_mutex_unlock(&run->lock);
}

static void
scan_one(struct log_worker *w, size_t k)
{
	struct log_run *run = w->run;
	struct exh_triage *t = run->t;
	struct log_file *f = &run->l->files[k];
	struct exh_volume *vol;
	struct exh_err err;
	char note[2048];
	int family = f->family != EXH_LOG_UNKNOWN ? f->family :
	    exh_log_family_for_path(f->path, run->install);

	if (t->opt.cancel != NULL && *t->opt.cancel != 0)
		exh_findings_add_skip(t->fs, f->path, "", f->mft, f->size,
		    "cancelled", "scan cancelled before this log", &err);
	else if (family == EXH_LOG_UNKNOWN && !wanted_evtx(f->path))
		;	/* another event log: not one the checks read */
	else if ((vol = worker_volume(w, f->vol, &err)) == NULL)
		exh_findings_add_skip(t->fs, f->path, "", f->mft, f->size,
		    "unreadable", err.msg, &err);
	else if (family != EXH_LOG_UNKNOWN)
		scan_text_log(vol, w->ls, family, f, t->fs);
	else {
		scan_evtx(t->fs, vol, w->ev, f, note, sizeof(note));
		if (note[0] != '\0')
			run->notes[k] = strdup(note);
	}
	log_progress(run, f);
}

static void *
log_thread(void *arg)
{
	struct log_worker *w = arg;
	struct log_run *run = w->run;
	size_t k;

	for (;;) {
		pthread_mutex_lock(&run->lock);
		k = run->next < run->l->n ? run->order[run->next++] :
		    SIZE_MAX;
		pthread_mutex_unlock(&run->lock);
		if (k == SIZE_MAX)
			return NULL;
		scan_one(w, k);
	}
}

static int
worker_init(struct log_worker *w, struct log_run *run, struct exh_err *err)
{
	struct exh_triage *t = run->t;

	w->run = run;
	if ((w->vols = calloc(t->nvols + 1, sizeof(*w->vols))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (exh_logscan_create(t->opt.rules_dir, &w->ls, err) != EXH_OK ||
	    exh_events_create(t->opt.rules_dir, &w->ev, err) != EXH_OK)
		return err->status;
	register_flagged(t, w->ls);
	if (run->install != NULL)
		exh_logscan_set_install_path(w->ls, run->install);
	return EXH_OK;
}

static void
worker_fini(struct log_worker *w, size_t nvols)
{
	size_t i;

	for (i = 0; w->vols != NULL && i < nvols; i++)
		exh_volume_close(w->vols[i]);
	free(w->vols);
	exh_events_destroy(w->ev);
	exh_logscan_destroy(w->ls);
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

static unsigned
log_threads(const struct exh_triage *t, size_t nfiles)
{
	unsigned n = exh_scan_thread_count(t->opt.threads);

	return nfiles == 0 ? 1 : (size_t)n > nfiles ? (unsigned)nfiles : n;
}

/*
 * Every log file once, on as many threads as the file scan used: the big
 * IIS and HttpProxy folders of a real server take minutes on one core.
 * Findings go straight to the collector (sorted at the end); coverage,
 * MsiInstaller updates and notes are merged afterwards in a fixed order.
 */
static int
scan_list(struct exh_triage *t, struct log_list *l, const char *install,
    struct exh_err *err)
{
	struct exh_log_coverage cov[EXH_LOG_NFAMILIES];
	struct log_worker *w;
	struct log_run run;
	unsigned n = log_threads(t, l->n), i;
	size_t k;
	int rc = EXH_OK, prc;

	memset(&run, 0, sizeof(run));
	run.t = t;
	run.l = l;
	run.install = install;
	pthread_mutex_init(&run.lock, NULL);
	run.order = calloc(l->n + 1, sizeof(*run.order));
	run.notes = calloc(l->n + 1, sizeof(*run.notes));
	w = calloc(n, sizeof(*w));
	if (run.order == NULL || run.notes == NULL || w == NULL)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (k = 0; rc == EXH_OK && k < l->n; k++)
		run.order[k] = k;
	if (rc == EXH_OK)
		qsort_r(run.order, l->n, sizeof(*run.order), larger_first, l);
	for (i = 0; rc == EXH_OK && i < n; i++)
		rc = worker_init(&w[i], &run, err);
	/* Threads that did start finish the whole list between them. */
	for (i = 0; rc == EXH_OK && i < n; i++) {
		if ((prc = pthread_create(&w[i].tid, NULL, log_thread,
		    &w[i])) != 0) {
			if (i == 0)
				rc = exh_err_set(err, EXH_EFATAL, prc, "logs: "
				    "cannot start a thread: %s", strerror(prc));
			break;
		}
		w[i].started = true;
	}
	memset(cov, 0, sizeof(cov));
	for (i = 0; w != NULL && i < n; i++) {
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
		if (w[i].ls != NULL)
			add_coverage(cov, w[i].ls);
		if (w[i].ev != NULL)
			apply_updates(t, w[i].ev);
		worker_fini(&w[i], t->nvols);
	}
	if (rc == EXH_OK)
		keep_coverage(t, cov);
	for (k = 0; k < l->n; k++) {
		if (run.notes != NULL && run.notes[k] != NULL) {
			triage_note(t, "%s", run.notes[k]);
			free(run.notes[k]);
		}
		free(l->files[k].path);
	}
	free(run.notes);
	free(run.order);
	free(w);
	free(l->files);
	pthread_mutex_destroy(&run.lock);
	return rc;
}

int
triage_scan_logs(struct exh_triage *t, struct exh_volume *vol,
    struct exh_err *err)
{
	struct log_list l = { NULL, 0, EXH_LOG_UNKNOWN, NULL, t->fs };
	char root[4096], *install = triage_install_dir(t, vol);
	char letter = exh_volume_info(vol)->letter;
	int rc;

	if (install != NULL) {
		snprintf(root, sizeof(root), "%sLogging", install);
		if (walk_root(vol, root, EXH_LOG_UNKNOWN, &l) == EXH_ENOTFOUND)
			triage_note(t, "no Exchange log folder %s", root);
	}
	walk_iis_logs(t, vol, &l);
	snprintf(root, sizeof(root), "%c:\\Windows\\System32\\winevt\\Logs",
	    letter);
	if (walk_root(vol, root, EXH_LOG_UNKNOWN, &l) == EXH_ENOTFOUND)
		triage_note(t, "no event log folder %s", root);
	rc = scan_list(t, &l, install, err);
	if (rc == EXH_OK)
		triage_coverage_check(t);
	free(install);
	return rc;
}
