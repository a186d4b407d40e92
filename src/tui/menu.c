/* The main menu: its items, the status line and what each item opens. */
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

enum menu_choice {
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

void
tui_main_menu(struct tui *t)
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
