/* The report's document writer: one description, rendered as HTML or as plain text, everything escaped. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exhume/report.h"
#include "report_int.h"

/*
 * Printable and self-contained: no script, no external reference.  The
 * Content-Security-Policy forbids both even if a browser met something
 * the escaping let through.
 */
static const char css[] =
    "body{font-family:sans-serif;font-size:10.5pt;margin:2em;color:#111}"
    "h1{font-size:1.6em;border-bottom:2px solid #333}"
    "h2{font-size:1.3em;border-bottom:1px solid #999;margin-top:1.6em;"
    "page-break-after:avoid}"
    "h3{font-size:1.05em;margin-bottom:.3em;page-break-after:avoid}"
    "table{border-collapse:collapse;margin:.4em 0 1em 0}"
    "th,td{border:1px solid #bbb;padding:2px 5px;text-align:left;"
    "vertical-align:top;overflow-wrap:break-word;hyphens:manual}"
    "td.long{overflow-wrap:anywhere}"
    "th{background:#eee}"
    "table.kv th{width:16em;background:#f5f5f5;font-weight:normal}"
    "tr{page-break-inside:avoid}"
    "p.warn,li.warn{background:#fff4d0;border-left:4px solid #d90;"
    "padding:3px 6px}"
    "p.alert,li.alert{background:#fde0e0;border-left:4px solid #c00;"
    "padding:3px 6px;font-weight:bold}"
    "pre{background:#f3f3f3;padding:4px 8px;white-space:pre-wrap}"
    "@media print{body{margin:0;font-size:9pt}}";

static const char *const style_class[] = { "", "warn", "alert" };
static const char *const text_mark[] = { "", "[!] ", "[!!] " };

void
report_init(struct report_writer *w, bool html, struct exh_sink *sink)
{
	memset(w, 0, sizeof(*w));
	w->html = html;
	w->sink = sink;
	w->out = sink->buf;
	w->rc = EXH_OK;
}

int
report_finish(struct report_writer *w)
{
	exh_buf_free(&w->tmp);
	exh_buf_free(&w->msg);
	if (w->rc == EXH_OK)
		w->rc = exh_sink_flush(w->sink, true);
	return w->rc;
}

/* Structure we write ourselves: never escaped. */
static void
put(struct report_writer *w, const char *s)
{
	if (w->rc == EXH_OK)
		w->rc = exh_buf_puts(w->out, s);
	if (w->rc == EXH_OK)
		w->rc = exh_sink_flush(w->sink, false);
}

/* Content, ours or the evidence's: always escaped. */
static void
esc(struct report_writer *w, const char *s)
{
	if (w->rc != EXH_OK)
		return;
	if (s == NULL)
		s = "";
	w->rc = w->html ? exh_esc_html(w->out, s, strlen(s)) :
	    exh_esc_term(w->out, s, strlen(s));
	if (w->rc == EXH_OK)
		w->rc = exh_sink_flush(w->sink, false);
}

const char *
report_fmt(struct report_writer *w, const char *fmt, ...)
{
	va_list ap;

	if (w->rc != EXH_OK)
		return NULL;
	exh_buf_reset(&w->tmp);
	va_start(ap, fmt);
	w->rc = exh_buf_vprintf(&w->tmp, fmt, ap);
	va_end(ap);
	if (w->rc != EXH_OK)
		return NULL;
	return w->tmp.data != NULL ? w->tmp.data : "";
}

/* Code points, for underlines and padding in the text form. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
repeat(struct report_writer *w, char c, size_t n)
{
	while (n-- > 0 && w->rc == EXH_OK)
		w->rc = exh_buf_putc(w->out, c);
}

/* <tag class="style">s</tag> */
static void
element(struct report_writer *w, const char *tag, int style, const char *s)
{
	put(w, "<");
	put(w, tag);
	if (style != REPORT_NORMAL) {
		put(w, " class=\"");
		put(w, style_class[style]);
		put(w, "\"");
	}
	put(w, ">");
	esc(w, s);
	put(w, "</");
	put(w, tag);
	put(w, ">\n");
}

void
report_begin(struct report_writer *w, const char *lang, const char *title)
{
	if (!w->html) {
		report_heading(w, 1, title);
		return;
	}
	put(w, "<!DOCTYPE html>\n<html lang=\"");
	esc(w, lang);
	put(w, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<title>");
	esc(w, title);
	put(w, "</title>\n<style>");
	put(w, css);
	put(w, "</style>\n</head>\n<body>\n<h1>");
	esc(w, title);
	put(w, "</h1>\n");
}

void
report_end(struct report_writer *w)
{
	if (w->html)
		put(w, "</body>\n</html>\n");
}

void
report_heading(struct report_writer *w, int level, const char *s)
{
	char tag[4];

	if (w->html) {
		/* Levels 1 to 6: "hN" fits tag. */
		(void)snprintf(tag, sizeof(tag), "h%d", level);
		element(w, tag, REPORT_NORMAL, s);
		return;
	}
	if (level > 1)
		put(w, "\n");
	esc(w, s);
	put(w, "\n");
	if (level <= 2) {
		repeat(w, level == 1 ? '=' : '-', width(s));
		put(w, "\n");
	}
}

void
report_para(struct report_writer *w, int style, const char *s)
{
	if (w->html) {
		element(w, "p", style, s);
		return;
	}
	put(w, text_mark[style]);
	esc(w, s);
	put(w, "\n");
}

void
report_code(struct report_writer *w, const char *s)
{
	put(w, w->html ? "<pre>" : "    ");
	esc(w, s);
	put(w, w->html ? "</pre>\n" : "\n");
}

/*
 * Whether s holds a run without blanks longer than any word of prose (a
 * path, a hash, a URL).  Only such a cell may break inside a word; in
 * the others "verwundbar" stays whole, however narrow the column.
 */
static bool
long_token(const char *s)
{
	size_t run = 0;

	for (; s != NULL && *s != '\0'; s++) {
		run = *s == ' ' ? 0 : run + 1;
		if (run > 28)
			return true;
	}
	return false;
}

void
report_kv_begin(struct report_writer *w)
{
	if (w->html)
		put(w, "<table class=\"kv\">\n");
}

void
report_kv(struct report_writer *w, const char *key, const char *value)
{
	size_t kw;

	/* After a failure (report_fmt gives NULL then) the document is
	 * abandoned: nothing more is written. */
	if (w->rc != EXH_OK || key == NULL)
		return;
	if (w->html) {
		put(w, "<tr><th>");
		esc(w, key);
		put(w, long_token(value) ? "</th><td class=\"long\">" :
		    "</th><td>");
		esc(w, value);
		put(w, "</td></tr>\n");
		return;
	}
	put(w, "  ");
	esc(w, key);
	put(w, ":");
	kw = width(key);
	repeat(w, ' ', kw < 30 ? 30 - kw : 1);
	esc(w, value);
	put(w, "\n");
}

void
report_kv_end(struct report_writer *w)
{
	if (w->html)
		put(w, "</table>\n");
}

void
report_list_begin(struct report_writer *w)
{
	if (w->html)
		put(w, "<ul>\n");
}

void
report_item(struct report_writer *w, int style, const char *s)
{
	if (w->html) {
		element(w, "li", style, s);
		return;
	}
	put(w, "  - ");
	put(w, text_mark[style]);
	esc(w, s);
	put(w, "\n");
}

void
report_list_end(struct report_writer *w)
{
	if (w->html)
		put(w, "</ul>\n");
}

void
report_table_begin(struct report_writer *w, const char *const *cols, size_t ncols)
{
	size_t i;

	put(w, w->html ? "<table>\n<tr>" : "  ");
	for (i = 0; i < ncols; i++) {
		if (w->html) {
			put(w, "<th>");
			esc(w, cols[i]);
			put(w, "</th>");
		} else {
			put(w, i > 0 ? " | " : "");
			esc(w, cols[i]);
		}
	}
	put(w, w->html ? "</tr>\n" : "\n");
}

void
report_row_begin(struct report_writer *w)
{
	w->cell = 0;
	put(w, w->html ? "<tr>" : "  ");
}

void
report_cell(struct report_writer *w, const char *s)
{
	if (w->html) {
		put(w, long_token(s) ? "<td class=\"long\">" : "<td>");
		esc(w, s);
		put(w, "</td>");
	} else {
		put(w, w->cell > 0 ? " | " : "");
		esc(w, s);
	}
	w->cell++;
}

void
report_row_end(struct report_writer *w)
{
	put(w, w->html ? "</tr>\n" : "\n");
}

void
report_table_end(struct report_writer *w)
{
	put(w, w->html ? "</table>\n" : "\n");
}

const char *
report_time(int64_t ft, char buf[32])
{
	if (ft == 0)
		return "-";
	return exh_filetime_iso(ft, buf);
}

const char *
report_size(uint64_t bytes, char buf[48])
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = -1;

	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	/* At most 20 digits, " B (", a value below 1024.0 and a unit: the
	 * 48 bytes the caller gives always hold it. */
	if (u < 0)
		(void)snprintf(buf, 48, "%" PRIu64 " B", bytes);
	else
		(void)snprintf(buf, 48, "%" PRIu64 " B (%.1f %s)", bytes, v,
		    unit[u]);
	return buf;
}

const char *
report_msg(struct report_writer *w, const struct exh_msg *m)
{
	if (w->rc != EXH_OK)
		return NULL;
	exh_buf_reset(&w->msg);
	if ((w->rc = exh_msg_render(m, true, &w->msg)) != EXH_OK)
		return NULL;
	return report_str(w->msg.data);
}

const char *
report_msg_or(struct report_writer *w, const struct exh_msg *m,
    const char *english)
{
	return !exh_msg_empty(m) ? report_msg(w, m) :
	    report_str(english);
}

const char *
report_quoted(struct report_writer *w, const char *s)
{
	static const char frame[] = N_("library message: %s");
	struct exh_msg m;

	if (s == NULL || *s == '\0' || _(frame) == frame)
		return report_str(s);
	exh_msg_setf(&m, frame, s);
	return report_msg(w, &m);
}

const char *
report_str(const char *s)
{
	return (s == NULL || *s == '\0') ? "-" : s;
}
