/* VMware disks (descriptor and extents, sparse or flat) through libvmdk. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libbfio.h>
#include <libvmdk.h>

#include "source_int.h"

/*
 * One VMDK of a chain.  pool is set when the data of a renamed single-
 * file VMDK is given to libvmdk as this very file (it would otherwise
 * look for the name the file was made with); libvmdk does not own it.
 */
struct vmdk_level {
	libvmdk_handle_t *h;
	libbfio_pool_t *pool;
};

static libvmdk_handle_t *
lh(void *level)
{
	return ((struct vmdk_level *)level)->h;
}

static ssize_t
vmdk_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libvmdk_error_t *e = NULL;
	ssize_t n;

	n = libvmdk_handle_read_buffer_at_offset(lh(h), buf, len,
	    (off64_t)off, &e);
	if (n < 0 && e != NULL)
		libvmdk_error_sprint(e, msg, msglen);
	libvmdk_error_free(&e);
	return n;
}

static int
vmdk_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	struct parent_chain *chain = h;

	return ct_read_all(vmdk_read, chain->h[0], buf, len, off, err);
}

static void
vmdk_close_handle(void *h)
{
	struct vmdk_level *lv = h;

	if (lv == NULL)
		return;
	(void)libvmdk_handle_close(lv->h, NULL);
	(void)libvmdk_handle_free(&lv->h, NULL);
	if (lv->pool != NULL)
		(void)libbfio_pool_free(&lv->pool, NULL);
	free(lv);
}

static void
vmdk_close(void *h)
{
	parent_chain_close(h);
}

static const struct ct_ops vmdk_ops = { vmdk_pread, vmdk_close, false };

static int
vmdk_fail(libvmdk_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libvmdk_error_sprint(*e, msg, sizeof(msg));
	libvmdk_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "VMDK: %s: %s", what,
	    msg[0] ? msg : "no reason given");
}

static const char *
disk_type_name(int type)
{
	switch (type) {
	case LIBVMDK_DISK_TYPE_2GB_EXTENT_FLAT:
		return "split flat";
	case LIBVMDK_DISK_TYPE_2GB_EXTENT_SPARSE:
		return "split sparse";
	case LIBVMDK_DISK_TYPE_MONOLITHIC_FLAT:
		return "flat";
	case LIBVMDK_DISK_TYPE_MONOLITHIC_SPARSE:
		return "monolithic sparse";
	case LIBVMDK_DISK_TYPE_STREAM_OPTIMIZED:
		return "stream-optimized";
	case LIBVMDK_DISK_TYPE_VMFS_SPARSE:
	case LIBVMDK_DISK_TYPE_VMFS_SPARSE_THIN:
		return "ESXi snapshot (vmfsSparse)";
	case LIBVMDK_DISK_TYPE_VMFS_FLAT:
	case LIBVMDK_DISK_TYPE_VMFS_FLAT_PRE_ALLOCATED:
	case LIBVMDK_DISK_TYPE_VMFS_FLAT_ZEROED:
		return "ESXi flat";
	default:
		return "other type";
	}
}

/* A single-file sparse VMDK names itself as its extent, under the name it
 * was made with: there is no other file to find. */
static bool
extents_in_self(libvmdk_handle_t *h)
{
	int type = 0;

	return libvmdk_handle_get_disk_type(h, &type, NULL) == 1 &&
	    (type == LIBVMDK_DISK_TYPE_MONOLITHIC_SPARSE ||
	    type == LIBVMDK_DISK_TYPE_STREAM_OPTIMIZED);
}

/*
 * The file name extent i of the descriptor stores (its last component
 * only), in name; "" for an extent without a file (zero).
 */
static int
extent_name(libvmdk_handle_t *h, int i, char *name, size_t size,
    struct exh_err *err)
{
	libvmdk_extent_descriptor_t *d = NULL;
	libvmdk_error_t *e = NULL;
	size_t need = 0;
	int type = 0, rc;

	name[0] = '\0';
	if (libvmdk_handle_get_extent_descriptor(h, i, &d, &e) != 1 ||
	    libvmdk_extent_descriptor_get_type(d, &type, &e) != 1 ||
	    (type != LIBVMDK_EXTENT_TYPE_ZERO &&
	    (libvmdk_extent_descriptor_get_utf8_filename_size(d, &need,
	    &e) != 1 || need == 0 || need > size ||
	    libvmdk_extent_descriptor_get_utf8_filename(d, (uint8_t *)name,
	    need, &e) != 1))) {
		(void)libvmdk_extent_descriptor_free(&d, NULL);
		name[0] = '\0';
		return vmdk_fail(&e, err, "an extent of the descriptor is not "
		    "readable");
	}
	(void)libvmdk_extent_descriptor_free(&d, NULL);
	if (type == LIBVMDK_EXTENT_TYPE_ZERO) {
		name[0] = '\0';
		return EXH_OK;
	}
	name[need - 1] = '\0';
	if ((rc = parent_name_check(name, strlen(name), err)) != EXH_OK)
		return exh_err_prefix(err, "VMDK extent %d", i + 1);
	if (strrchr(name, '/') != NULL)
		memmove(name, strrchr(name, '/') + 1,
		    strlen(strrchr(name, '/') + 1) + 1);
	return EXH_OK;
}

/*
 * The file of extent i beside the descriptor, malloc'd in *out, or NULL
 * for an extent without a file (zero).  Its name comes from the
 * descriptor: only its file name is used, and it must be there.
 */
static int
extent_path(libvmdk_handle_t *h, const char *path, int i, char **out,
    struct exh_err *err)
{
	char name[PARENT_NAME_MAX + 1];
	struct stat st;
	int rc;

	*out = NULL;
	if ((rc = extent_name(h, i, name, sizeof(name), err)) != EXH_OK ||
	    name[0] == '\0')
		return rc;
	if ((*out = source_beside(path, name)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (stat(*out, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = exh_err_set(err, EXH_ENOTFOUND, 0, "VMDK descriptor %s "
		    "needs its extent %s; not found beside it; copy every "
		    "extent file next to the descriptor", path, name);
		free(*out);
		*out = NULL;
		return rc;
	}
	return EXH_OK;
}

/*
 * libvmdk opens a single-file VMDK's data by the name the file was made
 * with, which its own descriptor holds; *renamed says that file is not
 * beside it, so the data must be given as this file.
 */
static int
check_own_name(libvmdk_handle_t *h, const char *path, bool *renamed,
    struct exh_err *err)
{
	char name[PARENT_NAME_MAX + 1], *file;
	struct stat st;
	int rc;

	*renamed = false;
	if ((rc = extent_name(h, 0, name, sizeof(name), err)) != EXH_OK ||
	    name[0] == '\0')
		return rc;
	if ((file = source_beside(path, name)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	*renamed = stat(file, &st) != 0 || !S_ISREG(st.st_mode);
	free(file);
	return EXH_OK;
}

/* The data of a renamed single-file VMDK: a pool of one handle on path,
 * opened read-only. */
static int
open_self_as_extent(struct vmdk_level *lv, const char *path,
    struct exh_err *err)
{
	libbfio_handle_t *fh = NULL;
	libvmdk_error_t *e = NULL;
	int entry = 0;

	/*
	 * No libbfio error records: libewf, libvhdi and libqcow export
	 * their own copies of libbfio, which serve these calls, and only
	 * the system's libbfio would free such a record.
	 */
	if (libbfio_pool_initialize(&lv->pool, 0, 0, NULL) != 1 ||
	    libbfio_file_initialize(&fh, NULL) != 1 ||
	    libbfio_file_set_name(fh, path, strlen(path) + 1, NULL) != 1 ||
	    libbfio_pool_append_handle(lv->pool, &entry, fh, LIBBFIO_OPEN_READ,
	    NULL) != 1) {
		if (fh != NULL)
			(void)libbfio_handle_free(&fh, NULL);
		return exh_err_set(err, EXH_ENOMEM, 0, "VMDK: cannot set up "
		    "its data file");
	}
	if (libvmdk_handle_open_extent_data_files_file_io_pool(lv->h, lv->pool,
	    &e) != 1)
		return vmdk_fail(&e, err, "cannot open its data (a renamed "
		    "single-file VMDK)");
	return EXH_OK;
}

static int
check_extents(libvmdk_handle_t *h, const char *path, struct exh_err *err)
{
	libvmdk_error_t *e = NULL;
	char *file;
	int i, n = 0, rc;

	if (extents_in_self(h))
		return EXH_OK;
	if (libvmdk_handle_get_number_of_extents(h, &n, &e) != 1)
		return vmdk_fail(&e, err, "cannot count its extents");
	for (i = 0; i < n; i++) {
		if ((rc = extent_path(h, path, i, &file, err)) != EXH_OK)
			return rc;
		free(file);
	}
	return EXH_OK;
}

static int
vmdk_open_handle(const char *path, void **out, struct exh_err *err)
{
	struct vmdk_level *lv;
	libvmdk_error_t *e = NULL;
	size64_t size = 0;
	bool renamed = false;
	int rc;

	if ((lv = calloc(1, sizeof(*lv))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (libvmdk_handle_initialize(&lv->h, &e) != 1) {
		free(lv);
		return vmdk_fail(&e, err, "cannot start libvmdk");
	}
	if (libvmdk_handle_open(lv->h, path, LIBVMDK_OPEN_READ, &e) != 1) {
		rc = vmdk_fail(&e, err, "descriptor damaged or not readable");
		(void)libvmdk_handle_free(&lv->h, NULL);
		free(lv);
		return rc;
	}
	if ((rc = check_extents(lv->h, path, err)) == EXH_OK &&
	    extents_in_self(lv->h))
		rc = check_own_name(lv->h, path, &renamed, err);
	if (rc == EXH_OK && renamed)
		rc = open_self_as_extent(lv, path, err);
	else if (rc == EXH_OK &&
	    libvmdk_handle_open_extent_data_files(lv->h, &e) != 1)
		rc = vmdk_fail(&e, err, "cannot open its extents");
	if (rc == EXH_OK &&
	    libvmdk_handle_get_media_size(lv->h, &size, &e) != 1)
		rc = vmdk_fail(&e, err, "cannot read its size");
	if (rc != EXH_OK) {
		vmdk_close_handle(lv);
		return rc;
	}
	*out = lv;
	return EXH_OK;
}

static int
vmdk_add_files(struct exh_source *src, void *h, const char *path, int depth,
    struct exh_err *err)
{
	libvmdk_error_t *e = NULL;
	char *file;
	int i, n = 0, rc;

	if ((rc = source_add_file(src, path, depth == 0 ? "image" : "parent",
	    depth, err)) != EXH_OK || extents_in_self(lh(h)))
		return rc;
	if (libvmdk_handle_get_number_of_extents(lh(h), &n, &e) != 1)
		return vmdk_fail(&e, err, "cannot count its extents");
	for (i = 0; i < n && rc == EXH_OK; i++) {
		if ((rc = extent_path(lh(h), path, i, &file, err)) != EXH_OK)
			break;
		if (file != NULL)
			rc = source_add_file(src, file, "extent", depth, err);
		free(file);
	}
	return rc;
}

static int
vmdk_parent_name(void *h, const char *path, char *name, size_t size,
    bool *has, struct exh_err *err)
{
	libvmdk_error_t *e = NULL;
	size_t need = 0;
	int rc;

	(void)path;
	*has = false;
	rc = libvmdk_handle_get_utf8_parent_filename_size(lh(h), &need, &e);
	if (rc == 0)
		return EXH_OK;
	if (rc != 1)
		return vmdk_fail(&e, err, "its parent name is not readable");
	if (need == 0 || need > size)
		return parent_name_check("", need > size ? need : 0, err);
	if (libvmdk_handle_get_utf8_parent_filename(lh(h), (uint8_t *)name,
	    need, &e) != 1)
		return vmdk_fail(&e, err, "its parent name is not readable");
	name[need - 1] = '\0';
	*has = true;
	return EXH_OK;
}

/* A child records its parent's content identifier (CID); a parent written
 * to since has another, and the chain would read a disk that never
 * existed. */
static int
vmdk_link(void *child, const char *child_path, void *parent,
    const char *parent_path, bool given, struct exh_err *err)
{
	libvmdk_error_t *e = NULL;
	uint32_t want = 0, have = 0;
	int rc;

	rc = libvmdk_handle_get_parent_content_identifier(lh(child), &want,
	    &e);
	if (rc == -1 ||
	    libvmdk_handle_get_content_identifier(lh(parent), &have, &e) != 1)
		return vmdk_fail(&e, err, "cannot read the chain's content "
		    "identifiers");
	if (rc == 1 && want != have)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VMDK child %s was "
		    "made over parent CID %08x, but %s%s has CID %08x (another "
		    "disk, or written to since); refused: give the parent it "
		    "was made over", child_path, (unsigned)want, parent_path,
		    given ? " (given with --parent)" : "", (unsigned)have);
	if (libvmdk_handle_set_parent_handle(lh(child), lh(parent), &e) != 1)
		return vmdk_fail(&e, err, "cannot attach its parent");
	return EXH_OK;
}

static const struct parent_ops vmdk_chain = {
	"VMDK child", vmdk_open_handle, vmdk_add_files, vmdk_parent_name,
	vmdk_link, vmdk_close_handle,
};

int
ct_open_vmdk(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	struct parent_chain *chain = NULL;
	libvmdk_error_t *e = NULL;
	size64_t size = 0;
	int rc, type = 0;

	if ((rc = parent_chain_open(src, &vmdk_chain, opt, &chain, err)) !=
	    EXH_OK)
		return rc;
	if (libvmdk_handle_get_media_size(lh(chain->h[0]), &size, &e) != 1) {
		rc = vmdk_fail(&e, err, "cannot read its size");
		parent_chain_close(chain);
		return rc;
	}
	(void)libvmdk_handle_get_disk_type(lh(chain->h[0]), &type, NULL);
	src->ct_ops = &vmdk_ops;
	src->ct = chain;
	src->size = size;
	if (chain->n > 1)
		(void)snprintf(src->format, sizeof(src->format), "VMDK, %s, "
		    "chain of %zu", disk_type_name(type), chain->n);
	else
		(void)snprintf(src->format, sizeof(src->format), "VMDK, %s",
		    disk_type_name(type));
	return EXH_OK;
}
