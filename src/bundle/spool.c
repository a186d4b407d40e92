/* Spools: manifest.jsonl and SHA256SUMS grow with the findings, so they go to an unlinked file, not memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bundle_int.h"

/* Lines gather in memory up to this much before they go to the file. */
#define SPOOL_FLUSH (64 * 1024)

void
bundle_spool_init(struct bundle_spool *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int
bundle_spool_open(struct bundle_spool *s, const char *dir, const char *what,
    struct exh_err *err)
{
	struct exh_buf tmp = { 0 };
	int e;

	s->what = what;
	/* Unnamed from the start where the file system allows it; else a
	 * named file removed at once, so a killed run leaves nothing. */
	if ((s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return EXH_OK;
	if (exh_buf_printf(&tmp, "%s/.exhume-spool-XXXXXX", dir) != EXH_OK) {
		exh_buf_free(&tmp);
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	}
	if ((s->fd = mkostemp(tmp.data, O_CLOEXEC)) < 0) {
		e = errno;
		exh_buf_free(&tmp);
		return exh_err_set(err, EXH_EFATAL, e, "bundle: cannot create "
		    "the spool file for %s in %s: %s", what, dir,
		    exh_strerror(e));
	}
	(void)unlink(tmp.data);
	exh_buf_free(&tmp);
	return EXH_OK;
}

void
bundle_spool_close(struct bundle_spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	exh_buf_free(&s->buf);
	bundle_spool_init(s);
}

/* Writes what is gathered when it is SPOOL_FLUSH or more (all: always). */
int
bundle_spool_flush(struct bundle_spool *s, bool all, struct exh_err *err)
{
	const char *p = s->buf.data;
	size_t n = s->buf.len;
	ssize_t w;
	int e;

	if (n == 0 || (!all && n < SPOOL_FLUSH))
		return EXH_OK;
	while (n > 0) {
		w = write(s->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : ENOSPC;
			return exh_err_set(err, EXH_EFATAL, e, "bundle: writing "
			    "%s to its spool file failed: %s", s->what,
			    exh_strerror(e));
		}
		p += w;
		n -= (size_t)w;
		s->len += (uint64_t)w;
	}
	exh_buf_reset(&s->buf);
	return EXH_OK;
}

int
bundle_spool_rewind(struct bundle_spool *s, struct exh_err *err)
{
	int rc, e;

	if ((rc = bundle_spool_flush(s, true, err)) != EXH_OK)
		return rc;
	if (lseek(s->fd, 0, SEEK_SET) != 0) {
		e = errno;
		return exh_err_set(err, EXH_EFATAL, e, "bundle: rewinding the "
		    "spool file of %s failed: %s", s->what, exh_strerror(e));
	}
	return EXH_OK;
}

int
bundle_spool_read(struct bundle_spool *s, void *buf, size_t len, size_t *got,
    struct exh_err *err)
{
	ssize_t r;
	int e;

	do
		r = read(s->fd, buf, len);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		e = errno;
		return exh_err_set(err, EXH_EFATAL, e, "bundle: reading the "
		    "spool file of %s failed: %s", s->what, exh_strerror(e));
	}
	*got = (size_t)r;
	return EXH_OK;
}
