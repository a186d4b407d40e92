/* exh_volume_clone checks its handle: misuse is an error, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/volume.h"

static void
cloning_something_that_is_not_a_volume_is_a_usage_error(void **state)
{
	struct exh_volume *v = NULL;
	struct exh_err err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(exh_volume_clone(NULL, &v, &err), EXH_EUSAGE);
	assert_int_equal(err.status, EXH_EUSAGE);
	assert_string_equal(err.msg, "volume: invalid handle");
	assert_null(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    cloning_something_that_is_not_a_volume_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
