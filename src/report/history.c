/* The report's history section: each volume's journal range, deleted records, shadow copies and the exposure windows' coverage. */
#include <stdio.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

static const char *
coverage_word(int coverage)
{
	switch (coverage) {
	case EXH_COVER_FULL:
		return _("covered: the journal begins before the window");
	case EXH_COVER_PARTIAL:
		return _("partly: the journal begins inside the window");
	case EXH_COVER_NONE:
		return _("not covered: the journal begins after the window");
	case EXH_COVER_NO_JOURNAL:
		return _("not covered: no change journal");
	default:
		return _("not needed");
	}
}

/* "C:", or "partition 2" for a volume without a letter, into buf. */
static const char *
drive(const struct exh_report_volume *v, char buf[64])
{
	if (v->letter == '?' || v->letter == '\0')
		(void)snprintf(buf, 64, _("partition %d"), v->partition);
	else
		(void)snprintf(buf, 64, "%c:", v->letter);
	return buf;
}

static bool
snapshots_examined(const struct exh_history_result *r)
{
	return r->snapshots_found > 0 ||
	    strcmp(r->snapshots_note, "not examined") != 0;
}

static void
journal_cell(struct report_writer *w, const struct exh_history_result *r)
{
	char a[32], b[32];

	if (!r->journal)
		report_cell(w, _("none on this volume"));
	else
		report_cell(w, report_fmt(w, _("%1$s to %2$s"),
		    report_time(r->usn_first, a), report_time(r->usn_last, b)));
}

static void
snapshot_cell(struct report_writer *w, const struct exh_history_result *r)
{
	if (!snapshots_examined(r)) {
		report_cell(w, _("not examined"));
		return;
	}
	report_cell(w, report_fmt(w, _("%1$llu found, %2$llu examined, %3$llu "
	    "identical to the live volume, %4$llu skipped%5$s%6$s"),
	    (unsigned long long)r->snapshots_found,
	    (unsigned long long)r->snapshots_examined,
	    (unsigned long long)r->snapshots_identical,
	    (unsigned long long)r->snapshots_skipped,
	    r->snapshots_note[0] != '\0' ? ": " : "", r->snapshots_note));
}

static void
count_cell(struct report_writer *w, uint64_t n)
{
	report_cell(w, report_fmt(w, "%llu", (unsigned long long)n));
}

static void
counts_table(struct report_writer *w, const struct exh_report_input *in)
{
	char d[64];
	const char *cols[] = { _("Drive"), _("Change journal (UTC)"),
	    _("Journal records"), _("Damaged journal records"),
	    _("MFT records read"), _("Deleted records"),
	    _("Listed with a name"), _("Damaged MFT records"),
	    _("Shadow copies") };
	size_t i;

	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];
		const struct exh_history_result *r = v->history;

		if (r == NULL)
			continue;
		report_row_begin(w);
		report_cell(w, drive(v, d));
		journal_cell(w, r);
		count_cell(w, r->usn_records);
		count_cell(w, r->usn_damaged);
		count_cell(w, r->deleted_read);
		count_cell(w, r->deleted_records);
		count_cell(w, r->deleted_names);
		count_cell(w, r->deleted_damaged);
		snapshot_cell(w, r);
		report_row_end(w);
	}
	report_table_end(w);
}

static void
window_row(struct report_writer *w, const struct exh_report_volume *v,
    const struct exh_history_window *hw)
{
	char a[32], b[32], d[64];

	report_row_begin(w);
	report_cell(w, drive(v, d));
	report_cell(w, report_str(hw->w.group));
	report_cell(w, report_str(hw->w.cves));
	report_cell(w, report_fmt(w, hw->w.start_published ?
	    _("%s (published; no exploitation date known)") :
	    _("%s (first exploitation)"), report_time(hw->w.start, a)));
	report_cell(w, hw->w.open ? _("still open") :
	    report_fmt(w, _("%s (fix installed)"), report_time(hw->w.end, b)));
	report_cell(w, coverage_word(hw->coverage));
	report_row_end(w);
}

static void
windows_table(struct report_writer *w, const struct exh_report_input *in)
{
	const char *cols[] = { _("Drive"), _("Exposure window"), _("CVEs"),
	    _("From (UTC)"), _("Until (UTC)"), _("Journal coverage") };
	size_t i, k, n = 0;

	for (i = 0; i < in->nvolumes; i++)
		if (in->volumes[i].history != NULL)
			n += in->volumes[i].history->nwindows;
	if (n == 0) {
		report_para(w, REPORT_NORMAL, _("No exposure window is known: "
		    "the host profile names no exploited vulnerability this "
		    "build was exposed to (or no build). The history findings "
		    "are scored without one."));
		return;
	}
	report_para(w, REPORT_NORMAL, _("Exposure windows: when the host ran a "
	    "build an exploited vulnerability could be used against, and "
	    "whether each volume's change journal reaches back to their "
	    "start. A file change before the journal's first record cannot "
	    "be seen in it: look in shadow copies, backups and other logs."));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_history_result *r = in->volumes[i].history;

		for (k = 0; r != NULL && k < r->nwindows; k++)
			window_row(w, &in->volumes[i], &r->windows[k]);
	}
	report_table_end(w);
}

static void
problems(struct report_writer *w, const struct exh_report_input *in)
{
	char d[64];
	size_t i;

	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_history_result *r = in->volumes[i].history;

		if (r == NULL)
			continue;
		if (r->usn_rc != EXH_OK)
			report_para(w, REPORT_WARN, report_fmt(w, _("The change "
			    "journal of %1$s could not be read to its end: "
			    "%2$s"), drive(&in->volumes[i], d), r->usn_error));
		if (r->coverage >= EXH_COVER_PARTIAL)
			report_para(w, REPORT_WARN, report_fmt(w, _("The change "
			    "journal of %s does not reach back to the start "
			    "of an exposure window: scripts written and "
			    "removed before its first record leave no trace "
			    "in it."), drive(&in->volumes[i], d)));
		if (r->groups_folded > 0)
			report_para(w, REPORT_NORMAL, report_fmt(w, _("On %1$s, "
			    "%2$llu hits in more folders than the group table "
			    "holds were counted into the last group of their "
			    "check."), drive(&in->volumes[i], d),
			    (unsigned long long)r->groups_folded));
	}
}

void
report_history(struct report_writer *w, const struct exh_report_input *in)
{
	size_t i, n = 0;

	report_heading(w, 2, _("History: change journal, deleted records, "
	    "shadow copies"));
	for (i = 0; i < in->nvolumes; i++)
		if (in->volumes[i].history != NULL)
			n++;
	if (n == 0) {
		report_para(w, REPORT_WARN, _("The volumes' history was not "
		    "read: no change journal, deleted MFT record or shadow "
		    "copy was examined. Files removed before the examination "
		    "cannot be seen in this record."));
		return;
	}
	counts_table(w, in);
	windows_table(w, in);
	problems(w, in);
}
