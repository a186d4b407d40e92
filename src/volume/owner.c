/* The owner SID of a record, from its security descriptor ($Secure or the old per-file attribute). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#include <ntfs-3g/index.h>

/* Self-relative SECURITY_DESCRIPTOR: revision, sbz1, control, then the
 * offsets of owner, group, SACL and DACL (little-endian u32 each). */
#define SD_HEADER	20
#define SID_HEADER	8
#define SID_MAX_SUB	15
/* Windows caps a descriptor at 64 KiB; anything larger is damage. */
#define SD_MAX		(64u * 1024)

int
exh_volume_sd_owner(const void *sd, size_t len, char *out, size_t outlen,
    struct exh_err *err)
{
	const uint8_t *b = sd, *sid;
	uint64_t auth = 0;
	uint32_t off;
	size_t used;
	int i, n, nsub;

	if (sd == NULL || out == NULL || outlen < EXH_SID_MAX)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "security descriptor: no buffer");
	out[0] = '\0';
	if (len < SD_HEADER)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "%zu bytes, shorter than its %d-byte header", len,
		    SD_HEADER);
	if (b[0] != 1)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "revision %u, not 1", (unsigned)b[0]);
	if ((off = exh_le32(b + 4)) == 0)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "security descriptor: no owner");
	/* Subtraction, not addition: off comes from disk and may be huge. */
	if (off < SD_HEADER || off > len || len - off < SID_HEADER)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "owner offset %" PRIu32 " outside its %zu bytes", off, len);
	sid = b + off;
	nsub = sid[1];
	if (sid[0] != 1)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "owner SID revision %u, not 1", (unsigned)sid[0]);
	if (nsub > SID_MAX_SUB)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "owner SID has %d sub-authorities, more than %d", nsub,
		    SID_MAX_SUB);
	if ((len - off - SID_HEADER) / 4 < (size_t)nsub)
		return exh_err_set(err, EXH_ECORRUPT, 0, "security descriptor: "
		    "owner SID runs past the end");
	for (i = 2; i < 8; i++)
		auth = auth << 8 | sid[i];
	/* As ConvertSidToStringSid: authorities above 32 bits in hex. */
	if (auth >> 32)
		n = snprintf(out, outlen, "S-1-0x%012" PRIX64, auth);
	else
		n = snprintf(out, outlen, "S-1-%" PRIu64, auth);
	for (i = 0; n > 0 && (size_t)n < outlen && i < nsub; i++) {
		used = (size_t)n;
		n = snprintf(out + used, outlen - used, "-%" PRIu32,
		    exh_le32(sid + SID_HEADER + 4 * i));
		n = n < 0 ? n : n + (int)used;
	}
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return exh_err_set(err, EXH_EFATAL, 0,
		    "security descriptor: SID text does not fit");
	}
	return EXH_OK;
}

/* ---- reading descriptors through libntfs-3g ---------------------------- */

static ntfschar sds_name[] = { const_cpu_to_le16('$'), const_cpu_to_le16('S'),
    const_cpu_to_le16('D'), const_cpu_to_le16('S') };
static ntfschar sii_name[] = { const_cpu_to_le16('$'), const_cpu_to_le16('S'),
    const_cpu_to_le16('I'), const_cpu_to_le16('I') };

/* NTFS index blocks are a power of two from a sector to 64 KiB. */
#define INDEX_BLOCK_MIN	512u
#define INDEX_BLOCK_MAX	(64u * 1024)

void
volume_secure_check(struct exh_volume *v)
{
	ntfs_volume *vol = v->vol;
	INDEX_ROOT ir;
	ntfs_attr *na;
	uint32_t bs;
	s64 got;

	v->secure_bad = false;
	v->info.secure_note[0] = '\0';
	if (vol->secure_ni == NULL || vol->secure_xsii == NULL)
		return;
	/*
	 * libntfs-3g's index lookup allocates one index block of the size
	 * the $SII root states, unchecked by some versions: a forged size
	 * would make every owner lookup allocate (and read) gigabytes.
	 */
	if ((na = ntfs_attr_open(vol->secure_ni, AT_INDEX_ROOT, sii_name,
	    4)) == NULL) {
		bs = 0;
		(void)snprintf(v->info.secure_note,
		    sizeof(v->info.secure_note), "$Secure has no readable $SII "
		    "index root; owners of files that use $Secure are unknown");
		v->secure_bad = true;
		return;
	}
	got = na->data_size >= (s64)sizeof(ir) ?
	    ntfs_attr_pread(na, 0, sizeof(ir), &ir) : -1;
	ntfs_attr_close(na);
	bs = got == (s64)sizeof(ir) ? le32_to_cpu(ir.index_block_size) : 0;
	if (got != (s64)sizeof(ir) || bs < INDEX_BLOCK_MIN ||
	    bs > INDEX_BLOCK_MAX || (bs & (bs - 1)) != 0 ||
	    bs != vol->indx_record_size) {
		/* Display text: numbers and literals, never cut. */
		(void)snprintf(v->info.secure_note,
		    sizeof(v->info.secure_note), "$Secure:$SII states %" PRIu32
		    "-byte index blocks (the volume uses %" PRIu32 "; NTFS "
		    "allows powers of two from 512 to 65536): the index is "
		    "not read, owners of files that use $Secure are unknown",
		    bs, (uint32_t)vol->indx_record_size);
		v->secure_bad = true;
	}
}

/* Reads len bytes at off of an open attribute into a new buffer. */
static uint8_t *
read_span(ntfs_attr *na, s64 off, size_t len)
{
	uint8_t *buf;
	s64 got;

	if (len == 0 || len > SD_MAX || off < 0 || off > na->data_size ||
	    na->data_size - off < (s64)len || (buf = malloc(len)) == NULL)
		return NULL;
	if ((got = ntfs_attr_pread(na, off, (s64)len, buf)) != (s64)len) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * The descriptor numbered id in $Secure: $SII maps the id to a header
 * naming the descriptor's place in $SDS.  libntfs-3g has no public call
 * for this (ntfs_get_ntfs_acl invents an Administrators-owned descriptor
 * when the real one cannot be read, which would put a false owner on the
 * record), so the lookup is done here, read-only, with bounds checks.
 */
static uint8_t *
secure_sd(struct exh_volume *v, le32 id, size_t *len)
{
	ntfs_volume *vol = v->vol;
	ntfs_index_context *xsii = vol->secure_xsii;
	SECURITY_DESCRIPTOR_HEADER h;
	SII_INDEX_KEY key;
	INDEX_ENTRY *ie;
	unsigned doff, dlen;
	uint32_t hlen;

	if (vol->secure_ni == NULL || xsii == NULL || v->secure_bad)
		return NULL;
	if (v->sds == NULL && !v->sds_failed &&
	    (v->sds = ntfs_attr_open(vol->secure_ni, AT_DATA, sds_name, 4)) ==
	    NULL)
		v->sds_failed = true;
	if (v->sds == NULL)
		return NULL;
	key.security_id = id;
	ntfs_index_ctx_reinit(xsii);
	if (ntfs_index_lookup(&key, sizeof(key), xsii) != 0 ||
	    (ie = xsii->entry) == NULL)
		return NULL;
	doff = le16_to_cpu(ie->data_offset);
	dlen = le16_to_cpu(ie->data_length);
	if (dlen < sizeof(h) || doff > le16_to_cpu(ie->length) ||
	    le16_to_cpu(ie->length) - doff < dlen)
		return NULL;
	memcpy(&h, (const uint8_t *)ie + doff, sizeof(h));
	hlen = le32_to_cpu(h.length);
	if (h.security_id != id || hlen <= sizeof(h) ||
	    le64_to_cpu(h.offset) > (u64)INT64_MAX - sizeof(h))
		return NULL;
	*len = hlen - sizeof(h);
	return read_span(v->sds, (s64)le64_to_cpu(h.offset) + (s64)sizeof(h),
	    *len);
}

/* The NTFS 1.x way, still found on files made by other tools. */
static uint8_t *
attribute_sd(ntfs_inode *ni, size_t *len)
{
	ntfs_attr *na;
	uint8_t *buf;

	if ((na = ntfs_attr_open(ni, AT_SECURITY_DESCRIPTOR, AT_UNNAMED, 0)) ==
	    NULL)
		return NULL;
	*len = na->data_size > 0 && na->data_size <= SD_MAX ?
	    (size_t)na->data_size : 0;
	buf = read_span(na, 0, *len);
	ntfs_attr_close(na);
	return buf;
}

static size_t
slot_of(const struct sid_cache *c, uint32_t id)
{
	size_t i = (id * 0x9e3779b1u) & (c->cap - 1);

	while (c->ids[i] != 0 && c->ids[i] != id)
		i = (i + 1) & (c->cap - 1);
	return i;
}

/* Remembers the text for id; a failure only costs the next lookup. */
static void
cache_put(struct sid_cache *c, uint32_t id, const char *sid)
{
	uint32_t *oids = c->ids, *nids;
	char **osids = c->sids, **nsids;
	size_t i, j, ocap = c->cap, ncap;
	char *copy;

	if ((c->n + 1) * 2 > c->cap) {
		ncap = c->cap ? c->cap * 2 : 256;
		nids = calloc(ncap, sizeof(*nids));
		nsids = calloc(ncap, sizeof(*nsids));
		if (nids == NULL || nsids == NULL) {
			free(nids);
			free(nsids);
			return;
		}
		c->ids = nids;
		c->sids = nsids;
		c->cap = ncap;
		for (i = 0; i < ocap; i++)
			if (oids[i] != 0) {
				j = slot_of(c, oids[i]);
				nids[j] = oids[i];
				nsids[j] = osids[i];
			}
		free(oids);
		free(osids);
	}
	if ((copy = strdup(sid)) == NULL)
		return;
	i = slot_of(c, id);
	c->ids[i] = id;
	c->sids[i] = copy;
	c->n++;
}

void
volume_owner_cache_free(struct sid_cache *c)
{
	size_t i;

	for (i = 0; i < c->cap; i++)
		free(c->sids[i]);
	free(c->ids);
	free(c->sids);
	memset(c, 0, sizeof(*c));
}

const char *
volume_owner(struct exh_volume *v, ntfs_inode *ni, char buf[EXH_SID_MAX])
{
	struct exh_err e;
	uint32_t id = 0;
	uint8_t *sd;
	size_t i, len = 0;

	buf[0] = '\0';
	errno = 0;
	if (test_nino_flag(ni, v3_Extensions))
		id = le32_to_cpu(ni->security_id);
	if (id != 0 && v->owners.cap != 0) {
		i = slot_of(&v->owners, id);
		if (v->owners.ids[i] == id)
			return v->owners.sids[i];
	}
	sd = id != 0 ? secure_sd(v, ni->security_id, &len) :
	    attribute_sd(ni, &len);
	/* Out of memory is not an unreadable descriptor: not remembered. */
	if (sd == NULL && errno == ENOMEM)
		return NULL;
	if (sd != NULL && exh_volume_sd_owner(sd, len, buf, EXH_SID_MAX,
	    &e) != EXH_OK)
		buf[0] = '\0';
	free(sd);
	/* Unreadable descriptors are remembered too: they stay unreadable. */
	if (id != 0)
		cache_put(&v->owners, id, buf);
	return buf;
}
