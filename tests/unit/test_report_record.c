/* The investigation record: escaped evidence, no active content, both languages, no silent gaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/host.h"
#include "exhume/report.h"

/* Script, attribute break-out, RTL override, ESC sequence, invalid UTF-8. */
#define HOSTILE "<script>alert(1)</script>\"onmouseover=alert(2) " \
	"\xe2\x80\xae" "gpj.aspx \x1b[31mred\x1b[0m \xff\xfe http://evil.test/x"

#define DAY 864000000000LL
#define T2020 (EXH_FILETIME_UNIX_EPOCH + 1577836800LL * 10000000LL)

struct fixture {
	struct exh_findings *fs;
	struct exh_profile *p;
	char longname[300];
	const char *scope[2];
	struct exh_report_source src;
	struct exh_ro_state ro;
	struct exh_report_volume vols[2];
	struct exh_log_coverage cov[1];
	struct exh_report_collected col[2];
	const char *notes[1];
	struct exh_report_input in;
	struct exh_buf out;
};

static struct exh_finding *
file_finding(const char *path)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);

	assert_non_null(f);
	assert_int_equal(exh_finding_set(&f->file.path, path), EXH_OK);
	assert_int_equal(exh_finding_set(&f->file.stream, HOSTILE), EXH_OK);
	assert_int_equal(exh_finding_add_reason(f, "yara",
	    "EXH_WEBSHELL_Chopper_JScript_Eval", 90, HOSTILE, NULL, HOSTILE),
	    EXH_OK);
	f->level = EXH_LEVEL_ALERT;
	f->score = 90;
	f->file.size = 1234;
	f->file.mft = 4711;
	f->file.seq = 3;
	memcpy(f->sha256, "ab", 3);
	f->file.si.created = T2020 + 400 * DAY;
	f->file.fn.created = T2020 + 401 * DAY;
	return f;
}

static struct exh_finding *
log_finding(int kind, int level, const char *check)
{
	struct exh_finding *f = exh_finding_new(kind);

	assert_non_null(f);
	assert_int_equal(exh_finding_set(&f->check, check), EXH_OK);
	assert_int_equal(exh_finding_set(&f->file.path, HOSTILE), EXH_OK);
	assert_int_equal(exh_finding_set(&f->excerpt, HOSTILE), EXH_OK);
	assert_int_equal(exh_finding_set(&f->client_ip, HOSTILE), EXH_OK);
	assert_int_equal(exh_finding_add_field(f, HOSTILE, HOSTILE), EXH_OK);
	assert_int_equal(exh_finding_add_reason(f, "log", check, 70, HOSTILE,
	    NULL, NULL), EXH_OK);
	f->level = level;
	f->score = 70;
	f->line = 12;
	f->record = kind == EXH_FIND_EVENT ? 5 : 0;
	f->time = T2020 + 420 * DAY;
	return f;
}

static void
add_findings(struct fixture *fx)
{
	struct exh_err err;

	assert_int_equal(exh_findings_add(fx->fs,
	    file_finding(fx->longname), &err), EXH_OK);
	assert_int_equal(exh_findings_add(fx->fs, log_finding(EXH_FIND_LOG,
	    EXH_LEVEL_WARNING, "CVE-2021-26855/test-proxylogon"), &err),
	    EXH_OK);
	assert_int_equal(exh_findings_add(fx->fs, log_finding(EXH_FIND_EVENT,
	    EXH_LEVEL_NOTICE, "exfil/mailbox-forwarding"), &err), EXH_OK);
	assert_int_equal(exh_findings_add(fx->fs, log_finding(EXH_FIND_LOG,
	    EXH_LEVEL_INFO, "logscan/damaged"), &err), EXH_OK);
	assert_int_equal(exh_findings_add_skip(fx->fs, "C:\\big1.edb", "", 40,
	    1ULL << 33, "too-large", "over the cap", &err), EXH_OK);
	assert_int_equal(exh_findings_add_skip(fx->fs, HOSTILE, HOSTILE, 41,
	    10, "encrypted", HOSTILE, &err), EXH_OK);
	assert_int_equal(exh_findings_add_skip(fx->fs, "C:\\big2.edb", "", 42,
	    1ULL << 34, "too-large", "over the cap", &err), EXH_OK);
	assert_int_equal(exh_findings_add_skip(fx->fs, "C:\\x.log", "", 43,
	    99, "unreadable", "read error at byte 4096", &err), EXH_OK);
	assert_int_equal(exh_findings_add_skip(fx->fs, "C:\\y", "", 44, 1,
	    HOSTILE, "odd reason", &err), EXH_OK);
	exh_findings_sort(fx->fs);
}

static struct exh_profile *
profile(void)
{
	struct exh_profile *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->computer_name = (char *)HOSTILE;
	p->domain = (char *)"corp.example";
	p->exchange_present = true;
	p->exchange_version = 2016;
	p->exsetup_build = (char *)"15.1.2176.2";
	p->install_path = (char *)HOSTILE;
	p->install_date = T2020;
	p->verdicts[EXH_FAM_PROXYLOGON] = (struct exh_family_verdict){
	    .family = EXH_FAM_PROXYLOGON, .verdict = EXH_VERDICT_FIXED,
	    .build = (char *)"15.1.2176.9", .reason = (char *)HOSTILE,
	    .fix_installed_since = T2020 + 430 * DAY };
	p->verdicts[EXH_FAM_PROXYSHELL] = (struct exh_family_verdict){
	    .family = EXH_FAM_PROXYSHELL, .verdict = EXH_VERDICT_VULNERABLE,
	    .still_vulnerable = true };
	p->verdicts[EXH_FAM_PROXYNOTSHELL] = (struct exh_family_verdict){
	    .family = EXH_FAM_PROXYNOTSHELL,
	    .verdict = EXH_VERDICT_NOT_AFFECTED };
	return p;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct exh_err err;

	assert_non_null(fx);
	/* A 255-character file name with markup in its middle. */
	memset(fx->longname, 'A', 255);
	memcpy(fx->longname + 100, "<b>", 3);
	fx->longname[255] = '\0';
	assert_int_equal(exh_findings_create(&fx->fs, &err), EXH_OK);
	add_findings(fx);
	fx->p = profile();
	fx->scope[0] = "C:\\inetpub";
	fx->scope[1] = HOSTILE;
	fx->ro = (struct exh_ro_state){ true, 0, 1, 1, "BLKROSET", "", -1 };
	fx->src = (struct exh_report_source){ .path = "/dev/sdb",
	    .model = HOSTILE, .serial = HOSTILE, .table = "gpt",
	    .size = 1ULL << 36, .ro = &fx->ro };
	fx->vols[0] = (struct exh_report_volume){ .source_path = "/dev/sdb",
	    .partition = 2, .letter = 'C', .size = 1ULL << 35,
	    .label = HOSTILE, .serial = "1234-ABCD", .system = true,
	    .flags = "dirty", .counted = true, .streams = 12, .logs = 3,
	    .letter_source = "MountedDevices" };
	fx->vols[1] = (struct exh_report_volume){ .source_path = "/dev/sdb",
	    .partition = 3, .letter = '?', .size = 1, .label = "",
	    .serial = "", .flags = "", .error = HOSTILE };
	fx->cov[0] = (struct exh_log_coverage){ 4, 10, 5000, 3,
	    T2020 + 300 * DAY, T2020 + 500 * DAY };
	fx->col[0] = (struct exh_report_collected){ "files/C/x.aspx", HOSTILE,
	    HOSTILE, 1234, "ab", "finding", "collected", NULL };
	fx->col[1] = (struct exh_report_collected){ "files/C/y.edb",
	    "C:\\y.edb", "", 99, "", "hive", "left-out", HOSTILE };
	fx->notes[0] = HOSTILE;
	fx->in = (struct exh_report_input){
		.lang = "en", .case_id = HOSTILE, .evidence_id = "E-1",
		.examiner = HOSTILE, .notes = HOSTILE,
		.started = T2020 + 800 * DAY, .ended = T2020 + 801 * DAY,
		.command_line = HOSTILE, .exhume_sha256 = "cafe",
		.scope = fx->scope, .nscope = 2, .sources = &fx->src,
		.nsources = 1, .volumes = fx->vols, .nvolumes = 2,
		.profile = fx->p, .coverage = fx->cov, .ncoverage = 1,
		.findings = fx->fs, .run_notes = fx->notes, .nrun_notes = 1,
		.firmware_notes = HOSTILE, .collected = fx->col,
		.ncollected = 2, .bundle_name = HOSTILE,
	};
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	exh_findings_destroy(fx->fs);
	free(fx->p);
	exh_buf_free(&fx->out);
	free(fx);
	(void)exh_i18n_set_lang("en");
	return 0;
}

static const char *
render(struct fixture *fx, int (*fn)(const struct exh_report_input *,
    struct exh_buf *))
{
	exh_buf_free(&fx->out);
	assert_int_equal(fn(&fx->in, &fx->out), EXH_OK);
	assert_non_null(fx->out.data);
	assert_true(exh_utf8_valid(fx->out.data, fx->out.len));
	return fx->out.data;
}

static void
html_contains_no_unescaped_attacker_string(void **state)
{
	struct fixture *fx = *state;
	const char *h = render(fx, exh_report_html);

	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "\"onmouseover"));
	assert_null(strstr(h, "<b>"));
	assert_null(strstr(h, "\xe2\x80\xae"));
	assert_null(strchr(h, '\x1b'));
	assert_null(strstr(h, "\xff"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "\\u{202E}gpj.aspx"));
	/* The long name is there whole, its markup escaped. */
	assert_non_null(strstr(h, "AAAA&lt;b&gt;AAAA"));
}

static void
html_has_no_script_and_no_external_reference(void **state)
{
	struct fixture *fx = *state;
	const char *h = render(fx, exh_report_html);

	assert_null(exh_ascii_istrstr(h, "<script"));
	assert_null(exh_ascii_istrstr(h, "src="));
	assert_null(exh_ascii_istrstr(h, "href="));
	assert_null(exh_ascii_istrstr(h, "url("));
	assert_null(exh_ascii_istrstr(h, "@import"));
	assert_null(exh_ascii_istrstr(h, "<img"));
	assert_null(exh_ascii_istrstr(h, "<link"));
	assert_non_null(strstr(h, "default-src 'none'"));
	assert_non_null(strstr(h, "</html>\n"));
}

static void
text_escapes_control_bytes_bidi_overrides_and_invalid_utf8(void **state)
{
	struct fixture *fx = *state;
	const char *t = render(fx, exh_report_text);

	assert_null(strchr(t, '\x1b'));
	assert_null(strstr(t, "\xe2\x80\xae"));
	assert_non_null(strstr(t, "\\x1B[31m"));
	assert_non_null(strstr(t, "\\u{202E}gpj.aspx"));
	assert_non_null(strstr(t, "\\xFF\\xFE"));
	assert_non_null(strstr(t, "Findings by severity\n-----"));
}

static void
german_headings_appear_with_lang_de_and_english_with_en(void **state)
{
	struct fixture *fx = *state;
	const char *s;

	fx->in.lang = "de";
	s = render(fx, exh_report_html);
	assert_non_null(strstr(s, "<html lang=\"de\">"));
	assert_non_null(strstr(s, "Befunde nach Schweregrad"));
	assert_non_null(strstr(s, "Fakten für die Entscheidung, keine "
	    "Rechtsberatung."));
	assert_non_null(strstr(s, "Schreibgeschützt vorher"));
	s = render(fx, exh_report_text);
	assert_non_null(strstr(s, "Untersuchungsprotokoll\n====="));
	assert_null(strstr(s, "Findings by severity"));
	fx->in.lang = "en";
	s = render(fx, exh_report_text);
	assert_non_null(strstr(s, "Findings by severity"));
	assert_non_null(strstr(s, "Facts for the decision, not legal advice."));
	assert_null(strstr(s, "Befunde nach Schweregrad"));
}

static void
the_previous_language_is_restored_after_the_report(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(exh_i18n_set_lang("en"), EXH_OK);
	fx->in.lang = "de";
	(void)render(fx, exh_report_text);
	assert_string_equal(exh_i18n_lang(), "en");
	assert_string_equal(_("Findings by severity"), "Findings by severity");
}

static void
unknown_language_is_a_usage_error(void **state)
{
	struct fixture *fx = *state;

	fx->in.lang = "fr";
	assert_int_equal(exh_report_html(&fx->in, &fx->out), EXH_EUSAGE);
	assert_int_equal(exh_report_text(&fx->in, &fx->out), EXH_EUSAGE);
	assert_int_equal(fx->out.len, 0);
	assert_int_equal(exh_report_text(NULL, &fx->out), EXH_EUSAGE);
}

static void
every_skip_is_listed_grouped_by_reason_with_counts(void **state)
{
	struct fixture *fx = *state;
	const char *t = render(fx, exh_report_text);

	assert_non_null(strstr(t, "too-large: larger than the size cap (2)"));
	assert_non_null(strstr(t, "encrypted: encrypted (EFS) (1)"));
	assert_non_null(strstr(t, "unreadable: unreadable (read error) (1)"));
	assert_non_null(strstr(t, "<script>alert(1)</script>\"onmouseover"
	    "=alert(2) \\u{202E}gpj.aspx \\x1B[31mred\\x1B[0m \\xFF\\xFE "
	    "http://evil.test/x (1)"));
	assert_non_null(strstr(t, "C:\\big1.edb"));
	assert_non_null(strstr(t, "C:\\big2.edb"));
	assert_non_null(strstr(t, "read error at byte 4096"));
	assert_non_null(strstr(t, "Streams or files that could not be "
	    "examined: 5."));
}

static void
partial_results_are_stated_before_the_case_record(void **state)
{
	struct fixture *fx = *state;
	const char *t, *banner, *cas;

	exh_findings_set_partial(fx->fs, "cancelled by the examiner");
	t = render(fx, exh_report_text);
	banner = strstr(t, "[!!] PARTIAL RESULTS: the examination did not "
	    "complete (cancelled by the examiner)");
	cas = strstr(t, "\nCase\n----");
	assert_non_null(banner);
	assert_non_null(cas);
	assert_true(banner < cas);
	assert_non_null(strstr(t, "The results are partial: cancelled by "
	    "the examiner."));
}

static void
exposure_window_and_uncovered_log_start_are_stated(void **state)
{
	struct fixture *fx = *state;
	const char *t = render(fx, exh_report_text);

	assert_non_null(strstr(t, "ProxyLogon: exposed from "
	    "2020-01-01T00:00:00.0000000Z (Windows install date) until the "
	    "fixing update was installed on 2021-03-06T00:00:00.0000000Z "
	    "(430 days)."));
	assert_non_null(strstr(t, "ProxyShell: vulnerable since at least "));
	assert_non_null(strstr(t, "ProxyNotShell: not affected."));
	assert_non_null(strstr(t, "iis logs begin on 2020-10-27T00:00:00."
	    "0000000Z, after the start of the exposure window"));
	assert_non_null(strstr(t, "iis: damaged lines that could not be "
	    "read and were skipped: 3."));
}

static void
indicators_name_the_findings_and_the_patch_state_is_no_indicator(void **state)
{
	struct fixture *fx = *state;
	const char *t = render(fx, exh_report_text);

	assert_non_null(strstr(t, "Web shell: indicators found (1; findings "
	    "F0001)."));
	assert_non_null(strstr(t, "Exploitation of a vulnerability: "
	    "indicators found (1; findings F0002)."));
	assert_non_null(strstr(t, "Data staging or mail exfiltration: "
	    "indicators found (1; findings F0003)."));
	assert_non_null(strstr(t, "Credential dumping: no indicator found."));
}

static void
missing_parts_are_stated_not_crashed_on(void **state)
{
	struct fixture *fx = *state;
	struct exh_report_input empty = { .lang = "en" };
	const char *t;

	fx->in = empty;
	t = render(fx, exh_report_text);
	assert_non_null(strstr(t, "No scan results were provided: this "
	    "record lists no findings."));
	assert_non_null(strstr(t, "No host profile"));
	assert_non_null(strstr(t, "No rule set information was provided."));
	assert_non_null(strstr(t, "No Exchange or IIS log was read."));
	assert_non_null(strstr(t, "there is nothing to verify"));
	t = render(fx, exh_report_html);
	assert_non_null(strstr(t, "Case number</th><td>-</td>"));
}

static void
what_was_examined_per_volume_is_recorded_in_every_document(void **state)
{
	struct fixture *fx = *state;
	const char *t;

	t = render(fx, exh_report_text);
	assert_non_null(strstr(t, "examined: 12 streams, 3 log files"));
	t = render(fx, exh_report_acquisition_json);
	assert_non_null(strstr(t, "\"letter\":\"C:\",\"label\":"));
	assert_non_null(strstr(t, "\"examined\":{\"streams\":12,\"logs\":3}"));
	assert_null(strstr(t, "not_examined_reason"));
	assert_null(strstr(t, "nothing_examined"));
	t = render(fx, exh_report_summary_text);
	assert_null(strstr(t, "nothing examined"));
}

static void
a_volume_that_gave_nothing_is_named_with_its_escaped_reason(void **state)
{
	struct fixture *fx = *state;
	const char *t;

	fx->vols[0].not_examined = HOSTILE;
	fx->vols[0].streams = fx->vols[0].logs = 0;
	t = render(fx, exh_report_summary_text);
	assert_non_null(strstr(t, "volume C: (partition 2 of /dev/sdb): "
	    "nothing examined: <script>"));
	assert_null(strchr(t, '\x1b'));
	t = render(fx, exh_report_html);
	assert_non_null(strstr(t, "nothing examined: &lt;script&gt;"));
	assert_null(strstr(t, "<script"));
	t = render(fx, exh_report_acquisition_json);
	assert_non_null(strstr(t, "\"examined\":{\"streams\":0,\"logs\":0},"
	    "\"not_examined_reason\":\"<script>"));
}

static void
a_run_that_examined_nothing_says_so_everywhere(void **state)
{
	struct fixture *fx = *state;
	const char *t;

	fx->vols[0].not_examined = "no scope root on it";
	fx->in.nothing_examined = "no volume holds the SYSTEM hive";
	t = render(fx, exh_report_summary_text);
	assert_non_null(strstr(t, "\nnothing examined: no volume holds the "
	    "SYSTEM hive\n"));
	/* The run's line names every volume's reason: no repetition. */
	assert_null(strstr(t, "volume C:"));
	t = render(fx, exh_report_text);
	assert_non_null(strstr(t, "Nothing was examined: no volume holds the "
	    "SYSTEM hive."));
	t = render(fx, exh_report_acquisition_json);
	assert_non_null(strstr(t, "\"nothing_examined\":\"no volume holds "
	    "the SYSTEM hive\""));
}

static void
verification_names_the_side_hash_and_the_commands(void **state)
{
	struct fixture *fx = *state;
	const char *t;

	fx->in.bundle_name = "case42.zip";
	t = render(fx, exh_report_text);
	assert_non_null(strstr(t, "    sha256sum -c case42.zip.sha256\n"));
	assert_non_null(strstr(t, "    exhume verify case42.zip\n"));
	assert_non_null(strstr(t, "sha256sum -c SHA256SUMS"));
	assert_non_null(strstr(t, "a file cannot contain its own hash"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(html_contains_no_unescaped_attacker_string),
		T(html_has_no_script_and_no_external_reference),
		T(text_escapes_control_bytes_bidi_overrides_and_invalid_utf8),
		T(german_headings_appear_with_lang_de_and_english_with_en),
		T(the_previous_language_is_restored_after_the_report),
		T(unknown_language_is_a_usage_error),
		T(every_skip_is_listed_grouped_by_reason_with_counts),
		T(partial_results_are_stated_before_the_case_record),
		T(exposure_window_and_uncovered_log_start_are_stated),
		T(indicators_name_the_findings_and_the_patch_state_is_no_indicator),
		T(missing_parts_are_stated_not_crashed_on),
		T(verification_names_the_side_hash_and_the_commands),
		T(what_was_examined_per_volume_is_recorded_in_every_document),
		T(a_volume_that_gave_nothing_is_named_with_its_escaped_reason),
		T(a_run_that_examined_nothing_says_so_everywhere),
#undef T
	};

	exh_i18n_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
