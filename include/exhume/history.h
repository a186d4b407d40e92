/* A volume's history: its change journal and deleted MFT records, checked
 * for web shells written or removed and for staged archives. */
#ifndef EXHUME_HISTORY_H
#define EXHUME_HISTORY_H

#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/volume.h"

/* Where the checks look: the host's folders with drive letters. */
struct exh_history_scope {
	const char *const *webroots;	/* "C:\\inetpub\\wwwroot" */
	size_t nwebroots;
	const char *exchange;		/* "E:\\Exchange", or NULL */
	const char *rules_tsv;		/* rules/history.tsv */
};

/* What one volume's history held, for the record. */
struct exh_history_result {
	bool journal;			/* the volume keeps a $UsnJrnl */
	uint64_t usn_records, usn_damaged;
	int64_t usn_first, usn_last;	/* FILETIME of the oldest and newest
					   record with a time; 0 if none */
	int usn_rc;			/* of the journal walk */
	char usn_error[EXH_ERR_MSG_MAX];
	uint64_t deleted_records;	/* free base records */
	uint64_t deleted_names;		/* of them listed with a name */
	uint64_t deleted_damaged;
	uint64_t findings;		/* added to the collector */
	uint64_t groups_folded;		/* hits beyond the group table */
};

/*
 * Reads vol's journal and deleted records, adds a finding per check and
 * folder (count, first and last time, up to five names) to fs.  Memory is
 * bounded: a fixed table of groups and of files already counted.
 * EXH_OK (res filled, also when the volume has no journal), EXH_EUSAGE
 * (rules file unreadable or malformed) or EXH_ENOMEM.
 */
int exh_history_volume(struct exh_volume *vol,
    const struct exh_history_scope *sc, struct exh_findings *fs,
    struct exh_history_result *res, struct exh_err *err);

#endif /* EXHUME_HISTORY_H */
