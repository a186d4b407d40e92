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
