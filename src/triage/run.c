/* Scanning: the triage scope per volume (or whole volumes), then the logs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage_int.h"

/* The Exchange folder from the registry when it is on this volume. */
static char *
profile_exchange(const struct exh_profile *p, char letter)
{
	size_t n;
	char *dir;

	if (p == NULL || !p->exchange_present || p->install_path == NULL ||
	    strlen(p->install_path) < 4 ||
	    (p->install_path[0] & ~0x20) != (letter & ~0x20) ||
	    (dir = strdup(p->install_path)) == NULL)
		return NULL;
	n = strlen(dir);
	while (n > 3 && dir[n - 1] == '\\')
		dir[--n] = '\0';
	return dir;
}

/* The root of the default web site's physical path on this volume. */
static const char *
profile_webroot(const struct exh_profile *p, char letter)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nvdirs; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		if (v->physical_resolved != NULL && strcmp(v->app_path, "/") == 0 &&
		    strcmp(v->vdir_path, "/") == 0 &&
		    (v->physical_resolved[0] & ~0x20) == (letter & ~0x20))
			return v->physical_resolved;
	}
	return NULL;
}

char *
triage_install_dir(const struct exh_triage *t, struct exh_volume *vol)
{
	char scope[4096], *exchange, *install = NULL;
	struct exh_err err;

	exchange = profile_exchange(t->prof, exh_volume_info(vol)->letter);
	if (exchange == NULL && (!triage_rules_path(t, "scope.txt", scope,
	    sizeof(scope)) || exh_scope_default_exchange(vol, scope, &exchange,
	    &err) != EXH_OK))
		return NULL;
	/* Sized for exchange and the backslash: cannot be cut. */
	if ((install = malloc(strlen(exchange) + 2)) != NULL)
		(void)snprintf(install, strlen(exchange) + 2, "%s\\",
		    exchange);
	free(exchange);
	return install;
}

/* Exposure windows the logs do not reach back to (src/scan/coverage.c). */
static int
coverage_gaps(struct exh_triage *t, struct exh_err *err)
{
	char path[4096], **notes = NULL;
	size_t i, n = 0;
	int rc;

	if (!triage_rules_path(t, "exposure.tsv", path, sizeof(path)))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules directory path too long");
	rc = exh_scan_coverage_gaps(t->prof, t->cov, t->ncov, path, t->fs,
	    &notes, &n, err);
	for (i = 0; i < n; i++)
		triage_note(t, "%s", notes[i]);
	exh_strvec_free(notes, n);
	return rc;
}

/* Fills the scope variables of a system volume; says where they came
 * from.  *exchange is malloc'd (or NULL). */
static void
system_vars(struct exh_triage *t, struct exh_volume *vol, const char *scope,
    struct exh_scope_vars *vars, char bufs[3][64], char **exchange)
{
	char letter = exh_volume_info(vol)->letter;
	const char *web = profile_webroot(t->prof, letter);
	struct exh_err err;

	/* A letter and a literal: these fit bufs[64] by construction. */
	(void)snprintf(bufs[0], 64, "%c:", letter);
	(void)snprintf(bufs[1], 64, "%c:\\Windows", letter);
	(void)snprintf(bufs[2], 64, "%c:\\inetpub\\wwwroot", letter);
	vars->systemdrive = bufs[0];
	vars->windir = bufs[1];
	vars->webroot = web != NULL ? web : bufs[2];
	if ((*exchange = profile_exchange(t->prof, letter)) != NULL)
		triage_note(t, "Exchange folder %s from %s", *exchange,
		    t->prof->install_path_source);
	else if (exh_scope_default_exchange(vol, scope, exchange, &err) ==
	    EXH_OK)
		triage_note(t, "Exchange path not read from the registry; "
		    "using the default %s and web root %s", *exchange,
		    bufs[2]);
	else
		triage_note(t, "no Exchange installation at the default paths "
		    "on %c:", letter);
	vars->exchange = *exchange;
}

static int
volume_roots(struct exh_triage *t, struct exh_volume *vol, char ***roots,
    size_t *nroots, struct exh_err *err)
{
	struct exh_scope_vars vars;
	char scope[4096], bufs[3][64];
	char *exchange = NULL;
	int rc;

	if (t->opt.full) {
		if ((*roots = calloc(1, sizeof(**roots))) == NULL ||
		    ((*roots)[0] = strdup("\\")) == NULL) {
			free(*roots);
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		}
		*nroots = 1;
		return EXH_OK;
	}
	if (!triage_rules_path(t, "scope.txt", scope, sizeof(scope)))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules directory path too long");
	memset(&vars, 0, sizeof(vars));
	if (exh_volume_is_system(vol))
		system_vars(t, vol, scope, &vars, bufs, &exchange);
	rc = exh_scope_expand(vol, scope, &vars, roots, nroots, err);
	free(exchange);
	return rc;
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
scan_volume(struct exh_triage *t, struct triage_volume *tv,
    const struct exh_scan_options *so, struct exh_err *err)
{
	char **roots = NULL;
	size_t nroots = 0;
	int rc;

	if ((rc = volume_roots(t, tv->vol, &roots, &nroots, err)) != EXH_OK)
		return rc;
	if ((rc = record_scope(t, tv->vol, roots, nroots, err)) != EXH_OK) {
		exh_scope_free(roots, nroots);
		return rc;
	}
	rc = exh_scan_volume(tv->vol, (const char *const *)roots, nroots, so,
	    t->fs, err);
	exh_scope_free(roots, nroots);
	return rc;
}

/* Triage's side of the log analysis: what the scan layer needs from the
 * profile and the opened volumes, and its results into the triage. */
static int
scan_logs(struct exh_triage *t, struct exh_volume *vol, struct exh_err *err)
{
	struct exh_scan_logs_input in;
	struct exh_scan_logs_result res;
	struct exh_volume **vols;
	struct exh_log_coverage *grown;
	char *install;
	size_t i;
	int rc;

	if ((vols = calloc(t->nvols + 1, sizeof(*vols))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < t->nvols; i++)
		vols[i] = t->vols[i].vol;
	memset(&in, 0, sizeof(in));
	in.vol = vol;
	in.vols = vols;
	in.nvols = t->nvols;
	in.install_dir = install = triage_install_dir(t, vol);
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
	rc = exh_scan_logs(&in, t->fs, &res, err);
	for (i = 0; t->prof != NULL && i < res.nupdates; i++)
		if (res.updates[i].kb[0] != '\0')
			(void)exh_profile_add_update_event(t->prof,
			    res.updates[i].time, res.updates[i].kb,
			    res.updates[i].failed);
	if (res.ncov > 0) {
		grown = realloc(t->cov, (t->ncov + res.ncov) * sizeof(*grown));
		if (grown == NULL && rc == EXH_OK)
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		if (grown != NULL) {
			t->cov = grown;
			memcpy(t->cov + t->ncov, res.cov, res.ncov *
			    sizeof(*grown));
			t->ncov += res.ncov;
		}
	}
	for (i = 0; i < res.nnotes; i++)
		triage_note(t, "%s", res.notes[i]);
	if (rc == EXH_OK)
		rc = coverage_gaps(t, err);
	exh_scan_logs_result_free(&res);
	free(install);
	free(vols);
	return rc;
}

int
exh_triage_run(struct exh_triage *t, struct exh_err *err)
{
	struct exh_scan_options so;
	struct exh_err perr;
	size_t i;
	int rc = EXH_OK;

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
	for (i = 0; i < t->nvols && rc == EXH_OK; i++)
		rc = scan_volume(t, &t->vols[i], &so, err);
	/* Logs last: IIS requests are matched against the files flagged on
	 * every volume (a web root may be on D:). */
	if (t->opt.no_logs)
		triage_note(t, "log analysis not run (--no-logs): no Exchange, "
		    "IIS or event log was examined");
	for (i = 0; i < t->nvols && rc == EXH_OK && !t->opt.no_logs; i++)
		if (exh_volume_is_system(t->vols[i].vol) &&
		    (t->opt.cancel == NULL || *t->opt.cancel == 0))
			rc = scan_logs(t, t->vols[i].vol, err);
	/* Host findings last: MsiInstaller events may have moved a verdict. */
	if (t->prof != NULL && exh_profile_findings(t->prof, t->fs, &perr) !=
	    EXH_OK)
		triage_note(t, "host profile: %s", perr.msg);
	if (rc == EXH_OK && t->opt.cancel != NULL && *t->opt.cancel != 0) {
		exh_findings_set_partial(t->fs, "cancelled");
		rc = exh_err_set(err, EXH_STOP, 0, "cancelled");
	}
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
