/* Test-only writer of Windows .evtx files, shared by mkevtx and the unit tests. */
#ifndef EXHUME_TESTS_EVTXWRITER_H
#define EXHUME_TESTS_EVTXWRITER_H

#include <stddef.h>
#include <stdint.h>

/*
 * One event.  Strings are UTF-8 (bytes that are not valid UTF-8 are
 * written as U+FFFD-free Latin-1 code units, so hostile bytes survive as
 * some character).  data[i] may be "" for an empty <Data/>.
 */
struct evtxw_event {
	const char *provider;
	const char *channel;
	const char *computer;	/* NULL: "EXCH01.corp.example" */
	int event_id;
	int level;
	int64_t time;		/* FILETIME */
	uint64_t record_id;
	const char *const *data;
	size_t ndata;
};

/* Damage to apply when the file is finished. */
struct evtxw_damage {
	int dirty;		/* set the header's dirty flag */
	long truncate_chunk;	/* >= 0: cut the file inside this chunk */
	uint64_t corrupt_record;	/* != 0: flip bytes in this record id */
};

struct evtxw;

struct evtxw *evtxw_new(void);
void evtxw_free(struct evtxw *w);
/* Records added from now on are written template-less: element start
 * tokens without the dependency identifier (see evtxwriter.c). */
void evtxw_set_templateless(struct evtxw *w, int on);
/* Appends one event; returns 0, or -1 when it cannot fit a chunk or on
 * ENOMEM. */
int evtxw_add(struct evtxw *w, const struct evtxw_event *ev);
/* Builds the file image; *out is malloc'd.  Returns 0 or -1. */
int evtxw_finish(struct evtxw *w, const struct evtxw_damage *dmg,
    unsigned char **out, size_t *outlen);

/*
 * Parses one spec line "provider|channel|eventid|level|ISO-time|recordid|
 * data1|data2|..." and adds the event.  In fields, "\|" is a literal bar
 * and "\xNN" (two hex digits, not 00) any byte; every other backslash is
 * literal, so Windows paths need no escaping.  Blank lines and lines
 * starting with '#' are ignored (return 0).
 * Returns 0, or -1 with a message in msg.
 */
int evtxw_add_spec_line(struct evtxw *w, const char *line, char *msg,
    size_t msglen);

#endif /* EXHUME_TESTS_EVTXWRITER_H */
