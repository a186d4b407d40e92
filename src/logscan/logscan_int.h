/* Private declarations of the log analysers (rules, matchers, scan state). */
#ifndef EXHUME_LOGSCAN_INT_H
#define EXHUME_LOGSCAN_INT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define LOGSCAN_MAGIC	0x4c4f4753u	/* "LOGS" */
#define LOGSCAN_FIELD_LINE	(-1)		/* the pseudo-field _line */

enum logscan_op {
	LOGSCAN_OP_LIKE,
	LOGSCAN_OP_REGEX,
	LOGSCAN_OP_SUBSTR,
	LOGSCAN_OP_EQUALS,
	LOGSCAN_OP_PREFIX,
	LOGSCAN_OP_IN,
	LOGSCAN_OP_EMPTY,
	LOGSCAN_OP_NONEMPTY,
	LOGSCAN_OP_INSET,
	LOGSCAN_OP_IPLIST,
	LOGSCAN_OP_FLAGGED,
	LOGSCAN_OP_OAB_OUTSIDE,
	LOGSCAN_OP_OWNPAGE,
};

/* What a -like pattern reduces to, so most lines are decided by one
 * comparison instead of the general wildcard matcher. */
enum logscan_like_kind {
	LOGSCAN_LIKE_GENERAL,	/* wildcards inside: prefilters, then exh_like */
	LOGSCAN_LIKE_EXACT,		/* no wildcard at all */
	LOGSCAN_LIKE_PREFIX,		/* "lit*" */
	LOGSCAN_LIKE_SUFFIX,		/* "*lit" */
	LOGSCAN_LIKE_CONTAINS,	/* "*lit*" */
};

/* One condition on one column (or the raw line). */
struct logscan_clause {
	int field;		/* interned field id or LOGSCAN_FIELD_LINE */
	int op;			/* enum logscan_op */
	bool neg;
	char *pat;		/* owned */
	size_t plen;
	pcre2_code *re;		/* REGEX, caseless, JIT-compiled if possible */
	int like;		/* enum logscan_like_kind */
	const char *lit;	/* literal part of a reduced -like (in pat) */
	size_t litlen;
	size_t head, tail;	/* GENERAL: literal prefix and suffix length */
	const char *need;	/* GENERAL: longest literal run, must occur */
	size_t needlen;
	int memo;		/* result slot shared by identical clauses, or -1 */
	int vc;			/* value-cache bit of its column, or -1 */
	int cost;		/* plan.c: rough cost of one test, 0..7 */
	char **alts;		/* IN members, or OAB before/after/subdir */
	size_t *altlen;
	size_t nalts;
	int set;		/* INSET: index into ls->sets */
};

/* One line of patterns.tsv: all clauses must hold. */
struct logscan_rule {
	int family;
	int check;		/* index into ls->checks */
	int score;
	char *label;		/* optional, goes to the reason detail */
	unsigned long srcline;
	char src[64];		/* "patterns.tsv:12" */
	struct logscan_clause *cl;
	size_t ncl;
	size_t *order;		/* cl indices, cheapest test first */
	char *needs;		/* "needs A|B" of the rule data, or NULL */
	/* Prefilter (prefilter.c): the rule can only hold on a line that
	 * holds one of these literals (indices into ls->lits); slow rules
	 * have none and are tried on every row. */
	size_t *lits;
	size_t nlits;
	uint64_t litmask;	/* the same as bits, when ls->pf_masks */
	bool slow;
	bool flagged;		/* needs a URL the file scan flagged */
};


/* A literal some rules need, searched for over whole buffers. */
struct logscan_lit {
	char *s;		/* lower case */
	size_t n;
	size_t anchor;		/* offset of the rarest byte, searched first */
	unsigned char lo, up;	/* that byte in both cases */
};

struct logscan_check {
	char *id;
	int family;
	int score;
	int level;
	char *desc;
	char *ref;
	int *show;		/* interned field ids shown with each hit */
	size_t nshow;
};

/* Literals one of which a value must hold, found in one pass over the
 * value: a bitmap of their first three bytes (folded to 16 bits, either
 * case) picks the places worth comparing. */
struct logscan_guard {
	unsigned char key[65536 / 8];
	unsigned char fold[256];	/* ASCII lower case */
	char **lit;		/* lower case */
	size_t *len;
	size_t n;
};

/* A named list of like/regex patterns (iis-paths.tsv, user-agents.txt). */
struct logscan_pset {
	char *name;
	struct logscan_clause *items;
	size_t n;
	/* "SET needs A|B": every value a member matches holds one of these,
	 * so a value without any is decided without running the members. */
	struct logscan_guard *needs;
};

/* One line of exchange-pages.tsv: a page Exchange or IIS itself serves. */
struct logscan_page {
	char *folder;		/* URL folder, no trailing '/' */
	size_t flen;
	bool below;		/* FOLDER ends in "/" and a star: and below */
	struct logscan_clause name;	/* -like over the file name */
};

/* Case-insensitive string set with one value per key. */
struct logscan_strset {
	char **keys;		/* lower-case */
	char **vals;
	size_t cap;
	size_t n;
};

struct exh_logscan {
	uint32_t magic;
	struct logscan_check *checks;
	size_t nchecks;
	struct logscan_rule *rules;	/* sorted by family, then check, then line */
	size_t nrules;
	size_t fam_first[EXH_LOG_NFAMILIES];
	size_t fam_count[EXH_LOG_NFAMILIES];
	struct logscan_pset *sets;
	size_t nsets;
	size_t nmemo;		/* distinct side-effect-free rule clauses */
	char **fields;		/* interned field names */
	size_t nfields;
	struct logscan_strset ips;
	struct logscan_strset flagged;
	struct logscan_page *pages;	/* exchange-pages.tsv */
	size_t npages;
	char *install;
	struct logscan_lit *lits;	/* prefilter literals, all families */
	size_t nlits;
	size_t *fam_lits[EXH_LOG_NFAMILIES];	/* ids a family's rules use */
	size_t fam_nlits[EXH_LOG_NFAMILIES];
	size_t nslow;			/* rules without a literal */
	bool prefilter;			/* off: every rule on every row */
	bool pf_masks;			/* nlits <= 64: literals as bits */
	struct exh_log_coverage cov[EXH_LOG_NFAMILIES];
	struct exh_log_coverage covlist[EXH_LOG_NFAMILIES];
	size_t ncov;
};

/*
 * Value cache: the results of the costly clauses on one column value, so
 * the many rows that repeat a URL stem, user agent or client address are
 * decided by a hash, one comparison and a bit test (valcache.c).  One
 * slot per value holds a bit per clause on that column (c->vc, at most
 * LOGSCAN_VC_BITS per column); direct-mapped, fixed size per file; values
 * longer than LOGSCAN_VC_VALMAX are not kept.
 */
#define LOGSCAN_VC_SLOTS	4096u
#define LOGSCAN_VC_VALMAX	232u
#define LOGSCAN_VC_BITS		64
/* A column whose values rarely repeat (a query with a request id) stops
 * using the cache after this many look-ups with under 1 in 4 found. */
#define LOGSCAN_VC_PROBE	4096u

struct logscan_vslot {
	uint64_t hash;
	uint64_t known, val;	/* per clause bit: worked out, result */
	int32_t field;		/* -1 when the slot is free */
	uint16_t n;
	char v[LOGSCAN_VC_VALMAX];
};

struct logscan_vcache {
	struct logscan_vslot *slot;	/* LOGSCAN_VC_SLOTS */
	/* Per interned field: the slot of this row's value (valid while
	 * at == the row's number and the slot still holds hash). */
	struct logscan_vslot **cur;
	uint64_t *at, *hash;
	uint64_t *tries, *found;
	bool *off;			/* values do not repeat */
};

/* Per-scan state of the regex matcher (match data is not shareable). */
struct logscan_rx {
	pcre2_match_data *md;
	pcre2_match_context *mc;	/* a low backtracking limit */
	int *ws;			/* DFA workspace, grown on demand */
	size_t nws;
};

/* rules.c */
int logscan_load_rules(struct exh_logscan *ls, const char *rules_dir,
    struct exh_err *err);
void logscan_free_rules(struct exh_logscan *ls);
int logscan_field_intern(struct exh_logscan *ls, const char *name, size_t n);

/* clause.c */
int logscan_clause_compile(struct exh_logscan *ls, struct logscan_clause *c,
    const char *field, const char *opname, const char *value, char *msg,
    size_t len);
void logscan_clause_free(struct logscan_clause *c);
int logscan_find_set(const struct exh_logscan *ls, const char *name);

/* plan.c: what the loader works out once the rules are read */
int logscan_order_clauses(struct logscan_rule *r);
void logscan_share_results(struct exh_logscan *ls);
void logscan_plan_value_cache(struct exh_logscan *ls);

/* valcache.c */
int logscan_vcache_init(struct logscan_vcache *vc, size_t nfields);
void logscan_vcache_free(struct logscan_vcache *vc);
struct logscan_vslot *logscan_vcache_slot(struct logscan_vcache *vc,
    int field, uint64_t row, const char *v, size_t n);

/* prefilter.c */
struct logscan_filestate;
int logscan_prefilter_build(struct exh_logscan *ls, bool enabled);
void logscan_prefilter_free(struct exh_logscan *ls);
void logscan_prefilter_line(struct logscan_filestate *sc);
bool logscan_rule_possible(const struct logscan_filestate *sc,
    const struct logscan_rule *r);

/* guard.c */
int logscan_guard_build(const char *alternatives, struct logscan_guard **out);
void logscan_guard_free(struct logscan_guard *g);
bool logscan_guard_holds(const struct logscan_guard *g, const char *v,
    size_t n);

/* match.c */
bool logscan_iequal(const char *a, size_t alen, const char *b, size_t blen);
bool logscan_icontains(const char *hay, size_t hlen, const char *needle,
    size_t nlen);
void logscan_like_compile(struct logscan_clause *c);
bool logscan_like_match(const struct logscan_clause *c, const char *s,
    size_t n);
int logscan_rx_init(struct logscan_rx *rx);
void logscan_rx_free(struct logscan_rx *rx);
bool logscan_regex_match(const struct logscan_clause *c, struct logscan_rx *rx,
    const char *s, size_t n);
int logscan_strset_put(struct logscan_strset *set, const char *key, size_t klen,
    const char *val);
const char *logscan_strset_get(const struct logscan_strset *set,
    const char *key,
    size_t klen);
void logscan_strset_free(struct logscan_strset *set);
bool logscan_parse_time(const char *s, size_t n, int64_t *out);
bool logscan_own_page(const struct exh_logscan *ls, const char *stem,
    size_t n);
bool logscan_parse_date_time(const char *d, size_t dn, const char *t, size_t tn,
    int64_t *out);

#define LOGSCAN_CHUNK		(256u * 1024u)	/* one read */
#define LOGSCAN_LINE_CAP	(1024u * 1024u)	/* longer lines are skipped */
#define LOGSCAN_ZIN_SIZE	(64u * 1024u)
#define LOGSCAN_MAXCOLS		1024u
#define LOGSCAN_EXCERPT_MAX	4096u
/* Aggregation per file: at most this many groups (check and client and
 * URI), at most LOGSCAN_GROUPS_PER_CHECK of them for one check; the rest
 * fold into one "other" finding per check (findings/group.c). */
#define LOGSCAN_GROUPS		1024u
#define LOGSCAN_GROUPS_PER_CHECK	100u

struct logscan_fld {
	const char *p;
	size_t n;
};

/* State for one file; allocated once per file, never per line. */
struct logscan_filestate {
	struct exh_logscan *ls;
	int family;
	const char *winpath;
	struct exh_findings *out;
	struct exh_group_table *groups;	/* hits of this file, grouped */
	struct exh_err *err;

	exh_read_fn rd;
	void *rctx;
	bool started, gz, zinit, zeof, zend;
	z_stream z;
	unsigned char *zin;
	size_t zpend_pos, zpend_len;	/* plain bytes peeked for the magic */

	char *buf;
	size_t cap;
	char *scratch;
	size_t sused;
	struct logscan_fld *f;
	size_t nf;			/* columns split so far */
	const char *sp_p;		/* the text being split */
	size_t sp_n, sp;
	bool sdone;

	char *hdr;			/* raw text of the current header */
	size_t hdrlen, hdrcap, first_name_len;
	bool have_hdr, space_sep;
	size_t ncols, need;
	int *col_of;
	int c_time, c_date, c_clock, c_ip, c_ua, c_stem;

	uint64_t lineno, rows, nbad, first_bad;
	uint64_t junk, trunc, overlong, nohdr;
	char zwhy[160];
	int64_t first, last;

	const char *line;
	size_t linelen;
	int64_t t;
	char hit[512];			/* detail from the last matching set */
	const char *capp;		/* oab-outside capture */
	size_t capn;
	bool cap_fallback;
	struct logscan_rx rx;		/* for the regex clauses */
	uint64_t *memo_at;		/* line a shared clause result is for */
	struct logscan_vcache vcache;
	bool *memo_val;
	/* Prefilter state: the buffer the lines lie in, and per literal
	 * its next occurrence at or after the current line. */
	const char *pf_end;		/* end of the valid bytes in buf */
	uint64_t pf_gen;		/* bumped whenever buf is rewritten */
	const char **pf_next;
	const char **pf_a, **pf_b;	/* next rarest byte, in each case */
	uint64_t *pf_gen_of;
	bool *pf_on_line;
	uint64_t pf_mask;		/* pf_on_line as bits (pf_masks) */
};

/* input.c */
int logscan_next_bytes(struct logscan_filestate *sc, char *dst, size_t len,
    size_t *got);

/* columns.c */
void logscan_more_columns(struct logscan_filestate *sc, size_t need);
bool logscan_looks_like_header(const char *p, size_t n);
int logscan_set_header(struct logscan_filestate *sc, const char *text,
    size_t n);
void logscan_split(struct logscan_filestate *sc, const char *p, size_t n,
    size_t need);

/* evaluate.c */
int logscan_run_rules(struct logscan_filestate *sc);
int logscan_hand_over(struct logscan_filestate *sc, struct exh_finding *f,
    int rc);

/* rows.c */
int logscan_pump(struct logscan_filestate *sc);

#endif /* EXHUME_LOGSCAN_INT_H */
