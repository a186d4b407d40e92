/* Private declarations of the log analysers (rules, matchers, scan state). */
#ifndef EXHUME_LOGSCAN_INT_H
#define EXHUME_LOGSCAN_INT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define LS_MAGIC	0x4c4f4753u	/* "LOGS" */
#define LS_FIELD_LINE	(-1)		/* the pseudo-field _line */

enum ls_op {
	LS_OP_LIKE,
	LS_OP_REGEX,
	LS_OP_SUBSTR,
	LS_OP_EQUALS,
	LS_OP_PREFIX,
	LS_OP_IN,
	LS_OP_EMPTY,
	LS_OP_NONEMPTY,
	LS_OP_INSET,
	LS_OP_IPLIST,
	LS_OP_FLAGGED,
	LS_OP_OAB_OUTSIDE,
};

/* What a -like pattern reduces to, so most lines are decided by one
 * comparison instead of the general wildcard matcher. */
enum ls_like_kind {
	LS_LIKE_GENERAL,	/* wildcards inside: prefilters, then exh_like */
	LS_LIKE_EXACT,		/* no wildcard at all */
	LS_LIKE_PREFIX,		/* "lit*" */
	LS_LIKE_SUFFIX,		/* "*lit" */
	LS_LIKE_CONTAINS,	/* "*lit*" */
};

/* One condition on one column (or the raw line). */
struct ls_clause {
	int field;		/* interned field id or LS_FIELD_LINE */
	int op;			/* enum ls_op */
	bool neg;
	char *pat;		/* owned */
	size_t plen;
	pcre2_code *re;		/* REGEX, caseless, JIT-compiled if possible */
	int like;		/* enum ls_like_kind */
	const char *lit;	/* literal part of a reduced -like (in pat) */
	size_t litlen;
	size_t head, tail;	/* GENERAL: literal prefix and suffix length */
	const char *need;	/* GENERAL: longest literal run, must occur */
	size_t needlen;
	int memo;		/* result slot shared by identical clauses, or -1 */
	char **alts;		/* IN members, or OAB before/after/subdir */
	size_t *altlen;
	size_t nalts;
	int set;		/* INSET: index into ls->sets */
};

/* One line of patterns.tsv: all clauses must hold. */
struct ls_rule {
	int family;
	int check;		/* index into ls->checks */
	int score;
	char *label;		/* optional, goes to the reason detail */
	unsigned long srcline;
	char src[64];		/* "patterns.tsv:12" */
	struct ls_clause *cl;
	size_t ncl;
	size_t *order;		/* cl indices, cheapest test first */
};

struct ls_check {
	char *id;
	int family;
	int score;
	int level;
	char *desc;
	char *ref;
	int *show;		/* interned field ids shown with each hit */
	size_t nshow;
};

/* A named list of like/regex patterns (iis-paths.tsv, user-agents.txt). */
struct ls_pset {
	char *name;
	struct ls_clause *items;
	size_t n;
};

/* Case-insensitive string set with one value per key. */
struct ls_strset {
	char **keys;		/* lower-case */
	char **vals;
	size_t cap;
	size_t n;
};

struct exh_logscan {
	uint32_t magic;
	struct ls_check *checks;
	size_t nchecks;
	struct ls_rule *rules;	/* sorted by family, then check, then line */
	size_t nrules;
	size_t fam_first[EXH_LOG_NFAMILIES];
	size_t fam_count[EXH_LOG_NFAMILIES];
	struct ls_pset *sets;
	size_t nsets;
	size_t nmemo;		/* distinct side-effect-free rule clauses */
	char **fields;		/* interned field names */
	size_t nfields;
	struct ls_strset ips;
	struct ls_strset flagged;
	char *install;
	struct exh_log_coverage cov[EXH_LOG_NFAMILIES];
	struct exh_log_coverage covlist[EXH_LOG_NFAMILIES];
	size_t ncov;
};

/* Per-scan state of the regex matcher (match data is not shareable). */
struct ls_rx {
	pcre2_match_data *md;
	pcre2_match_context *mc;	/* a low backtracking limit */
	int *ws;			/* DFA workspace, grown on demand */
	size_t nws;
};

/* rules.c */
int ls_load_rules(struct exh_logscan *ls, const char *rules_dir,
    struct exh_err *err);
void ls_free_rules(struct exh_logscan *ls);
void ls_clause_free(struct ls_clause *c);
int ls_field_intern(struct exh_logscan *ls, const char *name, size_t n);

/* match.c */
bool ls_iequal(const char *a, size_t alen, const char *b, size_t blen);
bool ls_icontains(const char *hay, size_t hlen, const char *needle,
    size_t nlen);
void ls_like_compile(struct ls_clause *c);
bool ls_like_match(const struct ls_clause *c, const char *s, size_t n);
int ls_rx_init(struct ls_rx *rx);
void ls_rx_free(struct ls_rx *rx);
bool ls_regex_match(const struct ls_clause *c, struct ls_rx *rx,
    const char *s, size_t n);
int ls_strset_put(struct ls_strset *set, const char *key, size_t klen,
    const char *val);
const char *ls_strset_get(const struct ls_strset *set, const char *key,
    size_t klen);
void ls_strset_free(struct ls_strset *set);
bool ls_parse_time(const char *s, size_t n, int64_t *out);
bool ls_parse_date_time(const char *d, size_t dn, const char *t, size_t tn,
    int64_t *out);

#endif /* EXHUME_LOGSCAN_INT_H */
