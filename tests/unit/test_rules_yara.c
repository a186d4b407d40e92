/* Tests: YARA loading, externals, compile errors, the compiled-rule cache, chunked scans and timeouts. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_fixture.h"

#define ONE_HASH "0123456789abcdef0123456789abcdef;test entry\n"

struct env {
	struct fx x;
	struct exh_rules *r;
	struct exh_matcher *m;
	struct exh_finding *f;
};

/* Loads yara/ with one rule file holding text, plus a one-line hash list. */
static void
env_load(struct env *e, const char *rule_text)
{
	struct exh_err err = { 0 };

	fx_init(&e->x);
	fx_write(&e->x, "yara/r.yar", rule_text);
	fx_write(&e->x, "iocs/hash-iocs.txt", ONE_HASH);
	fx_write(&e->x, "iocs/file-type-signatures.txt",
	    "# magic\n3C 25;JSP\n3C 25 40;ASP\n4D 5A;EXE\n");
	assert_int_equal(fx_load(&e->x, "yara", "iocs", NULL, &e->r, &err),
	    EXH_OK);
	assert_int_equal(exh_matcher_create(e->r, 0, &e->m, &err), EXH_OK);
	e->f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(e->f);
}

static void
env_free(struct env *e)
{
	exh_finding_free(e->f);
	exh_matcher_destroy(e->m);
	exh_rules_destroy(e->r);
	fx_cleanup(&e->x);
}

/* Scans data as a whole stream at path; returns the number of reasons. */
static size_t
scan(struct env *e, const char *path, const char *owner, const char *data)
{
	struct exh_scan_target t = { 0 };
	struct exh_err err = { 0 };
	size_t n = strlen(data);

	t.path = path;
	t.stream = "";
	t.size = n;
	t.owner = owner;
	t.filetype = exh_rules_filetype(e->r, data, n);
	exh_finding_free(e->f);
	e->f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(e->f);
	assert_int_equal(exh_matcher_scan(e->m, &t, data, n, 0, e->f, &err),
	    EXH_OK);
	return e->f->nreasons;
}

static void
filename_external_is_the_bare_file_name(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule by_name { condition: filename == \"shell.aspx\" }\n");
	assert_int_equal(scan(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "shell.aspx", "", "x"), 1);
	assert_string_equal(e.f->reasons[0].name, "by_name");
	assert_string_equal(e.f->reasons[0].kind, "yara");
	assert_int_equal(scan(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "other.aspx", "", "x"), 0);
	env_free(&e);
}

static void
filepath_external_is_the_windows_directory_without_trailing_backslash(
    void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule by_dir { condition: filepath == "
	    "\"C:\\\\inetpub\\\\wwwroot\\\\aspnet_client\" }\n");
	assert_int_equal(scan(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "a.aspx", "", "x"), 1);
	assert_int_equal(scan(&e, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "sub\\a.aspx", "", "x"), 0);
	env_free(&e);
}

static void
extension_external_is_lower_case_with_dot(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule by_ext { condition: extension == \".aspx\" }\n");
	assert_int_equal(scan(&e, "C:\\x\\LOGON.ASPX", "", "x"), 1);
	assert_int_equal(scan(&e, "C:\\x\\logon.aspx.txt", "", "x"), 0);
	assert_int_equal(scan(&e, "C:\\x\\aspx", "", "x"), 0);
	env_free(&e);
}

static void
filetype_external_is_the_longest_magic_prefix(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule by_type { condition: filetype == \"ASP\" }\n");
	assert_string_equal(exh_rules_filetype(e.r, "<%@ Page", 8), "ASP");
	assert_string_equal(exh_rules_filetype(e.r, "<%= 1", 5), "JSP");
	assert_string_equal(exh_rules_filetype(e.r, "hello", 5), "");
	assert_int_equal(scan(&e, "C:\\x\\a.txt", "", "<%@ Page Language"), 1);
	assert_int_equal(scan(&e, "C:\\x\\a.txt", "", "<% Response"), 0);
	env_free(&e);
}

static void
owner_external_is_the_callers_owner(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule by_owner { condition: owner == "
	    "\"NT AUTHORITY\\\\SYSTEM\" }\n");
	assert_int_equal(scan(&e, "C:\\x\\a", "NT AUTHORITY\\SYSTEM", "x"), 1);
	assert_int_equal(scan(&e, "C:\\x\\a", "", "x"), 0);
	assert_int_equal(scan(&e, "C:\\x\\a", NULL, "x"), 0);
	env_free(&e);
}

static void
thor_externals_compile_with_neutral_values(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule neutral { condition: timezone == \"\" and "
	    "language == \"\" and group == \"\" and osversion == \"\" and "
	    "md5 == \"\" and filemode == 0 }\n");
	assert_int_equal(scan(&e, "C:\\x\\a", "", "x"), 1);
	env_free(&e);
}

static void
rule_meta_gives_score_description_reference_and_escaped_matches(
    void **state)
{
	struct env e = { 0 };
	const struct exh_reason *rs;

	(void)state;
	env_load(&e, "rule with_meta {\n meta:\n  score = 90\n"
	    "  description = \"test shell\"\n  reference = \"https://x\"\n"
	    " strings:\n  $a = { 65 76 69 6C 01 }\n condition: $a\n}\n"
	    "rule no_meta { strings: $b = \"zzz\" condition: $b }\n");
	assert_int_equal(scan(&e, "C:\\x\\a", "", "1234evil\x01 zzz"), 2);
	rs = fx_reason(e.f, "yara", "with_meta");
	assert_non_null(rs);
	assert_int_equal(rs->score, 90);
	assert_string_equal(rs->description, "test shell");
	assert_string_equal(rs->reference, "https://x");
	assert_non_null(strstr(rs->detail, "$a@0x4: evil"));
	assert_null(strchr(rs->detail, '\x01'));
	rs = fx_reason(e.f, "yara", "no_meta");
	assert_non_null(rs);
	assert_int_equal(rs->score, 75);
	assert_string_equal(rs->detail, "$b@0xa: zzz");
	env_free(&e);
}

static void
rule_file_with_syntax_error_is_reported_and_others_still_load(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const struct exh_rules_file *good, *bad;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/a_good.yar", "rule good1 { condition: true }\n"
	    "rule good2 { condition: false }\n");
	fx_write(&x, "yara/b_bad.yar", "rule bad {\n condition:\n  true and and "
	    "false\n}\n");
	fx_write(&x, "iocs/hash-iocs.txt", ONE_HASH);
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	good = fx_file(r, "a_good.yar");
	bad = fx_file(r, "b_bad.yar");
	assert_non_null(good);
	assert_non_null(bad);
	assert_int_equal(good->kind, EXH_RF_YARA);
	assert_int_equal(good->loaded, 2);
	assert_null(good->error);
	assert_int_equal(bad->loaded, 0);
	assert_non_null(bad->error);
	assert_non_null(strstr(bad->error, "b_bad.yar:3: "));
	assert_non_null(strstr(bad->error, "syntax error"));
	assert_int_equal(strlen(bad->sha256), 64);
	assert_int_equal(exh_rules_counts(r).yara_rules, 2);
	assert_int_equal(exh_rules_counts(r).files_rejected, 1);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
yara_files_that_all_fail_refuse_to_load_with_eusage(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/only_bad.yar", "rule { condition: true }\n");
	fx_write(&x, "iocs/hash-iocs.txt", ONE_HASH);
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err),
	    EXH_EUSAGE);
	assert_null(r);
	assert_true(strncmp(err.msg, "rules: no YARA rules loaded; ", 29) == 0);
	assert_non_null(strstr(err.msg, "only_bad.yar:1:"));
	fx_cleanup(&x);
}

static void
files_starting_with_underscore_tilde_or_dot_are_listed_as_ignored(
    void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/ok.yar", "rule ok { condition: true }\n");
	fx_write(&x, "yara/_off.yar", "rule off { condition: true }\n");
	fx_write(&x, "yara/~tmp.yar", "rule tmp { condition: true }\n");
	fx_write(&x, "yara/sub/deep.yara", "rule deep { condition: true }\n");
	fx_write(&x, "iocs/hash-iocs.txt", ONE_HASH);
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	assert_int_equal(exh_rules_counts(r).yara_rules, 2);
	f = fx_file(r, "_off.yar");
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_RF_IGNORED);
	assert_non_null(f->note);
	f = fx_file(r, "~tmp.yar");
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_RF_IGNORED);
	f = fx_file(r, "sub/deep.yara");
	assert_non_null(f);
	assert_string_equal(f->name, "sub/deep.yara");
	assert_int_equal(f->loaded, 1);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
second_load_uses_the_cache_and_the_same_rule_matches(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_matcher *m = NULL;
	struct exh_finding *f;
	struct exh_err err = { 0 };
	struct exh_scan_target t = { .path = "C:\\inetpub\\a.aspx",
		.stream = "", .size = 12, .owner = "", .filetype = "" };
	char cache[1100], sha[65];
	int pass;
	FILE *fp;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", "rule cached { strings: $a = \"MARK\" "
	    "condition: $a and extension == \".aspx\" }\n");
	fx_write(&x, "yara/broken.yar", "rule broken { condition: x }\n");
	fx_write(&x, "iocs/hash-iocs.txt", ONE_HASH);
	mkdir(fx_path(&x, "cache"), 0700);
	for (pass = 0; pass < 4; pass++) {
		assert_int_equal(fx_load(&x, "yara", "iocs", "cache", &r, &err),
		    EXH_OK);
		snprintf(sha, sizeof(sha), "%s", exh_rules_set_sha256(r));
		snprintf(cache, sizeof(cache), "%s/cache/%s.yarc", x.dir, sha);
		/* Pass 0 compiles, 1 reads the cache, 2 finds it damaged and
		 * replaces it, 3 reads the replacement. */
		assert_int_equal(exh_rules_cache_used(r), pass % 2 == 1);
		if (pass == 2)
			assert_non_null(exh_rules_cache_note(r));
		assert_int_equal(access(cache, F_OK), 0);
		assert_int_equal(exh_rules_counts(r).yara_rules, 1);
		assert_int_equal(fx_file(r, "r.yar")->loaded, 1);
		assert_non_null(fx_file(r, "broken.yar")->error);
		assert_non_null(strstr(fx_file(r, "broken.yar")->error,
		    "broken.yar:1:"));
		assert_int_equal(exh_matcher_create(r, 0, &m, &err), EXH_OK);
		f = exh_finding_new(EXH_FIND_FILE);
		assert_int_equal(exh_matcher_scan(m, &t, "xxxxMARKxxxx", 12, 0,
		    f, &err), EXH_OK);
		assert_int_equal(f->nreasons, 1);
		assert_string_equal(f->reasons[0].name, "cached");
		assert_string_equal(f->reasons[0].detail, "$a@0x4: MARK");
		exh_finding_free(f);
		exh_matcher_destroy(m);
		exh_rules_destroy(r);
		if (pass == 1) {
			fp = fopen(cache, "wb");
			assert_non_null(fp);
			fputs("not a compiled rule file", fp);
			fclose(fp);
		}
	}
	fx_cleanup(&x);
}

static void
string_split_across_overlapping_chunks_is_reported_once_at_stream_offset(
    void **state)
{
	struct env e = { 0 };
	struct exh_scan_target t = { .path = "C:\\x\\big.bin", .stream = "",
		.size = 200, .owner = "", .filetype = "" };
	struct exh_err err = { 0 };
	char data[200];

	(void)state;
	env_load(&e, "rule marker { strings: $m = \"EVILMARKER1234\" "
	    "condition: $m and filesize == 200 }\n");
	memset(data, 'a', sizeof(data));
	memcpy(data + 90, "EVILMARKER1234", 14);
	/* Chunk 1 ends inside the marker; chunks 2 and 3 both contain it. */
	assert_int_equal(exh_matcher_scan(e.m, &t, data, 96, 0, e.f, &err),
	    EXH_OK);
	assert_int_equal(e.f->nreasons, 0);
	assert_int_equal(exh_matcher_scan(e.m, &t, data + 80, 80, 80, e.f,
	    &err), EXH_OK);
	assert_int_equal(exh_matcher_scan(e.m, &t, data + 64, 136, 64, e.f,
	    &err), EXH_OK);
	assert_int_equal(e.f->nreasons, 1);
	assert_string_equal(e.f->reasons[0].detail,
	    "$m@0x5a: EVILMARKER1234");
	env_free(&e);
}

static void
yara_timeout_returns_eio(void **state)
{
	struct env e = { 0 };
	struct exh_scan_target t = { .path = "C:\\x\\slow.bin", .stream = "",
		.size = 65536, .owner = "", .filetype = "" };
	struct exh_matcher *m = NULL;
	struct exh_err err = { 0 };
	char *data;

	(void)state;
	env_load(&e, "rule slow { condition: for all i in (0..filesize) : "
	    "( for all j in (0..filesize) : ( uint8(i) != 0xFF or "
	    "uint8(j) != 0xFE ) ) }\n");
	assert_int_equal(exh_matcher_create(e.r, 1, &m, &err), EXH_OK);
	data = calloc(1, 65536);
	assert_non_null(data);
	assert_int_equal(exh_matcher_scan(m, &t, data, 65536, 0, e.f, &err),
	    EXH_EIO);
	assert_non_null(strstr(err.msg, "timeout"));
	free(data);
	exh_matcher_destroy(m);
	env_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filename_external_is_the_bare_file_name),
		cmocka_unit_test(
		    filepath_external_is_the_windows_directory_without_trailing_backslash),
		cmocka_unit_test(extension_external_is_lower_case_with_dot),
		cmocka_unit_test(filetype_external_is_the_longest_magic_prefix),
		cmocka_unit_test(owner_external_is_the_callers_owner),
		cmocka_unit_test(thor_externals_compile_with_neutral_values),
		cmocka_unit_test(
		    rule_meta_gives_score_description_reference_and_escaped_matches),
		cmocka_unit_test(
		    rule_file_with_syntax_error_is_reported_and_others_still_load),
		cmocka_unit_test(yara_files_that_all_fail_refuse_to_load_with_eusage),
		cmocka_unit_test(
		    files_starting_with_underscore_tilde_or_dot_are_listed_as_ignored),
		cmocka_unit_test(
		    second_load_uses_the_cache_and_the_same_rule_matches),
		cmocka_unit_test(
		    string_split_across_overlapping_chunks_is_reported_once_at_stream_offset),
		cmocka_unit_test(yara_timeout_returns_eio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
