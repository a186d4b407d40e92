/* Private to the volume module. */
#ifndef EXHUME_VOLUME_INT_H
#define EXHUME_VOLUME_INT_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>

#include "exhume/volume.h"

#define VOLUME_MAGIC 0x564f4c55u

/* A window of the source: the partition, as libntfs-3g's device. */
struct window {
	struct exh_source *src;
	uint64_t offset;
	uint64_t size;
	int64_t pos;
	struct exh_err last;	/* the last read error, for messages */
};

/* Owner SID text by security_id ($Secure), so shared ids are read once. */
struct sid_cache {
	uint32_t *ids;		/* 0 = free slot (security_id 0 is "none") */
	char **sids;
	size_t cap, n;
};

struct exh_volume {
	unsigned magic;
	struct exh_source *src;
	int part;		/* partition number, for messages */
	struct window win;
	struct ntfs_device *dev;
	ntfs_volume *vol;
	struct exh_volume_info info;
	struct sid_cache owners;
	ntfs_attr *sds;		/* $Secure:$SDS, opened on first use */
	bool sds_failed;
	bool secure_bad;	/* $SII fails volume_secure_check: unused */
};

/* One open $DATA stream; usn.c reads its runlist to skip holes. */
struct exh_stream {
	ntfs_inode *ni;
	ntfs_attr *na;
	uint64_t size;
};

struct ntfs_device *window_device(struct window *w, const char *name);

/* Converts a Windows-form path ("C:\\a\\b", "\\a\\b", "a\\b") into the
 * '/'-separated form ntfs_pathname_to_inode expects. */
int volume_ntfs_path(const char *winpath, struct exh_buf *out);

/* UTF-16 name from disk to UTF-8 (appended). */
int volume_name_utf8(const ntfschar *name, int len, struct exh_buf *out);

/* Opens the $DATA attribute named uname[0..ulen) (ulen 0: unnamed) of
 * record mft; the checks and statuses of exh_stream_open. */
int volume_stream_open(struct exh_volume *v, uint64_t mft,
    const ntfschar *uname, u32 ulen, struct exh_stream **out,
    struct exh_err *err);

int64_t volume_time(sle64 t);

/* owner.c: the owner SID text of ni, "" when none can be read.  Returns a
 * string from the volume's cache or buf; valid until the next call. */
const char *volume_owner(struct exh_volume *v, ntfs_inode *ni,
    char buf[EXH_SID_MAX]);
void volume_owner_cache_free(struct sid_cache *c);
/* Checks the $SII index root of $Secure (its index block size against
 * the volume's and NTFS's limits) before any lookup goes through it;
 * when it fails, sets secure_bad and says why in info.secure_note. */
void volume_secure_check(struct exh_volume *v);

#endif /* EXHUME_VOLUME_INT_H */
