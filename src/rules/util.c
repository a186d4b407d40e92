/* Helpers every rules file uses: string copies and rejecting one entry of a file. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

char *
rules_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

char *
rules_strndup(const char *s, size_t n)
{
	return strndup(s, n);
}

int
rules_reject(struct exh_rules *r, size_t fi, size_t line, const char *fmt,
    ...)
{
	struct exh_rules_file *f = &r->files[fi];
	struct exh_rules_reject *nv;
	struct exh_buf b = { 0 };
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = exh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc != EXH_OK)
		return EXH_ENOMEM;
	nv = realloc(f->rejects, (f->nrejects + 1) * sizeof(*nv));
	if (nv == NULL) {
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	f->rejects = nv;
	nv[f->nrejects].line = line;
	nv[f->nrejects].reason = exh_buf_take(&b);
	f->nrejects++;
	return EXH_OK;
}
