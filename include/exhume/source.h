/* Sources: disks, partitions and images, opened read-only and probed with libblkid. */
#ifndef EXHUME_SOURCE_H
#define EXHUME_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "exhume/core.h"

/* What a partition holds, as far as libblkid and our own checks tell. */
enum exh_fs_kind {
	EXH_FS_UNKNOWN = 0,
	EXH_FS_NTFS,
	EXH_FS_BITLOCKER,
	EXH_FS_FAT,
	EXH_FS_EXFAT,
	EXH_FS_OTHER,		/* a filesystem we do not triage */
	EXH_FS_LDM,		/* Windows dynamic disk metadata or data */
	EXH_FS_EXTENDED,	/* MBR extended container */
};

struct exh_partition {
	int number;		/* 1-based table entry; 0 = whole source */
	uint64_t offset;	/* bytes from the start of the source */
	uint64_t size;		/* bytes */
	char table_type[40];	/* MBR "0x07" or GPT type GUID; "" if none */
	char part_name[112];	/* GPT partition name (UTF-8), "" if none */
	int fs;			/* enum exh_fs_kind */
	char fs_type[24];	/* libblkid TYPE, e.g. "ntfs", "BitLocker" */
	char label[112];	/* filesystem label (raw UTF-8 from blkid) */
	char uuid[48];		/* filesystem UUID / NTFS serial */
	/*
	 * What Windows keys a drive letter on (SYSTEM\MountedDevices):
	 * table_id is the MBR disk signature as 8 lower-case hex digits
	 * ("1234abcd") or the GPT disk GUID; part_guid the GPT partition's
	 * unique GUID, lower case.  "" when the source has no such table
	 * (a partition image) or the value is not there.
	 */
	char table_id[40];
	char part_guid[40];
	bool dynamic_disk;	/* LDM partition type */
	char note[160];		/* why it is not triaged, or a warning */
};

/* Read-only state of a block device, for the report. */
struct exh_ro_state {
	bool is_block_device;
	int before;		/* BLKROGET before we set it: 0/1, -1 unknown */
	int after;		/* BLKROGET after BLKROSET: must be 1 */
	int sysfs_ro;		/* /sys/class/block/X/ro after, -1 unknown */
	char method[96];	/* "O_RDONLY + BLKROSET on whole disk" ... */
	char parent[64];	/* the whole disk of a partition node, or "" */
	int parent_before;	/* its BLKROGET before we set it, -1 unknown */
};

struct exh_source;

/*
 * The container a source's logical disk is read from.  Detected from the
 * content (magic bytes), never from the name; a split raw set, which has
 * no magic, is recognised by its first segment having a next one beside
 * it.
 */
enum exh_container {
	EXH_CT_DEVICE = 0,	/* a block device */
	EXH_CT_RAW,		/* one raw image file (whole disk or partition) */
	EXH_CT_SPLIT_RAW,	/* raw segments: .000/.001, .001/.002, .aa/.ab */
	EXH_CT_EWF,		/* EnCase/FTK/ewfacquire E01 set */
	EXH_CT_VHD,		/* Virtual PC / Hyper-V VHD */
	EXH_CT_VHDX,		/* Hyper-V VHDX */
	EXH_CT_VMDK,		/* VMware VMDK (descriptor and extents) */
	EXH_CT_QCOW,		/* QEMU qcow / qcow2 */
	EXH_CT_VSS,		/* a volume shadow copy store (vss.c) */
};

/* One file the logical disk is read from: the image, a segment, an
 * extent or a parent of a differencing chain. */
struct exh_image_file {
	char *path;
	uint64_t size;
	const char *role;	/* "image", "segment", "extent", "parent" */
	int depth;		/* 0: the image given; 1: its parent ... */
	char sha256[65];	/* "" until exh_source_hash_files */
};

/* The acquisition record an E01 carries; "" where a value is absent.
 * The text comes from the evidence: escape it on output. */
struct exh_image_meta {
	char case_number[128];
	char evidence_number[128];
	char examiner[128];
	char description[256];
	char notes[256];
	char acquired[64];	/* acquisition date as stored */
	char system_date[64];
	char software[64];	/* acquisition software and version */
	char os[64];
	char model[128];	/* the acquired media's */
	char serial[128];
	char md5[33];		/* stored hash of the media; "" if none */
	char sha1[41];
	uint32_t bytes_per_sector;
};

/* A range of the logical disk the acquisition could not read (E01
 * acquiry errors): its content reads as zeros. */
struct exh_bad_range {
	uint64_t offset;
	uint64_t size;
};

struct exh_source_options {
	/* Parent images of a differencing chain given by the user (also
	 * found beside the child without this). */
	const char *const *parents;
	size_t nparents;
};

typedef void (*exh_source_progress_fn)(void *ctx, uint64_t done,
    uint64_t total);

/*
 * Opens path (a block device or a raw image of a whole disk or of one
 * partition) O_RDONLY.  A block device is set read-only with BLKROSET
 * before anything else reads it, and refused when BLKROGET does not then
 * report read-only (EXH_EFATAL).  Partitions are probed with libblkid on
 * the descriptor.  Returns EXH_OK, EXH_ENOTFOUND (no such file), EXH_EUSAGE
 * (a directory, or not a regular file or block device), EXH_EIO or
 * EXH_EFATAL.  *out is set only on success.
 */
int exh_source_open(const char *path, struct exh_source **out,
    struct exh_err *err);
/*
 * As exh_source_open, for every container exhume reads (enum
 * exh_container): the logical disk of an E01 set, a VHD/VHDX, a VMDK, a
 * qcow2 or a split raw set is what the partition probe and every layer
 * above see.  opt may be NULL.  A container that is damaged or
 * incomplete (a missing segment or parent), or a format exhume does not
 * read, is EXH_ECORRUPT or EXH_ENOTFOUND with a message naming the
 * format and what is wrong.
 */
int exh_source_open_with(const char *path,
    const struct exh_source_options *opt, struct exh_source **out,
    struct exh_err *err);
void exh_source_close(struct exh_source *src);

const char *exh_source_path(const struct exh_source *src);
uint64_t exh_source_size(const struct exh_source *src);
/* "gpt", "dos" or "" when the source has no partition table. */
const char *exh_source_table(const struct exh_source *src);
size_t exh_source_partition_count(const struct exh_source *src);
const struct exh_partition *exh_source_partition(const struct exh_source *src,
    size_t i);
const struct exh_ro_state *exh_source_ro_state(const struct exh_source *src);
/* Re-reads BLKROGET for the report's "after" state. */
void exh_source_recheck_ro(struct exh_source *src);

/*
 * Gives the device, and the whole disk of a partition node, back the
 * read-only flag they had before exh_source_open set it: a device that was
 * writable becomes writable again.  Call it only when nothing reads the
 * device any more (every volume on it closed).  Images, and devices that
 * were read-only already, are left alone.  EXH_OK or EXH_EIO (the ioctl
 * failed; the device stays read-only).
 */
int exh_source_restore_ro(struct exh_source *src, struct exh_err *err);

/* True when EXHUME_KEEP_READONLY asks (the boot image sets it) that devices
 * stay read-only after use. */
bool exh_source_keep_read_only(void);

/* Closes src once nothing reads it any more, first giving the device its
 * previous read-only flag back unless exh_source_keep_read_only(). */
void exh_source_release(struct exh_source *src);

/*
 * Reads len bytes at off (absolute in the source) with pread.  Short reads
 * at the end of the source are an error (EXH_EIO), as is any read outside
 * [0, size).
 */
int exh_source_pread(struct exh_source *src, void *buf, size_t len,
    uint64_t off, struct exh_err *err);

/* The container (enum exh_container), its short name for JSON ("raw",
 * "split-raw", "ewf", "vhd", "vhdx", "vmdk", "qcow", "vss", "device") and
 * a line for people ("VHDX, differencing, 2 MiB blocks"). */
int exh_source_container(const struct exh_source *src);
const char *exh_source_container_name(const struct exh_source *src);
const char *exh_source_format(const struct exh_source *src);
/* Bytes per logical sector of the container (512 for raw and devices). */
uint32_t exh_source_sector_size(const struct exh_source *src);

/* The files the logical disk is read from (none for a block device). */
size_t exh_source_file_count(const struct exh_source *src);
const struct exh_image_file *exh_source_file(const struct exh_source *src,
    size_t i);
/* The E01 acquisition record, NULL for other containers. */
const struct exh_image_meta *exh_source_image_meta(
    const struct exh_source *src);
/* Ranges the acquisition could not read. */
size_t exh_source_bad_range_count(const struct exh_source *src);
const struct exh_bad_range *exh_source_bad_range(
    const struct exh_source *src, size_t i);

/*
 * SHA-256 of every file of the source (exh_image_file.sha256), each read
 * whole through its own O_RDONLY descriptor; progress (may be NULL) is
 * called with bytes done and total.  Safe to run in a thread of its own
 * while the source is read elsewhere.  EXH_OK, EXH_EIO or EXH_STOP when
 * *stop (may be NULL) became true.
 */
int exh_source_hash_files(struct exh_source *src, exh_source_progress_fn fn,
    void *ctx, const volatile bool *stop, struct exh_err *err);

/* What re-reading a whole logical disk found (exh_source_verify_image). */
struct exh_image_check {
	uint64_t bytes;		/* bytes read */
	char md5[33];
	char sha1[41];
	char sha256[65];
	/* 1 equal, 0 different, -1 nothing stored to compare with */
	int md5_match;
	int sha1_match;
};

/*
 * Reads the whole logical disk through the container and hashes it; for
 * an E01 compares with the stored MD5/SHA-1.  A read error is EXH_EIO
 * (the check is incomplete).  progress may be NULL.
 */
int exh_source_verify_image(struct exh_source *src,
    exh_source_progress_fn fn, void *ctx, const volatile bool *stop,
    struct exh_image_check *out, struct exh_err *err);

/* A disk found on a booted system (/sys/block). */
struct exh_disk_info {
	char name[32];		/* "sda", "nvme0n1" */
	char dev_path[48];	/* "/dev/sda" */
	char model[64];
	char serial[64];
	char bus[16];		/* usb, nvme, ata, virtio, scsi, other */
	uint64_t size;		/* bytes */
	bool removable;		/* informational only */
	bool is_boot_stick;	/* holds the partition named by the boot id */
	int sysfs_ro;		/* /sys/block/X/ro, -1 unknown */
};

/*
 * Lists block devices under sysfs_root (normally "/sys"; tests pass a
 * fake tree), skipping loop, ram and zram.  boot_id is the FAT volume id
 * passed on the kernel command line (exhume.bootid=XXXX-XXXX) or NULL;
 * the disk holding a partition with that filesystem UUID is marked
 * is_boot_stick.  *out is a malloc'd array the caller frees.
 */
int exh_source_list_disks(const char *sysfs_root, const char *boot_id,
    struct exh_disk_info **out, size_t *count, struct exh_err *err);

/* Reads exhume.bootid= from a kernel command line file; "" if absent. */
void exh_source_boot_id(const char *cmdline_path, char *dst, size_t dstlen);

/*
 * True when a file system on disk name ("sda", "nvme0n1"; as in
 * exh_disk_info) or on one of its partitions is mounted, according to
 * mounts_path (NULL: /proc/self/mounts): the disk belongs to the running
 * system and is not evidence.  False when the table cannot be read.
 */
bool exh_source_disk_in_use(const char *mounts_path, const char *name);

const char *exh_fs_kind_name(int kind);

/* A volume shadow copy store, as its catalog describes it. */
struct exh_snapshot_info {
	int index;		/* 1-based, in catalog order (oldest first) */
	int count;		/* stores on the volume */
	char guid[40];		/* store identifier, lower case */
	int64_t created;	/* FILETIME, UTC */
	uint64_t size;		/* of the volume as it was */
	int partition;		/* the parent's partition number */
};

/*
 * Opens every volume shadow copy (VSS) store of the NTFS volume on part
 * (a partition of src) as a read-only source of its own: its logical
 * disk is the volume as it was when the snapshot was taken, one
 * whole-source partition (number 0) probed like any other, container
 * EXH_CT_VSS, no files.  Every read of a store goes through
 * exh_source_pread on src, so src must stay open until every store is
 * closed (exh_source_close_snapshots).  *stores is a malloc'd array of
 * *n sources, set only on success; a volume without shadow copies gives
 * *n == 0 and EXH_OK.  A damaged catalog is EXH_ECORRUPT ("VSS catalog
 * damaged: ..."), a read error of src EXH_EIO.
 */
int exh_source_open_snapshots(struct exh_source *src,
    const struct exh_partition *part, struct exh_source ***stores,
    size_t *n, struct exh_err *err);
/* Closes n stores and frees the array (either may be NULL/0). */
void exh_source_close_snapshots(struct exh_source **stores, size_t n);
/* The store a source reads, or NULL when it is not a snapshot. */
const struct exh_snapshot_info *exh_source_snapshot(
    const struct exh_source *src);

#endif /* EXHUME_SOURCE_H */
