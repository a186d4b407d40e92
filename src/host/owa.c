/* OWA logon-page integrity: logon.aspx and the <build> logon scripts checked for injected credential capture (rules/owa-logon.tsv). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

#define OWA_FILE_MAX	(4u * 1024 * 1024)	/* a logon page is ~100 KB */
#define CLKLGN_MAX	(64u * 1024)		/* body examined */

/* One finding line collected for a file: "what (TEXT)". */
struct hits {
	struct exh_buf text;
	int score;
	int rc;
};

static void
hit(struct hits *h, int score, const char *what, const char *text)
{
	if (h->rc != EXH_OK)
		return;
	h->rc = exh_buf_printf(&h->text, "%s%s (\"%s\")", h->text.len ? "; " :
	    "", what, text);
	if (score > h->score)
		h->score = score;
}

/* A copy of data[0..len) without NUL bytes, for string searches. */
static char *
text_of(const char *data, size_t len)
{
	char *t = malloc(len + 1);
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		t[i] = data[i] != '\0' ? data[i] : ' ';
	t[len] = '\0';
	return t;
}

static void
markers(const struct host_cfg *c, const char *kind, const char *text,
    struct hits *h)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct host_cfg_row *r = &c->rows[i];

		if (strcmp(r->f[0], "marker") == 0 &&
		    strcmp(r->f[1], kind) == 0 && r->f[3][0] != '\0' &&
		    exh_ascii_istrstr(text, r->f[3]) != NULL)
			hit(h, (int)strtol(r->f[2], NULL, 10), r->f[4],
			    r->f[3]);
	}
}

static bool
known_call(const struct host_cfg *c, const char *name)
{
	static const char *const words[] = { "if", "for", "while", "switch",
	    "return", "function", "catch", "typeof" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(name, words[i]) == 0)
			return true;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].f[0], "clklgn-call") == 0 &&
		    strcmp(c->rows[i].f[1], name) == 0)
			return true;
	return false;
}

/*
 * The body of "function clkLgn(" up to the next top-level "function " or
 * CLKLGN_MAX bytes: every name called there that the shipped clkLgn()
 * does not call is a hit.  Comments are not stripped; a name in a
 * comment followed by "(" is rare and would only make a false hit.
 */
static void
clklgn_calls(const struct host_cfg *c, const char *text, struct hits *h)
{
	const char *body = exh_ascii_istrstr(text, "function clkLgn(");
	const char *end, *q;
	char name[64];
	size_t n;

	if (body == NULL)
		return;
	body += strlen("function clkLgn(");
	end = strstr(body, "\nfunction ");
	if (end == NULL || (size_t)(end - body) > CLKLGN_MAX)
		end = body + strnlen(body, CLKLGN_MAX);
	for (q = body; q < end && h->rc == EXH_OK; q++) {
		if (!isalpha((unsigned char)*q) && *q != '_' && *q != '$')
			continue;
		if (q > body && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
			continue;
		for (n = 0; q + n < end && (isalnum((unsigned char)q[n]) ||
		    q[n] == '_' || q[n] == '$'); n++)
			;
		if (n < sizeof(name) && q + n < end && q[n] == '(') {
			memcpy(name, q, n);
			name[n] = '\0';
			if (!known_call(c, name))
				hit(h, 80, "clkLgn() calls a function the "
				    "shipped logon handler does not call", name);
		}
		q += n > 0 ? n - 1 : 0;
	}
}

static int
check_file(struct exh_profile *p, const struct host_cfg *c,
    exh_profile_read_fn read, void *ctx, const char *path, const char *kind)
{
	struct exh_buf b = { 0 };
	struct exh_err e = { 0 };
	struct hits h = { { 0 }, 0, EXH_OK };
	char *text;
	int rc;

	rc = read(ctx, path, OWA_FILE_MAX, &b, &e);
	if (rc == EXH_ENOMEM || rc == EXH_ENOTFOUND) {
		exh_buf_free(&b);
		return rc == EXH_ENOMEM ? rc : EXH_ENOTFOUND;
	}
	if (rc != EXH_OK) {
		exh_buf_free(&b);
		return host_expo_add(p, "owa-logon", EXH_EXPO_UNKNOWN, 0, path,
		    "unchanged", "not read", "", path, "OWA logon file %s "
		    "could not be read: %s", path, e.msg);
	}
	text = text_of(b.data != NULL ? b.data : "", b.len);
	exh_buf_free(&b);
	if (text == NULL)
		return EXH_ENOMEM;
	markers(c, kind, text, &h);
	if (strcmp(kind, "js") == 0)
		clklgn_calls(c, text, &h);
	free(text);
	if (h.rc == EXH_OK)
		rc = h.score > 0 ? host_expo_add(p, "owa-logon",
		    EXH_EXPO_SUSPICIOUS, h.score, path, "unchanged",
		    "changed", "", path, "OWA logon file %s holds code the "
		    "shipped file does not (credential capture like the "
		    "2021-2025 OWA keyloggers): %s", path, h.text.data) :
		    host_expo_add(p, "owa-logon", EXH_EXPO_OK, 0, path,
		    "unchanged", "no marker", "", path, "OWA logon file %s "
		    "shows none of the credential-capture markers", path);
	else
		rc = h.rc;
	exh_buf_free(&h.text);
	return rc;
}

/* Checks each script of auth\<build>\ for one build folder. */
static int
check_build(struct exh_profile *p, const struct host_cfg *c,
    exh_profile_read_fn read, void *ctx, const char *auth, const char *build)
{
	struct exh_buf path = { 0 };
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < c->n && rc == EXH_OK; i++) {
		if (strcmp(c->rows[i].f[0], "script") != 0)
			continue;
		exh_buf_reset(&path);
		if (exh_buf_printf(&path, "%s\\%s\\%s", auth, build,
		    c->rows[i].f[1]) != EXH_OK) {
			rc = EXH_ENOMEM;
			break;
		}
		rc = check_file(p, c, read, ctx, path.data, "js");
		if (rc == EXH_ENOTFOUND)
			rc = EXH_OK;
	}
	exh_buf_free(&path);
	return rc;
}

/* The build folders: ExSetup's and the registry's build, then the
 * table's fixed names ("Current"), each once. */
static int
check_builds(struct exh_profile *p, const struct host_cfg *c,
    exh_profile_read_fn read, void *ctx, const char *auth)
{
	char **done = NULL;
	size_t ndone = 0, i, k;
	int rc = EXH_OK;

	for (i = 0; i < 2 + c->n && rc == EXH_OK; i++) {
		const char *b = i == 0 ? p->exsetup_build : i == 1 ?
		    p->registry_build : strcmp(c->rows[i - 2].f[0],
		    "build-folder") == 0 ? c->rows[i - 2].f[1] : "";

		if (b[0] == '\0')
			continue;
		for (k = 0; k < ndone && !exh_ascii_iequal(done[k], b); k++)
			;
		if (k < ndone)
			continue;
		rc = exh_strvec_push(&done, &ndone, b);
		if (rc == EXH_OK)
			rc = check_build(p, c, read, ctx, auth, b);
	}
	exh_strvec_free(done, ndone);
	return rc;
}

int
host_read_owa(struct exh_profile *p, exh_profile_read_fn read, void *ctx,
    const char *rules_dir)
{
	struct host_cfg c = { 0 };
	struct exh_buf auth = { 0 }, page = { 0 };
	size_t i, k;
	int rc;

	if (!p->exchange_present || p->install_path[0] == '\0')
		return EXH_OK;
	if ((rc = host_cfg_load(p, rules_dir, "owa-logon.tsv", &c)) != EXH_OK)
		return rc;
	for (i = 0; i < c.n && rc == EXH_OK; i++) {
		if (strcmp(c.rows[i].f[0], "auth-dir") != 0)
			continue;
		exh_buf_reset(&auth);
		if (exh_buf_printf(&auth, "%s%s%s", p->install_path,
		    exh_ascii_iends(p->install_path, "\\") ? "" : "\\",
		    c.rows[i].f[1]) != EXH_OK) {
			rc = EXH_ENOMEM;
			break;
		}
		for (k = 0; k < c.n && rc == EXH_OK; k++) {
			if (strcmp(c.rows[k].f[0], "page") != 0)
				continue;
			exh_buf_reset(&page);
			if (exh_buf_printf(&page, "%s\\%s", auth.data,
			    c.rows[k].f[1]) != EXH_OK) {
				rc = EXH_ENOMEM;
				break;
			}
			rc = check_file(p, &c, read, ctx, page.data, "aspx");
			if (rc == EXH_ENOTFOUND)
				rc = EXH_OK;
		}
		if (rc == EXH_OK)
			rc = check_builds(p, &c, read, ctx, auth.data);
	}
	exh_buf_free(&auth);
	exh_buf_free(&page);
	host_cfg_free(&c);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}
