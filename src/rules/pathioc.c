/* Path IOC lists ("REGEX;SCORE[;FP_REGEX]"): parsing and compiling. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

static int
compile_re(struct exh_rules *r, size_t fi, size_t line, const char *re,
    pcre2_code **out, bool *rejected)
{
	int errcode;
	PCRE2_SIZE erroff;
	PCRE2_UCHAR msg[256];

	*rejected = false;
	*out = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
	if (*out == NULL) {
		if (errcode == PCRE2_ERROR_NOMEMORY)
			return EXH_ENOMEM;
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		*rejected = true;
		return rules_reject(r, fi, line,
		    "bad regular expression at offset %zu: %s", (size_t)erroff,
		    (const char *)msg);
	}
	/* JIT is an optimisation; without it matching is only slower. */
	(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return EXH_OK;
}

/* "REGEX;SCORE[;FP_REGEX]". */
static int
pathioc_line(struct exh_rules *r, size_t fi, const struct rules_line *l,
    const char *comment, size_t commentlen)
{
	const char *fields[4];
	size_t lens[4], nf = 0;
	const char *p = l->s, *end = l->s + l->n, *semi;
	struct path_ioc e = { 0 };
	bool rejected;
	int score, rc;

	while (nf < 4) {
		semi = memchr(p, ';', (size_t)(end - p));
		fields[nf] = p;
		lens[nf] = (size_t)((semi != NULL ? semi : end) - p);
		nf++;
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	if (nf < 2 || nf > 3)
		return rules_reject(r, fi, l->no,
		    "expected REGEX;SCORE[;FP_REGEX]");
	if (!rules_parse_score(fields[1], lens[1], &score))
		return rules_reject(r, fi, l->no,
		    "score is not an integer in -100..100");
	if (lens[0] == 0)
		return rules_reject(r, fi, l->no, "empty regular expression");
	if ((e.regex = rules_strndup(fields[0], lens[0])) == NULL)
		return EXH_ENOMEM;
	if ((rc = compile_re(r, fi, l->no, e.regex, &e.re, &rejected)) !=
	    EXH_OK || rejected)
		goto out;
	if (nf == 3 && lens[2] > 0) {
		char *fp = rules_strndup(fields[2], lens[2]);

		if (fp == NULL) {
			rc = EXH_ENOMEM;
			goto out;
		}
		rc = compile_re(r, fi, l->no, fp, &e.fp, &rejected);
		free(fp);
		if (rc != EXH_OK || rejected)
			goto out;
	}
	if (commentlen > 0 &&
	    (e.desc = rules_strndup(comment, commentlen)) == NULL) {
		rc = EXH_ENOMEM;
		goto out;
	}
	if (r->npioc == r->cappioc) {
		size_t cap = r->cappioc == 0 ? 64 : r->cappioc * 2;
		struct path_ioc *nv = realloc(r->pioc, cap * sizeof(*nv));

		if (nv == NULL) {
			rc = EXH_ENOMEM;
			goto out;
		}
		r->pioc = nv;
		r->cappioc = cap;
	}
	e.score = score;
	e.file = (uint32_t)fi;
	e.line = (uint32_t)l->no;
	r->pioc[r->npioc++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
out:
	pcre2_code_free(e.re);
	pcre2_code_free(e.fp);
	free(e.regex);
	free(e.desc);
	return rc;
}

int
rules_parse_pathiocs(struct exh_rules *r, size_t fi, const char *text,
    size_t len)
{
	return rules_parse_described(r, fi, text, len, pathioc_line);
}
