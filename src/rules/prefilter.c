/*
 * YARA prefilter: which streams YARA must read to the end.
 *
 * Most rules begin with tests that need no string search: "filesize <
 * 100KB", "uint16(0) == 0x5a4d", "filename matches /.../".  If, for a
 * stream, such a test is false in every rule that searches the data, no
 * rule can match because of bytes past the head, and the stream's head
 * alone (with its true filesize) gives the same matches as all of it.
 *
 * The tests are lifted out of the rule sources unchanged and compiled
 * into one extra rule set, so libyara decides them with its own
 * semantics.  Only whole top-level "and" operands made of constants,
 * filesize, the externals known before a stream is read and integer
 * reads at fixed offsets inside the head are lifted.  Anything this
 * parser does not understand turns the prefilter off: it may only ever
 * cost speed, never a match.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <yara.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

enum tok_kind { TK_END, TK_ID, TK_NUM, TK_STR, TK_RE, TK_VAR, TK_PUNCT,
	TK_BAD };

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t n;
};

struct lexer {
	const char *p, *end;
};

/* One rule as the parser saw it. */
struct rule_src {
	size_t file;
	char *id;
	size_t body, body_end;	/* between the braces, as offsets */
	bool has_strings;
	struct tok *cond;	/* condition tokens */
	size_t ncond;
};

struct parsed {
	struct rule_src *v;
	size_t n, cap;
};

static bool
tok_is(const struct tok *t, const char *word)
{
	return t->n == strlen(word) && memcmp(t->s, word, t->n) == 0;
}

static bool
id_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Whitespace and comments. */
static void
skip_blanks(struct lexer *lx)
{
	const char *e;

	while (lx->p < lx->end) {
		if (isspace((unsigned char)*lx->p)) {
			lx->p++;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '/' &&
		    lx->p[1] == '/') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '/' &&
		    lx->p[1] == '*') {
			e = memmem(lx->p + 2, (size_t)(lx->end - lx->p - 2),
			    "*/", 2);
			lx->p = e != NULL ? e + 2 : lx->end;
		} else {
			break;
		}
	}
}

/* A quoted string or a regex: up to the unescaped close, on one line. */
static const char *
skip_quoted(const char *p, const char *end, char close)
{
	for (p++; p < end && *p != '\n'; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == close)
			return p + 1;
	}
	return NULL;
}

static const char *
skip_number(const char *p, const char *end)
{
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
		p += 2;
		while (p < end && isxdigit((unsigned char)*p))
			p++;
		return p;
	}
	while (p < end && isdigit((unsigned char)*p))
		p++;
	if (end - p >= 2 && p[0] == '.' && isdigit((unsigned char)p[1]))
		for (p++; p < end && isdigit((unsigned char)*p); p++)
			;
	if (end - p >= 2 && (p[0] == 'K' || p[0] == 'M') && p[1] == 'B' &&
	    (end - p == 2 || !id_char((unsigned char)p[2])))
		p += 2;
	return p;
}

static struct tok
next_tok(struct lexer *lx)
{
	static const char *const two[] = { "==", "!=", "<=", ">=", "<<",
	    ">>", ".." };
	struct tok t = { TK_END, NULL, 0 };
	const char *p, *q = NULL;
	size_t i;

	skip_blanks(lx);
	p = t.s = lx->p;
	if (p >= lx->end)
		return t;
	if (isalpha((unsigned char)*p) || *p == '_') {
		for (q = p; q < lx->end && id_char((unsigned char)*q); q++)
			;
		t.kind = TK_ID;
	} else if (isdigit((unsigned char)*p)) {
		q = skip_number(p, lx->end);
		t.kind = TK_NUM;
	} else if (*p == '"') {
		q = skip_quoted(p, lx->end, '"');
		t.kind = TK_STR;
	} else if (*p == '/') {
		if ((q = skip_quoted(p, lx->end, '/')) != NULL)
			while (q < lx->end && isalpha((unsigned char)*q))
				q++;
		t.kind = TK_RE;
	} else if (strchr("$#@!", *p) != NULL &&
	    !(*p == '!' && p + 1 < lx->end && p[1] == '=')) {
		for (q = p + 1; q < lx->end && id_char((unsigned char)*q); q++)
			;
		if (q < lx->end && *q == '*')
			q++;
		t.kind = TK_VAR;
	} else {
		t.kind = TK_PUNCT;
		q = p + 1;
		for (i = 0; i < sizeof(two) / sizeof(*two); i++)
			if (lx->end - p >= 2 && memcmp(p, two[i], 2) == 0)
				q = p + 2;
	}
	if (q == NULL) {
		t.kind = TK_BAD;
		return t;
	}
	t.n = (size_t)(q - p);
	lx->p = q;
	return t;
}

/* Past the "}" of a hex string; comments may sit inside. */
static bool
skip_hex(struct lexer *lx)
{
	while (lx->p < lx->end) {
		skip_blanks(lx);
		if (lx->p >= lx->end)
			break;
		if (*lx->p++ == '}')
			return true;
	}
	return false;
}

static int
push_tok(struct rule_src *rs, size_t *cap, struct tok t)
{
	struct tok *v;

	if (rs->ncond == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		if ((v = reallocarray(rs->cond, *cap, sizeof(*v))) == NULL)
			return EXH_ENOMEM;
		rs->cond = v;
	}
	rs->cond[rs->ncond++] = t;
	return EXH_OK;
}

enum section { SEC_NONE, SEC_META, SEC_STRINGS, SEC_COND };

/*
 * The body after "{": notes whether there are strings and keeps the
 * condition's tokens.  EXH_OK, EXH_ENOMEM, or EXH_ECORRUPT when the text
 * is not what the parser expects.
 */
static int
parse_body(struct lexer *lx, struct rule_src *rs)
{
	enum section sec = SEC_NONE;
	struct lexer peek;
	struct tok t, u;
	size_t cap = 0;

	for (;;) {
		t = next_tok(lx);
		if (t.kind == TK_END || t.kind == TK_BAD)
			return EXH_ECORRUPT;
		if (t.kind == TK_ID && (tok_is(&t, "meta") ||
		    tok_is(&t, "strings") || tok_is(&t, "condition"))) {
			peek = *lx;
			u = next_tok(&peek);
			if (u.kind == TK_PUNCT && tok_is(&u, ":")) {
				*lx = peek;
				sec = tok_is(&t, "meta") ? SEC_META :
				    tok_is(&t, "strings") ? SEC_STRINGS :
				    SEC_COND;
				if (sec == SEC_STRINGS)
					rs->has_strings = true;
				continue;
			}
		}
		if (t.kind == TK_PUNCT && tok_is(&t, "}"))
			return sec == SEC_COND && rs->ncond > 0 ? EXH_OK :
			    EXH_ECORRUPT;
		if (t.kind == TK_PUNCT && tok_is(&t, "{")) {
			if (sec != SEC_STRINGS || !skip_hex(lx))
				return EXH_ECORRUPT;
			continue;
		}
		if (sec == SEC_COND && push_tok(rs, &cap, t) != EXH_OK)
			return EXH_ENOMEM;
	}
}

static int
add_rule(struct parsed *ps, struct rule_src *rs)
{
	struct rule_src *v;

	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		if ((v = reallocarray(ps->v, ps->cap, sizeof(*v))) == NULL)
			return EXH_ENOMEM;
		ps->v = v;
	}
	ps->v[ps->n++] = *rs;
	return EXH_OK;
}

/* One file's rules.  EXH_ECORRUPT: not understood (include, odd text). */
static int
parse_file(struct parsed *ps, size_t fi, const char *text)
{
	struct lexer lx = { text, text + strlen(text) };
	struct rule_src rs;
	struct tok t;
	int rc;

	for (;;) {
		t = next_tok(&lx);
		if (t.kind == TK_END)
			return EXH_OK;
		if (t.kind == TK_ID && tok_is(&t, "import")) {
			if (next_tok(&lx).kind != TK_STR)
				return EXH_ECORRUPT;
			continue;
		}
		if (t.kind == TK_ID && (tok_is(&t, "global") ||
		    tok_is(&t, "private")))
			continue;
		if (t.kind != TK_ID || !tok_is(&t, "rule"))
			return EXH_ECORRUPT;
		t = next_tok(&lx);
		if (t.kind != TK_ID)
			return EXH_ECORRUPT;
		memset(&rs, 0, sizeof(rs));
		rs.file = fi;
		if ((rs.id = rules_strndup(t.s, t.n)) == NULL)
			return EXH_ENOMEM;
		/* Tags up to the body. */
		while ((t = next_tok(&lx)).kind == TK_ID ||
		    (t.kind == TK_PUNCT && tok_is(&t, ":")))
			;
		rs.body = (size_t)(lx.p - text);
		rc = t.kind == TK_PUNCT && tok_is(&t, "{") ?
		    parse_body(&lx, &rs) : EXH_ECORRUPT;
		rs.body_end = (size_t)(lx.p - text) - 1;
		if (rc == EXH_OK)
			rc = add_rule(ps, &rs);
		if (rc != EXH_OK) {
			free(rs.id);
			free(rs.cond);
			return rc;
		}
	}
}

static bool
known_early_word(const struct tok *t)
{
	/* Keywords and the externals set before a stream is read (md5 is
	 * known only after it). */
	static const char *const words[] = {
		"and", "or", "not", "true", "false", "filesize", "matches",
		"contains", "icontains", "startswith", "istartswith",
		"endswith", "iendswith", "iequals", "defined",
		"filename", "filepath", "extension", "filetype", "owner",
		"timezone", "language", "group", "osversion", "filemode",
		"iis_script",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (tok_is(t, words[i]))
			return true;
	return false;
}

/* Bytes read by uint16(..) and friends; 0 for other words. */
static unsigned
int_read_width(const struct tok *t)
{
	static const struct {
		const char *name;
		unsigned width;
	} fn[] = {
		{ "uint8", 1 }, { "uint16", 2 }, { "uint32", 4 },
		{ "int8", 1 }, { "int16", 2 }, { "int32", 4 },
		{ "uint8be", 1 }, { "uint16be", 2 }, { "uint32be", 4 },
		{ "int8be", 1 }, { "int16be", 2 }, { "int32be", 4 },
	};
	size_t i;

	for (i = 0; i < sizeof(fn) / sizeof(*fn); i++)
		if (tok_is(t, fn[i].name))
			return fn[i].width;
	return 0;
}

/* A plain offset: decimal or 0x hex, no suffix. */
static bool
small_offset(const struct tok *t, unsigned width)
{
	unsigned long long v = 0;
	size_t i = 0;
	int base = 10, d;

	if (t->kind != TK_NUM || t->n == 0)
		return false;
	if (t->n > 2 && t->s[0] == '0' && t->s[1] == 'x') {
		base = 16;
		i = 2;
	}
	for (; i < t->n; i++) {
		d = exh_hexval((unsigned char)t->s[i]);
		if (d < 0 || d >= base)
			return false;
		v = v * (unsigned)base + (unsigned)d;
		if (v > EXH_MATCHER_HEAD)
			return false;
	}
	return v + width <= EXH_MATCHER_HEAD;
}

/*
 * Whether tokens [0, n) can be worked out from filesize, the early
 * externals and the stream's head alone.
 */
static bool
decided_early(const struct tok *tk, size_t n)
{
	static const char ops[] = "()=!<>+-*\\%&|^~";
	unsigned w;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		switch (tk[i].kind) {
		case TK_NUM:
		case TK_STR:
		case TK_RE:
			break;
		case TK_PUNCT:
			if (tok_is(&tk[i], "..") || tk[i].n == 0 ||
			    strchr(ops, tk[i].s[0]) == NULL)
				return false;
			break;
		case TK_ID:
			if (known_early_word(&tk[i]))
				break;
			w = int_read_width(&tk[i]);
			if (w == 0 || i + 3 >= n ||
			    !tok_is(&tk[i + 1], "(") ||
			    !small_offset(&tk[i + 2], w) ||
			    !tok_is(&tk[i + 3], ")"))
				return false;
			i += 3;
			break;
		default:
			return false;
		}
	}
	return true;
}

/*
 * Splits a condition into its top-level "and" operands (all of it when
 * an "or" stands at the top) and appends the early ones to gate as
 * "(a) and (b)".  *all_early: every operand is early.  Returns the
 * number of operands appended, or -1 when out of memory.
 */
static int
early_operands(const struct rule_src *rs, struct exh_buf *gate,
    bool *all_early)
{
	const struct tok *tk = rs->cond;
	size_t i, start = 0, n = rs->ncond;
	bool top_or = false;
	int depth = 0, got = 0;

	for (i = 0; i < n; i++) {
		if (tk[i].kind == TK_PUNCT && (tok_is(&tk[i], "(") ||
		    tok_is(&tk[i], "[")))
			depth++;
		else if (tk[i].kind == TK_PUNCT && (tok_is(&tk[i], ")") ||
		    tok_is(&tk[i], "]")))
			depth--;
		else if (depth == 0 && tk[i].kind == TK_ID &&
		    tok_is(&tk[i], "or"))
			top_or = true;
	}
	*all_early = true;
	for (i = 0, depth = 0; i <= n; i++) {
		if (i < n && tk[i].kind == TK_PUNCT && (tok_is(&tk[i], "(") ||
		    tok_is(&tk[i], "[")))
			depth++;
		else if (i < n && tk[i].kind == TK_PUNCT &&
		    (tok_is(&tk[i], ")") || tok_is(&tk[i], "]")))
			depth--;
		if (i < n && (top_or || depth != 0 || tk[i].kind != TK_ID ||
		    !tok_is(&tk[i], "and")))
			continue;
		if (!decided_early(tk + start, i - start)) {
			*all_early = false;
		} else {
			if (exh_buf_printf(gate, "%s(%.*s)", got ? " and " : "",
			    (int)(tk[i - 1].s + tk[i - 1].n - tk[start].s),
			    tk[start].s) != EXH_OK)
				return -1;
			got++;
		}
		start = i + 1;
	}
	return got;
}

static void
parsed_free(struct parsed *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].id);
		free(ps->v[i].cond);
	}
	free(ps->v);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule_src *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Every compiled rule is one the parser saw, and no other. */
static bool
same_rules(struct exh_rules *r, struct parsed *ps)
{
	struct rule_src key;
	YR_RULE *rule;
	size_t i, n = 0;

	/* An IOC-only set parses no rule: ps->v is NULL then, which qsort
	 * and bsearch must not see. */
	if (ps->n > 0)
		qsort(ps->v, ps->n, sizeof(*ps->v), cmp_rule);
	yr_rules_foreach(r->yr, rule) {
		for (i = 0; i < r->nfiles; i++)
			if (strcmp(r->files[i].path, rule->ns->name) == 0)
				break;
		key.file = i;
		key.id = (char *)rule->identifier;
		if (ps->n == 0 || bsearch(&key, ps->v, ps->n,
		    sizeof(*ps->v), cmp_rule) == NULL)
			return false;
		n++;
	}
	return n == ps->n;
}

/* Records why the prefilter stays off.  EXH_ECORRUPT ("off"), or
 * EXH_ENOMEM. */
static int
set_off(struct exh_rules *r, const char *why, const char *file,
    const char *rule)
{
	struct exh_buf b = { 0 };

	if (exh_buf_printf(&b, "off: %s", why) != EXH_OK ||
	    (file != NULL && exh_buf_printf(&b, " (%s%s%s)", file,
	    rule != NULL ? ", rule " : "", rule != NULL ? rule : "") !=
	    EXH_OK)) {
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	free(r->prefilter_note);
	r->prefilter_note = exh_buf_take(&b);
	return EXH_ECORRUPT;
}

/* Compiles the generated gate rules with the scan's externals. */
static int
compile_gates(const char *src, YR_RULES **out)
{
	YR_COMPILER *c;
	int rc;

	if (yara_compiler(&c) != EXH_OK)
		return EXH_ENOMEM;
	rc = yr_compiler_add_string(c, src, NULL) == 0 &&
	    yr_compiler_get_rules(c, out) == ERROR_SUCCESS ? EXH_OK :
	    EXH_ECORRUPT;
	yr_compiler_destroy(c);
	return rc;
}

static int
cmp_body(const void *a, const void *b)
{
	const struct pf_body *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Lifts each searching rule's early tests into gates[] and notes its
 * body in r->bodies.  EXH_OK, EXH_ENOMEM, or EXH_ECORRUPT ("off") for a
 * searching rule without an early test.
 */
static int
collect_gates(struct exh_rules *r, struct parsed *ps, char **gates,
    size_t *early, size_t *gated)
{
	struct exh_buf gate = { 0 };
	struct pf_body *b;
	bool all_early;
	size_t i;
	int got;

	*early = *gated = 0;
	for (i = 0; i < ps->n; i++) {
		exh_buf_reset(&gate);
		if ((got = early_operands(&ps->v[i], &gate, &all_early)) < 0) {
			exh_buf_free(&gate);
			return EXH_ENOMEM;
		}
		if (!ps->v[i].has_strings && all_early) {
			(*early)++;
			continue;
		}
		if (got == 0) {
			exh_buf_free(&gate);
			return set_off(r, "a rule with no size, magic or name "
			    "test reads every stream",
			    r->files[ps->v[i].file].path, ps->v[i].id);
		}
		b = &r->bodies[(*gated)];
		b->file = ps->v[i].file;
		b->start = ps->v[i].body;
		b->end = ps->v[i].body_end;
		gates[(*gated)++] = exh_buf_take(&gate);
	}
	exh_buf_free(&gate);
	return EXH_OK;
}

/*
 * The gate source: rules exh_gate_<group>, each an "or" of the gates of
 * a run of searching rules, at most PF_GROUPS_MAX of them, so a stream's
 * passing gates fit one 64-bit mask.
 */
static int
gate_source(struct exh_rules *r, struct parsed *ps, struct exh_buf *src,
    size_t *early, size_t *gated)
{
	char **gates;
	size_t i, per;
	int rc;

	if ((gates = calloc(ps->n + 1, sizeof(*gates))) == NULL ||
	    (r->bodies = calloc(ps->n + 1, sizeof(*r->bodies))) == NULL) {
		free(gates);
		return EXH_ENOMEM;
	}
	rc = collect_gates(r, ps, gates, early, gated);
	per = (*gated + PF_GROUPS_MAX - 1) / PF_GROUPS_MAX;
	for (i = 0; i < *gated && rc == EXH_OK; i++) {
		if (gates[i] == NULL)
			rc = EXH_ENOMEM;
		else if (i % per != 0)
			rc = exh_buf_printf(src, " or\n  (%s)", gates[i]);
		else
			rc = exh_buf_printf(src, "%srule exh_gate_%zu {\n"
			    " condition:\n  (%s)", i > 0 ? "\n}\n" : "",
			    i / per, gates[i]);
		r->bodies[i].group = (unsigned)(i / per);
	}
	if (rc == EXH_OK && *gated > 0 && exh_buf_printf(src, "\n}\n") !=
	    EXH_OK)
		rc = EXH_ENOMEM;
	if (rc == EXH_OK) {
		r->nbodies = *gated;
		r->ngroups = *gated > 0 ? (unsigned)((*gated - 1) / per + 1) :
		    0;
		qsort(r->bodies, r->nbodies, sizeof(*r->bodies), cmp_body);
	}
	for (i = 0; i < *gated; i++)
		free(gates[i]);
	free(gates);
	return rc;
}

int
prefilter_build(struct exh_rules *r, bool disabled)
{
	struct parsed ps = { 0 };
	struct exh_buf src = { 0 };
	size_t i, early = 0, gated = 0;
	int rc = EXH_OK;

	if (r->yr == NULL)
		return EXH_OK;
	if (disabled)
		rc = set_off(r, "--no-prefilter given", NULL, NULL);
	for (i = 0; i < r->nfiles && rc == EXH_OK; i++) {
		if (r->files[i].kind != EXH_RF_YARA || r->files[i].loaded == 0)
			continue;
		rc = r->fint[i].text == NULL ? EXH_ECORRUPT :
		    parse_file(&ps, i, r->fint[i].text);
		if (rc == EXH_ECORRUPT)
			rc = set_off(r, "a rule file the prefilter cannot "
			    "read", r->files[i].path, NULL);
	}
	if (rc == EXH_OK && !same_rules(r, &ps))
		rc = set_off(r, "the compiled rules differ from the sources",
		    NULL, NULL);
	if (rc == EXH_OK)
		rc = gate_source(r, &ps, &src, &early, &gated);
	if (rc == EXH_OK && gated > 0 &&
	    (rc = compile_gates(src.data, &r->gates)) == EXH_ECORRUPT)
		rc = set_off(r, "the size, magic and name tests do not "
		    "compile on their own", NULL, NULL);
	if (rc == EXH_OK) {
		r->prefilter = true;
		r->subsets_on = gated > 0 && r->yara_rules <= SUBSET_RULES_MAX;
		exh_buf_reset(&src);
		if (exh_buf_printf(&src, "on: %zu rules decided from size, "
		    "magic and name alone, %zu search a stream's bytes only "
		    "when their size, magic or name test passes%s", early,
		    gated, !r->subsets_on ? "" : ", and only those whose "
		    "test passes search it") != EXH_OK)
			rc = EXH_ENOMEM;
		else {
			free(r->prefilter_note);
			r->prefilter_note = exh_buf_take(&src);
		}
	}
	exh_buf_free(&src);
	parsed_free(&ps);
	/* Not understood is not an error: every stream is read whole. */
	return rc == EXH_ECORRUPT ? EXH_OK : rc;
}
