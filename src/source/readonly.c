/* Read-only enforcement for block devices: BLKROSET on the whole disk first. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

/* /sys/dev/block/MAJ:MIN/ro tells what the kernel enforces. */
static int
sysfs_ro(int fd)
{
	struct stat st;
	char path[64], buf[8] = { 0 };
	int sfd, n;

	if (fstat(fd, &st) != 0)
		return -1;
	n = snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/ro",
	    major(st.st_rdev), minor(st.st_rdev));
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	if ((sfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = (int)read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	if (n <= 0)
		return -1;
	return buf[0] == '1' ? 1 : 0;
}

/*
 * A partition's device can be written through its whole disk, so when a
 * partition node is given, the parent disk is set read-only as well.
 */
static void
protect_parent(int fd, struct exh_ro_state *ro)
{
	struct stat st;
	char link[64], target[256], *slash, path[320];
	ssize_t n;
	int pfd, one = 1;

	if (fstat(fd, &st) != 0 ||
	    snprintf(link, sizeof(link), "/sys/dev/block/%u:%u",
	    major(st.st_rdev), minor(st.st_rdev)) >= (int)sizeof(link))
		return;
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return;
	target[n] = '\0';
	if ((slash = strrchr(target, '/')) == NULL)
		return;
	*slash = '\0';
	/* A partition's sysfs parent is its disk; a disk's is a bus node. */
	if ((slash = strrchr(target, '/')) == NULL ||
	    snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition",
	    major(st.st_rdev), minor(st.st_rdev)) >= (int)sizeof(path) ||
	    access(path, F_OK) != 0)
		return;
	if (snprintf(path, sizeof(path), "/dev/%s", slash + 1) >=
	    (int)sizeof(path))
		return;
	if ((pfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if (strlen(path) < sizeof(ro->parent)) {
		memcpy(ro->parent, path, strlen(path) + 1);
		if (ioctl(pfd, BLKROGET, &ro->parent_before) != 0)
			ro->parent_before = -1;
	}
	(void)ioctl(pfd, BLKROSET, &one);
	close(pfd);
}

int
source_enforce_ro(struct exh_source *src, struct exh_err *err)
{
	int one = 1, ro = -1;

	if (ioctl(src->fd, BLKROGET, &ro) == 0)
		src->ro.before = ro;
	src->ro.parent_before = -1;
	protect_parent(src->fd, &src->ro);
	if (ioctl(src->fd, BLKROSET, &one) != 0)
		return exh_err_set(err, EXH_EFATAL, errno,
		    "cannot set the device read-only (BLKROSET): %s; refusing "
		    "to continue (run as root)", exh_strerror(errno));
	ro = -1;
	if (ioctl(src->fd, BLKROGET, &ro) != 0 || ro != 1)
		return exh_err_set(err, EXH_EFATAL, errno,
		    "device does not report read-only after BLKROSET; refusing "
		    "to continue");
	src->ro.after = ro;
	src->ro.sysfs_ro = sysfs_ro(src->fd);
	/* A literal shorter than method[96]. */
	(void)snprintf(src->ro.method, sizeof(src->ro.method),
	    "O_RDONLY + BLKROSET (whole disk first), BLKROGET=1");
	return EXH_OK;
}

void
exh_source_recheck_ro(struct exh_source *src)
{
	int ro = -1;

	if (src == NULL || !src->ro.is_block_device)
		return;
	if (ioctl(src->fd, BLKROGET, &ro) == 0)
		src->ro.after = ro;
	src->ro.sysfs_ro = sysfs_ro(src->fd);
}

int
exh_source_restore_ro(struct exh_source *src, struct exh_err *err)
{
	int zero = 0, pfd, rc = EXH_OK;

	if (src == NULL || !src->ro.is_block_device)
		return EXH_OK;
	/* The partition first: the disk stays read-only until it is done. */
	if (src->ro.before == 0 && ioctl(src->fd, BLKROSET, &zero) != 0)
		rc = exh_err_set(err, EXH_EIO, errno, "%s: cannot make it "
		    "writable again (BLKROSET 0): %s; it stays read-only",
		    src->path, exh_strerror(errno));
	if (src->ro.parent_before == 0 && src->ro.parent[0] != '\0') {
		if ((pfd = open(src->ro.parent, O_RDONLY | O_CLOEXEC)) < 0 ||
		    ioctl(pfd, BLKROSET, &zero) != 0)
			rc = exh_err_set(err, EXH_EIO, errno, "%s: cannot "
			    "make it writable again (BLKROSET 0): %s; it stays "
			    "read-only", src->ro.parent, exh_strerror(errno));
		if (pfd >= 0)
			close(pfd);
	}
	return rc;
}

bool
exh_source_keep_read_only(void)
{
	const char *v = getenv("EXHUME_KEEP_READONLY");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}
