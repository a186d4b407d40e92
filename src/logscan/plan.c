/* What the loader works out once the rules are read: the order a rule's
 * clauses are tried in and the clause results rules share per line. */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

static int
clause_cost(const struct logscan_clause *c)
{
	switch (c->op) {
	case LOGSCAN_OP_EMPTY:
	case LOGSCAN_OP_NONEMPTY:
		return 0;
	case LOGSCAN_OP_EQUALS:
	case LOGSCAN_OP_PREFIX:
	case LOGSCAN_OP_IN:
		return 1;
	case LOGSCAN_OP_LIKE:
		return c->like == LOGSCAN_LIKE_GENERAL && c->head == 0 ? 3 : 2;
	case LOGSCAN_OP_SUBSTR:
		return 3;
	case LOGSCAN_OP_IPLIST:
	case LOGSCAN_OP_FLAGGED:
	case LOGSCAN_OP_OWNPAGE:
		return 4;
	case LOGSCAN_OP_INSET:
		return 5;
	case LOGSCAN_OP_REGEX:
		return 6;
	default:
		return 7;
	}
}

/* All clauses of a rule must hold, so the order they are tried in is
 * free: the cheap comparisons decide most lines before a set or a regex
 * runs.  The written order stays in cl (it is the order of the fields a
 * finding shows). */
int
logscan_order_clauses(struct logscan_rule *r)
{
	size_t i, j, k;

	if ((r->order = calloc(r->ncl, sizeof(*r->order))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < r->ncl; i++)
		r->cl[i].cost = clause_cost(&r->cl[i]);
	for (i = 0; i < r->ncl; i++) {
		k = i;
		for (j = i; j > 0 && clause_cost(&r->cl[r->order[j - 1]]) >
		    clause_cost(&r->cl[k]); j--)
			r->order[j] = r->order[j - 1];
		r->order[j] = k;
	}
	return EXH_OK;
}

static bool
clause_pure(const struct logscan_clause *c)
{
	/* iplist, flagged and oab-outside leave a detail for the finding. */
	return c->op != LOGSCAN_OP_IPLIST && c->op != LOGSCAN_OP_FLAGGED &&
	    c->op != LOGSCAN_OP_OAB_OUTSIDE;
}

/* Rules of one family repeat clauses ("cs-method equals POST"); each
 * distinct one is worked out once per line and remembered. */
void
logscan_share_results(struct exh_logscan *ls)
{
	size_t i, j, k, l;

	for (i = 0; i < ls->nrules; i++)
		for (j = 0; j < ls->rules[i].ncl; j++) {
			struct logscan_clause *c = &ls->rules[i].cl[j];

			c->memo = -1;
			if (!clause_pure(c))
				continue;
			for (k = 0; k <= i && c->memo < 0; k++)
				for (l = 0; l < ls->rules[k].ncl; l++) {
					const struct logscan_clause *o =
					    &ls->rules[k].cl[l];

					if (o == c)
						break;
					if (o->memo >= 0 && o->field == c->field &&
					    o->op == c->op &&
					    strcmp(o->pat, c->pat) == 0) {
						c->memo = o->memo;
						break;
					}
				}
			if (c->memo < 0)
				c->memo = (int)ls->nmemo++;
		}
}

/* Worth caching per value: a test that costs more than a comparison or
 * two, on a column (the raw line never repeats).  oab-outside leaves a
 * capture behind, so it is always worked out. */
static bool
clause_cacheable(const struct logscan_clause *c)
{
	if (c->field == LOGSCAN_FIELD_LINE)
		return false;
	switch (c->op) {
	case LOGSCAN_OP_LIKE:
		return c->like == LOGSCAN_LIKE_GENERAL ||
		    c->like == LOGSCAN_LIKE_CONTAINS;
	case LOGSCAN_OP_REGEX:
	case LOGSCAN_OP_SUBSTR:
	case LOGSCAN_OP_INSET:
	case LOGSCAN_OP_OWNPAGE:
	case LOGSCAN_OP_IPLIST:
	case LOGSCAN_OP_FLAGGED:
		return true;
	default:
		return false;
	}
}

static bool
clause_same(const struct logscan_clause *a, const struct logscan_clause *b)
{
	return a->field == b->field && a->op == b->op &&
	    strcmp(a->pat, b->pat) == 0;
}

/* Gives each distinct cacheable clause a bit of its column's value-cache
 * slot; identical clauses of several rules share it ("cs-uri-stem inset
 * script-stems").  Past LOGSCAN_VC_BITS clauses on one column, the rest
 * are worked out every time. */
void
logscan_plan_value_cache(struct exh_logscan *ls)
{
	size_t i, j, k, l;
	int *used;

	if ((used = calloc(ls->nfields + 1, sizeof(*used))) == NULL) {
		for (i = 0; i < ls->nrules; i++)
			for (j = 0; j < ls->rules[i].ncl; j++)
				ls->rules[i].cl[j].vc = -1;
		return;		/* no cache: slower, same results */
	}
	for (i = 0; i < ls->nrules; i++)
		for (j = 0; j < ls->rules[i].ncl; j++) {
			struct logscan_clause *c = &ls->rules[i].cl[j];
			bool done = false;

			c->vc = -1;
			if (!clause_cacheable(c))
				continue;
			for (k = 0; k <= i && !done; k++)
				for (l = 0; l < ls->rules[k].ncl; l++) {
					const struct logscan_clause *o =
					    &ls->rules[k].cl[l];

					if (o == c) {
						done = true;
						break;
					}
					if (o->vc >= 0 && clause_same(o, c)) {
						c->vc = o->vc;
						done = true;
						break;
					}
				}
			if (c->vc < 0 && used[c->field] < LOGSCAN_VC_BITS)
				c->vc = used[c->field]++;
		}
	free(used);
}
