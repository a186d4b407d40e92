/* History against the exposure windows: a hit's place in time, and whether the journal reaches back. */
#include <stdio.h>
#include <string.h>

#include "history_int.h"

const char *
exh_history_coverage_name(int coverage)
{
	switch (coverage) {
	case EXH_COVER_FULL:
		return "full";
	case EXH_COVER_PARTIAL:
		return "partial";
	case EXH_COVER_NONE:
		return "none";
	case EXH_COVER_NO_JOURNAL:
		return "no journal";
	default:
		return "not needed";
	}
}

int
history_phase(const struct exh_history_scope *sc, int64_t when,
    size_t *window)
{
	const struct exh_exposure_window *w;
	size_t i, after = 0;
	bool ended = false;

	*window = 0;
	if (when == 0 || sc->nwindows == 0 || sc->windows == NULL)
		return PHASE_NONE;
	/* Windows come earliest first: the first one holding the time is
	 * the one named. */
	for (i = 0; i < sc->nwindows; i++) {
		w = &sc->windows[i];
		if (when >= w->start && (w->open || when < w->end)) {
			*window = i;
			return PHASE_DURING;
		}
	}
	for (i = 0; i < sc->nwindows; i++) {
		w = &sc->windows[i];
		if (!w->open && when >= w->end &&
		    (!ended || w->end > sc->windows[after].end)) {
			after = i;
			ended = true;
		}
	}
	if (ended) {
		*window = after;
		return PHASE_AFTER;
	}
	return PHASE_BEFORE;
}

/* "YYYY-MM-DD" of ft into buf[32]. */
static const char *
day(int64_t ft, char buf[32])
{
	exh_filetime_iso(ft, buf);
	buf[10] = '\0';
	return buf;
}

int
history_phase_text(const struct exh_history_scope *sc, int phase,
    size_t window, struct exh_buf *out)
{
	const struct exh_exposure_window *w;
	char a[32], z[32];

	if (phase == PHASE_NONE || window >= sc->nwindows)
		return EXH_OK;
	w = &sc->windows[window];
	return exh_buf_printf(out, "%s the %s exposure window (%s %s, %s%s)",
	    phase == PHASE_DURING ? "during" : phase == PHASE_AFTER ? "after" :
	    "before", w->group, w->start_published ? "published" :
	    "exploited since", day(w->start, a), w->open ? "still open" :
	    "fixed ", w->open ? "" : day(w->end, z));
}

/* The volume holds a web or Exchange folder, or is the system volume. */
static bool
relevant(const struct exh_history_scope *sc, char letter)
{
	size_t i;

	if (letter == '?' || letter == '\0')
		return false;
	if ((sc->system_letter & ~0x20) == (letter & ~0x20))
		return true;
	if (sc->exchange != NULL && (sc->exchange[0] & ~0x20) ==
	    (letter & ~0x20))
		return true;
	for (i = 0; i < sc->nwebroots; i++)
		if ((sc->webroots[i][0] & ~0x20) == (letter & ~0x20))
			return true;
	return false;
}

static int
window_coverage(const struct exh_history_result *res,
    const struct exh_history_window *hw)
{
	if (!res->relevant)
		return EXH_COVER_NOT_NEEDED;
	/* The host was installed after the window closed. */
	if (!hw->w.open && hw->from >= hw->w.end)
		return EXH_COVER_NOT_NEEDED;
	if (!res->journal || res->usn_first == 0)
		return EXH_COVER_NO_JOURNAL;
	if (res->usn_first <= hw->from)
		return EXH_COVER_FULL;
	if (hw->w.open || res->usn_first < hw->w.end)
		return EXH_COVER_PARTIAL;
	return EXH_COVER_NONE;
}

void
history_coverage(struct history *h, char letter)
{
	struct exh_history_result *res = h->res;
	const struct exh_history_scope *sc = h->sc;
	struct exh_history_window *hw;
	size_t i;

	res->relevant = relevant(sc, letter);
	res->coverage = EXH_COVER_NOT_NEEDED;
	for (i = 0; i < sc->nwindows && i < EXH_WINDOWS_MAX; i++) {
		hw = &res->windows[res->nwindows++];
		hw->w = sc->windows[i];
		hw->from = sc->host_since > hw->w.start ? sc->host_since :
		    hw->w.start;
		hw->coverage = window_coverage(res, hw);
		if (hw->coverage > res->coverage)
			res->coverage = hw->coverage;
	}
}

/* The earliest window the journal does not cover, or NULL. */
static const struct exh_history_window *
first_gap(const struct exh_history_result *res)
{
	size_t i;

	for (i = 0; i < res->nwindows; i++)
		if (res->windows[i].coverage >= EXH_COVER_PARTIAL)
			return &res->windows[i];
	return NULL;
}

static int
gap_text(const struct exh_history_result *res,
    const struct exh_history_window *hw, char letter, struct exh_buf *b)
{
	char a[32], z[32];

	if (hw->coverage == EXH_COVER_NO_JOURNAL)
		return exh_buf_printf(b, "volume %c: keeps no change journal "
		    "with a dated record; the %s exposure window began %s: "
		    "file changes during it cannot be seen here (look in "
		    "shadow copies, backups, other logs)", letter, hw->w.group,
		    day(hw->from, z));
	return exh_buf_printf(b, "the change journal of %c: reaches back to "
	    "%s; the %s exposure window began %s: file changes before %s "
	    "cannot be seen here (look in shadow copies, backups, other "
	    "logs)", letter, exh_filetime_iso(res->usn_first, a), hw->w.group,
	    day(hw->from, z), a);
}

int
history_coverage_finding(struct history *h, char letter,
    struct exh_findings *fs, struct exh_err *err)
{
	const struct hcheck *c = history_check_of(h, HSRC_COVERAGE);
	const struct exh_history_window *hw = first_gap(h->res);
	struct exh_finding *f;
	struct exh_buf what = { 0 };
	char vol[4] = { letter, ':', '\0', '\0' };
	int rc;

	if (c == NULL || hw == NULL)
		return EXH_OK;
	if ((f = exh_finding_new(EXH_FIND_HOST)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	f->time = hw->from;
	rc = gap_text(h->res, hw, letter, &what);
	if (rc == EXH_OK && (exh_finding_set(&f->check, c->id) != EXH_OK ||
	    exh_finding_set(&f->excerpt, what.data) != EXH_OK ||
	    exh_finding_add_field(f, "volume", vol) != EXH_OK ||
	    exh_finding_add_field(f, "coverage",
	    exh_history_coverage_name(hw->coverage)) != EXH_OK ||
	    exh_finding_add_reason(f, "coverage", c->id, c->score[PHASE_NONE],
	    c->description, "$UsnJrnl:$J", what.data) != EXH_OK))
		rc = EXH_ENOMEM;
	exh_buf_free(&what);
	return history_add_finding(h, f, rc, fs, err);
}
