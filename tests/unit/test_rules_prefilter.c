/* Tests: the YARA prefilter and the reduced rule sets give exactly the matches of a whole-stream scan with every rule, and stay off for rules they cannot decide. */
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

/*
 * Rules of the shapes the prefilter handles, and text it must read past:
 * braces and comment markers in meta strings, hex strings with jumps and
 * alternatives, a regex string with an escaped slash, tags, comments.
 */
static const char gated_rules[] =
    "import \"pe\"\n"
    "// a comment with rule { in it\n"
    "rule big_tail { strings: $a = \"TAILMARK\" condition: "
    "filesize > 8KB and $a }\n"
    "rule small_any { strings: $b = \"SMALLMARK\" condition: "
    "filesize < 1KB and $b }\n"
    "rule mz_only { strings: $c = \"MZMARK\" condition: "
    "uint16(0) == 0x5a4d and $c }\n"
    "rule by_name { strings: $d = \"NAMEMARK\" condition: "
    "filename matches /^evil\\.(aspx|ashx)$/i and $d }\n"
    "rule dump_header { condition: uint32(0) == 0x504d444d and "
    "filesize > 100 }\n"
    "rule aspx_in_auth { condition: (extension == \".aspx\" or "
    "extension == \".ashx\") and filepath matches /\\\\auth$/i }\n"
    "rule neg { strings: $g = \"NEGMARK\" condition: "
    "not (filesize > 4KB) and $g }\n"
    "rule pe_small { condition: filesize < 2KB and pe.number_of_sections "
    "== 0 and uint16(0) == 0x5a4d }\n"
    "private rule tricky : tag1 tag2 {\n"
    "  meta: d = \"x } { // /* y\" n = -3 b = true\n"
    "  strings:\n"
    "    $h = { 4D 5A [2-4] ( 90 | 00 ) ?? } /* c } */\n"
    "    $r = /ab\\/c}d/ nocase wide ascii\n"
    "  condition:\n"
    "    uint16(0) == 0x5a4d and filesize < 64KB and ($h or $r)\n"
    "}\n"
    "rule tricky_pub { strings: $t = \"TRICKYMARK\" condition: "
    "uint32(0) == 0x504d444d and $t and not tricky }\n";

struct env {
	struct fx x;
	struct exh_rules *r;
	struct exh_matcher *m;
};

/* A second rule file: a global rule and rules that refer to others. */
static const char global_rules[] =
    "global rule big_enough { strings: $g = \"xxxxxxxx\" condition: "
    "filesize > 2KB and $g }\n"
    "private rule has_tail { strings: $t = \"TAILMARK\" condition: "
    "filesize < 60KB and $t }\n"
    "rule tail_not_mz { condition: has_tail and not (uint16(0) == "
    "0x5a4d) }\n"
    "rule no_tail_mz { strings: $m = \"MZMARK\" condition: "
    "uint16(0) == 0x5a4d and filesize < 8KB and $m and not has_tail }\n";

static void
env_load2(struct env *e, const char *rule_text, const char *more_rules,
    bool no_prefilter)
{
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	char y[1024], i[1024];
	const char *yv[1] = { y }, *iv[1] = { i };

	fx_init(&e->x);
	fx_write(&e->x, "yara/r.yar", rule_text);
	if (more_rules != NULL)
		fx_write(&e->x, "yara/s.yar", more_rules);
	fx_write(&e->x, "iocs/hash-iocs.txt", ONE_HASH);
	snprintf(y, sizeof(y), "%s/yara", e->x.dir);
	snprintf(i, sizeof(i), "%s/iocs", e->x.dir);
	o.no_default = true;
	o.yara_paths = yv;
	o.n_yara = 1;
	o.ioc_paths = iv;
	o.n_ioc = 1;
	o.no_prefilter = no_prefilter;
	assert_int_equal(exh_rules_load(&o, &e->r, &err), EXH_OK);
	assert_int_equal(exh_matcher_create(e->r, 0, &e->m, &err), EXH_OK);
}

static void
env_load(struct env *e, const char *rule_text, bool no_prefilter)
{
	env_load2(e, rule_text, NULL, no_prefilter);
}

static void
env_free(struct env *e)
{
	exh_matcher_destroy(e->m);
	exh_rules_destroy(e->r);
	fx_cleanup(&e->x);
}

/* Rule names that matched, sorted, space-separated, into out. */
static void
names(const struct exh_finding *f, char *out, size_t outlen)
{
	const char *v[64];
	size_t i, j, n = f->nreasons < 64 ? f->nreasons : 64;

	for (i = 0; i < n; i++)
		v[i] = f->reasons[i].name;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(out, v[i], outlen - strlen(out) - 1);
		strncat(out, " ", outlen - strlen(out) - 1);
	}
}

static void
scan_into(struct env *e, const struct exh_scan_target *t, const char *data,
    size_t len, char *out, size_t outlen)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);
	struct exh_err err = { 0 };

	assert_non_null(f);
	assert_int_equal(exh_matcher_scan(e->m, t, data, len, 0, f, &err),
	    EXH_OK);
	names(f, out, outlen);
	exh_finding_free(f);
}

/* A target for a stream at path; the caller sets the size. */
static struct exh_scan_target
target_at(const char *path)
{
	struct exh_scan_target t = { 0 };

	t.path = path;
	t.stream = "";
	t.owner = "";
	t.filetype = "";
	return t;
}

/*
 * Scans data both ways and asserts the same rule names.  Returns whether
 * the prefilter let YARA see the head only.
 */
static bool
same_both_ways(struct env *e, const char *path, const char *data, size_t len,
    size_t *matched)
{
	struct exh_scan_target t = target_at(path);
	char whole[1024], pre[1024];
	bool all;

	t.size = len;
	scan_into(e, &t, data, len, whole, sizeof(whole));
	*matched += whole[0] != '\0';
	all = exh_matcher_prepare(e->m, &t, data, len);
	scan_into(e, &t, data, all || len < EXH_MATCHER_HEAD ? len :
	    EXH_MATCHER_HEAD, pre, sizeof(pre));
	if (strcmp(whole, pre) != 0)
		fail_msg("%s, %zu bytes, head 0x%02x: whole stream [%s], "
		    "prefiltered [%s]", path, len,
		    len > 0 ? (unsigned char)data[0] : 0, whole, pre);
	return !all;
}

/* Stream content: a magic at 0, a marker near the end. */
static size_t
make_stream(char *buf, size_t size, const char *magic, const char *mark)
{
	size_t ml = mark != NULL ? strlen(mark) : 0;

	memset(buf, 'x', size);
	if (magic != NULL && size >= 4)
		memcpy(buf, magic, strlen(magic));
	if (mark != NULL && size >= ml + 8)
		memcpy(buf + size - ml - 1, mark, ml);
	return size;
}

/*
 * Scans 810 stream variants (sizes around the head size, MZ/MDMP/no
 * magic, markers near the end, three paths) both ways.
 */
static void
all_variants_both_ways(struct env *e, size_t *head_only, size_t *total,
    size_t *matched)
{
	static const size_t sizes[] = { 0, 3, 200, 900, 1500, 3000, 4096,
	    5000, 9000, 70000 };
	static const char *const magics[] = { NULL, "MZ", "MDMP" };
	static const char *const marks[] = { "TAILMARK", "SMALLMARK", "MZMARK",
	    "NAMEMARK", "NEGMARK", "TRICKYMARK", "ab/c}d", NULL };
	static const char *const paths[] = {
	    "C:\\x\\owa\\auth\\evil.aspx", "C:\\x\\logs\\u_ex1.log",
	    "C:\\x\\auth\\page.ashx" };
	size_t si, mi, ki, pi;
	char *buf = malloc(70000);

	assert_non_null(buf);
	for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++)
		for (mi = 0; mi < 3; mi++)
			for (ki = 0; ki < sizeof(marks) / sizeof(*marks); ki++)
				for (pi = 0; pi < 3; pi++) {
					make_stream(buf, sizes[si], magics[mi],
					    marks[ki]);
					*head_only += same_both_ways(e,
					    paths[pi], buf, sizes[si], matched);
					(*total)++;
				}
	free(buf);
}

static void
head_scan_matches_exactly_what_a_whole_stream_scan_matches(void **state)
{
	struct env e = { 0 };
	size_t head_only = 0, total = 0, matched = 0;

	(void)state;
	env_load(&e, gated_rules, false);
	assert_true(strncmp(exh_rules_prefilter_note(e.r), "on:", 3) == 0);
	all_variants_both_ways(&e, &head_only, &total, &matched);
	/* Rules matched, and the prefilter spared work, not everywhere. */
	assert_true(matched > total / 4);
	assert_true(head_only > 0);
	assert_true(head_only < total);
	/* Streams read whole were scanned with reduced rule sets. */
	assert_true(exh_rules_subsets_compiled(e.r) > 1);
	env_free(&e);
}

/*
 * In a reduced set a rule whose test failed is false: a global rule then
 * makes its whole file false, and rules that refer to it see false, just
 * as they would have.
 */
static void
reduced_sets_keep_global_rules_and_references_exact(void **state)
{
	struct env e = { 0 };
	size_t head_only = 0, total = 0, matched = 0;

	(void)state;
	env_load2(&e, gated_rules, global_rules, false);
	all_variants_both_ways(&e, &head_only, &total, &matched);
	assert_true(matched > total / 4);
	assert_true(exh_rules_subsets_compiled(e.r) > 1);
	env_free(&e);
}

/* One rule left in play: the stream gets a reduced set and still matches. */
static void
stream_with_one_passing_test_gets_a_reduced_set(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };
	char *buf = malloc(70000), got[1024];

	(void)state;
	assert_non_null(buf);
	env_load(&e, gated_rules, false);
	t = target_at("C:\\inetpub\\logs\\u_ex1.log");
	/* 70000 bytes, no magic: only big_tail's test (> 8KB) passes. */
	t.size = make_stream(buf, 70000, NULL, "TAILMARK");
	assert_true(exh_matcher_prepare(e.m, &t, buf, t.size));
	assert_int_not_equal(t.rule_set, 0);
	scan_into(&e, &t, buf, t.size, got, sizeof(got));
	assert_string_equal(got, "big_tail ");
	/* A zeroed target is scanned with every rule. */
	t.rule_set = 0;
	scan_into(&e, &t, buf, t.size, got, sizeof(got));
	assert_string_equal(got, "big_tail ");
	free(buf);
	env_free(&e);
}

static void
large_log_without_magic_or_name_needs_the_head_only(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };
	char *buf = malloc(70000);

	(void)state;
	assert_non_null(buf);
	env_load(&e, gated_rules, false);
	t = target_at("C:\\inetpub\\logs\\u_ex1.log");
	/* 70000 bytes: big_tail (> 8KB) may match, so all of it is read. */
	t.size = make_stream(buf, 70000, NULL, NULL);
	assert_true(exh_matcher_prepare(e.m, &t, buf, t.size));
	/* 6000 bytes, no MZ, not evil.aspx: every searching rule's size,
	 * magic or name test fails. */
	t.size = make_stream(buf, 6000, NULL, NULL);
	assert_false(exh_matcher_prepare(e.m, &t, buf, t.size));
	/* The same with an MZ header: mz_only must search. */
	t.size = make_stream(buf, 6000, "MZ", NULL);
	assert_true(exh_matcher_prepare(e.m, &t, buf, t.size));
	free(buf);
	env_free(&e);
}

static void
rule_without_size_magic_or_name_test_turns_the_prefilter_off(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };
	char buf[6000];

	(void)state;
	env_load(&e, "rule a { strings: $a = \"A\" condition: filesize < 10 "
	    "and $a }\nrule b { strings: $b = \"B\" condition: $b or "
	    "filesize == 12345 }\n", false);
	assert_non_null(strstr(exh_rules_prefilter_note(e.r), "off: "));
	assert_non_null(strstr(exh_rules_prefilter_note(e.r), "rule b"));
	t = target_at("C:\\a.txt");
	t.size = make_stream(buf, sizeof(buf), NULL, NULL);
	assert_true(exh_matcher_prepare(e.m, &t, buf, t.size));
	env_free(&e);
}

static void
rule_reading_past_the_head_is_not_decided_early(void **state)
{
	struct env e = { 0 };

	(void)state;
	/* uint8(8000) lies past the head; the rule has no other test. */
	env_load(&e, "rule far { condition: uint8(8000) == 0x41 }\n", false);
	assert_non_null(strstr(exh_rules_prefilter_note(e.r), "off: "));
	env_free(&e);
}

static void
included_file_turns_the_prefilter_off(void **state)
{
	struct env e = { 0 };
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	char y[1024], i[1024];
	const char *yv[1] = { y }, *iv[1] = { i };

	(void)state;
	fx_init(&e.x);
	fx_write(&e.x, "yara/inc/x.yara.inc", "rule inc { strings: "
	    "$a = \"A\" condition: $a }\n");
	snprintf(y, sizeof(y), "include \"%s/yara/inc/x.yara.inc\"\n"
	    "rule main { condition: filesize < 10 }\n", e.x.dir);
	fx_write(&e.x, "yara/r.yar", y);
	fx_write(&e.x, "iocs/hash-iocs.txt", ONE_HASH);
	snprintf(y, sizeof(y), "%s/yara/r.yar", e.x.dir);
	snprintf(i, sizeof(i), "%s/iocs", e.x.dir);
	o.no_default = true;
	o.yara_paths = yv;
	o.n_yara = 1;
	o.ioc_paths = iv;
	o.n_ioc = 1;
	assert_int_equal(exh_rules_load(&o, &e.r, &err), EXH_OK);
	assert_non_null(strstr(exh_rules_prefilter_note(e.r), "off: "));
	exh_rules_destroy(e.r);
	fx_cleanup(&e.x);
}

static void
no_prefilter_option_reads_every_stream_whole(void **state)
{
	struct exh_scan_target t = { 0 };
	struct env e = { 0 };
	char buf[6000];

	(void)state;
	env_load(&e, gated_rules, true);
	assert_string_equal(exh_rules_prefilter_note(e.r),
	    "off: --no-prefilter given");
	t = target_at("C:\\a.log");
	t.size = make_stream(buf, sizeof(buf), NULL, NULL);
	assert_true(exh_matcher_prepare(e.m, &t, buf, t.size));
	env_free(&e);
}

static void
shipped_rules_are_understood(void **state)
{
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	struct exh_rules *r = NULL;

	(void)state;
	o.default_dir = EXH_RULES_DIR;
	assert_int_equal(exh_rules_load(&o, &r, &err), EXH_OK);
	if (strncmp(exh_rules_prefilter_note(r), "on:", 3) != 0)
		fail_msg("shipped rules: prefilter %s",
		    exh_rules_prefilter_note(r));
	exh_rules_destroy(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    head_scan_matches_exactly_what_a_whole_stream_scan_matches),
		cmocka_unit_test(
		    reduced_sets_keep_global_rules_and_references_exact),
		cmocka_unit_test(
		    stream_with_one_passing_test_gets_a_reduced_set),
		cmocka_unit_test(
		    large_log_without_magic_or_name_needs_the_head_only),
		cmocka_unit_test(
		    rule_without_size_magic_or_name_test_turns_the_prefilter_off),
		cmocka_unit_test(
		    rule_reading_past_the_head_is_not_decided_early),
		cmocka_unit_test(included_file_turns_the_prefilter_off),
		cmocka_unit_test(no_prefilter_option_reads_every_stream_whole),
		cmocka_unit_test(shipped_rules_are_understood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
