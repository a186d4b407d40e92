/*
 * Literal prefilter of the log checks.
 *
 * Every rule that can only hold on a line holding one of a few literals
 * (the fixed text of a -like, a substring, the members of an "in", the
 * attacker IPs, or the rule data's "needs A|B") is tried only on lines
 * that hold one.  The literals are searched for over the whole buffer
 * with memchr on their rarest byte, so lines no rule can match cost a
 * newline search and the time column, as they do for grep.  Rules
 * without such a literal ("slow" rules) are tried on every row, as
 * before.  Skipping a rule that cannot hold changes no result: the on/off
 * comparison in tests/unit/test_logscan_prefilter.c holds us to that.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

/*
 * How often each byte occurs in IIS and HttpProxy logs, per 1,000 bytes,
 * either case (counted over mklogs' OWA and HttpProxy traffic, whose
 * fields follow published logs); bytes not listed are rarer, ~0.1.  The
 * prefilter searches for the rarest byte of a literal, and leaves a rule
 * to the slow path when its literals' bytes are so common that checking
 * every hit would cost more than evaluating the rule on every row.
 */
static const struct {
	char c;
	float permille;
} byte_freq[] = {
	{ '0', 64.4f }, { ',', 55.9f }, { 'e', 52.3f }, { 'o', 43.4f },
	{ 'a', 43.3f }, { '3', 42.0f }, { 't', 38.0f }, { '.', 34.6f },
	{ 'i', 33.4f }, { 'c', 33.0f }, { '1', 32.1f }, { '2', 30.0f },
	{ ' ', 29.7f }, { '4', 25.8f }, { 's', 25.3f }, { '-', 24.1f },
	{ 'n', 23.6f }, { 'd', 22.1f }, { 'm', 21.7f }, { '6', 21.4f },
	{ 'r', 21.1f }, { '5', 20.7f }, { 'l', 17.7f }, { '+', 17.0f },
	{ '7', 16.3f }, { '/', 14.7f }, { '8', 14.7f }, { 'p', 14.5f },
	{ 'b', 13.3f }, { 'f', 12.8f }, { '9', 12.3f }, { 'w', 11.9f },
	{ 'h', 10.7f }, { ';', 10.7f }, { '=', 10.6f }, { 'k', 9.9f },
	{ ':', 9.0f }, { 'g', 8.5f }, { '&', 6.9f }, { 'u', 6.3f },
	{ 'x', 5.3f }, { '(', 4.6f }, { ')', 4.6f }, { 'v', 3.9f },
	{ 'z', 3.0f }, { 'y', 2.7f }, { 'q', 2.3f }, { '\\', 2.3f },
	{ '~', 2.2f }, { '<', 1.5f }, { '>', 1.5f }, { '@', 0.8f },
	{ '?', 0.7f }, { '%', 0.7f },
};

/*
 * Estimated cost of searching for a byte, in ns per byte of log: one
 * memchr pass (two for a letter, one per case) at ~12 GB/s, plus ~8 ns
 * for each place the byte occurs.  A rule whose literals cost more than
 * LOGSCAN_PF_MAX_COST is cheaper to try on every row.
 */
#define LOGSCAN_PF_PASS_COST	0.08
#define LOGSCAN_PF_HIT_COST	0.008
#define LOGSCAN_PF_MAX_COST	0.19

struct litset {
	const char **p;
	size_t *n;
	size_t cnt, cap;
};

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static unsigned char
upper(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
}

static double
byte_cost(unsigned char c)
{
	double permille = 0.1;
	size_t i;

	for (i = 0; i < sizeof(byte_freq) / sizeof(byte_freq[0]); i++)
		if ((unsigned char)byte_freq[i].c == lower(c))
			permille = byte_freq[i].permille;
	return (lower(c) != upper(c) ? 2 : 1) * LOGSCAN_PF_PASS_COST +
	    permille * LOGSCAN_PF_HIT_COST;
}

/* The cheapest byte of p[0..n) to search for, and its cost. */
static double
literal_cost(const char *p, size_t n, size_t *anchor)
{
	double best = 1e9, c;
	size_t i;

	for (i = 0; i < n; i++)
		if ((c = byte_cost((unsigned char)p[i])) < best) {
			best = c;
			if (anchor != NULL)
				*anchor = i;
		}
	return best;
}

/* A literal must occur in the raw line as it occurs in the field: no
 * quote (CSV unquoting changes those) and no control character. */
static bool
literal_usable(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (p[i] == '"' || (unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

static bool
set_add(struct litset *set, const char *p, size_t n)
{
	if (!literal_usable(p, n))
		return false;
	if (set->cnt == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		const char **np = realloc(set->p, cap * sizeof(*np));
		size_t *nn;

		if (np == NULL)
			return false;
		set->p = np;
		if ((nn = realloc(set->n, cap * sizeof(*nn))) == NULL)
			return false;
		set->n = nn;
		set->cap = cap;
	}
	set->p[set->cnt] = p;
	set->n[set->cnt++] = n;
	return true;
}

static void
set_free(struct litset *set)
{
	free(set->p);
	free(set->n);
	memset(set, 0, sizeof(*set));
}

/* The text every value a -like pattern matches contains. */
static bool
like_literal(const struct logscan_clause *c, struct litset *set)
{
	if (c->like == LOGSCAN_LIKE_GENERAL)
		return set_add(set, c->need, c->needlen);
	return set_add(set, c->lit, c->litlen);
}

/*
 * Fills set with literals one of which every line c holds on contains;
 * false when there are none (the clause cannot narrow the lines).  An
 * empty set that is usable means the clause never holds.
 */
static bool
clause_literals(const struct exh_logscan *ls, const struct logscan_clause *c,
    struct litset *set)
{
	size_t i;

	if (c->neg)
		return false;
	switch (c->op) {
	case LOGSCAN_OP_LIKE:
		return like_literal(c, set);
	case LOGSCAN_OP_SUBSTR:
	case LOGSCAN_OP_EQUALS:
	case LOGSCAN_OP_PREFIX:
		return set_add(set, c->pat, c->plen);
	case LOGSCAN_OP_OAB_OUTSIDE:
		return set_add(set, c->alts[0], c->altlen[0]);
	case LOGSCAN_OP_IN:
		for (i = 0; i < c->nalts; i++)
			if (!set_add(set, c->alts[i], c->altlen[i]))
				return false;
		return true;
	case LOGSCAN_OP_INSET: {
		const struct logscan_pset *ps = &ls->sets[c->set];

		for (i = 0; i < ps->n; i++)
			if (ps->items[i].op != LOGSCAN_OP_LIKE ||
			    !like_literal(&ps->items[i], set))
				return false;
		return true;
	}
	case LOGSCAN_OP_IPLIST:
		for (i = 0; i < ls->ips.cap; i++)
			if (ls->ips.keys[i] != NULL && !set_add(set,
			    ls->ips.keys[i], strlen(ls->ips.keys[i])))
				return false;
		return true;
	default:
		return false;
	}
}

static bool
needs_literals(const char *needs, struct litset *set)
{
	const char *p = needs, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if (!set_add(set, p, bar ? (size_t)(bar - p) : strlen(p)))
			return false;
		if (bar == NULL)
			return true;
		p = bar + 1;
	}
}

static double
set_cost(const struct litset *set)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < set->cnt; i++)
		sum += literal_cost(set->p[i], set->n[i], NULL);
	return sum;
}

/*
 * The byte a literal is searched for by.  Each place it occurs costs a
 * memchr restart and a comparison, which measured (callgrind, OWA log)
 * at about four times LOGSCAN_PF_HIT_COST: so a letter a little rarer
 * beats a one-case byte found several times a line ('=' in a query).
 */
static size_t
anchor_of(const char *p, size_t n)
{
	double best = 1e9, c;
	size_t i, at = 0;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[i];

		c = byte_cost(b) + 3 * (byte_cost(b) -
		    (lower(b) != upper(b) ? 2 : 1) * LOGSCAN_PF_PASS_COST);
		if (c < best) {
			best = c;
			at = i;
		}
	}
	return at;
}

static int
intern(struct exh_logscan *ls, const char *p, size_t n, size_t *id)
{
	struct logscan_lit *nl, *l;
	size_t i, best = 0;

	for (i = 0; i < ls->nlits; i++)
		if (ls->lits[i].n == n && logscan_iequal(ls->lits[i].s, n, p,
		    n)) {
			*id = i;
			return EXH_OK;
		}
	if ((nl = realloc(ls->lits, (ls->nlits + 1) * sizeof(*nl))) == NULL)
		return EXH_ENOMEM;
	ls->lits = nl;
	l = &nl[ls->nlits];
	if ((l->s = malloc(n + 1)) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++)
		l->s[i] = (char)lower((unsigned char)p[i]);
	l->s[n] = '\0';
	best = anchor_of(p, n);
	l->n = n;
	l->anchor = best;
	l->lo = lower((unsigned char)p[best]);
	l->up = upper((unsigned char)p[best]);
	*id = ls->nlits++;
	return EXH_OK;
}

static int
family_uses(struct exh_logscan *ls, int fam, size_t id)
{
	size_t i, *nf;

	for (i = 0; i < ls->fam_nlits[fam]; i++)
		if (ls->fam_lits[fam][i] == id)
			return EXH_OK;
	nf = realloc(ls->fam_lits[fam], (ls->fam_nlits[fam] + 1) *
	    sizeof(*nf));
	if (nf == NULL)
		return EXH_ENOMEM;
	nf[ls->fam_nlits[fam]++] = id;
	ls->fam_lits[fam] = nf;
	return EXH_OK;
}

static int
rule_literals(struct exh_logscan *ls, struct logscan_rule *r)
{
	struct litset best = { 0 }, cand = { 0 };
	double best_cost = LOGSCAN_PF_MAX_COST, cost;
	bool have = false;
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i <= r->ncl; i++) {
		bool ok;

		cand.cnt = 0;
		if (i < r->ncl && r->cl[i].op == LOGSCAN_OP_FLAGGED &&
		    !r->cl[i].neg)
			r->flagged = true;
		ok = i < r->ncl ? clause_literals(ls, &r->cl[i], &cand) :
		    r->needs != NULL && needs_literals(r->needs, &cand);
		if (ok && (cost = set_cost(&cand)) <= best_cost) {
			struct litset t = best;

			best = cand;
			cand = t;
			best_cost = cost;
			have = true;
		}
	}
	r->slow = !have;
	if (have && best.cnt > 0 &&
	    (r->lits = calloc(best.cnt, sizeof(*r->lits))) == NULL)
		rc = EXH_ENOMEM;
	for (i = 0; rc == EXH_OK && have && i < best.cnt; i++) {
		rc = intern(ls, best.p[i], best.n[i], &r->lits[i]);
		if (rc == EXH_OK)
			rc = family_uses(ls, r->family, r->lits[i]);
		if (rc == EXH_OK)
			r->nlits++;
	}
	set_free(&best);
	set_free(&cand);
	return rc;
}

int
logscan_prefilter_build(struct exh_logscan *ls, bool enabled)
{
	size_t i;
	int rc;

	ls->prefilter = enabled;
	ls->nslow = 0;
	for (i = 0; i < ls->nrules; i++) {
		if ((rc = rule_literals(ls, &ls->rules[i])) != EXH_OK)
			return rc;
		if (ls->rules[i].slow)
			ls->nslow++;
	}
	/* With few literals, which a row holds is one word, and whether a
	 * rule is possible one AND. */
	ls->pf_masks = ls->nlits <= 64;
	for (i = 0; ls->pf_masks && i < ls->nrules; i++) {
		struct logscan_rule *r = &ls->rules[i];
		size_t j;

		for (j = 0; j < r->nlits; j++)
			r->litmask |= (uint64_t)1 << r->lits[j];
	}
	return EXH_OK;
}

void
logscan_prefilter_free(struct exh_logscan *ls)
{
	size_t i;

	for (i = 0; i < ls->nlits; i++)
		free(ls->lits[i].s);
	free(ls->lits);
	ls->lits = NULL;
	ls->nlits = 0;
	for (i = 0; i < EXH_LOG_NFAMILIES; i++) {
		free(ls->fam_lits[i]);
		ls->fam_lits[i] = NULL;
		ls->fam_nlits[i] = 0;
	}
}

/* The first occurrence of l in [from, end) regardless of ASCII case, or
 * NULL.  memchr finds the rarest byte in each case; the next place of
 * each (*a, *b; NULL when not known) is kept from call to call, so no
 * part of the buffer is searched twice. */
static const char *
find_literal(const struct logscan_lit *l, const char *from, const char *end,
    const char **ap, const char **bp)
{
	const char *q, *limit, *a = *ap, *b = *bp, *x = NULL;

	if ((size_t)(end - from) < l->n)
		return NULL;
	q = from + l->anchor;
	limit = end - l->n + l->anchor + 1;
	while (q < limit) {
		if (a == NULL || a < q)
			if ((a = memchr(q, l->lo, (size_t)(limit - q))) == NULL)
				a = limit;
		if (l->up == l->lo)
			b = limit;
		else if (b == NULL || b < q)
			if ((b = memchr(q, l->up, (size_t)(limit - q))) == NULL)
				b = limit;
		x = a < b ? a : b;
		if (x >= limit)
			break;
		if (logscan_iequal(x - l->anchor, l->n, l->s, l->n))
			break;
		q = x + 1;
	}
	*ap = a;
	*bp = b;
	return x != NULL && x < limit ? x - l->anchor : NULL;
}

/* Works out which of the family's literals the current line holds.  The
 * next occurrence of each literal is remembered, so over a buffer each
 * literal is searched for once, not once per line. */
void
logscan_prefilter_line(struct logscan_filestate *sc)
{
	const struct exh_logscan *ls = sc->ls;
	const size_t *ids = ls->fam_lits[sc->family];
	const char *line = sc->line, *lend = line + sc->linelen;
	bool inside = line >= sc->buf && lend <= sc->pf_end;
	size_t i;

	sc->pf_mask = 0;
	for (i = 0; i < ls->fam_nlits[sc->family]; i++) {
		size_t id = ids[i];
		const struct logscan_lit *l = &ls->lits[id];
		const char *nx = sc->pf_next[id];

		if (!inside) {
			/* Not in the buffer (never expected): no skipping. */
			sc->pf_on_line[id] = true;
			if (ls->pf_masks)
				sc->pf_mask |= (uint64_t)1 << id;
			continue;
		}
		if (sc->pf_gen_of[id] != sc->pf_gen) {
			sc->pf_a[id] = sc->pf_b[id] = NULL;
			nx = NULL;
		}
		if (nx == NULL || nx < line) {
			if ((nx = find_literal(l, line, sc->pf_end,
			    &sc->pf_a[id], &sc->pf_b[id])) == NULL)
				nx = sc->pf_end;
			sc->pf_next[id] = nx;
			sc->pf_gen_of[id] = sc->pf_gen;
		}
		sc->pf_on_line[id] = nx < lend && (size_t)(lend - nx) >= l->n;
		if (sc->pf_on_line[id] && ls->pf_masks)
			sc->pf_mask |= (uint64_t)1 << id;
	}
}

bool
logscan_rule_possible(const struct logscan_filestate *sc,
    const struct logscan_rule *r)
{
	size_t i;

	if (!sc->ls->prefilter)
		return true;
	if (r->flagged && sc->ls->flagged.n == 0)
		return false;
	if (r->slow)
		return true;
	if (sc->ls->pf_masks)
		return (r->litmask & sc->pf_mask) != 0;
	for (i = 0; i < r->nlits; i++)
		if (sc->pf_on_line[r->lits[i]])
			return true;
	return false;
}
