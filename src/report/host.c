/* Report sections on the rule set and the Exchange host: profile, patch verdicts, exposure windows. */
#include <stdio.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

#define FILETIME_DAY 864000000000LL

static void
rule_files(struct report_writer *w, const struct exh_rules *r)
{
	const char *cols[] = { _("File"), _("Kind"), _("Entries loaded"),
	    _("Entries rejected"), _("SHA-256"), _("Status") };
	size_t i, j, nrej = 0;

	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		report_row_begin(w);
		report_cell(w, report_str(f->path));
		report_cell(w, exh_rules_file_kind_name(f->kind));
		report_cell(w, report_fmt(w, "%zu", f->loaded));
		report_cell(w, report_fmt(w, "%zu", f->nrejects));
		report_cell(w, report_str(f->sha256));
		if (f->error != NULL)
			report_cell(w, report_fmt(w, _("left out: %s"), f->error));
		else if (f->note != NULL)
			report_cell(w, f->note);
		else
			report_cell(w, _("loaded"));
		report_row_end(w);
		nrej += f->nrejects;
	}
	report_table_end(w);
	if (nrej == 0)
		return;
	report_para(w, REPORT_WARN, _("Rejected entries (left out of the rule set):"));
	report_list_begin(w);
	for (i = 0; i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		for (j = 0; j < f->nrejects; j++)
			report_item(w, REPORT_NORMAL, report_fmt(w, _("%1$s, line %2$zu: "
			    "%3$s"), report_str(f->path), f->rejects[j].line,
			    report_str(f->rejects[j].reason)));
	}
	report_list_end(w);
}

/* Third-party sets whose hits alone never reach an alert. */
static void
capped_sets(struct report_writer *w, const struct exh_rules *r)
{
	size_t i, len, hits;

	for (i = 0; i < exh_rules_file_count(r); i++)
		if (report_capped_set(r, i, &len, &hits))
			report_para(w, REPORT_WARN, report_fmt(w, _("Rule set "
			    "%.*s: %zu hits scored 75 or less, so none of them "
			    "alone is an alert; rules/score-map.tsv maps a "
			    "set's scores."), (int)len, exh_rules_file(r, i)->path,
			    hits));
}

void
report_rules(struct report_writer *w, const struct exh_rules *r)
{
	struct exh_rules_counts c;
	const char *note;

	report_heading(w, 3, _("Rule set"));
	if (r == NULL) {
		report_para(w, REPORT_WARN, _("No rule set information was provided."));
		return;
	}
	c = exh_rules_counts(r);
	report_kv_begin(w);
	report_kv(w, _("YARA rules"), report_fmt(w, "%zu", c.yara_rules));
	report_kv(w, _("MD5 hashes"), report_fmt(w, "%zu", c.md5));
	report_kv(w, _("SHA-1 hashes"), report_fmt(w, "%zu", c.sha1));
	report_kv(w, _("SHA-256 hashes"), report_fmt(w, "%zu", c.sha256));
	report_kv(w, _("Allow-list hashes"), report_fmt(w, "%zu", c.allow_hashes));
	report_kv(w, _("Path IOCs"), report_fmt(w, "%zu", c.path_iocs));
	report_kv(w, _("Files left out"), report_fmt(w, "%zu", c.files_rejected));
	report_kv(w, _("SHA-256 of the rule set"),
	    report_str(exh_rules_set_sha256(r)));
	note = exh_rules_cache_note(r);
	if (exh_rules_cache_used(r))
		report_kv(w, _("Compiled YARA rules"), _("taken from the cache"));
	else if (note != NULL)
		report_kv(w, _("Compiled YARA rules"), report_fmt(w,
		    _("compiled for this run (%s)"), note));
	else
		report_kv(w, _("Compiled YARA rules"), _("compiled for this run"));
	report_kv(w, _("YARA prefilter"), report_str(exh_rules_prefilter_note(r)));
	report_kv_end(w);
	rule_files(w, r);
	capped_sets(w, r);
}

static const char *
verdict_word(int v)
{
	switch (v) {
	case EXH_VERDICT_VULNERABLE:
		return _("vulnerable");
	case EXH_VERDICT_FIXED:
		return _("fixed");
	case EXH_VERDICT_NOT_AFFECTED:
		return _("not affected");
	default:
		return _("unknown");
	}
}

void
report_window(const struct exh_profile *p, int family,
    struct report_window *out)
{
	const struct exh_family_verdict *v = &p->verdicts[family];

	memset(out, 0, sizeof(*out));
	out->open = v->verdict == EXH_VERDICT_VULNERABLE;
	out->exposed = out->open || (v->verdict == EXH_VERDICT_FIXED &&
	    v->fix_installed_since != 0);
	out->start = p->install_date;
	out->end = out->open ? 0 : v->fix_installed_since;
}

void
report_exposure_list(struct report_writer *w, const struct exh_profile *p)
{
	char a[32], b[32];
	int fam;

	report_list_begin(w);
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		const char *name = exh_family_name(fam);
		int verdict = p->verdicts[fam].verdict;
		struct report_window x;

		report_window(p, fam, &x);
		if (verdict == EXH_VERDICT_NOT_AFFECTED)
			report_item(w, REPORT_NORMAL, report_fmt(w, _("%s: not affected."),
			    name));
		else if (verdict == EXH_VERDICT_UNKNOWN)
			report_item(w, REPORT_WARN, report_fmt(w, _("%s: the patch state "
			    "could not be determined, so the exposure window "
			    "is unknown."), name));
		else if (x.open && x.start != 0)
			report_item(w, REPORT_ALERT, report_fmt(w, _("%1$s: vulnerable "
			    "since at least %2$s (Windows install date) and "
			    "still vulnerable at the time of the examination."),
			    name, report_time(x.start, a)));
		else if (x.open)
			report_item(w, REPORT_ALERT, report_fmt(w, _("%s: still vulnerable "
			    "at the time of the examination; since when is "
			    "unknown (no Windows install date)."), name));
		else if (x.exposed && x.start != 0 && x.end >= x.start)
			report_item(w, REPORT_WARN, report_fmt(w, _("%1$s: exposed from "
			    "%2$s (Windows install date) until the fixing "
			    "update was installed on %3$s (%4$lld days)."),
			    name, report_time(x.start, a), report_time(x.end,
			    b), (long long)((x.end - x.start) / FILETIME_DAY)));
		else if (x.exposed)
			report_item(w, REPORT_WARN, report_fmt(w, _("%1$s: exposed until "
			    "the fixing update was installed on %2$s; since "
			    "when is unknown."), name, report_time(x.end, b)));
		else
			report_item(w, REPORT_NORMAL, report_fmt(w, _("%s: fixed; when the "
			    "fix was installed is not recorded (it may be part "
			    "of the installed CU)."), name));
	}
	report_list_end(w);
}

static void
verdicts(struct report_writer *w, const struct exh_profile *p)
{
	const char *cols[] = { _("Family"), _("Verdict"), _("Build used"),
	    _("CU"), _("Fixing build"), _("Fix installed"), _("Reason"),
	    _("Where the build came from") };
	char t[32];
	int fam;

	report_heading(w, 3, _("Patch verdict per vulnerability family"));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		const struct exh_family_verdict *v = &p->verdicts[fam];

		report_row_begin(w);
		report_cell(w, exh_family_name(fam));
		report_cell(w, verdict_word(v->verdict));
		report_cell(w, report_str(v->build));
		report_cell(w, report_str(v->cu));
		report_cell(w, report_str(v->fixed_build));
		report_cell(w, report_time(v->fix_installed_since, t));
		report_cell(w, report_msg_or(w, &v->why, v->reason));
		report_cell(w, report_str(v->evidence));
		report_row_end(w);
	}
	report_table_end(w);
}

const char *
report_cve_group(const struct exh_cve_verdict *v)
{
	static char label[32];
	const char *comma;
	size_t n;

	if (v->group[0] != '\0')
		return v->group;
	if (v->fixed_by_list[0] == '\0')
		return _("no update (a setting)");
	comma = strchr(v->fixed_by_list, ',');
	n = comma != NULL ? (size_t)(comma - v->fixed_by_list) :
	    strlen(v->fixed_by_list);
	if (n >= sizeof(label))
		n = sizeof(label) - 1;
	memcpy(label, v->fixed_by_list, n);
	label[n] = '\0';
	return label;
}

/* What the configuration exposures say about cve, in out ("" none). */
static void
cve_config(const struct exh_profile *p, const char *cve, char *out,
    size_t outlen)
{
	size_t i, all = 0, bad = 0;

	out[0] = '\0';
	for (i = 0; i < p->nexposures; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		if (exh_ascii_istrstr(x->cves, cve) == NULL)
			continue;
		all++;
		if (x->state == EXH_EXPO_WEAK || x->state == EXH_EXPO_MISSING ||
		    x->state == EXH_EXPO_FAILING)
			bad++;
	}
	if (all == 0)
		return;
	/* Two numbers and fixed words always fit out[160]. */
	if (bad > 0)
		(void)snprintf(out, outlen, _("; configuration: %zu of %zu "
		    "settings that protect against it are off or weaker (see "
		    "Configuration exposures)"), bad, all);
	else
		(void)snprintf(out, outlen, _("; configuration: the %zu "
		    "settings that protect against it are as expected"), all);
}

/* Fixed, vulnerable and unknown CVEs in a table; the CVEs that do not
 * apply or were not assessed named in two lines. */
static void
cve_verdicts(struct report_writer *w, const struct exh_profile *p)
{
	const char *cols[] = { _("Group"), _("CVE"), _("Verdict"),
	    _("Fixing update"), _("Fixing build"), _("Fix released"),
	    _("Fix on disk since"), _("Exploited in the wild since"),
	    _("Reason") };
	struct exh_buf na = { 0 }, nas = { 0 };
	char t[32], cfg[160];
	size_t i;

	report_heading(w, 3, _("Patch verdict per CVE"));
	if (p->cvemap == NULL) {
		report_para(w, REPORT_WARN, _("No update table "
		    "(exchange-updates.tsv): no per-CVE verdicts."));
		return;
	}
	report_para(w, REPORT_NORMAL, report_fmt(w, _("Exchange knowledge as of "
	    "%1$s (newest update known: %2$s). Later updates and CVEs are "
	    "not judged."), p->knowledge_as_of, report_str(
	    p->knowledge_last_update)));
	if (p->ncves == 0) {
		report_para(w, REPORT_WARN, _("No Exchange build is known, so "
		    "no CVE can be judged."));
		return;
	}
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < p->ncves; i++) {
		const struct exh_cve_verdict *v = &p->cves[i];

		if (v->verdict == EXH_VERDICT_NOT_AFFECTED) {
			(void)exh_buf_printf(&na, "%s%s", na.len ? ", " : "",
			    v->cve);
			continue;
		}
		if (v->not_assessed) {
			(void)exh_buf_printf(&nas, "%s%s", nas.len ? ", " : "",
			    v->cve);
			continue;
		}
		report_row_begin(w);
		report_cell(w, report_cve_group(v));
		report_cell(w, v->cve);
		report_cell(w, verdict_word(v->verdict));
		report_cell(w, report_str(v->fix_update));
		report_cell(w, report_str(v->fix_build));
		report_cell(w, report_str(v->fix_released));
		report_cell(w, report_time(v->fix_installed, t));
		report_cell(w, v->exploited_since[0] != '\0' ?
		    report_fmt(w, _("%1$s (CISA KEV %2$s)"), v->exploited_since,
		    report_str(v->kev)) : report_str(v->kev));
		cve_config(p, v->cve, cfg, sizeof(cfg));
		report_cell(w, report_fmt(w, "%s%s%s%s", report_msg_or(w,
		    &v->why, v->reason),
		    v->note[0] != '\0' ? "; " : "", v->note, cfg));
		report_row_end(w);
	}
	report_table_end(w);
	if (na.len > 0)
		report_para(w, REPORT_NORMAL, report_fmt(w, _("Not affected "
		    "(Microsoft does not list this version, or the version "
		    "was released with the fix): %s."), na.data));
	if (nas.len > 0)
		report_para(w, REPORT_WARN, report_fmt(w, _("Not assessed: "
		    "published after %1$s left support (%2$s), so Microsoft "
		    "did not say whether it is affected: %3$s."),
		    report_str(p->support.product), report_str(p->support.ended),
		    nas.data));
	exh_buf_free(&na);
	exh_buf_free(&nas);
}

/* Where the exposure of each exploited CVE began and whether it ended. */
static void
cve_windows(struct report_writer *w, const struct exh_profile *p)
{
	char a[32];
	size_t i;
	bool any = false;

	for (i = 0; i < p->ncves; i++) {
		const struct exh_cve_verdict *v = &p->cves[i];

		if (v->exploited_since[0] == '\0' ||
		    (v->verdict != EXH_VERDICT_VULNERABLE &&
		    v->verdict != EXH_VERDICT_FIXED &&
		    v->verdict != EXH_VERDICT_UNKNOWN) || v->not_assessed)
			continue;
		if (!any) {
			report_para(w, REPORT_NORMAL, _("For each CVE known to "
			    "be exploited (CISA's catalogue and the first "
			    "reports), the exposure began when attackers "
			    "started to use it:"));
			report_list_begin(w);
		}
		any = true;
		if (v->verdict == EXH_VERDICT_VULNERABLE)
			report_item(w, REPORT_ALERT, report_fmt(w, _("%1$s "
			    "(%2$s): exploited in the wild since %3$s; this "
			    "server is still vulnerable, so the window is "
			    "open from %3$s (or from when Exchange was "
			    "installed, if later)."), v->cve,
			    report_str(v->title), v->exploited_since));
		else if (v->verdict == EXH_VERDICT_UNKNOWN)
			report_item(w, REPORT_WARN, report_fmt(w, _("%1$s "
			    "(%2$s): exploited in the wild since %3$s; whether "
			    "this server was protected is unknown (%4$s)."),
			    v->cve, report_str(v->title), v->exploited_since,
			    report_msg_or(w, &v->why, v->reason)));
		else if (v->fix_installed != 0)
			report_item(w, REPORT_WARN, report_fmt(w, _("%1$s "
			    "(%2$s): exploited in the wild since %3$s; the "
			    "fix (%4$s) reached the disk on %5$s: attacks "
			    "from %3$s until then are possible."), v->cve,
			    report_str(v->title), v->exploited_since,
			    report_str(v->fix_update), report_time(
			    v->fix_installed, a)));
		else
			report_item(w, REPORT_NORMAL, report_fmt(w, _("%1$s "
			    "(%2$s): exploited in the wild since %3$s; fixed "
			    "(%4$s, released %5$s), when the fix reached the "
			    "disk is not recorded."), v->cve,
			    report_str(v->title), v->exploited_since,
			    report_str(v->fix_update),
			    report_str(v->fix_released)));
	}
	if (any)
		report_list_end(w);
}

static void
exposure(struct report_writer *w, const struct exh_profile *p)
{
	report_heading(w, 3, _("Exposure window"));
	report_para(w, REPORT_NORMAL, _("The window starts at the Windows install "
	    "date, the earliest time the server can have run Exchange; when "
	    "attackers first used each vulnerability is not part of this "
	    "record. It ends when the first fixing update was installed."));
	report_exposure_list(w, p);
	cve_windows(w, p);
}

static int
expo_style(int state)
{
	switch (state) {
	case EXH_EXPO_OK:
	case EXH_EXPO_NOT_NEEDED:
		return REPORT_NORMAL;
	case EXH_EXPO_SUSPICIOUS:
	case EXH_EXPO_MISSING:
		return REPORT_ALERT;
	default:
		return REPORT_WARN;
	}
}

static const char *
expo_word(int state)
{
	switch (state) {
	case EXH_EXPO_OK:
		return _("as expected");
	case EXH_EXPO_WEAK:
		return _("weaker than expected");
	case EXH_EXPO_MISSING:
		return _("missing or off");
	case EXH_EXPO_FAILING:
		return _("failing");
	case EXH_EXPO_SUSPICIOUS:
		return _("not what Exchange ships");
	case EXH_EXPO_NOT_NEEDED:
		return _("not needed");
	default:
		return _("unknown");
	}
}

/* Extended Protection, modules, signing, EEMS, mitigation rules and the
 * OWA logon page: the ones that need attention first, then a table. */
static void
exposures(struct report_writer *w, const struct exh_profile *p)
{
	const char *cols[] = { _("Area"), _("Subject"), _("State"),
	    _("Expected"), _("Found"), _("CVEs"), _("Evidence") };
	size_t i, bad = 0;

	report_heading(w, 3, _("Configuration exposures"));
	if (p->nexposures == 0) {
		report_para(w, REPORT_NORMAL, _("No configuration exposure "
		    "was examined (no IIS configuration, no Exchange, or no "
		    "exchange-config.tsv)."));
		return;
	}
	for (i = 0; i < p->nexposures; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		if (x->state == EXH_EXPO_OK || x->state == EXH_EXPO_NOT_NEEDED)
			continue;
		if (bad++ == 0)
			report_list_begin(w);
		report_item(w, expo_style(x->state), report_fmt(w, "%s: %s",
		    expo_word(x->state), x->reason));
	}
	if (bad > 0)
		report_list_end(w);
	else
		report_para(w, REPORT_NORMAL, _("Every configuration exposure "
		    "examined is as expected."));
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < p->nexposures; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		report_row_begin(w);
		report_cell(w, x->area);
		report_cell(w, report_str(x->subject));
		report_cell(w, expo_word(x->state));
		report_cell(w, report_str(x->expected));
		report_cell(w, report_str(x->actual));
		report_cell(w, report_str(x->cves));
		report_cell(w, report_str(x->path));
		report_row_end(w);
	}
	report_table_end(w);
}

static void
updates(struct report_writer *w, const struct exh_profile *p)
{
	const char *cols[] = { _("KB"), _("Name"), _("Installed"),
	    _("Source"), _("Result") };
	char t[32];
	size_t i;

	report_heading(w, 3, _("Installed updates"));
	if (p->nupdates == 0) {
		report_para(w, REPORT_NORMAL, _("No Exchange update is recorded."));
		return;
	}
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < p->nupdates; i++) {
		const struct exh_update *u = &p->updates[i];

		report_row_begin(w);
		report_cell(w, report_str(u->kb));
		report_cell(w, report_str(u->display_name));
		report_cell(w, report_time(u->install_date, t));
		report_cell(w, report_str(u->source));
		report_cell(w, u->failed ? _("failed") : _("installed"));
		report_row_end(w);
	}
	report_table_end(w);
}

static void
identity(struct report_writer *w, const struct exh_profile *p)
{
	char t[32];
	size_t i;

	report_kv_begin(w);
	report_kv(w, _("Computer name"), report_str(p->computer_name));
	report_kv(w, _("Domain"), report_str(p->domain));
	report_kv(w, _("Windows"), report_fmt(w, _("%1$s (build %2$s)"),
	    report_str(p->product_name), report_str(p->current_build)));
	report_kv(w, _("Windows installed (UTC)"), report_time(p->install_date, t));
	report_kv(w, _("Time zone"), report_fmt(w, _("%1$s (UTC = local time + %2$d "
	    "minutes)"), report_str(p->timezone_name),
	    p->timezone_bias_minutes));
	report_kv(w, _("Last shutdown (UTC)"), report_time(p->last_shutdown, t));
	report_kv(w, _("Exchange installed"), p->exchange_present ? _("yes") :
	    _("not found"));
	/* SE shares 2019's 15.2 line: name it from the update table. */
	if (p->support.version[0] != '\0')
		report_kv(w, _("Exchange version"), report_fmt(w, "%s (%s)",
		    p->support.version, report_str(p->exchange_version_key)));
	else if (p->exchange_version != 0)
		report_kv(w, _("Exchange version"), report_fmt(w, "%d (%s)",
		    p->exchange_version, report_str(p->exchange_version_key)));
	else
		report_kv(w, _("Exchange version"), _("unknown"));
	if (p->support.product[0] != '\0') {
		report_kv(w, _("Exchange product"), report_fmt(w, "%s %s%s%s",
		    p->support.product, p->support.cu,
		    p->support.update[0] != '\0' ? " " : "",
		    p->support.update));
		report_kv(w, _("Support state"), report_fmt(w, "%s: %s",
		    _(p->support.state), report_msg_or(w,
		    &p->support.why, p->support.reason)));
	}
	if (p->knowledge_as_of[0] != '\0')
		report_kv(w, _("Exchange knowledge as of"), report_fmt(w,
		    "%s (%s)", p->knowledge_as_of, p->knowledge_last_update));
	report_kv(w, _("Build from ExSetup.exe"), report_fmt(w, _("%1$s (file %2$s)"),
	    report_str(p->exsetup_build), report_str(p->exsetup_path)));
	report_kv(w, _("Build from the registry"), report_str(p->registry_build));
	report_kv(w, _("Product version (Uninstall entry)"),
	    report_str(p->product_display_version));
	report_kv(w, _("Install path"), report_fmt(w, _("%1$s (from %2$s)"),
	    report_str(p->install_path), report_str(p->install_path_source)));
	for (i = 0; i < p->nroles; i++)
		report_kv(w, _("Role"), report_str(p->roles[i]));
	report_kv(w, _("Unified Messaging installed"),
	    p->um_installed ? _("yes") : _("no"));
	report_kv_end(w);
}

void
report_host(struct report_writer *w, const struct exh_profile *p)
{
	size_t i;

	report_heading(w, 2, _("Exchange host and patch verdict"));
	if (p == NULL) {
		report_para(w, REPORT_WARN, _("No host profile: the Windows system "
		    "volume was not found or could not be read. The patch "
		    "state and the exposure window are unknown."));
		return;
	}
	identity(w, p);
	verdicts(w, p);
	cve_verdicts(w, p);
	exposures(w, p);
	exposure(w, p);
	updates(w, p);
	if (p->nnotes == 0)
		return;
	report_heading(w, 3, _("Profile notes"));
	report_list_begin(w);
	for (i = 0; i < p->nnotes; i++)
		report_item(w, REPORT_NORMAL, p->note_msgs != NULL ?
		    report_msg_or(w, &p->note_msgs[i], p->notes[i]) :
		    report_str(p->notes[i]));
	report_list_end(w);
}
