/* Microsoft's MSTIC Exchange IOC feed (CSV): hashes and path suffixes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

#define MSTIC_HEADER "DateAdded,FirstSeen,Indicator,IndicatorType,TLP"

bool
iocs_is_mstic(const char *text, size_t len)
{
	struct rules_line_iter it;
	struct rules_line l;
	bool yes;

	if (rules_lines_begin(&it, NULL, 0, "", text, len) != EXH_OK)
		return false;
	yes = rules_lines_next(&it, &l) == EXH_OK && l.no == 1 &&
	    l.n == strlen(MSTIC_HEADER) && memcmp(l.s, MSTIC_HEADER, l.n) == 0;
	exh_lines_close(it.lr);
	return yes;
}

/*
 * The feed's paths assume the default install folders; keep what follows
 * them so the entry matches wherever Exchange or IIS really lives.
 */
static int
add_suffix(struct exh_rules *r, size_t fi, size_t line, const char *ind,
    size_t indlen, const char *date, size_t datelen)
{
	static const char *const anchors[] = {
		"\\Exchange Server\\V15\\", "\\inetpub\\wwwroot\\",
	};
	struct path_suffix e = { 0 };
	struct exh_buf desc = { 0 };
	const char *hit;
	size_t i;

	if ((e.indicator = rules_strndup(ind, indlen)) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++)
		if ((hit = exh_ascii_istrstr(e.indicator, anchors[i])) != NULL)
			break;
	if (i < sizeof(anchors) / sizeof(anchors[0])) {
		e.anchored = true;
		e.suffix = rules_strdup(hit + strlen(anchors[i]));
	} else if (indlen > 2 && e.indicator[1] == ':') {
		e.suffix = rules_strdup(e.indicator + 2);
	} else {
		e.suffix = rules_strdup(e.indicator);
	}
	if (e.suffix == NULL)
		goto nomem;
	if (e.suffix[0] == '\0') {
		free(e.suffix);
		free(e.indicator);
		return rules_reject(r, fi, line, "path names no file");
	}
	/* The feed repeats paths; a repeat would count twice in the score. */
	for (i = 0; i < r->npsuf; i++) {
		if (r->psuf[i].file == fi && r->psuf[i].anchored ==
		    e.anchored && exh_ascii_iequal(r->psuf[i].suffix,
		    e.suffix)) {
			free(e.suffix);
			free(e.indicator);
			return rules_reject(r, fi, line, "duplicate of line %u",
			    (unsigned)r->psuf[i].line);
		}
	}
	if (exh_buf_printf(&desc, "Path from Microsoft's MSTIC Exchange IOC "
	    "feed (added %.*s)", (int)datelen, date) != EXH_OK)
		goto nomem;
	e.desc = exh_buf_take(&desc);
	if (r->npsuf == r->cappsuf) {
		size_t cap = r->cappsuf == 0 ? 64 : r->cappsuf * 2;
		struct path_suffix *nv = realloc(r->psuf, cap * sizeof(*nv));

		if (nv == NULL)
			goto nomem;
		r->psuf = nv;
		r->cappsuf = cap;
	}
	e.file = (uint32_t)fi;
	e.line = (uint32_t)line;
	r->psuf[r->npsuf++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
nomem:
	free(e.suffix);
	free(e.indicator);
	free(e.desc);
	return EXH_ENOMEM;
}

static int
mstic_row(struct exh_rules *r, size_t fi, const struct rules_line *l)
{
	const char *fields[6];
	size_t lens[6], nf = 0;
	const char *p = l->s, *end = l->s + l->n, *comma;
	char desc[96];
	int n;

	if (memchr(l->s, '"', l->n) != NULL)
		return rules_reject(r, fi, l->no,
		    "quoted CSV fields are not supported");
	while (nf < 6) {
		comma = memchr(p, ',', (size_t)(end - p));
		fields[nf] = p;
		lens[nf] = (size_t)((comma != NULL ? comma : end) - p);
		rules_trim(&fields[nf], &lens[nf]);
		nf++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (nf != 5)
		return rules_reject(r, fi, l->no,
		    "expected 5 comma-separated fields");
	if (lens[3] == 6 && exh_ascii_istarts(fields[3], "sha256")) {
		if (lens[2] != 64)
			return rules_reject(r, fi, l->no, "sha256 indicator "
			    "has %zu characters, expected 64", lens[2]);
		n = snprintf(desc, sizeof(desc), "Microsoft MSTIC Exchange "
		    "IOC feed (added %.*s)", (int)(lens[0] > 20 ? 20 :
		    lens[0]), fields[0]);
		if (n < 0 || (size_t)n >= sizeof(desc))
			desc[0] = '\0';
		return rules_add_hash(r, fi, l->no, fields[2], lens[2],
		    HASH_SCORE_DEFAULT, desc, strlen(desc));
	}
	if (lens[3] == 8 && exh_ascii_istarts(fields[3], "filepath"))
		return add_suffix(r, fi, l->no, fields[2], lens[2], fields[0],
		    lens[0] > 20 ? 20 : lens[0]);
	if (lens[3] == 10 && exh_ascii_istarts(fields[3], "domainname")) {
		r->files[fi].ignored++;
		return EXH_OK;
	}
	return rules_reject(r, fi, l->no, "unknown IndicatorType '%.*s'",
	    (int)(lens[3] > 32 ? 32 : lens[3]), fields[3]);
}

int
rules_parse_mstic(struct exh_rules *r, size_t fi, const char *text, size_t len)
{
	struct rules_line_iter it;
	struct rules_line l;
	int rc;

	if ((rc = rules_lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = rules_lines_next(&it, &l)) == EXH_OK) {
		/* Line 1 is the header, checked by iocs_is_mstic. */
		if (l.no == 1 || l.n == 0)
			continue;
		if ((rc = mstic_row(r, fi, &l)) != EXH_OK)
			break;
	}
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}
