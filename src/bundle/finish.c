/* Finishing the bundle: sums, signature, read-back, side hash, atomic rename. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/* Renames without replacing: a bundle never overwrites another file. */
static int
rename_new(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	/* File systems without RENAME_NOREPLACE: check, then rename. */
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

static int
sync_dir(const char *dir, struct exh_err *err)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EFATAL, errno,
		    "bundle: cannot open %s to sync it: %s", dir,
		    exh_strerror(errno));
	/* Some file systems (vfat over FUSE) refuse fsync on directories. */
	if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
		int e = errno;

		close(fd);
		return exh_err_set(err, EXH_EFATAL, e,
		    "bundle: cannot sync %s: %s", dir, exh_strerror(e));
	}
	close(fd);
	return EXH_OK;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes "HEX  name\n" to path through a partial file and a rename. */
static int
write_side_hash(const char *path, const unsigned char sha[32],
    const char *name, struct exh_err *err)
{
	struct exh_buf tmp = { 0 }, line = { 0 };
	char hex[65];
	int fd = -1, rc = EXH_OK, e;

	exh_hex(sha, 32, hex);
	if (exh_buf_printf(&tmp, "%s.partial-XXXXXX", path) != EXH_OK ||
	    exh_buf_printf(&line, "%s  %s\n", hex, name) != EXH_OK) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
		goto out;
	}
	if ((fd = mkostemp(tmp.data, O_CLOEXEC)) < 0 ||
	    write_all(fd, line.data, line.len) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || (fd = -1, rename_new(tmp.data, path) != 0)) {
		e = errno;
		rc = exh_err_set(err, EXH_EFATAL, e,
		    "bundle: writing %s failed: %s", path, exh_strerror(e));
		if (fd >= 0)
			close(fd);
		unlink(tmp.data);
	}
out:
	exh_buf_free(&tmp);
	exh_buf_free(&line);
	return rc;
}

/* SHA256SUMS into a spool: one line per entry written so far. */
static int
spool_sums(struct exh_bundle *b, struct bundle_spool *sums,
    struct exh_err *err)
{
	char hex[65];
	size_t i;
	int rc;

	if ((rc = bundle_spool_open(sums, b->dir, BUNDLE_SUMS, err)) != EXH_OK)
		return rc;
	/* Two spaces: sha256sum's text-mode format, read by sha256sum -c. */
	for (i = 0; i < b->names.n; i++) {
		exh_hex(b->names.v[i].zip, 32, hex);
		if (exh_buf_printf(&sums->buf, "%s  %s\n", hex,
		    b->names.v[i].name) != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "bundle: out of memory");
		if ((rc = bundle_spool_flush(sums, false, err)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

/* manifest.jsonl, SHA256SUMS and SHA256SUMS.p7s, in that order; the
 * first two are streamed from their spool files. */
static int
write_tail(struct exh_bundle *b, struct exh_err *err)
{
	struct bundle_spool sums;
	struct exh_buf sig = { 0 };
	int rc, e;

	bundle_spool_init(&sums);
	if ((rc = bundle_put_spool(b, BUNDLE_MANIFEST, &b->manifest, err)) !=
	    EXH_OK)
		return rc;
	bundle_spool_close(&b->manifest);
	if ((rc = spool_sums(b, &sums, err)) != EXH_OK) {
		bundle_fail(b);
		goto out;
	}
	if ((rc = bundle_put_spool(b, BUNDLE_SUMS, &sums, err)) != EXH_OK ||
	    b->sign_key == NULL)
		goto out;
	if (lseek(sums.fd, 0, SEEK_SET) != 0) {
		e = errno;
		bundle_fail(b);
		rc = exh_err_set(err, EXH_EFATAL, e, "bundle: rewinding the "
		    "spool file of %s failed: %s", BUNDLE_SUMS,
		    exh_strerror(e));
		goto out;
	}
	rc = bundle_sign(b->sign_cert, b->sign_key, sums.fd, &sig, err);
	if (rc == EXH_OK)
		rc = bundle_put_whole(b, BUNDLE_SIG, sig.data, sig.len, NULL,
		    err);
	else
		bundle_fail(b);
out:
	bundle_spool_close(&sums);
	exh_buf_free(&sig);
	return rc;
}

struct readback {
	struct exh_bundle *b;
	size_t seen, problems;
	char first[EXH_ERR_MSG_MAX];
};

static void
problem(struct readback *r, const char *name, const char *what)
{
	char esc[200];

	/* Display text for the error message: a cut one is fine. */
	if (r->problems++ == 0)
		(void)snprintf(r->first, sizeof(r->first), "%s: %s",
		    exh_esc_term_str(name, esc, sizeof(esc)), what);
}

static int
readback_entry(void *ctx, const char *name, const unsigned char sha[32],
    const char *detail)
{
	struct readback *r = ctx;
	struct bundle_names_ent *e = bundle_names_find(&r->b->names, name);

	if (e == NULL)
		problem(r, name, "in the archive but never written");
	else if (e->in_sums)		/* the writer uses in_sums as "seen" */
		problem(r, name, "appears twice");
	else {
		e->in_sums = true;
		r->seen++;
		if (detail != NULL)
			problem(r, name, detail);
		else if (memcmp(e->zip, sha, 32) != 0)
			problem(r, name, "differs from what was read from the "
			    "source");
	}
	return EXH_OK;
}

static int
read_back(struct exh_bundle *b, struct exh_err *err)
{
	struct bundle_walk w = { 0 };
	struct readback r = { 0 };
	struct exh_err inner = { 0 };
	size_t i;

	r.b = b;
	w.ctx = &r;
	w.entry = readback_entry;
	if (bundle_read_zip(b->partial, b->password, &w, &inner) != EXH_OK)
		return exh_err_set(err, EXH_EFATAL, inner.sys_errno,
		    "bundle %s: read-back failed: %s", b->path, inner.msg);
	for (i = 0; i < b->names.n && r.seen != b->names.n; i++)
		if (!b->names.v[i].in_sums)
			problem(&r, b->names.v[i].name, "missing");
	if (r.problems > 0)
		return exh_err_set(err, EXH_EFATAL, 0,
		    "bundle %s: read-back found %zu bad entries, first %s",
		    b->path, r.problems, r.first);
	return EXH_OK;
}

static char *
suffixed(const char *path, const char *suffix)
{
	struct exh_buf p = { 0 };

	if (exh_buf_printf(&p, "%s%s", path, suffix) != EXH_OK) {
		exh_buf_free(&p);
		return NULL;
	}
	return exh_buf_take(&p);
}

/* Base name of path for the side-hash line, so it checks from its dir. */
static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Clear zip: side hash first, then the zip under its final name. */
static int
publish_zip(struct exh_bundle *b, const unsigned char sha[32],
    struct exh_err *err)
{
	char *side = suffixed(b->path, ".sha256");
	int rc, e;

	if (side == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	if ((rc = write_side_hash(side, sha, base_of(b->path), err)) !=
	    EXH_OK) {
		free(side);
		return rc;
	}
	if (rename_new(b->partial, b->path) != 0) {
		e = errno;
		unlink(side);
		free(side);
		return exh_err_set(err, EXH_EFATAL, e,
		    "bundle %s: cannot rename the finished file: %s", b->path,
		    exh_strerror(e));
	}
	free(side);
	free(b->partial);
	b->partial = NULL;
	return sync_dir(b->dir, err);
}

/* Encrypting: PATH.p7m from the clear zip, which is then removed. */
static int
publish_envelope(struct exh_bundle *b, const unsigned char zsha[32],
    unsigned char psha[32], struct exh_err *err)
{
	char *p7m = suffixed(b->path, ".p7m");
	char *tmp = suffixed(b->path, ".p7m.partial-XXXXXX");
	char *zside = suffixed(b->path, ".sha256");
	char *pside = suffixed(b->path, ".p7m.sha256");
	int in = -1, out = -1, rc = EXH_OK, e;
	bool zside_done = false, pside_done = false;

	if (p7m == NULL || tmp == NULL || zside == NULL || pside == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
		goto out;
	}
	if ((in = open(b->partial, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (out = mkostemp(tmp, O_CLOEXEC)) < 0) {
		e = errno;
		rc = exh_err_set(err, EXH_EFATAL, e,
		    "bundle %s: cannot start the envelope: %s", p7m,
		    exh_strerror(e));
		goto out;
	}
	if ((rc = bundle_envelope(b->recipients, in, out, err)) != EXH_OK)
		goto out;
	if (fsync(out) != 0 || close(out) != 0) {
		e = errno;
		out = -1;
		rc = exh_err_set(err, EXH_EFATAL, e,
		    "bundle %s: writing the envelope failed: %s", p7m,
		    exh_strerror(e));
		goto out;
	}
	out = -1;
	if ((rc = bundle_hash_file(tmp, psha, err)) != EXH_OK)
		goto out;
	if ((rc = write_side_hash(zside, zsha, base_of(b->path), err)) !=
	    EXH_OK)
		goto out;
	zside_done = true;
	if ((rc = write_side_hash(pside, psha, base_of(p7m), err)) != EXH_OK)
		goto out;
	pside_done = true;
	if (rename_new(tmp, p7m) != 0) {
		e = errno;
		rc = exh_err_set(err, EXH_EFATAL, e,
		    "bundle %s: cannot rename the finished file: %s", p7m,
		    exh_strerror(e));
		goto out;
	}
	rc = sync_dir(b->dir, err);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc != EXH_OK) {
		if (rc != EXH_EFATAL && rc != EXH_EUSAGE)
			rc = EXH_EFATAL;
		if (tmp != NULL)
			unlink(tmp);
		if (zside_done)
			unlink(zside);
		if (pside_done)
			unlink(pside);
	}
	free(p7m);
	free(tmp);
	free(zside);
	free(pside);
	return rc;	/* the clear zip goes with bundle_destroy */
}

static int
close_zip(struct exh_bundle *b, struct exh_err *err)
{
	int e;

	if (archive_write_close(b->zip) != ARCHIVE_OK)
		return bundle_write_failed(b, "the central directory", err);
	archive_write_free(b->zip);
	b->zip = NULL;
	if (fsync(b->fd) != 0 || close(b->fd) != 0) {
		e = errno;
		b->fd = -1;
		bundle_fail(b);
		return exh_err_set(err, EXH_EFATAL, e,
		    "bundle %s: flushing to disk failed: %s; the partial file "
		    "was removed", b->path, exh_strerror(e));
	}
	b->fd = -1;
	return EXH_OK;
}

static int
finish(struct exh_bundle *b, struct exh_bundle_result *res,
    struct exh_err *err)
{
	unsigned char zsha[32], psha[32];
	struct exh_err inner = { 0 };
	int rc;

	if ((rc = write_tail(b, err)) != EXH_OK ||
	    (rc = close_zip(b, err)) != EXH_OK ||
	    (rc = read_back(b, err)) != EXH_OK)
		return rc;
	if (bundle_hash_file(b->partial, zsha, &inner) != EXH_OK)
		return exh_err_set(err, EXH_EFATAL, inner.sys_errno,
		    "bundle: %s", inner.msg);
	if (b->recipients != NULL)
		rc = publish_envelope(b, zsha, psha, err);
	else
		rc = publish_zip(b, zsha, err);
	if (rc != EXH_OK)
		return rc;
	exh_hex(zsha, 32, res->zip_sha256);
	if (b->recipients != NULL)
		exh_hex(psha, 32, res->p7m_sha256);
	res->collected = b->collected;
	res->incomplete = b->incomplete;
	res->left_out = b->left_out;
	res->documents = b->documents;
	res->collected_bytes = b->collected_bytes;
	return EXH_OK;
}

int
exh_bundle_finish_result(struct exh_bundle *b, struct exh_bundle_result *res,
    struct exh_err *err)
{
	struct exh_bundle_result dummy;
	int rc;

	if (b == NULL || b->magic != BUNDLE_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: not a bundle handle");
	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (b->state != BUNDLE_OPEN)
		rc = exh_err_set(err, EXH_EFATAL, 0,
		    "bundle %s: writing failed earlier; nothing was kept",
		    b->path);
	else
		rc = finish(b, res, err);
	bundle_destroy(b);
	return rc;
}

int
exh_bundle_finish(struct exh_bundle *b, char sha256_hex[65],
    struct exh_err *err)
{
	struct exh_bundle_result res;
	int rc;

	rc = exh_bundle_finish_result(b, &res, err);
	if (rc == EXH_OK && sha256_hex != NULL)
		memcpy(sha256_hex, res.zip_sha256, 65);
	return rc;
}
