/* The exposure checks: Extended Protection, IIS modules and filters, TokenCacheModule, serialization signing,
 * EEMS and mitigation rules, each against rules/exchange-config.tsv. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "exhume/host.h"
#include "host_int.h"
#include "exposure_int.h"

/* ---- helpers ---- */

static const char *
host_build(const struct exh_profile *p)
{
	return p->exsetup_build[0] != '\0' ? p->exsetup_build :
	    p->registry_build;
}

/*
 * Whether build b is at or past the rows of kind (first builds of the
 * CUs that have a feature): the row with the highest build part at or
 * below b's, in the same major.minor, decides.  -1 when b is unknown.
 */
static int
build_has(const struct host_cfg *c, const char *kind, const char *b)
{
	unsigned v[4], r[4], best[4] = { 0, 0, 0, 0 };
	bool found = false;
	size_t i;

	if (b[0] == '\0' || host_parse_build(b, v) != 0)
		return -1;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->rows[i].f[0], kind) != 0 ||
		    host_parse_build(c->rows[i].f[1], r) != 0 ||
		    r[0] != v[0] || r[1] != v[1] || r[2] > v[2])
			continue;
		if (!found || r[2] > best[2] || (r[2] == best[2] &&
		    r[3] > best[3]))
			memcpy(best, r, sizeof(best));
		found = true;
	}
	if (!found)
		return 0;
	return v[2] > best[2] || v[3] >= best[3];
}

/* Expands s and compares paths case-insensitively, '/' as '\\'. */
static bool
same_path(const struct exh_profile *p, const char *a, const char *b,
    int *nomem)
{
	char *x = host_expand_env(p, a), *y = host_expand_env(p, b);
	bool same = false;
	size_t i;

	if (x == NULL || y == NULL)
		*nomem = 1;
	else {
		for (i = 0; x[i] != '\0'; i++)
			x[i] = x[i] == '/' ? '\\' : x[i];
		for (i = 0; y[i] != '\0'; i++)
			y[i] = y[i] == '/' ? '\\' : y[i];
		same = exh_ascii_iequal(x, y);
	}
	free(x);
	free(y);
	return same;
}

/* Whether image lies under one of the module-folder rows. */
static bool
in_known_folder(const struct exh_profile *p, const struct host_cfg *c,
    const char *image, int *nomem)
{
	char *img = host_expand_env(p, image), *dir;
	bool in = false;
	size_t i, n;

	if (img == NULL) {
		*nomem = 1;
		return false;
	}
	for (i = 0; i < c->n && !in; i++) {
		if (strcmp(c->rows[i].f[0], "module-folder") != 0)
			continue;
		if ((dir = host_expand_env(p, c->rows[i].f[1])) == NULL) {
			*nomem = 1;
			break;
		}
		n = strlen(dir);
		while (n > 0 && dir[n - 1] == '\\')
			n--;
		/* "%ExchangeInstallPath%" unexpanded is no folder at all. */
		if (n > 3 && strchr(dir, '%') == NULL &&
		    strlen(img) > n && img[n] == '\\') {
			dir[n] = '\0';
			in = exh_ascii_istarts(img, dir) &&
			    (exh_ascii_iequal(c->rows[i].f[2], "tree") ||
			    strchr(img + n + 1, '\\') == NULL);
		}
		free(dir);
	}
	free(img);
	return in;
}

/* ---- Extended Protection ---- */

static int
ep_rank(const char *v)
{
	if (exh_ascii_iequal(v, "Require"))
		return 2;
	if (exh_ascii_iequal(v, "Allow"))
		return 1;
	return 0;
}

/* The tokenChecking for location path, falling back to its parents. */
static const char *
ep_value(const struct iis_scan *s, const char *path, char *used,
    size_t usedlen)
{
	char cur[1024];
	size_t i;
	char *slash;

	if (snprintf(cur, sizeof(cur), "%s", path) >= (int)sizeof(cur))
		return NULL;
	for (;;) {
		for (i = s->ep.n; i-- > 0;)
			if (s->ep.v[i].a != NULL &&
			    exh_ascii_iequal(s->ep.v[i].scope, cur)) {
				snprintf(used, usedlen, "%s", cur);
				return s->ep.v[i].a;
			}
		if ((slash = strrchr(cur, '/')) == NULL)
			break;
		*slash = '\0';
	}
	return NULL;
}

static bool
site_exists(const struct exh_profile *p, const char *site)
{
	size_t i;

	for (i = 0; i < p->nsites; i++)
		if (exh_ascii_iequal(p->sites[i].name, site))
			return true;
	return false;
}

/* Whether site has an application or location for /vdir. */
static bool
vdir_exists(const struct exh_profile *p, const struct iis_scan *s,
    const char *site, const char *vdir)
{
	char loc[1024];
	size_t i;

	for (i = 0; i < p->nvdirs; i++)
		if (exh_ascii_iequal(p->vdirs[i].site, site) &&
		    p->vdirs[i].app_path[0] == '/' &&
		    exh_ascii_iequal(p->vdirs[i].app_path + 1, vdir))
			return true;
	if (snprintf(loc, sizeof(loc), "%s/%s", site, vdir) >=
	    (int)sizeof(loc))
		return false;
	for (i = 0; i < s->ep.n; i++)
		if (exh_ascii_iequal(s->ep.v[i].scope, loc))
			return true;
	return false;
}

/* Whether location path only lets listed addresses in: the Extended
 * Protection script's documented alternative for back-end EWS. */
static bool
ip_allow_list(const struct iis_scan *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->ipsec.n; i++)
		if (exh_ascii_iequal(s->ipsec.v[i].scope, path) &&
		    s->ipsec.v[i].a != NULL &&
		    exh_ascii_iequal(s->ipsec.v[i].a, "false"))
			return true;
	return false;
}

static int
ep_row(struct exh_profile *p, const struct host_cfg *c, const struct iis_scan *s,
    const struct host_cfg_row *r, const char *cves, const char *file)
{
	const struct host_cfg_row *site = host_cfg_find(c, "site", r->f[1]);
	char subject[1024], used[1024] = "";
	const char *v;
	int want = ep_rank(r->f[3]), have;

	if (site == NULL || !site_exists(p, site->f[2]) ||
	    !vdir_exists(p, s, site->f[2], r->f[2]))
		return EXH_OK;
	if (exh_ascii_iequal(r->f[4], "2013") && p->exchange_version == 2013)
		return EXH_OK;
	if (snprintf(subject, sizeof(subject), "%s/%s", site->f[2],
	    r->f[2]) >= (int)sizeof(subject))
		return EXH_OK;
	v = ep_value(s, subject, used, sizeof(used));
	have = ep_rank(v != NULL ? v : "None");
	if (have >= want)
		return host_expo_add(p, "extended-protection", EXH_EXPO_OK, 0,
		    subject, r->f[3], v != NULL ? v : "None", cves, file,
		    "Extended Protection on %s is %s (expected %s)", subject,
		    v != NULL ? v : "None", r->f[3]);
	if (ip_allow_list(s, subject))
		return host_expo_add(p, "extended-protection", EXH_EXPO_WEAK,
		    30, subject, r->f[3], v != NULL ? v : "None", cves, file,
		    "Extended Protection on %s is %s, weaker than the expected "
		    "%s, but the virtual directory admits only an IP "
		    "allow-list (the documented alternative): NTLM relay (%s) "
		    "is possible from the listed addresses", subject,
		    v != NULL ? v : "None", r->f[3], cves);
	return host_expo_add(p, "extended-protection", have == 0 ?
	    EXH_EXPO_MISSING : EXH_EXPO_WEAK, have == 0 ? 60 : 45, subject,
	    r->f[3], v != NULL ? v : "None", cves, file, "Extended "
	    "Protection on %s is %s, weaker than the expected %s%s%s: NTLM "
	    "relay (%s) against this virtual directory is possible",
	    subject, v != NULL ? v : "None (not set)", r->f[3],
	    used[0] != '\0' && !exh_ascii_iequal(used, subject) ?
	    ", inherited from " : "", used[0] != '\0' &&
	    !exh_ascii_iequal(used, subject) ? used : "", cves);
}

int
expo_ep_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, const char *file)
{
	const struct host_cfg_row *cr = host_cfg_find(c, "ep-cves", NULL);
	const char *cves = cr != NULL ? cr->f[1] : "";
	int capable = build_has(c, "ep-capable", host_build(p)), rc = EXH_OK;
	size_t i;

	if (capable == 0)
		return host_expo_add(p, "extended-protection",
		    EXH_EXPO_MISSING, 55, "all virtual directories", "Require",
		    "not supported by this build", cves, file, "Exchange "
		    "build %s predates Extended Protection support (the "
		    "August 2022 updates): it cannot be switched on, so NTLM "
		    "relay (%s) stays possible until the server is updated",
		    host_build(p), cves);
	for (i = 0; i < c->n && rc == EXH_OK; i++)
		if (strcmp(c->rows[i].f[0], "ep") == 0)
			rc = ep_row(p, c, s, &c->rows[i], cves, file);
	return rc;
}

/* ---- IIS modules and filters ---- */

/*
 * An image the table gives under %ExchangeInstallPath%: when the install
 * folder was not read from MsiInstallPath (a default guess), Exchange may
 * sit elsewhere ("F:\\Program Files\\Microsoft\\Exchange\\"), so the part
 * below the install folder decides.
 */
static bool
same_exchange_tail(const struct exh_profile *p, const char *want,
    const char *img)
{
	static const char var[] = "%ExchangeInstallPath%";
	size_t n = strlen(var), tl, il = strlen(img);

	if (!exh_ascii_istarts(want, var) ||
	    exh_ascii_istarts(p->install_path_source, "SOFTWARE\\"))
		return false;
	tl = strlen(want + n);
	return tl > 0 && il > tl && img[il - tl - 1] == '\\' &&
	    exh_ascii_iequal(img + il - tl, want + n);
}

static int
global_module(struct exh_profile *p, const struct host_cfg *c,
    const struct xml_item *m, const char *kind, const char *area)
{
	const char *name = m->a != NULL ? m->a : "", *img = m->b != NULL ?
	    m->b : "";
	bool named_known = false, known = false, folder;
	int nomem = 0;
	size_t i;

	for (i = 0; i < c->n && !known; i++) {
		if (strcmp(c->rows[i].f[0], kind) != 0 ||
		    !exh_ascii_iequal(c->rows[i].f[1], name))
			continue;
		named_known = true;
		known = same_path(p, c->rows[i].f[2], img, &nomem) ||
		    same_exchange_tail(p, c->rows[i].f[2], img);
	}
	folder = in_known_folder(p, c, img, &nomem);
	if (nomem)
		return EXH_ENOMEM;
	if (known)
		return EXH_OK;
	if (named_known)
		return host_expo_add(p, area, EXH_EXPO_SUSPICIOUS, 85, name,
		    "the image Microsoft ships", img, "", m->file, "IIS %s "
		    "\"%s\" has a known Microsoft name but loads %s instead "
		    "of the shipped image: a replaced or hijacked module",
		    kind, name, img);
	return host_expo_add(p, area, EXH_EXPO_SUSPICIOUS, folder ? 60 : 80,
	    name, "a known module", img, "", m->file, "IIS %s \"%s\" "
	    "(image %s) is not in the list of modules IIS and Exchange "
	    "ship%s: review it as a possible backdoor module", kind, name,
	    img, folder ? "" : ", and its image lies outside "
	    "System32\\inetsrv and the Exchange folder");
}

static bool
managed_known(const struct host_cfg *c, const char *type)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].f[0], "managed-prefix") == 0 &&
		    c->rows[i].f[1][0] != '\0' &&
		    exh_ascii_istarts(type, c->rows[i].f[1]))
			return true;
	return false;
}

int
expo_module_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s)
{
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < s->gmod.n && rc == EXH_OK; i++)
		rc = global_module(p, c, &s->gmod.v[i], "global-module",
		    "iis-module");
	for (i = 0; i < s->filter.n && rc == EXH_OK; i++)
		rc = global_module(p, c, &s->filter.v[i], "isapi-filter",
		    "isapi-filter");
	for (i = 0; i < s->mmod.n && rc == EXH_OK; i++) {
		const struct xml_item *m = &s->mmod.v[i];
		const char *type = m->b != NULL ? m->b : "";

		while (*type == ' ')
			type++;
		if (managed_known(c, type))
			continue;
		rc = host_expo_add(p, "managed-module", EXH_EXPO_SUSPICIOUS,
		    70, m->a != NULL ? m->a : "", "a System.*, "
		    "Microsoft.Exchange.* or Microsoft.Office.* type", type,
		    "", m->file, "managed IIS module \"%s\" (scope %s) has "
		    "type %s, outside the namespaces IIS and Exchange use: "
		    "review it as a possible module backdoor",
		    m->a != NULL ? m->a : "", m->scope[0] != '\0' ? m->scope :
		    "server", type);
	}
	return rc;
}

/* ---- TokenCacheModule ---- */

int
expo_tokencache_check(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, exh_profile_read_fn read, void *ctx,
    const char *file)
{
	const struct host_cfg_row *cr = host_cfg_find(c, "tokencache-cves", NULL);
	const struct host_cfg_row *none = host_cfg_find(c, "tokencache-none-from", NULL);
	const struct host_cfg_row *fixed;
	const struct xml_item *m = NULL;
	const char *cves = cr != NULL ? cr->f[1] : "";
	struct exh_buf b = { 0 };
	struct exh_err e = { 0 };
	char *img, have[64], os[16];
	unsigned want[4];
	uint16_t v[4];
	size_t i;
	int rc;

	for (i = 0; i < s->gmod.n && m == NULL; i++)
		if (s->gmod.v[i].a != NULL &&
		    exh_ascii_iequal(s->gmod.v[i].a, "TokenCacheModule"))
			m = &s->gmod.v[i];
	if (m == NULL)
		return host_expo_add(p, "token-cache", EXH_EXPO_OK, 0,
		    "TokenCacheModule", "removed or fixed", "not registered",
		    cves, file, "IIS TokenCacheModule is not registered "
		    "(Microsoft's workaround for %s)", cves);
	if (none != NULL && strtol(p->current_build, NULL, 10) >=
	    strtol(none->f[1], NULL, 10))
		return host_expo_add(p, "token-cache", EXH_EXPO_NOT_NEEDED, 0,
		    "TokenCacheModule", "removed or fixed", "registered",
		    cves, file, "Windows build %s is not affected by %s",
		    p->current_build, cves);
	if ((img = host_expand_env(p, m->b != NULL ? m->b :
	    "%windir%\\System32\\inetsrv\\cachtokn.dll")) == NULL)
		return EXH_ENOMEM;
	rc = read(ctx, img, EXH_PE_MAX_BYTES, &b, &e);
	if (rc == EXH_ENOMEM) {
		free(img);
		return rc;
	}
	if (rc == EXH_OK)
		rc = exh_pe_file_version((const unsigned char *)b.data, b.len,
		    v, &e);
	exh_buf_free(&b);
	if (rc != EXH_OK) {
		rc = host_expo_add(p, "token-cache", EXH_EXPO_UNKNOWN, 0,
		    "TokenCacheModule", "removed or fixed", "registered; "
		    "version unknown", cves, img, "IIS TokenCacheModule is "
		    "registered and %s could not be read (%s): whether the "
		    "October 2023 Windows fix for %s is in place is unknown",
		    img, e.msg[0] != '\0' ? e.msg : "not read", cves);
		free(img);
		return rc;
	}
	/* Four 16-bit numbers always fit. */
	(void)snprintf(have, sizeof(have), "%u.%u.%u.%u", v[0], v[1], v[2],
	    v[3]);
	(void)snprintf(os, sizeof(os), "%u", v[2]);
	fixed = host_cfg_find(c, "tokencache-fixed", os);
	if (fixed == NULL || host_parse_build(fixed->f[2], want) != 0)
		rc = host_expo_add(p, "token-cache", EXH_EXPO_UNKNOWN, 0,
		    "TokenCacheModule", "removed or fixed", have, cves, img,
		    "IIS TokenCacheModule is registered; no fixed version of "
		    "cachtokn.dll is known for its build %s", have);
	else if (v[0] > want[0] || (v[0] == want[0] && (v[1] > want[1] ||
	    (v[1] == want[1] && (v[2] > want[2] || (v[2] == want[2] &&
	    v[3] >= want[3]))))))
		rc = host_expo_add(p, "token-cache", EXH_EXPO_OK, 0,
		    "TokenCacheModule", fixed->f[2], have, cves, img, "IIS "
		    "TokenCacheModule is registered and cachtokn.dll %s is at "
		    "or above the fixed %s", have, fixed->f[2]);
	else
		rc = host_expo_add(p, "token-cache", EXH_EXPO_MISSING, 60,
		    "TokenCacheModule", fixed->f[2], have, cves, img, "IIS "
		    "TokenCacheModule is registered and cachtokn.dll %s is "
		    "below the fixed %s: %s open (remove the module or "
		    "install the October 2023 Windows update)", have,
		    fixed->f[2], cves);
	free(img);
	return rc;
}

/* ---- serialization signing (2013) and EEMS ---- */

int
expo_signing_check(struct exh_profile *p, const struct host_cfg *c)
{
	const struct host_cfg_row *cr = host_cfg_find(c, "signing-cves", NULL);
	const char *cves = cr != NULL ? cr->f[1] : "";
	int has = build_has(c, "signing-since", host_build(p));

	if (p->exchange_version != 2013)
		return EXH_OK;
	if (p->serialization_signing == -3)
		return host_expo_add(p, "serialization-signing",
		    EXH_EXPO_UNKNOWN, 0, "EnableSerializationDataSigning", "1",
		    "SOFTWARE hive not read", cves, "", "whether Exchange "
		    "2013 signs serialization data is unknown: the SOFTWARE "
		    "hive was not read");
	if (p->serialization_signing == 1)
		return host_expo_add(p, "serialization-signing", EXH_EXPO_OK,
		    0, "EnableSerializationDataSigning", "1", "1", cves, "",
		    "Exchange 2013 serialization data signing is on");
	if (has == 0)
		return host_expo_add(p, "serialization-signing",
		    EXH_EXPO_MISSING, 50, "EnableSerializationDataSigning",
		    "1", "build without the switch", cves, "", "Exchange 2013 "
		    "build %s predates serialization data signing (January "
		    "2023 update): %s open", host_build(p), cves);
	return host_expo_add(p, "serialization-signing", EXH_EXPO_MISSING, 50,
	    "EnableSerializationDataSigning", "1",
	    p->serialization_signing == 0 ? "0" : "absent", cves, "",
	    "Exchange 2013 serialization data signing is off (SOFTWARE "
	    "Microsoft\\ExchangeServer\\v15\\Diagnostics "
	    "EnableSerializationDataSigning is %s, not 1): %s open",
	    p->serialization_signing == 0 ? "0" : "absent", cves);
}

static bool
is_edge(const struct exh_profile *p)
{
	size_t i;

	for (i = 0; i < p->nroles; i++)
		if (exh_ascii_istarts(p->roles[i], "EdgeTransport"))
			return true;
	return false;
}

int
expo_eems_check(struct exh_profile *p, const struct host_cfg *c)
{
	int has = build_has(c, "eems-since", host_build(p));
	char start[16];

	if (has == 0 || is_edge(p) || !p->exchange_present)
		return EXH_OK;
	(void)snprintf(start, sizeof(start), "%d", p->eems_start);
	if (p->eems_start == -3)
		return host_expo_add(p, "eems-service", EXH_EXPO_UNKNOWN, 0,
		    "MSExchangeMitigation", "2 (automatic)", "SYSTEM hive not "
		    "read", "", "", "the state of the Exchange Emergency "
		    "Mitigation service is unknown: the SYSTEM hive was not "
		    "read");
	if (p->eems_start == 2)
		return host_expo_add(p, "eems-service", EXH_EXPO_OK, 0,
		    "MSExchangeMitigation", "2 (automatic)", "2 (automatic)",
		    "", "", "the Exchange Emergency Mitigation service "
		    "starts automatically");
	return host_expo_add(p, "eems-service", p->eems_start == 3 ?
	    EXH_EXPO_WEAK : EXH_EXPO_MISSING, 40, "MSExchangeMitigation",
	    "2 (automatic)", p->eems_start == -1 ? "service not installed" :
	    p->eems_start == -2 ? "no Start value" : p->eems_start == 4 ?
	    "4 (disabled)" : p->eems_start == 3 ? "3 (manual)" : start, "",
	    "", "the Exchange Emergency Mitigation service %s on a build "
	    "that has it: Microsoft's emergency mitigations (for example "
	    "for CVE-2022-41040 and CVE-2026-42897) are not applied "
	    "automatically", p->eems_start == -1 ? "is not installed" :
	    p->eems_start == 4 ? "is disabled" : p->eems_start == 3 ?
	    "does not start automatically" : "has no usable start type");
}

/* ---- mitigation rules ---- */

static const struct exh_cve_verdict *
cve_verdict(const struct exh_profile *p, const char *cve)
{
	size_t i;

	for (i = 0; i < p->ncves; i++)
		if (exh_ascii_iequal(p->cves[i].cve, cve))
			return &p->cves[i];
	return NULL;
}

/* Whether rule it mitigates cve: by name, or by what a csp row says. */
static bool
rule_mitigates(const struct host_cfg *c, const struct xml_item *it,
    const char *cve)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct host_cfg_row *r = &c->rows[i];

		if (strcmp(r->f[0], "mitigation") == 0 &&
		    exh_ascii_iequal(r->f[3], cve) && it->a != NULL &&
		    exh_ascii_iequal(r->f[1], it->a))
			return true;
		if (strcmp(r->f[0], "csp-mitigation") == 0 &&
		    exh_ascii_iequal(r->f[1], cve) && it->b != NULL &&
		    exh_ascii_iequal(it->b, r->f[2]) && it->c != NULL &&
		    exh_ascii_iequal(it->c, "Rewrite") && it->d != NULL &&
		    exh_ascii_istrstr(it->d, r->f[3]) != NULL)
			return true;
	}
	return false;
}

static int
mitigation_cve(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, const char *cve, const char *where)
{
	const struct exh_cve_verdict *v = cve_verdict(p, cve);
	const struct xml_item *on = NULL, *off = NULL;
	size_t i;
	bool needed;

	for (i = 0; i < s->rule.n; i++)
		if (rule_mitigates(c, &s->rule.v[i], cve)) {
			if (s->rule.v[i].disabled && off == NULL)
				off = &s->rule.v[i];
			else if (!s->rule.v[i].disabled && on == NULL)
				on = &s->rule.v[i];
		}
	/* Without a verdict only a rule that is there is worth a line. */
	if (v == NULL || v->verdict == EXH_VERDICT_NOT_AFFECTED)
		return on == NULL && off == NULL ? EXH_OK : host_expo_add(p,
		    "mitigation-rule", EXH_EXPO_NOT_NEEDED, 0, cve, "-",
		    on != NULL ? on->a : off->a, cve, on != NULL ? on->file :
		    off->file, "URL Rewrite rule \"%s\" for %s is present; "
		    "this build is not affected", on != NULL ? on->a : off->a,
		    cve);
	needed = v->verdict != EXH_VERDICT_FIXED;
	if (!needed)
		return on == NULL ? EXH_OK : host_expo_add(p,
		    "mitigation-rule", EXH_EXPO_NOT_NEEDED, 0, cve, "-",
		    on->a, cve, on->file, "URL Rewrite rule \"%s\" for %s is "
		    "present; the build has the fix (%s) anyway", on->a, cve,
		    v->fix_update);
	if (on != NULL)
		return host_expo_add(p, "mitigation-rule", EXH_EXPO_OK, 0, cve,
		    "present", on->a, cve, on->file, "%s is not fixed by "
		    "this build (%s) but mitigated: URL Rewrite rule \"%s\" "
		    "(scope %s) is present and enabled", cve,
		    exh_verdict_name(v->verdict), on->a, on->scope);
	if (off != NULL)
		return host_expo_add(p, "mitigation-rule", EXH_EXPO_MISSING, 60,
		    cve, "present", "disabled", cve, off->file, "%s is not "
		    "fixed by this build and its mitigation rule \"%s\" is "
		    "switched off (enabled=\"false\")", cve, off->a);
	return host_expo_add(p, "mitigation-rule", EXH_EXPO_MISSING, 60, cve,
	    "present", "missing", cve, where, "%s is not fixed by this build "
	    "(%s) and no mitigation rule for it is in applicationHost.config "
	    "or the sites' web.config files", cve,
	    exh_verdict_name(v->verdict));
}

int
expo_mitigation_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, const char *file)
{
	char **done = NULL;
	size_t ndone = 0, i, k;
	int rc = EXH_OK;

	for (i = 0; i < c->n && rc == EXH_OK; i++) {
		const struct host_cfg_row *r = &c->rows[i];
		const char *cve = strcmp(r->f[0], "mitigation") == 0 ? r->f[3] :
		    strcmp(r->f[0], "csp-mitigation") == 0 ? r->f[1] : NULL;

		if (cve == NULL || cve[0] == '\0')
			continue;
		for (k = 0; k < ndone && !exh_ascii_iequal(done[k], cve); k++)
			;
		if (k < ndone)
			continue;
		rc = exh_strvec_push(&done, &ndone, cve);
		if (rc == EXH_OK)
			rc = mitigation_cve(p, c, s, cve, file);
	}
	exh_strvec_free(done, ndone);
	return rc;
}

