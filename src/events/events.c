/* Scanning .evtx files with libevtx: damage survey, record walk, checks, update history. */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libevtx.h includes libbfio.h when built with it; we use no libbfio
 * call, and Debian does not pull libbfio-dev in with libevtx-dev. */
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"

#include "events_int.h"



/* Groups kept per file: distinct events per check, and in all. */
#define EVENT_GROUPS	1024


int
exh_events_create(const char *rules_dir, struct exh_events **out,
    struct exh_err *err)
{
	struct exh_events *ev;
	char path[4096];
	int rc;

	if (rules_dir == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "events: create: no rules directory");
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "events: create: out of memory");
	ev->magic = EVENTS_MAGIC;
	ev->um_installed = -1;
	/* For tests: read every record through libevtx, as before our
	 * reader. */
	ev->libevtx_only = getenv("EXHUME_EVTX_LIBEVTX") != NULL &&
	    strcmp(getenv("EXHUME_EVTX_LIBEVTX"), "1") == 0;
	if (snprintf(path, sizeof(path), "%s/events/checks.tsv", rules_dir) >=
	    (int)sizeof(path)) {
		exh_events_destroy(ev);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "events: rules directory path too long");
	}
	if ((rc = events_load_checks(ev, path, err)) != EXH_OK) {
		exh_events_destroy(ev);
		return exh_err_prefix(err, "events: loading checks");
	}
	if (snprintf(path, sizeof(path), "%s/events/logs.tsv", rules_dir) >=
	    (int)sizeof(path)) {
		exh_events_destroy(ev);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "events: rules directory path too long");
	}
	if ((rc = events_load_logs(ev, path, err)) != EXH_OK) {
		exh_events_destroy(ev);
		return exh_err_prefix(err, "events: loading log kinds");
	}
	*out = ev;
	return EXH_OK;
}

void
exh_events_destroy(struct exh_events *ev)
{
	if (ev == NULL)
		return;
	events_free_rules(ev);
	free(ev->updates);
	ev->magic = 0;
	free(ev);
}

void
exh_events_set_um_installed(struct exh_events *ev, int um_installed)
{
	if (ev != NULL && ev->magic == EVENTS_MAGIC)
		ev->um_installed = um_installed < 0 ? -1 : um_installed != 0;
}

size_t
exh_events_update_count(const struct exh_events *ev)
{
	return ev != NULL && ev->magic == EVENTS_MAGIC ? ev->nupdates : 0;
}

const struct exh_update_event *
exh_events_update(const struct exh_events *ev, size_t i)
{
	if (ev == NULL || ev->magic != EVENTS_MAGIC || i >= ev->nupdates)
		return NULL;
	return &ev->updates[i];
}

/* Length of s[0..n) cut to at most max bytes, not inside a UTF-8
 * sequence. */
static size_t
cut_len(const char *s, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	k = max;
	while (k > 0 && k > max - 4 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/* Reports one damaged region as a skip and counts it. */
int
events_damage(struct evtx_scan *sc, const char *fmt, ...)
{
	char detail[REASON_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	/* The detail is display text: a cut one still names the damage. */
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	va_end(ap);
	sc->st->damaged++;
	return exh_findings_add_skip(sc->out, sc->winpath, "", sc->mft,
	    sc->size, "evtx-damaged", detail, sc->err);
}

/* The kind of log named by the file name, from logs.tsv. */
static const char *
kind_of(const struct exh_events *ev, const char *winpath, bool channel)
{
	const char *base = winpath, *p;
	size_t i;

	if (!channel) {
		for (p = winpath; *p != '\0'; p++)
			if (*p == '\\' || *p == '/')
				base = p + 1;
	}
	for (i = 0; i < ev->nlogs; i++) {
		const char *g = channel ? ev->logs[i].channel :
		    ev->logs[i].file;

		if (events_glob(g, strlen(g), base, strlen(base)))
			return ev->logs[i].kind;
	}
	return "";
}

/*
 * libevtx's whole reason: libcerror prints one line per level, from the
 * innermost cause out.  The lines are joined with "; ", so both the cause
 * (the first line) and where libevtx met it ("at offset: 0x00001200")
 * stay on the record.
 */
static void
libevtx_msg(libevtx_error_t **e, char *buf, size_t len)
{
	char raw[4 * REASON_MAX];
	size_t i, o = 0;

	raw[0] = '\0';
	if (*e != NULL) {
		if (libevtx_error_backtrace_sprint(*e, raw, sizeof(raw)) < 0)
			raw[0] = '\0';
		libevtx_error_free(e);
	}
	for (i = 0; raw[i] != '\0' && o + 3 < len; i++) {
		if (raw[i] == '\r')
			continue;
		if (raw[i] != '\n')
			buf[o++] = raw[i];
		else if (raw[i + 1] != '\0' && raw[i + 1] != '\n') {
			buf[o++] = ';';
			buf[o++] = ' ';
		}
	}
	buf[o] = '\0';
}

static int
add_update(struct evtx_scan *sc, const struct events_check *c)
{
	struct exh_events *ev = sc->ev;
	struct exh_update_event *u;
	const char *j = sc->rec.joined.data ? sc->rec.joined.data : "";
	const char *p;
	size_t n;

	if (ev->nupdates == ev->capupdates) {
		size_t ncap = ev->capupdates ? ev->capupdates * 2 : 16;
		struct exh_update_event *nu;

		nu = realloc(ev->updates, ncap * sizeof(*nu));
		if (nu == NULL)
			return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM,
			    "out of memory");
		ev->updates = nu;
		ev->capupdates = ncap;
	}
	u = &ev->updates[ev->nupdates++];
	memset(u, 0, sizeof(*u));
	u->time = sc->rec.time;
	u->event_id = sc->rec.event_id;
	u->failed = c->action == EVENTS_ACT_UPDATE_FAILED;
	n = cut_len(j, sc->rec.joined.len, sizeof(u->text) - 1);
	memcpy(u->text, j, n);
	/* The KB number: "KB" and 6 to 8 digits, not inside a word. */
	for (p = j; (p = exh_ascii_istrstr(p, "KB")) != NULL; p += 2) {
		size_t d = strspn(p + 2, "0123456789");

		if ((p == j || !((p[-1] >= 'A' && p[-1] <= 'Z') ||
		    (p[-1] >= 'a' && p[-1] <= 'z') ||
		    (p[-1] >= '0' && p[-1] <= '9'))) && d >= 6 && d <= 8) {
			u->kb[0] = 'K';
			u->kb[1] = 'B';
			memcpy(u->kb + 2, p + 2, d);
			u->kb[2 + d] = '\0';
			break;
		}
	}
	return EXH_OK;
}

static const char *
um_context(int um)
{
	if (um == 1)
		return " The Unified Messaging role is installed on this host.";
	if (um == 0)
		return " The Unified Messaging role does not appear to be "
		    "installed, so this is less likely to be CVE-2021-26857.";
	return "";
}

static int
add_record_fields(struct exh_finding *f, const struct events_record *r)
{
	char num[32], key[32];
	struct exh_buf v = { 0 };
	size_t i;
	int rc;

	rc = exh_finding_add_field(f, "Provider", r->provider.data);
	/* An int always fits num[32]; checked all the same. */
	if (rc == EXH_OK && snprintf(num, sizeof(num), "%d", r->event_id) >=
	    (int)sizeof(num))
		rc = EXH_EUSAGE;
	if (rc == EXH_OK)
		rc = exh_finding_add_field(f, "EventID", num);
	if (rc == EXH_OK && snprintf(num, sizeof(num), "%d", r->level) >=
	    (int)sizeof(num))
		rc = EXH_EUSAGE;
	if (rc == EXH_OK)
		rc = exh_finding_add_field(f, "Level", num);
	if (rc == EXH_OK)
		rc = exh_finding_add_field(f, "Channel",
		    r->channel.data ? r->channel.data : "");
	if (rc == EXH_OK && r->computer.len > 0)
		rc = exh_finding_add_field(f, "Computer", r->computer.data);
	for (i = 0; i < r->ndata && rc == EXH_OK; i++) {
		if (snprintf(key, sizeof(key), "Data[%zu]", i) >=
		    (int)sizeof(key)) {
			rc = EXH_EUSAGE;
			break;
		}
		exh_buf_reset(&v);
		rc = exh_buf_append(&v, r->data[i].data, cut_len(
		    r->data[i].data, r->data[i].len, EXH_EVENTS_EXCERPT_MAX));
		if (rc == EXH_OK)
			rc = exh_finding_add_field(f, key, v.data);
	}
	exh_buf_free(&v);
	return rc;
}

static int
add_finding(struct evtx_scan *sc, const struct events_check *c)
{
	const struct events_record *r = &sc->rec;
	struct exh_finding *f;
	struct exh_buf ex = { 0 }, desc = { 0 }, det = { 0 };
	size_t i;
	int rc;

	if ((f = exh_finding_new(EXH_FIND_EVENT)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM,
		    "out of memory");
	f->record = r->record_id;
	f->time = r->time;
	rc = exh_buf_printf(&ex, "%s %d: ", r->provider.data, r->event_id);
	if (rc == EXH_OK)
		rc = exh_buf_append(&ex, r->joined.data ? r->joined.data : "",
		    r->joined.len);
	if (rc == EXH_OK) {
		ex.len = cut_len(ex.data, ex.len, EXH_EVENTS_EXCERPT_MAX);
		ex.data[ex.len] = '\0';
		rc = exh_buf_printf(&desc, "%s%s", c->description,
		    c->um ? um_context(sc->ev->um_installed) : "");
	}
	for (i = 0; i < c->nterms && rc == EXH_OK; i++)
		rc = exh_buf_printf(&det, "%s%s", i ? " && " : "matched: ",
		    sc->matched[i]->src);
	if (rc == EXH_OK && (rc = exh_finding_set(&f->check, c->check)) ==
	    EXH_OK &&
	    (rc = exh_finding_set(&f->file.path, sc->winpath)) == EXH_OK &&
	    (rc = exh_finding_set(&f->excerpt, ex.data)) == EXH_OK &&
	    (rc = add_record_fields(f, r)) == EXH_OK)
		rc = exh_finding_add_reason(f, "event", c->check, c->score,
		    desc.data, c->reference, det.data ? det.data : "");
	exh_buf_free(&ex);
	exh_buf_free(&desc);
	exh_buf_free(&det);
	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM,
		    "out of memory");
	}
	exh_finding_rescore(f);
	/* The same event again (same provider, id and data) is one finding
	 * with a count; the key is the excerpt, cut as shown. */
	sc->hits++;
	return exh_group_add(sc->groups, f->excerpt, f, sc->err);
}

/* Joins the data strings for matching and the excerpt. */
static int
join_data(struct events_record *r)
{
	size_t i;
	int rc = exh_buf_append(&r->joined, "", 0);

	for (i = 0; i < r->ndata && rc == EXH_OK; i++) {
		if (i > 0)
			rc = exh_buf_append(&r->joined, " | ", 3);
		if (rc == EXH_OK)
			rc = exh_buf_append(&r->joined, r->data[i].data,
			    r->data[i].len);
	}
	return rc;
}

static int
check_record(struct evtx_scan *sc)
{
	const char *kind;
	size_t i;
	int rc = EXH_OK;

	kind = sc->rec.channel.len > 0 ?
	    kind_of(sc->ev, sc->rec.channel.data, true) : "";
	if (kind[0] == '\0')
		kind = sc->file_kind;
	if (kind[0] != '\0')
		sc->st->known = true;
	for (i = 0; i < sc->ev->nchecks && rc == EXH_OK; i++) {
		const struct events_check *c = &sc->ev->checks[i];

		if (!events_check_matches(c, kind, &sc->rec, sc->matched))
			continue;
		if (c->action != EVENTS_ACT_FINDING)
			rc = add_update(sc, c);
		if (rc == EXH_OK && (c->action == EVENTS_ACT_FINDING ||
		    c->score > 0))
			rc = add_finding(sc, c);
	}
	return rc;
}

/* Loads the next chunk with a signature; false at the end. */
static bool
cursor_load(struct evtx_scan *sc, struct rec_cursor *c)
{
	while (c->next_chunk < c->nchunks) {
		uint64_t i = c->next_chunk++;
		uint32_t end;

		if (pread(sc->fd, c->chunk, CHUNK_SIZE, (off_t)(FILE_HDR +
		    i * CHUNK_SIZE)) != (ssize_t)CHUNK_SIZE ||
		    memcmp(c->chunk, "ElfChnk", 8) != 0)
			continue;
		end = exh_le32(c->chunk + 48);
		c->chunk_idx = i;
		c->off = CHUNK_HDR;
		c->end = end > CHUNK_HDR && end <= CHUNK_SIZE ? end : CHUNK_SIZE;
		return true;
	}
	return false;
}

/* The next stored record: its id and chunk offset; false at the end. */
static bool
cursor_next(struct evtx_scan *sc, uint64_t *id, uint64_t *chunk,
    uint32_t *off)
{
	struct rec_cursor *c = &sc->cur;
	uint32_t size;

	if (c->lost)
		return false;
	if (c->chunk == NULL) {
		if ((c->chunk = malloc(CHUNK_SIZE)) == NULL)
			return false;
		c->nchunks = sc->size > FILE_HDR ?
		    (sc->size - FILE_HDR) / CHUNK_SIZE : 0;
		c->end = 0;
	}
	for (;;) {
		if (c->off + 24 <= c->end &&
		    memcmp(c->chunk + c->off, "**\0\0", 4) == 0) {
			size = exh_le32(c->chunk + c->off + 4);
			if (size >= 28 && size <= c->end - c->off)
				break;
		}
		if (!cursor_load(sc, c))
			return false;
	}
	*id = exh_le64(c->chunk + c->off + 8);
	*chunk = c->chunk_idx;
	*off = c->off;
	c->off += size;
	return true;
}

/* Steps the cursor past the record libevtx read as id; where, when
 * not NULL, names its place. */
static void
cursor_seen(struct evtx_scan *sc, uint64_t id, char *where, size_t len)
{
	uint64_t got, chunk;
	uint32_t off;
	int i;

	if (where != NULL)
		where[0] = '\0';
	for (i = 0; i < RESYNC_MAX; i++) {
		if (!cursor_next(sc, &got, &chunk, &off))
			break;
		if (got != id)
			continue;
		if (where != NULL)
			(void)snprintf(where, len, ", chunk %llu, offset 0x%x "
			    "in the chunk (0x%llx in the file)",
			    (unsigned long long)chunk, off, (unsigned long long)
			    (FILE_HDR + chunk * CHUNK_SIZE + off));
		return;
	}
	sc->cur.lost = true;
}

/* Where the record libevtx could not read is stored, into buf. */
static void
locate(struct evtx_scan *sc, char *buf, size_t len)
{
	uint64_t id, chunk;
	uint32_t off;

	buf[0] = '\0';
	if (cursor_next(sc, &id, &chunk, &off))
		(void)snprintf(buf, len, "record %llu, chunk %llu, offset "
		    "0x%x in the chunk (0x%llx in the file)",
		    (unsigned long long)id, (unsigned long long)chunk, off,
		    (unsigned long long)(FILE_HDR + chunk * CHUNK_SIZE + off));
}

/* A listed record libevtx cannot read: one note with the whole reason. */
static int
lost_record(struct evtx_scan *sc, int idx, uint64_t prev_id, const char *why)
{
	char where[160];

	sc->st->lost++;
	locate(sc, where, sizeof(where));
	if (where[0] != '\0')
		return events_damage(sc, "%s (index %d) cannot be read, the record is "
		    "lost: libevtx %s: %s", where, idx,
		    exh_events_libevtx_version(), why);
	return events_damage(sc, "record at index %d (after record %llu) cannot be "
	    "read, the record is lost: libevtx %s: %s", idx,
	    (unsigned long long)prev_id, exh_events_libevtx_version(), why);
}

/* A recovered (slack) record that cannot be read is counted: slack often
 * holds remnants that were never whole records. */
static int
lost_slack(struct evtx_scan *sc, const char *why)
{
	if (sc->st->slack_lost++ == 0)
		(void)snprintf(sc->slack_reason, sizeof(sc->slack_reason),
		    "%s", why);
	return EXH_OK;
}

static int
unreadable(struct evtx_scan *sc, int idx, bool recovered, uint64_t prev_id,
    const char *why)
{
	return recovered ? lost_slack(sc, why) :
	    lost_record(sc, idx, prev_id, why);
}

/* Reads one record (normal or recovered) and runs the checks on it. */
static int
one_record(struct evtx_scan *sc, libevtx_file_t *file, int idx, bool recovered,
    uint64_t *prev_id)
{
	libevtx_record_t *rec = NULL;
	libevtx_error_t *e = NULL;
	uint64_t id = 0, wt = 0;
	size_t sz = 0;
	char *xml = NULL, msg[REASON_MAX], where[128];
	int rc, got;

	got = recovered ?
	    libevtx_file_get_recovered_record_by_index(file, idx, &rec, &e) :
	    libevtx_file_get_record_by_index(file, idx, &rec, &e);
	if (got != 1) {
		libevtx_msg(&e, msg, sizeof(msg));
		return unreadable(sc, idx, recovered, *prev_id, msg);
	}
	if (libevtx_record_get_identifier(rec, &id, &e) != 1)
		libevtx_msg(&e, msg, sizeof(msg));
	if (libevtx_record_get_written_time(rec, &wt, &e) != 1)
		libevtx_msg(&e, msg, sizeof(msg));
	if (libevtx_record_get_utf8_xml_string_size(rec, &sz, &e) != 1 ||
	    sz == 0 || (xml = malloc(sz)) == NULL ||
	    libevtx_record_get_utf8_xml_string(rec, (uint8_t *)xml, sz,
	    &e) != 1) {
		libevtx_msg(&e, msg, sizeof(msg));
		free(xml);
		libevtx_record_free(&rec, NULL);
		if (recovered)
			return lost_slack(sc, msg);
		cursor_seen(sc, id, where, sizeof(where));
		sc->st->lost++;
		return events_damage(sc, "record %llu%s (index %d) cannot be decoded, "
		    "the record is lost: libevtx %s: %s",
		    (unsigned long long)id, where, idx,
		    exh_events_libevtx_version(), msg);
	}
	libevtx_record_free(&rec, NULL);
	*prev_id = id;
	if (!recovered)
		cursor_seen(sc, id, NULL, 0);
	events_record_reset(&sc->rec);
	rc = events_xml_parse(xml, sz, &sc->rec);
	free(xml);
	if (rc == EXH_ENOMEM)
		return exh_err_set(sc->err, rc, ENOMEM, "out of memory");
	if (rc != EXH_OK)
		return recovered ? lost_slack(sc, "unexpected XML shape") :
		    events_damage(sc, "record %llu: unexpected XML shape",
		    (unsigned long long)id);
	sc->rec.record_id = id;
	return events_record_ready(sc, recovered, wt);
}

int
events_record_ready(struct evtx_scan *sc, bool recovered, uint64_t wt)
{
	if (sc->rec.time == 0)
		sc->rec.time = (int64_t)wt;
	sc->st->records++;
	if (recovered)
		sc->st->recovered++;
	if (sc->rec.time != 0 && (sc->st->first == 0 ||
	    sc->rec.time < sc->st->first))
		sc->st->first = sc->rec.time;
	if (sc->rec.time > sc->st->last)
		sc->st->last = sc->rec.time;
	if (join_data(&sc->rec) != EXH_OK)
		return exh_err_set(sc->err, EXH_ENOMEM, ENOMEM,
		    "out of memory");
	return check_record(sc);
}

/* The records libevtx recovers from slack space, and the one note on
 * those it cannot read. */
static int
walk_recovered(struct evtx_scan *sc, libevtx_file_t *file)
{
	libevtx_error_t *e = NULL;
	char msg[REASON_MAX];
	uint64_t prev = 0;
	int nrec = 0, i, rc = EXH_OK;

	if (libevtx_file_get_number_of_recovered_records(file, &nrec, &e) != 1) {
		libevtx_msg(&e, msg, sizeof(msg));
		nrec = 0;
	}
	for (i = 0; i < nrec && rc == EXH_OK; i++)
		rc = one_record(sc, file, i, true, &prev);
	if (rc == EXH_OK && sc->st->slack_lost > 0)
		rc = events_damage(sc, "%llu of %d records recovered from slack space "
		    "cannot be read (remnants of overwritten records; counted, "
		    "not listed): libevtx %s, first reason: %s",
		    (unsigned long long)sc->st->slack_lost, nrec,
		    exh_events_libevtx_version(), sc->slack_reason);
	return rc;
}

static int
walk(struct evtx_scan *sc, libevtx_file_t *file)
{
	libevtx_error_t *e = NULL;
	char msg[REASON_MAX];
	uint64_t prev = 0;
	int n = 0, i, rc = EXH_OK;

	if (libevtx_file_get_number_of_records(file, &n, &e) != 1) {
		libevtx_msg(&e, msg, sizeof(msg));
		rc = events_damage(sc, "record count unreadable: %s", msg);
		n = 0;
	}
	for (i = 0; i < n && rc == EXH_OK; i++)
		rc = one_record(sc, file, i, false, &prev);
	return rc == EXH_OK ? walk_recovered(sc, file) : rc;
}

/* libevtx on the scan's file, opened on first use; NULL (with a note)
 * when it cannot be. */
static libevtx_file_t *
lib_file(struct evtx_scan *sc, int *rc)
{
	libevtx_file_t *file = NULL;
	libevtx_error_t *e = NULL;
	char path[64], msg[REASON_MAX];

	*rc = EXH_OK;
	if (sc->libevtx != NULL || sc->libevtx_failed)
		return sc->libevtx;
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", sc->fd);
	if (libevtx_file_initialize(&file, &e) != 1 ||
	    libevtx_file_open(file, path, LIBEVTX_OPEN_READ, &e) != 1) {
		libevtx_msg(&e, msg, sizeof(msg));
		if (file != NULL)
			libevtx_file_free(&file, NULL);
		sc->libevtx_failed = 1;
		*rc = events_damage(sc, "not readable as an evtx file: libevtx %s: "
		    "%s", exh_events_libevtx_version(), msg);
		return NULL;
	}
	sc->libevtx = file;
	return file;
}

int
events_libevtx_record(struct evtx_scan *sc, int idx)
{
	libevtx_file_t *file;
	uint64_t prev = 0;
	int rc;

	if ((file = lib_file(sc, &rc)) == NULL)
		return rc;
	return one_record(sc, file, idx, false, &prev);
}

/* Our walk where the survey found the file whole, libevtx for what it
 * declines and for slack; libevtx alone otherwise or when asked. */
static int
read_records(struct evtx_scan *sc)
{
	libevtx_file_t *file;
	int rc = EXH_OK;

	if (sc->fast_ok && !sc->ev->libevtx_only) {
		if ((rc = events_binxml_init(&sc->bx)) != EXH_OK)
			return exh_err_set(sc->err, rc, ENOMEM, "out of memory");
		if ((rc = events_fast_walk(sc)) != EXH_OK || !sc->slack_seen)
			return rc;
		file = lib_file(sc, &rc);
		return file != NULL ? walk_recovered(sc, file) : rc;
	}
	if ((file = lib_file(sc, &rc)) == NULL)
		return rc == EXH_OK ? exh_err_set(sc->err, EXH_ECORRUPT, 0,
		    "not readable as an evtx file") : rc;
	return walk(sc, file);
}

/* One finding per group of the file; what was merged or folded is counted
 * as grouped. */
static int
add_group_summaries(struct evtx_scan *sc)
{
	size_t before = exh_findings_count(sc->out);
	int rc;

	rc = exh_group_flush(sc->groups, sc->out, sc->err);
	if (rc == EXH_OK)
		sc->st->grouped = sc->hits - (exh_findings_count(sc->out) -
		    before);
	return rc;
}

const char *
exh_events_libevtx_version(void)
{
	return libevtx_get_version();
}

int
exh_events_scan_fd(struct exh_events *ev, int fd, const char *winpath,
    struct exh_findings *out, struct exh_events_stats *st,
    struct exh_err *err)
{
	return exh_events_scan_file(ev, fd, winpath, 0, out, st, err);
}

int
exh_events_scan_file(struct exh_events *ev, int fd, const char *winpath,
    uint64_t mft, struct exh_findings *out, struct exh_events_stats *st,
    struct exh_err *err)
{
	struct exh_events_stats local;
	struct evtx_scan sc;
	struct stat sb;
	size_t i, most = 1;
	int rc;

	if (ev == NULL || ev->magic != EVENTS_MAGIC || fd < 0 || winpath == NULL ||
	    out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "events: scan: bad arguments");
	memset(&sc, 0, sizeof(sc));
	memset(&local, 0, sizeof(local));
	sc.ev = ev;
	sc.winpath = winpath;
	sc.mft = mft;
	sc.fd = fd;
	if (fstat(fd, &sb) == 0)
		sc.size = (uint64_t)sb.st_size;
	sc.out = out;
	sc.st = st != NULL ? st : &local;
	memset(sc.st, 0, sizeof(*sc.st));
	sc.err = err;
	sc.file_kind = kind_of(ev, winpath, false);
	for (i = 0; i < ev->nchecks; i++)
		if (ev->checks[i].nterms > most)
			most = ev->checks[i].nterms;
	if ((sc.matched = calloc(most, sizeof(*sc.matched))) == NULL ||
	    exh_group_create(EVENT_GROUPS, EXH_EVENTS_PER_CHECK_MAX,
	    "the same event (provider, id and data)", &sc.groups, err) !=
	    EXH_OK) {
		free(sc.matched);
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "events: out of memory");
	}
	if ((rc = events_survey(&sc, fd)) != EXH_OK)
		goto done;
	rc = read_records(&sc);
	if (sc.libevtx != NULL)
		libevtx_file_close(sc.libevtx, NULL);
	if (rc == EXH_OK)
		rc = add_group_summaries(&sc);
done:
	if (sc.libevtx != NULL)
		libevtx_file_free((libevtx_file_t **)&sc.libevtx, NULL);
	events_binxml_free(&sc.bx);
	free(sc.matched);
	exh_group_destroy(sc.groups);
	free(sc.cur.chunk);
	events_record_free(&sc.rec);
	if (rc != EXH_OK) {
		char w[128];

		return exh_err_prefix(err, "events: %s",
		    exh_esc_term_str(winpath, w, sizeof(w)));
	}
	exh_findings_stats_add(out, &(struct exh_stats){ .events =
	    sc.st->records });
	return EXH_OK;
}
