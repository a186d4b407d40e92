/* The recorded command line reads back as the words that were typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

static char *
quoted(const char *s)
{
	static struct exh_buf b;

	exh_buf_free(&b);
	assert_int_equal(exh_esc_shell(&b, s, strlen(s)), EXH_OK);
	return b.data;
}

static void
plain_words_stay_as_typed(void **state)
{
	(void)state;
	assert_string_equal(quoted("--case"), "--case");
	assert_string_equal(quoted("/dev/sda"), "/dev/sda");
	assert_string_equal(quoted("--max-collect=4G,x@y%z"),
	    "--max-collect=4G,x@y%z");
}

static void
a_blank_keeps_the_argument_one_word(void **state)
{
	(void)state;
	assert_string_equal(quoted("J. Doe"), "'J. Doe'");
	assert_string_equal(quoted(""), "''");
}

static void
a_single_quote_is_closed_escaped_and_reopened(void **state)
{
	(void)state;
	assert_string_equal(quoted("O'Brien's case"), "'O'\\''Brien'\\''s case'");
}

static void
shell_characters_are_quoted_not_run(void **state)
{
	(void)state;
	assert_string_equal(quoted("$(reboot)"), "'$(reboot)'");
	assert_string_equal(quoted("a;b"), "'a;b'");
	assert_string_equal(quoted("~root"), "'~root'");
	assert_string_equal(quoted("*.aspx"), "'*.aspx'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_words_stay_as_typed),
		cmocka_unit_test(a_blank_keeps_the_argument_one_word),
		cmocka_unit_test(a_single_quote_is_closed_escaped_and_reopened),
		cmocka_unit_test(shell_characters_are_quoted_not_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
