/* Private to src/history. */
#ifndef EXHUME_HISTORY_INT_H
#define EXHUME_HISTORY_INT_H

#include "exhume/history.h"

#define HISTORY_MAX_GROUPS 4096	/* check x folder groups kept */
#define HISTORY_MAX_FILES 1000000 /* files remembered as counted */

enum history_source { HSRC_USN_CREATE, HSRC_USN_DELETE, HSRC_DELETED,
    HSRC_COVERAGE };

/* Where a hit's time lies against the exposure windows. */
enum history_phase {
	PHASE_NONE = 0,		/* no window known, or the hit has no time */
	PHASE_BEFORE = 1,
	PHASE_DURING = 2,
	PHASE_AFTER = 3,
	PHASE_COUNT = 4,
};

/* One line of rules/history.tsv. */
struct hcheck {
	char *id;
	int source;			/* enum history_source */
	bool staging;			/* else: web folders */
	char **exts;
	size_t nexts;
	int score[PHASE_COUNT];		/* by enum history_phase */
	char *description;
};

/* The hits of one check in one folder. */
struct hgroup {
	size_t check;
	int phase;			/* enum history_phase */
	size_t window;			/* in sc->windows, with the phase */
	char *dir;
	uint64_t count;
	int64_t first, last;
	char **samples;			/* up to 5 names with a note */
	size_t nsamples;
	char *first_name;		/* the first file's name, bare */
	uint64_t first_mft;
	uint16_t first_seq;
	uint64_t gone;			/* files no longer in use live */
};

struct history {
	struct exh_volume *vol;
	const struct exh_history_scope *sc;
	struct exh_history_result *res;
	struct hcheck *checks;
	size_t nchecks;
	struct hgroup *groups;
	size_t ngroups;
	uint64_t folded;
	struct exh_set64 counted;	/* files already counted per check */
	struct exh_buf path;		/* a finding's path, scratch */
};

int history_checks_load(struct history *h, const char *path,
    struct exh_err *err);
void history_checks_free(struct history *h);
/* A file seen by source at path (with drive letter); EXH_OK or
 * EXH_ENOMEM.  note (may be NULL) follows the name in the samples. */
int history_hit(struct history *h, int source, const char *path,
    uint64_t mft, uint16_t seq, int64_t when, const char *note);
/* The check of source (HSRC_COVERAGE), or NULL when the rules have none. */
const struct hcheck *history_check_of(const struct history *h, int source);
/* Where when lies against the windows; *window is the one named. */
int history_phase(const struct exh_history_scope *sc, int64_t when,
    size_t *window);
/* "during the ProxyLogon exposure window (exploited since 2021-01-03,
 * fixed 2021-03-10)"; "" for PHASE_NONE.  EXH_OK or EXH_ENOMEM. */
int history_phase_text(const struct exh_history_scope *sc, int phase,
    size_t window, struct exh_buf *out);
/* Fills h->res's windows, relevance and coverage for the volume with
 * letter (after the journal was read). */
void history_coverage(struct history *h, char letter);
/* The history/journal-coverage finding when a window is not covered. */
int history_coverage_finding(struct history *h, char letter,
    struct exh_findings *fs, struct exh_err *err);
/* f (built, or NULL after a failed allocation; rc its status) scored and
 * handed to fs, counted in the result; freed on failure. */
int history_add_finding(struct history *h, struct exh_finding *f, int rc,
    struct exh_findings *fs, struct exh_err *err);
/* One finding per group into fs. */
int history_emit(struct history *h, struct exh_findings *fs,
    struct exh_err *err);

#endif /* EXHUME_HISTORY_INT_H */
