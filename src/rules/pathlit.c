/*
 * Required literals of a path IOC regex: byte strings one of which every
 * match must contain, so that one Aho-Corasick pass over a path says which
 * regexes can match it at all (pathauto.c).  The reading is deliberately
 * conservative: whatever it does not understand ends the current literal
 * (never joins bytes that need not be adjacent), and whatever could change
 * the meaning of the rest (\Q, extended mode, a '[' inside a class) gives
 * up on the whole regex, which then runs on every path as before.
 * Literals are kept lower-case: matching them ignores ASCII case, which is
 * a superset of what any (?i) or its absence allows.  Bytes above 0x7f end
 * a literal, because under (?i) in UTF mode PCRE2 folds non-ASCII letters.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

/* Longest run kept while reading; a longer run slides. */
#define RUN_MAX 64

struct lit_reader {
	const unsigned char *p;
	bool bad;		/* gave up: no literal for this regex */
	unsigned char run[RUN_MAX];
	size_t nrun;
	unsigned char best[RUN_MAX];	/* this branch's longest run */
	size_t nbest;
	struct pathlit_set group;	/* or a group's literals, if better */
	size_t group_min;		/* its shortest literal */
	unsigned depth;			/* groups read into, at most 4 */
	struct pathlit_set *out;
};

static void extract(const char *re, unsigned depth, struct pathlit_set *out);

static bool
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void
end_run(struct lit_reader *lr)
{
	if (lr->nrun > lr->nbest) {
		memcpy(lr->best, lr->run, lr->nrun);
		lr->nbest = lr->nrun;
	}
	lr->nrun = 0;
}

static void
append(struct lit_reader *lr, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (lr->nrun == RUN_MAX) {
		/* Any window of a required run is required too. */
		end_run(lr);
		memmove(lr->run, lr->run + 1, RUN_MAX - 1);
		lr->nrun = RUN_MAX - 1;
	}
	lr->run[lr->nrun++] = c;
}

/* A top-level branch ends: its longest run, kept whole or as its tail. */
static void
end_branch(struct lit_reader *lr)
{
	struct pathlit_set *s = lr->out;
	size_t n, off;

	end_run(lr);
	if (lr->group.n > 0 && lr->group_min >
	    (lr->nbest < PATHLIT_MAX ? lr->nbest : PATHLIT_MAX)) {
		size_t i;

		if (s->n + lr->group.n > PATHLIT_BRANCHES) {
			lr->bad = true;
			return;
		}
		for (i = 0; i < lr->group.n; i++) {
			memcpy(s->lit[s->n], lr->group.lit[i], lr->group.len[i]);
			s->len[s->n++] = lr->group.len[i];
		}
		lr->nbest = 0;
		lr->group.n = 0;
		lr->group_min = 0;
		return;
	}
	if (lr->nbest < PATHLIT_MIN || s->n == PATHLIT_BRANCHES) {
		lr->bad = true;
		return;
	}
	/* The tail: file names and extensions tell paths apart better
	 * than the folders they start with. */
	n = lr->nbest < PATHLIT_MAX ? lr->nbest : PATHLIT_MAX;
	off = lr->nbest - n;
	memcpy(s->lit[s->n], lr->best + off, n);
	s->len[s->n] = n;
	s->n++;
	lr->nbest = 0;
	lr->group.n = 0;
	lr->group_min = 0;
}

/* Lazy or possessive mark after a quantifier. */
static void
skip_mode(struct lit_reader *lr)
{
	if (*lr->p == '?' || *lr->p == '+')
		lr->p++;
}

/*
 * A quantifier after an atom; lit: the atom was the run's last byte.
 * "{...}" counts as one when it holds digits, commas and blanks only,
 * a superset of what PCRE2 takes as a quantifier.
 */
static bool
quantifier(struct lit_reader *lr, bool lit)
{
	const unsigned char *q;
	unsigned char last;
	unsigned long min = 0;
	bool digits = false;

	switch (*lr->p) {
	case '?':
	case '*':
		if (lit)
			lr->nrun--;
		end_run(lr);
		lr->p++;
		skip_mode(lr);
		return true;
	case '+':
		/* "ab+c" holds "ab" and "bc". */
		last = lit ? lr->run[lr->nrun - 1] : 0;
		end_run(lr);
		if (lit)
			lr->run[lr->nrun++] = last;
		lr->p++;
		skip_mode(lr);
		return false;
	case '{':
		for (q = lr->p + 1; is_digit(*q) || *q == ',' || *q == ' ';
		    q++)
			;
		if (*q != '}')
			return false;	/* a literal '{': the caller ends the run */
		for (q = lr->p + 1; *q == ' '; q++)
			;
		for (; is_digit(*q); q++) {
			digits = true;
			if (min < 1000)
				min = min * 10 + (unsigned long)(*q - '0');
		}
		if (lit && (!digits || min == 0))
			lr->nrun--;
		end_run(lr);
		lr->p = (const unsigned char *)strchr((const char *)lr->p,
		    '}') + 1;
		skip_mode(lr);
		return !digits || min == 0;
	default:
		return false;
	}
}

/*
 * Past "[:name:]" (or [.x.], [=x=]) inside a class, NULL for any other
 * '[' there: PCRE2 reads those in ways not worth following.
 */
static const unsigned char *
posix_class(const unsigned char *p)
{
	unsigned char kind = p[1];
	const unsigned char *q = p + 2;

	if (kind != ':' && kind != '.' && kind != '=')
		return NULL;
	if (*q == '^')
		q++;
	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
		q++;
	return q[0] == kind && q[1] == ']' ? q + 2 : NULL;
}

/* Past "[...]"; gives up on a '[' in it other than a POSIX class. */
static void
skip_class(struct lit_reader *lr)
{
	const unsigned char *p = lr->p + 1;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (;;) {
		if (*p == '[' && (p = posix_class(p)) == NULL) {
			lr->bad = true;
			return;
		}
		if (*p == '\0') {
			lr->bad = true;
			return;
		}
		if (*p == '\\') {
			if (p[1] == '\0' || p[1] == 'Q') {
				lr->bad = true;
				return;
			}
			p += 2;
			continue;
		}
		if (*p++ == ']')
			break;
	}
	lr->p = p;
}

/* Past "(?#...)", at its first ')'. */
static void
skip_comment(struct lit_reader *lr)
{
	const char *close = strchr((const char *)lr->p, ')');

	if (close == NULL)
		lr->bad = true;
	else
		lr->p = (const unsigned char *)close + 1;
}

/* Past a group and everything in it. */
static void
skip_group(struct lit_reader *lr)
{
	unsigned depth = 0;

	while (!lr->bad) {
		const unsigned char *p = lr->p;

		if (*p == '\0') {
			lr->bad = true;
		} else if (*p == '\\') {
			if (p[1] == '\0' || p[1] == 'Q')
				lr->bad = true;
			else
				lr->p += 2;
		} else if (*p == '[') {
			skip_class(lr);
		} else if (*p == '(' && p[1] == '?' && p[2] == '#') {
			skip_comment(lr);
		} else if (*p == '(') {
			depth++;
			lr->p++;
		} else if (*p == ')') {
			lr->p++;
			if (--depth == 0)
				return;
		} else {
			lr->p++;
		}
	}
}

/* Past what follows the escape letter (consuming more is always safe). */
static void
skip_escape_args(struct lit_reader *lr, unsigned char letter)
{
	const unsigned char *p = lr->p;
	const char *close;

	if (*p == '{' || ((letter == 'k' || letter == 'g') &&
	    (*p == '<' || *p == '\''))) {
		close = strchr((const char *)p, *p == '{' ? '}' :
		    *p == '<' ? '>' : '\'');
		if (close == NULL)
			lr->bad = true;
		else
			lr->p = (const unsigned char *)close + 1;
		return;
	}
	if (letter == 'c' || letter == 'p' || letter == 'P') {
		if (*p != '\0')
			lr->p++;
		return;
	}
	if (letter == 'g' && (*p == '-' || *p == '+'))
		p++;
	/* PCRE2 reads at most two hex digits after a bare \x. */
	if (letter == 'x')
		while (p < lr->p + 2 && is_hex(*p))
			p++;
	while (is_digit(*p))
		p++;
	lr->p = p;
}

static void
escape(struct lit_reader *lr)
{
	unsigned char c = lr->p[1];

	if (c == '\0' || c == 'Q') {
		lr->bad = true;
		return;
	}
	lr->p += 2;
	if (c < 0x80 && !is_alnum(c)) {
		append(lr, c);
		quantifier(lr, true);
		return;
	}
	end_run(lr);
	if (c >= 0x80) {
		while ((*lr->p & 0xc0) == 0x80)
			lr->p++;
	} else {
		skip_escape_args(lr, c);
	}
	if (!lr->bad)
		quantifier(lr, false);
}

/* Extended mode makes blanks and '#' mean something else: give up. */
static bool
sets_extended(const char *re)
{
	const char *p = re, *q;

	while ((p = strstr(p, "(?")) != NULL) {
		for (q = p + 2; (*q >= 'a' && *q <= 'z') ||
		    (*q >= 'A' && *q <= 'Z') || *q == '^' || *q == '-'; q++)
			if (*q == 'x')
				return true;
		p += 2;
	}
	return false;
}

/* Length of a plain group's opener: "(", "(?:" or "(?i-s:"; 0 for any
 * other group (lookaround, named, atomic, conditional, options only). */
static size_t
plain_opener(const unsigned char *p)
{
	const unsigned char *q = p + 2;

	if (p[1] != '?')
		return p[1] == '*' ? 0 : 1;
	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
	    *q == '-' || *q == '^')
		q++;
	return *q == ':' ? (size_t)(q + 1 - p) : 0;
}

/*
 * A group that must match (no optional quantifier after it): its own
 * literals, one per alternative, may serve this branch better than any
 * run outside it ("\\(inetpub|aspnet_client)\\").  Read as a regex of its
 * own, at most 4 groups deep.
 */
static void
read_group(struct lit_reader *lr)
{
	const unsigned char *open = lr->p;
	size_t olen = plain_opener(open), i, min;
	struct pathlit_set inner;
	char *body = NULL;

	skip_group(lr);
	if (lr->bad)
		return;
	if (olen > 0 && lr->depth < 4 && lr->p - 1 > open + olen)
		body = strndup((const char *)open + olen,
		    (size_t)(lr->p - 1 - (open + olen)));
	if (quantifier(lr, false) || body == NULL) {
		free(body);
		return;
	}
	extract(body, lr->depth + 1, &inner);
	free(body);
	for (i = 0, min = inner.n > 0 ? SIZE_MAX : 0; i < inner.n; i++)
		if (inner.len[i] < min)
			min = inner.len[i];
	if (inner.n > 0 && min > lr->group_min) {
		lr->group = inner;
		lr->group_min = min;
	}
}

static void
read_atom(struct lit_reader *lr)
{
	unsigned char c = *lr->p;

	switch (c) {
	case '|':
		lr->p++;
		end_branch(lr);
		return;
	case '(':
		end_run(lr);
		if (lr->p[1] == '?' && lr->p[2] == '#')
			skip_comment(lr);
		else
			read_group(lr);
		return;
	case '[':
		end_run(lr);
		skip_class(lr);
		break;
	case '\\':
		escape(lr);
		return;
	case '.':
	case '^':
	case '$':
	case '{':	/* a literal '{' where no quantifier can be */
		end_run(lr);
		lr->p++;
		break;
	case ')':
	case '*':
	case '+':
	case '?':
		lr->bad = true;	/* not in a regex PCRE2 compiled */
		return;
	default:
		if (c >= 0x80) {
			end_run(lr);
			lr->p++;
			while ((*lr->p & 0xc0) == 0x80)
				lr->p++;
			break;
		}
		lr->p++;
		append(lr, c);
		quantifier(lr, true);
		return;
	}
	if (!lr->bad)
		quantifier(lr, false);
}

static void
extract(const char *re, unsigned depth, struct pathlit_set *out)
{
	struct lit_reader lr;

	memset(out, 0, sizeof(*out));
	if (re == NULL || sets_extended(re))
		return;
	memset(&lr, 0, sizeof(lr));
	lr.p = (const unsigned char *)re;
	lr.depth = depth;
	lr.out = out;
	while (!lr.bad && *lr.p != '\0')
		read_atom(&lr);
	if (!lr.bad)
		end_branch(&lr);
	if (lr.bad)
		out->n = 0;
}

void
pathlit_extract(const char *re, struct pathlit_set *out)
{
	extract(re, 0, out);
}
