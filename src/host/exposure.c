/* Configuration exposures read offline: the exposure record, rules/exchange-config.tsv and the driver reading
 * applicationHost.config and the vdirs' web.config files (checks in exposure_checks.c, XML in exposure_xml.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "exhume/host.h"
#include "host_int.h"
#include "exposure_int.h"

#define CFG_MAX_ROWS	4096
#define WEBCONFIG_MAX	64	/* web.config files read per host */

const char *
exh_expo_state_name(int state)
{
	switch (state) {
	case EXH_EXPO_OK:
		return "ok";
	case EXH_EXPO_WEAK:
		return "weaker";
	case EXH_EXPO_MISSING:
		return "missing";
	case EXH_EXPO_FAILING:
		return "failing";
	case EXH_EXPO_SUSPICIOUS:
		return "suspicious";
	case EXH_EXPO_NOT_NEEDED:
		return "not needed";
	default:
		return "unknown";
	}
}

void
host_exposures_free(struct exh_exposure *x, size_t n)
{
	size_t i;

	for (i = 0; x != NULL && i < n; i++) {
		free(x[i].subject);
		free(x[i].expected);
		free(x[i].actual);
		free(x[i].cves);
		free(x[i].path);
		free(x[i].reason);
	}
	free(x);
}

int
host_expo_add(struct exh_profile *p, const char *area, int state, int score,
    const char *subject, const char *expected, const char *actual,
    const char *cves, const char *path, const char *fmt, ...)
{
	struct exh_exposure *grown, *x;
	struct exh_buf b = { 0 };
	va_list ap;
	int rc;

	if (p->nexposures >= 65536)
		return EXH_OK;
	grown = realloc(p->exposures, (p->nexposures + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	p->exposures = grown;
	x = &p->exposures[p->nexposures++];
	memset(x, 0, sizeof(*x));
	x->area = area;
	x->state = state;
	x->score = score;
	va_start(ap, fmt);
	rc = exh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	x->reason = exh_buf_take(&b);
	x->subject = host_strdup(subject);
	x->expected = host_strdup(expected);
	x->actual = host_strdup(actual);
	x->cves = host_strdup(cves);
	x->path = host_strdup(path);
	if (rc != EXH_OK || x->reason == NULL || x->subject == NULL ||
	    x->expected == NULL || x->actual == NULL || x->cves == NULL ||
	    x->path == NULL)
		return EXH_ENOMEM;
	return EXH_OK;
}

/* ---- rules/exchange-config.tsv ---- */

void
host_cfg_free(struct host_cfg *c)
{
	size_t i, k;

	for (i = 0; i < c->n; i++)
		for (k = 0; k < HOST_CFG_FIELDS; k++)
			free(c->rows[i].f[k]);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

static int
cfg_push(struct host_cfg *c, char **f, size_t nf)
{
	struct host_cfg_row *grown, *r;
	size_t k;

	grown = realloc(c->rows, (c->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	c->rows = grown;
	r = &c->rows[c->n++];
	/* Zeroed first: a copy that fails leaves the rest freeable. */
	memset(r, 0, sizeof(*r));
	for (k = 0; k < HOST_CFG_FIELDS; k++) {
		r->f[k] = host_strdup(k < nf ? f[k] : "");
		if (r->f[k] == NULL)
			return EXH_ENOMEM;
	}
	return EXH_OK;
}

/* A missing or bad table becomes a note and an empty cfg. */
int
host_cfg_load(struct exh_profile *p, const char *rules_dir, const char *name,
    struct host_cfg *c)
{
	struct exh_lines *lr = NULL;
	struct exh_err e = { 0 };
	char path[4096], *line, *f[HOST_CFG_FIELDS];
	size_t len, nf;
	FILE *fp;
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", rules_dir, name) >=
	    (int)sizeof(path))
		return host_note(p, "%s: rules path too long", name);
	if ((fp = fopen(path, "re")) == NULL)
		return host_note(p, "%s: not read: %s; these checks are "
		    "skipped", path, exh_strerror(errno));
	rc = exh_lines_open(fp, path, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT | EXH_LINES_BOM, &lr, &e);
	while (rc == EXH_OK && c->n < CFG_MAX_ROWS &&
	    (rc = exh_lines_next(lr, &line, &len, &e)) == EXH_OK) {
		nf = exh_fields_split(line, f, HOST_CFG_FIELDS);
		rc = cfg_push(c, f, nf);
	}
	exh_lines_close(lr);
	fclose(fp);
	if (rc == EXH_ENOMEM)
		return rc;
	if (rc != EXH_OK && rc != EXH_STOP)
		return host_note(p, "%s", e.msg);
	return EXH_OK;
}

/* The first row of kind whose field 1 equals key (case-insensitive). */
const struct host_cfg_row *
host_cfg_find(const struct host_cfg *c, const char *kind, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].f[0], kind) == 0 &&
		    (key == NULL || exh_ascii_iequal(c->rows[i].f[1], key)))
			return &c->rows[i];
	return NULL;
}

/* ---- driver ---- */

/* Reads the web.config of every vdir's folder once (bounded). */
static int
scan_webconfigs(struct exh_profile *p, struct iis_scan *s,
    exh_profile_read_fn read, void *ctx, char ***files, size_t *nfiles)
{
	struct exh_buf b = { 0 }, path = { 0 }, scope = { 0 };
	struct exh_err e = { 0 };
	size_t i, k;
	int rc = EXH_OK;

	for (i = 0; i < p->nvdirs && rc == EXH_OK && *nfiles < WEBCONFIG_MAX;
	    i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		exh_buf_reset(&path);
		exh_buf_reset(&scope);
		if (v->physical_resolved[0] == '\0' ||
		    exh_buf_printf(&path, "%s%sweb.config", v->physical_resolved,
		    exh_ascii_iends(v->physical_resolved, "\\") ? "" : "\\") !=
		    EXH_OK || exh_buf_printf(&scope, "%s%s", v->site,
		    strcmp(v->app_path, "/") == 0 ? "" : v->app_path) != EXH_OK) {
			rc = v->physical_resolved[0] == '\0' ? EXH_OK :
			    EXH_ENOMEM;
			continue;
		}
		for (k = 0; k < *nfiles && !exh_ascii_iequal((*files)[k],
		    path.data); k++)
			;
		if (k < *nfiles)
			continue;
		exh_buf_reset(&b);
		e.msg[0] = '\0';
		rc = read(ctx, path.data, EXH_IISCONF_MAX_BYTES, &b, &e);
		if (rc == EXH_ENOMEM)
			break;
		if (rc != EXH_OK) {
			rc = EXH_OK;
			continue;
		}
		rc = exh_strvec_push(files, nfiles, path.data);
		if (rc == EXH_OK)
			rc = expo_xml_read(p, s, b.data, b.len, scope.data,
			    (*files)[*nfiles - 1]);
	}
	exh_buf_free(&b);
	exh_buf_free(&path);
	exh_buf_free(&scope);
	return rc;
}

int
host_read_exposures(struct exh_profile *p, exh_profile_read_fn read,
    void *ctx, const char *rules_dir)
{
	struct host_cfg c = { 0 };
	struct iis_scan s;
	struct exh_buf b = { 0 }, path = { 0 };
	struct exh_err e = { 0 };
	char **files = NULL;
	size_t nfiles = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = host_cfg_load(p, rules_dir, "exchange-config.tsv", &c)) !=
	    EXH_OK || c.n == 0)
		goto out;
	rc = expo_signing_check(p, &c);
	if (rc == EXH_OK)
		rc = expo_eems_check(p, &c);
	if (rc != EXH_OK || !p->iis_config_found)
		goto out;
	if (exh_buf_printf(&path, "%s\\System32\\inetsrv\\config\\"
	    "applicationHost.config", p->system_root) != EXH_OK) {
		rc = EXH_ENOMEM;
		goto out;
	}
	rc = read(ctx, path.data, EXH_IISCONF_MAX_BYTES, &b, &e);
	if (rc != EXH_OK) {
		rc = rc == EXH_ENOMEM ? rc : EXH_OK;
		goto out;
	}
	if ((rc = expo_xml_read(p, &s, b.data, b.len, "", path.data)) != EXH_OK ||
	    (rc = scan_webconfigs(p, &s, read, ctx, &files, &nfiles)) !=
	    EXH_OK)
		goto out;
	rc = expo_ep_checks(p, &c, &s, path.data);
	if (rc == EXH_OK)
		rc = expo_tokencache_check(p, &c, &s, read, ctx, path.data);
	if (rc == EXH_OK)
		rc = expo_module_checks(p, &c, &s);
	if (rc == EXH_OK)
		rc = expo_mitigation_checks(p, &c, &s, path.data);
out:
	expo_xml_free(&s);
	exh_strvec_free(files, nfiles);
	exh_buf_free(&b);
	exh_buf_free(&path);
	host_cfg_free(&c);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}
