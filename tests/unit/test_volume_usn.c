/* Tests: the $UsnJrnl:$J record parser on generated journal pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/volume.h"

#define MAX_SEEN 16

/* What the callback saw, names copied (they are borrowed). */
struct seen {
	size_t n;
	struct exh_usn_record rec[MAX_SEEN];
	char name[MAX_SEEN][64];
	size_t stop_after;	/* 0: never stop */
};

static int
collect(const struct exh_usn_record *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		s->rec[s->n] = *r;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", r->name);
		s->rec[s->n].name = s->name[s->n];
	}
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after ? EXH_WALK_STOP :
	    EXH_WALK_NEXT;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes an ASCII name as UTF-16LE; returns its byte length. */
static uint16_t
put_name(uint8_t *p, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		put16(p + 2 * i, (uint8_t)name[i]);
	return (uint16_t)(2 * i);
}

/* A USN_RECORD_V2 at p; returns its (8-byte aligned) length. */
static uint32_t
make_v2(uint8_t *p, uint64_t mft, uint16_t seq, int64_t usn,
    uint32_t reasons, const char *name)
{
	uint16_t nlen = put_name(p + 60, name);
	uint32_t len = (60u + nlen + 7u) & ~7u;

	put32(p, len);
	put16(p + 4, 2);
	put64(p + 8, mft | (uint64_t)seq << 48);
	put64(p + 16, 5 | (uint64_t)5 << 48);
	put64(p + 24, (uint64_t)usn);
	put64(p + 32, 132580000000000000ull);	/* 2021-02-17T01:46:40Z */
	put32(p + 40, reasons);
	put32(p + 48, 260);
	put32(p + 52, EXH_ATTR_ARCHIVE);
	put16(p + 56, nlen);
	put16(p + 58, 60);
	return len;
}

/* A USN_RECORD_V3 (128-bit references). */
static uint32_t
make_v3(uint8_t *p, uint64_t mft, uint16_t seq, const char *name)
{
	uint16_t nlen = put_name(p + 76, name);
	uint32_t len = (76u + nlen + 7u) & ~7u;

	put32(p, len);
	put16(p + 4, 3);
	put64(p + 8, mft | (uint64_t)seq << 48);
	put64(p + 24, 35 | (uint64_t)2 << 48);
	put64(p + 40, 4096);
	put64(p + 48, 132580000000000000ull);
	put32(p + 56, 0x00000100u);
	put16(p + 72, nlen);
	put16(p + 74, 76);
	return len;
}

/* A USN_RECORD_V4 with n extents. */
static uint32_t
make_v4(uint8_t *p, uint64_t mft, uint16_t n)
{
	uint32_t len = 64u + 16u * n;

	put32(p, len);
	put16(p + 4, 4);
	put64(p + 8, mft | (uint64_t)3 << 48);
	put64(p + 24, 5 | (uint64_t)5 << 48);
	put64(p + 40, 8192);
	put32(p + 48, 0x00000001u);
	put16(p + 60, n);
	put16(p + 62, 16);
	return len;
}

static int
parse_all(const uint8_t *b, size_t len, struct seen *s,
    struct exh_usn_counts *c)
{
	struct exh_err err;
	size_t used;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = exh_usn_parse(b, len, 0, true, &used, collect, s, c, &err);
	if (rc == EXH_OK)
		assert_int_equal(used, len);
	return rc;
}

static void
v2_record_gives_references_time_reasons_and_name(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;
	char when[32];

	(void)state;
	make_v2(b, 64, 1, 1234, 0x80000100u, "shell.aspx");
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.records, 1);
	assert_int_equal(c.damaged, 0);
	assert_int_equal(s.rec[0].major, 2);
	assert_int_equal(s.rec[0].mft, 64);
	assert_int_equal(s.rec[0].seq, 1);
	assert_int_equal(s.rec[0].parent_mft, 5);
	assert_int_equal(s.rec[0].parent_seq, 5);
	assert_int_equal(s.rec[0].usn, 1234);
	assert_int_equal(s.rec[0].security_id, 260);
	assert_int_equal(s.rec[0].attributes, EXH_ATTR_ARCHIVE);
	assert_int_equal(s.rec[0].offset, 0);
	assert_string_equal(s.rec[0].name, "shell.aspx");
	assert_string_equal(exh_filetime_iso(s.rec[0].timestamp, when),
	    "2021-02-17T01:46:40.0000000Z");
}

static void
v3_record_reads_the_low_half_of_128_bit_references(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;

	(void)state;
	make_v3(b, 77, 4, "web.config");
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.records, 1);
	assert_int_equal(s.rec[0].major, 3);
	assert_int_equal(s.rec[0].mft, 77);
	assert_int_equal(s.rec[0].seq, 4);
	assert_int_equal(s.rec[0].parent_mft, 35);
	assert_int_equal(s.rec[0].parent_seq, 2);
	assert_int_equal(s.rec[0].usn, 4096);
	assert_int_equal(s.rec[0].reasons, 0x100);
	assert_string_equal(s.rec[0].name, "web.config");
}

static void
v4_record_has_references_and_no_name_or_time(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;

	(void)state;
	make_v4(b, 90, 2);
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.records, 1);
	assert_int_equal(s.rec[0].major, 4);
	assert_int_equal(s.rec[0].mft, 90);
	assert_int_equal(s.rec[0].seq, 3);
	assert_int_equal(s.rec[0].usn, 8192);
	assert_int_equal(s.rec[0].timestamp, 0);
	assert_string_equal(s.rec[0].name, "");
}

static void
v4_record_with_more_extents_than_its_length_is_damaged(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;

	(void)state;
	make_v4(b, 90, 2);
	put16(b + 60, 9);
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.records, 0);
	assert_int_equal(c.damaged, 1);
}

static void
damaged_length_is_counted_once_and_the_next_record_is_found(void **state)
{
	uint8_t b[512] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;
	uint32_t first;

	(void)state;
	first = make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	make_v2(b + first, 65, 1, 96, 0x200, "b.aspx");
	put32(b, 0x61);		/* not a multiple of 8 */
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.damaged, 1);
	assert_int_equal(c.records, 1);
	assert_string_equal(s.rec[0].name, "b.aspx");
	assert_int_equal(s.rec[0].offset, first);
}

static void
huge_length_unknown_version_and_bad_name_are_damaged(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c;

	(void)state;
	make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	put32(b, 0xfffffff8u);
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.damaged, 1);
	make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	put16(b + 4, 9);
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.damaged, 1);
	make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	put16(b + 58, 200);	/* name outside the record */
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_OK);
	assert_int_equal(c.damaged, 1);
	assert_int_equal(s.n, 0);
}

static void
record_ending_at_a_page_end_is_read_and_one_crossing_it_is_damaged(
    void **state)
{
	uint8_t *b = calloc(2 * EXH_USN_PAGE, 1);
	struct seen s = { 0 };
	struct exh_usn_counts c;
	uint32_t len;

	(void)state;
	assert_non_null(b);
	/* 80 bytes ending exactly at the page end. */
	len = make_v2(b + EXH_USN_PAGE - 80, 64, 1, 0, 0x100, "abcdefghi");
	assert_int_equal(len, 80);
	make_v2(b + EXH_USN_PAGE, 65, 1, 4096, 0x100, "next");
	assert_int_equal(parse_all(b, 2 * EXH_USN_PAGE, &s, &c), EXH_OK);
	assert_int_equal(c.records, 2);
	assert_int_equal(c.damaged, 0);
	memset(b, 0, 2 * EXH_USN_PAGE);
	make_v2(b + EXH_USN_PAGE - 40, 64, 1, 0, 0x100, "abcdefghi");
	make_v2(b + EXH_USN_PAGE, 65, 1, 4096, 0x100, "next");
	s.n = 0;
	assert_int_equal(parse_all(b, 2 * EXH_USN_PAGE, &s, &c), EXH_OK);
	assert_int_equal(c.damaged, 1);
	assert_int_equal(c.records, 1);
	assert_string_equal(s.rec[0].name, "next");
	free(b);
}

static void
zero_run_is_padding_not_damage(void **state)
{
	size_t len = 64 * 1024;
	uint8_t *b = calloc(len, 1);
	struct seen s = { 0 };
	struct exh_usn_counts c;

	(void)state;
	assert_non_null(b);
	make_v2(b + len - EXH_USN_PAGE, 64, 1, 0, 0x100, "late.aspx");
	assert_int_equal(parse_all(b, len, &s, &c), EXH_OK);
	assert_int_equal(c.records, 1);
	assert_int_equal(c.damaged, 0);
	assert_int_equal(s.rec[0].offset, len - EXH_USN_PAGE);
	free(b);
}

static void
record_cut_by_the_buffer_waits_for_the_rest_unless_final(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { 0 };
	struct exh_usn_counts c = { 0 };
	struct exh_err err;
	size_t used;
	uint32_t first, second;

	(void)state;
	first = make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	second = make_v2(b + first, 65, 1, 80, 0x100, "b.aspx");
	assert_int_equal(exh_usn_parse(b, first + 16, 0, false, &used,
	    collect, &s, &c, &err), EXH_OK);
	assert_int_equal(used, first);
	assert_int_equal(c.records, 1);
	assert_int_equal(exh_usn_parse(b + used, second, used, false, &used,
	    collect, &s, &c, &err), EXH_OK);
	assert_int_equal(used, second);
	assert_int_equal(c.records, 2);
	assert_string_equal(s.rec[1].name, "b.aspx");
	/* The same cut at the end of the journal is damage. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(exh_usn_parse(b, first + 16, 0, true, &used,
	    collect, &s, &c, &err), EXH_OK);
	assert_int_equal(used, first + 16);
	assert_int_equal(c.damaged, 1);
}

static void
callback_stop_ends_the_parse_with_stop(void **state)
{
	uint8_t b[256] = { 0 };
	struct seen s = { .stop_after = 1 };
	struct exh_usn_counts c;
	uint32_t first;

	(void)state;
	first = make_v2(b, 64, 1, 0, 0x100, "a.aspx");
	make_v2(b + first, 65, 1, 80, 0x100, "b.aspx");
	assert_int_equal(parse_all(b, sizeof(b), &s, &c), EXH_STOP);
	assert_int_equal(s.n, 1);
}

static void
misaligned_base_is_a_usage_error(void **state)
{
	uint8_t b[64] = { 0 };
	struct exh_usn_counts c = { 0 };
	struct exh_err err;
	size_t used;

	(void)state;
	assert_int_equal(exh_usn_parse(b, sizeof(b), 4, true, &used, collect,
	    NULL, &c, &err), EXH_EUSAGE);
}

static void
reasons_are_named_and_unknown_bits_shown_in_hex(void **state)
{
	struct exh_buf b = { 0 };

	(void)state;
	assert_int_equal(exh_usn_reasons(0x80002100u | 0x08000000u, "|", &b),
	    EXH_OK);
	assert_string_equal(b.data,
	    "FILE_CREATE|RENAME_NEW_NAME|CLOSE|0x08000000");
	exh_buf_free(&b);
	assert_int_equal(exh_usn_reasons(0, "|", &b), EXH_OK);
	assert_string_equal(b.data, "");
	exh_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v2_record_gives_references_time_reasons_and_name),
		cmocka_unit_test(v3_record_reads_the_low_half_of_128_bit_references),
		cmocka_unit_test(v4_record_has_references_and_no_name_or_time),
		cmocka_unit_test(v4_record_with_more_extents_than_its_length_is_damaged),
		cmocka_unit_test(damaged_length_is_counted_once_and_the_next_record_is_found),
		cmocka_unit_test(huge_length_unknown_version_and_bad_name_are_damaged),
		cmocka_unit_test(record_ending_at_a_page_end_is_read_and_one_crossing_it_is_damaged),
		cmocka_unit_test(zero_run_is_padding_not_damage),
		cmocka_unit_test(record_cut_by_the_buffer_waits_for_the_rest_unless_final),
		cmocka_unit_test(callback_stop_ends_the_parse_with_stop),
		cmocka_unit_test(misaligned_base_is_a_usage_error),
		cmocka_unit_test(reasons_are_named_and_unknown_bits_shown_in_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
