/* Private to the command-line front end. */
#ifndef EXHUME_CLI_H
#define EXHUME_CLI_H

#include <stdio.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/source.h"
#include "exhume/volume.h"

/* Exit statuses, documented in exhume(8). */
#define EXIT_CLEAN 0		/* complete, nothing at warning or above */
#define EXIT_FINDINGS 1		/* findings at warning or above */
#define EXIT_USAGE 2		/* usage or fatal error */
#define EXIT_PARTIAL 3		/* complete, some objects unreadable */

/* Every NTFS volume of the given sources, opened and lettered. */
struct cli_volume {
	struct exh_source *src;
	int part;		/* partition number in src */
	struct exh_volume *vol;
};

struct cli_volumes {
	struct exh_source **srcs;
	size_t nsrcs;
	struct cli_volume *vols;
	size_t nvols;
	size_t not_ntfs;	/* partitions skipped with a reason */
};

/* Opens sources and their NTFS volumes; prints one line per problem.
 * only is 0 for all volumes, or the 1-based volume number (--volume). */
int cli_open_volumes(char *const *paths, size_t n, int only,
    const char *letters, struct cli_volumes *out);
void cli_close_volumes(struct cli_volumes *cv);

/* Prints "exhume: <escaped message>" to stderr. */
void cli_error(const char *what, const struct exh_err *err);
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes s escaped for the terminal. */
void cli_put_term(FILE *fp, const char *s);

/* Reads the whole stream, calling back with chunks; for hashing. */
int cli_hash_stream(struct exh_volume *vol, uint64_t mft, const char *stream,
    bool md5, bool sha1, char out_md5[33], char out_sha1[41],
    char out_sha256[65], struct exh_err *err);

const char *cli_rules_dir(void);

/* A small local text file (at most max bytes), or NULL. */
char *cli_read_file(const char *path, size_t max);

/* First line of a file (password), or NULL; the caller frees it. */
char *cli_read_secret(const char *path);

/* Analyses the Exchange/IIS logs and event logs of the system volume;
 * coverage lines go to report (may be NULL). */
int cli_scan_logs(struct exh_volume *vol, const char *install_path,
    struct exh_findings *fs, FILE *report);

/* Evidence bundle options (scan --bundle). */
struct cli_bundle_args {
	const char *path;
	const char *password;	/* read from a file, never an argument */
	uint64_t cap;		/* 0: the bundle's default */
};

struct cli_document {
	const char *name;
	const void *data;
	size_t len;
};

/* Collects flagged streams, logs, event logs, hives, configs and NTFS
 * metadata into a verified bundle; the documents go to its root. */
int cli_write_bundle(const struct cli_bundle_args *ba, struct cli_volumes *cv,
    const struct exh_findings *fs, const char *install,
    const struct cli_document *docs, size_t ndocs);

struct exh_profile;
/* The host profile from all opened volumes; prints its own error. */
int cli_build_profile(struct cli_volumes *cv, struct exh_profile **out);

int cmd_sources(int argc, char **argv);
int cmd_files(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_auto(int argc, char **argv);
int cmd_tui(int argc, char **argv);

#endif /* EXHUME_CLI_H */
