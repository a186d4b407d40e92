/* Unit tests: the build table and the per-family patch verdicts it gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/host.h"

static struct exh_builds *table;

static int
load_table(void **state)
{
	struct exh_err err;
	char path[4096];
	const char *top = getenv("TOP");

	(void)state;
	snprintf(path, sizeof(path), "%s/rules/exchange-builds.tsv",
	    top != NULL ? top : ".");
	if (exh_builds_load(path, &table, &err) != EXH_OK) {
		fprintf(stderr, "# %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
free_table(void **state)
{
	(void)state;
	exh_builds_free(table);
	return 0;
}

static int
verdict(const char *build, int family)
{
	struct exh_verdict v;

	assert_int_equal(exh_builds_verdict(table, build, family, &v), EXH_OK);
	return v.verdict;
}

static void
e2013_cu23_without_march_su_is_vulnerable_to_all_three(void **state)
{
	(void)state;
	assert_int_equal(verdict("15.0.1497.2", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(verdict("15.0.1497.2", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(verdict("15.0.1497.2", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_VULNERABLE);
}

static void
e2016_cu19_with_march_su_is_fixed_for_proxylogon_only(void **state)
{
	struct exh_verdict v;

	(void)state;
	assert_int_equal(exh_builds_verdict(table, "15.1.2176.9",
	    EXH_FAM_PROXYLOGON, &v), EXH_OK);
	assert_int_equal(v.verdict, EXH_VERDICT_FIXED);
	assert_string_equal(v.cu, "CU19");
	assert_string_equal(v.fixed_build, "15.1.2176.9");
	assert_int_equal(verdict("15.1.2176.9", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(verdict("15.1.2176.9", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_VULNERABLE);
}

static void
e2019_cu8_with_may_su_is_fixed_except_proxynotshell(void **state)
{
	(void)state;
	assert_int_equal(verdict("15.2.792.15", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.792.15", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.792.15", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_VULNERABLE);
	/* The April SU alone (.13) leaves CVE-2021-31207 open. */
	assert_int_equal(verdict("15.2.792.13", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_VULNERABLE);
}

static void
e2010_sp3_ru31_is_vulnerable_and_ru32_fixed(void **state)
{
	(void)state;
	assert_int_equal(verdict("14.3.509.0", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(verdict("14.3.513.0", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
}

static void
e2010_is_not_affected_by_proxyshell_or_proxynotshell(void **state)
{
	(void)state;
	assert_int_equal(verdict("14.3.509.0", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_NOT_AFFECTED);
	assert_int_equal(verdict("14.3.513.0", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_NOT_AFFECTED);
}

static void
e2019_cu12_with_november_2022_su_is_fixed_for_all(void **state)
{
	(void)state;
	assert_int_equal(verdict("15.2.1118.20", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.1118.20", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.1118.20", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.1118.7", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_VULNERABLE);
}

static void
disputed_e2016_cu8_build_between_sources_is_unknown(void **state)
{
	struct exh_verdict v;

	(void)state;
	assert_int_equal(exh_builds_verdict(table, "15.1.1415.8",
	    EXH_FAM_PROXYLOGON, &v), EXH_OK);
	assert_int_equal(v.verdict, EXH_VERDICT_UNKNOWN);
	assert_non_null(strstr(v.reason, "disagree"));
	assert_int_equal(verdict("15.1.1466.13", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_UNKNOWN);
	assert_int_equal(verdict("15.1.1415.10", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.1.1415.7", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_VULNERABLE);
}

static void
cu_released_with_the_fix_is_fixed_on_its_base_build(void **state)
{
	(void)state;
	assert_int_equal(verdict("15.1.2242.4", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.858.5", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_FIXED);
	assert_int_equal(verdict("15.2.858.5", EXH_FAM_PROXYSHELL),
	    EXH_VERDICT_VULNERABLE);
}

static void
cu_missing_from_table_and_older_than_fixes_is_vulnerable(void **state)
{
	(void)state;
	/* Exchange 2013 CU20 got no March 2021 SU. */
	assert_int_equal(verdict("15.0.1367.3", EXH_FAM_PROXYLOGON),
	    EXH_VERDICT_VULNERABLE);
}

static void
build_newer_than_every_listed_cu_is_fixed(void **state)
{
	(void)state;
	assert_int_equal(verdict("15.2.1258.12", EXH_FAM_PROXYNOTSHELL),
	    EXH_VERDICT_FIXED);
}

static void
unparsable_build_is_a_usage_error_with_unknown_verdict(void **state)
{
	struct exh_verdict v;

	(void)state;
	assert_int_equal(exh_builds_verdict(table, "15.1.x.9",
	    EXH_FAM_PROXYLOGON, &v), EXH_EUSAGE);
	assert_int_equal(v.verdict, EXH_VERDICT_UNKNOWN);
}

static void
malformed_table_line_is_rejected_with_its_line_number(void **state)
{
	char path[] = "/tmp/exh-builds-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct exh_builds *b = NULL;
	struct exh_err err;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n2016\tCU19\t15.1.2176.2\t15.1.2176.9\t-\t-\tok\n"
	    "2016\tCU20\t15.1.2242\tcu\tcu\t-\tbad\n", f);
	fclose(f);
	assert_int_equal(exh_builds_load(path, &b, &err), EXH_ECORRUPT);
	assert_null(b);
	assert_non_null(strstr(err.msg, ":3:"));
	unlink(path);
}

static void
missing_table_is_not_found(void **state)
{
	struct exh_builds *b = NULL;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_builds_load("/nonexistent/builds.tsv", &b, &err),
	    EXH_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    e2013_cu23_without_march_su_is_vulnerable_to_all_three),
		cmocka_unit_test(
		    e2016_cu19_with_march_su_is_fixed_for_proxylogon_only),
		cmocka_unit_test(
		    e2019_cu8_with_may_su_is_fixed_except_proxynotshell),
		cmocka_unit_test(e2010_sp3_ru31_is_vulnerable_and_ru32_fixed),
		cmocka_unit_test(
		    e2010_is_not_affected_by_proxyshell_or_proxynotshell),
		cmocka_unit_test(
		    e2019_cu12_with_november_2022_su_is_fixed_for_all),
		cmocka_unit_test(
		    disputed_e2016_cu8_build_between_sources_is_unknown),
		cmocka_unit_test(
		    cu_released_with_the_fix_is_fixed_on_its_base_build),
		cmocka_unit_test(
		    cu_missing_from_table_and_older_than_fixes_is_vulnerable),
		cmocka_unit_test(build_newer_than_every_listed_cu_is_fixed),
		cmocka_unit_test(
		    unparsable_build_is_a_usage_error_with_unknown_verdict),
		cmocka_unit_test(
		    malformed_table_line_is_rejected_with_its_line_number),
		cmocka_unit_test(missing_table_is_not_found),
	};

	return cmocka_run_group_tests(tests, load_table, free_table);
}
