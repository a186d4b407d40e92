/* Tests: the externals a stream gets (ADS name and extension, iis_script), decoded content in details, and the score map. */
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

#define ONE_HASH "0123456789abcdef0123456789abcdef;test entry\n"

struct env {
	struct fx x;
	struct exh_rules *r;
	struct exh_matcher *m;
	struct exh_finding *f;
};

/* yara/r.yar with rule_text; iocs/ with a hash, the script extensions
 * .aspx and .asp, and score_map when not NULL. */
static void
env_load(struct env *e, const char *rule_text, const char *score_map)
{
	struct exh_err err = { 0 };

	fx_init(&e->x);
	fx_write(&e->x, "yara/r.yar", rule_text);
	fx_write(&e->x, "iocs/hash-iocs.txt", ONE_HASH);
	fx_write(&e->x, "iocs/iis-script-extensions.txt",
	    "# test list\n.aspx\n.ASP\n");
	if (score_map != NULL)
		fx_write(&e->x, "iocs/score-map.tsv", score_map);
	assert_int_equal(fx_load(&e->x, "yara", "iocs", NULL, &e->r, &err),
	    EXH_OK);
	assert_int_equal(exh_matcher_create(e->r, 0, &e->m, &err), EXH_OK);
}

static void
env_free(struct env *e)
{
	exh_finding_free(e->f);
	exh_matcher_destroy(e->m);
	exh_rules_destroy(e->r);
	fx_cleanup(&e->x);
}

static size_t
scan_target(struct env *e, struct exh_scan_target *t, const char *data)
{
	struct exh_err err = { 0 };
	size_t n = strlen(data);

	t->size = n;
	exh_finding_free(e->f);
	e->f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(e->f);
	assert_int_equal(exh_matcher_scan(e->m, t, data, n, 0, e->f, &err),
	    EXH_OK);
	return e->f->nreasons;
}

static size_t
scan(struct env *e, const char *path, const char *stream, const char *data)
{
	struct exh_scan_target t = { 0 };

	t.path = path;
	t.stream = stream;
	return scan_target(e, &t, data);
}

static void
ads_gets_its_own_name_and_extension_and_the_host_folder(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule ads { condition: filename == \"x.aspx\" and "
	    "extension == \".aspx\" and filepath == \"C:\\\\inetpub\\\\"
	    "aspnet_client\" }\n", NULL);
	assert_int_equal(scan(&e, "C:\\inetpub\\aspnet_client\\notes.txt",
	    "x.aspx", "x"), 1);
	assert_int_equal(scan(&e, "C:\\inetpub\\aspnet_client\\notes.txt",
	    "", "x"), 0);
	env_free(&e);
}

static void
iis_script_is_true_for_listed_extensions_in_any_case(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule page { condition: iis_script }\n", NULL);
	assert_string_equal(exh_rules_script_extensions(e.r), "|.aspx|.asp|");
	assert_int_equal(scan(&e, "C:\\w\\a.ASPX", "", "x"), 1);
	assert_int_equal(scan(&e, "C:\\w\\a.asp", "", "x"), 1);
	assert_int_equal(scan(&e, "C:\\w\\a.as", "", "x"), 0);
	assert_int_equal(scan(&e, "C:\\w\\a.aspx.txt", "", "x"), 0);
	assert_int_equal(scan(&e, "C:\\w\\a.txt", "s.asp", "x"), 1);
	env_free(&e);
}

static void
a_targets_own_script_list_replaces_the_shipped_one(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule page { condition: iis_script }\n", NULL);
	t.path = "C:\\w\\report.xyz";
	t.stream = "";
	t.script_exts = "|.aspx|.xyz|";
	assert_int_equal(scan_target(&e, &t, "x"), 1);
	t.path = "C:\\w\\a.asp";
	assert_int_equal(scan_target(&e, &t, "x"), 0);
	assert_false(exh_rules_is_script_extension("|.aspx|", ".asp"));
	assert_false(exh_rules_is_script_extension("|.aspx|", "aspx"));
	assert_true(exh_rules_is_script_extension("|.asp|.aspx|", ".aspx"));
	env_free(&e);
}

static void
a_match_in_decoded_content_says_so_in_its_detail(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };

	(void)state;
	env_load(&e, "rule sh { strings: $a = \"WScript.Shell\" "
	    "condition: $a }\n", NULL);
	t.path = "C:\\w\\a.asp";
	t.stream = "";
	t.content_form = "decoded VBScript.Encode content (1 block)";
	assert_int_equal(scan_target(&e, &t, "x = \"WScript.Shell\""), 1);
	assert_string_equal(e.f->reasons[0].detail, "in decoded VBScript."
	    "Encode content (1 block): $a@0x5: WScript.Shell");
	env_free(&e);
}

#define TP_RULE "rule tp { meta: score = 70 condition: true }\n"

static void
score_map_offset_lifts_a_sets_scores(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, TP_RULE, "*/yara/*\toffset\t+10\n");
	assert_int_equal(scan(&e, "C:\\w\\a.txt", "", "x"), 1);
	assert_int_equal(e.f->reasons[0].score, 80);
	assert_int_equal(exh_rules_file(e.r, 0)->capped_hits, 0);
	env_free(&e);
}

static void
score_map_table_replaces_exact_scores_only(void **state)
{
	struct env e = { 0 };

	(void)state;
	env_load(&e, TP_RULE "rule other { meta: score = 60 condition: "
	    "true }\n", "r.yar\tmap\t70=76,75=80\n");
	assert_int_equal(scan(&e, "C:\\w\\a.txt", "", "x"), 2);
	assert_int_equal(e.f->reasons[0].score, 76);
	assert_int_equal(e.f->reasons[1].score, 60);
	env_free(&e);
}

static void
unmapped_third_party_hits_at_75_or_less_are_counted(void **state)
{
	const struct exh_rules_file *f = NULL;
	struct env e = { 0 };
	size_t i;

	(void)state;
	env_load(&e, TP_RULE, NULL);
	assert_int_equal(scan(&e, "C:\\w\\a.txt", "", "x"), 1);
	assert_int_equal(scan(&e, "C:\\w\\b.txt", "", "x"), 1);
	for (i = 0; i < exh_rules_file_count(e.r); i++)
		if (exh_rules_file(e.r, i)->kind == EXH_RF_YARA)
			f = exh_rules_file(e.r, i);
	assert_non_null(f);
	assert_int_equal(f->capped_hits, 2);
	env_free(&e);
}

static void
bad_score_map_lines_are_rejected_with_their_line(void **state)
{
	const struct exh_rules_file *f;
	struct env e = { 0 };
	size_t i;

	(void)state;
	env_load(&e, TP_RULE, "# c\n*\tscale\t2\n*\toffset\t+x\n"
	    "*\tmap\t70:80\n*\toffset\t+5\textra\n");
	for (i = 0; i < exh_rules_file_count(e.r); i++) {
		f = exh_rules_file(e.r, i);
		if (f->kind != EXH_RF_SCOREMAP)
			continue;
		assert_int_equal(f->nrejects, 4);
		assert_int_equal(f->rejects[0].line, 2);
		assert_int_equal(f->loaded, 0);
	}
	env_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    ads_gets_its_own_name_and_extension_and_the_host_folder),
		cmocka_unit_test(
		    iis_script_is_true_for_listed_extensions_in_any_case),
		cmocka_unit_test(
		    a_targets_own_script_list_replaces_the_shipped_one),
		cmocka_unit_test(
		    a_match_in_decoded_content_says_so_in_its_detail),
		cmocka_unit_test(score_map_offset_lifts_a_sets_scores),
		cmocka_unit_test(score_map_table_replaces_exact_scores_only),
		cmocka_unit_test(
		    unmapped_third_party_hits_at_75_or_less_are_counted),
		cmocka_unit_test(
		    bad_score_map_lines_are_rejected_with_their_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
