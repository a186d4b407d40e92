/* Opening sources read-only: images and block devices. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

static int
open_checked(const char *path, int *fd, struct stat *st, struct exh_err *err)
{
	if (stat(path, st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return exh_err_set(err, EXH_ENOTFOUND, errno,
			    "no such file or device; check the path");
		return exh_err_set(err, EXH_EIO, errno, "cannot stat: %s",
		    exh_strerror(errno));
	}
	if (S_ISDIR(st->st_mode))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "is a directory; give a disk image file or a block device");
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "not a regular file or block device");
	/* Evidence is only ever opened for reading. */
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "cannot open: %s",
		    exh_strerror(errno));
	return EXH_OK;
}

static int
block_size(int fd, uint64_t *size, struct exh_err *err)
{
	if (ioctl(fd, BLKGETSIZE64, size) != 0)
		return exh_err_set(err, EXH_EIO, errno,
		    "cannot read device size: %s", exh_strerror(errno));
	return EXH_OK;
}

int
exh_source_open(const char *path, struct exh_source **out,
    struct exh_err *err)
{
	return exh_source_open_with(path, NULL, out, err);
}

int
exh_source_open_with(const char *path, const struct exh_source_options *opt,
    struct exh_source **out, struct exh_err *err)
{
	struct exh_source *src;
	struct stat st;
	int fd = -1, rc;

	if (path == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "source: no path given");
	if ((rc = open_checked(path, &fd, &st, err)) != EXH_OK)
		return exh_err_prefix(err, "%s", path);
	if ((src = calloc(1, sizeof(*src))) == NULL ||
	    (src->path = strdup(path)) == NULL) {
		free(src);
		close(fd);
		return exh_err_set(err, EXH_ENOMEM, 0, "%s: out of memory", path);
	}
	src->magic = SOURCE_MAGIC;
	src->fd = fd;
	src->ro.before = src->ro.after = src->ro.sysfs_ro = -1;
	src->ro.parent_before = -1;
	if (S_ISBLK(st.st_mode)) {
		src->ro.is_block_device = true;
		/* Read-only first: nothing may read the disk before that. */
		if ((rc = source_enforce_ro(src, err)) != EXH_OK ||
		    (rc = block_size(fd, &src->size, err)) != EXH_OK)
			goto fail;
		src->container = EXH_CT_DEVICE;
		src->sector_size = 512;
		(void)snprintf(src->format, sizeof(src->format),
		    "block device");
	} else {
		src->size = (uint64_t)st.st_size;
		/* A literal shorter than method[96]. */
		(void)snprintf(src->ro.method, sizeof(src->ro.method),
		    "image file opened O_RDONLY");
		if ((rc = source_open_container(src, opt, err)) != EXH_OK)
			goto fail;
	}
	if ((rc = source_probe(src, err)) != EXH_OK)
		goto fail;
	*out = src;
	return EXH_OK;
fail:
	exh_source_close(src);
	return exh_err_prefix(err, "%s", path);
}

void
exh_source_close(struct exh_source *src)
{
	if (src == NULL)
		return;
	source_close_container(src);
	if (src->fd >= 0)
		close(src->fd);
	free(src->path);
	free(src->parts);
	free(src->snap);
	src->magic = 0;
	free(src);
}

void
exh_source_release(struct exh_source *src)
{
	if (src != NULL && !exh_source_keep_read_only())
		(void)exh_source_restore_ro(src, NULL);
	exh_source_close(src);
}

const char *
exh_source_path(const struct exh_source *src)
{
	return src->path;
}

uint64_t
exh_source_size(const struct exh_source *src)
{
	return src->size;
}

const char *
exh_source_table(const struct exh_source *src)
{
	return src->table;
}

size_t
exh_source_partition_count(const struct exh_source *src)
{
	return src->nparts;
}

const struct exh_partition *
exh_source_partition(const struct exh_source *src, size_t i)
{
	return i < src->nparts ? &src->parts[i] : NULL;
}

const struct exh_ro_state *
exh_source_ro_state(const struct exh_source *src)
{
	return &src->ro;
}

static int
container_pread(struct exh_source *src, void *buf, size_t len, uint64_t off,
    struct exh_err *err)
{
	int rc;

	if (src->ct_ops->concurrent)
		rc = src->ct_ops->read(src->ct, buf, len, off, err);
	else {
		pthread_mutex_lock(&src->ct_lock);
		rc = src->ct_ops->read(src->ct, buf, len, off, err);
		pthread_mutex_unlock(&src->ct_lock);
	}
	if (rc != EXH_OK)
		return exh_err_prefix(err, "%s", src->path);
	return EXH_OK;
}

int
exh_source_pread(struct exh_source *src, void *buf, size_t len, uint64_t off,
    struct exh_err *err)
{
	size_t done = 0;
	uint64_t end;
	ssize_t n;

	if (src == NULL || src->magic != SOURCE_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0, "source: invalid handle");
	if (__builtin_add_overflow(off, (uint64_t)len, &end) || end > src->size)
		return exh_err_set(err, EXH_EIO, 0,
		    "%s: read of %zu bytes at %llu is beyond the end (%llu bytes)",
		    src->path, len, (unsigned long long)off,
		    (unsigned long long)src->size);
	if (src->ct_ops != NULL)
		return container_pread(src, buf, len, off, err);
	while (done < len) {
		n = pread(src->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return exh_err_set(err, EXH_EIO, errno,
			    "%s: read error at byte %llu: %s", src->path,
			    (unsigned long long)(off + done),
			    exh_strerror(errno));
		if (n == 0)
			return exh_err_set(err, EXH_EIO, 0,
			    "%s: unexpected end of data at byte %llu", src->path,
			    (unsigned long long)(off + done));
		done += (size_t)n;
	}
	return EXH_OK;
}

const char *
exh_fs_kind_name(int kind)
{
	static const char *const names[] = {
		"unknown", "ntfs", "bitlocker", "fat", "exfat", "other",
		"ldm", "extended",
	};

	if (kind < 0 || (size_t)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

int
exh_source_container(const struct exh_source *src)
{
	return src->container;
}

const char *
exh_source_container_name(const struct exh_source *src)
{
	static const char *const names[] = {
		"device", "raw", "split-raw", "ewf", "vhd", "vhdx", "vmdk",
		"qcow", "vss",
	};

	if (src->container < 0 ||
	    (size_t)src->container >= sizeof(names) / sizeof(names[0]))
		return "raw";
	return names[src->container];
}

const char *
exh_source_format(const struct exh_source *src)
{
	return src->format;
}

uint32_t
exh_source_sector_size(const struct exh_source *src)
{
	return src->sector_size;
}

size_t
exh_source_file_count(const struct exh_source *src)
{
	return src->nfiles;
}

const struct exh_image_file *
exh_source_file(const struct exh_source *src, size_t i)
{
	return i < src->nfiles ? &src->files[i] : NULL;
}

const struct exh_image_meta *
exh_source_image_meta(const struct exh_source *src)
{
	return src->meta;
}

size_t
exh_source_bad_range_count(const struct exh_source *src)
{
	return src->nbad;
}

const struct exh_bad_range *
exh_source_bad_range(const struct exh_source *src, size_t i)
{
	return i < src->nbad ? &src->bad[i] : NULL;
}
