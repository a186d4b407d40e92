/* The zip's own structure: central directory against local headers, nothing hidden. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/*
 * libarchive reads an archive either from its local headers (streaming) or
 * from its central directory (seekable); unzip and most other tools trust
 * the central directory.  A bundle whose two copies disagree, or that holds
 * bytes neither describes, shows different things to different readers, so
 * verify checks the structure itself: every central-directory entry agrees
 * with its local header (name, method, flags, time, CRC and sizes), the
 * entries tile the file from offset 0 to the central directory with no gap
 * or overlap, and the end record closes the file with no comment and no
 * trailing data.  exhume's writer produces exactly that shape.
 */

#define SIG_LOCAL 0x04034b50U
#define SIG_CENTRAL 0x02014b50U
#define SIG_EOCD 0x06054b50U
#define SIG_EOCD64 0x06064b50U
#define SIG_LOCATOR64 0x07064b50U
#define SIG_DESCRIPTOR 0x08074b50U
#define EOCD_LEN 22
#define LOCATOR64_LEN 20
#define EOCD64_LEN 56
#define CENTRAL_LEN 46
#define LOCAL_LEN 30
#define FLAG_DESCRIPTOR 0x0008
/* A central directory of more than this is not one of ours. */
#define CD_MAX (256ULL << 20)

struct zentry {
	uint64_t offset, csize, usize, end;
	uint32_t crc;
	uint16_t flags, method, mtime, mdate;
	const unsigned char *name;
	size_t name_len;
};

struct zcheck {
	int fd;
	uint64_t size;
	bundle_zip_problem_fn fn;
	void *ctx;
	size_t problems;
};

static void
problem(struct zcheck *z, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct zcheck *z, const char *name, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(detail, sizeof(detail), fmt, ap) >= (int)sizeof(detail))
		memcpy(detail + sizeof(detail) - 4, "...", 4);
	va_end(ap);
	z->problems++;
	if (z->fn != NULL)
		z->fn(z->ctx, name, detail);
}

/* Reads len bytes at off; false (and a problem) when the file is short. */
static bool
read_at(struct zcheck *z, uint64_t off, void *buf, size_t len,
    struct exh_err *err)
{
	ssize_t n;

	if (off > z->size || len > z->size - off)
		return false;
	n = pread(z->fd, buf, len, (off_t)off);
	if (n < 0) {
		exh_err_set(err, EXH_EIO, errno, "read at %" PRIu64 ": %s",
		    off, exh_strerror(errno));
		return false;
	}
	return (size_t)n == len;
}

/* Finds the zip64 values an entry's extra field overrides; true when it
 * has a zip64 field at all. */
static bool
zip64_extra(const unsigned char *x, size_t xlen, bool want_usize,
    bool want_csize, bool want_offset, struct zentry *e)
{
	size_t i = 0, id, len, k;

	while (i + 4 <= xlen) {
		id = exh_le16(x + i);
		len = exh_le16(x + i + 2);
		if (len > xlen - i - 4)
			return false;
		if (id == 0x0001) {
			k = i + 4;
			if (want_usize && k + 8 <= i + 4 + len) {
				e->usize = exh_le64(x + k);
				k += 8;
			}
			if (want_csize && k + 8 <= i + 4 + len) {
				e->csize = exh_le64(x + k);
				k += 8;
			}
			if (want_offset && k + 8 <= i + 4 + len)
				e->offset = exh_le64(x + k);
			return true;
		}
		i += 4 + len;
	}
	return false;
}

/* Parses one central-directory record at cd[*pos]. */
static bool
central_entry(struct zcheck *z, const unsigned char *cd, size_t cdlen,
    size_t *pos, struct zentry *e)
{
	const unsigned char *p = cd + *pos;
	size_t nlen, xlen, clen;

	if (cdlen - *pos < CENTRAL_LEN || exh_le32(p) != SIG_CENTRAL) {
		problem(z, "", "central directory: record %zu bytes in is "
		    "not a file header", *pos);
		return false;
	}
	nlen = exh_le16(p + 28);
	xlen = exh_le16(p + 30);
	clen = exh_le16(p + 32);
	if (cdlen - *pos - CENTRAL_LEN < nlen + xlen + clen) {
		problem(z, "", "central directory: a file header runs past "
		    "its end");
		return false;
	}
	memset(e, 0, sizeof(*e));
	e->flags = exh_le16(p + 8);
	e->method = exh_le16(p + 10);
	e->mtime = exh_le16(p + 12);
	e->mdate = exh_le16(p + 14);
	e->crc = exh_le32(p + 16);
	e->csize = exh_le32(p + 20);
	e->usize = exh_le32(p + 24);
	e->offset = exh_le32(p + 42);
	e->name = p + CENTRAL_LEN;
	e->name_len = nlen;
	(void)zip64_extra(p + CENTRAL_LEN + nlen, xlen, e->usize == 0xffffffffU,
	    e->csize == 0xffffffffU, e->offset == 0xffffffffU, e);
	if (clen != 0)
		problem(z, "", "central directory: an entry carries a comment");
	*pos += CENTRAL_LEN + nlen + xlen + clen;
	return true;
}

/* A printable copy of an entry name for messages. */
static void
entry_label(const struct zentry *e, char *buf, size_t len)
{
	size_t n = e->name_len < 200 ? e->name_len : 200;
	char raw[201];

	memcpy(raw, e->name, n);
	raw[n] = '\0';
	exh_esc_term_str(raw, buf, len);
}

/* Reads the data descriptor after an entry's data; sets e->end. */
static bool
descriptor(struct zcheck *z, struct zentry *e, uint64_t data, bool zip64,
    const char *label, struct exh_err *err)
{
	unsigned char d[24];
	uint64_t at, cs, us;
	size_t off = 0, len;
	uint32_t crc;

	if (data > z->size || e->csize > z->size - data) {
		problem(z, label, "data runs past the end of the archive");
		return false;
	}
	at = data + e->csize;
	len = zip64 ? 24 : 16;
	if (!read_at(z, at, d, len, err) && !read_at(z, at, d, len - 4, err)) {
		problem(z, label, "data descriptor missing");
		return false;
	}
	if (exh_le32(d) == SIG_DESCRIPTOR)
		off = 4;
	crc = exh_le32(d + off);
	cs = zip64 ? exh_le64(d + off + 4) : exh_le32(d + off + 4);
	us = zip64 ? exh_le64(d + off + 12) : exh_le32(d + off + 8);
	if (crc != e->crc || cs != e->csize || us != e->usize)
		problem(z, label, "data descriptor differs from the central "
		    "directory (CRC or sizes)");
	e->end = at + off + (zip64 ? 20 : 12);
	return true;
}

/* Compares the local header of e with its central-directory record. */
static bool
local_entry(struct zcheck *z, struct zentry *e, struct exh_err *err)
{
	unsigned char h[LOCAL_LEN], *x = NULL;
	struct zentry l = { 0 };
	char label[256];
	size_t nlen, xlen;
	bool ok = false, zip64;

	entry_label(e, label, sizeof(label));
	if (!read_at(z, e->offset, h, LOCAL_LEN, err) ||
	    exh_le32(h) != SIG_LOCAL) {
		problem(z, label, "no local header at offset %" PRIu64,
		    e->offset);
		return false;
	}
	nlen = exh_le16(h + 26);
	xlen = exh_le16(h + 28);
	if ((x = malloc(nlen + xlen + 1)) == NULL) {
		exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		return false;
	}
	if (!read_at(z, e->offset + LOCAL_LEN, x, nlen + xlen, err)) {
		problem(z, label, "local header runs past the end");
		goto out;
	}
	if (nlen != e->name_len || memcmp(x, e->name, nlen) != 0)
		problem(z, label, "name in the local header differs from the "
		    "central directory");
	if (exh_le16(h + 6) != e->flags || exh_le16(h + 8) != e->method ||
	    exh_le16(h + 10) != e->mtime || exh_le16(h + 12) != e->mdate)
		problem(z, label, "flags, method or time in the local header "
		    "differ from the central directory");
	l.crc = exh_le32(h + 14);
	l.csize = exh_le32(h + 18);
	l.usize = exh_le32(h + 22);
	/* A zip64 field in the local header means 8-byte descriptor sizes. */
	zip64 = zip64_extra(x + nlen, xlen, l.usize == 0xffffffffU,
	    l.csize == 0xffffffffU, false, &l);
	if (e->flags & FLAG_DESCRIPTOR)
		ok = descriptor(z, e, e->offset + LOCAL_LEN + nlen + xlen,
		    zip64, label, err);
	else {
		if (l.crc != e->crc || l.csize != e->csize ||
		    l.usize != e->usize)
			problem(z, label, "CRC or sizes in the local header "
			    "differ from the central directory");
		e->end = e->offset + LOCAL_LEN + nlen + xlen + e->csize;
		ok = e->end <= z->size;
		if (!ok)
			problem(z, label, "data runs past the end of the "
			    "archive");
	}
out:
	free(x);
	return ok;
}

static int
by_offset(const void *a, const void *b)
{
	const struct zentry *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Locates the central directory from the end records. */
static bool
find_directory(struct zcheck *z, uint64_t *cd_off, uint64_t *cd_len,
    uint64_t *count, struct exh_err *err)
{
	unsigned char e[EOCD_LEN], loc[LOCATOR64_LEN], r[EOCD64_LEN];
	uint64_t eocd, end_of_cd, r_off;

	if (z->size < EOCD_LEN ||
	    !read_at(z, z->size - EOCD_LEN, e, EOCD_LEN, err) ||
	    exh_le32(e) != SIG_EOCD || exh_le16(e + 20) != 0) {
		problem(z, "", "the archive does not end with its end record "
		    "(trailing data, a comment or a damaged end)");
		return false;
	}
	eocd = z->size - EOCD_LEN;
	*count = exh_le16(e + 10);
	*cd_len = exh_le32(e + 12);
	*cd_off = exh_le32(e + 16);
	end_of_cd = eocd;
	if (eocd >= LOCATOR64_LEN &&
	    read_at(z, eocd - LOCATOR64_LEN, loc, LOCATOR64_LEN, err) &&
	    exh_le32(loc) == SIG_LOCATOR64) {
		r_off = exh_le64(loc + 8);
		if (!read_at(z, r_off, r, EOCD64_LEN, err) ||
		    exh_le32(r) != SIG_EOCD64 ||
		    r_off + EOCD64_LEN != eocd - LOCATOR64_LEN) {
			problem(z, "", "zip64 end record missing or not "
			    "where its locator points");
			return false;
		}
		*count = exh_le64(r + 32);
		*cd_len = exh_le64(r + 40);
		*cd_off = exh_le64(r + 48);
		end_of_cd = r_off;
	}
	if (*cd_off > end_of_cd || *cd_len != end_of_cd - *cd_off ||
	    *cd_len > CD_MAX) {
		problem(z, "", "the central directory is not right before "
		    "the end record");
		return false;
	}
	return true;
}

/* Checks that the entries, sorted by offset, tile [0, cd_off). */
static void
check_tiling(struct zcheck *z, struct zentry *v, size_t n, uint64_t cd_off)
{
	uint64_t at = 0;
	char label[256];
	size_t i;

	qsort(v, n, sizeof(*v), by_offset);
	for (i = 0; i < n; i++) {
		entry_label(&v[i], label, sizeof(label));
		if (v[i].offset != at)
			problem(z, label, v[i].offset > at ?
			    "undescribed bytes before this entry" :
			    "overlaps the entry before it");
		if (i > 0 && v[i].name_len == v[i - 1].name_len &&
		    memcmp(v[i].name, v[i - 1].name, v[i].name_len) == 0)
			problem(z, label, "the same name twice");
		at = v[i].end;
	}
	if (at != cd_off)
		problem(z, "", "undescribed bytes before the central "
		    "directory");
}

static int
check_entries(struct zcheck *z, const unsigned char *cd, size_t cdlen,
    uint64_t count, uint64_t cd_off, struct exh_err *err)
{
	struct zentry *v;
	size_t n = 0, pos = 0;

	if (count > cdlen / CENTRAL_LEN) {
		problem(z, "", "the end record counts more entries than the "
		    "central directory can hold");
		return EXH_OK;
	}
	if ((v = calloc(count ? count : 1, sizeof(*v))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	while (pos < cdlen && n < count && central_entry(z, cd, cdlen, &pos,
	    &v[n])) {
		if (!local_entry(z, &v[n], err) && err->status != EXH_OK)
			break;
		n++;
	}
	if (err->status == EXH_OK) {
		if (n != count || pos != cdlen)
			problem(z, "", "the central directory holds %zu "
			    "entries in %zu bytes; the end record says %" PRIu64
			    " in %zu", n, pos, count, cdlen);
		check_tiling(z, v, n, cd_off);
	}
	free(v);
	return err->status == EXH_OK ? EXH_OK : err->status;
}

int
bundle_check_zip_structure(const char *path, bundle_zip_problem_fn fn, void *ctx,
    size_t *problems, struct exh_err *err)
{
	struct zcheck z = { -1, 0, fn, ctx, 0 };
	uint64_t cd_off, cd_len, count;
	unsigned char *cd = NULL;
	struct stat st;
	int rc = EXH_OK;

	if ((z.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(z.fd, &st) != 0) {
		rc = exh_err_set(err, EXH_EIO, errno, "%s: %s", path,
		    exh_strerror(errno));
		goto out;
	}
	z.size = (uint64_t)st.st_size;
	if (!find_directory(&z, &cd_off, &cd_len, &count, err))
		goto out;
	if ((cd = malloc(cd_len ? cd_len : 1)) == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (!read_at(&z, cd_off, cd, cd_len, err)) {
		problem(&z, "", "central directory cannot be read");
		goto out;
	}
	rc = check_entries(&z, cd, cd_len, count, cd_off, err);
out:
	if (err->status != EXH_OK && rc == EXH_OK)
		rc = err->status;
	free(cd);
	if (z.fd >= 0)
		close(z.fd);
	*problems = z.problems;
	return rc;
}
