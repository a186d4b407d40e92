/* Private declarations of the rules module. */
#ifndef EXHUME_RULES_INT_H
#define EXHUME_RULES_INT_H

#include <sys/types.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yara.h>

#include "exhume/core.h"
#include "exhume/rules.h"

#define EXH_RULES_MAGIC 0x52554c53u	/* "RULS" */

/* Kind used while discovering: a .csv file, MSTIC if its header says so. */
#define RF_CSV 100

/* Default scores (THOR's conventions). */
#define HASH_SCORE_DEFAULT 100
#define YARA_SCORE_DEFAULT 75
#define MSTIC_PATH_SCORE 75

struct hash_ent {
	unsigned char digest[32];
	uint32_t file;		/* index into r->files */
	uint32_t line;
	int score;
	bool allow;
	char *desc;		/* may be NULL */
};

struct hash_tab {
	struct hash_ent *v;
	size_t n, cap;
	size_t dlen;		/* 16, 20 or 32 */
};

struct path_ioc {
	pcre2_code *re;
	pcre2_code *fp;		/* may be NULL */
	char *regex;
	int score;
	char *desc;
	uint32_t file, line;
};

/*
 * Required literals of one path IOC regex (pathlit.c): every match holds
 * one of them; n == 0 when none could be read (the regex is then tried
 * on every path).  Literals are lower-case ASCII.
 */
#define PATHLIT_MIN 3		/* shorter ones would select most paths */
#define PATHLIT_MAX 16		/* bytes kept (the tail of a longer one) */
#define PATHLIT_BRANCHES 16	/* top-level alternatives */
struct pathlit_set {
	size_t n;
	unsigned char lit[PATHLIT_BRANCHES][PATHLIT_MAX];
	size_t len[PATHLIT_BRANCHES];
};

/* All path IOC literals as one Aho-Corasick DFA (pathauto.c). */
struct path_auto {
	bool built;
	uint8_t cls[256];	/* byte -> class; 0: in no literal */
	size_t ncls;
	uint32_t *next;		/* nstates x ncls */
	uint32_t *emit;		/* first state with outputs on the chain */
	uint32_t *dict;		/* next state with outputs, 0 for none */
	uint32_t *out_start;	/* nstates + 1 offsets into out_ioc */
	uint32_t *out_ioc;
	size_t nstates;
	uint64_t *slow;		/* IOCs without a literal, tried always */
	size_t nwords, nslow;
};

/* An MSTIC feed path, matched by suffix after the install root. */
struct path_suffix {
	char *suffix;		/* "FrontEnd\HttpProxy\..." or, unanchored,
				   the path after the drive ("\users\...") */
	bool anchored;
	char *indicator;	/* the path as in the feed */
	char *desc;
	uint32_t file, line;
};

struct ftype {
	unsigned char *magic;
	size_t len;
	char *label;
};

/* A well-known SID and the name Windows shows for it. */
struct sid_name {
	char *sid;		/* canonical text, "S-1-5-32-544" */
	char *name;		/* "BUILTIN\\Administrators" */
	uint32_t file, line;
};

/*
 * A rule that searches the data: where its body ("{" to "}") sits in its
 * file's text and which gate rule (exh_gate_<group>) holds its tests.
 */
struct pf_body {
	size_t file;
	size_t start, end;	/* text[start..end) lies between the braces */
	unsigned group;
};

/* Gate rules: one bit each in a 64-bit mask. */
#define PF_GROUPS_MAX 64
/* Reduced rule sets compiled per run, at most, and only for rule sets
 * small enough to compile in milliseconds. */
#define SUBSETS_MAX 64
#define SUBSET_RULES_MAX 1000
/* Compile time after which no further reduced set is made. */
#define SUBSET_BUDGET_NS 2000000000ull

/* The rules compiled with every searching rule outside mask made false. */
struct rule_subset {
	uint64_t mask;
	YR_RULES *yr;
};

struct rfile_int {
	dev_t dev;
	ino_t ino;
	char *text;		/* YARA source while loading, NUL-terminated */
	size_t len;
	bool compiled_ok;
	bool shipped;		/* found in the shipped rules directory */
	int smap;		/* score-map entry for its rules, or -1 */
};

/* One score-map line (scoremap.c): how a rule set's scores are mapped. */
#define SCORE_MAP_PAIRS_MAX 16
struct score_map {
	char *glob;		/* fnmatch(3) over the file's path or name */
	bool is_offset;
	int offset;		/* added, result kept within 1..100 */
	int from[SCORE_MAP_PAIRS_MAX], to[SCORE_MAP_PAIRS_MAX];
	size_t npairs;
	uint32_t file, line;
};

struct exh_rules {
	uint32_t magic;
	bool yr_initialized;
	YR_RULES *yr;
	bool cache_used;
	char *cache_note;

	struct exh_rules_file *files;
	struct rfile_int *fint;
	size_t nfiles, capfiles;

	struct hash_tab md5, sha1, sha256;
	struct path_ioc *pioc;
	size_t npioc, cappioc;
	struct path_auto pauto;
	struct path_suffix *psuf;
	size_t npsuf, cappsuf;
	struct ftype *ft;
	size_t nft, capft;
	struct sid_name *sidn;	/* sorted by sid after loading */
	size_t nsidn, capsidn;

	/* Digests of "", "\n" and "\r\n" per algorithm, refused in lists. */
	unsigned char empty_md5[3][16], empty_sha1[3][20], empty_sha256[3][32];

	size_t yara_rules;
	char setsha[65];

	/* scoremap.c: score map entries and the IIS script extensions
	 * ("|.aspx|.asp|", NULL when no list was loaded). */
	struct score_map *smap;
	size_t nsmap, capsmap;
	char *script_exts;
	bool adding_shipped;	/* while the shipped directory is walked */

	/* The prefilter (prefilter.c): gate rules, NULL when no rule
	 * searches the data; prefilter false = every stream is read whole. */
	YR_RULES *gates;
	bool prefilter;
	char *prefilter_note;
	struct pf_body *bodies;	/* sorted by file and start */
	size_t nbodies;
	unsigned ngroups;

	/* Reduced rule sets (subset.c), shared by the matchers. */
	pthread_mutex_t subset_lock;
	bool subset_lock_ok;
	bool subsets_on;
	struct rule_subset subsets[SUBSETS_MAX];
	size_t nsubsets;
	uint64_t subset_ns;	/* spent compiling them */
};

/* util.c */
int rules_reject(struct exh_rules *r, size_t fi, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
char *rules_strdup(const char *s);
char *rules_strndup(const char *s, size_t n);

/* iocs.c (iocs_empty_digests is in hashlist.c, iocs_is_mstic in mstic.c) */
int iocs_empty_digests(struct exh_rules *r, struct exh_err *err);
int iocs_parse(struct exh_rules *r, size_t fi, const char *text, size_t len,
    struct exh_err *err);
bool iocs_is_mstic(const char *text, size_t len);
int iocs_finish(struct exh_rules *r, struct exh_err *err);
void iocs_free(struct exh_rules *r);

/* ioc_text.c: the IOC files' common text handling. */
/* One line of a file, with CR and surrounding blanks removed. */
struct rules_line {
	const char *s;
	size_t n;
	size_t no;		/* 1-based */
};

/* The core line reader over one file's text; lines it refuses (too long,
 * a NUL byte) are rejected like any bad entry, and parsing goes on. */
struct rules_line_iter {
	struct exh_lines *lr;
	struct exh_rules *r;	/* NULL: skip refused lines silently */
	size_t fi;
};

/* One entry line of a described list, with the '#' comment above it. */
typedef int (*rules_entry_fn)(struct exh_rules *, size_t,
    const struct rules_line *, const char *, size_t);

bool rules_is_blank(char c);
void rules_trim(const char **s, size_t *n);
int rules_lines_begin(struct rules_line_iter *it, struct exh_rules *r,
    size_t fi, const char *name, const char *text, size_t len);
int rules_lines_next(struct rules_line_iter *it, struct rules_line *l);
bool rules_unhex(const char *s, size_t n, unsigned char *out);
size_t rules_hex_run(const char *s, size_t n);
bool rules_parse_score(const char *s, size_t n, int *out);
bool rules_looks_like_int(const char *s, size_t n);
int rules_parse_described(struct exh_rules *r, size_t fi, const char *text,
    size_t len, rules_entry_fn fn);
int rules_parse_lines(struct exh_rules *r, size_t fi, const char *text,
    size_t len, int (*fn)(struct exh_rules *, size_t, const struct rules_line *));

/* hashlist.c */
int rules_add_hash(struct exh_rules *r, size_t fi, size_t line, const char *hex,
    size_t hexlen, int score, const char *desc, size_t desclen);
int rules_parse_hashes(struct exh_rules *r, size_t fi, const char *text,
    size_t len);

/* pathioc.c */
int rules_parse_pathiocs(struct exh_rules *r, size_t fi, const char *text,
    size_t len);

/* pathlit.c, pathauto.c */
void pathlit_extract(const char *re, struct pathlit_set *out);
int pathauto_build(struct path_auto *a, const char *const *regexes, size_t n);
void pathauto_free(struct path_auto *a);
/* Sets the bit of every IOC whose literal path holds (bits: nwords). */
void pathauto_mark(const struct path_auto *a, const char *path,
    uint64_t *bits);

/* ioc_match.c: the regex IOCs over one path and its "path:stream" form;
 * every: one pcre2_match per IOC, without the automaton (tests compare). */
int rules_match_path_regexes(const struct exh_rules *r,
    const char *const *cand, size_t ncand, bool every,
    struct exh_finding *f, struct exh_err *err);

/* mstic.c */
int rules_parse_mstic(struct exh_rules *r, size_t fi, const char *text,
    size_t len);

/* datafiles.c */
int rules_filetype_line(struct exh_rules *r, size_t fi,
    const struct rules_line *l);
int rules_sid_line(struct exh_rules *r, size_t fi, const struct rules_line *l);

/* scoremap.c */
int rules_scoremap_line(struct exh_rules *r, size_t fi,
    const struct rules_line *l);
int rules_script_ext_line(struct exh_rules *r, size_t fi,
    const struct rules_line *l);
/* Links every YARA file to its score-map entry; EXH_OK or EXH_ENOMEM. */
int rules_scoremap_finish(struct exh_rules *r);
/* A rule's score after its file's score-map entry (positive scores). */
int rules_scoremap_apply(const struct exh_rules *r, size_t fi, int score);
void rules_scoremap_free(struct exh_rules *r);

/* prefilter.c: never fails for rules it does not understand (it stays
 * off and says why); EXH_OK or EXH_ENOMEM. */
int prefilter_build(struct exh_rules *r, bool disabled);

/* subset.c */
int subset_init(struct exh_rules *r);
void subset_free(struct exh_rules *r);
unsigned subset_get(struct exh_rules *r, uint64_t mask);
YR_RULES *subset_rules(struct exh_rules *r, unsigned idx);

/* yara_compiler.c */
int yara_compiler(YR_COMPILER **out);
int yara_compact(YR_RULES **rules);

/* yara.c */
int yara_build(struct exh_rules *r, const char *cache_dir,
    struct exh_err *err);

#endif /* EXHUME_RULES_INT_H */
