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

/* One open $DATA stream; usn.c reads its runlist to skip holes.  A
 * deleted record's data (ni NULL) is read through its own layout. */
struct exh_stream {
	ntfs_inode *ni;
	ntfs_attr *na;
	uint64_t size;
	struct exh_volume *v;		/* deleted: the volume read */
	uint64_t mft;
	unsigned char *record;		/* deleted: the record, resident */
	struct exh_deleted_layout layout;
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

/* What one record holds that a listing needs; names point into rec. */
struct raw_record {
	bool valid;		/* "FILE", fixups applied, header sane */
	bool in_use, is_dir, base;
	uint16_t seq;
	const unsigned char *names[8];	/* non-DOS $FILE_NAME values */
	size_t nnames;
	const unsigned char *si;	/* $STANDARD_INFORMATION value */
	const ATTR_RECORD *data;	/* the unnamed $DATA attribute */
	bool attr_list;		/* some attributes sit in other records */
	bool torn;		/* a sector failed its fixup check */
};

/* deleted.c: parses a FILE record whose fixups were applied; every offset
 * is checked against size. */
void deleted_parse_record(struct raw_record *r, const unsigned char *rec,
    size_t size);
/* Reads record mft of v into buf (the volume's record size) with its
 * fixups applied and parses it into r.  False when it cannot be read. */
bool deleted_read_record(struct exh_volume *v, uint64_t mft,
    unsigned char *buf, struct raw_record *r);

/* deleted_data.c: the state of a decoded layout's clusters in $Bitmap
 * (enum exh_deleted_content: FREE, OVERWRITTEN or UNKNOWN). */
int deleted_clusters_state(struct exh_volume *v,
    const struct exh_deleted_layout *l);
/* exh_stream_pread of a deleted record's data (ni NULL); off + len lie
 * inside the stream's size. */
int volume_deleted_pread(struct exh_stream *st, void *buf, size_t len,
    uint64_t off, size_t *got, struct exh_err *err);

#endif /* EXHUME_VOLUME_INT_H */
