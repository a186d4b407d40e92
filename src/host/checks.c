/* Host checks over a profile (reference §11 V1, C1, R1), before they become findings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

/* Folder names ProxyShell actors used under ProgramData: Windows device
 * names (hard to delete in Explorer) and a few observed words. */
static const char *const odd_folders[] = {
	"CON", "PRN", "AUX", "NUL", "COM", "COM1", "COM2", "COM3", "COM4",
	"COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3",
	"WHO", "XYZ", "ZOO", "ZING",
};

/* EOMT / ExchangeMitigations.ps1 URL Rewrite rule names (§9). */
static const char *const eomt_rules[] = {
	"X-AnonResource-Backend Abort - inbound",
	"X-BEResource Abort - inbound",
};

struct acc {
	struct host_check *c;
	size_t n;
	int rc;
};

static void
add(struct acc *a, const char *check, int level, int score, const char *path,
    const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void
add(struct acc *a, const char *check, int level, int score, const char *path,
    const char *detail, const char *fmt, ...)
{
	struct host_check *grown, *c;
	struct exh_buf b = { 0 };
	va_list ap;

	if (a->rc != EXH_OK)
		return;
	grown = realloc(a->c, (a->n + 1) * sizeof(*a->c));
	if (grown == NULL) {
		a->rc = EXH_ENOMEM;
		return;
	}
	a->c = grown;
	c = &a->c[a->n++];
	memset(c, 0, sizeof(*c));
	c->check = check;
	c->level = level;
	c->score = score;
	va_start(ap, fmt);
	a->rc = exh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->description = exh_buf_take(&b);
	c->path = path != NULL ? host_strdup(path) : NULL;
	c->detail = detail != NULL ? host_strdup(detail) : NULL;
	if (c->description == NULL || (path != NULL && c->path == NULL) ||
	    (detail != NULL && c->detail == NULL))
		a->rc = EXH_ENOMEM;
}

/* The path component after "X:\prefix\", or NULL. */
static const char *
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strlen(path) < 3 || path[1] != ':' || path[2] != '\\')
		return NULL;
	path += 3;
	if (!exh_ascii_istarts(path, prefix) || (path[n] != '\\' &&
	    path[n] != '\0'))
		return NULL;
	return path[n] == '\\' ? path + n + 1 : path + n;
}

static bool
odd_folder(const char *rest)
{
	char comp[16];
	size_t n = strcspn(rest, "\\"), i;

	if (n == 0 || n >= sizeof(comp))
		return false;
	memcpy(comp, rest, n);
	comp[n] = '\0';
	/* "COM1.txt" is still the device COM1 to Windows. */
	comp[strcspn(comp, ".")] = '\0';
	for (i = 0; i < sizeof(odd_folders) / sizeof(odd_folders[0]); i++)
		if (exh_ascii_iequal(comp, odd_folders[i]))
			return true;
	return false;
}

static void
vdir_checks(struct acc *a, const struct exh_profile *p)
{
	size_t i;

	for (i = 0; i < p->nvdirs; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];
		const char *r = v->physical_resolved, *rest;
		char detail[64];

		if (snprintf(detail, sizeof(detail), "vdir %zu", i) >=
		    (int)sizeof(detail))
			continue;	/* a size_t always fits detail[64] */
		if ((rest = under(r, "ProgramData")) != NULL ||
		    (rest = under(r, "Users\\All Users")) != NULL) {
			bool odd = odd_folder(rest);

			add(a, "C1/vdir-physical-path", odd ?
			    EXH_LEVEL_ALERT : EXH_LEVEL_WARNING, odd ? 85 : 70,
			    r, v->app_path, "IIS virtual directory %s%s of "
			    "site %s points into ProgramData%s", v->app_path,
			    v->vdir_path[0] == '/' && v->vdir_path[1] == '\0' ?
			    "" : v->vdir_path, v->site, odd ?
			    " (reserved device-name folder, a ProxyShell "
			    "hiding place)" : "");
		} else if (under(r, "Users") != NULL)
			add(a, "C1/vdir-physical-path", EXH_LEVEL_WARNING, 70,
			    r, v->app_path, "IIS virtual directory %s of site "
			    "%s points into a user profile folder",
			    v->app_path, v->site);
	}
}

static void
rule_checks(struct acc *a, const struct exh_profile *p)
{
	size_t i, k;

	for (i = 0; i < p->nrewrite_rules; i++)
		for (k = 0; k < sizeof(eomt_rules) / sizeof(eomt_rules[0]); k++)
			if (exh_ascii_iequal(p->rewrite_rules[i],
			    eomt_rules[k]))
				add(a, "C1/eomt-rewrite-rule", EXH_LEVEL_INFO,
				    20, NULL, p->rewrite_rules[i], "EOMT / "
				    "ExchangeMitigations URL Rewrite rule "
				    "present: someone ran Microsoft's "
				    "March 2021 mitigation");
}

/* Check ids of the configuration exposures (exposure.c, owa.c). */
static const char *
expo_check_id(const char *area)
{
	static const char *const ids[][2] = {
		{ "extended-protection", "X1/extended-protection" },
		{ "token-cache", "X1/token-cache-module" },
		{ "iis-module", "X1/iis-global-module" },
		{ "isapi-filter", "X1/isapi-filter" },
		{ "managed-module", "X1/managed-module" },
		{ "serialization-signing", "X1/serialization-signing" },
		{ "eems-service", "X1/eems-service" },
		{ "mitigation-rule", "X1/mitigation-rule" },
		{ "owa-logon", "X2/owa-logon-page" },
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(ids[i][0], area) == 0)
			return ids[i][1];
	return "X1/configuration";
}

static void
expo_checks(struct acc *a, const struct exh_profile *p)
{
	size_t i;

	for (i = 0; i < p->nexposures; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		if (x->score <= 0 || x->state == EXH_EXPO_OK ||
		    x->state == EXH_EXPO_UNKNOWN ||
		    x->state == EXH_EXPO_NOT_NEEDED)
			continue;
		add(a, expo_check_id(x->area), x->score >= 75 ?
		    EXH_LEVEL_ALERT : EXH_LEVEL_WARNING, x->score,
		    x->path[0] != '\0' ? x->path : NULL, x->subject, "%s",
		    x->reason);
	}
}

int
host_checks(const struct exh_profile *p, struct host_check **out,
    size_t *n)
{
	struct acc a = { NULL, 0, EXH_OK };
	int f;

	vdir_checks(&a, p);
	rule_checks(&a, p);
	expo_checks(&a, p);
	if (p->um_services_disabled)
		add(&a, "R1/um-services-disabled", EXH_LEVEL_INFO, 20, NULL,
		    NULL, "MSExchangeUM/MSExchangeUMCR services are disabled "
		    "(ExchangeMitigations.ps1 does this)");
	if (p->msupdate_service)
		add(&a, "R1/dearcry-msupdate-service", EXH_LEVEL_ALERT, 85,
		    p->msupdate_image, NULL, "service \"msupdate\" exists: "
		    "DearCry ransomware installs itself under this name");
	if (p->msert_patchstate)
		add(&a, "R1/msert-patchstate", EXH_LEVEL_INFO, 25, NULL,
		    p->msert_detail, "SOFTWARE\\MSERTBootstrap\\PatchState "
		    "exists: EOMT ran MSERT, which deletes detected files, so "
		    "evidence may be gone");
	for (f = 0; f < EXH_FAM_COUNT; f++)
		if (p->verdicts[f].still_vulnerable)
			add(&a, f == EXH_FAM_PROXYLOGON ?
			    "V1/proxylogon-still-vulnerable" :
			    f == EXH_FAM_PROXYSHELL ?
			    "V1/proxyshell-still-vulnerable" :
			    "V1/proxynotshell-still-vulnerable",
			    EXH_LEVEL_WARNING, 65, p->exsetup_path,
			    p->verdicts[f].reason, "Exchange build %s is still "
			    "vulnerable to %s", p->verdicts[f].build,
			    exh_family_name(f));
	if (a.rc != EXH_OK) {
		host_checks_free(a.c, a.n);
		return a.rc;
	}
	*out = a.c;
	*n = a.n;
	return EXH_OK;
}

void
host_checks_free(struct host_check *c, size_t n)
{
	size_t i;

	for (i = 0; c != NULL && i < n; i++) {
		free(c[i].description);
		free(c[i].path);
		free(c[i].detail);
	}
	free(c);
}
