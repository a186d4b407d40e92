/* Scanning: the triage scope per volume (or whole volumes), then the logs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage_int.h"

/* Exposure windows the logs do not reach back to (src/scan/coverage.c). */
static int
coverage_gaps(struct exh_triage *t, struct exh_err *err)
{
	struct exh_msg *notes = NULL;
	char path[4096];
	size_t i, n = 0;
	int rc;

	if (!triage_rules_path(t, "exposure.tsv", path, sizeof(path)))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules directory path too long");
	rc = exh_scan_coverage_gaps(t->prof, t->cov, t->ncov, path, t->fs,
	    &notes, &n, err);
	for (i = 0; i < n; i++)
		triage_note_msg(t, &notes[i]);
	exh_msgs_free(notes);
	return rc;
}

/* The scope of the whole host, the same for every volume: each expanded
 * line applies on the volume whose drive letter it names. */
struct host_scope {
	struct exh_volume *sys;		/* the system volume, or NULL */
	char scope[4096];		/* rules/scope.txt */
	char systemdrive[4];		/* "C:" */
	char *windir;			/* "C:\\Windows" */
	char *exchange;			/* no trailing backslash */
	char **webroots;
	size_t nwebroots;
	struct exh_scope_vars vars;
	/* Found by structure on volumes without a scope root: an Exchange
	 * tree (when the registry names none) and inetpub log folders, for
	 * the log analysis. */
	char *found_exchange;
	char **found_iis_logs;
	size_t nfound_iis_logs;
};

static void
host_scope_free(struct host_scope *hs)
{
	free(hs->windir);
	free(hs->exchange);
	free(hs->found_exchange);
	exh_strvec_free(hs->webroots, hs->nwebroots);
	exh_strvec_free(hs->found_iis_logs, hs->nfound_iis_logs);
}

/* A drive path moved onto the volume it is on: the volume with its
 * letter, or for "C:" the system volume when no volume has that letter
 * (the host profile reads the registry's paths the same way).  Malloc'd,
 * without a trailing backslash; NULL when it is on no opened volume or
 * is not a drive path. */
static char *
placed(const struct exh_triage *t, const struct host_scope *hs,
    const char *path)
{
	struct exh_volume *on;
	size_t n;
	char *out;

	if (path == NULL || strlen(path) < 3 || path[1] != ':' ||
	    path[2] != '\\')
		return NULL;
	if ((on = triage_volume_for(t, path[0])) == NULL &&
	    (path[0] & ~0x20) == 'C')
		on = hs->sys;
	if (on == NULL || (out = strdup(path)) == NULL)
		return NULL;
	out[0] = exh_volume_info(on)->letter;
	n = strlen(out);
	while (n > 3 && out[n - 1] == '\\')
		out[--n] = '\0';
	return out;
}

/* %EXCHANGE%: the registry's folder wherever it is, else the first
 * default-exchange path that exists on some volume.  With --full the
 * folder is only where its logs are: where it was found is no news. */
static void
host_exchange(struct exh_triage *t, struct host_scope *hs)
{
	const struct exh_profile *p = t->prof;
	bool tell = !t->opt.full;
	struct exh_err err;
	size_t i;

	if (p != NULL && p->exchange_present && p->install_path != NULL &&
	    strlen(p->install_path) >= 4) {
		if ((hs->exchange = placed(t, hs, p->install_path)) == NULL)
			triage_note(t, "Exchange folder %s from %s is on no "
			    "opened volume: its files and logs are not "
			    "examined; give its disk, or its letter with "
			    "--letter", p->install_path,
			    p->install_path_source);
		else if (tell)
			triage_note(t, "Exchange folder %s from %s",
			    hs->exchange, p->install_path_source);
		return;
	}
	for (i = 0; i < t->nvols && hs->exchange == NULL; i++)
		if (exh_scope_default_exchange(t->vols[i].vol, hs->scope,
		    &hs->exchange, &err) == EXH_OK && tell)
			triage_note(t, "Exchange path not read from the "
			    "registry; using the default %s and web root "
			    "%c:\\inetpub\\wwwroot", hs->exchange, hs->sys ?
			    exh_volume_info(hs->sys)->letter :
			    hs->exchange[0]);
	if (hs->exchange != NULL || !tell)
		return;
	if (hs->sys != NULL)
		triage_note(t, "no Exchange installation at the default paths "
		    "on %c:", exh_volume_info(hs->sys)->letter);
	else
		triage_note(t, "no Exchange installation found: no volume "
		    "holds the SYSTEM hive and none has a default path");
}

/* %WEBROOT%: every virtual directory's physical path, wherever it is;
 * without applicationHost.config the default web site's. */
static int
host_webroots(struct exh_triage *t, struct host_scope *hs)
{
	char def[64], *w;
	size_t i, j;
	int rc = EXH_OK;

	for (i = 0; t->prof != NULL && i < t->prof->nvdirs && rc == EXH_OK;
	    i++) {
		/* A glob in a configured path would widen the scope. */
		if ((w = placed(t, hs, t->prof->vdirs[i].physical_resolved)) ==
		    NULL || strpbrk(w, "*?") != NULL) {
			free(w);
			continue;
		}
		for (j = 0; j < hs->nwebroots &&
		    !exh_ascii_iequal(hs->webroots[j], w); j++)
			;
		if (j == hs->nwebroots)
			rc = exh_strvec_push(&hs->webroots, &hs->nwebroots, w);
		free(w);
	}
	if (rc == EXH_OK && hs->nwebroots == 0 && hs->sys != NULL) {
		/* A letter and a literal: def[64] holds it. */
		(void)snprintf(def, sizeof(def), "%c:\\inetpub\\wwwroot",
		    exh_volume_info(hs->sys)->letter);
		rc = exh_strvec_push(&hs->webroots, &hs->nwebroots, def);
	}
	return rc;
}

/* %SYSTEMDRIVE% and %WINDIR% from the system volume: the Windows folder is
 * where the SYSTEM hive was found (SystemRoot names its folder). */
static int
host_system(struct exh_triage *t, struct host_scope *hs)
{
	const char *root = t->prof != NULL ? t->prof->system_root : NULL;
	char letter;

	if (hs->sys == NULL)
		return EXH_OK;
	letter = exh_volume_info(hs->sys)->letter;
	(void)snprintf(hs->systemdrive, sizeof(hs->systemdrive), "%c:",
	    letter);
	if (root == NULL || strlen(root) < 4 || root[1] != ':' ||
	    root[2] != '\\' || strpbrk(root, "*?") != NULL)
		root = "C:\\Windows";
	if (asprintf(&hs->windir, "%c:%s", letter, root + 2) < 0) {
		hs->windir = NULL;
		return EXH_ENOMEM;
	}
	return EXH_OK;
}

static int
host_scope_init(struct exh_triage *t, struct host_scope *hs,
    struct exh_err *err)
{
	size_t i;

	memset(hs, 0, sizeof(*hs));
	if (!triage_rules_path(t, "scope.txt", hs->scope, sizeof(hs->scope)))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules directory path too long");
	for (i = 0; i < t->nvols && hs->sys == NULL; i++)
		if (exh_volume_is_system(t->vols[i].vol))
			hs->sys = t->vols[i].vol;
	if (host_system(t, hs) != EXH_OK || host_webroots(t, hs) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	host_exchange(t, hs);
	hs->vars.exchange = hs->exchange;
	hs->vars.webroots = (const char *const *)hs->webroots;
	hs->vars.nwebroots = hs->nwebroots;
	hs->vars.systemdrive = hs->sys != NULL ? hs->systemdrive : NULL;
	hs->vars.windir = hs->windir;
	return EXH_OK;
}

static int
whole_volume(char ***roots, size_t *nroots, struct exh_err *err)
{
	if ((*roots = calloc(1, sizeof(**roots))) == NULL ||
	    ((*roots)[0] = strdup("\\")) == NULL) {
		free(*roots);
		*roots = NULL;
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	*nroots = 1;
	return EXH_OK;
}

/* A volume that is not the system volume and holds no scope root: its
 * web roots found by their layout (rules/scope.txt structure lines). */
/* What a web root found by structure says about the logs: an Exchange
 * tree's Logging folder (...\FrontEnd\HttpProxy: its parent's parent)
 * when the registry named no Exchange folder, an inetpub's logs\LogFiles. */
static int
structure_logs(struct host_scope *hs, const char *root)
{
	static const char tail[] = "\\FrontEnd\\HttpProxy";
	size_t n = strlen(root), k = sizeof(tail) - 1;
	const char *base = strrchr(root, '\\');
	char *p;
	int rc;

	if (hs->exchange == NULL && hs->found_exchange == NULL && n > k &&
	    exh_ascii_iequal(root + n - k, tail)) {
		if ((hs->found_exchange = strndup(root, n - k)) == NULL)
			return EXH_ENOMEM;
	} else if (base != NULL && exh_ascii_iequal(base + 1, "inetpub")) {
		if (asprintf(&p, "%s\\logs\\LogFiles", root) < 0)
			return EXH_ENOMEM;
		rc = exh_strvec_push(&hs->found_iis_logs,
		    &hs->nfound_iis_logs, p);
		free(p);
		return rc;
	}
	return EXH_OK;
}

static int
structure_roots(struct exh_triage *t, struct host_scope *hs,
    struct triage_volume *tv, char ***roots, size_t *nroots,
    struct exh_err *err)
{
	struct exh_scope_found found;
	struct exh_err e;
	char letter = exh_volume_info(tv->vol)->letter;
	size_t i;
	int rc;

	rc = exh_scope_structure(tv->vol, hs->scope, &found, &e);
	tv->structure_depth = found.depth;
	if (rc == EXH_ENOMEM || rc == EXH_EUSAGE || rc == EXH_ENOTFOUND) {
		exh_scope_structure_free(&found);
		*err = e;
		return rc;
	}
	if (rc != EXH_OK && asprintf(&tv->why, "it cannot be searched: %s",
	    e.msg) < 0)
		tv->why = NULL;
	if (found.damaged > 0)
		triage_note(t, "%c: %llu damaged entries passed over while "
		    "searching for web roots (not descended into)", letter,
		    (unsigned long long)found.damaged);
	for (i = 0; i < found.ndamaged_paths; i++)
		triage_note(t, "%c: damaged entry not searched: %s", letter,
		    found.damaged_paths[i]);
	if (found.nroots > 0)
		triage_note(t, "%c: not the system volume and no scope root: "
		    "%zu web root%s found by structure within %d directory "
		    "levels, first %s", letter, found.nroots,
		    found.nroots == 1 ? "" : "s", found.depth, found.roots[0]);
	for (i = 0; i < found.nroots; i++)
		if (structure_logs(hs, found.roots[i]) != EXH_OK) {
			exh_scope_structure_free(&found);
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "out of memory");
		}
	*roots = found.roots;
	*nroots = found.nroots;
	found.roots = NULL;	/* the caller owns them now */
	found.nroots = 0;
	exh_scope_structure_free(&found);
	return EXH_OK;
}

static int
record_scope(struct exh_triage *t, struct exh_volume *vol,
    char *const *roots, size_t n, struct exh_err *err)
{
	struct exh_buf buf = { 0 };
	size_t i;
	int rc = EXH_OK;

	/* A root has any length: formatted into a buffer that grows. */
	for (i = 0; i < n && rc == EXH_OK; i++) {
		exh_buf_reset(&buf);
		if (roots[i][0] == '\\')
			rc = exh_buf_printf(&buf, "%c:%s",
			    exh_volume_info(vol)->letter, roots[i]);
		else
			rc = exh_buf_puts(&buf, roots[i]);
		if (rc == EXH_OK)
			rc = triage_push(&t->scope, &t->nscope, buf.data);
	}
	exh_buf_free(&buf);
	if (rc != EXH_OK)
		return exh_err_set(err, rc, 0, "triage: scope: out of memory");
	return EXH_OK;
}

static int
scan_volume(struct exh_triage *t, struct host_scope *hs,
    struct triage_volume *tv, const struct exh_scan_options *so,
    struct exh_err *err)
{
	struct exh_scan_options live = *so;
	struct exh_stats before, after;
	char **roots = NULL;
	size_t nroots = 0;
	int rc, src;

	/* With shadow copies the live scan records what it read. */
	if ((rc = triage_snapshots_open(t, tv, err)) != EXH_OK)
		return rc;
	live.dedupe = tv->dedupe;

	if (t->opt.full)
		rc = whole_volume(&roots, &nroots, err);
	else
		rc = exh_scope_expand(tv->vol, hs->scope, &hs->vars, &roots,
		    &nroots, err);
	if (rc == EXH_OK && !t->opt.full && nroots == 0 &&
	    tv->vol != hs->sys) {
		exh_scope_free(roots, nroots);
		roots = NULL;
		rc = structure_roots(t, hs, tv, &roots, &nroots, err);
	}
	if (rc == EXH_OK)
		rc = record_scope(t, tv->vol, roots, nroots, err);
	tv->nroots = nroots;
	before = exh_findings_stats(t->fs);
	if (rc == EXH_OK)
		rc = exh_scan_volume(tv->vol, (const char *const *)roots,
		    nroots, &live, t->fs, err);
	after = exh_findings_stats(t->fs);
	tv->seen = after.streams_seen - before.streams_seen;
	tv->examined = after.streams_scanned - before.streams_scanned;
	tv->unreadable = after.streams_unreadable - before.streams_unreadable;
	/* Cancelled, the stores are counted as skipped. */
	if ((rc == EXH_OK || rc == EXH_STOP) && (src = triage_snapshots_scan(t,
	    tv, roots, nroots, so, err)) != EXH_OK && rc == EXH_OK)
		rc = src;
	exh_scope_free(roots, nroots);
	return rc;
}

/* One short note per volume; the record is the report's history section. */
static void
history_note(struct exh_triage *t, char l, const struct exh_history_result *r)
{
	char a[32], z[32];

	triage_note(t, "history: volume %c: $UsnJrnl %s%s%s (%llu records), "
	    "%llu deleted MFT records, %llu findings, journal coverage of the "
	    "exposure windows: %s%s%s", l, !r->journal ? "absent" :
	    r->usn_first ? exh_filetime_iso(r->usn_first, a) : "-",
	    r->journal ? " to " : "", !r->journal ? "" : r->usn_last ?
	    exh_filetime_iso(r->usn_last, z) : "-",
	    (unsigned long long)r->usn_records,
	    (unsigned long long)r->deleted_records,
	    (unsigned long long)r->findings,
	    exh_history_coverage_name(r->coverage),
	    r->usn_rc != EXH_OK ? "; journal read stopped: " : "",
	    r->usn_rc != EXH_OK ? r->usn_error : "");
}

/* Web folders: the configured roots and any inetpub tree the scope
 * reached (found by structure on a data volume, say). */
static int
history_webroots(const struct exh_triage *t, const struct host_scope *hs,
    char ***web, size_t *nweb)
{
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < hs->nwebroots && rc == EXH_OK; i++)
		rc = exh_strvec_push(web, nweb, hs->webroots[i]);
	for (i = 0; i < t->nscope && rc == EXH_OK; i++)
		if (exh_ascii_iequal(t->scope[i] + (strlen(t->scope[i]) > 8 ?
		    strlen(t->scope[i]) - 8 : 0), "\\inetpub"))
			rc = exh_strvec_push(web, nweb, t->scope[i]);
	return rc;
}

/* The shadow copy counts of the volume's scan into its history record. */
static void
history_snapshots(struct exh_history_result *r, const struct triage_volume *tv)
{
	r->snapshots_found = tv->snapshots_found;
	r->snapshots_examined = tv->snapshots_examined;
	r->snapshots_identical = tv->snapshots_identical;
	r->snapshots_skipped = tv->snapshots_skipped;
	/* A note longer than the record's field is cut: the triage notes
	 * keep it whole. */
	(void)snprintf(r->snapshots_note, sizeof(r->snapshots_note), "%s",
	    tv->snapshots_note != NULL ? tv->snapshots_note : "");
}

/* The change journal and deleted records of every volume, checked against
 * the host's web folders and exposure windows; what each held goes on the
 * record. */
static int
scan_history(struct exh_triage *t, const struct host_scope *hs,
    const struct exh_scan_options *so, struct exh_err *err)
{
	struct exh_exposure_window win[EXH_WINDOWS_MAX];
	struct exh_history_scope sc;
	struct exh_history_result *r;
	char path[4096], **web = NULL;
	size_t i, nweb = 0;
	int rc;

	if (!triage_rules_path(t, "history.tsv", path, sizeof(path)))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules directory path too long");
	if (history_webroots(t, hs, &web, &nweb) != EXH_OK) {
		exh_strvec_free(web, nweb);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	memset(&sc, 0, sizeof(sc));
	sc.webroots = (const char *const *)web;
	sc.nwebroots = nweb;
	sc.exchange = hs->exchange != NULL ? hs->exchange : hs->found_exchange;
	sc.rules_tsv = path;
	sc.system_letter = hs->systemdrive[0];
	if (t->prof != NULL) {
		sc.nwindows = exh_exposure_windows(t->prof->cves,
		    t->prof->ncves, win, EXH_WINDOWS_MAX);
		sc.windows = win;
		sc.host_since = t->prof->install_date;
	}
	for (i = 0, rc = EXH_OK; i < t->nvols && rc == EXH_OK; i++) {
		char l = exh_volume_info(t->vols[i].vol)->letter;

		if ((r = calloc(1, sizeof(*r))) == NULL) {
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
			break;
		}
		if ((rc = exh_history_volume(t->vols[i].vol, &sc, t->fs, r,
		    err)) != EXH_OK) {
			free(r);
			rc = exh_err_prefix(err, "volume %c: history", l);
			break;
		}
		history_snapshots(r, &t->vols[i]);
		free(t->vols[i].history);
		t->vols[i].history = r;
		history_note(t, l, r);
		rc = triage_deleted_content(t, t->vols[i].vol, so, web, nweb,
		    err);
	}
	exh_strvec_free(web, nweb);
	return rc;
}

/* The log analysis' results into the triage. */
/* Post-exploitation traces on the system volume (issue 19 item 5):
 * Defender, local administrators, services, scheduled tasks. */
static void
host_traces(struct exh_triage *t)
{
	struct exh_volume **vols;
	struct exh_err err;
	char **notes = NULL;
	size_t i, n = 0;

	if ((vols = calloc(t->nvols ? t->nvols : 1, sizeof(*vols))) == NULL) {
		triage_note(t, "post-exploitation traces: out of memory");
		return;
	}
	for (i = 0; i < t->nvols; i++)
		vols[i] = t->vols[i].vol;
	if (exh_traces_find(vols, t->nvols, t->opt.rules_dir, t->prof, t->fs,
	    &notes, &n, &err) != EXH_OK)
		triage_note(t, "post-exploitation traces: %s", err.msg);
	for (i = 0; i < n; i++)
		triage_note(t, "traces: %s", notes[i]);
	exh_strvec_free(notes, n);
	free(vols);
}

static int
keep_logs(struct exh_triage *t, struct exh_scan_logs_result *res, int rc,
    struct exh_err *err)
{
	struct exh_log_coverage *grown;
	size_t i;

	for (i = 0; t->prof != NULL && i < res->nupdates; i++)
		if (res->updates[i].kb[0] != '\0')
			(void)exh_profile_add_update_event(t->prof,
			    res->updates[i].time, res->updates[i].kb,
			    res->updates[i].failed);
	if (res->ncov > 0) {
		grown = realloc(t->cov, (t->ncov + res->ncov) *
		    sizeof(*grown));
		if (grown == NULL && rc == EXH_OK)
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		if (grown != NULL) {
			t->cov = grown;
			memcpy(t->cov + t->ncov, res->cov, res->ncov *
			    sizeof(*grown));
			t->ncov += res->ncov;
		}
	}
	for (i = 0; res->read_per_vol != NULL && i < t->nvols; i++)
		t->vols[i].logs += res->read_per_vol[i];
	for (i = 0; i < res->nnotes; i++)
		triage_note_msg(t, &res->notes[i]);
	return rc;
}

/* a and b joined, malloc'd; NULL when out of memory. */
static char *
joined(const char *a, const char *b)
{
	char *s;

	return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* The Exchange folder of this run (registry, default path or structure),
 * for the bundle's plan: its Logging folder is collected from whatever
 * volume it is on. */
static int
keep_exchange_dir(struct exh_triage *t, const struct host_scope *hs)
{
	const char *exchange = hs->exchange != NULL ? hs->exchange :
	    hs->found_exchange;

	if (exchange == NULL)
		return EXH_OK;
	return (t->exchange_dir = joined(exchange, "\\")) != NULL ? EXH_OK :
	    EXH_ENOMEM;
}

/* Triage's side of the log analysis, run once for the host: the Exchange
 * folder on its own volume, the IIS log folders wherever they are, the
 * event logs of the system volume. */
static int
scan_logs(struct exh_triage *t, const struct host_scope *hs, unsigned parts,
    struct exh_err *err)
{
	struct exh_scan_logs_input in;
	struct exh_scan_logs_result res;
	struct exh_volume **vols;
	const char *exchange;
	char *install = NULL, *evtx = NULL;
	size_t i;
	int rc;

	if ((vols = calloc(t->nvols + 1, sizeof(*vols))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < t->nvols; i++)
		vols[i] = t->vols[i].vol;
	memset(&in, 0, sizeof(in));
	in.vol = hs->sys;
	in.vols = vols;
	in.nvols = t->nvols;
	in.parts = parts;
	exchange = hs->exchange != NULL ? hs->exchange : hs->found_exchange;
	if (hs->exchange == NULL && exchange != NULL &&
	    (parts & EXH_LOGS_WEB) != 0)
		triage_note(t, "Exchange folder %s found by structure (no "
		    "registry value names one): its logs are analysed",
		    exchange);
	if ((exchange != NULL && (install = joined(exchange, "\\")) ==
	    NULL) || (hs->windir != NULL && (evtx = joined(hs->windir,
	    "\\System32\\winevt\\Logs")) == NULL)) {
		free(install);
		free(vols);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	in.install_dir = install;
	in.event_log_dir = evtx;
	in.iis_log_dirs = (const char *const *)hs->found_iis_logs;
	in.niis_log_dirs = hs->nfound_iis_logs;
	if (t->prof != NULL) {
		in.sites = t->prof->sites;
		in.nsites = t->prof->nsites;
		in.vdirs = t->prof->vdirs;
		in.nvdirs = t->prof->nvdirs;
	}
	in.flagged = t->fs;
	in.rules_dir = t->opt.rules_dir;
	in.threads = t->opt.threads;
	in.cancel = t->opt.cancel;
	in.progress = t->opt.progress;
	in.progress_ctx = t->opt.ctx;
	memset(&res, 0, sizeof(res));
	rc = keep_logs(t, &res, exh_scan_logs(&in, t->fs, &res, err), err);
	/* The web part is the last: the shadow copies' logs (all parts)
	 * and the coverage gaps follow it. */
	in.parts = 0;
	if (rc == EXH_OK && (parts & EXH_LOGS_WEB) != 0)
		rc = triage_snapshots_logs(t, &in, err);
	if (rc == EXH_OK && (parts & EXH_LOGS_WEB) != 0)
		rc = coverage_gaps(t, err);
	exh_scan_logs_result_free(&res);
	free(install);
	free(evtx);
	free(vols);
	return rc;
}

static bool
cancelled(const struct exh_triage *t)
{
	return t->opt.cancel != NULL && *t->opt.cancel != 0;
}

int
exh_triage_run(struct exh_triage *t, struct exh_err *err)
{
	struct exh_scan_options so;
	struct host_scope hs;
	struct exh_err perr;
	size_t i;
	int rc;

	if (t->rules == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "refusing to scan without rules");
	if (t->ran)
		return exh_err_set(err, EXH_EUSAGE, 0, "triage already ran");
	t->ran = true;
	memset(&so, 0, sizeof(so));
	so.rules = t->rules;
	so.threads = t->opt.threads;
	so.max_size = t->opt.max_size;
	so.count_first = t->opt.progress != NULL;
	so.cancel = t->opt.cancel;
	so.progress = t->opt.progress;
	so.progress_ctx = t->opt.ctx;
	rc = host_scope_init(t, &hs, err);
	for (i = 0; i < t->nvols && rc == EXH_OK; i++)
		rc = scan_volume(t, &hs, &t->vols[i], &so, err);
	if (rc == EXH_OK && keep_exchange_dir(t, &hs) != EXH_OK)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	/* Event logs before the history: an update MsiInstaller recorded
	 * closes an exposure window the history's hits are placed in. */
	if (t->opt.no_logs)
		triage_note(t, "log analysis not run (--no-logs): no Exchange, "
		    "IIS or event log was examined");
	else if (rc == EXH_OK && !cancelled(t))
		rc = scan_logs(t, &hs, EXH_LOGS_EVENTS, err);
	if (t->opt.no_history)
		triage_note(t, "history not read (--no-history): no change "
		    "journal and no deleted record was examined");
	else if (rc == EXH_OK && !cancelled(t))
		rc = scan_history(t, &hs, &so, err);
	/* Web logs last: IIS requests are matched against the files flagged
	 * on every volume (a web root may be on D:), deleted ones included. */
	if (!t->opt.no_logs && rc == EXH_OK && !cancelled(t))
		rc = scan_logs(t, &hs, EXH_LOGS_WEB, err);
	host_scope_free(&hs);
	for (i = 0; i < t->nvols; i++)
		triage_snapshots_done(&t->vols[i]);
	/* Host findings last: MsiInstaller events may have moved a verdict. */
	if (t->prof != NULL && exh_profile_findings(t->prof, t->fs, &perr) !=
	    EXH_OK)
		triage_note(t, "host profile: %s", perr.msg);
	if (!t->opt.no_profile && !cancelled(t))
		host_traces(t);
	/* The image record: the files' hashes (stopped when cancelled),
	 * then the image check, which reads the whole disk again. */
	triage_image_join(t);
	if (rc == EXH_OK)
		rc = triage_image_verify(t, err);
	if (rc == EXH_OK && cancelled(t)) {
		exh_findings_set_partial(t->fs, "cancelled");
		rc = exh_err_set(err, EXH_STOP, 0, "cancelled");
	}
	/* Never a silent "clean": what contributed nothing says why. */
	if (rc == EXH_OK && triage_examined(t, hs.sys) != EXH_OK)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (rc == EXH_OK && t->notes_lost > 0)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "triage: %zu notes not "
		    "kept: out of memory", t->notes_lost);
	exh_findings_sort(t->fs);
	/* The record's "after" state is read at the end, not assumed. */
	for (i = 0; i < t->nsrcs; i++)
		exh_source_recheck_ro(t->srcs[i]);
	t->ended = exh_unix_to_filetime((int64_t)time(NULL));
	return rc;
}
