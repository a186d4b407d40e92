/* QEMU disks (qcow, qcow2) through libqcow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libqcow.h>

#include "source_int.h"

/* One file of the chain: the library's handle and where the file itself
 * holds data or zeros. */
struct qcow_level {
	libqcow_file_t *file;
	struct qcow_map map;
};

static ssize_t
qcow_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libqcow_error_t *e = NULL;
	ssize_t n;

	n = libqcow_file_read_buffer_at_offset(h, buf, len, (off64_t)off, &e);
	if (n < 0 && e != NULL)
		libqcow_error_sprint(e, msg, msglen);
	libqcow_error_free(&e);
	return n;
}

/* What the first file of the chain that maps off says about it. */
static int
chain_state(const struct parent_chain *chain, uint64_t off, uint64_t *next)
{
	const struct qcow_level *lv;
	uint64_t n;
	size_t i;
	int state;

	*next = UINT64_MAX;
	for (i = 0; i < chain->n; i++) {
		lv = chain->h[i];
		state = qcow_map_state(&lv->map, off, &n);
		if (n < *next)
			*next = n;
		if (state != QCOW_RUN_NONE)
			return state;
	}
	return QCOW_RUN_NONE;
}

/*
 * libqcow reads a zero cluster of an overlay from the backing file: the
 * guest wrote zeros (or discarded) there, so zeros are what it holds.
 */
static void
put_zeros_back(const struct parent_chain *chain, unsigned char *buf,
    size_t len, uint64_t off)
{
	uint64_t p = off, end = off + len, next;
	int state;

	while (p < end) {
		state = chain_state(chain, p, &next);
		if (next > end || next <= p)
			next = end;
		if (state == QCOW_RUN_ZERO)
			memset(buf + (p - off), 0, (size_t)(next - p));
		p = next;
	}
}

static bool
chain_has_zero(const struct parent_chain *chain)
{
	const struct qcow_level *lv;
	size_t i;

	for (i = 0; i < chain->n; i++) {
		lv = chain->h[i];
		if (qcow_map_has_zero(&lv->map))
			return true;
	}
	return false;
}

static int
qcow_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	struct parent_chain *chain = h;
	struct qcow_level *top = chain->h[0];
	int rc;

	rc = ct_read_all(qcow_read, top->file, buf, len, off, err);
	if (rc == EXH_OK && chain->n > 0 && chain_has_zero(chain))
		put_zeros_back(chain, buf, len, off);
	return rc;
}

static void
qcow_close_file(void *h)
{
	struct qcow_level *lv = h;

	if (lv == NULL)
		return;
	if (lv->file != NULL) {
		(void)libqcow_file_close(lv->file, NULL);
		(void)libqcow_file_free(&lv->file, NULL);
	}
	qcow_map_free(&lv->map);
	free(lv);
}

static void
qcow_close(void *h)
{
	parent_chain_close(h);
}

static const struct ct_ops qcow_ops = { qcow_pread, qcow_close, false };

static int
qcow_fail(libqcow_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libqcow_error_sprint(*e, msg, sizeof(msg));
	libqcow_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "qcow: %s: %s", what,
	    msg[0] ? msg : "no reason given");
}

/* The first bytes of a qcow file; a backing file may be raw or another
 * format, which libqcow cannot stack under a qcow child. */
static bool
is_qcow(const char *path)
{
	unsigned char magic[4];
	FILE *fp;
	bool yes;

	if ((fp = fopen(path, "rbe")) == NULL)
		return false;
	yes = fread(magic, 1, sizeof(magic), fp) == sizeof(magic) &&
	    memcmp(magic, "QFI\xfb", 4) == 0;
	(void)fclose(fp);
	return yes;
}

static int
qcow_open_library(const char *path, libqcow_file_t **out,
    struct exh_err *err)
{
	libqcow_file_t *f = NULL;
	libqcow_error_t *e = NULL;
	uint32_t method = LIBQCOW_ENCRYPTION_METHOD_NONE;
	int rc;

	if (!is_qcow(path))
		return exh_err_set(err, EXH_ECORRUPT, 0, "qcow: %s is not a "
		    "qcow image (a raw or other backing file); exhume reads "
		    "qcow2 chains only: convert the chain with `qemu-img "
		    "convert -O qcow2` and give that", path);
	if (libqcow_file_initialize(&f, &e) != 1)
		return qcow_fail(&e, err, "cannot start libqcow");
	if (libqcow_file_open(f, path, LIBQCOW_OPEN_READ, &e) != 1) {
		rc = qcow_fail(&e, err, "header damaged or not readable");
		(void)libqcow_file_free(&f, NULL);
		return rc;
	}
	if (libqcow_file_get_encryption_method(f, &method, &e) != 1) {
		rc = qcow_fail(&e, err, "cannot read its encryption method");
		(void)libqcow_file_close(f, NULL);
		(void)libqcow_file_free(&f, NULL);
		return rc;
	}
	if (method != LIBQCOW_ENCRYPTION_METHOD_NONE) {
		(void)libqcow_file_close(f, NULL);
		(void)libqcow_file_free(&f, NULL);
		return exh_err_set(err, EXH_ECORRUPT, 0, "qcow: %s is "
		    "encrypted (%s); exhume does not read encrypted images: "
		    "decrypt it with `qemu-img convert` and the key, and give "
		    "the result", path, method ==
		    LIBQCOW_ENCRYPTION_METHOD_LUKS ? "LUKS" : "AES-CBC");
	}
	*out = f;
	return EXH_OK;
}

static int
qcow_open_file(const char *path, void **out, struct exh_err *err)
{
	struct qcow_level *lv;
	int rc;

	if ((lv = calloc(1, sizeof(*lv))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((rc = qcow_open_library(path, &lv->file, err)) != EXH_OK ||
	    (rc = qcow_map_load(path, &lv->map, err)) != EXH_OK) {
		qcow_close_file(lv);
		return rc;
	}
	*out = lv;
	return EXH_OK;
}

static int
qcow_add_files(struct exh_source *src, void *h, const char *path, int depth,
    struct exh_err *err)
{
	(void)h;
	return source_add_file(src, path, depth == 0 ? "image" : "parent",
	    depth, err);
}

static int
qcow_parent_name(void *h, const char *path, char *name, size_t size,
    bool *has, struct exh_err *err)
{
	libqcow_error_t *e = NULL;
	size_t need = 0;
	int rc;

	libqcow_file_t *f = ((struct qcow_level *)h)->file;

	(void)path;
	*has = false;
	rc = libqcow_file_get_utf8_backing_filename_size(f, &need, &e);
	if (rc == 0)
		return EXH_OK;
	if (rc != 1)
		return qcow_fail(&e, err, "its backing file name is not "
		    "readable");
	if (need == 0 || need > size)
		return parent_name_check("", need > size ? need : 0, err);
	if (libqcow_file_get_utf8_backing_filename(f, (uint8_t *)name, need,
	    &e) != 1)
		return qcow_fail(&e, err, "its backing file name is not "
		    "readable");
	name[need - 1] = '\0';
	*has = true;
	return EXH_OK;
}

/* qcow2 records no identifier of its backing file: the sizes are all
 * there is to compare. */
static int
qcow_link(void *child, const char *child_path, void *parent,
    const char *parent_path, bool given, struct exh_err *err)
{
	libqcow_file_t *cf = ((struct qcow_level *)child)->file;
	libqcow_file_t *pf = ((struct qcow_level *)parent)->file;
	libqcow_error_t *e = NULL;
	size64_t want = 0, have = 0;

	(void)given;
	if (libqcow_file_get_media_size(cf, &want, &e) != 1 ||
	    libqcow_file_get_media_size(pf, &have, &e) != 1)
		return qcow_fail(&e, err, "cannot read the chain's sizes");
	if (have > want)
		return exh_err_set(err, EXH_ECORRUPT, 0, "qcow: overlay %s is "
		    "%llu bytes but its backing file %s is larger (%llu); "
		    "refused: give the backing file it was made over",
		    child_path, (unsigned long long)want, parent_path,
		    (unsigned long long)have);
	if (libqcow_file_set_parent_file(cf, pf, &e) != 1)
		return qcow_fail(&e, err, "cannot attach its backing file");
	return EXH_OK;
}

static const struct parent_ops qcow_chain = {
	"qcow overlay", qcow_open_file, qcow_add_files, qcow_parent_name,
	qcow_link, qcow_close_file,
};

int
ct_open_qcow(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	struct parent_chain *chain = NULL;
	struct qcow_level *top;
	libqcow_error_t *e = NULL;
	size64_t size = 0;
	uint32_t version = 0;
	int rc;

	if ((rc = parent_chain_open(src, &qcow_chain, opt, &chain, err)) !=
	    EXH_OK)
		return rc;
	top = chain->h[0];
	if (libqcow_file_get_media_size(top->file, &size, &e) != 1) {
		rc = qcow_fail(&e, err, "cannot read its size");
		parent_chain_close(chain);
		return rc;
	}
	(void)libqcow_file_get_format_version(top->file, &version, NULL);
	src->ct_ops = &qcow_ops;
	src->ct = chain;
	src->size = size;
	if (chain->n > 1)
		(void)snprintf(src->format, sizeof(src->format), "qcow%s, "
		    "chain of %zu", version >= 2 ? "2" : "", chain->n);
	else
		(void)snprintf(src->format, sizeof(src->format), "qcow%s",
		    version >= 2 ? "2" : "");
	return EXH_OK;
}
