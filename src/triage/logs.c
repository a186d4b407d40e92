/* The log and event-log part of a triage: Exchange and IIS logs, .evtx files. */
#include <sys/mman.h>

#include <errno.h>
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

static void
scan_evtx(struct exh_triage *t, struct exh_volume *vol, struct exh_events *ev,
    const struct log_file *f)
{
	struct exh_events_stats st;
	struct exh_err err;
	char a[32], b[32];
	int fd, rc;

	if (f->size > EVTX_MAX) {
		exh_findings_add_skip(t->fs, f->path, "", f->mft, f->size,
		    "too-large", "event log larger than 1 GiB", &err);
		return;
	}
	memset(&st, 0, sizeof(st));
	if ((rc = evtx_to_memfd(vol, f, &fd, &err)) == EXH_OK) {
		rc = exh_events_scan_fd(ev, fd, f->path, t->fs, &st, &err);
		close(fd);
	}
	if (rc == EXH_OK || rc == EXH_ECORRUPT)
		triage_note(t, "event log %s: %llu records, %s .. %s", f->path,
		    (unsigned long long)st.records, exh_filetime_iso(st.first, a),
		    exh_filetime_iso(st.last, b));
	else
		exh_findings_add_skip(t->fs, f->path, "", f->mft, f->size,
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

static void
keep_coverage(struct exh_triage *t, const struct exh_logscan *ls)
{
	size_t i, n = exh_logscan_coverage_count(ls);
	struct exh_log_coverage *grown;

	for (i = 0; i < n; i++) {
		const struct exh_log_coverage *c = exh_logscan_coverage(ls, i);

		if (c->files == 0)
			continue;
		grown = realloc(t->cov, (t->ncov + 1) * sizeof(*grown));
		if (grown == NULL)
			return;
		t->cov = grown;
		t->cov[t->ncov++] = *c;
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

static void
scan_list(struct exh_triage *t, struct exh_logscan *ls, struct exh_events *ev,
    struct log_list *l, const char *install)
{
	struct exh_err err;
	size_t i;

	for (i = 0; i < l->n; i++) {
		int family = l->files[i].family != EXH_LOG_UNKNOWN ?
		    l->files[i].family : exh_log_family_for_path(
		    l->files[i].path, install);

		if (t->opt.cancel != NULL && *t->opt.cancel != 0)
			exh_findings_add_skip(t->fs, l->files[i].path, "",
			    l->files[i].mft, l->files[i].size, "cancelled",
			    "scan cancelled before this log", &err);
		else if (family != EXH_LOG_UNKNOWN)
			scan_text_log(l->files[i].vol, ls, family,
			    &l->files[i], t->fs);
		else if (wanted_evtx(l->files[i].path))
			scan_evtx(t, l->files[i].vol, ev, &l->files[i]);
		free(l->files[i].path);
	}
	free(l->files);
}

int
triage_scan_logs(struct exh_triage *t, struct exh_volume *vol,
    struct exh_err *err)
{
	struct exh_logscan *ls = NULL;
	struct exh_events *ev = NULL;
	struct log_list l = { NULL, 0, EXH_LOG_UNKNOWN, NULL, t->fs };
	char root[4096], *install = triage_install_dir(t, vol);
	char letter = exh_volume_info(vol)->letter;

	if (exh_logscan_create(t->opt.rules_dir, &ls, err) != EXH_OK ||
	    exh_events_create(t->opt.rules_dir, &ev, err) != EXH_OK) {
		exh_logscan_destroy(ls);
		free(install);
		return err->status;
	}
	register_flagged(t, ls);
	if (install != NULL) {
		exh_logscan_set_install_path(ls, install);
		snprintf(root, sizeof(root), "%sLogging", install);
		if (walk_root(vol, root, EXH_LOG_UNKNOWN, &l) == EXH_ENOTFOUND)
			triage_note(t, "no Exchange log folder %s", root);
	}
	walk_iis_logs(t, vol, &l);
	snprintf(root, sizeof(root), "%c:\\Windows\\System32\\winevt\\Logs",
	    letter);
	if (walk_root(vol, root, EXH_LOG_UNKNOWN, &l) == EXH_ENOTFOUND)
		triage_note(t, "no event log folder %s", root);
	scan_list(t, ls, ev, &l, install);
	keep_coverage(t, ls);
	apply_updates(t, ev);
	triage_coverage_check(t);
	exh_events_destroy(ev);
	exh_logscan_destroy(ls);
	free(install);
	return EXH_OK;
}
