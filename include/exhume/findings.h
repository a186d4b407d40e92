/* Findings: the record every analyser produces, scoring, and the collector. */
#ifndef EXHUME_FINDINGS_H
#define EXHUME_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "exhume/core.h"

enum exh_level {
	EXH_LEVEL_INFO = 0,	/* below notice: kept, not counted as a hit */
	EXH_LEVEL_NOTICE = 1,
	EXH_LEVEL_WARNING = 2,
	EXH_LEVEL_ALERT = 3,
};

enum exh_finding_kind {
	EXH_FIND_FILE = 0,	/* a stream on a volume */
	EXH_FIND_LOG = 1,	/* a line in a text log */
	EXH_FIND_EVENT = 2,	/* a record in an .evtx file */
	EXH_FIND_HOST = 3,	/* configuration or registry state */
};

/* One reason a finding was raised.  All strings are owned, raw (unescaped). */
struct exh_reason {
	char *kind;		/* "yara", "hash", "path", "heuristic", "log",
				   "event", "config" */
	char *name;		/* rule name, list file:line, check id */
	int score;		/* may be negative (path IOC false-positive) */
	char *description;
	char *reference;
	char *detail;		/* matched strings with offsets, IOC line ... */
};

struct exh_kv {
	char *key;
	char *value;
};

/* One sample of a grouped finding: a log line (raw) and where it was. */
struct exh_sample {
	uint64_t line;
	int64_t time;
	char *text;
};

#define EXH_GROUP_SAMPLES	5	/* sample lines kept per group */
#define EXH_GROUP_CLIENTS	16	/* client addresses kept per group */

/* A finding.  Strings are owned by the finding, may be NULL, and are raw:
 * escape them at the output boundary. */
struct exh_finding {
	char id[16];		/* "F0001", assigned by exh_findings_sort */
	int level;		/* enum exh_level */
	int score;		/* 0..100, THOR formula over reasons */
	int kind;		/* enum exh_finding_kind */
	char *check;		/* check id, e.g. "CVE-2021-26855/test-proxylogon" */

	/* Where: files (kind FILE) and the log/evtx file itself; owned. */
	struct exh_fileref file;
	char md5[33];		/* "" when not computed */
	char sha1[41];
	char sha256[65];
	char *owner;		/* account name of a well-known owner SID, else
				   the SID; "" or NULL when unknown */

	/* What: log lines and events. */
	uint64_t line;		/* 1-based; 0 when not a log line */
	uint64_t record;	/* evtx record number; 0 when none */
	int64_t time;		/* FILETIME of the logged event, 0 if none */
	char *client_ip;
	char *excerpt;		/* the log line or event data (raw) */
	struct exh_kv *fields;
	size_t nfields;

	struct exh_reason *reasons;
	size_t nreasons;

	/* Aggregation (findings/group.c): count 0 is a single hit; above 1,
	 * the finding stands for count hits sharing check, file and target. */
	uint64_t count;
	int64_t first, last;	/* FILETIME of the first and last hit */
	char **clients;		/* distinct client addresses, at most
				   EXH_GROUP_CLIENTS */
	size_t nclients;
	bool clients_cut;	/* more distinct clients than listed */
	struct exh_sample *samples;	/* at most EXH_GROUP_SAMPLES */
	size_t nsamples;
	char *grouped;		/* what the hits share, e.g. "client and URI";
				   NULL for a single hit */

	/* Where the evidence came from: NULL for the live volume, else
	 * "snapshot" (file.path names the store's volume, "C:@{guid}\\..."),
	 * "deleted" (an MFT record no longer in use) or "journal" (only the
	 * $UsnJrnl remembers it).  origin_time: the snapshot's creation
	 * time (FILETIME), 0 otherwise. */
	char *origin;
	int64_t origin_time;
};

/* Allocates an empty finding (kind FILE, level INFO); NULL on ENOMEM. */
struct exh_finding *exh_finding_new(int kind);
void exh_finding_free(struct exh_finding *f);
/* Deep copy; NULL on ENOMEM. */
struct exh_finding *exh_finding_dup(const struct exh_finding *f);

/* Setters copy their strings; they return EXH_OK or EXH_ENOMEM. */
int exh_finding_set(char **field, const char *value);
int exh_finding_add_reason(struct exh_finding *f, const char *kind,
    const char *name, int score, const char *description,
    const char *reference, const char *detail);
int exh_finding_add_field(struct exh_finding *f, const char *key,
    const char *value);

/* Adds client to f's bounded client list (no duplicates). */
int exh_finding_add_client(struct exh_finding *f, const char *client);
/* Adds a sample line while f holds fewer than EXH_GROUP_SAMPLES. */
int exh_finding_add_sample(struct exh_finding *f, uint64_t line, int64_t time,
    const char *text);

/* Recomputes score and level from the reasons (THOR formula). */
void exh_finding_rescore(struct exh_finding *f);

/*
 * THOR's scoring: sub-scores sorted descending, negative ones subtracted
 * afterwards, total = 100 * (1 - prod(1 - s_i/100/2^i)), capped to 0..100.
 */
int exh_score_combine(const int *scores, size_t n);
/* notice >= 40, warning >= 60, alert >= 80 with one sub-score > 75. */
int exh_level_for(int total, const int *scores, size_t n);
const char *exh_level_name(int level);	/* "info", "notice", ... */
int exh_level_parse(const char *name);	/* -1 when unknown */
const char *exh_finding_kind_name(int kind);

/* One JSON object (no newline) describing f; strings escaped. */
int exh_finding_to_json(const struct exh_finding *f, struct exh_buf *out);

/* An object that could not be examined, and why.  Never dropped silently. */
struct exh_skip {
	char *path;		/* Windows form or log file path */
	char *stream;
	uint64_t mft;
	uint64_t size;
	char *reason;		/* "too-large", "encrypted", "unreadable",
				   "corrupt", "timeout", "reparse-point" ... */
	char *detail;		/* the error message */
};

/* Counters every run prints. */
struct exh_stats {
	uint64_t streams_seen;
	uint64_t streams_scanned;
	uint64_t bytes_scanned;
	uint64_t streams_skipped;	/* by policy: size cap, reparse, ... */
	uint64_t streams_unreadable;	/* errors: corrupt, I/O, encrypted */
	uint64_t log_files;
	uint64_t log_lines;
	uint64_t events;
};

/*
 * The collector.  Thread-safe: analysers may add from several threads.
 * exh_findings_sort orders by level, score (both descending), then path,
 * stream, file line and record, so output is identical for any thread
 * count, and assigns ids F0001...
 */
struct exh_findings;

int exh_findings_create(struct exh_findings **out, struct exh_err *err);
void exh_findings_destroy(struct exh_findings *c);
/* Takes ownership of f (also on failure, when it is freed). */
int exh_findings_add(struct exh_findings *c, struct exh_finding *f,
    struct exh_err *err);
/* Records an object not examined; the same skip (path, stream, MFT
 * record, reason, detail) reported by two analysers is listed once. */
int exh_findings_add_skip(struct exh_findings *c, const char *path,
    const char *stream, uint64_t mft, uint64_t size, const char *reason,
    const char *detail, struct exh_err *err);
void exh_findings_sort(struct exh_findings *c);
size_t exh_findings_count(const struct exh_findings *c);
const struct exh_finding *exh_findings_get(const struct exh_findings *c,
    size_t i);
size_t exh_findings_skip_count(const struct exh_findings *c);
const struct exh_skip *exh_findings_skip(const struct exh_findings *c,
    size_t i);
/* Counts by level: counts[EXH_LEVEL_INFO..EXH_LEVEL_ALERT]. */
void exh_findings_level_counts(const struct exh_findings *c,
    size_t counts[4]);
/* Stats are updated under the collector's lock. */
void exh_findings_stats_add(struct exh_findings *c,
    const struct exh_stats *delta);
struct exh_stats exh_findings_stats(const struct exh_findings *c);
/* Marks the results partial (cancelled or a fatal volume error). */
void exh_findings_set_partial(struct exh_findings *c, const char *why);
const char *exh_findings_partial(const struct exh_findings *c);

/*
 * Aggregation of repeated hits, for every analyser (findings/group.c).  A
 * table of at most `cap` groups; a hit joins the group of its check and
 * key (the target the caller chose: client and URI, ...), so repeated
 * hits are one finding with count, first/last time, clients and samples.
 * Per check at most `per_check` keys get a group of their own; further
 * keys, and every new key once the table is full, fold into the check's
 * "other" group, which still counts.  Memory is bounded by cap, the key
 * length limit and the sample limits, whatever the input.
 */
struct exh_group_table;

#define EXH_GROUP_KEY_MAX	512	/* longer keys are compared cut */

/* target names what a key stands for ("client and URI"); not copied. */
int exh_group_create(size_t cap, size_t per_check, const char *target,
    struct exh_group_table **out, struct exh_err *err);
void exh_group_destroy(struct exh_group_table *t);
/* Takes ownership of f (scored, f->check set), also on failure. */
int exh_group_add(struct exh_group_table *t, const char *key,
    struct exh_finding *f, struct exh_err *err);
/* Hands every group to c as one finding and empties the table. */
int exh_group_flush(struct exh_group_table *t, struct exh_findings *c,
    struct exh_err *err);

#endif /* EXHUME_FINDINGS_H */
