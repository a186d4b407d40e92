/* Cutting the stream into rows: headers, damaged and overlong lines, times. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

static void
bad_line(struct logscan_filestate *sc, uint64_t *why)
{
	(*why)++;
	if (sc->nbad++ == 0)
		sc->first_bad = sc->lineno;
}

static bool
has_controls(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

static bool
row_time(struct logscan_filestate *sc)
{
	const struct logscan_fld *a, *b;

	sc->t = 0;
	if (sc->c_time >= 0) {
		if ((size_t)sc->c_time >= sc->nf)
			return false;
		a = &sc->f[sc->c_time];
		return logscan_parse_time(a->p, a->n, &sc->t);
	}
	if (sc->c_date >= 0) {
		if ((size_t)sc->c_date >= sc->nf ||
		    (size_t)sc->c_clock >= sc->nf)
			return false;
		a = &sc->f[sc->c_date];
		b = &sc->f[sc->c_clock];
		return logscan_parse_date_time(a->p, a->n, b->p, b->n, &sc->t);
	}
	return true;
}

static void
note_time(struct logscan_filestate *sc)
{
	if (sc->t == 0)
		return;
	if (sc->first == 0 || sc->t < sc->first)
		sc->first = sc->t;
	if (sc->t > sc->last)
		sc->last = sc->t;
}

/* OABGenerator lines without a header: the time is the leading token. */
static int
raw_row(struct logscan_filestate *sc, const char *p, size_t n)
{
	size_t k;

	if (has_controls(p, n)) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	for (k = 0; k < n && k < 40 && p[k] != ',' && p[k] != ' '; k++)
		;
	if (!logscan_parse_time(p, k, &sc->t))
		sc->t = 0;
	sc->nf = 0;
	sc->sdone = true;
	sc->rows++;
	note_time(sc);
	return logscan_run_rules(sc);
}

static bool
is_header_again(const struct logscan_filestate *sc, const char *p, size_t n)
{
	if (n == sc->hdrlen && memcmp(p, sc->hdr, n) == 0)
		return true;
	/* A new bare header after a configuration change starts with the
	 * same first column name (DateTime, TimeStamp ...). */
	return !sc->space_sep && sc->first_name_len > 0 &&
	    n > sc->first_name_len && p[sc->first_name_len] == ',' &&
	    logscan_iequal(p, sc->first_name_len, sc->hdr, sc->first_name_len) &&
	    logscan_looks_like_header(p, n);
}

static int
do_line(struct logscan_filestate *sc, char *p, size_t n, bool terminated)
{
	sc->lineno++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (sc->lineno == 1 && n >= 3 && (unsigned char)p[0] == 0xef &&
	    (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf) {
		p += 3;
		n -= 3;
	}
	if (n == 0)
		return EXH_OK;
	sc->line = p;
	sc->linelen = n;
	sc->capp = NULL;
	if (p[0] == '#') {
		if (n >= 8 && logscan_iequal(p, 8, "#Fields:", 8))
			return logscan_set_header(sc, p + 8, n - 8);
		return EXH_OK;
	}
	if (memchr(p, '\0', n) != NULL) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	if (!sc->have_hdr) {
		if (sc->family == EXH_LOG_OABGEN)
			return raw_row(sc, p, n);
		if (!sc->space_sep && logscan_looks_like_header(p, n))
			return logscan_set_header(sc, p, n);
		bad_line(sc, &sc->nohdr);
		return EXH_OK;
	}
	if (is_header_again(sc, p, n))
		return logscan_set_header(sc, p, n);
	logscan_split(sc, p, n, terminated ? sc->need : LOGSCAN_MAXCOLS);
	if (!terminated && sc->nf < sc->ncols) {
		bad_line(sc, &sc->trunc);
		return EXH_OK;
	}
	if (!row_time(sc) || (sc->family == EXH_LOG_OABGEN &&
	    has_controls(p, n))) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	sc->rows++;
	note_time(sc);
	return logscan_run_rules(sc);
}

int
logscan_pump(struct logscan_filestate *sc)
{
	size_t pos = 0, end = 0, got;
	bool eof = false, discard = false;
	char *nl;
	int status;

	for (;;) {
		while (pos < end && (nl = memchr(sc->buf + pos, '\n',
		    end - pos)) != NULL) {
			size_t len = (size_t)(nl - (sc->buf + pos));

			if (discard)
				discard = false;
			else if ((status = do_line(sc, sc->buf + pos, len,
			    true)) != EXH_OK)
				return status;
			pos += len + 1;
		}
		if (eof) {
			if (pos < end && !discard)
				return do_line(sc, sc->buf + pos, end - pos,
				    false);
			return EXH_OK;
		}
		if (discard) {
			pos = end = 0;
		} else if (end - pos > LOGSCAN_LINE_CAP) {
			/* Over-long line: count it once, drop it up to the
			 * next newline, keep memory bounded. */
			sc->lineno++;
			bad_line(sc, &sc->overlong);
			discard = true;
			pos = end = 0;
		} else {
			memmove(sc->buf, sc->buf + pos, end - pos);
			end -= pos;
			pos = 0;
		}
		if ((status = logscan_next_bytes(sc, sc->buf + end, sc->cap - end,
		    &got)) != EXH_OK)
			return status;
		if (got == 0)
			eof = true;
		end += got;
		/* The prefilter's remembered positions are for the old bytes. */
		sc->pf_end = sc->buf + end;
		sc->pf_gen++;
	}
}
