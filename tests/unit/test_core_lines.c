/* The rules-file line reader: CR, comments, bounds, NUL bytes, tab fields; the string vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

/* A reader over a FILE holding text[0..len), the way callers read files. */
static struct exh_lines *
reader(const char *text, size_t len, unsigned flags, FILE **fp)
{
	struct exh_lines *lr = NULL;
	struct exh_err err;

	assert_non_null(*fp = tmpfile());
	assert_int_equal(fwrite(text, 1, len, *fp), len);
	rewind(*fp);
	assert_int_equal(exh_lines_open(*fp, "t.tsv", flags, &lr, &err),
	    EXH_OK);
	return lr;
}

static void
expect_line(struct exh_lines *lr, const char *want, size_t no)
{
	struct exh_err err;
	char *line;
	size_t len;

	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_OK);
	assert_string_equal(line, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(exh_lines_no(lr), no);
}

static void
expect_end(struct exh_lines *lr)
{
	struct exh_err err;
	char *line;
	size_t len;

	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_STOP);
}

static void
crlf_lines_lose_exactly_one_cr(void **state)
{
	static const char text[] = "a\tb\r\nc\r\r\n\r\n";
	FILE *fp;
	struct exh_lines *lr = reader(text, sizeof(text) - 1, 0, &fp);

	(void)state;
	expect_line(lr, "a\tb", 1);
	expect_line(lr, "c\r", 2);
	expect_line(lr, "", 3);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
}

static void
comments_and_blank_lines_are_skipped_but_counted(void **state)
{
	static const char text[] = "# head\n\n  \nx\n#y\n";
	FILE *fp;
	struct exh_lines *lr = reader(text, sizeof(text) - 1,
	    EXH_LINES_SKIP_BLANK | EXH_LINES_SKIP_COMMENT | EXH_LINES_TRIM,
	    &fp);

	(void)state;
	expect_line(lr, "x", 4);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
}

static void
without_flags_comments_and_blanks_come_through(void **state)
{
	static const char text[] = "#c\n\n";
	FILE *fp;
	struct exh_lines *lr = reader(text, sizeof(text) - 1, 0, &fp);

	(void)state;
	expect_line(lr, "#c", 1);
	expect_line(lr, "", 2);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
}

static void
missing_final_newline_still_yields_the_last_line(void **state)
{
	FILE *fp;
	struct exh_lines *lr = reader("one\ntwo", 7, 0, &fp);

	(void)state;
	expect_line(lr, "one", 1);
	expect_line(lr, "two", 2);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
}

static void
overlong_line_is_an_error_with_its_line_number_and_reading_goes_on(
    void **state)
{
	size_t big = EXH_LINE_MAX + 10, len;
	char *text = malloc(big + 8), *line;
	struct exh_lines *lr;
	struct exh_err err;
	FILE *fp;

	(void)state;
	assert_non_null(text);
	memcpy(text, "ok\n", 3);
	memset(text + 3, 'x', big);
	memcpy(text + 3 + big, "\nend\n", 5);
	lr = reader(text, big + 8, 0, &fp);
	expect_line(lr, "ok", 1);
	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_ECORRUPT);
	assert_string_equal(err.msg, "t.tsv:2: line longer than 65536 bytes");
	assert_string_equal(exh_lines_why(lr), "line longer than 65536 bytes");
	expect_line(lr, "end", 3);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
	free(text);
}

static void
line_of_exactly_the_bound_is_accepted(void **state)
{
	char *text = malloc(EXH_LINE_MAX + 1), *line;
	struct exh_lines *lr;
	struct exh_err err;
	size_t len;
	FILE *fp;

	(void)state;
	assert_non_null(text);
	memset(text, 'y', EXH_LINE_MAX);
	text[EXH_LINE_MAX] = '\n';
	lr = reader(text, EXH_LINE_MAX + 1, 0, &fp);
	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_OK);
	assert_int_equal(len, EXH_LINE_MAX);
	expect_end(lr);
	exh_lines_close(lr);
	fclose(fp);
	free(text);
}

static void
nul_byte_in_a_line_is_an_error_with_its_line_number(void **state)
{
	struct exh_lines *lr;
	struct exh_err err;
	char *line;
	size_t len;
	FILE *fp;

	(void)state;
	lr = reader("a\nb\0c\nd\n", 8, 0, &fp);
	expect_line(lr, "a", 1);
	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_ECORRUPT);
	assert_string_equal(err.msg, "t.tsv:2: NUL byte in line");
	expect_line(lr, "d", 3);
	exh_lines_close(lr);
	fclose(fp);
}

static void
memory_reader_drops_a_bom_and_matches_the_file_reader(void **state)
{
	static const char text[] = "\xef\xbb\xbf" "h1\r\n\tx \n";
	struct exh_lines *lr;
	struct exh_err err;
	char *line;
	size_t len;

	(void)state;
	assert_int_equal(exh_lines_open_mem(text, sizeof(text) - 1, "m.txt",
	    EXH_LINES_BOM | EXH_LINES_TRIM, &lr, &err), EXH_OK);
	expect_line(lr, "h1", 1);
	expect_line(lr, "x", 2);
	expect_end(lr);
	assert_int_equal(exh_lines_fail(lr, &err, EXH_EUSAGE, "bad %s", "row"),
	    EXH_EUSAGE);
	assert_string_equal(err.msg, "m.txt:2: bad row");
	exh_lines_close(lr);
	assert_int_equal(exh_lines_open_mem("a\0b\n", 4, "m.txt", 0, &lr, &err),
	    EXH_OK);
	assert_int_equal(exh_lines_next(lr, &line, &len, &err), EXH_ECORRUPT);
	assert_string_equal(err.msg, "m.txt:1: NUL byte in line");
	expect_end(lr);
	exh_lines_close(lr);
}

static void
tab_split_keeps_empty_fields_and_the_rest_in_the_last(void **state)
{
	char line[] = "a\t\tc\td\te", *f[4];

	(void)state;
	assert_int_equal(exh_fields_split(line, f, 4), 4);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "");
	assert_string_equal(f[2], "c");
	assert_string_equal(f[3], "d\te");
}

static void
empty_line_splits_into_one_empty_field(void **state)
{
	char line[] = "", *f[4];

	(void)state;
	assert_int_equal(exh_fields_split(line, f, 4), 1);
	assert_string_equal(f[0], "");
}

static void
string_vector_copies_counts_and_frees(void **state)
{
	char **v = NULL, buf[] = "mutable";
	size_t n = 0;

	(void)state;
	assert_int_equal(exh_strvec_push(&v, &n, buf), EXH_OK);
	assert_int_equal(exh_strvec_push(&v, &n, NULL), EXH_OK);
	buf[0] = 'M';
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "mutable");
	assert_string_equal(v[1], "");
	exh_strvec_free(v, n);
	exh_strvec_free(NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crlf_lines_lose_exactly_one_cr),
		cmocka_unit_test(comments_and_blank_lines_are_skipped_but_counted),
		cmocka_unit_test(without_flags_comments_and_blanks_come_through),
		cmocka_unit_test(missing_final_newline_still_yields_the_last_line),
		cmocka_unit_test(
		    overlong_line_is_an_error_with_its_line_number_and_reading_goes_on),
		cmocka_unit_test(line_of_exactly_the_bound_is_accepted),
		cmocka_unit_test(nul_byte_in_a_line_is_an_error_with_its_line_number),
		cmocka_unit_test(
		    memory_reader_drops_a_bom_and_matches_the_file_reader),
		cmocka_unit_test(tab_split_keeps_empty_fields_and_the_rest_in_the_last),
		cmocka_unit_test(empty_line_splits_into_one_empty_field),
		cmocka_unit_test(string_vector_copies_counts_and_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
