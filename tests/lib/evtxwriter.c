/* Test-only writer of Windows .evtx files: header, 64 KiB chunks, records with plain BinXML. */
/*
 * This file is compiled into its users with #include (the Makefile builds
 * each test tool and unit test from one source file).  It writes only to
 * memory; callers decide where the bytes go.
 *
 * Layout written (as libevtx and Windows read it):
 *   file header, 4096 bytes: "ElfFile\0", first/last chunk, next record
 *     id, header size 128, version 3.1, block size 4096, chunk count,
 *     flags at 120, CRC32 of bytes 0..119 at 124;
 *   chunks of 65536 bytes: "ElfChnk\0", first/last record number and id,
 *     header size 128, last record offset, free space offset, CRC32 of
 *     the records area at 52, CRC32 of bytes 0..119 and 128..511 at 124,
 *     empty string and template tables, records from offset 512;
 *   records: "**\0\0", size, record id, FILETIME, BinXML, size again.
 * The BinXML uses element, attribute and string value tokens only, with
 * every name defined inline (name offsets are chunk-relative).  No record
 * carries a template instance.  By default each element start token has
 * the 2-byte dependency identifier that template definitions carry; in
 * template-less mode (evtxw_set_templateless) it has none, which is how
 * Windows writes records that are stored without a template (forwarded
 * events, some Defender and Exchange logs) and the shape libevtx before
 * 20240504 cannot read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "exhume/core.h"

#include "evtxwriter.h"

#define CHUNK_SIZE 65536u
#define CHUNK_HDR 512u
#define FILE_HDR 4096u

struct bytes {
	unsigned char *p;
	size_t len, cap;
	int failed;
	int no_depid;		/* element starts without dependency id */
};

struct evtxw {
	struct bytes chunks;	/* finished chunks, CHUNK_SIZE each */
	unsigned char cur[CHUNK_SIZE];
	size_t cur_free;	/* 0 when no chunk is open */
	size_t cur_last_off;
	uint64_t cur_first, cur_last;
	uint64_t next_id;
	size_t nchunks;
	int templateless;	/* element starts without dependency id */
};

static void
grow(struct bytes *b, size_t n)
{
	unsigned char *np;
	size_t ncap;

	if (b->failed)
		return;
	if (b->len + n <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (np == NULL) {
		b->failed = 1;
		return;
	}
	b->p = np;
	b->cap = ncap;
}

static void
put(struct bytes *b, const void *p, size_t n)
{
	grow(b, n);
	if (b->failed)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put8(struct bytes *b, unsigned v)
{
	unsigned char c = (unsigned char)v;

	put(b, &c, 1);
}

static void
put16(struct bytes *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	put(b, c, 2);
}

static void
set32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
set64(unsigned char *p, uint64_t v)
{
	set32(p, (uint32_t)v);
	set32(p + 4, (uint32_t)(v >> 32));
}

static void
put32(struct bytes *b, uint32_t v)
{
	unsigned char c[4];

	set32(c, v);
	put(b, c, 4);
}

static void
put64(struct bytes *b, uint64_t v)
{
	unsigned char c[8];

	set64(c, v);
	put(b, c, 8);
}

/* UTF-8 to UTF-16 code units; a byte that does not start a valid
 * sequence becomes the unit of the same value. */
static size_t
to_utf16(const char *s, uint16_t *u, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p != '\0' && n + 2 <= max) {
		uint32_t cp;
		int len, i;

		if (*p < 0x80) {
			cp = *p;
			len = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			len = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			len = 3;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			len = 4;
		} else {
			cp = *p;
			len = -1;
		}
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				len = -1;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (len < 0) {
			u[n++] = *p++;
			continue;
		}
		p += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[n++] = (uint16_t)(0xd800 | (cp >> 10));
			u[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else
			u[n++] = (uint16_t)cp;
	}
	return n;
}

static void
put_units(struct bytes *b, const char *s, int with_len_and_nul, int hashed)
{
	static uint16_t u[65535];
	size_t n, i;
	uint32_t hash = 0;

	n = to_utf16(s, u, 65535);
	for (i = 0; i < n; i++)
		hash = hash * 65599u + u[i];
	if (hashed)
		put16(b, hash & 0xffff);
	if (with_len_and_nul)
		put16(b, (unsigned)n);
	for (i = 0; i < n; i++)
		put16(b, u[i]);
	if (with_len_and_nul && hashed)
		put16(b, 0);
}

/* A name structure defined inline at the current position. */
static void
put_name(struct bytes *b, size_t base, const char *name)
{
	put32(b, (uint32_t)(base + b->len + 4));
	put32(b, 0);
	put_units(b, name, 1, 1);
}

static void
put_text(struct bytes *b, const char *s)
{
	put8(b, 0x05);
	put8(b, 0x01);
	put_units(b, s, 1, 0);
}

/* Opens an element; returns the position of its data size field. */
static size_t
open_elem(struct bytes *b, size_t base, const char *name, int attrs)
{
	size_t size_pos;

	put8(b, attrs ? 0x41 : 0x01);
	if (!b->no_depid)
		put16(b, 0xffff);
	size_pos = b->len;
	put32(b, 0);
	put_name(b, base, name);
	return size_pos;
}

static void
end_elem(struct bytes *b, size_t size_pos)
{
	if (b->failed)
		return;
	set32(b->p + size_pos, (uint32_t)(b->len - size_pos - 4));
}

static void
simple_elem(struct bytes *b, size_t base, const char *name, const char *value)
{
	size_t sp = open_elem(b, base, name, 0);

	if (value == NULL || value[0] == '\0')
		put8(b, 0x03);
	else {
		put8(b, 0x02);
		put_text(b, value);
		put8(b, 0x04);
	}
	end_elem(b, sp);
}

/* An empty element with one attribute. */
static void
attr_elem(struct bytes *b, size_t base, const char *name, const char *attr,
    const char *value)
{
	size_t sp, ap;

	sp = open_elem(b, base, name, 1);
	ap = b->len;
	put32(b, 0);
	put8(b, 0x06);
	put_name(b, base, attr);
	put_text(b, value);
	if (!b->failed)
		set32(b->p + ap, (uint32_t)(b->len - ap - 4));
	put8(b, 0x03);
	end_elem(b, sp);
}

static void
build_xml(struct bytes *b, size_t base, const struct evtxw_event *ev)
{
	char num[32], iso[32];
	size_t ev_sp, sys_sp, ed_sp, ap, i;

	put8(b, 0x0f);
	put8(b, 0x01);
	put8(b, 0x01);
	put8(b, 0x00);
	ev_sp = open_elem(b, base, "Event", 1);
	ap = b->len;
	put32(b, 0);
	put8(b, 0x06);
	put_name(b, base, "xmlns");
	put_text(b, "http://schemas.microsoft.com/win/2004/08/events/event");
	if (!b->failed)
		set32(b->p + ap, (uint32_t)(b->len - ap - 4));
	put8(b, 0x02);

	sys_sp = open_elem(b, base, "System", 0);
	put8(b, 0x02);
	attr_elem(b, base, "Provider", "Name", ev->provider);
	snprintf(num, sizeof(num), "%d", ev->event_id);
	simple_elem(b, base, "EventID", num);
	snprintf(num, sizeof(num), "%d", ev->level);
	simple_elem(b, base, "Level", num);
	attr_elem(b, base, "TimeCreated", "SystemTime",
	    exh_filetime_iso(ev->time, iso));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ev->record_id);
	simple_elem(b, base, "EventRecordID", num);
	simple_elem(b, base, "Channel", ev->channel);
	simple_elem(b, base, "Computer",
	    ev->computer ? ev->computer : "EXCH01.corp.example");
	put8(b, 0x04);
	end_elem(b, sys_sp);

	ed_sp = open_elem(b, base, "EventData", 0);
	if (ev->ndata == 0)
		put8(b, 0x03);
	else {
		put8(b, 0x02);
		for (i = 0; i < ev->ndata; i++)
			simple_elem(b, base, "Data", ev->data[i]);
		put8(b, 0x04);
	}
	end_elem(b, ed_sp);

	put8(b, 0x04);
	end_elem(b, ev_sp);
	put8(b, 0x00);
}

static void
build_record(struct bytes *b, size_t off, const struct evtxw_event *ev,
    int templateless)
{
	b->len = 0;
	b->no_depid = templateless;
	put32(b, 0x00002a2a);
	put32(b, 0);
	put64(b, ev->record_id);
	put64(b, (uint64_t)ev->time);
	build_xml(b, off, ev);
	while ((b->len + 4) % 8 != 0)
		put8(b, 0);
	put32(b, (uint32_t)(b->len + 4));
	if (!b->failed)
		set32(b->p + 4, (uint32_t)b->len);
}

struct evtxw *
evtxw_new(void)
{
	struct evtxw *w = calloc(1, sizeof(*w));

	if (w != NULL)
		w->next_id = 1;
	return w;
}

void
evtxw_set_templateless(struct evtxw *w, int on)
{
	w->templateless = on != 0;
}

void
evtxw_free(struct evtxw *w)
{
	if (w == NULL)
		return;
	free(w->chunks.p);
	free(w);
}

static void
close_chunk(struct evtxw *w)
{
	unsigned char *c = w->cur;
	uLong crc;

	if (w->cur_free == 0)
		return;
	memcpy(c, "ElfChnk", 8);
	set64(c + 8, w->cur_first);
	set64(c + 16, w->cur_last);
	set64(c + 24, w->cur_first);
	set64(c + 32, w->cur_last);
	set32(c + 40, 128);
	set32(c + 44, (uint32_t)w->cur_last_off);
	set32(c + 48, (uint32_t)w->cur_free);
	crc = crc32(0L, c + CHUNK_HDR, (uInt)(w->cur_free - CHUNK_HDR));
	set32(c + 52, (uint32_t)crc);
	crc = crc32(0L, c, 120);
	crc = crc32(crc, c + 128, CHUNK_HDR - 128);
	set32(c + 124, (uint32_t)crc);
	put(&w->chunks, c, CHUNK_SIZE);
	w->nchunks++;
	w->cur_free = 0;
}

int
evtxw_add(struct evtxw *w, const struct evtxw_event *ev)
{
	struct bytes rec = { 0 };
	struct evtxw_event e = *ev;
	size_t off;

	if (e.record_id == 0)
		e.record_id = w->next_id;
	if (w->cur_free == 0) {
		memset(w->cur, 0, sizeof(w->cur));
		w->cur_free = CHUNK_HDR;
	}
	off = w->cur_free;
	build_record(&rec, off, &e, w->templateless);
	if (!rec.failed && off + rec.len > CHUNK_SIZE && off > CHUNK_HDR) {
		close_chunk(w);
		memset(w->cur, 0, sizeof(w->cur));
		w->cur_free = off = CHUNK_HDR;
		build_record(&rec, off, &e, w->templateless);
	}
	if (rec.failed || off + rec.len > CHUNK_SIZE || w->chunks.failed) {
		free(rec.p);
		return -1;
	}
	memcpy(w->cur + off, rec.p, rec.len);
	free(rec.p);
	if (off == CHUNK_HDR)
		w->cur_first = e.record_id;
	w->cur_last = e.record_id;
	w->cur_last_off = off;
	w->cur_free = off + rec.len;
	w->next_id = e.record_id + 1;
	return 0;
}

/* Flips the BinXML bytes at the start of record id in the chunk area. */
static void
corrupt(unsigned char *img, size_t nchunks, uint64_t id)
{
	size_t c, off;

	for (c = 0; c < nchunks; c++) {
		unsigned char *ch = img + FILE_HDR + c * CHUNK_SIZE;

		for (off = CHUNK_HDR; off + 24 < CHUNK_SIZE;) {
			uint32_t size = (uint32_t)ch[off + 4] |
			    (uint32_t)ch[off + 5] << 8 |
			    (uint32_t)ch[off + 6] << 16 |
			    (uint32_t)ch[off + 7] << 24;
			uint64_t rid = 0;
			int i;

			if (memcmp(ch + off, "**\0\0", 4) != 0 || size < 28 ||
			    off + size > CHUNK_SIZE)
				break;
			for (i = 7; i >= 0; i--)
				rid = rid << 8 | ch[off + 8 + i];
			if (rid == id) {
				for (i = 0; i < 16; i++)
					ch[off + 24 + i] ^= 0xa5;
				return;
			}
			off += size;
		}
	}
}

int
evtxw_finish(struct evtxw *w, const struct evtxw_damage *dmg,
    unsigned char **out, size_t *outlen)
{
	unsigned char *img;
	size_t len;
	uLong crc;

	close_chunk(w);
	if (w->chunks.failed)
		return -1;
	len = FILE_HDR + w->nchunks * CHUNK_SIZE;
	img = calloc(1, len);
	if (img == NULL)
		return -1;
	memcpy(img, "ElfFile", 8);
	set64(img + 8, 0);
	set64(img + 16, w->nchunks ? w->nchunks - 1 : 0);
	set64(img + 24, w->next_id);
	set32(img + 32, 128);
	img[36] = 1;
	img[38] = 3;
	img[40] = FILE_HDR & 0xff;
	img[41] = FILE_HDR >> 8;
	img[42] = (unsigned char)w->nchunks;
	img[43] = (unsigned char)(w->nchunks >> 8);
	set32(img + 120, dmg != NULL && dmg->dirty ? 1 : 0);
	crc = crc32(0L, img, 120);
	set32(img + 124, (uint32_t)crc);
	if (w->nchunks > 0)
		memcpy(img + FILE_HDR, w->chunks.p, w->nchunks * CHUNK_SIZE);
	if (dmg != NULL && dmg->corrupt_record != 0)
		corrupt(img, w->nchunks, dmg->corrupt_record);
	if (dmg != NULL && dmg->truncate_chunk >= 0) {
		if ((size_t)dmg->truncate_chunk >= w->nchunks) {
			free(img);
			return -1;
		}
		len = FILE_HDR + (size_t)dmg->truncate_chunk * CHUNK_SIZE +
		    CHUNK_SIZE / 2;
	}
	*out = img;
	*outlen = len;
	return 0;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int
hexbyte(const char *p)
{
	return hexval(p[0]) * 16 + hexval(p[1]);
}

/* Splits a spec line on unescaped '|' and unescapes each field in place. */
static size_t
split_spec(char *s, char **fields, size_t max)
{
	size_t n = 0;
	char *r = s, *wp = s;

	fields[n++] = wp;
	while (*r != '\0') {
		if (*r == '\\' && r[1] == '|') {
			*wp++ = '|';
			r += 2;
		} else if (*r == '\\' && r[1] == 'x' &&
		    isxdigit((unsigned char)r[2]) &&
		    isxdigit((unsigned char)r[3]) && hexbyte(r + 2) != 0) {
			*wp++ = (char)hexbyte(r + 2);
			r += 4;
		} else if (*r == '|') {
			*wp++ = '\0';
			r++;
			if (n == max)
				return n;
			fields[n++] = wp;
		} else
			*wp++ = *r++;
	}
	*wp = '\0';
	return n;
}

static int
num(const char *s, long long lo, long long hi, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 10);
	return end != s && *end == '\0' && *v >= lo && *v <= hi;
}

int
evtxw_add_spec_line(struct evtxw *w, const char *line, char *msg,
    size_t msglen)
{
	char *copy, *fields[512];
	size_t n, len;
	long long id = 0, level = 0, rid = 0;
	struct evtxw_event ev = { 0 };
	int rc;

	len = strcspn(line, "\r\n");
	if (len == 0 || line[0] == '#')
		return 0;
	copy = malloc(len + 1);
	if (copy == NULL) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	n = split_spec(copy, fields, 512);
	rc = -1;
	if (n < 6)
		snprintf(msg, msglen, "want at least 6 fields, got %zu", n);
	else if (!num(fields[2], 0, 65535, &id))
		snprintf(msg, msglen, "bad event id");
	else if (!num(fields[3], 0, 255, &level))
		snprintf(msg, msglen, "bad level");
	else if (exh_iso_to_filetime(fields[4], &ev.time) != EXH_OK)
		snprintf(msg, msglen, "bad time");
	else if (fields[5][0] != '\0' && fields[5][0] != '-' &&
	    !num(fields[5], 1, INT64_MAX, &rid))
		snprintf(msg, msglen, "bad record id");
	else {
		ev.provider = fields[0];
		ev.channel = fields[1];
		ev.event_id = (int)id;
		ev.level = (int)level;
		ev.record_id = (fields[5][0] == '\0' || fields[5][0] == '-') ?
		    0 : (uint64_t)rid;
		ev.data = (const char *const *)(fields + 6);
		ev.ndata = n - 6;
		rc = evtxw_add(w, &ev);
		if (rc != 0)
			snprintf(msg, msglen, "event does not fit a chunk");
	}
	free(copy);
	return rc;
}
