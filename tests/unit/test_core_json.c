/* The JSON writer: hostile strings stay valid JSON, commas land right, times keep their format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

/* 2021-03-03T06:49:42.1620000Z */
#define FT 132592277821620000LL

/* No raw control byte, valid UTF-8, and every quote inside a string escaped:
 * the quotes outside strings must pair up with the structure we wrote. */
static void
assert_plain_json(const char *s)
{
	size_t i, n = strlen(s);
	bool in_str = false;

	assert_true(exh_utf8_valid(s, n));
	for (i = 0; i < n; i++) {
		assert_true((unsigned char)s[i] >= 0x20);
		if (in_str && s[i] == '\\') {
			assert_non_null(strchr("\"\\/bfnrtu", s[i + 1]));
			i++;
		} else if (s[i] == '"')
			in_str = !in_str;
	}
	assert_false(in_str);
}

static void
hostile_strings_come_out_as_valid_json(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_json w;

	(void)state;
	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_json_str(&w, "q\"k", "a\"b\\c\n\x01\x1b[2J");
	exh_json_str(&w, "bad", "\xff\xfe" "x\xc3");
	exh_json_str(&w, "bidi", "x\xe2\x80\xaegpj.aspx");
	exh_json_close(&w, '}');
	assert_int_equal(exh_json_status(&w), EXH_OK);
	assert_string_equal(b.data, "{\"q\\\"k\":\"a\\\"b\\\\c\\n\\u0001"
	    "\\u001b[2J\",\"bad\":\"\\\\xFF\\\\xFEx\\\\xC3\","
	    "\"bidi\":\"x\\u202egpj.aspx\"}");
	assert_plain_json(b.data);
	exh_buf_free(&b);
}

static void
commas_separate_values_in_nested_objects_and_arrays(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_json w;

	(void)state;
	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_json_int(&w, "a", -1);
	exh_json_open(&w, "o", '{');
	exh_json_close(&w, '}');
	exh_json_open(&w, "l", '[');
	exh_json_uint(&w, NULL, UINT64_MAX);
	exh_json_open(&w, NULL, '{');
	exh_json_bool(&w, "t", true);
	exh_json_null(&w, "n");
	exh_json_close(&w, '}');
	exh_json_str(&w, NULL, NULL);
	exh_json_text(&w, NULL, NULL);
	exh_json_close(&w, ']');
	exh_json_key(&w, "raw");
	exh_json_raw(&w, "{\"x\":1}");
	exh_json_close(&w, '}');
	assert_int_equal(exh_json_status(&w), EXH_OK);
	assert_string_equal(b.data, "{\"a\":-1,\"o\":{},\"l\":["
	    "18446744073709551615,{\"t\":true,\"n\":null},null,\"\"],"
	    "\"raw\":{\"x\":1}}");
	exh_buf_free(&b);
}

static void
times_are_iso8601_with_seven_digits_and_absent_as_asked(void **state)
{
	struct exh_macb m = { FT, 0, FT, 0 };
	struct exh_buf b = { 0 };
	struct exh_json w;

	(void)state;
	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_json_time(&w, "t", FT, EXH_JSON_ABSENT_NULL);
	exh_json_time(&w, "none", 0, EXH_JSON_ABSENT_NULL);
	exh_json_time(&w, "empty", 0, EXH_JSON_ABSENT_EMPTY);
	exh_json_macb(&w, "si", &m, EXH_JSON_ABSENT_NULL);
	exh_json_macb(&w, "fn", &m, EXH_JSON_ABSENT_EMPTY);
	exh_json_close(&w, '}');
	assert_string_equal(b.data, "{\"t\":\"2021-03-03T06:49:42.1620000Z\","
	    "\"none\":null,\"empty\":\"\","
	    "\"si\":{\"created\":\"2021-03-03T06:49:42.1620000Z\","
	    "\"modified\":null,\"mft_changed\":"
	    "\"2021-03-03T06:49:42.1620000Z\",\"accessed\":null},"
	    "\"fn\":{\"created\":\"2021-03-03T06:49:42.1620000Z\","
	    "\"modified\":\"\",\"mft_changed\":"
	    "\"2021-03-03T06:49:42.1620000Z\",\"accessed\":\"\"}}");
	exh_buf_free(&b);
}

static void
a_failed_append_is_kept_and_stops_further_output(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_json w;

	(void)state;
	exh_json_init(&w, &b);
	w.rc = EXH_ENOMEM;
	exh_json_str(&w, "k", "v");
	assert_int_equal(exh_json_status(&w), EXH_ENOMEM);
	assert_null(b.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_strings_come_out_as_valid_json),
		cmocka_unit_test(commas_separate_values_in_nested_objects_and_arrays),
		cmocka_unit_test(times_are_iso8601_with_seven_digits_and_absent_as_asked),
		cmocka_unit_test(a_failed_append_is_kept_and_stops_further_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
