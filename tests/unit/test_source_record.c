/* The image files of a source: hashed whole for the record, and written
 * into JSON escaped. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/report.h"
#include "exhume/source.h"

/* Three full 1 MiB reads and a short one. */
#define IMAGE_SIZE (3 * 1024 * 1024 + 17)

struct fixture {
	char dir[64];
	char path[128];
	char expected[65];
	struct exh_source *src;
};

struct seen {
	unsigned calls;
	uint64_t done, total;
};

static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	s->calls++;
	s->done = done;
	s->total = total;
}

static int
setup(void **state)
{
	static struct fixture fx;
	struct exh_hasher *h;
	struct exh_err err;
	unsigned char *buf = malloc(IMAGE_SIZE);
	int fd;

	assert_non_null(buf);
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/exhume-rec-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	/* A hostile name: quote, backslash, newline and an escape byte. */
	snprintf(fx.path, sizeof(fx.path), "%s/a\"b\\c\nd\x1b.img", fx.dir);
	for (size_t i = 0; i < IMAGE_SIZE; i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	fd = open(fx.path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, IMAGE_SIZE), (ssize_t)IMAGE_SIZE);
	close(fd);
	assert_int_equal(exh_hasher_create(false, false, &h), EXH_OK);
	assert_int_equal(exh_hasher_update(h, buf, IMAGE_SIZE), EXH_OK);
	assert_int_equal(exh_hasher_final(h, NULL, NULL, fx.expected), EXH_OK);
	exh_hasher_destroy(h);
	free(buf);
	assert_int_equal(exh_source_open(fx.path, &fx.src, &err), EXH_OK);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	exh_source_close(fx->src);
	unlink(fx->path);
	rmdir(fx->dir);
	return 0;
}

static void
raw_image_is_one_file_hashed_whole(void **state)
{
	struct fixture *fx = *state;
	struct seen s = { 0 };
	struct exh_err err;
	const struct exh_image_file *f;

	assert_int_equal(exh_source_file_count(fx->src), 1);
	f = exh_source_file(fx->src, 0);
	assert_string_equal(f->role, "image");
	assert_int_equal(f->size, IMAGE_SIZE);
	assert_string_equal(f->sha256, "");
	assert_int_equal(exh_source_hash_files(fx->src, on_progress, &s, NULL,
	    &err), EXH_OK);
	assert_string_equal(f->sha256, fx->expected);
	assert_int_equal(s.calls, 4);
	assert_int_equal(s.done, IMAGE_SIZE);
	assert_int_equal(s.total, IMAGE_SIZE);
}

static void
stop_leaves_the_hash_empty(void **state)
{
	struct fixture *fx = *state;
	volatile bool stop = true;
	struct exh_err err;

	assert_int_equal(exh_source_hash_files(fx->src, NULL, NULL, &stop,
	    &err), EXH_STOP);
	assert_string_equal(exh_source_file(fx->src, 0)->sha256, "");
}

static void
vanished_file_is_an_io_error(void **state)
{
	struct fixture *fx = *state;
	struct exh_err err;

	unlink(fx->path);
	assert_int_equal(exh_source_hash_files(fx->src, NULL, NULL, NULL,
	    &err), EXH_EIO);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_string_equal(exh_source_file(fx->src, 0)->sha256, "");
}

static void
misuse_is_a_usage_error(void **state)
{
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_source_hash_files(NULL, NULL, NULL, NULL, &err),
	    EXH_EUSAGE);
}

static void
container_json_escapes_the_file_name(void **state)
{
	struct fixture *fx = *state;
	struct exh_buf b = { 0 };
	struct exh_json w;

	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_report_container_json(&w, fx->src, "not computed: --no-image-hash");
	exh_json_close(&w, '}');
	assert_int_equal(exh_json_status(&w), EXH_OK);
	assert_non_null(strstr(b.data, "\"container\":\"raw\""));
	assert_non_null(strstr(b.data, "\"sha256_note\":\"not computed: "
	    "--no-image-hash\""));
	assert_non_null(strstr(b.data, "\"unread_ranges\":[]"));
	/* No raw control byte, quote or backslash of the name survives. */
	assert_null(strchr(b.data, '\n'));
	assert_null(strchr(b.data, '\x1b'));
	assert_non_null(strstr(b.data, "a\\\"b\\\\c\\nd"));
	assert_null(strstr(b.data, "\"acquisition\""));
	exh_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    raw_image_is_one_file_hashed_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_leaves_the_hash_empty,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(vanished_file_is_an_io_error,
		    setup, teardown),
		cmocka_unit_test(misuse_is_a_usage_error),
		cmocka_unit_test_setup_teardown(
		    container_json_escapes_the_file_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
