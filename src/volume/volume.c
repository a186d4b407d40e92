/* Opening NTFS volumes read-only through libntfs-3g, and their state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#include <ntfs-3g/logging.h>

int64_t
volume_time(sle64 t)
{
	return (int64_t)sle64_to_cpu(t);
}

static const struct exh_partition *
find_partition(struct exh_source *src, int part)
{
	size_t i;

	for (i = 0; i < exh_source_partition_count(src); i++)
		if (exh_source_partition(src, i)->number == part)
			return exh_source_partition(src, i);
	return NULL;
}

static void
read_serial(struct exh_volume *v)
{
	unsigned char boot[512];
	struct exh_err e;
	uint64_t serial = 0;
	int i;

	if (exh_source_pread(v->src, boot, sizeof(boot), v->win.offset, &e))
		return;
	for (i = 7; i >= 0; i--)
		serial = (serial << 8) | boot[0x48 + i];
	/* 16 hex digits: serial[24] holds them. */
	(void)snprintf(v->info.serial, sizeof(v->info.serial), "%016llX",
	    (unsigned long long)serial);
}

/* Fast Startup and hibernation leave "hibr" at the start of hiberfil.sys. */
static void
check_hibernation(struct exh_volume *v)
{
	struct exh_stream *st;
	struct exh_err e;
	char head[4];
	size_t got = 0;
	uint64_t mft;

	if (exh_volume_lookup(v, "\\hiberfil.sys", &mft, NULL, &e) != EXH_OK ||
	    exh_stream_open(v, mft, "", &st, &e) != EXH_OK)
		return;
	if (exh_stream_pread(st, head, sizeof(head), 0, &got, &e) == EXH_OK &&
	    got == 4 && (memcmp(head, "hibr", 4) == 0 ||
	    memcmp(head, "HIBR", 4) == 0))
		v->info.hibernated = true;
	exh_stream_close(st);
}

static void
fill_info(struct exh_volume *v)
{
	ntfs_volume *vol = v->vol;

	if (vol->vol_name != NULL)
		/* Display text: a label longer than label[128] is cut. */
		(void)snprintf(v->info.label, sizeof(v->info.label), "%s",
		    vol->vol_name);
	v->info.size = v->win.size;
	v->info.cluster_size = vol->cluster_size;
	v->info.mft_record_size = vol->mft_record_size;
	if (vol->mft_na != NULL)
		v->info.mft_records = (uint64_t)vol->mft_na->initialized_size >>
		    vol->mft_record_size_bits;
	v->info.ntfs_major = vol->major_ver;
	v->info.ntfs_minor = vol->minor_ver;
	v->info.dirty = (vol->flags & VOLUME_IS_DIRTY) != 0;
	v->info.letter = '?';
	read_serial(v);
	check_hibernation(v);
}

/*
 * Mounts the window [offset, offset + size) of src as NTFS, read-only.
 * part only names the volume in messages and the device name.
 */
static int
mount_window(struct exh_source *src, int part, uint64_t offset, uint64_t size,
    struct exh_volume **out, struct exh_err *err)
{
	struct exh_volume *v;
	char name[64];

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "volume: out of memory");
	v->magic = VOLUME_MAGIC;
	v->src = src;
	v->part = part;
	v->win.src = src;
	v->win.offset = offset;
	v->win.size = size;
	/* A literal and an int: name[64] holds them. */
	(void)snprintf(name, sizeof(name), "exhume-part%d", part);
	if ((v->dev = window_device(&v->win, name)) == NULL) {
		free(v);
		return exh_err_set(err, EXH_ENOMEM, errno,
		    "volume: out of memory");
	}
	v->vol = ntfs_device_mount(v->dev, NTFS_MNT_RDONLY);
	if (v->vol == NULL) {
		int e = errno;

		ntfs_device_free(v->dev);
		free(v);
		return exh_err_set(err, e == EIO ? EXH_EIO : EXH_ECORRUPT, e,
		    "partition %d: libntfs-3g cannot open the NTFS volume: %s",
		    part, exh_strerror(e));
	}
	/* Every handle, clones too: each looks owners up through its own. */
	volume_secure_check(v);
	*out = v;
	return EXH_OK;
}

int
exh_volume_open(struct exh_source *src, int part, struct exh_volume **out,
    struct exh_err *err)
{
	const struct exh_partition *p;
	struct exh_volume *v;
	int rc;

	if (src == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: no source");
	if ((p = find_partition(src, part)) == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "partition %d: no such partition", part);
	if (p->fs != EXH_FS_NTFS)
		return exh_err_set(err, EXH_EUSAGE, 0, "partition %d: %s", part,
		    p->note[0] ? p->note : "not NTFS");
	/* libntfs-3g reports through its own logger; our caller reports. */
	ntfs_log_set_handler(ntfs_log_handler_null);
	if ((rc = mount_window(src, part, p->offset, p->size, &v, err)) !=
	    EXH_OK)
		return rc;
	fill_info(v);
	*out = v;
	return EXH_OK;
}

int
exh_volume_clone(struct exh_volume *vol, struct exh_volume **out,
    struct exh_err *err)
{
	struct exh_volume *v;
	int rc;

	if (vol == NULL || vol->magic != VOLUME_MAGIC || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "volume: invalid handle");
	if ((rc = mount_window(vol->src, vol->part, vol->win.offset,
	    vol->win.size, &v, err)) != EXH_OK)
		return rc;
	/* The same volume: its state was read once, by the first open. */
	v->info = vol->info;
	*out = v;
	return EXH_OK;
}

void
exh_volume_close(struct exh_volume *v)
{
	if (v == NULL)
		return;
	if (v->sds != NULL)
		ntfs_attr_close(v->sds);
	volume_owner_cache_free(&v->owners);
	/* ntfs_umount frees the device as well. */
	if (v->vol != NULL)
		ntfs_umount(v->vol, FALSE);
	else if (v->dev != NULL)
		ntfs_device_free(v->dev);
	v->magic = 0;
	free(v);
}

const struct exh_volume_info *
exh_volume_info(const struct exh_volume *v)
{
	return &v->info;
}

void
exh_volume_set_letter(struct exh_volume *v, char letter, int source)
{
	if (v != NULL) {
		v->info.letter = letter;
		v->info.letter_source = source;
	}
}

int
exh_volume_set_name(struct exh_volume *v, const char *name,
    struct exh_err *err)
{
	if (v == NULL || v->magic != VOLUME_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if (name == NULL)
		name = "";
	if (strlen(name) >= sizeof(v->info.name))
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: name %.16s...: "
		    "longer than %zu bytes", name, sizeof(v->info.name) - 1);
	(void)snprintf(v->info.name, sizeof(v->info.name), "%s", name);
	return EXH_OK;
}

bool
exh_volume_is_system(struct exh_volume *v)
{
	struct exh_err e;
	uint64_t mft;

	return exh_volume_lookup(v, "\\Windows\\System32\\config\\SYSTEM",
	    &mft, NULL, &e) == EXH_OK;
}

int
volume_ntfs_path(const char *winpath, struct exh_buf *out)
{
	const char *p = winpath;
	int rc = EXH_OK;

	exh_buf_reset(out);
	if (p[0] != '\0' && p[1] == ':')
		p += 2;
	for (; *p != '\0' && rc == EXH_OK; p++)
		rc = exh_buf_putc(out, *p == '\\' ? '/' : *p);
	if (rc == EXH_OK && out->len == 0)
		rc = exh_buf_putc(out, '/');
	return rc;
}

int
exh_volume_lookup(struct exh_volume *v, const char *path, uint64_t *mft,
    bool *is_dir, struct exh_err *err)
{
	struct exh_buf p = { 0 };
	ntfs_inode *ni;

	if (v == NULL || v->magic != VOLUME_MAGIC || path == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if (volume_ntfs_path(path, &p) != EXH_OK) {
		exh_buf_free(&p);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	ni = ntfs_pathname_to_inode(v->vol, NULL, p.data);
	exh_buf_free(&p);
	if (ni == NULL)
		return exh_err_set(err, errno == ENOENT || errno == ENOTDIR ?
		    EXH_ENOTFOUND : errno == ENOMEM ? EXH_ENOMEM : EXH_EIO,
		    errno, errno == ENOENT || errno == ENOTDIR ? "not found" :
		    "cannot be looked up");
	*mft = ni->mft_no;
	if (is_dir != NULL)
		*is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
	ntfs_inode_close(ni);
	return EXH_OK;
}

int
exh_volume_read_file(struct exh_volume *v, const char *path,
    const char *stream, size_t max, struct exh_buf *out, struct exh_err *err)
{
	struct exh_stream *st;
	uint64_t mft, size, off = 0;
	char chunk[65536];
	size_t got;
	int rc;

	if ((rc = exh_volume_lookup(v, path, &mft, NULL, err)) != EXH_OK ||
	    (rc = exh_stream_open(v, mft, stream ? stream : "", &st, err)))
		return rc;
	size = exh_stream_size(st);
	if (size > max) {
		exh_stream_close(st);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "%llu bytes, more than the %zu allowed",
		    (unsigned long long)size, max);
	}
	exh_buf_reset(out);
	while (off < size) {
		if ((rc = exh_stream_pread(st, chunk, sizeof(chunk), off, &got,
		    err)) != EXH_OK)
			break;
		if (got == 0)
			break;
		if (exh_buf_append(out, chunk, got) != EXH_OK) {
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
			break;
		}
		off += got;
	}
	if (rc == EXH_OK && out->data == NULL)
		rc = exh_buf_append(out, "", 0);
	exh_stream_close(st);
	return rc;
}
