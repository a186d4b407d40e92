/* timeline.csv: log, event and file-time findings merged in time order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

struct rows {
	struct report_row *v;
	size_t n, cap;
	size_t idx;			/* of the finding being added */
};

static int
push(struct rows *r, int64_t time, const char *desc,
    const struct exh_finding *f)
{
	struct report_row *grown;

	if (time == 0)
		return EXH_OK;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((grown = realloc(r->v, cap * sizeof(*grown))) == NULL)
			return EXH_ENOMEM;
		r->v = grown;
		r->cap = cap;
	}
	r->v[r->n++] = (struct report_row){ time, desc, f, r->idx };
	return EXH_OK;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->f->id, y->f->id);
}

static int
file_rows(struct rows *r, const struct exh_finding *f)
{
	int rc = EXH_OK;

	rc |= push(r, f->file.si.created, N_("$SI Creation Time"), f);
	rc |= push(r, f->file.si.modified, N_("$SI Modification Time"), f);
	rc |= push(r, f->file.si.mft_changed, N_("$SI Entry Modified Time"), f);
	rc |= push(r, f->file.si.accessed, N_("$SI Last Access Time"), f);
	rc |= push(r, f->file.fn.created, N_("$FN Creation Time"), f);
	rc |= push(r, f->file.fn.modified, N_("$FN Modification Time"), f);
	rc |= push(r, f->file.fn.mft_changed, N_("$FN Entry Modified Time"), f);
	rc |= push(r, f->file.fn.accessed, N_("$FN Last Access Time"), f);
	return rc ? EXH_ENOMEM : EXH_OK;
}

static int
field(struct exh_buf *out, const char *s, bool last)
{
	int rc = exh_esc_csv(out, s ? s : "", s ? strlen(s) : 0);

	return rc != EXH_OK ? rc : exh_buf_putc(out, last ? '\n' : ',');
}

/* "<level> <check or first reason>: <path>[:stream] (line N)" */
static int
message(const struct report_row *row, struct exh_buf *m)
{
	const struct exh_finding *f = row->f;
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
put_row(struct exh_buf *out, const struct report_row *row, struct exh_buf *m)
{
	char iso[32], num[32], score[16];
	int rc;

	/* Microseconds since 1970, computed so that a hostile timestamp
	 * cannot overflow (the epoch is a multiple of ten); any int64 and
	 * any int fit the buffers. */
	(void)snprintf(num, sizeof(num), "%lld", (long long)(row->time / 10 -
	    EXH_FILETIME_UNIX_EPOCH / 10));
	(void)snprintf(score, sizeof(score), "%d", row->f->score);
	if ((rc = message(row, m)) != EXH_OK ||
	    (rc = field(out, m->data, false)) != EXH_OK ||
	    (rc = field(out, exh_filetime_iso(row->time, iso), false)) ||
	    (rc = field(out, num, false)) != EXH_OK ||
	    (rc = field(out, row->desc, false)) != EXH_OK ||
	    (rc = field(out, exh_level_name(row->f->level), false)) ||
	    (rc = field(out, score, false)) != EXH_OK ||
	    (rc = field(out, row->f->check, false)) != EXH_OK)
		return rc;
	return field(out, row->f->file.path, true);
}

int
report_timeline_rows(const struct exh_findings *fs, struct report_row **out,
    size_t *n)
{
	struct rows r = { NULL, 0, 0, 0 };
	size_t i;
	int rc = EXH_OK;

	for (i = 0; rc == EXH_OK && fs != NULL &&
	    i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (f->level < EXH_LEVEL_NOTICE)
			continue;
		r.idx = i;
		if (f->kind == EXH_FIND_FILE)
			rc = file_rows(&r, f);
		else
			rc = push(&r, f->time, f->kind == EXH_FIND_EVENT ?
			    N_("Event Recorded") : N_("Log Entry"), f);
	}
	if (rc != EXH_OK) {
		free(r.v);
		return rc;
	}
	if (r.n > 1)
		qsort(r.v, r.n, sizeof(*r.v), cmp_row);
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
		if ((rc = put_row(out->buf, &rows[i], &m)) == EXH_OK)
			rc = exh_sink_flush(out, false);
	free(rows);
	exh_buf_free(&m);
	return rc == EXH_OK ? exh_sink_flush(out, true) : rc;
}
