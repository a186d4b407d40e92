/* Matchers for log fields: PowerShell -like, substrings, regexes, sets, times. */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

static inline unsigned char
lc(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/*
 * Matches one pattern element at p[*pi] against c and advances *pi past
 * it.  Handles ?, [set] with ranges, and the backtick escape of
 * PowerShell wildcards.  A '[' without a closing ']' is a literal.
 */
static bool
one(unsigned char c, const char *p, size_t pl, size_t *pi)
{
	size_t i = *pi, j;
	bool hit = false;

	if (p[i] == '?') {
		*pi = i + 1;
		return true;
	}
	if (p[i] == '`' && i + 1 < pl) {
		*pi = i + 2;
		return lc((unsigned char)p[i + 1]) == lc(c);
	}
	if (p[i] == '[') {
		for (j = i + 1; j < pl && p[j] != ']'; j++)
			;
		if (j < pl && j > i + 1) {
			size_t k;

			for (k = i + 1; k < j; k++) {
				unsigned char lo = lc((unsigned char)p[k]);
				unsigned char hi = lo;

				if (k + 2 < j && p[k + 1] == '-') {
					hi = lc((unsigned char)p[k + 2]);
					k += 2;
				}
				if (lc(c) >= lo && lc(c) <= hi)
					hit = true;
			}
			*pi = j + 1;
			return hit;
		}
	}
	*pi = i + 1;
	return lc((unsigned char)p[i]) == lc(c);
}

bool
exh_like(const char *s, size_t sl, const char *p, size_t pl)
{
	size_t si = 0, pi = 0, star_p = 0, star_s = 0;
	bool star = false;

	/* Iterative wildcard matching: remember the last '*' and retry
	 * from one character further on a mismatch (linear in practice). */
	while (si < sl) {
		size_t next = pi;

		if (pi < pl && p[pi] == '*') {
			star = true;
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pl && one((unsigned char)s[si], p, pl, &next)) {
			pi = next;
			si++;
			continue;
		}
		if (!star)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pl && p[pi] == '*')
		pi++;
	return pi == pl;
}

bool
logscan_iequal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return false;
	return true;
}

bool
logscan_icontains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	unsigned char f;
	const char *end, *p;

	if (nlen == 0)
		return true;
	if (nlen > hlen)
		return false;
	f = lc((unsigned char)needle[0]);
	end = hay + (hlen - nlen) + 1;
	for (p = hay; p < end; p++) {
		if (lc((unsigned char)*p) != f)
			continue;
		if (logscan_iequal(p + 1, nlen - 1, needle + 1, nlen - 1))
			return true;
	}
	return false;
}

#define LOGSCAN_BACKTRACK_LIMIT	200000
#define LOGSCAN_DFA_FIRST		16384		/* ints */
#define LOGSCAN_DFA_MAX		(4u << 20)

int
logscan_rx_init(struct logscan_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->md = pcre2_match_data_create(1, NULL);
	rx->mc = pcre2_match_context_create(NULL);
	rx->nws = LOGSCAN_DFA_FIRST;
	rx->ws = malloc(rx->nws * sizeof(*rx->ws));
	if (rx->md == NULL || rx->mc == NULL || rx->ws == NULL) {
		logscan_rx_free(rx);
		return EXH_ENOMEM;
	}
	pcre2_set_match_limit(rx->mc, LOGSCAN_BACKTRACK_LIMIT);
	return EXH_OK;
}

void
logscan_rx_free(struct logscan_rx *rx)
{
	pcre2_match_data_free(rx->md);
	pcre2_match_context_free(rx->mc);
	free(rx->ws);
	memset(rx, 0, sizeof(*rx));
}

/*
 * Backtracking (JIT) first: fast on the short fields most patterns test.
 * A pattern like "Set-.+VirtualDirectory.+Url.*<...>" can backtrack for
 * ages on a long line that almost matches; past the limit the DFA
 * matcher, which never backtracks, gives the answer instead.  Should even
 * that run out of room the line counts as a match: a human looks at a
 * doubtful line rather than the check passing it silently.
 */
bool
logscan_regex_match(const struct logscan_clause *c, struct logscan_rx *rx,
    const char *s,
    size_t n)
{
	int rc = pcre2_match(c->re, (PCRE2_SPTR)s, n, 0, 0, rx->md, rx->mc);
	int *grown;

	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return rc >= 0;
	for (;;) {
		rc = pcre2_dfa_match(c->re, (PCRE2_SPTR)s, n, 0, 0, rx->md,
		    NULL, rx->ws, rx->nws);
		if (rc != PCRE2_ERROR_DFA_WSSIZE || rx->nws >= LOGSCAN_DFA_MAX)
			break;
		if ((grown = realloc(rx->ws, 2 * rx->nws * sizeof(*grown))) ==
		    NULL)
			break;
		rx->ws = grown;
		rx->nws *= 2;
	}
	return rc >= 0 || rc != PCRE2_ERROR_NOMATCH;
}

static bool
like_special(char ch)
{
	return ch == '*' || ch == '?' || ch == '[' || ch == '`';
}

/* The longest run of plain characters; every match contains it. */
static void
like_need(struct logscan_clause *c)
{
	const char *p = c->pat, *end = p + c->plen, *run = p;

	for (; p <= end; p++) {
		if (p < end && !like_special(*p))
			continue;
		if ((size_t)(p - run) > c->needlen) {
			c->need = run;
			c->needlen = (size_t)(p - run);
		}
		if (p < end && *p == '`' && p + 1 < end)
			p++;		/* the escaped character */
		else if (p < end && *p == '[') {
			const char *q = p + 1;

			while (q < end && *q != ']')
				q++;
			if (q < end)
				p = q;	/* the whole [set] */
		}
		run = p + 1;
	}
}

void
logscan_like_compile(struct logscan_clause *c)
{
	const char *p = c->pat;
	size_t n = c->plen, i, stars_front = 0, stars_back = 0;

	for (i = 0; i < n && !like_special(p[i]); i++)
		;
	c->head = i;
	for (i = n; i > 0 && !like_special(p[i - 1]) && p[i - 1] != ']'; i--)
		;
	c->tail = n - i;
	c->like = LOGSCAN_LIKE_GENERAL;
	if (c->head == n) {
		c->like = LOGSCAN_LIKE_EXACT;
		c->lit = p;
		c->litlen = n;
		return;
	}
	while (stars_front < n && p[stars_front] == '*')
		stars_front++;
	while (stars_back < n - stars_front && p[n - 1 - stars_back] == '*')
		stars_back++;
	c->lit = p + stars_front;
	c->litlen = n - stars_front - stars_back;
	for (i = 0; i < c->litlen && !like_special(c->lit[i]); i++)
		;
	if (i == c->litlen && c->litlen > 0 && stars_front <= 1 &&
	    stars_back <= 1) {
		if (stars_front == 0)
			c->like = LOGSCAN_LIKE_PREFIX;
		else if (stars_back == 0)
			c->like = LOGSCAN_LIKE_SUFFIX;
		else
			c->like = LOGSCAN_LIKE_CONTAINS;
		return;
	}
	like_need(c);
}

bool
logscan_like_match(const struct logscan_clause *c, const char *s, size_t n)
{
	size_t k = c->litlen;

	switch (c->like) {
	case LOGSCAN_LIKE_EXACT:
		return logscan_iequal(s, n, c->lit, k);
	case LOGSCAN_LIKE_PREFIX:
		return n >= k && logscan_iequal(s, k, c->lit, k);
	case LOGSCAN_LIKE_SUFFIX:
		return n >= k && logscan_iequal(s + n - k, k, c->lit, k);
	case LOGSCAN_LIKE_CONTAINS:
		return logscan_icontains(s, n, c->lit, k);
	default:
		break;
	}
	if (n < c->head || n < c->tail ||
	    !logscan_iequal(s, c->head, c->pat, c->head) ||
	    !logscan_iequal(s + n - c->tail, c->tail, c->pat + c->plen - c->tail,
	    c->tail) || !logscan_icontains(s, n, c->need, c->needlen))
		return false;
	return exh_like(s, n, c->pat, c->plen);
}

static uint64_t
ihash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= lc((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

static int
grow(struct logscan_strset *set)
{
	struct logscan_strset nw;
	size_t i, j, ncap = set->cap ? set->cap * 2 : 64;

	nw.keys = calloc(ncap, sizeof(*nw.keys));
	nw.vals = calloc(ncap, sizeof(*nw.vals));
	if (nw.keys == NULL || nw.vals == NULL) {
		free(nw.keys);
		free(nw.vals);
		return EXH_ENOMEM;
	}
	nw.cap = ncap;
	nw.n = set->n;
	for (i = 0; i < set->cap; i++) {
		if (set->keys[i] == NULL)
			continue;
		j = ihash(set->keys[i], strlen(set->keys[i])) & (ncap - 1);
		while (nw.keys[j] != NULL)
			j = (j + 1) & (ncap - 1);
		nw.keys[j] = set->keys[i];
		nw.vals[j] = set->vals[i];
	}
	free(set->keys);
	free(set->vals);
	*set = nw;
	return EXH_OK;
}

int
logscan_strset_put(struct logscan_strset *set, const char *key, size_t klen,
    const char *val)
{
	size_t i, j;
	char *k, *v;

	if (logscan_strset_get(set, key, klen) != NULL)
		return EXH_OK;
	if ((set->n + 1) * 2 > set->cap && grow(set) != EXH_OK)
		return EXH_ENOMEM;
	k = malloc(klen + 1);
	v = strdup(val != NULL ? val : "");
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return EXH_ENOMEM;
	}
	for (i = 0; i < klen; i++)
		k[i] = (char)lc((unsigned char)key[i]);
	k[klen] = '\0';
	j = ihash(key, klen) & (set->cap - 1);
	while (set->keys[j] != NULL)
		j = (j + 1) & (set->cap - 1);
	set->keys[j] = k;
	set->vals[j] = v;
	set->n++;
	return EXH_OK;
}

const char *
logscan_strset_get(const struct logscan_strset *set, const char *key,
    size_t klen)
{
	size_t j;

	if (set->cap == 0)
		return NULL;
	j = ihash(key, klen) & (set->cap - 1);
	while (set->keys[j] != NULL) {
		if (logscan_iequal(set->keys[j], strlen(set->keys[j]), key, klen))
			return set->vals[j];
		j = (j + 1) & (set->cap - 1);
	}
	return NULL;
}

void
logscan_strset_free(struct logscan_strset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++) {
		free(set->keys[i]);
		free(set->vals[i]);
	}
	free(set->keys);
	free(set->vals);
	memset(set, 0, sizeof(*set));
}

static bool
num(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
hms(const char *t, size_t tn, int *h, int *mi, int *sec, int64_t *frac,
    size_t *used)
{
	size_t i = 8;
	int64_t scale = 1000000;

	if (tn < 8 || t[2] != ':' || t[5] != ':' || !num(t, 2, h) ||
	    !num(t + 3, 2, mi) || !num(t + 6, 2, sec) || *h > 23 ||
	    *mi > 59 || *sec > 60)
		return false;
	*frac = 0;
	if (i < tn && t[i] == '.') {
		for (i++; i < tn && t[i] >= '0' && t[i] <= '9'; i++) {
			*frac += (t[i] - '0') * scale;
			scale /= 10;
		}
	}
	*used = i;
	return true;
}

static bool
ymd(const char *d, size_t dn, int *y, int *mo, int *dd)
{
	return dn >= 10 && d[4] == '-' && d[7] == '-' && num(d, 4, y) &&
	    num(d + 5, 2, mo) && num(d + 8, 2, dd) && *mo >= 1 && *mo <= 12 &&
	    *dd >= 1 && *dd <= 31;
}

static int64_t
to_ft(int y, int mo, int d, int h, int mi, int sec, int64_t frac)
{
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec;

	return exh_unix_to_filetime(secs) + frac;
}

/* "YYYY-MM-DDThh:mm:ss[.f][Z]" (or a space for T), UTC, exactly. */
bool
logscan_parse_time(const char *s, size_t n, int64_t *out)
{
	int y, mo, d, h, mi, sec;
	int64_t frac;
	size_t used;

	if (!ymd(s, n, &y, &mo, &d) || n < 19 || (s[10] != 'T' &&
	    s[10] != ' ') || !hms(s + 11, n - 11, &h, &mi, &sec, &frac, &used))
		return false;
	used += 11;
	if (used < n && s[used] == 'Z')
		used++;
	if (used != n)
		return false;
	*out = to_ft(y, mo, d, h, mi, sec, frac);
	return true;
}

/* IIS: separate "YYYY-MM-DD" and "hh:mm:ss" columns, UTC. */
bool
logscan_parse_date_time(const char *d, size_t dn, const char *t, size_t tn,
    int64_t *out)
{
	int y, mo, dd, h, mi, sec;
	int64_t frac;
	size_t used;

	if (dn != 10 || !ymd(d, dn, &y, &mo, &dd) ||
	    !hms(t, tn, &h, &mi, &sec, &frac, &used) || used != tn)
		return false;
	*out = to_ft(y, mo, dd, h, mi, sec, frac);
	return true;
}
