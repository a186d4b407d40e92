/* Disk discovery on a booted system: /sys/block, and the boot stick by its id. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

static void
read_attr(const char *dir, const char *name, char *dst, size_t n)
{
	char path[PATH_MAX];
	ssize_t got;
	int fd;

	dst[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	got = read(fd, dst, n - 1);
	close(fd);
	if (got <= 0) {
		dst[0] = '\0';
		return;
	}
	dst[got] = '\0';
	/* sysfs values end in a newline and model names are space padded. */
	while (got > 0 && (dst[got - 1] == '\n' || dst[got - 1] == ' '))
		dst[--got] = '\0';
}

static bool
skipped_name(const char *name)
{
	return name[0] == '.' || strncmp(name, "loop", 4) == 0 ||
	    strncmp(name, "ram", 3) == 0 || strncmp(name, "zram", 4) == 0;
}

static void
find_bus(const char *dir, char *bus, size_t n)
{
	char real[PATH_MAX];
	static const char *const buses[] = {
		"/usb", "usb", "/nvme", "nvme", "/virtio", "virtio",
		"/ata", "ata", "/host", "scsi",
	};
	size_t i;

	/* bus is bus[16] (exh_disk): every name below fits. */
	(void)snprintf(bus, n, "other");
	if (realpath(dir, real) == NULL)
		return;
	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i += 2)
		if (strstr(real, buses[i]) != NULL) {
			(void)snprintf(bus, n, "%s", buses[i + 1]);
			return;
		}
}

/* True when a partition of this disk carries the boot stick's FAT id. */
static bool
holds_boot_id(const char *dev_path, const char *boot_id)
{
	struct exh_source *src;
	struct exh_err e;
	size_t i;
	bool found = false;

	if (boot_id == NULL || *boot_id == '\0')
		return false;
	if (exh_source_open(dev_path, &src, &e) != EXH_OK)
		return false;
	for (i = 0; i < exh_source_partition_count(src); i++)
		if (strcasecmp(exh_source_partition(src, i)->uuid, boot_id) == 0)
			found = true;
	exh_source_close(src);
	return found;
}

static void
fill_disk(const char *sysdir, const char *name, const char *boot_id,
    struct exh_disk_info *d)
{
	char dir[PATH_MAX], val[64], *end;
	unsigned long long sectors;

	memset(d, 0, sizeof(*d));
	if (snprintf(d->name, sizeof(d->name), "%s", name) >=
	    (int)sizeof(d->name) || snprintf(d->dev_path, sizeof(d->dev_path),
	    "/dev/%s", name) >= (int)sizeof(d->dev_path))
		return;
	if (snprintf(dir, sizeof(dir), "%s/%s", sysdir, name) >= (int)sizeof(dir))
		return;
	read_attr(dir, "size", val, sizeof(val));
	sectors = strtoull(val, &end, 10);
	d->size = (end != val) ? sectors * 512ULL : 0;
	read_attr(dir, "removable", val, sizeof(val));
	d->removable = val[0] == '1';
	read_attr(dir, "ro", val, sizeof(val));
	d->sysfs_ro = val[0] == '1' ? 1 : (val[0] == '0' ? 0 : -1);
	read_attr(dir, "device/model", d->model, sizeof(d->model));
	read_attr(dir, "device/serial", d->serial, sizeof(d->serial));
	if (d->serial[0] == '\0')
		read_attr(dir, "serial", d->serial, sizeof(d->serial));
	find_bus(dir, d->bus, sizeof(d->bus));
	d->is_boot_stick = holds_boot_id(d->dev_path, boot_id);
}

static int
cmp_disk(const void *a, const void *b)
{
	return strcmp(((const struct exh_disk_info *)a)->name,
	    ((const struct exh_disk_info *)b)->name);
}

int
exh_source_list_disks(const char *sysfs_root, const char *boot_id,
    struct exh_disk_info **out, size_t *count, struct exh_err *err)
{
	char sysdir[PATH_MAX];
	struct exh_disk_info *list = NULL, *grown;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (snprintf(sysdir, sizeof(sysdir), "%s/block",
	    sysfs_root ? sysfs_root : "/sys") >= (int)sizeof(sysdir))
		return exh_err_set(err, EXH_EUSAGE, 0, "sysfs path too long");
	if ((d = opendir(sysdir)) == NULL)
		return exh_err_set(err, EXH_EIO, errno, "%s: cannot list: %s",
		    sysdir, exh_strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (skipped_name(de->d_name))
			continue;
		if ((grown = realloc(list, (n + 1) * sizeof(*list))) == NULL) {
			free(list);
			closedir(d);
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		}
		list = grown;
		fill_disk(sysdir, de->d_name, boot_id, &list[n++]);
	}
	closedir(d);
	if (n > 1)
		qsort(list, n, sizeof(*list), cmp_disk);
	*out = list;
	*count = n;
	return EXH_OK;
}

void
exh_source_boot_id(const char *cmdline_path, char *dst, size_t dstlen)
{
	char buf[4096], *p, *end;
	int w;
	ssize_t got;
	int fd;

	if (dstlen == 0)
		return;
	dst[0] = '\0';
	if ((fd = open(cmdline_path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	for (p = buf; (p = strstr(p, "exhume.bootid=")) != NULL; p++) {
		if (p != buf && p[-1] != ' ')
			continue;
		p += strlen("exhume.bootid=");
		end = p + strcspn(p, " \n\t");
		/* A boot id that does not fit is no boot id: never cut. */
		w = snprintf(dst, dstlen, "%.*s", (int)(end - p), p);
		if (w < 0 || (size_t)w >= dstlen)
			dst[0] = '\0';
		return;
	}
}
