/* Data the YARA scan takes from rules/: the score map for third-party rule sets and the IIS script extensions. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

static const char *
next_field(const char **s, size_t *n, size_t *flen)
{
	const char *start = *s, *tab = memchr(*s, '\t', *n);

	*flen = tab != NULL ? (size_t)(tab - start) : *n;
	*s += *flen;
	*n -= *flen;
	if (*n > 0) {
		(*s)++;
		(*n)--;
	}
	return start;
}

/* "FROM=TO,FROM=TO": scores 0..100. */
static bool
parse_pairs(const char *s, size_t n, struct score_map *m)
{
	const char *comma, *eq;
	size_t len;

	m->npairs = 0;
	while (n > 0) {
		comma = memchr(s, ',', n);
		len = comma != NULL ? (size_t)(comma - s) : n;
		eq = memchr(s, '=', len);
		if (eq == NULL || m->npairs == SCORE_MAP_PAIRS_MAX ||
		    !rules_parse_score(s, (size_t)(eq - s),
		    &m->from[m->npairs]) ||
		    !rules_parse_score(eq + 1, len - (size_t)(eq - s) - 1,
		    &m->to[m->npairs]) || m->from[m->npairs] < 0 ||
		    m->to[m->npairs] < 0)
			return false;
		m->npairs++;
		s += len;
		n -= len;
		if (n > 0) {
			s++;
			n--;
		}
	}
	return m->npairs > 0;
}

/* A signed offset: "+10", "-5", "10". */
static bool
parse_offset(const char *s, size_t n, int *out)
{
	bool neg = n > 0 && s[0] == '-';

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		s++;
		n--;
	}
	if (!rules_parse_score(s, n, out) || *out < 0)
		return false;
	if (neg)
		*out = -*out;
	return true;
}

/* "GLOB<TAB>offset<TAB>+N" or "GLOB<TAB>map<TAB>FROM=TO,...". */
int
rules_scoremap_line(struct exh_rules *r, size_t fi, const struct rules_line *l)
{
	const char *s = l->s, *glob, *action, *value;
	size_t n = l->n, glen, alen, vlen;
	struct score_map m = { 0 };

	glob = next_field(&s, &n, &glen);
	action = next_field(&s, &n, &alen);
	value = next_field(&s, &n, &vlen);
	rules_trim(&glob, &glen);
	rules_trim(&action, &alen);
	rules_trim(&value, &vlen);
	if (glen == 0 || alen == 0 || vlen == 0 || n > 0)
		return rules_reject(r, fi, l->no,
		    "expected GLOB<TAB>offset|map<TAB>VALUE");
	if (alen == 6 && memcmp(action, "offset", 6) == 0) {
		if (!parse_offset(value, vlen, &m.offset))
			return rules_reject(r, fi, l->no,
			    "offset must be a whole number from -100 to +100");
		m.is_offset = true;
	} else if (alen == 3 && memcmp(action, "map", 3) == 0) {
		if (!parse_pairs(value, vlen, &m))
			return rules_reject(r, fi, l->no, "map must be up to "
			    "16 FROM=TO pairs of scores 0..100, comma-separated");
	} else {
		return rules_reject(r, fi, l->no,
		    "action must be 'offset' or 'map'");
	}
	if (r->nsmap == r->capsmap) {
		size_t cap = r->capsmap == 0 ? 8 : r->capsmap * 2;
		struct score_map *nv = realloc(r->smap, cap * sizeof(*nv));

		if (nv == NULL)
			return EXH_ENOMEM;
		r->smap = nv;
		r->capsmap = cap;
	}
	if ((m.glob = rules_strndup(glob, glen)) == NULL)
		return EXH_ENOMEM;
	m.file = (uint32_t)fi;
	m.line = (uint32_t)l->no;
	r->smap[r->nsmap++] = m;
	r->files[fi].loaded++;
	return EXH_OK;
}

/* ".ext" per line; stored lower-case as "|.a|.b|" for a quick search. */
int
rules_script_ext_line(struct exh_rules *r, size_t fi,
    const struct rules_line *l)
{
	struct exh_buf b = { 0 };
	size_t i;

	if (l->n < 2 || l->n > 32 || l->s[0] != '.')
		return rules_reject(r, fi, l->no,
		    "expected one extension with its dot, like .aspx");
	for (i = 1; i < l->n; i++)
		if (l->s[i] == '|' || l->s[i] == '.' ||
		    rules_is_blank(l->s[i]))
			return rules_reject(r, fi, l->no,
			    "an extension has no blanks, dots or '|'");
	if (exh_buf_puts(&b, r->script_exts != NULL ? r->script_exts : "|")
	    != EXH_OK)
		goto nomem;
	for (i = 0; i < l->n; i++)
		if (exh_buf_putc(&b, (char)(l->s[i] >= 'A' && l->s[i] <= 'Z' ?
		    l->s[i] - 'A' + 'a' : l->s[i])) != EXH_OK)
			goto nomem;
	if (exh_buf_putc(&b, '|') != EXH_OK)
		goto nomem;
	free(r->script_exts);
	r->script_exts = exh_buf_take(&b);
	r->files[fi].loaded++;
	return EXH_OK;
nomem:
	exh_buf_free(&b);
	return EXH_ENOMEM;
}

/* The first map entry whose glob matches a YARA file's path or name. */
static int
find_map(const struct exh_rules *r, const struct exh_rules_file *f)
{
	size_t i;

	for (i = 0; i < r->nsmap; i++)
		if (fnmatch(r->smap[i].glob, f->path, 0) == 0 ||
		    (f->name != NULL && fnmatch(r->smap[i].glob, f->name, 0) ==
		    0))
			return (int)i;
	return -1;
}

int
rules_scoremap_finish(struct exh_rules *r)
{
	struct exh_buf b = { 0 };
	const struct score_map *m;
	size_t i;
	int k;

	for (i = 0; i < r->nfiles; i++) {
		r->fint[i].smap = -1;
		if (r->files[i].kind != EXH_RF_YARA ||
		    (k = find_map(r, &r->files[i])) < 0)
			continue;
		r->fint[i].smap = k;
		m = &r->smap[k];
		exh_buf_reset(&b);
		if (exh_buf_printf(&b, "scores mapped by %s, line %u (%s)",
		    r->files[m->file].name != NULL ? r->files[m->file].name :
		    r->files[m->file].path, m->line, m->is_offset ? "offset" :
		    "map") != EXH_OK)
			goto nomem;
		if (r->files[i].note == NULL)
			r->files[i].note = exh_buf_take(&b);
	}
	exh_buf_free(&b);
	return EXH_OK;
nomem:
	exh_buf_free(&b);
	return EXH_ENOMEM;
}

int
rules_scoremap_apply(const struct exh_rules *r, size_t fi, int score)
{
	const struct score_map *m;
	size_t i;

	if (fi >= r->nfiles || r->fint[fi].smap < 0 || score <= 0)
		return score;
	m = &r->smap[r->fint[fi].smap];
	if (m->is_offset) {
		score += m->offset;
		return score < 1 ? 1 : score > 100 ? 100 : score;
	}
	for (i = 0; i < m->npairs; i++)
		if (m->from[i] == score)
			return m->to[i];
	return score;
}

void
rules_scoremap_free(struct exh_rules *r)
{
	size_t i;

	for (i = 0; i < r->nsmap; i++)
		free(r->smap[i].glob);
	free(r->smap);
	r->smap = NULL;
	r->nsmap = r->capsmap = 0;
	free(r->script_exts);
	r->script_exts = NULL;
}

const char *
exh_rules_script_extensions(const struct exh_rules *r)
{
	return r != NULL && r->magic == EXH_RULES_MAGIC ? r->script_exts :
	    NULL;
}

bool
exh_rules_is_script_extension(const char *list, const char *ext)
{
	const char *p;
	size_t n;

	if (list == NULL || ext == NULL || ext[0] != '.' ||
	    (n = strlen(ext)) > 32)
		return false;
	for (p = strstr(list, ext); p != NULL; p = strstr(p + 1, ext))
		if (p > list && p[-1] == '|' && p[n] == '|')
			return true;
	return false;
}
