/* Unit tests: post-exploitation traces (Defender, local administrators, services, scheduled tasks) and their hostile-input parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttest.h"
#include "host/traces_int.h"

#define TASKS_DIR "C:\\Windows\\System32\\Tasks"

/* A disk in memory: hives by Windows path, task files under TASKS_DIR. */
struct disk {
	struct ht_host h;
	const char *task_name[4];
	const char *task_xml[4];
	size_t ntasks;
};

static int
disk_walk(void *ctx, const char *dir, size_t max, exh_traces_file_fn each,
    void *fctx, struct exh_err *err)
{
	struct disk *d = ctx;
	char path[512];
	size_t i;
	int rc = EXH_OK;

	(void)max;
	if (!exh_ascii_iequal(dir, TASKS_DIR))
		return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: none", dir);
	for (i = 0; i < d->ntasks && rc == EXH_OK; i++) {
		struct exh_fileref f = { 0 };

		snprintf(path, sizeof(path), "%s\\%s", dir, d->task_name[i]);
		f.path = path;
		f.si.created = 133000000000000000LL;
		rc = each(fctx, &f, d->task_xml[i], strlen(d->task_xml[i]),
		    NULL);
	}
	return rc;
}

static void
add_hive(struct disk *d, const char *win, const char *spec)
{
	char out[] = "/tmp/exh-traces-XXXXXX", why[300];
	unsigned char *data;
	size_t len;
	int fd = mkstemp(out);

	assert_true(fd >= 0);
	close(fd);
	if (hs_build(spec, out, why, sizeof(why)) != 0)
		fail_msg("hive spec: %s", why);
	assert_int_equal(ht_slurp(out, &data, &len), 0);
	unlink(out);
	ht_add(&d->h, win, data, len);
}

static void
add_fixture_hive(struct disk *d, const char *win, const char *spec)
{
	unsigned char *data;
	size_t len;

	assert_int_equal(ht_hive("../traces", spec, &data, &len), 0);
	ht_add(&d->h, win, data, len);
}

static struct exh_traces *
table(void)
{
	struct exh_traces *t = NULL;
	struct exh_err err = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s/rules/traces.tsv", ht_top());
	assert_int_equal(exh_traces_load(path, &t, &err), EXH_OK);
	return t;
}

/* Runs the checks over d; the findings sorted, the notes in *notes. */
static struct exh_findings *
run(struct disk *d, char ***notes, size_t *nnotes)
{
	struct exh_traces *t = table();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	assert_int_equal(exh_traces_find_from(t, NULL, ht_read, disk_walk, d,
	    fs, notes, nnotes, &err), EXH_OK);
	exh_findings_sort(fs);
	exh_traces_free(t);
	return fs;
}

static size_t
count_check(const struct exh_findings *fs, const char *check)
{
	size_t i, n = 0;

	for (i = 0; i < exh_findings_count(fs); i++)
		n += strcmp(exh_findings_get(fs, i)->check, check) == 0;
	return n;
}

static const struct exh_finding *
first(const struct exh_findings *fs, const char *check)
{
	size_t i;

	for (i = 0; i < exh_findings_count(fs); i++)
		if (strcmp(exh_findings_get(fs, i)->check, check) == 0)
			return exh_findings_get(fs, i);
	fail_msg("no %s finding", check);
	return NULL;
}

static const char *
field(const struct exh_finding *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return f->fields[i].value;
	return "";
}

static void
done(struct disk *d, struct exh_findings *fs, char **notes, size_t n)
{
	exh_findings_destroy(fs);
	exh_strvec_free(notes, n);
	ht_free(&d->h);
}

static void
defender_exclusion_of_programdata_is_one_alert_naming_key_and_item(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SOFTWARE",
	    "dword \"\\Microsoft\\Windows Defender\\Exclusions\\Paths\" "
	    "C:\\ProgramData=0\n");
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 1);
	f = first(fs, "T1/defender-exclusion");
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_int_equal(f->kind, EXH_FIND_HOST);
	assert_string_equal(field(f, "excluded"), "C:\\ProgramData");
	assert_string_equal(field(f, "registry key"), "SOFTWARE\\Microsoft\\"
	    "Windows Defender\\Exclusions\\Paths");
	assert_string_equal(f->file.path,
	    "C:\\Windows\\System32\\config\\SOFTWARE");
	done(&d, fs, notes, n);
}

static void
exchange_recommended_exclusions_are_counted_not_reported(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0, i;
	struct exh_findings *fs;
	bool said = false;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SOFTWARE",
	    "dword \"\\Microsoft\\Windows Defender\\Exclusions\\Paths\" "
	    "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging=0\n"
	    "dword \"\\Microsoft\\Windows Defender\\Exclusions\\Extensions\" "
	    ".edb=0\n"
	    "dword \"\\Microsoft\\Windows Defender\\Exclusions\\Processes\" "
	    "%SystemRoot%\\System32\\inetsrv\\w3wp.exe=0\n");
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 0);
	for (i = 0; i < n; i++)
		said |= strstr(notes[i], "Defender: 3 exclusions are on "
		    "Microsoft's Exchange") != NULL;
	assert_true(said);
	done(&d, fs, notes, n);
}

static void
exclusion_climbing_out_of_an_exchange_folder_is_not_allowed(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SOFTWARE",
	    "dword \"\\Microsoft\\Windows Defender\\Exclusions\\Paths\" "
	    "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\..\\"
	    "..\\..\\..\\..\\ProgramData=0\n");
	fs = run(&d, &notes, &n);
	assert_int_equal(count_check(fs, "T1/defender-exclusion"), 1);
	done(&d, fs, notes, n);
}

static void
realtime_monitoring_off_and_windefend_disabled_are_findings(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SOFTWARE",
	    "dword \"\\Policies\\Microsoft\\Windows Defender\\Real-Time "
	    "Protection\" DisableRealtimeMonitoring=1\n"
	    "dword \"\\Policies\\Microsoft\\Windows Defender\" "
	    "DisableAntiSpyware=0\n");
	add_hive(&d, "C:\\Windows\\System32\\config\\SYSTEM",
	    "dword \\Select Current=2\n"
	    "dword \\ControlSet002\\Services\\WinDefend Start=4\n"
	    "dword \\ControlSet001\\Control\\SecurityProviders\\WDigest "
	    "UseLogonCredential=1\n");
	fs = run(&d, &notes, &n);
	/* DisableAntiSpyware=0 is no finding; WDigest sits in a control set
	 * that is not the current one. */
	assert_int_equal(count_check(fs, "T1/defender-disabled"), 2);
	assert_string_equal(field(first(fs, "T1/defender-disabled"),
	    "registry value"), exh_ascii_istarts(field(first(fs,
	    "T1/defender-disabled"), "registry value"), "SYSTEM") ?
	    "SYSTEM\\ControlSet002\\Services\\WinDefend\\Start" :
	    "SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time "
	    "Protection\\DisableRealtimeMonitoring");
	done(&d, fs, notes, n);
}

static const char enc_task[] =
    "<?xml version=\"1.0\"?><Task version=\"1.2\" xmlns=\"http://schemas."
    "microsoft.com/windows/2004/02/mit/task\"><RegistrationInfo><Date>"
    "2026-04-02T03:04:05</Date><Author>EXCH01\\support</Author><URI>"
    "\\OfficeUpdate</URI></RegistrationInfo><Actions><Exec><Command>"
    "powershell.exe</Command><Arguments>-enc SQBFAFgA</Arguments></Exec>"
    "</Actions></Task>";

static void
task_running_powershell_enc_is_an_alert_with_author_and_date(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)s;
	d.task_name[0] = "OfficeUpdate";
	d.task_xml[0] = enc_task;
	d.ntasks = 1;
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 1);
	f = first(fs, "T3/scheduled-task");
	assert_int_equal(f->level, EXH_LEVEL_ALERT);
	assert_string_equal(f->file.path, TASKS_DIR "\\OfficeUpdate");
	assert_string_equal(field(f, "author"), "EXCH01\\support");
	assert_string_equal(field(f, "registered (RegistrationInfo Date)"),
	    "2026-04-02T03:04:05");
	assert_string_equal(field(f, "arguments"), "-enc SQBFAFgA");
	done(&d, fs, notes, n);
}

static void
microsoft_maintenance_task_running_a_system32_binary_is_no_finding(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;

	(void)s;
	d.task_name[0] = "ScheduledDefrag";
	d.task_xml[0] = "<Task xmlns=\"http://schemas.microsoft.com/windows/"
	    "2004/02/mit/task\"><RegistrationInfo><Author>$(@%SystemRoot%\\"
	    "system32\\defragsvc.dll,-801)</Author><URI>\\Microsoft\\Windows"
	    "\\Defrag\\ScheduledDefrag</URI></RegistrationInfo><Actions><Exec>"
	    "<Command>%windir%\\system32\\defrag.exe</Command><Arguments>-c -h "
	    "-o -$</Arguments></Exec></Actions></Task>";
	d.task_name[1] = "Proxy";
	d.task_xml[1] = "<Task><Actions><Exec><Command>%windir%\\system32\\"
	    "rundll32.exe</Command><Arguments>/d acproxy.dll,"
	    "PerformAutochkOperations</Arguments></Exec></Actions></Task>";
	d.ntasks = 2;
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 0);
	done(&d, fs, notes, n);
}

static void
task_file_that_is_not_a_task_becomes_a_note(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0, i;
	struct exh_findings *fs;
	bool said = false;

	(void)s;
	d.task_name[0] = "junk";
	d.task_xml[0] = "MZ\x90";
	d.task_name[1] = "html";
	d.task_xml[1] = "<html/>";
	d.ntasks = 2;
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 0);
	for (i = 0; i < n; i++)
		said |= strstr(notes[i], "scheduled task " TASKS_DIR "\\html: "
		    "not parsed: XML, but not a task") != NULL;
	assert_true(said);
	done(&d, fs, notes, n);
}

static void
task_registered_without_sd_or_file_is_reported_once_each(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SOFTWARE",
	    "sz \"\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\"
	    "TaskCache\\Tree\\OfficeUpdate\" Id={1}\n"
	    "binary \"\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\"
	    "TaskCache\\Tree\\OfficeUpdate\" SD=hex:01\n"
	    "sz \"\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\"
	    "TaskCache\\Tree\\Sub\\Hidden\" Id={2}\n");
	d.task_name[0] = "officeupdate";
	d.task_xml[0] = "<Task><Actions><Exec><Command>%windir%\\system32\\"
	    "defrag.exe</Command></Exec></Actions></Task>";
	d.ntasks = 1;
	fs = run(&d, &notes, &n);
	assert_int_equal(exh_findings_count(fs), 2);
	assert_string_equal(field(first(fs, "T3/hidden-task"), "task"),
	    "\\Sub\\Hidden");
	assert_int_equal(first(fs, "T3/hidden-task")->level, EXH_LEVEL_ALERT);
	/* The file of OfficeUpdate matches whatever its case. */
	assert_string_equal(field(first(fs, "T3/task-without-file"), "task"),
	    "\\Sub\\Hidden");
	done(&d, fs, notes, n);
}

static void
entity_declarations_in_task_xml_are_not_expanded(void **s)
{
	struct traces_task t;
	struct exh_err err = { 0 };
	const char *xml = "<?xml version=\"1.0\"?><!DOCTYPE Task [<!ENTITY a "
	    "\"powershell.exe\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	    "<Task><Actions><Exec><Command>&b;</Command></Exec></Actions>"
	    "</Task>";

	(void)s;
	assert_int_equal(traces_task_parse(xml, strlen(xml), &t, &err),
	    EXH_OK);
	assert_int_equal(t.nexec, 1);
	assert_string_equal(t.exec[0].command, "&b;");
	traces_task_free(&t);
}

static void
utf16_task_with_bom_is_parsed(void **s)
{
	const char *ascii = "<Task><RegistrationInfo><Author>x</Author>"
	    "</RegistrationInfo><Actions><Exec><Command>cmd.exe</Command>"
	    "<Arguments>/c whoami</Arguments></Exec></Actions></Task>";
	size_t len = strlen(ascii), i;
	unsigned char *u = malloc(2 + 2 * len);
	struct traces_task t;
	struct exh_err err = { 0 };

	(void)s;
	u[0] = 0xff;
	u[1] = 0xfe;
	for (i = 0; i < len; i++) {
		u[2 + 2 * i] = (unsigned char)ascii[i];
		u[3 + 2 * i] = 0;
	}
	assert_int_equal(traces_task_parse(u, 2 + 2 * len, &t, &err), EXH_OK);
	assert_string_equal(t.author, "x");
	assert_string_equal(t.exec[0].arguments, "/c whoami");
	traces_task_free(&t);
	free(u);
}

static void
service_with_image_in_programdata_is_a_finding_with_its_key(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)s;
	add_fixture_hive(&d, "C:\\Windows\\System32\\config\\SYSTEM",
	    "system.spec");
	fs = run(&d, &notes, &n);
	assert_int_equal(count_check(fs, "T3/service"), 1);
	f = first(fs, "T3/service");
	assert_int_equal(f->level, EXH_LEVEL_WARNING);
	assert_string_equal(field(f, "registry key"),
	    "SYSTEM\\ControlSet001\\Services\\Updater");
	assert_string_equal(field(f, "ImagePath"),
	    "C:\\ProgramData\\svc\\updater.exe -k");
	assert_string_equal(field(f, "Start"), "2");
	done(&d, fs, notes, n);
}

static void
psexec_service_running_cmd_is_an_alert(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;

	(void)s;
	add_hive(&d, "C:\\Windows\\System32\\config\\SYSTEM",
	    "dword \\Select Current=1\n"
	    "expandsz \\ControlSet001\\Services\\BTOBTO ImagePath=%COMSPEC% "
	    "/Q /c echo whoami ^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > "
	    "%TEMP%\\execute.bat\n");
	fs = run(&d, &notes, &n);
	assert_int_equal(count_check(fs, "T3/service"), 1);
	assert_int_equal(first(fs, "T3/service")->level, EXH_LEVEL_ALERT);
	done(&d, fs, notes, n);
}

static void
sam_with_extra_local_admin_names_the_account_and_its_times(void **s)
{
	struct disk d = { 0 };
	char **notes = NULL;
	size_t n = 0;
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)s;
	add_fixture_hive(&d, "C:\\Windows\\System32\\config\\SAM", "sam.spec");
	fs = run(&d, &notes, &n);
	assert_int_equal(count_check(fs, "T2/local-admin"), 1);
	f = first(fs, "T2/local-admin");
	assert_int_equal(f->level, EXH_LEVEL_WARNING);
	assert_string_equal(field(f, "account"), "support");
	assert_string_equal(field(f, "member SID"),
	    "S-1-5-21-1111-2222-3333-1001");
	assert_string_equal(field(f, "last logon (F)"),
	    "2022-06-18T04:26:40.0000000Z");
	/* Domain Admins (512) is expected; the other domain SID is info. */
	assert_int_equal(count_check(fs, "T2/local-admin-domain"), 1);
	assert_int_equal(first(fs, "T2/local-admin-domain")->level,
	    EXH_LEVEL_INFO);
	done(&d, fs, notes, n);
}

/* An alias C value: 52-byte header, members at 52 + off, count at 48. */
static size_t
c_value(unsigned char *c, uint32_t off, uint32_t count, int nsids)
{
	size_t len = 52 + off;
	int i;

	memset(c, 0, 512);
	hs_put32(c + 40, off);
	hs_put32(c + 48, count);
	for (i = 0; i < nsids; i++) {
		unsigned char *p = c + len;

		p[0] = 1;
		p[1] = 2;
		p[7] = 5;
		hs_put32(p + 8, 32);
		hs_put32(p + 12, (uint32_t)(544 + i));
		len += 16;
	}
	return len;
}

static void
alias_members_are_read_at_their_offset(void **s)
{
	unsigned char c[512];
	size_t len = c_value(c, 8, 2, 2), n = 0;
	char **sids = NULL;
	struct exh_err err = { 0 };

	(void)s;
	assert_int_equal(traces_alias_members(c, len, &sids, &n, &err),
	    EXH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(sids[0], "S-1-5-32-544");
	assert_string_equal(sids[1], "S-1-5-32-545");
	exh_strvec_free(sids, n);
}

static void
alias_with_forged_count_keeps_the_members_before_the_end(void **s)
{
	unsigned char c[512];
	size_t len = c_value(c, 0, 0xffff, 2), n = 0;
	char **sids = NULL;
	struct exh_err err = { 0 };

	(void)s;
	assert_int_equal(traces_alias_members(c, len, &sids, &n, &err),
	    EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "more than"));
	hs_put32(c + 48, 3);
	assert_int_equal(traces_alias_members(c, len, &sids, &n, &err),
	    EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "member 3 of 3 runs past"));
	assert_int_equal(n, 2);
	exh_strvec_free(sids, n);
}

static void
alias_with_offset_past_the_end_or_bad_sid_is_corrupt(void **s)
{
	unsigned char c[512];
	size_t len = c_value(c, 0, 1, 1), n = 0;
	char **sids = NULL;
	struct exh_err err = { 0 };

	(void)s;
	hs_put32(c + 40, 0xfffffff0u);
	assert_int_equal(traces_alias_members(c, len, &sids, &n, &err),
	    EXH_ECORRUPT);
	hs_put32(c + 40, 0);
	c[53] = 200;	/* sub-authority count */
	assert_int_equal(traces_alias_members(c, len, &sids, &n, &err),
	    EXH_ECORRUPT);
	assert_int_equal(traces_alias_members(c, 51, &sids, &n, &err),
	    EXH_ECORRUPT);
	assert_int_equal(n, 0);
}

static void
table_line_with_a_bad_score_is_rejected_with_its_line(void **s)
{
	char path[] = "/tmp/exh-traces-tsv-XXXXXX";
	struct exh_traces *t = NULL;
	struct exh_err err = { 0 };
	int fd = mkstemp(path);
	const char *text = "# x\nprogram\tcmd.exe\t40\tshell\n"
	    "program\tpwsh.exe\t140\tPowerShell\n";

	(void)s;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(exh_traces_load(path, &t, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, ":3: score"));
	assert_null(t);
	unlink(path);
}

static void
glob_is_case_insensitive_and_bounded(void **s)
{
	char big[4097];

	(void)s;
	assert_true(traces_glob("?:\\ProgramData*", "c:\\programdata\\x"));
	assert_false(traces_glob("?:\\ProgramData*", "C:\\Program Files"));
	assert_true(traces_glob("* -en* *", " powershell -EncodedCommand x "));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(traces_glob("*a*a*a*a*a*a*a*a*b", big));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defender_exclusion_of_programdata_is_one_alert_naming_key_and_item),
		cmocka_unit_test(exchange_recommended_exclusions_are_counted_not_reported),
		cmocka_unit_test(exclusion_climbing_out_of_an_exchange_folder_is_not_allowed),
		cmocka_unit_test(realtime_monitoring_off_and_windefend_disabled_are_findings),
		cmocka_unit_test(task_running_powershell_enc_is_an_alert_with_author_and_date),
		cmocka_unit_test(microsoft_maintenance_task_running_a_system32_binary_is_no_finding),
		cmocka_unit_test(task_file_that_is_not_a_task_becomes_a_note),
		cmocka_unit_test(task_registered_without_sd_or_file_is_reported_once_each),
		cmocka_unit_test(entity_declarations_in_task_xml_are_not_expanded),
		cmocka_unit_test(utf16_task_with_bom_is_parsed),
		cmocka_unit_test(service_with_image_in_programdata_is_a_finding_with_its_key),
		cmocka_unit_test(psexec_service_running_cmd_is_an_alert),
		cmocka_unit_test(sam_with_extra_local_admin_names_the_account_and_its_times),
		cmocka_unit_test(alias_members_are_read_at_their_offset),
		cmocka_unit_test(alias_with_forged_count_keeps_the_members_before_the_end),
		cmocka_unit_test(alias_with_offset_past_the_end_or_bad_sid_is_corrupt),
		cmocka_unit_test(table_line_with_a_bad_score_is_rejected_with_its_line),
		cmocka_unit_test(glob_is_case_insensitive_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
