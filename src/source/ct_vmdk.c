/* VMware disks (descriptor and extents, sparse or flat) through libvmdk. */
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
	return ct_read_all(vmdk_read, h, buf, len, off, err);
}

static void
vmdk_close(void *h)
{
	libvmdk_handle_t *handle = h;

	(void)libvmdk_handle_close(handle, NULL);
	(void)libvmdk_handle_free(&handle, NULL);
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

int
ct_open_vmdk(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	libvmdk_handle_t *h = NULL;
	libvmdk_error_t *e = NULL;
	size64_t size = 0;
	int rc;

	(void)opt;
	if (libvmdk_handle_initialize(&h, &e) != 1)
		return vmdk_fail(&e, err, "cannot start libvmdk");
	if (libvmdk_handle_open(h, src->path, LIBVMDK_OPEN_READ, &e) != 1) {
		rc = vmdk_fail(&e, err, "descriptor damaged or not readable");
		(void)libvmdk_handle_free(&h, NULL);
		return rc;
	}
	if (libvmdk_handle_open_extent_data_files(h, &e) != 1 ||
	    libvmdk_handle_get_media_size(h, &size, &e) != 1) {
		rc = vmdk_fail(&e, err, "cannot open its extents");
		vmdk_close(h);
		return rc;
	}
	src->ct_ops = &vmdk_ops;
	src->ct = h;
	src->size = size;
	(void)snprintf(src->format, sizeof(src->format), "VMDK");
	return source_add_file(src, src->path, "image", 0, err);
}
