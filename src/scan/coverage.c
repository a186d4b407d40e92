/* Do the web logs reach back to the start of the exposure?  (rules/exposure.tsv) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exhume/scan.h"

struct exposure {
	int64_t since;
	char source[256];
};

/* Line "family<TAB>YYYY-MM-DD<TAB>source" for fam, or false. */
static bool
parse_line(char *line, int fam, struct exposure *e)
{
	char *f[3], date[32];
	int n;

	if (exh_fields_split(line, f, 3) != 3)
		return false;
	if (strcasecmp(f[0], exh_family_name(fam)) != 0 ||
	    snprintf(date, sizeof(date), "%sT00:00:00Z", f[1]) >=
	    (int)sizeof(date) || exh_iso_to_filetime(date, &e->since) != EXH_OK)
		return false;
	/* A source too long to keep whole is a line that does not parse. */
	n = snprintf(e->source, sizeof(e->source), "%s", f[2]);
	return n >= 0 && (size_t)n < sizeof(e->source);
}

static bool
exposure_for(const char *path, int fam, struct exposure *e)
{
	char *line;
	struct exh_lines *lr = NULL;
	struct exh_err err;
	bool found = false;
	size_t len;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "re")) == NULL)
		return false;
	rc = exh_lines_open(fp, path, EXH_LINES_SKIP_COMMENT, &lr, &err);
	/* A damaged line is skipped like any line that does not parse. */
	while (!found && (rc == EXH_OK || rc == EXH_ECORRUPT) &&
	    (rc = exh_lines_next(lr, &line, &len, &err)) != EXH_STOP)
		found = rc == EXH_OK && parse_line(line, fam, e);
	exh_lines_close(lr);
	fclose(fp);
	return found;
}

/* Oldest row in the HttpProxy and IIS logs: where exploitation shows. */
static int64_t
web_logs_start(const struct exh_log_coverage *cov, size_t ncov)
{
	int64_t first = 0;
	size_t i;

	for (i = 0; i < ncov; i++) {
		const char *name = exh_log_family_name(cov[i].family);

		if ((strcmp(name, "httpproxy") == 0 || strcmp(name, "iis") == 0) &&
		    cov[i].first != 0 && (first == 0 || cov[i].first < first))
			first = cov[i].first;
	}
	return first;
}

static int
add_gap(struct exh_findings *out, struct exh_msg **notes, size_t *nnotes,
    int fam,
    const struct exposure *e, int64_t end, int64_t logs, struct exh_err *err)
{
	struct exh_finding *f;
	char a[32], b[32], c[32], what[512];
	struct exh_msg note;
	int n, rc;

	exh_filetime_iso(e->since, a);
	exh_filetime_iso(end, b);
	n = snprintf(what, sizeof(what), logs != 0 ?
	    "exposed to %s from %s until %s; the HttpProxy/IIS logs begin %s: "
	    "exploitation before that cannot be ruled out from the logs" :
	    "exposed to %s from %s until %s; no HttpProxy/IIS log rows were "
	    "found%s: exploitation cannot be ruled out from the logs",
	    exh_family_name(fam), a, b, logs != 0 ? exh_filetime_iso(logs, c) :
	    "");
	if (n < 0 || (size_t)n >= sizeof(what))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "log coverage: %s: gap text too long",
		    exh_family_name(fam));
	if ((f = exh_finding_new(EXH_FIND_HOST)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "log coverage: out of memory");
	f->time = e->since;
	if (exh_finding_set(&f->check, "logs/coverage-gap") != EXH_OK ||
	    exh_finding_set(&f->excerpt, what) != EXH_OK ||
	    exh_finding_add_reason(f, "coverage", "logs/coverage-gap", 50,
	    what, e->source, NULL) != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "log coverage: out of memory");
	}
	exh_finding_rescore(f);
	if ((rc = exh_findings_add(out, f, err)) != EXH_OK)
		return exh_err_prefix(err, "log coverage");
	/* The same sentence as what, kept apart from its language. */
	exh_msg_setf(&note, logs != 0 ? N_("log coverage: exposed to %s from "
	    "%s until %s; the HttpProxy/IIS logs begin %s: exploitation before "
	    "that cannot be ruled out from the logs") : N_("log coverage: "
	    "exposed to %s from %s until %s; no HttpProxy/IIS log rows were "
	    "found%s: exploitation cannot be ruled out from the logs"),
	    exh_family_name(fam), a, b, logs != 0 ? c : "");
	if (exh_msgs_push(notes, nnotes, &note) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "log coverage: a note cannot be kept");
	return EXH_OK;
}

int
exh_scan_coverage_gaps(const struct exh_profile *p,
    const struct exh_log_coverage *cov, size_t ncov, const char *exposure_tsv,
    struct exh_findings *out, struct exh_msg **notes, size_t *nnotes,
    struct exh_err *err)
{
	int64_t logs = web_logs_start(cov, ncov), end;
	struct exposure e;
	int fam, rc;

	if (p == NULL || !p->exchange_present)
		return EXH_OK;
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		const struct exh_family_verdict *v = &p->verdicts[fam];

		if (!exposure_for(exposure_tsv, fam, &e))
			continue;
		if (v->verdict == EXH_VERDICT_VULNERABLE)
			end = exh_unix_to_filetime((int64_t)time(NULL));
		else if (v->verdict == EXH_VERDICT_FIXED &&
		    v->fix_installed_since > e.since)
			end = v->fix_installed_since;
		else
			continue;
		if ((logs == 0 || logs > e.since) && (rc = add_gap(out, notes,
		    nnotes, fam, &e, end, logs, err)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}
