/* Private to src/triage. */
#ifndef EXHUME_TRIAGE_INT_H
#define EXHUME_TRIAGE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "exhume/history.h"
#include "exhume/triage.h"

struct triage_volume {
	struct exh_source *src;
	int part;
	struct exh_volume *vol;
	/* What the run examined on it (run.c, examined.c). */
	uint64_t seen;			/* streams met in its roots */
	uint64_t examined;		/* streams read and scanned */
	uint64_t unreadable;
	uint64_t logs;			/* log files read */
	size_t nroots;			/* roots walked: scope, structure, "\\" */
	int structure_depth;		/* > 0: searched by structure */
	char *why;			/* nothing examined on it: why; NULL */
	/* Its shadow copies (snapshots.c), catalog order (oldest first);
	 * the counts are the report's history fields. */
	struct exh_source **stores;
	struct exh_volume **store_vols;	/* opened and scanned; NULL each
					   not opened */
	size_t nstores;
	struct exh_scan_dedupe *dedupe;	/* NULL when no store is read */
	uint64_t snapshots_found;
	uint64_t snapshots_examined;
	uint64_t snapshots_identical;	/* streams not scanned again: as
					   live or as a newer store */
	uint64_t snapshots_skipped;
	char *snapshots_note;		/* why stores were skipped; NULL */
	/* Its change journal, deleted records and the exposure windows'
	 * coverage; NULL when history was not read. */
	struct exh_history_result *history;
};

/* A volume that could not be opened, for the record. */
struct triage_failed {
	char *source_path;
	int part;
	char *error;
};

/* The image record of one source: its files' SHA-256 and the image
 * check (image.c). */
struct triage_image {
	int hash_rc;			/* of exh_source_hash_files */
	char hash_note[640];		/* "" when every file was hashed */
	bool checked;			/* --verify-image ran on it */
	struct exh_image_check check;
	char check_note[640];		/* "": the check read it whole */
};

/* The thread that hashes the image files while the scan reads them. */
struct triage_hasher {
	pthread_t thread;
	bool started;
	atomic_bool finished;
	volatile bool stop;		/* hash_files stops on it */
	atomic_uint_fast64_t done;	/* bytes hashed over every source */
	atomic_uint_fast64_t total;
};

struct exh_triage {
	struct exh_triage_options opt;
	/* opt.rules_dir NULL: where exh_data_rules_dir found them, and
	 * why not when it found none (the scan refuses with it). */
	char rules_dir[EXH_PATH_MAX];
	struct exh_err rules_dir_err;
	int64_t started, ended;		/* FILETIME */
	struct exh_rules *rules;
	struct exh_findings *fs;
	struct exh_profile *prof;
	struct exh_source **srcs;
	size_t nsrcs;
	struct triage_volume *vols;
	size_t nvols;
	struct triage_failed *failed;
	size_t nfailed;
	char **notes;
	size_t nnotes;
	struct exh_msg *note_msgs;	/* the same notes, for the report */
	size_t nnote_msgs;
	size_t notes_lost;		/* notes triage_note could not keep */
	char **scope;			/* every root scanned, with letter */
	size_t nscope;
	struct exh_log_coverage *cov;
	size_t ncov;
	char *nothing_examined;		/* no volume contributed: why; NULL */
	char *exchange_dir;		/* "X:\\...\\" the run used; NULL */
	bool ran;
	struct triage_image *img;	/* per source; NULL before open */
	struct triage_hasher hasher;
};

/* Records a note (and passes it to the front end). */
void triage_note(struct exh_triage *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records a note made by a lower layer as a message. */
void triage_note_msg(struct exh_triage *t, const struct exh_msg *m);
/* Appends a copy of s to a growable string array. */
int triage_push(char ***v, size_t *n, const char *s);

/* The opened volume with this drive letter, or NULL. */
struct exh_volume *triage_volume_for(const struct exh_triage *t, char letter);

/*
 * Letters the n opened volumes tv (letters.c): default order first (it
 * finds the system volume), then the system volume's SYSTEM\MountedDevices
 * for every volume of every source, then the --letter list overrides.
 * Every volume's letter and its source go to notes, one per volume.
 * Returns EXH_OK, EXH_EUSAGE (bad --letter list) or EXH_ENOMEM.
 */
int triage_letter_volumes(struct triage_volume *tv, size_t n,
    const char *overrides, struct exh_msg **notes, size_t *nnotes,
    struct exh_err *err);

/* deleted.c: the content of vol's deleted records in the run's scope and
 * under web (folders with drive letters) scanned; counts to the notes. */
int triage_deleted_content(struct exh_triage *t, struct exh_volume *vol,
    const struct exh_scan_options *so, char *const *web, size_t nweb,
    struct exh_err *err);
/*
 * Shadow copies (snapshots.c).  triage_snapshots_open reads tv's VSS
 * catalog before its live scan (which then records its dedupe index and
 * passes over the store files); triage_snapshots_scan scans each store,
 * newest first, with the live scan's roots and options, after it;
 * triage_snapshots_logs analyses the stores' logs the live volume does
 * not hold, with the live run's log input; triage_snapshots_close closes
 * them (from destroy: the bundle collects from them).  Findings from a store carry origin
 * "snapshot" and its creation time.  Failures of one store are notes;
 * the status is EXH_OK, EXH_STOP (cancelled) or EXH_ENOMEM.
 */
int triage_snapshots_open(struct exh_triage *t, struct triage_volume *tv,
    struct exh_err *err);
int triage_snapshots_scan(struct exh_triage *t, struct triage_volume *tv,
    char *const *roots, size_t nroots, const struct exh_scan_options *so,
    struct exh_err *err);
int triage_snapshots_logs(struct exh_triage *t,
    const struct exh_scan_logs_input *live, struct exh_err *err);
/* After the run: the dedupe index is freed; the stores stay open for the
 * bundle until triage_snapshots_close. */
void triage_snapshots_done(struct triage_volume *tv);
/* The store volume a finding's path "C:@{guid}\\..." names, or NULL. */
struct exh_volume *triage_snapshot_volume_for(const struct exh_triage *t,
    const char *path);
void triage_snapshots_close(struct triage_volume *tv);

/* rules_dir/name into buf; false when it does not fit. */
bool triage_rules_path(const struct exh_triage *t, const char *name,
    char *buf, size_t len);

/* After the run: the reason of every volume on which no stream and no
 * log was examined, and t->nothing_examined when that is every volume
 * (sys: the system volume or NULL); each goes to the notes.  EXH_OK or
 * EXH_ENOMEM. */
int triage_examined(struct exh_triage *t, const struct exh_volume *sys);

/* The Exchange folder (trailing backslash) on vol, from the registry or
 * the default paths; NULL when there is none. */


/*
 * The image record (image.c).  triage_image_start starts hashing every
 * source's files on a thread of its own (unless --no-image-hash);
 * triage_image_join waits for it on the calling thread, reporting
 * progress, and stops it when the run was cancelled; triage_image_verify
 * re-reads every source (--verify-image) and makes a finding of a stored
 * hash that differs.  triage_image_stop is for destroy.
 */
int triage_image_start(struct exh_triage *t, struct exh_err *err);
void triage_image_join(struct exh_triage *t);
int triage_image_verify(struct exh_triage *t, struct exh_err *err);
void triage_image_stop(struct exh_triage *t);

/* What a document shows besides the triage: the bundle's collected list
 * (NULL without a bundle) and the bundle's file name. */
struct triage_doc_extra {
	const struct exh_report_collected *col;
	size_t ncol;
	const char *bundle_name;
	bool bundle_aes, bundle_p7m, bundle_signed;
};

/* exh_triage_document with the bundle's part of the report (x may be
 * NULL). */
int triage_document(const struct exh_triage *t, const char *name,
    const char *lang, const struct triage_doc_extra *x,
    struct exh_sink *out);

#endif /* EXHUME_TRIAGE_INT_H */
