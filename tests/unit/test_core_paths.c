/* Where exhume finds its rules: EXHUME_RULES_DIR is taken only when it
 * holds scope.txt, and a refusal says where to point it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

static void
env_dir_with_scope_txt_is_taken_as_it_is(void **state)
{
	char dir[EXH_PATH_MAX];
	struct exh_err err = { 0 };

	(void)state;
	setenv("EXHUME_RULES_DIR", EXH_RULES_DIR, 1);
	assert_int_equal(exh_data_rules_dir(dir, sizeof(dir), &err), EXH_OK);
	assert_string_equal(dir, EXH_RULES_DIR);
	unsetenv("EXHUME_RULES_DIR");
}

static void
env_dir_without_scope_txt_is_refused_by_name(void **state)
{
	char dir[EXH_PATH_MAX];
	struct exh_err err = { 0 };

	(void)state;
	setenv("EXHUME_RULES_DIR", EXH_RULES_DIR "/yara", 1);
	assert_int_equal(exh_data_rules_dir(dir, sizeof(dir), &err),
	    EXH_EUSAGE);
	assert_non_null(strstr(err.msg, "EXHUME_RULES_DIR=" EXH_RULES_DIR
	    "/yara: not exhume's rules directory (no scope.txt there)"));
	unsetenv("EXHUME_RULES_DIR");
}

static void
a_path_longer_than_the_buffer_is_a_usage_error(void **state)
{
	char dir[8];
	struct exh_err err = { 0 };

	(void)state;
	setenv("EXHUME_RULES_DIR", EXH_RULES_DIR, 1);
	assert_int_equal(exh_data_rules_dir(dir, sizeof(dir), &err),
	    EXH_EUSAGE);
	assert_non_null(strstr(err.msg, "too long"));
	unsetenv("EXHUME_RULES_DIR");
}

static void
without_env_the_answer_holds_scope_txt_or_names_it(void **state)
{
	char dir[EXH_PATH_MAX];
	struct exh_err err = { 0 };
	int rc;

	(void)state;
	unsetenv("EXHUME_RULES_DIR");
	/* The test binary is build/san/tests/x: no tree next to it; an
	 * installed exhume may answer, or the refusal names scope.txt. */
	rc = exh_data_rules_dir(dir, sizeof(dir), &err);
	if (rc == EXH_OK)
		assert_true(strlen(dir) > 0);
	else {
		assert_int_equal(rc, EXH_EUSAGE);
		assert_non_null(strstr(err.msg, "no scope.txt in "));
		assert_non_null(strstr(err.msg, "set EXHUME_RULES_DIR"));
	}
}

static void
locale_env_is_taken_when_absolute(void **state)
{
	char dir[EXH_PATH_MAX];

	(void)state;
	setenv("EXHUME_LOCALE_DIR", "/somewhere/locale", 1);
	exh_data_locale_dir(dir, sizeof(dir));
	assert_string_equal(dir, "/somewhere/locale");
	setenv("EXHUME_LOCALE_DIR", "relative/locale", 1);
	exh_data_locale_dir(dir, sizeof(dir));
	assert_string_not_equal(dir, "relative/locale");
	unsetenv("EXHUME_LOCALE_DIR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_dir_with_scope_txt_is_taken_as_it_is),
		cmocka_unit_test(env_dir_without_scope_txt_is_refused_by_name),
		cmocka_unit_test(a_path_longer_than_the_buffer_is_a_usage_error),
		cmocka_unit_test(
		    without_env_the_answer_holds_scope_txt_or_names_it),
		cmocka_unit_test(locale_env_is_taken_when_absolute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
