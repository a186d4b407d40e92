/* NTFS volumes through libntfs-3g, strictly read-only: walk, metadata, streams. */
#ifndef EXHUME_VOLUME_H
#define EXHUME_VOLUME_H

#include <stdint.h>

#include "exhume/core.h"
#include "exhume/source.h"

/* DOS/NTFS file attribute bits as stored in $STANDARD_INFORMATION. */
#define EXH_ATTR_READONLY	0x0001u
#define EXH_ATTR_HIDDEN		0x0002u
#define EXH_ATTR_SYSTEM		0x0004u
#define EXH_ATTR_DIRECTORY	0x0010u
#define EXH_ATTR_ARCHIVE	0x0020u
#define EXH_ATTR_SPARSE		0x0200u
#define EXH_ATTR_REPARSE	0x0400u
#define EXH_ATTR_COMPRESSED	0x0800u
#define EXH_ATTR_ENCRYPTED	0x4000u

/* Per-stream flags. */
#define EXH_STREAM_RESIDENT	0x01u
#define EXH_STREAM_COMPRESSED	0x02u
#define EXH_STREAM_ENCRYPTED	0x04u
#define EXH_STREAM_SPARSE	0x08u

struct exh_stream_info {
	const char *name;	/* UTF-8; "" for the unnamed $DATA stream */
	uint64_t size;		/* logical (data) size */
	uint64_t alloc_size;	/* allocated on disk */
	unsigned flags;		/* EXH_STREAM_* */
};

/* What a walk yields.  Every pointer is borrowed for the callback only. */
enum exh_entry_status {
	EXH_ENTRY_OK = 0,
	EXH_ENTRY_CORRUPT,	/* the MFT record or an attribute is damaged */
	EXH_ENTRY_UNREADABLE,	/* I/O error reading the record */
	EXH_ENTRY_CYCLE,	/* directory already on the walk's path */
};

struct exh_entry {
	const char *path;	/* Windows form: "C:\\inetpub\\x.aspx" */
	const char *name;	/* last component (UTF-8, see exh_utf16le_to_utf8) */
	uint64_t mft;		/* record number */
	uint16_t seq;		/* sequence number */
	unsigned links;		/* hard link count */
	bool is_dir;
	bool first_link;	/* false: this record was yielded before under
				   another name; its data is not read again */
	uint32_t attributes;	/* EXH_ATTR_* */
	uint32_t reparse_tag;	/* 0 when not a reparse point; never followed */
	char *reparse_target;	/* junction/symlink target (UTF-8) or NULL */
	struct exh_macb si;	/* $STANDARD_INFORMATION */
	const char *owner_sid;	/* owner from the security descriptor,
				   "S-1-5-18"; "" when it cannot be read
				   (never NULL from exh_volume_walk) */
	struct exh_macb fn;	/* $FILE_NAME of this name */
	const struct exh_stream_info *streams;	/* $DATA streams, unnamed first */
	size_t nstreams;
	int depth;		/* 1 for entries directly below the walk's start */
	int status;		/* enum exh_entry_status */
	const char *problem;	/* what is wrong when status != OK */
};

/* Callback verdicts. */
enum exh_walk_verdict {
	EXH_WALK_NEXT = 0,	/* go on (descend into a directory) */
	EXH_WALK_PRUNE = 1,	/* do not descend into this directory */
	EXH_WALK_STOP = 2,	/* end the walk; it returns EXH_STOP */
};

typedef int (*exh_walk_fn)(const struct exh_entry *entry, void *ctx);

struct exh_volume;

/* Volume state worth a warning in the report. */
struct exh_volume_info {
	char label[128];
	char serial[24];	/* NTFS volume serial, "1A2B3C4D5E6F7081" */
	uint64_t size;
	uint32_t cluster_size;
	uint32_t mft_record_size;
	uint64_t mft_records;	/* records in $MFT (upper bound of files) */
	int ntfs_major;
	int ntfs_minor;
	bool dirty;		/* volume dirty flag set */
	bool hibernated;	/* hiberfil.sys says the system hibernated */
	char letter;		/* assigned drive letter, '?' if none */
	int letter_source;	/* enum exh_letter_source */
	/* Why owners kept in $Secure are not read (a damaged $SII index);
	 * "" when they are. */
	char secure_note[256];
	/* The volume's name in paths when it is not its letter alone: a
	 * shadow copy is "C:@{store-guid}" (paths "C:@{guid}\\x.aspx");
	 * "" for a live volume (paths "C:\\x.aspx"). */
	char name[64];
};

/* Where a volume's drive letter came from. */
enum exh_letter_source {
	EXH_LETTER_NONE = 0,	/* not lettered ('?') */
	EXH_LETTER_DEFAULT,	/* partition order: a guess */
	EXH_LETTER_MOUNTED,	/* the host's SYSTEM\MountedDevices */
	EXH_LETTER_OPTION,	/* --letter */
};

/* "default order", "MountedDevices", "--letter"; "" for none. */
const char *exh_letter_source_name(int source);

/*
 * Opens partition number part (as in exh_source_partition()->number; 0
 * for a partition image) through libntfs-3g with NTFS_MNT_RDONLY and a
 * device whose write operations fail with EROFS.  Hibernated and dirty
 * volumes open read-only; exh_volume_info says so.  Returns EXH_OK,
 * EXH_EUSAGE (not NTFS: the message says what it is), EXH_ECORRUPT or
 * EXH_EIO.  Further handles on the same volume come from exh_volume_clone.
 */
int exh_volume_open(struct exh_source *src, int part, struct exh_volume **out,
    struct exh_err *err);
void exh_volume_close(struct exh_volume *vol);

/*
 * A second, independent handle on the volume vol: the same partition of
 * the same source, mounted again with NTFS_MNT_RDONLY on the same
 * read-only device, with vol's info (drive letter included).  libntfs-3g
 * handles are not shared between threads: each worker thread reads
 * through a clone of its own.  vol may be cloned while another thread
 * uses it.  Close the clone with exh_volume_close; it does not depend on
 * vol staying open, only on the source.  Returns EXH_OK, EXH_EUSAGE (not
 * a volume handle), EXH_ENOMEM, EXH_ECORRUPT or EXH_EIO.
 */
int exh_volume_clone(struct exh_volume *vol, struct exh_volume **out,
    struct exh_err *err);

const struct exh_volume_info *exh_volume_info(const struct exh_volume *vol);
/* Sets the drive letter and where it came from (enum exh_letter_source). */
void exh_volume_set_letter(struct exh_volume *vol, char letter, int source);
/* Names the volume in the paths its walks yield (exh_volume_info name):
 * "C:@{guid}" for a shadow copy; NULL or "" for the letter alone.  A
 * name longer than 63 bytes is refused (EXH_EUSAGE). */
int exh_volume_set_name(struct exh_volume *vol, const char *name,
    struct exh_err *err);
/* True when \Windows\System32\config\SYSTEM exists (the system volume). */
bool exh_volume_is_system(struct exh_volume *vol);

/*
 * Walks the tree below start (a Windows-form path on this volume, with or
 * without the drive letter, "\\" or NULL for the root) depth-first, in
 * directory index order.  Directories are yielded before their contents.
 * Records that cannot be read are yielded with status != OK, never
 * dropped.  Reparse points are yielded, never followed.  Returns EXH_OK,
 * EXH_STOP (callback asked), EXH_ENOTFOUND (start missing), or a fatal
 * status.
 */
int exh_volume_walk(struct exh_volume *vol, const char *start,
    exh_walk_fn fn, void *ctx, struct exh_err *err);

/*
 * The one conversion of a walked entry into an owned struct exh_fileref,
 * for what outlives the callback: stream st of e (NULL: "" and size 0),
 * with owner_sid "" when the walk had none.  out is filled only on
 * success (free it with exh_fileref_free).  EXH_OK or EXH_ENOMEM.
 */
int exh_entry_fileref(const struct exh_entry *e,
    const struct exh_stream_info *st, struct exh_fileref *out);

/* Longest SID text plus NUL: "S-1-0x" + 12 hex + 15 * "-4294967295". */
#define EXH_SID_MAX 192

/*
 * Writes the owner SID of the self-relative SECURITY_DESCRIPTOR sd[0..len)
 * as text ("S-1-5-21-1-2-3-500") into out (outlen >= EXH_SID_MAX).  The
 * bytes are untrusted: every offset and count is checked against len.
 * Returns EXH_OK, EXH_ENOTFOUND (the descriptor names no owner),
 * EXH_ECORRUPT (truncated, bad revision, owner outside the buffer, more
 * than 15 sub-authorities) or EXH_EUSAGE; out is "" on failure.
 */
int exh_volume_sd_owner(const void *sd, size_t len, char *out, size_t outlen,
    struct exh_err *err);

/* Looks up a Windows-form path; fills mft (and is_dir when not NULL). */
int exh_volume_lookup(struct exh_volume *vol, const char *path,
    uint64_t *mft, bool *is_dir, struct exh_err *err);

/* Reads one stream in chunks.  Borrowed from the volume (same thread). */
struct exh_stream;

/*
 * Opens stream name ("" = unnamed) of record mft.  EXH_EIO with errno
 * EACCES for EFS-encrypted data; EXH_ENOTFOUND when the stream is gone.
 */
int exh_stream_open(struct exh_volume *vol, uint64_t mft, const char *name,
    struct exh_stream **out, struct exh_err *err);

/*
 * Opens stream name of the file with MFT reference (mft, seq), as a walk
 * reported them (exh_entry mft and seq, exh_stream_info name), without
 * going through any path: names holding '\\', '/', NUL or an unpaired
 * surrogate open too.  EXH_ENOTFOUND when the record now holds another
 * file (its sequence differs), is no longer in use, or has no such
 * stream; otherwise the statuses of exh_stream_open.
 */
int exh_stream_open_ref(struct exh_volume *vol, uint64_t mft, uint16_t seq,
    const char *name, struct exh_stream **out, struct exh_err *err);
uint64_t exh_stream_size(const struct exh_stream *st);
/* Reads up to len bytes at off; *got is 0 at the end. */
int exh_stream_pread(struct exh_stream *st, void *buf, size_t len,
    uint64_t off, size_t *got, struct exh_err *err);
void exh_stream_close(struct exh_stream *st);

/*
 * Reads a whole stream of a file given by path into out, refusing streams
 * larger than max bytes (EXH_EUSAGE).  For hives, configs and small logs.
 */
int exh_volume_read_file(struct exh_volume *vol, const char *path,
    const char *stream, size_t max, struct exh_buf *out, struct exh_err *err);

/*
 * Assigns drive letters to volumes opened in partition order: the system
 * volume (see exh_volume_is_system) gets C:, the others D:, E:, ... in
 * order (EXH_LETTER_DEFAULT).  overrides is NULL or a list like "2=E,3=F"
 * (index in vols, from 1) as given with --letter (EXH_LETTER_OPTION);
 * EXH_EUSAGE for a malformed list.
 */
int exh_volume_assign_letters(struct exh_volume *const *vols, size_t n,
    const char *overrides, struct exh_err *err);

/*
 * Parses a --letter list ("2=E,3=F") for n volumes into out[0..n): the
 * upper-case letter asked for volume i+1, or 0.  EXH_EUSAGE for a
 * malformed list, an index outside 1..n, a letter given to two volumes
 * or two letters given to one.
 */
int exh_volume_parse_letters(const char *list, size_t n, char *out,
    struct exh_err *err);

/*
 * The NTFS change journal, $Extend\$UsnJrnl:$J: records of versions 2,
 * 3 and 4 (USN_RECORD_V2/V3/V4).  A file reference is split into the MFT
 * record number (low 48 bits) and sequence number (next 16 bits); of the
 * 128-bit references of versions 3 and 4 only the low 64 bits are used,
 * as NTFS fills them.
 */
#define EXH_USN_PAGE 4096u	/* records are 8-byte aligned in 4 KiB pages */

struct exh_usn_record {
	uint64_t offset;	/* of the record in $J */
	unsigned major, minor;	/* record version */
	uint64_t mft;		/* file reference */
	uint16_t seq;
	uint64_t parent_mft;	/* parent directory reference */
	uint16_t parent_seq;
	int64_t usn;
	int64_t timestamp;	/* FILETIME; 0 for version 4 (it has none) */
	uint32_t reasons;	/* USN_REASON_* bits, see exh_usn_reason_name */
	uint32_t source_info;
	uint32_t security_id;	/* 0 for version 4 */
	uint32_t attributes;	/* EXH_ATTR_* bits; 0 for version 4 */
	const char *name;	/* UTF-8 (see exh_utf16le_to_utf8); "" for
				   version 4 */
};

/* What a journal walk went through. */
struct exh_usn_counts {
	uint64_t records;	/* handed to the callback */
	uint64_t damaged;	/* damaged records (resynchronised after) */
	uint64_t sparse_bytes;	/* skipped unread: holes of $J */
	uint64_t read_bytes;	/* read from the device */
};

/* Return EXH_WALK_NEXT to go on, EXH_WALK_STOP to end the walk. */
typedef int (*exh_usn_fn)(const struct exh_usn_record *rec, void *ctx);

/*
 * Parses the journal bytes buf[0..len), which sit at offset base of $J
 * (base a multiple of 8), calling fn for each record.  Zero bytes between
 * records are padding.  A record whose length is not a multiple of 8, is
 * shorter than its header, longer than a page, or runs past the end of
 * its page or of buf, or whose version is unknown, is counted in
 * counts->damaged and parsing goes on at the next 8-byte boundary.  When
 * final is false, a record cut by the end of buf is left for the next
 * call: *used says how many bytes were consumed (the rest must be passed
 * again, at base + *used, followed by more).  Memory: one name at a time.
 * Returns EXH_OK, EXH_STOP (the callback asked) or EXH_ENOMEM.
 */
int exh_usn_parse(const void *buf, size_t len, uint64_t base, bool final,
    size_t *used, exh_usn_fn fn, void *ctx, struct exh_usn_counts *counts,
    struct exh_err *err);

/*
 * Walks the records of $Extend\$UsnJrnl:$J of vol in journal order.
 * Holes of the sparse stream (its cleared head) are skipped through the
 * runlist without being read; the rest is read in bounded chunks, so
 * memory does not depend on the journal's size.  counts (zeroed first)
 * says what was seen, also when the walk fails half-way.  Returns EXH_OK,
 * EXH_STOP, EXH_ENOTFOUND (the volume keeps no journal), EXH_ECORRUPT or
 * EXH_EIO (a damaged runlist or a read error: the records before it were
 * delivered), EXH_ENOMEM or EXH_EUSAGE.
 */
int exh_volume_usn_walk(struct exh_volume *vol, exh_usn_fn fn, void *ctx,
    struct exh_usn_counts *counts, struct exh_err *err);

/*
 * Writes the names of the reason bits set in reasons, separated by sep
 * ("DATA_EXTEND|CLOSE"), into out; unknown bits as "0x00400000".  EXH_OK
 * or EXH_ENOMEM.
 */
int exh_usn_reasons(uint32_t reasons, const char *sep, struct exh_buf *out);

/*
 * Deleted files: MFT records not in use that still carry a $FILE_NAME.
 * The path is rebuilt from the parent reference as The Sleuth Kit does:
 * under the parent while its record still describes that directory (in
 * use, or deleted itself), "X:\\$OrphanFiles\\name" otherwise.
 */
enum exh_deleted_content {
	EXH_DELETED_NONE = 0,	/* no unnamed $DATA (a directory, say) */
	EXH_DELETED_RESIDENT,	/* the data sits in the record itself */
	EXH_DELETED_FREE,	/* every cluster still free: may be intact */
	EXH_DELETED_OVERWRITTEN,	/* a cluster belongs to a live file
					   now: partial or overwritten */
	EXH_DELETED_UNKNOWN,	/* runlist damaged, data in another record,
				   or too large to check */
};

struct exh_deleted {
	uint64_t mft;
	uint16_t seq;		/* as stored: raised by one at deletion */
	uint64_t parent_mft;
	uint16_t parent_seq;
	const char *name;	/* UTF-8 */
	const char *path;	/* "C:\\Temp\\x.7z", "C:\\$OrphanFiles\\x" */
	bool orphan;		/* the parent chain is gone */
	bool is_dir;
	struct exh_macb si, fn;	/* 0 when the record has none */
	uint64_t size;		/* of the unnamed $DATA */
	int content;		/* enum exh_deleted_content */
	bool torn;		/* a sector of the record failed its update
				   sequence check (an interrupted write):
				   read anyway, fields may be wrong */
};

struct exh_deleted_counts {
	uint64_t records;	/* MFT records read */
	uint64_t deleted;	/* base records not in use */
	uint64_t nameless;	/* of those, without a name: not listed */
	uint64_t listed;	/* names handed to the callback */
	uint64_t damaged;	/* unreadable or not a FILE record */
	uint64_t torn;		/* deleted records read despite a torn
				   sector (listed, marked) */
};

/* "none", "resident", "free", "overwritten", "unknown". */
const char *exh_deleted_content_name(int content);

/* Return EXH_WALK_NEXT to go on, EXH_WALK_STOP to end the walk. */
typedef int (*exh_deleted_fn)(const struct exh_deleted *d, void *ctx);

/*
 * Reads every record of $MFT of vol in record order and calls fn once per
 * name of each deleted record (8.3 names left out).  Memory is bounded: a
 * record at a time and a fixed cache of directory paths.  counts (zeroed
 * first) says what was seen.  Returns EXH_OK, EXH_STOP, EXH_ENOMEM or
 * EXH_EUSAGE.
 */
int exh_volume_deleted_walk(struct exh_volume *vol, exh_deleted_fn fn,
    void *ctx, struct exh_deleted_counts *counts, struct exh_err *err);
/*
 * The same over a copy of $MFT in memory (mft[0..len), as collectors
 * save it), paths starting with letter.  Without the volume's $Bitmap the
 * content of non-resident data is EXH_DELETED_UNKNOWN.  EXH_ECORRUPT when
 * record 0 is not a FILE record of a plausible size.
 */
int exh_mft_deleted_walk(const void *mft, size_t len, char letter,
    exh_deleted_fn fn, void *ctx, struct exh_deleted_counts *counts,
    struct exh_err *err);

/*
 * The layout of a deleted record's unnamed $DATA, decoded from the
 * attribute alone (every byte hostile): resident bytes, or the runs of its
 * first extent.  Every run lies inside the volume's nr_clusters, the runs
 * are at most one per two bytes of attribute (no large allocation), no
 * sum overflows, and the declared sizes fit what the runs map.
 */
struct exh_run {
	uint64_t vcn;		/* first cluster of the run in the file */
	uint64_t lcn;		/* first cluster on the volume; unused
				   when sparse */
	uint64_t length;	/* clusters */
	bool sparse;		/* a hole: reads as zeros */
};

#define EXH_DATA_COMPRESSED	0x00ffu	/* attribute flags */
#define EXH_DATA_ENCRYPTED	0x4000u
#define EXH_DATA_SPARSE		0x8000u

struct exh_deleted_layout {
	bool resident;
	const unsigned char *value;	/* resident: points into the record */
	uint64_t data_size;
	uint64_t init_size;	/* bytes past it read as zeros */
	uint16_t flags;		/* EXH_DATA_* */
	uint32_t cluster_size;
	struct exh_run *runs;	/* non-resident: sorted by vcn */
	size_t nruns;
};

/*
 * Decodes $DATA attribute a (alen bytes, already inside its record) for a
 * volume of nr_clusters clusters of cluster_size bytes.  EXH_OK (free
 * the layout with exh_deleted_layout_free), EXH_ECORRUPT with the reason
 * in err (err may be NULL), or EXH_ENOMEM.
 */
int exh_deleted_layout_decode(const unsigned char *a, size_t alen,
    uint64_t nr_clusters, uint32_t cluster_size,
    struct exh_deleted_layout *out, struct exh_err *err);
void exh_deleted_layout_free(struct exh_deleted_layout *l);
/* Where byte off of the file lies on the volume (a byte offset), or
 * UINT64_MAX when it reads as zero (a hole, past the initialized size or
 * past the runs); *contiguous gets how many bytes from off (at least 1,
 * while off < data_size) lie the same way. */
uint64_t exh_deleted_layout_address(const struct exh_deleted_layout *l,
    uint64_t off, uint64_t *contiguous);

/*
 * Opens the unnamed $DATA of the deleted record (mft, seq) for reading
 * with exh_stream_pread: the resident bytes, or its clusters read from the
 * volume's read-only device.  *content gets the state (enum
 * exh_deleted_content).  Content that must not be taken for the file's is
 * refused: EXH_ENOTFOUND with *why "overwritten" (a cluster belongs to a
 * live file now), "no-data" (none, or held in another record),
 * "compressed" (not decoded), "encrypted" (EFS), or "reused" (the record
 * is in use again or has another sequence number); EXH_ECORRUPT with
 * *why "corrupt" for a damaged runlist; EXH_EIO "unreadable".  err says
 * why in each case.
 */
int exh_stream_open_deleted(struct exh_volume *vol, uint64_t mft,
    uint16_t seq, int *content, const char **why, struct exh_stream **out,
    struct exh_err *err);

/*
 * Directory paths by MFT reference, as the deleted-file listing rebuilds
 * them: for the change journal's parent references.  A fixed cache of
 * directory paths; one per thread.
 */
struct exh_mft_paths;

int exh_mft_paths_create(struct exh_volume *vol, struct exh_mft_paths **out,
    struct exh_err *err);
/* Appends the path of directory (mft, seq) with the drive letter: "C:" for
 * the root, "C:\\inetpub\\wwwroot", "C:\\$OrphanFiles" when the record
 * no longer describes that directory.  EXH_OK or EXH_ENOMEM. */
int exh_mft_paths_dir(struct exh_mft_paths *mp, uint64_t mft, uint16_t seq,
    struct exh_buf *out);
void exh_mft_paths_destroy(struct exh_mft_paths *mp);

/* Windows-form "\\$MFT"-style raw metadata files can be read by path too:
 * "\\$MFT", "\\$LogFile", "\\$Extend\\$UsnJrnl" with stream "$J". */

#endif /* EXHUME_VOLUME_H */
