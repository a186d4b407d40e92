/* Private to src/scan: the worker pool, the file scan's parts and the log pipeline's parts. */
#ifndef EXHUME_SCAN_INT_H
#define EXHUME_SCAN_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "exhume/events.h"
#include "exhume/logscan.h"
#include "exhume/scan.h"

/* ---- the worker pool (pool.c) ------------------------------------------ */

struct pool;
/* One thread of a pool: its index and its own volume handles. */
struct pool_worker;

/*
 * What a pool runs.  Items are item_size bytes, copied into the queue by
 * pool_push and handed to work on a worker thread.  A status other than
 * EXH_OK from work (with err's message) stops the pool: the items still
 * queued are dropped and pool_finish returns it.  After *cancel becomes
 * non-zero, items are handed to cancelled (when set) instead of work.
 * item_free (when set) runs for every item, worked on or dropped.
 * tick runs on the calling thread only, inside pool_push and pool_finish,
 * about every 100 ms: it is where progress is delivered.
 */
struct pool_config {
	unsigned nthreads;
	size_t item_size;
	size_t queue_cap;	/* items; 0 = 4 per thread */
	int (*work)(void *ctx, struct pool_worker *w, void *item,
	    struct exh_err *err);
	void (*cancelled)(void *ctx, struct pool_worker *w, void *item);
	void (*item_free)(void *item);
	void (*tick)(void *ctx);
	void *ctx;
	volatile int *cancel;
};

/* A pool with cfg->nthreads workers, not started yet.  EXH_ENOMEM,
 * EXH_EUSAGE. */
int pool_create(const struct pool_config *cfg, struct pool **out,
    struct exh_err *err);
unsigned pool_threads(const struct pool *p);
/* Worker i (0 .. pool_threads - 1), to prepare its state before start. */
struct pool_worker *pool_worker(struct pool *p, unsigned i);
unsigned pool_worker_index(const struct pool_worker *w);
/*
 * The worker's own handle on vol: cloned (exh_volume_clone) on first use
 * and kept until pool_destroy.  Call it from the worker's thread, or from
 * the calling thread before pool_start.
 */
int pool_volume(struct pool_worker *w, struct exh_volume *vol,
    struct exh_volume **out, struct exh_err *err);
/* Starts the threads.  When some cannot start, the others do all the
 * work; EXH_EFATAL when none starts. */
int pool_start(struct pool *p, struct exh_err *err);
/* Queues a copy of item (after pool_start), waiting while the queue is
 * full.  Returns the pool's failure status once a worker has failed (the
 * caller should stop feeding it), else EXH_OK.  With no thread left the
 * item is dropped and the status is the failure, or EXH_EFATAL. */
int pool_push(struct pool *p, void *item);
/* No more items: waits until every queued item is done, ticking, and
 * joins the threads.  Returns EXH_OK or the first worker failure (err
 * gets its message). */
int pool_finish(struct pool *p, struct exh_err *err);
/* Finishes when needed, frees queued items, closes the workers' volume
 * handles.  Accepts NULL. */
void pool_destroy(struct pool *p);

/* ---- the file scan (scan.c, examine.c) --------------------------------- */

/* One stream to examine (or, with path_only, one more name of a record). */
struct scan_item {
	struct exh_fileref file;	/* owned; owner_sid "" when the
					   descriptor could not be read */
	bool path_only;
	bool deleted;			/* a free MFT record's data */
	int content;			/* deleted: enum exh_deleted_content */
};

/* What one worker thread owns besides its volume handle. */
struct scan_worker {
	struct exh_matcher *matcher;
	struct exh_hasher *hasher;
	struct exh_hasher *head_hasher;	/* first blocks, with a dedupe */
	unsigned char *buf;
	struct exh_buf decoded;	/* a page's VBScript.Encode blocks decoded */
	struct exh_stats stats;
};

struct file_scan {
	struct exh_volume *vol;
	const struct exh_scan_options *opt;
	struct exh_rules *rules;
	struct exh_findings *out;
	uint64_t max_size;
	size_t chunk;
	/* IIS script extensions for the iis_script external: the shipped
	 * list plus this volume's applicationHost.config mappings. */
	struct exh_buf script_exts;
	unsigned timeout;
	bool md5, sha1;
	struct pool *pool;
	struct scan_worker *workers;	/* by pool worker index */
	/* Walker-side state (calling thread only). */
	struct exh_set64 linked;	/* records with several names, queued */
	struct exh_set64 counted;	/* the same, while counting */
	struct timespec last_count_report;
	struct exh_stats wstats;
	const char *walking;	/* path of the entry being queued */
	struct exh_err werr;	/* why the walk failed */
	int rc;			/* first fatal status of the walk */
	bool stopped;		/* a worker failed: walk no further */
	struct exh_err *err;
	/* Counters the workers add to, under plock. */
	pthread_mutex_t plock;
	struct exh_scan_progress prog;
	/* The deleted-content scan (deleted.c): NULL for the live one. */
	struct exh_scan_deleted_result *dres;
	const char *const *droots;
	size_t ndroots;
	bool dall;			/* every deleted record */
};

void scan_item_free(void *item);
/* Bytes examining a stream of this size reads: all of it, or its first
 * and last chunk above the size limit.  What progress counts. */
uint64_t scan_read_budget(const struct file_scan *s, uint64_t size);
/* Counts and records a stream not examined.  EXH_OK or the collector's
 * failure (err). */
int scan_add_skip(struct file_scan *s, const struct scan_item *it,
    const char *reason, const char *detail, struct exh_stats *st,
    bool unreadable, struct exh_err *err);
/* Runs a scan set up in s (vol, opt, rules, out, err, dres): the live
 * walk of roots, or the deleted records when s->dres is set. */
int scan_run(struct file_scan *s, const char *const *roots, size_t nroots,
    struct exh_err *err);
/* deleted.c: queues the deleted records in scope onto s->pool. */
int scan_feed_deleted(struct file_scan *s, struct exh_err *err);
/* deleted.c: a deleted item's data could not be read as its content:
 * counted under why (and a skip for the record).  EXH_OK or the
 * collector's failure. */
int scan_deleted_refused(struct file_scan *s, const struct scan_item *it,
    const char *why, const char *detail, struct exh_err *err);
/* deleted.c: a finding on deleted content says where it came from. */
int scan_deleted_mark(const struct scan_item *it, struct exh_finding *f);

/* The pool's work: examines one struct scan_item. */
int scan_examine(void *ctx, struct pool_worker *w, void *item,
    struct exh_err *err);

/* ---- shadow-copy dedupe (dedupe.c) ------------------------------------ */

#define DEDUPE_HEAD		((size_t)64 << 10)	/* first block */

enum { DEDUPE_IDENTICAL_LIVE, DEDUPE_IDENTICAL_NEWER, DEDUPE_STORE_FILE };

struct dedupe_entry;

/* The first n bytes of the hex digest hex into out; false when it is not
 * hex (the stream was not hashed). */
bool dedupe_hex_bytes(const char *hex, unsigned char *out, size_t n);
/* Records a live stream (head NULL: its first block is not needed).
 * EXH_OK, EXH_ENOMEM, EXH_EUSAGE (frozen). */
int dedupe_record(struct exh_scan_dedupe *d, const struct exh_fileref *f,
    const unsigned char head[8], const char *sha256);
/* The live entry with f's reference, sequence, stream and size; NULL. */
const struct dedupe_entry *dedupe_live(const struct exh_scan_dedupe *d,
    const struct exh_fileref *f);
bool dedupe_same_head(const struct dedupe_entry *e,
    const unsigned char head[8]);
bool dedupe_same_sha(const struct dedupe_entry *e, const char *sha256);
/* *seen: another store scanned this content; else it is recorded as
 * this store's.  EXH_OK or EXH_ENOMEM. */
int dedupe_store_seen(struct exh_scan_dedupe *d, const char *sha256,
    bool *seen);
void dedupe_count(struct exh_scan_dedupe *d, int what);
/* A VSS store file (or the catalog) below System Volume Information. */
bool dedupe_is_store_file(const char *path);

/* ---- the log pipeline (logs.c, logfind.c, logfile.c) ------------------- */

struct log_file {
	char *path;
	uint64_t mft;
	uint16_t seq;
	uint64_t size;
	int family;		/* enum exh_log_family; UNKNOWN = by path */
	struct exh_volume *vol;	/* where it is: IIS may log to another one */
	size_t vol_index;	/* vol's index in the input's vols, or
				   SIZE_MAX */
	/* Results of this file, merged in file order. */
	struct exh_msg *note;	/* what an event log held, or NULL */
	bool other_evtx;	/* an event log of no known kind, read */
	uint64_t other_records;	/* its records */
	struct exh_update_event *updates;
	size_t nupdates;
};

struct log_list {
	struct log_file *files;
	size_t n;
	int hint;		/* family of W3C files in the folder walked */
	struct exh_volume *vol;	/* the volume walked */
	size_t vol_index;	/* its index in the input's vols */
	struct exh_findings *fs;	/* damaged entries become skips */
	struct exh_scan_logs_result *res;	/* notes go here */
	int rc;			/* the first failure while finding */
	struct exh_err err;
};

/* logfind.c: every log file of in's volumes into l, in walk order; notes
 * about missing folders go to l->res.  EXH_OK or EXH_ENOMEM. */
int log_find(const struct exh_scan_logs_input *in, struct log_list *l,
    struct exh_err *err);
/* Appends a copy of a formatted note to res.  EXH_OK or EXH_ENOMEM. */
int log_note(struct exh_scan_logs_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* IIS requests to files flagged in in->flagged are findings of their own. */
void log_register_flagged(const struct exh_scan_logs_input *in,
    struct exh_logscan *ls);

/* logfile.c: one file through the checks of its family (a text log to
 * ls; family is not UNKNOWN) or an event log to ev, the per-file note (a
 * record count and time span) into f->note; *read says whether it was
 * read (a damaged event log read in part counts).  A file that cannot be
 * read becomes a skip in fs; the status is then EXH_OK.  Otherwise
 * EXH_ENOMEM or the collector's failure (err says why). */
int log_scan_text(struct exh_volume *vol, struct exh_logscan *ls,
    int family, const struct log_file *f, struct exh_findings *fs,
    bool *read, struct exh_err *err);
int log_scan_evtx(struct exh_volume *vol, struct exh_events *ev,
    struct log_file *f, struct exh_findings *fs, bool *read,
    struct exh_err *err);
/* The event logs whose records the checks read. */
bool log_wanted_evtx(const char *path);

/* logsnap.c: drops from l the logs of a shadow copy the live volume
 * in->live holds whole (see exh_scan_logs_input live). */
int log_drop_in_live(const struct exh_scan_logs_input *in,
    struct log_list *l, struct exh_scan_logs_result *res,
    struct exh_err *err);

#endif /* EXHUME_SCAN_INT_H */
