/* Disk discovery reads /sys/block: models, buses, and skips loop/ram. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/source.h"

static char root[64];

static void
put(const char *rel, const char *value)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(value, fp);
	fclose(fp);
}

static void
dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/exhume-sys-XXXXXX");
	assert_non_null(mkdtemp(root));
	dir("block");
	dir("block/sda");
	dir("block/sda/device");
	put("block/sda/size", "4194304\n");
	put("block/sda/removable", "0\n");
	put("block/sda/ro", "1\n");
	put("block/sda/device/model", "PERC H730      \n");
	put("block/sda/device/serial", "SRV-0001\n");
	dir("block/loop0");
	dir("block/ram0");
	return 0;
}

static int
teardown(void **state)
{
	const char *files[] = { "block/sda/device/model",
	    "block/sda/device/serial", "block/sda/device", "block/sda/size",
	    "block/sda/removable", "block/sda/ro", "block/sda", "block/loop0",
	    "block/ram0", "cmdline", "block", "" };
	char path[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
	return 0;
}

static void
disks_are_listed_with_model_serial_size_and_ro_state(void **state)
{
	struct exh_disk_info *d;
	struct exh_err err;
	size_t n;

	(void)state;
	assert_int_equal(exh_source_list_disks(root, NULL, &d, &n, &err),
	    EXH_OK);
	assert_int_equal(n, 1);	/* loop0 and ram0 are not disks */
	assert_string_equal(d[0].name, "sda");
	assert_string_equal(d[0].dev_path, "/dev/sda");
	assert_string_equal(d[0].model, "PERC H730");
	assert_string_equal(d[0].serial, "SRV-0001");
	assert_int_equal(d[0].size, 4194304ULL * 512);
	assert_int_equal(d[0].sysfs_ro, 1);
	assert_false(d[0].is_boot_stick);
	free(d);
}

static void
boot_id_is_read_from_the_kernel_command_line(void **state)
{
	char id[32];

	(void)state;
	put("cmdline", "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 "
	    "exhume.bootid=1A2B-3C4D exhume.auto=1\n");
	snprintf(id, sizeof(id), "%s/cmdline", root);
	exh_source_boot_id(id, id, sizeof(id));
	assert_string_equal(id, "1A2B-3C4D");
}

static void
missing_sysfs_is_an_io_error(void **state)
{
	struct exh_disk_info *d;
	struct exh_err err;
	size_t n;

	(void)state;
	assert_int_equal(exh_source_list_disks("/nonexistent", NULL, &d, &n,
	    &err), EXH_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disks_are_listed_with_model_serial_size_and_ro_state),
		cmocka_unit_test(boot_id_is_read_from_the_kernel_command_line),
		cmocka_unit_test(missing_sysfs_is_an_io_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
