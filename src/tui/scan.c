/* Scan: rule status before the start, then live progress with a clean cancel. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exhume/scan.h"
#include "tui_int.h"

/* What the scan thread reports; the UI thread reads it under mu. */
struct snapshot {
	pthread_mutex_t mu;
	struct exh_scan_progress p;
	char path[TUI_LINE];
	char phase[32];
	char note[EXH_ERR_MSG_MAX];
	struct exh_scan_eta eta;	/* of the phase, by bytes */
	bool have_progress;
};

struct scan_run {
	struct tui *t;
	struct snapshot snap;
	char **paths;
	size_t npaths;
};

static void
on_progress(void *ctx, const struct exh_scan_progress *p)
{
	struct snapshot *s = ctx;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->mu);
	exh_scan_eta_update(&s->eta, p, (double)now.tv_sec +
	    (double)now.tv_nsec / 1e9);
	s->p = *p;
	s->p.current_path = NULL;
	s->p.phase = NULL;
	tui_printf(s->path, sizeof(s->path), "%s", p->current_path ?
	    p->current_path : "");
	tui_printf(s->phase, sizeof(s->phase), "%s", p->phase ? p->phase : "");
	s->have_progress = true;
	pthread_mutex_unlock(&s->mu);
}

static void
on_note(void *ctx, const char *msg)
{
	struct snapshot *s = ctx;

	pthread_mutex_lock(&s->mu);
	tui_printf(s->note, sizeof(s->note), "%s", msg ? msg : "");
	pthread_mutex_unlock(&s->mu);
}

static int
scan_job(void *ctx, struct exh_err *err)
{
	struct scan_run *r = ctx;
	int rc;

	rc = exh_triage_open(r->t->triage, r->paths, r->npaths, err);
	if (rc != EXH_OK)
		return rc;
	on_note(&r->snap, _("scanning"));
	return exh_triage_run(r->t->triage, err);
}

/* ---- rules ------------------------------------------------------ */

static int
create_triage(struct tui *t, struct scan_run *r, struct exh_err *err)
{
	struct exh_triage_options *o = &t->opt;
	int rc;

	exh_triage_destroy(t->triage);
	t->triage = NULL;
	t->scanned = false;
	t->bundle_written = false;
	t->bundle_verified = false;
	memset(o, 0, sizeof(*o));
	/* rules_dir NULL: the triage finds the shipped rules itself. */
	o->cache_dir = t->cache_dir[0] ? t->cache_dir : NULL;
	o->full = t->full;
	o->verify_image = t->verify_image;
	o->only_volume = t->only_volume;
	o->case_id = t->kase.case_id;
	o->evidence_id = t->kase.evidence_id;
	o->examiner = t->kase.examiner;
	o->notes = t->kase.notes;
	o->aware_since = t->kase.aware_since;
	o->measures = t->kase.measures;
	o->data_categories = t->kase.data_categories;
	o->command_line = "exhume tui";
	o->firmware_notes_path = t->firmware_notes;
	o->note = on_note;
	o->progress = on_progress;
	o->ctx = &r->snap;
	o->cancel = &t->cancel;
	if ((rc = exh_triage_create(o, &t->triage, err)) != EXH_OK)
		return rc;
	return exh_triage_load_rules(t->triage, err);
}

static void
rule_status(struct tui *t, struct exh_buf *b)
{
	const struct exh_rules *r = exh_triage_rules(t->triage);
	struct exh_rules_counts c = exh_rules_counts(r);
	char line[TUI_LINE];
	size_t i, j;

	tui_printf(line, sizeof(line), _("Loaded: %zu YARA rules, %zu hashes "
	    "(%zu allow-listed), %zu path IOCs; %zu files rejected."),
	    c.yara_rules, c.md5 + c.sha1 + c.sha256, c.allow_hashes,
	    c.path_iocs, c.files_rejected);
	(void)tui_wrap(t, b, "", line, TUI_TEXT_W);
	if (exh_rules_cache_note(r) != NULL)
		(void)tui_wrap(t, b, _("Cache: "), exh_rules_cache_note(r),
		    TUI_TEXT_W);
	for (i = 0; i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		if (f->error != NULL)
			(void)tui_wrap(t, b, _("Rejected: "), f->name ?
			    f->name : f->path, TUI_TEXT_W),
			(void)tui_wrap(t, b, "  ", f->error, TUI_TEXT_W);
		for (j = 0; j < f->nrejects && j < 3; j++) {
			tui_printf(line, sizeof(line), _("line %zu: %s"),
			    f->rejects[j].line, f->rejects[j].reason);
			(void)tui_wrap(t, b, f->name ? f->name : f->path, "",
			    TUI_TEXT_W);
			(void)tui_wrap(t, b, "  ", line, TUI_TEXT_W);
		}
	}
}

/* ---- progress ---------------------------------------------------- */

static const char *
phase_name(const char *phase)
{
	if (strcmp(phase, "counting") == 0)
		return _("counting files");
	if (strcmp(phase, "scanning") == 0)
		return _("scanning files");
	if (strcmp(phase, "logs") == 0)
		return _("analysing logs and event logs");
	if (strcmp(phase, "done") == 0)
		return _("files done");
	if (strcmp(phase, "image-hash") == 0)
		return _("hashing the image files");
	if (strcmp(phase, "verify-image") == 0)
		return _("verifying the image (reading it whole)");
	return NULL;
}

/* Time left in the phase, by bytes; "-" while there is no estimate. */
static void
eta_text(const struct exh_scan_eta *e, char *dst, size_t dstlen)
{
	double left = exh_scan_eta_left(e);
	long secs;

	if (left < 0) {
		tui_printf(dst, dstlen, "-");
		return;
	}
	secs = left > 359999 ? 359999 : (long)(left + 0.5);
	if (secs >= 3600)
		tui_printf(dst, dstlen, "%ld:%02ld:%02ld", secs / 3600,
		    secs / 60 % 60, secs % 60);
	else
		tui_printf(dst, dstlen, "%ld:%02ld", secs / 60, secs % 60);
}

struct progress_ui {
	newtComponent phase, streams, bytes, path, levels, note, scale;
};

static void
draw_progress(struct tui *t, struct scan_run *r, struct progress_ui *u)
{
	struct snapshot *s = &r->snap;
	struct exh_scan_progress p;
	struct exh_scan_eta e;
	char line[TUI_LINE], fit[TUI_LINE], sz[32], total[32], rate[32];
	char eta[16];
	const char *ph;
	bool counting;

	pthread_mutex_lock(&s->mu);
	p = s->p;
	e = s->eta;
	counting = strcmp(s->phase, "counting") == 0;
	ph = phase_name(s->phase);
	tui_printf(line, sizeof(line), _("Phase:    %s"), ph ? ph :
	    tui_fit(t, s->phase[0] ? s->phase : s->note, 50, fit));
	newtLabelSetText(u->phase, line);
	tui_printf(line, sizeof(line), _("Current:  %s"),
	    tui_fit_tail(t, s->path, TUI_WIN_W - 12, fit));
	newtLabelSetText(u->path, line);
	tui_printf(line, sizeof(line), _("Note:     %s"),
	    tui_fit(t, s->note, TUI_WIN_W - 12, fit));
	newtLabelSetText(u->note, line);
	pthread_mutex_unlock(&s->mu);
	tui_printf(line, sizeof(line), _("Files:    %" PRIu64 " of %" PRIu64),
	    p.streams_done, p.streams_total);
	newtLabelSetText(u->streams, line);
	tui_size(p.bytes_done, sz, sizeof(sz));
	tui_size(p.bytes_total, total, sizeof(total));
	/* The rate and the time left are the phase's own, by bytes. */
	tui_size(exh_scan_eta_elapsed(&e) >= 0.5 ?
	    (uint64_t)exh_scan_eta_rate(&e) : 0, rate, sizeof(rate));
	eta_text(&e, eta, sizeof(eta));
	if (counting)
		tui_printf(line, sizeof(line), _("To read:  %s so far"), total);
	else if (p.bytes_total == 0)
		tui_printf(line, sizeof(line), _("Read:     %s   %s/s"), sz,
		    rate);
	else
		tui_printf(line, sizeof(line), _("Read:     %s of %s   %s/s   "
		    "time left: %s"), sz, total, rate, eta);
	newtLabelSetText(u->bytes, line);
	tui_printf(line, sizeof(line), _("Findings so far: %zu alert, %zu "
	    "warning, %zu notice"), p.by_level[EXH_LEVEL_ALERT],
	    p.by_level[EXH_LEVEL_WARNING], p.by_level[EXH_LEVEL_NOTICE]);
	newtLabelSetText(u->levels, line);
	if (!counting && p.bytes_total > 0)
		newtScaleSet(u->scale, (p.bytes_done < p.bytes_total ?
		    p.bytes_done : p.bytes_total) * 1000 / p.bytes_total);
	else if (!counting && p.streams_total > 0)
		newtScaleSet(u->scale, p.streams_done * 1000 /
		    p.streams_total);
	newtRefresh();
}

/*
 * A stray key must not end a scan that may have run for an hour: C, Esc
 * and Ctrl-C ask first.  The scan runs on while the question is shown.
 */
static bool
confirm_cancel(struct tui *t)
{
	return tui_ask(t, _("Cancel the scan?"), _("The scan stops; what it "
	    "found so far is kept and marked partial."), _("Cancel scan"),
	    _("Go on"));
}

static void
progress_loop(struct tui *t, struct scan_run *r, struct tui_job *j)
{
	newtComponent f, cancel;
	struct progress_ui u;
	struct newtExitStruct es;
	enum tui_event ev;
	int w = TUI_WIN_W - 2;

	tui_root(t, _("Scan"), _("Esc/C: cancel (results are kept, marked "
	    "partial)"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Scanning"));
	f = tui_form(t);
	u.phase = newtLabel(1, 1, "");
	u.streams = newtLabel(1, 3, "");
	u.bytes = newtLabel(1, 4, "");
	u.scale = newtScale(1, 6, w, 1000);
	u.path = newtLabel(1, 8, "");
	u.levels = newtLabel(1, 10, "");
	u.note = newtLabel(1, 12, "");
	newtLabelSetText(u.phase, "");
	cancel = newtButton(w / 2 - 5, TUI_WIN_H - 5, _("Cancel"));
	newtFormAddComponents(f, u.phase, u.streams, u.bytes, u.scale, u.path,
	    u.levels, u.note, cancel, NULL);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	newtFormAddHotKey(f, 'c');
	newtFormAddHotKey(f, 'C');
	newtFormSetTimer(f, 250);
	newtFormWatchFd(f, j->done_fd[0], NEWT_FD_READ);
	for (;;) {
		draw_progress(t, r, &u);
		ev = tui_run_form(t, f, &es);
		if (ev == TUI_EV_FD)
			break;
		if (ev == TUI_EV_TERMINATE || ((ev == TUI_EV_COMPONENT ||
		    ev == TUI_EV_KEY || ev == TUI_EV_INTERRUPT) &&
		    confirm_cancel(t))) {
			t->cancel = 1;
			newtLabelSetText(u.note, _("Cancelling..."));
		}
	}
	newtFormDestroy(f);
	newtPopWindow();
}

/* ---- the screen -------------------------------------------------- */

static size_t
chosen_paths(struct tui *t, char **paths)
{
	size_t i, n = 0;

	for (i = 0; i < t->nsrcs; i++)
		if (t->srcs[i].selected)
			paths[n++] = t->srcs[i].path;
	return n;
}

static void
scan_result(struct tui *t)
{
	const struct exh_findings *fs = exh_triage_findings(t->triage);
	struct exh_buf b = { 0 };
	size_t c[4];

	exh_findings_level_counts(fs, c);
	if (t->run_rc == EXH_STOP || exh_findings_partial(fs) != NULL)
		tui_para(t, &b, _("Scan cancelled: the results are "
		    "PARTIAL.\nWhat was found so far is kept and marked "
		    "partial.\n\n"), TUI_TEXT_W);
	else if (t->run_rc != EXH_OK) {
		tui_para(t, &b, _("The scan stopped with an error:\n"),
		    TUI_TEXT_W);
		(void)tui_wrap(t, &b, "", t->run_err.msg, 60);
		(void)exh_buf_puts(&b, "\n");
	} else
		tui_para(t, &b, _("Scan complete.\n\n"), TUI_TEXT_W);
	(void)exh_buf_printf(&b, _("Findings: %zu alert, %zu warning, %zu "
	    "notice\n"), c[EXH_LEVEL_ALERT], c[EXH_LEVEL_WARNING],
	    c[EXH_LEVEL_NOTICE]);
	tui_msg(t, _("Scan"), b.data ? b.data : "");
	exh_buf_free(&b);
}

static void
run_scan(struct tui *t, struct scan_run *r)
{
	struct tui_job j = { 0 };
	char *paths[64];

	r->npaths = chosen_paths(t, paths);
	r->paths = paths;
	t->cancel = 0;
	/* The job thread is not running yet: nothing else holds mu. */
	pthread_mutex_lock(&r->snap.mu);
	memset(&r->snap.p, 0, sizeof(r->snap.p));
	r->snap.phase[0] = '\0';
	r->snap.path[0] = '\0';
	exh_scan_eta_init(&r->snap.eta);
	pthread_mutex_unlock(&r->snap.mu);
	on_note(&r->snap, _("opening the sources and reading the host "
	    "profile"));
	j.fn = scan_job;
	j.ctx = r;
	if (tui_job_start(&j) != EXH_OK) {
		tui_msg(t, _("Scan"), _("Cannot start the scan thread."));
		return;
	}
	progress_loop(t, r, &j);
	tui_job_join(&j);
	t->run_rc = j.rc;
	t->run_err = j.err;
	/* Opened sources mean results exist, even partial ones. */
	t->scanned = j.rc == EXH_OK || j.rc == EXH_STOP ||
	    exh_triage_volume_count(t->triage) > 0;
	if (!t->scanned) {
		struct exh_buf b = { 0 };

		(void)tui_wrap(t, &b, "", j.err.msg, 60);
		tui_msg(t, _("Scan failed"), b.data ? b.data : "");
		exh_buf_free(&b);
		return;
	}
	scan_result(t);
}

static bool
can_start(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->nsrcs; i++)
		if (t->srcs[i].selected)
			return true;
	tui_msg(t, _("Scan"), _("No source is chosen. Choose disks or "
	    "volumes on the Sources screen (menu item 3)."));
	return false;
}

/* The set-up window: mode and rule status.  true: start. */
static bool
setup(struct tui *t)
{
	newtComponent f, exch, full, verify, tb, start, back;
	struct newtExitStruct es;
	struct exh_buf b = { 0 };
	enum tui_event ev;
	char vols[TUI_LINE], verify_on = t->verify_image ? '*' : ' ';

	rule_status(t, &b);
	tui_root(t, _("Scan"), _("E: Exchange triage   F: full   V: verify "
	    "image   S/F10: start   Esc: back"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Scan"));
	f = tui_form(t);
	exch = newtRadiobutton(1, 1, _("Exchange triage (Exchange, IIS and "
	    "web folders, logs)"), !t->full, NULL);
	full = newtRadiobutton(1, 2, _("Full: every file of the volumes "
	    "(slow)"), t->full, exch);
	if (t->only_volume > 0)
		tui_printf(vols, sizeof(vols), _("Volumes: only volume %d"),
		    t->only_volume);
	else
		tui_printf(vols, sizeof(vols), _("Volumes: all %d NTFS "
		    "volumes of the chosen sources"), t->nvolumes);
	verify = newtCheckbox(1, 4, _("Verify the images: read each whole and "
	    "compare stored hashes"), verify_on, " *", &verify_on);
	tb = tui_textbox(1, 6, TUI_WIN_W - 2, TUI_WIN_H - 10,
	    b.data ? b.data : "");
	start = newtButton(16, TUI_WIN_H - 4, _("Start"));
	back = newtButton(44, TUI_WIN_H - 4, _("Back"));
	newtFormAddComponents(f, exch, full, newtLabel(1, 3, vols), verify,
	    newtLabel(1, 5, _("Rule status:")), tb, start, back, NULL);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	tui_add_keys(f, "eEfFsSvV");
	newtFormSetCurrent(f, start);
	for (;;) {
		ev = tui_run_form(t, f, &es);
		if (ev == TUI_EV_KEY && (es.u.key == 'e' || es.u.key == 'E'))
			newtRadioSetCurrent(exch);
		else if (ev == TUI_EV_KEY && (es.u.key == 'f' ||
		    es.u.key == 'F'))
			newtRadioSetCurrent(full);
		else if (ev == TUI_EV_KEY && (es.u.key == 'v' ||
		    es.u.key == 'V'))
			newtCheckboxSetValue(verify, verify_on == '*' ? ' ' :
			    '*');
		else if (ev != TUI_EV_TIMER && ev != TUI_EV_FD &&
		    (ev != TUI_EV_COMPONENT || es.u.co == start ||
		    es.u.co == back))
			break;
	}
	t->full = newtRadioGetCurrent(exch) == full;
	t->verify_image = newtCheckboxGetValue(verify) == '*';
	newtFormDestroy(f);
	newtPopWindow();
	exh_buf_free(&b);
	return (ev == TUI_EV_COMPONENT && es.u.co == start) ||
	    (ev == TUI_EV_KEY && (es.u.key == NEWT_KEY_F10 ||
	    es.u.key == 's' || es.u.key == 'S'));
}

static bool
load_rules(struct tui *t, struct scan_run *r)
{
	struct exh_err err;
	struct exh_buf b = { 0 };
	int rc;

	tui_busy(t, _("Loading rules..."));
	rc = create_triage(t, r, &err);
	newtPopWindow();
	if (rc == EXH_OK)
		return true;
	(void)tui_wrap(t, &b, "", err.msg, 60);
	tui_msg(t, _("No rules: the scan cannot start"), b.data ? b.data : "");
	exh_buf_free(&b);
	return false;
}

/* The snapshot lives as long as the UI: the triage keeps its hooks. */
void
tui_scan_free(struct tui *t)
{
	struct scan_run *r = t->scan_state;

	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->snap.mu);
	free(r);
	t->scan_state = NULL;
}

void
tui_scan_screen(struct tui *t)
{
	struct scan_run *r = t->scan_state;

	if (!can_start(t))
		return;
	if (t->scanned && !t->bundle_written && !tui_ask(t, _("Scan"),
	    _("A new scan discards the results of the last one, and no "
	    "bundle was written from them.\nScan again?"), _("Scan again"),
	    _("Back")))
		return;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return;
		r->t = t;
		pthread_mutex_init(&r->snap.mu, NULL);
		t->scan_state = r;
	}
	if (!load_rules(t, r) || !setup(t) || t->quit)
		return;
	/* The options are read when the triage is created. */
	if (t->full != t->opt.full && !load_rules(t, r))
		return;
	run_scan(t, r);
	if (t->scanned && !t->quit)
		tui_status_screen(t);
}
