/* Opening a stream by MFT reference (record and sequence) and stored name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#include <ntfs-3g/unistr.h>

/* The stored name of the $DATA attribute that name designates. */
struct wanted {
	const char *name;	/* UTF-8, as exh_volume_walk reported it */
	ntfschar *exact;	/* name converted back, NULL if it cannot be */
	int exact_len;		/* -1 when it cannot be */
	ntfschar *found;	/* copy of the stored name; NULL if unnamed */
	u32 found_len;
	bool have;		/* found and found_len are set */
	bool found_exact;
};

/*
 * A name that holds an unpaired surrogate was reported as "%uXXXX" text,
 * and one that holds NUL ends early, so converting it back does not give
 * the stored name.  The attribute whose reported form equals name is the
 * one meant; a stored name equal to the exact conversion wins.
 */
static int
match(struct wanted *w, const ATTR_RECORD *a)
{
	const ntfschar *an = (const ntfschar *)((const u8 *)a +
	    le16_to_cpu(a->name_offset));
	struct exh_buf b = { 0 };
	bool exact, same;

	exact = a->name_length == w->exact_len && (a->name_length == 0 ||
	    memcmp(an, w->exact, a->name_length * sizeof(ntfschar)) == 0);
	if (!exact) {
		if (w->have)
			return EXH_OK;
		if (volume_name_utf8(an, a->name_length, &b) != EXH_OK) {
			exh_buf_free(&b);
			return EXH_ENOMEM;
		}
		same = strcmp(b.data != NULL ? b.data : "", w->name) == 0;
		exh_buf_free(&b);
		if (!same)
			return EXH_OK;
	}
	free(w->found);
	w->found = NULL;
	w->found_len = a->name_length;
	if (a->name_length != 0) {
		if ((w->found = calloc(a->name_length, sizeof(ntfschar))) ==
		    NULL)
			return EXH_ENOMEM;
		memcpy(w->found, an, a->name_length * sizeof(ntfschar));
	}
	w->have = true;
	w->found_exact = exact;
	return EXH_OK;
}

static int
find_stream(ntfs_inode *ni, struct wanted *w)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	int rc = EXH_OK;

	if (ctx == NULL)
		return EXH_ENOMEM;
	while (rc == EXH_OK && !w->found_exact && ntfs_attr_lookup(AT_DATA,
	    NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		if (ctx->attr->non_resident && ctx->attr->lowest_vcn != 0)
			continue;
		rc = match(w, ctx->attr);
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

int
exh_stream_open_ref(struct exh_volume *v, uint64_t mft, uint16_t seq,
    const char *name, struct exh_stream **out, struct exh_err *err)
{
	struct wanted w;
	ntfs_inode *ni;
	uint16_t now;
	int rc, e;

	if (v == NULL || v->magic != VOLUME_MAGIC || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if (name == NULL)
		name = "";
	if ((ni = ntfs_inode_open(v->vol, (MFT_REF)mft)) == NULL) {
		e = errno;
		return exh_err_set(err, e == ENOENT ? EXH_ENOTFOUND :
		    EXH_ECORRUPT, e, "MFT record %llu: cannot be read: %s",
		    (unsigned long long)mft, exh_strerror(e));
	}
	now = le16_to_cpu(ni->mrec->sequence_number);
	if (now != seq) {
		ntfs_inode_close(ni);
		return exh_err_set(err, EXH_ENOTFOUND, 0, "MFT record %llu: "
		    "sequence is %u, not %u: the record now holds another "
		    "file", (unsigned long long)mft, (unsigned)now,
		    (unsigned)seq);
	}
	memset(&w, 0, sizeof(w));
	w.name = name;
	w.exact_len = *name != '\0' ? ntfs_mbstoucs(name, &w.exact) : 0;
	if (w.exact_len < 0)
		w.exact = NULL;
	rc = find_stream(ni, &w);
	ntfs_inode_close(ni);
	free(w.exact);
	if (rc != EXH_OK) {
		free(w.found);
		return exh_err_set(err, rc, 0, "out of memory");
	}
	if (!w.have)
		return exh_err_set(err, EXH_ENOTFOUND, ENOENT, "MFT record "
		    "%llu: no $DATA stream by that name", (unsigned long long)mft);
	rc = volume_stream_open(v, mft, w.found, w.found_len, out, err);
	free(w.found);
	return rc;
}
