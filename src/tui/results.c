/* Results: Exchange status, the findings list with filters, finding details and the timeline. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define W TUI_TEXT_W

static const char *
level_word(int level)
{
	switch (level) {
	case EXH_LEVEL_ALERT: return _("ALERT");
	case EXH_LEVEL_WARNING: return _("warning");
	case EXH_LEVEL_NOTICE: return _("notice");
	default: return _("info");
	}
}

static const char *
kind_word(int kind)
{
	switch (kind) {
	case EXH_FIND_FILE: return _("file");
	case EXH_FIND_LOG: return _("log");
	case EXH_FIND_EVENT: return _("event");
	case EXH_FIND_HOST: return _("host");
	default: return "?";
	}
}

static void
partial_banner(struct tui *t, struct exh_buf *b)
{
	const char *why = exh_findings_partial(exh_triage_findings(t->triage));

	if (why == NULL)
		return;
	tui_para(t, b, _("*** PARTIAL RESULTS: the scan did not "
	    "finish ***\n"), TUI_TEXT_W);
	(void)tui_wrap(t, b, _("Reason: "), why, W);
	(void)exh_buf_putc(b, '\n');
}

/* ---- Exchange status --------------------------------------------- */

static const char *
verdict_word(int v)
{
	switch (v) {
	case EXH_VERDICT_VULNERABLE: return _("VULNERABLE");
	case EXH_VERDICT_FIXED: return _("fixed");
	case EXH_VERDICT_NOT_AFFECTED: return _("not affected");
	default: return _("unknown");
	}
}

static void
verdicts(struct tui *t, const struct exh_profile *p, struct exh_buf *b)
{
	char line[TUI_LINE], when[32];
	int i;

	tui_para(t, b, _("Patch level per vulnerability family:\n"), W);
	for (i = 0; i < EXH_FAM_COUNT; i++) {
		const struct exh_family_verdict *v = &p->verdicts[i];

		tui_printf(line, sizeof(line), "  %-14s %s", exh_family_name(
		    v->family), verdict_word(v->verdict));
		(void)exh_buf_puts(b, line);
		if (v->cu != NULL && v->cu[0] != '\0')
			(void)exh_buf_printf(b, "  (%s)", v->cu);
		(void)exh_buf_putc(b, '\n');
		if (v->still_vulnerable)
			tui_para(t, b, _("      exposure window: still "
			    "open, no fix installed\n"), TUI_TEXT_W);
		else if (v->fix_installed_since != 0)
			(void)exh_buf_printf(b, _("      exposure window: "
			    "until the fix was installed on %s\n"),
			    tui_time(v->fix_installed_since, when));
		if (v->reason != NULL && v->reason[0] != '\0')
			(void)tui_wrap(t, b, "      ", v->reason, W);
	}
}

/* Exposure windows the logs do not cover (the triage's coverage check). */
static void
gaps(struct tui *t, struct exh_buf *b)
{
	const struct exh_findings *fs = exh_triage_findings(t->triage);
	size_t i;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (f->check != NULL && f->excerpt != NULL &&
		    strcmp(f->check, "logs/coverage-gap") == 0)
			(void)tui_wrap(t, b, _("  WARNING: "), f->excerpt, W);
	}
}

static void
coverage(struct tui *t, struct exh_buf *b)
{
	size_t i, n = exh_triage_coverage_count(t->triage);
	char a[32], z[32];

	tui_para(t, b, _("\nLog coverage:\n"), TUI_TEXT_W);
	if (n == 0)
		tui_para(t, b, _("  WARNING: no Exchange or IIS logs "
		    "were read. Exploitation over the web cannot be seen in "
		    "logs.\n"), TUI_TEXT_W);
	for (i = 0; i < n; i++) {
		const struct exh_log_coverage *c = exh_triage_coverage(
		    t->triage, i);

		(void)exh_buf_printf(b, _("  %s: %" PRIu64 " files, %" PRIu64
		    " lines\n"), exh_log_family_name(c->family), c->files,
		    c->lines);
		(void)exh_buf_printf(b, "      %s .. %s\n", tui_time(c->first, a),
		    tui_time(c->last, z));
		if (c->bad_lines > 0)
			(void)exh_buf_printf(b, _("      WARNING: %" PRIu64
			    " damaged lines were skipped\n"), c->bad_lines);
		if (c->lines == 0)
			tui_para(t, b, _("      WARNING: no readable "
			    "lines\n"), TUI_TEXT_W);
	}
	gaps(t, b);
}

static void
status_text(struct tui *t, struct exh_buf *b)
{
	const struct exh_profile *p = exh_triage_profile(t->triage);
	size_t c[4], i;
	char line[TUI_LINE];

	partial_banner(t, b);
	if (p == NULL)
		tui_para(t, b, _("No Windows system volume was found: "
		    "no host profile.\n"), TUI_TEXT_W);
	else {
		(void)tui_wrap(t, b, _("Host:      "), p->computer_name, W);
		(void)tui_wrap(t, b, _("Domain:    "), p->domain, W);
		(void)tui_wrap(t, b, _("Windows:   "), p->product_name, W);
		if (!p->exchange_present)
			tui_para(t, b, _("Exchange:  not found\n"), TUI_TEXT_W);
		else {
			tui_printf(line, sizeof(line), "%d, build %s "
			    "(ExSetup %s)", p->exchange_version,
			    p->registry_build, p->exsetup_build);
			(void)tui_wrap(t, b, _("Exchange:  "), line, W);
			(void)tui_wrap(t, b, _("Installed: "), p->install_path,
			    W);
		}
		(void)exh_buf_putc(b, '\n');
		verdicts(t, p, b);
	}
	coverage(t, b);
	exh_findings_level_counts(exh_triage_findings(t->triage), c);
	(void)exh_buf_printf(b, _("\nFindings: %zu alert, %zu warning, %zu "
	    "notice (menu item 6)\n"), c[EXH_LEVEL_ALERT],
	    c[EXH_LEVEL_WARNING], c[EXH_LEVEL_NOTICE]);
	if (exh_triage_note_count(t->triage) > 0)
		tui_para(t, b, _("\nNotes:\n"), TUI_TEXT_W);
	for (i = 0; i < exh_triage_note_count(t->triage); i++)
		(void)tui_wrap(t, b, "  ", exh_triage_note(t->triage, i), W);
}

void
tui_status_screen(struct tui *t)
{
	struct exh_buf b = { 0 };

	status_text(t, &b);
	tui_text_screen(t, _("Exchange status"), b.data ? b.data : "");
	exh_buf_free(&b);
}

/* ---- finding details -------------------------------------------- */

static void
times(struct tui *t, struct exh_buf *b, const char *what,
    const struct exh_macb *m)
{
	char c[32], mo[32], e[32], a[32], line[TUI_LINE];

	if (m->created == 0 && m->modified == 0 && m->mft_changed == 0 &&
	    m->accessed == 0)
		return;
	tui_printf(line, sizeof(line), _("%s created %s, modified %s, MFT "
	    "changed %s, accessed %s"), what, tui_time(m->created, c),
	    tui_time(m->modified, mo), tui_time(m->mft_changed, e),
	    tui_time(m->accessed, a));
	(void)tui_wrap(t, b, "", line, W);
}

static void
reasons(struct tui *t, const struct exh_finding *f, struct exh_buf *b)
{
	char head[TUI_LINE];
	size_t i;

	tui_para(t, b, _("\nReasons:\n"), TUI_TEXT_W);
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		tui_printf(head, sizeof(head), "  [%s] ",
		    r->kind ? r->kind : "");
		(void)tui_wrap(t, b, head, r->name, W);
		(void)exh_buf_printf(b, _("      score %d\n"), r->score);
		if (r->description != NULL && *r->description)
			(void)tui_wrap(t, b, "      ", r->description, W);
		if (r->reference != NULL && *r->reference)
			(void)tui_wrap(t, b, _("      see "), r->reference, W);
		if (r->detail != NULL && *r->detail)
			(void)tui_wrap(t, b, _("      matched: "),
			    r->detail, W);
	}
}

static void
details_text(struct tui *t, const struct exh_finding *f, struct exh_buf *b)
{
	char line[TUI_LINE], when[32];
	size_t i;

	(void)exh_buf_printf(b, "%s  %s  %s %d  %s\n", f->id,
	    level_word(f->level), _("score"), f->score, kind_word(f->kind));
	if (f->check != NULL)
		(void)tui_wrap(t, b, _("Check:   "), f->check, W);
	if (f->file.path != NULL)
		(void)tui_wrap(t, b, _("Path:    "), f->file.path, W);
	if (f->file.stream != NULL && *f->file.stream)
		(void)tui_wrap(t, b, _("Stream:  "), f->file.stream, W);
	if (f->kind == EXH_FIND_FILE) {
		tui_printf(line, sizeof(line), _("Size %" PRIu64 " bytes, MFT "
		    "record %" PRIu64 " sequence %u"), f->file.size,
		    f->file.mft, (unsigned)f->file.seq);
		(void)tui_wrap(t, b, "", line, W);
	}
	/* "SHA-256: " and 64 digits are 73 columns, one more than a
	 * scrolling box shows: the hash goes whole onto a line of its own,
	 * so a responder pasting it into a lookup gets every digit. */
	if (f->sha256[0])
		(void)exh_buf_printf(b, "SHA-256:\n  %s\n", f->sha256);
	if (f->sha1[0])
		(void)exh_buf_printf(b, "SHA-1:   %s\n", f->sha1);
	if (f->md5[0])
		(void)exh_buf_printf(b, "MD5:     %s\n", f->md5);
	times(t, b, "$SI", &f->file.si);
	times(t, b, "$FN", &f->file.fn);
	if (f->line != 0)
		(void)exh_buf_printf(b, _("Log line %" PRIu64 "\n"), f->line);
	if (f->record != 0)
		(void)exh_buf_printf(b, _("Event record %" PRIu64 "\n"),
		    f->record);
	if (f->time != 0)
		(void)exh_buf_printf(b, _("Logged at %s\n"),
		    tui_time(f->time, when));
	if (f->client_ip != NULL && *f->client_ip)
		(void)tui_wrap(t, b, _("Client IP: "), f->client_ip, W);
	if (f->excerpt != NULL && *f->excerpt)
		(void)tui_wrap(t, b, _("Record:  "), f->excerpt, W);
	for (i = 0; i < f->nfields; i++) {
		tui_printf(line, sizeof(line), "  %s = ", f->fields[i].key);
		(void)tui_wrap(t, b, "", line, W);
		(void)tui_wrap(t, b, "      ", f->fields[i].value, W);
	}
	reasons(t, f, b);
}

static void
details(struct tui *t, const struct exh_finding *f)
{
	struct exh_buf b = { 0 };

	details_text(t, f, &b);
	tui_text_screen(t, _("Finding"), b.data ? b.data : "");
	exh_buf_free(&b);
}

/* ---- findings list ---------------------------------------------- */

/* The last component of a Windows or POSIX path. */
static const char *
base_name(const char *path)
{
	const char *b = path, *p;

	for (p = path; *p != '\0'; p++)
		if (*p == '\\' || *p == '/')
			b = p + 1;
	return *b != '\0' ? b : path;
}

/*
 * What a list line names: a file finding its path (whose end matters
 * most), any other finding its check and then the file it came from, so
 * ten hits in one log read as ten checks, not ten times the log.
 */
static const char *
subject(const struct exh_finding *f, char *buf, size_t n)
{
	const char *what = f->check ? f->check : f->nreasons ?
	    f->reasons[0].name : "";

	if (f->kind == EXH_FIND_FILE && f->file.path != NULL)
		tui_printf(buf, n, "%s%s%s", f->file.path,
		    f->file.stream && *f->file.stream ? ":" : "",
		    f->file.stream ? f->file.stream : "");
	else if (f->file.path != NULL)
		tui_printf(buf, n, "%s @ %s", what, base_name(f->file.path));
	else
		tui_printf(buf, n, "%s", what);
	return buf;
}

/* subject fitted to width: a path keeps its end, a check its start. */
static const char *
fit_subject(const struct tui *t, const struct exh_finding *f, int width,
    char dst[TUI_LINE])
{
	char subj[TUI_LINE];

	subject(f, subj, sizeof(subj));
	if (f->kind == EXH_FIND_FILE)
		return tui_fit_tail(t, subj, width, dst);
	return tui_fit(t, subj, width, dst);
}

static size_t
fill_findings(struct tui *t, newtComponent lb)
{
	const struct exh_findings *fs = exh_triage_findings(t->triage);
	char line[TUI_LINE], fit[TUI_LINE], lvl[TUI_LINE];
	size_t i, shown = 0;

	newtListboxClear(lb);
	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (f->level < t->min_level ||
		    (t->kind_filter >= 0 && f->kind != t->kind_filter))
			continue;
		tui_printf(line, sizeof(line), "%s %s %3d %-5s %s", f->id,
		    tui_fit_pad(t, level_word(f->level), 7, lvl), f->score,
		    kind_word(f->kind), fit_subject(t, f, TUI_WIN_W - 30, fit));
		newtListboxAppendEntry(lb, line, (void *)(intptr_t)(i + 1));
		shown++;
	}
	if (shown == 0)
		newtListboxAppendEntry(lb, _("(no finding matches the filter)"),
		    NULL);
	return shown;
}

static void
filter_label(struct tui *t, newtComponent l)
{
	char line[TUI_LINE];

	tui_printf(line, sizeof(line), _("Showing: level %s and above, kind "
	    "%s.   L: level   K: kind"), level_word(t->min_level),
	    t->kind_filter < 0 ? _("all") : kind_word(t->kind_filter));
	newtLabelSetText(l, line);
}

void
tui_findings_screen(struct tui *t)
{
	const struct exh_findings *fs = exh_triage_findings(t->triage);
	newtComponent f, lb, filt;
	struct newtExitStruct es;
	enum tui_event ev;
	char banner[TUI_LINE];
	void *k;

	for (;;) {
		tui_root(t, _("Findings"), _("Enter: details   L: level   "
		    "K: kind   Esc: back"));
		newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Findings"));
		f = tui_form(t);
		tui_printf(banner, sizeof(banner), "%s",
		    exh_findings_partial(fs) ?
		    _("PARTIAL RESULTS: the scan did not finish") : "");
		filt = newtLabel(1, 0, "");
		filter_label(t, filt);
		lb = newtListbox(1, 2, TUI_WIN_H - 3, NEWT_FLAG_SCROLL |
		    NEWT_FLAG_RETURNEXIT | NEWT_FLAG_SHOWCURSOR);
		newtListboxSetWidth(lb, TUI_WIN_W - 2);
		fill_findings(t, lb);
		newtFormAddComponents(f, filt, newtLabel(1, 1, banner), lb,
		    NULL);
		newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
		newtFormAddHotKey(f, NEWT_KEY_F10);
		newtFormAddHotKey(f, 'l');
		newtFormAddHotKey(f, 'L');
		newtFormAddHotKey(f, 'k');
		newtFormAddHotKey(f, 'K');
		do
			ev = tui_run_form(t, f, &es);
		while (ev == TUI_EV_TIMER || ev == TUI_EV_FD);
		k = newtListboxGetCurrent(lb);
		newtFormDestroy(f);
		newtPopWindow();
		if (ev == TUI_EV_COMPONENT && k != NULL)
			details(t, exh_findings_get(fs, (size_t)(intptr_t)k -
			    1));
		else if (ev == TUI_EV_KEY && (es.u.key == 'l' ||
		    es.u.key == 'L'))
			t->min_level = t->min_level == EXH_LEVEL_ALERT ?
			    EXH_LEVEL_INFO : t->min_level + 1;
		else if (ev == TUI_EV_KEY && (es.u.key == 'k' ||
		    es.u.key == 'K'))
			t->kind_filter = t->kind_filter == EXH_FIND_HOST ? -1 :
			    t->kind_filter + 1;
		else if (ev != TUI_EV_COMPONENT)
			return;
		if (t->quit)
			return;
	}
}

/* ---- timeline ---------------------------------------------------- */

struct tl_entry {
	int64_t when;
	const char *what;
	const struct exh_finding *f;
};

static int
tl_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return strcmp(x->f->id, y->f->id);
}

static size_t
tl_collect(const struct exh_findings *fs, struct tl_entry *e)
{
	size_t i, n = 0;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);
		const struct { int64_t v; const char *w; } ts[] = {
			{ f->file.si.created, N_("$SI created") },
			{ f->file.si.modified, N_("$SI modified") },
			{ f->file.si.mft_changed, N_("$SI MFT changed") },
			{ f->file.fn.created, N_("$FN created") },
			{ f->time, N_("logged") },
		};
		size_t k;

		if (f->level < EXH_LEVEL_NOTICE)
			continue;
		for (k = 0; k < sizeof(ts) / sizeof(ts[0]); k++)
			if (ts[k].v != 0) {
				if (e != NULL) {
					e[n].when = ts[k].v;
					e[n].what = ts[k].w;
					e[n].f = f;
				}
				n++;
			}
	}
	return n;
}

void
tui_timeline_screen(struct tui *t)
{
	const struct exh_findings *fs = exh_triage_findings(t->triage);
	struct tl_entry *e;
	struct exh_buf b = { 0 };
	char when[32], fit[TUI_LINE], what[TUI_LINE];
	size_t i, n = tl_collect(fs, NULL);

	if ((e = calloc(n ? n : 1, sizeof(*e))) == NULL)
		return;
	tl_collect(fs, e);
	qsort(e, n, sizeof(*e), tl_cmp);
	partial_banner(t, &b);
	tui_para(t, &b, _("Times of findings at notice and above, "
	    "oldest first (UTC):\n\n"), TUI_TEXT_W);
	/* Time (20), what (16), id (5) and three blanks; the rest of a
	 * scrolling box (W columns: the bar takes two) is the subject, so
	 * its end, the file's extension, is never cut by the box. */
	for (i = 0; i < n; i++)
		(void)exh_buf_printf(&b, "%s %s %s %s\n", tui_time(e[i].when,
		    when), tui_fit_pad(t, _(e[i].what), 16, what), e[i].f->id,
		    fit_subject(t, e[i].f, W - 20 - 16 - 5 - 3, fit));
	if (n == 0)
		tui_para(t, &b, _("(no timestamps)\n"), TUI_TEXT_W);
	tui_text_screen(t, _("Timeline"), b.data ? b.data : "");
	exh_buf_free(&b);
	free(e);
}
