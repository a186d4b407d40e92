/* The NTFS device layer can read inside its window and can never write. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "volume/volume_int.h"

struct fixture {
	char path[64];
	struct exh_source *src;
	struct window w;
	struct ntfs_device *dev;
};

static int
setup(void **state)
{
	static struct fixture fx;
	unsigned char buf[8192];
	struct exh_err err;
	int fd;

	memset(&fx, 0, sizeof(fx));
	snprintf(fx.path, sizeof(fx.path), "/tmp/exhume-dev-XXXXXX");
	fd = mkstemp(fx.path);
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i / 512);
	assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	assert_int_equal(exh_source_open(fx.path, &fx.src, &err), EXH_OK);
	fx.w.src = fx.src;
	fx.w.offset = 1024;	/* the window starts at sector 2 */
	fx.w.size = 4096;
	fx.dev = window_device(&fx.w, "test");
	assert_non_null(fx.dev);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (NDevOpen(fx->dev))
		fx->dev->d_ops->close(fx->dev);
	ntfs_device_free(fx->dev);
	exh_source_close(fx->src);
	unlink(fx->path);
	return 0;
}

static void
write_through_the_device_layer_fails_with_erofs(void **state)
{
	struct fixture *fx = *state;
	char data[512] = { 0 };

	errno = 0;
	assert_int_equal(fx->dev->d_ops->pwrite(fx->dev, data, 512, 0), -1);
	assert_int_equal(errno, EROFS);
	errno = 0;
	assert_int_equal(fx->dev->d_ops->write(fx->dev, data, 512), -1);
	assert_int_equal(errno, EROFS);
}

static void
opening_the_device_for_writing_is_refused(void **state)
{
	struct fixture *fx = *state;

	errno = 0;
	assert_int_equal(fx->dev->d_ops->open(fx->dev, O_RDWR), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(fx->dev->d_ops->open(fx->dev, O_RDONLY), 0);
	assert_true(NDevReadOnly(fx->dev));
}

static void
reads_are_relative_to_the_partition_window(void **state)
{
	struct fixture *fx = *state;
	unsigned char b[512];

	assert_int_equal(fx->dev->d_ops->pread(fx->dev, b, 512, 0), 512);
	assert_int_equal(b[0], 2);	/* sector 2 of the source */
	assert_int_equal(fx->dev->d_ops->pread(fx->dev, b, 512, 3584), 512);
	assert_int_equal(b[0], 9);
}

static void
reads_never_leave_the_partition_window(void **state)
{
	struct fixture *fx = *state;
	unsigned char b[1024];

	/* Only 512 bytes of the window are left at 3584. */
	assert_int_equal(fx->dev->d_ops->pread(fx->dev, b, 1024, 3584), 512);
	assert_int_equal(fx->dev->d_ops->pread(fx->dev, b, 512, 4096), 0);
}

static void
source_reads_beyond_the_end_are_errors(void **state)
{
	struct fixture *fx = *state;
	unsigned char b[16];
	struct exh_err err;

	assert_int_equal(exh_source_pread(fx->src, b, 16, 8190, &err), EXH_EIO);
	assert_int_equal(exh_source_pread(fx->src, b, 16, 0, &err), EXH_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    write_through_the_device_layer_fails_with_erofs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    opening_the_device_for_writing_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reads_are_relative_to_the_partition_window, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reads_never_leave_the_partition_window, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    source_reads_beyond_the_end_are_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
