/* The 64-bit hash set: exact membership, values, growth, the one bad key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exhume/core.h"

static void
members_stay_members_across_growth_and_others_never_appear(void **state)
{
	struct exh_set64 s = { 0 };
	uint64_t i;

	(void)state;
	assert_false(exh_set64_has(&s, 0));
	for (i = 0; i < 100000; i += 2)
		assert_int_equal(exh_set64_add(&s, i << 20), EXH_OK);
	assert_int_equal(s.n, 50000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(exh_set64_has(&s, i << 20), i % 2 == 0);
	assert_true(exh_set64_has(&s, 0));
	exh_set64_free(&s);
	assert_false(exh_set64_has(&s, 0));
}

static void
put_replaces_a_value_and_add_keeps_it(void **state)
{
	struct exh_set64 s = { 0 };
	uint64_t v = 0;

	(void)state;
	assert_int_equal(exh_set64_put(&s, 7, 70), EXH_OK);
	assert_int_equal(exh_set64_add(&s, 7), EXH_OK);
	assert_true(exh_set64_get(&s, 7, &v));
	assert_int_equal(v, 70);
	assert_int_equal(exh_set64_put(&s, 7, 71), EXH_OK);
	assert_true(exh_set64_get(&s, 7, &v));
	assert_int_equal(v, 71);
	assert_int_equal(s.n, 1);
	assert_false(exh_set64_get(&s, 8, &v));
	exh_set64_free(&s);
}

static void
the_largest_key_is_refused_not_confused_with_a_free_slot(void **state)
{
	struct exh_set64 s = { 0 };

	(void)state;
	assert_int_equal(exh_set64_add(&s, UINT64_MAX), EXH_EUSAGE);
	assert_false(exh_set64_has(&s, UINT64_MAX));
	assert_int_equal(exh_set64_add(&s, UINT64_MAX - 1), EXH_OK);
	assert_true(exh_set64_has(&s, UINT64_MAX - 1));
	exh_set64_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    members_stay_members_across_growth_and_others_never_appear),
		cmocka_unit_test(put_replaces_a_value_and_add_keeps_it),
		cmocka_unit_test(
		    the_largest_key_is_refused_not_confused_with_a_free_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
