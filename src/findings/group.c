/* Aggregation of repeated hits: one finding per check and target, in a table of fixed size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"

#define GROUP_MAGIC		0x47525550u	/* "GRUP" */
#define GROUP_MAX_CHECKS	1024u	/* distinct check ids with an "other" */

struct slot {
	uint64_t hash;			/* 0: empty */
	size_t check;			/* index into checks */
	char *key;			/* cut to EXH_GROUP_KEY_MAX */
	struct exh_finding *f;
};

/* Per check: how many own groups it has, and its "other" group. */
struct check_info {
	char *id;
	size_t groups;
	struct exh_finding *other;
	bool over_check;		/* folded: over per_check */
	bool over_table;		/* folded: table full */
};

struct exh_group_table {
	uint32_t magic;
	struct slot *slot;
	size_t nslots;			/* a power of two, twice max_groups */
	size_t max_groups, used, per_check;
	const char *target;		/* what a key names, for the report */
	struct check_info *checks;
	size_t nchecks;
};

int
exh_group_create(size_t cap, size_t per_check, const char *target,
    struct exh_group_table **out, struct exh_err *err)
{
	struct exh_group_table *t;
	size_t n = 16;

	if (out == NULL || cap == 0 || cap > (1u << 24) || per_check == 0)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "group table: create: bad size");
	while (n < cap * 2)
		n *= 2;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->slot = calloc(n, sizeof(*t->slot))) == NULL ||
	    (t->checks = calloc(GROUP_MAX_CHECKS, sizeof(*t->checks))) ==
	    NULL) {
		if (t != NULL)
			free(t->slot);
		free(t);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "group table: create: out of memory");
	}
	t->magic = GROUP_MAGIC;
	t->nslots = n;
	t->max_groups = cap;
	t->per_check = per_check;
	t->target = target != NULL ? target : "target";
	*out = t;
	return EXH_OK;
}

static void
empty(struct exh_group_table *t)
{
	size_t i;

	for (i = 0; i < t->nslots; i++) {
		free(t->slot[i].key);
		exh_finding_free(t->slot[i].f);
	}
	memset(t->slot, 0, t->nslots * sizeof(*t->slot));
	for (i = 0; i < t->nchecks; i++) {
		free(t->checks[i].id);
		exh_finding_free(t->checks[i].other);
	}
	memset(t->checks, 0, t->nchecks * sizeof(*t->checks));
	t->nchecks = 0;
	t->used = 0;
}

void
exh_group_destroy(struct exh_group_table *t)
{
	if (t == NULL || t->magic != GROUP_MAGIC)
		return;
	empty(t);
	free(t->slot);
	free(t->checks);
	t->magic = 0;
	free(t);
}

static uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The check's index; the last entry takes every check beyond the limit. */
static int
check_index(struct exh_group_table *t, const char *id, size_t *out)
{
	size_t i;

	for (i = 0; i < t->nchecks; i++)
		if (strcmp(t->checks[i].id, id) == 0) {
			*out = i;
			return EXH_OK;
		}
	if (t->nchecks == GROUP_MAX_CHECKS) {
		*out = GROUP_MAX_CHECKS - 1;
		return EXH_OK;
	}
	if ((t->checks[t->nchecks].id = strdup(id)) == NULL)
		return EXH_ENOMEM;
	*out = t->nchecks++;
	return EXH_OK;
}

/* A new group's first hit: its own line is the first sample. */
static int
start(struct exh_finding *f)
{
	f->count = 1;
	f->first = f->last = f->time;
	if (exh_finding_add_client(f, f->client_ip) != EXH_OK)
		return EXH_ENOMEM;
	return exh_finding_add_sample(f, f->line, f->time, f->excerpt);
}

/* The aggregate part of a finding, moved as one when the better-scoring
 * hit becomes the group's face. */
static void
swap_aggregate(struct exh_finding *a, struct exh_finding *b)
{
	struct exh_finding tmp;

	tmp.count = a->count;
	tmp.first = a->first;
	tmp.last = a->last;
	tmp.clients = a->clients;
	tmp.nclients = a->nclients;
	tmp.clients_cut = a->clients_cut;
	tmp.samples = a->samples;
	tmp.nsamples = a->nsamples;
	a->count = b->count;
	a->first = b->first;
	a->last = b->last;
	a->clients = b->clients;
	a->nclients = b->nclients;
	a->clients_cut = b->clients_cut;
	a->samples = b->samples;
	a->nsamples = b->nsamples;
	b->count = tmp.count;
	b->first = tmp.first;
	b->last = tmp.last;
	b->clients = tmp.clients;
	b->nclients = tmp.nclients;
	b->clients_cut = tmp.clients_cut;
	b->samples = tmp.samples;
	b->nsamples = tmp.nsamples;
}

/* Adds hit f to the group *gp; frees f. */
static int
merge(struct exh_finding **gp, struct exh_finding *f)
{
	struct exh_finding *g = *gp;
	int rc;

	if (g->count < UINT64_MAX)
		g->count++;
	if (f->time != 0 && (g->first == 0 || f->time < g->first))
		g->first = f->time;
	if (f->time > g->last)
		g->last = f->time;
	rc = exh_finding_add_client(g, f->client_ip);
	if (rc == EXH_OK)
		rc = exh_finding_add_sample(g, f->line, f->time, f->excerpt);
	/* The strongest hit speaks for the group (its reasons and line). */
	if (f->score > g->score) {
		swap_aggregate(g, f);
		*gp = f;
		f = g;
	}
	exh_finding_free(f);
	return rc;
}

static int
fold_other(struct exh_group_table *t, size_t ci, bool table_full,
    struct exh_finding *f)
{
	struct check_info *c = &t->checks[ci];

	if (table_full)
		c->over_table = true;
	else
		c->over_check = true;
	if (c->other == NULL) {
		c->other = f;
		return start(f);
	}
	return merge(&c->other, f);
}

int
exh_group_add(struct exh_group_table *t, const char *key,
    struct exh_finding *f, struct exh_err *err)
{
	size_t klen, ci, i;
	uint64_t h;
	int rc;

	if (t == NULL || t->magic != GROUP_MAGIC || f == NULL ||
	    f->check == NULL) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "group table: add: bad handle or finding");
	}
	if (key == NULL)
		key = "";
	klen = strnlen(key, EXH_GROUP_KEY_MAX);
	if (check_index(t, f->check, &ci) != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "group table: add: out of memory");
	}
	h = fnv(fnv(0xcbf29ce484222325ULL, f->check, strlen(f->check) + 1),
	    key, klen);
	if (h == 0)
		h = 1;
	for (i = h & (t->nslots - 1); t->slot[i].hash != 0;
	    i = (i + 1) & (t->nslots - 1)) {
		struct slot *s = &t->slot[i];

		if (s->hash == h && s->check == ci &&
		    strncmp(s->key, key, klen) == 0 && s->key[klen] == '\0') {
			rc = merge(&s->f, f);
			goto done;
		}
	}
	if (t->used >= t->max_groups)
		rc = fold_other(t, ci, true, f);
	else if (t->checks[ci].groups >= t->per_check)
		rc = fold_other(t, ci, false, f);
	else if ((t->slot[i].key = strndup(key, klen)) == NULL) {
		exh_finding_free(f);
		rc = EXH_ENOMEM;
	} else {
		t->slot[i].hash = h;
		t->slot[i].check = ci;
		t->slot[i].f = f;
		t->used++;
		t->checks[ci].groups++;
		rc = start(f);
	}
done:
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "group table: add: out of memory");
	return EXH_OK;
}

/* A single hit goes out as it came in; a group says what it stands for. */
static int
finish(const struct exh_group_table *t, struct exh_finding *f,
    const char *what)
{
	char same[256];
	size_t i;

	if (f->count <= 1 && what == NULL) {
		for (i = 0; i < f->nclients; i++)
			free(f->clients[i]);
		for (i = 0; i < f->nsamples; i++)
			free(f->samples[i].text);
		free(f->clients);
		free(f->samples);
		f->clients = NULL;
		f->samples = NULL;
		f->nclients = f->nsamples = 0;
		f->count = 0;
		f->first = f->last = 0;
		return EXH_OK;
	}
	/* Display text: may be cut. */
	(void)snprintf(same, sizeof(same), "repeated hits of this check in "
	    "this file on one %s, reported once", t->target);
	return exh_finding_set(&f->grouped, what != NULL ? what : same);
}

static int
hand(const struct exh_group_table *t, struct exh_findings *c, struct exh_finding *f, const char *what,
    int status, struct exh_err *err)
{
	struct exh_err e2 = { 0 };
	int rc;

	if (finish(t, f, what) != EXH_OK) {
		exh_finding_free(f);
		rc = exh_err_set(&e2, EXH_ENOMEM, 0,
		    "group table: flush: out of memory");
	} else {
		rc = exh_findings_add(c, f, &e2);
	}
	if (rc != EXH_OK && status == EXH_OK) {
		*err = e2;
		return rc;
	}
	return status;
}

int
exh_group_flush(struct exh_group_table *t, struct exh_findings *c,
    struct exh_err *err)
{
	char what[256];
	size_t i;
	int status = EXH_OK;

	if (t == NULL || t->magic != GROUP_MAGIC || c == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "group table: flush: bad handle");
	for (i = 0; i < t->nslots; i++) {
		if (t->slot[i].f == NULL)
			continue;
		status = hand(t, c, t->slot[i].f, NULL, status, err);
		t->slot[i].f = NULL;
	}
	for (i = 0; i < t->nchecks; i++) {
		struct check_info *ci = &t->checks[i];

		if (ci->other == NULL)
			continue;
		/* Display text: the numbers always fit. */
		(void)snprintf(what, sizeof(what), "other: this check hit "
		    "more than %zu distinct targets (%s) in this file%s; the "
		    "rest are counted in this one finding", ci->over_table ?
		    t->max_groups : t->per_check, t->target, ci->over_table ?
		    " (group table full)" : "");
		status = hand(t, c, ci->other, what, status, err);
		ci->other = NULL;
	}
	empty(t);
	return status;
}
