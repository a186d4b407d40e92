/* What survives of a deleted file: its unnamed $DATA, decoded and read. */

/*
 * A deleted record keeps its $DATA attribute until the record is reused:
 * small files in the record itself, larger ones as a runlist (the
 * "mapping pairs") of clusters that deletion freed in $Bitmap but did not
 * clear.  libntfs-3g opens only records in use, so the attribute is
 * decoded here, and every field of it is hostile: each run must lie in
 * the volume, no sum may overflow, and the sizes must fit what the runs
 * map.  Clusters are read through the volume's own read-only device; a
 * file whose clusters a live file owns now is refused, not read, because
 * those bytes are the live file's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#define BITMAP_CHECK_MAX ((uint64_t)1 << 20)	/* clusters checked per file */
#define BITMAP_BLOCK	4096u			/* $Bitmap bytes read at once */

/* An unsigned little-endian integer of n (1..8) bytes. */
static uint64_t
le_unsigned(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* A signed little-endian integer of n (1..8) bytes. */
static int64_t
le_signed(const unsigned char *p, unsigned n)
{
	uint64_t v = le_unsigned(p, n);

	if (n < 8 && (p[n - 1] & 0x80))
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}

/* One mapping pair at p (end: one past the pairs) into run r, from vcn
 * and the previous run's lcn.  Returns the pair's length, 0 when it is
 * damaged (err says why). */
static size_t
decode_pair(const unsigned char *p, const unsigned char *end, uint64_t vcn,
    int64_t *lcn, uint64_t nr_clusters, struct exh_run *r,
    struct exh_err *err)
{
	unsigned nlen = p[0] & 0x0f, noff = p[0] >> 4;
	int64_t delta, next;

	if (nlen == 0 || nlen > 8 || noff > 8 ||
	    (size_t)(end - p) < 1u + nlen + noff) {
		exh_err_set(err, EXH_ECORRUPT, 0, "runlist: pair header 0x%02x "
		    "does not fit the attribute", p[0]);
		return 0;
	}
	r->vcn = vcn;
	r->length = le_unsigned(p + 1, nlen);
	r->sparse = noff == 0;
	if (r->length == 0 || r->length > (uint64_t)INT64_MAX - vcn) {
		exh_err_set(err, EXH_ECORRUPT, 0, "runlist: run of %llu "
		    "clusters at VCN %llu", (unsigned long long)r->length,
		    (unsigned long long)vcn);
		return 0;
	}
	if (r->sparse)
		return 1u + nlen;
	delta = le_signed(p + 1 + nlen, noff);
	if (__builtin_add_overflow(*lcn, delta, &next) || next < 0 ||
	    (uint64_t)next >= nr_clusters ||
	    r->length > nr_clusters - (uint64_t)next) {
		exh_err_set(err, EXH_ECORRUPT, 0, "runlist: run of %llu "
		    "clusters at VCN %llu lies outside the volume's %llu "
		    "clusters", (unsigned long long)r->length,
		    (unsigned long long)vcn, (unsigned long long)nr_clusters);
		return 0;
	}
	*lcn = next;
	r->lcn = (uint64_t)next;
	return 1u + nlen + noff;
}

/* The runs of pairs [p, end): at most one per two bytes, so the array is
 * bounded by the attribute's length. */
static int
decode_runs(const unsigned char *p, const unsigned char *end,
    uint64_t nr_clusters, struct exh_deleted_layout *l, struct exh_err *err)
{
	size_t cap = (size_t)(end - p) / 2 + 1, used;
	uint64_t vcn = 0;
	int64_t lcn = 0;

	if ((l->runs = calloc(cap, sizeof(*l->runs))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	while (p < end && *p != 0 && l->nruns < cap) {
		used = decode_pair(p, end, vcn, &lcn, nr_clusters,
		    &l->runs[l->nruns], err);
		if (used == 0)
			return EXH_ECORRUPT;
		vcn += l->runs[l->nruns++].length;
		p += used;
	}
	if (p >= end)
		return exh_err_set(err, EXH_ECORRUPT, 0, "runlist: no end "
		    "marker inside the attribute");
	return EXH_OK;
}

static uint64_t
mapped_clusters(const struct exh_deleted_layout *l)
{
	return l->nruns == 0 ? 0 : l->runs[l->nruns - 1].vcn +
	    l->runs[l->nruns - 1].length;
}

static int
decode_nonresident(const unsigned char *a, size_t alen, uint64_t nr_clusters,
    struct exh_deleted_layout *l, struct exh_err *err)
{
	uint16_t pairs;
	uint64_t mapped_bytes;
	int rc;

	if (alen < 0x40)
		return exh_err_set(err, EXH_ECORRUPT, 0, "$DATA: non-resident "
		    "header cut at %zu bytes", alen);
	pairs = exh_le16(a + 0x20);
	if (exh_le64(a + 0x10) != 0 || pairs < 0x40 || pairs >= alen)
		return exh_err_set(err, EXH_ECORRUPT, 0, "$DATA: not the first "
		    "extent, or its runlist lies outside the attribute");
	l->data_size = exh_le64(a + 0x30);
	l->init_size = exh_le64(a + 0x38);
	if ((rc = decode_runs(a + pairs, a + alen, nr_clusters, l, err)) !=
	    EXH_OK)
		return rc;
	/* Compressed data is checked for its clusters, not decoded. */
	if (__builtin_mul_overflow(mapped_clusters(l), (uint64_t)
	    l->cluster_size, &mapped_bytes) || (l->data_size > mapped_bytes &&
	    !(l->flags & EXH_DATA_COMPRESSED)))
		return exh_err_set(err, EXH_ECORRUPT, 0, "$DATA: claims %llu "
		    "bytes but its runs map %llu clusters: forged sizes, or "
		    "the rest is in another record", (unsigned long long)
		    l->data_size, (unsigned long long)mapped_clusters(l));
	if (l->init_size > l->data_size)
		l->init_size = l->data_size;
	return EXH_OK;
}

int
exh_deleted_layout_decode(const unsigned char *a, size_t alen,
    uint64_t nr_clusters, uint32_t cluster_size,
    struct exh_deleted_layout *out, struct exh_err *err)
{
	struct exh_deleted_layout l;
	uint32_t len, off;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	if (alen < 24 || cluster_size == 0 ||
	    (cluster_size & (cluster_size - 1)) != 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "$DATA: attribute "
		    "header cut, or no cluster size");
	l.cluster_size = cluster_size;
	l.flags = exh_le16(a + 12);
	if (a[8] == 0) {
		len = exh_le32(a + 16);
		off = exh_le16(a + 20);
		if (off > alen || len > alen - off)
			return exh_err_set(err, EXH_ECORRUPT, 0, "$DATA: "
			    "resident value outside the attribute");
		l.resident = true;
		l.value = a + off;
		l.data_size = l.init_size = len;
		*out = l;
		return EXH_OK;
	}
	if ((rc = decode_nonresident(a, alen, nr_clusters, &l, err)) !=
	    EXH_OK) {
		exh_deleted_layout_free(&l);
		return rc;
	}
	*out = l;
	return EXH_OK;
}

void
exh_deleted_layout_free(struct exh_deleted_layout *l)
{
	if (l == NULL)
		return;
	free(l->runs);
	memset(l, 0, sizeof(*l));
}

/* The run holding cluster vcn, by bisection; NULL past the runs. */
static const struct exh_run *
run_at(const struct exh_deleted_layout *l, uint64_t vcn)
{
	size_t lo = 0, hi = l->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vcn < l->runs[mid].vcn)
			hi = mid;
		else if (vcn - l->runs[mid].vcn >= l->runs[mid].length)
			lo = mid + 1;
		else
			return &l->runs[mid];
	}
	return NULL;
}

uint64_t
exh_deleted_layout_address(const struct exh_deleted_layout *l, uint64_t off,
    uint64_t *contiguous)
{
	const struct exh_run *r;
	uint64_t cs = l->cluster_size, vcn, run_end, left;

	*contiguous = off < l->data_size ? l->data_size - off : 1;
	if (l->resident || off >= l->data_size)
		return UINT64_MAX;
	if (off >= l->init_size)
		return UINT64_MAX;
	*contiguous = l->init_size - off;
	vcn = off / cs;
	if ((r = run_at(l, vcn)) == NULL)
		return UINT64_MAX;	/* decode checked the sizes: unreached */
	/* The run ends inside the volume: no overflow in bytes. */
	run_end = (r->vcn + r->length) * cs;
	left = run_end - off;
	if (left < *contiguous)
		*contiguous = left;
	if (r->sparse)
		return UINT64_MAX;
	return (r->lcn + (vcn - r->vcn)) * cs + off % cs;
}

/* Is any cluster of run r set in $Bitmap?  Read a block at a time. */
static int
run_state(struct exh_volume *v, const struct exh_run *r, uint64_t *checked)
{
	unsigned char bits[BITMAP_BLOCK];
	uint64_t c = r->lcn, end = r->lcn + r->length, first = 0;
	s64 want, got = 0;

	for (; c < end; c++) {
		if (++*checked > BITMAP_CHECK_MAX)
			return EXH_DELETED_UNKNOWN;
		if (got == 0 || c / 8 < first || c / 8 >= first + (uint64_t)got) {
			first = c / 8;
			want = BITMAP_BLOCK;
			got = ntfs_attr_pread(v->vol->lcnbmp_na, (s64)first,
			    want, bits);
			if (got <= 0)
				return EXH_DELETED_UNKNOWN;
		}
		if (bits[c / 8 - first] & (1u << (c & 7)))
			return EXH_DELETED_OVERWRITTEN;
	}
	return EXH_DELETED_FREE;
}

int
deleted_clusters_state(struct exh_volume *v,
    const struct exh_deleted_layout *l)
{
	uint64_t checked = 0;
	size_t i;
	int state;

	if (l->resident)
		return EXH_DELETED_RESIDENT;
	for (i = 0; i < l->nruns; i++) {
		if (l->runs[i].sparse)
			continue;
		if (l->runs[i].lcn + l->runs[i].length >
		    (uint64_t)v->vol->nr_clusters)
			return EXH_DELETED_UNKNOWN;
		if ((state = run_state(v, &l->runs[i], &checked)) !=
		    EXH_DELETED_FREE)
			return state;
	}
	return EXH_DELETED_FREE;
}

static int
refuse(const char **why, const char *reason, int status,
    struct exh_err *err, uint64_t mft, const char *text)
{
	*why = reason;
	return exh_err_set(err, status, status == EXH_EIO &&
	    strcmp(reason, "encrypted") == 0 ? EACCES : 0,
	    "deleted MFT record %llu: %s", (unsigned long long)mft, text);
}

/* The record (mft, seq) read and checked: still free, same sequence. */
static int
load_record(struct exh_stream *st, uint16_t seq, struct raw_record *r,
    const char **why, struct exh_err *err)
{
	if ((st->record = malloc(st->v->vol->mft_record_size)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (!deleted_read_record(st->v, st->mft, st->record, r) || !r->valid)
		return refuse(why, "unreadable", EXH_EIO, err, st->mft,
		    "cannot be read from $MFT");
	if (r->in_use || r->seq != seq)
		return refuse(why, "reused", EXH_ENOTFOUND, err, st->mft,
		    "in use again or renumbered since it was listed");
	if (r->data == NULL)
		return refuse(why, "no-data", EXH_ENOTFOUND, err, st->mft,
		    r->attr_list ? "$DATA is described in another record "
		    "(attribute list): not followed" : "no unnamed $DATA");
	return EXH_OK;
}

static int
check_layout(struct exh_stream *st, int *content, const char **why,
    struct exh_err *err)
{
	const struct exh_deleted_layout *l = &st->layout;

	if (l->flags & EXH_DATA_ENCRYPTED)
		return refuse(why, "encrypted", EXH_EIO, err, st->mft,
		    "EFS-encrypted; content cannot be read");
	*content = l->resident ? EXH_DELETED_RESIDENT :
	    deleted_clusters_state(st->v, l);
	if (*content == EXH_DELETED_OVERWRITTEN)
		return refuse(why, "overwritten", EXH_ENOTFOUND, err, st->mft,
		    "content overwritten: a cluster belongs to a live file "
		    "now; not scanned as this file's");
	if (*content == EXH_DELETED_UNKNOWN)
		return refuse(why, "unknown", EXH_ENOTFOUND, err, st->mft,
		    "$Bitmap cannot tell whether its clusters are free");
	if (l->flags & EXH_DATA_COMPRESSED)
		return refuse(why, "compressed", EXH_ENOTFOUND, err, st->mft,
		    "NTFS-compressed; not decompressed from free clusters");
	return EXH_OK;
}

int
exh_stream_open_deleted(struct exh_volume *v, uint64_t mft, uint16_t seq,
    int *content, const char **why, struct exh_stream **out,
    struct exh_err *err)
{
	struct exh_stream *st;
	struct raw_record r;
	const unsigned char *a;
	int rc;

	*content = EXH_DELETED_UNKNOWN;
	*why = "corrupt";
	if (v == NULL || v->magic != VOLUME_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	st->v = v;
	st->mft = mft;
	if ((rc = load_record(st, seq, &r, why, err)) != EXH_OK)
		goto fail;
	a = (const unsigned char *)r.data;
	/* parse_record kept the attribute inside the record. */
	if ((rc = exh_deleted_layout_decode(a, exh_le32(a + 4),
	    (uint64_t)v->vol->nr_clusters, v->vol->cluster_size, &st->layout,
	    err)) != EXH_OK) {
		exh_err_prefix(err, "deleted MFT record %llu",
		    (unsigned long long)mft);
		goto fail;
	}
	if ((rc = check_layout(st, content, why, err)) != EXH_OK)
		goto fail;
	st->size = st->layout.data_size;
	*why = NULL;
	*out = st;
	return EXH_OK;
fail:
	exh_stream_close(st);
	return rc;
}

/* exh_stream_pread for a deleted record's data. */
int
volume_deleted_pread(struct exh_stream *st, void *buf, size_t len,
    uint64_t off, size_t *got, struct exh_err *err)
{
	const struct exh_deleted_layout *l = &st->layout;
	unsigned char *p = buf;
	uint64_t at, span;
	size_t n;

	if (l->resident) {
		memcpy(p, l->value + off, len);
		*got = len;
		return EXH_OK;
	}
	while (*got < len) {
		at = exh_deleted_layout_address(l, off + *got, &span);
		n = span < len - *got ? (size_t)span : len - *got;
		if (at == UINT64_MAX)
			memset(p + *got, 0, n);
		else if (ntfs_pread(st->v->dev, (s64)at, (s64)n, p + *got) !=
		    (s64)n)
			return exh_err_set(err, EXH_EIO, errno, "deleted MFT "
			    "record %llu: read error at offset %llu",
			    (unsigned long long)st->mft,
			    (unsigned long long)(off + *got));
		*got += n;
	}
	return EXH_OK;
}
