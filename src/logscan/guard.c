/*
 * Many literals at once over one value: the "needs" line of a set
 * (shell-params.tsv).  Eight regexes over every 2xx query cost more than
 * all other checks together; one pass that finds none of the literals
 * every match must contain decides most queries without them.  A 64 Kibit
 * map of the literals' first three bytes (folded, either case) tells
 * where a comparison is worth making.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Three bytes (lower case, 0 past the end) folded into 16 bits: two
 * bytes alone are too common in queries ("re", "%2"). */
static unsigned
key_of(unsigned char a, unsigned char b, unsigned char c)
{
	return (((unsigned)lower(a) << 8 | lower(b)) ^
	    ((unsigned)lower(c) << 3)) & 0xffffu;
}

static void
mark(struct logscan_guard *g, unsigned k)
{
	g->key[k >> 3] |= (unsigned char)(1u << (k & 7));
}

static int
add(struct logscan_guard *g, const char *p, size_t n)
{
	unsigned i, span;
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++)
		s[i] = (char)lower((unsigned char)p[i]);
	s[n] = '\0';
	g->lit[g->n] = s;
	g->len[g->n++] = n;
	if (n >= 3) {
		mark(g, key_of((unsigned char)s[0], (unsigned char)s[1],
		    (unsigned char)s[2]));
		return EXH_OK;
	}
	/* A shorter literal: whatever bytes follow it. */
	span = n == 2 ? 256u : 65536u;
	for (i = 0; i < span; i++)
		mark(g, key_of((unsigned char)s[0], n == 2 ?
		    (unsigned char)s[1] : (unsigned char)(i >> 8),
		    (unsigned char)i));
	return EXH_OK;
}

void
logscan_guard_free(struct logscan_guard *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		free(g->lit[i]);
	free(g->lit);
	free(g->len);
	free(g);
}

/* From "A|B|C"; EXH_EUSAGE when an alternative is empty. */
int
logscan_guard_build(const char *alternatives, struct logscan_guard **out)
{
	struct logscan_guard *g;
	const char *p = alternatives, *bar;
	size_t cnt = 1, n;
	int rc = EXH_OK;

	for (bar = p; (bar = strchr(bar, '|')) != NULL; bar++)
		cnt++;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return EXH_ENOMEM;
	for (n = 0; n < 256; n++)
		g->fold[n] = lower((unsigned char)n);
	g->lit = calloc(cnt, sizeof(*g->lit));
	g->len = calloc(cnt, sizeof(*g->len));
	if (g->lit == NULL || g->len == NULL)
		rc = EXH_ENOMEM;
	while (rc == EXH_OK) {
		bar = strchr(p, '|');
		n = bar ? (size_t)(bar - p) : strlen(p);
		rc = n == 0 ? EXH_EUSAGE : add(g, p, n);
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	if (rc != EXH_OK) {
		logscan_guard_free(g);
		return rc;
	}
	*out = g;
	return EXH_OK;
}

static bool
found_at(const struct logscan_guard *g, const char *v, size_t n, size_t i)
{
	unsigned char a = g->fold[(unsigned char)v[i]];
	unsigned char b = i + 1 < n ? g->fold[(unsigned char)v[i + 1]] : 0;
	size_t j;

	/* Most places the map lets through hold no literal ("ReqId" for
	 * "request"): two bytes decide before the full comparison. */
	for (j = 0; j < g->n; j++)
		if (g->len[j] <= n - i && a == (unsigned char)g->lit[j][0] &&
		    (g->len[j] == 1 || b == (unsigned char)g->lit[j][1]) &&
		    logscan_iequal(v + i, g->len[j], g->lit[j], g->len[j]))
			return true;
	return false;
}

static bool
marked(const struct logscan_guard *g, unsigned a, unsigned b, unsigned c)
{
	unsigned k = ((a << 8 | b) ^ (c << 3)) & 0xffffu;

	return (g->key[k >> 3] & (1u << (k & 7))) != 0;
}

/* True when v[0..n) holds one of the guard's literals (any case).  Each
 * byte is folded once (a table) and carried along: this runs on every
 * query, so the main loop has no end test but its own. */
bool
logscan_guard_holds(const struct logscan_guard *g, const char *v, size_t n)
{
	const unsigned char *p = (const unsigned char *)v;
	unsigned a, b, c;
	size_t i = 0;

	if (n == 0)
		return false;
	a = g->fold[p[0]];
	b = n > 1 ? g->fold[p[1]] : 0;
	for (; i + 2 < n; i++) {
		c = g->fold[p[i + 2]];
		if (marked(g, a, b, c) && found_at(g, v, n, i))
			return true;
		a = b;
		b = c;
	}
	/* The last one or two bytes: 0 stands for what lies past the end. */
	for (; i < n; i++) {
		if (marked(g, a, b, 0) && found_at(g, v, n, i))
			return true;
		a = b;
		b = 0;
	}
	return false;
}
