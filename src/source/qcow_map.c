/*
 * Which guest ranges of a qcow2 file hold data and which are marked
 * all-zero (qcow2 version 3 "zero clusters").  libqcow 20201213 reads a
 * zero cluster of an overlay from its backing file, so the parent's old
 * bytes would show where the guest had written zeros or discarded; the
 * maps let ct_qcow.c put the zeros back.  The tables are read from the
 * file itself, bounded by its size: a forged header cannot make us read
 * more than the file holds.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define QCOW_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW_COMPRESSED (1ULL << 62)
#define QCOW_ZERO 1ULL
#define QCOW_RUNS_MAX (1u << 21)	/* 48 MiB of runs per file */
#define QCOW_INCOMPAT_KNOWN 0x3ULL	/* dirty, corrupt */

static uint64_t
be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
add_run(struct qcow_map *m, uint64_t start, uint64_t end, int state,
    struct exh_err *err)
{
	struct qcow_run *grown, *last;
	size_t cap;

	last = m->n > 0 ? &m->runs[m->n - 1] : NULL;
	if (last != NULL && last->state == state && last->end == start) {
		last->end = end;
		return EXH_OK;
	}
	if (m->n == QCOW_RUNS_MAX)
		return exh_err_set(err, EXH_ECORRUPT, 0, "more than %u "
		    "fragments of allocation; refused", QCOW_RUNS_MAX);
	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 64;
		if ((grown = realloc(m->runs, cap * sizeof(*grown))) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "out of memory");
		m->runs = grown;
		m->cap = cap;
	}
	m->runs[m->n].start = start;
	m->runs[m->n].end = end;
	m->runs[m->n].state = state;
	m->n++;
	if (state == QCOW_RUN_ZERO)
		m->nzero++;
	return EXH_OK;
}

struct qcow_geom {
	uint64_t csize, vsize, l1_off, fsize;
	uint32_t l1_size, version;
};

/*
 * libqcow 20201213 copies a whole cluster from where an L2 entry points
 * without checking the file holds it (a heap over-read on a qcow2 cut
 * short), so every data cluster must lie inside the file; a compressed
 * one at least starts inside it.
 */
static bool
cluster_in_file(uint64_t e, const struct qcow_geom *g)
{
	unsigned bits = 0;
	uint64_t off;

	while ((1ULL << bits) < g->csize)
		bits++;
	if ((e & QCOW_COMPRESSED) != 0) {
		off = e & ((1ULL << (62 - (bits - 8))) - 1);
		return off < g->fsize;
	}
	off = e & QCOW_OFFSET_MASK;
	return off == 0 || (off <= g->fsize && g->csize <= g->fsize - off);
}

/* One L2 table: the clusters from guest offset base on. */
static int
scan_l2(struct qcow_map *m, const unsigned char *l2, size_t entries,
    uint64_t base, const struct qcow_geom *g, struct exh_err *err)
{
	uint64_t csize = g->csize, vsize = g->vsize;
	uint64_t e, start;
	size_t i;
	int rc, state;

	for (i = 0; i < entries; i++) {
		start = base + i * csize;
		if (start >= vsize)
			break;
		e = be64(l2 + i * 8);
		if (!cluster_in_file(e, g))
			return exh_err_set(err, EXH_ECORRUPT, 0, "truncated or "
			    "damaged: the data of guest offset %llu lies beyond "
			    "the end of the file (%llu bytes)",
			    (unsigned long long)start,
			    (unsigned long long)g->fsize);
		if ((e & QCOW_COMPRESSED) != 0)
			state = QCOW_RUN_DATA;
		else if ((e & QCOW_ZERO) != 0 && g->version >= 3)
			state = QCOW_RUN_ZERO;
		else if ((e & QCOW_OFFSET_MASK) != 0)
			state = QCOW_RUN_DATA;
		else
			continue;
		rc = add_run(m, start, start + csize < vsize ? start + csize :
		    vsize, state, err);
		if (rc != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static int
read_header(int fd, struct qcow_geom *g, struct exh_err *err)
{
	unsigned char h[104];
	uint32_t version, bits;
	struct stat st;

	if (fstat(fd, &st) != 0 || !exh_pread_full(fd, h, 72, 0))
		return exh_err_set(err, EXH_EIO, errno, "header not readable");
	g->fsize = (uint64_t)st.st_size;
	version = be32(h + 4);
	bits = be32(h + 20);
	if (memcmp(h, "QFI\xfb", 4) != 0 || version < 2 || version > 3)
		return EXH_OK;	/* qcow1 or unknown: no zero clusters */
	if (version == 3) {
		if (!exh_pread_full(fd, h + 72, 8, 72))
			return exh_err_set(err, EXH_EIO, errno,
			    "header not readable");
		if ((be64(h + 72) & ~QCOW_INCOMPAT_KNOWN) != 0)
			return exh_err_set(err, EXH_ECORRUPT, 0, "it uses "
			    "qcow2 features libqcow does not read (external "
			    "data file, extended L2, compression type); "
			    "convert it with `qemu-img convert -O raw` and "
			    "give that");
	}
	if (bits < 9 || bits > 21)
		return exh_err_set(err, EXH_ECORRUPT, 0, "cluster size 2^%u "
		    "out of range", bits);
	g->version = version;
	g->csize = 1ULL << bits;
	g->vsize = be64(h + 24);
	if (g->vsize > 1ULL << 56)
		return exh_err_set(err, EXH_ECORRUPT, 0, "disk size %llu out "
		    "of range", (unsigned long long)g->vsize);
	g->l1_size = be32(h + 36);
	g->l1_off = be64(h + 40);
	if ((uint64_t)g->l1_size * 8 > g->fsize ||
	    g->l1_off > g->fsize - (uint64_t)g->l1_size * 8)
		return exh_err_set(err, EXH_ECORRUPT, 0, "L1 table outside "
		    "the file");
	return EXH_OK;
}

static int
scan_tables(int fd, const struct qcow_geom *g, struct qcow_map *m,
    struct exh_err *err)
{
	uint64_t per_l2 = g->csize / 8, l2_off, read_total = 0;
	uint64_t clusters = g->vsize / g->csize + (g->vsize % g->csize != 0);
	unsigned char l1e[8], *l2;
	uint32_t i;
	int rc = EXH_OK;

	if ((l2 = malloc((size_t)g->csize)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < g->l1_size && rc == EXH_OK; i++) {
		if ((uint64_t)i * per_l2 >= clusters)
			break;
		if (!exh_pread_full(fd, l1e, 8, g->l1_off + (uint64_t)i * 8)) {
			rc = exh_err_set(err, EXH_EIO, errno, "L1 table not "
			    "readable");
			break;
		}
		if ((l2_off = be64(l1e) & QCOW_OFFSET_MASK) == 0)
			continue;
		read_total += g->csize;
		/* Every L2 table is a cluster of its own: all of them
		 * together cannot be larger than the file. */
		if (read_total > g->fsize || l2_off > g->fsize - g->csize ||
		    !exh_pread_full(fd, l2, (size_t)g->csize, l2_off)) {
			rc = exh_err_set(err, EXH_ECORRUPT, 0, "L2 table %u "
			    "outside the file", i);
			break;
		}
		rc = scan_l2(m, l2, (size_t)per_l2, (uint64_t)i * per_l2 *
		    g->csize, g, err);
	}
	free(l2);
	return rc;
}

int
qcow_map_load(const char *path, struct qcow_map *m, struct exh_err *err)
{
	struct qcow_geom g;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	memset(&g, 0, sizeof(g));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "%s: cannot open: %s",
		    path, exh_strerror(errno));
	rc = read_header(fd, &g, err);
	if (rc == EXH_OK && g.version >= 2)
		rc = scan_tables(fd, &g, m, err);
	close(fd);
	if (rc != EXH_OK) {
		qcow_map_free(m);
		return exh_err_prefix(err, "qcow: %s", path);
	}
	return EXH_OK;
}

void
qcow_map_free(struct qcow_map *m)
{
	free(m->runs);
	memset(m, 0, sizeof(*m));
}

bool
qcow_map_has_zero(const struct qcow_map *m)
{
	return m->nzero > 0;
}

/*
 * The state of guest offset off in m, and in *next where it may change
 * (the end of its run, or the start of the next run).
 */
int
qcow_map_state(const struct qcow_map *m, uint64_t off, uint64_t *next)
{
	size_t lo = 0, hi = m->n, mid;

	/* The first run that ends after off. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->runs[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->n) {
		*next = UINT64_MAX;
		return QCOW_RUN_NONE;
	}
	if (m->runs[lo].start <= off) {
		*next = m->runs[lo].end;
		return m->runs[lo].state;
	}
	*next = m->runs[lo].start;
	return QCOW_RUN_NONE;
}
