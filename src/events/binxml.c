/* Our reader of one record's binary XML (tokens, templates, substitution values) straight into events_record. */
/*
 * Format from libyal's "Windows XML Event Log (EVTX)" document.  The
 * record, its templates and its names all lie in one 64 KiB chunk, so
 * every position is a chunk offset checked against CHUNK_SIZE or the
 * record's end.  What this reader does not render exactly as libevtx
 * does (arrays, floats, ANSI text, entity and character references,
 * CDATA, PIs, unpaired surrogates) makes it return EXH_ECORRUPT, and the
 * caller reads that record through libevtx instead.  Recursion depth,
 * tokens per record and substitution values per record are bounded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

#include "events_int.h"

#define BX_TEMPLATE_DEPTH 8	/* template instances inside values */
#define BX_TOKENS_MAX 200000u	/* per record: bounds template reuse */
#define BX_VALUES_MAX 4096u	/* substitution values alive at once */
/* Source bytes rendered per record: templates can reference one large
 * value many times, so output is bounded apart from tokens. */
#define BX_RENDER_MAX (4u << 20)

struct bx_value {
	uint32_t off;		/* chunk offset of the data */
	uint16_t size;
	uint8_t type;
};

/* A run of substitution values: those of the innermost template. */
struct bx_subs {
	const struct bx_value *v;
	uint32_t n;
};

struct bx {
	const unsigned char *c;	/* the chunk */
	struct events_record *r;
	struct events_xs x;
	struct exh_buf scratch;	/* a name or an attribute value */
	bool dry;		/* reading ahead: keep no attribute value */
	uint32_t tokens;
	uint32_t rendered;	/* value bytes rendered so far */
	int tdepth;
	uint32_t nvalues;	/* used of values[] */
	struct bx_value values[BX_VALUES_MAX];
};

/* A token stream: [pos, end) of the chunk. */
struct bx_cur {
	uint32_t pos, end;
};

static int content(struct bx *b, struct bx_cur *k, const struct bx_subs *s,
    struct exh_buf *attr);
static int document(struct bx *b, struct bx_cur *k, const struct bx_subs *s);
static bool budget(struct bx *b, uint32_t n);

static bool
has(const struct bx_cur *k, uint32_t n)
{
	return k->pos <= k->end && k->end - k->pos >= n;
}

/* UTF-16LE c[off..off+2*n) appended as UTF-8; unpaired surrogates and,
 * when nul_ends, text after a NUL are not ours to render. */
static int
put_utf16(struct exh_buf *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t u = exh_le16(p + 2 * i);

		if (u < 0x80) {
			if (u == 0)
				return EXH_ECORRUPT;
			if (exh_buf_putc(out, (char)u) != EXH_OK)
				return EXH_ENOMEM;
			continue;
		}
		if (u >= 0xdc00 && u <= 0xdfff)
			return EXH_ECORRUPT;
		if (u >= 0xd800 && u <= 0xdbff) {
			uint32_t lo;

			if (i + 1 >= n)
				return EXH_ECORRUPT;
			lo = exh_le16(p + 2 * (i + 1));
			if (lo < 0xdc00 || lo > 0xdfff)
				return EXH_ECORRUPT;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		}
		if (exh_buf_put_utf8(out, u) != EXH_OK)
			return EXH_ENOMEM;
	}
	return EXH_OK;
}

/* The name at chunk offset off into b->scratch; *inline_len is its size
 * when it is stored right at pos (then the stream steps over it). */
static int
name_at(struct bx *b, uint32_t off, struct bx_cur *k)
{
	uint32_t n;

	if (off > CHUNK_SIZE - 8)
		return EXH_ECORRUPT;
	n = exh_le16(b->c + off + 6);
	if (n > (CHUNK_SIZE - off - 8) / 2 - 1)
		return EXH_ECORRUPT;
	if (!budget(b, 2 * n))
		return EXH_ECORRUPT;
	exh_buf_reset(&b->scratch);
	if (off == k->pos) {
		if (!has(k, 8 + 2 * n + 2))
			return EXH_ECORRUPT;
		k->pos += 8 + 2 * n + 2;
	}
	if (n == 0)
		return exh_buf_append(&b->scratch, "", 0);
	return put_utf16(&b->scratch, b->c + off + 8, n);
}

static const char hexdig[] = "0123456789ABCDEF";

static int
put_guid(struct exh_buf *o, const unsigned char *p)
{
	return exh_buf_printf(o, "{%08" PRIX32 "-%04X-%04X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X}", exh_le32(p), exh_le16(p + 4),
	    exh_le16(p + 6), p[8], p[9], p[10], p[11], p[12], p[13], p[14],
	    p[15]);
}

static int
put_sid(struct exh_buf *o, const unsigned char *p, uint32_t size)
{
	uint64_t auth = 0;
	unsigned i, nsub;
	int rc;

	if (size < 8 || p[0] != 1)
		return EXH_ECORRUPT;
	nsub = p[1];
	if (size != 8 + 4 * nsub)
		return EXH_ECORRUPT;
	for (i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	rc = exh_buf_printf(o, "S-1-%" PRIu64, auth);
	for (i = 0; i < nsub && rc == EXH_OK; i++)
		rc = exh_buf_printf(o, "-%" PRIu32, exh_le32(p + 8 + 4 * i));
	return rc;
}

static int
put_filetime(struct exh_buf *o, uint64_t ft)
{
	char iso[32];
	size_t n;

	/* libevtx writes nine fraction digits: the seven of a FILETIME and
	 * "00". */
	if (ft == 0 || ft > INT64_MAX)
		return EXH_ECORRUPT;
	n = strlen(exh_filetime_iso((int64_t)ft, iso));
	if (n != 28 || iso[19] != '.' || iso[27] != 'Z')
		return EXH_ECORRUPT;
	return exh_buf_printf(o, "%.27s00Z", iso);
}

static int
put_systemtime(struct exh_buf *o, const unsigned char *p)
{
	return exh_buf_printf(o, "%04u-%02u-%02uT%02u:%02u:%02u.%03u000000Z",
	    exh_le16(p), exh_le16(p + 2), exh_le16(p + 6), exh_le16(p + 8),
	    exh_le16(p + 10), exh_le16(p + 12), exh_le16(p + 14));
}

static int
put_binary(struct exh_buf *o, const unsigned char *p, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < size; i++)
		if (exh_buf_putc(o, hexdig[p[i] >> 4]) != EXH_OK ||
		    exh_buf_putc(o, hexdig[p[i] & 15]) != EXH_OK)
			return EXH_ENOMEM;
	return EXH_OK;
}

/* Strings: trailing NULs are not part of the text. */
static int
put_string(struct exh_buf *o, const unsigned char *p, uint32_t size)
{
	size_t n = size / 2;

	while (n > 0 && exh_le16(p + 2 * (n - 1)) == 0)
		n--;
	return put_utf16(o, p, n);
}

/* One substitution value as text, the way libevtx renders it. */
static int
put_value(struct exh_buf *o, const unsigned char *p, uint8_t type,
    uint32_t size)
{
	switch (type) {
	case 0x00:
		return EXH_OK;
	case 0x01:
		return put_string(o, p, size);
	case 0x03:
		return size == 1 ? exh_buf_printf(o, "%d", (int8_t)p[0]) :
		    EXH_ECORRUPT;
	case 0x04:
		return size == 1 ? exh_buf_printf(o, "%u", p[0]) : EXH_ECORRUPT;
	case 0x05:
		return size == 2 ? exh_buf_printf(o, "%d",
		    (int16_t)exh_le16(p)) : EXH_ECORRUPT;
	case 0x06:
		return size == 2 ? exh_buf_printf(o, "%u", exh_le16(p)) :
		    EXH_ECORRUPT;
	case 0x07:
		return size == 4 ? exh_buf_printf(o, "%" PRId32,
		    (int32_t)exh_le32(p)) : EXH_ECORRUPT;
	case 0x08:
		return size == 4 ? exh_buf_printf(o, "%" PRIu32, exh_le32(p)) :
		    EXH_ECORRUPT;
	case 0x09:
		return size == 8 ? exh_buf_printf(o, "%" PRId64,
		    (int64_t)exh_le64(p)) : EXH_ECORRUPT;
	case 0x0a:
		return size == 8 ? exh_buf_printf(o, "%" PRIu64, exh_le64(p)) :
		    EXH_ECORRUPT;
	case 0x0d:
		if (size != 4 || exh_le32(p) > 1)
			return EXH_ECORRUPT;
		return exh_buf_puts(o, exh_le32(p) ? "true" : "false");
	case 0x0e:
		return put_binary(o, p, size);
	case 0x0f:
		return size == 16 ? put_guid(o, p) : EXH_ECORRUPT;
	case 0x10:
	case 0x14:
	case 0x15:
		if (size == 4)
			return exh_buf_printf(o, "0x%08" PRIx32, exh_le32(p));
		if (size == 8)
			return exh_buf_printf(o, "0x%016" PRIx64, exh_le64(p));
		return EXH_ECORRUPT;
	case 0x11:
		return size == 8 ? put_filetime(o, exh_le64(p)) : EXH_ECORRUPT;
	case 0x12:
		return size == 16 ? put_systemtime(o, p) : EXH_ECORRUPT;
	case 0x13:
		return put_sid(o, p, size);
	default:
		return EXH_ECORRUPT;
	}
}

/* Counts n more bytes to render; false past the budget. */
static bool
budget(struct bx *b, uint32_t n)
{
	if (n > BX_RENDER_MAX - b->rendered)
		return false;
	b->rendered += n;
	return true;
}

/* Text for the open element, or for the attribute being read. */
static struct exh_buf *
text_dst(struct bx *b, struct exh_buf *attr)
{
	return attr != NULL ? attr : events_xs_text_dst(&b->x);
}

/* Value text: a string token's UTF-16 characters. */
static int
value_text(struct bx *b, struct bx_cur *k, struct exh_buf *attr)
{
	struct exh_buf *dst;
	uint32_t n;

	if (!has(k, 4) || b->c[k->pos + 1] != 0x01)
		return EXH_ECORRUPT;
	n = exh_le16(b->c + k->pos + 2);
	if (!has(k, 4 + 2 * n) || !budget(b, 2 * n))
		return EXH_ECORRUPT;
	dst = text_dst(b, attr);
	k->pos += 4;
	if (dst != NULL && put_utf16(dst, b->c + k->pos, n) != EXH_OK)
		return EXH_ECORRUPT;
	k->pos += 2 * n;
	return EXH_OK;
}

/* An entity reference: the five XML names stand for their character
 * (libevtx writes "&amp;" and the like, which the XML path decodes);
 * other names are left to libevtx. */
static int
entity_ref(struct bx *b, struct bx_cur *k, struct exh_buf *attr)
{
	static const char names[][5] = { "lt", "gt", "amp", "quot", "apos" };
	static const char chars[] = "<>&\"'";
	struct exh_buf *dst;
	size_t i;
	int rc;

	if (!has(k, 5))
		return EXH_ECORRUPT;
	k->pos += 5;
	if ((rc = name_at(b, exh_le32(b->c + k->pos - 4), k)) != EXH_OK)
		return rc;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(b->scratch.data, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return EXH_ECORRUPT;
	dst = text_dst(b, attr);
	return dst != NULL ? exh_buf_putc(dst, chars[i]) : EXH_OK;
}

/* A substitution: value id of the innermost template, rendered. */
static int
substitution(struct bx *b, struct bx_cur *k, const struct bx_subs *s,
    struct exh_buf *attr)
{
	const struct bx_value *v;
	struct exh_buf *dst;
	uint32_t id;

	if (!has(k, 4) || s == NULL)
		return EXH_ECORRUPT;
	id = exh_le16(b->c + k->pos + 1);
	k->pos += 4;
	if (id >= s->n)
		return EXH_ECORRUPT;
	v = &s->v[id];
	if ((v->type & 0x80) || !budget(b, v->size))
		return EXH_ECORRUPT;
	if (v->type == 0x21) {
		struct bx_cur in = { v->off, v->off + v->size };

		if (attr != NULL)
			return EXH_ECORRUPT;
		return document(b, &in, s);
	}
	dst = text_dst(b, attr);
	if (dst == NULL)
		return EXH_OK;
	return put_value(dst, b->c + v->off, v->type, v->size);
}

/* The attributes of a start tag, up to its close token. */
static int
attributes(struct bx *b, struct bx_cur *k, const struct bx_subs *s)
{
	struct exh_buf val = { 0 };
	int rc = EXH_OK;

	if (!has(k, 4))
		return EXH_ECORRUPT;
	k->pos += 4;		/* attribute list size */
	while (rc == EXH_OK && has(k, 1) && (b->c[k->pos] & 0xbf) == 0x06) {
		struct exh_buf *dst;

		if (!has(k, 5)) {
			rc = EXH_ECORRUPT;
			break;
		}
		k->pos += 5;
		if ((rc = name_at(b, exh_le32(b->c + k->pos - 4), k)) != EXH_OK)
			break;
		exh_buf_reset(&val);
		if ((rc = exh_buf_append(&val, "", 0)) != EXH_OK ||
		    (rc = content(b, k, s, &val)) != EXH_OK)
			break;
		dst = b->dry ? NULL : events_xs_attr_dst(&b->x, b->r,
		    b->scratch.data, b->scratch.len);
		if (dst != NULL)
			rc = exh_buf_append(dst, val.data, val.len);
	}
	exh_buf_free(&val);
	return rc;
}

/*
 * Length of an element's start before its name: 11 with the dependency
 * identifier, 9 without (values of type Binary XML, and templates of
 * some writers).  The data size that follows must fit the stream; it
 * cannot in the other reading, as its high half would be the name
 * offset's low half (never 0: names lie past the chunk header) or the
 * low half of the size.  0 when neither fits.
 */
static uint32_t
start_len(const struct bx *b, const struct bx_cur *k)
{
	if (has(k, 11) && exh_le32(b->c + k->pos + 3) <= k->end - k->pos - 7)
		return 11;
	if (has(k, 9) && exh_le32(b->c + k->pos + 1) <= k->end - k->pos - 5)
		return 9;
	return 0;
}

/*
 * An element whose content is one optional substitution of a NULL value
 * is not created (libyal's document; libevtx leaves it out): true, with
 * k past the element, when this one is such.
 */
static bool
left_out(struct bx *b, struct bx_cur *k, const struct bx_subs *s)
{
	struct bx_cur ahead = *k;
	uint32_t id;
	int rc;

	uint32_t start = start_len(b, k);

	if (s == NULL || start == 0)
		return false;
	ahead.pos += start;
	b->dry = true;
	rc = name_at(b, exh_le32(b->c + ahead.pos - 4), &ahead);
	if (rc == EXH_OK && (b->c[k->pos] & 0x40) != 0)
		rc = attributes(b, &ahead, s);
	b->dry = false;
	if (rc != EXH_OK || !has(&ahead, 6) || b->c[ahead.pos] != 0x02 ||
	    b->c[ahead.pos + 1] != 0x0e || b->c[ahead.pos + 5] != 0x04)
		return false;
	id = exh_le16(b->c + ahead.pos + 2);
	if (id >= s->n || s->v[id].type != 0x00)
		return false;
	k->pos = ahead.pos + 6;
	return true;
}

/*
 * An element whose content is one substitution of an array of strings is
 * repeated, one element a string (libevtx renders it so): the element is
 * open; it is closed and opened again between the strings, and stays open
 * for its end token.  Arrays with empty or unterminated strings, of other
 * types, and of elements whose attributes we keep are left to libevtx.
 * False when the content is not such a substitution.
 */
static bool
string_array(struct bx *b, struct bx_cur *k, const struct bx_subs *s, int *rc)
{
	const struct bx_value *v;
	const unsigned char *p;
	char name[sizeof(b->x.names[0])];
	uint32_t id, i, start = 0;

	if (s == NULL || !has(k, 5) || (b->c[k->pos] != 0x0d &&
	    b->c[k->pos] != 0x0e) || b->c[k->pos + 4] != 0x04)
		return false;
	id = exh_le16(b->c + k->pos + 1);
	if (id >= s->n || s->v[id].type != 0x81)
		return false;
	v = &s->v[id];
	p = b->c + v->off;
	memcpy(name, b->x.names[b->x.depth - 1], sizeof(name));
	*rc = EXH_ECORRUPT;
	if (v->size < 4 || v->size % 2 != 0 || exh_le16(p + v->size - 2) != 0 ||
	    !budget(b, v->size) ||
	    strcmp(name, "Provider") == 0 || strcmp(name, "TimeCreated") == 0)
		return true;
	for (i = 0; i < v->size / 2; i++) {
		struct exh_buf *dst;

		if (exh_le16(p + 2 * i) != 0)
			continue;
		if (i == start)
			return true;	/* an empty string */
		if (start > 0 && ((*rc = events_xs_end(&b->x, b->r)) != EXH_OK ||
		    (*rc = events_xs_open(&b->x, name, strlen(name))) != EXH_OK))
			return true;
		*rc = EXH_ECORRUPT;
		if ((dst = events_xs_text_dst(&b->x)) != NULL &&
		    put_utf16(dst, p + 2 * start, i - start) != EXH_OK)
			return true;
		start = i + 1;
	}
	k->pos += 4;
	*rc = EXH_OK;
	return true;
}

/* An element: start tag, attributes, content, end. */
static int
element(struct bx *b, struct bx_cur *k, const struct bx_subs *s)
{
	bool attrs = (b->c[k->pos] & 0x40) != 0;
	uint8_t close;
	int rc;

	if (left_out(b, k, s))
		return EXH_OK;
	uint32_t start = start_len(b, k);

	if (start == 0)
		return EXH_ECORRUPT;
	k->pos += start;	/* token, dependency id, size, name offset */
	if ((rc = name_at(b, exh_le32(b->c + k->pos - 4), k)) != EXH_OK ||
	    (rc = events_xs_open(&b->x, b->scratch.data, b->scratch.len)) !=
	    EXH_OK)
		return rc;
	if (attrs && (rc = attributes(b, k, s)) != EXH_OK)
		return rc;
	if (!has(k, 1))
		return EXH_ECORRUPT;
	close = b->c[k->pos++];
	if (close == 0x03)
		return events_xs_end(&b->x, b->r);
	if (close != 0x02)
		return EXH_ECORRUPT;
	if (!string_array(b, k, s, &rc))
		rc = content(b, k, s, NULL);
	if (rc != EXH_OK)
		return rc;
	if (!has(k, 1) || b->c[k->pos] != 0x04)
		return EXH_ECORRUPT;
	k->pos++;
	return events_xs_end(&b->x, b->r);
}

/*
 * Content of an element (attr NULL) or an attribute's value (attr the
 * buffer): stops before the token that ends it.
 */
static int
content(struct bx *b, struct bx_cur *k, const struct bx_subs *s,
    struct exh_buf *attr)
{
	int rc = EXH_OK;

	while (rc == EXH_OK && has(k, 1)) {
		uint8_t t = b->c[k->pos];

		if (++b->tokens > BX_TOKENS_MAX)
			return EXH_ECORRUPT;
		switch (t & 0xbf) {
		case 0x01:
			if (attr != NULL)
				return EXH_OK;
			rc = element(b, k, s);
			break;
		case 0x05:
			rc = value_text(b, k, attr);
			break;
		case 0x09:
			rc = entity_ref(b, k, attr);
			break;
		case 0x0d:
		case 0x0e:
			rc = substitution(b, k, s, attr);
			break;
		case 0x02:
		case 0x03:
		case 0x04:
		case 0x06:
		case 0x00:
			return EXH_OK;
		default:
			return EXH_ECORRUPT;
		}
	}
	return rc;
}

/* The substitution values after a template definition. */
static int
instance_values(struct bx *b, struct bx_cur *k, struct bx_subs *out)
{
	uint32_t n, i, off;
	struct bx_value *v;

	if (!has(k, 4))
		return EXH_ECORRUPT;
	n = exh_le32(b->c + k->pos);
	k->pos += 4;
	if (n > BX_VALUES_MAX - b->nvalues)
		return EXH_ECORRUPT;
	if (!has(k, 4 * n))
		return EXH_ECORRUPT;
	v = &b->values[b->nvalues];
	off = k->pos + 4 * n;
	for (i = 0; i < n; i++) {
		const unsigned char *d = b->c + k->pos + 4 * i;

		v[i].size = exh_le16(d);
		v[i].type = d[2];
		v[i].off = off;
		off += v[i].size;
		if (off > k->end)
			return EXH_ECORRUPT;
	}
	k->pos = off;
	b->nvalues += n;
	out->v = v;
	out->n = n;
	return EXH_OK;
}

/* A template instance: definition (here or earlier), then its values. */
static int
template_instance(struct bx *b, struct bx_cur *k)
{
	struct bx_subs subs;
	struct bx_cur body;
	uint32_t def, size, saved = b->nvalues;
	int rc;

	if (!has(k, 10))
		return EXH_ECORRUPT;
	def = exh_le32(b->c + k->pos + 6);
	k->pos += 10;
	if (def > CHUNK_SIZE - 24)
		return EXH_ECORRUPT;
	size = exh_le32(b->c + def + 20);
	if (size > CHUNK_SIZE - def - 24)
		return EXH_ECORRUPT;
	body.pos = def + 24;
	body.end = def + 24 + size;
	if (def == k->pos) {
		if (!has(k, 24 + size))
			return EXH_ECORRUPT;
		k->pos += 24 + size;
	}
	if (++b->tdepth > BX_TEMPLATE_DEPTH)
		return EXH_ECORRUPT;
	rc = instance_values(b, k, &subs);
	if (rc == EXH_OK)
		rc = document(b, &body, &subs);
	b->tdepth--;
	b->nvalues = saved;
	return rc;
}

/* Fragments (header, then an element or a template instance) up to the
 * end of file token or the end of the stream. */
static int
document(struct bx *b, struct bx_cur *k, const struct bx_subs *s)
{
	int rc = EXH_OK;

	while (rc == EXH_OK && has(k, 1)) {
		uint8_t t = b->c[k->pos];

		if (++b->tokens > BX_TOKENS_MAX)
			return EXH_ECORRUPT;
		if (t == 0x00)
			return EXH_OK;
		if (t == 0x0f) {
			if (!has(k, 4))
				return EXH_ECORRUPT;
			k->pos += 4;
		} else if (t == 0x0c)
			rc = template_instance(b, k);
		else if ((t & 0xbf) == 0x01)
			rc = element(b, k, s);
		else
			return EXH_ECORRUPT;
	}
	return rc;
}

int
events_binxml_parse(struct events_binxml *bxp, const unsigned char *chunk,
    uint32_t off, uint32_t size, struct events_record *r)
{
	struct bx *b = bxp->state;
	struct bx_cur k;
	int rc;

	if (off < CHUNK_HDR || size < 28 || size > CHUNK_SIZE - off)
		return EXH_ECORRUPT;
	memset(&b->x, 0, sizeof(b->x));
	b->c = chunk;
	b->r = r;
	b->tokens = 0;
	b->rendered = 0;
	b->tdepth = 0;
	b->nvalues = 0;
	r->record_id = exh_le64(chunk + off + 8);
	k.pos = off + 24;
	k.end = off + size - 4;
	rc = document(b, &k, NULL);
	if (rc == EXH_ENOMEM) {
		exh_buf_free(&b->x.text);
		return rc;
	}
	return events_xs_finish(&b->x, r, rc);
}

int
events_binxml_init(struct events_binxml *bxp)
{
	bxp->state = calloc(1, sizeof(struct bx));
	return bxp->state != NULL ? EXH_OK : EXH_ENOMEM;
}

void
events_binxml_free(struct events_binxml *bxp)
{
	struct bx *b = bxp->state;

	if (b != NULL) {
		exh_buf_free(&b->scratch);
		free(b);
	}
	bxp->state = NULL;
}
