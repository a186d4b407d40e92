/* Collector skips: a repeated skip is listed once, also after sorting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "exhume/findings.h"

static void
add(struct exh_findings *c, const char *path, uint64_t mft,
    const char *detail)
{
	struct exh_err err;

	assert_int_equal(exh_findings_add_skip(c, path, "", mft, 10,
	    "unreadable", detail, &err), EXH_OK);
}

static void
repeated_skips_are_listed_once_differing_ones_each(void **state)
{
	struct exh_findings *c;
	struct exh_err err;
	char path[32];
	int i;

	(void)state;
	assert_int_equal(exh_findings_create(&c, &err), EXH_OK);
	for (i = 0; i < 2000; i++) {
		(void)snprintf(path, sizeof(path), "C:\\x\\%d", i);
		add(c, path, (uint64_t)i, "bad");
		add(c, path, (uint64_t)i, "bad");	/* the same again */
	}
	assert_int_equal(exh_findings_skip_count(c), 2000);
	/* One field differs: path, record, detail, or a NULL for "". */
	add(c, "C:\\x\\0", 1, "bad");
	add(c, "C:\\x\\0", 0, "worse");
	add(c, "C:\\x\\00", 0, "bad");
	assert_int_equal(exh_findings_skip_count(c), 2003);
	assert_int_equal(exh_findings_add_skip(c, "C:\\x\\0", NULL, 0, 10,
	    "unreadable", "bad", &err), EXH_OK);
	assert_int_equal(exh_findings_skip_count(c), 2003);
	exh_findings_destroy(c);
}

static void
sorting_does_not_let_a_repeated_skip_in_again(void **state)
{
	struct exh_findings *c;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_findings_create(&c, &err), EXH_OK);
	add(c, "C:\\z", 3, "bad");
	add(c, "C:\\a", 1, "bad");
	add(c, "C:\\m", 2, "bad");
	exh_findings_sort(c);
	add(c, "C:\\z", 3, "bad");
	add(c, "C:\\m", 2, "bad");
	add(c, "C:\\a", 1, "bad");
	assert_int_equal(exh_findings_skip_count(c), 3);
	add(c, "C:\\b", 4, "bad");
	assert_int_equal(exh_findings_skip_count(c), 4);
	exh_findings_destroy(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    repeated_skips_are_listed_once_differing_ones_each),
		cmocka_unit_test(sorting_does_not_let_a_repeated_skip_in_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
