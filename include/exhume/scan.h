/* The detection pipeline: the file scan and the log analysis, on one worker pool. */
#ifndef EXHUME_SCAN_H
#define EXHUME_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"
#include "exhume/host.h"
#include "exhume/logscan.h"
#include "exhume/rules.h"
#include "exhume/volume.h"

/*
 * Progress of a scan.  The callback is called on the thread that called
 * exh_scan_volume or exh_scan_logs, never on a worker: workers only add
 * to shared counters; the calling thread, which feeds the pool and waits
 * for it, reports about every 100 ms and once at the end.  Calls never
 * overlap.  The struct and its strings are borrowed for the call.
 */
struct exh_scan_progress {
	uint64_t streams_done;
	uint64_t streams_total;	/* 0 if not counted */
	uint64_t bytes_done;
	uint64_t bytes_total;	/* 0 if not known */
	const char *current_path;	/* raw; escape before printing; NULL
					   when there is none */
	size_t by_level[4];	/* findings so far, by enum exh_level */
	const char *phase;	/* "counting", "scanning", "done"; "logs"
				   for exh_scan_logs (log files done/total) */
};
/*
 * Bytes are those read, not file sizes: a stream above the size limit
 * counts its first and last chunk, a further name of a record and an
 * encrypted stream count nothing; in "logs", the log and event-log files
 * whose records are read.  streams_* count the streams (log files) whose
 * data is read.  "counting" (exh_scan_options.count_first) reads metadata
 * only; streams_total and bytes_total grow during it and are then fixed
 * for "scanning" and "done".  bytes_done reaches bytes_total when every
 * counted stream is done; it grows while a large stream is read.
 */

/*
 * Remaining time of one phase, by bytes.  Feed it every report with a
 * monotonic clock in seconds; a new phase or a new byte total starts a new
 * estimate.  The rate is the bytes read since the phase began over the
 * time since then.  There is no estimate in "counting" and "done",
 * without a byte total, or before EXH_SCAN_ETA_MIN_SECS seconds and
 * EXH_SCAN_ETA_MIN_PERMILLE of the phase's bytes were seen.
 */
#define EXH_SCAN_ETA_MIN_SECS		2.0
#define EXH_SCAN_ETA_MIN_PERMILLE	10
struct exh_scan_eta {
	char phase[16];
	uint64_t total;		/* bytes_total of the phase */
	double start;		/* first report of the phase */
	uint64_t start_bytes;
	double now;		/* last report */
	uint64_t done;
};

/* Zeroes e: no phase yet. */
void exh_scan_eta_init(struct exh_scan_eta *e);
void exh_scan_eta_update(struct exh_scan_eta *e,
    const struct exh_scan_progress *p, double now);
/* Seconds left in the phase, or -1 when there is no estimate. */
double exh_scan_eta_left(const struct exh_scan_eta *e);
/* Bytes per second in the phase so far; 0 before any time has passed. */
double exh_scan_eta_rate(const struct exh_scan_eta *e);
/* Seconds since the phase began. */
double exh_scan_eta_elapsed(const struct exh_scan_eta *e);

typedef void (*exh_scan_progress_fn)(void *ctx,
    const struct exh_scan_progress *p);

/*
 * Shadow copies scanned without scanning anything twice (dedupe.c).  The
 * live scan of a volume records every stream it read and hashed: MFT
 * reference and sequence, stream, size, SHA-256 of its first block (the
 * first min(64 KiB, chunk) bytes; only for streams above the chunk size)
 * and of the whole stream, 48 bytes each (SHA-256 cut to 128 bits), so
 * 48 MB per million streams once frozen (up to twice that while the live
 * scan grows it).  Then each store of that volume is scanned, the newest
 * first, with the frozen index: a stream with the same reference,
 * sequence, stream and size whose SHA-256 (for a stream above the chunk
 * size: first its first block's) matches the live one is not scanned
 * ("identical to live"); a content a newer store already scanned is not
 * scanned again ("identical to a newer snapshot"; 120 bits of SHA-256,
 * 16 bytes per content in a hash set).
 */
struct exh_scan_dedupe;

struct exh_scan_dedupe_counts {
	uint64_t recorded;	/* live streams in the index */
	uint64_t index_bytes;	/* its size once frozen */
	uint64_t identical_live;	/* store streams not scanned: as live */
	uint64_t identical_newer;	/* ... as in a newer store */
	uint64_t store_files;	/* VSS store files of the live volume not
				   scanned as files (read as shadow copies) */
};

int exh_scan_dedupe_create(struct exh_scan_dedupe **out,
    struct exh_err *err);
void exh_scan_dedupe_destroy(struct exh_scan_dedupe *d);
/* Ends the live scan's recording (sorts the index, cuts it to fit); the
 * stores are scanned after.  EXH_OK or EXH_EUSAGE. */
int exh_scan_dedupe_freeze(struct exh_scan_dedupe *d, struct exh_err *err);
/* Before each store: what it scans is "another store" to the next. */
void exh_scan_dedupe_next_store(struct exh_scan_dedupe *d);
/* The counts so far (cumulative). */
void exh_scan_dedupe_counts(struct exh_scan_dedupe *d,
    struct exh_scan_dedupe_counts *c);
/* Bytes per indexed live stream. */
size_t exh_scan_dedupe_entry_bytes(void);

struct exh_scan_options {
	struct exh_rules *rules;
	unsigned threads;	/* 0 = number of cores */
	uint64_t max_size;	/* skip above; 0 = 100 MiB */
	size_t chunk;		/* single YARA buffer; larger streams are
				   scanned in chunks overlapping by 1 MiB;
				   0 = 16 MiB */
	unsigned timeout_sec;	/* per YARA call; 0 = 60 */
	bool count_first;	/* pre-walk (metadata only) to know the
				   files and bytes to read */
	volatile int *cancel;	/* non-zero: stop cleanly, results partial */
	exh_scan_progress_fn progress;	/* on the calling thread; may be NULL */
	void *progress_ctx;
	/* NULL, or the volume's dedupe index: a live scan (snapshot false)
	 * records into it, and its VSS store files (System Volume
	 * Information\\{guid}{3808876b-...}) are not scanned as files, as
	 * its stores are read as shadow copies; a store's scan (snapshot
	 * true, after exh_scan_dedupe_freeze) skips what is identical. */
	struct exh_scan_dedupe *dedupe;
	bool snapshot;
};

/*
 * Scans every stream below each root (Windows paths on vol, with or
 * without drive letter; "\\" = whole volume).  The caller's vol is used
 * for the walk on the calling thread; each worker thread of the pool reads
 * through its own handle from exh_volume_clone(vol).  Every stream
 * (ADS included) is read once: hashed (SHA-256, MD5/SHA-1 when the rules
 * want them), YARA-scanned (streams above opt->chunk in overlapping
 * chunks), matched against hash lists (an allow-listed digest drops the
 * finding) and, per name, path IOCs.  A record with several names has
 * its data read under the first name only; later names get path IOCs
 * only.  Findings scoring >= 40 are added to out.
 *
 * Every stream not examined becomes a skip with reason "too-large",
 * "encrypted", "unreadable", "corrupt", "timeout", "reparse-point"
 * (recorded, never followed) or "cycle".  A root that does not exist is
 * not an error: it becomes a skip with reason "not-present" (not counted
 * as unreadable).  Stats are added to out.
 *
 * Results do not depend on opt->threads once out is sorted.  Memory per
 * worker is one chunk; the work queue is bounded.  Progress: see struct
 * exh_scan_progress.  On cancel the walk stops, queued work is dropped,
 * out is marked partial ("cancelled") and EXH_STOP is returned.  Returns
 * EXH_OK, EXH_STOP, EXH_EUSAGE, EXH_ENOMEM, the status of a worker volume
 * that could not be cloned, or the status of a worker's failure with its
 * cause ("worker: <path>: <why>").
 */
int exh_scan_volume(struct exh_volume *vol, const char *const *roots,
    size_t nroots, const struct exh_scan_options *opt,
    struct exh_findings *out, struct exh_err *err);

/* Threads a scan uses when asked for n: n, or the number of cores for 0,
 * at most 64.  exh_scan_logs uses the same count (at most one per file). */
unsigned exh_scan_thread_count(unsigned n);

/* What the scan of deleted records' content saw on one volume. */
struct exh_scan_deleted_result {
	uint64_t listed;	/* names of deleted records on the volume */
	uint64_t in_scope;	/* files among them in the roots given */
	uint64_t scanned;	/* content read and scanned */
	uint64_t resident;	/* of those: data in the record */
	uint64_t free;		/* of those: clusters still free */
	uint64_t overwritten;	/* a cluster taken by a live file: not read */
	uint64_t no_data;	/* no $DATA, or in another record */
	uint64_t unknown;	/* $Bitmap cannot tell, runlist damaged */
	uint64_t refused;	/* compressed, encrypted, reused, unreadable */
	uint64_t findings;
};

/*
 * Scans what survives of deleted files on vol with the engine of the live
 * scan (YARA with the same externals from the rebuilt path, hash IOCs,
 * path IOCs) on the same kind of worker pool: the unnamed $DATA of every
 * deleted file whose rebuilt path lies under one of roots ("C:\inetpub",
 * "\inetpub", a prefix match; "\" or all = every record), when it is
 * resident or all its clusters are still free.  Overwritten content is
 * counted, never read as the file's.  Findings carry origin "deleted" and
 * a reason saying which content was read ("content resident", "content
 * free (may be partial)").  A compressed, encrypted or unreadable record
 * becomes a skip with reason "deleted-content".  res is zeroed first.
 * Statuses as exh_scan_volume.
 */
int exh_scan_deleted(struct exh_volume *vol, const char *const *roots,
    size_t nroots, bool all, const struct exh_scan_options *opt,
    struct exh_findings *out, struct exh_scan_deleted_result *res,
    struct exh_err *err);

/* What the log and event-log analysis of a host needs. */
/* The parts of a host's logs: the event log folder, and the Exchange
 * Logging and IIS folders (the web part; it matches requests against the
 * flagged files, so it runs after every file scan). */
#define EXH_LOGS_EVENTS	1u
#define EXH_LOGS_WEB	2u

struct exh_scan_logs_input {
	struct exh_volume *vol;		/* the system volume (IIS default log
					   folder, event logs); NULL when no
					   volume holds the SYSTEM hive */
	struct exh_volume *const *vols;	/* every opened volume, lettered:
					   the Exchange folder, an IIS site's
					   logs may be on any of them */
	size_t nvols;
	const char *install_dir;	/* the Exchange folder with its drive
					   letter and a trailing backslash,
					   on whichever volume has that
					   letter; NULL = none */
	const char *event_log_dir;	/* winevt\Logs with its drive letter;
					   NULL = vol's \Windows\System32\
					   winevt\Logs */
	const struct exh_iis_site *sites;	/* their log folders */
	size_t nsites;
	const char *const *iis_log_dirs;	/* more W3C log folders with
						   their drive letters (an
						   inetpub found by its
						   layout) */
	size_t niis_log_dirs;
	const struct exh_iis_vdir *vdirs;	/* URLs of flagged files */
	size_t nvdirs;
	const struct exh_findings *flagged;	/* file findings (notice and
						   up) from the file scan */
	const char *rules_dir;		/* rules/logs and rules/events */
	struct exh_volume *live;	/* vols are one shadow copy of this
					   live volume: a log whose live file
					   (same MFT reference) is at least as
					   long with the same first 64 KiB is
					   not read (the live one holds its
					   lines); NULL = live volumes */
	unsigned parts;			/* EXH_LOGS_EVENTS, EXH_LOGS_WEB or
					   both; 0 = both */
	unsigned threads;		/* 0 = number of cores */
	volatile int *cancel;		/* non-zero: the logs left are
					   recorded as skips "cancelled" */
	exh_scan_progress_fn progress;	/* phase "logs", calling thread */
	void *progress_ctx;
};

/* What it found besides findings and skips.  Everything is malloc'd and
 * freed by exh_scan_logs_result_free. */
struct exh_scan_logs_result {
	struct exh_log_coverage *cov;	/* per family with files, enum order */
	size_t ncov;
	struct exh_update_event *updates;	/* MsiInstaller records, in
						   file order */
	size_t nupdates;
	struct exh_msg *notes;		/* run notes, in order */
	size_t nnotes;
	uint64_t logs_in_live;		/* with in->live: logs not read, as
					   the live volume holds their lines */
	uint64_t *read_per_vol;		/* log files read whole, by index of
					   in->vols (in->nvols entries; NULL
					   when nvols is 0) */
};

/*
 * The log and event-log analysis of a host: finds the Exchange logs
 * below in->install_dir "Logging" (on the volume with its letter), the IIS
 * W3C logs (the system volume's default folder, every site's and
 * in->iis_log_dirs, on whichever volume has its letter; a folder that does
 * not exist is passed over silently only for in->iis_log_dirs) and the
 * event logs in
 * in->event_log_dir; then reads every file once on the worker pool, each
 * worker with its own logscan and events handles and its own volume
 * clones, the largest files first.  IIS requests to files in in->flagged
 * under in->vdirs are findings of their own.  Findings and skips (damaged
 * records, unreadable files, an event log over 1 GiB) go to out; coverage,
 * update events, notes and the files read per volume go to res (zeroed
 * first), merged in file order so the result does not depend on
 * in->threads.  res is filled as far as the run got even on failure; the
 * coverage only on success.  Returns EXH_OK, EXH_ENOMEM, EXH_EUSAGE, the
 * status of a log or event rule set that cannot be loaded, or EXH_EFATAL
 * when no thread can start.
 */
int exh_scan_logs(const struct exh_scan_logs_input *in,
    struct exh_findings *out, struct exh_scan_logs_result *res,
    struct exh_err *err);
/* Frees what res holds and zeroes it; accepts NULL. */
void exh_scan_logs_result_free(struct exh_scan_logs_result *res);

/* Values for the scope variables; NULL = unknown (lines using it are left
 * out).  Strings are Windows paths with a drive letter and without a
 * trailing backslash; each expanded line applies on the volume its letter
 * names. */
struct exh_scope_vars {
	const char *exchange;	/* %EXCHANGE% */
	const char *const *webroots;	/* %WEBROOT%: the line is repeated
					   once per path */
	size_t nwebroots;
	const char *systemdrive;	/* %SYSTEMDRIVE%, "C:" */
	const char *windir;	/* %WINDIR%, "C:\\Windows" */
};

/*
 * Reads scope_file (one Windows path per line, '#' comments, variables
 * %EXCHANGE% %WEBROOT% %SYSTEMDRIVE% %WINDIR%, '*' within one component,
 * "default-exchange PATH" fall-back lines, "structure" lines, see
 * exh_scope_structure) and expands it for vol.  Lines naming a drive
 * letter other than vol's are left out.  *roots (malloc'd array of
 * malloc'd strings, free with exh_scope_free) gets the existing
 * directories and files, deduplicated case-insensitively, with roots
 * nested in another root removed, sorted.  EXH_OK, EXH_ENOTFOUND (no
 * scope file), EXH_EIO, EXH_EUSAGE (a malformed line: the message names
 * it) or EXH_ENOMEM.
 */
int exh_scope_expand(struct exh_volume *vol, const char *scope_file,
    const struct exh_scope_vars *vars, char ***roots, size_t *nroots,
    struct exh_err *err);

/* What a search by structure found on one volume (exh_scope_structure);
 * free with exh_scope_structure_free. */
struct exh_scope_found {
	char **roots;		/* with drive letter, sorted, deduplicated */
	size_t nroots;
	int depth;		/* the depth searched to */
	uint64_t dirs;		/* directories listed */
	uint64_t damaged;	/* entries that could not be read (not
				   descended into) */
	char **damaged_paths;	/* the first EXH_SCOPE_DAMAGED_NAMED of them */
	size_t ndamaged_paths;
};
#define EXH_SCOPE_DAMAGED_NAMED 16

/*
 * The web roots of vol found by the layout alone, for a volume that holds
 * no root of the scope (no registry value points to it): the "structure"
 * lines of scope_file.  "structure NAME[\\NAME...]" is a directory whose
 * last components are these names ('*' within one), searched for to
 * "structure-depth N" levels below the volume root (default 4, 1..16), so
 * a large data volume is not walked file by file; a line starting with
 * '\\' names one path from the volume root.  A directory found is not
 * searched further; reparse points are not followed.  *found is zeroed
 * first and filled as far as the search got.  EXH_OK, EXH_ENOTFOUND (no
 * scope file), EXH_EUSAGE (a malformed line), EXH_ENOMEM, or EXH_EIO /
 * EXH_ECORRUPT when the volume's root cannot be listed.
 */
int exh_scope_structure(struct exh_volume *vol, const char *scope_file,
    struct exh_scope_found *found, struct exh_err *err);
void exh_scope_structure_free(struct exh_scope_found *found);

/*
 * The first "default-exchange" path of scope_file that exists on vol, in
 * *path (malloc'd), or EXH_ENOTFOUND when none does.
 */
int exh_scope_default_exchange(struct exh_volume *vol, const char *scope_file,
    char **path, struct exh_err *err);

void exh_scope_free(char **roots, size_t nroots);

/*
 * The exposure-window check: when the installed build was exposed to a CVE
 * family (exposure_tsv: rules/exposure.tsv) from a date before the oldest
 * HttpProxy or IIS log row in cov, a host finding logs/coverage-gap goes to
 * out and a note to *notes: a clean log result then means no evidence, not
 * no exploitation.  A missing or unreadable exposure_tsv adds nothing.
 * EXH_OK, EXH_ENOMEM, EXH_EUSAGE (a gap text too long).
 */
int exh_scan_coverage_gaps(const struct exh_profile *p,
    const struct exh_log_coverage *cov, size_t ncov, const char *exposure_tsv,
    struct exh_findings *out, struct exh_msg **notes, size_t *nnotes,
    struct exh_err *err);

#endif /* EXHUME_SCAN_H */
