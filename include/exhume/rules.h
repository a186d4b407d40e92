/* Detection rules: loading YARA rules, hash lists, path IOCs and file types, and matching them. */
#ifndef EXHUME_RULES_H
#define EXHUME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"

/* Compiled YARA rules, hash lists, path IOCs and file-type magic. */
struct exh_rules;

struct exh_rules_options {
	const char *default_dir;	/* shipped rules dir; NULL = where
					   exh_data_rules_dir finds it;
					   ignored if no_default */
	bool no_default;
	const char *const *yara_paths;	/* --rules: .yar/.yara files or dirs */
	size_t n_yara;
	const char *const *ioc_paths;	/* --iocs: files or dirs, kind by name */
	size_t n_ioc;
	const char *cache_dir;		/* compiled-rule cache, NULL = none */
	bool no_prefilter;		/* YARA reads every stream whole */
};

enum exh_rules_file_kind {
	EXH_RF_YARA,
	EXH_RF_HASH,
	EXH_RF_HASH_ALLOW,
	EXH_RF_PATHIOC,
	EXH_RF_MSTIC,
	EXH_RF_FILETYPE,
	EXH_RF_IGNORED,
	EXH_RF_SIDNAMES,	/* well-known-sids.tsv: SID TAB account name */
	EXH_RF_SCOREMAP,	/* score-map.tsv: third-party rule set scores */
	EXH_RF_SCRIPTEXT,	/* iis-script-extensions.txt */
};

struct exh_rules_reject {
	size_t line;		/* 1-based */
	char *reason;
};

/* One file seen while loading.  Strings are owned by the rule set. */
struct exh_rules_file {
	char *path;		/* as found (root as given + relative part) */
	int kind;		/* enum exh_rules_file_kind */
	size_t loaded;		/* rules or entries that made it in */
	char *error;		/* why the whole file was left out, or NULL */
	char sha256[65];	/* "" when the file could not be read */
	struct exh_rules_reject *rejects;
	size_t nrejects;
	/* Additions to the brief's record: */
	char *name;		/* short name used in reasons: path relative
				   to the directory it was found in */
	char *note;		/* why an ignored file is ignored, or NULL */
	size_t ignored;		/* entries skipped on purpose (MSTIC domains) */
	/* YARA files from --rules: matches whose score (after the score
	 * map) stayed at 75 or below, so they alone never make an alert.
	 * Counted while scanning; read it when no scan runs. */
	size_t capped_hits;
};

/*
 * Loads everything opt names.  Each YARA file is test-compiled alone; a
 * file that fails is recorded with the compiler's message and left out.
 * Returns EXH_OK, EXH_ENOMEM, or EXH_EUSAGE for a missing path, an IOC
 * file whose kind cannot be told from its name, no YARA rule at all
 * ("no YARA rules loaded; ...") or no hash/path IOC entry at all ("no hash
 * or path IOC entries loaded").  *out is set only on success.
 */
int exh_rules_load(const struct exh_rules_options *opt,
    struct exh_rules **out, struct exh_err *err);
void exh_rules_destroy(struct exh_rules *r);

size_t exh_rules_file_count(const struct exh_rules *r);
/* NULL when i is out of range.  Valid until exh_rules_destroy. */
const struct exh_rules_file *exh_rules_file(const struct exh_rules *r,
    size_t i);
const char *exh_rules_file_kind_name(int kind);	/* "yara", "hash" ... */

struct exh_rules_counts {
	size_t yara_rules, md5, sha1, sha256, allow_hashes, path_iocs,
	    files_rejected;
	/* Path IOC regexes with no literal the one-pass automaton can
	 * select them by: each is tried on every path. */
	size_t path_iocs_every;
};
struct exh_rules_counts exh_rules_counts(const struct exh_rules *r);

/* SHA-256 over every loaded file's path and SHA-256: the cache key. */
const char *exh_rules_set_sha256(const struct exh_rules *r);
/* True when the compiled YARA rules came from the cache. */
bool exh_rules_cache_used(const struct exh_rules *r);
/* Why the cache could not be used or written, or NULL. */
const char *exh_rules_cache_note(const struct exh_rules *r);

/* "on: ..." or "off: why" for the YARA prefilter (exh_matcher_prepare). */
const char *exh_rules_prefilter_note(const struct exh_rules *r);

bool exh_rules_wants_md5(const struct exh_rules *r);
bool exh_rules_wants_sha1(const struct exh_rules *r);

/* Label of the longest magic prefix of head[0..len), "" if none. */
const char *exh_rules_filetype(const struct exh_rules *r, const void *head,
    size_t len);

/*
 * The account name Windows shows for a well-known SID ("S-1-5-18" ->
 * "NT AUTHORITY\\SYSTEM"), from well-known-sids.tsv in the shipped rules
 * directory; NULL when the SID is not listed (or the file was not loaded).
 * Thread-safe.
 */
const char *exh_rules_sid_name(const struct exh_rules *r, const char *sid);

/* One per thread: owns its YR_SCANNER.  r must outlive it. */
struct exh_matcher;

/* timeout_sec 0 = no timeout.  EXH_OK, EXH_ENOMEM or EXH_EUSAGE. */
int exh_matcher_create(struct exh_rules *r, unsigned timeout_sec,
    struct exh_matcher **out, struct exh_err *err);
void exh_matcher_destroy(struct exh_matcher *m);

struct exh_scan_target {
	const char *path;	/* full Windows path "C:\\dir\\x.aspx",
				   without ":stream" */
	const char *stream;	/* "" for the unnamed stream */
	uint64_t size;		/* full stream size (YARA's filesize) */
	const char *owner;	/* may be "" or NULL */
	const char *filetype;	/* exh_rules_filetype of the first bytes */
	const char *md5;	/* hex MD5 when computed, else NULL or "" */
	unsigned rule_set;	/* set by exh_matcher_prepare; 0 = all rules */
	/* Extensions IIS hands to a script engine on this host, as
	 * "|.aspx|.asp|" (lower case); NULL = the shipped list
	 * (exh_rules_script_extensions).  Sets the iis_script external. */
	const char *script_exts;
	/* NULL for the stream's bytes; else what the data is, e.g.
	 * "decoded VBScript.Encode content": every reason's detail then
	 * starts with "in <content_form>: ". */
	const char *content_form;
};

/*
 * Scans one buffer: the whole stream, or one chunk of it starting at
 * base_offset.  Adds one "yara" reason per matching rule to f (name = rule
 * name, score = meta score or 75, negative when meta falsepositive is set,
 * description/reference from meta, detail = up to 5 matched strings as
 * "$id@0xOFFSET: text" with stream offsets, text escaped for the terminal
 * and cut to 64 bytes).  A rule already in f is not added again, so
 * overlapping chunks report it once.  Returns EXH_OK, EXH_ENOMEM, EXH_EUSAGE,
 * or EXH_EIO ("... timeout ...") when YARA timed out (the caller records
 * a skip).
 */
int exh_matcher_scan(struct exh_matcher *m, const struct exh_scan_target *t,
    const void *data, size_t len, uint64_t base_offset,
    struct exh_finding *f, struct exh_err *err);

/*
 * The IIS script extensions of the shipped list (iis-script-extensions.txt)
 * as "|.aspx|.asp|...|", or NULL when none was loaded.  Valid until
 * exh_rules_destroy.
 */
const char *exh_rules_script_extensions(const struct exh_rules *r);
/* True when ext (".aspx", lower case) is in such a list. */
bool exh_rules_is_script_extension(const char *list, const char *ext);

/* Bytes of a stream's head that exh_matcher_prepare looks at. */
#define EXH_MATCHER_HEAD 4096

/*
 * The prefilter, asked once per stream before exh_matcher_scan.  Returns
 * false when, for this stream, every rule that searches the data has a
 * size, magic or name test that fails: then a scan of the first
 * EXH_MATCHER_HEAD bytes (with t->size as the full size) matches exactly
 * what a scan of the whole stream would.  When it returns true, it sets
 * t->rule_set to a copy of the rules in which the rules whose tests fail
 * are false (0 = all rules); exh_matcher_scan then runs that copy, with
 * the same matches and less work.  head holds the first len bytes (len >=
 * EXH_MATCHER_HEAD unless the stream is shorter).  True, rule_set 0, when
 * in doubt, when the prefilter is off, or on bad arguments.  t->md5 is not
 * looked at, so it may be asked before the stream is hashed.  Any matcher
 * of the same rules may scan t afterwards.
 */
bool exh_matcher_prepare(struct exh_matcher *m, struct exh_scan_target *t,
    const void *head, size_t len);

/* Reduced rule sets compiled so far (see exh_matcher_prepare); for tests
 * and statistics, read when no scan runs. */
size_t exh_rules_subsets_compiled(const struct exh_rules *r);

/*
 * Adds a "path" reason for every path IOC matching winpath (and, for an
 * ADS, winpath:stream).  A matching FP regex cancels its entry; negative
 * scores are added as negative reasons.  Name "<iocfile>:<line>",
 * description = last preceding # comment, detail = the regex.
 * Thread-safe.  EXH_OK, EXH_ENOMEM or EXH_EUSAGE.
 */
int exh_rules_match_path(const struct exh_rules *r, const char *winpath,
    const char *stream, struct exh_finding *f, struct exh_err *err);

/*
 * Adds a "hash" reason for each list entry equal to one of the hex digests
 * (md5 and sha1 may be NULL or "").  *allowed becomes true when a digest is
 * on an allow-list; the caller then drops the finding.  Thread-safe.
 * EXH_OK, EXH_ENOMEM or EXH_EUSAGE (a digest that is not hex).
 */
int exh_rules_match_hashes(const struct exh_rules *r, const char *md5,
    const char *sha1, const char *sha256, struct exh_finding *f,
    bool *allowed, struct exh_err *err);

/*
 * VBScript.Encode / JScript.Encode ("#@~^LLLLLL==...CCCCCC==^#~@" blocks
 * in classic ASP pages and .vbe/.jse scripts).  exh_vbe_decode copies
 * in[0..len) to out with every block replaced by its plain text, at most
 * max_out bytes (then st->truncated).  A damaged block (bad length field,
 * no trailer, wrong checksum) is decoded as far as it goes and counted in
 * st->broken with st->note saying what was wrong first; it is never an
 * error.  out is NUL-terminated.  EXH_OK, EXH_ENOMEM or EXH_EUSAGE.
 */
struct exh_vbe_stats {
	size_t blocks;		/* blocks decoded, damaged ones included */
	size_t broken;		/* damage seen */
	const char *note;	/* static text for the first damage, or NULL */
	bool truncated;		/* out reached max_out */
};

int exh_vbe_decode(const void *in, size_t len, size_t max_out,
    struct exh_buf *out, struct exh_vbe_stats *st, struct exh_err *err);
/* The plain character for encoded c at block position pos, or -1 when
 * c is not substituted (tests and the encoder in tests/tools). */
int exh_vbe_plain_char(unsigned char c, size_t pos);
/* The encoded character for plain at pos, or -1 when it must be written
 * as an escape or left as it is. */
int exh_vbe_cipher_char(unsigned char plain, size_t pos);
/* The value of a six-digit base64 "XXXXXX==" length or checksum field. */
bool exh_vbe_field(const void *p, size_t len, uint32_t *out);

#endif /* EXHUME_RULES_H */
