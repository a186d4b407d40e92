/* The string vector: copies kept in order, formatted notes, cut at 2 KiB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

static void
pushed_strings_are_copies_kept_in_order(void **state)
{
	char **v = NULL, buf[8] = "first";
	size_t n = 0;

	(void)state;
	assert_int_equal(exh_strvec_push(&v, &n, buf), EXH_OK);
	buf[0] = 'X';
	assert_int_equal(exh_strvec_push(&v, &n, NULL), EXH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "first");
	assert_string_equal(v[1], "");
	exh_strvec_free(v, n);
}

static void
a_formatted_note_is_kept_and_a_huge_one_is_cut_not_lost(void **state)
{
	char **v = NULL, *big;
	size_t n = 0;

	(void)state;
	assert_int_equal(exh_strvec_pushf(&v, &n, "%s: partition %d: %s",
	    "a.img", 2, "drive letter E:"), EXH_OK);
	assert_string_equal(v[0], "a.img: partition 2: drive letter E:");
	big = malloc(10000);
	assert_non_null(big);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	assert_int_equal(exh_strvec_pushf(&v, &n, "x%s", big), EXH_OK);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(v[1]), 2047);
	free(big);
	exh_strvec_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pushed_strings_are_copies_kept_in_order),
		cmocka_unit_test(
		    a_formatted_note_is_kept_and_a_huge_one_is_cut_not_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
