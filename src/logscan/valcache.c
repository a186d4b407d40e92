/*
 * Value cache of the log checks.
 *
 * Logs repeat themselves: an OWA log has a few hundred distinct URL
 * stems and user agents over millions of rows.  A costly clause (a set of
 * regexes over the stem, the user-agent lists, Exchange's own pages) is
 * worked out once per distinct value and remembered in a fixed-size,
 * direct-mapped table; a row whose value is there costs a hash and one
 * comparison.  The full value is kept and compared, so a forged hash
 * collision can only cost a recomputation, never change a result.  A
 * clause whose values do not repeat stops using the table (see
 * LOGSCAN_VC_PROBE), so unique values cost no more than before.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

int
logscan_vcache_init(struct logscan_vcache *vc, size_t nfields)
{
	size_t i;

	memset(vc, 0, sizeof(*vc));
	vc->slot = malloc(LOGSCAN_VC_SLOTS * sizeof(*vc->slot));
	vc->cur = calloc(nfields + 1, sizeof(*vc->cur));
	vc->at = calloc(nfields + 1, sizeof(*vc->at));
	vc->hash = calloc(nfields + 1, sizeof(*vc->hash));
	vc->tries = calloc(nfields + 1, sizeof(*vc->tries));
	vc->found = calloc(nfields + 1, sizeof(*vc->found));
	vc->off = calloc(nfields + 1, sizeof(*vc->off));
	if (vc->slot == NULL || vc->cur == NULL || vc->at == NULL ||
	    vc->hash == NULL || vc->tries == NULL || vc->found == NULL ||
	    vc->off == NULL) {
		logscan_vcache_free(vc);
		return EXH_ENOMEM;
	}
	for (i = 0; i < LOGSCAN_VC_SLOTS; i++)
		vc->slot[i].field = -1;
	return EXH_OK;
}

void
logscan_vcache_free(struct logscan_vcache *vc)
{
	free(vc->slot);
	free(vc->cur);
	free(vc->at);
	free(vc->hash);
	free(vc->tries);
	free(vc->found);
	free(vc->off);
	memset(vc, 0, sizeof(*vc));
}

/* Eight bytes a step: values are short, and a user agent of 130 bytes
 * must not cost more to hash than to test once. */
static uint64_t
value_hash(int field, const char *v, size_t n)
{
	const uint64_t mul = 0x9e3779b97f4a7c15ull;
	uint64_t h = ((uint64_t)(unsigned)field + 1) * mul ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, v + i, 8);
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, v + i, n - i);
	h = (h ^ w) * mul;
	return h ^ (h >> 32);
}

static struct logscan_vslot *
claim(struct logscan_vcache *vc, int field, const char *v, size_t n)
{
	uint64_t h = value_hash(field, v, n);
	struct logscan_vslot *s = &vc->slot[h & (LOGSCAN_VC_SLOTS - 1)];

	vc->hash[field] = h;
	vc->tries[field]++;
	if (s->field == field && s->hash == h && s->n == n &&
	    memcmp(s->v, v, n) == 0) {
		vc->found[field]++;
		return s;
	}
	if (vc->tries[field] == LOGSCAN_VC_PROBE &&
	    vc->found[field] * 4 < vc->tries[field]) {
		vc->off[field] = true;
		return NULL;
	}
	s->field = field;
	s->hash = h;
	s->known = s->val = 0;
	s->n = (uint16_t)n;
	memcpy(s->v, v, n);
	return s;
}

/*
 * The slot for field's value v[0..n) in row number row: its bits hold
 * what is known of the clauses on that value; the caller adds what it
 * works out.  NULL when the value is not cached.  Two columns of one row
 * may want the same slot; the one that lost it finds out here (the slot
 * no longer holds its hash) and goes without.
 */
struct logscan_vslot *
logscan_vcache_slot(struct logscan_vcache *vc, int field, uint64_t row,
    const char *v, size_t n)
{
	struct logscan_vslot *s;

	if (vc->slot == NULL || field < 0 || vc->off[field] ||
	    n > LOGSCAN_VC_VALMAX)
		return NULL;
	if (vc->at[field] != row) {
		vc->at[field] = row;
		vc->cur[field] = claim(vc, field, v, n);
	}
	s = vc->cur[field];
	if (s == NULL || s->field != field || s->hash != vc->hash[field])
		return NULL;
	return s;
}
