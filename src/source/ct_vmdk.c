/* VMware disks (descriptor and extents, sparse or flat) through libvmdk. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdk.h>

#include "source_int.h"

static ssize_t
vmdk_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libvmdk_error_t *e = NULL;
	ssize_t n;

	n = libvmdk_handle_read_buffer_at_offset(h, buf, len, (off64_t)off,
	    &e);
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
	libvmdk_handle_t *handle = h;

	(void)libvmdk_handle_close(handle, NULL);
	(void)libvmdk_handle_free(&handle, NULL);
}

static void
vmdk_close(void *h)
{
	parent_chain_close(h);
}

static const struct ct_ops vmdk_ops = { vmdk_pread, vmdk_close };

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

static int
check_own_name(libvmdk_handle_t *h, const char *path, struct exh_err *err)
{
	char name[PARENT_NAME_MAX + 1], *file;
	struct stat st;
	int rc;

	if ((rc = extent_name(h, 0, name, sizeof(name), err)) != EXH_OK ||
	    name[0] == '\0')
		return rc;
	if ((file = source_beside(path, name)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	rc = stat(file, &st) == 0 && S_ISREG(st.st_mode);
	free(file);
	if (rc)
		return EXH_OK;
	return exh_err_set(err, EXH_ENOTFOUND, 0, "VMDK: this single-file "
	    "VMDK was renamed after it was made, and libvmdk reads it only "
	    "under the name it stores, %s; make a link of that name to it in "
	    "a folder of your own (ln -s) and give the link", name);
}

static int
check_extents(libvmdk_handle_t *h, const char *path, struct exh_err *err)
{
	libvmdk_error_t *e = NULL;
	char *file;
	int i, n = 0, rc;

	if (extents_in_self(h))
		return check_own_name(h, path, err);
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
	libvmdk_handle_t *h = NULL;
	libvmdk_error_t *e = NULL;
	size64_t size = 0;
	int rc;

	if (libvmdk_handle_initialize(&h, &e) != 1)
		return vmdk_fail(&e, err, "cannot start libvmdk");
	if (libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, &e) != 1) {
		rc = vmdk_fail(&e, err, "descriptor damaged or not readable");
		(void)libvmdk_handle_free(&h, NULL);
		return rc;
	}
	if ((rc = check_extents(h, path, err)) != EXH_OK) {
		vmdk_close_handle(h);
		return rc;
	}
	if (libvmdk_handle_open_extent_data_files(h, &e) != 1 ||
	    libvmdk_handle_get_media_size(h, &size, &e) != 1) {
		rc = vmdk_fail(&e, err, "cannot open its extents");
		vmdk_close_handle(h);
		return rc;
	}
	*out = h;
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
	    depth, err)) != EXH_OK || extents_in_self(h))
		return rc;
	if (libvmdk_handle_get_number_of_extents(h, &n, &e) != 1)
		return vmdk_fail(&e, err, "cannot count its extents");
	for (i = 0; i < n && rc == EXH_OK; i++) {
		if ((rc = extent_path(h, path, i, &file, err)) != EXH_OK)
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
	rc = libvmdk_handle_get_utf8_parent_filename_size(h, &need, &e);
	if (rc == 0)
		return EXH_OK;
	if (rc != 1)
		return vmdk_fail(&e, err, "its parent name is not readable");
	if (need == 0 || need > size)
		return parent_name_check("", need > size ? need : 0, err);
	if (libvmdk_handle_get_utf8_parent_filename(h, (uint8_t *)name, need,
	    &e) != 1)
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

	rc = libvmdk_handle_get_parent_content_identifier(child, &want, &e);
	if (rc == -1 ||
	    libvmdk_handle_get_content_identifier(parent, &have, &e) != 1)
		return vmdk_fail(&e, err, "cannot read the chain's content "
		    "identifiers");
	if (rc == 1 && want != have)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VMDK child %s was "
		    "made over parent CID %08x, but %s%s has CID %08x (another "
		    "disk, or written to since); refused: give the parent it "
		    "was made over", child_path, (unsigned)want, parent_path,
		    given ? " (given with --parent)" : "", (unsigned)have);
	if (libvmdk_handle_set_parent_handle(child, parent, &e) != 1)
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
	if (libvmdk_handle_get_media_size(chain->h[0], &size, &e) != 1) {
		rc = vmdk_fail(&e, err, "cannot read its size");
		parent_chain_close(chain);
		return rc;
	}
	(void)libvmdk_handle_get_disk_type(chain->h[0], &type, NULL);
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
