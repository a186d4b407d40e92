/*
 * Volume shadow copies (VSS) through Debian's libvshadow.  Each store of
 * an NTFS volume becomes a read-only source of its own whose logical
 * disk is the volume as it was at the snapshot.  libvshadow reads the
 * volume through a libbfio handle whose callbacks read the parent
 * source with exh_source_pread: the store never opens a file, and the
 * only way to the evidence stays the parent's read-only descriptor.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libbfio.h>
#include <libvshadow.h>

#include "source_int.h"

/* Where the VSS volume header sits in an NTFS volume, and its
 * identifier as stored (GUID 3808876b-c176-4e48-b7ae-04046e6cc752). */
#define VSS_HEADER_OFFSET 0x1e00
static const unsigned char vss_identifier[16] = {
	0x6b, 0x87, 0x08, 0x38, 0x76, 0xc1, 0x48, 0x4e,
	0xb7, 0xae, 0x04, 0x04, 0x6e, 0x6c, 0xc7, 0x52,
};
/* Windows keeps at most 512 shadow copies of a volume: a catalog that
 * lists more is forged, and would only make us allocate. */
#define MAX_STORES 512

/* What libbfio reads: the volume's range of the parent source. */
struct vss_io {
	struct exh_source *parent;
	uint64_t base;		/* the partition's offset in the parent */
	uint64_t size;		/* the partition's size */
	uint64_t pos;
	bool open;
	/* The parent's last read error, for the message: libbfio cannot
	 * carry ours. */
	bool failed;
	struct exh_err last;
};

/*
 * One libvshadow volume, shared by its stores.  libvshadow reads every
 * store through the volume's single bfio handle (one current offset),
 * so reads of different stores must not overlap: lock serialises them.
 * refs counts the stores (and the opener while it builds them); the last
 * to go frees it.
 */
struct vss_volume {
	pthread_mutex_t lock;
	unsigned refs;
	libvshadow_volume_t *vol;
	libbfio_handle_t *bfio;
	bool opened;
	struct vss_io io;
};

struct vss_store {
	struct vss_volume *vv;
	libvshadow_store_t *store;
};

/* ---- the libbfio handle on the parent source -------------------------- */

static struct vss_io *
io_of(intptr_t *h)
{
	return (struct vss_io *)h;
}

static int
io_free(intptr_t **h, libbfio_error_t **e)
{
	(void)e;
	*h = NULL;	/* not managed by libbfio: the volume owns it */
	return 1;
}

static int
io_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
	(void)dst;
	(void)src;
	(void)e;
	return -1;	/* one reader per volume: no clones */
}

static int
io_open(intptr_t *h, int access_flags, libbfio_error_t **e)
{
	(void)e;
	/* Evidence is read only: any other access is refused. */
	if ((access_flags & LIBBFIO_ACCESS_FLAG_READ) == 0 ||
	    (access_flags & ~LIBBFIO_ACCESS_FLAG_READ) != 0)
		return -1;
	io_of(h)->open = true;
	io_of(h)->pos = 0;
	return 1;
}

static int
io_close(intptr_t *h, libbfio_error_t **e)
{
	(void)e;
	io_of(h)->open = false;
	return 0;
}

static ssize_t
io_read(intptr_t *h, uint8_t *buf, size_t size, libbfio_error_t **e)
{
	struct vss_io *io = io_of(h);
	size_t n;

	(void)e;
	if (!io->open || size > SSIZE_MAX)
		return -1;
	if (io->pos >= io->size)
		return 0;
	n = io->size - io->pos < size ? (size_t)(io->size - io->pos) : size;
	if (exh_source_pread(io->parent, buf, n, io->base + io->pos,
	    &io->last) != EXH_OK) {
		io->failed = true;
		return -1;
	}
	io->pos += n;
	return (ssize_t)n;
}

static ssize_t
io_write(intptr_t *h, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
	(void)h;
	(void)buf;
	(void)size;
	(void)e;
	return -1;	/* never: evidence is not written */
}

static off64_t
io_seek(intptr_t *h, off64_t off, int whence, libbfio_error_t **e)
{
	struct vss_io *io = io_of(h);
	int64_t from;

	(void)e;
	if (whence == SEEK_SET)
		from = 0;
	else if (whence == SEEK_CUR)
		from = (int64_t)io->pos;
	else if (whence == SEEK_END)
		from = (int64_t)io->size;
	else
		return -1;
	if (__builtin_add_overflow(from, (int64_t)off, &from) || from < 0)
		return -1;
	io->pos = (uint64_t)from;
	return (off64_t)from;
}

static int
io_exists(intptr_t *h, libbfio_error_t **e)
{
	(void)h;
	(void)e;
	return 1;
}

static int
io_is_open(intptr_t *h, libbfio_error_t **e)
{
	(void)e;
	return io_of(h)->open ? 1 : 0;
}

static int
io_get_size(intptr_t *h, size64_t *size, libbfio_error_t **e)
{
	(void)e;
	*size = io_of(h)->size;
	return 1;
}

/* ---- the shared volume ------------------------------------------------- */

static void
vv_free(struct vss_volume *vv)
{
	if (vv == NULL)
		return;
	if (vv->opened)
		(void)libvshadow_volume_close(vv->vol, NULL);
	if (vv->vol != NULL)
		(void)libvshadow_volume_free(&vv->vol, NULL);
	if (vv->bfio != NULL)
		(void)libbfio_handle_free(&vv->bfio, NULL);
	pthread_mutex_destroy(&vv->lock);
	free(vv);
}

static void
vv_release(struct vss_volume *vv)
{
	unsigned left;

	if (vv == NULL)
		return;
	pthread_mutex_lock(&vv->lock);
	left = --vv->refs;
	pthread_mutex_unlock(&vv->lock);
	if (left == 0)
		vv_free(vv);
}

/* A libyal line without the function that raised it or the final
 * period: "invalid catalog header identifier". */
static void
plain_cause(char *msg)
{
	char *colon = strstr(msg, ": ");
	size_t len;

	ct_cause(msg);
	if (strncmp(msg, "lib", 3) == 0 && colon != NULL &&
	    strcspn(msg, " ") > (size_t)(colon - msg))
		memmove(msg, colon + 2, strlen(colon + 2) + 1);
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '.')
		msg[len - 1] = '\0';
}

/* libvshadow's most specific line, or what the parent's read said. */
static int
vv_fail(struct vss_volume *vv, libvshadow_error_t **e, struct exh_err *err,
    const char *what)
{
	char msg[512] = "";

	/* The backtrace's first line is the most specific cause. */
	if (*e != NULL)
		libvshadow_error_backtrace_sprint(*e, msg, sizeof(msg));
	libvshadow_error_free(e);
	if (vv->io.failed)
		return exh_err_set(err, vv->io.last.status, vv->io.last.sys_errno,
		    "VSS: %s: %s", what, vv->io.last.msg);
	plain_cause(msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "VSS catalog damaged: %s: %s",
	    what, msg[0] ? msg : "no reason given");
}

static int
vv_open(struct exh_source *src, const struct exh_partition *part,
    struct vss_volume **out, struct exh_err *err)
{
	struct vss_volume *vv;
	libvshadow_error_t *e = NULL;
	int rc;

	if ((vv = calloc(1, sizeof(*vv))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: out of memory");
	if (pthread_mutex_init(&vv->lock, NULL) != 0) {
		free(vv);
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: cannot make a lock");
	}
	vv->refs = 1;
	vv->io.parent = src;
	vv->io.base = part->offset;
	vv->io.size = part->size;
	if (libbfio_handle_initialize(&vv->bfio, (intptr_t *)&vv->io, io_free,
	    io_clone, io_open, io_close, io_read, io_write, io_seek, io_exists,
	    io_is_open, io_get_size, LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED,
	    NULL) != 1) {
		/* No error object: it can only be out of memory, and
		 * libbfio_error_free is not in every libbfio copy. */
		vv_free(vv);
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: cannot start "
		    "libbfio");
	}
	if (libvshadow_volume_initialize(&vv->vol, &e) != 1) {
		rc = vv_fail(vv, &e, err, "cannot start libvshadow");
		vv_free(vv);
		return rc;
	}
	if (libvshadow_volume_open_file_io_handle(vv->vol, vv->bfio,
	    LIBVSHADOW_OPEN_READ, &e) != 1) {
		rc = vv_fail(vv, &e, err, "cannot read the volume header or "
		    "catalog");
		vv_free(vv);
		return rc;
	}
	vv->opened = true;
	*out = vv;
	return EXH_OK;
}

/* ---- a store as a source ----------------------------------------------- */

static ssize_t
store_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	struct vss_store *vs = h;
	libvshadow_error_t *e = NULL;
	ssize_t n;

	pthread_mutex_lock(&vs->vv->lock);
	vs->vv->io.failed = false;
	n = libvshadow_store_read_buffer_at_offset(vs->store, buf, len,
	    (off64_t)off, &e);
	if (n < 0 && vs->vv->io.failed)
		(void)snprintf(msg, msglen, "%s", vs->vv->io.last.msg);
	else if (n < 0 && e != NULL) {
		libvshadow_error_backtrace_sprint(e, msg, msglen);
		plain_cause(msg);
	}
	pthread_mutex_unlock(&vs->vv->lock);
	libvshadow_error_free(&e);
	return n;
}

static int
store_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	return ct_read_all(store_read, h, buf, len, off, err);
}

static void
store_close(void *h)
{
	struct vss_store *vs = h;

	if (vs == NULL)
		return;
	if (vs->store != NULL) {
		pthread_mutex_lock(&vs->vv->lock);
		(void)libvshadow_store_free(&vs->store, NULL);
		pthread_mutex_unlock(&vs->vv->lock);
	}
	vv_release(vs->vv);
	free(vs);
}

static const struct ct_ops vss_ops = { store_pread, store_close, false };

/* A GUID as Windows writes it: the first three fields little-endian. */
static void
format_guid(const uint8_t g[16], char out[40])
{
	(void)snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0],
	    g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
	    g[14], g[15]);
}

/* "2021-03-02T10:11:12Z": the format line keeps whole seconds. */
static void
format_time(int64_t ft, char out[32])
{
	char *dot;

	exh_filetime_iso(ft, out);
	if (out[0] == '\0')
		(void)snprintf(out, 32, "unknown time");
	else if ((dot = strchr(out, '.')) != NULL) {
		dot[0] = 'Z';
		dot[1] = '\0';
	}
}

/* Reads what the catalog says of store i. */
static int
store_info(struct vss_volume *vv, int i, libvshadow_store_t **store,
    struct exh_snapshot_info *info, struct exh_err *err)
{
	libvshadow_error_t *e = NULL;
	uint8_t guid[16];
	uint64_t ft = 0;
	size64_t size = 0;
	int rc = EXH_OK;

	pthread_mutex_lock(&vv->lock);
	vv->io.failed = false;
	if (libvshadow_volume_get_store(vv->vol, i, store, &e) != 1)
		rc = vv_fail(vv, &e, err, "cannot read a store");
	else if (libvshadow_store_get_identifier(*store, guid, sizeof(guid),
	    &e) != 1)
		rc = vv_fail(vv, &e, err, "no store identifier");
	else if (libvshadow_store_get_creation_time(*store, &ft, &e) != 1)
		rc = vv_fail(vv, &e, err, "no creation time");
	else if (libvshadow_store_get_size(*store, &size, &e) != 1)
		rc = vv_fail(vv, &e, err, "no volume size");
	if (rc != EXH_OK && *store != NULL)
		(void)libvshadow_store_free(store, NULL);
	pthread_mutex_unlock(&vv->lock);
	if (rc != EXH_OK)
		return exh_err_prefix(err, "store %d", i + 1);
	format_guid(guid, info->guid);
	info->index = i + 1;
	info->created = ft > INT64_MAX ? 0 : (int64_t)ft;
	info->size = size;
	return EXH_OK;
}

/* The store's own source; on failure the store is freed. */
static int
make_source(struct exh_source *parent, const struct exh_partition *part,
    struct vss_volume *vv, libvshadow_store_t *store,
    const struct exh_snapshot_info *info, struct exh_source **out,
    struct exh_err *err)
{
	struct exh_source *s;
	struct vss_store *vs;
	char when[32];
	size_t plen = strlen(parent->path) + sizeof(info->guid) + 4;

	if ((vs = calloc(1, sizeof(*vs))) == NULL) {
		pthread_mutex_lock(&vv->lock);
		(void)libvshadow_store_free(&store, NULL);
		pthread_mutex_unlock(&vv->lock);
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: out of memory");
	}
	pthread_mutex_lock(&vv->lock);
	vv->refs++;
	pthread_mutex_unlock(&vv->lock);
	vs->vv = vv;
	vs->store = store;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->snap = malloc(sizeof(*s->snap))) == NULL ||
	    (s->path = malloc(plen)) == NULL ||
	    pthread_mutex_init(&s->ct_lock, NULL) != 0) {
		if (s != NULL) {
			free(s->snap);
			free(s->path);
		}
		free(s);
		store_close(vs);
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: out of memory");
	}
	s->magic = SOURCE_MAGIC;
	s->fd = -1;
	s->ct_lock_ready = true;
	s->ct_ops = &vss_ops;
	s->ct = vs;
	*s->snap = *info;
	(void)snprintf(s->path, plen, "%s@{%s}", parent->path, info->guid);
	/* A forged volume size cannot reach past the partition. */
	s->size = info->size < part->size ? info->size : part->size;
	s->container = EXH_CT_VSS;
	s->sector_size = parent->sector_size;
	format_time(info->created, when);
	(void)snprintf(s->format, sizeof(s->format), "VSS snapshot %d of %d "
	    "{%.36s}, created %.24s", info->index, info->count, info->guid,
	    when);
	/*
	 * The parent's state, as the store is only ever read through it;
	 * not a block device itself, so restoring or rechecking the flag is
	 * left to the parent.
	 */
	s->ro = parent->ro;
	s->ro.is_block_device = false;
	(void)snprintf(s->ro.method, sizeof(s->ro.method), "through %.87s",
	    parent->path);
	*out = s;
	return EXH_OK;
}

/*
 * The volume in a store is NTFS, as the live one is: when the probe
 * finds none, the store's data is damaged, and the note says so instead
 * of "unknown filesystem".
 */
static void
check_store(struct exh_source *s)
{
	unsigned char boot[512];
	struct exh_partition *p;
	struct exh_err rerr;
	const char *cause = rerr.msg;
	size_t plen = strlen(s->path);

	if (s->nparts != 1 || (p = &s->parts[0])->fs == EXH_FS_NTFS)
		return;
	p->fs = EXH_FS_UNKNOWN;
	if (exh_source_pread(s, boot, sizeof(boot), 0, &rerr) != EXH_OK) {
		/* The store's path is said by whoever shows the note. */
		if (strncmp(cause, s->path, plen) == 0 &&
		    strncmp(cause + plen, ": ", 2) == 0)
			cause += plen + 2;
		(void)snprintf(p->note, sizeof(p->note), "VSS store damaged: "
		    "%.130s", cause);
	} else
		(void)snprintf(p->note, sizeof(p->note), "VSS store damaged: "
		    "the volume it preserves has no NTFS boot sector (a "
		    "damaged block list?)");
}

static int
open_store(struct exh_source *parent, const struct exh_partition *part,
    struct vss_volume *vv, int i, int count, struct exh_source **out,
    struct exh_err *err)
{
	struct exh_snapshot_info info;
	libvshadow_store_t *store = NULL;
	struct exh_source *s = NULL;
	int rc;

	memset(&info, 0, sizeof(info));
	info.count = count;
	info.partition = part->number;
	if ((rc = store_info(vv, i, &store, &info, err)) != EXH_OK ||
	    (rc = make_source(parent, part, vv, store, &info, &s, err)) !=
	    EXH_OK)
		return rc;
	if ((rc = source_probe(s, err)) != EXH_OK) {
		exh_source_close(s);
		return exh_err_prefix(err, "store %d", i + 1);
	}
	check_store(s);
	*out = s;
	return EXH_OK;
}

/*
 * Whether the volume carries the VSS header at all.  A catalog offset
 * outside the volume is refused here: libvshadow reads it as a signed
 * offset and takes a "negative" one for no catalog, which would hide a
 * forged header as "no shadow copies".
 */
static int
has_vss_header(struct exh_source *src, const struct exh_partition *part,
    bool *yes, struct exh_err *err)
{
	unsigned char h[64];
	uint64_t catalog;

	*yes = false;
	if (part->size < VSS_HEADER_OFFSET + 512)
		return EXH_OK;
	if (exh_source_pread(src, h, sizeof(h), part->offset +
	    VSS_HEADER_OFFSET, err) != EXH_OK)
		return exh_err_prefix(err, "VSS header");
	if (memcmp(h, vss_identifier, sizeof(vss_identifier)) != 0)
		return EXH_OK;
	catalog = exh_le64(h + 48);
	if (catalog >= part->size)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VSS catalog damaged: "
		    "its offset %llu is outside the volume (%llu bytes)",
		    (unsigned long long)catalog,
		    (unsigned long long)part->size);
	*yes = true;
	return EXH_OK;
}

static int
stores_of(struct exh_source *src, const struct exh_partition *part,
    struct vss_volume *vv, struct exh_source ***stores, size_t *n,
    struct exh_err *err)
{
	libvshadow_error_t *e = NULL;
	struct exh_source **arr;
	int count = 0, i, rc;

	vv->io.failed = false;
	if (libvshadow_volume_get_number_of_stores(vv->vol, &count, &e) != 1)
		return vv_fail(vv, &e, err, "cannot count the stores");
	if (count < 0 || count > MAX_STORES)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VSS catalog damaged: "
		    "it lists %d stores (Windows keeps at most %d)", count,
		    MAX_STORES);
	if (count == 0) {
		*stores = NULL;
		*n = 0;
		return EXH_OK;
	}
	if ((arr = calloc((size_t)count, sizeof(*arr))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "VSS: out of memory");
	for (i = 0; i < count; i++) {
		rc = open_store(src, part, vv, i, count, &arr[i], err);
		if (rc != EXH_OK) {
			exh_source_close_snapshots(arr, (size_t)i);
			return rc;
		}
	}
	*stores = arr;
	*n = (size_t)count;
	return EXH_OK;
}

int
exh_source_open_snapshots(struct exh_source *src,
    const struct exh_partition *part, struct exh_source ***stores,
    size_t *n, struct exh_err *err)
{
	struct vss_volume *vv = NULL;
	bool yes;
	int rc;

	if (src == NULL || src->magic != SOURCE_MAGIC || part == NULL ||
	    stores == NULL || n == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "VSS: invalid handle");
	if (part->fs != EXH_FS_NTFS)
		return exh_err_set(err, EXH_EUSAGE, 0, "%s: partition %d: not "
		    "NTFS; shadow copies are read from NTFS volumes", src->path,
		    part->number);
	if (part->offset > src->size || part->size > src->size - part->offset)
		return exh_err_set(err, EXH_EUSAGE, 0, "%s: partition %d: "
		    "outside the source", src->path, part->number);
	if ((rc = has_vss_header(src, part, &yes, err)) != EXH_OK)
		return exh_err_prefix(err, "%s: partition %d", src->path,
		    part->number);
	if (!yes) {
		*stores = NULL;
		*n = 0;
		return EXH_OK;
	}
	if ((rc = vv_open(src, part, &vv, err)) == EXH_OK)
		rc = stores_of(src, part, vv, stores, n, err);
	/* The stores hold their own references. */
	vv_release(vv);
	if (rc != EXH_OK)
		return exh_err_prefix(err, "%s: partition %d", src->path,
		    part->number);
	return EXH_OK;
}

void
exh_source_close_snapshots(struct exh_source **stores, size_t n)
{
	size_t i;

	if (stores == NULL)
		return;
	for (i = 0; i < n; i++)
		exh_source_close(stores[i]);
	free(stores);
}

const struct exh_snapshot_info *
exh_source_snapshot(const struct exh_source *src)
{
	if (src == NULL || src->magic != SOURCE_MAGIC)
		return NULL;
	return src->snap;
}
