/*
 * Differencing chains (VHD, VHDX, VMDK, qcow2): finding the parent a
 * child names, and opening the chain child first, parent after parent,
 * up to its base.  The name stored in the child is evidence, hence
 * hostile: it is only ever used to look beside the child, never to
 * follow an absolute path or "..".  Only a file the user gave with
 * --parent is taken from elsewhere.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source_int.h"

/* The last component of a stored name, Windows or POSIX separators. */
static const char *
stored_base(const char *name)
{
	const char *p, *base = name;

	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\' || (*p == ':' && p == name + 1))
			base = p + 1;
	return base;
}

static const char *
path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int
parent_name_check(const char *name, size_t len, struct exh_err *err)
{
	size_t i;

	if (len == 0 || name[0] == '\0')
		return exh_err_set(err, EXH_ECORRUPT, 0, "the parent name it "
		    "stores is empty");
	if (len > PARENT_NAME_MAX || strlen(name) != len)
		return exh_err_set(err, EXH_ECORRUPT, 0, "the parent name it "
		    "stores is %s", len > PARENT_NAME_MAX ? "too long" :
		    "cut by a NUL byte");
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return exh_err_set(err, EXH_ECORRUPT, 0, "the parent "
			    "name it stores holds control characters");
	if (stored_base(name)[0] == '\0')
		return exh_err_set(err, EXH_ECORRUPT, 0, "the parent name it "
		    "stores has no file name");
	return EXH_OK;
}

/*
 * The stored name as a path relative to the child's directory, with '/'
 * for '\\' and "./" dropped; NULL when it is absolute (a drive, a share,
 * a leading separator) or climbs with "..": then only its file name is
 * looked for beside the child.
 */
static char *
relative_beside(const char *child, const char *name)
{
	char *rel, *out, *p, *comp, *save = NULL;
	size_t used = 0;

	if (name[0] == '/' || name[0] == '\\' || (name[0] != '\0' &&
	    name[1] == ':'))
		return NULL;
	if ((rel = strdup(name)) == NULL)
		return NULL;
	if ((out = calloc(1, strlen(name) + 1)) == NULL) {
		free(rel);
		return NULL;
	}
	for (p = rel; *p != '\0'; p++)
		if (*p == '\\')
			*p = '/';
	for (comp = strtok_r(rel, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			free(rel);
			free(out);
			return NULL;
		}
		if (used > 0)
			out[used++] = '/';
		memcpy(out + used, comp, strlen(comp) + 1);
		used += strlen(comp);
	}
	free(rel);
	p = used > 0 ? source_beside(child, out) : NULL;
	free(out);
	return p;
}

static bool
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
note_tried(char *tried, size_t size, const char *path)
{
	size_t used = strlen(tried);

	if (used + 2 < size)
		(void)snprintf(tried + used, size - used, "%s%s",
		    used > 0 ? ", " : "", path);
}

int
parent_find(const char *child, const char *stored,
    const struct exh_source_options *opt, const char *kind, char **out,
    bool *given, struct exh_err *err)
{
	const char *base = stored_base(stored);
	char tried[320] = "", *path;
	size_t i;

	for (i = 0; opt != NULL && i < opt->nparents; i++) {
		if (opt->parents[i] == NULL ||
		    strcasecmp(path_base(opt->parents[i]), base) != 0)
			continue;
		if ((*out = strdup(opt->parents[i])) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		*given = true;
		return EXH_OK;
	}
	*given = false;
	if ((path = relative_beside(child, stored)) != NULL) {
		if (is_file(path)) {
			*out = path;
			return EXH_OK;
		}
		note_tried(tried, sizeof(tried), path);
		free(path);
	}
	if ((path = source_beside(child, base)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (is_file(path)) {
		*out = path;
		return EXH_OK;
	}
	if (strstr(tried, path) == NULL)
		note_tried(tried, sizeof(tried), path);
	free(path);
	return exh_err_set(err, EXH_ENOTFOUND, 0, "%s needs its parent %s; "
	    "not found beside it (tried %s); give it with --parent FILE",
	    kind, stored, tried);
}

int
parent_visit(struct parent_seen *seen, const char *path, struct exh_err *err)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) != 0)
		return exh_err_set(err, EXH_ENOTFOUND, errno, "parent %s: %s", path,
		    exh_strerror(errno));
	for (i = 0; i < seen->n; i++)
		if (seen->dev[i] == st.st_dev && seen->ino[i] == st.st_ino)
			return exh_err_set(err, EXH_ECORRUPT, 0, "the chain "
			    "loops: %s is its own ancestor", path);
	if (seen->n > PARENT_DEPTH_MAX)
		return exh_err_set(err, EXH_ECORRUPT, 0, "the chain is deeper "
		    "than %d parents; refused", PARENT_DEPTH_MAX);
	seen->dev[seen->n] = st.st_dev;
	seen->ino[seen->n] = st.st_ino;
	seen->n++;
	return EXH_OK;
}

void
parent_chain_close(struct parent_chain *chain)
{
	size_t i;

	if (chain == NULL)
		return;
	/* The child first: it refers to its parent, never the reverse. */
	for (i = 0; i < chain->n; i++)
		chain->ops->close(chain->h[i]);
	free(chain);
}

/* Errors below the child name the parent they come from. */
static int
step_fail(int depth, const char *path, struct exh_err *err)
{
	return depth == 0 ? err->status : exh_err_prefix(err, "parent %s",
	    path);
}

static int
chain_step(struct exh_source *src, struct parent_chain *c,
    const struct exh_source_options *opt, const char *path,
    struct parent_seen *seen, struct exh_err *err)
{
	char stored[PARENT_NAME_MAX + 1], *parent = NULL;
	bool has = false, given = false;
	int depth = (int)c->n, rc;
	void *h = NULL;

	if ((rc = parent_visit(seen, path, err)) != EXH_OK)
		return rc;
	if (c->ops->open(path, &h, err) != EXH_OK)
		return step_fail(depth, path, err);
	c->h[c->n++] = h;
	if (c->ops->add_files(src, h, path, depth, err) != EXH_OK ||
	    c->ops->parent_name(h, path, stored, sizeof(stored), &has,
	    err) !=
	    EXH_OK)
		return step_fail(depth, path, err);
	if (!has)
		return EXH_OK;
	if (parent_name_check(stored, strlen(stored), err) != EXH_OK) {
		(void)exh_err_prefix(err, "%s", c->ops->kind);
		return step_fail(depth, path, err);
	}
	if (parent_find(path, stored, opt, c->ops->kind, &parent, &given,
	    err) != EXH_OK)
		return step_fail(depth, path, err);
	rc = chain_step(src, c, opt, parent, seen, err);
	if (rc == EXH_OK)
		rc = c->ops->link(h, path, c->h[depth + 1], parent, given, err);
	free(parent);
	return rc;
}

int
parent_chain_open(struct exh_source *src, const struct parent_ops *ops,
    const struct exh_source_options *opt, struct parent_chain **out,
    struct exh_err *err)
{
	struct parent_seen seen;
	struct parent_chain *c;
	size_t nfiles;
	int rc;

	memset(&seen, 0, sizeof(seen));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	c->ops = ops;
	nfiles = src->nfiles;
	if ((rc = chain_step(src, c, opt, src->path, &seen, err)) != EXH_OK) {
		parent_chain_close(c);
		while (src->nfiles > nfiles)
			free(src->files[--src->nfiles].path);
		return rc;
	}
	*out = c;
	return EXH_OK;
}
