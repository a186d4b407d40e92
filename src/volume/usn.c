/* The NTFS change journal ($Extend\$UsnJrnl:$J): record parser and walk. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

/* Header sizes up to the name (V2, V3) or the extents (V4). */
#define V2_HEADER 60u
#define V3_HEADER 76u
#define V4_HEADER 64u
#define V4_EXTENT 16u

/* The stream is read in chunks this big, plus room for one cut record. */
#define USN_CHUNK (1024u * 1024u)

static const struct {
	uint32_t bit;
	const char *name;
} reason_names[] = {
	{ 0x00000001u, "DATA_OVERWRITE" },
	{ 0x00000002u, "DATA_EXTEND" },
	{ 0x00000004u, "DATA_TRUNCATION" },
	{ 0x00000010u, "NAMED_DATA_OVERWRITE" },
	{ 0x00000020u, "NAMED_DATA_EXTEND" },
	{ 0x00000040u, "NAMED_DATA_TRUNCATION" },
	{ 0x00000100u, "FILE_CREATE" },
	{ 0x00000200u, "FILE_DELETE" },
	{ 0x00000400u, "EA_CHANGE" },
	{ 0x00000800u, "SECURITY_CHANGE" },
	{ 0x00001000u, "RENAME_OLD_NAME" },
	{ 0x00002000u, "RENAME_NEW_NAME" },
	{ 0x00004000u, "INDEXABLE_CHANGE" },
	{ 0x00008000u, "BASIC_INFO_CHANGE" },
	{ 0x00010000u, "HARD_LINK_CHANGE" },
	{ 0x00020000u, "COMPRESSION_CHANGE" },
	{ 0x00040000u, "ENCRYPTION_CHANGE" },
	{ 0x00080000u, "OBJECT_ID_CHANGE" },
	{ 0x00100000u, "REPARSE_POINT_CHANGE" },
	{ 0x00200000u, "STREAM_CHANGE" },
	{ 0x00400000u, "TRANSACTED_CHANGE" },
	{ 0x00800000u, "INTEGRITY_CHANGE" },
	{ 0x01000000u, "DESIRED_STORAGE_CLASS_CHANGE" },
	{ 0x80000000u, "CLOSE" },
};

int
exh_usn_reasons(uint32_t reasons, const char *sep, struct exh_buf *out)
{
	uint32_t left = reasons;
	bool first = true;
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < sizeof(reason_names) / sizeof(reason_names[0]); i++) {
		if ((reasons & reason_names[i].bit) == 0)
			continue;
		if (!first && rc == EXH_OK)
			rc = exh_buf_puts(out, sep);
		if (rc == EXH_OK)
			rc = exh_buf_puts(out, reason_names[i].name);
		left &= ~reason_names[i].bit;
		first = false;
	}
	for (i = 0; i < 32 && rc == EXH_OK; i++) {
		if ((left & (1u << i)) == 0)
			continue;
		if (!first)
			rc = exh_buf_puts(out, sep);
		if (rc == EXH_OK)
			rc = exh_buf_printf(out, "0x%08" PRIX32, 1u << i);
		first = false;
	}
	/* An empty set still gives a string, never NULL. */
	if (rc == EXH_OK && out->data == NULL)
		rc = exh_buf_puts(out, "");
	return rc == EXH_OK ? EXH_OK : EXH_ENOMEM;
}

/* A file reference: record number in the low 48 bits, sequence above. */
static void
split_ref(const unsigned char *p, uint64_t *mft, uint16_t *seq)
{
	uint64_t ref = exh_le64(p);

	*mft = ref & 0xffffffffffffull;
	*seq = (uint16_t)(ref >> 48);
}

/*
 * The header size of version major, or 0 for a version this parser does
 * not know (a damaged record: a forged version must not be read as any
 * layout).
 */
static uint32_t
header_size(unsigned major)
{
	return major == 2 ? V2_HEADER : major == 3 ? V3_HEADER :
	    major == 4 ? V4_HEADER : 0;
}

/*
 * Checks the record of length bytes at p (length already known to fit
 * its page and the buffer) and fills r from it, the name's place in
 * *name_off and *name_len.  False when it is damaged.
 */
static bool
decode(const unsigned char *p, uint32_t length, struct exh_usn_record *r,
    uint32_t *name_off, uint32_t *name_len)
{
	unsigned major = exh_le16(p + 4);
	uint32_t hdr = header_size(major);
	uint32_t extents;

	if (hdr == 0 || length < hdr)
		return false;
	r->major = major;
	r->minor = exh_le16(p + 6);
	*name_off = *name_len = 0;
	if (major == 2) {
		split_ref(p + 8, &r->mft, &r->seq);
		split_ref(p + 16, &r->parent_mft, &r->parent_seq);
		p += 24;
	} else {
		split_ref(p + 8, &r->mft, &r->seq);
		split_ref(p + 24, &r->parent_mft, &r->parent_seq);
		p += 40;
	}
	r->usn = (int64_t)exh_le64(p);
	if (major == 4) {
		/* Range tracking: no time, no name, extents after the header. */
		r->timestamp = 0;
		r->reasons = exh_le32(p + 8);
		r->source_info = exh_le32(p + 12);
		r->security_id = r->attributes = 0;
		extents = exh_le16(p + 20);
		return (uint64_t)hdr + (uint64_t)extents * V4_EXTENT <= length;
	}
	r->timestamp = (int64_t)exh_le64(p + 8);
	r->reasons = exh_le32(p + 16);
	r->source_info = exh_le32(p + 20);
	r->security_id = exh_le32(p + 24);
	r->attributes = exh_le32(p + 28);
	*name_len = exh_le16(p + 32);
	*name_off = exh_le16(p + 34);
	return *name_off >= hdr && *name_len % 2 == 0 &&
	    (uint64_t)*name_off + *name_len <= length;
}

struct parser {
	const unsigned char *buf;
	size_t len;
	uint64_t base;
	exh_usn_fn fn;
	void *ctx;
	struct exh_usn_counts *counts;
	struct exh_buf name;
	bool resyncing;		/* after damage: until the next good record */
};

/* Bytes from offset at of the journal to the end of its page. */
static uint32_t
page_room(uint64_t at)
{
	return EXH_USN_PAGE - (uint32_t)(at % EXH_USN_PAGE);
}

/*
 * One damaged record is counted once: the 8-byte steps that follow it
 * until a good record or the next page are the same damage.
 */
static void
damaged(struct parser *ps)
{
	if (!ps->resyncing)
		ps->counts->damaged++;
	ps->resyncing = true;
}

static int
deliver(struct parser *ps, size_t pos, struct exh_usn_record *r,
    uint32_t name_off, uint32_t name_len, struct exh_err *err)
{
	int verdict;

	exh_buf_reset(&ps->name);
	if (exh_utf16le_bytes_to_utf8(ps->buf + pos + name_off, name_len,
	    &ps->name) != EXH_OK || exh_buf_puts(&ps->name, "") != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "$UsnJrnl: out of "
		    "memory for the name of the record at offset %" PRIu64,
		    ps->base + pos);
	r->name = ps->name.data;
	r->offset = ps->base + pos;
	ps->counts->records++;
	ps->resyncing = false;
	verdict = ps->fn(r, ps->ctx);
	return verdict == EXH_WALK_STOP ? EXH_STOP : EXH_OK;
}

int
exh_usn_parse(const void *buf, size_t len, uint64_t base, bool final,
    size_t *used, exh_usn_fn fn, void *ctx, struct exh_usn_counts *counts,
    struct exh_err *err)
{
	struct parser ps = { .buf = buf, .len = len, .base = base, .fn = fn,
	    .ctx = ctx, .counts = counts };
	struct exh_usn_record r;
	uint32_t length, room, name_off, name_len;
	size_t pos = 0;
	int rc = EXH_OK;

	if ((buf == NULL && len != 0) || fn == NULL || counts == NULL ||
	    used == NULL || base % 8 != 0)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "$UsnJrnl: parser called with a bad buffer");
	*used = 0;
	while (rc == EXH_OK && len - pos >= 8) {
		/* The zeros and words inside a damaged record are not new
		 * damage: it is counted again only after a good record or
		 * at the next page. */
		if ((base + pos) % EXH_USN_PAGE == 0)
			ps.resyncing = false;
		length = exh_le32(ps.buf + pos);
		if (length == 0) {
			/* Padding to the end of a page, or a cleared range. */
			pos += 8;
			continue;
		}
		room = page_room(base + pos);
		if (!final && length % 8 == 0 && length <= room &&
		    length > len - pos)
			break;	/* cut by the buffer: wait for more */
		memset(&r, 0, sizeof(r));
		if (length % 8 != 0 || length > room || length > len - pos ||
		    !decode(ps.buf + pos, length, &r, &name_off, &name_len)) {
			damaged(&ps);
			pos += 8;
			continue;
		}
		rc = deliver(&ps, pos, &r, name_off, name_len, err);
		pos += length;
	}
	if (final && rc == EXH_OK)
		pos = len;
	*used = pos;
	exh_buf_free(&ps.name);
	return rc;
}

/* The state of a walk over $J: one bounded buffer, reused. */
struct journal {
	struct exh_stream *st;
	unsigned char *buf;	/* USN_CHUNK + one page for a cut record */
	size_t carry;		/* bytes of a cut record at buf[0] */
	uint64_t off;		/* next offset of $J to read */
	exh_usn_fn fn;
	void *ctx;
	struct exh_usn_counts *counts;
};

/* Parses buf[0..carry+got), which ends at j->off; keeps a cut record. */
static int
parse_chunk(struct journal *j, size_t got, bool final, struct exh_err *err)
{
	size_t total = j->carry + got, used;
	int rc;

	rc = exh_usn_parse(j->buf, total, j->off - total, final, &used,
	    j->fn, j->ctx, j->counts, err);
	if (rc != EXH_OK)
		return rc;
	j->carry = total - used;
	memmove(j->buf, j->buf + used, j->carry);
	return EXH_OK;
}

/*
 * Where the data at j->off ends: the end of its run of clusters, or of
 * the stream.  *hole is true when the run is a hole (never allocated, or
 * past the initialized size): it reads as zeros and is skipped unread.
 * Compressed streams keep holes inside compression units, so they are
 * read whole.
 */
static int
extent_end(struct journal *j, uint64_t *end, bool *hole,
    struct exh_err *err)
{
	ntfs_attr *na = j->st->na;
	uint64_t cs = na->ni->vol->cluster_size, run_end, init;
	runlist_element *rl;

	*end = j->st->size;
	*hole = false;
	init = (uint64_t)na->initialized_size;
	if (!NAttrNonResident(na) || cs == 0 ||
	    (na->data_flags & ATTR_COMPRESSION_MASK) != 0)
		return EXH_OK;
	if (j->off >= init) {
		*hole = true;
		return EXH_OK;
	}
	if ((rl = ntfs_attr_find_vcn(na, (VCN)(j->off / cs))) == NULL ||
	    rl->length <= 0 || rl->vcn < 0 ||
	    __builtin_mul_overflow((uint64_t)(rl->vcn + rl->length), cs,
	    &run_end) || run_end <= j->off)
		return exh_err_set(err, EXH_ECORRUPT, errno, "$UsnJrnl:$J: "
		    "runlist damaged at offset %" PRIu64 "; the journal "
		    "after it is not read", j->off);
	*hole = rl->lcn == LCN_HOLE;
	if (run_end < *end)
		*end = run_end;
	if (!*hole && init < *end)
		*end = init;
	return EXH_OK;
}

/* Reads (or skips) the next piece of $J and parses it. */
static int
step(struct journal *j, struct exh_err *err)
{
	uint64_t end;
	size_t want, got;
	bool hole;
	int rc;

	if ((rc = extent_end(j, &end, &hole, err)) != EXH_OK)
		return rc;
	if (hole) {
		/* A record cannot run into a hole: finish the cut one. */
		if (j->carry > 0 && (rc = parse_chunk(j, 0, true, err)) !=
		    EXH_OK)
			return rc;
		j->counts->sparse_bytes += end - j->off;
		j->off = end;
		return EXH_OK;
	}
	want = end - j->off < USN_CHUNK ? (size_t)(end - j->off) : USN_CHUNK;
	if ((rc = exh_stream_pread(j->st, j->buf + j->carry, want, j->off,
	    &got, err)) != EXH_OK)
		return rc;
	j->off += got;
	j->counts->read_bytes += got;
	return parse_chunk(j, got, j->off >= j->st->size, err);
}

int
exh_volume_usn_walk(struct exh_volume *v, exh_usn_fn fn, void *ctx,
    struct exh_usn_counts *counts, struct exh_err *err)
{
	struct journal j = { .fn = fn, .ctx = ctx, .counts = counts };
	uint64_t mft;
	int rc;

	if (counts != NULL)
		memset(counts, 0, sizeof(*counts));
	if (v == NULL || v->magic != VOLUME_MAGIC || fn == NULL ||
	    counts == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	rc = exh_volume_lookup(v, "\\$Extend\\$UsnJrnl", &mft, NULL, err);
	if (rc == EXH_OK)
		rc = exh_stream_open(v, mft, "$J", &j.st, err);
	if (rc == EXH_ENOTFOUND)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "no $UsnJrnl on this volume");
	if (rc != EXH_OK) {
		exh_err_prefix(err, "$UsnJrnl:$J");
		return rc;
	}
	if ((j.buf = malloc(USN_CHUNK + EXH_USN_PAGE)) == NULL) {
		exh_stream_close(j.st);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	while (rc == EXH_OK && j.off < j.st->size)
		rc = step(&j, err);
	if (rc == EXH_OK && j.carry > 0)
		rc = parse_chunk(&j, 0, true, err);
	free(j.buf);
	exh_stream_close(j.st);
	return rc;
}
