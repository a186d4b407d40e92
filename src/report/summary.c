/* summary.txt and findings.jsonl: the result for a terminal and for tools. */
#include <inttypes.h>
#include <string.h>

#include "report_int.h"

static void
put_esc(struct exh_buf *b, const char *s)
{
	if (s != NULL)
		exh_esc_term(b, s, strlen(s));
}

static void
put_finding_text(struct exh_buf *b, const struct exh_finding *f)
{
	size_t i;

	exh_buf_printf(b, "%s %s %d ", f->id, exh_level_name(f->level),
	    f->score);
	put_esc(b, f->file.path ? f->file.path : "");
	if (f->file.stream != NULL && f->file.stream[0] != '\0') {
		exh_buf_putc(b, ':');
		put_esc(b, f->file.stream);
	}
	if (f->sha256[0] != '\0')
		exh_buf_printf(b, "\n    sha256 %s", f->sha256);
	exh_buf_putc(b, '\n');
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		exh_buf_printf(b, "    %s %d ", r->kind ? r->kind : "",
		    r->score);
		put_esc(b, r->name);
		if (r->description != NULL && r->description[0] != '\0') {
			exh_buf_puts(b, ": ");
			put_esc(b, r->description);
		}
		exh_buf_putc(b, '\n');
	}
}

/* The folder a rule file was loaded from (--rules DIR), or its path. */
static size_t
set_len(const struct exh_rules_file *f)
{
	size_t pl = strlen(f->path), nl = f->name != NULL ? strlen(f->name) :
	    0;

	if (nl > 0 && nl < pl && f->path[pl - nl - 1] == '/' &&
	    strcmp(f->path + pl - nl, f->name) == 0)
		return pl - nl - 1;
	return pl;
}

static bool
same_set(const struct exh_rules_file *a, const struct exh_rules_file *b)
{
	return a->kind == EXH_RF_YARA && b->kind == EXH_RF_YARA &&
	    set_len(a) == set_len(b) && strncmp(a->path, b->path,
	    set_len(a)) == 0;
}

bool
report_capped_set(const struct exh_rules *r, size_t i, size_t *dirlen,
    size_t *hits)
{
	size_t j, n = exh_rules_file_count(r);
	const struct exh_rules_file *f = exh_rules_file(r, i), *g;

	if (f == NULL || f->kind != EXH_RF_YARA || f->capped_hits == 0)
		return false;
	/* Counted at the set's first file with hits. */
	for (j = 0; j < i; j++) {
		g = exh_rules_file(r, j);
		if (g->capped_hits > 0 && same_set(g, f))
			return false;
	}
	for (*hits = 0, j = i; j < n; j++) {
		g = exh_rules_file(r, j);
		if (same_set(g, f))
			*hits += g->capped_hits;
	}
	*dirlen = set_len(f);
	return true;
}

/*
 * "rule set DIR: N hits scored 75 or less ...": an alert needs a reason
 * above 75, and third-party sets (signature-base) mostly score 75 or
 * less, so their hits alone are never an alert.  One line per set.
 */
static void
put_capped(struct exh_buf *b, const struct exh_rules *r)
{
	size_t i, len, total;

	for (i = 0; i < exh_rules_file_count(r); i++) {
		if (!report_capped_set(r, i, &len, &total))
			continue;
		exh_buf_puts(b, "rule set ");
		exh_esc_term(b, exh_rules_file(r, i)->path, len);
		exh_buf_printf(b, ": %zu hit%s scored 75 or less: at most "
		    "warning; see rules/score-map.tsv\n", total,
		    total == 1 ? "" : "s");
	}
}

/* "skipped by reason: too-large 3 unreadable 1" */
static void
put_skip_counts(struct exh_buf *b, const struct exh_findings *fs)
{
	size_t i, j, n = exh_findings_skip_count(fs), nreasons = 0, per[64];
	const char *reasons[64];

	for (i = 0; i < n; i++) {
		const char *r = exh_findings_skip(fs, i)->reason;

		for (j = 0; j < nreasons && strcmp(reasons[j], r) != 0; j++)
			;
		if (j == nreasons && nreasons < 64) {
			reasons[nreasons] = r;
			per[nreasons++] = 0;
		}
		if (j < 64)
			per[j]++;
	}
	if (nreasons == 0)
		return;
	exh_buf_puts(b, "skipped by reason:");
	/* A reason is a word of ours, escaped all the same. */
	for (j = 0; j < nreasons; j++) {
		exh_buf_putc(b, ' ');
		put_esc(b, reasons[j]);
		exh_buf_printf(b, " %zu", per[j]);
	}
	exh_buf_putc(b, '\n');
}

static void
put_skips(struct exh_buf *b, const struct exh_findings *fs)
{
	size_t i;

	for (i = 0; i < exh_findings_skip_count(fs); i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		exh_buf_puts(b, "skipped ");
		put_esc(b, s->reason);
		exh_buf_putc(b, ' ');
		put_esc(b, s->path ? s->path : "");
		if (s->stream != NULL && s->stream[0] != '\0') {
			exh_buf_putc(b, ':');
			put_esc(b, s->stream);
		}
		exh_buf_printf(b, " (%" PRIu64 " bytes)", s->size);
		if (s->detail != NULL && s->detail[0] != '\0') {
			exh_buf_puts(b, ": ");
			put_esc(b, s->detail);
		}
		exh_buf_putc(b, '\n');
	}
}

static void
put_coverage(struct exh_buf *b, const struct exh_report_input *in)
{
	const struct exh_log_coverage *cov = in->coverage;
	char a[32], c[32];
	size_t i;

	for (i = 0; i < in->ncoverage; i++)
		exh_buf_printf(b, "log coverage: %-10s %4" PRIu64 " files %9"
		    PRIu64 " lines, %s .. %s\n",
		    exh_log_family_name(cov[i].family), cov[i].files,
		    cov[i].lines, exh_filetime_iso(cov[i].first, a),
		    exh_filetime_iso(cov[i].last, c));
}

/* One line per volume whose history was read: journal range, deleted
 * records, shadow copies, the journal's coverage of the windows. */
static void
put_history(struct exh_buf *b, const struct exh_report_input *in)
{
	char a[32], c[32];
	size_t i;

	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_history_result *r = in->volumes[i].history;

		if (r == NULL)
			continue;
		exh_buf_printf(b, "history: %c: journal %s .. %s (%" PRIu64
		    " records, %" PRIu64 " damaged), %" PRIu64 " deleted "
		    "records (%" PRIu64 " listed), snapshots: %s, journal "
		    "coverage: %s\n", in->volumes[i].letter, r->journal ?
		    exh_filetime_iso(r->usn_first, a) : "none", r->journal ?
		    exh_filetime_iso(r->usn_last, c) : "none", r->usn_records,
		    r->usn_damaged, r->deleted_records, r->deleted_names,
		    r->snapshots_note[0] != '\0' ? r->snapshots_note :
		    "examined", exh_history_coverage_name(r->coverage));
	}
}

/* One line per source: its container, and what the image check found. */
static void
put_sources(struct exh_buf *b, const struct exh_report_input *in)
{
	size_t i;

	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];
		const struct exh_image_check *c = s->check;

		if (s->src == NULL)
			continue;
		exh_buf_puts(b, "source: ");
		put_esc(b, s->path);
		exh_buf_puts(b, ": ");
		put_esc(b, exh_source_format(s->src));
		if (s->check_note != NULL) {
			exh_buf_puts(b, "; image check ");
			put_esc(b, s->check_note);
		} else if (c != NULL)
			exh_buf_printf(b, "; image check: %s",
			    c->md5_match == 0 || c->sha1_match == 0 ?
			    "DIFFERS from the stored hash" :
			    c->md5_match == 1 || c->sha1_match == 1 ?
			    "matches the stored hash" : "nothing stored");
		exh_buf_putc(b, '\n');
	}
}

/* The volumes that contributed nothing, with the reason; when that is
 * every volume, one line for the run says so. */
static void
put_not_examined(struct exh_buf *b, const struct exh_report_input *in)
{
	size_t i;

	if (in->nothing_examined != NULL) {
		exh_buf_puts(b, "nothing examined: ");
		put_esc(b, in->nothing_examined);
		exh_buf_putc(b, '\n');
		return;
	}
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];

		if (v->error != NULL || v->not_examined == NULL)
			continue;
		exh_buf_printf(b, "volume %c: (partition %d of ", v->letter,
		    v->partition);
		put_esc(b, v->source_path);
		exh_buf_puts(b, "): nothing examined: ");
		put_esc(b, v->not_examined);
		exh_buf_putc(b, '\n');
	}
}

/*
 * "patch: support: ..." and, for the CVEs that are open or undecided, one
 * line per run of CVEs with the same fixing update, verdict and reason
 * ("patch: Jul21SU: vulnerable: CVE-..., CVE-... (exploited since ...);
 * why"); fixed and not affected ones as counts.
 */
static void
put_cves(struct exh_buf *b, const struct exh_profile *p)
{
	size_t i, k, fixed = 0, na = 0, nas = 0;

	if (p->cvemap == NULL)
		return;
	exh_buf_printf(b, "patch: Exchange knowledge as of %s\n",
	    p->knowledge_as_of);
	if (p->support.product[0] != '\0') {
		exh_buf_printf(b, "patch: support: %s: ", p->support.state);
		put_esc(b, p->support.reason);
		exh_buf_putc(b, '\n');
	}
	for (i = 0; i < p->ncves; i = k) {
		const struct exh_cve_verdict *v = &p->cves[i];

		k = i + 1;
		if (v->not_assessed || v->verdict == EXH_VERDICT_NOT_AFFECTED ||
		    v->verdict == EXH_VERDICT_FIXED) {
			nas += v->not_assessed;
			na += v->verdict == EXH_VERDICT_NOT_AFFECTED;
			fixed += v->verdict == EXH_VERDICT_FIXED;
			continue;
		}
		exh_buf_printf(b, "patch: %s%s%s: %s: ", v->group,
		    v->group[0] != '\0' && v->fix_update[0] != '\0' ? " " : "",
		    v->fix_update[0] != '\0' ? v->fix_update :
		    v->group[0] != '\0' ? "" : "no update",
		    exh_verdict_name(v->verdict));
		for (;;) {
			const struct exh_cve_verdict *c = &p->cves[k - 1];

			exh_buf_puts(b, c->cve);
			if (c->exploited_since[0] != '\0')
				exh_buf_printf(b, " (exploited since %s)",
				    c->exploited_since);
			if (k >= p->ncves || p->cves[k].not_assessed ||
			    p->cves[k].verdict != v->verdict ||
			    strcmp(p->cves[k].fix_update, v->fix_update) != 0 ||
			    strcmp(p->cves[k].group, v->group) != 0 ||
			    strcmp(p->cves[k].reason, v->reason) != 0)
				break;
			exh_buf_puts(b, ", ");
			k++;
		}
		exh_buf_puts(b, "; ");
		put_esc(b, v->reason);
		exh_buf_putc(b, '\n');
	}
	exh_buf_printf(b, "patch: CVEs: %zu fixed, %zu not affected, %zu not "
	    "assessed (after end of support)\n", fixed, na, nas);
}

static void
put_verdicts(struct exh_buf *b, const struct exh_profile *p)
{
	int fam;

	if (p == NULL || !p->exchange_present)
		return;
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		const struct exh_family_verdict *v = &p->verdicts[fam];
		char since[32];

		exh_buf_printf(b, "patch: %s: %s", exh_family_name(fam),
		    exh_verdict_name(v->verdict));
		if (v->verdict == EXH_VERDICT_FIXED && v->fix_installed_since)
			exh_buf_printf(b, ", fix installed %s",
			    exh_filetime_iso(v->fix_installed_since, since));
		exh_buf_puts(b, "; ");
		put_esc(b, v->reason);
		exh_buf_putc(b, '\n');
	}
	put_cves(b, p);
}

int
exh_report_summary_text(const struct exh_report_input *in, struct exh_buf *b)
{
	struct exh_sink s = { b, NULL, NULL, EXH_OK };

	return exh_report_summary_text_to(in, &s);
}

int
exh_report_summary_text_to(const struct exh_report_input *in,
    struct exh_sink *out)
{
	const struct exh_findings *fs = in->findings;
	struct exh_stats st = exh_findings_stats(fs);
	struct exh_buf *b = out->buf;
	size_t counts[4], i;
	int rc;

	for (i = 0; i < exh_findings_count(fs); i++) {
		put_finding_text(b, exh_findings_get(fs, i));
		if ((rc = exh_sink_flush(out, false)) != EXH_OK)
			return rc;
	}
	exh_findings_level_counts(fs, counts);
	exh_buf_printf(b, "findings: %zu alert, %zu warning, %zu notice\n",
	    counts[EXH_LEVEL_ALERT], counts[EXH_LEVEL_WARNING],
	    counts[EXH_LEVEL_NOTICE]);
	exh_buf_printf(b, "streams: %" PRIu64 " seen, %" PRIu64 " scanned (%"
	    PRIu64 " bytes), %" PRIu64 " skipped, %" PRIu64 " unreadable\n",
	    st.streams_seen, st.streams_scanned, st.bytes_scanned,
	    st.streams_skipped, st.streams_unreadable);
	if (in->rules != NULL)
		put_capped(b, in->rules);
	put_sources(b, in);
	put_not_examined(b, in);
	put_verdicts(b, in->profile);
	put_coverage(b, in);
	put_history(b, in);
	put_skip_counts(b, fs);
	put_skips(b, fs);
	if (exh_findings_partial(fs) != NULL)
		exh_buf_printf(b, "results are partial: %s\n",
		    exh_findings_partial(fs));
	return exh_sink_flush(out, true);
}

int
exh_report_findings_jsonl(const struct exh_findings *fs, struct exh_buf *b)
{
	struct exh_sink s = { b, NULL, NULL, EXH_OK };

	return exh_report_findings_jsonl_to(fs, &s);
}

int
exh_report_findings_jsonl_to(const struct exh_findings *fs,
    struct exh_sink *s)
{
	size_t i;
	int rc;

	for (i = 0; i < exh_findings_count(fs); i++)
		if ((rc = exh_finding_to_json(exh_findings_get(fs, i),
		    s->buf)) != EXH_OK ||
		    (rc = exh_buf_putc(s->buf, '\n')) != EXH_OK ||
		    (rc = exh_sink_flush(s, false)) != EXH_OK)
			return rc;
	return exh_sink_flush(s, true);
}
