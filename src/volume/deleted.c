/* Deleted files: MFT records no longer in use that still carry a name. */

/*
 * Windows frees a deleted file's MFT record by clearing its in-use flag and
 * raising its sequence number; the attributes stay until the record is
 * reused.  This module reads $MFT record by record through libntfs-3g (the
 * same read-only device), parses each free record itself (libntfs-3g opens
 * only records in use) and rebuilds the path from the parent reference the
 * way The Sleuth Kit does: under the parent when the parent record still
 * describes that directory (in use with the referenced sequence number, or
 * itself deleted with it or the next one), under "$OrphanFiles" otherwise.
 * Every byte of a free record is untrusted: each offset and length is
 * checked against the record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#define ROOT_RECORD	5u
#define PATH_DEPTH	64	/* deeper parent chains end as orphans */
#define DIR_CACHE	4096	/* directory paths remembered (direct-mapped) */

struct cached_dir {
	uint64_t mft;
	uint16_t seq;
	bool used;
	char *path;
};

/* Where records come from: a mounted volume's $MFT, or a copy of $MFT in
 * memory (a collected $MFT file, a fuzzer's input). */
struct mft_source {
	struct exh_volume *v;	/* NULL: raw */
	const unsigned char *raw;
	size_t rawlen;
	uint32_t record_size;
	uint64_t nrecords;
	char letter;
};

/* Directory paths by MFT reference, read from $MFT and remembered. */
struct exh_mft_paths {
	struct mft_source src;
	unsigned char *up;	/* the parent record being climbed */
	struct cached_dir cache[DIR_CACHE];
};

#define CHUNK_RECORDS 256	/* $MFT read this many records at a time */

struct deleted_walk {
	struct exh_mft_paths *paths;
	const struct mft_source *src;
	unsigned char *rec;	/* the record listed */
	unsigned char *chunk;	/* records [chunk_first, +chunk_n) */
	uint64_t chunk_first, chunk_n;
	struct exh_buf path, name;
	struct exh_deleted_counts *counts;
};

/* The value of resident attribute a (length alen), or NULL when it does not
 * fit min bytes inside the attribute. */
static const unsigned char *
resident_value(const unsigned char *a, uint32_t alen, uint32_t min)
{
	uint32_t off, len;

	if (a[8] != 0 || alen < 24)
		return NULL;
	len = exh_le32(a + 16);
	off = exh_le16(a + 20);
	if (len < min || off > alen || len > alen - off)
		return NULL;
	return a + off;
}

static void
note_file_name(struct raw_record *r, const unsigned char *a, uint32_t alen)
{
	const unsigned char *fn = resident_value(a, alen, 0x42);
	uint32_t vlen;

	if (fn == NULL || r->nnames == sizeof(r->names) / sizeof(r->names[0]))
		return;
	vlen = exh_le32(a + 16);
	if (0x42u + 2u * fn[0x40] > vlen || fn[0x40] == 0)
		return;
	if (fn[0x41] == FILE_NAME_DOS)	/* the 8.3 twin of another name */
		return;
	r->names[r->nnames++] = fn;
}

/* A non-resident attribute header that starts at VCN 0 and whose mapping
 * pairs begin after the header and inside the attribute. */
static bool
first_extent(const unsigned char *a, uint32_t alen)
{
	uint16_t pairs = exh_le16(a + 0x20);

	return alen >= 0x48 && exh_le64(a + 0x10) == 0 && pairs >= 0x40 &&
	    pairs < alen;
}

/* Walks the attributes of a record whose header is sane. */
static void
scan_attributes(struct raw_record *r, const unsigned char *rec, size_t size)
{
	size_t at = exh_le16(rec + 0x14);
	uint32_t type, alen;

	while (at + 8 <= size) {
		type = exh_le32(rec + at);
		if (type == 0xffffffffu)
			break;
		alen = exh_le32(rec + at + 4);
		if (alen < 24 || alen % 8 != 0 || alen > size - at)
			break;	/* damage: keep what was read before it */
		if (type == 0x10 && r->si == NULL)
			r->si = resident_value(rec + at, alen, 32);
		else if (type == 0x20)
			r->attr_list = true;
		else if (type == 0x30)
			note_file_name(r, rec + at, alen);
		else if (type == 0x80 && rec[at + 9] == 0 && r->data == NULL &&
		    (rec[at + 8] == 0 || first_extent(rec + at, alen)))
			r->data = (const ATTR_RECORD *)(rec + at);
		at += alen;
	}
}

void
deleted_parse_record(struct raw_record *r, const unsigned char *rec,
    size_t size)
{
	uint16_t flags, attrs;

	memset(r, 0, sizeof(*r));
	if (size < 0x38 || memcmp(rec, "FILE", 4) != 0)
		return;
	attrs = exh_le16(rec + 0x14);
	if (attrs < 0x30 || attrs % 8 != 0 || attrs >= size)
		return;
	flags = exh_le16(rec + 0x16);
	r->valid = true;
	r->seq = exh_le16(rec + 0x10);
	r->in_use = (flags & 0x0001) != 0;
	r->is_dir = (flags & 0x0002) != 0;
	r->base = exh_le64(rec + 0x20) == 0;
	scan_attributes(r, rec, size);
}

/*
 * Applies the update sequence array of a FILE record leniently: a sector
 * whose last two bytes do not carry the update sequence number was torn by
 * an interrupted write and is left as it is (*torn set), where libntfs-3g
 * would reject the whole record.  A deleted file's name and times usually
 * sit in the first sector, which is worth reading even then.  False when
 * the array itself does not fit the record.
 */
static bool
apply_fixups(unsigned char *rec, uint32_t size, bool *torn)
{
	uint16_t ofs = exh_le16(rec + 4), count = exh_le16(rec + 6);
	uint16_t i;

	*torn = false;
	if (ofs % 2 != 0 || count != size / 512 + 1 ||
	    (uint32_t)ofs + 2u * count > size || ofs < 0x28)
		return false;
	for (i = 1; i < count; i++) {
		unsigned char *end = rec + 512u * i - 2;

		if (memcmp(end, rec + ofs, 2) != 0)
			*torn = true;
		else
			memcpy(end, rec + ofs + 2u * i, 2);
	}
	return true;
}

/* A record just read: the fixups of a FILE record applied; any other
 * content is left for parse_record to judge. */
static bool
fixed_up(const struct mft_source *src, unsigned char *buf, bool *torn)
{
	*torn = false;
	if (memcmp(buf, "FILE", 4) != 0)
		return true;
	return apply_fixups(buf, src->record_size, torn);
}

/* Reads record mft into buf with its fixups applied.  False when it cannot
 * be read or its update sequence array is damaged; a record that is not a
 * FILE record is left for parse_record to judge. */
static bool
read_record(const struct mft_source *src, uint64_t mft, unsigned char *buf,
    bool *torn)
{
	ntfs_volume *vol;

	*torn = false;
	if (mft >= src->nrecords)
		return false;
	if (src->v == NULL)
		memcpy(buf, src->raw + mft * src->record_size,
		    src->record_size);
	else {
		vol = src->v->vol;
		if (ntfs_attr_pread(vol->mft_na,
		    (s64)(mft << vol->mft_record_size_bits),
		    vol->mft_record_size, buf) != (s64)vol->mft_record_size)
			return false;
	}
	return fixed_up(src, buf, torn);
}

static int
name_utf8(const unsigned char *fn, struct exh_buf *out)
{
	out->len = 0;
	if (out->data != NULL)
		out->data[0] = '\0';
	return exh_utf16le_bytes_to_utf8(fn + 0x42, 2u * fn[0x40], out);
}

/* Does record r (just read) still describe the directory a child names
 * with sequence seq?  A directory deleted after its child keeps its names;
 * its sequence number was raised by one when it was freed. */
static bool
parent_matches(const struct raw_record *r, uint16_t seq)
{
	if (!r->valid || !r->base || !r->is_dir || r->nnames == 0)
		return false;
	if (r->in_use)
		return r->seq == seq || seq == 0;
	return r->seq == seq || r->seq == (uint16_t)(seq + 1);
}

static struct cached_dir *
cache_slot(struct exh_mft_paths *mp, uint64_t mft)
{
	return &mp->cache[mft % DIR_CACHE];
}

/* Remembers the path of a directory that many children share. */
static void
remember_dir(struct exh_mft_paths *mp, uint64_t mft, uint16_t seq,
    const char *path)
{
	struct cached_dir *c = cache_slot(mp, mft);
	char *copy = strdup(path);

	if (copy == NULL)
		return;		/* only a cache: the next lookup reads again */
	free(c->path);
	c->path = copy;
	c->mft = mft;
	c->seq = seq;
	c->used = true;
}

/*
 * Appends to out the path of directory (mft, seq) without the drive, "" for
 * the root, "\\$OrphanFiles" when the chain breaks.  Iterative: the names
 * are collected upwards into parts and written downwards.
 */
static int
dir_path(struct exh_mft_paths *mp, uint64_t mft, uint16_t seq,
    struct exh_buf *out)
{
	struct exh_buf parts[PATH_DEPTH];
	struct raw_record r;
	struct cached_dir *c;
	bool torn;
	const char *base = "";
	uint64_t start_mft = mft;
	uint16_t start_seq = seq;
	size_t start = out->len;
	int depth = 0, i, rc = EXH_OK;

	memset(parts, 0, sizeof(parts));
	while (mft != ROOT_RECORD) {
		c = cache_slot(mp, mft);
		if (c->used && c->mft == mft && c->seq == seq) {
			base = c->path;
			break;
		}
		if (depth == PATH_DEPTH ||
		    !read_record(&mp->src, mft, mp->up, &torn)) {
			base = "\\$OrphanFiles";
			break;
		}
		deleted_parse_record(&r, mp->up, mp->src.record_size);
		if (!parent_matches(&r, seq)) {
			base = "\\$OrphanFiles";
			break;
		}
		if ((rc = name_utf8(r.names[0], &parts[depth])) != EXH_OK)
			goto out;
		depth++;
		mft = exh_le64(r.names[0]) & 0xffffffffffffull;
		seq = (uint16_t)(exh_le64(r.names[0]) >> 48);
	}
	if ((rc = exh_buf_puts(out, base)) != EXH_OK)
		goto out;
	for (i = depth - 1; i >= 0 && rc == EXH_OK; i--)
		if ((rc = exh_buf_putc(out, '\\')) == EXH_OK)
			rc = exh_buf_puts(out, parts[i].data);
	if (rc == EXH_OK && depth > 0 && strcmp(base, "\\$OrphanFiles") != 0)
		remember_dir(mp, start_mft, start_seq, out->data + start);
out:
	for (i = 0; i < depth; i++)
		exh_buf_free(&parts[i]);
	return rc;
}

static void
macb_from(const unsigned char *p, struct exh_macb *m)
{
	m->created = (int64_t)exh_le64(p);
	m->modified = (int64_t)exh_le64(p + 8);
	m->mft_changed = (int64_t)exh_le64(p + 16);
	m->accessed = (int64_t)exh_le64(p + 24);
}

static void
describe_data(const struct mft_source *src, const struct raw_record *r,
    struct exh_deleted *d)
{
	const unsigned char *a = (const unsigned char *)r->data;
	struct exh_deleted_layout l;

	if (a == NULL) {
		d->content = r->attr_list ? EXH_DELETED_UNKNOWN :
		    EXH_DELETED_NONE;
		return;
	}
	if (a[8] == 0) {
		d->size = exh_le32(a + 16);
		d->content = EXH_DELETED_RESIDENT;
		return;
	}
	d->size = exh_le64(a + 0x30);
	/* Without the volume's $Bitmap nobody can tell. */
	d->content = EXH_DELETED_UNKNOWN;
	if (src->v == NULL || exh_deleted_layout_decode(a, exh_le32(a + 4),
	    (uint64_t)src->v->vol->nr_clusters, src->v->vol->cluster_size,
	    &l, NULL) != EXH_OK)
		return;
	d->content = deleted_clusters_state(src->v, &l);
	exh_deleted_layout_free(&l);
}

/* Lists one name of the free record r (number mft). */
static int
list_name(struct deleted_walk *dw, uint64_t mft, const struct raw_record *r,
    const unsigned char *fn, exh_deleted_fn fn_cb, void *ctx)
{
	struct exh_deleted d;
	uint64_t pref = exh_le64(fn);
	int rc;

	memset(&d, 0, sizeof(d));
	d.mft = mft;
	d.seq = r->seq;
	d.parent_mft = pref & 0xffffffffffffull;
	d.parent_seq = (uint16_t)(pref >> 48);
	d.is_dir = r->is_dir;
	d.torn = r->torn;
	if (r->si != NULL)
		macb_from(r->si, &d.si);
	macb_from(fn + 8, &d.fn);
	describe_data(dw->src, r, &d);
	dw->path.len = 0;
	if ((rc = exh_buf_printf(&dw->path, "%c:", dw->src->letter)) !=
	    EXH_OK || (rc = dir_path(dw->paths, d.parent_mft, d.parent_seq,
	    &dw->path)) != EXH_OK)
		return rc;
	d.orphan = strstr(dw->path.data, "\\$OrphanFiles") == dw->path.data + 2;
	if ((rc = name_utf8(fn, &dw->name)) != EXH_OK ||
	    (rc = exh_buf_putc(&dw->path, '\\')) != EXH_OK ||
	    (rc = exh_buf_puts(&dw->path, dw->name.data)) != EXH_OK)
		return rc;
	d.name = dw->name.data;
	d.path = dw->path.data;
	dw->counts->listed++;
	return fn_cb(&d, ctx) == EXH_WALK_STOP ? EXH_STOP : EXH_OK;
}

/* The walk's next record: from a chunk of $MFT read at once; a chunk that
 * cannot be read whole falls back to one record at a time, so a bad
 * sector costs only its own records. */
static bool
next_record(struct deleted_walk *dw, uint64_t mft, bool *torn)
{
	const struct mft_source *src = dw->src;
	uint64_t n;
	s64 want, got;

	if (src->v == NULL || dw->chunk == NULL)
		return read_record(src, mft, dw->rec, torn);
	if (mft < dw->chunk_first || mft >= dw->chunk_first + dw->chunk_n) {
		n = src->nrecords - mft < CHUNK_RECORDS ?
		    src->nrecords - mft : CHUNK_RECORDS;
		want = (s64)(n * src->record_size);
		got = ntfs_attr_pread(src->v->vol->mft_na,
		    (s64)(mft * src->record_size), want, dw->chunk);
		dw->chunk_first = mft;
		dw->chunk_n = got == want ? n : 0;
		if (dw->chunk_n == 0)
			return read_record(src, mft, dw->rec, torn);
	}
	memcpy(dw->rec, dw->chunk + (mft - dw->chunk_first) * src->record_size,
	    src->record_size);
	return fixed_up(src, dw->rec, torn);
}

static int
visit_record(struct deleted_walk *dw, uint64_t mft, exh_deleted_fn fn,
    void *ctx)
{
	struct raw_record r;
	bool torn;
	size_t i;
	int rc = EXH_OK;

	if (!next_record(dw, mft, &torn)) {
		dw->counts->damaged++;
		return EXH_OK;
	}
	deleted_parse_record(&r, dw->rec, dw->src->record_size);
	if (!r.valid) {
		/* Never-used records are zeroes; "BAAD" or junk is damage. */
		if (dw->rec[0] != 0 || memcmp(dw->rec, dw->rec + 1, 15) != 0)
			dw->counts->damaged++;
		return EXH_OK;
	}
	if (r.in_use || !r.base)
		return EXH_OK;
	dw->counts->deleted++;
	r.torn = torn;
	if (torn)
		dw->counts->torn++;
	if (r.nnames == 0) {
		dw->counts->nameless++;
		return EXH_OK;
	}
	for (i = 0; i < r.nnames && rc == EXH_OK; i++)
		rc = list_name(dw, mft, &r, r.names[i], fn, ctx);
	return rc;
}

static struct exh_mft_paths *
paths_new(const struct mft_source *src)
{
	struct exh_mft_paths *mp = calloc(1, sizeof(*mp));

	if (mp == NULL || (mp->up = malloc(src->record_size)) == NULL) {
		free(mp);
		return NULL;
	}
	mp->src = *src;
	return mp;
}

void
exh_mft_paths_destroy(struct exh_mft_paths *mp)
{
	size_t i;

	if (mp == NULL)
		return;
	for (i = 0; i < DIR_CACHE; i++)
		free(mp->cache[i].path);
	free(mp->up);
	free(mp);
}

static int
walk_records(const struct mft_source *src, exh_deleted_fn fn, void *ctx,
    struct exh_deleted_counts *counts, struct exh_err *err)
{
	struct deleted_walk dw;
	uint64_t mft;
	int rc = EXH_OK;

	memset(&dw, 0, sizeof(dw));
	dw.src = src;
	dw.counts = counts;
	if ((dw.paths = paths_new(src)) == NULL ||
	    (dw.rec = malloc(src->record_size)) == NULL ||
	    (dw.chunk = malloc((size_t)CHUNK_RECORDS * src->record_size)) ==
	    NULL)
		rc = EXH_ENOMEM;
	for (mft = 0; mft < src->nrecords && rc == EXH_OK; mft++) {
		counts->records++;
		rc = visit_record(&dw, mft, fn, ctx);
	}
	exh_mft_paths_destroy(dw.paths);
	exh_buf_free(&dw.path);
	exh_buf_free(&dw.name);
	free(dw.rec);
	free(dw.chunk);
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	return rc;
}

static void
volume_source(struct exh_volume *v, struct mft_source *src)
{
	memset(src, 0, sizeof(*src));
	src->v = v;
	src->record_size = v->vol->mft_record_size;
	src->nrecords = v->info.mft_records;
	src->letter = v->info.letter;
}

bool
deleted_read_record(struct exh_volume *v, uint64_t mft, unsigned char *buf,
    struct raw_record *r)
{
	struct mft_source src;
	bool torn;

	volume_source(v, &src);
	if (!read_record(&src, mft, buf, &torn))
		return false;
	deleted_parse_record(r, buf, src.record_size);
	r->torn = torn;
	return true;
}

int
exh_mft_paths_create(struct exh_volume *v, struct exh_mft_paths **out,
    struct exh_err *err)
{
	struct mft_source src;

	*out = NULL;
	if (v == NULL || v->magic != VOLUME_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "MFT paths: not a volume handle");
	volume_source(v, &src);
	if ((*out = paths_new(&src)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	return EXH_OK;
}

int
exh_mft_paths_dir(struct exh_mft_paths *mp, uint64_t mft, uint16_t seq,
    struct exh_buf *out)
{
	int rc;

	if ((rc = exh_buf_printf(out, "%c:", mp->src.letter)) != EXH_OK)
		return rc;
	return dir_path(mp, mft, seq, out);
}

int
exh_volume_deleted_walk(struct exh_volume *v, exh_deleted_fn fn, void *ctx,
    struct exh_deleted_counts *counts, struct exh_err *err)
{
	struct mft_source src = { 0 };

	memset(counts, 0, sizeof(*counts));
	if (v == NULL || v->magic != VOLUME_MAGIC || fn == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "deleted-file walk: not a volume handle");
	volume_source(v, &src);
	return walk_records(&src, fn, ctx, counts, err);
}

int
exh_mft_deleted_walk(const void *mft, size_t len, char letter,
    exh_deleted_fn fn, void *ctx, struct exh_deleted_counts *counts,
    struct exh_err *err)
{
	struct mft_source src = { 0 };
	uint32_t size;

	memset(counts, 0, sizeof(*counts));
	if (fn == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "deleted-file walk: no callback");
	/* Record 0 ($MFT itself) says how large every record is. */
	size = len >= 0x20 ? exh_le32((const unsigned char *)mft + 0x1c) : 0;
	if (len < 0x20 || memcmp(mft, "FILE", 4) != 0 || size < 256 ||
	    size > 65536 || (size & (size - 1)) != 0 || len < size)
		return exh_err_set(err, EXH_ECORRUPT, 0, "$MFT copy: record 0 "
		    "is not a FILE record with a plausible size; is this an "
		    "$MFT file?");
	src.raw = mft;
	src.rawlen = len;
	src.record_size = size;
	src.nrecords = len / size;
	src.letter = letter;
	return walk_records(&src, fn, ctx, counts, err);
}

const char *
exh_deleted_content_name(int content)
{
	static const char *const names[] = { "none", "resident", "free",
	    "overwritten", "unknown" };

	if (content < 0 || (size_t)content >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[content];
}
