/* Name table for the bundle writer and verifier: insertion order, hash index. */
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"

static size_t
hash_name(const char *s)
{
	size_t h = 14695981039346656037ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int
grow_index(struct bundle_names *t)
{
	size_t n = t->nslot ? t->nslot * 2 : 64, i, j;
	size_t *s;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < t->n; i++) {
		j = hash_name(t->v[i].name) & (n - 1);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = i + 1;
	}
	free(t->slot);
	t->slot = s;
	t->nslot = n;
	return EXH_OK;
}

struct bundle_names_ent *
bundle_names_find(const struct bundle_names *t, const char *name)
{
	size_t j;

	if (t->nslot == 0)
		return NULL;
	j = hash_name(name) & (t->nslot - 1);
	while (t->slot[j] != 0) {
		if (strcmp(t->v[t->slot[j] - 1].name, name) == 0)
			return &t->v[t->slot[j] - 1];
		j = (j + 1) & (t->nslot - 1);
	}
	return NULL;
}

int
bundle_names_get(struct bundle_names *t, const char *name,
    struct bundle_names_ent **out, bool *created)
{
	struct bundle_names_ent *e;
	size_t j, cap;

	if ((e = bundle_names_find(t, name)) != NULL) {
		*out = e;
		*created = false;
		return EXH_OK;
	}
	if ((t->n + 1) * 2 > t->nslot && grow_index(t) != EXH_OK)
		return EXH_ENOMEM;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((e = reallocarray(t->v, cap, sizeof(*e))) == NULL)
			return EXH_ENOMEM;
		t->v = e;
		t->cap = cap;
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = strdup(name)) == NULL)
		return EXH_ENOMEM;
	j = hash_name(name) & (t->nslot - 1);
	while (t->slot[j] != 0)
		j = (j + 1) & (t->nslot - 1);
	t->slot[j] = ++t->n;
	*out = e;
	*created = true;
	return EXH_OK;
}

void
bundle_names_free(struct bundle_names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
