/* Hyper-V and Virtual PC disks (VHD, VHDX) through libvhdi. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvhdi.h>

#include "source_int.h"

static ssize_t
vhdi_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libvhdi_error_t *e = NULL;
	ssize_t n;

	n = libvhdi_file_read_buffer_at_offset(h, buf, len, (off64_t)off, &e);
	if (n < 0 && e != NULL)
		libvhdi_error_sprint(e, msg, msglen);
	libvhdi_error_free(&e);
	return n;
}

static int
vhdi_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	struct parent_chain *chain = h;

	return ct_read_all(vhdi_read, chain->h[0], buf, len, off, err);
}

static void
vhdi_close_file(void *h)
{
	libvhdi_file_t *file = h;

	(void)libvhdi_file_close(file, NULL);
	(void)libvhdi_file_free(&file, NULL);
}

static void
vhdi_close(void *h)
{
	parent_chain_close(h);
}

static const struct ct_ops vhdi_ops = { vhdi_pread, vhdi_close, false };

static int
vhdi_fail(libvhdi_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libvhdi_error_sprint(*e, msg, sizeof(msg));
	libvhdi_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "%s: %s", what,
	    msg[0] ? msg : "no reason given");
}

static const char *
disk_type_name(uint32_t type)
{
	switch (type) {
	case LIBVHDI_DISK_TYPE_FIXED:
		return "fixed";
	case LIBVHDI_DISK_TYPE_DYNAMIC:
		return "dynamic";
	case LIBVHDI_DISK_TYPE_DIFFERENTIAL:
		return "differencing";
	default:
		return "unknown type";
	}
}

static int
vhdi_open_file(const char *path, void **h, struct exh_err *err)
{
	libvhdi_file_t *f = NULL;
	libvhdi_error_t *e = NULL;
	size64_t size = 0;
	uint32_t type = 0;
	int rc;

	if ((rc = vhdx_check_file(path, err)) != EXH_OK)
		return rc;
	if (libvhdi_file_initialize(&f, &e) != 1)
		return vhdi_fail(&e, err, "cannot start libvhdi");
	if (libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, &e) != 1) {
		rc = vhdi_fail(&e, err, "header damaged or not readable");
		(void)libvhdi_file_free(&f, NULL);
		return rc;
	}
	if (libvhdi_file_get_media_size(f, &size, &e) != 1 ||
	    libvhdi_file_get_disk_type(f, &type, &e) != 1) {
		rc = vhdi_fail(&e, err, "cannot read its geometry");
		vhdi_close_file(f);
		return rc;
	}
	*h = f;
	return EXH_OK;
}

static int
vhdi_add_files(struct exh_source *src, void *h, const char *path, int depth,
    struct exh_err *err)
{
	(void)h;
	return source_add_file(src, path, depth == 0 ? "image" : "parent",
	    depth, err);
}

/*
 * libvhdi gives the absolute Windows path of a VHDX parent only; a
 * locator holding just a relative path is read by vhdx_locator.c.
 */
static int
vhdi_parent_name(void *h, const char *path, char *name, size_t size,
    bool *has, struct exh_err *err)
{
	libvhdi_error_t *e = NULL;
	uint32_t type = 0;
	size_t need = 0;
	int rc;

	*has = false;
	if (libvhdi_file_get_disk_type(h, &type, &e) != 1)
		return vhdi_fail(&e, err, "cannot read its disk type");
	if (type != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
		return EXH_OK;
	rc = libvhdi_file_get_utf8_parent_filename_size(h, &need, &e);
	libvhdi_error_free(&e);
	if (rc != 1 || need == 0) {
		if ((rc = vhdx_relative_parent(path, name, size, has, err)) !=
		    EXH_OK)
			return rc;
		if (!*has)
			return exh_err_set(err, EXH_ECORRUPT, 0, "differencing "
			    "image that names no parent (no readable parent "
			    "locator)");
		return EXH_OK;
	}
	if (need > size)
		return parent_name_check("", need, err);
	if (libvhdi_file_get_utf8_parent_filename(h, (uint8_t *)name, need,
	    &e) != 1)
		return vhdi_fail(&e, err, "differencing image without a "
		    "readable parent name");
	name[need - 1] = '\0';
	*has = true;
	return EXH_OK;
}

static void
guid_text(const uint8_t g[16], char *out, size_t size)
{
	(void)snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", g[0], g[1], g[2], g[3],
	    g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13],
	    g[14], g[15]);
}

/*
 * The child records its parent's identifier when it is made; any other
 * file (a different disk, or the parent written to since) would give a
 * logical disk that never existed, so a mismatch is refused even for a
 * file given with --parent.
 */
static int
vhdi_link(void *child, const char *child_path, void *parent,
    const char *parent_path, bool given, struct exh_err *err)
{
	uint8_t want[16], have[16];
	char want_s[40], have_s[40];
	libvhdi_error_t *e = NULL;

	if (libvhdi_file_get_parent_identifier(child, want, sizeof(want),
	    &e) != 1 ||
	    libvhdi_file_get_identifier(parent, have, sizeof(have), &e) != 1)
		return vhdi_fail(&e, err, "cannot read the chain's "
		    "identifiers");
	if (memcmp(want, have, sizeof(want)) != 0) {
		guid_text(want, want_s, sizeof(want_s));
		guid_text(have, have_s, sizeof(have_s));
		return exh_err_set(err, EXH_ECORRUPT, 0, "differencing image "
		    "%s was made over parent %s, but %s%s is %s (another disk, "
		    "or written to since); refused: give the parent it was "
		    "made over", child_path, want_s, parent_path,
		    given ? " (given with --parent)" : "", have_s);
	}
	if (libvhdi_file_set_parent_file(child, parent, &e) != 1)
		return vhdi_fail(&e, err, "cannot attach its parent");
	return EXH_OK;
}

static const struct parent_ops vhd_chain = {
	"VHD differencing image", vhdi_open_file, vhdi_add_files,
	vhdi_parent_name, vhdi_link, vhdi_close_file,
};

static const struct parent_ops vhdx_chain = {
	"VHDX differencing image", vhdi_open_file, vhdi_add_files,
	vhdi_parent_name, vhdi_link, vhdi_close_file,
};

int
ct_open_vhdi(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	const char *kind = src->container == EXH_CT_VHDX ? "VHDX" : "VHD";
	struct parent_chain *chain = NULL;
	libvhdi_error_t *e = NULL;
	size64_t size = 0;
	uint32_t type = 0, bps = 512;
	int rc;

	rc = parent_chain_open(src, src->container == EXH_CT_VHDX ?
	    &vhdx_chain : &vhd_chain, opt, &chain, err);
	if (rc != EXH_OK)
		return strncmp(err->msg, kind, strlen(kind)) == 0 ? rc :
		    exh_err_prefix(err, "%s", kind);
	if (libvhdi_file_get_media_size(chain->h[0], &size, &e) != 1 ||
	    libvhdi_file_get_disk_type(chain->h[0], &type, &e) != 1) {
		rc = vhdi_fail(&e, err, "cannot read its geometry");
		parent_chain_close(chain);
		return exh_err_prefix(err, "%s", kind);
	}
	(void)libvhdi_file_get_bytes_per_sector(chain->h[0], &bps, NULL);
	src->ct_ops = &vhdi_ops;
	src->ct = chain;
	src->size = size;
	src->sector_size = bps == 512 || bps == 4096 ? bps : 512;
	if (chain->n > 1)
		(void)snprintf(src->format, sizeof(src->format), "%s, %s, "
		    "chain of %zu", kind, disk_type_name(type), chain->n);
	else
		(void)snprintf(src->format, sizeof(src->format), "%s, %s",
		    kind, disk_type_name(type));
	return EXH_OK;
}
