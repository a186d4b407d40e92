/*
 * Unit tests: per-CVE patch verdicts and support states from
 * rules/exchange-updates.tsv.  Each expected list of open CVEs is written
 * out by hand from the reference data (exchange-2023-2026.md sections 2
 * and 3: which update of which CU fixes which CVE), not derived from the
 * code, so a wrong table line or a wrong rule shows as a difference.
 */
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

static struct exh_cvemap *map;

static int
load_map(void **state)
{
	struct exh_err err;
	char path[4096];
	const char *top = getenv("TOP");

	(void)state;
	snprintf(path, sizeof(path), "%s/rules/exchange-updates.tsv",
	    top != NULL ? top : ".");
	if (exh_cvemap_load(path, &map, &err) != EXH_OK) {
		fprintf(stderr, "# %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
free_map(void **state)
{
	(void)state;
	exh_cvemap_free(map);
	return 0;
}

/* The CVEs with verdict kind for build, in table order, space-separated. */
static char *
with_verdict(const char *build, int kind, bool not_assessed)
{
	static char out[8192];
	size_t i, n = exh_cvemap_count(map);

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		struct exh_cve_verdict v;

		assert_int_equal(exh_cvemap_verdict(map, build, i, &v),
		    EXH_OK);
		if (v.verdict != kind || v.not_assessed != not_assessed)
			continue;
		if (out[0] != '\0')
			strcat(out, " ");
		assert_true(strlen(out) + strlen(v.cve) < sizeof(out));
		strcat(out, v.cve);
	}
	return out;
}

static char *
exposed(const char *build)
{
	return with_verdict(build, EXH_VERDICT_VULNERABLE, false);
}

static const struct exh_cve_verdict *
one(const char *build, const char *cve)
{
	static struct exh_cve_verdict v;
	size_t i, n = exh_cvemap_count(map);

	for (i = 0; i < n; i++) {
		assert_int_equal(exh_cvemap_verdict(map, build, i, &v),
		    EXH_OK);
		if (strcmp(v.cve, cve) == 0)
			return &v;
	}
	fail_msg("%s not in the table", cve);
	return NULL;
}

static const struct exh_support_state *
support(const char *build)
{
	static struct exh_support_state s;

	assert_int_equal(exh_cvemap_support(map, build, &s), EXH_OK);
	return &s;
}

/* The updates 2016/2019/SE received in 2025-2026, as CVE lists. */
#define AUG25 "CVE-2025-25005 CVE-2025-25006 CVE-2025-25007 CVE-2025-33051"
#define OCT25 "CVE-2025-53782 CVE-2025-59248 CVE-2025-59249"
#define DEC25 "CVE-2025-64666 CVE-2025-64667"
#define FEB26 "CVE-2026-21527"
#define JUN26 "CVE-2026-42897 CVE-2026-45500 CVE-2026-45501 " \
	"CVE-2026-45502 CVE-2026-45503 CVE-2026-45504 CVE-2026-45583 " \
	"CVE-2026-47631"
#define JUL26 "CVE-2026-55005 CVE-2026-55006 CVE-2026-55008 CVE-2026-55009"
#define AUG26 "CVE-2026-62910 CVE-2026-62911 CVE-2026-62912 " \
	"CVE-2026-62913 CVE-2026-62914 CVE-2026-62915 CVE-2026-65813"
/* No update fixes these: a setting does. */
#define NO_UPDATE "CVE-2021-1730 CVE-2023-21709 CVE-2024-21410"

static void
table_carries_its_date_and_newest_update(void **state)
{
	(void)state;
	assert_string_equal(exh_cvemap_as_of(map), "2026-09");
	assert_string_equal(exh_cvemap_last_update(map), "Sep26SUv2");
	assert_true(exh_cvemap_count(map) >= 100);
}

static void
e2013_cu23_mar23su_is_exposed_to_nothing_microsoft_assessed(void **state)
{
	const struct exh_support_state *s = support("15.0.1497.48");

	(void)state;
	assert_string_equal(exposed("15.0.1497.48"), "");
	assert_string_equal(s->product, "Exchange Server 2013");
	assert_string_equal(s->cu, "CU23");
	assert_string_equal(s->update, "Mar23SU");
	assert_string_equal(s->state, "out of support");
	assert_string_equal(s->ended, "2023-04-11");
	/* CVE-2023-21529 (KEV 2026-04-13) is fixed by Feb23SU .47. */
	assert_int_equal(one("15.0.1497.48", "CVE-2023-21529")->verdict,
	    EXH_VERDICT_FIXED);
	assert_string_equal(one("15.0.1497.48", "CVE-2023-21529")->fix_build,
	    "15.0.1497.47");
	/* Later CVEs were never assessed for 2013: say so, never "fixed". */
	assert_true(one("15.0.1497.48", "CVE-2026-42897")->not_assessed);
	assert_int_equal(one("15.0.1497.48", "CVE-2026-42897")->verdict,
	    EXH_VERDICT_UNKNOWN);
	assert_int_equal(one("15.0.1497.48", "CVE-2021-42321")->verdict,
	    EXH_VERDICT_NOT_AFFECTED);
	/* One SU earlier (Jan23SU .45) leaves the Feb23SU CVEs open. */
	assert_string_equal(exposed("15.0.1497.45"),
	    "CVE-2023-21529 CVE-2023-21706 CVE-2023-21707");
}

static void
e2016_cu23_first_esu_build_is_exposed_to_2026_updates(void **state)
{
	/* Dec25SU 15.1.2507.63: the first ESU build (no Nov 2025 update
	 * exists in Microsoft's list; Dec25SU is the one after Oct25SU). */
	const struct exh_support_state *s = support("15.1.2507.63");

	(void)state;
	assert_string_equal(exposed("15.1.2507.63"),
	    FEB26 " " JUN26 " " JUL26 " " AUG26);
	assert_string_equal(with_verdict("15.1.2507.63", EXH_VERDICT_UNKNOWN,
	    false), NO_UPDATE);
	assert_string_equal(s->update, "Dec25SU");
	assert_string_equal(s->channel, "esu");
	assert_string_equal(s->state, "out of support (ESU)");
	assert_non_null(strstr(s->reason, "enrolled in ESU"));
	/* Oct25SU .61 is the last public update: out of support, no ESU. */
	assert_string_equal(support("15.1.2507.61")->state, "out of support");
	assert_string_equal(exposed("15.1.2507.61"),
	    DEC25 " " FEB26 " " JUN26 " " JUL26 " " AUG26);
}

static void
e2019_cu14_rtm_is_exposed_from_march_2024_on(void **state)
{
	(void)state;
	assert_string_equal(exposed("15.2.1544.4"),
	    "CVE-2024-26198 CVE-2024-49040 CVE-2025-53786 " AUG25 " " OCT25
	    " " DEC25 " " FEB26 " " JUN26 " " JUL26 " " AUG26);
	assert_string_equal(support("15.2.1544.4")->product,
	    "Exchange Server 2019");
	assert_string_equal(support("15.2.1544.4")->channel, "cu");
	/* Nov23SU came with CU13 .1258.28, older than CU14: contained. */
	assert_int_equal(one("15.2.1544.4", "CVE-2023-36439")->verdict,
	    EXH_VERDICT_FIXED);
	assert_non_null(strstr(one("15.2.1544.4", "CVE-2023-36439")->reason,
	    "not on the disk"));
}

static void
e2019_cu15_feb26su_is_exposed_to_june_to_august_2026(void **state)
{
	const struct exh_cve_verdict *v;

	(void)state;
	assert_string_equal(exposed("15.2.1748.43"),
	    JUN26 " " JUL26 " " AUG26);
	assert_string_equal(support("15.2.1748.43")->state,
	    "out of support (ESU)");
	v = one("15.2.1748.43", "CVE-2026-42897");
	assert_string_equal(v->fix_build, "15.2.1748.46");
	assert_string_equal(v->fix_update, "Jun26SU");
	assert_string_equal(v->kev, "2026-05-15");
	assert_string_equal(v->exploited_since, "2026-05-14");
}

static void
se_rtm_is_supported_and_exposed_from_august_2025_on(void **state)
{
	const struct exh_support_state *s = support("15.2.2562.17");

	(void)state;
	assert_string_equal(exposed("15.2.2562.17"),
	    AUG25 " " OCT25 " " DEC25 " " FEB26 " " JUN26 " " JUL26 " "
	    AUG26);
	assert_string_equal(s->product, "Exchange Server SE");
	assert_string_equal(s->version, "SE");
	assert_string_equal(s->cu, "RTM");
	assert_string_equal(s->state, "supported");
	/* Older fixes come with SE: Apr25HU through 2019's line... */
	assert_int_equal(one("15.2.2562.17", "CVE-2025-53786")->verdict,
	    EXH_VERDICT_FIXED);
	/* ...and CVEs Microsoft listed before SE existed do not apply. */
	assert_int_equal(one("15.2.2562.17", "CVE-2023-21529")->verdict,
	    EXH_VERDICT_NOT_AFFECTED);
	assert_int_equal(one("15.2.2562.17", "CVE-2021-26855")->verdict,
	    EXH_VERDICT_NOT_AFFECTED);
}

static void
se_with_september_2026_update_is_exposed_to_nothing_known(void **state)
{
	(void)state;
	assert_string_equal(exposed("15.2.2562.49"), "");
	assert_string_equal(exposed("15.2.2562.53"), "");
	assert_string_equal(support("15.2.2562.49")->update, "Sep26SU");
	assert_string_equal(support("15.2.2562.53")->update, "Sep26SUv2");
	/* A revision newer than the table knows: said, not guessed. */
	assert_non_null(strstr(support("15.2.2562.60")->reason,
	    "may be out of date"));
	/* EOMT wants Jul26SU on SE; the map follows Jun26SU and says so. */
	assert_int_equal(one("15.2.2562.43", "CVE-2026-42897")->verdict,
	    EXH_VERDICT_FIXED);
	assert_non_null(strstr(one("15.2.2562.43", "CVE-2026-42897")->note,
	    "Jul26SU"));
}

static void
e2010_sp3_ru32_fixes_cve_2021_26857_and_nothing_else_assessed(void **state)
{
	(void)state;
	assert_string_equal(exposed("14.3.513.0"), "");
	assert_int_equal(one("14.3.513.0", "CVE-2021-26857")->verdict,
	    EXH_VERDICT_FIXED);
	assert_int_equal(one("14.3.513.0", "CVE-2021-26855")->verdict,
	    EXH_VERDICT_NOT_AFFECTED);
	assert_true(one("14.3.513.0", "CVE-2021-34473")->not_assessed);
	assert_string_equal(exposed("14.3.509.0"), "CVE-2021-26857");
	assert_string_equal(support("14.3.513.0")->product,
	    "Exchange Server 2010 SP3");
	assert_string_equal(support("14.3.513.0")->cu, "RU32");
	assert_string_equal(support("14.3.513.0")->ended, "2020-10-13");
}

static void
older_cu_march_2021_update_fixes_only_the_proxylogon_four(void **state)
{
	(void)state;
	/* 2016 CU10 with its Mar21SU .1531.12. */
	assert_int_equal(one("15.1.1531.12", "CVE-2021-26855")->verdict,
	    EXH_VERDICT_FIXED);
	assert_int_equal(one("15.1.1531.12", "CVE-2021-26412")->verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(one("15.1.1531.12", "CVE-2021-34473")->verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_string_equal(one("15.1.1531.12", "CVE-2021-34473")->group,
	    "ProxyShell");
}

static void
april_2021_update_leaves_cve_2021_31207_open(void **state)
{
	(void)state;
	/* 2019 CU8 Apr21SU .13; May21SU .15 fixes 31207. */
	assert_int_equal(one("15.2.792.13", "CVE-2021-34473")->verdict,
	    EXH_VERDICT_FIXED);
	assert_int_equal(one("15.2.792.13", "CVE-2021-31207")->verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(one("15.2.792.15", "CVE-2021-31207")->verdict,
	    EXH_VERDICT_FIXED);
}

static void
unparsable_build_is_a_usage_error(void **state)
{
	struct exh_cve_verdict v;
	struct exh_support_state s;

	(void)state;
	assert_int_equal(exh_cvemap_verdict(map, "15.2.x", 0, &v),
	    EXH_EUSAGE);
	assert_int_equal(v.verdict, EXH_VERDICT_UNKNOWN);
	assert_int_equal(exh_cvemap_support(map, "", &s), EXH_EUSAGE);
	assert_int_equal(exh_cvemap_verdict(map, "15.2.1544.4",
	    exh_cvemap_count(map), &v), EXH_EUSAGE);
}

static void
malformed_line_is_rejected_with_its_line_number(void **state)
{
	struct exh_cvemap *m = NULL;
	struct exh_err err;
	char path[] = "/tmp/exh-cvemap-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# comment\nasof\t2026-09\tSep26SUv2\n"
	    "release\tSE\tRTM\t-\t15.1.2562.17\t2025-07-01\t-\tcu\t-\n", f);
	fclose(f);
	assert_int_equal(exh_cvemap_load(path, &m, &err), EXH_ECORRUPT);
	assert_null(m);
	assert_non_null(strstr(err.msg, ":3:"));
	unlink(path);
	assert_int_equal(exh_cvemap_load(path, &m, &err), EXH_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_carries_its_date_and_newest_update),
		cmocka_unit_test(
		    e2013_cu23_mar23su_is_exposed_to_nothing_microsoft_assessed),
		cmocka_unit_test(
		    e2016_cu23_first_esu_build_is_exposed_to_2026_updates),
		cmocka_unit_test(e2019_cu14_rtm_is_exposed_from_march_2024_on),
		cmocka_unit_test(
		    e2019_cu15_feb26su_is_exposed_to_june_to_august_2026),
		cmocka_unit_test(
		    se_rtm_is_supported_and_exposed_from_august_2025_on),
		cmocka_unit_test(
		    se_with_september_2026_update_is_exposed_to_nothing_known),
		cmocka_unit_test(
		  e2010_sp3_ru32_fixes_cve_2021_26857_and_nothing_else_assessed),
		cmocka_unit_test(
		    older_cu_march_2021_update_fixes_only_the_proxylogon_four),
		cmocka_unit_test(april_2021_update_leaves_cve_2021_31207_open),
		cmocka_unit_test(unparsable_build_is_a_usage_error),
		cmocka_unit_test(
		    malformed_line_is_rejected_with_its_line_number),
	};

	return cmocka_run_group_tests(tests, load_map, free_map);
}
