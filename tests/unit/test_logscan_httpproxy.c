/* HttpProxy checks: CVE-2021-26855 in three variants, CVE-2021-27065 reset, attacker IPs. */
#include "logscan_test.h"

#define HPPATH "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\" \
    "Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG"
#define HDR "#Fields: DateTime,RequestId,Protocol,UrlStem," \
    "AuthenticatedUser,AnchorMailbox,UserAgent,ClientIpAddress,HttpStatus," \
    "RoutingHint,BackEndCookie\n"

static struct exh_buf text;

static void
row(const char *anchor, const char *user, const char *status,
    const char *cookie, const char *ip)
{
	assert_int_equal(exh_buf_printf(&text, "2021-03-03T06:49:42.162Z,"
	    "a1b2,Ecp,/ecp/y.js,%s,%s,python-requests/2.25.1,%s,%s,"
	    "X-BEResource-Cookie,%s\n", user, anchor, ip, status, cookie),
	    EXH_OK);
}

static struct exh_findings *
analyse(int expect_status)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	assert_int_equal(run_mem(ls, HPPATH, EXH_LOG_UNKNOWN, text.data,
	    text.len, 0, &fs, &err), expect_status);
	exh_logscan_destroy(ls);
	exh_buf_free(&text);
	return fs;
}

static void
start(void)
{
	exh_buf_reset(&text);
	assert_int_equal(exh_buf_puts(&text, HDR), EXH_OK);
}

static void
ssrf_to_mapi_is_flagged_by_all_three_variants(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	start();
	row("ServerInfo~a]@exch01.contoso.local:444/mapi/emsmdb/?#", "",
	    "200", "", "203.0.113.7");
	fs = analyse(EXH_OK);
	f = find_hit(fs, "CVE-2021-26855/test-proxylogon", 2);
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_FIND_LOG);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_true(f->score >= 80);
	assert_string_equal(f->file.path, HPPATH);
	assert_string_equal(f->client_ip, "203.0.113.7");
	assert_string_equal(field_of(f, "AnchorMailbox"),
	    "ServerInfo~a]@exch01.contoso.local:444/mapi/emsmdb/?#");
	assert_string_equal(field_of(f, "HttpStatus"), "200");
	assert_string_equal(field_of(f, "UrlStem"), "/ecp/y.js");
	assert_int_equal(f->nreasons, 1);
	assert_string_equal(f->reasons[0].kind, "log");
	assert_string_equal(f->reasons[0].name,
	    "CVE-2021-26855/test-proxylogon");
	/* 2021-03-03T06:49:42.162Z */
	assert_int_equal(f->time, (int64_t)(1614754182LL * 10000000LL +
	    EXH_FILETIME_UNIX_EPOCH + 1620000));
	assert_non_null(find_hit(fs, "CVE-2021-26855/blog", 2));
	assert_non_null(find_hit(fs, "CVE-2021-26855/blog-updated", 2));
	assert_int_equal(exh_findings_count(fs), 3);
	exh_findings_destroy(fs);
}

static void
autodiscover_target_is_excluded_from_test_proxylogon_only(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/autodiscover/autodiscover.xml?#", "",
	    "200", "", "203.0.113.7");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "CVE-2021-26855/test-proxylogon"), 0);
	assert_int_equal(count_check(fs, "CVE-2021-26855/blog"), 1);
	assert_int_equal(count_check(fs, "CVE-2021-26855/blog-updated"), 1);
	exh_findings_destroy(fs);
}

static void
localhost_target_is_excluded_from_test_proxylogon(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~localhost/ecp/health.aspx", "CONTOSO\\HealthMailbox1",
	    "200", "", "10.0.0.9");
	row("SERVERINFO~LOCALHOST:444/owa/x", "", "200", "", "10.0.0.9");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "CVE-2021-26855/test-proxylogon"), 0);
	/* blog wants an empty AuthenticatedUser: only the second row. */
	assert_int_equal(count_check(fs, "CVE-2021-26855/blog"), 1);
	assert_non_null(find_hit(fs, "CVE-2021-26855/blog", 3));
	exh_findings_destroy(fs);
}

static void
anchor_without_slash_or_prefix_is_not_flagged(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~exch01.contoso.local", "", "200", "", "10.0.0.1");
	row("Smtp:user1@contoso.com", "CONTOSO\\user1", "200",
	    "Database~a1~~2021-03-04T06:00:11", "10.0.0.1");
	row("xServerInfo~a/b", "", "200", "", "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(exh_findings_count(fs), 0);
	exh_findings_destroy(fs);
}

static void
lower_case_prefix_matches_like_powershell(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("serverinfo~b]@exch01:444/ews/exchange.asmx?#", "", "200", "",
	    "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "CVE-2021-26855/test-proxylogon"), 1);
	exh_findings_destroy(fs);
}

static void
backend_cookie_only_hits_the_updated_blog_variant(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("Smtp:user1@contoso.com", "CONTOSO\\user1", "200",
	    "Server~exch01.contoso.local~1942062522/ecp/x~2021", "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(exh_findings_count(fs), 1);
	assert_non_null(find_hit(fs, "CVE-2021-26855/blog-updated", 2));
	assert_string_equal(field_of(find_hit(fs,
	    "CVE-2021-26855/blog-updated", 2), "BackEndCookie"),
	    "Server~exch01.contoso.local~1942062522/ecp/x~2021");
	exh_findings_destroy(fs);
}

static void
failed_ssrf_is_an_attempt_below_alert(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/mapi/emsmdb/?#", "", "500", "",
	    "10.0.0.1");
	fs = analyse(EXH_OK);
	f = find_hit(fs, "CVE-2021-26855/test-proxylogon", 2);
	assert_non_null(f);
	assert_true(f->score < 80);
	assert_int_equal(f->level, EXH_LEVEL_WARNING);
	exh_findings_destroy(fs);
}

static void
status_241_of_proxylogon_ecp_counts_as_success(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/ecp/proxyLogon.ecp?#", "", "241", "",
	    "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(find_hit(fs, "CVE-2021-26855/test-proxylogon",
	    2)->level, EXH_LEVEL_ALERT);
	exh_findings_destroy(fs);
}

static void
reset_vdir_with_200_is_an_alert(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/ecp/DDI/DDIService.svc/SetObject?"
	    "msExchEcpCanary=x&schema=ResetOABVirtualDirectory#", "", "200", "",
	    "10.0.0.1");
	fs = analyse(EXH_OK);
	f = find_hit(fs, "CVE-2021-27065/reset-vdir", 2);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_true(f->score >= 80);
	exh_findings_destroy(fs);
}

static void
reset_vdir_with_500_is_not_flagged(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/ecp/DDI/DDIService.svc/SetObject?"
	    "schema=ResetOABVirtualDirectory#", "", "500", "", "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "CVE-2021-27065/reset-vdir"), 0);
	exh_findings_destroy(fs);
}

static void
reset_vdir_pattern_needs_the_trailing_hash(void **state)
{
	struct exh_findings *fs;

	(void)state;
	start();
	row("ServerInfo~a]@exch01:444/ecp/DDI/DDIService.svc/SetObject?"
	    "schema=ResetOABVirtualDirectory&x=1", "", "200", "", "10.0.0.1");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "CVE-2021-27065/reset-vdir"), 0);
	exh_findings_destroy(fs);
}

static void
listed_attacker_ip_is_flagged_and_others_are_not(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	start();
	row("Smtp:u@contoso.com", "CONTOSO\\u", "200", "", "130.255.189.21");
	row("Smtp:u@contoso.com", "CONTOSO\\u", "200", "", "130.255.189.2");
	row("Smtp:u@contoso.com", "CONTOSO\\u", "200", "", "165.232.154.116:5123");
	fs = analyse(EXH_OK);
	assert_int_equal(count_check(fs, "httpproxy/attacker-ip"), 2);
	f = find_hit(fs, "httpproxy/attacker-ip", 2);
	assert_non_null(f);
	assert_non_null(strstr(f->reasons[0].detail, "HelseCERT"));
	assert_non_null(find_hit(fs, "httpproxy/attacker-ip", 4));
	exh_findings_destroy(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ssrf_to_mapi_is_flagged_by_all_three_variants),
		cmocka_unit_test(autodiscover_target_is_excluded_from_test_proxylogon_only),
		cmocka_unit_test(localhost_target_is_excluded_from_test_proxylogon),
		cmocka_unit_test(anchor_without_slash_or_prefix_is_not_flagged),
		cmocka_unit_test(lower_case_prefix_matches_like_powershell),
		cmocka_unit_test(backend_cookie_only_hits_the_updated_blog_variant),
		cmocka_unit_test(failed_ssrf_is_an_attempt_below_alert),
		cmocka_unit_test(status_241_of_proxylogon_ecp_counts_as_success),
		cmocka_unit_test(reset_vdir_with_200_is_an_alert),
		cmocka_unit_test(reset_vdir_with_500_is_not_flagged),
		cmocka_unit_test(reset_vdir_pattern_needs_the_trailing_hash),
		cmocka_unit_test(listed_attacker_ip_is_flagged_and_others_are_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
