/* Scan scope: rules/scope.txt expanded into the existing roots of one volume. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/scan.h"

struct strv {
	char **v;
	size_t n;
};

/* Takes s (malloc'd; NULL is out of memory) into the core vector. */
static int
strv_add(struct strv *sv, char *s)
{
	int rc;

	if (s == NULL)
		return EXH_ENOMEM;
	rc = exh_strvec_push(&sv->v, &sv->n, s);
	free(s);
	return rc;
}

static void
strv_free(struct strv *sv)
{
	exh_scope_free(sv->v, sv->n);
	memset(sv, 0, sizeof(*sv));
}

void
exh_scope_free(char **roots, size_t nroots)
{
	size_t i;

	for (i = 0; i < nroots; i++)
		free(roots[i]);
	free(roots);
}

/* Case-insensitive ASCII match of one component against a '*' pattern. */
static bool
glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat != '\0' && (*pat == *s ||
		    (*pat >= 'A' && *pat <= 'Z' && *pat + 32 == *s) ||
		    (*pat >= 'a' && *pat <= 'z' && *pat - 32 == *s))) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++resume;
		} else
			return false;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

struct listing {
	const char *pattern;
	const char *prefix;
	struct strv *out;
	int rc;
};

static int
on_child(const struct exh_entry *e, void *ctx)
{
	struct listing *l = ctx;
	char *p;

	if (e->status == EXH_ENTRY_OK && glob_match(l->pattern, e->name)) {
		if (asprintf(&p, "%s\\%s", l->prefix, e->name) < 0) {
			l->rc = EXH_ENOMEM;
			return EXH_WALK_STOP;
		}
		if ((l->rc = strv_add(l->out, p)) != EXH_OK)
			return EXH_WALK_STOP;
	}
	return e->status == EXH_ENTRY_OK ? EXH_WALK_PRUNE : EXH_WALK_NEXT;
}

/* A folder whose listing failed, as a root ("X:\\dir", or the volume). */
static int
add_unlisted(struct strv *out, char letter, const char *dir)
{
	char *p;

	if (dir[0] == '\0')
		return strv_add(out, strdup("\\"));
	if (asprintf(&p, "%c:%s", letter, dir) < 0)
		return EXH_ENOMEM;
	return strv_add(out, p);
}

/* Expands path (letter-less, "\\a\\b*\\c") into existing paths. */
static int
expand_path(struct exh_volume *vol, const char *path, struct strv *out,
    struct exh_err *err)
{
	struct strv cur = { 0 }, next = { 0 };
	struct exh_err lerr;
	char *copy, *comp, *end;
	char letter = exh_volume_info(vol)->letter;
	size_t i;
	int rc = EXH_OK;

	if ((copy = strdup(path)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((rc = strv_add(&cur, strdup(""))) != EXH_OK)
		goto out;
	for (comp = copy; comp != NULL; comp = end) {
		if ((end = strchr(comp, '\\')) != NULL)
			*end++ = '\0';
		if (*comp == '\0')
			continue;
		for (i = 0; i < cur.n && rc == EXH_OK; i++) {
			char *p;

			if (strchr(comp, '*') == NULL) {
				if (asprintf(&p, "%s\\%s", cur.v[i], comp) < 0)
					rc = EXH_ENOMEM;
				else
					rc = strv_add(&next, p);
			} else {
				struct listing l = { comp, cur.v[i], &next,
				    EXH_OK };
				char start[8];

				/* "X:\\" always fits start[8]. */
				(void)snprintf(start, sizeof(start), "%c:\\",
				    letter);
				rc = exh_volume_walk(vol, cur.v[i][0] ?
				    cur.v[i] : start, on_child, &l, &lerr);
				/* A missing folder matches nothing.  A
				 * folder that cannot be listed becomes a
				 * root itself: the scan walks it and records
				 * what it cannot read, so no scope root is
				 * dropped without a word. */
				if (rc == EXH_OK || rc == EXH_STOP ||
				    rc == EXH_ENOTFOUND)
					rc = l.rc;
				else if (rc == EXH_ENOMEM)
					goto out;
				else
					rc = add_unlisted(out, letter,
					    cur.v[i]);
			}
		}
		strv_free(&cur);
		cur = next;
		memset(&next, 0, sizeof(next));
		if (rc != EXH_OK)
			goto out;
	}
	for (i = 0; i < cur.n && rc == EXH_OK; i++) {
		uint64_t mft;
		char *p;
		int lookup;

		if (cur.v[i][0] == '\0') {
			rc = strv_add(out, strdup("\\"));
			continue;
		}
		/* Missing: not in scope here.  Out of memory is no "missing"
		 * (the root would drop in silence); any other failure keeps
		 * the path as a root, so the scan says what it cannot read. */
		lookup = exh_volume_lookup(vol, cur.v[i], &mft, NULL, &lerr);
		if (lookup == EXH_ENOMEM) {
			rc = EXH_ENOMEM;
			break;
		}
		if (lookup == EXH_ENOTFOUND)
			continue;
		if (asprintf(&p, "%c:%s", letter, cur.v[i]) < 0)
			rc = EXH_ENOMEM;
		else
			rc = strv_add(out, p);
	}
out:
	strv_free(&cur);
	strv_free(&next);
	free(copy);
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	return rc;
}

/* Substitutes the variables (%WEBROOT% by webroot); *res is NULL when one
 * is unknown. */
static int
substitute(const char *line, const struct exh_scope_vars *vars,
    const char *webroot, char **res)
{
	static const char *names[] = { "%EXCHANGE%", "%WEBROOT%",
	    "%SYSTEMDRIVE%", "%WINDIR%" };
	const char *vals[4];
	struct exh_buf b = { 0 };
	const char *p = line;
	size_t i;

	vals[0] = vars ? vars->exchange : NULL;
	vals[1] = webroot;
	vals[2] = vars ? vars->systemdrive : NULL;
	vals[3] = vars ? vars->windir : NULL;
	*res = NULL;
	while (*p != '\0') {
		bool done = false;

		for (i = 0; i < 4 && !done; i++) {
			size_t n = strlen(names[i]);

			if (strncmp(p, names[i], n) != 0)
				continue;
			if (vals[i] == NULL) {
				exh_buf_free(&b);
				return EXH_OK;
			}
			if (exh_buf_puts(&b, vals[i]) != EXH_OK)
				goto nomem;
			p += n;
			done = true;
		}
		if (!done && exh_buf_putc(&b, *p++) != EXH_OK)
			goto nomem;
	}
	if (b.data == NULL && exh_buf_puts(&b, "") != EXH_OK)
		goto nomem;
	*res = exh_buf_take(&b);
	return EXH_OK;
nomem:
	exh_buf_free(&b);
	return EXH_ENOMEM;
}

/* Strips "X:" when X is vol's letter; NULL when it names another drive. */
static const char *
on_this_volume(struct exh_volume *vol, const char *p)
{
	char letter = exh_volume_info(vol)->letter;

	if (p[0] != '\0' && p[1] == ':') {
		if ((p[0] | 0x20) != (letter | 0x20))
			return NULL;
		p += 2;
	}
	return *p == '\\' ? p : NULL;
}

static int
cmp_root(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* True when r is below (or equal to) top, ignoring ASCII case. */
static bool
nested(const char *top, const char *r)
{
	size_t n = strlen(top);

	if (strcmp(top, "\\") == 0 || (n == 3 && top[1] == ':' &&
	    top[2] == '\\'))
		return true;
	return strncasecmp(top, r, n) == 0 && (r[n] == '\0' || r[n] == '\\');
}

static void
dedupe(struct strv *sv)
{
	size_t i, j, keep = 0;

	if (sv->n == 0)		/* qsort(NULL, 0, ...) is undefined */
		return;
	qsort(sv->v, sv->n, sizeof(*sv->v), cmp_root);
	for (i = 0; i < sv->n; i++) {
		bool inside = false;

		for (j = 0; j < keep && !inside; j++)
			inside = nested(sv->v[j], sv->v[i]);
		if (inside)
			free(sv->v[i]);
		else
			sv->v[keep++] = sv->v[i];
	}
	sv->n = keep;
}

typedef int (*line_fn)(void *ctx, const char *line, size_t lineno,
    struct exh_err *err);

static int
each_line(const char *file, line_fn fn, void *ctx, struct exh_err *err)
{
	struct exh_lines *lr = NULL;
	FILE *fp;
	char *line;
	size_t len;
	int rc;

	if ((fp = fopen(file, "re")) == NULL)
		return exh_err_set(err, errno == ENOENT ? EXH_ENOTFOUND :
		    EXH_EIO, errno, "%s: cannot open: %s", file,
		    exh_strerror(errno));
	rc = exh_lines_open(fp, file, EXH_LINES_TRIM | EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT, &lr, err);
	while (rc == EXH_OK &&
	    (rc = exh_lines_next(lr, &line, &len, err)) == EXH_OK)
		rc = fn(ctx, line, exh_lines_no(lr), err);
	if (rc == EXH_STOP)
		rc = EXH_OK;
	exh_lines_close(lr);
	fclose(fp);
	return rc;
}

struct expand_ctx {
	struct exh_volume *vol;
	const struct exh_scope_vars *vars;
	const char *file;
	struct strv roots;
	char *fallback;		/* for default-exchange */
};

static const char *
after_keyword(const char *line, const char *kw)
{
	size_t n = strlen(kw);

	if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* One line of the scope with one value of %WEBROOT% (NULL: none). */
static int
expand_line(struct expand_ctx *x, const char *line, const char *webroot,
    size_t lineno, struct exh_err *err)
{
	const char *p;
	char *full;
	int rc;

	if ((rc = substitute(line, x->vars, webroot, &full)) != EXH_OK)
		return exh_err_set(err, rc, 0, "out of memory");
	if (full == NULL)
		return EXH_OK;
	if (full[0] != '\\' && !(full[0] != '\0' && full[1] == ':' &&
	    full[2] == '\\')) {
		exh_err_set(err, EXH_EUSAGE, 0, "%s:%zu: not a Windows path "
		    "(want C:\\... or \\...)", x->file, lineno);
		free(full);
		return EXH_EUSAGE;
	}
	if ((p = on_this_volume(x->vol, full)) != NULL)
		rc = expand_path(x->vol, p, &x->roots, err);
	free(full);
	return rc;
}

static int
on_scope_line(void *ctx, const char *line, size_t lineno, struct exh_err *err)
{
	struct expand_ctx *x = ctx;
	size_t i;
	int rc = EXH_OK;

	if (after_keyword(line, "default-exchange") != NULL ||
	    after_keyword(line, "structure") != NULL ||
	    after_keyword(line, "structure-depth") != NULL)
		return EXH_OK;
	if (strstr(line, "%WEBROOT%") == NULL)
		return expand_line(x, line, NULL, lineno, err);
	/* Once per web root: each may be on another volume. */
	for (i = 0; x->vars != NULL && i < x->vars->nwebroots &&
	    rc == EXH_OK; i++)
		if (x->vars->webroots[i] != NULL)
			rc = expand_line(x, line, x->vars->webroots[i], lineno,
			    err);
	return rc;
}

int
exh_scope_expand(struct exh_volume *vol, const char *scope_file,
    const struct exh_scope_vars *vars, char ***roots, size_t *nroots,
    struct exh_err *err)
{
	struct expand_ctx x;
	int rc;

	if (vol == NULL || scope_file == NULL || roots == NULL ||
	    nroots == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "scope: invalid call");
	memset(&x, 0, sizeof(x));
	x.vol = vol;
	x.vars = vars;
	x.file = scope_file;
	if ((rc = each_line(scope_file, on_scope_line, &x, err)) != EXH_OK) {
		strv_free(&x.roots);
		return rc;
	}
	dedupe(&x.roots);
	*roots = x.roots.v;
	*nroots = x.roots.n;
	return EXH_OK;
}

static int
on_default_line(void *ctx, const char *line, size_t lineno,
    struct exh_err *err)
{
	struct expand_ctx *x = ctx;
	const char *p, *rest;
	uint64_t mft;
	struct exh_err lerr;
	int rc;

	(void)lineno;
	if (x->fallback != NULL ||
	    (rest = after_keyword(line, "default-exchange")) == NULL)
		return EXH_OK;
	if ((p = on_this_volume(x->vol, rest)) == NULL)
		return EXH_OK;
	if ((rc = exh_volume_lookup(x->vol, p, &mft, NULL, &lerr)) ==
	    EXH_ENOMEM)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (rc != EXH_OK)
		return EXH_OK;
	if ((x->fallback = strdup(rest)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	return EXH_OK;
}

int
exh_scope_default_exchange(struct exh_volume *vol, const char *scope_file,
    char **path, struct exh_err *err)
{
	struct expand_ctx x;
	int rc;

	if (vol == NULL || scope_file == NULL || path == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "scope: invalid call");
	memset(&x, 0, sizeof(x));
	x.vol = vol;
	x.file = scope_file;
	if ((rc = each_line(scope_file, on_default_line, &x, err)) != EXH_OK)
		return rc;
	if (x.fallback == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: no "
		    "default-exchange path exists on this volume", scope_file);
	*path = x.fallback;
	return EXH_OK;
}

/* ---- web roots found by structure -------------------------------------- */

#define STRUCTURE_DEPTH		4
#define STRUCTURE_DEPTH_MAX	16

/* "structure" names, split into components. */
struct shape {
	char **comps;
	size_t ncomps;
};

struct structure_ctx {
	struct exh_volume *vol;
	const char *file;
	struct shape *shapes;	/* searched for by name */
	size_t nshapes;
	struct strv anchored;	/* "structure \\path" lines, letter-less */
	int depth;
	struct exh_scope_found *found;
	struct strv roots;
	int rc;			/* failure inside the walk */
};

static void
shapes_free(struct structure_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nshapes; i++)
		exh_scope_free(c->shapes[i].comps, c->shapes[i].ncomps);
	free(c->shapes);
	strv_free(&c->anchored);
	strv_free(&c->roots);
}

static int
add_shape(struct structure_ctx *c, const char *names)
{
	struct shape *grown, sh = { NULL, 0 };
	const char *p = names, *end;
	int rc = EXH_OK;

	while (*p != '\0' && rc == EXH_OK) {
		if ((end = strchr(p, '\\')) == NULL)
			end = p + strlen(p);
		if (end > p) {
			char *comp = strndup(p, (size_t)(end - p));

			rc = comp == NULL ? EXH_ENOMEM :
			    exh_strvec_push(&sh.comps, &sh.ncomps, comp);
			free(comp);
		}
		p = *end != '\0' ? end + 1 : end;
	}
	if (rc == EXH_OK && (grown = realloc(c->shapes, (c->nshapes + 1) *
	    sizeof(*grown))) == NULL)
		rc = EXH_ENOMEM;
	if (rc != EXH_OK) {
		exh_scope_free(sh.comps, sh.ncomps);
		return rc;
	}
	c->shapes = grown;
	c->shapes[c->nshapes++] = sh;
	return EXH_OK;
}

static int
on_structure_line(void *ctx, const char *line, size_t lineno,
    struct exh_err *err)
{
	struct structure_ctx *c = ctx;
	const char *rest;
	char *end;
	long n;
	int rc;

	if ((rest = after_keyword(line, "structure-depth")) != NULL) {
		errno = 0;
		n = strtol(rest, &end, 10);
		if (errno != 0 || end == rest || *end != '\0' || n < 1 ||
		    n > STRUCTURE_DEPTH_MAX)
			return exh_err_set(err, EXH_EUSAGE, 0, "%s:%zu: "
			    "structure-depth wants a number from 1 to %d",
			    c->file, lineno, STRUCTURE_DEPTH_MAX);
		c->depth = (int)n;
		return EXH_OK;
	}
	if ((rest = after_keyword(line, "structure")) == NULL)
		return EXH_OK;
	if (*rest == '\0' || strchr(rest, ':') != NULL ||
	    strcmp(rest, "\\") == 0)
		return exh_err_set(err, EXH_EUSAGE, 0, "%s:%zu: structure "
		    "wants folder names (inetpub, FrontEnd\\HttpProxy) or a "
		    "path from the volume root without a drive letter",
		    c->file, lineno);
	if (*rest == '\\')
		rc = strv_add(&c->anchored, strdup(rest));
	else
		rc = add_shape(c, rest);
	if (rc != EXH_OK)
		return exh_err_set(err, rc, 0, "out of memory");
	return EXH_OK;
}

/* True when the last components of path are sh's, ignoring ASCII case. */
static bool
tail_matches(const char *path, const struct shape *sh)
{
	char comp[1024];
	const char *end = path + strlen(path), *start;
	size_t i, len;

	for (i = sh->ncomps; i > 0; i--) {
		for (start = end; start > path && start[-1] != '\\'; start--)
			;
		len = (size_t)(end - start);
		if (start == path || len == 0 || len >= sizeof(comp))
			return false;
		memcpy(comp, start, len);
		comp[len] = '\0';
		if (!glob_match(sh->comps[i - 1], comp))
			return false;
		end = start - 1;
	}
	return true;
}

static int
on_structure_entry(const struct exh_entry *e, void *ctx)
{
	struct structure_ctx *c = ctx;
	size_t i;

	if (e->status != EXH_ENTRY_OK) {
		/* Named, not only counted: a damaged folder may hide a root. */
		if (c->found->ndamaged_paths < EXH_SCOPE_DAMAGED_NAMED &&
		    e->path != NULL && (c->rc = exh_strvec_push(
		    &c->found->damaged_paths, &c->found->ndamaged_paths,
		    e->path)) != EXH_OK)
			return EXH_WALK_STOP;
		c->found->damaged++;
		return EXH_WALK_NEXT;
	}
	if (!e->is_dir)
		return EXH_WALK_NEXT;
	/* Never followed, as in the scan itself. */
	if (e->reparse_tag != 0)
		return EXH_WALK_PRUNE;
	for (i = 0; i < c->nshapes; i++)
		if (tail_matches(e->path, &c->shapes[i])) {
			if ((c->rc = strv_add(&c->roots, strdup(e->path))) !=
			    EXH_OK)
				return EXH_WALK_STOP;
			return EXH_WALK_PRUNE;
		}
	if (e->depth >= c->depth)
		return EXH_WALK_PRUNE;
	c->found->dirs++;
	return EXH_WALK_NEXT;
}

static int
search_structure(struct structure_ctx *c, struct exh_err *err)
{
	char start[8];
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < c->anchored.n && rc == EXH_OK; i++)
		rc = expand_path(c->vol, c->anchored.v[i], &c->roots, err);
	if (rc != EXH_OK || c->nshapes == 0)
		return rc;
	/* "X:\\" always fits start[8]. */
	(void)snprintf(start, sizeof(start), "%c:\\",
	    exh_volume_info(c->vol)->letter);
	c->found->dirs++;
	rc = exh_volume_walk(c->vol, start, on_structure_entry, c, err);
	if (c->rc != EXH_OK)
		return exh_err_set(err, c->rc, 0, "out of memory");
	if (rc == EXH_STOP)
		rc = EXH_OK;
	if (rc != EXH_OK)
		exh_err_prefix(err, "%c: searching for web roots",
		    exh_volume_info(c->vol)->letter);
	return rc;
}

int
exh_scope_structure(struct exh_volume *vol, const char *scope_file,
    struct exh_scope_found *found, struct exh_err *err)
{
	struct structure_ctx c;
	int rc;

	if (found != NULL)
		memset(found, 0, sizeof(*found));
	if (vol == NULL || scope_file == NULL || found == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "scope: invalid call");
	memset(&c, 0, sizeof(c));
	c.vol = vol;
	c.file = scope_file;
	c.depth = STRUCTURE_DEPTH;
	c.found = found;
	if ((rc = each_line(scope_file, on_structure_line, &c, err)) ==
	    EXH_OK) {
		found->depth = c.depth;
		rc = search_structure(&c, err);
	}
	dedupe(&c.roots);
	found->roots = c.roots.v;
	found->nroots = c.roots.n;
	memset(&c.roots, 0, sizeof(c.roots));
	shapes_free(&c);
	return rc;
}

void
exh_scope_structure_free(struct exh_scope_found *found)
{
	if (found == NULL)
		return;
	exh_scope_free(found->roots, found->nroots);
	exh_strvec_free(found->damaged_paths, found->ndamaged_paths);
	memset(found, 0, sizeof(*found));
}
