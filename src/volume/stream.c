/* Reading one $DATA stream in chunks through libntfs-3g. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#include <ntfs-3g/unistr.h>

static int
utf8_to_ntfs(const char *name, ntfschar **out, int *len)
{
	*out = NULL;
	*len = 0;
	if (name == NULL || *name == '\0')
		return EXH_OK;
	*len = ntfs_mbstoucs(name, out);
	return *len < 0 ? EXH_EUSAGE : EXH_OK;
}

/*
 * The sizes of a non-resident $DATA come from the record, which an
 * attacker can forge: a data size far beyond the allocated clusters makes
 * libntfs-3g return zeros past the initialized size for as long as it is
 * asked (2^48 bytes is hours of hashing).  Sparse and compressed streams
 * legitimately allocate less than their size; all others cannot, and no
 * stream allocates more than the volume holds.
 */
static bool
size_plausible(ntfs_attr *na, const ntfs_volume *vol)
{
	s64 volume_bytes;

	/* The geometry comes from a boot sector that may be forged too. */
	if (__builtin_mul_overflow(vol->nr_clusters, (s64)vol->cluster_size,
	    &volume_bytes))
		volume_bytes = INT64_MAX;
	if (!NAttrNonResident(na))
		return true;
	if (na->data_size < 0 || na->allocated_size < 0 ||
	    na->initialized_size < 0 ||
	    na->initialized_size > na->data_size)
		return false;
	/* A sparse stream's allocated size counts its holes (the cleared
	 * head of $UsnJrnl:$J can exceed the volume); the clusters it
	 * really holds are its compressed size. */
	/* NAttrSparse and NAttrCompressed test the inode's flags, and only
	 * for the unnamed stream: the attribute's own flags say it for
	 * named ones too. */
	if (NAttrSparse(na) || NAttrCompressed(na) ||
	    (na->data_flags & (ATTR_IS_SPARSE | ATTR_COMPRESSION_MASK)) != 0)
		return na->compressed_size >= 0 &&
		    na->compressed_size <= volume_bytes;
	if (na->allocated_size > volume_bytes)
		return false;
	return na->data_size <= na->allocated_size;
}

int
exh_stream_open(struct exh_volume *v, uint64_t mft, const char *name,
    struct exh_stream **out, struct exh_err *err)
{
	ntfschar *uname;
	int ulen, rc;

	if (v == NULL || v->magic != VOLUME_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if (utf8_to_ntfs(name, &uname, &ulen) != EXH_OK)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "stream name cannot be converted");
	rc = volume_stream_open(v, mft, uname, (u32)ulen, out, err);
	free(uname);
	return rc;
}

int
volume_stream_open(struct exh_volume *v, uint64_t mft, const ntfschar *uname,
    u32 ulen, struct exh_stream **out, struct exh_err *err)
{
	struct exh_stream *st;
	int e;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((st->ni = ntfs_inode_open(v->vol, (MFT_REF)mft)) == NULL) {
		e = errno;
		free(st);
		return exh_err_set(err, EXH_ECORRUPT, e,
		    "MFT record %llu: cannot be read: %s",
		    (unsigned long long)mft, exh_strerror(e));
	}
	st->na = ntfs_attr_open(st->ni, AT_DATA, ulen != 0 ?
	    (ntfschar *)uname : AT_UNNAMED, ulen);
	e = errno;
	if (st->na == NULL) {
		exh_stream_close(st);
		return exh_err_set(err, e == ENOENT ? EXH_ENOTFOUND : EXH_ECORRUPT,
		    e, "MFT record %llu: $DATA stream cannot be opened: %s",
		    (unsigned long long)mft, exh_strerror(e));
	}
	if (NAttrEncrypted(st->na)) {
		exh_stream_close(st);
		return exh_err_set(err, EXH_EIO, EACCES,
		    "MFT record %llu: EFS-encrypted; content cannot be read",
		    (unsigned long long)mft);
	}
	if (!size_plausible(st->na, v->vol)) {
		exh_err_set(err, EXH_ECORRUPT, 0, "MFT record %llu: $DATA "
		    "claims %lld bytes on %lld allocated (initialized %lld): "
		    "damaged or forged sizes; not read",
		    (unsigned long long)mft, (long long)st->na->data_size,
		    (long long)st->na->allocated_size,
		    (long long)st->na->initialized_size);
		exh_stream_close(st);
		return EXH_ECORRUPT;
	}
	st->size = (uint64_t)st->na->data_size;
	*out = st;
	return EXH_OK;
}

uint64_t
exh_stream_size(const struct exh_stream *st)
{
	return st->size;
}

int
exh_stream_pread(struct exh_stream *st, void *buf, size_t len, uint64_t off,
    size_t *got, struct exh_err *err)
{
	s64 n;

	*got = 0;
	if (off >= st->size || len == 0)
		return EXH_OK;
	if (len > st->size - off)
		len = (size_t)(st->size - off);
	if (st->ni == NULL)
		return volume_deleted_pread(st, buf, len, off, got, err);
	n = ntfs_attr_pread(st->na, (s64)off, (s64)len, buf);
	if (n < 0)
		return exh_err_set(err, errno == EIO ? EXH_EIO : EXH_ECORRUPT,
		    errno, "MFT record %llu: read error at offset %llu: %s",
		    (unsigned long long)st->ni->mft_no, (unsigned long long)off,
		    exh_strerror(errno));
	if (n == 0)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "MFT record %llu: stream ends at %llu before its size %llu",
		    (unsigned long long)st->ni->mft_no, (unsigned long long)off,
		    (unsigned long long)st->size);
	*got = (size_t)n;
	return EXH_OK;
}

void
exh_stream_close(struct exh_stream *st)
{
	if (st == NULL)
		return;
	if (st->na != NULL)
		ntfs_attr_close(st->na);
	if (st->ni != NULL)
		ntfs_inode_close(st->ni);
	exh_deleted_layout_free(&st->layout);
	free(st->record);
	free(st);
}
