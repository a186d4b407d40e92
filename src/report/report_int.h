/* Private to src/report: the timeline rows and the two-format document writer. */
#ifndef EXHUME_REPORT_INT_H
#define EXHUME_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/report.h"

/* One dated moment: a log or event finding, or one $SI/$FN time of a
 * file.  16 bytes: there are up to eight per finding. */
struct report_row {
	int64_t time;			/* FILETIME, never 0 */
	uint32_t idx;			/* the finding's place in the collector */
	uint32_t what;			/* for report_row_desc */
};

/* The row's Timesketch timestamp_desc (English). */
const char *report_row_desc(const struct report_row *r);

/*
 * The rows timeline.csv shows, oldest first (findings of level notice and
 * above); exh_findings_get(fs, row.idx) is the finding.  *out is malloc'd
 * (NULL when there are none); the caller frees it.  EXH_OK or EXH_ENOMEM.
 */
int report_timeline_rows(const struct exh_findings *fs,
    struct report_row **out, size_t *n);

/*
 * The document writer.  The sections describe the report once; the
 * writer renders each element as HTML or as plain text.  Every string
 * handed to it, ours or the evidence's, is escaped for the format
 * (exh_esc_html or exh_esc_term), so a section cannot forget.  The first
 * failure is kept in rc and turns every later call into a no-op, so
 * section code need not check each call.
 */
enum report_style {
	REPORT_NORMAL = 0,
	REPORT_WARN,			/* a gap or limit the reader must see */
	REPORT_ALERT,			/* partial results, indicators found */
};

struct report_writer {
	bool html;
	int rc;
	struct exh_buf *out;		/* sink->buf */
	struct exh_sink *sink;		/* handed on in bounded pieces */
	struct exh_buf tmp;		/* formatting scratch */
	struct exh_buf msg;		/* report_msg's scratch */
	int cell;			/* cells written in the current row */
};

void report_init(struct report_writer *w, bool html, struct exh_sink *sink);
/*
 * printf into the writer's scratch buffer, for handing to one of the
 * functions below: report_kv(w, key, report_fmt(w, "%d", n)).  Valid until the
 * next report_fmt, so use one per call.  NULL after a failure, which every
 * writer function then ignores.
 */
const char *report_fmt(struct report_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * A message in the report's language, valid until the next report_msg
 * (a scratch of its own, so it can be an argument of report_fmt);
 * report_msg_or shows english (report_str) when m holds no message.
 * Arguments are inserted raw: the writer escapes the whole.
 */
const char *report_msg(struct report_writer *w, const struct exh_msg *m);
const char *report_msg_or(struct report_writer *w, const struct exh_msg *m,
    const char *english);
/*
 * Text a library or a lower layer gave (a skip's detail): in a translated
 * report framed as "library message: ..." in the report's language (the
 * legend under the run notes explains it), in English as it is.
 */
const char *report_quoted(struct report_writer *w, const char *s);
/* Releases scratch memory and returns the first error (or EXH_OK). */
int report_finish(struct report_writer *w);

void report_begin(struct report_writer *w, const char *lang, const char *title);
void report_end(struct report_writer *w);
void report_heading(struct report_writer *w, int level, const char *s);
void report_para(struct report_writer *w, int style, const char *s);
void report_code(struct report_writer *w, const char *s);

/* A key/value list: the record of one thing. */
void report_kv_begin(struct report_writer *w);
void report_kv(struct report_writer *w, const char *key, const char *value);
void report_kv_end(struct report_writer *w);

/* A bulleted list. */
void report_list_begin(struct report_writer *w);
void report_item(struct report_writer *w, int style, const char *s);
void report_list_end(struct report_writer *w);

/* A table: column titles, then rows of cells. */
void report_table_begin(struct report_writer *w, const char *const *cols, size_t ncols);
void report_row_begin(struct report_writer *w);
void report_cell(struct report_writer *w, const char *s);
void report_row_end(struct report_writer *w);
void report_table_end(struct report_writer *w);

/* Small formatting helpers returning the caller's buffer. */
const char *report_time(int64_t ft, char buf[32]);	/* "—" style when 0 */
const char *report_size(uint64_t bytes, char buf[48]);
const char *report_str(const char *s);			/* NULL/"" -> dash */

/* Time of awareness, measures taken, categories of data concerned as
 * key/value rows, "to be completed" for each one not given. */
void report_notification_kv(struct report_writer *w,
    const struct exh_report_input *in);

/* The host profile as one JSON value under key (NULL in an array or at
 * the top): the object of exh_report_profile_json, nested. */
void report_profile_json(struct exh_json *w, const char *key,
    const struct exh_profile *p);

/*
 * Findings with the same level, kind, check and rule names in one folder
 * form a group.  A group of more than REPORT_GROUP_MAX is listed in the
 * report by its first REPORT_GROUP_MAX members (collector order) and a
 * count; findings.jsonl and timeline.csv keep every one.  Built with one
 * sort: O(n log n).
 */
#define REPORT_GROUP_MAX 20

struct report_groups {
	size_t n;
	size_t *rank;			/* per finding: place in its group */
	size_t *size;			/* per finding: its group's size */
};

int report_groups_build(const struct exh_findings *fs,
    struct report_groups *g);
/* Whether finding idx is listed in full. */
bool report_groups_listed(const struct report_groups *g, size_t idx);
/* Whether any group is cut short. */
bool report_groups_any(const struct report_groups *g);
void report_groups_free(struct report_groups *g);

/* The sections, in report order (report.c calls them). */
void report_case(struct report_writer *w, const struct exh_report_input *in);
void report_examined(struct report_writer *w, const struct exh_report_input *in);
/* Each source's container, files with SHA-256, E01 record, image check. */
void report_images(struct report_writer *w, const struct exh_report_input *in);
void report_rules(struct report_writer *w, const struct exh_rules *r);
/* summary.c: true when rule file i is the first of a --rules set whose
 * matches scored 75 or less (never an alert alone); *dirlen is the length
 * of the set's directory in the file's path, *hits the set's count. */
bool report_capped_set(const struct exh_rules *r, size_t i, size_t *dirlen,
    size_t *hits);
void report_host(struct report_writer *w, const struct exh_profile *p);
void report_findings(struct report_writer *w, const struct exh_findings *fs);
void report_coverage(struct report_writer *w, const struct exh_report_input *in);
/* history.c: journal range, deleted records, shadow copies, windows. */
void report_history(struct report_writer *w, const struct exh_report_input *in);
void report_timeline(struct report_writer *w, const struct exh_findings *fs);
void report_collected(struct report_writer *w, const struct exh_report_input *in);
void report_skips(struct report_writer *w, const struct exh_findings *fs);
void report_verify(struct report_writer *w, const struct exh_report_input *in);
void report_decision(struct report_writer *w, const struct exh_report_input *in);

/*
 * The exposure window of one family: from start (the Windows install
 * date, the earliest the server can have run Exchange; 0 unknown) to end
 * (the install of the first fixing update; 0 while open).  exposed is
 * false for "not affected", "unknown" and for "fixed" without a fix date
 * (the fix may have come with the CU: no window can be shown).
 */
struct report_window {
	bool exposed;		/* vulnerable now or before the fix */
	bool open;		/* still vulnerable */
	int64_t start, end;
};
void report_window(const struct exh_profile *p, int family,
    struct report_window *out);
/* One list item per family saying how long it was exposed. */
void report_exposure_list(struct report_writer *w, const struct exh_profile *p);
/* The display group of a CVE: its family, else its fixing update. */
const char *report_cve_group(const struct exh_cve_verdict *v);

#endif /* EXHUME_REPORT_INT_H */
