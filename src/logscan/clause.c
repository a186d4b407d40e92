/* One clause of a log rule, "FIELD OP [VALUE]": its match types and how each is compiled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "logscan_int.h"

static int
fault(char *msg, size_t len, const char *what)
{
	(void)snprintf(msg, len, "%s", what);
	return EXH_EUSAGE;
}

int
logscan_find_set(const struct exh_logscan *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->nsets; i++)
		if (strcmp(ls->sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const struct {
	const char *name;
	int op;
	bool needs_pattern;
} ops[] = {
	{ "like", LOGSCAN_OP_LIKE, true },
	{ "regex", LOGSCAN_OP_REGEX, true },
	{ "substr", LOGSCAN_OP_SUBSTR, true },
	{ "equals", LOGSCAN_OP_EQUALS, true },
	{ "prefix", LOGSCAN_OP_PREFIX, true },
	{ "in", LOGSCAN_OP_IN, true },
	{ "empty", LOGSCAN_OP_EMPTY, false },
	{ "nonempty", LOGSCAN_OP_NONEMPTY, false },
	{ "inset", LOGSCAN_OP_INSET, true },
	{ "iplist", LOGSCAN_OP_IPLIST, false },
	{ "flagged", LOGSCAN_OP_FLAGGED, false },
	{ "oab-outside", LOGSCAN_OP_OAB_OUTSIDE, true },
	{ "ownpage", LOGSCAN_OP_OWNPAGE, false },
};

void
logscan_clause_free(struct logscan_clause *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->pat);
	pcre2_code_free(c->re);
	for (i = 0; i < c->nalts; i++)
		free(c->alts[i]);
	free(c->alts);
	free(c->altlen);
	memset(c, 0, sizeof(*c));
}

/* Splits c->pat at '|' into c->alts. */
static int
split_alts(struct logscan_clause *c)
{
	const char *p = c->pat, *bar;
	size_t n = 1, i;

	for (bar = p; (bar = strchr(bar, '|')) != NULL; bar++)
		n++;
	c->alts = calloc(n, sizeof(*c->alts));
	c->altlen = calloc(n, sizeof(*c->altlen));
	if (c->alts == NULL || c->altlen == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++) {
		bar = strchr(p, '|');
		c->altlen[i] = bar ? (size_t)(bar - p) : strlen(p);
		if ((c->alts[i] = strndup(p, c->altlen[i])) == NULL)
			return EXH_ENOMEM;
		c->nalts++;
		p = bar ? bar + 1 : p;
	}
	return EXH_OK;
}

/* Patterns are PCRE2, caseless, the dialect of the IOC files; JIT when
 * the machine allows it (the interpreter gives the same answers). */
static int
compile_regex(struct logscan_clause *c, char *msg, size_t len)
{
	PCRE2_UCHAR why[120];
	PCRE2_SIZE at;
	int code;

	c->re = pcre2_compile((PCRE2_SPTR)c->pat, c->plen, PCRE2_CASELESS,
	    &code, &at, NULL);
	if (c->re == NULL) {
		if (code == PCRE2_ERROR_NOMEMORY)
			return EXH_ENOMEM;
		pcre2_get_error_message(code, why, sizeof(why));
		/* Display text for the error message: may be cut. */
		(void)snprintf(msg, len, "bad regex at offset %zu: %s",
		    (size_t)at, (const char *)why);
		return EXH_EUSAGE;
	}
	(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
	return EXH_OK;
}

/*
 * Compiles "FIELD OP [VALUE]" (field, op and value already separated) into
 * c.  OP may carry a leading '!' for negation.  A fault of the rule text
 * is EXH_EUSAGE with its description in msg.
 */
int
logscan_clause_compile(struct exh_logscan *ls, struct logscan_clause *c,
    const char *field, const char *opname, const char *value, char *msg,
    size_t len)
{
	size_t i;
	int rc;

	memset(c, 0, sizeof(*c));
	c->set = -1;
	if (opname[0] == '!') {
		c->neg = true;
		opname++;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, opname) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		/* Display text: may be cut. */
		(void)snprintf(msg, len, "unknown match type '%.64s'", opname);
		return EXH_EUSAGE;
	}
	c->op = ops[i].op;
	if (field[0] == '\0')
		return fault(msg, len, "empty field name");
	c->field = logscan_field_intern(ls, field, strlen(field));
	if (c->field == -2)
		return EXH_ENOMEM;
	if (value == NULL || (!ops[i].needs_pattern && strcmp(value, "-") == 0))
		value = "";
	if (ops[i].needs_pattern && value[0] == '\0')
		return fault(msg, len, "match type needs a pattern");
	if ((c->pat = strdup(value)) == NULL)
		return EXH_ENOMEM;
	c->plen = strlen(c->pat);
	switch (c->op) {
	case LOGSCAN_OP_REGEX:
		if ((rc = compile_regex(c, msg, len)) != EXH_OK)
			return rc;
		break;
	case LOGSCAN_OP_LIKE:
		logscan_like_compile(c);
		break;
	case LOGSCAN_OP_IN:
		if (split_alts(c) != EXH_OK)
			return EXH_ENOMEM;
		break;
	case LOGSCAN_OP_OAB_OUTSIDE:
		if (split_alts(c) != EXH_OK)
			return EXH_ENOMEM;
		if (c->nalts != 3 || c->altlen[0] == 0 || c->altlen[1] == 0)
			return fault(msg, len,
			    "oab-outside needs BEFORE|AFTER|SUBDIR");
		break;
	case LOGSCAN_OP_INSET:
		if ((c->set = logscan_find_set(ls, c->pat)) < 0) {
			/* Display text: may be cut. */
			(void)snprintf(msg, len, "unknown set '%.64s'", c->pat);
			return EXH_EUSAGE;
		}
		break;
	default:
		break;
	}
	return EXH_OK;
}
