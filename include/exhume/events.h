/* Windows event log (.evtx) analysis: Exchange attack checks and update history. */
#ifndef EXHUME_EVENTS_H
#define EXHUME_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"

/* Checks loaded from rules/events/, plus what scans collected. */
struct exh_events;

/* Counters for one scanned file. */
struct exh_events_stats {
	uint64_t records;	/* records read (including recovered ones) */
	uint64_t recovered;	/* records libevtx recovered from free space */
	uint64_t damaged;	/* damaged chunks, records and headers reported */
	int64_t first;		/* FILETIME of the oldest record, 0 if none */
	int64_t last;		/* FILETIME of the newest record, 0 if none */
	uint64_t lost;		/* records libevtx lists but cannot read */
	uint64_t slack_lost;	/* recovered (slack) records unreadable */
	uint64_t grouped;	/* matches merged into another's finding */
	uint64_t fell_back;	/* records our reader left to libevtx */
	bool known;		/* a record of a kind logs.tsv names */
};

/* One MsiInstaller 1022/1023 record (update installed or failed). */
struct exh_update_event {
	int64_t time;		/* FILETIME */
	int event_id;
	char kb[16];		/* "KB5000871", "" when the text names none */
	char text[256];		/* the event's data strings, cut (raw) */
	bool failed;		/* event 1023: the update failed */
};

/*
 * Loads <rules_dir>/events/checks.tsv and <rules_dir>/events/logs.tsv
 * (format in rules/events/README).  Returns EXH_OK, EXH_EIO when a file
 * cannot be read, EXH_EUSAGE for a bad line (the message names file and
 * line) or when no check is defined, EXH_ENOMEM.
 */
int exh_events_create(const char *rules_dir, struct exh_events **out,
    struct exh_err *err);
void exh_events_destroy(struct exh_events *ev);

/* Whether the Unified Messaging role is installed: 1 yes, 0 no, -1
 * unknown (the default).  Only used to word CVE-2021-26857 findings. */
void exh_events_set_um_installed(struct exh_events *ev, int um_installed);

/* Distinct events (provider, id and data) listed per check and file, each
 * with its count (findings/group.c); further distinct events of that check
 * in the file fold into one "other" finding that still counts them. */
#define EXH_EVENTS_PER_CHECK_MAX 20

/*
 * Analyses one .evtx readable through fd (a file or a filled memfd; it is
 * opened again as /proc/self/fd/N, fd stays the caller's).  winpath is
 * the file's Windows path: it names the findings and, with each record's
 * channel, decides which checks apply.  Reads as far as possible: every
 * damaged header or chunk and every record libevtx cannot read is added
 * to out as one skip with reason "evtx-damaged" (a lost record once, with
 * libevtx's whole reason and its chunk and offset), and the scan goes on;
 * unreadable recovered records from slack space are counted in one skip
 * per file.  Findings go to out; st (may be
 * NULL) is filled.  MsiInstaller update records are kept in ev (see
 * exh_events_update).
 * Returns EXH_OK; EXH_ECORRUPT when the file cannot be opened as an evtx
 * at all (a skip has been added too); EXH_ENOMEM; EXH_EUSAGE on misuse.
 */
int exh_events_scan_fd(struct exh_events *ev, int fd, const char *winpath,
    struct exh_findings *out, struct exh_events_stats *st,
    struct exh_err *err);
/* The same for a file of a volume: its skips name MFT record mft. */
int exh_events_scan_file(struct exh_events *ev, int fd, const char *winpath,
    uint64_t mft, struct exh_findings *out, struct exh_events_stats *st,
    struct exh_err *err);

/* libevtx's version string ("20240504"): records stored without a
 * template are read from 20240504 on. */
const char *exh_events_libevtx_version(void);

/* Update history collected by all scans so far, in scan order.  The
 * pointer is valid until the next scan or destroy. */
size_t exh_events_update_count(const struct exh_events *ev);
const struct exh_update_event *exh_events_update(const struct exh_events *ev,
    size_t i);

/* Longest excerpt or field value kept in a finding, in bytes. */
#define EXH_EVENTS_EXCERPT_MAX 4096

#endif /* EXHUME_EVENTS_H */
