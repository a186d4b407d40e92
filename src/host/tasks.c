/* Scheduled-task XML (Windows\System32\Tasks): the parser of hostile task files and the T3/scheduled-task check. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- TaskCache\Tree: hidden tasks and tasks without their file ---------- */

#define TREE_KEY	"Microsoft\\Windows NT\\CurrentVersion\\Schedule\\" \
			"TaskCache\\Tree"
#define REF_TARRASK	"exchange-2023-2026.md section 6.3; Microsoft Threat " \
			"Intelligence 2022-04-12 (Tarrask, HAFNIUM)"
#define MAX_TREE	20000
#define MAX_TREE_DEPTH	16

static int
by_name(const void *a, const void *b)
{
	return strcasecmp(((const struct traces_tree_task *)a)->name,
	    ((const struct traces_tree_task *)b)->name);
}

static void
hidden_task(struct traces_out *o, hive_h *h, hive_node_h n, const char *task)
{
	struct exh_finding *f;
	struct exh_buf key = { 0 };
	int nomem = 0;
	char *id = host_reg_str(h, n, "Id", &nomem);

	if (nomem || exh_buf_printf(&key, "SOFTWARE\\%s%s", TREE_KEY, task) !=
	    EXH_OK) {
		o->rc = EXH_ENOMEM;
		goto out;
	}
	f = traces_new(o, "T3/hidden-task", "C:\\Windows\\System32\\config\\"
	    "SOFTWARE", hivex_node_timestamp(h, n));
	traces_field(o, f, "registry key", key.data);
	traces_field(o, f, "task", task);
	traces_field(o, f, "Id", id);
	traces_time_field(o, f, "key last written", hivex_node_timestamp(h,
	    n));
	traces_reason(o, f, NULL, 80, "scheduled task registered without its "
	    "security descriptor (SD value removed): hidden from Task "
	    "Scheduler and schtasks, as HAFNIUM's Tarrask did", REF_TARRASK,
	    task);
	traces_emit(o, f, false);
out:
	exh_buf_free(&key);
	free(id);
}

static int
tree_add(struct traces_out *o, const char *task, int64_t written)
{
	struct traces_tree_task *grown;

	grown = realloc(o->tree, (o->ntree + 1) * sizeof(*o->tree));
	if (grown == NULL)
		return EXH_ENOMEM;
	o->tree = grown;
	if ((grown[o->ntree].name = strdup(task)) == NULL)
		return EXH_ENOMEM;
	grown[o->ntree].written = written;
	grown[o->ntree].seen = false;
	o->ntree++;
	return EXH_OK;
}

static void
tree_walk(struct traces_out *o, hive_h *h, hive_node_h n, const char *path,
    int depth, size_t *visited)
{
	hive_node_h *kids;
	size_t i;

	if (hivex_node_get_value(h, n, "Id") != 0 && path[0] != '\0') {
		if (hivex_node_get_value(h, n, "SD") == 0)
			hidden_task(o, h, n, path);
		if (o->rc == EXH_OK && tree_add(o, path,
		    hivex_node_timestamp(h, n)) != EXH_OK)
			o->rc = EXH_ENOMEM;
	}
	if (depth >= MAX_TREE_DEPTH || (kids = hivex_node_children(h, n)) ==
	    NULL)
		return;
	for (i = 0; kids[i] != 0 && o->rc == EXH_OK; i++) {
		struct exh_buf sub = { 0 };
		char *name;

		if (++*visited > MAX_TREE)
			break;
		if ((name = hivex_node_name(h, kids[i])) == NULL)
			continue;
		if (exh_buf_printf(&sub, "%s\\%s", path, name) != EXH_OK)
			o->rc = EXH_ENOMEM;
		else
			tree_walk(o, h, kids[i], sub.data, depth + 1, visited);
		exh_buf_free(&sub);
		free(name);
	}
	free(kids);
}

void
traces_task_tree(struct traces_out *o, hive_h *h)
{
	hive_node_h tree = host_reg_node(h, hivex_root(h), TREE_KEY);
	size_t visited = 0;

	if (tree == 0)
		return;
	tree_walk(o, h, tree, "", 0, &visited);
	if (visited > MAX_TREE)
		traces_note(o, "SOFTWARE hive: TaskCache\\Tree has more than %d "
		    "keys; the rest not examined", MAX_TREE);
	if (o->ntree > 1)
		qsort(o->tree, o->ntree, sizeof(*o->tree), by_name);
}

void
traces_task_tree_seen(struct traces_out *o, const char *dir,
    const char *path)
{
	struct traces_tree_task key = { 0 }, *hit;
	const char *rel;

	(void)dir;
	/* By the folder's name, not the whole prefix: the walk may name the
	 * system volume with another letter than SystemRoot does. */
	if (o->ntree == 0 || (rel = exh_ascii_istrstr(path,
	    "\\System32\\Tasks\\")) == NULL)
		return;
	key.name = (char *)rel + strlen("\\System32\\Tasks");
	hit = bsearch(&key, o->tree, o->ntree, sizeof(*o->tree), by_name);
	if (hit != NULL)
		hit->seen = true;
}

void
traces_task_tree_missing(struct traces_out *o)
{
	size_t i;

	for (i = 0; i < o->ntree && o->rc == EXH_OK; i++) {
		struct exh_finding *f;

		const struct traces_tree_task *x = &o->tree[i];

		if (x->seen)
			continue;
		f = traces_new(o, "T3/task-without-file", "C:\\Windows\\"
		    "System32\\config\\SOFTWARE", x->written);
		traces_field(o, f, "task", x->name);
		traces_time_field(o, f, "key last written", x->written);
		traces_reason(o, f, NULL, 45, "scheduled task registered in "
		    "TaskCache\\Tree without its file under System32\\Tasks "
		    "(file deleted to hide the task, or a damaged registration)",
		    REF_TARRASK, x->name);
		traces_emit(o, f, false);
	}
}

void
traces_task_tree_free(struct traces_out *o)
{
	size_t i;

	for (i = 0; i < o->ntree; i++)
		free(o->tree[i].name);
	free(o->tree);
	o->tree = NULL;
	o->ntree = 0;
}
