/* Splitting log rows into columns (CSV and W3C) and mapping header names to fields. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

/*
 * Rows are split lazily: a check asks for a column and the split goes only
 * that far, so the long tail of an HttpProxy row is rarely touched.
 */

/* Offset of the first sep in p[i..n), or n.  Columns are short, so one
 * 16-byte compare usually finds it; the tail is a plain loop. */
static size_t
find_sep(const char *p, size_t i, size_t n, char sep)
{
#ifdef __SSE2__
	const __m128i want = _mm_set1_epi8(sep);

	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + i)),
		    want));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && p[i] != sep)
		i++;
	return i;
}

/* dst = src with every '+' as a space (IIS's user agent). */
static void
plus_to_space(char *dst, const char *src, size_t n)
{
	size_t j = 0;
#ifdef __SSE2__
	const __m128i plus = _mm_set1_epi8('+');
	const __m128i space = _mm_set1_epi8(' ');

	for (; j + 16 <= n; j += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
		    (src + j));
		__m128i m = _mm_cmpeq_epi8(x, plus);

		_mm_storeu_si128((__m128i *)(void *)(dst + j), _mm_or_si128(
		    _mm_and_si128(m, space), _mm_andnot_si128(m, x)));
	}
#endif
	for (; j < n; j++)
		dst[j] = src[j] == '+' ? ' ' : src[j];
}

/* Exchange CSV: fields split at commas; "..." quoting with "" for a quote.
 * Quoted values are unquoted into sc->scratch. */
static void
more_csv(struct logscan_filestate *sc, size_t need)
{
	const char *p = sc->sp_p, *c;
	size_t n = sc->sp_n, i = sc->sp;

	while (sc->nf < need && !sc->sdone) {
		struct logscan_fld *f = &sc->f[sc->nf++];

		if (i < n && p[i] == '"') {
			char *dst = sc->scratch + sc->sused;
			size_t dn = 0;
			const char *q;

			for (i++;;) {
				q = memchr(p + i, '"', n - i);
				if (q == NULL) {
					memcpy(dst + dn, p + i, n - i);
					dn += n - i;
					i = n;
					break;
				}
				memcpy(dst + dn, p + i, (size_t)(q - p) - i);
				dn += (size_t)(q - p) - i;
				i = (size_t)(q - p) + 1;
				if (i < n && p[i] == '"') {
					dst[dn++] = '"';
					i++;
					continue;
				}
				break;
			}
			f->p = dst;
			f->n = dn;
			sc->sused += dn;
			c = memchr(p + i, ',', n - i);
		} else {
			/* Most columns are a few bytes: one SIMD compare (or a
			 * plain loop) beats a memchr call per column. */
			size_t q = find_sep(p, i, n, ',');

			c = q < n ? p + q : NULL;
			f->p = p + i;
			f->n = q - i;
		}
		if (c == NULL || sc->nf == LOGSCAN_MAXCOLS)
			sc->sdone = true;
		else
			i = (size_t)(c - p) + 1;
	}
	sc->sp = i;
}

/* W3C: fields split at single spaces, "-" is empty, '+' in the user
 * agent stands for a space. */
static void
more_w3c(struct logscan_filestate *sc, size_t need)
{
	const char *p = sc->sp_p;
	size_t n = sc->sp_n, i = sc->sp, e;

	while (sc->nf < need && !sc->sdone) {
		struct logscan_fld *f = &sc->f[sc->nf];

		e = find_sep(p, i, n, ' ');
		f->p = p + i;
		f->n = e - i;
		if (f->n == 1 && p[i] == '-')
			f->n = 0;
		if ((int)sc->nf == sc->c_ua && f->n > 0) {
			char *dst = sc->scratch + sc->sused;

			plus_to_space(dst, p + i, f->n);
			f->p = dst;
			sc->sused += f->n;
		}
		sc->nf++;
		if (e == n || sc->nf == LOGSCAN_MAXCOLS)
			sc->sdone = true;
		else
			i = e + 1;
	}
	sc->sp = i;
}

void
logscan_more_columns(struct logscan_filestate *sc, size_t need)
{
	if (sc->space_sep)
		more_w3c(sc, need);
	else
		more_csv(sc, need);
}

/* Starts splitting p[0..n) and splits the first need columns. */
void
logscan_split(struct logscan_filestate *sc, const char *p, size_t n,
    size_t need)
{
	sc->sp_p = p;
	sc->sp_n = n;
	sc->sp = 0;
	sc->nf = 0;
	sc->sused = 0;
	sc->sdone = false;
	logscan_more_columns(sc, need);
}

static bool
name_is(const struct logscan_fld *f, const char *name)
{
	return logscan_iequal(f->p, f->n, name, strlen(name));
}

int
logscan_set_header(struct logscan_filestate *sc, const char *text, size_t n)
{
	struct exh_logscan *ls = sc->ls;
	size_t i, k, need = 0;

	while (n > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		n--;
	}
	if (n + 1 > sc->hdrcap) {
		char *nh = realloc(sc->hdr, n + 1);

		if (nh == NULL)
			return exh_err_set(sc->err, EXH_ENOMEM, 0,
			    "log: header: out of memory");
		sc->hdr = nh;
		sc->hdrcap = n + 1;
	}
	memcpy(sc->hdr, text, n);
	sc->hdr[n] = '\0';
	sc->hdrlen = n;
	sc->c_ua = -1;
	logscan_split(sc, sc->hdr, n, LOGSCAN_MAXCOLS);
	for (k = 0; k < sc->nf; k++) {
		/* Trim blanks around names ("a, b" is seen in the wild). */
		while (sc->f[k].n > 0 && sc->f[k].p[0] == ' ') {
			sc->f[k].p++;
			sc->f[k].n--;
		}
		while (sc->f[k].n > 0 && sc->f[k].p[sc->f[k].n - 1] == ' ')
			sc->f[k].n--;
	}
	sc->ncols = sc->nf;
	sc->first_name_len = sc->nf > 0 ? sc->f[0].n : 0;
	sc->c_time = sc->c_date = sc->c_clock = sc->c_ip = sc->c_ua = -1;
	sc->c_stem = -1;
	for (i = 0; i < ls->nfields; i++)
		sc->col_of[i] = -1;
	for (k = 0; k < sc->nf; k++) {
		const struct logscan_fld *f = &sc->f[k];

		for (i = 0; i < ls->nfields; i++)
			if (sc->col_of[i] < 0 && logscan_iequal(f->p, f->n,
			    ls->fields[i], strlen(ls->fields[i])))
				sc->col_of[i] = (int)k;
		if (sc->c_time < 0 && (name_is(f, "DateTime") ||
		    name_is(f, "TimeStamp") || name_is(f, "date-time")))
			sc->c_time = (int)k;
		if (name_is(f, "date") && sc->c_date < 0)
			sc->c_date = (int)k;
		if (name_is(f, "time") && sc->c_clock < 0)
			sc->c_clock = (int)k;
		if (sc->c_ip < 0 && (name_is(f, "ClientIpAddress") ||
		    name_is(f, "c-ip") || name_is(f, "ClientIp")))
			sc->c_ip = (int)k;
		if (name_is(f, "cs(User-Agent)"))
			sc->c_ua = (int)k;
		if (sc->c_stem < 0 && (name_is(f, "cs-uri-stem") ||
		    name_is(f, "UrlStem")))
			sc->c_stem = (int)k;
	}
	if (sc->c_date < 0 || sc->c_clock < 0)
		sc->c_date = sc->c_clock = -1;
	/* Rows are split up front only as far as the time columns; the
	 * checks pull further columns when they need them. */
	if (sc->c_time + 1 > (int)need)
		need = (size_t)(sc->c_time + 1);
	if (sc->c_date + 1 > (int)need)
		need = (size_t)(sc->c_date + 1);
	if (sc->c_clock + 1 > (int)need)
		need = (size_t)(sc->c_clock + 1);
	sc->need = need > 0 ? need : 1;
	sc->have_hdr = true;
	return EXH_OK;
}

/* A bare CSV header line: names only, no timestamps or free text. */
bool
logscan_looks_like_header(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || !((p[0] >= 'A' && p[0] <= 'Z') ||
	    (p[0] >= 'a' && p[0] <= 'z')))
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == ',' || c == '(' || c == ')' || c == '.' || c == ' '))
			return false;
	}
	return memchr(p, ',', n) != NULL;
}
