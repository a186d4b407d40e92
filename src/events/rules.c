/* Loading the rules/events tables and matching records against the checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

#include "events_int.h"

#define MAX_COLS 16

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Case-insensitive glob: '*' any run, '?' one byte.  Greedy with one
 * backtrack point, so linear in practice and never recursive (the text
 * is attacker-controlled and may be long).
 */
bool
events_glob(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (p[pi] == '?' ||
		    lower(p[pi]) == lower(s[si]))) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else
			return false;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static char *
dup_str(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (d != NULL)
		memcpy(d, s, n + 1);
	return d;
}

static int
compile_pat(struct events_pat *p, const char *src, size_t n)
{
	bool start = false, end = false;
	size_t i = 0, o = 0;

	p->src = malloc(n + 1);
	p->glob = malloc(n + 3);
	if (p->src == NULL || p->glob == NULL)
		return EXH_ENOMEM;
	memcpy(p->src, src, n);
	p->src[n] = '\0';
	if (n > 0 && src[0] == '^') {
		start = true;
		i = 1;
	}
	if (n > i && src[n - 1] == '$') {
		end = true;
		n--;
	}
	if (!start)
		p->glob[o++] = '*';
	for (; i < n; i++)
		p->glob[o++] = src[i];
	if (!end)
		p->glob[o++] = '*';
	p->glob[o] = '\0';
	p->len = o;
	p->per_field = start || end;
	return EXH_OK;
}

/* Trims spaces at both ends of s[0..*n) in place; returns the start. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* Parses "a || b || c" into t. */
static int
parse_term(struct events_term *t, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *sep = NULL, *q;
		size_t len;
		struct events_pat *np;

		for (q = s; q + 1 < end; q++)
			if (q[0] == '|' && q[1] == '|') {
				sep = q;
				break;
			}
		len = (size_t)((sep ? sep : end) - s);
		q = trim(s, &len);
		if (len > 0) {
			np = realloc(t->alts, (t->nalts + 1) * sizeof(*np));
			if (np == NULL)
				return EXH_ENOMEM;
			t->alts = np;
			memset(&t->alts[t->nalts], 0, sizeof(*np));
			if (compile_pat(&t->alts[t->nalts++], q, len) != EXH_OK)
				return EXH_ENOMEM;
		}
		s = sep ? sep + 2 : end;
	}
	return EXH_OK;
}

/* Parses "a || b && c" into terms. */
static int
parse_match(struct events_check *c, const char *s)
{
	const char *end = s + strlen(s);

	if (strcmp(s, "-") == 0)
		return EXH_OK;
	while (s < end) {
		const char *sep = strstr(s, "&&");
		size_t len = (size_t)((sep ? sep : end) - s);
		struct events_term *nt;

		nt = realloc(c->terms, (c->nterms + 1) * sizeof(*nt));
		if (nt == NULL)
			return EXH_ENOMEM;
		c->terms = nt;
		memset(&c->terms[c->nterms], 0, sizeof(*nt));
		if (parse_term(&c->terms[c->nterms++], s, len) != EXH_OK)
			return EXH_ENOMEM;
		if (c->terms[c->nterms - 1].nalts == 0)
			return EXH_EUSAGE;
		s = sep ? sep + 2 : end;
	}
	return EXH_OK;
}

/* "*" or a comma list of integers in [lo, hi]. */
static int
parse_ints(const char *s, int lo, int hi, int **out, size_t *n)
{
	if (strcmp(s, "*") == 0)
		return EXH_OK;
	while (*s != '\0') {
		char *end;
		long v;
		int *ni;

		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno != 0 || v < lo || v > hi ||
		    (*end != ',' && *end != '\0'))
			return EXH_EUSAGE;
		ni = realloc(*out, (*n + 1) * sizeof(*ni));
		if (ni == NULL)
			return EXH_ENOMEM;
		*out = ni;
		ni[(*n)++] = (int)v;
		s = *end == ',' ? end + 1 : end;
	}
	return *n > 0 ? EXH_OK : EXH_EUSAGE;
}

static int
parse_action(struct events_check *c, const char *s)
{
	while (*s != '\0') {
		size_t n = strcspn(s, ",");

		if (n == 7 && strncmp(s, "finding", n) == 0)
			c->action = EVENTS_ACT_FINDING;
		else if (n == 6 && strncmp(s, "update", n) == 0)
			c->action = EVENTS_ACT_UPDATE;
		else if (n == 13 && strncmp(s, "update-failed", n) == 0)
			c->action = EVENTS_ACT_UPDATE_FAILED;
		else if (n == 2 && strncmp(s, "um", n) == 0)
			c->um = true;
		else
			return EXH_EUSAGE;
		s += n;
		if (*s == ',')
			s++;
	}
	return EXH_OK;
}

static void
free_term(struct events_term *t)
{
	size_t i;

	for (i = 0; i < t->nalts; i++) {
		free(t->alts[i].src);
		free(t->alts[i].glob);
	}
	free(t->alts);
}

static void
free_check(struct events_check *c)
{
	size_t i;

	free(c->check);
	free(c->log);
	free(c->provider);
	free(c->ids);
	free(c->levels);
	for (i = 0; i < c->nterms; i++)
		free_term(&c->terms[i]);
	free(c->terms);
	free_term(&c->excl);
	free(c->description);
	free(c->reference);
}

void
events_free_rules(struct exh_events *ev)
{
	size_t i;

	for (i = 0; i < ev->nchecks; i++)
		free_check(&ev->checks[i]);
	free(ev->checks);
	ev->checks = NULL;
	ev->nchecks = 0;
	for (i = 0; i < ev->nlogs; i++) {
		free(ev->logs[i].kind);
		free(ev->logs[i].file);
		free(ev->logs[i].channel);
	}
	free(ev->logs);
	ev->logs = NULL;
	ev->nlogs = 0;
}

/* Fills c from the 11 columns of one line; returns a status and what. */
static int
parse_check(struct events_check *c, char **col, const char **what)
{
	char *end;
	long score;
	int rc;

	*what = "out of memory";
	if ((c->check = dup_str(col[0])) == NULL ||
	    (c->log = dup_str(col[1])) == NULL ||
	    (c->provider = dup_str(col[2])) == NULL ||
	    (c->description = dup_str(col[9])) == NULL ||
	    (c->reference = dup_str(col[10])) == NULL)
		return EXH_ENOMEM;
	*what = "bad event id list";
	if ((rc = parse_ints(col[3], 0, 65535, &c->ids, &c->nids)) != EXH_OK)
		return rc;
	*what = "bad level list";
	if ((rc = parse_ints(col[4], 0, 255, &c->levels, &c->nlevels)) !=
	    EXH_OK)
		return rc;
	*what = "bad match expression";
	if ((rc = parse_match(c, col[5])) != EXH_OK)
		return rc;
	*what = "bad exclude list";
	if (strcmp(col[6], "-") != 0 &&
	    (rc = parse_term(&c->excl, col[6], strlen(col[6]))) != EXH_OK)
		return rc;
	*what = "score is not an integer in -100..100";
	errno = 0;
	score = strtol(col[7], &end, 10);
	if (end == col[7] || *end != '\0' || errno != 0 || score < -100 ||
	    score > 100)
		return EXH_EUSAGE;
	c->score = (int)score;
	*what = "unknown action";
	if ((rc = parse_action(c, col[8])) != EXH_OK)
		return rc;
	*what = "empty check name";
	return c->check[0] == '\0' ? EXH_EUSAGE : EXH_OK;
}

/* One row of a data file; *what names the problem when it fails. */
typedef int (*row_fn)(struct exh_events *ev, char **col, const char **what);

/*
 * Reads a tab-separated data file of rules/events/: '#' lines and blank
 * lines are skipped, every other line must have ncols columns.  Errors name
 * the file and line, so a responder editing the data can fix it.
 */
static int
read_tsv(struct exh_events *ev, const char *path, size_t ncols, row_fn fn,
    struct exh_err *err)
{
	struct exh_lines *lr = NULL;
	FILE *fp;
	char *line, *col[MAX_COLS];
	size_t len, n;
	const char *what;
	int rc;

	if ((fp = fopen(path, "re")) == NULL)
		return exh_err_set(err, EXH_EIO, errno,
		    "%s: cannot open: %s", path, exh_strerror(errno));
	rc = exh_lines_open(fp, path, EXH_LINES_SKIP_COMMENT, &lr, err);
	while (rc == EXH_OK &&
	    (rc = exh_lines_next(lr, &line, &len, err)) == EXH_OK) {
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		if ((n = exh_fields_split(line, col, MAX_COLS)) != ncols) {
			rc = exh_lines_fail(lr, err, EXH_EUSAGE, "want %zu "
			    "tab-separated columns, got %zu", ncols, n);
			break;
		}
		what = "out of memory";
		if ((rc = fn(ev, col, &what)) != EXH_OK)
			exh_lines_fail(lr, err, rc, "%s", rc == EXH_ENOMEM ?
			    "out of memory" : what);
	}
	if (rc == EXH_STOP)
		rc = EXH_OK;
	exh_lines_close(lr);
	fclose(fp);
	return rc;
}

static int
check_row(struct exh_events *ev, char **col, const char **what)
{
	struct events_check *nc;

	nc = realloc(ev->checks, (ev->nchecks + 1) * sizeof(*nc));
	if (nc == NULL)
		return EXH_ENOMEM;
	ev->checks = nc;
	memset(&nc[ev->nchecks], 0, sizeof(*nc));
	return parse_check(&nc[ev->nchecks++], col, what);
}

int
events_load_checks(struct exh_events *ev, const char *path, struct exh_err *err)
{
	int rc = read_tsv(ev, path, 11, check_row, err);

	if (rc == EXH_OK && ev->nchecks == 0)
		rc = exh_err_set(err, EXH_EUSAGE, 0, "%s: no checks defined; "
		    "refusing to scan with zero rules", path);
	return rc;
}

static int
log_row(struct exh_events *ev, char **col, const char **what)
{
	struct events_log *nl, *l;

	(void)what;
	nl = realloc(ev->logs, (ev->nlogs + 1) * sizeof(*nl));
	if (nl == NULL)
		return EXH_ENOMEM;
	ev->logs = nl;
	l = &nl[ev->nlogs++];
	memset(l, 0, sizeof(*l));
	l->kind = dup_str(col[0]);
	l->file = dup_str(col[1]);
	l->channel = dup_str(col[2]);
	if (l->kind == NULL || l->file == NULL || l->channel == NULL)
		return EXH_ENOMEM;
	return EXH_OK;
}

int
events_load_logs(struct exh_events *ev, const char *path, struct exh_err *err)
{
	return read_tsv(ev, path, 3, log_row, err);
}

static bool
pat_matches(const struct events_pat *p, const struct events_record *r)
{
	size_t i;

	if (!p->per_field)
		return events_glob(p->glob, p->len, r->joined.data ?
		    r->joined.data : "", r->joined.len);
	for (i = 0; i < r->ndata; i++)
		if (events_glob(p->glob, p->len, r->data[i].data ?
		    r->data[i].data : "", r->data[i].len))
			return true;
	return false;
}

static const struct events_pat *
term_matches(const struct events_term *t, const struct events_record *r)
{
	size_t i;

	for (i = 0; i < t->nalts; i++)
		if (pat_matches(&t->alts[i], r))
			return &t->alts[i];
	return NULL;
}

static bool
in_list(const int *v, size_t n, int x)
{
	size_t i;

	if (v == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

bool
events_check_matches(const struct events_check *c, const char *kind,
    const struct events_record *r, const struct events_pat **matched)
{
	const char *prov = r->provider.data ? r->provider.data : "";
	size_t i;

	if (strcmp(c->log, "*") != 0 && !exh_ascii_iequal(c->log, kind))
		return false;
	if (!events_glob(c->provider, strlen(c->provider), prov, r->provider.len))
		return false;
	if (!in_list(c->ids, c->nids, r->event_id) ||
	    !in_list(c->levels, c->nlevels, r->level))
		return false;
	for (i = 0; i < c->nterms; i++)
		if ((matched[i] = term_matches(&c->terms[i], r)) == NULL)
			return false;
	return term_matches(&c->excl, r) == NULL;
}
