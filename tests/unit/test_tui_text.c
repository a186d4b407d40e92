/* The UI's text fitting: hostile names are escaped, cut by columns, never split inside a character. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* The UI is not in the library; its text helpers are small enough to
 * compile into the test directly. */
#include "tui/text.c"

static struct tui utf8_term = { .utf8 = true };
static struct tui ascii_term = { .utf8 = false };

static void
escape_sequences_are_shown_as_text(void **state)
{
	char dst[TUI_LINE];

	(void)state;
	assert_string_equal(tui_fit(&utf8_term, "a\x1b[2Jb", 40, dst),
	    "a\\x1B[2Jb");
	assert_null(strchr(dst, '\x1b'));
}

static void
right_to_left_override_is_shown_as_its_code_point(void **state)
{
	char dst[TUI_LINE];

	(void)state;
	assert_string_equal(tui_fit(&utf8_term, "x\xe2\x80\xaegpj.aspx", 40,
	    dst), "x\\u{202E}gpj.aspx");
}

static void
a_long_name_is_cut_at_the_width_with_an_ellipsis(void **state)
{
	char name[300], dst[TUI_LINE];

	(void)state;
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	tui_fit(&utf8_term, name, 20, dst);
	assert_int_equal(tui_columns(dst), 20);
	assert_string_equal(dst + 19, "\xe2\x80\xa6");
	tui_fit_pad(&utf8_term, "short", 10, dst);
	assert_string_equal(dst, "short     ");
}

static void
a_cut_never_splits_a_utf8_character(void **state)
{
	char dst[TUI_LINE];

	(void)state;
	/* Cyrillic letters are two bytes, one column each. */
	tui_fit(&utf8_term, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"
	    ".aspx", 5, dst);
	assert_true(exh_utf8_valid(dst, strlen(dst)));
	assert_int_equal(tui_columns(dst), 5);
	assert_int_equal(tui_printf(dst, 4, "%s", "a\xc3\xbc\xc3\xbc"), 3);
	assert_string_equal(dst, "a\xc3\xbc");
}

static void
invalid_utf8_is_shown_as_hex(void **state)
{
	char dst[TUI_LINE];

	(void)state;
	assert_string_equal(tui_fit(&utf8_term, "a\xff\xfe", 20, dst),
	    "a\\xFF\\xFE");
}

static void
a_terminal_without_utf8_gets_ascii_only(void **state)
{
	char name[100], dst[TUI_LINE];
	size_t i;

	(void)state;
	/* German letters are spelt out (a German UI under LANG=C); others
	 * become '?'. */
	tui_fit(&ascii_term, "Gr\xc3\xbc\xc3\x9f" "e", 20, dst);
	assert_string_equal(dst, "Gruesse");
	tui_fit(&ascii_term, "\xd0\x9f\xd1\x80\xd0\xb8.aspx", 20, dst);
	assert_string_equal(dst, "???.aspx");
	memset(name, 'B', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	tui_fit(&ascii_term, name, 10, dst);
	assert_string_equal(dst, "BBBBBBB...");
	for (i = 0; dst[i] != '\0'; i++)
		assert_true((unsigned char)dst[i] < 0x80);
}

static void
the_tail_fit_keeps_the_file_name(void **state)
{
	char dst[TUI_LINE];

	(void)state;
	tui_fit_tail(&utf8_term, "C:\\inetpub\\wwwroot\\aspnet_client\\"
	    "system_web\\supp0rt.aspx", 20, dst);
	assert_int_equal(tui_columns(dst), 20);
	assert_non_null(strstr(dst, "supp0rt.aspx"));
	assert_memory_equal(dst, "\xe2\x80\xa6", 3);
}

static void
wrapped_lines_stay_within_the_width(void **state)
{
	struct exh_buf b = { 0 };
	char name[400], *line, *save = NULL;
	int n = 0;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	name[10] = '\x1b';
	assert_int_equal(tui_wrap(&utf8_term, &b, "Path: ", name, 72), EXH_OK);
	assert_null(strchr(b.data, '\x1b'));
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++)
		assert_true(tui_columns(line) <= 72);
	assert_int_equal(n, 7);	/* 402 escaped columns, 66 a line */
	exh_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_sequences_are_shown_as_text),
		cmocka_unit_test(right_to_left_override_is_shown_as_its_code_point),
		cmocka_unit_test(a_long_name_is_cut_at_the_width_with_an_ellipsis),
		cmocka_unit_test(a_cut_never_splits_a_utf8_character),
		cmocka_unit_test(invalid_utf8_is_shown_as_hex),
		cmocka_unit_test(a_terminal_without_utf8_gets_ascii_only),
		cmocka_unit_test(the_tail_fit_keeps_the_file_name),
		cmocka_unit_test(wrapped_lines_stay_within_the_width),
	};

	(void)setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
