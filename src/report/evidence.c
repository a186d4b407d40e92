/* Report sections on the evidence: findings by severity, log coverage against the exposure window, timeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

static const char *
level_word(int level)
{
	switch (level) {
	case EXH_LEVEL_ALERT:
		return _("alert");
	case EXH_LEVEL_WARNING:
		return _("warning");
	case EXH_LEVEL_NOTICE:
		return _("notice");
	default:
		return _("info");
	}
}

static const char *
kind_word(int kind)
{
	switch (kind) {
	case EXH_FIND_LOG:
		return _("log line");
	case EXH_FIND_EVENT:
		return _("event record");
	case EXH_FIND_HOST:
		return _("host configuration");
	default:
		return _("file");
	}
}

/* What the finding is about, in one phrase: check, first rule, or path. */
static const char *
finding_what(const struct exh_finding *f)
{
	if (f->check != NULL && f->check[0] != '\0')
		return f->check;
	if (f->nreasons > 0 && f->reasons[0].name != NULL)
		return f->reasons[0].name;
	return report_str(f->file.path);
}

static void
macb(struct report_writer *w, const char *key, const struct exh_macb *t)
{
	char a[32], b[32], c[32], d[32];

	if (t->created == 0 && t->modified == 0 && t->mft_changed == 0 &&
	    t->accessed == 0)
		return;
	report_kv(w, key, report_fmt(w, "%s | %s | %s | %s", report_time(t->created, a),
	    report_time(t->modified, b), report_time(t->mft_changed, c),
	    report_time(t->accessed, d)));
}

static void
where(struct report_writer *w, const struct exh_finding *f)
{
	char sz[48];

	if (f->file.path != NULL && f->file.stream != NULL &&
	    f->file.stream[0] != '\0')
		report_kv(w, _("Path"), report_fmt(w, "%s:%s", f->file.path,
		    f->file.stream));
	else if (f->file.path != NULL)
		report_kv(w, _("Path"), f->file.path);
	if (f->kind != EXH_FIND_FILE)
		return;
	report_kv(w, _("Size"), report_size(f->file.size, sz));
	if (f->file.mft != 0)
		report_kv(w, _("MFT record"), report_fmt(w, _("%1$llu (sequence %2$u)"),
		    (unsigned long long)f->file.mft, (unsigned)f->file.seq));
	if (f->owner != NULL && f->owner[0] != '\0')
		report_kv(w, _("Owner"), f->owner);
	if (f->md5[0] != '\0')
		report_kv(w, "MD5", f->md5);
	if (f->sha1[0] != '\0')
		report_kv(w, "SHA-1", f->sha1);
	if (f->sha256[0] != '\0')
		report_kv(w, "SHA-256", f->sha256);
	macb(w, _("$SI times (created | modified | MFT changed | accessed)"),
	    &f->file.si);
	macb(w, _("$FN times (created | modified | MFT changed | accessed)"),
	    &f->file.fn);
}

/* A grouped finding: the count, the time span, the clients, the samples. */
static void
grouped(struct report_writer *w, const struct exh_finding *f)
{
	struct exh_buf ips = { 0 };
	char a[32], b[32];
	size_t i;
	int rc = EXH_OK;

	if (f->count <= 1 && f->grouped == NULL)
		return;
	report_kv(w, _("Hits (grouped)"), report_fmt(w, _("%1$llu, %2$s to "
	    "%3$s"), (unsigned long long)f->count, report_time(f->first, a),
	    report_time(f->last, b)));
	report_kv(w, _("Grouped because"), report_str(f->grouped));
	for (i = 0; i < f->nclients && rc == EXH_OK; i++)
		rc = exh_buf_printf(&ips, "%s%s", i > 0 ? ", " : "",
		    f->clients[i]);
	if (rc == EXH_OK && f->clients_cut)
		rc = exh_buf_puts(&ips, _(", and more"));
	if (rc != EXH_OK) {
		if (w->rc == EXH_OK)
			w->rc = rc;
	} else if (f->nclients > 0) {
		report_kv(w, _("Client IPs"), ips.data);
	}
	exh_buf_free(&ips);
	for (i = 0; i < f->nsamples; i++)
		report_kv(w, report_fmt(w, _("Sample, line %llu"),
		    (unsigned long long)f->samples[i].line),
		    report_str(f->samples[i].text));
}

static void
what(struct report_writer *w, const struct exh_finding *f)
{
	char t[32];
	size_t i;

	if (f->line > 0)
		report_kv(w, _("Line"), report_fmt(w, "%llu", (unsigned long
		    long)f->line));
	if (f->record > 0)
		report_kv(w, _("Event record"), report_fmt(w, "%llu",
		    (unsigned long long)f->record));
	if (f->time != 0)
		report_kv(w, _("Time (UTC)"), report_time(f->time, t));
	if (f->client_ip != NULL && f->client_ip[0] != '\0')
		report_kv(w, _("Client IP"), f->client_ip);
	if (f->excerpt != NULL && f->excerpt[0] != '\0')
		report_kv(w, _("Log line or event data"), f->excerpt);
	for (i = 0; i < f->nfields; i++)
		report_kv(w, report_str(f->fields[i].key),
		    report_str(f->fields[i].value));
	grouped(w, f);
}

static void
reasons(struct report_writer *w, const struct exh_finding *f)
{
	const char *cols[] = { _("Reason"), _("Name"), _("Score"),
	    _("Description"), _("Reference"), _("Detail") };
	size_t i;

	if (f->nreasons == 0)
		return;
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		report_row_begin(w);
		report_cell(w, report_str(r->kind));
		report_cell(w, report_str(r->name));
		report_cell(w, report_fmt(w, "%d", r->score));
		report_cell(w, report_str(r->description));
		report_cell(w, report_str(r->reference));
		report_cell(w, report_str(r->detail));
		report_row_end(w);
	}
	report_table_end(w);
}

static void
finding(struct report_writer *w, const struct exh_finding *f)
{
	char title[64];

	/* Finding ids are "F" and a number: title holds them. */
	(void)snprintf(title, sizeof(title), "%s", f->id[0] != '\0' ? f->id :
	    "-");
	report_heading(w, 4, title);
	report_kv_begin(w);
	report_kv(w, _("About"), finding_what(f));
	report_kv(w, _("Level and score"), report_fmt(w, "%s, %d", level_word(f->level),
	    f->score));
	report_kv(w, _("Kind"), kind_word(f->kind));
	if (f->check != NULL && f->check[0] != '\0')
		report_kv(w, _("Check"), f->check);
	where(w, f);
	what(w, f);
	report_kv_end(w);
	reasons(w, f);
}

/* "RULE, RULE: 99812 findings in C:\\folder (first 20 listed; ...)" */
static void
group_head(struct report_writer *w, const struct exh_finding *f, size_t n)
{
	struct exh_buf rules = { 0 }, dir = { 0 };
	const char *slash = f->file.path != NULL ? strrchr(f->file.path, '\\') : NULL;
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < f->nreasons && rc == EXH_OK; i++)
		if ((i == 0 || (rc = exh_buf_puts(&rules, ", ")) == EXH_OK))
			rc = exh_buf_puts(&rules, report_str(f->reasons[i].name));
	if (rc == EXH_OK && slash != NULL)
		rc = exh_buf_append(&dir, f->file.path, (size_t)(slash - f->file.path));
	if (rc != EXH_OK) {
		if (w->rc == EXH_OK)
			w->rc = rc;
	} else
		report_para(w, REPORT_WARN, report_fmt(w, _("%1$s: %2$zu findings in %3$s "
		    "(first %4$d listed; all in findings.jsonl)"),
		    f->nreasons > 0 ? rules.data : finding_what(f), n,
		    report_str(dir.data), REPORT_GROUP_MAX));
	exh_buf_free(&rules);
	exh_buf_free(&dir);
}

void
report_findings(struct report_writer *w, const struct exh_findings *fs)
{
	struct report_groups g;
	int rc;
	static const int levels[] = { EXH_LEVEL_ALERT, EXH_LEVEL_WARNING,
	    EXH_LEVEL_NOTICE };
	size_t counts[4], i, k;

	report_heading(w, 2, _("Findings by severity"));
	if (fs == NULL) {
		report_para(w, REPORT_WARN, _("No scan results were provided."));
		return;
	}
	exh_findings_level_counts(fs, counts);
	report_para(w, REPORT_NORMAL, report_fmt(w, _("Alerts: %1$zu; warnings: %2$zu; "
	    "notices: %3$zu. Informational records (%4$zu) are in "
	    "findings.jsonl and not listed here."), counts[EXH_LEVEL_ALERT],
	    counts[EXH_LEVEL_WARNING], counts[EXH_LEVEL_NOTICE],
	    counts[EXH_LEVEL_INFO]));
	if ((rc = report_groups_build(fs, &g)) != EXH_OK) {
		if (w->rc == EXH_OK)
			w->rc = rc;
		return;
	}
	if (report_groups_any(&g))
		report_para(w, REPORT_NORMAL, report_fmt(w, _("Where more than %d findings "
		    "with the same rules are in one folder, the first %d are "
		    "listed with the count; findings.jsonl and timeline.csv "
		    "have every one."), REPORT_GROUP_MAX, REPORT_GROUP_MAX));
	for (k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
		int lv = levels[k];

		report_heading(w, 3, lv == EXH_LEVEL_ALERT ? _("Alerts") :
		    lv == EXH_LEVEL_WARNING ? _("Warnings") : _("Notices"));
		if (counts[lv] == 0)
			report_para(w, REPORT_NORMAL, _("None."));
		for (i = 0; i < exh_findings_count(fs); i++) {
			const struct exh_finding *f = exh_findings_get(fs, i);

			if (f->level != lv || !report_groups_listed(&g, i))
				continue;
			if (g.size[i] > REPORT_GROUP_MAX && g.rank[i] == 0)
				group_head(w, f, g.size[i]);
			finding(w, f);
		}
	}
	report_groups_free(&g);
}

/* Oldest first entry over all log families, 0 when none. */
static int64_t
oldest_log(const struct exh_report_input *in)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < in->ncoverage; i++)
		if (in->coverage[i].first != 0 &&
		    (t == 0 || in->coverage[i].first < t))
			t = in->coverage[i].first;
	return t;
}

/* Compares each family's first entry with the start of the window. */
static void
against_window(struct report_writer *w, const struct exh_report_input *in)
{
	const struct exh_profile *p = in->profile;
	bool exposed = false, unknown = false;
	char a[32], b[32];
	size_t i;
	int fam;

	if (p == NULL) {
		report_para(w, REPORT_WARN, report_fmt(w, _("The exposure window is "
		    "unknown (no host profile), so it cannot be said whether "
		    "the logs cover it. The oldest log entry read is from %s."),
		    report_time(oldest_log(in), a)));
		return;
	}
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		struct report_window x;

		report_window(p, fam, &x);
		exposed = exposed || x.exposed;
		unknown = unknown || p->verdicts[fam].verdict ==
		    EXH_VERDICT_UNKNOWN || (!x.exposed &&
		    p->verdicts[fam].verdict == EXH_VERDICT_FIXED);
	}
	if (exposed && p->install_date == 0) {
		report_para(w, REPORT_WARN, report_fmt(w, _("The start of the exposure "
		    "window is unknown (no Windows install date). The oldest "
		    "log entry read is from %s."), report_time(oldest_log(in),
		    a)));
		return;
	}
	if (!exposed) {
		if (unknown)
			report_para(w, REPORT_WARN, report_fmt(w, _("Whether and since "
			    "when the server was exposed is unknown. The "
			    "oldest log entry read is from %s."),
			    report_time(oldest_log(in), a)));
		else
			report_para(w, REPORT_NORMAL, _("No vulnerability family was "
			    "found exposed, so there is no exposure window "
			    "the logs must cover."));
		return;
	}
	for (i = 0; i < in->ncoverage; i++) {
		const struct exh_log_coverage *c = &in->coverage[i];
		const char *fname = exh_log_family_name(c->family);

		if (c->first == 0 || c->first > p->install_date)
			report_para(w, REPORT_WARN, report_fmt(w, _("%1$s logs begin on "
			    "%2$s, after the start of the exposure window "
			    "(%3$s): the time before is not covered by these "
			    "logs."), fname, report_time(c->first, a),
			    report_time(p->install_date, b)));
		else
			report_para(w, REPORT_NORMAL, report_fmt(w, _("%1$s logs reach "
			    "back to %2$s, before the start of the exposure "
			    "window (%3$s)."), fname, report_time(c->first, a),
			    report_time(p->install_date, b)));
	}
}

void
report_coverage(struct report_writer *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Log family"), _("Files"), _("Lines"),
	    _("Damaged lines"), _("First entry (UTC)"),
	    _("Last entry (UTC)") };
	char a[32], b[32];
	size_t i;

	report_heading(w, 2, _("Log coverage"));
	if (in->ncoverage == 0 || in->coverage == NULL) {
		report_para(w, REPORT_WARN, _("No Exchange or IIS log was read. "
		    "Exploitation through the web front end can neither be "
		    "shown nor ruled out from logs."));
		return;
	}
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->ncoverage; i++) {
		const struct exh_log_coverage *c = &in->coverage[i];

		report_row_begin(w);
		report_cell(w, exh_log_family_name(c->family));
		report_cell(w, report_fmt(w, "%llu", (unsigned long long)c->files));
		report_cell(w, report_fmt(w, "%llu", (unsigned long long)c->lines));
		report_cell(w, report_fmt(w, "%llu", (unsigned long long)c->bad_lines));
		report_cell(w, report_time(c->first, a));
		report_cell(w, report_time(c->last, b));
		report_row_end(w);
	}
	report_table_end(w);
	for (i = 0; i < in->ncoverage; i++)
		if (in->coverage[i].bad_lines > 0)
			report_para(w, REPORT_WARN, report_fmt(w, _("%1$s: damaged lines "
			    "that could not be read and were skipped: %2$llu."),
			    exh_log_family_name(in->coverage[i].family),
			    (unsigned long long)in->coverage[i].bad_lines));
	against_window(w, in);
}

void
report_timeline(struct report_writer *w, const struct exh_findings *fs)
{
	const char *cols[] = { _("Time (UTC)"), _("Event"), _("Finding"),
	    _("Level"), _("About"), _("Path") };
	struct report_row *rows = NULL;
	struct report_groups g;
	char t[32];
	size_t i, n = 0;
	int rc;

	report_heading(w, 2, _("Timeline"));
	if ((rc = report_timeline_rows(fs, &rows, &n)) != EXH_OK) {
		if (w->rc == EXH_OK)
			w->rc = rc;
		return;
	}
	if (n == 0) {
		report_para(w, REPORT_NORMAL, _("No dated finding."));
		return;
	}
	report_para(w, REPORT_NORMAL, _("Dated log and event findings and the "
	    "$STANDARD_INFORMATION ($SI) and $FILE_NAME ($FN) times of flagged "
	    "files, oldest first. $SI times can be changed by a program on "
	    "the server; $FN times are harder to change."));
	if ((rc = report_groups_build(fs, &g)) != EXH_OK) {
		free(rows);
		if (w->rc == EXH_OK)
			w->rc = rc;
		return;
	}
	if (report_groups_any(&g))
		report_para(w, REPORT_NORMAL, _("Only the times of the findings listed "
		    "above are shown; timeline.csv has them all."));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct exh_finding *f;

		if (!report_groups_listed(&g, rows[i].idx))
			continue;
		f = exh_findings_get(fs, rows[i].idx);
		report_row_begin(w);
		report_cell(w, report_time(rows[i].time, t));
		report_cell(w, _(report_row_desc(&rows[i])));
		report_cell(w, f->id);
		report_cell(w, level_word(f->level));
		report_cell(w, finding_what(f));
		report_cell(w, report_str(f->file.path));
		report_row_end(w);
	}
	report_table_end(w);
	report_groups_free(&g);
	free(rows);
}
