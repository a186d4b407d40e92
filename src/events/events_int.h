/* Private declarations of the events module: loaded checks, parsed records, matching. */
#ifndef EXHUME_EVENTS_INT_H
#define EXHUME_EVENTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/events.h"

#define EVENTS_MAGIC 0x45565453u

enum events_action {
	EVENTS_ACT_FINDING = 0,
	EVENTS_ACT_UPDATE = 1,		/* MsiInstaller update installed */
	EVENTS_ACT_UPDATE_FAILED = 2,	/* MsiInstaller update failed */
};

/* One pattern, compiled to a case-insensitive glob over the whole text. */
struct events_pat {
	char *src;		/* as written in the rules file */
	char *glob;		/* with '*' added where the pattern is open */
	size_t len;
	bool per_field;		/* anchored with ^ or $: match one data string */
};

/* A term matches when any of its alternatives does. */
struct events_term {
	struct events_pat *alts;
	size_t nalts;
};

struct events_check {
	char *check;
	char *log;		/* log kind or "*" */
	char *provider;		/* glob over the whole provider name */
	int *ids;		/* NULL: any */
	size_t nids;
	int *levels;		/* NULL: any */
	size_t nlevels;
	struct events_term *terms;	/* all must match */
	size_t nterms;
	struct events_term excl;	/* none may match */
	int score;
	int action;		/* enum events_action */
	bool um;		/* word with the Unified Messaging state */
	char *description;
	char *reference;
};

struct events_log {
	char *kind;
	char *file;		/* glob over the file name */
	char *channel;		/* glob over the record's channel */
};

struct exh_events {
	uint32_t magic;
	struct events_check *checks;
	size_t nchecks;
	struct events_log *logs;
	size_t nlogs;
	int um_installed;
	struct exh_update_event *updates;
	size_t nupdates;
	size_t capupdates;
	bool libevtx_only;	/* EXHUME_EVTX_LIBEVTX=1: not our reader */
};

/* One record as read from libevtx's XML rendering.  Strings are raw. */
struct events_record {
	uint64_t record_id;
	int64_t time;		/* TimeCreated, else the record's written time */
	int event_id;		/* -1 when absent */
	int level;		/* -1 when absent */
	struct exh_buf provider;
	struct exh_buf channel;
	struct exh_buf computer;
	struct exh_buf systime;
	struct exh_buf *data;	/* EventData / UserData leaf values */
	size_t ndata;
	size_t capdata;
	struct exh_buf joined;	/* data strings joined with " | " */
};

/* rules.c */
int events_load_checks(struct exh_events *ev, const char *path,
    struct exh_err *err);
int events_load_logs(struct exh_events *ev, const char *path,
    struct exh_err *err);
void events_free_rules(struct exh_events *ev);
bool events_glob(const char *pat, size_t plen, const char *s, size_t slen);
/* The matched alternative of each term, NULL when the check fails. */
bool events_check_matches(const struct events_check *c, const char *kind,
    const struct events_record *r, const struct events_pat **matched);

/*
 * The element stack both readers feed (xml.c): libevtx's XML rendering
 * and our binary XML reader (binxml.c) hand it the same opens, attribute
 * values, text and ends, so both fill events_record by the same rules.
 */
#define EVENTS_XS_DEPTH 32

struct events_xs {
	char names[EVENTS_XS_DEPTH][24];	/* element names, cut */
	bool child[EVENTS_XS_DEPTH];	/* element has child elements */
	int depth;
	int data_depth;		/* depth of EventData/UserData, 0 if none */
	struct exh_buf text;
};

/* xml.c */
int events_xs_open(struct events_xs *x, const char *name, size_t nlen);
struct exh_buf *events_xs_attr_dst(struct events_xs *x,
    struct events_record *r, const char *name, size_t nlen);
struct exh_buf *events_xs_text_dst(struct events_xs *x);
int events_xs_end(struct events_xs *x, struct events_record *r);
/* Frees x; checks the record is whole when rc is EXH_OK. */
int events_xs_finish(struct events_xs *x, struct events_record *r, int rc);
void events_record_reset(struct events_record *r);
void events_record_free(struct events_record *r);
/* Parses libevtx's XML rendering of one record into r.  Returns EXH_OK,
 * EXH_ECORRUPT (not the expected shape) or EXH_ENOMEM. */
int events_xml_parse(const char *xml, size_t len, struct events_record *r);

/* binxml.c: our reader of a record's binary XML.  One per scan. */
struct events_binxml {
	void *state;
};

int events_binxml_init(struct events_binxml *bx);
void events_binxml_free(struct events_binxml *bx);
/*
 * Reads the record of size bytes at offset off of the 64 KiB chunk into
 * r (reset by the caller).  Returns EXH_OK; EXH_ECORRUPT when the record
 * is damaged or holds what only libevtx renders (read it there);
 * EXH_ENOMEM.
 */
int events_binxml_parse(struct events_binxml *bx, const unsigned char *chunk,
    uint32_t off, uint32_t size, struct events_record *r);

/* compare.c: every record libevtx lists, read by both readers. */
struct events_compare {
	uint64_t records;	/* listed by libevtx */
	uint64_t identical;
	uint64_t fell_back;	/* ours declined: libevtx reads it */
	uint64_t first_fell_back;	/* its record id */
	uint64_t differing;	/* must stay 0 */
	uint64_t libevtx_failed;	/* libevtx cannot read it either */
	uint64_t not_placed;	/* not found by our chunk walk */
	char first_diff[512];
};

int events_compare_fd(int fd, uint64_t size, struct events_compare *cmp);

#define FILE_HDR 4096u
#define CHUNK_SIZE 65536u
#define CHUNK_HDR 512u

/* libcerror's reason for a failure: one line per level, joined. */
#define REASON_MAX 1024

/*
 * Our own walk over the records as stored, in step with libevtx's record
 * index: when libevtx cannot read record i, the cursor names its id, chunk
 * and offset.  One chunk buffer; a resync after a mismatch looks at most
 * RESYNC_MAX records ahead, so a forged file cannot make it quadratic.
 */
#define RESYNC_MAX 2048

struct rec_cursor {
	unsigned char *chunk;	/* CHUNK_SIZE bytes, NULL until needed */
	uint64_t nchunks;	/* whole chunks in the file */
	uint64_t next_chunk;	/* to load next */
	uint64_t chunk_idx;	/* loaded */
	uint32_t off, end;	/* next record, end of the records area */
	bool lost;		/* out of step: locate by index only */
};

/* What one scan needs besides the loaded rules. */
struct evtx_scan {
	struct exh_events *ev;
	const char *winpath;
	uint64_t mft;		/* of the file on its volume, 0 if none */
	uint64_t size;
	int fd;
	const char *file_kind;	/* from the file name, "" if unknown */
	struct exh_findings *out;
	struct exh_events_stats *st;
	struct exh_err *err;
	struct events_record rec;
	const struct events_pat **matched;
	size_t nmatched;
	struct exh_group_table *groups;	/* this file's hits, grouped */
	uint64_t hits;			/* matches handed to groups */
	struct rec_cursor cur;
	char slack_reason[REASON_MAX];	/* first unreadable slack record */
	/* Set by the survey: */
	bool fast_ok;		/* our walk lists the records libevtx would */
	bool slack_seen;	/* a record signature in a chunk's free space */
	uint64_t chunks_used;	/* whole chunks with a signature */
	struct events_binxml bx;
	void *libevtx;		/* libevtx_file_t, opened when first needed */
	int libevtx_failed;	/* it could not be opened */
};

/* events.c */
/* The record in sc->rec is read: counts it, runs the checks. */
int events_record_ready(struct evtx_scan *sc, bool recovered, uint64_t written);
/* Record idx of libevtx's list read through libevtx (our reader
 * declined it). */
int events_libevtx_record(struct evtx_scan *sc, int idx);
int events_damage(struct evtx_scan *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* walk.c: every record of a file the survey found whole, by our reader */
int events_fast_walk(struct evtx_scan *sc);

/* survey.c */
int events_survey(struct evtx_scan *sc, int fd);

#endif /* EXHUME_EVENTS_INT_H */
