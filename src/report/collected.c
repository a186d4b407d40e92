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
report_collected(struct report_writer *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Entry in the bundle"), _("Original path"),
	    _("Size"), _("Status"), _("Why collected"), _("Note"),
	    _("SHA-256") };
	char sz[48];
	size_t i, nok = 0;

	report_heading(w, 2, _("What was collected"));
	if (in->collected == NULL || in->ncollected == 0) {
		report_para(w, REPORT_NORMAL, _("No evidence bundle was written in "
		    "this run; nothing was collected."));
		return;
	}
	for (i = 0; i < in->ncollected; i++)
		if (in->collected[i].status != NULL &&
		    strcmp(in->collected[i].status, "collected") == 0)
			nok++;
	report_para(w, REPORT_NORMAL, report_fmt(w, _("Entries: %1$zu; stored complete: "
	    "%2$zu."), in->ncollected, nok));
	if (nok < in->ncollected)
		report_para(w, REPORT_WARN, report_fmt(w, _("Entries left out or "
		    "incomplete: %zu; the Note column says why."),
		    in->ncollected - nok));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->ncollected; i++) {
		const struct exh_report_collected *c = &in->collected[i];

		report_row_begin(w);
		report_cell(w, report_str(c->entry));
		if (c->winpath == NULL)
			report_cell(w, _("(document written by exhume)"));
		else if (c->stream != NULL && c->stream[0] != '\0')
			report_cell(w, report_fmt(w, "%s:%s", c->winpath, c->stream));
		else
			report_cell(w, c->winpath);
		report_cell(w, report_size(c->size, sz));
		report_cell(w, status_word(c->status));
		report_cell(w, report_str(c->reason));
		report_cell(w, report_str(c->why));
		report_cell(w, report_str(c->sha256));
		report_row_end(w);
	}
	report_table_end(w);
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
skip_group(struct report_writer *w, const struct exh_findings *fs, const char *reason,
    size_t count)
{
	const char *cols[] = { _("Path"), _("Stream"), _("MFT record"),
	    _("Size"), _("Detail") };
	char sz[48];
	size_t i, n = exh_findings_skip_count(fs);

	report_heading(w, 3, report_fmt(w, "%s: %s (%zu)", report_str(reason),
	    skip_word(reason), count));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		if (!same(s->reason, reason))
			continue;
		report_row_begin(w);
		report_cell(w, report_str(s->path));
		report_cell(w, report_str(s->stream));
		report_cell(w, report_fmt(w, "%llu", (unsigned long long)s->mft));
		report_cell(w, report_size(s->size, sz));
		report_cell(w, report_quoted(w, s->detail));
		report_row_end(w);
	}
	report_table_end(w);
}

void
report_skips(struct report_writer *w, const struct exh_findings *fs)
{
	const char **reasons;
	size_t *counts, i, j, n, nr = 0;

	report_heading(w, 2, _("Skipped and unreadable streams"));
	if (fs == NULL) {
		report_para(w, REPORT_WARN, _("No scan results were provided."));
		return;
	}
	if ((n = exh_findings_skip_count(fs)) == 0) {
		report_para(w, REPORT_NORMAL, _("No stream was skipped and none was "
		    "unreadable."));
		return;
	}
	report_para(w, REPORT_WARN, report_fmt(w, _("Streams or files that could not be "
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
report_verify(struct report_writer *w, const struct exh_report_input *in)
{
	const char *name = in->bundle_name;

	report_heading(w, 2, _("Verification"));
	if (name == NULL || name[0] == '\0') {
		report_para(w, REPORT_NORMAL, _("No evidence bundle was written in "
		    "this run; there is nothing to verify."));
		return;
	}
	report_kv_begin(w);
	report_kv(w, _("Bundle"), name);
	report_kv(w, _("SHA-256 of the bundle"), report_fmt(w, _("in %s.sha256"),
	    name));
	report_kv_end(w);
	/* Only the envelope is on the disk: it is opened first. */
	if (in->bundle_p7m) {
		report_para(w, REPORT_NORMAL, report_fmt(w, _("The bundle is "
		    "encrypted for its recipients as %s.p7m (CMS). A recipient "
		    "opens it with the private key of their certificate:"),
		    name));
		report_code(w, report_fmt(w, "openssl cms -decrypt -binary "
		    "-inform DER -in %s.p7m -recip CERT.pem -inkey KEY.pem "
		    "-out %s", name, name));
	}
	report_para(w, REPORT_NORMAL, report_fmt(w, _("The SHA-256 of the bundle itself is "
	    "in the file %s.sha256 next to it, because a file cannot contain "
	    "its own hash. Check it first:"), name));
	report_code(w, report_fmt(w, "sha256sum -c %s.sha256", name));
	report_para(w, REPORT_NORMAL, _("Then check every entry against SHA256SUMS "
	    "and manifest.jsonl with exhume:"));
	report_code(w, report_fmt(w, in->bundle_aes ? "exhume verify %s "
	    "--password-file PASSWORD.txt%s" : "exhume verify %s%s", name,
	    in->bundle_signed ? " --ca CA.pem" : ""));
	report_para(w, REPORT_NORMAL, _("or without exhume, with standard tools:"));
	/* unzip cannot open AES-256 entries; 7z can (it asks for the
	 * password). */
	report_code(w, report_fmt(w, in->bundle_aes ? "7z x -obundle %s && "
	    "cd bundle && sha256sum -c SHA256SUMS" : "unzip %s -d bundle && "
	    "cd bundle && sha256sum -c SHA256SUMS", name));
	if (in->bundle_signed) {
		report_para(w, REPORT_NORMAL, _("SHA256SUMS is signed "
		    "(SHA256SUMS.p7s). The signature proves who wrote the "
		    "bundle only when checked against the CA that issued the "
		    "signing certificate:"));
		report_code(w, "openssl cms -verify -binary -inform DER -in "
		    "SHA256SUMS.p7s -content SHA256SUMS -CAfile CA.pem "
		    "-purpose any -out /dev/null");
	}
	report_para(w, REPORT_NORMAL, _("SHA256SUMS covers every file in the bundle; "
	    "manifest.jsonl records for each entry its original path, MFT "
	    "record, size, hashes, timestamps and why it was collected."));
}
