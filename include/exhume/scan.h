/* The detection pipeline: walk a scope, read every stream once, hash, match rules. */
#ifndef EXHUME_SCAN_H
#define EXHUME_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "exhume/source.h"
#include "exhume/volume.h"

struct exh_scan_progress {
	uint64_t streams_done;
	uint64_t streams_total;	/* 0 if not counted */
	uint64_t bytes_done;
	const char *current_path;	/* raw; escape before printing */
	size_t by_level[4];	/* findings so far, by enum exh_level */
	const char *phase;	/* "counting", "scanning", "done"; the triage
				   adds "logs" (log files done/total) */
};

struct exh_scan_options {
	struct exh_rules *rules;
	unsigned threads;	/* 0 = number of cores */
	uint64_t max_size;	/* skip above; 0 = 100 MiB */
	size_t chunk;		/* single YARA buffer; larger streams are
				   scanned in chunks overlapping by 1 MiB;
				   0 = 16 MiB */
	unsigned timeout_sec;	/* per YARA call; 0 = 60 */
	bool count_first;	/* pre-walk to know the total */
	volatile int *cancel;	/* non-zero: stop cleanly, results partial */
	void (*progress)(void *ctx, const struct exh_scan_progress *p);
	void *progress_ctx;
};

/*
 * Scans every stream below each root (Windows paths on vol, with or
 * without drive letter; "\\" = whole volume).  The caller's vol is used
 * for the walk on the calling thread; each worker opens its own handle
 * with exh_volume_open(src, part) and the letter of vol.  Every stream
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
 * worker is one chunk; the work queue is bounded.  On cancel the walk
 * stops, queued work is dropped, out is marked partial ("cancelled") and
 * EXH_STOP is returned.  Returns EXH_OK, EXH_STOP, EXH_EUSAGE, EXH_ENOMEM
 * or the status of a worker volume that could not be opened.
 */
int exh_scan_volume(struct exh_source *src, int part, struct exh_volume *vol,
    const char *const *roots, size_t nroots,
    const struct exh_scan_options *opt, struct exh_findings *out,
    struct exh_err *err);

/* Threads a scan uses when asked for n: n, or the number of cores for 0,
 * at most 64.  The triage's log threads follow the same count. */
unsigned exh_scan_thread_count(unsigned n);

/* Values for the scope variables; NULL = unknown (lines using it are left
 * out).  Strings are Windows paths without a trailing backslash. */
struct exh_scope_vars {
	const char *exchange;	/* %EXCHANGE% */
	const char *webroot;	/* %WEBROOT% */
	const char *systemdrive;	/* %SYSTEMDRIVE%, "C:" */
	const char *windir;	/* %WINDIR%, "C:\\Windows" */
};

/*
 * Reads scope_file (one Windows path per line, '#' comments, variables
 * %EXCHANGE% %WEBROOT% %SYSTEMDRIVE% %WINDIR%, '*' within one component,
 * "default-exchange PATH" fall-back lines) and expands it for vol.  Lines
 * naming a drive letter other than vol's are left out.  *roots (malloc'd
 * array of malloc'd strings, free with exh_scope_free) gets the existing
 * directories and files, deduplicated case-insensitively, with roots
 * nested in another root removed, sorted.  EXH_OK, EXH_ENOTFOUND (no
 * scope file), EXH_EIO, EXH_EUSAGE (a malformed line: the message names
 * it) or EXH_ENOMEM.
 */
int exh_scope_expand(struct exh_volume *vol, const char *scope_file,
    const struct exh_scope_vars *vars, char ***roots, size_t *nroots,
    struct exh_err *err);

/*
 * The first "default-exchange" path of scope_file that exists on vol, in
 * *path (malloc'd), or EXH_ENOTFOUND when none does.
 */
int exh_scope_default_exchange(struct exh_volume *vol, const char *scope_file,
    char **path, struct exh_err *err);

void exh_scope_free(char **roots, size_t nroots);

#endif /* EXHUME_SCAN_H */
