/* Unit tests: VS_FIXEDFILEINFO from PE images, good and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/host.h"

#include "../lib/pespec.h"

static const unsigned exsetup_e16cu19[4] = { 15, 1, 2176, 9 };

static int
parse(enum ps_mode mode, uint16_t v[4], struct exh_err *err)
{
	unsigned char img[PS_MAX];
	size_t len = ps_build(img, exsetup_e16cu19, mode);
	unsigned char *copy = malloc(len);
	int rc;

	/* An exact-size heap copy lets ASan catch any read past the end. */
	assert_non_null(copy);
	memcpy(copy, img, len);
	rc = exh_pe_file_version(copy, len, v, err);
	free(copy);
	return rc;
}

static void
good_pe64_gives_the_four_part_file_version(void **state)
{
	uint16_t v[4] = { 0 };
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_GOOD, v, &err), EXH_OK);
	assert_int_equal(v[0], 15);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 2176);
	assert_int_equal(v[3], 9);
}

static void
good_pe32_gives_the_same_version(void **state)
{
	uint16_t v[4] = { 0 };
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_PE32, v, &err), EXH_OK);
	assert_int_equal(v[2], 2176);
	assert_int_equal(v[3], 9);
}

static void
truncated_version_resource_is_corrupt(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_TRUNCATED, v, &err), EXH_ECORRUPT);
}

static void
resource_data_outside_the_file_is_corrupt(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_OOB, v, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "outside the file"));
}

static void
resource_directory_loop_is_corrupt_not_endless(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_LOOP, v, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "loop"));
}

static void
pe_without_version_resource_is_not_found(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_NOVERSION, v, &err), EXH_ENOTFOUND);
}

static void
wrong_fixedfileinfo_signature_is_corrupt(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_BADSIG, v, &err), EXH_ECORRUPT);
}

static void
directory_claiming_65535_entries_is_corrupt(void **state)
{
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(parse(PS_HUGE_COUNT, v, &err), EXH_ECORRUPT);
}

static void
every_prefix_of_a_good_image_is_handled_without_crash(void **state)
{
	unsigned char img[PS_MAX];
	size_t len = ps_build(img, exsetup_e16cu19, PS_GOOD), n;
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	for (n = 0; n < len; n++) {
		unsigned char *copy = malloc(n + 1);
		int rc;

		assert_non_null(copy);
		memcpy(copy, img, n);
		rc = exh_pe_file_version(copy, n, v, &err);
		/* Cuts after the version block still hold all of it. */
		if (n >= 0x200 + 0x58 + 92 && rc == EXH_OK)
			assert_int_equal(v[2], 2176);
		else
			assert_int_equal(rc, EXH_ECORRUPT);
		free(copy);
	}
}

static void
text_that_is_not_a_pe_is_corrupt(void **state)
{
	const char *s = "<html>MZ is not here</html>";
	uint16_t v[4];
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_pe_file_version((const unsigned char *)s,
	    strlen(s), v, &err), EXH_ECORRUPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_pe64_gives_the_four_part_file_version),
		cmocka_unit_test(good_pe32_gives_the_same_version),
		cmocka_unit_test(truncated_version_resource_is_corrupt),
		cmocka_unit_test(resource_data_outside_the_file_is_corrupt),
		cmocka_unit_test(resource_directory_loop_is_corrupt_not_endless),
		cmocka_unit_test(pe_without_version_resource_is_not_found),
		cmocka_unit_test(wrong_fixedfileinfo_signature_is_corrupt),
		cmocka_unit_test(directory_claiming_65535_entries_is_corrupt),
		cmocka_unit_test(
		    every_prefix_of_a_good_image_is_handled_without_crash),
		cmocka_unit_test(text_that_is_not_a_pe_is_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
