/* The history checks of rules/history.tsv and their grouped findings. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_int.h"

#define BULK_FILES 20	/* more in one folder: an installation, scored low */
#define BULK_SCORE 40

static const char *const staging_dirs[] = {
	"\\ProgramData\\", "\\Windows\\Temp\\", "\\Temp\\", "\\Users\\Public\\",
	"\\PerfLogs\\",
};

static void
check_free(struct hcheck *c)
{
	free(c->id);
	free(c->description);
	exh_strvec_free(c->exts, c->nexts);
}

void
history_checks_free(struct history *h)
{
	size_t i;

	for (i = 0; i < h->nchecks; i++)
		check_free(&h->checks[i]);
	free(h->checks);
	for (i = 0; i < h->ngroups; i++) {
		free(h->groups[i].dir);
		free(h->groups[i].first_name);
		exh_strvec_free(h->groups[i].samples, h->groups[i].nsamples);
	}
	free(h->groups);
	exh_set64_free(&h->counted);
}

static int
source_of(const char *s)
{
	if (strcmp(s, "usn-create") == 0)
		return HSRC_USN_CREATE;
	if (strcmp(s, "usn-delete") == 0)
		return HSRC_USN_DELETE;
	if (strcmp(s, "deleted") == 0)
		return HSRC_DELETED;
	if (strcmp(s, "coverage") == 0)
		return HSRC_COVERAGE;
	return -1;
}

/* "70" (every phase) or "70,80,65,45": without a window, during, after,
 * before one.  False when malformed or out of 1..100. */
static bool
parse_scores(const char *text, int score[PHASE_COUNT])
{
	static const int order[PHASE_COUNT] = { PHASE_NONE, PHASE_DURING,
	    PHASE_AFTER, PHASE_BEFORE };
	const char *p = text;
	char *end;
	long v;
	int i;

	for (i = 0; i < PHASE_COUNT; i++) {
		v = strtol(p, &end, 10);
		if (end == p || v < 1 || v > 100)
			return false;
		score[order[i]] = (int)v;
		if (i == 0 && *end == '\0') {
			score[PHASE_BEFORE] = score[PHASE_DURING] =
			    score[PHASE_AFTER] = (int)v;
			return true;
		}
		if (*end != (i == PHASE_COUNT - 1 ? '\0' : ','))
			return false;
		p = end + 1;
	}
	return true;
}

static bool
place_ok(struct hcheck *c, const char *where, const char *exts)
{
	if (c->source == HSRC_COVERAGE)
		return strcmp(where, "-") == 0 && strcmp(exts, "-") == 0;
	c->staging = strcmp(where, "staging") == 0;
	return c->staging || strcmp(where, "webroot") == 0;
}

static int
parse_check(struct history *h, struct exh_lines *lr, char *line,
    struct exh_err *err)
{
	char *f[6], *save = NULL, *e;
	struct hcheck c, *grown;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	for (f[n] = strtok_r(line, "\t", &save); f[n] != NULL && n < 5;
	    f[n] = strtok_r(NULL, "\t", &save))
		n++;
	if (n != 5 || f[5] == NULL)
		return exh_lines_fail(lr, err, EXH_EUSAGE, "expected 6 "
		    "tab-separated fields: check source where extensions "
		    "score description");
	c.source = source_of(f[1]);
	if (c.source < 0 || !place_ok(&c, f[2], f[3]) ||
	    !parse_scores(f[4], c.score))
		return exh_lines_fail(lr, err, EXH_EUSAGE, "bad source, place "
		    "or score (usn-create|usn-delete|deleted|coverage, "
		    "webroot|staging|-, 1..100 or four of them: no window,"
		    "during,after,before)");
	if ((c.id = strdup(f[0])) == NULL ||
	    (c.description = strdup(f[5])) == NULL)
		goto nomem;
	for (e = strtok_r(f[3], ",", &save); e != NULL &&
	    c.source != HSRC_COVERAGE; e = strtok_r(NULL, ",", &save))
		if (exh_strvec_push(&c.exts, &c.nexts, e) != EXH_OK)
			goto nomem;
	if ((grown = realloc(h->checks, (h->nchecks + 1) * sizeof(*grown))) ==
	    NULL)
		goto nomem;
	h->checks = grown;
	h->checks[h->nchecks++] = c;
	return EXH_OK;
nomem:
	check_free(&c);
	return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
}

int
history_checks_load(struct history *h, const char *path, struct exh_err *err)
{
	struct exh_lines *lr;
	char *line;
	size_t len;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		return exh_err_set(err, EXH_EUSAGE, errno, "%s: cannot open: "
		    "%s; check the rules directory", path, exh_strerror(errno));
	rc = exh_lines_open(fp, path, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT, &lr, err);
	while (rc == EXH_OK && (rc = exh_lines_next(lr, &line, &len, err)) ==
	    EXH_OK)
		rc = parse_check(h, lr, line, err);
	if (rc == EXH_STOP)
		rc = EXH_OK;
	if (lr != NULL)
		exh_lines_close(lr);
	fclose(fp);
	return rc;
}

static bool
has_extension(const struct hcheck *c, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return false;
	for (i = 0; i < c->nexts; i++)
		if (exh_ascii_iequal(dot + 1, c->exts[i]))
			return true;
	return false;
}

/* Is path (with drive letter) in one of the folders? */
static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n > 0 && exh_ascii_istarts(path, dir) && path[n] == '\\';
}

static bool
in_web_folder(const struct exh_history_scope *sc, const char *path)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < sc->nwebroots; i++)
		if (under(path, sc->webroots[i]))
			return true;
	if (sc->exchange == NULL)
		return false;
	/* Both fit: a scope path is far shorter than buf. */
	(void)snprintf(buf, sizeof(buf), "%s\\FrontEnd\\HttpProxy",
	    sc->exchange);
	if (under(path, buf))
		return true;
	(void)snprintf(buf, sizeof(buf), "%s\\ClientAccess", sc->exchange);
	return under(path, buf);
}

static bool
in_staging_folder(const char *path)
{
	size_t i;

	if (strlen(path) < 3)
		return false;
	for (i = 0; i < sizeof(staging_dirs) / sizeof(staging_dirs[0]); i++)
		if (exh_ascii_istarts(path + 2, staging_dirs[i]))
			return true;
	/* Each user's temporary folder. */
	return exh_ascii_istarts(path + 2, "\\Users\\") &&
	    strstr(path, "\\AppData\\Local\\Temp\\") != NULL;
}

/* FNV-1a over the check, file reference and folder: a file counts once
 * per check however many journal records name it. */
static uint64_t
counted_key(size_t check, uint64_t mft, uint16_t seq)
{
	uint64_t h = 0xcbf29ce484222325ull, v[3] = { check, mft, seq };
	size_t i, b;

	for (i = 0; i < 3; i++)
		for (b = 0; b < 8; b++)
			h = (h ^ ((v[i] >> (8 * b)) & 0xff)) *
			    0x100000001b3ull;
	return h == UINT64_MAX ? 0 : h;
}

static struct hgroup *
group_for(struct history *h, size_t check, int phase, size_t window,
    const char *dir)
{
	struct hgroup *g, *grown;
	size_t i;

	for (i = 0; i < h->ngroups; i++) {
		g = &h->groups[i];
		if (g->check == check && g->phase == phase &&
		    g->window == window && g->dir != NULL &&
		    exh_ascii_iequal(g->dir, dir))
			return g;
	}
	if (h->ngroups == HISTORY_MAX_GROUPS) {
		/* Folded: the last group of the check stands for the rest. */
		h->folded++;
		for (i = h->ngroups; i-- > 0;)
			if (h->groups[i].check == check)
				return &h->groups[i];
		return NULL;
	}
	if ((grown = realloc(h->groups, (h->ngroups + 1) * sizeof(*grown))) ==
	    NULL)
		return NULL;
	h->groups = grown;
	g = &h->groups[h->ngroups];
	memset(g, 0, sizeof(*g));
	g->check = check;
	g->phase = phase;
	g->window = window;
	if ((g->dir = strdup(dir)) == NULL)
		return NULL;
	h->ngroups++;
	return g;
}

/* Is the file the journal names still in use on the live volume? */
static bool
still_live(struct history *h, uint64_t mft, uint16_t seq)
{
	struct exh_stream *st;
	struct exh_err err;

	if (h->vol == NULL || exh_stream_open_ref(h->vol, mft, seq, "", &st,
	    &err) != EXH_OK)
		return false;
	exh_stream_close(st);
	return true;
}

static int
count_hit(struct history *h, struct hgroup *g, int source, const char *name,
    uint64_t mft, uint16_t seq, int64_t when, const char *note)
{
	if (g->count++ == 0) {
		if ((g->first_name = strdup(name)) == NULL)
			return EXH_ENOMEM;
		g->first_mft = mft;
		g->first_seq = seq;
	}
	/* Only the journal knows a deleted file, or a created one that is
	 * gone now; a free MFT record is its own origin. */
	if (source == HSRC_USN_DELETE ||
	    (source == HSRC_USN_CREATE && !still_live(h, mft, seq)))
		g->gone++;
	if (when != 0 && (g->first == 0 || when < g->first))
		g->first = when;
	if (when > g->last)
		g->last = when;
	if (g->nsamples < 5 && exh_strvec_pushf(&g->samples, &g->nsamples,
	    "%s%s%s", name, note ? " " : "", note ? note : "") != EXH_OK)
		return EXH_ENOMEM;
	return EXH_OK;
}

int
history_hit(struct history *h, int source, const char *path, uint64_t mft,
    uint16_t seq, int64_t when, const char *note)
{
	const struct hcheck *c;
	struct hgroup *g;
	const char *slash = strrchr(path, '\\');
	char dir[1024];
	size_t i, dn, window = 0;
	int phase, rc;

	if (slash == NULL)
		return EXH_OK;
	phase = history_phase(h->sc, when, &window);
	for (i = 0; i < h->nchecks; i++) {
		c = &h->checks[i];
		if (c->source != source || !has_extension(c, slash + 1) ||
		    !(c->staging ? in_staging_folder(path) :
		    in_web_folder(h->sc, path)))
			continue;
		if (exh_set64_has(&h->counted, counted_key(i, mft, seq)))
			continue;
		if (h->counted.n < HISTORY_MAX_FILES &&
		    exh_set64_add(&h->counted, counted_key(i, mft, seq)) !=
		    EXH_OK)
			return EXH_ENOMEM;
		dn = (size_t)(slash - path) < sizeof(dir) - 1 ?
		    (size_t)(slash - path) : sizeof(dir) - 1;
		memcpy(dir, path, dn);
		dir[dn] = '\0';
		if ((g = group_for(h, i, phase, window, dir)) == NULL)
			return EXH_ENOMEM;
		if ((rc = count_hit(h, g, source, slash + 1, mft, seq, when,
		    note)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static int
group_text(struct history *h, const struct hgroup *g, struct exh_buf *b)
{
	char a[32], z[32];
	size_t i;
	int rc;

	rc = exh_buf_printf(b, "%" PRIu64 " file%s in %s", g->count,
	    g->count == 1 ? "" : "s", g->dir);
	if (rc == EXH_OK && g->first != 0)
		rc = exh_buf_printf(b, ", %s to %s",
		    exh_filetime_iso(g->first, a), exh_filetime_iso(g->last, z));
	for (i = 0; i < g->nsamples && rc == EXH_OK; i++)
		rc = exh_buf_printf(b, "%s%s", i == 0 ? ": " : ", ",
		    g->samples[i]);
	if (rc == EXH_OK && g->count > g->nsamples)
		rc = exh_buf_puts(b, ", ...");
	if (rc == EXH_OK && h->checks[g->check].source == HSRC_USN_CREATE &&
	    g->gone > 0)
		rc = exh_buf_printf(b, " (%s no longer on the live volume)",
		    g->gone == g->count ? (g->count == 1 ? "it is" : "all are") :
		    "some are");
	if (rc == EXH_OK && g->phase != PHASE_NONE) {
		rc = exh_buf_puts(b, "; ");
		if (rc == EXH_OK)
			rc = history_phase_text(h->sc, g->phase, g->window, b);
	}
	if (rc == EXH_OK && g->count > BULK_FILES)
		rc = exh_buf_puts(b, " (many files at once: an installation or "
		    "update is likely; review the names)");
	return rc;
}

/* The window field: the phase sentence alone.  EXH_OK or EXH_ENOMEM. */
static int
window_field(struct history *h, const struct hgroup *g, struct exh_finding *f)
{
	struct exh_buf b = { 0 };
	int rc;

	if (g->phase == PHASE_NONE)
		return EXH_OK;
	rc = history_phase_text(h->sc, g->phase, g->window, &b);
	if (rc == EXH_OK)
		rc = exh_finding_add_field(f, "exposure_window", b.data);
	exh_buf_free(&b);
	return rc;
}

static const char *
origin_of(const struct hcheck *c, const struct hgroup *g)
{
	if (c->source == HSRC_DELETED)
		return "deleted";
	return g->gone == g->count ? "journal" : NULL;
}

static int
emit_group(struct history *h, const struct hgroup *g, struct exh_findings *fs,
    struct exh_err *err)
{
	const struct hcheck *c = &h->checks[g->check];
	struct exh_finding *f;
	struct exh_buf what = { 0 };
	int score = g->count > BULK_FILES ? BULK_SCORE : c->score[g->phase];
	int rc;

	if ((f = exh_finding_new(EXH_FIND_FILE)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	f->time = g->first;
	/* One file: its record; a folder's group: the first file's path. */
	if (g->count == 1) {
		f->file.mft = g->first_mft;
		f->file.seq = g->first_seq;
	}
	rc = group_text(h, g, &what);
	h->path.len = 0;
	if (rc == EXH_OK)
		rc = exh_buf_printf(&h->path, "%s\\%s", g->dir,
		    g->first_name != NULL ? g->first_name : "");
	/* Where the evidence is (origin_of): a free MFT record, the journal
	 * alone, or the live volume when a file of the group is still there. */
	if (rc == EXH_OK && (exh_finding_set(&f->check, c->id) != EXH_OK ||
	    exh_finding_set(&f->file.path, h->path.data) != EXH_OK ||
	    exh_finding_set(&f->file.stream, "") != EXH_OK ||
	    exh_finding_set(&f->excerpt, what.data) != EXH_OK ||
	    (origin_of(c, g) != NULL &&
	    exh_finding_set(&f->origin, origin_of(c, g)) != EXH_OK) ||
	    window_field(h, g, f) != EXH_OK ||
	    exh_finding_add_reason(f, "history", c->id, score,
	    c->description, c->source == HSRC_DELETED ? "free MFT records" :
	    "$UsnJrnl:$J", what.data) != EXH_OK))
		rc = EXH_ENOMEM;
	exh_buf_free(&what);
	h->path.len = 0;
	return history_add_finding(h, f, rc, fs, err);
}

int
history_add_finding(struct history *h, struct exh_finding *f, int rc,
    struct exh_findings *fs, struct exh_err *err)
{
	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	exh_finding_rescore(f);
	if ((rc = exh_findings_add(fs, f, err)) == EXH_OK)
		h->res->findings++;
	return rc;
}

const struct hcheck *
history_check_of(const struct history *h, int source)
{
	size_t i;

	for (i = 0; i < h->nchecks; i++)
		if (h->checks[i].source == source)
			return &h->checks[i];
	return NULL;
}

int
history_emit(struct history *h, struct exh_findings *fs, struct exh_err *err)
{
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < h->ngroups && rc == EXH_OK; i++)
		rc = emit_group(h, &h->groups[i], fs, err);
	h->res->groups_folded = h->folded;
	return rc;
}
