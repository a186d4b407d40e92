/* Start screen (what exhume does, read-only state of each disk) and the case form. */
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

/* One line per source: its name and how it is kept read-only. */
static void
ro_line(struct tui *t, const struct tui_source *s, struct exh_buf *out)
{
	const struct exh_ro_state *ro;
	char name[TUI_LINE], size[32], line[TUI_LINE];
	const char *state;

	tui_fit_pad(t, s->path, 24, name);
	if (s->from_sysfs && s->disk.is_boot_stick)
		state = _("boot stick: not examined");
	else if (s->src == NULL && s->why_not[0] != '\0')
		state = _(s->why_not);
	else if (s->src == NULL)
		state = _("cannot be opened");
	else {
		ro = exh_source_ro_state(s->src);
		if (!ro->is_block_device)
			state = _("image file, opened read-only");
		else if (ro->after == 1)
			state = _("read-only (kernel flag set and checked)");
		else
			state = _("NOT READ-ONLY: not examined");
	}
	tui_size(s->src ? exh_source_size(s->src) : s->disk.size, size,
	    sizeof(size));
	tui_printf(line, sizeof(line), "  %s %9s  %s", name, size, state);
	(void)exh_buf_puts(out, line);
	(void)exh_buf_putc(out, '\n');
}

static void
start_text(struct tui *t, struct exh_buf *b)
{
	size_t i;

	tui_para(t, b, _(
	    "exhume looks for traces of attacks on Microsoft Exchange on\n"
	    "this server's disks: web shells, exploitation in the IIS and\n"
	    "Exchange logs and event logs, and the patch level. It writes an\n"
	    "evidence bundle for the investigators.\n\n"
	    "exhume never writes to the server's disks. Every disk is opened\n"
	    "read-only and marked read-only in the kernel before it is read.\n"
	    "Only the evidence partition of the exhume stick is written.\n\n"),
	    TUI_TEXT_W);
	tui_para(t, b, _("Disks and their read-only state:\n"), TUI_TEXT_W);
	for (i = 0; i < t->nsrcs; i++)
		ro_line(t, &t->srcs[i], b);
	if (t->nsrcs == 0)
		tui_para(t, b, _("  (no disks found; rescan on the "
		    "Sources screen)\n"), TUI_TEXT_W);
}

/* Start: the promise, the read-only state, the language. */
void
tui_start_screen(struct tui *t)
{
	newtComponent f, tb, cont, lang, quit;
	struct newtExitStruct es;
	struct exh_buf b = { 0 };
	enum tui_event ev;
	bool again = true;

	while (again && !t->quit) {
		again = false;
		exh_buf_reset(&b);
		start_text(t, &b);
		tui_root(t, _("Start"), _("Tab: next   Enter: choose   "
		    "L: Deutsch/English   Q: quit"));
		newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Start"));
		tb = tui_textbox(1, 0, TUI_WIN_W - 2, TUI_WIN_H - 5,
		    b.data ? b.data : "");
		cont = newtButton(4, TUI_WIN_H - 4, _("Continue"));
		lang = newtButton(28, TUI_WIN_H - 4, _("Deutsch/English"));
		quit = newtButton(56, TUI_WIN_H - 4, _("Quit"));
		f = tui_form(t);
		newtFormAddComponents(f, tb, cont, lang, quit, NULL);
		newtFormAddHotKey(f, 'l');
		newtFormAddHotKey(f, 'L');
		newtFormAddHotKey(f, 'q');
		newtFormAddHotKey(f, 'Q');
		newtFormSetCurrent(f, cont);
		do
			ev = tui_run_form(t, f, &es);
		while (ev == TUI_EV_TIMER || ev == TUI_EV_FD ||
		    (ev == TUI_EV_COMPONENT && es.u.co == tb));
		newtFormDestroy(f);
		newtPopWindow();
		if ((ev == TUI_EV_COMPONENT && es.u.co == lang) ||
		    (ev == TUI_EV_KEY && (es.u.key == 'l' ||
		    es.u.key == 'L'))) {
			tui_switch_language(t);
			again = true;
		} else if ((ev == TUI_EV_COMPONENT && es.u.co == quit) ||
		    (ev == TUI_EV_KEY && (es.u.key == 'q' ||
		    es.u.key == 'Q')) ||
		    ev == TUI_EV_INTERRUPT)
			t->quit = tui_ask(t, _("Quit"), _("Leave exhume?"),
			    _("Quit"), _("Stay"));
	}
	exh_buf_free(&b);
}

static void
take(newtComponent e, char *dst, size_t dstlen)
{
	const char *v = newtEntryGetValue(e);

	tui_printf(dst, dstlen, "%s", v ? v : "");
}

#define CASE_FIELDS 7

/* Where each field sits; the notification facts under a heading. */
static int
field_row(int i)
{
	return i < 4 ? 3 + i : 5 + i;	/* 3..6, then 9..11 */
}

/*
 * Case number, evidence number, examiner, notes, and the facts a breach
 * notification needs (GDPR Art. 33(3)): for the case record and report.
 */
void
tui_case_form(struct tui *t)
{
	newtComponent f, e[CASE_FIELDS], save, cancel;
	struct newtExitStruct es;
	enum tui_event ev;
	static const char *labels[CASE_FIELDS] = {
		N_("Case number:"), N_("Evidence number:"), N_("Examiner:"),
		N_("Notes:"), N_("Aware since:"), N_("Measures taken:"),
		N_("Data concerned:"),
	};
	char *fields[CASE_FIELDS] = { t->kase.case_id, t->kase.evidence_id,
	    t->kase.examiner, t->kase.notes, t->kase.aware_since,
	    t->kase.measures, t->kase.data_categories };
	size_t sizes[CASE_FIELDS] = { sizeof(t->kase.case_id),
	    sizeof(t->kase.evidence_id), sizeof(t->kase.examiner),
	    sizeof(t->kase.notes), sizeof(t->kase.aware_since),
	    sizeof(t->kase.measures), sizeof(t->kase.data_categories) };
	int i, x = 20, w;

	/* Entries start after the widest label of the language shown. */
	for (i = 0; i < CASE_FIELDS; i++)
		if ((w = tui_columns(_(labels[i])) + 2) > x)
			x = w;
	tui_root(t, _("Case details"), _("Tab: next field   F10: save   "
	    "Esc: cancel"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Case details"));
	f = tui_form(t);
	newtFormAddComponent(f, newtTextboxReflowed(1, 0, _("These go into "
	    "the case record of the evidence bundle (acquisition.json) and "
	    "the report. All are optional."), TUI_TEXT_W, 0, 0, 0));
	newtFormAddComponent(f, newtLabel(1, 8, _("For a breach "
	    "notification (GDPR Art. 33(3)):")));
	for (i = 0; i < CASE_FIELDS; i++) {
		newtFormAddComponent(f, newtLabel(1, field_row(i),
		    _(labels[i])));
		e[i] = newtEntry(x, field_row(i), fields[i], TUI_WIN_W - x - 2,
		    NULL, NEWT_FLAG_SCROLL);
		newtFormAddComponent(f, e[i]);
	}
	save = newtButton(16, TUI_WIN_H - 5, _("Save"));
	cancel = newtButton(44, TUI_WIN_H - 5, _("Cancel"));
	newtFormAddComponents(f, save, cancel, NULL);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	do
		ev = tui_run_form(t, f, &es);
	while (ev == TUI_EV_TIMER || ev == TUI_EV_FD);
	if ((ev == TUI_EV_COMPONENT && es.u.co != cancel) ||
	    (ev == TUI_EV_KEY && es.u.key == NEWT_KEY_F10))
		for (i = 0; i < CASE_FIELDS; i++)
			take(e[i], fields[i], sizes[i]);
	newtFormDestroy(f);
	newtPopWindow();
}
