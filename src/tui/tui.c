/* exhume tui: the newt menu UI, its frame, signals and main menu. */
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"

#define KEY_CTRL_C 3

/* Adds each character of keys as a hot key. */
void
add_keys(newtComponent f, const char *keys)
{
	for (; *keys != '\0'; keys++)
		newtFormAddHotKey(f, (unsigned char)*keys);
}

/* A form that also wakes up for signals and takes Ctrl-C as a key. */
newtComponent
tui_form(struct tui *t)
{
	newtComponent f = newtForm(NULL, NULL, NEWT_FLAG_NOF12);

	newtFormWatchFd(f, t->sigfd, NEWT_FD_READ);
	newtFormAddHotKey(f, KEY_CTRL_C);
	return f;
}

static enum tui_event
on_signal(struct tui *t)
{
	struct signalfd_siginfo si;
	ssize_t got = read(t->sigfd, &si, sizeof(si));

	if (got != (ssize_t)sizeof(si))
		return TUI_EV_TIMER;	/* nothing after all: run on */
	switch (si.ssi_signo) {
	case SIGWINCH:
		newtResizeScreen(1);
		return TUI_EV_TIMER;
	case SIGINT:
		return TUI_EV_INTERRUPT;
	default:
		t->quit = true;
		return TUI_EV_TERMINATE;
	}
}

/*
 * Runs form until something the screen must handle happens.  A resize
 * redraws and runs on; the screen sees TUI_EV_TIMER only when it asked
 * for a timer.
 */
enum tui_event
tui_run_form(struct tui *t, newtComponent form, struct newtExitStruct *es)
{
	enum tui_event ev;

	for (;;) {
		if (t->quit)
			return TUI_EV_TERMINATE;
		newtFormRun(form, es);
		switch (es->reason) {
		case NEWT_EXIT_COMPONENT:
			return TUI_EV_COMPONENT;
		case NEWT_EXIT_HOTKEY:
			if (es->u.key == KEY_CTRL_C)
				return TUI_EV_INTERRUPT;
			if (es->u.key == NEWT_KEY_RESIZE) {
				newtResizeScreen(1);
				continue;
			}
			return TUI_EV_KEY;
		case NEWT_EXIT_TIMER:
			return TUI_EV_TIMER;
		case NEWT_EXIT_FDREADY:
			if (es->u.watch != t->sigfd)
				return TUI_EV_FD;
			ev = on_signal(t);
			if (ev == TUI_EV_TIMER)
				continue;
			return ev;
		default:
			t->quit = true;
			return TUI_EV_TERMINATE;
		}
	}
}

/* Title on the top line, key help on the bottom line. */
void
tui_root(struct tui *t, const char *title, const char *help)
{
	char line[TUI_LINE], head[TUI_LINE];

	(void)t;
	newtCls();
	tui_printf(head, sizeof(head), "exhume %s - %s", EXH_VERSION, title);
	newtDrawRootText(0, 0, tui_fit_pad(t, head, TUI_COLS, line));
	newtDrawRootText(0, TUI_ROWS - 1, tui_fit_pad(t, help, TUI_COLS - 1,
	    line));
}

/* Lines of text; how many, and the widest in columns. */
static void
measure(const char *text, int *lines, int *width)
{
	const char *p = text, *nl;
	char buf[TUI_LINE];
	size_t n;
	int w;

	*lines = 0;
	*width = 0;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		tui_printf(buf, sizeof(buf), "%.*s", (int)(n < TUI_LINE - 1 ?
		    n : TUI_LINE - 1), p);
		w = tui_columns(buf);
		if (w > *width)
			*width = w;
		(*lines)++;
		p += n + (nl ? 1 : 0);
	}
}

/*
 * A textbox holding text, with a scroll bar only when the text is longer
 * than the box (newt adds the bar's two columns to the width).
 */
newtComponent
tui_textbox(int left, int top, int width, int height, const char *text)
{
	newtComponent tb;
	int lines, w;

	measure(text, &lines, &w);
	if (lines > height)
		tb = newtTextbox(left, top, width - 2, height, NEWT_FLAG_SCROLL);
	else
		tb = newtTextbox(left, top, width, height, 0);
	newtTextboxSetText(tb, text);
	return tb;
}

/*
 * A dialog with text (safe text: translations and escaped values) and
 * one or two buttons.  Returns 1 for the first, 2 for the second, 0 for
 * Esc.  Long text scrolls.
 */
static int
dialog(struct tui *t, const char *title, const char *text, const char *b1,
    const char *b2)
{
	newtComponent f, tb, btn1, btn2 = NULL;
	struct newtExitStruct es;
	enum tui_event ev;
	struct exh_buf wrapped = { 0 };
	int lines, width, h, w, rc = 0, bw;

	/* Our own text, but translations run longer: wrap it to the screen. */
	tui_para(t, &wrapped, text, TUI_TEXT_W);
	text = wrapped.data ? wrapped.data : "";
	measure(text, &lines, &width);
	w = width + 2;
	bw = tui_columns(b1) + (b2 ? tui_columns(b2) : 0) + 12;
	if (w < bw)
		w = bw;
	if (w < tui_columns(title) + 4)
		w = tui_columns(title) + 4;
	if (w > TUI_WIN_W)
		w = TUI_WIN_W;
	h = lines > 15 ? 15 : lines;
	newtCenteredWindow(w, h + 5, title);
	tb = tui_textbox(1, 1, w - 2, h, text);
	if (b2 == NULL)
		btn1 = newtButton((w - tui_columns(b1) - 4) / 2, h + 1, b1);
	else {
		btn1 = newtButton(w / 2 - tui_columns(b1) - 6, h + 1, b1);
		btn2 = newtButton(w / 2 + 1, h + 1, b2);
	}
	f = tui_form(t);
	newtFormAddComponents(f, tb, btn1, NULL);
	if (btn2 != NULL)
		newtFormAddComponent(f, btn2);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	newtFormSetCurrent(f, btn1);
	do {
		ev = tui_run_form(t, f, &es);
	} while (ev == TUI_EV_TIMER || ev == TUI_EV_FD);
	if (ev == TUI_EV_COMPONENT)
		rc = es.u.co == btn1 ? 1 : es.u.co == btn2 ? 2 : 1;
	newtFormDestroy(f);
	newtPopWindow();
	exh_buf_free(&wrapped);
	return rc;
}

void
tui_msg(struct tui *t, const char *title, const char *text)
{
	(void)dialog(t, title, text, _("OK"), NULL);
}

bool
tui_ask(struct tui *t, const char *title, const char *text, const char *yes,
    const char *no)
{
	return dialog(t, title, text, yes, no) == 1;
}

/* A full window of scrollable text, left with Enter or Esc. */
void
tui_text_screen(struct tui *t, const char *title, const char *text)
{
	newtComponent f, tb, back;
	struct newtExitStruct es;
	enum tui_event ev;
	int lines, width;

	tui_root(t, title, _("Arrows/PgUp/PgDn: scroll   Enter/Esc: back"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, title);
	tb = tui_textbox(1, 0, TUI_WIN_W - 2, TUI_WIN_H - 2, text);
	back = newtCompactButton(TUI_WIN_W / 2 - 4, TUI_WIN_H - 1, _("Back"));
	f = tui_form(t);
	newtFormAddComponents(f, tb, back, NULL);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	measure(text, &lines, &width);
	/* A box that scrolls gets the keys; one that does not cannot. */
	newtFormSetCurrent(f, lines > TUI_WIN_H - 2 ? tb : back);
	do {
		ev = tui_run_form(t, f, &es);
	} while (ev == TUI_EV_TIMER || ev == TUI_EV_FD ||
	    (ev == TUI_EV_COMPONENT && es.u.co == tb));
	newtFormDestroy(f);
	newtPopWindow();
}

/* A small window saying what is being done; the caller pops it. */
void
tui_busy(struct tui *t, const char *text)
{
	newtComponent f;
	int w = tui_columns(text) + 4;

	(void)t;
	newtCenteredWindow(w > TUI_WIN_W ? TUI_WIN_W : w, 3, "");
	f = newtForm(NULL, NULL, 0);
	newtFormAddComponent(f, newtLabel(2, 1, text));
	newtDrawForm(f);
	newtRefresh();
	newtFormDestroy(f);
}

/* ---- main menu ---------------------------------------------------- */

enum item {
	IT_START, IT_CASE, IT_SOURCES, IT_SCAN, IT_STATUS, IT_FINDINGS,
	IT_TIMELINE, IT_EVIDENCE, IT_VERIFY, IT_SHELL, IT_LANG, IT_REBOOT,
	IT_POWEROFF, IT_QUIT, IT_COUNT
};

struct menu_item {
	int key;
	const char *label;
};

static const struct menu_item menu[IT_COUNT] = {
	{ '1', N_("Start: what exhume does, read-only state") },
	{ '2', N_("Case details") },
	{ '3', N_("Sources: disks and volumes") },
	{ '4', N_("Scan") },
	{ '5', N_("Exchange status") },
	{ '6', N_("Findings") },
	{ '7', N_("Timeline") },
	{ '8', N_("Write the evidence bundle") },
	{ '9', N_("Verify a bundle") },
	{ 's', N_("Shell and mounting by hand") },
	{ 'l', N_("Language: Deutsch") },
	{ 'r', N_("Reboot") },
	{ 'p', N_("Power off") },
	{ 'q', N_("Quit") },
};

static bool
need_scan(struct tui *t)
{
	if (t->triage != NULL && t->scanned)
		return true;
	tui_msg(t, _("No results yet"), _("Run a scan first (menu item 4)."));
	return false;
}

static void
status_line(struct tui *t, char *dst, size_t dstlen)
{
	size_t n = 0, i;
	char c[TUI_LINE];

	for (i = 0; i < t->nsrcs; i++)
		n += t->srcs[i].selected;
	tui_printf(dst, dstlen, _("Case: %s   Sources chosen: %zu   Scan: %s   "
	    "Bundle: %s"), t->kase.case_id[0] ? tui_fit(t, t->kase.case_id,
	    16, c) : _("(none)"), n, !t->scanned ? _("not run") :
	    exh_findings_partial(exh_triage_findings(t->triage)) ?
	    _("partial") : _("done"), t->bundle_written ? _("written") :
	    _("not written"));
}

static int
menu_once(struct tui *t, int current)
{
	newtComponent f, lb;
	struct newtExitStruct es;
	enum tui_event ev;
	char line[TUI_LINE], status[TUI_LINE];
	int i, chosen = -1;

	tui_root(t, _("Main menu"), _("Arrows+Enter or the key in front: "
	    "choose   Q: quit"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Main menu"));
	status_line(t, status, sizeof(status));
	newtFormAddComponent(f = tui_form(t), newtLabel(1, 0,
	    tui_fit(t, status, TUI_WIN_W - 2, line)));
	lb = newtListbox(3, 2, IT_COUNT, NEWT_FLAG_RETURNEXIT |
	    NEWT_FLAG_SHOWCURSOR);
	for (i = 0; i < IT_COUNT; i++) {
		tui_printf(line, sizeof(line), "%c  %s", menu[i].key == 's' ? 'S'
		    : menu[i].key >= 'a' ? menu[i].key - 'a' + 'A' :
		    menu[i].key, _(menu[i].label));
		newtListboxAppendEntry(lb, line, (void *)(intptr_t)i);
		newtFormAddHotKey(f, menu[i].key);
		if (menu[i].key >= 'a')
			newtFormAddHotKey(f, menu[i].key - 'a' + 'A');
	}
	newtListboxSetCurrent(lb, current);
	newtListboxSetWidth(lb, TUI_WIN_W - 6);
	newtFormAddComponent(f, lb);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	ev = tui_run_form(t, f, &es);
	if (ev == TUI_EV_COMPONENT)
		chosen = (int)(intptr_t)newtListboxGetCurrent(lb);
	else if (ev == TUI_EV_KEY) {
		for (i = 0; i < IT_COUNT; i++)
			if (es.u.key == menu[i].key ||
			    es.u.key == menu[i].key - 'a' + 'A')
				chosen = i;
		if (es.u.key == NEWT_KEY_ESCAPE)
			chosen = -1;
	} else if (ev == TUI_EV_INTERRUPT)
		chosen = IT_QUIT;
	newtFormDestroy(f);
	newtPopWindow();
	return chosen;
}

static void
dispatch(struct tui *t, int item)
{
	switch (item) {
	case IT_START: tui_start_screen(t); break;
	case IT_CASE: tui_case_form(t); break;
	case IT_SOURCES: tui_sources_screen(t); break;
	case IT_SCAN: tui_scan_screen(t); break;
	case IT_STATUS: if (need_scan(t)) tui_status_screen(t); break;
	case IT_FINDINGS: if (need_scan(t)) tui_findings_screen(t); break;
	case IT_TIMELINE: if (need_scan(t)) tui_timeline_screen(t); break;
	case IT_EVIDENCE: if (need_scan(t)) tui_evidence_screen(t); break;
	case IT_VERIFY: tui_verify_screen(t); break;
	case IT_SHELL: tui_shell_screen(t); break;
	case IT_LANG: tui_switch_language(t); break;
	case IT_REBOOT: tui_power_screen(t, true); break;
	case IT_POWEROFF: tui_power_screen(t, false); break;
	case IT_QUIT:
		if (tui_ask(t, _("Quit"), t->bundle_written ? _("Leave exhume?")
		    : _("No evidence bundle was written in this session.\n"
		    "Leave exhume anyway?"), _("Quit"), _("Stay")))
			t->quit = true;
		break;
	default:
		break;
	}
}

static void
main_menu(struct tui *t)
{
	int item, current = IT_CASE;

	tui_start_screen(t);
	if (!t->quit)
		tui_case_form(t);
	while (!t->quit) {
		item = menu_once(t, current);
		if (item < 0)
			continue;
		current = item;
		dispatch(t, item);
		if (item == IT_SOURCES && !t->quit)
			current = IT_SCAN;
	}
}

/* ---- set-up and tear-down ----------------------------------------- */

static int
block_signals(struct tui *t)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	/* Threads started later (scan workers) inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	t->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return t->sigfd < 0 ? -1 : 0;
}

static void
set_cache_dir(struct tui *t)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	t->cache_dir[0] = '\0';
	if (xdg != NULL && *xdg == '/')
		n = tui_printf(t->cache_dir, sizeof(t->cache_dir), "%s/exhume",
		    xdg);
	else if (home != NULL && *home == '/')
		n = tui_printf(t->cache_dir, sizeof(t->cache_dir),
		    "%s/.cache/exhume", home);
	else
		return;
	if (n < 0 || (size_t)n >= sizeof(t->cache_dir) ||
	    (mkdir(t->cache_dir, 0700) != 0 && errno != EEXIST))
		t->cache_dir[0] = '\0';
}

static void
init_state(struct tui *t, int argc, char **argv)
{
	const char *env;

	memset(t, 0, sizeof(*t));
	t->sigfd = -1;
	t->given = argv;
	t->ngiven = (size_t)argc;
	t->kind_filter = -1;
	t->min_level = EXH_LEVEL_NOTICE;
	env = getenv("EXHUME_BOOT_ID");
	t->in_image = env != NULL;	/* the image exports it, maybe empty */
	tui_printf(t->boot_id, sizeof(t->boot_id), "%s", env ? env : "");
	if (t->boot_id[0] == '\0')
		exh_source_boot_id("/proc/cmdline", t->boot_id,
		    sizeof(t->boot_id));
	t->boot_disk = getenv("EXHUME_BOOT_DISK");
	t->firmware_notes = getenv("EXHUME_FIRMWARE_NOTES");
	env = getenv("EXHUME_RULES_DIR");
	t->rules_dir = (env != NULL && *env != '\0') ? env : EXH_RULES_DIR;
	env = getenv("EXHUME_EVIDENCE_DIR");
	tui_printf(t->evidence_dir, sizeof(t->evidence_dir), "%s",
	    env ? env : "");
	set_cache_dir(t);
}

static void
free_state(struct tui *t)
{
	exh_triage_destroy(t->triage);
	t->triage = NULL;
	tui_scan_free(t);
	tui_free_sources(t);
	if (t->sigfd >= 0)
		close(t->sigfd);
}

int
cmd_tui(int argc, char **argv)
{
	struct tui t;

	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: exhume tui [SOURCE...]\n");
		return TUI_EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "exhume tui: needs a terminal\n");
		return TUI_EXIT_USAGE;
	}
	init_state(&t, argc - 1, argv + 1);
	if (block_signals(&t) != 0) {
		fprintf(stderr, "exhume tui: cannot set up signals\n");
		return TUI_EXIT_USAGE;
	}
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (newtInit() != 0) {
		fprintf(stderr, "exhume tui: cannot start the screen "
		    "(TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		free_state(&t);
		return TUI_EXIT_USAGE;
	}
	newtCls();
	(void)tui_probe_sources(&t);
	main_menu(&t);
	newtFinished();
	free_state(&t);
	if (t.power != 0)
		tui_power_now(&t);
	return TUI_EXIT_CLEAN;
}
