/* Small local files for the record: the running binary's hash, a short text;
 * whole reads at an offset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exhume/core.h"

void
exh_hash_self(char out[65])
{
	struct exh_hasher *h;
	unsigned char buf[65536];
	size_t n;
	FILE *fp;

	out[0] = '\0';
	if ((fp = fopen("/proc/self/exe", "rb")) == NULL)
		return;
	if (exh_hasher_create(false, false, &h) == EXH_OK) {
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			exh_hasher_update(h, buf, n);
		if (ferror(fp) || exh_hasher_final(h, NULL, NULL, out) !=
		    EXH_OK)
			out[0] = '\0';
		exh_hasher_destroy(h);
	}
	fclose(fp);
}

char *
exh_file_read_small(const char *path, size_t max)
{
	FILE *fp;
	char *buf;
	size_t n;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(max + 1)) != NULL) {
		n = fread(buf, 1, max, fp);
		buf[n] = '\0';
	}
	fclose(fp);
	return buf;
}

bool
exh_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}
