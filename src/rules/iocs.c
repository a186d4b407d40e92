/* Hash lists, path IOCs, the MSTIC feed and file-type magic: parsing and lookup. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

#define MSTIC_HEADER "DateAdded,FirstSeen,Indicator,IndicatorType,TLP"
#define ERR_NOMEM(err) \
	exh_err_set((err), EXH_ENOMEM, ENOMEM, "rules: out of memory")

/* One line of a file, with CR and surrounding blanks removed. */
struct line {
	const char *s;
	size_t n;
	size_t no;		/* 1-based */
};

/* The core line reader over one file's text; lines it refuses (too long,
 * a NUL byte) are rejected like any bad entry, and parsing goes on. */
struct line_iter {
	struct exh_lines *lr;
	struct exh_rules *r;	/* NULL: skip refused lines silently */
	size_t fi;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static int
lines_begin(struct line_iter *it, struct exh_rules *r, size_t fi,
    const char *name, const char *text, size_t len)
{
	struct exh_err err;

	it->r = r;
	it->fi = fi;
	it->lr = NULL;
	return exh_lines_open_mem(text, len, name, EXH_LINES_BOM |
	    EXH_LINES_TRIM, &it->lr, &err);
}

/* EXH_OK with *l filled, EXH_STOP at the end, or EXH_ENOMEM. */
static int
lines_next(struct line_iter *it, struct line *l)
{
	struct exh_err err;
	char *s;
	size_t n;
	int rc;

	while ((rc = exh_lines_next(it->lr, &s, &n, &err)) == EXH_ECORRUPT) {
		if (it->r != NULL && (rc = rules_reject(it->r, it->fi,
		    exh_lines_no(it->lr), "%s", exh_lines_why(it->lr))) !=
		    EXH_OK)
			return rc;
	}
	if (rc != EXH_OK)
		return rc;
	l->s = s;
	l->n = n;
	l->no = exh_lines_no(it->lr);
	trim(&l->s, &l->n);
	return EXH_OK;
}

/* Parses n hex digits into n/2 bytes; false on a non-hex digit. */
static bool
unhex(const char *s, size_t n, unsigned char *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i + 1 < n; i += 2) {
		if ((hi = exh_hexval((unsigned char)s[i])) < 0 ||
		    (lo = exh_hexval((unsigned char)s[i + 1])) < 0)
			return false;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return n % 2 == 0;
}

static size_t
hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && exh_hexval((unsigned char)s[i]) >= 0; i++)
		;
	return i;
}

/* Parses a decimal score; false when s is not an integer in range. */
static bool
parse_score(const char *s, size_t n, int *out)
{
	char buf[16], *end;
	long v;

	trim(&s, &n);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < -100 || v > 100)
		return false;
	*out = (int)v;
	return true;
}

/* A score column that is out of range must not become a description. */
static bool
looks_like_int(const char *s, size_t n)
{
	size_t i = 0;

	trim(&s, &n);
	if (n > 0 && s[0] == '-')
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

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
static int
add_hash(struct exh_rules *r, size_t fi, size_t line, const char *hex,
    size_t hexlen, int score, const char *desc, size_t desclen)
{
	struct exh_rules_file *f = &r->files[fi];
	struct hash_tab *t;
	struct hash_ent *e, *nv;
	unsigned char d[32];

	if (hex_run(hex, hexlen) != hexlen)
		return rules_reject(r, fi, line, "not a hexadecimal hash");
	if ((t = tab_for(r, hexlen)) == NULL)
		return rules_reject(r, fi, line, "hash has %zu hex digits; "
		    "expected 32 (MD5), 40 (SHA-1) or 64 (SHA-256)", hexlen);
	unhex(hex, hexlen, d);
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
hash_line(struct exh_rules *r, size_t fi, const struct line *l,
    const char *comment, size_t commentlen)
{
	const char *s = l->s, *semi, *desc = NULL, *hex;
	size_t n = l->n, hexlen, desclen = 0, run;
	int score = HASH_SCORE_DEFAULT;

	run = hex_run(s, n);
	semi = memchr(s, ';', n);
	if (semi == NULL && run < n && is_blank(s[run])) {
		/* Checksum-tool output: the rest is the file name. */
		hex = s;
		hexlen = run;
		desc = s + run;
		desclen = n - run;
		trim(&desc, &desclen);
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
		trim(&hex, &hexlen);
		semi2 = memchr(rest, ';', restlen);
		if (semi2 != NULL &&
		    parse_score(rest, (size_t)(semi2 - rest), &score)) {
			desc = semi2 + 1;
			desclen = n - (size_t)(desc - s);
		} else if (semi2 != NULL &&
		    looks_like_int(rest, (size_t)(semi2 - rest))) {
			return rules_reject(r, fi, l->no,
			    "score out of range -100..100");
		} else {
			desc = rest;
			desclen = restlen;
		}
		trim(&desc, &desclen);
	}
	if (desclen == 0) {
		desc = comment;
		desclen = commentlen;
	}
	if (hexlen == 0)
		return rules_reject(r, fi, l->no, "no hash before ';'");
	return add_hash(r, fi, l->no, hex, hexlen, score, desc, desclen);
}

typedef int (*entry_fn)(struct exh_rules *, size_t, const struct line *,
    const char *, size_t);

/*
 * Loki/THOR list files: a '#' line describes the entries that follow it,
 * until the next '#' line.  Each other non-empty line goes to fn with
 * that description.
 */
static int
parse_described(struct exh_rules *r, size_t fi, const char *text, size_t len,
    entry_fn fn)
{
	struct line_iter it;
	struct line l;
	const char *c;
	char *comment = NULL;
	size_t commentlen = 0;
	int rc;

	if ((rc = lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = lines_next(&it, &l)) == EXH_OK) {
		if (l.n == 0)
			continue;
		if (l.s[0] == '#') {
			/* The reader reuses its line buffer: keep a copy. */
			c = l.s + 1;
			commentlen = l.n - 1;
			trim(&c, &commentlen);
			free(comment);
			if ((comment = rules_strndup(c, commentlen)) == NULL) {
				rc = EXH_ENOMEM;
				break;
			}
			continue;
		}
		if ((rc = fn(r, fi, &l, comment, commentlen)) != EXH_OK)
			break;
	}
	free(comment);
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}

static int
parse_hashes(struct exh_rules *r, size_t fi, const char *text, size_t len)
{
	return parse_described(r, fi, text, len, hash_line);
}

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
pathioc_line(struct exh_rules *r, size_t fi, const struct line *l,
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
	if (!parse_score(fields[1], lens[1], &score))
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

static int
parse_pathiocs(struct exh_rules *r, size_t fi, const char *text, size_t len)
{
	return parse_described(r, fi, text, len, pathioc_line);
}

bool
iocs_is_mstic(const char *text, size_t len)
{
	struct line_iter it;
	struct line l;
	bool yes;

	if (lines_begin(&it, NULL, 0, "", text, len) != EXH_OK)
		return false;
	yes = lines_next(&it, &l) == EXH_OK && l.no == 1 &&
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
mstic_row(struct exh_rules *r, size_t fi, const struct line *l)
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
		trim(&fields[nf], &lens[nf]);
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
		return add_hash(r, fi, l->no, fields[2], lens[2],
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

static int
parse_mstic(struct exh_rules *r, size_t fi, const char *text, size_t len)
{
	struct line_iter it;
	struct line l;
	int rc;

	if ((rc = lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = lines_next(&it, &l)) == EXH_OK) {
		/* Line 1 is the header, checked by iocs_is_mstic. */
		if (l.no == 1 || l.n == 0)
			continue;
		if ((rc = mstic_row(r, fi, &l)) != EXH_OK)
			break;
	}
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}

/* "HEX BYTES;LABEL", spaces in the hex ignored. */
static int
filetype_line(struct exh_rules *r, size_t fi, const struct line *l)
{
	const char *semi = memchr(l->s, ';', l->n), *label;
	unsigned char magic[64];
	size_t i, nmagic = 0, labellen;
	struct ftype e;
	int hi = -1, v;

	if (semi == NULL)
		return rules_reject(r, fi, l->no, "expected HEX;TYPE");
	for (i = 0; l->s + i < semi; i++) {
		if (is_blank(l->s[i]))
			continue;
		if ((v = exh_hexval((unsigned char)l->s[i])) < 0)
			return rules_reject(r, fi, l->no,
			    "magic is not hexadecimal");
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (nmagic == sizeof(magic))
			return rules_reject(r, fi, l->no,
			    "magic longer than 64 bytes");
		magic[nmagic++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0 || nmagic == 0)
		return rules_reject(r, fi, l->no,
		    "magic needs an even, non-zero number of hex digits");
	label = semi + 1;
	labellen = l->n - (size_t)(label - l->s);
	trim(&label, &labellen);
	if (labellen == 0)
		return rules_reject(r, fi, l->no, "no type label");
	if (r->nft == r->capft) {
		size_t cap = r->capft == 0 ? 64 : r->capft * 2;
		struct ftype *nv = realloc(r->ft, cap * sizeof(*nv));

		if (nv == NULL)
			return EXH_ENOMEM;
		r->ft = nv;
		r->capft = cap;
	}
	if ((e.magic = malloc(nmagic)) == NULL)
		return EXH_ENOMEM;
	memcpy(e.magic, magic, nmagic);
	e.len = nmagic;
	if ((e.label = rules_strndup(label, labellen)) == NULL) {
		free(e.magic);
		return EXH_ENOMEM;
	}
	r->ft[r->nft++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
}

/* Every non-empty, non-comment line of a simple data file through fn. */
static int
parse_lines(struct exh_rules *r, size_t fi, const char *text, size_t len,
    int (*fn)(struct exh_rules *, size_t, const struct line *))
{
	struct line_iter it;
	struct line l;
	int rc;

	if ((rc = lines_begin(&it, r, fi, r->files[fi].name, text, len)) !=
	    EXH_OK)
		return rc;
	while ((rc = lines_next(&it, &l)) == EXH_OK) {
		if (l.n == 0 || l.s[0] == '#')
			continue;
		if ((rc = fn(r, fi, &l)) != EXH_OK)
			break;
	}
	exh_lines_close(it.lr);
	return rc == EXH_STOP ? EXH_OK : rc;
}

/*
 * Parses SID text strictly and writes it back in canonical form (decimal
 * authority below 2^32, else 0x and 12 upper-case hex digits, no leading
 * zeros), the form the volume layer produces.  False when malformed.
 */
static bool
canonical_sid(const char *s, size_t n, char *out, size_t outlen)
{
	const char *p = s, *end = s + n;
	uint64_t v;
	size_t used;
	int count = 0, w, digits;
	bool hex;

	if (n < 5 || memcmp(s, "S-1-", 4) != 0)
		return false;
	p += 4;
	w = snprintf(out, outlen, "S-1-");
	for (;;) {
		hex = count == 0 && end - p > 2 && p[0] == '0' &&
		    (p[1] == 'x' || p[1] == 'X');
		if (hex)
			p += 2;
		v = 0;
		for (digits = 0; p < end && *p != '-'; p++, digits++) {
			int d = hex ? exh_hexval((unsigned char)*p) :
			    (*p >= '0' && *p <= '9' ? *p - '0' : -1);

			if (d < 0 || digits >= 15)
				return false;
			v = v * (hex ? 16 : 10) + (uint64_t)d;
		}
		if (digits == 0 || (count == 0 && v >> 48) ||
		    (count > 0 && v > UINT32_MAX) || count > 15)
			return false;
		used = (size_t)w;
		if (count == 0 && v >> 32)
			w = snprintf(out + used, outlen - used, "0x%012llX",
			    (unsigned long long)v);
		else
			w = snprintf(out + used, outlen - used, "%s%llu",
			    count > 0 ? "-" : "", (unsigned long long)v);
		if (w < 0 || (size_t)w >= outlen - used)
			return false;
		w += (int)used;
		count++;
		if (p == end)
			return true;
		p++;			/* the '-' */
		if (p == end)
			return false;
	}
}

/* "SID<TAB>NAME", as Windows shows the account. */
static int
sid_line(struct exh_rules *r, size_t fi, const struct line *l)
{
	const char *tab = memchr(l->s, '\t', l->n), *name;
	char canon[200], sid[200];
	size_t sidlen, namelen, i;
	struct sid_name e;

	if (tab == NULL)
		return rules_reject(r, fi, l->no, "expected SID<TAB>NAME");
	sidlen = (size_t)(tab - l->s);
	name = tab + 1;
	namelen = l->n - sidlen - 1;
	trim(&name, &namelen);
	if (sidlen >= sizeof(sid) ||
	    !canonical_sid(l->s, sidlen, canon, sizeof(canon)))
		return rules_reject(r, fi, l->no, "not a SID (S-1-AUTHORITY"
		    "-SUBAUTHORITY..., at most 15 sub-authorities)");
	memcpy(sid, l->s, sidlen);
	sid[sidlen] = '\0';
	if (strcmp(sid, canon) != 0)
		return rules_reject(r, fi, l->no, "SID not in canonical form; "
		    "write %s", canon);
	if (namelen == 0)
		return rules_reject(r, fi, l->no, "no account name");
	for (i = 0; i < namelen; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return rules_reject(r, fi, l->no,
			    "control character in the account name");
	if (r->nsidn == r->capsidn) {
		size_t cap = r->capsidn == 0 ? 64 : r->capsidn * 2;
		struct sid_name *nv = realloc(r->sidn, cap * sizeof(*nv));

		if (nv == NULL)
			return EXH_ENOMEM;
		r->sidn = nv;
		r->capsidn = cap;
	}
	e.file = (uint32_t)fi;
	e.line = (uint32_t)l->no;
	if ((e.sid = rules_strdup(canon)) == NULL)
		return EXH_ENOMEM;
	if ((e.name = rules_strndup(name, namelen)) == NULL) {
		free(e.sid);
		return EXH_ENOMEM;
	}
	r->sidn[r->nsidn++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
}

int
iocs_parse(struct exh_rules *r, size_t fi, const char *text, size_t len,
    struct exh_err *err)
{
	int rc;

	switch (r->files[fi].kind) {
	case EXH_RF_HASH:
	case EXH_RF_HASH_ALLOW:
		rc = parse_hashes(r, fi, text, len);
		break;
	case EXH_RF_PATHIOC:
		rc = parse_pathiocs(r, fi, text, len);
		break;
	case EXH_RF_MSTIC:
		rc = parse_mstic(r, fi, text, len);
		break;
	case EXH_RF_FILETYPE:
		rc = parse_lines(r, fi, text, len, filetype_line);
		break;
	case EXH_RF_SIDNAMES:
		rc = parse_lines(r, fi, text, len, sid_line);
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

int
iocs_finish(struct exh_rules *r, struct exh_err *err)
{
	size_t i;

	if (finish_tab(r, &r->md5) != EXH_OK ||
	    finish_tab(r, &r->sha1) != EXH_OK ||
	    finish_tab(r, &r->sha256) != EXH_OK ||
	    finish_sids(r) != EXH_OK)
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
	if (strlen(hex) != t->dlen * 2 || !unhex(hex, t->dlen * 2,
	    key.digest) || hex_run(hex, t->dlen * 2) != t->dlen * 2)
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

static int
match_regexes(const struct exh_rules *r, const char *cand[2], size_t ncand,
    struct exh_finding *f, struct exh_err *err)
{
	pcre2_match_data *md;
	char name[4096];
	size_t i, c;
	int rc = EXH_OK;

	if (r->npioc == 0)
		return EXH_OK;
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		return ERR_NOMEM(err);
	for (i = 0; i < r->npioc && rc == EXH_OK; i++) {
		const struct path_ioc *e = &r->pioc[i];

		for (c = 0; c < ncand; c++)
			if (re_hit(e->re, cand[c], md))
				break;
		if (c == ncand)
			continue;
		if (e->fp != NULL && re_hit(e->fp, cand[c], md))
			continue;
		if (reason_name(r, e->file, e->line, name, sizeof(name)) != 0)
			name[0] = '\0';
		if (exh_finding_add_reason(f, "path", name, e->score, e->desc,
		    NULL, e->regex) != EXH_OK)
			rc = ERR_NOMEM(err);
	}
	pcre2_match_data_free(md);
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
	rc = match_regexes(r, cand, ncand, f, err);
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
