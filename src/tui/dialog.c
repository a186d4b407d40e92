/* The UI's frame: signal-aware forms, the root window, message boxes. */
#include <sys/signalfd.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"

#define KEY_CTRL_C 3

/* Adds each character of keys as a hot key. */
void
tui_add_keys(newtComponent f, const char *keys)
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
	int cols = 0, rows = 0;

	newtCls();
	tui_printf(head, sizeof(head), "exhume %s - %s", EXH_VERSION, title);
	newtDrawRootText(0, 0, tui_fit_pad(t, head, TUI_COLS, line));
	/* The last row of the terminal, whichever of 24 or 25 it has. */
	newtGetScreenSize(&cols, &rows);
	if (rows <= 0)
		rows = TUI_ROWS;
	newtDrawRootText(0, rows - 1, tui_fit_pad(t, help, TUI_COLS - 1,
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
	struct exh_buf wrapped = { 0 };

	/* A line longer than the box (a translation, a long count) would be
	 * cut by newt without a mark: wrap every line at blanks first. */
	tui_para(t, &wrapped, text, TUI_TEXT_W);
	text = wrapped.data ? wrapped.data : "";
	tui_root(t, title, _("Arrows/PgUp/PgDn: scroll   Enter/Esc: back"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, title);
	tb = tui_textbox(1, 0, TUI_WIN_W - 2, TUI_WIN_H - 2, text);
	back = newtCompactButton(TUI_WIN_W / 2 - 4, TUI_WIN_H - 1, _("Back"));
	f = tui_form(t);
	newtFormAddComponents(f, tb, back, NULL);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	/* The help line says Enter goes back: a hot key, so a scrolling
	 * box that has the focus cannot swallow it. */
	newtFormAddHotKey(f, NEWT_KEY_ENTER);
	measure(text, &lines, &width);
	/* A box that scrolls gets the keys; one that does not cannot. */
	newtFormSetCurrent(f, lines > TUI_WIN_H - 2 ? tb : back);
	do {
		ev = tui_run_form(t, f, &es);
	} while (ev == TUI_EV_TIMER || ev == TUI_EV_FD ||
	    (ev == TUI_EV_COMPONENT && es.u.co == tb));
	newtFormDestroy(f);
	newtPopWindow();
	exh_buf_free(&wrapped);
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
