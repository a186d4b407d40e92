/* The IIS XML elements the exposure checks look at (applicationHost.config, web.config), gathered per kind. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "exhume/host.h"
#include "host_int.h"
#include "exposure_int.h"

#define SCAN_MAX	4096	/* entries of one kind kept per file */

/* ---- reading IIS XML ---- */

static bool
named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    exh_ascii_iequal((const char *)n->name, name);
}

static void
item_add(struct iis_scan *s, struct xml_list *l, const char *scope,
    const char *file, xmlNodePtr n, const char *an, const char *bn)
{
	struct xml_item *grown, *it;
	int nomem = 0;

	if (s->rc != EXH_OK || l->n >= SCAN_MAX)
		return;
	grown = realloc(l->v, (l->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		s->rc = EXH_ENOMEM;
		return;
	}
	l->v = grown;
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->file = (char *)file;
	it->scope = host_strdup(scope);
	it->a = an != NULL ? host_xml_attr(n, an, &nomem) : NULL;
	it->b = bn != NULL ? host_xml_attr(n, bn, &nomem) : NULL;
	if (it->scope == NULL || nomem)
		s->rc = EXH_ENOMEM;
}

/* The match and action of an outbound rule go to c and d. */
static void
rule_details(struct iis_scan *s, struct xml_item *it, xmlNodePtr rule)
{
	xmlNodePtr c;
	char *en;
	int nomem = 0;

	en = host_xml_attr(rule, "enabled", &nomem);
	it->disabled = en != NULL && exh_ascii_iequal(en, "false");
	free(en);
	for (c = rule->children; c != NULL && !nomem; c = c->next) {
		if (named(c, "match") && it->b == NULL)
			it->b = host_xml_attr(c, "serverVariable", &nomem);
		else if (named(c, "action") && it->c == NULL) {
			it->c = host_xml_attr(c, "type", &nomem);
			it->d = host_xml_attr(c, "value", &nomem);
		}
	}
	if (nomem)
		s->rc = EXH_ENOMEM;
}

static void
scan_element(struct iis_scan *s, xmlNodePtr n, const char *scope,
    const char *file)
{
	xmlNodePtr up = n->parent, up2 = up != NULL ? up->parent : NULL;

	if (named(n, "extendedProtection") &&
	    named(up, "windowsAuthentication"))
		item_add(s, &s->ep, scope, file, n, "tokenChecking", NULL);
	else if (named(n, "ipSecurity") && named(up, "security"))
		item_add(s, &s->ipsec, scope, file, n, "allowUnlisted", NULL);
	else if (named(n, "add") && named(up, "globalModules"))
		item_add(s, &s->gmod, scope, file, n, "name", "image");
	else if (named(n, "filter") && named(up, "isapiFilters"))
		item_add(s, &s->filter, scope, file, n, "name", "path");
	else if (named(n, "add") && named(up, "modules") &&
	    xmlHasProp(n, (const xmlChar *)"type") != NULL)
		item_add(s, &s->mmod, scope, file, n, "name", "type");
	else if (named(n, "rule") && named(up2, "rewrite") &&
	    s->rule.n < SCAN_MAX) {
		struct xml_item *it;

		item_add(s, &s->rule, scope, file, n, "name", NULL);
		if (s->rc != EXH_OK || s->rule.n == 0)
			return;
		it = &s->rule.v[s->rule.n - 1];
		/* A rule without a name still counts by what it does. */
		if (it->a == NULL && (it->a = host_strdup("")) == NULL) {
			s->rc = EXH_ENOMEM;
			return;
		}
		rule_details(s, it, n);
	}
}

/* Depth-first; a <location path=...> sets the scope of what it holds. */
static void
scan_tree(struct iis_scan *s, xmlNodePtr n, const char *scope,
    const char *file, int depth)
{
	xmlNodePtr c;

	for (c = n; c != NULL && s->rc == EXH_OK; c = c->next) {
		char *loc = NULL;
		int nomem = 0;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "location")) {
			loc = host_xml_attr(c, "path", &nomem);
			if (nomem) {
				s->rc = EXH_ENOMEM;
				return;
			}
		}
		scan_element(s, c, scope, file);
		/* libxml2 itself stops nesting at 256 levels. */
		if (depth < 300)
			scan_tree(s, c->children, loc != NULL ? loc : scope,
			    file, depth + 1);
		free(loc);
	}
}

static void
list_free(struct xml_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].scope);
		free(l->v[i].a);
		free(l->v[i].b);
		free(l->v[i].c);
		free(l->v[i].d);
	}
	free(l->v);
}

void
expo_xml_free(struct iis_scan *s)
{
	list_free(&s->ep);
	list_free(&s->ipsec);
	list_free(&s->gmod);
	list_free(&s->filter);
	list_free(&s->mmod);
	list_free(&s->rule);
}

/* Parses data and adds what it holds to s; a parse failure is a note. */
int
expo_xml_read(struct exh_profile *p, struct iis_scan *s, const char *data,
    size_t len, const char *scope, const char *file)
{
	char why[240] = "";
	xmlDocPtr doc = host_xml_parse(data, len, why, sizeof(why));

	if (doc == NULL)
		return host_note(p, "%s: not parsed: %s", file,
		    why[0] != '\0' ? why : "out of memory");
	scan_tree(s, xmlDocGetRootElement(doc), scope, file, 0);
	xmlFreeDoc(doc);
	return s->rc;
}
