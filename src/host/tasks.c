/* Scheduled-task XML (Windows\System32\Tasks): the parser of hostile task files and the T3/scheduled-task check. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "exhume/host.h"
#include "host_int.h"
#include "traces_int.h"

#define REF_TASKS	"exchange-2023-2026.md sections 6.3, 6.4"
#define MAX_TEXT	32768	/* longest element text kept */

static bool
named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/*
 * An element's own text: text and CDATA children copied, entity
 * references kept as "&name;" (xmlNodeGetContent would expand them
 * recursively), capped at MAX_TEXT bytes.  "" when the element is
 * absent; NULL on ENOMEM.
 */
static char *
text(xmlNodePtr n)
{
	struct exh_buf b = { 0 };
	xmlNodePtr c;
	int rc = exh_buf_append(&b, "", 0);

	for (c = n != NULL ? n->children : NULL; c != NULL && rc == EXH_OK &&
	    b.len < MAX_TEXT; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			rc = exh_buf_append(&b, c->content, strnlen((const char *)
			    c->content, MAX_TEXT - b.len));
		else if (c->type == XML_ENTITY_REF_NODE)
			rc = exh_buf_printf(&b, "&%.64s;", (const char *)
			    c->name);
	}
	if (rc != EXH_OK) {
		exh_buf_free(&b);
		return NULL;
	}
	/* Surrounding white space is layout, not part of the value. */
	while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
	    b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	{
		size_t lead = strspn(b.data, " \t\r\n");

		memmove(b.data, b.data + lead, b.len - lead + 1);
		b.len -= lead;
	}
	return exh_buf_take(&b);
}

void
traces_task_free(struct traces_task *t)
{
	size_t i;

	if (t == NULL)
		return;
	free(t->uri);
	free(t->author);
	free(t->date);
	free(t->user);
	for (i = 0; i < t->nexec; i++) {
		free(t->exec[i].command);
		free(t->exec[i].arguments);
		free(t->exec[i].workdir);
	}
	memset(t, 0, sizeof(*t));
}

static xmlDocPtr
parse(const void *xml, size_t len, const char *encoding, char *why,
    size_t whylen)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	xmlDocPtr doc;

	if (ctxt == NULL)
		return NULL;
	/* No network, no DTD loading, no entity substitution (NOENT off),
	 * libxml2's default size and depth limits. */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "task.xml", encoding,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const char *m = ctxt->lastError.message;

		/* why is display text: a cut parser message is fine. */
		snprintf(why, whylen, "line %d: %s", ctxt->lastError.line,
		    m != NULL ? m : "parse error");
		why[strcspn(why, "\r\n")] = '\0';
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int
read_actions(struct traces_task *t, xmlNodePtr actions)
{
	xmlNodePtr a;

	for (a = actions != NULL ? actions->children : NULL; a != NULL;
	    a = a->next) {
		struct traces_exec *x;

		if (a->type != XML_ELEMENT_NODE)
			continue;
		if (!named(a, "Exec")) {
			t->nother++;
			continue;
		}
		if (t->nexec == TRACES_TASK_MAX_EXEC) {
			t->dropped++;
			continue;
		}
		x = &t->exec[t->nexec++];
		x->command = text(child(a, "Command"));
		x->arguments = text(child(a, "Arguments"));
		x->workdir = text(child(a, "WorkingDirectory"));
		if (x->command == NULL || x->arguments == NULL ||
		    x->workdir == NULL)
			return EXH_ENOMEM;
	}
	return EXH_OK;
}

int
traces_task_parse(const void *xml, size_t len, struct traces_task *out,
    struct exh_err *err)
{
	struct traces_task t;
	const unsigned char *u = xml;
	xmlDocPtr doc;
	xmlNodePtr root, reg, settings;
	char why[200] = "";
	char *hidden;
	int rc;

	if (len > TRACES_TASK_MAX_BYTES || len > INT_MAX)
		return exh_err_set(err, EXH_ECORRUPT, 0, "larger than %u "
		    "bytes", TRACES_TASK_MAX_BYTES);
	if (len == 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "empty file");
	doc = parse(xml, len, NULL, why, sizeof(why));
	/* Task files written by hand say encoding="UTF-16" over UTF-8
	 * bytes; Task Scheduler reads them, so a second try does too. */
	if (doc == NULL && !(len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))))
		doc = parse(xml, len, "UTF-8", why, sizeof(why));
	if (doc == NULL)
		return exh_err_set(err, why[0] != '\0' ? EXH_ECORRUPT :
		    EXH_ENOMEM, 0, "not XML: %s", why[0] != '\0' ? why :
		    "out of memory");
	root = xmlDocGetRootElement(doc);
	if (!named(root, "Task")) {
		xmlFreeDoc(doc);
		return exh_err_set(err, EXH_ECORRUPT, 0, "XML, but not a task "
		    "(the root element is not Task)");
	}
	memset(&t, 0, sizeof(t));
	reg = child(root, "RegistrationInfo");
	settings = child(root, "Settings");
	t.uri = text(child(reg, "URI"));
	t.author = text(child(reg, "Author"));
	t.date = text(child(reg, "Date"));
	t.user = text(child(child(child(root, "Principals"), "Principal"),
	    "UserId"));
	hidden = text(child(settings, "Hidden"));
	rc = t.uri == NULL || t.author == NULL || t.date == NULL ||
	    t.user == NULL || hidden == NULL ? EXH_ENOMEM :
	    read_actions(&t, child(root, "Actions"));
	t.hidden = hidden != NULL && exh_ascii_iequal(hidden, "true");
	free(hidden);
	xmlFreeDoc(doc);
	if (rc != EXH_OK) {
		traces_task_free(&t);
		return exh_err_set(err, rc, ENOMEM, "out of memory");
	}
	*out = t;
	return EXH_OK;
}

/* RegistrationInfo/Date ("2021-03-03T06:49:42" local, or with a zone or
 * fraction) as a FILETIME; 0 when it is not one.  Without a zone the
 * time is the host's local time: kept as written in the field, used as
 * UTC only for sorting. */
static int64_t
reg_date(const char *s)
{
	char iso[32];
	int64_t ft;

	if (strlen(s) < 19)
		return 0;
	/* The first 19 characters always fit iso[32]. */
	if (snprintf(iso, sizeof(iso), "%.19sZ", s) >= (int)sizeof(iso))
		return 0;
	return exh_iso_to_filetime(iso, &ft) == EXH_OK ? ft : 0;
}

static void
task_exec(struct traces_out *o, const struct exh_fileref *f,
    const struct traces_task *t, const struct traces_exec *x, size_t i)
{
	struct exh_finding *fd;
	char num[24];

	fd = traces_new(o, "T3/scheduled-task", f->path, f->si.created);
	traces_field(o, fd, "task", t->uri);
	traces_field(o, fd, "author", t->author);
	traces_field(o, fd, "registered (RegistrationInfo Date)", t->date);
	traces_field(o, fd, "runs as", t->user);
	if (t->hidden)
		traces_field(o, fd, "hidden", "true");
	traces_field(o, fd, "command", x->command);
	traces_field(o, fd, "arguments", x->arguments);
	traces_field(o, fd, "working directory", x->workdir);
	if (t->nexec > 1 && snprintf(num, sizeof(num), "%zu of %zu", i + 1,
	    t->nexec) < (int)sizeof(num))
		traces_field(o, fd, "action", num);
	traces_time_field(o, fd, "file created ($SI)", f->si.created);
	traces_time_field(o, fd, "file modified ($SI)", f->si.modified);
	traces_time_field(o, fd, "file created ($FN)", f->fn.created);
	if (f->si.created == 0 && fd != NULL)
		fd->time = reg_date(t->date);
	traces_command(o, fd, x->command, x->arguments, REF_TASKS);
	traces_emit(o, fd, false);
}

void
traces_task_check(struct traces_out *o, const struct exh_fileref *f,
    const void *data, size_t len)
{
	struct traces_task t;
	struct exh_err err = { 0 };
	size_t i;
	int rc;

	rc = traces_task_parse(data, len, &t, &err);
	if (rc == EXH_ENOMEM) {
		o->rc = rc;
		return;
	}
	if (rc != EXH_OK) {
		traces_note(o, "scheduled task %s: not parsed: %s", f->path,
		    err.msg);
		return;
	}
	for (i = 0; i < t.nexec && o->rc == EXH_OK; i++)
		task_exec(o, f, &t, &t.exec[i], i);
	if (t.dropped > 0)
		traces_note(o, "scheduled task %s: %zu Exec actions beyond the "
		    "first %d not examined", f->path, t.dropped,
		    TRACES_TASK_MAX_EXEC);
	traces_task_free(&t);
}
