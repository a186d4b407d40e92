/* Placeholder until the report lands: a minimal, escaped record. */
#include <string.h>

#include "exhume/report.h"

static int
minimal(const struct exh_report_input *in, struct exh_buf *out, bool html)
{
	size_t i, n = exh_findings_count(in->findings);

	exh_buf_puts(out, html ? "<!DOCTYPE html><html><body><pre>\n" : "");
	for (i = 0; i < n; i++) {
		const struct exh_finding *f = exh_findings_get(in->findings, i);
		const char *p = f->path ? f->path : "";

		exh_buf_printf(out, "%s %s ", f->id, exh_level_name(f->level));
		if (html)
			exh_esc_html(out, p, strlen(p));
		else
			exh_esc_term(out, p, strlen(p));
		exh_buf_putc(out, '\n');
	}
	exh_buf_puts(out, html ? "</pre></body></html>\n" : "");
	return EXH_OK;
}

int
exh_report_html(const struct exh_report_input *in, struct exh_buf *out)
{
	return minimal(in, out, true);
}

int
exh_report_text(const struct exh_report_input *in, struct exh_buf *out)
{
	return minimal(in, out, false);
}
