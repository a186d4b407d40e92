/* Tests: the owner SID parser on real and hostile self-relative security descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/volume.h"

/*
 * A descriptor as Windows stores it for a file in inetpub: owner
 * NT SERVICE\TrustedInstaller, group NT AUTHORITY\SYSTEM, a DACL with one
 * ACE letting Everyone read.
 */
static const uint8_t real_sd[] = {
	/* header: revision 1, control 0x8004, owner 20, group 56, no SACL,
	 * DACL 68 */
	0x01, 0x00, 0x04, 0x80, 0x14, 0x00, 0x00, 0x00,
	0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x44, 0x00, 0x00, 0x00,
	/* owner S-1-5-80-956008885-3418522649-1831038044-1853292631-
	 * 2271478464 */
	0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x50, 0x00, 0x00, 0x00, 0xb5, 0x89, 0xfb, 0x38,
	0x19, 0x84, 0xc2, 0xcb, 0x5c, 0x6c, 0x23, 0x6d,
	0x57, 0x00, 0x77, 0x6e, 0xc0, 0x02, 0x64, 0x87,
	/* group S-1-5-18 */
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x12, 0x00, 0x00, 0x00,
	/* DACL: revision 2, size 28, one ACE */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x14, 0x00, 0x89, 0x00, 0x12, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00,
};

/* Header plus one owner SID at offset 20 with nsub sub-authorities. */
static size_t
make_sd(uint8_t *b, size_t cap, int nsub, uint32_t owner_off)
{
	size_t len = 20 + 8 + 4 * (size_t)nsub;
	int i;

	assert_true(len <= cap);
	memset(b, 0, cap);
	b[0] = 1;
	b[2] = 0x04;
	b[3] = 0x80;
	b[4] = (uint8_t)owner_off;
	b[5] = (uint8_t)(owner_off >> 8);
	b[6] = (uint8_t)(owner_off >> 16);
	b[7] = (uint8_t)(owner_off >> 24);
	b[20] = 1;
	b[21] = (uint8_t)nsub;
	b[27] = 5;
	for (i = 0; i < nsub; i++)
		b[28 + 4 * i] = (uint8_t)(i + 1);
	return len;
}

static void
real_descriptor_gives_the_owner_sid(void **state)
{
	char out[EXH_SID_MAX];
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(exh_volume_sd_owner(real_sd, sizeof(real_sd), out,
	    sizeof(out), &err), EXH_OK);
	assert_string_equal(out, "S-1-5-80-956008885-3418522649-1831038044-"
	    "1853292631-2271478464");
}

static void
big_identifier_authority_is_big_endian_and_shown_in_hex(void **state)
{
	uint8_t b[64];
	char out[EXH_SID_MAX];
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 1, 20);

	(void)state;
	/* 48-bit authority 0x010203040506: above 32 bits, so hex. */
	b[22] = 1; b[23] = 2; b[24] = 3; b[25] = 4; b[26] = 5; b[27] = 6;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_OK);
	assert_string_equal(out, "S-1-0x010203040506-1");
	/* 32-bit authority: decimal, most significant byte first. */
	b[22] = 0; b[23] = 0; b[24] = 0; b[25] = 0; b[26] = 1; b[27] = 0;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_OK);
	assert_string_equal(out, "S-1-256-1");
}

static void
fifteen_sub_authorities_are_the_most_accepted(void **state)
{
	uint8_t b[128];
	char out[EXH_SID_MAX];
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 15, 20);

	(void)state;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_OK);
	assert_string_equal(out, "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15");
}

static void
sixteen_sub_authorities_are_corrupt(void **state)
{
	uint8_t b[128];
	char out[EXH_SID_MAX] = "x";
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 16, 20);

	(void)state;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
	assert_string_equal(out, "");
}

static void
truncated_descriptor_is_corrupt(void **state)
{
	uint8_t b[64];
	char out[EXH_SID_MAX] = "x";
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 2, 20), cut;

	(void)state;
	/* Every cut short of the full length fails cleanly under ASan. */
	for (cut = 0; cut < len; cut++)
		assert_int_equal(exh_volume_sd_owner(b, cut, out, sizeof(out),
		    &err), EXH_ECORRUPT);
	assert_string_equal(out, "");
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_OK);
	assert_string_equal(out, "S-1-5-1-2");
}

static void
owner_offset_past_the_end_is_corrupt(void **state)
{
	uint8_t b[64];
	char out[EXH_SID_MAX];
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 1, 20);

	(void)state;
	b[4] = 0xf0; b[5] = 0xff; b[6] = 0xff; b[7] = 0xff;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
	b[4] = (uint8_t)len; b[5] = 0; b[6] = 0; b[7] = 0;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
	/* Inside the header is not an owner either. */
	b[4] = 4;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
}

static void
zero_owner_offset_means_no_owner(void **state)
{
	uint8_t b[64];
	char out[EXH_SID_MAX] = "x";
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 1, 0);

	(void)state;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ENOTFOUND);
	assert_string_equal(out, "");
}

static void
wrong_revisions_are_corrupt(void **state)
{
	uint8_t b[64];
	char out[EXH_SID_MAX];
	struct exh_err err = { 0 };
	size_t len = make_sd(b, sizeof(b), 1, 20);

	(void)state;
	b[20] = 2;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
	b[20] = 1;
	b[0] = 0;
	assert_int_equal(exh_volume_sd_owner(b, len, out, sizeof(out), &err),
	    EXH_ECORRUPT);
}

static void
small_output_buffer_is_a_usage_error(void **state)
{
	char out[8];
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(exh_volume_sd_owner(real_sd, sizeof(real_sd), out,
	    sizeof(out), &err), EXH_EUSAGE);
	assert_int_equal(exh_volume_sd_owner(NULL, 0, out, EXH_SID_MAX, &err),
	    EXH_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_descriptor_gives_the_owner_sid),
		cmocka_unit_test(
		    big_identifier_authority_is_big_endian_and_shown_in_hex),
		cmocka_unit_test(fifteen_sub_authorities_are_the_most_accepted),
		cmocka_unit_test(sixteen_sub_authorities_are_corrupt),
		cmocka_unit_test(truncated_descriptor_is_corrupt),
		cmocka_unit_test(owner_offset_past_the_end_is_corrupt),
		cmocka_unit_test(zero_owner_offset_means_no_owner),
		cmocka_unit_test(wrong_revisions_are_corrupt),
		cmocka_unit_test(small_output_buffer_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
