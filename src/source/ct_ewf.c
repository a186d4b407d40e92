/* EnCase/FTK/ewfacquire images (E01 sets) through libewf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libewf.h>

#include "source_int.h"

static ssize_t
ewf_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libewf_error_t *e = NULL;
	ssize_t n;

	n = libewf_handle_read_random(h, buf, len, (off64_t)off, &e);
	if (n < 0 && e != NULL)
		libewf_error_sprint(e, msg, msglen);
	libewf_error_free(&e);
	return n;
}

static int
ewf_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	return ct_read_all(ewf_read, h, buf, len, off, err);
}

static void
ewf_close(void *h)
{
	libewf_handle_t *handle = h;

	(void)libewf_handle_close(handle, NULL);
	(void)libewf_handle_free(&handle, NULL);
}

static const struct ct_ops ewf_ops = { ewf_pread, ewf_close };

static int
ewf_fail(libewf_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	if (*e != NULL)
		libewf_error_sprint(*e, msg, sizeof(msg));
	libewf_error_free(e);
	ct_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "E01: %s: %s", what,
	    msg[0] ? msg : "no reason given");
}

int
ct_open_ewf(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char **names = NULL;
	size64_t size = 0;
	int n = 0, i, rc;

	(void)opt;
	if (libewf_glob(src->path, strlen(src->path), LIBEWF_FORMAT_UNKNOWN,
	    &names, &n, &e) != 1)
		return ewf_fail(&e, err, "cannot list the segments");
	if (libewf_handle_initialize(&h, &e) != 1) {
		libewf_glob_free(names, n, NULL);
		return ewf_fail(&e, err, "cannot start libewf");
	}
	if (libewf_handle_open(h, names, n, LIBEWF_OPEN_READ, &e) != 1 ||
	    libewf_handle_get_media_size(h, &size, &e) != 1) {
		rc = ewf_fail(&e, err, "cannot open the segments");
		(void)libewf_handle_free(&h, NULL);
		libewf_glob_free(names, n, NULL);
		return rc;
	}
	for (i = 0, rc = EXH_OK; i < n && rc == EXH_OK; i++)
		rc = source_add_file(src, names[i], "segment", 0, err);
	libewf_glob_free(names, n, NULL);
	src->ct_ops = &ewf_ops;
	src->ct = h;
	src->size = size;
	(void)snprintf(src->format, sizeof(src->format), "E01, %d segment%s",
	    n, n == 1 ? "" : "s");
	return rc;
}
