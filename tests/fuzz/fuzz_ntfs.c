/* libFuzzer: the source and volume layers (libntfs-3g, walk, owners, streams) on a patched NTFS image. */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/source.h"
#include "exhume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is a list of patches over a small NTFS volume built from
 * tests/fuzz/ntfs-base.spec (path in $EXHUME_FUZZ_NTFS_IMAGE): each patch is
 * a region byte, a 16-bit offset in that region, a length byte and the
 * bytes.  Regions aim the mutations where the structures are: the boot
 * sector, the system files' MFT records, the user files' MFT records, and
 * anywhere.
 */
#define READ_CAP (1U << 20)	/* per stream: a forged size must not hang us */

static unsigned char *base;
static size_t base_len;
static uint64_t mft_off;

static void
load_base(void)
{
	const char *path = getenv("EXHUME_FUZZ_NTFS_IMAGE");
	FILE *f;
	long n;

	if (path == NULL)
		path = "build/fuzz/ntfs-base.img";
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 512 || fseek(f, 0, SEEK_SET) != 0 ||
	    (base = malloc((size_t)n)) == NULL ||
	    fread(base, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "fuzz_ntfs: cannot read the base image %s\n",
		    path);
		abort();
	}
	fclose(f);
	base_len = (size_t)n;
	/* $MFT's first cluster, from the boot sector. */
	memcpy(&mft_off, base + 48, 8);
	mft_off *= (uint64_t)(base[11] | base[12] << 8) * base[13];
	if (mft_off >= base_len)
		abort();
}

static void
apply(unsigned char *img, const uint8_t *p, size_t n)
{
	size_t i = 0, len, k, start, span;

	while (i + 4 <= n) {
		len = p[i + 3];
		switch (p[i] % 4) {
		case 0: start = 0; span = 512; break;
		case 1: start = mft_off; span = 16 * 1024; break;
		case 2: start = mft_off + 64 * 1024; span = 16 * 1024; break;
		default: start = 0; span = base_len; break;
		}
		if (start + span > base_len)
			span = base_len - start;
		start += ((size_t)(p[i + 1] | p[i + 2] << 8) *
		    (p[i] % 4 == 3 ? 37 : 1)) % span;
		i += 4;
		for (k = 0; k < len && i < n && start + k < base_len; k++)
			img[start + k] = p[i++];
	}
}

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	struct exh_volume *vol = ctx;
	static unsigned char buf[65536];
	struct exh_stream *st;
	struct exh_err err = { 0 };
	uint64_t off;
	size_t i, got;

	if (e->status != EXH_ENTRY_OK || e->is_dir || !e->first_link)
		return EXH_WALK_NEXT;
	for (i = 0; i < e->nstreams; i++) {
		if (exh_stream_open(vol, e->mft, e->streams[i].name, &st,
		    &err) != EXH_OK)
			continue;
		for (off = 0; off < READ_CAP; off += got)
			if (exh_stream_pread(st, buf, sizeof(buf), off, &got,
			    &err) != EXH_OK || got == 0)
				break;
		exh_stream_close(st);
	}
	return EXH_WALK_NEXT;
}

static void
examine(const char *path)
{
	struct exh_source *src = NULL;
	struct exh_volume *vol = NULL;
	struct exh_err err = { 0 };
	struct exh_buf hive = { 0 };
	uint64_t mft;

	if (exh_source_open(path, &src, &err) != EXH_OK)
		return;
	if (exh_volume_open(src, 0, &vol, &err) == EXH_OK) {
		(void)exh_volume_walk(vol, NULL, on_entry, vol, &err);
		(void)exh_volume_lookup(vol,
		    "\\inetpub\\wwwroot\\aspnet_client\\x.aspx", &mft, NULL,
		    &err);
		(void)exh_volume_is_system(vol);
		(void)exh_volume_read_file(vol,
		    "\\Windows\\System32\\config\\SYSTEM", "", READ_CAP, &hive,
		    &err);
		exh_buf_free(&hive);
		exh_volume_close(vol);
	}
	exh_source_close(src);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img;
	char path[64];
	int fd;

	if (base == NULL)
		load_base();
	if ((img = malloc(base_len)) == NULL)
		return 0;
	memcpy(img, base, base_len);
	apply(img, data, size);
	if ((fd = memfd_create("ntfs", MFD_CLOEXEC)) >= 0) {
		if (write(fd, img, base_len) == (ssize_t)base_len &&
		    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) <
		    (int)sizeof(path))
			examine(path);
		close(fd);
	}
	free(img);
	return 0;
}
