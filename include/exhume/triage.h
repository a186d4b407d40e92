/*
 * One triage from start to bundle: the API both front ends (CLI and UI)
 * drive.  Rules are loaded before any evidence is opened; sources are
 * opened read-only; the host profile says where Exchange and the web
 * roots are; the scope (or whole volumes) is scanned; Exchange/IIS logs
 * and event logs are analysed; outputs and the evidence bundle are built
 * from the result.  A triage handle is used by one thread at a time; the
 * file scan and the log analysis run on the scan module's worker pool,
 * and progress and notes are reported from the calling thread only.
 */
#ifndef EXHUME_TRIAGE_H
#define EXHUME_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/bundle.h"
#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/host.h"
#include "exhume/logscan.h"
#include "exhume/report.h"
#include "exhume/rules.h"
#include "exhume/scan.h"
#include "exhume/source.h"
#include "exhume/volume.h"

#define EXH_TRIAGE_MAX_PATHS 64

struct exh_triage_options {
	const char *rules_dir;		/* rules/ (scope, builds, log rules);
					   NULL: exh_data_rules_dir's */
	const char *cache_dir;		/* compiled-rule cache; NULL = none */
	bool no_default_rules;
	bool no_prefilter;		/* YARA reads every stream whole */
	bool no_logs;			/* no log or event-log analysis */
	bool no_history;		/* no change journal, no deleted
					   records */
	bool no_snapshots;		/* volume shadow copies not scanned
					   (their catalog is still counted) */
	const char *yara_paths[EXH_TRIAGE_MAX_PATHS];
	size_t n_yara;
	const char *ioc_paths[EXH_TRIAGE_MAX_PATHS];
	size_t n_ioc;
	bool full;			/* every stream of every volume */
	unsigned threads;		/* 0 = cores */
	uint64_t max_size;		/* 0 = scan default */
	int only_volume;		/* 1-based; 0 = all */
	const char *letters;		/* "--letter 2=D,..." */
	bool no_profile;		/* open volumes only (exhume files) */
	/* Parents of differencing images (exh_source_options). */
	const char *parents[EXH_TRIAGE_MAX_PATHS];
	size_t n_parents;
	/* The image files are hashed (SHA-256) on a thread of their own
	 * while the scan runs, unless this is set. */
	bool no_image_hash;
	/* After the scan, every source's logical disk is read whole and
	 * hashed; an E01's stored MD5/SHA-1 that differs is a finding. */
	bool verify_image;
	/* Case record. */
	const char *case_id, *evidence_id, *examiner, *notes;
	/* For a breach notification (GDPR Art. 33(3)), as the user wrote
	 * them: when the controller became aware, the measures taken, the
	 * categories of personal data concerned.  NULL or "" = not given. */
	const char *aware_since, *measures, *data_categories;
	const char *command_line;	/* for the record; never a secret */
	const char *firmware_notes_path; /* EXHUME_FIRMWARE_NOTES */
	/* Front-end hooks (all optional).  Strings are raw: escape them.
	 * Both are called on the thread that called exh_triage_open or
	 * exh_triage_run, never on a worker thread; progress about every
	 * 100 ms and at the end of each phase (see struct
	 * exh_scan_progress; the triage adds the phases "image-hash",
	 * what is left of the image files' hashing after the scan, and
	 * "verify-image", both in bytes). */
	void (*note)(void *ctx, const char *msg);
	void (*progress)(void *ctx, const struct exh_scan_progress *p);
	void *ctx;
	volatile int *cancel;		/* non-zero: stop, results partial */
};

struct exh_triage;

/* Creates an empty triage; opt's strings must outlive t. */
int exh_triage_create(const struct exh_triage_options *opt,
    struct exh_triage **out, struct exh_err *err);
void exh_triage_destroy(struct exh_triage *t);

/* Loads the rules (before any evidence is opened).  A rule set without a
 * single rule, hash or IOC is EXH_EUSAGE: nothing gets scanned.  The
 * status per rule file is in exh_triage_rules. */
int exh_triage_load_rules(struct exh_triage *t, struct exh_err *err);

/* Opens the sources read-only and their NTFS volumes, letters them and
 * builds the host profile.  A volume that cannot be opened becomes a run
 * note and a report entry; EXH_ENOTFOUND when no NTFS volume is left,
 * EXH_EFATAL when a source cannot be made read-only. */
int exh_triage_open(struct exh_triage *t, char *const *paths, size_t n,
    struct exh_err *err);

/* Scans the scope (or whole volumes) and the logs.  EXH_STOP when
 * cancelled (findings marked partial), EXH_EUSAGE without rules, else
 * EXH_OK or the first error. */
int exh_triage_run(struct exh_triage *t, struct exh_err *err);

const struct exh_rules *exh_triage_rules(const struct exh_triage *t);
const struct exh_profile *exh_triage_profile(const struct exh_triage *t);
const struct exh_findings *exh_triage_findings(const struct exh_triage *t);
size_t exh_triage_coverage_count(const struct exh_triage *t);
const struct exh_log_coverage *exh_triage_coverage(const struct exh_triage *t,
    size_t i);
size_t exh_triage_note_count(const struct exh_triage *t);
const char *exh_triage_note(const struct exh_triage *t, size_t i);
size_t exh_triage_volume_count(const struct exh_triage *t);
struct exh_volume *exh_triage_volume(const struct exh_triage *t, size_t i);

/* Process exit status by the CLI's rule: 1 findings >= warning,
 * 3 unreadable objects, streams above the size limit (searched only in
 * part), partial, or no stream and no log examined on any volume
 * ("nothing examined"), 0 clean. */
int exh_triage_verdict_status(const struct exh_triage *t);

/* Documents of the result, each a complete file. */
int exh_triage_summary_text(const struct exh_triage *t, struct exh_buf *out);
int exh_triage_findings_jsonl(const struct exh_triage *t, struct exh_buf *out);
int exh_triage_acquisition_json(const struct exh_triage *t,
    struct exh_buf *out);
/* report.html / report.txt without a bundle (lang "de"/"en"/NULL). */
int exh_triage_report(const struct exh_triage *t, const char *lang,
    bool html, struct exh_buf *out);
/*
 * One of those documents by its file name ("findings.jsonl",
 * "summary.txt", "acquisition.json", "timeline.csv", "report.html",
 * "report.txt"), handed to out in bounded pieces (exh_sink) so a run with
 * many findings never holds a whole document.  EXH_OK, EXH_EUSAGE
 * (unknown name or language), EXH_ENOMEM or what out->write returned.
 */
int exh_triage_document(const struct exh_triage *t, const char *name,
    const char *lang, struct exh_sink *out);

struct exh_triage_bundle_options {
	struct exh_bundle_options bundle; /* where and how (bundle.h) */
	const char *lang;		/* report language */
	/* Called per collected stream (done of total). */
	void (*progress)(void *ctx, size_t done, size_t total,
	    const char *winpath);
	void *ctx;
	/* Lower the collection cap to what the destination has free after
	 * room for the documents (exh_bundle_room), instead of failing for
	 * space: streams left out for it have the reason
	 * EXH_TRIAGE_SPACE_REASON, and notes say the cap and what was left
	 * out (exhume auto). */
	bool fit_space;
};

#define EXH_TRIAGE_SPACE_REASON "space: not enough free space on the " \
	"destination"


/* Bytes the bundle will need, estimated from the collection plan. */
int exh_triage_bundle_estimate(struct exh_triage *t, uint64_t max_collect,
    uint64_t *bytes, struct exh_err *err);

/* Collects flagged streams, logs, event logs, hives, configs and NTFS
 * metadata, adds findings.jsonl, summary.txt, acquisition.json,
 * timeline.csv, report.html and report.txt, writes and reads back the
 * bundle.  res gets its hash and counts.  On failure no file is left
 * under the final name and the scan results stay. */
int exh_triage_write_bundle(struct exh_triage *t,
    const struct exh_triage_bundle_options *bo, struct exh_bundle_result *res,
    struct exh_err *err);

#endif /* EXHUME_TRIAGE_H */
