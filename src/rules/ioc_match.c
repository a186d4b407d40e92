/* IOC lookups: hashes, paths, file types and SID names. */
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

static int
cmp_sid_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sid_name *)elem)->sid);
}

const char *
exh_rules_sid_name(const struct exh_rules *r, const char *sid)
{
	const struct sid_name *e;

	if (r == NULL || r->magic != EXH_RULES_MAGIC || sid == NULL ||
	    r->nsidn == 0)
		return NULL;
	e = bsearch(sid, r->sidn, r->nsidn, sizeof(*r->sidn), cmp_sid_key);
	return e != NULL ? e->name : NULL;
}

const char *
exh_rules_filetype(const struct exh_rules *r, const void *head, size_t len)
{
	size_t i;

	if (r == NULL || r->magic != EXH_RULES_MAGIC || head == NULL)
		return "";
	for (i = 0; i < r->nft; i++)
		if (r->ft[i].len <= len &&
		    memcmp(r->ft[i].magic, head, r->ft[i].len) == 0)
			return r->ft[i].label;
	return "";
}

static int
reason_name(const struct exh_rules *r, uint32_t file, uint32_t line,
    char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s:%u", r->files[file].name,
	    (unsigned)line);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
match_one_hash(const struct exh_rules *r, const struct hash_tab *t,
    const char *hex, struct exh_finding *f, bool *allowed,
    struct exh_err *err)
{
	struct hash_ent key;
	const struct hash_ent *lo;
	size_t a = 0, b = t->n, mid;
	char name[4096];

	if (hex == NULL || hex[0] == '\0' || t->n == 0)
		return EXH_OK;
	if (strlen(hex) != t->dlen * 2 || !rules_unhex(hex, t->dlen * 2,
	    key.digest) || rules_hex_run(hex, t->dlen * 2) != t->dlen * 2)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: match hashes: '%.70s' is not a %zu-digit hex "
		    "digest", hex, t->dlen * 2);
	memset(key.digest + t->dlen, 0, sizeof(key.digest) - t->dlen);
	/* Lower bound: the first entry with this digest. */
	while (a < b) {
		mid = a + (b - a) / 2;
		if (memcmp(t->v[mid].digest, key.digest, 32) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	for (lo = t->v + a; lo < t->v + t->n &&
	    memcmp(lo->digest, key.digest, 32) == 0; lo++) {
		if (lo->allow) {
			*allowed = true;
			continue;
		}
		if (reason_name(r, lo->file, lo->line, name, sizeof(name)) !=
		    0)
			name[0] = '\0';
		if (exh_finding_add_reason(f, "hash", name, lo->score,
		    lo->desc, NULL, hex) != EXH_OK)
			return ERR_NOMEM(err);
	}
	return EXH_OK;
}

int
exh_rules_match_hashes(const struct exh_rules *r, const char *md5,
    const char *sha1, const char *sha256, struct exh_finding *f,
    bool *allowed, struct exh_err *err)
{
	int rc;

	if (r == NULL || r->magic != EXH_RULES_MAGIC || f == NULL ||
	    allowed == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: match hashes: bad handle or argument");
	*allowed = false;
	if ((rc = match_one_hash(r, &r->md5, md5, f, allowed, err)) !=
	    EXH_OK ||
	    (rc = match_one_hash(r, &r->sha1, sha1, f, allowed, err)) !=
	    EXH_OK ||
	    (rc = match_one_hash(r, &r->sha256, sha256, f, allowed, err)) !=
	    EXH_OK)
		return rc;
	return EXH_OK;
}

/* True when path ends with suffix at a backslash boundary. */
static bool
suffix_matches(const struct path_suffix *e, const char *path)
{
	size_t pl = strlen(path), sl = strlen(e->suffix);

	if (!e->anchored)
		return pl > 2 && path[1] == ':' &&
		    exh_ascii_iequal(path + 2, e->suffix);
	if (sl >= pl || path[pl - sl - 1] != '\\')
		return false;
	return exh_ascii_iequal(path + pl - sl, e->suffix);
}

static int
re_hit(const pcre2_code *re, const char *s, pcre2_match_data *md)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0,
	    md, NULL);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	/* Match-limit or depth errors: treat as no match, never crash. */
	return 0;
}

/* IOC i over the candidate strings: a hit not excused by its FP regex
 * becomes a reason. */
static int
match_ioc(const struct exh_rules *r, size_t i, const char *const *cand,
    size_t ncand, pcre2_match_data *md, struct exh_finding *f,
    struct exh_err *err)
{
	const struct path_ioc *e = &r->pioc[i];
	char name[4096];
	size_t c;

	for (c = 0; c < ncand; c++)
		if (re_hit(e->re, cand[c], md))
			break;
	if (c == ncand)
		return EXH_OK;
	if (e->fp != NULL && re_hit(e->fp, cand[c], md))
		return EXH_OK;
	if (reason_name(r, e->file, e->line, name, sizeof(name)) != 0)
		name[0] = '\0';
	if (exh_finding_add_reason(f, "path", name, e->score, e->desc,
	    NULL, e->regex) != EXH_OK)
		return ERR_NOMEM(err);
	return EXH_OK;
}

/* Bits of the IOCs worth a pcre2_match: those whose literal a candidate
 * holds and those without a literal.  Ascending order keeps the reasons
 * in loading order, as when every IOC was tried. */
static void
candidates(const struct path_auto *a, const char *const *cand, size_t ncand,
    uint64_t *bits)
{
	size_t c;

	memcpy(bits, a->slow, a->nwords * sizeof(*bits));
	for (c = 0; c < ncand; c++)
		pathauto_mark(a, cand[c], bits);
}

int
rules_match_path_regexes(const struct exh_rules *r, const char *const *cand,
    size_t ncand, bool every, struct exh_finding *f, struct exh_err *err)
{
	pcre2_match_data *md;
	uint64_t local[64], *bits = local, w;
	size_t i, k;
	int rc = EXH_OK;

	if (r->npioc == 0)
		return EXH_OK;
	if (!r->pauto.built)
		every = true;
	if (!every && r->pauto.nwords > sizeof(local) / sizeof(local[0]) &&
	    (bits = malloc(r->pauto.nwords * sizeof(*bits))) == NULL)
		return ERR_NOMEM(err);
	if ((md = pcre2_match_data_create(1, NULL)) == NULL) {
		rc = ERR_NOMEM(err);
		goto out;
	}
	if (every) {
		for (i = 0; i < r->npioc && rc == EXH_OK; i++)
			rc = match_ioc(r, i, cand, ncand, md, f, err);
		goto out;
	}
	candidates(&r->pauto, cand, ncand, bits);
	for (k = 0; k < r->pauto.nwords && rc == EXH_OK; k++)
		for (w = bits[k]; w != 0 && rc == EXH_OK; w &= w - 1) {
			i = k * 64 + (size_t)__builtin_ctzll(w);
			rc = match_ioc(r, i, cand, ncand, md, f, err);
		}
out:
	pcre2_match_data_free(md);
	if (bits != local)
		free(bits);
	return rc;
}

int
exh_rules_match_path(const struct exh_rules *r, const char *winpath,
    const char *stream, struct exh_finding *f, struct exh_err *err)
{
	struct exh_buf ads = { 0 };
	const char *cand[2];
	size_t ncand = 1, i;
	char name[4096];
	int rc;

	if (r == NULL || r->magic != EXH_RULES_MAGIC || winpath == NULL ||
	    f == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: match path: bad handle or argument");
	cand[0] = winpath;
	if (stream != NULL && stream[0] != '\0') {
		if (exh_buf_printf(&ads, "%s:%s", winpath, stream) != EXH_OK)
			return ERR_NOMEM(err);
		cand[ncand++] = ads.data;
	}
	rc = rules_match_path_regexes(r, cand, ncand, false, f, err);
	for (i = 0; rc == EXH_OK && i < r->npsuf; i++) {
		const struct path_suffix *e = &r->psuf[i];

		if (!suffix_matches(e, winpath))
			continue;
		if (reason_name(r, e->file, e->line, name, sizeof(name)) != 0)
			name[0] = '\0';
		if (exh_finding_add_reason(f, "path", name, MSTIC_PATH_SCORE,
		    e->desc, NULL, e->indicator) != EXH_OK)
			rc = ERR_NOMEM(err);
	}
	exh_buf_free(&ads);
	return rc;
}
