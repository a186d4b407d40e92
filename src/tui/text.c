/* Text for the screen: escaped, cut or wrapped to display columns. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui_int.h"

/* Columns one code point takes; escaped text holds no controls. */
static int
cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x80)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* German letters spelt in ASCII for a terminal without UTF-8 (a serial
 * console under LANG=C): "fuer" reads better than "f?r". */
static const char *
ascii_for(uint32_t cp)
{
	switch (cp) {
	case 0xe4: return "ae";
	case 0xf6: return "oe";
	case 0xfc: return "ue";
	case 0xc4: return "Ae";
	case 0xd6: return "Oe";
	case 0xdc: return "Ue";
	case 0xdf: return "ss";
	default: return NULL;
	}
}

/*
 * Walks escaped (hence valid, printable) UTF-8 and copies what fits in
 * width columns to out.  A terminal that is not UTF-8 gets '?' for every
 * non-ASCII character.  Returns the bytes of s consumed.
 */
static size_t
copy_cols(const struct tui *t, struct exh_buf *out, const char *s, size_t n,
    int width, int *used)
{
	size_t i = 0, len;
	uint32_t cp;
	const char *sub;
	int w;

	*used = 0;
	while (i < n) {
		len = exh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0) {		/* cannot happen after escaping */
			cp = '?';
			len = 1;
		}
		w = t->utf8 ? cp_width(cp) : 1;
		if (*used + w > width)
			break;
		if (!t->utf8 && cp >= 0x80 && (sub = ascii_for(cp)) != NULL) {
			if (*used + (int)strlen(sub) > width)
				break;
			(void)exh_buf_puts(out, sub);
			*used += (int)strlen(sub) - w;
		} else if (!t->utf8 && cp >= 0x80)
			(void)exh_buf_putc(out, '?');
		else
			(void)exh_buf_append(out, s + i, len);
		*used += w;
		i += len;
	}
	return i;
}

static int
escaped(const char *raw, struct exh_buf *esc)
{
	if (raw == NULL)
		raw = "";
	return exh_esc_term(esc, raw, strlen(raw));
}

/* Drops a UTF-8 sequence cut off at the end of s[0..len). */
static size_t
utf8_cut(char *s, size_t len)
{
	size_t k = len, need;
	unsigned char lead;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80 &&
	    len - k < 3)
		k--;
	if (k == 0)
		return len;
	lead = (unsigned char)s[k - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (k - 1 + need > len)
		len = k - 1;
	s[len] = '\0';
	return len;
}

/*
 * snprintf for screen lines: a line too long for dst is cut, at a UTF-8
 * character boundary, never inside a sequence.  Returns the length cut
 * to, so callers need no truncation check of their own.
 */
int
tui_printf(char *dst, size_t dstlen, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t len;

	if (dstlen == 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(dst, dstlen, fmt, ap);
	va_end(ap);
	if (n < 0) {
		dst[0] = '\0';
		return 0;
	}
	len = (size_t)n < dstlen ? (size_t)n : dstlen - 1;
	if ((size_t)n >= dstlen)
		len = utf8_cut(dst, len);
	return (int)len;
}

/* Display columns of already safe text (labels, translations). */
int
tui_columns(const char *s)
{
	size_t i = 0, n = strlen(s), len;
	uint32_t cp;
	int cols = 0;

	while (i < n) {
		len = exh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0)
			len = 1, cp = '?';
		cols += cp_width(cp);
		i += len;
	}
	return cols;
}

static void
fit_into(const struct tui *t, const char *raw, int width, bool pad,
    char dst[TUI_LINE])
{
	struct exh_buf esc = { 0 }, out = { 0 };
	const char *ell = t->utf8 ? "\u2026" : "...";
	int ellw = t->utf8 ? 1 : 3, used = 0;
	size_t took = 0;

	dst[0] = '\0';
	if (width <= 0 || escaped(raw, &esc) != EXH_OK)
		goto out;
	if (esc.data != NULL)
		took = copy_cols(t, &out, esc.data, esc.len, width, &used);
	if (esc.data != NULL && took < esc.len) {
		/* It does not fit: cut earlier, leaving room for the mark. */
		exh_buf_reset(&out);
		took = copy_cols(t, &out, esc.data, esc.len,
		    width > ellw ? width - ellw : 0, &used);
		(void)exh_buf_puts(&out, ell);
		used += ellw;
	}
	while (pad && used < width) {
		(void)exh_buf_putc(&out, ' ');
		used++;
	}
	/* A screen line: cut to the screen, at a UTF-8 boundary. */
	if (out.data != NULL)
		(void)tui_printf(dst, TUI_LINE, "%s", out.data);
out:
	exh_buf_free(&esc);
	exh_buf_free(&out);
}

/* raw escaped and cut to at most width columns ("…" marks the cut). */
const char *
tui_fit(const struct tui *t, const char *raw, int width, char dst[TUI_LINE])
{
	fit_into(t, raw, width, false, dst);
	return dst;
}

/* The same, padded with blanks to exactly width columns. */
const char *
tui_fit_pad(const struct tui *t, const char *raw, int width,
    char dst[TUI_LINE])
{
	fit_into(t, raw, width, true, dst);
	return dst;
}

/* Where to end a line of s[0..took): after the last blank in its second
 * half, so words stay whole; else at took (long names break anywhere). */
static size_t
line_break(const char *s, size_t took, size_t n)
{
	size_t k;

	if (took >= n)
		return took;
	for (k = took; k > took / 2; k--)
		if (s[k - 1] == ' ')
			return k;
	return took;
}

/* Lines of at most width columns from safe text s[0..n). */
static void
wrap_safe(const struct tui *t, struct exh_buf *out, const char *prefix,
    const char *s, size_t n, int width)
{
	struct exh_buf scratch = { 0 };
	int pw = tui_columns(prefix), used, i;
	size_t off = 0, took;
	bool first = true;

	if (pw >= width)
		pw = 0;
	do {
		if (first)
			(void)exh_buf_puts(out, prefix);
		else
			for (i = 0; i < pw; i++)
				(void)exh_buf_putc(out, ' ');
		exh_buf_reset(&scratch);
		took = copy_cols(t, &scratch, s + off, n - off, width - pw,
		    &used);
		if (took == 0 && off < n)
			took = 1;	/* a character wider than the line */
		took = line_break(s + off, took, n - off);
		(void)copy_cols(t, out, s + off, took, width, &used);
		off += took;
		first = false;
		(void)exh_buf_putc(out, '\n');
	} while (off < n);
	exh_buf_free(&scratch);
}

/* Columns of escaped text s[0..n). */
static int
span_cols(const struct tui *t, const char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;
	int cols = 0;

	while (i < n) {
		len = exh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0)
			len = 1, cp = '?';
		cols += t->utf8 ? cp_width(cp) : 1;
		i += len;
	}
	return cols;
}

/*
 * raw escaped and cut at the front to width columns ("…\\x.aspx"): for
 * paths, whose end (the file name) matters most.
 */
const char *
tui_fit_tail(const struct tui *t, const char *raw, int width,
    char dst[TUI_LINE])
{
	struct exh_buf esc = { 0 }, out = { 0 };
	const char *ell = t->utf8 ? "\u2026" : "...";
	int ellw = t->utf8 ? 1 : 3, cols, used;
	size_t i = 0, len;
	uint32_t cp;

	dst[0] = '\0';
	if (width <= ellw || escaped(raw, &esc) != EXH_OK || esc.data == NULL) {
		exh_buf_free(&esc);
		return tui_fit(t, raw, width, dst);
	}
	cols = span_cols(t, esc.data, esc.len);
	if (cols > width) {
		/* Drop characters from the front until the rest fits. */
		while (i < esc.len && cols > width - ellw) {
			len = exh_utf8_decode((const unsigned char *)esc.data +
			    i, esc.len - i, &cp);
			if (len == 0)
				len = 1, cp = '?';
			cols -= t->utf8 ? cp_width(cp) : 1;
			i += len;
		}
		(void)exh_buf_puts(&out, ell);
	}
	(void)copy_cols(t, &out, esc.data + i, esc.len - i, width, &used);
	/* A screen line: cut to the screen, at a UTF-8 boundary. */
	if (out.data != NULL)
		(void)tui_printf(dst, TUI_LINE, "%s", out.data);
	exh_buf_free(&esc);
	exh_buf_free(&out);
	return dst;
}

/*
 * Appends raw, escaped, as lines of at most width columns: the first
 * starts with prefix, the others are indented as far.  Long names are
 * shown whole this way, never cut.
 */
int
tui_wrap(const struct tui *t, struct exh_buf *out, const char *prefix,
    const char *raw, int width)
{
	struct exh_buf esc = { 0 };

	if (escaped(raw, &esc) != EXH_OK)
		return EXH_ENOMEM;
	wrap_safe(t, out, prefix, esc.data ? esc.data : "", esc.len, width);
	exh_buf_free(&esc);
	return EXH_OK;
}

/* Our own text (translations): each of its lines wrapped at blanks. */
void
tui_para(const struct tui *t, struct exh_buf *out, const char *text,
    int width)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		wrap_safe(t, out, "", p, nl ? (size_t)(nl - p) : strlen(p),
		    width);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

void
tui_size(uint64_t bytes, char *dst, size_t dstlen)
{
	(void)exh_size_text(bytes, dst, dstlen);
}

/* "2021-03-03 06:49:42Z", or "-" when absent. */
const char *
tui_time(int64_t filetime, char buf[32])
{
	time_t secs;
	struct tm tm;

	if (filetime == 0) {
		(void)snprintf(buf, 32, "-");	/* a literal: fits */
		return buf;
	}
	secs = (time_t)exh_filetime_to_unix(filetime);
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, 32, "?");	/* a literal: fits */
	return buf;
}
