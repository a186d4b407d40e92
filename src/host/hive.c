/* Opening a hive held in memory with hivex, shared by the profile and MountedDevices readers. */
#include <sys/mman.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host_int.h"

/*
 * hivex only opens files by name.  The bytes go into an anonymous memory
 * file (never the evidence) that hivex maps read-only through /proc.
 */
hive_h *
host_hive_open(const void *data, size_t len, struct exh_err *err)
{
	char path[64];
	const char *d = data;
	size_t off = 0;
	hive_h *h;
	int fd, e;

	fd = memfd_create("exhume-hive", MFD_CLOEXEC);
	if (fd < 0) {
		exh_err_set(err, EXH_EIO, errno, "not examined: "
		    "memfd_create: %s", exh_strerror(errno));
		return NULL;
	}
	while (off < len) {
		ssize_t w = write(fd, d + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = errno;
			close(fd);
			exh_err_set(err, EXH_EIO, e, "not examined: copy to "
			    "memory: %s", exh_strerror(e));
			return NULL;
		}
		off += (size_t)w;
	}
	if (snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) >=
	    (int)sizeof(path)) {
		close(fd);
		exh_err_set(err, EXH_EIO, 0, "not examined: descriptor path "
		    "too long");
		return NULL;
	}
	errno = 0;
	h = hivex_open(path, 0);
	e = errno;
	close(fd);
	if (h == NULL)
		exh_err_set(err, EXH_ECORRUPT, e, "corrupt: %s",
		    e != 0 ? exh_strerror(e) : "rejected by hivex");
	return h;
}
