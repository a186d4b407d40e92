/* FILETIME conversions: hostile 64-bit timestamps never overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

static void
known_times_convert_both_ways(void **state)
{
	char buf[32];
	int64_t ft = 132592277821620000LL;	/* 2021-03-03T06:49:42.162Z */

	(void)state;
	assert_string_equal(exh_filetime_iso(ft, buf),
	    "2021-03-03T06:49:42.1620000Z");
	assert_int_equal(exh_filetime_to_unix(ft), 1614754182);
	assert_int_equal(exh_unix_to_filetime(1614754182),
	    132592277820000000LL);
	assert_int_equal(exh_filetime_to_unix(EXH_FILETIME_UNIX_EPOCH), 0);
	assert_int_equal(exh_filetime_to_unix(EXH_FILETIME_UNIX_EPOCH - 1),
	    -1);	/* floor, not truncation */
	assert_string_equal(exh_filetime_iso(0, buf), "");
}

/* An attacker sets $SI/$FN times to any 64-bit value (8 mutants once hit
 * a signed overflow here under UBSan). */
static void
hostile_timestamps_neither_overflow_nor_print_garbage(void **state)
{
	static const int64_t hostile[] = {
		INT64_MIN, INT64_MIN + 1, -1, 1, INT64_MAX, INT64_MAX - 1,
		(int64_t)0x8000000000000001ULL, (int64_t)0xfffffffffffffffeULL,
		2650467743999999999LL,		/* 9999-12-31T23:59:59.9999999 */
		2650467744000000000LL,		/* year 10000 */
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		exh_filetime_iso(hostile[i], buf);
		assert_true(buf[0] == '\0' || strlen(buf) == 28);
		(void)exh_unix_to_filetime(exh_filetime_to_unix(hostile[i]));
	}
	assert_string_equal(exh_filetime_iso(2650467743999999999LL, buf),
	    "9999-12-31T23:59:59.9999999Z");
	assert_string_equal(exh_filetime_iso(2650467744000000000LL, buf), "");
	assert_string_equal(exh_filetime_iso(-1, buf), "");
	assert_int_equal(exh_unix_to_filetime(INT64_MAX), INT64_MAX);
	assert_int_equal(exh_unix_to_filetime(INT64_MIN), INT64_MIN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_times_convert_both_ways),
		cmocka_unit_test(
		    hostile_timestamps_neither_overflow_nor_print_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
