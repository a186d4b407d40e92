/* Report sections on what was collected, what could not be examined, and how to verify the bundle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

static const char *
status_word(const char *s)
{
	if (s == NULL)
		return "-";
	if (strcmp(s, "collected") == 0)
		return _("collected");
	if (strcmp(s, "left-out") == 0)
		return _("left out");
	if (strcmp(s, "incomplete") == 0)
		return _("incomplete");
	return s;
}

void
report_collected(struct rw *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Entry in the bundle"), _("Original path"),
	    _("Size"), _("Status"), _("Why collected"), _("Note"),
	    _("SHA-256") };
	char sz[48];
	size_t i, nok = 0;

	rw_heading(w, 2, _("What was collected"));
	if (in->collected == NULL || in->ncollected == 0) {
		rw_para(w, RW_NORMAL, _("No evidence bundle was written in "
		    "this run; nothing was collected."));
		return;
	}
	for (i = 0; i < in->ncollected; i++)
		if (in->collected[i].status != NULL &&
		    strcmp(in->collected[i].status, "collected") == 0)
			nok++;
	rw_para(w, RW_NORMAL, rw_fmt(w, _("Entries: %1$zu; stored complete: "
	    "%2$zu."), in->ncollected, nok));
	if (nok < in->ncollected)
		rw_para(w, RW_WARN, rw_fmt(w, _("Entries left out or "
		    "incomplete: %zu; the Note column says why."),
		    in->ncollected - nok));
	rw_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->ncollected; i++) {
		const struct exh_report_collected *c = &in->collected[i];

		rw_row_begin(w);
		rw_cell(w, report_str(c->entry));
		if (c->winpath == NULL)
			rw_cell(w, _("(document written by exhume)"));
		else if (c->stream != NULL && c->stream[0] != '\0')
			rw_cell(w, rw_fmt(w, "%s:%s", c->winpath, c->stream));
		else
			rw_cell(w, c->winpath);
		rw_cell(w, report_size(c->size, sz));
		rw_cell(w, status_word(c->status));
		rw_cell(w, report_str(c->reason));
		rw_cell(w, report_str(c->why));
		rw_cell(w, report_str(c->sha256));
		rw_row_end(w);
	}
	rw_table_end(w);
}

static const char *
skip_word(const char *reason)
{
	static const struct {
		const char *reason, *text;
	} known[] = {
		{ "too-large", N_("larger than the size cap") },
		{ "encrypted", N_("encrypted (EFS)") },
		{ "unreadable", N_("unreadable (read error)") },
		{ "corrupt", N_("damaged file system structures") },
		{ "timeout", N_("the YARA scan timed out") },
		{ "reparse-point", N_("reparse point, not followed") },
	};
	size_t i;

	for (i = 0; reason != NULL && i < sizeof(known) / sizeof(known[0]);
	    i++)
		if (strcmp(reason, known[i].reason) == 0)
			return _(known[i].text);
	return report_str(reason);
}

static bool
same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* One group: every skip with this reason, in collector order. */
static void
skip_group(struct rw *w, const struct exh_findings *fs, const char *reason,
    size_t count)
{
	const char *cols[] = { _("Path"), _("Stream"), _("MFT record"),
	    _("Size"), _("Detail") };
	char sz[48];
	size_t i, n = exh_findings_skip_count(fs);

	rw_heading(w, 3, rw_fmt(w, "%s: %s (%zu)", report_str(reason),
	    skip_word(reason), count));
	rw_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		if (!same(s->reason, reason))
			continue;
		rw_row_begin(w);
		rw_cell(w, report_str(s->path));
		rw_cell(w, report_str(s->stream));
		rw_cell(w, rw_fmt(w, "%llu", (unsigned long long)s->mft));
		rw_cell(w, report_size(s->size, sz));
		rw_cell(w, report_str(s->detail));
		rw_row_end(w);
	}
	rw_table_end(w);
}

void
report_skips(struct rw *w, const struct exh_findings *fs)
{
	const char **reasons;
	size_t *counts, i, j, n, nr = 0;

	rw_heading(w, 2, _("Skipped and unreadable streams"));
	if (fs == NULL) {
		rw_para(w, RW_WARN, _("No scan results were provided."));
		return;
	}
	if ((n = exh_findings_skip_count(fs)) == 0) {
		rw_para(w, RW_NORMAL, _("No stream was skipped and none was "
		    "unreadable."));
		return;
	}
	rw_para(w, RW_WARN, rw_fmt(w, _("Streams or files that could not be "
	    "examined: %zu. Each is listed below, grouped by reason."), n));
	/* Groups in order of first appearance.  Reasons come from a short
	 * fixed list, so one pass counting per distinct reason is linear in
	 * the skips (it was quadratic). */
	if ((reasons = calloc(n, sizeof(*reasons))) == NULL ||
	    (counts = calloc(n, sizeof(*counts))) == NULL) {
		free(reasons);
		if (w->rc == EXH_OK)
			w->rc = EXH_ENOMEM;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *reason = exh_findings_skip(fs, i)->reason;

		for (j = 0; j < nr && !same(reasons[j], reason); j++)
			;
		if (j == nr)
			reasons[nr++] = reason;
		counts[j]++;
	}
	for (j = 0; j < nr; j++)
		skip_group(w, fs, reasons[j], counts[j]);
	free(reasons);
	free(counts);
}

void
report_verify(struct rw *w, const struct exh_report_input *in)
{
	const char *name = in->bundle_name;

	rw_heading(w, 2, _("Verification"));
	if (name == NULL || name[0] == '\0') {
		rw_para(w, RW_NORMAL, _("No evidence bundle was written in "
		    "this run; there is nothing to verify."));
		return;
	}
	rw_kv_begin(w);
	rw_kv(w, _("Bundle"), name);
	rw_kv(w, _("SHA-256 of the bundle"), rw_fmt(w, _("in %s.sha256"),
	    name));
	rw_kv_end(w);
	rw_para(w, RW_NORMAL, rw_fmt(w, _("The SHA-256 of the bundle itself is "
	    "in the file %s.sha256 next to it, because a file cannot contain "
	    "its own hash. Check it first:"), name));
	rw_code(w, rw_fmt(w, "sha256sum -c %s.sha256", name));
	rw_para(w, RW_NORMAL, _("Then check every entry against SHA256SUMS "
	    "and manifest.jsonl with exhume:"));
	rw_code(w, rw_fmt(w, "exhume verify %s", name));
	rw_para(w, RW_NORMAL, _("or without exhume, with standard tools:"));
	rw_code(w, rw_fmt(w, "unzip %s -d bundle && cd bundle && sha256sum -c "
	    "SHA256SUMS", name));
	rw_para(w, RW_NORMAL, _("SHA256SUMS covers every file in the bundle; "
	    "manifest.jsonl records for each entry its original path, MFT "
	    "record, size, hashes, timestamps and why it was collected."));
}
