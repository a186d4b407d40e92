/* Decoding VBScript.Encode / JScript.Encode blocks ("#@~^ ... ^#~@") in classic ASP pages, so YARA sees the script. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"

#define VBE_START	"#@~^"
#define VBE_END		"^#~@"
#define VBE_MARK_LEN	4
#define VBE_FIELD_LEN	8	/* six base64 digits and "==" */

/*
 * The script encoder's substitution: for an encoded character c (9 and
 * 32..127) at position i of a block, the plain character is
 * vbe_plain[c - 32][vbe_column[i % 64]] (tab is row 96).  Characters
 * that never occur encoded ('<', '>', '@', which are escaped) have
 * placeholder rows.  These are the published constants of the format;
 * they are laid out here as exhume's own table.
 */
static const uint8_t vbe_plain[97][3] = {
	{ 0x2e, 0x2d, 0x32 }, { 0x47, 0x75, 0x30 }, { 0x7a, 0x52, 0x21 },
	{ 0x56, 0x60, 0x29 }, { 0x42, 0x71, 0x5b }, { 0x6a, 0x5e, 0x38 },
	{ 0x2f, 0x49, 0x33 }, { 0x26, 0x5c, 0x3d }, { 0x49, 0x62, 0x58 },
	{ 0x41, 0x7d, 0x3a }, { 0x34, 0x29, 0x35 }, { 0x32, 0x36, 0x65 },
	{ 0x5b, 0x20, 0x39 }, { 0x76, 0x7c, 0x5c }, { 0x72, 0x7a, 0x56 },
	{ 0x43, 0x7f, 0x73 }, { 0x38, 0x6b, 0x66 }, { 0x39, 0x63, 0x4e },
	{ 0x70, 0x33, 0x45 }, { 0x45, 0x2b, 0x6b }, { 0x68, 0x68, 0x62 },
	{ 0x71, 0x51, 0x59 }, { 0x4f, 0x66, 0x78 }, { 0x09, 0x76, 0x5e },
	{ 0x62, 0x31, 0x7d }, { 0x44, 0x64, 0x4a }, { 0x23, 0x54, 0x6d },
	{ 0x75, 0x43, 0x71 }, { 0x3c, 0x3c, 0x3c }, { 0x7e, 0x3a, 0x60 },
	{ 0x3e, 0x3e, 0x3e }, { 0x5e, 0x7e, 0x53 }, { 0x40, 0x40, 0x40 },
	{ 0x77, 0x45, 0x42 }, { 0x4a, 0x2c, 0x27 }, { 0x61, 0x2a, 0x48 },
	{ 0x5d, 0x74, 0x72 }, { 0x22, 0x27, 0x75 }, { 0x4b, 0x37, 0x31 },
	{ 0x6f, 0x44, 0x37 }, { 0x4e, 0x79, 0x4d }, { 0x3b, 0x59, 0x52 },
	{ 0x4c, 0x2f, 0x22 }, { 0x50, 0x6f, 0x54 }, { 0x67, 0x26, 0x6a },
	{ 0x2a, 0x72, 0x47 }, { 0x7d, 0x6a, 0x64 }, { 0x74, 0x39, 0x2d },
	{ 0x54, 0x7b, 0x20 }, { 0x2b, 0x3f, 0x7f }, { 0x2d, 0x38, 0x2e },
	{ 0x2c, 0x77, 0x4c }, { 0x30, 0x67, 0x5d }, { 0x6e, 0x53, 0x7e },
	{ 0x6b, 0x47, 0x6c }, { 0x66, 0x34, 0x6f }, { 0x35, 0x78, 0x79 },
	{ 0x25, 0x5d, 0x74 }, { 0x21, 0x30, 0x43 }, { 0x64, 0x23, 0x26 },
	{ 0x4d, 0x5a, 0x76 }, { 0x52, 0x5b, 0x25 }, { 0x63, 0x6c, 0x24 },
	{ 0x3f, 0x48, 0x2b }, { 0x7b, 0x55, 0x28 }, { 0x78, 0x70, 0x23 },
	{ 0x29, 0x69, 0x41 }, { 0x28, 0x2e, 0x34 }, { 0x73, 0x4c, 0x09 },
	{ 0x59, 0x21, 0x2a }, { 0x33, 0x24, 0x44 }, { 0x7f, 0x4e, 0x3f },
	{ 0x6d, 0x50, 0x77 }, { 0x55, 0x09, 0x3b }, { 0x53, 0x56, 0x55 },
	{ 0x7c, 0x73, 0x69 }, { 0x3a, 0x35, 0x61 }, { 0x5f, 0x61, 0x63 },
	{ 0x65, 0x4b, 0x50 }, { 0x46, 0x58, 0x67 }, { 0x58, 0x3b, 0x51 },
	{ 0x31, 0x57, 0x49 }, { 0x69, 0x22, 0x4f }, { 0x6c, 0x6d, 0x46 },
	{ 0x5a, 0x4d, 0x68 }, { 0x48, 0x25, 0x7c }, { 0x27, 0x28, 0x36 },
	{ 0x5c, 0x46, 0x70 }, { 0x3d, 0x4a, 0x6e }, { 0x24, 0x32, 0x7a },
	{ 0x79, 0x41, 0x2f }, { 0x37, 0x3d, 0x5f }, { 0x60, 0x5f, 0x4b },
	{ 0x51, 0x4f, 0x5a }, { 0x20, 0x42, 0x2c }, { 0x36, 0x65, 0x57 },
	{ 0x57, 0x6e, 0x7b },	/* tab */
};

/* Which of the three columns the character at position i % 64 uses. */
static const uint8_t vbe_column[64] = {
	0, 1, 2, 0, 1, 2, 1, 2, 2, 1, 2, 1, 0, 2, 1, 2,
	0, 2, 1, 2, 0, 0, 1, 2, 2, 1, 0, 2, 1, 2, 2, 1,
	0, 0, 2, 1, 2, 1, 2, 0, 2, 0, 0, 1, 2, 0, 2, 1,
	0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 0, 1, 2, 0, 2, 1,
};

static int
row_of(unsigned char c)
{
	if (c == '\t')
		return 96;
	if (c >= 32 && c <= 127 && c != '<' && c != '>' && c != '@')
		return c - 32;
	return -1;
}

int
exh_vbe_plain_char(unsigned char c, size_t pos)
{
	int row = row_of(c);

	return row < 0 ? -1 : vbe_plain[row][vbe_column[pos % 64]];
}

int
exh_vbe_cipher_char(unsigned char plain, size_t pos)
{
	unsigned col = vbe_column[pos % 64];
	int c;

	for (c = 9; c < 128; c++)
		if (row_of((unsigned char)c) >= 0 &&
		    vbe_plain[row_of((unsigned char)c)][col] == plain)
			return c;
	return -1;
}

static int
b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool
exh_vbe_field(const void *p, size_t len, uint32_t *out)
{
	const unsigned char *s = p;
	int d[6];
	size_t i;

	if (len < VBE_FIELD_LEN || s[6] != '=' || s[7] != '=')
		return false;
	for (i = 0; i < 6; i++)
		if ((d[i] = b64_digit(s[i])) < 0)
			return false;
	/* Standard base64 of the four little-endian bytes of the value. */
	*out = (uint32_t)((d[0] << 2) | (d[1] >> 4)) |
	    (uint32_t)(((d[1] & 0xf) << 4) | (d[2] >> 2)) << 8 |
	    (uint32_t)(((d[2] & 0x3) << 6) | d[3]) << 16 |
	    (uint32_t)((d[4] << 2) | (d[5] >> 4)) << 24;
	return true;
}

/* The plain character an "@x" escape stands for, or -1. */
static int
unescape(unsigned char c)
{
	switch (c) {
	case '&':
		return '\n';
	case '#':
		return '\r';
	case '*':
		return '>';
	case '!':
		return '<';
	case '$':
		return '@';
	default:
		return -1;
	}
}

struct vbe_state {
	struct exh_buf *out;
	size_t max;
	struct exh_vbe_stats *st;
};

static void
note(struct exh_vbe_stats *st, const char *what)
{
	st->broken++;
	if (st->note == NULL)
		st->note = what;
}

/* Appends, or stops quietly at the cap (st->truncated). */
static int
put(struct vbe_state *v, const void *p, size_t n)
{
	if (v->st->truncated)
		return EXH_OK;
	if (v->out->len + n > v->max) {
		n = v->max - v->out->len;
		v->st->truncated = true;
	}
	return n == 0 ? EXH_OK : exh_buf_append(v->out, p, n);
}

/*
 * Decodes the encoded text enc[0..n) of one block.  Positions count
 * every ASCII character, escapes as one; bytes above 127 pass unchanged
 * and do not count (the encoder leaves them, as it does with control
 * characters other than tab).  *sum gets the sum of the plain bytes.
 */
static int
decode_body(struct vbe_state *v, const unsigned char *enc, size_t n,
    uint32_t *sum)
{
	unsigned char ch;
	size_t i, pos = 0;
	int c, rc;

	*sum = 0;
	for (i = 0; i < n; i++) {
		c = enc[i];
		if (c == '@' && i + 1 < n && unescape(enc[i + 1]) >= 0) {
			c = unescape(enc[++i]);
			pos++;
		} else if (c < 128) {
			if (row_of((unsigned char)c) >= 0)
				c = vbe_plain[row_of((unsigned char)c)]
				    [vbe_column[pos % 64]];
			pos++;
		}
		ch = (unsigned char)c;
		*sum += ch;
		if ((rc = put(v, &ch, 1)) != EXH_OK)
			return rc;
		if (v->st->truncated)
			break;
	}
	return EXH_OK;
}

/*
 * Where a block's checksum field starts: after len bytes of text when the
 * length field is right, else before the first "^#~@" preceded by a
 * valid field (an escape may put "^#~@" inside the text, so only a
 * bounded number of such places is tried).  NULL when there is none.
 */
static const unsigned char *
find_trailer(const unsigned char *body, size_t avail, uint32_t len)
{
	const unsigned char *end, *p = body;
	uint32_t sum;
	int tries;

	if ((size_t)len <= avail && avail - len >= VBE_FIELD_LEN + VBE_MARK_LEN &&
	    exh_vbe_field(body + len, VBE_FIELD_LEN, &sum) &&
	    memcmp(body + len + VBE_FIELD_LEN, VBE_END, VBE_MARK_LEN) == 0)
		return body + len;
	for (tries = 0; tries < 64; tries++) {
		end = memmem(p, avail - (size_t)(p - body), VBE_END,
		    VBE_MARK_LEN);
		if (end == NULL)
			return NULL;
		if (end - body >= VBE_FIELD_LEN &&
		    exh_vbe_field(end - VBE_FIELD_LEN, VBE_FIELD_LEN, &sum))
			return end - VBE_FIELD_LEN;
		p = end + 1;
	}
	return NULL;
}

/*
 * One block starting at p (at "#@~^"); *used gets the bytes it took.
 * A damaged header or trailer is noted, never fatal: what can be
 * decoded is decoded.
 */
static int
decode_block(struct vbe_state *v, const unsigned char *p, size_t n,
    size_t *used)
{
	const unsigned char *body = p + VBE_MARK_LEN + VBE_FIELD_LEN, *trl;
	uint32_t len, sum, want = 0;
	size_t avail, blen;

	if (n < VBE_MARK_LEN + VBE_FIELD_LEN ||
	    !exh_vbe_field(p + VBE_MARK_LEN, n - VBE_MARK_LEN, &len)) {
		note(v->st, "block header without a valid length field");
		*used = VBE_MARK_LEN;
		return put(v, p, VBE_MARK_LEN);
	}
	avail = n - VBE_MARK_LEN - VBE_FIELD_LEN;
	trl = find_trailer(body, avail, len);
	blen = trl != NULL ? (size_t)(trl - body) : avail;
	if (trl == NULL)
		note(v->st, "block without its checksum and end marker");
	else if (len != blen)
		note(v->st, "block length field disagrees with its text");
	if (trl != NULL)
		(void)exh_vbe_field(trl, VBE_FIELD_LEN, &want);
	v->st->blocks++;
	if (decode_body(v, body, blen, &sum) != EXH_OK)
		return EXH_ENOMEM;
	if (trl != NULL && len == blen && sum != want && !v->st->truncated)
		note(v->st, "block checksum does not match its text");
	*used = trl != NULL ? (size_t)(trl - p) + VBE_FIELD_LEN +
	    VBE_MARK_LEN : n;
	return EXH_OK;
}

int
exh_vbe_decode(const void *in, size_t len, size_t max_out,
    struct exh_buf *out, struct exh_vbe_stats *st, struct exh_err *err)
{
	const unsigned char *p = in, *hit;
	struct vbe_state v = { .out = out, .max = max_out, .st = st };
	size_t off = 0, used;
	int rc = EXH_OK;

	if ((in == NULL && len > 0) || out == NULL || st == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "vbe: decode: bad argument");
	memset(st, 0, sizeof(*st));
	exh_buf_reset(out);
	while (off < len && !st->truncated) {
		hit = memmem(p + off, len - off, VBE_START, VBE_MARK_LEN);
		if (hit == NULL) {
			rc = put(&v, p + off, len - off);
			break;
		}
		if ((rc = put(&v, p + off, (size_t)(hit - (p + off)))) !=
		    EXH_OK)
			break;
		off = (size_t)(hit - p);
		if ((rc = decode_block(&v, hit, len - off, &used)) != EXH_OK)
			break;
		off += used;
	}
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "vbe: out of memory");
	/* A NUL after the text: callers may treat it as a string. */
	if (exh_buf_append(out, "", 0) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "vbe: out of memory");
	return EXH_OK;
}
