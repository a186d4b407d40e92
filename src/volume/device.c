/*
 * libntfs-3g's device for exhume: a window (offset, length) on the source
 * descriptor.  Reads go through exh_source_pread; every write fails with
 * EROFS, so no code path in the library can modify evidence.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>

#include "volume_int.h"

static struct window *
win(struct ntfs_device *dev)
{
	return dev->d_private;
}

static int
dev_open(struct ntfs_device *dev, int flags)
{
	if ((flags & O_ACCMODE) != O_RDONLY) {
		errno = EROFS;
		return -1;
	}
	NDevSetOpen(dev);
	NDevSetReadOnly(dev);
	return 0;
}

static int
dev_close(struct ntfs_device *dev)
{
	NDevClearOpen(dev);
	return 0;
}

static s64
dev_seek(struct ntfs_device *dev, s64 offset, int whence)
{
	struct window *w = win(dev);
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = w->pos;
		break;
	case SEEK_END:
		base = (s64)w->size;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (offset < -base) {
		errno = EINVAL;
		return -1;
	}
	w->pos = base + offset;
	return w->pos;
}

static s64
dev_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct window *w = win(dev);
	uint64_t len;

	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	/* Reads past the partition's end are short, never outside it. */
	if ((uint64_t)offset >= w->size)
		return 0;
	len = (uint64_t)count;
	if (len > w->size - (uint64_t)offset)
		len = w->size - (uint64_t)offset;
	if (exh_source_pread(w->src, buf, (size_t)len,
	    w->offset + (uint64_t)offset, &w->last) != EXH_OK) {
		errno = EIO;
		return -1;
	}
	return (s64)len;
}

static s64
dev_read(struct ntfs_device *dev, void *buf, s64 count)
{
	struct window *w = win(dev);
	s64 n = dev_pread(dev, buf, count, w->pos);

	if (n > 0)
		w->pos += n;
	return n;
}

static s64
dev_write(struct ntfs_device *dev, const void *buf, s64 count)
{
	(void)dev;
	(void)buf;
	(void)count;
	errno = EROFS;
	return -1;
}

static s64
dev_pwrite(struct ntfs_device *dev, const void *buf, s64 count, s64 offset)
{
	(void)offset;
	return dev_write(dev, buf, count);
}

static int
dev_sync(struct ntfs_device *dev)
{
	(void)dev;
	return 0;
}

static int
dev_stat(struct ntfs_device *dev, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_size = (off_t)win(dev)->size;
	return 0;
}

static int
dev_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	switch (request) {
	case BLKGETSIZE64:
		*(uint64_t *)argp = win(dev)->size;
		return 0;
	case BLKSSZGET:
		*(int *)argp = 512;
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

static struct ntfs_device_operations window_ops = {
	.open = dev_open,
	.close = dev_close,
	.seek = dev_seek,
	.read = dev_read,
	.write = dev_write,
	.pread = dev_pread,
	.pwrite = dev_pwrite,
	.sync = dev_sync,
	.stat = dev_stat,
	.ioctl = dev_ioctl,
};

struct ntfs_device *
window_device(struct window *w, const char *name)
{
	return ntfs_device_alloc(name, 0, &window_ops, w);
}
