/* Loads rules/logs/: checks, patterns, path, parameter and user-agent sets, Exchange's own pages, attacker IPs. */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "logscan_int.h"

#define MAXCOLS 32

/* One data file of rules/logs/ being read, for error messages. */
struct src {
	const char *name;	/* "patterns.tsv" */
	FILE *fp;
	struct exh_lines *lr;
};

static int
bad(struct exh_err *err, const struct src *s, const char *what)
{
	return exh_lines_fail(s->lr, err, EXH_ECORRUPT, "%s", what);
}

static int
open_data(const char *dir, struct src *s, struct exh_err *err)
{
	char path[4096], label[256];
	int n;

	n = snprintf(path, sizeof(path), "%s/logs/%s", dir, s->name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: %s: path too long", s->name);
	n = snprintf(label, sizeof(label), "rules/logs/%s", s->name);
	if (n < 0 || (size_t)n >= sizeof(label))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: %s: name too long", s->name);
	if ((s->fp = fopen(path, "re")) == NULL)
		return exh_err_set(err, EXH_EIO, errno,
		    "rules: %s: cannot open: %s", path, exh_strerror(errno));
	return exh_lines_open(s->fp, label, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT, &s->lr, err);
}

/* The next content line; false at the end (*status EXH_OK) or on error. */
static bool
next_line(struct src *s, char **line, int *status, struct exh_err *err)
{
	size_t len;

	*status = exh_lines_next(s->lr, line, &len, err);
	if (*status == EXH_STOP)
		*status = EXH_OK;
	else if (*status == EXH_OK)
		return true;
	return false;
}

static void
close_data(struct src *s)
{
	exh_lines_close(s->lr);
	if (s->fp != NULL)
		fclose(s->fp);
}

int
logscan_field_intern(struct exh_logscan *ls, const char *name, size_t n)
{
	char **nf;
	size_t i;

	if (n == 5 && memcmp(name, "_line", 5) == 0)
		return LOGSCAN_FIELD_LINE;
	for (i = 0; i < ls->nfields; i++)
		if (logscan_iequal(ls->fields[i], strlen(ls->fields[i]), name, n))
			return (int)i;
	nf = realloc(ls->fields, (ls->nfields + 1) * sizeof(*nf));
	if (nf == NULL)
		return -2;
	ls->fields = nf;
	if ((nf[ls->nfields] = strndup(name, n)) == NULL)
		return -2;
	return (int)ls->nfields++;
}

static int
find_check(const struct exh_logscan *ls, const char *id)
{
	size_t i;

	for (i = 0; i < ls->nchecks; i++)
		if (strcmp(ls->checks[i].id, id) == 0)
			return (int)i;
	return -1;
}

/*
 * Compiles "FIELD OP [VALUE]" into c (logscan_clause_compile); a rule
 * file's fault becomes a message naming its line.
 */
static int
compile_clause(struct exh_logscan *ls, struct logscan_clause *c,
    const char *field, const char *opname, const char *value,
    const struct src *s, struct exh_err *err)
{
	char msg[256];
	int rc;

	rc = logscan_clause_compile(ls, c, field, opname, value, msg,
	    sizeof(msg));
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, rc, 0, "rules: out of memory");
	return rc == EXH_OK ? EXH_OK : bad(err, s, msg);
}

static bool
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int
load_checks(struct exh_logscan *ls, const char *dir, struct exh_err *err)
{
	struct src s = { "checks.tsv", NULL, NULL };
	char *line, *col[MAXCOLS];
	size_t n;
	int status;

	if ((status = open_data(dir, &s, err)) != EXH_OK) {
		close_data(&s);
		return status;
	}
	while (status == EXH_OK && next_line(&s, &line, &status, err)) {
		struct logscan_check *c, *nc;
		long score;
		int lvl;

		n = exh_fields_split(line, col, MAXCOLS);
		if (n < 6) {
			status = bad(err, &s, "need 6 tab-separated columns");
			break;
		}
		if (find_check(ls, col[0]) >= 0) {
			status = bad(err, &s, "duplicate check id");
			break;
		}
		nc = realloc(ls->checks, (ls->nchecks + 1) * sizeof(*nc));
		if (nc == NULL) {
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
			break;
		}
		ls->checks = nc;
		c = &nc[ls->nchecks];
		memset(c, 0, sizeof(*c));
		ls->nchecks++;
		c->family = exh_log_family_parse(col[1]);
		lvl = exh_level_parse(col[3]);
		if (c->family == EXH_LOG_UNKNOWN) {
			status = bad(err, &s, "unknown log family");
			break;
		}
		if (!parse_int(col[2], 0, 100, &score)) {
			status = bad(err, &s, "score must be 0..100");
			break;
		}
		c->score = (int)score;
		/* The level column documents the intent; it must agree with
		 * what the score gives, or the data file is lying. */
		c->level = lvl;
		if (lvl < 0 || exh_level_for(c->score, &c->score, 1) != lvl) {
			status = bad(err, &s, "level does not match the score "
			    "(notice>=40, warning>=60, alert>=80)");
			break;
		}
		c->id = strdup(col[0]);
		c->desc = strdup(col[4]);
		c->ref = strdup(col[5]);
		if (c->id == NULL || c->desc == NULL || c->ref == NULL) {
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
			break;
		}
		if (n > 6 && col[6][0] != '\0') {
			char *p = col[6], *comma;
			size_t k = 1;

			for (comma = p; (comma = strchr(comma, ',')); comma++)
				k++;
			if ((c->show = calloc(k, sizeof(int))) == NULL) {
				status = exh_err_set(err, EXH_ENOMEM, 0,
				    "rules: out of memory");
				break;
			}
			while (p != NULL) {
				int id;

				comma = strchr(p, ',');
				id = logscan_field_intern(ls, p, comma ?
				    (size_t)(comma - p) : strlen(p));
				if (id == -2) {
					status = exh_err_set(err, EXH_ENOMEM,
					    0, "rules: out of memory");
					break;
				}
				if (id >= 0)
					c->show[c->nshow++] = id;
				p = comma ? comma + 1 : NULL;
			}
		}
	}
	close_data(&s);
	return status;
}

/* "SET needs A|B|...": literals one of which every value a member of the
 * set matches contains (rules/logs/README). */
static int
set_needs(struct logscan_pset *set, const char *alternatives, struct src *s,
    struct exh_err *err)
{
	int rc;

	if (set->needs != NULL)
		return bad(err, s, "a set has one needs line");
	rc = logscan_guard_build(alternatives, &set->needs);
	if (rc == EXH_EUSAGE)
		return bad(err, s, "needs: an empty alternative (A||B)");
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
	return EXH_OK;
}

/* iis-paths.tsv (SET, like|regex|needs, PATTERN) and user-agents.txt (SET,
 * like pattern) both fill named sets. */
static int
load_sets(struct exh_logscan *ls, const char *dir, const char *name,
    bool with_type, struct exh_err *err)
{
	struct src s = { name, NULL, NULL };
	char *line, *col[MAXCOLS];
	size_t n;
	int status;

	if ((status = open_data(dir, &s, err)) != EXH_OK) {
		close_data(&s);
		return status;
	}
	while (status == EXH_OK && next_line(&s, &line, &status, err)) {
		struct logscan_pset *set;
		struct logscan_clause *ni;
		const char *type, *pat;
		int k;

		n = exh_fields_split(line, col, MAXCOLS);
		if (n != (with_type ? 3u : 2u)) {
			status = bad(err, &s, with_type ?
			    "need SET<tab>like|regex<tab>PATTERN" :
			    "need SET<tab>PATTERN");
			break;
		}
		type = with_type ? col[1] : "like";
		pat = with_type ? col[2] : col[1];
		/* IIS writes a space in a user agent as '+' and keeps a real
		 * '+' as it is; the analyser reads '+' as a space, so the
		 * patterns must too. */
		if (!with_type)
			for (char *q = col[1]; *q != '\0'; q++)
				if (*q == '+')
					*q = ' ';
		if (strcmp(type, "like") != 0 && strcmp(type, "regex") != 0 &&
		    strcmp(type, "needs") != 0) {
			status = bad(err, &s, "set members are like or regex "
			    "(or the set's needs line)");
			break;
		}
		if ((k = logscan_find_set(ls, col[0])) < 0) {
			struct logscan_pset *ns = realloc(ls->sets,
			    (ls->nsets + 1) * sizeof(*ns));

			if (ns == NULL) {
				status = exh_err_set(err, EXH_ENOMEM, 0,
				    "rules: out of memory");
				break;
			}
			ls->sets = ns;
			memset(&ns[ls->nsets], 0, sizeof(*ns));
			if ((ns[ls->nsets].name = strdup(col[0])) == NULL) {
				status = exh_err_set(err, EXH_ENOMEM, 0,
				    "rules: out of memory");
				break;
			}
			k = (int)ls->nsets++;
		}
		set = &ls->sets[k];
		if (strcmp(type, "needs") == 0) {
			status = set_needs(set, pat, &s, err);
			continue;
		}
		ni = realloc(set->items, (set->n + 1) * sizeof(*ni));
		if (ni == NULL) {
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
			break;
		}
		set->items = ni;
		status = compile_clause(ls, &ni[set->n], "_line", type, pat,
		    &s, err);
		if (status == EXH_OK)
			set->n++;
		else
			logscan_clause_free(&ni[set->n]);
	}
	close_data(&s);
	return status;
}

static int
load_ips(struct exh_logscan *ls, const char *dir, struct exh_err *err)
{
	struct src s = { "attacker-ips.txt", NULL, NULL };
	char *line;
	int status;

	if ((status = open_data(dir, &s, err)) != EXH_OK) {
		close_data(&s);
		return status;
	}
	while (status == EXH_OK && next_line(&s, &line, &status, err)) {
		char *semi, *p;

		semi = strchr(line, ';');
		if (semi != NULL)
			*semi = '\0';
		for (p = line; *p; p++)
			if (!((*p >= '0' && *p <= '9') || *p == '.' ||
			    *p == ':' || (*p >= 'a' && *p <= 'f') ||
			    (*p >= 'A' && *p <= 'F')))
				break;
		if (*p != '\0' || p == line) {
			status = bad(err, &s, "need IP;source");
			break;
		}
		if (logscan_strset_put(&ls->ips, line, strlen(line),
		    semi ? semi + 1 : "") != EXH_OK)
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
	}
	close_data(&s);
	return status;
}

/* exchange-pages.tsv: FOLDER<TAB>NAME, the pages Exchange and IIS serve
 * themselves; a FOLDER ending in "/" and a star also covers the folders
 * below it. */
static int
add_page(struct exh_logscan *ls, char *folder, const char *name,
    const struct src *s, struct exh_err *err)
{
	struct logscan_page *np, *pg;
	size_t flen = strlen(folder);
	bool below = false;
	int status;

	if (folder[0] != '/' || name[0] == '\0' || strchr(name, '/') != NULL)
		return bad(err, s, "need /FOLDER<tab>PAGE (a file name or "
		    "-like pattern, no '/')");
	if (flen >= 2 && strcmp(folder + flen - 2, "/*") == 0) {
		below = true;
		flen -= 2;
	}
	while (flen > 0 && folder[flen - 1] == '/')
		flen--;
	if ((np = realloc(ls->pages, (ls->npages + 1) * sizeof(*np))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
	ls->pages = np;
	pg = &np[ls->npages];
	memset(pg, 0, sizeof(*pg));
	if ((pg->folder = strndup(folder, flen)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
	pg->flen = flen;
	pg->below = below;
	status = compile_clause(ls, &pg->name, "_line", "like", name, s, err);
	if (status != EXH_OK) {
		logscan_clause_free(&pg->name);
		free(pg->folder);
		return status;
	}
	ls->npages++;
	return EXH_OK;
}

static int
load_pages(struct exh_logscan *ls, const char *dir, struct exh_err *err)
{
	struct src s = { "exchange-pages.tsv", NULL, NULL };
	char *line, *col[MAXCOLS];
	int status;

	if ((status = open_data(dir, &s, err)) != EXH_OK) {
		close_data(&s);
		return status;
	}
	while (status == EXH_OK && next_line(&s, &line, &status, err)) {
		if (exh_fields_split(line, col, MAXCOLS) != 2) {
			status = bad(err, &s, "need /FOLDER<tab>PAGE");
			break;
		}
		status = add_page(ls, col[0], col[1], &s, err);
	}
	close_data(&s);
	return status;
}

/* One extra column of patterns.tsv: "FIELD OP [VALUE]" or a directive. */
static int
extra_column(struct exh_logscan *ls, struct logscan_rule *r, char *text,
    const struct src *s, struct exh_err *err)
{
	char *op, *value = NULL, *sp;
	struct logscan_clause *nc;
	long score;
	int status;

	if ((sp = strchr(text, ' ')) == NULL)
		return bad(err, s, "extra column needs 'FIELD OP [VALUE]'");
	*sp = '\0';
	op = sp + 1;
	if (strcmp(text, "score") == 0) {
		if (!parse_int(op, 0, 100, &score))
			return bad(err, s, "score must be 0..100");
		r->score = (int)score;
		return EXH_OK;
	}
	if (strcmp(text, "needs") == 0) {
		/* Literals the prefilter cannot derive (a regex, a set of
		 * regexes): every line this rule matches holds one of them. */
		free(r->needs);
		if ((r->needs = strdup(op)) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
		return EXH_OK;
	}
	if (strcmp(text, "label") == 0) {
		free(r->label);
		if ((r->label = strdup(op)) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
		return EXH_OK;
	}
	if ((sp = strchr(op, ' ')) != NULL) {
		*sp = '\0';
		value = sp + 1;
	}
	nc = realloc(r->cl, (r->ncl + 1) * sizeof(*nc));
	if (nc == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
	r->cl = nc;
	status = compile_clause(ls, &nc[r->ncl], text, op, value, s, err);
	if (status == EXH_OK)
		r->ncl++;
	else
		logscan_clause_free(&nc[r->ncl]);
	return status;
}

static void
rule_free(struct logscan_rule *r)
{
	size_t i;

	for (i = 0; i < r->ncl; i++)
		logscan_clause_free(&r->cl[i]);
	free(r->cl);
	free(r->order);
	free(r->label);
	free(r->needs);
	free(r->lits);
	memset(r, 0, sizeof(*r));
}

static int
load_patterns(struct exh_logscan *ls, const char *dir, struct exh_err *err)
{
	struct src s = { "patterns.tsv", NULL, NULL };
	char *line, *col[MAXCOLS];
	size_t n, i;
	int status;

	if ((status = open_data(dir, &s, err)) != EXH_OK) {
		close_data(&s);
		return status;
	}
	while (status == EXH_OK && next_line(&s, &line, &status, err)) {
		struct logscan_rule *r, *nr;
		int check;

		n = exh_fields_split(line, col, MAXCOLS);
		if (n < 5) {
			status = bad(err, &s, "need FAMILY CHECK FIELD MATCH "
			    "PATTERN [CONDITION...]");
			break;
		}
		if ((check = find_check(ls, col[1])) < 0) {
			status = bad(err, &s, "check id not in checks.tsv");
			break;
		}
		nr = realloc(ls->rules, (ls->nrules + 1) * sizeof(*nr));
		if (nr == NULL) {
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
			break;
		}
		ls->rules = nr;
		r = &nr[ls->nrules];
		memset(r, 0, sizeof(*r));
		r->family = exh_log_family_parse(col[0]);
		r->check = check;
		r->score = ls->checks[check].score;
		r->srcline = exh_lines_no(s.lr);
		/* A literal and a line number: src[64] holds them. */
		(void)snprintf(r->src, sizeof(r->src), "patterns.tsv:%zu",
		    exh_lines_no(s.lr));
		if (r->family == EXH_LOG_UNKNOWN ||
		    r->family != ls->checks[check].family) {
			status = bad(err, &s, "family unknown or not the "
			    "check's family");
			rule_free(r);
			break;
		}
		if ((r->cl = calloc(1, sizeof(*r->cl))) == NULL) {
			status = exh_err_set(err, EXH_ENOMEM, 0, "rules: out of memory");
			rule_free(r);
			break;
		}
		status = compile_clause(ls, &r->cl[0], col[2], col[3], col[4],
		    &s, err);
		if (status != EXH_OK) {
			logscan_clause_free(&r->cl[0]);
			rule_free(r);
			break;
		}
		r->ncl = 1;
		for (i = 5; i < n && status == EXH_OK; i++)
			if (col[i][0] != '\0')
				status = extra_column(ls, r, col[i], &s, err);
		if (status == EXH_OK && logscan_order_clauses(r) != EXH_OK)
			status = exh_err_set(err, EXH_ENOMEM, 0,
			    "rules: out of memory");
		if (status != EXH_OK) {
			rule_free(r);
			break;
		}
		ls->nrules++;
	}
	close_data(&s);
	return status;
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct logscan_rule *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->check != y->check)
		return x->check < y->check ? -1 : 1;
	return x->srcline < y->srcline ? -1 : x->srcline > y->srcline;
}

int
logscan_load_rules(struct exh_logscan *ls, const char *dir, struct exh_err *err)
{
	size_t i;
	int status;

	if ((status = load_checks(ls, dir, err)) != EXH_OK ||
	    (status = load_sets(ls, dir, "iis-paths.tsv", true, err)) !=
	    EXH_OK ||
	    (status = load_sets(ls, dir, "user-agents.txt", false, err)) !=
	    EXH_OK ||
	    (status = load_sets(ls, dir, "shell-params.tsv", true, err)) !=
	    EXH_OK ||
	    (status = load_pages(ls, dir, err)) != EXH_OK ||
	    (status = load_ips(ls, dir, err)) != EXH_OK ||
	    (status = load_patterns(ls, dir, err)) != EXH_OK)
		return status;
	if (ls->nrules == 0)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: %s/logs/patterns.tsv: no patterns; refusing to "
		    "analyse logs with zero rules", dir);
	/* Group rules by family, then by check, so one pass over a family's
	 * rules can keep the best-scoring alternative of each check. */
	qsort(ls->rules, ls->nrules, sizeof(*ls->rules), rule_cmp);
	logscan_share_results(ls);
	logscan_plan_value_cache(ls);
	for (i = ls->nrules; i-- > 0;) {
		ls->fam_first[ls->rules[i].family] = i;
		ls->fam_count[ls->rules[i].family]++;
	}
	return EXH_OK;
}

void
logscan_free_rules(struct exh_logscan *ls)
{
	size_t i, j;

	for (i = 0; i < ls->nrules; i++)
		rule_free(&ls->rules[i]);
	free(ls->rules);
	for (i = 0; i < ls->nchecks; i++) {
		free(ls->checks[i].id);
		free(ls->checks[i].desc);
		free(ls->checks[i].ref);
		free(ls->checks[i].show);
	}
	free(ls->checks);
	for (i = 0; i < ls->nsets; i++) {
		for (j = 0; j < ls->sets[i].n; j++)
			logscan_clause_free(&ls->sets[i].items[j]);
		free(ls->sets[i].items);
		free(ls->sets[i].name);
		logscan_guard_free(ls->sets[i].needs);
	}
	free(ls->sets);
	for (i = 0; i < ls->npages; i++) {
		logscan_clause_free(&ls->pages[i].name);
		free(ls->pages[i].folder);
	}
	free(ls->pages);
	ls->pages = NULL;
	ls->npages = 0;
	for (i = 0; i < ls->nfields; i++)
		free(ls->fields[i]);
	free(ls->fields);
	logscan_strset_free(&ls->ips);
	logscan_prefilter_free(ls);
	ls->rules = NULL;
	ls->checks = NULL;
	ls->sets = NULL;
	ls->fields = NULL;
	ls->nrules = ls->nchecks = ls->nsets = ls->nfields = 0;
}
