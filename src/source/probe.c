/* Partition and filesystem probing with libblkid on the source descriptor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <blkid.h>

#include "source_int.h"

static const char *const ldm_guids[] = {
	"5808c8aa-7e8f-42e0-85d2-e1e90434cfb3",	/* LDM metadata */
	"af9b60a0-1431-4f62-bc68-3311714a69ad",	/* LDM data */
};

/*
 * Descriptive text from blkid (type, label, UUID, GPT name): it names
 * nothing that is opened.  The fields hold every NTFS label and GPT
 * name; a longer value (another filesystem's label) is cut, but never
 * inside a UTF-8 sequence.
 */
static void
copy(char *dst, size_t n, const char *src)
{
	size_t len, i, need;
	unsigned char lead;
	int w;

	if (n == 0)
		return;
	if (src == NULL)
		src = "";
	w = snprintf(dst, n, "%s", src);
	if (w >= 0 && (size_t)w < n)
		return;
	len = strlen(dst);
	for (i = len; i > 0 && ((unsigned char)dst[i - 1] & 0xc0) == 0x80; i--)
		;
	if (i == 0 || ((lead = (unsigned char)dst[i - 1]) & 0x80) == 0)
		return;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (len - (i - 1) < need)
		dst[i - 1] = '\0';
}

static int
fs_kind(const char *type)
{
	if (type == NULL || *type == '\0')
		return EXH_FS_UNKNOWN;
	if (strcmp(type, "ntfs") == 0)
		return EXH_FS_NTFS;
	if (strcmp(type, "BitLocker") == 0)
		return EXH_FS_BITLOCKER;
	if (strcmp(type, "vfat") == 0)
		return EXH_FS_FAT;
	if (strcmp(type, "exfat") == 0)
		return EXH_FS_EXFAT;
	return EXH_FS_OTHER;
}

/* Probes the filesystem inside one partition range. */
static void
probe_fs(struct exh_source *src, struct probe_view *view,
    struct exh_partition *p)
{
	blkid_probe pr;
	const char *v;

	if ((pr = blkid_new_probe()) == NULL)
		return;
	view_fill_partition(src, view, p->offset, p->size);
	if (blkid_probe_set_device(pr, view->fd, (blkid_loff_t)p->offset,
	    (blkid_loff_t)p->size) != 0)
		goto out;
	if (src->sector_size != 512)
		(void)blkid_probe_set_sectorsize(pr, src->sector_size);
	blkid_probe_enable_partitions(pr, 0);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL |
	    BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
	    BLKID_SUBLKS_VERSION);
	if (blkid_do_safeprobe(pr) != 0)
		goto out;
	if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
		copy(p->fs_type, sizeof(p->fs_type), v);
	if (blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
		copy(p->label, sizeof(p->label), v);
	if (blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
		copy(p->uuid, sizeof(p->uuid), v);
	p->fs = fs_kind(p->fs_type);
out:
	blkid_free_probe(pr);
	view_drop(view, p->offset, p->size);
}

static void
describe(struct exh_partition *p)
{
	size_t i;

	for (i = 0; i < sizeof(ldm_guids) / sizeof(ldm_guids[0]); i++)
		if (strcmp(p->table_type, ldm_guids[i]) == 0)
			p->dynamic_disk = true;
	if (strcmp(p->table_type, "0x42") == 0)
		p->dynamic_disk = true;
	if (p->dynamic_disk) {
		p->fs = EXH_FS_LDM;
		copy(p->note, sizeof(p->note), "Windows dynamic disk (LDM): "
		    "volumes inside are not triaged; image the disk and use "
		    "ldmtool on the analyst workstation");
	} else if (p->fs == EXH_FS_BITLOCKER)
		copy(p->note, sizeof(p->note), "BitLocker-encrypted: "
		    "contents cannot be read without the recovery key");
	else if (p->fs == EXH_FS_EXTENDED)
		copy(p->note, sizeof(p->note), "MBR extended partition "
		    "container");
	else if (p->fs != EXH_FS_NTFS)
		/* fs_type[24] and the literal fit note[160]. */
		(void)snprintf(p->note, sizeof(p->note), "not NTFS (%s): skipped",
		    p->fs_type[0] ? p->fs_type : "unknown filesystem");
}

static int
add_part(struct exh_source *src, const struct exh_partition *p,
    struct exh_err *err)
{
	struct exh_partition *grown;
	size_t bytes;

	if (!exh_mul_ok(src->nparts + 1, sizeof(*grown), &bytes) ||
	    (grown = realloc(src->parts, bytes)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	src->parts = grown;
	src->parts[src->nparts++] = *p;
	return EXH_OK;
}

static bool
is_extended(int type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/*
 * An identity as libblkid gives it ("0x1234abcd" for an MBR signature, a
 * GUID for GPT), kept only in the canonical lower-case form: the bytes
 * come from the evidence and are compared, never trusted as text.
 */
static void
copy_id(char *dst, size_t n, const char *id, bool mbr)
{
	size_t i, len;

	dst[0] = '\0';
	if (id == NULL)
		return;
	if (mbr && (strncmp(id, "0x", 2) == 0 || strncmp(id, "0X", 2) == 0))
		id += 2;
	len = strlen(id);
	if (len >= n || (mbr ? len != 8 : len != 36))
		return;
	for (i = 0; i < len; i++) {
		char c = id[i];

		if (!mbr && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (c != '-')
				return;
		} else if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return;
		dst[i] = c;
	}
	dst[len] = '\0';
}

static int
read_table(struct exh_source *src, struct probe_view *view, blkid_partlist ls,
    struct exh_err *err)
{
	int i, n = blkid_partlist_numof_partitions(ls), rc;
	blkid_parttable tab = blkid_partlist_get_table(ls);
	const char *type = tab != NULL ? blkid_parttable_get_type(tab) : NULL;
	bool mbr = type != NULL && strcmp(type, "dos") == 0;

	copy(src->table, sizeof(src->table), type);
	for (i = 0; i < n; i++) {
		blkid_partition bp = blkid_partlist_get_partition(ls, i);
		struct exh_partition p;
		blkid_loff_t start = blkid_partition_get_start(bp);
		blkid_loff_t size = blkid_partition_get_size(bp);

		memset(&p, 0, sizeof(p));
		p.number = blkid_partition_get_partno(bp);
		if (start < 0 || size < 0)
			continue;
		p.offset = (uint64_t)start * 512;
		p.size = (uint64_t)size * 512;
		if (blkid_partition_get_type_string(bp) != NULL)
			copy(p.table_type, sizeof(p.table_type),
			    blkid_partition_get_type_string(bp));
		else
			/* One byte in hex: table_type[40] holds it. */
			(void)snprintf(p.table_type, sizeof(p.table_type),
			    "0x%02x", (unsigned)blkid_partition_get_type(bp));
		copy(p.part_name, sizeof(p.part_name),
		    blkid_partition_get_name(bp));
		if (tab != NULL)
			copy_id(p.table_id, sizeof(p.table_id),
			    blkid_parttable_get_id(tab), mbr);
		if (tab != NULL && !mbr)
			copy_id(p.part_guid, sizeof(p.part_guid),
			    blkid_partition_get_uuid(bp), false);
		if (p.offset >= src->size || p.size > src->size - p.offset) {
			(void)snprintf(p.note, sizeof(p.note), "partition extends "
			    "beyond the end of the source (truncated image?)");
			if (p.offset < src->size)
				p.size = src->size - p.offset;
			else
				p.size = 0;
		}
		if (is_extended(blkid_partition_get_type(bp)) &&
		    !blkid_partition_is_logical(bp))
			p.fs = EXH_FS_EXTENDED;
		else if (p.size > 0)
			probe_fs(src, view, &p);
		if (p.note[0] == '\0')
			describe(&p);
		if ((rc = add_part(src, &p, err)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static int probe_view(struct exh_source *src, struct probe_view *view,
    struct exh_err *err);

int
source_probe(struct exh_source *src, struct exh_err *err)
{
	struct probe_view view;
	int rc;

	if ((rc = view_open(src, &view, err)) != EXH_OK)
		return rc;
	view_fill_tables(src, &view);
	rc = probe_view(src, &view, err);
	view_close(&view);
	return rc;
}

static int
probe_view(struct exh_source *src, struct probe_view *view,
    struct exh_err *err)
{
	blkid_probe pr;
	blkid_partlist ls;
	struct exh_partition whole;
	int rc = EXH_OK;

	if ((pr = blkid_new_probe()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "libblkid: out of memory");
	if (blkid_probe_set_device(pr, view->fd, 0, (blkid_loff_t)src->size)) {
		blkid_free_probe(pr);
		return exh_err_set(err, EXH_EIO, 0, "libblkid cannot use it");
	}
	if (src->sector_size != 512)
		(void)blkid_probe_set_sectorsize(pr, src->sector_size);
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_fullprobe(pr) == 0 &&
	    (ls = blkid_probe_get_partitions(pr)) != NULL &&
	    blkid_partlist_numof_partitions(ls) > 0)
		rc = read_table(src, view, ls, err);
	blkid_free_probe(pr);
	if (rc != EXH_OK || src->nparts > 0)
		return rc;
	/* No partition table: the source is one partition (or nothing). */
	memset(&whole, 0, sizeof(whole));
	whole.size = src->size;
	probe_fs(src, view, &whole);
	describe(&whole);
	if (whole.fs == EXH_FS_UNKNOWN && src->container == EXH_CT_RAW)
		/* A literal shorter than note[160]. */
		(void)snprintf(whole.note, sizeof(whole.note), "no partition "
		    "table, file system or container format recognised (raw "
		    "bytes; E01, VHD/VHDX, VMDK, qcow and split raw are read)");
	return add_part(src, &whole, err);
}
