/*
 * lowspace.so: an LD_PRELOAD shim for the release binary that makes a
 * directory look nearly full, so a test can show what exhume does on an
 * evidence partition too small for the whole bundle without mounting a
 * small file system (which needs privileges a test does not have).
 *
 *   EXHUME_LOWSPACE_DIR=DIR    statvfs/statvfs64 on DIR (compared after
 *                              realpath) report ...
 *   EXHUME_LOWSPACE_FREE=N     ... N bytes available (f_bavail, f_bfree).
 *
 * Only the reported number changes: files are still written to the real
 * file system, so the test checks what exhume decided, not a full disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static int (*real_statvfs)(const char *, struct statvfs *);
static int (*real_statvfs64)(const char *, struct statvfs64 *);

/* The free bytes to report for path, or -1 when it is not the directory. */
static long long
low(const char *path)
{
	const char *dir = getenv("EXHUME_LOWSPACE_DIR");
	const char *n = getenv("EXHUME_LOWSPACE_FREE");
	char a[PATH_MAX], b[PATH_MAX];

	if (dir == NULL || n == NULL || realpath(dir, a) == NULL ||
	    realpath(path, b) == NULL || strcmp(a, b) != 0)
		return -1;
	return strtoll(n, NULL, 10);
}

int
statvfs(const char *path, struct statvfs *buf)
{
	long long f;
	int rc;

	if (real_statvfs == NULL)
		real_statvfs = (int (*)(const char *, struct statvfs *))
		    dlsym(RTLD_NEXT, "statvfs");
	rc = real_statvfs(path, buf);
	if (rc == 0 && (f = low(path)) >= 0 && buf->f_frsize > 0)
		buf->f_bavail = buf->f_bfree = (uint64_t)f / buf->f_frsize;
	return rc;
}

int
statvfs64(const char *path, struct statvfs64 *buf)
{
	long long f;
	int rc;

	if (real_statvfs64 == NULL)
		real_statvfs64 = (int (*)(const char *, struct statvfs64 *))
		    dlsym(RTLD_NEXT, "statvfs64");
	rc = real_statvfs64(path, buf);
	if (rc == 0 && (f = low(path)) >= 0 && buf->f_frsize > 0)
		buf->f_bavail = buf->f_bfree = (uint64_t)f / buf->f_frsize;
	return rc;
}
