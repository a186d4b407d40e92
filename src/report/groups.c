/* Repeated findings: the same rules in one folder, listed once with a count in the report. */
#include <stdlib.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

struct member {
	const struct exh_finding *f;
	size_t dirlen;			/* path up to its last '\' */
	size_t idx;			/* in the collector's order */
};

static size_t
dir_len(const char *path)
{
	const char *slash;

	if (path == NULL || (slash = strrchr(path, '\\')) == NULL)
		return 0;
	return (size_t)(slash - path);
}

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* Same level, kind, check, rule names (in order) and folder. */
static int
cmp_key(const struct member *x, const struct member *y)
{
	const struct exh_finding *a = x->f, *b = y->f;
	size_t i;
	int c;

	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = cmp_str(a->check, b->check)) != 0)
		return c;
	if (a->nreasons != b->nreasons)
		return a->nreasons < b->nreasons ? -1 : 1;
	for (i = 0; i < a->nreasons; i++)
		if ((c = cmp_str(a->reasons[i].name, b->reasons[i].name)) != 0)
			return c;
	if (x->dirlen != y->dirlen)
		return x->dirlen < y->dirlen ? -1 : 1;
	return x->dirlen == 0 ? 0 : memcmp(a->file.path, b->file.path, x->dirlen);
}

static int
cmp_member(const void *p, const void *q)
{
	const struct member *x = p, *y = q;
	int c = cmp_key(x, y);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int
report_groups_build(const struct exh_findings *fs, struct report_groups *g)
{
	struct member *m;
	size_t n = fs != NULL ? exh_findings_count(fs) : 0, i, j, k;

	memset(g, 0, sizeof(*g));
	if (n == 0)
		return EXH_OK;
	m = calloc(n, sizeof(*m));
	g->rank = calloc(n, sizeof(*g->rank));
	g->size = calloc(n, sizeof(*g->size));
	if (m == NULL || g->rank == NULL || g->size == NULL) {
		free(m);
		report_groups_free(g);
		return EXH_ENOMEM;
	}
	g->n = n;
	for (i = 0; i < n; i++) {
		m[i].f = exh_findings_get(fs, i);
		m[i].dirlen = dir_len(m[i].f->file.path);
		m[i].idx = i;
	}
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && cmp_key(&m[i], &m[j]) == 0; j++)
			;
		for (k = i; k < j; k++) {
			g->rank[m[k].idx] = k - i;
			g->size[m[k].idx] = j - i;
		}
	}
	free(m);
	return EXH_OK;
}

bool
report_groups_listed(const struct report_groups *g, size_t idx)
{
	return idx >= g->n || g->size[idx] <= REPORT_GROUP_MAX ||
	    g->rank[idx] < REPORT_GROUP_MAX;
}

bool
report_groups_any(const struct report_groups *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->size[i] > REPORT_GROUP_MAX)
			return true;
	return false;
}

void
report_groups_free(struct report_groups *g)
{
	free(g->rank);
	free(g->size);
	memset(g, 0, sizeof(*g));
}
