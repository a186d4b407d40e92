/* Private to the source module. */
#ifndef EXHUME_SOURCE_INT_H
#define EXHUME_SOURCE_INT_H

#include <pthread.h>

#include "exhume/source.h"

#define SOURCE_MAGIC 0x53524345u

/*
 * A container backend: reads the logical disk through one of Debian's
 * libyal libraries.  read returns EXH_OK only when all len bytes were
 * read; close frees the handle (and its parents).
 */
struct ct_ops {
	int (*read)(void *h, void *buf, size_t len, uint64_t off,
	    struct exh_err *err);
	void (*close)(void *h);
};

struct exh_source {
	unsigned magic;
	int fd;			/* O_RDONLY on the file or device given */
	char *path;
	uint64_t size;		/* of the logical disk */
	char table[8];
	struct exh_partition *parts;
	size_t nparts;
	struct exh_ro_state ro;

	int container;		/* enum exh_container */
	char format[96];
	uint32_t sector_size;
	const struct ct_ops *ct_ops;	/* NULL: pread on fd */
	void *ct;
	/* The libyal handles are not shared between threads safely. */
	pthread_mutex_t ct_lock;
	bool ct_lock_ready;
	struct exh_image_file *files;
	size_t nfiles;
	struct exh_image_meta *meta;
	struct exh_bad_range *bad;
	size_t nbad;
	struct exh_snapshot_info *snap;	/* a VSS store: which (vss.c) */
};

int source_probe(struct exh_source *src, struct exh_err *err);
int source_enforce_ro(struct exh_source *src, struct exh_err *err);

/*
 * Recognises the container from the first and last bytes of the file on
 * src->fd and opens it (container.c).  A raw file stays on src->fd.
 */
int source_open_container(struct exh_source *src,
    const struct exh_source_options *opt, struct exh_err *err);
void source_close_container(struct exh_source *src);

/* Records a file the logical disk is read from (stat for its size). */
int source_add_file(struct exh_source *src, const char *path,
    const char *role, int depth, struct exh_err *err);
int source_add_bad_range(struct exh_source *src, uint64_t off,
    uint64_t size, struct exh_err *err);
/* The file name of path relative to dir of base ("x/y.E01", "p.vhdx" ->
 * "x/p.vhdx"), malloc'd; NULL when out of memory. */
char *source_beside(const char *base, const char *name);

/*
 * libblkid reads only from a descriptor: for a container, a sparse
 * in-memory view of the logical disk holding just the sectors the probe
 * reads.  view_* fill it; the descriptor is src->fd for raw files and
 * devices.
 */
struct probe_view {
	int fd;
	bool owned;		/* a memfd we made */
};

int view_open(struct exh_source *src, struct probe_view *v,
    struct exh_err *err);
void view_close(struct probe_view *v);
/* Partition tables: head and tail of the disk, MBR extended chains, the
 * GPT entry array. */
void view_fill_tables(struct exh_source *src, struct probe_view *v);
/* A filesystem's boot area and tail, and NTFS's first $MFT records (the
 * label). */
void view_fill_partition(struct exh_source *src, struct probe_view *v,
    uint64_t off, uint64_t size);
/* Frees what view_fill_partition filled once the probe is done. */
void view_drop(struct probe_view *v, uint64_t off, uint64_t size);

/*
 * One read through a libyal library: returns bytes read or -1 and then
 * puts the library's message in msg.  ct_read_all loops it over short
 * reads and turns a failure into "read of N bytes at OFF: <cause>".
 */
typedef ssize_t (*ct_read_fn)(void *h, void *buf, size_t len, uint64_t off,
    char *msg, size_t msglen);
int ct_read_all(ct_read_fn fn, void *h, void *buf, size_t len, uint64_t off,
    struct exh_err *err);
/* Keeps the most specific line of a libyal error backtrace (the first),
 * cut at its end, in place. */
void ct_cause(char *msg);

/* Checks the two VHDX header copies on fd; *valid is how many are
 * intact.  EXH_ECORRUPT when none is. */
int vhdx_check_headers(int fd, int *valid, struct exh_err *err);

/* The backends (ct_*.c).  Each sets src->ct_ops, src->ct, src->size,
 * src->format and the files; on failure src is left as it was, with the
 * handle closed. */
int ct_open_ewf(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err);
int ct_open_vhdi(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err);
int ct_open_vmdk(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err);
int ct_open_qcow(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err);
int ct_open_smraw(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err);

#endif /* EXHUME_SOURCE_INT_H */
