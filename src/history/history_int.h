/* Private to src/history. */
#ifndef EXHUME_HISTORY_INT_H
#define EXHUME_HISTORY_INT_H

#include "exhume/history.h"

#define HISTORY_MAX_GROUPS 4096	/* check x folder groups kept */
#define HISTORY_MAX_FILES 1000000 /* files remembered as counted */

enum history_source { HSRC_USN_CREATE, HSRC_USN_DELETE, HSRC_DELETED };

/* One line of rules/history.tsv. */
struct hcheck {
	char *id;
	int source;			/* enum history_source */
	bool staging;			/* else: web folders */
	char **exts;
	size_t nexts;
	int score;
	char *description;
};

/* The hits of one check in one folder. */
struct hgroup {
	size_t check;
	char *dir;
	uint64_t count;
	int64_t first, last;
	char **samples;			/* up to 5 names with a note */
	size_t nsamples;
	char *first_name;		/* the first file's name, bare */
	uint64_t first_mft;
	uint16_t first_seq;
};

struct history {
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
/* One finding per group into fs. */
int history_emit(struct history *h, struct exh_findings *fs,
    struct exh_err *err);

#endif /* EXHUME_HISTORY_INT_H */
