/* Sources: disks, partitions and images, opened read-only and probed with libblkid. */
#ifndef EXHUME_SOURCE_H
#define EXHUME_SOURCE_H

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

#endif /* EXHUME_SOURCE_H */
