/*
 * The image check: the whole logical disk read again through its
 * container and hashed, for comparison with the hashes the acquisition
 * stored (E01).  Ranges the acquisition could not read hold zeros in the
 * image and are hashed as they are stored, as the acquiring tool did.
 */
#include <stdlib.h>
#include <string.h>

#include "source_int.h"

#define PIECE	(1u << 20)

static int
compare(const char *stored, const char *computed)
{
	if (stored[0] == '\0')
		return -1;
	return strcmp(stored, computed) == 0;
}

static int
hash_disk(struct exh_source *src, struct exh_hasher *h, unsigned char *buf,
    exh_source_progress_fn fn, void *ctx, const volatile bool *stop,
    uint64_t *done, struct exh_err *err)
{
	size_t len;
	int rc;

	while (*done < src->size) {
		if (stop != NULL && *stop)
			return exh_err_set(err, EXH_STOP, 0, "image check "
			    "stopped at byte %llu", (unsigned long long)*done);
		len = src->size - *done < PIECE ? (size_t)(src->size - *done) :
		    PIECE;
		if ((rc = exh_source_pread(src, buf, len, *done, err)) != EXH_OK)
			return exh_err_prefix(err, "image check incomplete");
		if (exh_hasher_update(h, buf, len) != EXH_OK)
			return exh_err_set(err, EXH_EFATAL, 0, "image check: "
			    "hashing failed");
		*done += len;
		if (fn != NULL)
			fn(ctx, *done, src->size);
	}
	return EXH_OK;
}

int
exh_source_verify_image(struct exh_source *src, exh_source_progress_fn fn,
    void *ctx, const volatile bool *stop, struct exh_image_check *out,
    struct exh_err *err)
{
	struct exh_image_check check;
	struct exh_hasher *h = NULL;
	unsigned char *buf;
	int rc;

	if (src == NULL || src->magic != SOURCE_MAGIC || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "image check: invalid handle");
	memset(&check, 0, sizeof(check));
	if ((buf = malloc(PIECE)) == NULL ||
	    exh_hasher_create(true, true, &h) != EXH_OK) {
		free(buf);
		return exh_err_set(err, EXH_ENOMEM, 0, "image check: out of "
		    "memory");
	}
	rc = hash_disk(src, h, buf, fn, ctx, stop, &check.bytes, err);
	if (rc == EXH_OK && exh_hasher_final(h, check.md5, check.sha1,
	    check.sha256) != EXH_OK)
		rc = exh_err_set(err, EXH_EFATAL, 0, "image check: hashing "
		    "failed");
	exh_hasher_destroy(h);
	free(buf);
	check.md5_match = check.sha1_match = -1;
	if (rc == EXH_OK && src->meta != NULL) {
		check.md5_match = compare(src->meta->md5, check.md5);
		check.sha1_match = compare(src->meta->sha1, check.sha1);
	}
	*out = check;
	return rc;
}
