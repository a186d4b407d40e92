/*
 * Reduced rule sets: for a stream whose size, magic and name rule out
 * some of the rules that search data, YARA runs a copy of the rules in
 * which those rules are "condition: false".  They could not match that
 * stream anyway, so the matches are the same; YARA no longer looks for
 * their strings, which is most of its work on text.  Names, order, meta,
 * private and global rules and references between rules stay as they
 * are, because only the bodies of rules that are false change.
 *
 * A set is compiled the first time its mask of passing gates is seen and
 * shared by all threads; the number of sets and the time spent compiling
 * them are capped, after which streams get the full rule set.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yara.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

int
subset_init(struct exh_rules *r)
{
	if (pthread_mutex_init(&r->subset_lock, NULL) != 0)
		return EXH_ENOMEM;
	r->subset_lock_ok = true;
	return EXH_OK;
}

void
subset_free(struct exh_rules *r)
{
	size_t i;

	for (i = 0; i < r->nsubsets; i++)
		if (r->subsets[i].yr != NULL)
			yr_rules_destroy(r->subsets[i].yr);
	r->nsubsets = 0;
	if (r->subset_lock_ok)
		pthread_mutex_destroy(&r->subset_lock);
	r->subset_lock_ok = false;
}

/* File fi's text with the bodies of rules outside mask made false. */
static int
reduced_text(const struct exh_rules *r, size_t fi, uint64_t mask,
    struct exh_buf *out)
{
	const char *text = r->fint[fi].text;
	const struct pf_body *b;
	size_t i, pos = 0;
	int rc = EXH_OK;

	exh_buf_reset(out);
	for (i = 0; i < r->nbodies && rc == EXH_OK; i++) {
		b = &r->bodies[i];
		if (b->file != fi || (mask >> b->group & 1) != 0)
			continue;
		rc = exh_buf_printf(out, "%.*s condition: false ",
		    (int)(b->start - pos), text + pos);
		pos = b->end;
	}
	if (rc == EXH_OK)
		rc = exh_buf_puts(out, text + pos);
	return rc;
}

static size_t
rule_count(YR_RULES *yr)
{
	YR_RULE *rule;
	size_t n = 0;

	yr_rules_foreach(yr, rule)
		n++;
	return n;
}

/*
 * Compiles the reduced set for mask the way yara_build compiled the full
 * one: same files, same order, same namespaces.  *out stays NULL when it
 * does not compile or does not hold the same number of rules.
 */
static int
compile_subset(struct exh_rules *r, uint64_t mask, YR_RULES **out)
{
	struct exh_buf text = { 0 };
	YR_COMPILER *c;
	size_t i;
	int rc = EXH_OK, bad = 0;

	*out = NULL;
	if (yara_compiler(&c) != EXH_OK)
		return EXH_ENOMEM;
	for (i = 0; i < r->nfiles && rc == EXH_OK && bad == 0; i++) {
		if (r->files[i].kind != EXH_RF_YARA || r->files[i].loaded == 0)
			continue;
		if (r->fint[i].text == NULL)
			bad = 1;
		else if ((rc = reduced_text(r, i, mask, &text)) == EXH_OK)
			bad = yr_compiler_add_string(c, text.data,
			    r->files[i].path);
	}
	if (rc == EXH_OK && bad == 0 &&
	    yr_compiler_get_rules(c, out) != ERROR_SUCCESS)
		*out = NULL;
	if (*out != NULL && rule_count(*out) != r->yara_rules) {
		yr_rules_destroy(*out);
		*out = NULL;
	}
	if (*out != NULL)
		(void)yara_compact(out);	/* NULL: the full set is used */
	yr_compiler_destroy(c);
	exh_buf_free(&text);
	return rc;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The reduced set for mask, as an index from 1 for subset_rules; 0 means
 * "use the full rule set" (no set made, or none could be).
 */
unsigned
subset_get(struct exh_rules *r, uint64_t mask)
{
	YR_RULES *yr;
	uint64_t t0;
	unsigned idx = 0;
	size_t i;

	if (!r->subsets_on || !r->subset_lock_ok)
		return 0;
	pthread_mutex_lock(&r->subset_lock);
	for (i = 0; i < r->nsubsets; i++)
		if (r->subsets[i].mask == mask)
			break;
	if (i == r->nsubsets && i < SUBSETS_MAX &&
	    r->subset_ns < SUBSET_BUDGET_NS) {
		t0 = now_ns();
		/* Out of memory or not compiled: recorded as "full set". */
		if (compile_subset(r, mask, &yr) != EXH_OK)
			yr = NULL;
		r->subset_ns += now_ns() - t0;
		r->subsets[i].mask = mask;
		r->subsets[i].yr = yr;
		r->nsubsets++;
	}
	if (i < r->nsubsets && r->subsets[i].yr != NULL)
		idx = (unsigned)i + 1;
	pthread_mutex_unlock(&r->subset_lock);
	return idx;
}

/* The compiled set behind an index from subset_get. */
YR_RULES *
subset_rules(struct exh_rules *r, unsigned idx)
{
	YR_RULES *yr = NULL;

	if (idx == 0 || !r->subset_lock_ok)
		return NULL;
	pthread_mutex_lock(&r->subset_lock);
	if (idx <= r->nsubsets)
		yr = r->subsets[idx - 1].yr;
	pthread_mutex_unlock(&r->subset_lock);
	return yr;
}

size_t
exh_rules_subsets_compiled(const struct exh_rules *r)
{
	size_t i, n = 0;

	if (r == NULL || r->magic != EXH_RULES_MAGIC)
		return 0;
	/* Read after the scan, when no thread compiles any more. */
	for (i = 0; i < r->nsubsets; i++)
		n += r->subsets[i].yr != NULL;
	return n;
}
