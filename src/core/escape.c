/* Escapers: one per output format, so attacker bytes never leave raw. */
#include <stdio.h>
#include <string.h>

#include "exhume/core.h"

/*
 * Decodes one UTF-8 sequence at s (n bytes left).  Returns its length and
 * stores the code point, or returns 0 for an invalid byte (overlong forms,
 * surrogates and truncated sequences are invalid).
 */
size_t
exh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool
exh_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		if ((len = exh_utf8_decode(p + i, n - i, &cp)) == 0)
			return false;
		i += len;
	}
	return true;
}

/*
 * Code points that must never reach a terminal or a page as themselves:
 * controls, and the invisible format characters attackers use to make
 * "gpj.aspx" look like "xpsa.jpg" (bidi overrides) or to hide text.
 */
bool
exh_cp_is_unsafe(uint32_t c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
		return true;
	if (c == 0x061c || c == 0x00ad || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) ||
	    c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb))
		return true;
	return false;
}

typedef int (*cp_writer)(struct exh_buf *, uint32_t, const char *, size_t);

static int
write_term_cp(struct exh_buf *out, uint32_t c, const char *raw, size_t len)
{
	if (!exh_cp_is_unsafe(c))
		return exh_buf_append(out, raw, len);
	if (c < 0x100)
		return exh_buf_printf(out, "\\x%02X", (unsigned)c);
	return exh_buf_printf(out, "\\u{%04X}", (unsigned)c);
}

/* Walks s, handing each valid code point to w and escaping invalid bytes. */
static int
walk(struct exh_buf *out, const char *s, size_t n, cp_writer w,
    bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;
	int rc;

	while (i < n) {
		len = exh_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			rc = json ? exh_buf_printf(out, "\\\\x%02X",
			    (unsigned)p[i]) :
			    exh_buf_printf(out, "\\x%02X", (unsigned)p[i]);
			len = 1;
		} else
			rc = w(out, cp, s + i, len);
		if (rc != EXH_OK)
			return rc;
		i += len;
	}
	return EXH_OK;
}

int
exh_esc_term(struct exh_buf *out, const char *s, size_t n)
{
	if (out->data == NULL && exh_buf_append(out, "", 0) != EXH_OK)
		return EXH_ENOMEM;
	return walk(out, s, n, write_term_cp, false);
}

static int
write_json_cp(struct exh_buf *out, uint32_t c, const char *raw, size_t len)
{
	switch (c) {
	case '"':
		return exh_buf_puts(out, "\\\"");
	case '\\':
		return exh_buf_puts(out, "\\\\");
	case '\n':
		return exh_buf_puts(out, "\\n");
	case '\r':
		return exh_buf_puts(out, "\\r");
	case '\t':
		return exh_buf_puts(out, "\\t");
	default:
		break;
	}
	if (exh_cp_is_unsafe(c))
		return exh_buf_printf(out, "\\u%04x", (unsigned)c);
	return exh_buf_append(out, raw, len);
}

int
exh_esc_json(struct exh_buf *out, const char *s, size_t n)
{
	if (out->data == NULL && exh_buf_append(out, "", 0) != EXH_OK)
		return EXH_ENOMEM;
	return walk(out, s, n, write_json_cp, true);
}

static int
write_csv_cp(struct exh_buf *out, uint32_t c, const char *raw, size_t len)
{
	if (c == '"')
		return exh_buf_puts(out, "\"\"");
	return write_term_cp(out, c, raw, len);
}

int
exh_esc_csv(struct exh_buf *out, const char *s, size_t n)
{
	int rc;

	if ((rc = exh_buf_putc(out, '"')) != EXH_OK)
		return rc;
	/* A spreadsheet would run a cell starting with these as a formula. */
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL &&
	    (rc = exh_buf_putc(out, '\'')) != EXH_OK)
		return rc;
	if ((rc = walk(out, s, n, write_csv_cp, false)) != EXH_OK)
		return rc;
	return exh_buf_putc(out, '"');
}

static int
write_html_cp(struct exh_buf *out, uint32_t c, const char *raw, size_t len)
{
	switch (c) {
	case '&':
		return exh_buf_puts(out, "&amp;");
	case '<':
		return exh_buf_puts(out, "&lt;");
	case '>':
		return exh_buf_puts(out, "&gt;");
	case '"':
		return exh_buf_puts(out, "&quot;");
	case '\'':
		return exh_buf_puts(out, "&#39;");
	default:
		return write_term_cp(out, c, raw, len);
	}
}

int
exh_esc_html(struct exh_buf *out, const char *s, size_t n)
{
	if (out->data == NULL && exh_buf_append(out, "", 0) != EXH_OK)
		return EXH_ENOMEM;
	return walk(out, s, n, write_html_cp, false);
}

const char *
exh_esc_term_str(const char *s, char *dst, size_t dstlen)
{
	struct exh_buf b = { 0 };

	if (dstlen == 0)
		return dst;
	dst[0] = '\0';
	if (s == NULL || exh_esc_term(&b, s, strlen(s)) != EXH_OK) {
		exh_buf_free(&b);
		return dst;
	}
	if (b.len < dstlen)
		memcpy(dst, b.data, b.len + 1);
	else if (dstlen > 4) {
		/* Cut on a character boundary, then mark the cut. */
		size_t cut = dstlen - 4;

		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(dst, b.data, cut);
		memcpy(dst + cut, "...", 4);
	}
	exh_buf_free(&b);
	return dst;
}

/* Characters a shell takes literally outside quotes. */
static bool
shell_plain(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		/* strchr finds the terminator: NUL needs its own test. */
		if (s[i] == '\0' || strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-+./:=,@%", s[i]) ==
		    NULL)
			return false;
	return true;
}

int
exh_esc_shell(struct exh_buf *out, const char *s, size_t n)
{
	size_t i;
	int rc = EXH_OK;

	if (shell_plain(s, n))
		return exh_buf_append(out, s, n);
	rc = exh_buf_putc(out, '\'');
	for (i = 0; i < n && rc == EXH_OK; i++)
		rc = s[i] == '\'' ? exh_buf_puts(out, "'\\''") :
		    exh_buf_putc(out, s[i]);
	return rc == EXH_OK ? exh_buf_putc(out, '\'') : rc;
}
