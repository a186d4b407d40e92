/* The file identity: a copy owns its strings, a failed copy leaves nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

/*
 * strdup fails on call number fail_at (1-based) and after, while armed;
 * this definition takes the place of the C library's for the core code
 * linked into this test.
 */
static int dup_calls, fail_at;

char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (fail_at != 0 && ++dup_calls >= fail_at)
		return NULL;
	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

static void
fill(struct exh_fileref *f, char *path, char *stream, char *sid)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->stream = stream;
	f->owner_sid = sid;
	f->mft = 0x1234;
	f->seq = 7;
	f->size = 4096;
	f->attributes = 0x20;
	f->si.created = 132587000000000000LL;
	f->si.accessed = 132587000000000001LL;
	f->fn.modified = 132588000000000000LL;
	f->fn.mft_changed = 132588000000000002LL;
}

static void
a_copy_owns_new_strings_and_keeps_every_number(void **state)
{
	char path[] = "C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx";
	char stream[] = "zone";
	char sid[] = "S-1-5-18";
	struct exh_fileref src, dst;

	(void)state;
	fill(&src, path, stream, sid);
	assert_int_equal(exh_fileref_copy(&dst, &src), EXH_OK);
	assert_ptr_not_equal(dst.path, src.path);
	assert_ptr_not_equal(dst.stream, src.stream);
	assert_ptr_not_equal(dst.owner_sid, src.owner_sid);
	assert_string_equal(dst.path, path);
	assert_string_equal(dst.stream, "zone");
	assert_string_equal(dst.owner_sid, "S-1-5-18");
	assert_int_equal(dst.mft, 0x1234);
	assert_int_equal(dst.seq, 7);
	assert_int_equal(dst.size, 4096);
	assert_int_equal(dst.attributes, 0x20);
	assert_memory_equal(&dst.si, &src.si, sizeof(dst.si));
	assert_memory_equal(&dst.fn, &src.fn, sizeof(dst.fn));
	/* Changing the source afterwards does not reach the copy. */
	path[0] = 'D';
	stream[0] = 'Z';
	assert_string_equal(dst.path,
	    "C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx");
	assert_string_equal(dst.stream, "zone");
	exh_fileref_free(&dst);
	assert_null(dst.path);
	assert_int_equal(dst.mft, 0);
}

static void
null_strings_stay_null_in_the_copy(void **state)
{
	struct exh_fileref src, dst;

	(void)state;
	fill(&src, NULL, NULL, NULL);
	assert_int_equal(exh_fileref_copy(&dst, &src), EXH_OK);
	assert_null(dst.path);
	assert_null(dst.stream);
	assert_null(dst.owner_sid);
	assert_int_equal(dst.seq, 7);
	exh_fileref_free(&dst);
}

static void
a_copy_that_runs_out_of_memory_leaves_the_destination_empty(void **state)
{
	static const struct exh_fileref empty;
	struct exh_fileref src, dst;
	int at;

	(void)state;
	fill(&src, "C:\\x", "", "S-1-5-18");
	/* Fail the first, second and third string in turn. */
	for (at = 1; at <= 3; at++) {
		memset(&dst, 0xa5, sizeof(dst));
		dup_calls = 0;
		fail_at = at;
		assert_int_equal(exh_fileref_copy(&dst, &src), EXH_ENOMEM);
		fail_at = 0;
		assert_memory_equal(&dst, &empty, sizeof(dst));
		exh_fileref_free(&dst);
	}
}

static void
freeing_a_zeroed_fileref_twice_is_harmless(void **state)
{
	struct exh_fileref f;

	(void)state;
	memset(&f, 0, sizeof(f));
	exh_fileref_free(&f);
	exh_fileref_free(&f);
	assert_null(f.path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_copy_owns_new_strings_and_keeps_every_number),
		cmocka_unit_test(null_strings_stay_null_in_the_copy),
		cmocka_unit_test(
		    a_copy_that_runs_out_of_memory_leaves_the_destination_empty),
		cmocka_unit_test(freeing_a_zeroed_fileref_twice_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
