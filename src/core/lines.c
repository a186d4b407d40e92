/* Line reader for rules and data files: CR, comments, tabs, bounds, "file:line: message" errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

struct exh_lines {
	FILE *fp;		/* NULL when reading memory */
	const char *p, *end;	/* memory not read yet */
	char *name;
	unsigned flags;
	size_t no;
	char *buf;		/* EXH_LINE_MAX + 1 bytes */
	const char *why;	/* last refusal, static text */
};

static int
create(const char *name, unsigned flags, struct exh_lines **out,
    struct exh_err *err)
{
	struct exh_lines *lr;

	if ((lr = calloc(1, sizeof(*lr))) == NULL ||
	    (lr->name = strdup(name != NULL ? name : "")) == NULL ||
	    (lr->buf = malloc(EXH_LINE_MAX + 1)) == NULL) {
		exh_lines_close(lr);
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "%s: out of memory", name != NULL ? name : "lines");
	}
	lr->flags = flags;
	*out = lr;
	return EXH_OK;
}

int
exh_lines_open(FILE *fp, const char *name, unsigned flags,
    struct exh_lines **out, struct exh_err *err)
{
	int rc;

	if ((rc = create(name, flags, out, err)) == EXH_OK)
		(*out)->fp = fp;
	return rc;
}

int
exh_lines_open_mem(const char *text, size_t len, const char *name,
    unsigned flags, struct exh_lines **out, struct exh_err *err)
{
	int rc;

	if ((rc = create(name, flags, out, err)) == EXH_OK) {
		(*out)->p = text;
		(*out)->end = text + len;
	}
	return rc;
}

void
exh_lines_close(struct exh_lines *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr->name);
	free(lr);
}

/*
 * Reads one raw line (without its '\n') into lr->buf.  *n is its length,
 * or EXH_LINE_MAX + 1 when it was longer (the rest is consumed unread, so
 * a huge line costs no memory).  False at the end of the input.
 */
static bool
read_raw(struct exh_lines *lr, size_t *n, bool *nul)
{
	size_t len = 0;
	int c;

	*nul = false;
	if (lr->fp == NULL) {
		const char *nl;

		if (lr->p >= lr->end)
			return false;
		if ((nl = memchr(lr->p, '\n', (size_t)(lr->end - lr->p))) ==
		    NULL)
			nl = lr->end;
		len = (size_t)(nl - lr->p);
		if (len <= EXH_LINE_MAX) {
			memcpy(lr->buf, lr->p, len);
			*nul = memchr(lr->p, '\0', len) != NULL;
		}
		lr->p = nl < lr->end ? nl + 1 : nl;
		*n = len <= EXH_LINE_MAX ? len : EXH_LINE_MAX + 1;
		return true;
	}
	while ((c = getc_unlocked(lr->fp)) != EOF && c != '\n') {
		if (len < EXH_LINE_MAX)
			lr->buf[len] = (char)c;
		if (len <= EXH_LINE_MAX)
			len++;
		if (c == '\0')
			*nul = true;
	}
	*n = len;
	return c != EOF || len > 0;
}

static void
strip_blanks(char **s, size_t *n)
{
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
}

int
exh_lines_next(struct exh_lines *lr, char **line, size_t *len,
    struct exh_err *err)
{
	size_t n;
	char *s;
	bool nul;

	for (;;) {
		if (!read_raw(lr, &n, &nul)) {
			if (lr->fp != NULL && ferror(lr->fp))
				return exh_err_set(err, EXH_EIO, errno,
				    "%s: read error", lr->name);
			return EXH_STOP;
		}
		lr->no++;
		lr->why = NULL;
		if (n > EXH_LINE_MAX)
			lr->why = "line longer than 65536 bytes";
		else if (nul)
			lr->why = "NUL byte in line";
		if (lr->why != NULL)
			return exh_lines_fail(lr, err, EXH_ECORRUPT, "%s",
			    lr->why);
		s = lr->buf;
		if (lr->no == 1 && (lr->flags & EXH_LINES_BOM) && n >= 3 &&
		    memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (lr->flags & EXH_LINES_TRIM)
			strip_blanks(&s, &n);
		s[n] = '\0';
		if ((lr->flags & EXH_LINES_SKIP_BLANK) && n == 0)
			continue;
		if ((lr->flags & EXH_LINES_SKIP_COMMENT) && s[0] == '#')
			continue;
		*line = s;
		*len = n;
		return EXH_OK;
	}
}

size_t
exh_lines_no(const struct exh_lines *lr)
{
	return lr->no;
}

const char *
exh_lines_why(const struct exh_lines *lr)
{
	return lr->why != NULL ? lr->why : "";
}

int
exh_lines_fail(const struct exh_lines *lr, struct exh_err *err, int status,
    const char *fmt, ...)
{
	char msg[EXH_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	/* A cut message still names the file and line, which matter most. */
	return exh_err_set(err, status, status == EXH_ENOMEM ? ENOMEM : 0,
	    "%s:%zu: %s", lr->name, lr->no, msg);
}

size_t
exh_fields_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *tab;

	for (;;) {
		fields[n++] = line;
		if (n >= max || (tab = strchr(line, '\t')) == NULL)
			return n;
		*tab = '\0';
		line = tab + 1;
	}
}
