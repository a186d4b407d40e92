/* A disk is in use when it or one of its partitions is mounted, never a namesake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/source.h"

static char mounts[] = "/tmp/exhume-mounts-XXXXXX";

static int
setup(void **state)
{
	static const char table[] =
	    "sysfs /sys sysfs rw 0 0\n"
	    "/dev/sdb2 / ext4 rw 0 0\n"
	    "/dev/nvme0n1p1 /boot vfat rw 0 0\n"
	    "/dev/sdc /mnt ext4 rw 0 0\n";
	int fd = mkstemp(mounts);

	(void)state;
	if (fd < 0 || write(fd, table, sizeof(table) - 1) !=
	    (ssize_t)sizeof(table) - 1)
		return -1;
	return close(fd);
}

static int
teardown(void **state)
{
	(void)state;
	return unlink(mounts);
}

static void
a_disk_with_a_mounted_partition_is_in_use(void **state)
{
	(void)state;
	assert_true(exh_source_disk_in_use(mounts, "sdb"));
	assert_true(exh_source_disk_in_use(mounts, "nvme0n1"));
	assert_true(exh_source_disk_in_use(mounts, "sdc"));
}

static void
a_disk_whose_name_only_starts_the_same_is_not_in_use(void **state)
{
	(void)state;
	assert_false(exh_source_disk_in_use(mounts, "sd"));
	assert_false(exh_source_disk_in_use(mounts, "sda"));
	assert_false(exh_source_disk_in_use(mounts, "nvme0"));
	assert_false(exh_source_disk_in_use(mounts, "../sdb"));
	assert_false(exh_source_disk_in_use("/nonexistent/mounts", "sdb"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_disk_with_a_mounted_partition_is_in_use),
		cmocka_unit_test(
		    a_disk_whose_name_only_starts_the_same_is_not_in_use),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
