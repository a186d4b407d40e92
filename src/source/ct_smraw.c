/* Split raw images (.000/.001, .aa/.ab ...) through libsmraw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmraw.h>

#include "source_int.h"

static ssize_t
smraw_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libsmraw_error_t *e = NULL;
	ssize_t n;

	n = libsmraw_handle_read_buffer_at_offset(h, buf, len, (off64_t)off,
	    &e);
	if (n < 0 && e != NULL)
		libsmraw_error_sprint(e, msg, msglen);
	libsmraw_error_free(&e);
	return n;
}

static int
smraw_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	return ct_read_all(smraw_read, h, buf, len, off, err);
}

static void
smraw_close(void *h)
{
	libsmraw_handle_t *handle = h;

	(void)libsmraw_handle_close(handle, NULL);
	(void)libsmraw_handle_free(&handle, NULL);
}

static const struct ct_ops smraw_ops = { smraw_pread, smraw_close, false };

static int
smraw_fail(libsmraw_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libsmraw_error_sprint(*e, msg, sizeof(msg));
	libsmraw_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "split raw image: %s: %s",
	    what, msg[0] ? msg : "no reason given");
}

int
ct_open_smraw(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	libsmraw_handle_t *h = NULL;
	libsmraw_error_t *e = NULL;
	char **names = NULL;
	size64_t size = 0;
	int n = 0, i, rc;

	(void)opt;
	if (libsmraw_glob(src->path, strlen(src->path), &names, &n, &e) != 1)
		return smraw_fail(&e, err, "cannot list the segments");
	if (libsmraw_handle_initialize(&h, &e) != 1) {
		libsmraw_glob_free(names, n, NULL);
		return smraw_fail(&e, err, "cannot start libsmraw");
	}
	if (libsmraw_handle_open(h, names, n, LIBSMRAW_OPEN_READ, &e) != 1 ||
	    libsmraw_handle_get_media_size(h, &size, &e) != 1) {
		rc = smraw_fail(&e, err, "cannot open the segments");
		(void)libsmraw_handle_free(&h, NULL);
		libsmraw_glob_free(names, n, NULL);
		return rc;
	}
	for (i = 0, rc = EXH_OK; i < n && rc == EXH_OK; i++)
		rc = source_add_file(src, names[i], "segment", 0, err);
	libsmraw_glob_free(names, n, NULL);
	src->ct_ops = &smraw_ops;
	src->ct = h;
	src->size = size;
	(void)snprintf(src->format, sizeof(src->format),
	    "split raw image, %d segments", n);
	return rc;
}
