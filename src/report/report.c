/* report.html and report.txt: the investigation record, its order of sections and its language. */
#include <stdio.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

static const char *
yes_no(bool v)
{
	return v ? _("yes") : _("no");
}

/* BLKROGET and sysfs results: 1, 0 or -1 (unknown). */
static const char *
ro_word(int v)
{
	return v == 1 ? _("yes") : v == 0 ? _("no") : _("unknown");
}

void
report_case(struct rw *w, const struct exh_report_input *in)
{
	char t[32];

	rw_heading(w, 2, _("Case"));
	rw_kv_begin(w);
	rw_kv(w, _("Case number"), report_str(in->case_id));
	rw_kv(w, _("Evidence number"), report_str(in->evidence_id));
	rw_kv(w, _("Examiner"), report_str(in->examiner));
	rw_kv(w, _("Notes"), report_str(in->notes));
	rw_kv(w, _("Examination started (UTC)"), report_time(in->started, t));
	rw_kv(w, _("Examination ended (UTC)"), report_time(in->ended, t));
	rw_kv(w, _("Tool"), "exhume " EXH_VERSION);
	rw_kv(w, _("SHA-256 of the exhume binary"),
	    report_str(in->exhume_sha256));
	rw_kv(w, _("Command line"), report_str(in->command_line));
	rw_kv_end(w);
}

static void
sources(struct rw *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Device or image"), _("Model"),
	    _("Serial number"), _("Size"), _("Read-only before"),
	    _("Read-only after"), _("Kernel read-only flag"), _("Method") };
	char sz[48];
	size_t i;

	rw_heading(w, 3, _("Source devices and images"));
	if (in->nsources == 0) {
		rw_para(w, RW_WARN, _("No source device is recorded."));
		return;
	}
	rw_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];
		const struct exh_ro_state *ro = s->ro;
		bool dev = ro != NULL && ro->is_block_device;

		rw_row_begin(w);
		rw_cell(w, report_str(s->path));
		rw_cell(w, report_str(s->model));
		rw_cell(w, report_str(s->serial));
		rw_cell(w, report_size(s->size, sz));
		rw_cell(w, dev ? ro_word(ro->before) : _("image file"));
		rw_cell(w, dev ? ro_word(ro->after) : _("image file"));
		rw_cell(w, dev ? ro_word(ro->sysfs_ro) : "-");
		rw_cell(w, ro != NULL ? report_str(ro->method) : _("unknown"));
		rw_row_end(w);
	}
	rw_table_end(w);
	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];

		if (s->ro != NULL && s->ro->is_block_device &&
		    s->ro->after != 1)
			rw_para(w, RW_ALERT, rw_fmt(w, _("%s was not confirmed "
			    "read-only after the examination."),
			    report_str(s->path)));
	}
}

static void
volumes(struct rw *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Source"), _("Partition"), _("Drive"),
	    _("Size"), _("Label"), _("NTFS serial"), _("System volume"),
	    _("State"), _("Result") };
	char sz[48];
	size_t i;

	rw_heading(w, 3, _("Volumes"));
	if (in->nvolumes == 0) {
		rw_para(w, RW_WARN, _("No NTFS volume is recorded."));
		return;
	}
	rw_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];

		rw_row_begin(w);
		rw_cell(w, report_str(v->source_path));
		if (v->partition == 0)
			rw_cell(w, _("whole device"));
		else
			rw_cell(w, rw_fmt(w, "%d", v->partition));
		if (v->letter != '?' && v->letter != '\0')
			rw_cell(w, rw_fmt(w, "%c:", v->letter));
		else
			rw_cell(w, "-");
		rw_cell(w, report_size(v->size, sz));
		rw_cell(w, report_str(v->label));
		rw_cell(w, report_str(v->serial));
		rw_cell(w, yes_no(v->system));
		rw_cell(w, report_str(v->flags));
		rw_cell(w, v->error != NULL ? v->error : _("examined"));
		rw_row_end(w);
	}
	rw_table_end(w);
	for (i = 0; i < in->nvolumes; i++)
		if (in->volumes[i].error != NULL)
			rw_para(w, RW_WARN, rw_fmt(w, _("Partition %1$d of "
			    "%2$s could not be examined: %3$s"),
			    in->volumes[i].partition,
			    report_str(in->volumes[i].source_path),
			    in->volumes[i].error));
}

static void
scope(struct rw *w, const struct exh_report_input *in)
{
	size_t i;

	rw_heading(w, 3, _("Scope"));
	if (in->full_scan) {
		rw_para(w, RW_NORMAL, _("Full volumes: every stream on every "
		    "opened volume was examined."));
		return;
	}
	if (in->nscope == 0) {
		rw_para(w, RW_WARN, _("No scope is recorded."));
		return;
	}
	rw_para(w, RW_NORMAL, _("Triage scope: these folders were examined, "
	    "together with the logs, event logs and configuration files the "
	    "host profile points to:"));
	rw_list_begin(w);
	for (i = 0; i < in->nscope; i++)
		rw_item(w, RW_NORMAL, report_str(in->scope[i]));
	rw_list_end(w);
}

static void
counts(struct rw *w, const struct exh_findings *fs)
{
	struct exh_stats st;
	char sz[48];

	rw_heading(w, 3, _("Counts"));
	if (fs == NULL) {
		rw_para(w, RW_WARN, _("No scan results were provided."));
		return;
	}
	st = exh_findings_stats(fs);
	rw_kv_begin(w);
	rw_kv(w, _("Streams seen"), rw_fmt(w, "%llu",
	    (unsigned long long)st.streams_seen));
	rw_kv(w, _("Streams scanned"), rw_fmt(w, "%llu",
	    (unsigned long long)st.streams_scanned));
	rw_kv(w, _("Bytes scanned"), report_size(st.bytes_scanned, sz));
	rw_kv(w, _("Streams skipped by policy"), rw_fmt(w, "%llu",
	    (unsigned long long)st.streams_skipped));
	rw_kv(w, _("Streams unreadable"), rw_fmt(w, "%llu",
	    (unsigned long long)st.streams_unreadable));
	rw_kv(w, _("Log files read"), rw_fmt(w, "%llu",
	    (unsigned long long)st.log_files));
	rw_kv(w, _("Log lines read"), rw_fmt(w, "%llu",
	    (unsigned long long)st.log_lines));
	rw_kv(w, _("Event records read"), rw_fmt(w, "%llu",
	    (unsigned long long)st.events));
	rw_kv_end(w);
}

static void
run_notes(struct rw *w, const struct exh_report_input *in)
{
	size_t i;

	if (in->nrun_notes == 0 && (in->firmware_notes == NULL ||
	    in->firmware_notes[0] == '\0'))
		return;
	rw_heading(w, 3, _("Run notes"));
	rw_list_begin(w);
	for (i = 0; i < in->nrun_notes; i++)
		rw_item(w, RW_NORMAL, report_str(in->run_notes[i]));
	if (in->firmware_notes != NULL && in->firmware_notes[0] != '\0')
		rw_item(w, RW_NORMAL, rw_fmt(w, _("Firmware footprint of the "
		    "boot: %s"), in->firmware_notes));
	rw_list_end(w);
}

void
report_examined(struct rw *w, const struct exh_report_input *in)
{
	rw_heading(w, 2, _("What was examined and how"));
	sources(w, in);
	volumes(w, in);
	scope(w, in);
	report_rules(w, in->rules);
	counts(w, in->findings);
	run_notes(w, in);
}

static void
partial(struct rw *w, const struct exh_findings *fs)
{
	const char *why;

	if (fs == NULL) {
		rw_para(w, RW_ALERT, _("No scan results were provided: this "
		    "record lists no findings."));
		return;
	}
	if ((why = exh_findings_partial(fs)) != NULL)
		rw_para(w, RW_ALERT, rw_fmt(w, _("PARTIAL RESULTS: the "
		    "examination did not complete (%s). Everything below "
		    "covers only what was examined before it stopped."), why));
}

static int
render(const struct exh_report_input *in, bool html, struct exh_sink *out)
{
	char prev[8];
	const char *lang;
	struct rw w;
	int rc;

	if (in == NULL || out == NULL || out->buf == NULL)
		return EXH_EUSAGE;
	snprintf(prev, sizeof(prev), "%s", exh_i18n_lang());
	lang = (in->lang != NULL && in->lang[0] != '\0') ? in->lang : prev;
	if (strcmp(lang, "de") != 0 && strcmp(lang, "en") != 0)
		return EXH_EUSAGE;
	if ((rc = exh_i18n_set_lang(lang)) != EXH_OK)
		return rc;
	rw_init(&w, html, out);
	rw_begin(&w, lang, _("Investigation record"));
	partial(&w, in->findings);
	report_case(&w, in);
	report_examined(&w, in);
	report_host(&w, in->profile);
	report_findings(&w, in->findings);
	report_coverage(&w, in);
	report_timeline(&w, in->findings);
	report_collected(&w, in);
	report_skips(&w, in->findings);
	report_verify(&w, in);
	report_decision(&w, in);
	rw_end(&w);
	rc = rw_finish(&w);
	(void)exh_i18n_set_lang(prev);
	return rc;
}

int
exh_report_html(const struct exh_report_input *in, struct exh_buf *out)
{
	struct exh_sink s = { out, NULL, NULL, EXH_OK };

	return render(in, true, &s);
}

int
exh_report_text(const struct exh_report_input *in, struct exh_buf *out)
{
	struct exh_sink s = { out, NULL, NULL, EXH_OK };

	return render(in, false, &s);
}

int
exh_report_html_to(const struct exh_report_input *in, struct exh_sink *out)
{
	return render(in, true, out);
}

int
exh_report_text_to(const struct exh_report_input *in, struct exh_sink *out)
{
	return render(in, false, out);
}
