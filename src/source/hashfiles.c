/* SHA-256 of the files a source is read from, for the record. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define HASH_CHUNK (1024 * 1024)

struct hash_walk {
	exh_source_progress_fn fn;
	void *ctx;
	const volatile bool *stop;
	uint64_t done;
	uint64_t total;
};

/*
 * Reads one file whole through a descriptor of its own: the container
 * library keeps its own descriptors and lock, so this may run while
 * another thread reads the logical disk.
 */
static int
hash_one(const char *path, struct exh_hasher *h, unsigned char *buf,
    struct hash_walk *w, char sha256[65], struct exh_err *err)
{
	ssize_t n;
	int fd, rc = EXH_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "%s: cannot open: %s",
		    path, exh_strerror(errno));
	for (;;) {
		if (w->stop != NULL && *w->stop) {
			rc = exh_err_set(err, EXH_STOP, 0,
			    "%s: hashing stopped", path);
			break;
		}
		n = read(fd, buf, HASH_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = exh_err_set(err, EXH_EIO, errno,
			    "%s: read failed: %s", path, exh_strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = exh_hasher_update(h, buf, (size_t)n)) != EXH_OK) {
			rc = exh_err_set(err, rc, 0, "%s: hashing failed",
			    path);
			break;
		}
		w->done += (uint64_t)n;
		if (w->fn != NULL)
			w->fn(w->ctx, w->done, w->total);
	}
	close(fd);
	if (rc == EXH_OK && exh_hasher_final(h, NULL, NULL, sha256) != EXH_OK)
		rc = exh_err_set(err, EXH_EIO, 0, "%s: hashing failed", path);
	return rc;
}

int
exh_source_hash_files(struct exh_source *src, exh_source_progress_fn fn,
    void *ctx, const volatile bool *stop, struct exh_err *err)
{
	struct hash_walk w = { .fn = fn, .ctx = ctx, .stop = stop };
	struct exh_hasher *h = NULL;
	unsigned char *buf;
	char sha256[65];
	size_t i;
	int rc = EXH_OK;

	if (src == NULL || src->magic != SOURCE_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "source: hash of image files: not an open source");
	for (i = 0; i < src->nfiles; i++)
		w.total += src->files[i].size;
	if ((buf = malloc(HASH_CHUNK)) == NULL ||
	    exh_hasher_create(false, false, &h) != EXH_OK) {
		free(buf);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "%s: hash of image files: out of memory", src->path);
	}
	for (i = 0; i < src->nfiles && rc == EXH_OK; i++) {
		rc = hash_one(src->files[i].path, h, buf, &w, sha256, err);
		if (rc == EXH_OK)
			memcpy(src->files[i].sha256, sha256, sizeof(sha256));
		exh_hasher_reset(h);
	}
	exh_hasher_destroy(h);
	free(buf);
	return rc;
}
