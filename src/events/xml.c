/* Reading one record out of libevtx's XML rendering (System fields, EventData/UserData values). */
/*
 * libevtx fills its typed getters (event id, level, strings) only from
 * template substitutions, while its XML rendering covers every record it
 * can parse.  So we read the rendering.  It is produced by libevtx, not by
 * the attacker: tags are well formed and text escapes '<', '>' and '&'.
 * Values are still attacker-controlled and may hold any other byte,
 * including control characters; they are kept raw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

#include "events_int.h"

void
events_record_reset(struct events_record *r)
{
	size_t i;

	r->record_id = 0;
	r->time = 0;
	r->event_id = -1;
	r->level = -1;
	exh_buf_reset(&r->provider);
	exh_buf_reset(&r->channel);
	exh_buf_reset(&r->computer);
	exh_buf_reset(&r->systime);
	for (i = 0; i < r->ndata; i++)
		exh_buf_reset(&r->data[i]);
	r->ndata = 0;
	exh_buf_reset(&r->joined);
}

void
events_record_free(struct events_record *r)
{
	size_t i;

	exh_buf_free(&r->provider);
	exh_buf_free(&r->channel);
	exh_buf_free(&r->computer);
	exh_buf_free(&r->systime);
	for (i = 0; i < r->capdata; i++)
		exh_buf_free(&r->data[i]);
	free(r->data);
	exh_buf_free(&r->joined);
	memset(r, 0, sizeof(*r));
}

/* Appends s[0..n) to b, decoding the XML entities libevtx writes. */
static int
put_decoded(struct exh_buf *b, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i = 0, k;

	while (i < n) {
		size_t run = i;

		while (run < n && s[run] != '&')
			run++;
		if (run > i && exh_buf_append(b, s + i, run - i) != EXH_OK)
			return EXH_ENOMEM;
		if (run == n)
			break;
		i = run;
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
			size_t len = strlen(ents[k].name);

			if (n - i >= len && memcmp(s + i, ents[k].name, len) == 0)
				break;
		}
		if (k < sizeof(ents) / sizeof(ents[0])) {
			if (exh_buf_putc(b, ents[k].c) != EXH_OK)
				return EXH_ENOMEM;
			i += strlen(ents[k].name);
		} else {
			if (exh_buf_putc(b, '&') != EXH_OK)
				return EXH_ENOMEM;
			i++;
		}
	}
	/* An empty value still needs a NUL-terminated buffer. */
	return exh_buf_append(b, "", 0);
}

static int
parse_int(const struct exh_buf *b)
{
	char *end;
	long v;

	if (b->data == NULL || b->len == 0)
		return -1;
	v = strtol(b->data, &end, 10);
	if (end == b->data || v < 0 || v > 0x7fffffffL)
		return -1;
	return (int)v;
}

static struct exh_buf *
new_data(struct events_record *r)
{
	if (r->ndata == r->capdata) {
		size_t ncap = r->capdata ? r->capdata * 2 : 16;
		struct exh_buf *nd = realloc(r->data, ncap * sizeof(*nd));

		if (nd == NULL)
			return NULL;
		memset(nd + r->capdata, 0, (ncap - r->capdata) * sizeof(*nd));
		r->data = nd;
		r->capdata = ncap;
	}
	exh_buf_reset(&r->data[r->ndata]);
	if (exh_buf_append(&r->data[r->ndata], "", 0) != EXH_OK)
		return NULL;
	return &r->data[r->ndata++];
}

/* The element at depth d closes with the text collected for it. */
static int
leaf_done(struct events_xs *x, struct events_record *r, int d)
{
	const char *name = x->names[d - 1];
	const char *parent = d >= 2 ? x->names[d - 2] : "";
	const char *t = x->text.data ? x->text.data : "";
	struct exh_buf *dst = NULL;

	if (x->data_depth > 0 && d > x->data_depth) {
		if ((dst = new_data(r)) == NULL)
			return EXH_ENOMEM;
		return exh_buf_append(dst, t, x->text.len);
	}
	if (strcmp(parent, "System") != 0)
		return EXH_OK;
	if (strcmp(name, "EventID") == 0)
		r->event_id = parse_int(&x->text);
	else if (strcmp(name, "Level") == 0)
		r->level = parse_int(&x->text);
	else if (strcmp(name, "Channel") == 0)
		dst = &r->channel;
	else if (strcmp(name, "Computer") == 0)
		dst = &r->computer;
	if (dst == NULL)
		return EXH_OK;
	exh_buf_reset(dst);
	return exh_buf_append(dst, t, x->text.len);
}

/* Where the value of attribute name of the open element goes: the
 * buffer, reset, or NULL when it is not kept. */
struct exh_buf *
events_xs_attr_dst(struct events_xs *x, struct events_record *r,
    const char *name, size_t nlen)
{
	const char *elem = x->depth > 0 ? x->names[x->depth - 1] : "";
	struct exh_buf *dst = NULL;

	if (strcmp(elem, "Provider") == 0 && nlen == 4 &&
	    memcmp(name, "Name", 4) == 0)
		dst = &r->provider;
	else if (strcmp(elem, "TimeCreated") == 0 && nlen == 10 &&
	    memcmp(name, "SystemTime", 10) == 0)
		dst = &r->systime;
	if (dst != NULL)
		exh_buf_reset(dst);
	return dst;
}

/* Where text of the open element goes: NULL once it has a child. */
struct exh_buf *
events_xs_text_dst(struct events_xs *x)
{
	return x->depth > 0 && !x->child[x->depth - 1] ? &x->text : NULL;
}

/* Reads attributes of a start tag at s[0..n) (after the name). */
static int
attrs(struct events_xs *x, struct events_record *r, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t ns, ne, vs;
		char q;
		struct exh_buf *dst;

		while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
			i++;
		ns = i;
		while (i < n && s[i] != '=' && s[i] != ' ')
			i++;
		ne = i;
		if (i >= n || s[i] != '=' || i + 1 >= n)
			break;
		q = s[i + 1];
		if (q != '"' && q != '\'')
			return EXH_ECORRUPT;
		vs = i + 2;
		for (i = vs; i < n && s[i] != q; i++)
			;
		if (i >= n)
			return EXH_ECORRUPT;
		dst = events_xs_attr_dst(x, r, s + ns, ne - ns);
		if (dst != NULL && put_decoded(dst, s + vs, i - vs) != EXH_OK)
			return EXH_ENOMEM;
		i++;
	}
	return EXH_OK;
}

int
events_xs_open(struct events_xs *x, const char *name, size_t nl)
{
	if (x->depth > 0)
		x->child[x->depth - 1] = true;
	if (x->depth == EVENTS_XS_DEPTH)
		return EXH_ECORRUPT;
	x->depth++;
	/* Cut on purpose: every name compared is shorter than 23 bytes. */
	snprintf(x->names[x->depth - 1], sizeof(x->names[0]), "%.*s",
	    (int)(nl < 23 ? nl : 23), name);
	x->child[x->depth - 1] = false;
	exh_buf_reset(&x->text);
	if (x->depth == 2 && (strcmp(x->names[1], "EventData") == 0 ||
	    strcmp(x->names[1], "UserData") == 0))
		x->data_depth = 2;
	return EXH_OK;
}

int
events_xs_end(struct events_xs *x, struct events_record *r)
{
	int rc;

	if (x->depth == 0)
		return EXH_ECORRUPT;
	if (!x->child[x->depth - 1] &&
	    (rc = leaf_done(x, r, x->depth)) != EXH_OK)
		return rc;
	if (x->depth == x->data_depth)
		x->data_depth = 0;
	x->depth--;
	exh_buf_reset(&x->text);
	return EXH_OK;
}

int
events_xs_finish(struct events_xs *x, struct events_record *r, int rc)
{
	exh_buf_free(&x->text);
	if (rc == EXH_OK && (x->depth != 0 || r->provider.data == NULL))
		rc = EXH_ECORRUPT;
	if (rc == EXH_OK && r->systime.len > 0)
		(void)exh_iso_to_filetime(r->systime.data, &r->time);
	return rc;
}

static int
start_tag(struct events_xs *x, struct events_record *r, const char *s, size_t n)
{
	bool empty = n > 0 && s[n - 1] == '/';
	size_t nl = 0;
	int rc;

	if (empty)
		n--;
	while (nl < n && s[nl] != ' ' && s[nl] != '\n' && s[nl] != '\t')
		nl++;
	if ((rc = events_xs_open(x, s, nl)) != EXH_OK ||
	    (rc = attrs(x, r, s + nl, n - nl)) != EXH_OK)
		return rc;
	return empty ? events_xs_end(x, r) : EXH_OK;
}

int
events_xml_parse(const char *xml, size_t len, struct events_record *r)
{
	struct events_xs x;
	size_t i = 0, k;
	int rc = EXH_OK;

	memset(&x, 0, sizeof(x));
	while (rc == EXH_OK && i < len && xml[i] != '\0') {
		if (xml[i] != '<') {
			size_t j = i;
			struct exh_buf *t = events_xs_text_dst(&x);

			while (j < len && xml[j] != '<' && xml[j] != '\0')
				j++;
			if (t != NULL)
				rc = put_decoded(t, xml + i, j - i);
			i = j;
			continue;
		}
		for (k = i + 1; k < len && xml[k] != '>' && xml[k] != '\0';
		    k++)
			;
		if (k >= len || xml[k] != '>') {
			rc = EXH_ECORRUPT;
			break;
		}
		if (xml[i + 1] == '/')
			rc = events_xs_end(&x, r);
		else if (xml[i + 1] != '?' && xml[i + 1] != '!')
			rc = start_tag(&x, r, xml + i + 1, k - i - 1);
		i = k + 1;
	}
	return events_xs_finish(&x, r, rc);
}
