/* An E01 set made by ewfacquire: its case record, stored hashes, segments and
 * the image check, through the public source API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/source.h"

#define DISK_SIZE	(2560u * 1024u)	/* three 1 MiB segments, stored */

struct fixture {
	char dir[64];
	char raw[96];
	char e01[96];
	char md5[33], sha1[41], sha256[65];
	bool have_set;
};

static struct fixture fx = { .dir = "/tmp/exhume-ewf-XXXXXX" };

/* Data that does not compress, from a fixed seed: the same disk each run. */
static int
write_disk(const char *path, struct exh_hasher *h)
{
	static unsigned char buf[4096];
	uint64_t x = 0x9e3779b97f4a7c15u;
	FILE *fp = fopen(path, "wb");
	size_t i, done;

	if (fp == NULL)
		return -1;
	for (done = 0; done < DISK_SIZE; done += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (unsigned char)x;
		}
		if (fwrite(buf, 1, sizeof(buf), fp) != sizeof(buf) ||
		    exh_hasher_update(h, buf, sizeof(buf)) != EXH_OK) {
			fclose(fp);
			return -1;
		}
	}
	return fclose(fp);
}

static int
setup(void **state)
{
	struct exh_hasher *h;
	char cmd[768], notes[301];

	(void)state;
	if (mkdtemp(fx.dir) == NULL || exh_hasher_create(true, true, &h))
		return -1;
	(void)snprintf(fx.raw, sizeof(fx.raw), "%s/disk.raw", fx.dir);
	(void)snprintf(fx.e01, sizeof(fx.e01), "%s/case.E01", fx.dir);
	if (write_disk(fx.raw, h) != 0 ||
	    exh_hasher_final(h, fx.md5, fx.sha1, fx.sha256) != EXH_OK)
		return -1;
	exh_hasher_destroy(h);
	/* Notes longer than the record keeps: the copy must stop at 255. */
	memset(notes, 'n', 300);
	notes[300] = '\0';
	(void)snprintf(cmd, sizeof(cmd), "ewfacquire -u -q -t %s/case "
	    "-c deflate:fast -S 1048576 -d sha1 -C CASE-42 -D 'mail server' "
	    "-e 'J. Examiner' -E EV-7 -N %s -f encase6 %s >/dev/null 2>&1",
	    fx.dir, notes, fx.raw);
	fx.have_set = system(cmd) == 0;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct exh_source *
open_set(void)
{
	struct exh_source *src = NULL;
	struct exh_err err;

	if (!fx.have_set)
		skip();
	assert_int_equal(exh_source_open(fx.e01, &src, &err), EXH_OK);
	return src;
}

static void
test_record(void **state)
{
	struct exh_source *src = open_set();
	const struct exh_image_meta *m = exh_source_image_meta(src);

	(void)state;
	assert_non_null(m);
	assert_string_equal(m->case_number, "CASE-42");
	assert_string_equal(m->evidence_number, "EV-7");
	assert_string_equal(m->examiner, "J. Examiner");
	assert_string_equal(m->description, "mail server");
	assert_int_equal(strlen(m->notes), sizeof(m->notes) - 1);
	assert_true(m->acquired[0] != '\0');
	assert_string_equal(m->software, "20140813");
	assert_string_equal(m->os, "Linux");
	assert_string_equal(m->model, "");
	assert_string_equal(m->md5, fx.md5);
	assert_string_equal(m->sha1, fx.sha1);
	assert_int_equal(m->bytes_per_sector, 512);
	assert_int_equal(exh_source_sector_size(src), 512);
	assert_int_equal(exh_source_bad_range_count(src), 0);
	exh_source_close(src);
}

static void
test_segments(void **state)
{
	struct exh_source *src = open_set();
	const struct exh_image_file *f;
	char want[16];
	size_t i;

	(void)state;
	assert_int_equal(exh_source_container(src), EXH_CT_EWF);
	assert_string_equal(exh_source_container_name(src), "ewf");
	assert_string_equal(exh_source_format(src),
	    "E01, 3 segments, EnCase 6");
	assert_int_equal(exh_source_size(src), DISK_SIZE);
	assert_int_equal(exh_source_file_count(src), 3);
	for (i = 0; i < 3; i++) {
		f = exh_source_file(src, i);
		(void)snprintf(want, sizeof(want), "case.E%02zu", i + 1);
		assert_string_equal(strrchr(f->path, '/') + 1, want);
		assert_string_equal(f->role, "segment");
		assert_true(f->size > 0);
	}
	exh_source_close(src);
}

struct seen {
	uint64_t calls, last_done, total;
};

static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	assert_true(done > s->last_done);
	s->calls++;
	s->last_done = done;
	s->total = total;
}

static void
test_check_matches(void **state)
{
	struct exh_source *src = open_set();
	struct exh_image_check c;
	struct seen s = { 0, 0, 0 };
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_source_verify_image(src, progress, &s, NULL, &c,
	    &err), EXH_OK);
	assert_int_equal(c.bytes, DISK_SIZE);
	assert_string_equal(c.md5, fx.md5);
	assert_string_equal(c.sha1, fx.sha1);
	assert_string_equal(c.sha256, fx.sha256);
	assert_int_equal(c.md5_match, 1);
	assert_int_equal(c.sha1_match, 1);
	assert_int_equal(s.calls, 3);	/* 1 MiB pieces */
	assert_int_equal(s.last_done, DISK_SIZE);
	assert_int_equal(s.total, DISK_SIZE);
	exh_source_close(src);
}

static void
test_check_stops(void **state)
{
	struct exh_source *src = open_set();
	struct exh_image_check c;
	volatile bool stop = true;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_source_verify_image(src, NULL, NULL, &stop, &c,
	    &err), EXH_STOP);
	assert_int_equal(c.bytes, 0);
	exh_source_close(src);
}

static void
test_check_raw_has_nothing_stored(void **state)
{
	struct exh_source *src = NULL;
	struct exh_image_check c;
	struct exh_err err;

	(void)state;
	if (!fx.have_set)
		skip();
	assert_int_equal(exh_source_open(fx.raw, &src, &err), EXH_OK);
	assert_null(exh_source_image_meta(src));
	assert_int_equal(exh_source_verify_image(src, NULL, NULL, NULL, &c,
	    &err), EXH_OK);
	assert_string_equal(c.md5, fx.md5);
	assert_int_equal(c.md5_match, -1);
	assert_int_equal(c.sha1_match, -1);
	exh_source_close(src);
}

static void
test_check_misuse(void **state)
{
	struct exh_image_check c;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_source_verify_image(NULL, NULL, NULL, NULL, &c,
	    &err), EXH_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_check_matches),
		cmocka_unit_test(test_check_stops),
		cmocka_unit_test(test_check_raw_has_nothing_stored),
		cmocka_unit_test(test_check_misuse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
