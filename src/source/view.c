/*
 * The probe view of a container.  libblkid reads only from a file
 * descriptor, and a container's logical disk has none: exhume hands it
 * a sparse in-memory file (memfd) of the logical disk's size holding
 * just the sectors the probes read.  Nothing of it is written anywhere
 * but memory; unfilled ranges read as zeros, as an empty disk would.
 */
#include <sys/mman.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define MIB ((uint64_t)1 << 20)
#define TABLE_WINDOW MIB		/* head and tail of the disk */
#define FS_HEAD_WINDOW (4 * MIB)	/* boot areas, FAT root folders */
#define FS_TAIL_WINDOW (256 * 1024)	/* RAID and backup superblocks */
#define MAX_EBR_LINKS 256
#define MAX_GPT_ENTRIES_BYTES (4 * MIB)

int
view_open(struct exh_source *src, struct probe_view *v,
    struct exh_err *err)
{
	v->fd = src->fd;
	v->owned = false;
	if (src->ct_ops == NULL)
		return EXH_OK;
	if ((v->fd = memfd_create("exhume-probe", MFD_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno,
		    "cannot make the probe view: %s", exh_strerror(errno));
	v->owned = true;
	if (ftruncate(v->fd, (off_t)src->size) != 0) {
		view_close(v);
		return exh_err_set(err, EXH_EIO, errno,
		    "cannot size the probe view: %s", exh_strerror(errno));
	}
	return EXH_OK;
}

void
view_close(struct probe_view *v)
{
	if (v->owned && v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	v->owned = false;
}

/* Copies [off, off + len) of the logical disk into the view; ranges the
 * container cannot read stay zero (the probe then sees less, and the
 * volume layer meets the same error later and names it). */
static void
fill(struct exh_source *src, struct probe_view *v, uint64_t off,
    uint64_t len)
{
	char buf[64 * 1024];
	uint64_t end;
	size_t n;

	if (!v->owned || off >= src->size)
		return;
	end = len > src->size - off ? src->size : off + len;
	while (off < end) {
		n = end - off < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
		if (exh_source_pread(src, buf, n, off, NULL) == EXH_OK &&
		    pwrite(v->fd, buf, n, (off_t)off) != (ssize_t)n)
			return;
		off += n;
	}
}

static bool
is_extended_type(unsigned type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* The chain of extended boot records after an extended partition at
 * base: each names the next one relative to base. */
static void
fill_ebr_chain(struct exh_source *src, struct probe_view *v, uint64_t base)
{
	unsigned char ebr[512];
	uint64_t at = base, ss = src->sector_size;
	int links;

	for (links = 0; links < MAX_EBR_LINKS; links++) {
		fill(src, v, at, ss);
		if (exh_source_pread(src, ebr, sizeof(ebr), at, NULL) != EXH_OK ||
		    ebr[510] != 0x55 || ebr[511] != 0xaa)
			return;
		if (!is_extended_type(ebr[446 + 16 + 4]) ||
		    exh_le32(ebr + 446 + 16 + 8) == 0)
			return;
		uint64_t next = base + (uint64_t)exh_le32(ebr + 446 + 16 + 8) * ss;

		if (next <= at)
			return;	/* a loop or a chain going backwards */
		at = next;
	}
}

static void
fill_gpt_entries(struct exh_source *src, struct probe_view *v)
{
	unsigned char hdr[92];
	uint64_t ss = src->sector_size, lba, bytes;

	if (exh_source_pread(src, hdr, sizeof(hdr), ss, NULL) != EXH_OK ||
	    memcmp(hdr, "EFI PART", 8) != 0)
		return;
	lba = exh_le64(hdr + 72);
	bytes = (uint64_t)exh_le32(hdr + 80) * exh_le32(hdr + 84);
	if (lba == 0 || lba > src->size / ss)
		return;
	fill(src, v, lba * ss, bytes < MAX_GPT_ENTRIES_BYTES ? bytes :
	    MAX_GPT_ENTRIES_BYTES);
}

void
view_fill_tables(struct exh_source *src, struct probe_view *v)
{
	unsigned char mbr[512];
	int i;

	if (!v->owned)
		return;
	fill(src, v, 0, TABLE_WINDOW);
	if (src->size > TABLE_WINDOW)
		fill(src, v, src->size - TABLE_WINDOW, TABLE_WINDOW);
	fill_gpt_entries(src, v);
	if (exh_source_pread(src, mbr, sizeof(mbr), 0, NULL) != EXH_OK ||
	    mbr[510] != 0x55 || mbr[511] != 0xaa)
		return;
	for (i = 0; i < 4; i++) {
		const unsigned char *e = mbr + 446 + 16 * i;

		if (is_extended_type(e[4]))
			fill_ebr_chain(src, v,
			    (uint64_t)exh_le32(e + 8) * src->sector_size);
	}
}

/* NTFS: libblkid reads $MFT's first records for the volume label. */
static void
fill_ntfs_mft(struct exh_source *src, struct probe_view *v, uint64_t off)
{
	unsigned char boot[512];
	uint64_t bps, spc, cluster, mft, rec;
	signed char per;

	if (exh_source_pread(src, boot, sizeof(boot), off, NULL) != EXH_OK ||
	    memcmp(boot + 3, "NTFS    ", 8) != 0)
		return;
	bps = (uint64_t)boot[11] | (uint64_t)boot[12] << 8;
	spc = boot[13];
	if (spc > 0x80)	/* a power of two given as its negative shift */
		spc = (uint64_t)1 << (256 - spc);
	if (bps < 256 || bps > 4096 || spc == 0 || spc > 4096)
		return;
	cluster = bps * spc;
	per = (signed char)boot[0x40];
	rec = per < 0 ? (per < -31 ? 0 : (uint64_t)1 << -per) :
	    (uint64_t)per * cluster;
	mft = exh_le64(boot + 0x30);
	if (rec == 0 || rec > 65536 || mft > src->size / cluster)
		return;
	fill(src, v, off + mft * cluster, 4 * rec);
}

void
view_fill_partition(struct exh_source *src, struct probe_view *v,
    uint64_t off, uint64_t size)
{
	if (!v->owned)
		return;
	fill(src, v, off, size < FS_HEAD_WINDOW ? size : FS_HEAD_WINDOW);
	if (size > FS_TAIL_WINDOW)
		fill(src, v, off + size - FS_TAIL_WINDOW, FS_TAIL_WINDOW);
	fill_ntfs_mft(src, v, off);
}

void
view_drop(struct probe_view *v, uint64_t off, uint64_t size)
{
	if (v->owned)
		(void)fallocate(v->fd, FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)size);
}
