/* Private to the command-line front end. */
#ifndef EXHUME_CLI_H
#define EXHUME_CLI_H

#include <stdio.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/scan.h"
#include "exhume/source.h"
#include "exhume/triage.h"
#include "exhume/volume.h"

/* Exit statuses, documented in exhume(8). */
#define EXIT_CLEAN 0		/* complete, nothing at warning or above */
#define EXIT_FINDINGS 1		/* findings at warning or above */
#define EXIT_USAGE 2		/* usage or fatal error */
#define EXIT_PARTIAL 3		/* incomplete: something not examined */

/* Triage options with the rules directory and notes to stderr. */
void cli_triage_defaults(struct exh_triage_options *opt);
/* Prints "note: <escaped msg>" to stderr (struct exh_triage_options.note);
 * ctx is NULL or the struct cli_progress whose live line goes first. */
void cli_note(void *ctx, const char *msg);
/* Creates a triage and opens the sources; prints its own error. */
int cli_open_triage(const struct exh_triage_options *opt, char *const *paths,
    size_t n, struct exh_triage **out);

/* files --usn: lists the change journal of vol as text or JSON lines,
 * with its counts on stderr; an exit status (EXIT_PARTIAL when records
 * were damaged or the journal could not be read to its end). */
int cli_list_usn(struct exh_volume *vol, bool jsonl);
/* files --deleted: bodyfile lines, or JSON lines with jsonl. */
/* hash: the SHA-256 of what survives (resident, or clusters still free)
 * of files up to max_size bytes (0: any size), JSON lines only. */
int cli_list_deleted(struct exh_volume *vol, bool jsonl, bool hash,
    uint64_t max_size);
/* The exit status of such a listing of volume letter's what ("$MFT",
 * "$UsnJrnl"): oom (a line not written), the walk's rc and err, damaged
 * records each make it EXIT_PARTIAL, with a message for the first two. */
int cli_listing_status(char letter, const char *what, bool oom, int rc,
    const struct exh_err *err, uint64_t damaged);

/* Prints "exhume: [what: ]<escaped message>" to stderr; what is left out
 * when the message names it already. */
void cli_error(const char *what, const struct exh_err *err);
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Usage and option errors (usage.c).  Every message names the option or
 * object once, says what was wrong and points at "exhume CMD --help";
 * each returns EXIT_USAGE.  The commands' getopt_long calls use ":" as
 * optstring and main sets opterr to 0, so getopt prints nothing itself.
 */
/* True when argv (a command's, argv[0] the command) asks for --help/-h. */
bool cli_wants_help(int argc, char **argv);
/* The command's usage: on stdout with help (EXIT_CLEAN), else on stderr. */
int cli_usage(const char *cmd, bool help);
/* "exhume: MSG" and the pointer to --help. */
int cli_usage_error(const char *cmd, const char *msg);
/* "exhume: --threads: 0 is not a thread count (1-64)": what is the
 * translated "is not a thread count", accepted the accepted values. */
int cli_bad_value(const char *cmd, const char *opt, const char *value,
    const char *what, const char *accepted);
/* For getopt's '?' (unknown option) and ':' (value missing). */
int cli_option_error(const char *cmd, int c, char **argv);
/* A plain decimal within [min, max] into *out, or false. */
bool cli_parse_range(const char *s, uint64_t min, uint64_t max,
    uint64_t *out);

/* Writes s escaped for the terminal. */
void cli_put_term(FILE *fp, const char *s);

/*
 * Scan progress on a stream (stderr), never stdout.  AUTO: a line redrawn
 * in place when fp is a terminal that is not a serial line, else LINES:
 * one plain "progress: ..." line every 10 s (EXHUME_PROGRESS_INTERVAL
 * seconds, for tests).  Either way each phase's last state gets a line of
 * its own.  NONE prints nothing.  EXHUME_PROGRESS_SAMPLES=/abs/path
 * appends every report there ("elapsed phase files_done files_total
 * bytes_done bytes_total eta", eta -1 = none) for make bench.
 * Use: cli_progress_init, then (when cli_progress_wanted) set
 * struct exh_triage_options .progress = cli_progress_report and .ctx = pr,
 * and call cli_progress_end after exh_triage_run.
 */
enum cli_progress_mode {
	CLI_PROGRESS_AUTO,
	CLI_PROGRESS_LIVE,
	CLI_PROGRESS_LINES,
	CLI_PROGRESS_NONE,
};
struct cli_progress {
	FILE *fp;
	enum cli_progress_mode mode;	/* never AUTO after init */
	double interval;	/* seconds between lines or redraws */
	double start, now, last_print;
	struct exh_scan_eta eta;	/* and the current phase */
	struct exh_scan_progress last;	/* without its strings */
	bool drawn;		/* a live line is on the screen */
	bool printed;		/* the phase's last state is on a line */
	FILE *samples;
};
void cli_progress_init(struct cli_progress *pr, enum cli_progress_mode mode,
    FILE *fp);
/* Whether a progress hook is needed at all (NONE and no samples: no). */
bool cli_progress_wanted(const struct cli_progress *pr);
/* The hook for struct exh_triage_options.progress (ctx: pr). */
void cli_progress_report(void *ctx, const struct exh_scan_progress *p);
/* Clears the live line so a message can be printed; the next report
 * draws it again. */
void cli_progress_clear(struct cli_progress *pr);
/* The last phase's line, the live line cleared; pr may be reused. */
void cli_progress_end(struct cli_progress *pr);

/* Reads the whole stream, calling back with chunks; for hashing. */
int cli_hash_stream(struct exh_volume *vol, uint64_t mft, const char *stream,
    bool md5, bool sha1, char out_md5[33], char out_sha1[41],
    char out_sha256[65], struct exh_err *err);
/* The same over a stream already open (a deleted record's data, say). */
int cli_hash_open_stream(struct exh_stream *st, bool md5, bool sha1,
    char out_md5[33], char out_sha1[41], char out_sha256[65],
    struct exh_err *err);

/* Disks under /sys with the boot stick marked (EXHUME_BOOT_DISK or boot_id). */
int cli_list_disks(const char *boot_id, struct exh_disk_info **out, size_t *n,
    struct exh_err *err);

/* First line of a file (password), or NULL; the caller frees it. */
char *cli_read_secret(const char *path);

int cmd_sources(int argc, char **argv);
int cmd_files(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_auto(int argc, char **argv);
int cmd_tui(int argc, char **argv);

#endif /* EXHUME_CLI_H */
