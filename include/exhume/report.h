/* Outputs built from a triage: the timeline and the investigation report. */
#ifndef EXHUME_REPORT_H
#define EXHUME_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/history.h"
#include "exhume/host.h"
#include "exhume/logscan.h"
#include "exhume/rules.h"
#include "exhume/source.h"

/*
 * timeline.csv in Timesketch's columns (message, datetime, timestamp,
 * timestamp_desc, plus level, score, check, path): one row per dated log
 * or event finding and one per $STANDARD_INFORMATION and $FILE_NAME time
 * of every flagged file, oldest first, so the story (SSRF, OAB reset, web
 * shell written, first request to it) reads top to bottom.  Every field is
 * CSV-escaped with the formula guard.  Returns EXH_OK or EXH_ENOMEM.
 */
int exh_report_timeline_csv(const struct exh_findings *fs, struct exh_buf *out);
/* The same, handed to out in bounded pieces (exh_sink); EXH_OK, EXH_ENOMEM
 * or what out->write returned. */
int exh_report_timeline_csv_to(const struct exh_findings *fs,
    struct exh_sink *out);

/* One examined source device with its read-only record. */
struct exh_report_source {
	const char *path;		/* "/dev/sda", "server.img" */
	const char *model, *serial;	/* NULL: not a listed disk (images) */
	const char *table;		/* "gpt", "dos", "" */
	const struct exh_partition *partitions;
	size_t npartitions;
	uint64_t size;
	const struct exh_ro_state *ro;
	/* The container: format, files with their SHA-256, the E01
	 * acquisition record and unread ranges; NULL: not recorded. */
	const struct exh_source *src;
	const char *image_hash_note;	/* no SHA-256 for the files: why */
	const struct exh_image_check *check;	/* --verify-image; NULL */
	const char *check_note;		/* check incomplete: why; NULL */
};

/* One NTFS volume that was opened (or could not be: error != NULL). */
struct exh_report_volume {
	const char *source_path;
	int partition;			/* 0 = whole source */
	char letter;			/* 'C'; '?' when not opened */
	uint64_t size;
	const char *label;		/* raw; may be attacker-chosen */
	const char *serial;		/* NTFS serial, "" unknown */
	bool system;			/* has \Windows */
	const char *flags;		/* "dirty", "hibernated", ""... */
	const char *error;		/* NULL when it was opened */
	/* What the run examined on it; counted false: not recorded. */
	bool counted;
	uint64_t streams;		/* streams read and scanned */
	uint64_t logs;			/* log files read */
	const char *not_examined;	/* no stream and no log: why; NULL */
	const char *letter_source;	/* "MountedDevices", "default order",
					   "--letter"; NULL when not known */
	/* Its change journal, deleted records, shadow copies and the
	 * exposure windows' coverage; NULL: history not read. */
	const struct exh_history_result *history;
};

/* One stream or document in the evidence bundle. */
struct exh_report_collected {
	const char *entry;		/* name in the zip */
	const char *winpath;		/* raw original path; NULL for documents */
	const char *stream;		/* "" = unnamed */
	uint64_t size;
	const char *sha256;		/* hex; "" when not stored */
	const char *reason;		/* "finding", "iis-log", "hive", ... */
	const char *status;		/* "collected", "left-out", "incomplete" */
	const char *why;		/* NULL unless left out / incomplete */
};

/*
 * Everything the investigation record shows.  Strings are raw (possibly
 * attacker-chosen) and escaped by the report.  Pointers may be NULL or
 * counts 0 where a part was not done (no bundle: collected == NULL).
 */
struct exh_report_input {
	const char *lang;		/* "de" or "en"; NULL = exh_i18n_lang() */
	const char *case_id, *evidence_id, *examiner, *notes;
	/* GDPR Art. 33(3) facts as given; NULL or "" = to be completed. */
	const char *aware_since, *measures, *data_categories;
	int64_t started, ended;		/* FILETIME, UTC */
	const char *command_line;	/* or "exhume tui" */
	const char *exhume_sha256;	/* of the running binary */
	bool full_scan;			/* whole volumes, not the triage scope */
	const char *const *scope;	/* roots examined, Windows paths */
	size_t nscope;
	const struct exh_report_source *sources;
	size_t nsources;
	const struct exh_report_volume *volumes;
	size_t nvolumes;
	const struct exh_rules *rules;
	const struct exh_profile *profile;
	const struct exh_log_coverage *coverage;
	size_t ncoverage;
	const struct exh_findings *findings;
	const char *nothing_examined;	/* no volume contributed: why; NULL */
	const char *const *run_notes;	/* fall-backs and problems, in order */
	size_t nrun_notes;
	/* The same notes as messages (nrun_notes of them) for the report's
	 * language; NULL: the report shows run_notes as they are. */
	const struct exh_msg *run_msgs;
	const char *firmware_notes;	/* when booted from the stick */
	const struct exh_report_collected *collected;
	size_t ncollected;
	const char *bundle_name;	/* file name of the bundle, or NULL */
	/* How it was protected, for the verification instructions. */
	bool bundle_aes, bundle_p7m, bundle_signed;
};

/*
 * The container of src as members of the JSON object being written:
 * "container", "format", "sector_size", "files" (each with its SHA-256,
 * or "" and "sha256_note": hash_note, when it was not computed),
 * "acquisition" (the E01 record, when there is one) and "unread_ranges".
 * For acquisition.json and exhume sources --json.
 */
/*
 * The "image_check" object of --verify-image, one shape for acquisition.json
 * and `sources --json`: complete, bytes, md5/sha1/sha256 ("" when the
 * check did not complete), stored_md5/stored_sha1 from meta (may be NULL),
 * md5_match/sha1_match as "matches", "differs" or "none stored", and note
 * (why it is incomplete; NULL or "" when complete).
 */
void exh_report_image_check_json(struct exh_json *w,
    const struct exh_image_check *c, const struct exh_image_meta *meta,
    const char *note);
void exh_report_container_json(struct exh_json *w,
    const struct exh_source *src, const char *hash_note);

/*
 * report.html: one self-contained page (inline CSS, no scripts, no
 * external references) and report.txt, in in->lang.  The record of the
 * investigation: what was examined and how, the patch verdict and
 * exposure window, findings by severity with their evidence, log
 * coverage, the timeline, what was collected with hashes, and the facts a
 * notification decision (GDPR Art. 33) rests on.  Every attacker-chosen
 * string is escaped (HTML, or for the terminal in the text form).
 * EXH_OK, EXH_EUSAGE (unknown language) or EXH_ENOMEM.
 */
int exh_report_html(const struct exh_report_input *in, struct exh_buf *out);
int exh_report_text(const struct exh_report_input *in, struct exh_buf *out);
/* The same, handed to out in bounded pieces (exh_sink). */
int exh_report_html_to(const struct exh_report_input *in,
    struct exh_sink *out);
int exh_report_text_to(const struct exh_report_input *in,
    struct exh_sink *out);

/*
 * The plain documents of a run, each a complete file appended to out.
 * Every attacker-chosen string is escaped (terminal or JSON).
 *   summary.txt       findings, counts, patch verdicts, log coverage and
 *                     skips: in->findings, in->profile, in->coverage;
 *   findings.jsonl    one exh_finding_to_json object per line;
 *   acquisition.json  the case record (who, what, how, when; never a
 *                     password): the case fields, rules, sources with
 *                     their read-only record, volumes with what was
 *                     examined on each, counts, run notes, log coverage
 *                     and the host profile.
 * summary.txt names each volume on which nothing was examined, and ends
 * in "nothing examined: <why>" when that is all of them.
 * EXH_OK or EXH_ENOMEM.
 */
int exh_report_summary_text(const struct exh_report_input *in,
    struct exh_buf *out);
int exh_report_summary_text_to(const struct exh_report_input *in,
    struct exh_sink *out);
int exh_report_findings_jsonl(const struct exh_findings *fs,
    struct exh_buf *out);
/* findings.jsonl handed to out in bounded pieces (exh_sink). */
int exh_report_findings_jsonl_to(const struct exh_findings *fs,
    struct exh_sink *out);
int exh_report_acquisition_json(const struct exh_report_input *in,
    struct exh_buf *out);

/* The host profile: one JSON object (keys in fixed order), or lines of
 * text escaped for the terminal.  EXH_OK or EXH_ENOMEM. */
int exh_report_profile_json(const struct exh_profile *p, struct exh_buf *out);
int exh_report_profile_text(const struct exh_profile *p, struct exh_buf *out);

#endif /* EXHUME_REPORT_H */
