/* Private to the source module. */
#ifndef EXHUME_SOURCE_INT_H
#define EXHUME_SOURCE_INT_H

#include <sys/types.h>

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
	/* read may be called from several threads at once (the backend
	 * locks what it shares); otherwise reads are serialised. */
	bool concurrent;
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
/* Whether every block the BAT of the VHDX on fd calls present lies
 * inside its fsize bytes; EXH_ECORRUPT "VHDX truncated" when not. */
int vhdx_check_payload(int fd, uint64_t fsize, struct exh_err *err);
/* Both checks for the file at path when it is a VHDX; EXH_OK otherwise. */
int vhdx_check_file(const char *path, struct exh_err *err);

/*
 * Differencing chains (parents.c).  A backend describes its library with
 * parent_ops; parent_chain_open opens src->path, then the parent it
 * names, and so on to the base, recording every file (add_files) and
 * linking each child to its parent (link checks the identifiers).
 */
#define PARENT_NAME_MAX 1024	/* bytes of a stored parent name */
#define PARENT_DEPTH_MAX 16	/* parents below one child */

struct parent_ops {
	const char *kind;	/* "VHDX differencing image", for messages */
	int (*open)(const char *path, void **h, struct exh_err *err);
	/* Files of one image of the chain (the image, its extents). */
	int (*add_files)(struct exh_source *src, void *h, const char *path,
	    int depth, struct exh_err *err);
	/* The parent name stored in h, NUL-terminated; *has false for a
	 * base image. */
	int (*parent_name)(void *h, const char *path, char *name, size_t size,
	    bool *has, struct exh_err *err);
	int (*link)(void *child, const char *child_path, void *parent,
	    const char *parent_path, bool given, struct exh_err *err);
	void (*close)(void *h);
};

struct parent_chain {
	const struct parent_ops *ops;
	void *h[PARENT_DEPTH_MAX + 1];	/* [0] the child, then parents */
	size_t n;
};

/* Files already in a chain, by device and inode (loops). */
struct parent_seen {
	dev_t dev[PARENT_DEPTH_MAX + 1];
	ino_t ino[PARENT_DEPTH_MAX + 1];
	size_t n;
};

int parent_chain_open(struct exh_source *src, const struct parent_ops *ops,
    const struct exh_source_options *opt, struct parent_chain **out,
    struct exh_err *err);
void parent_chain_close(struct parent_chain *chain);
/* EXH_ECORRUPT when a stored name of len bytes is empty, too long, cut
 * by a NUL or holds control characters. */
int parent_name_check(const char *name, size_t len, struct exh_err *err);
/*
 * The file holding the parent named stored by the image at child: a
 * --parent file with the same file name (case-insensitive), else the
 * stored relative path beside the child, else its file name beside the
 * child.  *out is malloc'd; *given says it came from --parent.
 * EXH_ENOTFOUND names what was tried.
 */
int parent_find(const char *child, const char *stored,
    const struct exh_source_options *opt, const char *kind, char **out,
    bool *given, struct exh_err *err);
/* Adds path to seen: EXH_ECORRUPT for a loop or a chain too deep. */
int parent_visit(struct parent_seen *seen, const char *path,
    struct exh_err *err);

/* The relative_path key of a VHDX parent locator, read from the file
 * (vhdx_locator.c); *found false when it has none. */
int vhdx_relative_parent(const char *path, char *name, size_t size,
    bool *found, struct exh_err *err);

/* Guest ranges of one qcow2 file that hold data or are marked all-zero
 * (qcow_map.c); ranges in neither read from the backing file. */
enum { QCOW_RUN_NONE, QCOW_RUN_DATA, QCOW_RUN_ZERO };

struct qcow_run {
	uint64_t start, end;	/* guest bytes [start, end) */
	int state;
};

struct qcow_map {
	struct qcow_run *runs;	/* sorted, not overlapping */
	size_t n, cap;
	size_t nzero;		/* runs marked all-zero */
};

int qcow_map_load(const char *path, struct qcow_map *m, struct exh_err *err);
void qcow_map_free(struct qcow_map *m);
bool qcow_map_has_zero(const struct qcow_map *m);
/* QCOW_RUN_* at off; *next: where the state may change. */
int qcow_map_state(const struct qcow_map *m, uint64_t off, uint64_t *next);

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
