/* Unit tests: host profiles built from the five fixture hosts' hives, ExSetup.exe and IIS config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttest.h"

static char iso[32];

static const char *
day(int64_t ft)
{
	return exh_filetime_iso(ft, iso);
}

static struct exh_profile *
host(const char *name, const char *dir, struct ht_host *h)
{
	struct exh_profile *p;

	assert_int_equal(ht_load(name, dir, h), 0);
	p = ht_profile(h, NULL);
	assert_non_null(p);
	return p;
}

static bool
has_role(const struct exh_profile *p, const char *role)
{
	size_t i;

	for (i = 0; i < p->nroles; i++)
		if (strcmp(p->roles[i], role) == 0)
			return true;
	return false;
}

static void
e2013_cu23_without_su_is_vulnerable_everywhere_with_no_window(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2013-cu23-nosu", HT_E15, &h);
	int f;

	(void)state;
	assert_string_equal(p->computer_name, "EXCH13");
	assert_string_equal(p->domain, "corp.example");
	assert_string_equal(p->exchange_version_key, "v15");
	assert_int_equal(p->exchange_version, 2013);
	assert_string_equal(p->install_path, HT_E15);
	assert_string_equal(p->install_path_source, "SOFTWARE\\Microsoft\\"
	    "ExchangeServer\\v15\\Setup\\MsiInstallPath");
	assert_string_equal(p->exsetup_build, "15.0.1497.2");
	assert_string_equal(p->registry_build, "15.0.1497.2");
	assert_true(has_role(p, "UnifiedMessagingRole"));
	assert_true(p->um_installed);
	assert_true(p->um_services_disabled);
	assert_true(p->msupdate_service);
	assert_int_equal(p->nupdates, 0);
	for (f = 0; f < EXH_FAM_COUNT; f++) {
		assert_int_equal(p->verdicts[f].verdict,
		    EXH_VERDICT_VULNERABLE);
		assert_true(p->verdicts[f].still_vulnerable);
		assert_int_equal(p->verdicts[f].fix_installed_since, 0);
	}
	assert_string_equal(p->verdicts[EXH_FAM_PROXYLOGON].fixed_build,
	    "15.0.1497.12");
	assert_string_equal(p->timezone_name, "W. Europe Standard Time");
	assert_int_equal(p->timezone_bias_minutes, -60);
	assert_int_equal(p->rtc_is_utc, 0);
	assert_string_equal(day(p->last_shutdown), "2021-03-10T08:15:00.0000000Z");
	assert_int_equal(p->control_set, 1);
	exh_profile_free(p);
	ht_free(&h);
}

static void
e2016_cu19_with_march_su_is_fixed_since_its_install_date(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2016-cu19-mar21", HT_E15, &h);
	const struct exh_family_verdict *pl = &p->verdicts[EXH_FAM_PROXYLOGON];

	(void)state;
	assert_string_equal(p->computer_name, "EXCH16");
	assert_int_equal(p->exchange_version, 2016);
	assert_string_equal(p->exsetup_build, "15.1.2176.9");
	/* SUs do not move the registry's Msi values: CU level only. */
	assert_string_equal(p->registry_build, "15.1.2176.2");
	assert_int_equal(pl->verdict, EXH_VERDICT_FIXED);
	assert_string_equal(pl->cu, "CU19");
	assert_string_equal(day(pl->fix_installed_since),
	    "2021-03-04T00:00:00.0000000Z");
	assert_false(pl->still_vulnerable);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYSHELL].verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYNOTSHELL].verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(p->nupdates, 1);
	assert_string_equal(p->updates[0].kb, "KB5000871");
	assert_true(p->um_installed);
	assert_false(p->um_services_disabled);
	assert_true(p->msert_patchstate);
	assert_int_equal(p->rtc_is_utc, 1);
	assert_int_equal(p->timezone_bias_minutes, 300);
	exh_profile_free(p);
	ht_free(&h);
}

static void
e2019_cu8_with_may_su_has_two_windows_and_proxynotshell_open(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2019-cu8-may21", HT_E15, &h);

	(void)state;
	assert_int_equal(p->exchange_version, 2019);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_FIXED);
	assert_string_equal(day(p->verdicts[EXH_FAM_PROXYLOGON]
	    .fix_installed_since), "2021-03-03T00:00:00.0000000Z");
	assert_int_equal(p->verdicts[EXH_FAM_PROXYSHELL].verdict,
	    EXH_VERDICT_FIXED);
	assert_string_equal(day(p->verdicts[EXH_FAM_PROXYSHELL]
	    .fix_installed_since), "2021-05-12T00:00:00.0000000Z");
	assert_int_equal(p->verdicts[EXH_FAM_PROXYNOTSHELL].verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_true(p->verdicts[EXH_FAM_PROXYNOTSHELL].still_vulnerable);
	assert_false(p->um_installed);
	assert_int_equal(p->nupdates, 3);
	assert_string_equal(p->timezone_name, "UTC");
	exh_profile_free(p);
	ht_free(&h);
}

static void
e2010_sp3_ru31_is_vulnerable_to_proxylogon_only(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2010-sp3-ru31", HT_E14, &h);
	const struct exh_family_verdict *pl = &p->verdicts[EXH_FAM_PROXYLOGON];

	(void)state;
	assert_string_equal(p->exchange_version_key, "v14");
	assert_int_equal(p->exchange_version, 2010);
	assert_string_equal(p->install_path, HT_E14);
	assert_int_equal(pl->verdict, EXH_VERDICT_VULNERABLE);
	assert_non_null(strstr(pl->reason, "CVE-2021-26857 only"));
	assert_non_null(strstr(pl->reason, "which is installed"));
	assert_int_equal(p->verdicts[EXH_FAM_PROXYSHELL].verdict,
	    EXH_VERDICT_NOT_AFFECTED);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYNOTSHELL].verdict,
	    EXH_VERDICT_NOT_AFFECTED);
	assert_int_equal(p->nupdates, 1);
	assert_string_equal(p->updates[0].kb, "KB4536989");
	assert_true(has_role(p, "UnifiedMessagingRole"));
	exh_profile_free(p);
	ht_free(&h);
}

static void
exchange_on_e_drive_is_found_from_msiinstallpath(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2019-cu12-edrive", "E:\\Exchange\\",
	    &h);
	int f;

	(void)state;
	assert_string_equal(p->install_path, "E:\\Exchange\\");
	assert_string_equal(p->env_install_path, "E:\\Exchange\\");
	assert_string_equal(p->exsetup_path, "E:\\Exchange\\Bin\\ExSetup.exe");
	assert_string_equal(p->exsetup_build, "15.2.1118.20");
	for (f = 0; f < EXH_FAM_COUNT; f++)
		assert_int_equal(p->verdicts[f].verdict, EXH_VERDICT_FIXED);
	assert_true(has_role(p, "MailboxRole (setup incomplete)"));
	assert_int_equal(p->rtc_is_utc, 0);
	assert_false(ht_has_note(p, "default path"));
	exh_profile_free(p);
	ht_free(&h);
}

static void
missing_exsetup_with_listed_su_decides_only_what_the_su_covers(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	assert_int_equal(ht_load("e2016-cu19-mar21", HT_E15, &h), 0);
	ht_drop(&h, "ExSetup.exe");
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_string_equal(p->exsetup_build, "");
	assert_true(ht_has_note(p, "ExSetup.exe: not read"));
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_FIXED);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYSHELL].verdict,
	    EXH_VERDICT_UNKNOWN);
	assert_non_null(strstr(p->verdicts[EXH_FAM_PROXYSHELL].reason,
	    "unreadable"));
	/* CU19 never got the November 2022 SU: vulnerable either way. */
	assert_int_equal(p->verdicts[EXH_FAM_PROXYNOTSHELL].verdict,
	    EXH_VERDICT_VULNERABLE);
	exh_profile_free(p);
	ht_free(&h);
}

static void
exsetup_and_registry_on_different_cus_give_unknown(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	struct ht_file *f;
	unsigned v[4] = { 15, 1, 2242, 4 };

	(void)state;
	assert_int_equal(ht_load("e2016-cu19-mar21", HT_E15, &h), 0);
	f = ht_find(&h, "ExSetup.exe");
	f->len = ps_build(f->data, v, PS_GOOD);
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_UNKNOWN);
	assert_non_null(strstr(p->verdicts[EXH_FAM_PROXYLOGON].reason,
	    "different CUs"));
	exh_profile_free(p);
	ht_free(&h);
}

static void
truncated_software_hive_is_a_note_and_env_path_is_the_fallback(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	assert_int_equal(ht_load("e2016-cu19-mar21", HT_E15, &h), 0);
	ht_find(&h, "config\\SOFTWARE")->len = 6000;
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_true(ht_has_note(p, "SOFTWARE hive: corrupt: "));
	assert_string_equal(p->install_path, HT_E15);
	assert_non_null(strstr(p->install_path_source, "ExchangeInstallPath"));
	assert_string_equal(p->exsetup_build, "15.1.2176.9");
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_FIXED);
	assert_string_equal(p->computer_name, "EXCH16");
	exh_profile_free(p);
	ht_free(&h);
}

static void
bad_checksum_hives_fall_back_to_the_default_path(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	assert_int_equal(ht_load("e2013-cu23-nosu", HT_E15, &h), 0);
	ht_find(&h, "config\\SOFTWARE")->data[100] ^= 0x55;
	ht_find(&h, "config\\SYSTEM")->data[100] ^= 0x55;
	/* A rules directory without scope.txt: the built-in defaults. */
	p = ht_profile(&h, "/nonexistent");
	assert_non_null(p);
	assert_true(ht_has_note(p, "SOFTWARE hive: corrupt: "));
	assert_true(ht_has_note(p, "SYSTEM hive: corrupt: "));
	assert_true(ht_has_note(p, "build table"));
	assert_string_equal(p->install_path, HT_E15);
	assert_true(exh_ascii_istarts(p->install_path_source,
	    "default path: "));
	assert_string_equal(p->exsetup_build, "15.0.1497.2");
	assert_string_equal(p->computer_name, "");
	assert_int_equal(p->rtc_is_utc, -1);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_UNKNOWN);
	exh_profile_free(p);
	ht_free(&h);
}

static void
scope_default_exchange_lines_give_the_fallback_path(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	assert_int_equal(ht_load("e2010-sp3-ru31", HT_E14, &h), 0);
	ht_drop(&h, "config\\SOFTWARE");
	ht_drop(&h, "config\\SYSTEM");
	/* rules/scope.txt lists V15 first, then V14; only V14 exists. */
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_string_equal(p->install_path, HT_E14);
	assert_true(exh_ascii_istarts(p->install_path_source,
	    "default path: "));
	assert_true(ht_has_note(p, "is a default path"));
	assert_false(ht_has_note(p, "ExSetup.exe: not read"));
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_VULNERABLE);
	assert_int_equal(p->exchange_version, 2010);
	exh_profile_free(p);
	ht_free(&h);
}

static void
no_hives_and_no_exchange_is_still_a_profile_with_notes(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	memset(&h, 0, sizeof(h));
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_false(p->exchange_present);
	assert_true(ht_has_note(p, "SYSTEM hive: not read"));
	assert_true(ht_has_note(p, "Exchange not found"));
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].verdict,
	    EXH_VERDICT_UNKNOWN);
	exh_profile_free(p);
}

static void
msiinstaller_event_refines_the_exposure_window_to_the_minute(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2016-cu19-mar21", HT_E15, &h);
	int64_t t;

	(void)state;
	assert_int_equal(exh_iso_to_filetime("2021-03-04T09:31:00Z", &t),
	    EXH_OK);
	assert_int_equal(exh_profile_add_update_event(p, t, "KB5000871",
	    false), EXH_OK);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYLOGON].fix_installed_since,
	    t);
	/* A failed install never counts as a fix. */
	assert_int_equal(exh_profile_add_update_event(p, t, "KB5003435",
	    true), EXH_OK);
	assert_int_equal(p->verdicts[EXH_FAM_PROXYSHELL].fix_installed_since,
	    0);
	assert_int_equal(p->nupdates, 2);
	exh_profile_free(p);
	ht_free(&h);
}

static void
json_output_has_stable_keys_and_escaped_values(void **state)
{
	struct ht_host h;
	struct exh_profile *p = host("e2016-cu19-mar21", HT_E15, &h);
	struct exh_buf b = { 0 };

	(void)state;
	free(p->computer_name);
	p->computer_name = strdup("EVIL\x1b[31m\"x");
	assert_int_equal(exh_report_profile_json(p, &b), EXH_OK);
	assert_non_null(strstr(b.data, "{\"windows\":{\"computer_name\":"
	    "\"EVIL\\u001b[31m\\\"x\""));
	assert_null(strchr(b.data, '\x1b'));
	assert_non_null(strstr(b.data, "\"family\":\"ProxyLogon\","
	    "\"verdict\":\"fixed\",\"build\":\"15.1.2176.9\""));
	assert_non_null(strstr(b.data, "\"fix_installed_since\":"
	    "\"2021-03-04T00:00:00.0000000Z\""));
	exh_buf_reset(&b);
	assert_int_equal(exh_report_profile_text(p, &b), EXH_OK);
	assert_null(strchr(b.data, '\x1b'));
	assert_non_null(strstr(b.data, "STILL VULNERABLE"));
	exh_buf_free(&b);
	exh_profile_free(p);
	ht_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    e2013_cu23_without_su_is_vulnerable_everywhere_with_no_window),
		cmocka_unit_test(
		    e2016_cu19_with_march_su_is_fixed_since_its_install_date),
		cmocka_unit_test(
		    e2019_cu8_with_may_su_has_two_windows_and_proxynotshell_open),
		cmocka_unit_test(e2010_sp3_ru31_is_vulnerable_to_proxylogon_only),
		cmocka_unit_test(exchange_on_e_drive_is_found_from_msiinstallpath),
		cmocka_unit_test(
		    missing_exsetup_with_listed_su_decides_only_what_the_su_covers),
		cmocka_unit_test(
		    exsetup_and_registry_on_different_cus_give_unknown),
		cmocka_unit_test(
		    truncated_software_hive_is_a_note_and_env_path_is_the_fallback),
		cmocka_unit_test(
		    bad_checksum_hives_fall_back_to_the_default_path),
		cmocka_unit_test(
		    scope_default_exchange_lines_give_the_fallback_path),
		cmocka_unit_test(
		    no_hives_and_no_exchange_is_still_a_profile_with_notes),
		cmocka_unit_test(
		    msiinstaller_event_refines_the_exposure_window_to_the_minute),
		cmocka_unit_test(json_output_has_stable_keys_and_escaped_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
