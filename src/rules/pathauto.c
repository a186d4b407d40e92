/*
 * Path IOCs as one automaton: every regex's required literals (pathlit.c)
 * go into one Aho-Corasick DFA over a folded path, so a path costs one
 * pass whatever the number of IOCs, and PCRE2 runs only for the regexes
 * whose literal the path holds ("candidates") and for the few with no
 * usable literal ("slow": tried on every path, as all were before).
 * The DFA table is dense over the bytes literals use (other bytes go to
 * the root), states by classes of uint32_t.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

struct out_pair {
	uint32_t state, ioc;
};

struct builder {
	struct path_auto *a;
	size_t cap;		/* states allocated */
	struct out_pair *pairs;
	size_t npairs, cappairs;
};

static int
cmp_pair(const void *x, const void *y)
{
	const struct out_pair *a = x, *b = y;

	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	return a->ioc < b->ioc ? -1 : a->ioc > b->ioc;
}

static int
grow_states(struct builder *b)
{
	struct path_auto *a = b->a;
	size_t cap = b->cap == 0 ? 1024 : b->cap * 2;
	uint32_t *next;

	if (cap > UINT32_MAX / a->ncls)
		return EXH_ENOMEM;
	if ((next = realloc(a->next, cap * a->ncls * sizeof(*next))) == NULL)
		return EXH_ENOMEM;
	memset(next + b->cap * a->ncls, 0,
	    (cap - b->cap) * a->ncls * sizeof(*next));
	a->next = next;
	b->cap = cap;
	return EXH_OK;
}

static int
add_pair(struct builder *b, uint32_t state, uint32_t ioc)
{
	struct out_pair *nv;

	if (b->npairs == b->cappairs) {
		size_t cap = b->cappairs == 0 ? 1024 : b->cappairs * 2;

		if ((nv = realloc(b->pairs, cap * sizeof(*nv))) == NULL)
			return EXH_ENOMEM;
		b->pairs = nv;
		b->cappairs = cap;
	}
	b->pairs[b->npairs].state = state;
	b->pairs[b->npairs].ioc = ioc;
	b->npairs++;
	return EXH_OK;
}

static int
insert(struct builder *b, const unsigned char *lit, size_t len, uint32_t ioc)
{
	struct path_auto *a = b->a;
	uint32_t s = 0, *slot;
	size_t i;

	for (i = 0; i < len; i++) {
		slot = &a->next[(size_t)s * a->ncls + a->cls[lit[i]]];
		if (*slot == 0) {
			if (a->nstates == b->cap && grow_states(b) != EXH_OK)
				return EXH_ENOMEM;
			slot = &a->next[(size_t)s * a->ncls + a->cls[lit[i]]];
			*slot = (uint32_t)a->nstates++;
		}
		s = *slot;
	}
	return add_pair(b, s, ioc);
}

/* Completes the goto table into a DFA and links the output chains. */
static int
link_states(struct path_auto *a)
{
	uint32_t *fail, *queue, s, t, f;
	size_t head = 0, tail = 0, c, n = a->nstates;
	int rc = EXH_ENOMEM;

	fail = calloc(n, sizeof(*fail));
	queue = malloc(n * sizeof(*queue));
	a->emit = calloc(n, sizeof(*a->emit));
	a->dict = calloc(n, sizeof(*a->dict));
	if (fail == NULL || queue == NULL || a->emit == NULL ||
	    a->dict == NULL)
		goto out;
	for (c = 1; c < a->ncls; c++)
		if ((t = a->next[c]) != 0) {
			a->emit[t] = a->out_start[t] < a->out_start[t + 1] ?
			    t : 0;
			queue[tail++] = t;
		}
	while (head < tail) {
		s = queue[head++];
		for (c = 1; c < a->ncls; c++) {
			uint32_t *slot = &a->next[(size_t)s * a->ncls + c];

			f = a->next[(size_t)fail[s] * a->ncls + c];
			if (*slot == 0) {
				*slot = f;
				continue;
			}
			t = *slot;
			fail[t] = f;
			a->dict[t] = a->emit[f];
			a->emit[t] = a->out_start[t] < a->out_start[t + 1] ?
			    t : a->dict[t];
			queue[tail++] = t;
		}
	}
	rc = EXH_OK;
out:
	free(fail);
	free(queue);
	return rc;
}

static int
build_outputs(struct path_auto *a, struct builder *b)
{
	size_t i, k = 0;

	if (b->npairs > 1)
		qsort(b->pairs, b->npairs, sizeof(*b->pairs), cmp_pair);
	a->out_start = calloc(a->nstates + 1, sizeof(*a->out_start));
	a->out_ioc = malloc((b->npairs + 1) * sizeof(*a->out_ioc));
	if (a->out_start == NULL || a->out_ioc == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < b->npairs; i++) {
		if (k > 0 && b->pairs[i].state == b->pairs[i - 1].state &&
		    b->pairs[i].ioc == b->pairs[i - 1].ioc)
			continue;
		a->out_ioc[k++] = b->pairs[i].ioc;
		a->out_start[b->pairs[i].state + 1]++;
	}
	for (i = 0; i < a->nstates; i++)
		a->out_start[i + 1] += a->out_start[i];
	return EXH_OK;
}

/* Byte classes: one per byte some literal uses, 0 for all others. */
static void
set_classes(struct path_auto *a, const struct pathlit_set *sets, size_t n)
{
	size_t i, j, k;

	memset(a->cls, 0, sizeof(a->cls));
	a->ncls = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < sets[i].n; j++)
			for (k = 0; k < sets[i].len[j]; k++)
				if (a->cls[sets[i].lit[j][k]] == 0)
					a->cls[sets[i].lit[j][k]] =
					    (uint8_t)a->ncls++;
}

static int
build(struct path_auto *a, const struct pathlit_set *sets, size_t n)
{
	struct builder b = { .a = a };
	size_t i, j;
	int rc = EXH_OK;

	set_classes(a, sets, n);
	a->nwords = (n + 63) / 64;
	if ((a->slow = calloc(a->nwords, sizeof(*a->slow))) == NULL ||
	    grow_states(&b) != EXH_OK)
		rc = EXH_ENOMEM;
	a->nstates = 1;
	for (i = 0; i < n && rc == EXH_OK; i++) {
		if (sets[i].n == 0) {
			a->slow[i / 64] |= (uint64_t)1 << (i % 64);
			a->nslow++;
			continue;
		}
		for (j = 0; j < sets[i].n && rc == EXH_OK; j++)
			rc = insert(&b, sets[i].lit[j], sets[i].len[j],
			    (uint32_t)i);
	}
	if (rc == EXH_OK)
		rc = build_outputs(a, &b);
	if (rc == EXH_OK)
		rc = link_states(a);
	free(b.pairs);
	return rc;
}

int
pathauto_build(struct path_auto *a, const char *const *regexes, size_t n)
{
	struct pathlit_set *sets;
	size_t i;
	int rc;

	pathauto_free(a);
	if (n == 0)
		return EXH_OK;
	if (n > UINT32_MAX || (sets = calloc(n, sizeof(*sets))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++)
		pathlit_extract(regexes[i], &sets[i]);
	rc = build(a, sets, n);
	free(sets);
	if (rc != EXH_OK)
		pathauto_free(a);
	else
		a->built = true;
	return rc;
}

void
pathauto_free(struct path_auto *a)
{
	free(a->next);
	free(a->emit);
	free(a->dict);
	free(a->out_start);
	free(a->out_ioc);
	free(a->slow);
	memset(a, 0, sizeof(*a));
}

/*
 * The byte the DFA sees: ASCII folded to lower case, and the two non-ASCII
 * letters PCRE2's caseless UTF matching takes for 'k' and 's' (KELVIN SIGN,
 * LATIN SMALL LONG S) read as those, so a literal is never missed.
 */
static unsigned char
fold_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned char c = *p;

	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	else if (c == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
		c = 'k';
		p += 2;
	} else if (c == 0xc5 && p[1] == 0xbf) {
		c = 's';
		p++;
	}
	*pp = p + 1;
	return c;
}

void
pathauto_mark(const struct path_auto *a, const char *path, uint64_t *bits)
{
	const unsigned char *p = (const unsigned char *)path;
	uint32_t s = 0, e, k;

	while (*p != '\0') {
		s = a->next[(size_t)s * a->ncls + a->cls[fold_next(&p)]];
		for (e = a->emit[s]; e != 0; e = a->dict[e])
			for (k = a->out_start[e]; k < a->out_start[e + 1]; k++)
				bits[a->out_ioc[k] / 64] |=
				    (uint64_t)1 << (a->out_ioc[k] % 64);
	}
}
