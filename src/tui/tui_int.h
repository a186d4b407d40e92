/* Private to the newt menu UI: its state, screens and text helpers. */
#ifndef EXHUME_TUI_INT_H
#define EXHUME_TUI_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <newt.h>

#include "exhume/bundle.h"
#include "exhume/core.h"
#include "exhume/source.h"
#include "exhume/triage.h"
#include "exhume/volume.h"

/*
 * The screen the UI is laid out for: 80x24 (a serial console with vt100
 * terminfo) and 80x25 (VGA text).  A full window takes rows 1 to 21 and
 * its shadow row 22, so the key help on the last row shows on both.
 */
#define TUI_COLS	80
#define TUI_ROWS	24
#define TUI_WIN_W	76	/* inner width of a full window */
#define TUI_WIN_H	19
#define TUI_TEXT_W	(TUI_WIN_W - 4)	/* text in a window, with margins */
#define TUI_LINE	1024	/* bytes for one fitted line (4 per column) */

/* Exit statuses as in exhume(8). */
#define TUI_EXIT_CLEAN	0
#define TUI_EXIT_USAGE	2

/* What happened while a form ran (see tui_run_form). */
enum tui_event {
	TUI_EV_COMPONENT,	/* a button or a listbox item was chosen */
	TUI_EV_KEY,		/* a hot key; in es.u.key */
	TUI_EV_TIMER,
	TUI_EV_FD,		/* a watched descriptor other than signals */
	TUI_EV_INTERRUPT,	/* Ctrl-C or SIGINT */
	TUI_EV_TERMINATE,	/* SIGTERM or SIGHUP: unwind and quit */
};

struct tui_case {
	char case_id[64];
	char evidence_id[64];
	char examiner[96];
	char notes[512];
	/* GDPR Art. 33(3): awareness, measures, data concerned. */
	char aware_since[64];
	char measures[512];
	char data_categories[512];
};

/* What we learnt about one partition when the sources were probed. */
struct tui_part {
	int number;		/* partition number in the source */
	bool ntfs_open;		/* opened as NTFS */
	bool system;		/* Windows system volume */
	struct exh_volume_info vi;
	char error[EXH_ERR_MSG_MAX];	/* why NTFS could not be opened */
	int volume;		/* 1-based NTFS volume number, 0 = none */
};

struct tui_source {
	char *path;
	bool from_sysfs;	/* found in /sys/block, else given by the user */
	struct exh_disk_info disk;	/* valid when from_sysfs */
	bool selectable;	/* not the boot stick, not in use, opened */
	bool selected;
	/* Why it cannot be selected: an untranslated message, looked up
	 * when shown, so L switches it too. */
	char why_not[160];
	struct exh_source *src;	/* NULL when it could not be opened */
	struct exh_err open_err;
	struct tui_part *parts;	/* one per exh_source_partition */
	size_t nparts;
};

struct tui {
	char **given;		/* SOURCE arguments, or none */
	size_t ngiven;
	struct tui_case kase;
	struct tui_source *srcs;
	size_t nsrcs;
	int nvolumes;		/* NTFS volumes numbered over the selection */
	int only_volume;	/* 1-based, 0 = every volume */
	bool full;		/* whole volumes, not the Exchange scope */
	bool verify_image;	/* re-read each image whole after the scan */

	char boot_id[64];
	bool in_image;		/* EXHUME_BOOT_ID is set: the boot image */
	const char *boot_disk;	/* EXHUME_BOOT_DISK */
	const char *firmware_notes;
	char cache_dir[PATH_MAX];

	struct exh_triage_options opt;
	struct exh_triage *triage;
	bool scanned;		/* exh_triage_run returned */
	int run_rc;
	struct exh_err run_err;
	volatile int cancel;

	char evidence_dir[PATH_MAX];
	char bundle_path[PATH_MAX];
	char bundle_sha256[65];
	bool bundle_written;
	bool bundle_verified;

	int min_level;		/* findings filter: lowest level shown */
	int kind_filter;	/* -1 = every kind */

	int sigfd;		/* signalfd for INT, TERM, HUP, WINCH */
	bool utf8;		/* the terminal takes UTF-8 */
	bool quit;		/* leave the UI as soon as possible */
	int power;		/* after the UI: 1 reboot, 2 power off */
	void *scan_state;	/* scan.c's progress snapshot */
};

/* Work that runs on a thread of its own while the UI stays responsive. */
struct tui_job {
	int (*fn)(void *ctx, struct exh_err *err);
	void *ctx;
	int rc;
	struct exh_err err;
	int done_fd[2];
	pthread_t thread;
	bool started;
};

int cmd_tui(int argc, char **argv);

/* menu.c: the main menu, until the user quits. */
void tui_main_menu(struct tui *t);

/* dialog.c: the frame. */
newtComponent tui_form(struct tui *t);
void tui_add_keys(newtComponent f, const char *keys);
newtComponent tui_textbox(int left, int top, int width, int height,
    const char *text);
enum tui_event tui_run_form(struct tui *t, newtComponent form,
    struct newtExitStruct *es);
void tui_root(struct tui *t, const char *title, const char *help);
void tui_msg(struct tui *t, const char *title, const char *text);
bool tui_ask(struct tui *t, const char *title, const char *text,
    const char *yes, const char *no);
void tui_text_screen(struct tui *t, const char *title, const char *text);
void tui_busy(struct tui *t, const char *text);

/* text.c: escaping and fitting attacker-chosen text to columns. */
const char *tui_fit(const struct tui *t, const char *raw, int width,
    char dst[TUI_LINE]);
const char *tui_fit_pad(const struct tui *t, const char *raw, int width,
    char dst[TUI_LINE]);
const char *tui_fit_tail(const struct tui *t, const char *raw, int width,
    char dst[TUI_LINE]);
int tui_wrap(const struct tui *t, struct exh_buf *out, const char *prefix,
    const char *raw, int width);
int tui_columns(const char *s);
void tui_para(const struct tui *t, struct exh_buf *out, const char *text,
    int width);
int tui_printf(char *dst, size_t dstlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_size(uint64_t bytes, char *dst, size_t dstlen);
const char *tui_time(int64_t filetime, char buf[32]);

/* job.c: background work. */
int tui_job_start(struct tui_job *j);
void tui_job_join(struct tui_job *j);

/* Screens. */
void tui_start_screen(struct tui *t);
void tui_case_form(struct tui *t);
int tui_probe_sources(struct tui *t);
void tui_free_sources(struct tui *t);
void tui_sources_screen(struct tui *t);
void tui_scan_screen(struct tui *t);
void tui_scan_free(struct tui *t);
void tui_power_now(struct tui *t);
void tui_status_screen(struct tui *t);
void tui_findings_screen(struct tui *t);
void tui_timeline_screen(struct tui *t);
void tui_evidence_screen(struct tui *t);
void tui_verify_screen(struct tui *t);
void tui_shell_screen(struct tui *t);
void tui_power_screen(struct tui *t, bool reboot);
void tui_switch_language(struct tui *t);

#endif /* EXHUME_TUI_INT_H */
