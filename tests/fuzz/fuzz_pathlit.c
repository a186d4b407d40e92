/*
 * libFuzzer: path IOC literals (pathlit.c) and the automaton (pathauto.c).
 * Input: a regex, a newline, a path.  Whenever PCRE2 (with the loader's
 * options) matches the path, the automaton must select the regex: a
 * literal it reads from the regex that the match lacks would drop a
 * finding, so the harness aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules/rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
pcre_matches(const char *re, const char *subject)
{
	pcre2_code *code;
	pcre2_match_data *md;
	int errcode, rc = -1;
	PCRE2_SIZE erroff;

	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
	if (code == NULL)
		return false;
	if ((md = pcre2_match_data_create(1, NULL)) != NULL)
		rc = pcre2_match(code, (PCRE2_SPTR)subject,
		    PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return rc >= 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct path_auto a = { 0 };
	const char *regexes[1];
	uint64_t bits[1] = { 0 };
	char *re, *nl;

	if (size > 4096 || (re = malloc(size + 1)) == NULL)
		return 0;
	memcpy(re, data, size);
	re[size] = '\0';
	if ((nl = strchr(re, '\n')) != NULL)
		*nl = '\0';
	if (nl == NULL || strlen(nl + 1) != size - (size_t)(nl + 1 - re) ||
	    !pcre_matches(re, nl + 1)) {
		/* No path, a NUL in it, or no match: only the reader runs. */
		struct pathlit_set s;

		pathlit_extract(re, &s);
		free(re);
		return 0;
	}
	regexes[0] = re;
	if (pathauto_build(&a, regexes, 1) != EXH_OK)
		abort();
	bits[0] = a.slow[0];
	pathauto_mark(&a, nl + 1, bits);
	/* The regex is either on the slow list or selected by a literal. */
	if ((bits[0] & 1) == 0)
		abort();
	pathauto_free(&a);
	free(re);
	return 0;
}
