/* libFuzzer: exhume verify on any bytes as a bundle (zip structure, libarchive, manifest, sums). */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "exhume/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_verify_result res;
	struct exh_err err = { 0 };
	char path[64];
	int fd;

	if ((fd = memfd_create("bundle", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) <
	    (int)sizeof(path))
		(void)exh_bundle_verify(path, NULL, NULL, NULL, NULL, &res,
		    &err);
	close(fd);
	return 0;
}
