/* Hash lists (Loki/THOR and checksum-tool forms): parsing into the hash tables. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

int
iocs_empty_digests(struct exh_rules *r, struct exh_err *err)
{
	static const char *const content[3] = { "", "\n", "\r\n" };
	unsigned int len;
	int i;
	bool ok = true;

	for (i = 0; i < 3; i++) {
		size_t n = strlen(content[i]);

		ok = ok && EVP_Digest(content[i], n, r->empty_md5[i], &len,
		    EVP_md5(), NULL) == 1;
		ok = ok && EVP_Digest(content[i], n, r->empty_sha1[i], &len,
		    EVP_sha1(), NULL) == 1;
		ok = ok && EVP_Digest(content[i], n, r->empty_sha256[i], &len,
		    EVP_sha256(), NULL) == 1;
	}
	if (!ok)
		return exh_err_set(err, EXH_EFATAL, 0,
		    "rules: MD5/SHA-1/SHA-256 unavailable in libcrypto");
	return EXH_OK;
}

static bool
is_empty_digest(const struct exh_rules *r, const unsigned char *d,
    size_t dlen)
{
	int i;

	for (i = 0; i < 3; i++) {
		if ((dlen == 16 && memcmp(d, r->empty_md5[i], 16) == 0) ||
		    (dlen == 20 && memcmp(d, r->empty_sha1[i], 20) == 0) ||
		    (dlen == 32 && memcmp(d, r->empty_sha256[i], 32) == 0))
			return true;
	}
	return false;
}

static struct hash_tab *
tab_for(struct exh_rules *r, size_t hexlen)
{
	switch (hexlen) {
	case 32:
		return &r->md5;
	case 40:
		return &r->sha1;
	case 64:
		return &r->sha256;
	default:
		return NULL;
	}
}

/*
 * Adds one hash entry from file fi.  Returns EXH_OK also for rejected
 * entries (recorded in the file), EXH_ENOMEM otherwise.
 */
int
rules_add_hash(struct exh_rules *r, size_t fi, size_t line, const char *hex,
    size_t hexlen, int score, const char *desc, size_t desclen)
{
	struct exh_rules_file *f = &r->files[fi];
	struct hash_tab *t;
	struct hash_ent *e, *nv;
	unsigned char d[32];

	if (rules_hex_run(hex, hexlen) != hexlen)
		return rules_reject(r, fi, line, "not a hexadecimal hash");
	if ((t = tab_for(r, hexlen)) == NULL)
		return rules_reject(r, fi, line, "hash has %zu hex digits; "
		    "expected 32 (MD5), 40 (SHA-1) or 64 (SHA-256)", hexlen);
	rules_unhex(hex, hexlen, d);
	if (is_empty_digest(r, d, t->dlen))
		return rules_reject(r, fi, line, "hash of empty content");
	if (t->n == t->cap) {
		size_t cap = t->cap == 0 ? 256 : t->cap * 2;

		if ((nv = realloc(t->v, cap * sizeof(*nv))) == NULL)
			return EXH_ENOMEM;
		t->v = nv;
		t->cap = cap;
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->digest, d, t->dlen);
	e->file = (uint32_t)fi;
	e->line = (uint32_t)line;
	e->score = score;
	e->allow = f->kind == EXH_RF_HASH_ALLOW;
	if (desc != NULL && desclen > 0 &&
	    (e->desc = rules_strndup(desc, desclen)) == NULL)
		return EXH_ENOMEM;
	t->n++;
	f->loaded++;
	return EXH_OK;
}

/*
 * One hash-list line: "HASH;DESC", "HASH;SCORE;DESC", "HASH" or the
 * sha256sum/md5sum form "HASH  name" / "HASH *name".
 */
static int
hash_line(struct exh_rules *r, size_t fi, const struct rules_line *l,
    const char *comment, size_t commentlen)
{
	const char *s = l->s, *semi, *desc = NULL, *hex;
	size_t n = l->n, hexlen, desclen = 0, run;
	int score = HASH_SCORE_DEFAULT;

	run = rules_hex_run(s, n);
	semi = memchr(s, ';', n);
	if (semi == NULL && run < n && rules_is_blank(s[run])) {
		/* Checksum-tool output: the rest is the file name. */
		hex = s;
		hexlen = run;
		desc = s + run;
		desclen = n - run;
		rules_trim(&desc, &desclen);
		if (desclen > 0 && desc[0] == '*') {
			desc++;
			desclen--;
		}
	} else if (semi == NULL) {
		hex = s;
		hexlen = n;
	} else {
		const char *rest = semi + 1, *semi2;
		size_t restlen = n - (size_t)(rest - s);

		hex = s;
		hexlen = (size_t)(semi - s);
		rules_trim(&hex, &hexlen);
		semi2 = memchr(rest, ';', restlen);
		if (semi2 != NULL &&
		    rules_parse_score(rest, (size_t)(semi2 - rest), &score)) {
			desc = semi2 + 1;
			desclen = n - (size_t)(desc - s);
		} else if (semi2 != NULL &&
		    rules_looks_like_int(rest, (size_t)(semi2 - rest))) {
			return rules_reject(r, fi, l->no,
			    "score out of range -100..100");
		} else {
			desc = rest;
			desclen = restlen;
		}
		rules_trim(&desc, &desclen);
	}
	if (desclen == 0) {
		desc = comment;
		desclen = commentlen;
	}
	if (hexlen == 0)
		return rules_reject(r, fi, l->no, "no hash before ';'");
	return rules_add_hash(r, fi, l->no, hex, hexlen, score, desc, desclen);
}

int
rules_parse_hashes(struct exh_rules *r, size_t fi, const char *text, size_t len)
{
	return rules_parse_described(r, fi, text, len, hash_line);
}
