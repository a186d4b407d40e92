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
report_case(struct report_writer *w, const struct exh_report_input *in)
{
	char t[32];

	report_heading(w, 2, _("Case"));
	report_kv_begin(w);
	report_kv(w, _("Case number"), report_str(in->case_id));
	report_kv(w, _("Evidence number"), report_str(in->evidence_id));
	report_kv(w, _("Examiner"), report_str(in->examiner));
	report_kv(w, _("Notes"), report_str(in->notes));
	report_kv(w, _("Examination started (UTC)"), report_time(in->started, t));
	report_kv(w, _("Examination ended (UTC)"), report_time(in->ended, t));
	report_kv(w, _("Tool"), "exhume " EXH_VERSION);
	report_kv(w, _("SHA-256 of the exhume binary"),
	    report_str(in->exhume_sha256));
	report_kv(w, _("Command line"), report_str(in->command_line));
	report_kv_end(w);
}

/*
 * The source layer records how it made a source read-only in English,
 * one of these; the report shows it in its own language.
 */
static const char *
method_text(const char *method)
{
	static const char *const known[] = {
		N_("image file opened O_RDONLY"),
		N_("O_RDONLY + BLKROSET (whole disk first), BLKROGET=1"),
	};
	size_t i;

	for (i = 0; method != NULL && i < sizeof(known) / sizeof(known[0]);
	    i++)
		if (strcmp(method, known[i]) == 0)
			return _(known[i]);
	return report_str(method);
}

static void
sources(struct report_writer *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Device or image"), _("Model"),
	    _("Serial number"), _("Size"), _("Read-only before"),
	    _("Read-only after"), _("Kernel read-only flag"), _("Method") };
	char sz[48];
	size_t i;

	report_heading(w, 3, _("Source devices and images"));
	if (in->nsources == 0) {
		report_para(w, REPORT_WARN, _("No source device is recorded."));
		return;
	}
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];
		const struct exh_ro_state *ro = s->ro;
		bool dev = ro != NULL && ro->is_block_device;

		report_row_begin(w);
		report_cell(w, report_str(s->path));
		report_cell(w, report_str(s->model));
		report_cell(w, report_str(s->serial));
		report_cell(w, report_size(s->size, sz));
		report_cell(w, dev ? ro_word(ro->before) : _("image file"));
		report_cell(w, dev ? ro_word(ro->after) : _("image file"));
		report_cell(w, dev ? ro_word(ro->sysfs_ro) : "-");
		report_cell(w, ro != NULL ? method_text(ro->method) :
		    _("unknown"));
		report_row_end(w);
	}
	report_table_end(w);
	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];

		if (s->ro != NULL && s->ro->is_block_device &&
		    s->ro->after != 1)
			report_para(w, REPORT_ALERT, report_fmt(w, _("%s was not confirmed "
			    "read-only after the examination."),
			    report_str(s->path)));
	}
}

/* The Result cell: the error, what was examined, or why nothing was. */
static void
result(struct report_writer *w, const struct exh_report_volume *v)
{
	if (v->error != NULL)
		report_cell(w, v->error);
	else if (!v->counted)
		report_cell(w, _("examined"));
	else if (v->not_examined != NULL)
		report_cell(w, report_fmt(w, _("nothing examined: %s"),
		    v->not_examined));
	else
		report_cell(w, report_fmt(w, _("examined: %1$llu streams, "
		    "%2$llu log files"), (unsigned long long)v->streams,
		    (unsigned long long)v->logs));
}

static void
volumes(struct report_writer *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Source"), _("Partition"), _("Drive"),
	    _("Letter from"), _("Size"), _("Label"), _("NTFS serial"), _("System volume"),
	    _("State"), _("Result") };
	char sz[48];
	size_t i;

	report_heading(w, 3, _("Volumes"));
	if (in->nvolumes == 0) {
		report_para(w, REPORT_WARN, _("No NTFS volume is recorded."));
		return;
	}
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];

		report_row_begin(w);
		report_cell(w, report_str(v->source_path));
		if (v->partition == 0)
			report_cell(w, _("whole device"));
		else
			report_cell(w, report_fmt(w, "%d", v->partition));
		if (v->letter != '?' && v->letter != '\0')
			report_cell(w, report_fmt(w, "%c:", v->letter));
		else
			report_cell(w, "-");
		report_cell(w, v->letter_source != NULL ? v->letter_source :
		    "-");
		report_cell(w, report_size(v->size, sz));
		report_cell(w, report_str(v->label));
		report_cell(w, report_str(v->serial));
		report_cell(w, yes_no(v->system));
		report_cell(w, report_str(v->flags));
		result(w, v);
		report_row_end(w);
	}
	report_table_end(w);
	if (in->nothing_examined != NULL)
		report_para(w, REPORT_ALERT, report_fmt(w, _("Nothing was "
		    "examined: %s. No finding here means nothing was looked "
		    "at, not that the server is clean."),
		    in->nothing_examined));
	for (i = 0; i < in->nvolumes; i++)
		if (in->volumes[i].error != NULL)
			report_para(w, REPORT_WARN, report_fmt(w, _("Partition %1$d of "
			    "%2$s could not be examined: %3$s"),
			    in->volumes[i].partition,
			    report_str(in->volumes[i].source_path),
			    in->volumes[i].error));
}

static void
scope(struct report_writer *w, const struct exh_report_input *in)
{
	size_t i;

	report_heading(w, 3, _("Scope"));
	if (in->full_scan) {
		report_para(w, REPORT_NORMAL, _("Full volumes: every stream on every "
		    "opened volume was examined."));
		return;
	}
	if (in->nscope == 0) {
		report_para(w, REPORT_WARN, _("No scope is recorded."));
		return;
	}
	report_para(w, REPORT_NORMAL, _("Triage scope: these folders were examined, "
	    "together with the logs, event logs and configuration files the "
	    "host profile points to:"));
	report_list_begin(w);
	for (i = 0; i < in->nscope; i++)
		report_item(w, REPORT_NORMAL, report_str(in->scope[i]));
	report_list_end(w);
}

static void
counts(struct report_writer *w, const struct exh_findings *fs)
{
	struct exh_stats st;
	char sz[48];

	report_heading(w, 3, _("Counts"));
	if (fs == NULL) {
		report_para(w, REPORT_WARN, _("No scan results were provided."));
		return;
	}
	st = exh_findings_stats(fs);
	report_kv_begin(w);
	report_kv(w, _("Streams seen"), report_fmt(w, "%llu",
	    (unsigned long long)st.streams_seen));
	report_kv(w, _("Streams scanned"), report_fmt(w, "%llu",
	    (unsigned long long)st.streams_scanned));
	report_kv(w, _("Bytes scanned"), report_size(st.bytes_scanned, sz));
	report_kv(w, _("Streams skipped by policy"), report_fmt(w, "%llu",
	    (unsigned long long)st.streams_skipped));
	report_kv(w, _("Streams unreadable"), report_fmt(w, "%llu",
	    (unsigned long long)st.streams_unreadable));
	report_kv(w, _("Log files read"), report_fmt(w, "%llu",
	    (unsigned long long)st.log_files));
	report_kv(w, _("Log lines read"), report_fmt(w, "%llu",
	    (unsigned long long)st.log_lines));
	report_kv(w, _("Event records read"), report_fmt(w, "%llu",
	    (unsigned long long)st.events));
	report_kv_end(w);
}

/* One object, so that gettext handing back this very pointer means "no
 * translation" (two equal literals need not be one object). */
static const char library_legend[] = N_("Text after "
    "\u201clibrary message:\u201d is the original wording of a library "
    "(libntfs-3g, libewf, libevtx, libvshadow) or of exhume's error text, "
    "left as it was given.");

static void
run_notes(struct report_writer *w, const struct exh_report_input *in)
{
	const char *legend;
	size_t i;

	if (in->nrun_notes == 0 && (in->firmware_notes == NULL ||
	    in->firmware_notes[0] == '\0'))
		return;
	report_heading(w, 3, _("Run notes"));
	/* The legend for what a translated report leaves in English; an
	 * English report has nothing to explain. */
	if ((legend = _(library_legend)) != library_legend)
		report_para(w, REPORT_NORMAL, legend);
	report_list_begin(w);
	for (i = 0; i < in->nrun_notes; i++)
		report_item(w, REPORT_NORMAL, in->run_msgs != NULL ?
		    report_msg(w, &in->run_msgs[i]) :
		    report_str(in->run_notes[i]));
	if (in->firmware_notes != NULL && in->firmware_notes[0] != '\0')
		report_item(w, REPORT_NORMAL, report_fmt(w, _("Firmware footprint of the "
		    "boot: %s"), in->firmware_notes));
	report_list_end(w);
}

void
report_examined(struct report_writer *w, const struct exh_report_input *in)
{
	report_heading(w, 2, _("What was examined and how"));
	sources(w, in);
	report_images(w, in);
	volumes(w, in);
	scope(w, in);
	report_rules(w, in->rules);
	counts(w, in->findings);
	run_notes(w, in);
}

static void
partial(struct report_writer *w, const struct exh_findings *fs)
{
	const char *why;

	if (fs == NULL) {
		report_para(w, REPORT_ALERT, _("No scan results were provided: this "
		    "record lists no findings."));
		return;
	}
	if ((why = exh_findings_partial(fs)) != NULL)
		report_para(w, REPORT_ALERT, report_fmt(w, _("PARTIAL RESULTS: the "
		    "examination did not complete (%s). Everything below "
		    "covers only what was examined before it stopped."), why));
}

static int
render(const struct exh_report_input *in, bool html, struct exh_sink *out)
{
	char prev[8];
	const char *lang;
	struct report_writer w;
	int rc;

	if (in == NULL || out == NULL || out->buf == NULL)
		return EXH_EUSAGE;
	/* A language code ("de", "en"); one cut short is refused below. */
	(void)snprintf(prev, sizeof(prev), "%s", exh_i18n_lang());
	lang = (in->lang != NULL && in->lang[0] != '\0') ? in->lang : prev;
	if (strcmp(lang, "de") != 0 && strcmp(lang, "en") != 0)
		return EXH_EUSAGE;
	if ((rc = exh_i18n_set_lang(lang)) != EXH_OK)
		return rc;
	report_init(&w, html, out);
	report_begin(&w, lang, _("Investigation record"));
	partial(&w, in->findings);
	/* The one screen a data-protection officer reads first; the
	 * details it rests on follow. */
	report_decision(&w, in);
	report_case(&w, in);
	report_examined(&w, in);
	report_host(&w, in->profile);
	report_findings(&w, in->findings);
	report_coverage(&w, in);
	report_history(&w, in);
	report_timeline(&w, in->findings);
	report_collected(&w, in);
	report_skips(&w, in->findings);
	report_verify(&w, in);
	report_end(&w);
	rc = report_finish(&w);
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
