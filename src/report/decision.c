/* Report section: the facts a notification decision (GDPR Art. 33) rests on; facts only, no legal advice. */
#include <stdio.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

/*
 * Which findings count as which kind of indicator.  The words are matched
 * (ASCII case-insensitively) against a finding's check id and its reasons'
 * names and descriptions, which come from our rules and analysers.  This
 * only groups findings for the reader; it decides nothing about them.
 */
#define NKEYS 8
static const struct {
	const char *title;
	const char *keys[NKEYS];
} categories[] = {
	{ N_("Web shell"), { "webshell", "web shell", "chopper",
	    "flagged-file-request", NULL } },
	{ N_("Exploitation of a vulnerability"), { "CVE-", "ProxyLogon",
	    "ProxyShell", "ProxyNotShell", "OWASSRF", "exploit", NULL } },
	{ N_("Data staging or mail exfiltration"), { "exfil",
	    "mailbox-export", "export-request", "archive_in", "staging",
	    "recon_cab", NULL } },
	{ N_("Credential dumping"), { "lsass", "minidump", "mimikatz",
	    "credential", NULL } },
	{ N_("Ransomware"), { "ransom", "dearcry", "blackkingdom", NULL } },
};
#define NCATEGORIES (sizeof(categories) / sizeof(categories[0]))

static bool
has_key(const char *s, size_t cat)
{
	size_t k;

	for (k = 0; s != NULL && k < NKEYS && categories[cat].keys[k]; k++)
		if (exh_ascii_istrstr(s, categories[cat].keys[k]) != NULL)
			return true;
	return false;
}

static bool
in_category(const struct exh_finding *f, size_t cat)
{
	size_t i;

	/* The patch state and log coverage are reported as the exposure
	 * window and coverage, not as indicators of an attack. */
	if (f->kind == EXH_FIND_HOST && f->check != NULL &&
	    (strncmp(f->check, "V1/", 3) == 0 ||
	    strncmp(f->check, "logs/", 5) == 0))
		return false;
	if (has_key(f->check, cat))
		return true;
	for (i = 0; i < f->nreasons; i++)
		if (has_key(f->reasons[i].name, cat) ||
		    has_key(f->reasons[i].description, cat))
			return true;
	return false;
}

static void
indicators(struct report_writer *w, const struct exh_findings *fs)
{
	struct exh_buf ids = { 0 };
	size_t cat, i, n;

	for (cat = 0; cat < NCATEGORIES && w->rc == EXH_OK; cat++) {
		const char *title = _(categories[cat].title);

		exh_buf_reset(&ids);
		for (i = n = 0; fs != NULL && i < exh_findings_count(fs); i++) {
			const struct exh_finding *f = exh_findings_get(fs, i);

			if (f->level < EXH_LEVEL_NOTICE || !in_category(f, cat))
				continue;
			if (exh_buf_printf(&ids, "%s%s", n > 0 ? ", " : "",
			    f->id) != EXH_OK) {
				w->rc = EXH_ENOMEM;
				break;
			}
			n++;
		}
		if (fs == NULL)
			report_item(w, REPORT_WARN, report_fmt(w, _("%s: not examined (no "
			    "scan results)."), title));
		else if (n > 0)
			report_item(w, REPORT_ALERT, report_fmt(w, _("%1$s: indicators "
			    "found (%2$zu; findings %3$s)."), title, n,
			    ids.data));
		else
			report_item(w, REPORT_NORMAL, report_fmt(w, _("%s: no indicator "
			    "found."), title));
	}
	exh_buf_free(&ids);
}

/* Does every log family reach back to the start of the exposure window? */
static void
coverage_fact(struct report_writer *w, const struct exh_report_input *in)
{
	const struct exh_profile *p = in->profile;
	bool exposed = false, covered = true;
	int64_t oldest = 0;
	char a[32], b[32];
	size_t i;
	int fam;

	if (in->ncoverage == 0 || in->coverage == NULL) {
		report_item(w, REPORT_WARN, _("No Exchange or IIS log was read."));
		return;
	}
	for (i = 0; i < in->ncoverage; i++) {
		int64_t first = in->coverage[i].first;

		if (first != 0 && (oldest == 0 || first < oldest))
			oldest = first;
		if (p == NULL || first == 0 || first > p->install_date)
			covered = false;
	}
	for (fam = 0; p != NULL && fam < EXH_FAM_COUNT; fam++) {
		struct report_window x;

		report_window(p, fam, &x);
		exposed = exposed || x.exposed;
	}
	if (p == NULL || (exposed && p->install_date == 0))
		report_item(w, REPORT_WARN, report_fmt(w, _("Whether the logs cover the "
		    "exposure window cannot be said; the oldest log entry read "
		    "is from %s."), report_time(oldest, a)));
	else if (!exposed)
		report_item(w, REPORT_NORMAL, report_fmt(w, _("No exposure window was "
		    "found; the oldest log entry read is from %s."),
		    report_time(oldest, a)));
	else if (covered)
		report_item(w, REPORT_NORMAL, _("Every log family read reaches back to "
		    "the start of the exposure window."));
	else
		report_item(w, REPORT_WARN, report_fmt(w, _("The logs do not all reach "
		    "back to the start of the exposure window (%1$s); the "
		    "oldest entry is from %2$s. What happened before cannot be "
		    "seen in those logs."), report_time(p->install_date, b),
		    report_time(oldest, a)));
}

static void
gaps(struct report_writer *w, const struct exh_report_input *in)
{
	const struct exh_findings *fs = in->findings;
	struct exh_stats st;
	size_t i, nvol = 0;

	if (fs != NULL && exh_findings_partial(fs) != NULL)
		report_item(w, REPORT_ALERT, report_fmt(w, _("The results are partial: "
		    "%s."), exh_findings_partial(fs)));
	if (fs != NULL) {
		st = exh_findings_stats(fs);
		if (exh_findings_skip_count(fs) > 0)
			report_item(w, REPORT_WARN, report_fmt(w, _("Streams or files that "
			    "could not be examined: %1$zu (skipped by policy: "
			    "%2$llu, unreadable: %3$llu); see Skipped and "
			    "unreadable streams."), exh_findings_skip_count(fs),
			    (unsigned long long)st.streams_skipped, (unsigned
			    long long)st.streams_unreadable));
		else
			report_item(w, REPORT_NORMAL, _("No stream in scope was "
			    "skipped or unreadable."));
	}
	for (i = 0; i < in->nvolumes; i++)
		nvol += in->volumes[i].error != NULL;
	if (nvol > 0)
		report_item(w, REPORT_WARN, report_fmt(w, _("Volumes that could not be "
		    "examined: %zu."), nvol));
	for (i = 0, nvol = 0; i < in->nvolumes; i++)
		nvol += in->volumes[i].error == NULL &&
		    in->volumes[i].not_examined != NULL;
	if (in->nothing_examined != NULL)
		report_item(w, REPORT_ALERT, report_fmt(w, _("Nothing was "
		    "examined: %s."), in->nothing_examined));
	else if (nvol > 0)
		report_item(w, REPORT_WARN, report_fmt(w, _("Volumes on which "
		    "no file and no log was examined: %zu; see Volumes."),
		    nvol));
	if (in->rules != NULL && exh_rules_counts(in->rules).files_rejected)
		report_item(w, REPORT_WARN, report_fmt(w, _("Rule files left out of the "
		    "rule set: %zu."),
		    exh_rules_counts(in->rules).files_rejected));
	if (!in->full_scan)
		report_item(w, REPORT_NORMAL, _("Only the triage scope was examined, "
		    "not every file on the volumes."));
}

/* A fact the user gives, or the reminder that it is still missing. */
static const char *
given(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : _("to be completed");
}

void
report_notification_kv(struct report_writer *w,
    const struct exh_report_input *in)
{
	report_kv(w, _("Time of awareness"), given(in->aware_since));
	report_kv(w, _("Measures taken"), given(in->measures));
	report_kv(w, _("Categories of data concerned"),
	    given(in->data_categories));
}

void
report_decision(struct report_writer *w, const struct exh_report_input *in)
{
	report_heading(w, 2, _("Summary: facts for a notification decision"));
	report_para(w, REPORT_WARN, _("Facts for the decision, not legal advice."));
	report_para(w, REPORT_NORMAL, _("Whether a personal data breach must be "
	    "notified to the supervisory authority (Art. 33 GDPR) is decided "
	    "by the controller. This section lists only the facts from this "
	    "examination that the decision can rest on; the details follow "
	    "below."));
	report_heading(w, 3, _("For the notification (Art. 33(3) GDPR)"));
	report_kv_begin(w);
	report_notification_kv(w, in);
	report_kv_end(w);
	report_heading(w, 3, _("Indicators of compromise"));
	report_list_begin(w);
	indicators(w, in->findings);
	report_list_end(w);
	report_heading(w, 3, _("Exposure of the unpatched server"));
	if (in->profile != NULL)
		report_exposure_list(w, in->profile);
	else
		report_para(w, REPORT_WARN, _("Whether the server was exposed "
		    "unpatched is unknown (no host profile)."));
	report_heading(w, 3, _("Log coverage and gaps"));
	report_list_begin(w);
	coverage_fact(w, in);
	gaps(w, in);
	report_list_end(w);
	report_para(w, REPORT_NORMAL, _("Finding no indicator does not show that no "
	    "unauthorised access took place: traces may have been deleted "
	    "(MSERT, for one, deletes what it detects), may lie outside the "
	    "time the logs cover, or may not be matched by the rules."));
}
