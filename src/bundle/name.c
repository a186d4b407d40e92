/* Entry names for collected streams: safe on every OS, distinct per original. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/* "%~" plus 16 hex digits: the tag that marks an irregular original. */
#define TAG_LEN 18

static const char *const reserved[] = {
	"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
	/* Windows also reserves COM and LPT with superscript digits. */
	"COM\xc2\xb9", "COM\xc2\xb2", "COM\xc2\xb3",
	"LPT\xc2\xb9", "LPT\xc2\xb2", "LPT\xc2\xb3",
};

/* Length of the valid UTF-8 sequence at s and its code point, or 0. */
bool
bundle_is_device_name(const char *s, size_t n)
{
	size_t base = 0, i;

	while (base < n && s[base] != '.')
		base++;
	/* "CON .txt" is the device too: Windows drops trailing spaces. */
	while (base > 0 && s[base - 1] == ' ')
		base--;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t rl = strlen(reserved[i]), k;

		if (rl != base)
			continue;
		for (k = 0; k < rl; k++)
			if (toupper((unsigned char)s[k]) !=
			    (unsigned char)reserved[i][k])
				break;
		if (k == rl)
			return true;
	}
	return false;
}

static int
put_pct(struct exh_buf *out, unsigned char c)
{
	return exh_buf_printf(out, "%%%02X", c);
}

/*
 * Percent-encodes one component (or stream name).  Every '%' in the
 * output starts the %XX of an original byte, so decoding gives the
 * original back: that is what keeps distinct originals distinct.
 */
static int
encode_comp(struct exh_buf *out, const char *s, size_t n, bool check_reserved)
{
	const unsigned char *p = (const unsigned char *)s;
	bool dev = check_reserved && bundle_is_device_name(s, n);
	size_t i = 0, len, k;
	uint32_t cp;
	int rc;

	while (i < n) {
		unsigned char c = p[i];
		bool enc = false;

		if (c >= 0x80) {
			len = exh_utf8_decode(p + i, n - i, &cp);
			if (len == 0) {
				if ((rc = put_pct(out, c)) != EXH_OK)
					return rc;
				i++;
				continue;
			}
			for (k = 0; k < len; k++) {
				rc = exh_cp_is_unsafe(cp) ? put_pct(out, p[i + k]) :
				    exh_buf_putc(out, (char)p[i + k]);
				if (rc != EXH_OK)
					return rc;
			}
			i += len;
			continue;
		}
		if (c < 0x20 || c == 0x7f || strchr("%<>:\"|?*/\\", c) != NULL)
			enc = true;
		else if (i == 0 && dev)
			enc = true;
		/* Windows drops trailing dots and spaces; ".." must not occur. */
		else if ((c == '.' || c == ' ') && i + 1 == n)
			enc = true;
		else if (c == '.' && i > 0 && p[i - 1] == '.')
			enc = true;
		rc = enc ? put_pct(out, c) : exh_buf_putc(out, (char)c);
		if (rc != EXH_OK)
			return rc;
		i++;
	}
	return EXH_OK;
}

/* Cuts s back to at most max bytes without splitting %XX or UTF-8. */
static size_t
cut_point(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	while (n > 0 && n < len) {
		unsigned char c = (unsigned char)s[n];

		if ((c & 0xc0) == 0x80)		/* UTF-8 continuation */
			n--;
		else if (n >= 1 && s[n - 1] == '%')
			n -= 1;
		else if (n >= 2 && s[n - 2] == '%')
			n -= 2;
		else
			break;
	}
	return n;
}

/* Shortens an encoded component to max bytes, keeping it valid. */
static int
shorten(struct exh_buf *c, size_t max)
{
	struct exh_buf tail = { 0 };
	char last;
	size_t n;
	int rc;

	n = cut_point(c->data, c->len, max);
	for (;;) {
		if (n == 0)
			break;
		last = c->data[n - 1];
		if (last != '.' && last != ' ')
			break;
		/* A cut may expose a dot or space; encode it if it fits. */
		if (n - 1 + 3 <= max) {
			c->len = n - 1;
			c->data[c->len] = '\0';
			if ((rc = put_pct(&tail, (unsigned char)last)) != EXH_OK)
				return rc;
			rc = exh_buf_append(c, tail.data, tail.len);
			exh_buf_free(&tail);
			return rc;
		}
		n = cut_point(c->data, c->len, n - 1);
	}
	c->len = n;
	c->data[n] = '\0';
	return EXH_OK;
}

static int
put_tag(struct exh_buf *out, char drive, const char *winpath,
    const char *stream, const char *salt)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	char hex[65];
	EVP_MD_CTX *ctx;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return EXH_ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, &drive, 1) &&
	    EVP_DigestUpdate(ctx, winpath, strlen(winpath) + 1) &&
	    EVP_DigestUpdate(ctx, stream, strlen(stream)) &&
	    (salt == NULL || (EVP_DigestUpdate(ctx, "", 1) &&
	    EVP_DigestUpdate(ctx, salt, strlen(salt)))) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return EXH_ENOMEM;
	exh_hex(md, 8, hex);
	return exh_buf_printf(out, "%%~%s", hex);
}

/* Skips a "\\?\", "\??\" or "\\.\" prefix; these mark irregular paths. */
static const char *
skip_device_prefix(const char *p)
{
	if (strncmp(p, "\\\\?\\", 4) == 0 || strncmp(p, "\\??\\", 4) == 0 ||
	    strncmp(p, "\\\\.\\", 4) == 0)
		return p + 4;
	return p;
}

/* Encodes the last component with its stream suffix into c. */
static int
encode_last(struct exh_buf *c, const char *s, size_t n, const char *stream)
{
	if (encode_comp(c, s, n, true) != EXH_OK)
		return EXH_ENOMEM;
	if (*stream != '\0' && (exh_buf_puts(c, "%3A") != EXH_OK ||
	    encode_comp(c, stream, strlen(stream), false) != EXH_OK))
		return EXH_ENOMEM;
	return EXH_OK;
}

/*
 * Regular: "<D>:\a\b" with no empty, ':'-holding or overlong component,
 * so the name decodes back to the original.  Anything else gets a tag.
 */
static int
is_irregular(const char *p, const char *stream, bool *irregular)
{
	struct exh_buf c = { 0 };
	const char *q = p, *e, *end = p + strlen(p);

	if (strchr(p, ':') != NULL || strchr(stream, ':') != NULL) {
		*irregular = true;	/* ':' would blur the stream suffix */
		return EXH_OK;
	}
	for (;;) {
		if ((e = strchr(q, '\\')) == NULL)
			e = end;
		if (e == q) {
			*irregular = true;
			break;
		}
		exh_buf_reset(&c);
		if ((e == end ? encode_last(&c, q, (size_t)(e - q), stream) :
		    encode_comp(&c, q, (size_t)(e - q), true)) != EXH_OK) {
			exh_buf_free(&c);
			return EXH_ENOMEM;
		}
		if (c.len > EXH_BUNDLE_NAME_MAX) {
			*irregular = true;
			break;
		}
		if (e == end)
			break;
		q = e + 1;
	}
	exh_buf_free(&c);
	return EXH_OK;
}

/*
 * A deep path keeps its leading components while they leave room for the
 * marker, the last component and its tag; the middle ones are replaced by
 * one "%~N" component (N dropped).  A regular name never holds "%~", so
 * the marker cannot be mistaken for an original name; the tag, a hash of
 * the whole original, keeps two deep paths apart, and the manifest keeps
 * the original path.
 */
#define DEEP_MARK_MAX (1 + 2 + 20)
#define DEEP_LEAD_MAX \
	(EXH_BUNDLE_PATH_MAX - DEEP_MARK_MAX - 1 - EXH_BUNDLE_NAME_MAX)

struct name_walk {
	char drive;
	const char *winpath;	/* the original, for the tag */
	const char *stream;
	const char *salt;	/* see bundle_entry_name_salted, or NULL */
	bool irregular;
	bool deep;		/* the whole name must be cut down */
	size_t dropped;		/* middle components left out (deep) */
};

/* Appends one encoded component; a deep walk drops it when it would not
 * leave room for the rest. */
static int
put_middle(struct name_walk *w, struct exh_buf *comp, struct exh_buf *out)
{
	int rc;

	if (comp->len == 0)
		return EXH_OK;	/* empty components: the tag keeps them apart */
	if (comp->len > EXH_BUNDLE_NAME_MAX &&
	    (rc = shorten(comp, EXH_BUNDLE_NAME_MAX)) != EXH_OK)
		return rc;
	if (w->deep && (w->dropped > 0 ||
	    out->len + 1 + comp->len > DEEP_LEAD_MAX)) {
		w->dropped++;
		return EXH_OK;
	}
	if (exh_buf_putc(out, '/') != EXH_OK ||
	    exh_buf_append(out, comp->data, comp->len) != EXH_OK)
		return EXH_ENOMEM;
	return EXH_OK;
}

static int
put_last(struct name_walk *w, struct exh_buf *comp, struct exh_buf *out)
{
	size_t max = EXH_BUNDLE_NAME_MAX - (w->irregular ? TAG_LEN : 0);
	int rc;

	if (w->dropped > 0 &&
	    exh_buf_printf(out, "/%%~%zu", w->dropped) != EXH_OK)
		return EXH_ENOMEM;
	if (comp->len > max && (rc = shorten(comp, max)) != EXH_OK)
		return rc;
	if (exh_buf_putc(out, '/') != EXH_OK ||
	    exh_buf_append(out, comp->data, comp->len) != EXH_OK)
		return EXH_ENOMEM;
	return w->irregular ? put_tag(out, w->drive, w->winpath, w->stream,
	    w->salt) : EXH_OK;
}

/* Encodes the components of p (the path after "D:\") into out. */
static int
put_components(struct name_walk *w, const char *p, struct exh_buf *out)
{
	struct exh_buf comp = { 0 };
	const char *q, *e, *end = p + strlen(p);
	int rc = EXH_OK;

	if (exh_buf_printf(out, "files/%c", w->drive) != EXH_OK)
		return EXH_ENOMEM;
	for (q = p;; q = e + 1) {
		if ((e = strchr(q, '\\')) == NULL)
			e = end;
		exh_buf_reset(&comp);
		if (exh_buf_append(&comp, "", 0) != EXH_OK ||
		    (e == end ? encode_last(&comp, q, (size_t)(e - q),
		    w->stream) : encode_comp(&comp, q, (size_t)(e - q),
		    true)) != EXH_OK) {
			rc = EXH_ENOMEM;
			break;
		}
		if (e == end) {
			rc = put_last(w, &comp, out);
			break;
		}
		if ((rc = put_middle(w, &comp, out)) != EXH_OK)
			break;
	}
	exh_buf_free(&comp);
	return rc;
}

static int
build(char d, const char *winpath, const char *stream, const char *salt,
    struct exh_buf *out)
{
	struct name_walk w = { d, winpath, stream, salt, salt != NULL, false,
	    0 };
	const char *p = winpath;
	int rc;

	if (p[0] == d && p[1] == ':' && p[2] == '\\')
		p += 3;
	else {
		w.irregular = true;
		p = skip_device_prefix(p);
		if (toupper((unsigned char)p[0]) == d && p[1] == ':' &&
		    p[2] == '\\')
			p += 3;
	}
	if (!w.irregular && is_irregular(p, stream, &w.irregular) != EXH_OK)
		return EXH_ENOMEM;
	if ((rc = put_components(&w, p, out)) != EXH_OK ||
	    out->len <= EXH_BUNDLE_PATH_MAX)
		return rc;
	/* Too long as a whole (zip, unzip and PATH_MAX all have limits). */
	exh_buf_reset(out);
	w.irregular = w.deep = true;
	return put_components(&w, p, out);
}

int
bundle_entry_name_salted(char drive, const char *winpath, const char *stream,
    const char *salt, struct exh_buf *out)
{
	char d = (char)toupper((unsigned char)drive);
	int rc;

	if (d < 'A' || d > 'Z' || winpath == NULL || *winpath == '\0' ||
	    out == NULL)
		return EXH_EUSAGE;
	if (stream == NULL)
		stream = "";
	exh_buf_reset(out);
	if ((rc = build(d, winpath, stream, salt, out)) != EXH_OK)
		exh_buf_reset(out);
	return rc;
}

int
exh_bundle_entry_name(char drive, const char *winpath, const char *stream,
    struct exh_buf *out)
{
	return bundle_entry_name_salted(drive, winpath, stream, NULL, out);
}
