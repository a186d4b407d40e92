/* IOC data files as text: lines, fields, hex and scores, for every list format. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

bool
rules_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void
rules_trim(const char **s, size_t *n)
{
	while (*n > 0 && rules_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && rules_is_blank((*s)[*n - 1]))
		(*n)--;
}

int
rules_lines_begin(struct rules_line_iter *it, struct exh_rules *r, size_t fi,
    const char *name, const char *text, size_t len)
{
	struct exh_err err;

	it->r = r;
	it->fi = fi;
	it->lr = NULL;
	return exh_lines_open_mem(text, len, name, EXH_LINES_BOM |
	    EXH_LINES_TRIM, &it->lr, &err);
}

/* EXH_OK with *l filled, EXH_STOP at the end, or EXH_ENOMEM. */
int
rules_lines_next(struct rules_line_iter *it, struct rules_line *l)
{
	struct exh_err err;
	char *s;
	size_t n;
	int rc;

	while ((rc = exh_lines_next(it->lr, &s, &n, &err)) == EXH_ECORRUPT) {
		if (it->r != NULL && (rc = rules_reject(it->r, it->fi,
		    exh_lines_no(it->lr), "%s", exh_lines_why(it->lr))) !=
		    EXH_OK)
			return rc;
	}
	if (rc != EXH_OK)
		return rc;
	l->s = s;
	l->n = n;
	l->no = exh_lines_no(it->lr);
	rules_trim(&l->s, &l->n);
	return EXH_OK;
}

/* Parses n hex digits into n/2 bytes; false on a non-hex digit. */
bool
rules_unhex(const char *s, size_t n, unsigned char *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i + 1 < n; i += 2) {
		if ((hi = exh_hexval((unsigned char)s[i])) < 0 ||
		    (lo = exh_hexval((unsigned char)s[i + 1])) < 0)
			return false;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return n % 2 == 0;
}

size_t
rules_hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && exh_hexval((unsigned char)s[i]) >= 0; i++)
		;
	return i;
}

/* Parses a decimal score; false when s is not an integer in range. */
bool
rules_parse_score(const char *s, size_t n, int *out)
{
	char buf[16], *end;
	long v;

	rules_trim(&s, &n);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < -100 || v > 100)
		return false;
	*out = (int)v;
	return true;
}

/* A score column that is out of range must not become a description. */
bool
rules_looks_like_int(const char *s, size_t n)
{
	size_t i = 0;

	rules_trim(&s, &n);
	if (n > 0 && s[0] == '-')
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Loki/THOR list files: a '#' line describes the entries that follow it,
 * until the next '#' line.  Each other non-empty line goes to fn with
 * that description.
 */
int
rules_parse_described(struct exh_rules *r, size_t fi, const char *text,
    size_t len,
    rules_entry_fn fn)
{
	struct rules_line_iter it;
	struct rules_line l;
	const char *c;
	char *comment = NULL;
	size_t commentlen = 0;
	int rc;

	if ((rc = rules_lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = rules_lines_next(&it, &l)) == EXH_OK) {
		if (l.n == 0)
			continue;
		if (l.s[0] == '#') {
			/* The reader reuses its line buffer: keep a copy. */
			c = l.s + 1;
			commentlen = l.n - 1;
			rules_trim(&c, &commentlen);
			free(comment);
			if ((comment = rules_strndup(c, commentlen)) == NULL) {
				rc = EXH_ENOMEM;
				break;
			}
			continue;
		}
		if ((rc = fn(r, fi, &l, comment, commentlen)) != EXH_OK)
			break;
	}
	free(comment);
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}

/* Every non-empty, non-comment line of a simple data file through fn. */
int
rules_parse_lines(struct exh_rules *r, size_t fi, const char *text, size_t len,
    int (*fn)(struct exh_rules *, size_t, const struct rules_line *))
{
	struct rules_line_iter it;
	struct rules_line l;
	int rc;

	if ((rc = rules_lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = rules_lines_next(&it, &l)) == EXH_OK) {
		if (l.n == 0 || l.s[0] == '#')
			continue;
		if ((rc = fn(r, fi, &l)) != EXH_OK)
			break;
	}
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}
