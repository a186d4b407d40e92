/* Hostile strings never leave raw: terminal, JSON, CSV and HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"

static char *
esc(int (*fn)(struct exh_buf *, const char *, size_t), const char *s,
    size_t n)
{
	static struct exh_buf b;

	exh_buf_free(&b);
	assert_int_equal(fn(&b, s, n), EXH_OK);
	return b.data;
}

static void
terminal_escapes_control_bytes_and_bidi_overrides(void **state)
{
	(void)state;
	assert_string_equal(esc(exh_esc_term, "a\x1b[2Jb", 6), "a\\x1B[2Jb");
	/* U+202E RIGHT-TO-LEFT OVERRIDE makes "gpj.aspx" look like a jpg. */
	assert_string_equal(esc(exh_esc_term, "x\xe2\x80\xaegpj.aspx", 12),
	    "x\\u{202E}gpj.aspx");
	assert_string_equal(esc(exh_esc_term, "\xff\xfe", 2), "\\xFF\\xFE");
	assert_string_equal(esc(exh_esc_term, "Gr\xc3\xbc\xc3\x9f" "e", 7),
	    "Gr\xc3\xbc\xc3\x9f" "e");
}

static void
json_output_is_valid_utf8_for_invalid_input(void **state)
{
	char *s;

	(void)state;
	s = esc(exh_esc_json, "a\"b\\c\n\x01\xc0", 8);
	assert_string_equal(s, "a\\\"b\\\\c\\n\\u0001\\\\xC0");
	assert_true(exh_utf8_valid(s, strlen(s)));
}

static void
csv_guards_formulas_and_doubles_quotes(void **state)
{
	(void)state;
	assert_string_equal(esc(exh_esc_csv, "=cmd|' /C calc'!A0", 18),
	    "\"'=cmd|' /C calc'!A0\"");
	assert_string_equal(esc(exh_esc_csv, "say \"hi\"", 8),
	    "\"say \"\"hi\"\"\"");
	assert_string_equal(esc(exh_esc_csv, "@SUM(1)", 7), "\"'@SUM(1)\"");
}

static void
html_escapes_markup(void **state)
{
	(void)state;
	assert_string_equal(esc(exh_esc_html, "<script>alert('x')</script>",
	    27), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
}

static void
unpaired_surrogates_become_visible_escapes(void **state)
{
	struct exh_buf b = { 0 };
	const uint16_t name[] = { 'a', 0xd800, 'b', 0xd83d, 0xde00 };

	(void)state;
	assert_int_equal(exh_utf16le_to_utf8(name, 5, &b), EXH_OK);
	assert_string_equal(b.data, "a%uD800b\xf0\x9f\x98\x80");
	exh_buf_free(&b);
}

static void
filetime_round_trips_through_iso8601(void **state)
{
	int64_t ft;
	char buf[32];

	(void)state;
	assert_int_equal(exh_iso_to_filetime("2021-03-03T06:49:42.1620000Z",
	    &ft), EXH_OK);
	assert_string_equal(exh_filetime_iso(ft, buf),
	    "2021-03-03T06:49:42.1620000Z");
	assert_int_equal(exh_iso_to_filetime("2021-13-03", &ft), EXH_EUSAGE);
}

static void
thor_score_weights_each_further_reason_half(void **state)
{
	const int one[] = { 70 }, two[] = { 60, 80 }, neg[] = { 80, -30 };

	(void)state;
	assert_int_equal(exh_score_combine(one, 1), 70);
	/* 100 * (1 - (1 - 0.8) * (1 - 0.6 / 2)) = 86 */
	assert_int_equal(exh_score_combine(two, 2), 86);
	assert_int_equal(exh_score_combine(neg, 2), 50);
	assert_int_equal(exh_level_for(86, two, 2), EXH_LEVEL_ALERT);
	/* 80 without any sub-score above 75 is only a warning. */
	assert_int_equal(exh_level_for(80, (const int[]){ 70, 70 }, 2),
	    EXH_LEVEL_WARNING);
	assert_int_equal(exh_level_for(45, one, 1), EXH_LEVEL_NOTICE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_escapes_control_bytes_and_bidi_overrides),
		cmocka_unit_test(json_output_is_valid_utf8_for_invalid_input),
		cmocka_unit_test(csv_guards_formulas_and_doubles_quotes),
		cmocka_unit_test(html_escapes_markup),
		cmocka_unit_test(unpaired_surrogates_become_visible_escapes),
		cmocka_unit_test(filetime_round_trips_through_iso8601),
		cmocka_unit_test(thor_score_weights_each_further_reason_half),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	esc(exh_esc_term, "", 0);
	return rc;
}
