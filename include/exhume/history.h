/* A volume's history: its change journal and deleted MFT records, checked
 * for web shells written or removed and for staged archives. */
#ifndef EXHUME_HISTORY_H
#define EXHUME_HISTORY_H

#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/host.h"
#include "exhume/volume.h"

/* Where the checks look: the host's folders with drive letters. */
struct exh_history_scope {
	const char *const *webroots;	/* "C:\\inetpub\\wwwroot" */
	size_t nwebroots;
	const char *exchange;		/* "E:\\Exchange", or NULL */
	const char *rules_tsv;		/* rules/history.tsv */
	/* When the host ran an exposed build (exh_exposure_windows), for
	 * scoring each hit by its time and for the journal's coverage. */
	const struct exh_exposure_window *windows;
	size_t nwindows;
	int64_t host_since;		/* Windows install (FILETIME), 0 */
	char system_letter;		/* the system volume's: its staging
					   folders count; 0 if unknown */
};

/* Does a volume's change journal reach back to an exposure window? */
enum exh_history_coverage {
	EXH_COVER_NOT_NEEDED = 0,	/* no window, or no web/Exchange
					   folder and not the system volume */
	EXH_COVER_FULL = 1,		/* the journal begins before it */
	EXH_COVER_PARTIAL = 2,		/* begins inside the window */
	EXH_COVER_NONE = 3,		/* begins after the window closed */
	EXH_COVER_NO_JOURNAL = 4,	/* no journal (or no dated record) */
};

/* "full", "partial", "none", "no journal", "not needed". */
const char *exh_history_coverage_name(int coverage);

/* One exposure window and how far the volume's journal reaches into it. */
struct exh_history_window {
	struct exh_exposure_window w;
	int64_t from;			/* the later of start and host_since */
	int coverage;			/* enum exh_history_coverage */
};

/* What one volume's history held, for the record. */
struct exh_history_result {
	bool journal;			/* the volume keeps a $UsnJrnl */
	uint64_t usn_records, usn_damaged;
	int64_t usn_first, usn_last;	/* FILETIME of the oldest and newest
					   record with a time; 0 if none */
	int usn_rc;			/* of the journal walk */
	char usn_error[EXH_ERR_MSG_MAX];
	uint64_t deleted_read;		/* MFT records read */
	uint64_t deleted_records;	/* free base records */
	uint64_t deleted_names;		/* of them listed with a name */
	uint64_t deleted_damaged;
	uint64_t findings;		/* added to the collector */
	uint64_t groups_folded;		/* hits beyond the group table */
	bool relevant;			/* holds a web or Exchange folder, or
					   is the system volume */
	struct exh_history_window windows[EXH_WINDOWS_MAX];
	size_t nwindows;
	int coverage;			/* the worst over windows */
	/* Shadow copies of the volume, filled by the snapshot scan; 0 and
	 * snapshots_note "" until it runs (shown as "not examined"). */
	uint64_t snapshots_found, snapshots_examined, snapshots_identical;
	uint64_t snapshots_skipped;
	char snapshots_note[256];	/* why stores were skipped, or "" */
};

/*
 * Reads vol's journal and deleted records, adds a finding per check,
 * folder and place in time against sc's exposure windows (count, first
 * and last time, up to five names) to fs, and one history/journal-coverage
 * finding when the journal does not reach back to a window.  Memory is
 * bounded: a fixed table of groups and of files already counted.
 * EXH_OK (res filled, also when the volume has no journal), EXH_EUSAGE
 * (rules file unreadable or malformed) or EXH_ENOMEM.
 */
int exh_history_volume(struct exh_volume *vol,
    const struct exh_history_scope *sc, struct exh_findings *fs,
    struct exh_history_result *res, struct exh_err *err);

#endif /* EXHUME_HISTORY_H */
