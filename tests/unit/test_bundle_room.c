/* Fitting a bundle to its destination: exh_bundle_room and cap_reason. */
#include <sys/statvfs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/bundle.h"

#define MARGIN (32ULL << 20)	/* BUNDLE_MARGIN */

static uint64_t
free_bytes(const char *dir)
{
	struct statvfs v;

	assert_int_equal(statvfs(dir, &v), 0);
	return (uint64_t)v.f_bavail * v.f_frsize;
}

/* Free space moves while other processes write: compare loosely. */
static void
assert_near(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	assert_true(d <= (64ULL << 20));
}

static void
room_is_free_space_less_margin_and_reserve(void **state)
{
	struct exh_bundle_options o = { .path = "/tmp/x.zip" };
	struct exh_err err = { 0 };
	uint64_t room, have = free_bytes("/tmp");

	(void)state;
	if (have <= MARGIN + (8ULL << 20))
		skip();
	assert_int_equal(exh_bundle_room(&o, 1u << 20, &room, &err), EXH_OK);
	assert_near(room, have - MARGIN - (1u << 20));
}

static void
room_is_halved_when_encrypting(void **state)
{
	static const char *const certs[] = { "unused.pem" };
	struct exh_bundle_options o = { .path = "/tmp/x.zip",
	    .encrypt_certs = certs, .n_encrypt_certs = 1 };
	struct exh_err err = { 0 };
	uint64_t room, have = free_bytes("/tmp");

	(void)state;
	if (have <= MARGIN + (8ULL << 20))
		skip();
	assert_int_equal(exh_bundle_room(&o, 0, &room, &err), EXH_OK);
	assert_near(room, (have - MARGIN) / 2);
}

static void
no_room_when_the_reserve_takes_it_all(void **state)
{
	struct exh_bundle_options o = { .path = "/tmp/x.zip" };
	struct exh_err err = { 0 };
	uint64_t room = 1;

	(void)state;
	assert_int_equal(exh_bundle_room(&o, UINT64_MAX, &room, &err), EXH_OK);
	assert_int_equal(room, 0);
}

static void
room_needs_a_readable_destination(void **state)
{
	struct exh_bundle_options o = { .path = "/nonexistent-dir/x.zip" };
	struct exh_bundle_options none = { 0 };
	struct exh_err err = { 0 };
	uint64_t room = 1;

	(void)state;
	assert_int_equal(exh_bundle_room(&o, 0, &room, &err), EXH_EIO);
	assert_non_null(strstr(err.msg, "cannot check free space"));
	assert_int_equal(room, 0);
	assert_int_equal(exh_bundle_room(&none, 0, &room, &err), EXH_EUSAGE);
}

static int
zero_read(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	(void)ctx;
	(void)err;
	memset(buf, 0, len);
	*got = len;
	return EXH_OK;
}

/* A stream over a cap given with a reason is listed in manifest.jsonl
 * with that reason, not "size cap". */
static void
left_out_for_the_cap_carries_the_cap_reason(void **state)
{
	char dir[] = "/tmp/exh-room-XXXXXX", path[64], cmd[160];
	struct exh_bundle_options o = { .path = path, .max_collect_bytes = 10,
	    .cap_reason = "space: test" };
	struct exh_bundle_item it = { .drive = 'C', .reason = "hive" };
	struct exh_bundle_result res;
	struct exh_bundle *b;
	struct exh_err err = { 0 };
	FILE *fp;
	char line[256];
	bool seen = false;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.zip", dir);
	it.file.path = "C:\\Windows\\System32\\config\\SYSTEM";
	it.file.stream = "";
	it.file.size = 100;
	assert_int_equal(exh_bundle_create(&o, 100, &b, &err), EXH_OK);
	assert_int_equal(exh_bundle_add_stream(b, &it, zero_read, NULL, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(res.left_out, 1);
	snprintf(cmd, sizeof(cmd), "unzip -p %s manifest.jsonl", path);
	if ((fp = popen(cmd, "r")) == NULL)
		skip();
	while (fgets(line, sizeof(line), fp) != NULL)
		seen |= strstr(line, "\"why\":\"space: test\"") != NULL;
	pclose(fp);
	assert_true(seen);
	snprintf(cmd, sizeof(cmd), "%s.sha256", path);
	unlink(cmd);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(room_is_free_space_less_margin_and_reserve),
		cmocka_unit_test(room_is_halved_when_encrypting),
		cmocka_unit_test(no_room_when_the_reserve_takes_it_all),
		cmocka_unit_test(room_needs_a_readable_destination),
		cmocka_unit_test(left_out_for_the_cap_carries_the_cap_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
