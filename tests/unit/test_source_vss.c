/*
 * Shadow copy stores: a volume without VSS has none and no error; a
 * forged VSS volume header whose catalog is garbage or out of reach is
 * one EXH_ECORRUPT, never a crash; misuse is EXH_EUSAGE.  The volume is
 * a raw file here: libvshadow reads only its header and catalog.
 */
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

#define VOLUME_SIZE (4u << 20)
#define HEADER_AT 0x1e00
#define GARBAGE_AT (1u << 20)

static const unsigned char vss_id[16] = {
	0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e,
	0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52,
};

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A zero-filled volume, with a VSS header naming catalog_at when
 * with_header, and 16 KiB of garbage at GARBAGE_AT when garbage. */
static void
make_volume(char *path, bool with_header, uint64_t catalog_at, bool garbage)
{
	unsigned char *vol = calloc(1, VOLUME_SIZE), *h;
	uint32_t x = 1700;
	size_t i;
	int fd = mkstemp(path);

	assert_non_null(vol);
	assert_true(fd >= 0);
	if (with_header) {
		h = vol + HEADER_AT;
		memcpy(h, vss_id, sizeof(vss_id));
		h[16] = 1;			/* version */
		h[20] = 1;			/* record type: volume header */
		put64(h + 24, HEADER_AT);
		put64(h + 32, HEADER_AT);
		put64(h + 48, catalog_at);
	}
	for (i = 0; garbage && i < 16384; i++) {
		x = x * 1103515245u + 12345u;
		vol[GARBAGE_AT + i] = (unsigned char)(x >> 16);
	}
	assert_int_equal(write(fd, vol, VOLUME_SIZE), VOLUME_SIZE);
	close(fd);
	free(vol);
}

static void
ntfs_part(struct exh_partition *p)
{
	memset(p, 0, sizeof(*p));
	p->fs = EXH_FS_NTFS;
	p->size = VOLUME_SIZE;
}

/* Opens the stores of path's whole volume; returns the status. */
static int
stores_of(const char *path, size_t *n, struct exh_err *err)
{
	struct exh_source *src, **stores = NULL;
	struct exh_partition p;
	int rc;

	assert_int_equal(exh_source_open(path, &src, err), EXH_OK);
	ntfs_part(&p);
	*n = 99;
	rc = exh_source_open_snapshots(src, &p, &stores, n, err);
	if (rc == EXH_OK)
		exh_source_close_snapshots(stores, *n);
	exh_source_close(src);
	return rc;
}

static void
a_volume_without_vss_has_no_stores(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_err err;
	size_t n;

	(void)state;
	make_volume(path, false, 0, false);
	assert_int_equal(stores_of(path, &n, &err), EXH_OK);
	assert_int_equal(n, 0);
	unlink(path);
}

static void
a_header_without_catalog_has_no_stores(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_err err;
	size_t n;

	(void)state;
	make_volume(path, true, 0, false);
	assert_int_equal(stores_of(path, &n, &err), EXH_OK);
	assert_int_equal(n, 0);
	unlink(path);
}

static void
a_catalog_of_garbage_is_corrupt(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_err err;
	size_t n;

	(void)state;
	make_volume(path, true, GARBAGE_AT, true);
	assert_int_equal(stores_of(path, &n, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "VSS catalog damaged: "));
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(n, 99);	/* untouched on failure */
	unlink(path);
}

static void
a_catalog_past_the_volume_is_corrupt(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_err err;
	size_t n;

	(void)state;
	make_volume(path, true, UINT64_MAX - 4096, false);
	assert_int_equal(stores_of(path, &n, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "VSS catalog damaged: its offset "));
	assert_non_null(strstr(err.msg, "outside the volume"));
	unlink(path);
}

/* The catalog's first block would run past the end of the volume. */
static void
a_catalog_cut_by_the_volume_end_is_corrupt(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_err err;
	size_t n;

	(void)state;
	make_volume(path, true, VOLUME_SIZE - 512, false);
	assert_int_equal(stores_of(path, &n, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "VSS catalog damaged: "));
	unlink(path);
}

static void
misuse_is_a_usage_error(void **state)
{
	char path[] = "/tmp/exhume-vss-XXXXXX";
	struct exh_source *src, **stores = NULL;
	struct exh_partition p;
	struct exh_err err;
	size_t n = 0;

	(void)state;
	make_volume(path, false, 0, false);
	assert_int_equal(exh_source_open(path, &src, &err), EXH_OK);
	ntfs_part(&p);
	assert_int_equal(exh_source_open_snapshots(NULL, &p, &stores, &n,
	    &err), EXH_EUSAGE);
	p.fs = EXH_FS_FAT;
	assert_int_equal(exh_source_open_snapshots(src, &p, &stores, &n,
	    &err), EXH_EUSAGE);
	ntfs_part(&p);
	p.offset = 4096;	/* reaches past the source */
	assert_int_equal(exh_source_open_snapshots(src, &p, &stores, &n,
	    &err), EXH_EUSAGE);
	assert_null(exh_source_snapshot(src));
	assert_string_equal(exh_source_container_name(src), "raw");
	exh_source_close(src);
	exh_source_close_snapshots(NULL, 0);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_volume_without_vss_has_no_stores),
		cmocka_unit_test(a_header_without_catalog_has_no_stores),
		cmocka_unit_test(a_catalog_of_garbage_is_corrupt),
		cmocka_unit_test(a_catalog_past_the_volume_is_corrupt),
		cmocka_unit_test(a_catalog_cut_by_the_volume_end_is_corrupt),
		cmocka_unit_test(misuse_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
