/* A deleted record's $DATA layout: runs decoded, every run bounded, bytes mapped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/volume.h"

#define CLUSTER 4096u

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* A non-resident $DATA header at a with the given pairs; its length. */
static size_t
nonresident(unsigned char *a, const unsigned char *pairs, size_t npairs,
    uint64_t size, uint16_t flags)
{
	size_t len = (0x40 + npairs + 1 + 7) / 8 * 8;

	memset(a, 0, 256);
	a[0] = 0x80;
	a[4] = (unsigned char)len;
	a[8] = 1;
	put16(a + 12, flags);
	put16(a + 0x20, 0x40);
	put64(a + 0x28, size);
	put64(a + 0x30, size);
	put64(a + 0x38, size);
	memcpy(a + 0x40, pairs, npairs);
	return len;
}

static void
runs_and_a_hole_map_each_byte_to_its_cluster(void **state)
{
	/* 3 clusters at 100, a hole of 2, 1 cluster at 90 (delta -10). */
	static const unsigned char pairs[] = { 0x11, 3, 100, 0x01, 2, 0x11, 1,
	    0xf6 };
	unsigned char a[256];
	struct exh_deleted_layout l;
	uint64_t span;
	size_t len = nonresident(a, pairs, sizeof(pairs), 6 * CLUSTER - 10, 0);

	(void)state;
	assert_int_equal(exh_deleted_layout_decode(a, len, 1000, CLUSTER, &l,
	    NULL), EXH_OK);
	assert_int_equal(l.nruns, 3);
	assert_int_equal(l.runs[2].lcn, 90);
	assert_true(l.runs[1].sparse);
	assert_int_equal(exh_deleted_layout_address(&l, 5, &span),
	    100 * CLUSTER + 5);
	assert_int_equal(span, 3 * CLUSTER - 5);
	assert_int_equal(exh_deleted_layout_address(&l, 4 * CLUSTER, &span),
	    UINT64_MAX);	/* the hole reads as zeros */
	assert_int_equal(span, CLUSTER);
	assert_int_equal(exh_deleted_layout_address(&l, 5 * CLUSTER, &span),
	    90 * CLUSTER);
	assert_int_equal(span, CLUSTER - 10);	/* up to the file's end */
	exh_deleted_layout_free(&l);
}

static void
a_run_outside_the_volume_is_damage_not_a_read(void **state)
{
	static const unsigned char beyond[] = { 0x11, 3, 100 };
	static const unsigned char below[] = { 0x11, 1, 10, 0x11, 1, 0xf0 };
	static const unsigned char huge[] = { 0x18, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0x7f, 1 };
	unsigned char a[256];
	struct exh_deleted_layout l;
	struct exh_err err = { 0 };
	size_t len;

	(void)state;
	len = nonresident(a, beyond, sizeof(beyond), CLUSTER, 0);
	assert_int_equal(exh_deleted_layout_decode(a, len, 50, CLUSTER, &l,
	    &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "outside the volume"));
	len = nonresident(a, below, sizeof(below), 2 * CLUSTER, 0);
	assert_int_equal(exh_deleted_layout_decode(a, len, 50, CLUSTER, &l,
	    NULL), EXH_ECORRUPT);	/* lcn 10 - 16 < 0 */
	len = nonresident(a, huge, sizeof(huge), CLUSTER, 0);
	assert_int_equal(exh_deleted_layout_decode(a, len, 50, CLUSTER, &l,
	    NULL), EXH_ECORRUPT);
	assert_null(l.runs);
}

static void
a_size_beyond_the_runs_is_forged_and_refused(void **state)
{
	static const unsigned char pairs[] = { 0x11, 1, 20 };
	unsigned char a[256];
	struct exh_deleted_layout l;
	struct exh_err err = { 0 };
	size_t len = nonresident(a, pairs, sizeof(pairs), (uint64_t)1 << 48,
	    0);

	(void)state;
	assert_int_equal(exh_deleted_layout_decode(a, len, 1000, CLUSTER, &l,
	    &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "forged sizes"));
}

static void
no_end_marker_inside_the_attribute_is_damage(void **state)
{
	unsigned char a[256];
	struct exh_deleted_layout l;
	size_t len;

	(void)state;
	memset(a, 0, sizeof(a));
	len = nonresident(a, (const unsigned char *)"\x11\x01\x14", 3, CLUSTER,
	    0);
	memset(a + 0x40, 0x11, len - 0x40);	/* pairs run to the end */
	assert_int_equal(exh_deleted_layout_decode(a, len, 1 << 20, CLUSTER,
	    &l, NULL), EXH_ECORRUPT);
}

static void
resident_data_points_into_the_record(void **state)
{
	unsigned char a[48];
	struct exh_deleted_layout l;

	(void)state;
	memset(a, 0, sizeof(a));
	a[0] = 0x80;
	a[4] = sizeof(a);
	a[16] = 5;		/* value length */
	a[20] = 24;		/* value offset */
	memcpy(a + 24, "<%x%>", 5);
	assert_int_equal(exh_deleted_layout_decode(a, sizeof(a), 10, CLUSTER,
	    &l, NULL), EXH_OK);
	assert_true(l.resident);
	assert_memory_equal(l.value, "<%x%>", 5);
	a[16] = 40;		/* past the attribute */
	assert_int_equal(exh_deleted_layout_decode(a, sizeof(a), 10, CLUSTER,
	    &l, NULL), EXH_ECORRUPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_and_a_hole_map_each_byte_to_its_cluster),
		cmocka_unit_test(a_run_outside_the_volume_is_damage_not_a_read),
		cmocka_unit_test(a_size_beyond_the_runs_is_forged_and_refused),
		cmocka_unit_test(no_end_marker_inside_the_attribute_is_damage),
		cmocka_unit_test(resident_data_points_into_the_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
