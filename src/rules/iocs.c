/* IOC data files: dispatch by format, sorting, de-duplication and freeing. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

#define ERR_NOMEM(err) \
	exh_err_set((err), EXH_ENOMEM, ENOMEM, "rules: out of memory")

int
iocs_parse(struct exh_rules *r, size_t fi, const char *text, size_t len,
    struct exh_err *err)
{
	int rc;

	switch (r->files[fi].kind) {
	case EXH_RF_HASH:
	case EXH_RF_HASH_ALLOW:
		rc = rules_parse_hashes(r, fi, text, len);
		break;
	case EXH_RF_PATHIOC:
		rc = rules_parse_pathiocs(r, fi, text, len);
		break;
	case EXH_RF_MSTIC:
		rc = rules_parse_mstic(r, fi, text, len);
		break;
	case EXH_RF_FILETYPE:
		rc = rules_parse_lines(r, fi, text, len, rules_filetype_line);
		break;
	case EXH_RF_SIDNAMES:
		rc = rules_parse_lines(r, fi, text, len, rules_sid_line);
		break;
	case EXH_RF_SCOREMAP:
		rc = rules_parse_lines(r, fi, text, len, rules_scoremap_line);
		break;
	case EXH_RF_SCRIPTEXT:
		rc = rules_parse_lines(r, fi, text, len,
		    rules_script_ext_line);
		break;
	default:
		rc = EXH_OK;
		break;
	}
	if (rc != EXH_OK)
		return ERR_NOMEM(err);
	return EXH_OK;
}

/* Sorting: by digest, then list file and line, so lookups find the
 * first equal entry and report lists in loading order. */
static int
cmp_hash(const void *a, const void *b)
{
	const struct hash_ent *x = a, *y = b;
	int c;

	/* Shorter digests are zero-padded to 32 bytes. */
	if ((c = memcmp(x->digest, y->digest, sizeof(x->digest))) != 0)
		return c;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
cmp_reject(const void *a, const void *b)
{
	const struct exh_rules_reject *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static int
cmp_ftype(const void *a, const void *b)
{
	const struct ftype *x = a, *y = b;

	/* Longest first, so the first hit is the longest prefix. */
	return x->len > y->len ? -1 : x->len < y->len;
}

static int
cmp_sid(const void *a, const void *b)
{
	const struct sid_name *x = a, *y = b;
	int c = strcmp(x->sid, y->sid);

	if (c != 0)
		return c;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sorts the SID names; a SID listed twice keeps its first name. */
static int
finish_sids(struct exh_rules *r)
{
	size_t i, k = 0;

	if (r->nsidn > 1)
		qsort(r->sidn, r->nsidn, sizeof(*r->sidn), cmp_sid);
	for (i = 0; i < r->nsidn; i++) {
		struct sid_name *e = &r->sidn[i];

		if (k > 0 && strcmp(r->sidn[k - 1].sid, e->sid) == 0) {
			const struct sid_name *first = &r->sidn[k - 1];
			int rc = first->file == e->file ?
			    rules_reject(r, e->file, e->line,
			    "duplicate of line %u", (unsigned)first->line) :
			    rules_reject(r, e->file, e->line,
			    "already named in %s line %u",
			    r->files[first->file].name, (unsigned)first->line);

			if (rc != EXH_OK)
				return EXH_ENOMEM;
			r->files[e->file].loaded--;
			free(e->sid);
			free(e->name);
			continue;
		}
		r->sidn[k++] = *e;
	}
	r->nsidn = k;
	return EXH_OK;
}

/* Sorts a table and drops repeats of a hash within the same list. */
static int
finish_tab(struct exh_rules *r, struct hash_tab *t)
{
	size_t i, k = 0;

	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_hash);
	for (i = 0; i < t->n; i++) {
		struct hash_ent *e = &t->v[i];

		if (k > 0 && t->v[k - 1].file == e->file &&
		    memcmp(t->v[k - 1].digest, e->digest, 32) == 0) {
			if (rules_reject(r, e->file, e->line,
			    "duplicate of line %u",
			    (unsigned)t->v[k - 1].line) != EXH_OK)
				return EXH_ENOMEM;
			r->files[e->file].loaded--;
			free(e->desc);
			continue;
		}
		t->v[k++] = *e;
	}
	t->n = k;
	return EXH_OK;
}

/* The path IOC automaton over every loaded regex, in loading order. */
static int
finish_paths(struct exh_rules *r)
{
	const char **regexes;
	size_t i;
	int rc;

	if (r->npioc == 0)
		return EXH_OK;
	if ((regexes = calloc(r->npioc, sizeof(*regexes))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < r->npioc; i++)
		regexes[i] = r->pioc[i].regex;
	rc = pathauto_build(&r->pauto, regexes, r->npioc);
	free(regexes);
	return rc;
}

int
iocs_finish(struct exh_rules *r, struct exh_err *err)
{
	size_t i;

	if (finish_tab(r, &r->md5) != EXH_OK ||
	    finish_tab(r, &r->sha1) != EXH_OK ||
	    finish_tab(r, &r->sha256) != EXH_OK ||
	    finish_sids(r) != EXH_OK || finish_paths(r) != EXH_OK)
		return ERR_NOMEM(err);
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].nrejects > 1)
			qsort(r->files[i].rejects, r->files[i].nrejects,
			    sizeof(*r->files[i].rejects), cmp_reject);
	if (r->nft > 1)
		qsort(r->ft, r->nft, sizeof(*r->ft), cmp_ftype);
	return EXH_OK;
}

void
iocs_free(struct exh_rules *r)
{
	struct hash_tab *tabs[3] = { &r->md5, &r->sha1, &r->sha256 };
	size_t i, j;

	for (j = 0; j < 3; j++) {
		for (i = 0; i < tabs[j]->n; i++)
			free(tabs[j]->v[i].desc);
		free(tabs[j]->v);
		tabs[j]->v = NULL;
		tabs[j]->n = 0;
	}
	for (i = 0; i < r->npioc; i++) {
		pcre2_code_free(r->pioc[i].re);
		pcre2_code_free(r->pioc[i].fp);
		free(r->pioc[i].regex);
		free(r->pioc[i].desc);
	}
	free(r->pioc);
	pathauto_free(&r->pauto);
	for (i = 0; i < r->npsuf; i++) {
		free(r->psuf[i].suffix);
		free(r->psuf[i].indicator);
		free(r->psuf[i].desc);
	}
	free(r->psuf);
	for (i = 0; i < r->nft; i++) {
		free(r->ft[i].magic);
		free(r->ft[i].label);
	}
	free(r->ft);
	for (i = 0; i < r->nsidn; i++) {
		free(r->sidn[i].sid);
		free(r->sidn[i].name);
	}
	free(r->sidn);
}
