/* A set (and map) of 64-bit keys: open addressing, linear probing. */
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

#define SET64_MIN 1024

/* Slots hold key + 1, so 0 marks a free slot. */
static size_t
home(uint64_t k, size_t cap)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ULL) & (cap - 1));
}

static size_t
slot(const struct exh_set64 *s, uint64_t k)
{
	size_t i;

	for (i = home(k, s->cap); s->keys[i] != 0 && s->keys[i] != k + 1;
	    i = (i + 1) & (s->cap - 1))
		continue;
	return i;
}

static int
grow(struct exh_set64 *s)
{
	struct exh_set64 nw = { NULL, NULL, 0, 0 };
	size_t i, j;

	nw.cap = s->cap ? s->cap * 2 : SET64_MIN;
	if (nw.cap < s->cap)
		return EXH_ENOMEM;
	nw.keys = calloc(nw.cap, sizeof(*nw.keys));
	nw.values = calloc(nw.cap, sizeof(*nw.values));
	if (nw.keys == NULL || nw.values == NULL) {
		exh_set64_free(&nw);
		return EXH_ENOMEM;
	}
	for (i = 0; i < s->cap; i++)
		if (s->keys[i] != 0) {
			j = slot(&nw, s->keys[i] - 1);
			nw.keys[j] = s->keys[i];
			nw.values[j] = s->values[i];
		}
	nw.n = s->n;
	exh_set64_free(s);
	*s = nw;
	return EXH_OK;
}

bool
exh_set64_get(const struct exh_set64 *s, uint64_t key, uint64_t *value)
{
	size_t i;

	if (s->cap == 0 || key == UINT64_MAX)
		return false;
	i = slot(s, key);
	if (s->keys[i] == 0)
		return false;
	if (value != NULL)
		*value = s->values[i];
	return true;
}

bool
exh_set64_has(const struct exh_set64 *s, uint64_t key)
{
	return exh_set64_get(s, key, NULL);
}

int
exh_set64_put(struct exh_set64 *s, uint64_t key, uint64_t value)
{
	size_t i;
	int rc;

	if (key == UINT64_MAX)
		return EXH_EUSAGE;
	if ((s->n + 1) * 2 > s->cap && (rc = grow(s)) != EXH_OK)
		return rc;
	i = slot(s, key);
	if (s->keys[i] == 0) {
		s->keys[i] = key + 1;
		s->n++;
	}
	s->values[i] = value;
	return EXH_OK;
}

int
exh_set64_add(struct exh_set64 *s, uint64_t key)
{
	uint64_t old = 0;

	/* Adding a member again keeps the value it has. */
	(void)exh_set64_get(s, key, &old);
	return exh_set64_put(s, key, old);
}

void
exh_set64_free(struct exh_set64 *s)
{
	free(s->keys);
	free(s->values);
	memset(s, 0, sizeof(*s));
}
