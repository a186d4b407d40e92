/* YARA: compiling rule files one by one and together, the compiled-rule cache, and per-thread matchers. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yara.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

#define EXH_MATCHER_MAGIC 0x4d415443u	/* "MATC" */
#define MATCH_TEXT_MAX 64
#define MATCH_STRINGS_MAX 5
#define ERR_NOMEM(err) \
	exh_err_set((err), EXH_ENOMEM, ENOMEM, "rules: out of memory")

struct compile_ctx {
	const char *path;
	char *msg;		/* first error: "path:line: message" */
	bool nomem;
};

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *message, void *ud)
{
	struct compile_ctx *c = ud;
	struct exh_buf b = { 0 };

	(void)file;
	(void)rule;
	/* Warnings (slow strings and the like) do not keep a file out. */
	if (level != YARA_ERROR_LEVEL_ERROR || c->msg != NULL)
		return;
	if (exh_buf_printf(&b, "%s:%d: %s", c->path, line, message) != EXH_OK)
		c->nomem = true;
	c->msg = exh_buf_take(&b);
}

static int
new_compiler(YR_COMPILER **out, struct compile_ctx *ctx)
{
	if (yara_compiler(out) != EXH_OK)
		return EXH_ENOMEM;
	yr_compiler_set_callback(*out, compile_cb, ctx);
	return EXH_OK;
}

/* Compiles one file alone; fills files[i].error when it fails. */
static int
test_compile(struct exh_rules *r, size_t i)
{
	struct compile_ctx ctx = { .path = r->files[i].path };
	YR_COMPILER *c;
	int nerr;

	if (new_compiler(&c, &ctx) != EXH_OK)
		return EXH_ENOMEM;
	nerr = yr_compiler_add_string(c, r->fint[i].text, r->files[i].path);
	yr_compiler_destroy(c);
	if (ctx.nomem)
		return EXH_ENOMEM;
	if (nerr == 0) {
		free(ctx.msg);
		r->fint[i].compiled_ok = true;
		return EXH_OK;
	}
	if (ctx.msg == NULL && (ctx.msg = strdup("does not compile")) == NULL)
		return EXH_ENOMEM;
	r->files[i].error = ctx.msg;
	return EXH_OK;
}

/*
 * Compiles every file that compiled alone, each in its own namespace (its
 * path), so rule names may repeat across files and rules can be counted
 * per file.  A file that still fails together is left out and the
 * compile is repeated without it.
 */
static int
compile_all(struct exh_rules *r, YR_RULES **out)
{
	struct compile_ctx ctx;
	YR_COMPILER *c;
	size_t i;
	int rc;

	for (;;) {
		memset(&ctx, 0, sizeof(ctx));
		if (new_compiler(&c, &ctx) != EXH_OK)
			return EXH_ENOMEM;
		for (i = 0; i < r->nfiles; i++) {
			if (r->files[i].kind != EXH_RF_YARA ||
			    !r->fint[i].compiled_ok)
				continue;
			ctx.path = r->files[i].path;
			if (yr_compiler_add_string(c, r->fint[i].text,
			    r->files[i].path) != 0)
				break;
		}
		if (ctx.nomem) {
			yr_compiler_destroy(c);
			free(ctx.msg);
			return EXH_ENOMEM;
		}
		if (i == r->nfiles)
			break;
		yr_compiler_destroy(c);
		r->fint[i].compiled_ok = false;
		r->files[i].error = ctx.msg != NULL ? ctx.msg :
		    strdup("does not compile together with the other files");
		if (r->files[i].error == NULL)
			return EXH_ENOMEM;
	}
	rc = yr_compiler_get_rules(c, out);
	yr_compiler_destroy(c);
	return rc == ERROR_SUCCESS ? EXH_OK : EXH_ENOMEM;
}

struct ns_ent {
	const char *path;
	size_t file;
};

static int
cmp_ns(const void *a, const void *b)
{
	return strcmp(((const struct ns_ent *)a)->path,
	    ((const struct ns_ent *)b)->path);
}

/*
 * Counts rules per file from their namespaces.  Returns false when a
 * namespace belongs to no YARA file (a cache file that is not ours).
 */
static int
count_rules(struct exh_rules *r, bool *consistent)
{
	struct ns_ent *v, key, *hit;
	size_t i, n = 0;
	YR_RULE *rule;

	*consistent = true;
	if ((v = calloc(r->nfiles + 1, sizeof(*v))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].kind != EXH_RF_YARA)
			continue;
		r->files[i].loaded = 0;
		if (r->files[i].sha256[0] == '\0')
			continue;
		v[n].path = r->files[i].path;
		v[n].file = i;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_ns);
	r->yara_rules = 0;
	yr_rules_foreach(r->yr, rule) {
		key.path = rule->ns->name;
		hit = bsearch(&key, v, n, sizeof(*v), cmp_ns);
		if (hit == NULL) {
			*consistent = false;
			break;
		}
		r->files[hit->file].loaded++;
		r->yara_rules++;
	}
	free(v);
	return EXH_OK;
}

static int
set_note(struct exh_rules *r, const char *what, const char *path, int code)
{
	struct exh_buf b = { 0 };

	free(r->cache_note);
	r->cache_note = NULL;
	if (exh_buf_printf(&b, "compiled-rule cache: %s '%s' (libyara error "
	    "%d)", what, path, code) != EXH_OK)
		return EXH_ENOMEM;
	r->cache_note = exh_buf_take(&b);
	return EXH_OK;
}

/* Loads <dir>/<sethash>.yarc; a missing or damaged file is not an error. */
static int
cache_load(struct exh_rules *r, const char *path)
{
	bool consistent;
	size_t i;
	int rc;

	if (access(path, F_OK) != 0)
		return EXH_OK;
	rc = yr_rules_load(path, &r->yr);
	if (rc != ERROR_SUCCESS) {
		r->yr = NULL;
		return set_note(r, "ignored damaged", path, rc);
	}
	if (count_rules(r, &consistent) != EXH_OK)
		return EXH_ENOMEM;
	if (!consistent) {
		yr_rules_destroy(r->yr);
		r->yr = NULL;
		return set_note(r, "ignored foreign", path, 0);
	}
	r->cache_used = true;
	/* Files without rules in the cache: compile them again, alone, so
	 * their compiler messages can be reported. */
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].kind == EXH_RF_YARA &&
		    r->files[i].sha256[0] != '\0' &&
		    r->files[i].loaded == 0 && test_compile(r, i) != EXH_OK)
			return EXH_ENOMEM;
	return EXH_OK;
}

/* Saves under a temporary name first, so readers never see half a file. */
static int
cache_save(struct exh_rules *r, const char *path)
{
	char tmp[4096];
	int n, rc;

	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return set_note(r, "path too long for", path, 0);
	if ((rc = yr_rules_save(r->yr, tmp)) != ERROR_SUCCESS) {
		unlink(tmp);
		return set_note(r, "cannot write", tmp, rc);
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return set_note(r, "cannot rename into", path, errno);
	}
	return EXH_OK;
}

int
yara_build(struct exh_rules *r, const char *cache_dir, struct exh_err *err)
{
	char cpath[4096];
	bool consistent, any = false;
	size_t i;
	int n;

	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].kind == EXH_RF_YARA &&
		    r->files[i].sha256[0] != '\0')
			any = true;
	if (!any)
		return EXH_OK;
	cpath[0] = '\0';
	if (cache_dir != NULL && cache_dir[0] != '\0') {
		n = snprintf(cpath, sizeof(cpath), "%s/%s.yarc", cache_dir,
		    r->setsha);
		if (n < 0 || (size_t)n >= sizeof(cpath))
			return exh_err_set(err, EXH_EUSAGE, ENAMETOOLONG,
			    "rules: cache directory path too long");
		if (cache_load(r, cpath) != EXH_OK)
			return ERR_NOMEM(err);
		if (r->cache_used)
			return EXH_OK;
	}
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].kind == EXH_RF_YARA &&
		    r->files[i].sha256[0] != '\0' &&
		    test_compile(r, i) != EXH_OK)
			return ERR_NOMEM(err);
	if (compile_all(r, &r->yr) != EXH_OK)
		return ERR_NOMEM(err);
	if (yara_compact(&r->yr) != EXH_OK)
		return ERR_NOMEM(err);
	if (count_rules(r, &consistent) != EXH_OK)
		return ERR_NOMEM(err);
	if (cpath[0] != '\0' && r->yara_rules > 0 &&
	    cache_save(r, cpath) != EXH_OK)
		return ERR_NOMEM(err);
	return EXH_OK;
}

/* Gate masks a matcher has looked up, so most streams need no lock. */
#define MASKS_SEEN 128

struct mask_seen {
	uint64_t mask;
	unsigned set;		/* subset_get's answer */
};

struct exh_matcher {
	uint32_t magic;
	struct exh_rules *r;
	YR_SCANNER *sc;
	YR_SCANNER *gates;	/* the prefilter's; NULL when it has none */
	YR_SCANNER *sub[SUBSETS_MAX];	/* for the reduced sets, made late */
	struct mask_seen seen[MASKS_SEEN];
	size_t nseen;
	unsigned timeout;
};

/* Rules that do not match are of no interest: no callback for them. */
static void
set_scanner_options(YR_SCANNER *sc, unsigned timeout_sec)
{
	yr_scanner_set_timeout(sc, (int)timeout_sec);
	yr_scanner_set_flags(sc, SCAN_FLAGS_REPORT_RULES_MATCHING);
}

int
exh_matcher_create(struct exh_rules *r, unsigned timeout_sec,
    struct exh_matcher **out, struct exh_err *err)
{
	struct exh_matcher *m;

	if (r == NULL || r->magic != EXH_RULES_MAGIC || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: matcher: bad handle or argument");
	if (timeout_sec > 86400)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: matcher: timeout %u s is more than a day",
		    timeout_sec);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ERR_NOMEM(err);
	/* An IOC-only rule set has no YARA rules: scans then find nothing. */
	if ((r->yr != NULL &&
	    yr_scanner_create(r->yr, &m->sc) != ERROR_SUCCESS) ||
	    (r->gates != NULL &&
	    yr_scanner_create(r->gates, &m->gates) != ERROR_SUCCESS)) {
		exh_matcher_destroy(m);
		return ERR_NOMEM(err);
	}
	m->magic = EXH_MATCHER_MAGIC;
	m->r = r;
	m->timeout = timeout_sec;
	if (m->sc != NULL)
		set_scanner_options(m->sc, timeout_sec);
	if (m->gates != NULL)
		set_scanner_options(m->gates, 0);
	*out = m;
	return EXH_OK;
}

void
exh_matcher_destroy(struct exh_matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (m->sc != NULL)
		yr_scanner_destroy(m->sc);
	if (m->gates != NULL)
		yr_scanner_destroy(m->gates);
	for (i = 0; i < SUBSETS_MAX; i++)
		if (m->sub[i] != NULL)
			yr_scanner_destroy(m->sub[i]);
	m->magic = 0;
	free(m);
}

/* The lower-case extension of name, "" when it has none (like Python's
 * splitext: a leading dot is no extension, nor is an over-long one). */
static void
name_extension(const char *name, char *ext, size_t extsize)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	ext[0] = '\0';
	if (dot == NULL || dot == name)
		return;
	for (i = 0; dot[i] != '\0' && i + 1 < extsize; i++)
		ext[i] = (dot[i] >= 'A' && dot[i] <= 'Z') ?
		    (char)(dot[i] - 'A' + 'a') : dot[i];
	ext[i] = '\0';
	if (dot[i] != '\0')
		ext[0] = '\0';
}

/*
 * The externals for one stream, in Loki/THOR's sense.  For an alternate
 * data stream, filename and extension are the stream's own (a shell in
 * "notes.txt:x.aspx" is served as x.aspx by nothing, but it is an .aspx
 * page to anyone who copies it out); filepath stays the host file's
 * folder, so placement rules still see where it lies.
 */
static int
set_externals(YR_SCANNER *sc, const struct exh_rules *r,
    const struct exh_scan_target *t)
{
	const char *path = t->path, *bs, *name;
	char *dir, ext[64];
	int rc;

	bs = strrchr(path, '\\');
	name = bs != NULL ? bs + 1 : path;
	if (t->stream != NULL && t->stream[0] != '\0')
		name = t->stream;
	if ((dir = strndup(path, bs != NULL ? (size_t)(bs - path) : 0)) ==
	    NULL)
		return ERROR_INSUFFICIENT_MEMORY;
	name_extension(name, ext, sizeof(ext));
	rc = yr_scanner_define_string_variable(sc, "filename", name);
	if (rc == ERROR_SUCCESS)
		rc = yr_scanner_define_string_variable(sc, "filepath", dir);
	if (rc == ERROR_SUCCESS)
		rc = yr_scanner_define_string_variable(sc, "extension", ext);
	/* Not fatal: rules from a cache an older exhume wrote lack it. */
	if (rc == ERROR_SUCCESS)
		(void)yr_scanner_define_boolean_variable(sc, "iis_script",
		    exh_rules_is_script_extension(t->script_exts != NULL ?
		    t->script_exts : r->script_exts, ext));
	if (rc == ERROR_SUCCESS)
		rc = yr_scanner_define_string_variable(sc, "filetype",
		    t->filetype != NULL ? t->filetype : "");
	if (rc == ERROR_SUCCESS)
		rc = yr_scanner_define_string_variable(sc, "owner",
		    t->owner != NULL ? t->owner : "");
	if (rc == ERROR_SUCCESS)
		rc = yr_scanner_define_string_variable(sc, "md5",
		    t->md5 != NULL ? t->md5 : "");
	free(dir);
	return rc;
}

struct scan_ctx {
	struct exh_rules *r;
	const char *content_form;
	struct exh_finding *f;
	int status;
};

/* The file a rule came from: its namespace is the file's path. */
static size_t
rule_file(const struct exh_rules *r, const YR_RULE *rule)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].kind == EXH_RF_YARA &&
		    strcmp(r->files[i].path, rule->ns->name) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * A third-party rule set's score, mapped by score-map.tsv; a match that
 * stays at 75 or below is counted, so the report can say that the set's
 * hits alone never reach an alert (which needs one reason above 75).
 */
static int
mapped_score(struct exh_rules *r, const YR_RULE *rule, int score)
{
	size_t fi = rule_file(r, rule);

	if (fi == SIZE_MAX)
		return score;
	score = rules_scoremap_apply(r, fi, score);
	if (!r->fint[fi].shipped && score > 0 && score <= 75)
		__atomic_fetch_add(&r->files[fi].capped_hits, 1,
		    __ATOMIC_RELAXED);
	return score;
}

static bool
already_reported(const struct exh_finding *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nreasons; i++)
		if (f->reasons[i].kind != NULL && f->reasons[i].name != NULL &&
		    strcmp(f->reasons[i].kind, "yara") == 0 &&
		    strcmp(f->reasons[i].name, name) == 0)
			return true;
	return false;
}

static int
meta_int(const YR_META *m, int *out)
{
	char *end;
	long v;

	if (m->type == META_TYPE_INTEGER) {
		*out = m->integer < -100 ? -100 : m->integer > 100 ? 100 :
		    (int)m->integer;
		return 0;
	}
	if (m->type == META_TYPE_STRING && m->string != NULL) {
		errno = 0;
		v = strtol(m->string, &end, 10);
		if (errno == 0 && end != m->string && *end == '\0' &&
		    v >= -100 && v <= 100) {
			*out = (int)v;
			return 0;
		}
	}
	return -1;
}

static bool
meta_true(const YR_META *m)
{
	if (m->type == META_TYPE_BOOLEAN || m->type == META_TYPE_INTEGER)
		return m->integer != 0;
	return m->type == META_TYPE_STRING && m->string != NULL &&
	    (strcmp(m->string, "1") == 0 || strcmp(m->string, "true") == 0);
}

/*
 * "$id@0xOFFSET: text; ..." for the first match of up to five strings.
 * libyara 4.2 allocates a match right after the previous match's data, so
 * a YR_MATCH may be misaligned: it is copied out before use instead of
 * being read in place (yr_string_matches_foreach would read in place).
 */
static int
match_detail(YR_SCAN_CONTEXT *ctx, const YR_RULE *rule, struct exh_buf *out)
{
	const YR_STRING *s;
	const YR_MATCH *p;
	YR_MATCH m;
	size_t nstr = 0, n;

	yr_rule_strings_foreach(rule, s) {
		if (nstr == MATCH_STRINGS_MAX)
			break;
		for (p = ctx->matches[s->idx].head; p != NULL; p = m.next) {
			memcpy(&m, p, sizeof(m));
			if (m.is_private)
				continue;
			if (exh_buf_printf(out, "%s%s@0x%llx: ",
			    nstr > 0 ? "; " : "", s->identifier,
			    (unsigned long long)(m.base + m.offset)) != EXH_OK)
				return EXH_ENOMEM;
			n = m.data_length < 0 ? 0 : (size_t)m.data_length;
			if (n > MATCH_TEXT_MAX)
				n = MATCH_TEXT_MAX;
			if (exh_esc_term(out, (const char *)m.data, n) !=
			    EXH_OK)
				return EXH_ENOMEM;
			nstr++;
			break;
		}
	}
	return EXH_OK;
}

static int
on_match(YR_SCAN_CONTEXT *ctx, const YR_RULE *rule, struct scan_ctx *sc)
{
	const YR_META *meta;
	const char *desc = NULL, *ref = NULL;
	struct exh_buf detail = { 0 };
	int score = YARA_SCORE_DEFAULT, v, rc;
	bool fp = false;

	if (already_reported(sc->f, rule->identifier))
		return EXH_OK;
	yr_rule_metas_foreach(rule, meta) {
		if (strcmp(meta->identifier, "score") == 0 &&
		    meta_int(meta, &v) == 0)
			score = v;
		else if (strcmp(meta->identifier, "description") == 0 &&
		    meta->type == META_TYPE_STRING)
			desc = meta->string;
		else if (strcmp(meta->identifier, "reference") == 0 &&
		    meta->type == META_TYPE_STRING)
			ref = meta->string;
		else if (strcmp(meta->identifier, "falsepositive") == 0)
			fp = meta_true(meta);
	}
	/* THOR: a false-positive rule subtracts its score. */
	if (fp && score > 0)
		score = -score;
	score = mapped_score(sc->r, rule, score);
	if (sc->content_form != NULL &&
	    exh_buf_printf(&detail, "in %s: ", sc->content_form) != EXH_OK)
		return EXH_ENOMEM;
	if (match_detail(ctx, rule, &detail) != EXH_OK) {
		exh_buf_free(&detail);
		return EXH_ENOMEM;
	}
	rc = exh_finding_add_reason(sc->f, "yara", rule->identifier, score,
	    desc, ref, detail.data != NULL ? detail.data : "");
	exh_buf_free(&detail);
	return rc;
}

static int
scan_cb(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
	struct scan_ctx *sc = ud;

	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if (on_match(ctx, data, sc) != EXH_OK) {
		sc->status = EXH_ENOMEM;
		return CALLBACK_ERROR;
	}
	return CALLBACK_CONTINUE;
}

/* A single-block iterator: the block sits at its stream offset and
 * filesize is the whole stream's size. */
struct block_it {
	YR_MEMORY_BLOCK block;
	const uint8_t *data;
	uint64_t size;
};

static const uint8_t *
block_fetch(YR_MEMORY_BLOCK *b)
{
	return ((struct block_it *)b->context)->data;
}

static YR_MEMORY_BLOCK *
it_first(YR_MEMORY_BLOCK_ITERATOR *it)
{
	struct block_it *bi = it->context;

	it->last_error = ERROR_SUCCESS;
	return &bi->block;
}

static YR_MEMORY_BLOCK *
it_next(YR_MEMORY_BLOCK_ITERATOR *it)
{
	it->last_error = ERROR_SUCCESS;
	return NULL;
}

static uint64_t
it_size(YR_MEMORY_BLOCK_ITERATOR *it)
{
	return ((struct block_it *)it->context)->size;
}

/* Scans data as the block at base of a stream of t->size bytes. */
static int
scan_block(YR_SCANNER *sc, const struct exh_rules *r,
    const struct exh_scan_target *t, const void *data, size_t len,
    uint64_t base, YR_CALLBACK_FUNC cb, void *ud)
{
	struct block_it bi = { 0 };
	YR_MEMORY_BLOCK_ITERATOR it = { 0 };
	int rc;

	if ((rc = set_externals(sc, r, t)) != ERROR_SUCCESS)
		return rc;
	bi.data = data != NULL ? data : (const uint8_t *)"";
	bi.size = t->size > base + len ? t->size : base + len;
	bi.block.size = len;
	bi.block.base = base;
	bi.block.context = &bi;
	bi.block.fetch_data = block_fetch;
	it.context = &bi;
	it.first = it_first;
	it.next = it_next;
	it.file_size = it_size;
	/* Match offsets come back as block base + offset: stream offsets. */
	yr_scanner_set_callback(sc, cb, ud);
	return yr_scanner_scan_mem_blocks(sc, &it);
}

/* The scanner for the rule set a target was given by exh_matcher_prepare. */
static YR_SCANNER *
scanner_for(struct exh_matcher *m, unsigned set)
{
	YR_RULES *yr;

	if (set == 0 || set > SUBSETS_MAX)
		return m->sc;
	if (m->sub[set - 1] == NULL) {
		if ((yr = subset_rules(m->r, set)) == NULL ||
		    yr_scanner_create(yr, &m->sub[set - 1]) != ERROR_SUCCESS) {
			m->sub[set - 1] = NULL;
			return m->sc;
		}
		set_scanner_options(m->sub[set - 1], m->timeout);
	}
	return m->sub[set - 1];
}

int
exh_matcher_scan(struct exh_matcher *m, const struct exh_scan_target *t,
    const void *data, size_t len, uint64_t base_offset,
    struct exh_finding *f, struct exh_err *err)
{
	struct scan_ctx sc = { .f = f, .status = EXH_OK };
	int rc;

	if (m == NULL || m->magic != EXH_MATCHER_MAGIC || t == NULL ||
	    t->path == NULL || f == NULL || (data == NULL && len > 0))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: scan: bad handle or argument");
	if (m->sc == NULL)
		return EXH_OK;
	sc.r = m->r;
	sc.content_form = t->content_form;
	rc = scan_block(scanner_for(m, t->rule_set), m->r, t, data, len,
	    base_offset, scan_cb, &sc);
	if (sc.status != EXH_OK)
		return ERR_NOMEM(err);
	switch (rc) {
	case ERROR_SUCCESS:
		return EXH_OK;
	case ERROR_SCAN_TIMEOUT:
		return exh_err_set(err, EXH_EIO, 0,
		    "yara: scan timeout after %u s", m->timeout);
	case ERROR_INSUFFICIENT_MEMORY:
		return ERR_NOMEM(err);
	case ERROR_TOO_MANY_MATCHES:
		return exh_err_set(err, EXH_EIO, 0,
		    "yara: too many matches for one string");
	default:
		return exh_err_set(err, EXH_EIO, 0, "yara: scan failed "
		    "(libyara error %d)", rc);
	}
}

/* Sets the bit of every gate rule (exh_gate_<group>) that passes. */
static int
gate_cb(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
	const YR_RULE *rule = data;
	unsigned long g;
	char *end;

	(void)ctx;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	g = strtoul(rule->identifier + strlen("exh_gate_"), &end, 10);
	/* Not one of ours: count every group as passed. */
	*(uint64_t *)ud |= *end == '\0' && g < PF_GROUPS_MAX ?
	    (uint64_t)1 << g : ~(uint64_t)0;
	return CALLBACK_CONTINUE;
}

/* The reduced set for a mask of passing gates; 0 = the full set. */
static unsigned
set_for_mask(struct exh_matcher *m, uint64_t mask)
{
	unsigned set;
	size_t i;
	uint64_t all = m->r->ngroups >= PF_GROUPS_MAX ? ~(uint64_t)0 :
	    ((uint64_t)1 << m->r->ngroups) - 1;

	if (mask == all)
		return 0;
	for (i = 0; i < m->nseen; i++)
		if (m->seen[i].mask == mask)
			return m->seen[i].set;
	set = subset_get(m->r, mask);
	if (m->nseen < MASKS_SEEN) {
		m->seen[m->nseen].mask = mask;
		m->seen[m->nseen].set = set;
		m->nseen++;
	}
	return set;
}

bool
exh_matcher_prepare(struct exh_matcher *m, struct exh_scan_target *t,
    const void *head, size_t len)
{
	uint64_t mask = 0;

	if (t == NULL)
		return true;
	t->rule_set = 0;
	if (m == NULL || m->magic != EXH_MATCHER_MAGIC || t->path == NULL ||
	    (head == NULL && len > 0) || !m->r->prefilter)
		return true;
	if (m->gates == NULL)
		return false;	/* every rule is decided by the head */
	if (len > EXH_MATCHER_HEAD)
		len = EXH_MATCHER_HEAD;
	/* A gate that cannot be worked out counts as passed. */
	if (scan_block(m->gates, m->r, t, head, len, 0, gate_cb, &mask) !=
	    ERROR_SUCCESS)
		return true;
	if (mask == 0)
		return false;
	t->rule_set = set_for_mask(m, mask);
	return true;
}
