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
	return ct_read_all(vhdi_read, h, buf, len, off, err);
}

static void
vhdi_close(void *h)
{
	libvhdi_file_t *file = h;

	(void)libvhdi_file_close(file, NULL);
	(void)libvhdi_file_free(&file, NULL);
}

static const struct ct_ops vhdi_ops = { vhdi_pread, vhdi_close };

static int
vhdi_fail(libvhdi_error_t **e, struct exh_err *err, const char *kind,
    const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libvhdi_error_sprint(*e, msg, sizeof(msg));
	libvhdi_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "%s: %s: %s", kind, what,
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

int
ct_open_vhdi(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	const char *kind = src->container == EXH_CT_VHDX ? "VHDX" : "VHD";
	libvhdi_file_t *f = NULL;
	libvhdi_error_t *e = NULL;
	size64_t size = 0;
	uint32_t type = 0, bps = 512;
	int rc;

	(void)opt;
	if (libvhdi_file_initialize(&f, &e) != 1)
		return vhdi_fail(&e, err, kind, "cannot start libvhdi");
	if (libvhdi_file_open(f, src->path, LIBVHDI_OPEN_READ, &e) != 1) {
		rc = vhdi_fail(&e, err, kind, "header damaged or not readable");
		(void)libvhdi_file_free(&f, NULL);
		return rc;
	}
	if (libvhdi_file_get_media_size(f, &size, &e) != 1 ||
	    libvhdi_file_get_disk_type(f, &type, &e) != 1) {
		rc = vhdi_fail(&e, err, kind, "cannot read its geometry");
		vhdi_close(f);
		return rc;
	}
	(void)libvhdi_file_get_bytes_per_sector(f, &bps, NULL);
	if (type == LIBVHDI_DISK_TYPE_DIFFERENTIAL) {
		vhdi_close(f);
		return exh_err_set(err, EXH_ECORRUPT, 0, "%s differencing "
		    "image: parents are not read yet", kind);
	}
	src->ct_ops = &vhdi_ops;
	src->ct = f;
	src->size = size;
	src->sector_size = bps == 512 || bps == 4096 ? bps : 512;
	(void)snprintf(src->format, sizeof(src->format), "%s, %s", kind,
	    disk_type_name(type));
	return source_add_file(src, src->path, "image", 0, err);
}
