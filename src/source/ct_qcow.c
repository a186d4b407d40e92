/* QEMU disks (qcow, qcow2) through libqcow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libqcow.h>

#include "source_int.h"

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

static int
qcow_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	return ct_read_all(qcow_read, h, buf, len, off, err);
}

static void
qcow_close(void *h)
{
	libqcow_file_t *file = h;

	(void)libqcow_file_close(file, NULL);
	(void)libqcow_file_free(&file, NULL);
}

static const struct ct_ops qcow_ops = { qcow_pread, qcow_close };

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

int
ct_open_qcow(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	libqcow_file_t *f = NULL;
	libqcow_error_t *e = NULL;
	size64_t size = 0;
	uint32_t version = 0;
	int rc;

	(void)opt;
	if (libqcow_file_initialize(&f, &e) != 1)
		return qcow_fail(&e, err, "cannot start libqcow");
	if (libqcow_file_open(f, src->path, LIBQCOW_OPEN_READ, &e) != 1) {
		rc = qcow_fail(&e, err, "header damaged or not readable");
		(void)libqcow_file_free(&f, NULL);
		return rc;
	}
	if (libqcow_file_get_media_size(f, &size, &e) != 1) {
		rc = qcow_fail(&e, err, "cannot read its size");
		qcow_close(f);
		return rc;
	}
	(void)libqcow_file_get_format_version(f, &version, NULL);
	src->ct_ops = &qcow_ops;
	src->ct = f;
	src->size = size;
	(void)snprintf(src->format, sizeof(src->format), "qcow%s",
	    version >= 2 ? "2" : "");
	return source_add_file(src, src->path, "image", 0, err);
}
