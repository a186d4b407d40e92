/*
 * Unit tests: exposure windows from per-CVE verdicts (when the host ran a
 * build that an exploited vulnerability could be used against).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/host.h"

static int64_t
at(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(exh_iso_to_filetime(iso, &t), EXH_OK);
	return t;
}

static struct exh_cve_verdict
cve(const char *id, const char *group, const char *exploited,
    const char *kev, const char *published, int verdict, int64_t fixed)
{
	struct exh_cve_verdict cv;

	memset(&cv, 0, sizeof(cv));
	cv.cve = id;
	cv.title = "";
	cv.group = group;
	cv.exploited_since = exploited;
	cv.kev = kev;
	cv.published = published;
	cv.verdict = verdict;
	cv.fix_installed = fixed;
	return cv;
}

static void
vulnerable_proxylogon_build_has_one_open_window_from_first_exploitation(
    void **state)
{
	struct exh_cve_verdict cv[2];
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv[0] = cve("CVE-2021-26855", "ProxyLogon", "2021-01-03", "2021-11-03",
	    "2021-03-02", EXH_VERDICT_VULNERABLE, 0);
	cv[1] = cve("CVE-2021-27065", "ProxyLogon", "2021-01-03", "2021-11-03",
	    "2021-03-02", EXH_VERDICT_VULNERABLE, 0);
	assert_int_equal(exh_exposure_windows(cv, 2, w, EXH_WINDOWS_MAX), 1);
	assert_string_equal(w[0].group, "ProxyLogon");
	assert_string_equal(w[0].cves, "CVE-2021-26855,CVE-2021-27065");
	assert_true(w[0].start == at("2021-01-03T00:00:00Z"));
	assert_false(w[0].start_published);
	assert_true(w[0].open);
	assert_true(w[0].end == 0);
}

static void
window_closes_when_the_last_fix_of_the_group_reached_the_disk(void **state)
{
	struct exh_cve_verdict cv[2];
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv[0] = cve("CVE-2021-34473", "ProxyShell", "2021-08-05", "",
	    "2021-07-13", EXH_VERDICT_FIXED, at("2021-09-01T10:00:00Z"));
	cv[1] = cve("CVE-2021-31207", "ProxyShell", "2021-08-05", "",
	    "2021-05-11", EXH_VERDICT_FIXED, at("2021-09-20T10:00:00Z"));
	assert_int_equal(exh_exposure_windows(cv, 2, w, EXH_WINDOWS_MAX), 1);
	assert_false(w[0].open);
	assert_true(w[0].end == at("2021-09-20T10:00:00Z"));
}

static void
one_still_vulnerable_cve_keeps_the_group_window_open(void **state)
{
	struct exh_cve_verdict cv[2];
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv[0] = cve("CVE-2021-34473", "ProxyShell", "2021-08-05", "",
	    "2021-07-13", EXH_VERDICT_VULNERABLE, 0);
	cv[1] = cve("CVE-2021-31207", "ProxyShell", "2021-08-05", "",
	    "2021-05-11", EXH_VERDICT_FIXED, at("2021-09-20T10:00:00Z"));
	assert_int_equal(exh_exposure_windows(cv, 2, w, EXH_WINDOWS_MAX), 1);
	assert_true(w[0].open);
	assert_true(w[0].end == 0);
}

static void
fix_installed_before_exploitation_or_at_unknown_time_gives_no_window(
    void **state)
{
	struct exh_cve_verdict cv[3];
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv[0] = cve("CVE-2022-41040", "ProxyNotShell", "2022-08-01", "", "",
	    EXH_VERDICT_FIXED, at("2022-07-01T00:00:00Z"));
	cv[1] = cve("CVE-2021-26855", "ProxyLogon", "2021-01-03", "", "",
	    EXH_VERDICT_FIXED, 0);
	cv[2] = cve("CVE-2024-21410", "", "2024-02-15", "", "",
	    EXH_VERDICT_NOT_AFFECTED, 0);
	assert_int_equal(exh_exposure_windows(cv, 3, w, EXH_WINDOWS_MAX), 0);
}

static void
cve_never_exploited_gives_no_window(void **state)
{
	struct exh_cve_verdict cv;
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv = cve("CVE-2021-1730", "", "", "", "2021-02-09",
	    EXH_VERDICT_VULNERABLE, 0);
	assert_int_equal(exh_exposure_windows(&cv, 1, w, EXH_WINDOWS_MAX), 0);
}

static void
kev_listed_cve_without_exploitation_date_starts_at_publication(void **state)
{
	struct exh_cve_verdict cv[2];
	struct exh_exposure_window w[EXH_WINDOWS_MAX];

	(void)state;
	cv[0] = cve("CVE-2021-42321", "", "", "2021-11-17", "2021-11-09",
	    EXH_VERDICT_VULNERABLE, 0);
	cv[1] = cve("CVE-2021-26855", "ProxyLogon", "2021-01", "", "",
	    EXH_VERDICT_VULNERABLE, 0);
	assert_int_equal(exh_exposure_windows(cv, 2, w, EXH_WINDOWS_MAX), 2);
	/* Earliest start first; a month without a day is its first day. */
	assert_string_equal(w[0].group, "ProxyLogon");
	assert_true(w[0].start == at("2021-01-01T00:00:00Z"));
	assert_string_equal(w[1].group, "CVE-2021-42321");
	assert_true(w[1].start == at("2021-11-09T00:00:00Z"));
	assert_true(w[1].start_published);
}

static void
more_groups_than_room_are_cut_at_max(void **state)
{
	struct exh_cve_verdict cv[3];
	struct exh_exposure_window w[2];

	(void)state;
	cv[0] = cve("CVE-A", "", "2021-01-03", "", "", EXH_VERDICT_VULNERABLE,
	    0);
	cv[1] = cve("CVE-B", "", "2022-01-03", "", "", EXH_VERDICT_VULNERABLE,
	    0);
	cv[2] = cve("CVE-C", "", "2023-01-03", "", "", EXH_VERDICT_VULNERABLE,
	    0);
	assert_int_equal(exh_exposure_windows(cv, 3, w, 2), 2);
	assert_int_equal(exh_exposure_windows(NULL, 3, w, 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
vulnerable_proxylogon_build_has_one_open_window_from_first_exploitation),
		cmocka_unit_test(
		    window_closes_when_the_last_fix_of_the_group_reached_the_disk),
		cmocka_unit_test(
		    one_still_vulnerable_cve_keeps_the_group_window_open),
		cmocka_unit_test(
fix_installed_before_exploitation_or_at_unknown_time_gives_no_window),
		cmocka_unit_test(cve_never_exploited_gives_no_window),
		cmocka_unit_test(
		    kev_listed_cve_without_exploitation_date_starts_at_publication),
		cmocka_unit_test(more_groups_than_room_are_cut_at_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
