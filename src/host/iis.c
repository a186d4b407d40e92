/* IIS part of the host profile: sites, bindings, virtual directories and rewrite rules from applicationHost.config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "exhume/host.h"
#include "host_int.h"

#define MAX_SITES	4096
#define MAX_VDIRS	65536
#define MAX_RULES	4096

/*
 * An attribute's text without entity expansion: text children are
 * copied, entity references are kept as "&name;".  xmlGetProp would
 * expand them recursively (a billion-laughs risk).  NULL when the
 * attribute is absent; *nomem on allocation failure.
 */
static char *
attr(xmlNodePtr n, const char *name, int *nomem)
{
	xmlAttrPtr a;
	xmlNodePtr c;
	struct exh_buf b = { 0 };
	int rc = EXH_OK;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			break;
	if (a == NULL)
		return NULL;
	rc = exh_buf_append(&b, "", 0);
	for (c = a->children; c != NULL && rc == EXH_OK; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content != NULL)
			rc = exh_buf_puts(&b, (const char *)c->content);
		else if (c->type == XML_ENTITY_REF_NODE)
			rc = exh_buf_printf(&b, "&%s;", (const char *)c->name);
	}
	if (rc != EXH_OK) {
		*nomem = 1;
		exh_buf_free(&b);
		return NULL;
	}
	return exh_buf_take(&b);
}

static bool
named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static char *
dup_or_empty(char *s)
{
	return s != NULL ? s : host_strdup("");
}

static int
add_vdir(struct exh_profile *p, const char *site, const char *app_path,
    const char *pool, xmlNodePtr vd)
{
	struct exh_iis_vdir *v, *grown;
	int nomem = 0;

	if (p->nvdirs >= MAX_VDIRS)
		return EXH_OK;
	grown = realloc(p->vdirs, (p->nvdirs + 1) * sizeof(*p->vdirs));
	if (grown == NULL)
		return EXH_ENOMEM;
	p->vdirs = grown;
	v = &p->vdirs[p->nvdirs++];
	memset(v, 0, sizeof(*v));
	v->site = host_strdup(site);
	v->app_path = host_strdup(app_path);
	v->app_pool = host_strdup(pool);
	v->vdir_path = dup_or_empty(attr(vd, "path", &nomem));
	v->physical_path = dup_or_empty(attr(vd, "physicalPath", &nomem));
	if (v->physical_path != NULL)
		v->physical_resolved = host_expand_env(p, v->physical_path);
	if (nomem || v->site == NULL || v->app_path == NULL ||
	    v->app_pool == NULL || v->vdir_path == NULL ||
	    v->physical_path == NULL || v->physical_resolved == NULL)
		return EXH_ENOMEM;
	return EXH_OK;
}

static int
add_binding(struct exh_iis_site *s, xmlNodePtr b)
{
	struct exh_iis_binding *grown, *x;
	int nomem = 0;

	if (s->nbindings >= 256)
		return EXH_OK;
	grown = realloc(s->bindings, (s->nbindings + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	s->bindings = grown;
	x = &s->bindings[s->nbindings++];
	x->protocol = dup_or_empty(attr(b, "protocol", &nomem));
	x->info = dup_or_empty(attr(b, "bindingInformation", &nomem));
	return nomem || x->protocol == NULL || x->info == NULL ?
	    EXH_ENOMEM : EXH_OK;
}

static int
site_log_dir(struct exh_profile *p, struct exh_iis_site *s,
    const char *dir)
{
	char *base;
	struct exh_buf b = { 0 };

	s->log_dir = host_strdup(dir);
	if (s->log_dir == NULL)
		return EXH_ENOMEM;
	base = host_expand_env(p, dir);
	if (base == NULL)
		return EXH_ENOMEM;
	if (exh_buf_printf(&b, "%s%sW3SVC%ld", base,
	    exh_ascii_iends(base, "\\") ? "" : "\\", s->id) != EXH_OK) {
		free(base);
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	free(base);
	s->log_dir_resolved = exh_buf_take(&b);
	return EXH_OK;
}

static int
read_site(struct exh_profile *p, xmlNodePtr site, const char *default_log)
{
	struct exh_iis_site *s, *grown;
	xmlNodePtr c, d;
	char *id, *logdir = NULL, *end;
	int nomem = 0, rc = EXH_OK;

	if (p->nsites >= MAX_SITES)
		return EXH_OK;
	grown = realloc(p->sites, (p->nsites + 1) * sizeof(*p->sites));
	if (grown == NULL)
		return EXH_ENOMEM;
	p->sites = grown;
	s = &p->sites[p->nsites++];
	memset(s, 0, sizeof(*s));
	s->name = dup_or_empty(attr(site, "name", &nomem));
	id = attr(site, "id", &nomem);
	if (nomem || s->name == NULL) {
		free(id);
		return EXH_ENOMEM;
	}
	s->id = -1;
	if (id != NULL) {
		errno = 0;
		s->id = strtol(id, &end, 10);
		if (errno != 0 || *end != '\0' || end == id || s->id < 0)
			s->id = -1;
	}
	free(id);
	for (c = site->children; c != NULL && rc == EXH_OK; c = c->next) {
		if (named(c, "application")) {
			char *path = attr(c, "path", &nomem);
			char *pool = attr(c, "applicationPool", &nomem);

			for (d = c->children; d != NULL && rc == EXH_OK && !nomem;
			    d = d->next)
				if (named(d, "virtualDirectory"))
					rc = add_vdir(p, s->name,
					    path != NULL ? path : "",
					    pool != NULL ? pool : "", d);
			free(path);
			free(pool);
		} else if (named(c, "bindings")) {
			for (d = c->children; d != NULL && rc == EXH_OK;
			    d = d->next)
				if (named(d, "binding"))
					rc = add_binding(s, d);
		} else if (named(c, "logFile") && logdir == NULL)
			logdir = attr(c, "directory", &nomem);
	}
	if (rc == EXH_OK && !nomem)
		rc = site_log_dir(p, s, logdir != NULL ? logdir : default_log);
	free(logdir);
	return nomem ? EXH_ENOMEM : rc;
}

/* Rule names under any <rewrite><rules|globalRules|outboundRules>. */
static int
collect_rules(struct exh_profile *p, xmlNodePtr n, int depth)
{
	xmlNodePtr c;
	int rc = EXH_OK, nomem = 0;

	for (c = n; c != NULL && rc == EXH_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "rule") && c->parent != NULL &&
		    c->parent->parent != NULL &&
		    named(c->parent->parent, "rewrite") &&
		    p->nrewrite_rules < MAX_RULES) {
			char *name = attr(c, "name", &nomem);

			if (nomem)
				return EXH_ENOMEM;
			rc = exh_strvec_push(&p->rewrite_rules,
			    &p->nrewrite_rules, name != NULL ? name : "");
			free(name);
		}
		/* libxml2 itself stops nesting at 256 levels. */
		if (rc == EXH_OK && depth < 300)
			rc = collect_rules(p, c->children, depth + 1);
	}
	return rc;
}

/* SAX hook for the second pass: any entity declaration ends the parse. */
static void
refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *id,
    const xmlChar *sys, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)id;
	(void)sys;
	(void)content;
	/* Marks the refusal: a stopped parse can still look well formed. */
	((xmlParserCtxtPtr)ctx)->_private = ctx;
	xmlStopParser((xmlParserCtxtPtr)ctx);
}

/*
 * Parses with no network, no DTD loading and no entity substitution
 * (NOENT off).  The first pass keeps libxml2's default limits.  If that
 * fails (an attacker can pad one element with megabytes of attributes
 * to hide it), a second pass lifts the size limits (HUGE) but refuses
 * every entity declaration, so no expansion can amplify; the input is
 * capped by the caller either way.
 */
static xmlDocPtr
parse(const char *data, size_t len, char *why, size_t whylen)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	int pass;

	for (pass = 0; pass < 2 && doc == NULL; pass++) {
		ctxt = xmlNewParserCtxt();
		if (ctxt == NULL)
			return NULL;
		if (pass == 1)
			ctxt->sax->entityDecl = refuse_entity;
		doc = xmlCtxtReadMemory(ctxt, data, (int)len,
		    "applicationHost.config", NULL,
		    opts | (pass == 1 ? XML_PARSE_HUGE : 0));
		if (doc != NULL && pass == 1 && (!ctxt->wellFormed ||
		    ctxt->_private != NULL)) {
			xmlFreeDoc(doc);
			doc = NULL;
		}
		if (doc == NULL && pass == 0) {
			const char *m = ctxt->lastError.message;

			/* why is display text: a cut parser message is fine. */
			snprintf(why, whylen, "line %d: %s", ctxt->lastError.line,
			    m != NULL ? m : "parse error");
			why[strcspn(why, "\r\n")] = '\0';
		} else if (doc == NULL) {
			size_t used = strlen(why);
			const char *m = ctxt->_private != NULL ?
			    "entity declarations refused" :
			    ctxt->lastError.message;

			snprintf(why + used, whylen - used, "; without size "
			    "limits: %s", m != NULL ? m : "parse error");
			why[strcspn(why, "\r\n")] = '\0';
		}
		xmlFreeParserCtxt(ctxt);
	}
	return doc;
}

int
host_read_iis(struct exh_profile *p, const char *data, size_t len)
{
	xmlDocPtr doc;
	xmlNodePtr root, c, sites = NULL, site;
	char *default_log = NULL, why[240] = "";
	int rc = EXH_OK, nomem = 0;

	if (len > EXH_IISCONF_MAX_BYTES || len > (size_t)INT32_MAX)
		return host_note(p, "applicationHost.config: not parsed: "
		    "larger than %u bytes", EXH_IISCONF_MAX_BYTES);
	doc = parse(data, len, why, sizeof(why));
	if (doc == NULL)
		return host_note(p, "applicationHost.config: not parsed: %s",
		    why[0] != '\0' ? why : "out of memory");
	p->iis_config_found = true;
	if (doc->intSubset != NULL)
		rc = host_note(p, "applicationHost.config: has a DOCTYPE; "
		    "entities were not expanded");
	root = xmlDocGetRootElement(doc);
	for (c = root != NULL ? root->children : NULL; c != NULL; c = c->next)
		if (named(c, "system.applicationHost")) {
			for (sites = c->children; sites != NULL;
			    sites = sites->next)
				if (named(sites, "sites"))
					break;
			break;
		}
	if (sites == NULL && rc == EXH_OK)
		rc = host_note(p, "applicationHost.config: no "
		    "system.applicationHost/sites section");
	for (site = sites != NULL ? sites->children : NULL; site != NULL &&
	    default_log == NULL && !nomem; site = site->next)
		if (named(site, "siteDefaults"))
			for (c = site->children; c != NULL; c = c->next)
				if (named(c, "logFile")) {
					default_log = attr(c, "directory",
					    &nomem);
					break;
				}
	for (site = sites != NULL ? sites->children : NULL; site != NULL &&
	    rc == EXH_OK && !nomem; site = site->next)
		if (named(site, "site"))
			rc = read_site(p, site, default_log != NULL ?
			    default_log : "%SystemDrive%\\inetpub\\logs\\"
			    "LogFiles");
	if (rc == EXH_OK && !nomem && root != NULL)
		rc = collect_rules(p, root, 0);
	free(default_log);
	xmlFreeDoc(doc);
	return nomem ? EXH_ENOMEM : rc;
}

xmlDocPtr
host_xml_parse(const char *data, size_t len, char *why, size_t whylen)
{
	if (len > EXH_IISCONF_MAX_BYTES || len > (size_t)INT32_MAX) {
		snprintf(why, whylen, "larger than %u bytes",
		    EXH_IISCONF_MAX_BYTES);
		return NULL;
	}
	return parse(data, len, why, whylen);
}

char *
host_xml_attr(xmlNodePtr n, const char *name, int *nomem)
{
	return attr(n, name, nomem);
}
