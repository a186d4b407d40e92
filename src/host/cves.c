/* The update table (rules/exchange-updates.tsv): builds, support states and the per-CVE verdict. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

/* out->reason as display text and as a message (host_reason). */
#define REASON(...) host_reason(out->reason, sizeof(out->reason), \
    &out->why, false, __VA_ARGS__)
#define MORE(...) host_reason(out->reason, sizeof(out->reason), \
    &out->why, true, __VA_ARGS__)

#define NVER	5	/* 2010, 2013, 2016, 2019, SE */
#define SE	4

static const char *const ver_names[NVER] = {
	"2010", "2013", "2016", "2019", "SE",
};

struct rel {
	int ver;
	unsigned b[4];
	char *line;		/* owned; the fields point into it */
	const char *cu, *update, *released, *kb, *channel, *note;
};

struct sup {
	bool set;
	char *line;
	const char *state, *ended, *last_public, *esu, *note;
};

struct cve {
	char *line;
	const char *id, *fixed_by, *products, *not_affected, *group;
	const char *published, *kev, *exploited, *depends, *title, *note;
};

struct exh_cvemap {
	char as_of[16];
	char last_update[32];
	struct rel *rels;
	size_t nrels;
	struct sup sups[NVER];
	struct cve *cves;
	size_t ncves;
};

static int
ver_index(const char *s)
{
	int i;

	for (i = 0; i < NVER; i++)
		if (strcmp(s, ver_names[i]) == 0)
			return i;
	return -1;
}

/* Which version a build is: 14.3 is 2010, 15.2 from build 2562 is SE. */
static int
ver_of_build(const unsigned v[4])
{
	if (v[0] == 14 && v[1] == 3)
		return 0;
	if (v[0] != 15 || v[1] > 2)
		return -1;
	if (v[1] == 2 && v[2] >= 2562)
		return SE;
	return 1 + (int)v[1];
}

/* "-" is an empty field. */
static const char *
field(const char *s)
{
	return strcmp(s, "-") == 0 ? "" : s;
}

static bool
is_date(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0)
		return true;
	if (n != 7 && n != 10)
		return false;
	for (i = 0; i < n; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' :
		    (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* Is name one of the comma-separated tokens of list? */
static bool
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	if (n == 0)
		return false;
	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return false;
}

static void *
grow(void *arr, size_t n, size_t size)
{
	if (n > ((size_t)-1) / size - 1)
		return NULL;
	return realloc(arr, (n + 1) * size);
}

static bool
copy(char *dst, size_t len, const char *s)
{
	int n = snprintf(dst, len, "%s", s);

	return n >= 0 && (size_t)n < len;
}

static int
parse_line(struct exh_cvemap *m, const char *text, char *copyline)
{
	char *f[13];
	size_t n = exh_fields_split(copyline, f, 13), i;
	void *g;

	for (i = 0; i < n; i++)
		if (f[i][0] == '\0')
			return -1;	/* empty fields are written "-" */
	if (strcmp(f[0], "asof") == 0 && n == 3) {
		if (!is_date(f[1]) || f[1][0] == '\0' ||
		    !copy(m->as_of, sizeof(m->as_of), f[1]) ||
		    !copy(m->last_update, sizeof(m->last_update), field(f[2])))
			return -1;
		return 1;
	}
	if (strcmp(f[0], "source") == 0 && n == 2)
		return 1;
	if (strcmp(f[0], "support") == 0 && n == 7) {
		int v = ver_index(f[1]);
		struct sup *s;

		if (v < 0 || m->sups[v].set || !is_date(field(f[3])) ||
		    (strcmp(f[5], "yes") != 0 && strcmp(f[5], "no") != 0))
			return -1;
		s = &m->sups[v];
		s->set = true;
		s->line = copyline;
		s->state = f[2];
		s->ended = field(f[3]);
		s->last_public = field(f[4]);
		s->esu = f[5];
		s->note = field(f[6]);
		return 0;
	}
	if (strcmp(f[0], "release") == 0 && n == 9) {
		struct rel r;

		memset(&r, 0, sizeof(r));
		r.ver = ver_index(f[1]);
		if (r.ver < 0 || host_parse_build(f[4], r.b) != 0 ||
		    ver_of_build(r.b) != r.ver || !is_date(field(f[5])) ||
		    strlen(f[2]) >= 32 || strlen(f[3]) >= 32)
			return -1;
		r.line = copyline;
		r.cu = f[2];
		r.update = field(f[3]);
		r.released = field(f[5]);
		r.kb = field(f[6]);
		r.channel = f[7];
		r.note = field(f[8]);
		if ((g = grow(m->rels, m->nrels, sizeof(*m->rels))) == NULL)
			return -2;
		m->rels = g;
		m->rels[m->nrels++] = r;
		return 0;
	}
	if (strcmp(f[0], "cve") == 0 && n == 12) {
		struct cve c;

		if (strncmp(f[1], "CVE-", 4) != 0 || strlen(f[1]) > 20 ||
		    !is_date(field(f[6])) || !is_date(field(f[7])) ||
		    !is_date(field(f[8])))
			return -1;
		c.line = copyline;
		c.id = f[1];
		c.fixed_by = field(f[2]);
		c.products = field(f[3]);
		c.not_affected = field(f[4]);
		c.group = field(f[5]);
		c.published = field(f[6]);
		c.kev = field(f[7]);
		c.exploited = field(f[8]);
		c.depends = field(f[9]);
		c.title = field(f[10]);
		c.note = field(f[11]);
		if ((g = grow(m->cves, m->ncves, sizeof(*m->cves))) == NULL)
			return -2;
		m->cves = g;
		m->cves[m->ncves++] = c;
		return 0;
	}
	(void)text;
	return -1;
}

int
exh_cvemap_load(const char *tsv_path, struct exh_cvemap **out,
    struct exh_err *err)
{
	struct exh_cvemap *m;
	struct exh_lines *lr = NULL;
	FILE *fp;
	char *line, *dup;
	size_t len;
	int rc, r;

	if ((fp = fopen(tsv_path, "re")) == NULL)
		return exh_err_set(err, errno == ENOENT ? EXH_ENOTFOUND :
		    EXH_EIO, errno, "%s: cannot open update table: %s",
		    tsv_path, exh_strerror(errno));
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		fclose(fp);
		return exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	}
	rc = exh_lines_open(fp, tsv_path, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT, &lr, err);
	while (rc == EXH_OK &&
	    (rc = exh_lines_next(lr, &line, &len, err)) == EXH_OK) {
		if ((dup = strdup(line)) == NULL) {
			rc = exh_err_set(err, EXH_ENOMEM, ENOMEM,
			    "%s: out of memory", tsv_path);
			break;
		}
		r = parse_line(m, line, dup);
		if (r != 0)
			free(dup);	/* kept only by rows that point in */
		if (r == -2)
			rc = exh_err_set(err, EXH_ENOMEM, ENOMEM,
			    "%s: out of memory", tsv_path);
		else if (r == -1)
			rc = exh_lines_fail(lr, err, EXH_ECORRUPT,
			    "malformed update table line");
	}
	if (rc == EXH_STOP)
		rc = EXH_OK;
	exh_lines_close(lr);
	fclose(fp);
	if (rc == EXH_OK && (m->nrels == 0 || m->as_of[0] == '\0'))
		rc = exh_err_set(err, EXH_ECORRUPT, 0, "%s: update table has "
		    "no builds or no asof line", tsv_path);
	if (rc != EXH_OK) {
		exh_cvemap_free(m);
		return rc;
	}
	*out = m;
	return EXH_OK;
}

void
exh_cvemap_free(struct exh_cvemap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrels; i++)
		free(m->rels[i].line);
	for (i = 0; i < m->ncves; i++)
		free(m->cves[i].line);
	for (i = 0; i < NVER; i++)
		free(m->sups[i].line);
	free(m->rels);
	free(m->cves);
	free(m);
}

const char *
exh_cvemap_as_of(const struct exh_cvemap *m)
{
	return m != NULL ? m->as_of : "";
}

const char *
exh_cvemap_last_update(const struct exh_cvemap *m)
{
	return m != NULL ? m->last_update : "";
}

size_t
exh_cvemap_count(const struct exh_cvemap *m)
{
	return m != NULL ? m->ncves : 0;
}

static bool
same_line(const struct rel *r, const unsigned v[4])
{
	return r->b[0] == v[0] && r->b[1] == v[1];
}

/* The CU build v is on: the base row of its version with the highest
 * base build at or below v. */
static const struct rel *
own_cu(const struct exh_cvemap *m, int ver, const unsigned v[4])
{
	const struct rel *best = NULL;
	size_t i;

	for (i = 0; i < m->nrels; i++) {
		const struct rel *r = &m->rels[i];

		if (r->ver == ver && r->update[0] == '\0' &&
		    host_build_cmp(r->b, v) <= 0 && (best == NULL ||
		    host_build_cmp(r->b, best->b) > 0))
			best = r;
	}
	return best;
}

static const struct rel *
exact(const struct exh_cvemap *m, const unsigned v[4])
{
	size_t i;

	for (i = 0; i < m->nrels; i++)
		if (host_build_cmp(m->rels[i].b, v) == 0)
			return &m->rels[i];
	return NULL;
}

/* The newest known build of a version's CU, NULL if none. */
static const struct rel *
newest_of_cu(const struct exh_cvemap *m, const struct rel *cu)
{
	const struct rel *best = NULL;
	size_t i;

	for (i = 0; cu != NULL && i < m->nrels; i++) {
		const struct rel *r = &m->rels[i];

		if (r->ver == cu->ver && strcmp(r->cu, cu->cu) == 0 &&
		    (best == NULL || host_build_cmp(r->b, best->b) > 0))
			best = r;
	}
	return best;
}

static const char *
first_release(const struct exh_cvemap *m, int ver)
{
	const char *d = "";
	size_t i;

	for (i = 0; i < m->nrels; i++)
		if (m->rels[i].ver == ver && m->rels[i].released[0] != '\0' &&
		    (d[0] == '\0' || strcmp(m->rels[i].released, d) < 0))
			d = m->rels[i].released;
	return d;
}

int
exh_cvemap_support(const struct exh_cvemap *m, const char *build,
    struct exh_support_state *out)
{
	const struct rel *cu, *ex, *last;
	const struct sup *s;
	unsigned v[4];
	int ver;
	bool esu;

	if (out == NULL)
		return EXH_EUSAGE;
	memset(out, 0, sizeof(*out));
	(void)copy(out->state, sizeof(out->state), "unknown");
	if (m == NULL || host_parse_build(build, v) != 0) {
		REASON("no usable build number");
		return EXH_EUSAGE;
	}
	if ((ver = ver_of_build(v)) < 0) {
		REASON("build %u.%u.%u.%u is not Exchange 2010 SP3 to SE",
		    v[0], v[1], v[2], v[3]);
		return EXH_OK;
	}
	s = &m->sups[ver];
	cu = own_cu(m, ver, v);
	ex = exact(m, v);
	last = newest_of_cu(m, cu);
	(void)copy(out->version, sizeof(out->version), ver_names[ver]);
	(void)snprintf(out->product, sizeof(out->product), "Exchange Server %s%s",
	    ver_names[ver], ver == 0 ? " SP3" : "");
	if (cu != NULL)
		(void)copy(out->cu, sizeof(out->cu), cu->cu);
	if (ex != NULL) {
		(void)copy(out->update, sizeof(out->update), ex->update);
		(void)copy(out->released, sizeof(out->released), ex->released);
		(void)copy(out->channel, sizeof(out->channel), ex->channel);
	}
	if (s->set)
		(void)copy(out->ended, sizeof(out->ended), s->ended);
	/* A revision above the CU's last public update, unknown to the
	 * table, on a version with ESU, is an ESU build too. */
	esu = ex != NULL ? strcmp(ex->channel, "esu") == 0 :
	    (s->set && strcmp(s->esu, "yes") == 0 && last != NULL &&
	    host_build_cmp(v, last->b) > 0);
	if (!s->set)
		(void)copy(out->state, sizeof(out->state), "unknown");
	else if (s->ended[0] == '\0')
		(void)copy(out->state, sizeof(out->state), s->state);
	else
		(void)copy(out->state, sizeof(out->state), esu ?
		    "out of support (ESU)" : "out of support");
	if (!s->set)
		REASON("%s: no support data", out->product);
	else if (s->ended[0] == '\0')
		REASON("%s %s: %s (%s)", out->product, out->cu, s->state,
		    s->note);
	else if (esu && ex != NULL && ex->released[0] != '\0')
		REASON("%s %s: out of support since %s; %s is an extended "
		    "security update (ESU, %s), so the organisation is enrolled "
		    "in ESU", out->product, out->cu, s->ended, ex->update,
		    ex->released);
	else if (esu && ex != NULL)
		REASON("%s %s: out of support since %s; %s is an extended "
		    "security update (ESU, release date unknown), so the "
		    "organisation is enrolled in ESU", out->product, out->cu,
		    s->ended, ex->update);
	else if (esu)
		REASON("%s %s: out of support since %s; this build is an "
		    "extended security update (ESU, release date unknown), so "
		    "the organisation is enrolled in ESU", out->product,
		    out->cu, s->ended);
	else
		REASON("%s %s: out of support since %s (last public update "
		    "%s); no security updates for this build after that",
		    out->product, out->cu, s->ended, s->last_public);
	if (ex == NULL && last != NULL && host_build_cmp(v, last->b) > 0)
		MORE("; build newer than the newest of %s the table knows "
		    "(%s %s): knowledge as of %s may be out of date", out->cu,
		    last->update[0] != '\0' ? last->update : "base",
		    ver_names[ver], m->as_of);
	else if (ex == NULL)
		MORE("; revision not in the table (judged by comparing "
		    "builds)");
	return EXH_OK;
}

/* Rows of v's line (SE continues 2019) whose names are in c->fixed_by. */
static bool
is_fix(const struct rel *r, const struct cve *c, const unsigned v[4])
{
	return same_line(r, v) && (in_list(c->fixed_by, r->update) ||
	    (r->update[0] == '\0' && in_list(c->fixed_by, r->cu)));
}

static void
set_fix(struct exh_cve_verdict *out, const struct rel *r)
{
	(void)copy(out->fix_update, sizeof(out->fix_update),
	    r->update[0] != '\0' ? r->update : r->cu);
	(void)snprintf(out->fix_build, sizeof(out->fix_build), "%u.%u.%u.%u",
	    r->b[0], r->b[1], r->b[2], r->b[3]);
}

static void
judge(const struct exh_cvemap *m, const struct cve *c, const unsigned v[4],
    int ver, struct exh_cve_verdict *out)
{
	const struct rel *newest = NULL, *mine = NULL, *cu = own_cu(m, ver, v);
	const char *first = "";
	size_t i;

	for (i = 0; i < m->nrels; i++) {
		const struct rel *r = &m->rels[i];

		if (!is_fix(r, c, v))
			continue;
		if (newest == NULL || host_build_cmp(r->b, newest->b) > 0)
			newest = r;
		if (cu != NULL && r->ver == cu->ver &&
		    strcmp(r->cu, cu->cu) == 0 && (mine == NULL ||
		    host_build_cmp(r->b, mine->b) < 0))
			mine = r;
		if (r->released[0] != '\0' && (first[0] == '\0' ||
		    strcmp(r->released, first) < 0))
			first = r->released;
	}
	(void)copy(out->fix_released, sizeof(out->fix_released), first);
	if (newest == NULL) {
		out->verdict = EXH_VERDICT_UNKNOWN;
		REASON("the table has no Exchange %s build with %s",
		    ver_names[ver], c->fixed_by);
		return;
	}
	if (host_build_cmp(v, newest->b) >= 0) {
		set_fix(out, mine != NULL ? mine : newest);
		out->verdict = EXH_VERDICT_FIXED;
		REASON("at or above %s (%s %s)", out->fix_build, mine != NULL ?
		    mine->cu : newest->cu, out->fix_update);
		return;
	}
	if (mine != NULL) {
		set_fix(out, mine);
		out->verdict = host_build_cmp(v, mine->b) >= 0 ?
		    EXH_VERDICT_FIXED : EXH_VERDICT_VULNERABLE;
		if (out->verdict == EXH_VERDICT_FIXED)
			REASON("at or above %s's fixing build %s (%s)",
			    mine->cu, out->fix_build, out->fix_update);
		else
			REASON("below %s's fixing build %s (%s)", mine->cu,
			    out->fix_build, out->fix_update);
		return;
	}
	set_fix(out, newest);
	out->verdict = EXH_VERDICT_VULNERABLE;
	if (cu != NULL)
		REASON("%s never received the fix (%s); the newest CU with it, "
		    "%s, has it from %s", cu->cu, c->fixed_by, newest->cu,
		    out->fix_build);
	else
		REASON("this CU never received the fix (%s); the newest CU "
		    "with it, %s, has it from %s", c->fixed_by, newest->cu,
		    out->fix_build);
}

int
exh_cvemap_verdict(const struct exh_cvemap *m, const char *build, size_t i,
    struct exh_cve_verdict *out)
{
	const struct cve *c;
	const struct sup *s;
	unsigned v[4];
	int ver;

	if (m == NULL || out == NULL || i >= m->ncves)
		return EXH_EUSAGE;
	c = &m->cves[i];
	memset(out, 0, sizeof(*out));
	out->cve = c->id;
	out->title = c->title;
	out->group = c->group;
	out->fixed_by_list = c->fixed_by;
	out->kev = c->kev;
	out->exploited_since = c->exploited;
	out->published = c->published;
	out->depends = c->depends;
	out->note = c->note;
	out->verdict = EXH_VERDICT_UNKNOWN;
	if (host_parse_build(build, v) != 0) {
		REASON("no usable build number");
		return EXH_EUSAGE;
	}
	if ((ver = ver_of_build(v)) < 0) {
		REASON("not a build of Exchange 2010 SP3 to SE");
		return EXH_OK;
	}
	s = &m->sups[ver];
	if (in_list(c->not_affected, ver_names[ver])) {
		out->verdict = EXH_VERDICT_NOT_AFFECTED;
		REASON("Microsoft lists Exchange %s as not affected",
		    ver_names[ver]);
		return EXH_OK;
	}
	if (!in_list(c->products, ver_names[ver])) {
		const char *rel = first_release(m, ver);

		if (rel[0] != '\0' && strcmp(rel, c->published) > 0) {
			out->verdict = EXH_VERDICT_NOT_AFFECTED;
			REASON("Exchange %s was first released %s, after this "
			    "CVE (%s), and contains its fix", ver_names[ver],
			    rel, c->published);
		} else if (s->set && s->ended[0] != '\0' &&
		    strcmp(c->published, s->ended) > 0) {
			out->not_assessed = true;
			REASON("not assessed: published %s, after Exchange %s "
			    "left support (%s); Microsoft no longer evaluates "
			    "it", c->published, ver_names[ver], s->ended);
		} else {
			out->verdict = EXH_VERDICT_NOT_AFFECTED;
			REASON("Microsoft does not list Exchange %s as "
			    "affected", ver_names[ver]);
		}
		return EXH_OK;
	}
	if (c->fixed_by[0] == '\0') {
		REASON("no Exchange update fixes it; protection depends on %s",
		    c->depends);
		return EXH_OK;
	}
	judge(m, c, v, ver, out);
	if (out->verdict == EXH_VERDICT_FIXED && c->depends[0] != '\0') {
		if (strncmp(c->depends, "org:", 4) == 0)
			MORE("; protection also needs %s (not on the disk)",
			    c->depends);
		else
			MORE("; protection also needs %s (not examined)",
			    c->depends);
	}
	return EXH_OK;
}

/*
 * When the fix reached the disk: the earliest successful install of an
 * update of build's own CU at or above the CVE's fixing build for that
 * CU.  0 when none is recorded.
 */
int64_t
host_cvemap_fix_installed(const struct exh_cvemap *m, const char *build,
    const struct exh_cve_verdict *cv, const struct exh_update *u, size_t n)
{
	const struct rel *cu;
	unsigned v[4], fix[4];
	int64_t best = 0;
	size_t i, k;
	int ver;

	if (m == NULL || host_parse_build(build, v) != 0 ||
	    host_parse_build(cv->fix_build, fix) != 0 ||
	    (ver = ver_of_build(v)) < 0 || (cu = own_cu(m, ver, v)) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (u[i].failed || u[i].install_date == 0 || u[i].kb[0] == '\0')
			continue;
		for (k = 0; k < m->nrels; k++) {
			const struct rel *r = &m->rels[k];

			if (r->ver == cu->ver && strcmp(r->cu, cu->cu) == 0 &&
			    exh_ascii_iequal(r->kb, u[i].kb) &&
			    host_build_cmp(r->b, fix) >= 0 &&
			    (best == 0 || u[i].install_date < best))
				best = u[i].install_date;
		}
	}
	return best;
}
