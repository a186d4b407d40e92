/* The shadow-copy dedupe: a store's stream is "identical" only with the live stream's reference, size and SHA-256; a content is scanned once across stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/scan_int.h"

static const char SHA_A[] =
    "7a93cd4f9d52479a2afa589349ab472c00bc3d05238fc6ee7c99e3113f6ee2cb";
static const char SHA_B[] =
    "0e89d4de8c94453bf5d4cc63c3d80f0f00000000000000000000000000000001";

static struct exh_fileref
ref(uint64_t mft, uint16_t seq, const char *stream, uint64_t size)
{
	struct exh_fileref f;

	memset(&f, 0, sizeof(f));
	f.mft = mft;
	f.seq = seq;
	f.stream = (char *)stream;
	f.size = size;
	return f;
}

static struct exh_scan_dedupe *
with_live(void)
{
	struct exh_scan_dedupe *d = NULL;
	struct exh_fileref f = ref(68, 1, "", 107);
	struct exh_err err;
	unsigned char head[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t i;

	assert_int_equal(exh_scan_dedupe_create(&d, &err), EXH_OK);
	assert_int_equal(dedupe_record(d, &f, NULL, SHA_A), EXH_OK);
	/* Enough others that the index grows and is sorted. */
	for (i = 0; i < 3000; i++) {
		f = ref(1000 + (i * 7919) % 3000, 1, "", i);
		assert_int_equal(dedupe_record(d, &f, head, SHA_B), EXH_OK);
	}
	assert_int_equal(exh_scan_dedupe_freeze(d, &err), EXH_OK);
	return d;
}

static void
a_store_stream_matches_only_with_reference_sequence_stream_and_size(
    void **state)
{
	struct exh_scan_dedupe *d = with_live();
	struct exh_fileref same = ref(68, 1, "", 107);
	struct exh_fileref reused = ref(68, 2, "", 107);
	struct exh_fileref ads = ref(68, 1, "Zone.Identifier", 107);
	struct exh_fileref longer = ref(68, 1, "", 108);
	struct exh_fileref other = ref(1000 + (5 * 7919) % 3000, 1, "", 5);

	(void)state;
	assert_non_null(dedupe_live(d, &same));
	assert_true(dedupe_same_sha(dedupe_live(d, &same), SHA_A));
	assert_false(dedupe_same_sha(dedupe_live(d, &same), SHA_B));
	assert_null(dedupe_live(d, &reused));
	assert_null(dedupe_live(d, &ads));
	assert_null(dedupe_live(d, &longer));
	assert_non_null(dedupe_live(d, &other));
	exh_scan_dedupe_destroy(d);
}

static void
the_frozen_index_holds_48_bytes_per_stream(void **state)
{
	struct exh_scan_dedupe *d = with_live();
	struct exh_scan_dedupe_counts c;

	(void)state;
	exh_scan_dedupe_counts(d, &c);
	assert_int_equal(c.recorded, 3001);
	assert_int_equal(exh_scan_dedupe_entry_bytes(), 48);
	assert_int_equal(c.index_bytes, 3001 * 48);
	exh_scan_dedupe_destroy(d);
}

static void
a_content_is_scanned_once_across_stores_but_twice_in_one(void **state)
{
	struct exh_scan_dedupe *d = with_live();
	bool seen;

	(void)state;
	exh_scan_dedupe_next_store(d);
	assert_int_equal(dedupe_store_seen(d, SHA_A, &seen), EXH_OK);
	assert_false(seen);
	/* Two files with one content in the same store: both reported. */
	assert_int_equal(dedupe_store_seen(d, SHA_A, &seen), EXH_OK);
	assert_false(seen);
	exh_scan_dedupe_next_store(d);
	assert_int_equal(dedupe_store_seen(d, SHA_A, &seen), EXH_OK);
	assert_true(seen);
	assert_int_equal(dedupe_store_seen(d, SHA_B, &seen), EXH_OK);
	assert_false(seen);
	exh_scan_dedupe_destroy(d);
}

static void
only_store_files_below_system_volume_information_are_passed_over(
    void **state)
{
	(void)state;
	assert_true(dedupe_is_store_file("C:\\System Volume Information\\"
	    "{600f0b69-5bdf-11e3-9d6c-005056c00008}"
	    "{3808876b-c176-4e48-b7ae-04046e6cc752}"));
	assert_true(dedupe_is_store_file("D:\\system volume information\\"
	    "{3808876B-C176-4E48-B7AE-04046E6CC752}"));
	assert_false(dedupe_is_store_file("C:\\inetpub\\"
	    "{3808876b-c176-4e48-b7ae-04046e6cc752}"));
	assert_false(dedupe_is_store_file("C:\\System Volume Information\\"
	    "x\\{3808876b-c176-4e48-b7ae-04046e6cc752}"));
	assert_false(dedupe_is_store_file("C:\\System Volume Information\\"
	    "tracking.log"));
	assert_false(dedupe_is_store_file(NULL));
}

static void
recording_after_the_freeze_is_refused_and_unhashed_streams_are_not_kept(
    void **state)
{
	struct exh_scan_dedupe *d = with_live(), *fresh = NULL;
	struct exh_scan_dedupe_counts c;
	struct exh_fileref f = ref(1, 1, "", 1);
	struct exh_err err;

	(void)state;
	assert_int_equal(dedupe_record(d, &f, NULL, SHA_A), EXH_EUSAGE);
	exh_scan_dedupe_destroy(d);
	/* A stream that was not hashed has nothing to compare with. */
	assert_int_equal(exh_scan_dedupe_create(&fresh, &err), EXH_OK);
	assert_int_equal(dedupe_record(fresh, &f, NULL, ""), EXH_OK);
	exh_scan_dedupe_counts(fresh, &c);
	assert_int_equal(c.recorded, 0);
	exh_scan_dedupe_destroy(fresh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_store_stream_matches_only_with_reference_sequence_stream_and_size),
		cmocka_unit_test(the_frozen_index_holds_48_bytes_per_stream),
		cmocka_unit_test(
		    a_content_is_scanned_once_across_stores_but_twice_in_one),
		cmocka_unit_test(
		    only_store_files_below_system_volume_information_are_passed_over),
		cmocka_unit_test(
		    recording_after_the_freeze_is_refused_and_unhashed_streams_are_not_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
