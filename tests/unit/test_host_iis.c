/* Unit tests: applicationHost.config parsing (incl. hostile input) and the host checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttest.h"
#include "host/host_int.h"

#define APPHOST "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"

static const char head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
static const char sites_open[] =
    "<configuration><system.applicationHost><sites>"
    "<site name=\"Default Web Site\" id=\"1\">";
static const char sites_close[] =
    "<bindings><binding protocol=\"https\" bindingInformation=\"*:443:\"/>"
    "</bindings></site></sites></system.applicationHost></configuration>";

/* A profile from only this applicationHost.config text. */
static struct exh_profile *
from_config(const char *text, size_t len)
{
	struct ht_host h;
	struct exh_profile *p;
	unsigned char *copy = malloc(len);

	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(&h, 0, sizeof(h));
	ht_add(&h, APPHOST, copy, len);
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	return p;
}

static struct exh_profile *
from_vdirs(const char *apps)
{
	struct exh_buf b = { 0 };
	struct exh_profile *p;

	assert_int_equal(exh_buf_printf(&b, "%s%s%s%s", head, sites_open, apps,
	    sites_close), EXH_OK);
	p = from_config(b.data, b.len);
	exh_buf_free(&b);
	return p;
}

static const struct host_check *
find_check(const struct host_check *c, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(c[i].check, id) == 0)
			return &c[i];
	return NULL;
}

static void
fixture_sites_vdirs_and_log_dirs_are_read(void **state)
{
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	assert_int_equal(ht_load("e2019-cu12-edrive", "E:\\Exchange\\", &h),
	    0);
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_true(p->iis_config_found);
	assert_int_equal(p->nsites, 2);
	assert_int_equal(p->sites[0].id, 1);
	assert_string_equal(p->sites[0].name, "Default Web Site");
	assert_string_equal(p->sites[0].bindings[1].info, "*:443:");
	assert_string_equal(p->sites[0].log_dir_resolved,
	    "C:\\inetpub\\logs\\LogFiles\\W3SVC1");
	assert_string_equal(p->sites[1].name, "Exchange Back End");
	assert_string_equal(p->sites[1].bindings[0].info, "*:444:");
	assert_string_equal(p->vdirs[0].physical_path,
	    "%SystemDrive%\\inetpub\\wwwroot");
	assert_string_equal(p->vdirs[0].physical_resolved,
	    "C:\\inetpub\\wwwroot");
	assert_string_equal(p->vdirs[1].app_path, "/owa");
	assert_string_equal(p->vdirs[1].physical_resolved,
	    "E:\\Exchange\\FrontEnd\\HttpProxy\\owa");
	assert_int_equal(p->nrewrite_rules, 0);
	exh_profile_free(p);
	ht_free(&h);
}

static void
programdata_com1_vdir_and_eomt_rules_raise_host_checks(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	struct host_check *c;
	const struct host_check *x;
	size_t n;

	(void)state;
	assert_int_equal(ht_load("e2016-cu19-mar21", HT_E15, &h), 0);
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_int_equal(host_checks(p, &c, &n), EXH_OK);
	x = find_check(c, n, "C1/vdir-physical-path");
	assert_non_null(x);
	assert_int_equal(x->level, EXH_LEVEL_ALERT);
	assert_string_equal(x->path, "C:\\ProgramData\\COM1\\x");
	assert_non_null(strstr(x->description, "/sys"));
	x = find_check(c, n, "C1/eomt-rewrite-rule");
	assert_non_null(x);
	assert_int_equal(x->level, EXH_LEVEL_INFO);
	assert_non_null(find_check(c, n, "R1/msert-patchstate"));
	x = find_check(c, n, "V1/proxyshell-still-vulnerable");
	assert_non_null(x);
	assert_int_equal(x->level, EXH_LEVEL_WARNING);
	assert_null(find_check(c, n, "V1/proxylogon-still-vulnerable"));
	assert_null(find_check(c, n, "R1/dearcry-msupdate-service"));
	host_checks_free(c, n);
	exh_profile_free(p);
	ht_free(&h);
}

static void
msupdate_service_and_disabled_um_are_reported(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	struct host_check *c;
	const struct host_check *x;
	size_t n;

	(void)state;
	assert_int_equal(ht_load("e2013-cu23-nosu", HT_E15, &h), 0);
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	assert_int_equal(host_checks(p, &c, &n), EXH_OK);
	x = find_check(c, n, "R1/dearcry-msupdate-service");
	assert_non_null(x);
	assert_int_equal(x->level, EXH_LEVEL_ALERT);
	assert_string_equal(x->path, "C:\\Windows\\Temp\\msupdate.exe");
	x = find_check(c, n, "R1/um-services-disabled");
	assert_non_null(x);
	assert_int_equal(x->level, EXH_LEVEL_INFO);
	assert_non_null(find_check(c, n, "V1/proxylogon-still-vulnerable"));
	assert_null(find_check(c, n, "C1/vdir-physical-path"));
	host_checks_free(c, n);
	exh_profile_free(p);
	ht_free(&h);
}

static void
users_and_device_name_vdirs_are_flagged_case_insensitively(void **state)
{
	struct exh_profile *p = from_vdirs(
	    "<application path=\"/a\"><virtualDirectory path=\"/\" "
	    "physicalPath=\"c:\\programdata\\con\\x\"/></application>"
	    "<application path=\"/b\"><virtualDirectory path=\"/\" "
	    "physicalPath=\"%SystemDrive%\\Users\\Public\\w\"/></application>"
	    "<application path=\"/c\"><virtualDirectory path=\"/\" "
	    "physicalPath=\"C:\\ProgramDataX\\ok\"/></application>");
	struct host_check *c;
	size_t n, k, flagged = 0;

	(void)state;
	assert_int_equal(p->nvdirs, 3);
	assert_int_equal(host_checks(p, &c, &n), EXH_OK);
	for (k = 0; k < n; k++) {
		if (strcmp(c[k].check, "C1/vdir-physical-path") != 0)
			continue;
		flagged++;
		if (strcmp(c[k].detail, "/a") == 0)
			assert_int_equal(c[k].level, EXH_LEVEL_ALERT);
		else {
			assert_string_equal(c[k].detail, "/b");
			assert_int_equal(c[k].level, EXH_LEVEL_WARNING);
		}
	}
	assert_int_equal(flagged, 2);
	host_checks_free(c, n);
	exh_profile_free(p);
}

static void
control_and_bidi_characters_in_paths_leave_escaped(void **state)
{
	struct exh_profile *p = from_vdirs(
	    "<application path=\"/e\"><virtualDirectory path=\"/\" "
	    "physicalPath=\"C:\\evil&#10;INJECTED&#x202E;txt.aspx\"/>"
	    "</application>");
	struct exh_buf b = { 0 };

	(void)state;
	assert_int_equal(p->nvdirs, 1);
	assert_string_equal(p->vdirs[0].physical_path,
	    "C:\\evil\nINJECTED\xe2\x80\xaetxt.aspx");
	assert_int_equal(exh_report_profile_text(p, &b), EXH_OK);
	assert_null(strstr(b.data, "\nINJECTED"));
	assert_null(strstr(b.data, "\xe2\x80\xae"));
	exh_buf_reset(&b);
	assert_int_equal(exh_report_profile_json(p, &b), EXH_OK);
	assert_non_null(strstr(b.data, "evil\\nINJECTED\\u202e"));
	exh_buf_free(&b);
	exh_profile_free(p);
}

static void
entities_are_never_expanded_nor_external_files_read(void **state)
{
	const char *doc =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE configuration [\n"
	    "<!ENTITY e \"EXPANDED\">\n"
	    "<!ENTITY x SYSTEM \"file:///etc/hostname\">\n"
	    "]>\n"
	    "<configuration><system.applicationHost><sites>"
	    "<site name=\"S&e;\" id=\"1\"><application path=\"/\">"
	    "<virtualDirectory path=\"/\" physicalPath=\"C:\\&e;\"/>"
	    "</application></site></sites></system.applicationHost>"
	    "<system.webServer>&x;</system.webServer></configuration>";
	struct exh_profile *p = from_config(doc, strlen(doc));
	struct exh_buf b = { 0 };

	(void)state;
	assert_true(ht_has_note(p, "DOCTYPE"));
	assert_int_equal(p->nvdirs, 1);
	assert_string_equal(p->vdirs[0].physical_path, "C:\\&e;");
	assert_string_equal(p->sites[0].name, "S&e;");
	assert_int_equal(exh_report_profile_json(p, &b), EXH_OK);
	assert_null(strstr(b.data, "EXPANDED"));
	exh_buf_free(&b);
	exh_profile_free(p);
}

static void
billion_laughs_is_refused_not_expanded(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_profile *p;
	int i;

	(void)state;
	assert_int_equal(exh_buf_puts(&b, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE configuration [<!ENTITY l0 \"lol\">"), EXH_OK);
	for (i = 1; i < 10; i++)
		assert_int_equal(exh_buf_printf(&b, "<!ENTITY l%d \"&l%d;&l%d;"
		    "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">", i, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
		    i - 1), EXH_OK);
	assert_int_equal(exh_buf_puts(&b, "]><configuration>"
	    "<system.applicationHost><sites><site name=\"&l9;\" id=\"1\"/>"
	    "</sites></system.applicationHost></configuration>"), EXH_OK);
	p = from_config(b.data, b.len);
	assert_int_equal(p->nsites, 0);
	assert_true(ht_has_note(p, "entity declarations refused"));
	exh_buf_free(&b);
	exh_profile_free(p);
}

static void
ten_megabytes_of_attributes_cannot_hide_a_vdir(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_profile *p;
	size_t i;

	(void)state;
	assert_int_equal(exh_buf_printf(&b, "%s%s", head, sites_open), EXH_OK);
	assert_int_equal(exh_buf_puts(&b, "<application path=\"/big\">"
	    "<virtualDirectory path=\"/\""), EXH_OK);
	/* 10 MB of distinct attributes on one element. */
	for (i = 0; b.len < 10u * 1024 * 1024; i++)
		assert_int_equal(exh_buf_printf(&b, " a%zu=\"%0100zu\"", i, i),
		    EXH_OK);
	assert_int_equal(exh_buf_printf(&b, " physicalPath=\"C:\\x\"/>"
	    "</application>%s", sites_close), EXH_OK);
	p = from_config(b.data, b.len);
	/* Padding must not hide the vdir from the profile. */
	assert_int_equal(p->nvdirs, 1);
	assert_string_equal(p->vdirs[0].physical_path, "C:\\x");
	exh_buf_free(&b);
	exh_profile_free(p);
}

static void
config_over_the_size_cap_is_a_note(void **state)
{
	size_t len = EXH_IISCONF_MAX_BYTES + 1;
	char *big = malloc(len);
	struct exh_profile *p;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	p = from_config(big, len);
	assert_false(p->iis_config_found);
	assert_true(ht_has_note(p, "applicationHost.config: not read"));
	free(big);
	exh_profile_free(p);
}

static void
malformed_xml_is_a_note_with_the_parser_reason(void **state)
{
	const char *doc = "<configuration><sites><site name=\"x\">";
	struct exh_profile *p = from_config(doc, strlen(doc));

	(void)state;
	assert_false(p->iis_config_found);
	assert_true(ht_has_note(p, "applicationHost.config: not parsed: "));
	exh_profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_sites_vdirs_and_log_dirs_are_read),
		cmocka_unit_test(
		    programdata_com1_vdir_and_eomt_rules_raise_host_checks),
		cmocka_unit_test(msupdate_service_and_disabled_um_are_reported),
		cmocka_unit_test(
		    users_and_device_name_vdirs_are_flagged_case_insensitively),
		cmocka_unit_test(
		    control_and_bidi_characters_in_paths_leave_escaped),
		cmocka_unit_test(
		    entities_are_never_expanded_nor_external_files_read),
		cmocka_unit_test(billion_laughs_is_refused_not_expanded),
		cmocka_unit_test(
		    ten_megabytes_of_attributes_cannot_hide_a_vdir),
		cmocka_unit_test(config_over_the_size_cap_is_a_note),
		cmocka_unit_test(malformed_xml_is_a_note_with_the_parser_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
