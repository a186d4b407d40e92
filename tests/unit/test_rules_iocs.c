/* Tests: hash lists, path IOCs, the MSTIC feed, allow-lists and discovery of IOC files by name. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_fixture.h"

#define RULE "rule t { condition: false }\n"
#define MD5A "0123456789abcdef0123456789abcdef"
#define MD5B "fedcba9876543210fedcba9876543210"
#define SHA1A "00112233445566778899aabbccddeeff00112233"
#define SHA256A \
	"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

struct env {
	struct fx x;
	struct exh_rules *r;
	struct exh_finding *f;
};

/* Writes one IOC file iocs/<name> and loads yara/ + iocs/. */
static void
env_load(struct env *e, const char *name, const char *text)
{
	struct exh_err err = { 0 };
	char rel[256];

	fx_init(&e->x);
	fx_write(&e->x, "yara/r.yar", RULE);
	snprintf(rel, sizeof(rel), "iocs/%s", name);
	fx_write(&e->x, rel, text);
	assert_int_equal(fx_load(&e->x, "yara", "iocs", NULL, &e->r, &err),
	    EXH_OK);
	e->f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(e->f);
}

static void
env_free(struct env *e)
{
	exh_finding_free(e->f);
	exh_rules_destroy(e->r);
	fx_cleanup(&e->x);
}

static void
reset(struct env *e)
{
	exh_finding_free(e->f);
	e->f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(e->f);
}

static size_t
path_hits(struct env *e, const char *path, const char *stream)
{
	struct exh_err err = { 0 };

	reset(e);
	assert_int_equal(exh_rules_match_path(e->r, path, stream, e->f, &err),
	    EXH_OK);
	return e->f->nreasons;
}

static size_t
hash_hits(struct env *e, const char *md5, const char *sha1,
    const char *sha256, bool *allowed)
{
	struct exh_err err = { 0 };

	reset(e);
	assert_int_equal(exh_rules_match_hashes(e->r, md5, sha1, sha256, e->f,
	    allowed, &err), EXH_OK);
	return e->f->nreasons;
}

/* YARA rules alone, or IOCs alone, are a rule set; nothing at all is not. */
static void
yara_only_and_ioc_only_sets_load_and_an_empty_one_is_refused(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_matcher *m = NULL;
	struct exh_finding *f;
	struct exh_scan_target t = { .path = "C:\\x.aspx" };
	struct exh_err err = { 0 };

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "iocs/hash-iocs.txt", "# nothing here\n\n");
	fx_write(&x, "only/hash-iocs.txt", MD5A ";planted\n");
	fx_write(&x, "empty/notes.txt", "nothing to load\n");
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	assert_int_equal(exh_rules_counts(r).yara_rules, 1);
	exh_rules_destroy(r);
	r = NULL;
	/* IOC-only: the matcher exists and its YARA scan finds nothing. */
	assert_int_equal(fx_load(&x, NULL, "only", NULL, &r, &err), EXH_OK);
	assert_int_equal(exh_rules_counts(r).yara_rules, 0);
	assert_int_equal(exh_rules_counts(r).md5, 1);
	assert_int_equal(exh_matcher_create(r, 0, &m, &err), EXH_OK);
	f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(f);
	assert_int_equal(exh_matcher_scan(m, &t, "x", 1, 0, f, &err), EXH_OK);
	assert_int_equal(f->nreasons, 0);
	exh_finding_free(f);
	exh_matcher_destroy(m);
	exh_rules_destroy(r);
	r = NULL;
	assert_int_equal(fx_load(&x, NULL, "empty", NULL, &r, &err),
	    EXH_EUSAGE);
	assert_null(r);
	assert_true(strncmp(err.msg, "rules: no YARA rules and no hash or "
	    "path IOC entries loaded", 55) == 0);
	fx_cleanup(&x);
}

static void
bad_hex_in_hash_list_is_rejected_with_its_line_number(void **state)
{
	struct env e = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	env_load(&e, "hash-iocs.txt", "# list\n" MD5A ";good\n"
	    "zz23456789abcdef0123456789abcdef;bad hex\n"
	    "abcdef;too short\n" MD5A ";again\n");
	f = fx_file(e.r, "hash-iocs.txt");
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_RF_HASH);
	assert_int_equal(f->loaded, 1);
	assert_int_equal(f->nrejects, 3);
	assert_int_equal(f->rejects[0].line, 3);
	assert_string_equal(f->rejects[0].reason, "not a hexadecimal hash");
	assert_int_equal(f->rejects[1].line, 4);
	assert_non_null(strstr(f->rejects[1].reason, "6 hex digits"));
	assert_int_equal(f->rejects[2].line, 5);
	assert_string_equal(f->rejects[2].reason, "duplicate of line 2");
	assert_int_equal(exh_rules_counts(e.r).md5, 1);
	env_free(&e);
}

static void
two_and_three_column_lines_give_description_and_score(void **state)
{
	struct env e = { 0 };
	bool allowed = true;

	(void)state;
	env_load(&e, "hash-iocs.txt", "# Group comment\n"
	    MD5A ";China Chopper\n"
	    SHA1A ";60;Uploader; with a semicolon\n"
	    MD5B "\n"
	    SHA256A ";\n");
	assert_int_equal(hash_hits(&e, MD5A, NULL, NULL, &allowed), 1);
	assert_false(allowed);
	assert_string_equal(e.f->reasons[0].kind, "hash");
	assert_string_equal(e.f->reasons[0].name, "hash-iocs.txt:2");
	assert_int_equal(e.f->reasons[0].score, 100);
	assert_string_equal(e.f->reasons[0].description, "China Chopper");
	/* Case does not matter. */
	assert_int_equal(hash_hits(&e, "", "00112233445566778899AABBCCDDEEFF"
	    "00112233", "", &allowed), 1);
	assert_int_equal(e.f->reasons[0].score, 60);
	assert_string_equal(e.f->reasons[0].description,
	    "Uploader; with a semicolon");
	assert_int_equal(hash_hits(&e, MD5B, NULL, NULL, &allowed), 1);
	assert_string_equal(e.f->reasons[0].description, "Group comment");
	assert_int_equal(hash_hits(&e, NULL, NULL, SHA256A, &allowed), 1);
	assert_string_equal(e.f->reasons[0].description, "Group comment");
	assert_int_equal(hash_hits(&e, MD5B, SHA1A, SHA256A, &allowed), 3);
	assert_int_equal(hash_hits(&e, "ffffffffffffffffffffffffffffffff",
	    NULL, NULL, &allowed), 0);
	assert_true(exh_rules_wants_md5(e.r));
	assert_true(exh_rules_wants_sha1(e.r));
	env_free(&e);
}

static void
sha256sum_and_md5sum_output_lines_load(void **state)
{
	struct env e = { 0 };
	const struct exh_rules_file *f;
	bool allowed;

	(void)state;
	env_load(&e, "exchange-hashes.txt", SHA256A "  shell.aspx\n"
	    MD5A " *tool.exe\n");
	f = fx_file(e.r, "exchange-hashes.txt");
	assert_int_equal(f->loaded, 2);
	assert_int_equal(hash_hits(&e, NULL, NULL, SHA256A, &allowed), 1);
	assert_string_equal(e.f->reasons[0].description, "shell.aspx");
	assert_int_equal(hash_hits(&e, MD5A, NULL, NULL, &allowed), 1);
	assert_string_equal(e.f->reasons[0].description, "tool.exe");
	assert_false(exh_rules_wants_sha1(e.r));
	env_free(&e);
}

static void
mstic_csv_gives_hashes_and_path_suffixes_on_any_drive(void **state)
{
	struct env e = { 0 };
	const struct exh_rules_file *f;
	bool allowed;

	(void)state;
	env_load(&e, "mstic-feed.csv",
	    "DateAdded,FirstSeen,Indicator,IndicatorType,TLP\r\n"
	    "2021-03-09,2021-03-05T10:07:29.0421232Z," SHA256A ",sha256,White\r\n"
	    "2021-03-09,,C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
	    "FrontEnd\\HttpProxy\\owa\\auth\\OutlookZH.aspx,filepath,White\r\n"
	    "2021-03-09,,C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx,"
	    "filepath,White\r\n"
	    "2021-03-11,,C:\\users\\public\\opera\\opera_browser.exe,filepath,"
	    "White\r\n"
	    "2021-03-09,,c:\\program files\\microsoft\\exchange server\\v15\\"
	    "frontend\\httpproxy\\owa\\auth\\outlookzh.aspx,filepath,White\r\n"
	    "2021-03-09,,example.com,domainname,White\r\n"
	    "2021-03-09,,xyz,sha256,White\r\n");
	f = fx_file(e.r, "mstic-feed.csv");
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_RF_MSTIC);
	assert_int_equal(f->loaded, 4);
	assert_int_equal(f->ignored, 1);
	assert_int_equal(f->nrejects, 2);
	assert_int_equal(f->rejects[0].line, 6);
	assert_string_equal(f->rejects[0].reason, "duplicate of line 3");
	assert_int_equal(f->rejects[1].line, 8);
	assert_int_equal(exh_rules_counts(e.r).sha256, 1);
	assert_int_equal(exh_rules_counts(e.r).path_iocs, 3);
	assert_int_equal(hash_hits(&e, NULL, NULL, SHA256A, &allowed), 1);
	assert_string_equal(e.f->reasons[0].name, "mstic-feed.csv:2");
	assert_int_equal(path_hits(&e, "E:\\Exchange\\FrontEnd\\HttpProxy\\owa"
	    "\\auth\\OutlookZH.aspx", ""), 1);
	assert_string_equal(e.f->reasons[0].kind, "path");
	assert_int_equal(e.f->reasons[0].score, 75);
	assert_string_equal(e.f->reasons[0].name, "mstic-feed.csv:3");
	assert_int_equal(path_hits(&e, "E:\\EXCHANGE\\FRONTEND\\HTTPPROXY\\OWA"
	    "\\AUTH\\outlookzh.ASPX", ""), 1);
	assert_int_equal(path_hits(&e, "E:\\Exchange\\FrontEnd\\HttpProxy\\owa"
	    "\\auth\\Current\\OutlookZH.aspx", ""), 0);
	assert_int_equal(path_hits(&e, "E:\\Exchange\\FrontEnd\\HttpProxy\\owa"
	    "\\auth\\XOutlookZH.aspx", ""), 0);
	assert_int_equal(path_hits(&e, "D:\\IIS\\inetpub\\wwwroot\\"
	    "aspnet_client\\shell.aspx", ""), 1);
	assert_int_equal(path_hits(&e, "C:\\Users\\Public\\Opera\\"
	    "opera_browser.exe", ""), 1);
	assert_int_equal(path_hits(&e, "C:\\x\\users\\public\\opera\\"
	    "opera_browser.exe", ""), 0);
	env_free(&e);
}

static void
allow_list_hash_sets_allowed(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_finding *f;
	struct exh_err err = { 0 };
	bool allowed = false;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "iocs/hash-iocs.txt", MD5A ";bad\n");
	fx_write(&x, "iocs/falsepositive-hashes.txt", MD5B ";known good\n");
	fx_write(&x, "iocs/trusted-hashes.txt", SHA1A ";vendor file\n");
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	assert_int_equal(fx_file(r, "falsepositive-hashes.txt")->kind,
	    EXH_RF_HASH_ALLOW);
	assert_int_equal(fx_file(r, "trusted-hashes.txt")->kind,
	    EXH_RF_HASH_ALLOW);
	assert_int_equal(exh_rules_counts(r).allow_hashes, 2);
	assert_int_equal(exh_rules_counts(r).md5, 1);
	f = exh_finding_new(EXH_FIND_FILE);
	assert_int_equal(exh_rules_match_hashes(r, MD5B, NULL, NULL, f,
	    &allowed, &err), EXH_OK);
	assert_true(allowed);
	assert_int_equal(exh_rules_match_hashes(r, "", SHA1A, NULL, f,
	    &allowed, &err), EXH_OK);
	assert_true(allowed);
	assert_int_equal(exh_rules_match_hashes(r, MD5A, NULL, NULL, f,
	    &allowed, &err), EXH_OK);
	assert_false(allowed);
	assert_int_equal(exh_rules_match_hashes(r, "nothex", NULL, NULL, f,
	    &allowed, &err), EXH_EUSAGE);
	exh_finding_free(f);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
hashes_of_empty_and_newline_content_are_ignored(void **state)
{
	struct env e = { 0 };
	const struct exh_rules_file *f;
	bool allowed;

	(void)state;
	env_load(&e, "hash-iocs.txt", MD5A ";real\n"
	    "D41D8CD98F00B204E9800998ECF8427E;empty file\n"
	    "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b;"
	    "newline\n"
	    "ba8ab5a0280b953aa97435ff8946cbcbb2755a27;crlf\n");
	f = fx_file(e.r, "hash-iocs.txt");
	assert_int_equal(f->loaded, 1);
	assert_int_equal(f->nrejects, 3);
	assert_int_equal(f->rejects[0].line, 2);
	assert_string_equal(f->rejects[0].reason, "hash of empty content");
	assert_string_equal(f->rejects[2].reason, "hash of empty content");
	assert_int_equal(hash_hits(&e, "d41d8cd98f00b204e9800998ecf8427e",
	    NULL, NULL, &allowed), 0);
	env_free(&e);
}

static void
path_ioc_fp_regex_cancels_and_negative_score_is_added(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "filename-iocs.txt",
	    "# Web shells in aspnet_client\n"
	    "\\\\aspnet_client\\\\[^\\\\]+\\.aspx;80;\\\\aspnet_client\\\\"
	    "legit\\.aspx\n"
	    "# Known good folder\n"
	    "\\\\Exchange Server\\\\V15\\\\Bin\\\\;-30\n");
	assert_int_equal(path_hits(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "legit.aspx", ""), 0);
	assert_int_equal(path_hits(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "x.aspx", ""), 1);
	assert_string_equal(e.f->reasons[0].kind, "path");
	assert_string_equal(e.f->reasons[0].name, "filename-iocs.txt:2");
	assert_int_equal(e.f->reasons[0].score, 80);
	assert_string_equal(e.f->reasons[0].description,
	    "Web shells in aspnet_client");
	assert_string_equal(e.f->reasons[0].detail,
	    "\\\\aspnet_client\\\\[^\\\\]+\\.aspx");
	assert_int_equal(path_hits(&e, "C:\\Program Files\\Microsoft\\Exchange "
	    "Server\\V15\\Bin\\a.dll", ""), 1);
	assert_int_equal(e.f->reasons[0].score, -30);
	assert_string_equal(e.f->reasons[0].description, "Known good folder");
	env_free(&e);
}

static void
inline_case_insensitive_flag_works(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "filename-iocs.txt",
	    "(?i)\\\\owa\\\\auth\\\\[a-z0-9]{1,20}\\.aspx$;70\n"
	    "\\\\ecp\\\\auth\\\\x\\.aspx$;60\n");
	assert_int_equal(path_hits(&e, "C:\\X\\OWA\\Auth\\Evil1.ASPX", ""), 1);
	assert_int_equal(path_hits(&e, "C:\\X\\ecp\\auth\\x.aspx", ""), 1);
	assert_int_equal(path_hits(&e, "C:\\X\\ECP\\auth\\x.aspx", ""), 0);
	env_free(&e);
}

static void
path_ioc_is_also_tried_on_path_with_stream(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "filename-iocs.txt", "\\.aspx:[^\\\\]+$;60\n");
	assert_int_equal(path_hits(&e, "C:\\x\\a.aspx", ""), 0);
	assert_int_equal(path_hits(&e, "C:\\x\\a.aspx", "payload"), 1);
	env_free(&e);
}

static void
bad_regex_is_rejected_with_line_number_and_pcre2_message(void **state)
{
	struct env e = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	env_load(&e, "filename-iocs.txt", "good\\.aspx;50\n(unclosed;50\n"
	    "noscore\nx;abc\n");
	f = fx_file(e.r, "filename-iocs.txt");
	assert_int_equal(f->loaded, 1);
	assert_int_equal(f->nrejects, 3);
	assert_int_equal(f->rejects[0].line, 2);
	assert_non_null(strstr(f->rejects[0].reason,
	    "missing closing parenthesis"));
	assert_int_equal(f->rejects[1].line, 3);
	assert_int_equal(f->rejects[2].line, 4);
	env_free(&e);
}

static void
signature_base_iocs_folder_loads_with_the_right_kinds(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "sb/iocs/hash-iocs.txt", "# Hafnium\n" MD5A ";x\n");
	fx_write(&x, "sb/iocs/filename-iocs.txt", "# Hafnium\n"
	    "\\\\aspnet_client\\\\x\\.aspx;75\n");
	fx_write(&x, "sb/iocs/c2-iocs.txt", "example.com\n");
	fx_write(&x, "sb/iocs/falsepositive-hashes.txt", MD5B ";ok\n");
	fx_write(&x, "sb/iocs/keywords.txt", "Invoke-Mimikatz\n");
	fx_write(&x, "sb/iocs/README.md", "docs\n");
	assert_int_equal(fx_load(&x, "yara", "sb/iocs", NULL, &r, &err),
	    EXH_OK);
	f = fx_file(r, "/hash-iocs.txt");
	assert_int_equal(f->kind, EXH_RF_HASH);
	assert_int_equal(f->loaded, 1);
	assert_int_equal(strlen(f->sha256), 64);
	f = fx_file(r, "/filename-iocs.txt");
	assert_int_equal(f->kind, EXH_RF_PATHIOC);
	assert_int_equal(f->loaded, 1);
	f = fx_file(r, "/c2-iocs.txt");
	assert_int_equal(f->kind, EXH_RF_IGNORED);
	assert_string_equal(f->note, "not used offline");
	f = fx_file(r, "/falsepositive-hashes.txt");
	assert_int_equal(f->kind, EXH_RF_HASH_ALLOW);
	f = fx_file(r, "/keywords.txt");
	assert_int_equal(f->kind, EXH_RF_IGNORED);
	assert_string_equal(f->note, "not used offline");
	f = fx_file(r, "/README.md");
	assert_int_equal(f->kind, EXH_RF_IGNORED);
	assert_non_null(f->note);
	assert_int_equal(exh_rules_counts(r).md5, 1);
	assert_int_equal(exh_rules_counts(r).allow_hashes, 1);
	assert_int_equal(exh_rules_counts(r).path_iocs, 1);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
explicit_ioc_file_of_unknown_kind_is_a_usage_error(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "myiocs.txt", MD5A ";x\n");
	assert_int_equal(fx_load(&x, "yara", "myiocs.txt", NULL, &r, &err),
	    EXH_EUSAGE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "cannot tell the IOC kind"));
	assert_int_equal(fx_load(&x, "yara", "missing-dir", NULL, &r, &err),
	    EXH_EUSAGE);
	fx_cleanup(&x);
}

static void
default_dir_layout_is_loaded_and_set_hash_follows_content(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	char dir[300], first[65];

	(void)state;
	fx_init(&x);
	fx_write(&x, "rules/yara/webshells.yar", RULE);
	fx_write(&x, "rules/hashes/exchange-hashes.txt", MD5A ";x\n");
	fx_write(&x, "rules/iocs/exchange-filename-iocs.txt", "x\\.aspx;50\n");
	fx_write(&x, "rules/file-type-signatures.txt", "4D 5A;EXE\n");
	fx_write(&x, "rules/scope.txt", "not ours\n");
	snprintf(dir, sizeof(dir), "%s/rules", x.dir);
	o.default_dir = dir;
	assert_int_equal(exh_rules_load(&o, &r, &err), EXH_OK);
	assert_int_equal(fx_file(r, "webshells.yar")->kind, EXH_RF_YARA);
	assert_string_equal(fx_file(r, "webshells.yar")->name,
	    "yara/webshells.yar");
	assert_int_equal(fx_file(r, "exchange-hashes.txt")->kind, EXH_RF_HASH);
	assert_int_equal(fx_file(r, "exchange-filename-iocs.txt")->kind,
	    EXH_RF_PATHIOC);
	assert_int_equal(fx_file(r, "file-type-signatures.txt")->kind,
	    EXH_RF_FILETYPE);
	assert_null(fx_file(r, "scope.txt"));
	assert_string_equal(exh_rules_filetype(r, "MZ\x90", 3), "EXE");
	assert_int_equal(strlen(exh_rules_set_sha256(r)), 64);
	snprintf(first, sizeof(first), "%s", exh_rules_set_sha256(r));
	exh_rules_destroy(r);
	fx_write(&x, "rules/hashes/exchange-hashes.txt", MD5B ";y\n");
	assert_int_equal(exh_rules_load(&o, &r, &err), EXH_OK);
	assert_string_not_equal(exh_rules_set_sha256(r), first);
	exh_rules_destroy(r);
	o.default_dir = "/nonexistent/exhume-rules";
	assert_int_equal(exh_rules_load(&o, &r, &err), EXH_EUSAGE);
	fx_cleanup(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    yara_only_and_ioc_only_sets_load_and_an_empty_one_is_refused),
		cmocka_unit_test(
		    bad_hex_in_hash_list_is_rejected_with_its_line_number),
		cmocka_unit_test(
		    two_and_three_column_lines_give_description_and_score),
		cmocka_unit_test(sha256sum_and_md5sum_output_lines_load),
		cmocka_unit_test(
		    mstic_csv_gives_hashes_and_path_suffixes_on_any_drive),
		cmocka_unit_test(allow_list_hash_sets_allowed),
		cmocka_unit_test(
		    hashes_of_empty_and_newline_content_are_ignored),
		cmocka_unit_test(
		    path_ioc_fp_regex_cancels_and_negative_score_is_added),
		cmocka_unit_test(inline_case_insensitive_flag_works),
		cmocka_unit_test(path_ioc_is_also_tried_on_path_with_stream),
		cmocka_unit_test(
		    bad_regex_is_rejected_with_line_number_and_pcre2_message),
		cmocka_unit_test(
		    signature_base_iocs_folder_loads_with_the_right_kinds),
		cmocka_unit_test(
		    explicit_ioc_file_of_unknown_kind_is_a_usage_error),
		cmocka_unit_test(
		    default_dir_layout_is_loaded_and_set_hash_follows_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
