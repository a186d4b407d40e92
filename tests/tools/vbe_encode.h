/* Test helper: a VBScript.Encode encoder, written from the format's description, built on exhume's own tables. */
#ifndef EXHUME_TEST_VBE_ENCODE_H
#define EXHUME_TEST_VBE_ENCODE_H

#include <stdint.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"

/* The six base64 digits and "==" of a 32-bit little-endian value. */
static inline int
vbe_put_field(struct exh_buf *out, uint32_t v)
{
	static const char d[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    (v >> 24) & 0xff };
	char f[9];

	f[0] = d[b[0] >> 2];
	f[1] = d[((b[0] & 3) << 4) | (b[1] >> 4)];
	f[2] = d[((b[1] & 0xf) << 2) | (b[2] >> 6)];
	f[3] = d[b[2] & 0x3f];
	f[4] = d[b[3] >> 2];
	f[5] = d[(b[3] & 3) << 4];
	f[6] = f[7] = '=';
	f[8] = '\0';
	return exh_buf_puts(out, f);
}

/* The escape for a character the encoder never substitutes, or NULL. */
static inline const char *
vbe_escape(unsigned char c)
{
	switch (c) {
	case '\n': return "@&";
	case '\r': return "@#";
	case '>': return "@*";
	case '<': return "@!";
	case '@': return "@$";
	default: return NULL;
	}
}

/* Appends "#@~^" LEN== TEXT SUM== "^#~@" for plain[0..n). */
static inline int
vbe_encode_block(const unsigned char *plain, size_t n, struct exh_buf *out)
{
	struct exh_buf body = { 0 };
	uint32_t sum = 0;
	size_t i, pos = 0;
	const char *esc;
	int c, rc = EXH_OK;

	for (i = 0; i < n && rc == EXH_OK; i++) {
		sum += plain[i];
		if (plain[i] >= 128) {
			rc = exh_buf_append(&body, &plain[i], 1);
			continue;
		}
		if ((esc = vbe_escape(plain[i])) != NULL)
			rc = exh_buf_puts(&body, esc);
		else if ((c = exh_vbe_cipher_char(plain[i], pos)) >= 0)
			rc = exh_buf_putc(&body, (char)c);
		else
			rc = exh_buf_append(&body, &plain[i], 1);
		pos++;
	}
	if (rc == EXH_OK)
		rc = exh_buf_puts(out, "#@~^");
	if (rc == EXH_OK)
		rc = vbe_put_field(out, (uint32_t)body.len);
	if (rc == EXH_OK && body.len > 0)
		rc = exh_buf_append(out, body.data, body.len);
	if (rc == EXH_OK)
		rc = vbe_put_field(out, sum);
	if (rc == EXH_OK)
		rc = exh_buf_puts(out, "^#~@");
	exh_buf_free(&body);
	return rc;
}

/*
 * A classic ASP page as the script encoder writes it: the text of every
 * "<% ... %>" block except directives ("<%@") is encoded in place.
 */
static inline int
vbe_encode_page(const char *page, size_t n, struct exh_buf *out)
{
	const char *p = page, *end = page + n, *open, *close;
	int rc = EXH_OK;

	while (rc == EXH_OK && p < end) {
		open = memmem(p, (size_t)(end - p), "<%", 2);
		if (open == NULL || open + 2 >= end)
			return exh_buf_append(out, p, (size_t)(end - p));
		close = memmem(open + 2, (size_t)(end - open - 2), "%>", 2);
		if (close == NULL)
			return exh_buf_append(out, p, (size_t)(end - p));
		rc = exh_buf_append(out, p, (size_t)(open - p) + 2);
		if (rc == EXH_OK && open[2] == '@')
			rc = exh_buf_append(out, open + 2,
			    (size_t)(close - open - 2));
		else if (rc == EXH_OK)
			rc = vbe_encode_block((const unsigned char *)open + 2,
			    (size_t)(close - open - 2), out);
		if (rc == EXH_OK)
			rc = exh_buf_puts(out, "%>");
		p = close + 2;
	}
	return rc;
}

#endif /* EXHUME_TEST_VBE_ENCODE_H */
