/* Patch verdicts per family from ExSetup.exe, the registry and installed updates; exposure windows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

static unsigned long
kb_number(const char *kb)
{
	char *end;
	unsigned long n;

	if (kb == NULL || (kb[0] != 'K' && kb[0] != 'k') ||
	    (kb[1] != 'B' && kb[1] != 'b'))
		return 0;
	n = strtoul(kb + 2, &end, 10);
	return *end == '\0' ? n : 0;
}

/* The earliest successful install of an update that fixes family. */
static const struct exh_update *
first_fix(const struct exh_profile *p, const struct exh_builds *b,
    int family)
{
	const struct exh_update *best = NULL;
	size_t i;

	for (i = 0; i < p->nupdates; i++) {
		const struct exh_update *u = &p->updates[i];

		if (u->failed || host_builds_fix_kb(b, family,
		    kb_number(u->kb)) == 0)
			continue;
		if (best == NULL || (u->install_date != 0 &&
		    (best->install_date == 0 ||
		    u->install_date < best->install_date)))
			best = u;
	}
	return best;
}

static bool
same_cu(const char *a, const char *b)
{
	unsigned x[4], y[4];

	if (host_parse_build(a, x) != 0 || host_parse_build(b, y) != 0)
		return true;
	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
}

static int
evidence(const struct exh_profile *p, const struct exh_update *fix,
    struct exh_buf *b)
{
	int rc = exh_buf_append(b, "", 0);

	if (rc == EXH_OK && p->exsetup_build[0] != '\0')
		rc = exh_buf_printf(b, "%s file version %s; ", p->exsetup_path,
		    p->exsetup_build);
	else if (rc == EXH_OK)
		rc = exh_buf_puts(b, "ExSetup.exe version not available; ");
	if (rc == EXH_OK && p->registry_build[0] != '\0')
		rc = exh_buf_printf(b, "SOFTWARE\\Microsoft\\ExchangeServer\\"
		    "%s\\Setup Msi* values %s (CU level); ",
		    p->exchange_version_key, p->registry_build);
	if (rc == EXH_OK && p->product_display_version[0] != '\0')
		rc = exh_buf_printf(b, "Uninstall product DisplayVersion %s; ",
		    p->product_display_version);
	if (rc == EXH_OK && fix != NULL)
		rc = exh_buf_printf(b, "fixing update %s (%s)", fix->kb,
		    fix->source);
	else if (rc == EXH_OK)
		rc = exh_buf_puts(b, "no installed update names a fix");
	return rc;
}

/*
 * Adds a phrase to the family's reason, as English text and as a message
 * part for the report; start: the phrase replaces what was there.
 */
static int
why_add(struct exh_buf *why, struct exh_msg *m, bool start,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
why_add(struct exh_buf *why, struct exh_msg *m, bool start,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (start)
		exh_buf_reset(why);
	va_start(ap, fmt);
	if (start)
		exh_msg_vsetf(m, fmt, ap);
	else
		exh_msg_vaddf(m, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	rc = exh_buf_vprintf(why, fmt, ap);
	va_end(ap);
	return rc;
}

static int
one_family(struct exh_profile *p, const struct exh_builds *b, int family)
{
	struct exh_family_verdict *fv = &p->verdicts[family];
	const struct exh_update *fix = first_fix(p, b, family);
	struct exh_verdict v;
	struct exh_buf ev = { 0 }, why = { 0 };
	const char *build = p->exsetup_build[0] != '\0' ? p->exsetup_build :
	    p->registry_build;
	int rc;

	memset(&v, 0, sizeof(v));
	v.verdict = EXH_VERDICT_UNKNOWN;
	if (b == NULL)
		rc = why_add(&why, &fv->why, true, "no build table");
	else if (build[0] == '\0' && p->exchange_present)
		rc = why_add(&why, &fv->why, true, "no Exchange build found "
		    "(neither ExSetup.exe nor the registry)");
	else if (build[0] == '\0')
		rc = why_add(&why, &fv->why, true, "Exchange not found");
	else {
		(void)exh_builds_verdict(b, build, family, &v);
		fv->why = v.why;
		rc = exh_buf_puts(&why, v.reason);
	}

	if (rc == EXH_OK && p->exsetup_build[0] != '\0' &&
	    p->registry_build[0] != '\0' &&
	    !same_cu(p->exsetup_build, p->registry_build) &&
	    v.verdict != EXH_VERDICT_NOT_AFFECTED) {
		v.verdict = EXH_VERDICT_UNKNOWN;
		rc = why_add(&why, &fv->why, true, "ExSetup.exe (%s) and the "
		    "registry (%s) name different CUs", p->exsetup_build,
		    p->registry_build);
	} else if (rc == EXH_OK && p->exsetup_build[0] == '\0' &&
	    build[0] != '\0' && v.verdict == EXH_VERDICT_VULNERABLE &&
	    v.fixed_build[0] != '\0') {
		/* The registry gives only the CU: an SU may be installed. */
		if (fix != NULL) {
			v.verdict = EXH_VERDICT_FIXED;
			rc = why_add(&why, &fv->why, true, "ExSetup.exe "
			    "unreadable; CU %s with fixing update %s "
			    "installed", v.cu, fix->kb);
		} else {
			v.verdict = EXH_VERDICT_UNKNOWN;
			rc = why_add(&why, &fv->why, true, "ExSetup.exe "
			    "unreadable; the registry gives CU %s only and no "
			    "installed update names the fix (%s)", v.cu,
			    v.fixed_build);
		}
	} else if (rc == EXH_OK && p->exsetup_build[0] != '\0' &&
	    v.verdict == EXH_VERDICT_VULNERABLE && fix != NULL)
		rc = why_add(&why, &fv->why, false, "; update %s is listed as "
		    "installed but ExSetup.exe (authoritative) lacks the fix",
		    fix->kb);
	if (rc == EXH_OK && family == EXH_FAM_PROXYLOGON &&
	    build[0] != '\0' && strncmp(build, "14.", 3) == 0)
		rc = why_add(&why, &fv->why, false, p->um_installed ?
		    " (Exchange 2010: CVE-2021-26857 only, exploitable only "
		    "with the Unified Messaging role, which is installed)" :
		    " (Exchange 2010: CVE-2021-26857 only, exploitable only "
		    "with the Unified Messaging role, which is not found)");
	if (rc == EXH_OK)
		rc = evidence(p, fix, &ev);
	fv->family = family;
	fv->verdict = v.verdict;
	fv->still_vulnerable = v.verdict == EXH_VERDICT_VULNERABLE;
	fv->fix_installed_since = v.verdict == EXH_VERDICT_FIXED &&
	    fix != NULL ? fix->install_date : 0;
	if (rc == EXH_OK)
		rc = host_set_str(&fv->build, build);
	if (rc == EXH_OK)
		rc = host_set_str(&fv->cu, v.cu);
	if (rc == EXH_OK)
		rc = host_set_str(&fv->fixed_build, v.fixed_build);
	if (rc == EXH_OK)
		rc = host_set_str(&fv->evidence, ev.data);
	if (rc == EXH_OK)
		rc = host_set_str(&fv->reason, why.data);
	exh_buf_free(&ev);
	exh_buf_free(&why);
	return rc;
}

int
host_load_cvemap(struct exh_profile *p, const char *rules_dir)
{
	struct exh_err e = { 0 };
	char path[4096];
	int rc;

	if (snprintf(path, sizeof(path), "%s/exchange-updates.tsv",
	    rules_dir) >= (int)sizeof(path))
		return host_note(p, "update table: rules directory path too "
		    "long; per-CVE verdicts not made");
	rc = exh_cvemap_load(path, &p->cvemap, &e);
	if (rc == EXH_ENOMEM)
		return rc;
	if (rc != EXH_OK)
		return host_note(p, "update table: %s; per-CVE verdicts not "
		    "made", e.msg);
	(void)snprintf(p->knowledge_as_of, sizeof(p->knowledge_as_of), "%s",
	    exh_cvemap_as_of(p->cvemap));
	(void)snprintf(p->knowledge_last_update,
	    sizeof(p->knowledge_last_update), "%s",
	    exh_cvemap_last_update(p->cvemap));
	return EXH_OK;
}

/*
 * Without ExSetup.exe the registry gives only the CU: a CVE whose fix is
 * an update of that CU is fixed when such an update is recorded as
 * installed, otherwise unknown.
 */
static void
cu_level_only(const struct exh_profile *p, const char *build,
    struct exh_cve_verdict *cv)
{
	unsigned v[4], fix[4];
	int64_t t;

	if (cv->verdict != EXH_VERDICT_VULNERABLE ||
	    host_parse_build(build, v) != 0 ||
	    host_parse_build(cv->fix_build, fix) != 0 ||
	    v[0] != fix[0] || v[1] != fix[1] || v[2] != fix[2])
		return;
	t = host_cvemap_fix_installed(p->cvemap, build, cv, p->updates,
	    p->nupdates);
	cv->verdict = t != 0 ? EXH_VERDICT_FIXED : EXH_VERDICT_UNKNOWN;
	cv->fix_installed = t;
	host_reason(cv->reason, sizeof(cv->reason), &cv->why, false, t != 0 ?
	    "ExSetup.exe unreadable; the registry gives the CU, and an update "
	    "at or above the fixing build %s (%s) is recorded as installed" :
	    "ExSetup.exe unreadable; the registry gives the CU only and no "
	    "installed update at or above the fixing build %s (%s) is "
	    "recorded", cv->fix_build, cv->fix_update);
}

static int
per_cve(struct exh_profile *p, const char *build)
{
	size_t n = exh_cvemap_count(p->cvemap), i;
	bool disagree = p->exsetup_build[0] != '\0' &&
	    p->registry_build[0] != '\0' &&
	    !same_cu(p->exsetup_build, p->registry_build);

	memset(&p->support, 0, sizeof(p->support));
	(void)snprintf(p->support.state, sizeof(p->support.state), "unknown");
	free(p->cves);
	p->cves = NULL;
	p->ncves = 0;
	if (p->cvemap == NULL || build[0] == '\0')
		return EXH_OK;
	(void)exh_cvemap_support(p->cvemap, build, &p->support);
	if (n == 0)
		return EXH_OK;
	if ((p->cves = calloc(n, sizeof(*p->cves))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++) {
		struct exh_cve_verdict *cv = &p->cves[i];

		(void)exh_cvemap_verdict(p->cvemap, build, i, cv);
		if (disagree && cv->verdict != EXH_VERDICT_NOT_AFFECTED) {
			cv->verdict = EXH_VERDICT_UNKNOWN;
			host_reason(cv->reason, sizeof(cv->reason), &cv->why,
			    false, "ExSetup.exe and the registry name "
			    "different CUs");
		} else if (p->exsetup_build[0] == '\0')
			cu_level_only(p, build, cv);
		if (cv->verdict == EXH_VERDICT_FIXED && cv->fix_installed == 0)
			cv->fix_installed = host_cvemap_fix_installed(
			    p->cvemap, build, cv, p->updates, p->nupdates);
	}
	p->ncves = n;
	return EXH_OK;
}

int
host_compute_verdicts(struct exh_profile *p, const struct exh_builds *b)
{
	unsigned v[4];
	const char *build = p->exsetup_build[0] != '\0' ? p->exsetup_build :
	    p->registry_build;
	int f, rc;

	p->exchange_version = 0;
	if (host_parse_build(build, v) == 0) {
		if (v[0] == 14)
			p->exchange_version = 2010;
		else if (v[0] == 15 && v[1] <= 2)
			p->exchange_version = 2013 + 3 * (int)v[1];
	}
	for (f = 0; f < EXH_FAM_COUNT; f++)
		if ((rc = one_family(p, b, f)) != EXH_OK)
			return rc;
	return per_cve(p, build);
}

int
exh_profile_add_update_event(struct exh_profile *p, int64_t time,
    const char *kb, bool failed)
{
	struct exh_update *u, *grown;
	const int64_t day = 864000000000LL;
	size_t i;

	if (p == NULL || kb == NULL)
		return EXH_EUSAGE;
	/* An event refines the day-only Uninstall date of the same KB. */
	for (i = 0; i < p->nupdates && !failed; i++) {
		u = &p->updates[i];
		if (!u->failed && exh_ascii_iequal(u->kb, kb) &&
		    u->install_date != 0 && time >= u->install_date &&
		    time < u->install_date + day) {
			u->install_date = time;
			return host_compute_verdicts(p, p->builds);
		}
	}
	grown = realloc(p->updates, (p->nupdates + 1) * sizeof(*p->updates));
	if (grown == NULL)
		return EXH_ENOMEM;
	p->updates = grown;
	u = &p->updates[p->nupdates];
	memset(u, 0, sizeof(*u));
	u->kb = host_strdup(kb);
	u->display_name = host_strdup(failed ? "MsiInstaller: install failed" :
	    "MsiInstaller: installed");
	u->source = host_strdup("Application.evtx MsiInstaller event");
	u->install_date = time;
	u->failed = failed;
	p->nupdates++;
	if (u->kb == NULL || u->display_name == NULL || u->source == NULL)
		return EXH_ENOMEM;
	return host_compute_verdicts(p, p->builds);
}
