/* timeline.csv: log, event and file-time findings merged in time order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

/*
 * The rows are counted first and sorted in place: with many findings
 * (eight rows each) a growing array and qsort's merge buffer would each
 * hold another copy of them.
 */
struct rows {
	struct report_row *v;
	size_t n;
	bool count_only;
	uint32_t idx;			/* of the finding being added */
};

/* The eight times of a file, in the order they are listed on a tie,
 * then the one time of an event and of a log line. */
static const char *const descs[] = {
	N_("$SI Creation Time"), N_("$SI Modification Time"),
	N_("$SI Entry Modified Time"), N_("$SI Last Access Time"),
	N_("$FN Creation Time"), N_("$FN Modification Time"),
	N_("$FN Entry Modified Time"), N_("$FN Last Access Time"),
	N_("Event Recorded"), N_("Log Entry"), N_("History Record"),
};
#define WHAT_EVENT 8
#define WHAT_LOG 9
#define WHAT_HISTORY 10	/* a file known from its history alone */

const char *
report_row_desc(const struct report_row *r)
{
	return r->what < sizeof(descs) / sizeof(descs[0]) ? descs[r->what] :
	    "";
}

static void
push(struct rows *r, int64_t time, uint32_t what)
{
	if (time == 0)
		return;
	if (!r->count_only)
		r->v[r->n] = (struct report_row){ time, r->idx, what };
	r->n++;
}

/* Oldest first; equal times by finding id, then in the order pushed,
 * so the unstable sort below gives what a stable one would. */
static int
cmp_row(const struct exh_findings *fs, const struct report_row *x,
    const struct report_row *y)
{
	int c;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->idx != y->idx && (c = strcmp(exh_findings_get(fs, x->idx)->id,
	    exh_findings_get(fs, y->idx)->id)) != 0)
		return c;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->what < y->what ? -1 : x->what > y->what;
}

static void
sift_down(const struct exh_findings *fs, struct report_row *v, size_t root,
    size_t n)
{
	struct report_row t;
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && cmp_row(fs, &v[child], &v[child + 1]) < 0)
			child++;
		if (cmp_row(fs, &v[root], &v[child]) >= 0)
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

/* Heap sort: O(n log n) and no memory beyond the rows. */
static void
sort_rows(const struct exh_findings *fs, struct report_row *v, size_t n)
{
	struct report_row t;
	size_t i;

	for (i = n / 2; i > 0; i--)
		sift_down(fs, v, i - 1, n);
	for (i = n; i > 1; i--) {
		t = v[0];
		v[0] = v[i - 1];
		v[i - 1] = t;
		sift_down(fs, v, 0, i - 1);
	}
}

static void
file_rows(struct rows *r, const struct exh_finding *f)
{
	const int64_t t[8] = {
		f->file.si.created, f->file.si.modified,
		f->file.si.mft_changed, f->file.si.accessed,
		f->file.fn.created, f->file.fn.modified,
		f->file.fn.mft_changed, f->file.fn.accessed,
	};
	uint32_t i, dated = 0;

	for (i = 0; i < 8; i++)
		if (t[i] != 0) {
			push(r, t[i], i);
			dated++;
		}
	/* A journal or deleted-record finding has no live file times: its
	 * own time (the first change the history saw) is its row. */
	if (dated == 0 && f->time != 0)
		push(r, f->time, WHAT_HISTORY);
}

/* Pushes the rows of every finding of level notice and above. */
static void
all_rows(struct rows *r, const struct exh_findings *fs)
{
	size_t i;

	for (i = 0; fs != NULL && i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (f->level < EXH_LEVEL_NOTICE)
			continue;
		r->idx = (uint32_t)i;
		if (f->kind == EXH_FIND_FILE)
			file_rows(r, f);
		else
			push(r, f->time, f->kind == EXH_FIND_EVENT ?
			    WHAT_EVENT : WHAT_LOG);
	}
}

static int
field(struct exh_buf *out, const char *s, bool last)
{
	int rc = exh_esc_csv(out, s ? s : "", s ? strlen(s) : 0);

	return rc != EXH_OK ? rc : exh_buf_putc(out, last ? '\n' : ',');
}

/* "<level> <check or first reason>: <path>[:stream] (line N)" */
static int
message(const struct exh_finding *f, struct exh_buf *m)
{
	const char *what = f->check ? f->check :
	    (f->nreasons > 0 ? f->reasons[0].name : "finding");

	exh_buf_reset(m);
	if (exh_buf_printf(m, "%s %s: %s", exh_level_name(f->level), what,
	    f->file.path ? f->file.path : "") != EXH_OK)
		return EXH_ENOMEM;
	if (f->file.stream != NULL && f->file.stream[0] != '\0' &&
	    exh_buf_printf(m, ":%s", f->file.stream) != EXH_OK)
		return EXH_ENOMEM;
	if (f->line > 0 && exh_buf_printf(m, " (line %llu)",
	    (unsigned long long)f->line) != EXH_OK)
		return EXH_ENOMEM;
	if (f->record > 0 && exh_buf_printf(m, " (record %llu)",
	    (unsigned long long)f->record) != EXH_OK)
		return EXH_ENOMEM;
	return EXH_OK;
}

static int
put_row(struct exh_buf *out, const struct report_row *row,
    const struct exh_finding *f, struct exh_buf *m)
{
	char iso[32], num[32], score[16];
	int rc;

	/* Microseconds since 1970, computed so that a hostile timestamp
	 * cannot overflow (the epoch is a multiple of ten); any int64 and
	 * any int fit the buffers. */
	(void)snprintf(num, sizeof(num), "%lld", (long long)(row->time / 10 -
	    EXH_FILETIME_UNIX_EPOCH / 10));
	(void)snprintf(score, sizeof(score), "%d", f->score);
	if ((rc = message(f, m)) != EXH_OK ||
	    (rc = field(out, m->data, false)) != EXH_OK ||
	    (rc = field(out, exh_filetime_iso(row->time, iso), false)) ||
	    (rc = field(out, num, false)) != EXH_OK ||
	    (rc = field(out, report_row_desc(row), false)) != EXH_OK ||
	    (rc = field(out, exh_level_name(f->level), false)) ||
	    (rc = field(out, score, false)) != EXH_OK ||
	    (rc = field(out, f->check, false)) != EXH_OK)
		return rc;
	return field(out, f->file.path, true);
}

int
report_timeline_rows(const struct exh_findings *fs, struct report_row **out,
    size_t *n)
{
	struct rows r = { NULL, 0, true, 0 };
	size_t count;

	/* A row keeps its finding's place in 32 bits. */
	if (fs != NULL && exh_findings_count(fs) > UINT32_MAX)
		return EXH_ENOMEM;
	all_rows(&r, fs);
	*out = NULL;
	*n = 0;
	if ((count = r.n) == 0)
		return EXH_OK;
	if ((r.v = reallocarray(NULL, count, sizeof(*r.v))) == NULL)
		return EXH_ENOMEM;
	r.n = 0;
	r.count_only = false;
	all_rows(&r, fs);
	sort_rows(fs, r.v, r.n);
	*out = r.v;
	*n = r.n;
	return EXH_OK;
}

int
exh_report_timeline_csv(const struct exh_findings *fs, struct exh_buf *out)
{
	struct exh_sink s = { out, NULL, NULL, EXH_OK };

	return exh_report_timeline_csv_to(fs, &s);
}

int
exh_report_timeline_csv_to(const struct exh_findings *fs,
    struct exh_sink *out)
{
	struct report_row *rows = NULL;
	struct exh_buf m = { 0 };
	size_t i, n = 0;
	int rc = exh_buf_puts(out->buf, "message,datetime,timestamp,"
	    "timestamp_desc,level,score,check,path\n");

	if (rc == EXH_OK)
		rc = report_timeline_rows(fs, &rows, &n);
	for (i = 0; rc == EXH_OK && i < n; i++)
		if ((rc = put_row(out->buf, &rows[i],
		    exh_findings_get(fs, rows[i].idx), &m)) == EXH_OK)
			rc = exh_sink_flush(out, false);
	free(rows);
	exh_buf_free(&m);
	return rc == EXH_OK ? exh_sink_flush(out, true) : rc;
}
