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
logscan_vcache_init(struct logscan_vcache *vc, size_t nclauses)
{
	size_t i;

	memset(vc, 0, sizeof(*vc));
	vc->slot = malloc(LOGSCAN_VC_SLOTS * sizeof(*vc->slot));
	vc->tries = calloc(nclauses + 1, sizeof(*vc->tries));
	vc->found = calloc(nclauses + 1, sizeof(*vc->found));
	vc->off = calloc(nclauses + 1, sizeof(*vc->off));
	if (vc->slot == NULL || vc->tries == NULL || vc->found == NULL ||
	    vc->off == NULL) {
		logscan_vcache_free(vc);
		return EXH_ENOMEM;
	}
	for (i = 0; i < LOGSCAN_VC_SLOTS; i++)
		vc->slot[i].vc = -1;
	return EXH_OK;
}

void
logscan_vcache_free(struct logscan_vcache *vc)
{
	free(vc->slot);
	free(vc->tries);
	free(vc->found);
	free(vc->off);
	memset(vc, 0, sizeof(*vc));
}

/* Eight bytes a step: values are short, and a user agent of 130 bytes
 * must not cost more to hash than to test once. */
static uint64_t
value_hash(int id, const char *v, size_t n)
{
	const uint64_t mul = 0x9e3779b97f4a7c15ull;
	uint64_t h = (uint64_t)(unsigned)id * mul ^ n, w;
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

/*
 * The slot for clause id and value v[0..n): *found tells whether it holds
 * the result.  When not, the caller works it out and may store it with
 * the returned slot filled in (vc, hash, n, v, val); NULL when the value
 * is not to be cached at all.
 */
struct logscan_vslot *
logscan_vcache_slot(struct logscan_vcache *vc, int id, const char *v, size_t n,
    bool *found)
{
	struct logscan_vslot *s;
	uint64_t h;

	*found = false;
	if (vc->slot == NULL || id < 0 || vc->off[id] || n > LOGSCAN_VC_VALMAX)
		return NULL;
	h = value_hash(id, v, n);
	s = &vc->slot[h & (LOGSCAN_VC_SLOTS - 1)];
	vc->tries[id]++;
	if (s->vc == id && s->hash == h && s->n == n &&
	    memcmp(s->v, v, n) == 0) {
		vc->found[id]++;
		*found = true;
		return s;
	}
	if (vc->tries[id] == LOGSCAN_VC_PROBE &&
	    vc->found[id] * 4 < vc->tries[id]) {
		vc->off[id] = true;
		return NULL;
	}
	s->vc = -1;		/* filled by the caller */
	s->hash = h;
	s->n = (uint16_t)n;
	memcpy(s->v, v, n);
	return s;
}
