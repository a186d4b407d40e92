/* Registry transaction logs: replays the HvLE entries of X.LOG1/X.LOG2 over a dirty hive held in memory. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"

/*
 * Layout, from the published descriptions of the format (no code taken):
 * a hive starts with a 4096-byte base block ("regf"; primary and secondary
 * sequence numbers at 4 and 8, file type at 28, hive bins data size at 40,
 * flags at 144, XOR-32 checksum of the first 508 bytes at 508).  Windows
 * 8.1 and later write new-format logs (file type 6): a copy of the base
 * block in the first 512 bytes, then log entries aligned to 512 bytes.
 * Each entry ("HvLE") holds its size, the base block flags, a sequence
 * number, the hive bins data size after the entry, a count of dirty pages,
 * two Marvin32 hashes (of the entry from offset 40, and of its first 32
 * bytes), the page references (offset from the first hive bin, size) and
 * the pages themselves in the same order.
 */
#define BASE_BLOCK		4096u
#define CHECKSUM_SPAN		508u
#define LOG_ENTRIES_AT		512u
#define ENTRY_ALIGN		512u
#define ENTRY_HEADER		40u
#define HIVE_PAGE		4096u
#define FILE_TYPE_NEW_LOG	6u
#define MARVIN_SEED		0x82EF4D887A4E55C5ull

struct log_file {
	const unsigned char *data;
	size_t len;
	const char *name;	/* "SYSTEM.LOG1" */
	unsigned bit;		/* in exh_hive_replay.logs_used */
	uint32_t first_seq;	/* primary sequence number of its base block */
	bool usable;
};

struct replay {
	struct exh_buf *hive;
	struct exh_hive_replay *out;
	uint32_t expected;	/* next sequence number to apply */
	bool started;
	bool stopped;		/* damage ended the replay */
	size_t grow_limit;	/* the hive and both logs, in bytes */
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static void
marvin_mix(uint32_t *lo, uint32_t *hi)
{
	*hi ^= *lo;
	*lo = rotl(*lo, 20) + *hi;
	*hi = rotl(*hi, 9) ^ *lo;
	*lo = rotl(*lo, 27) + *hi;
	*hi = rotl(*hi, 19);
}

uint64_t
exh_hive_marvin32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t lo = (uint32_t)MARVIN_SEED, hi = (uint32_t)(MARVIN_SEED >> 32);
	uint32_t last = 0x80;
	size_t i, rest;

	for (i = 0; i + 4 <= len; i += 4) {
		lo += exh_le32(p + i);
		marvin_mix(&lo, &hi);
	}
	/* The tail bytes, then a 0x80 marker byte, fill the last word. */
	rest = len - i;
	if (rest == 3)
		last = 0x80000000u | (uint32_t)p[i + 2] << 16 |
		    (uint32_t)p[i + 1] << 8 | p[i];
	else if (rest == 2)
		last = 0x800000u | (uint32_t)p[i + 1] << 8 | p[i];
	else if (rest == 1)
		last = 0x8000u | p[i];
	lo += last;
	marvin_mix(&lo, &hi);
	marvin_mix(&lo, &hi);
	return (uint64_t)hi << 32 | lo;
}

static uint32_t
base_checksum(const unsigned char *b)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < CHECKSUM_SPAN; i += 4)
		sum ^= exh_le32(b + i);
	if (sum == 0xFFFFFFFFu)
		return 0xFFFFFFFEu;
	if (sum == 0)
		return 1;
	return sum;
}

static bool
base_block_valid(const unsigned char *b, size_t len)
{
	return len >= LOG_ENTRIES_AT && memcmp(b, "regf", 4) == 0 &&
	    base_checksum(b) == exh_le32(b + CHECKSUM_SPAN);
}

/* Appends "; " and the formatted text to the outcome note (truncated). */
static void
say(struct exh_hive_replay *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct exh_hive_replay *out, const char *fmt, ...)
{
	size_t used = strlen(out->note);
	va_list ap;

	if (used > 0 && used + 2 < sizeof(out->note)) {
		memcpy(out->note + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof(out->note))
		return;
	va_start(ap, fmt);
	vsnprintf(out->note + used, sizeof(out->note) - used, fmt, ap);
	va_end(ap);
}

/* Why a log cannot take part, or NULL when it can. */
static const char *
log_unusable(struct log_file *lf, uint32_t hive_secondary)
{
	if (!base_block_valid(lf->data, lf->len))
		return "no valid base block";
	lf->first_seq = exh_le32(lf->data + 4);
	/* Windows copies the first entry's number into the log's base
	 * block; the entry itself is what gets applied. */
	if (lf->len >= LOG_ENTRIES_AT + ENTRY_HEADER &&
	    memcmp(lf->data + LOG_ENTRIES_AT, "HvLE", 4) == 0)
		lf->first_seq = exh_le32(lf->data + LOG_ENTRIES_AT + 12);
	if (exh_le32(lf->data + 28) != FILE_TYPE_NEW_LOG) {
		if (lf->len >= LOG_ENTRIES_AT + 4 &&
		    memcmp(lf->data + LOG_ENTRIES_AT, "DIRT", 4) == 0)
			return "old-format log (Windows 8.0 or earlier), "
			    "not replayed";
		return "not a new-format transaction log";
	}
	/* Older than the last complete write of the hive: already in it. */
	if (lf->first_seq < hive_secondary)
		return NULL;
	lf->usable = true;
	return NULL;
}

/*
 * Checks one entry completely before anything is applied, so a damaged
 * entry changes nothing.  NULL when it is sound, else the reason.
 */
static const char *
entry_damage(const unsigned char *e, uint32_t size, size_t grow_limit,
    char *why, size_t whylen)
{
	uint32_t npages, hbins, i, off, psize;
	uint64_t cursor;

	if (exh_le64(e + 32) != exh_hive_marvin32(e, 32))
		return "header hash mismatch";
	if (exh_le64(e + 24) != exh_hive_marvin32(e + ENTRY_HEADER,
	    size - ENTRY_HEADER))
		return "data hash mismatch";
	hbins = exh_le32(e + 16);
	npages = exh_le32(e + 20);
	if (hbins == 0 || hbins % HIVE_PAGE != 0 ||
	    hbins > EXH_HIVE_MAX_BYTES - BASE_BLOCK) {
		snprintf(why, whylen, "hive bins data size %u impossible",
		    hbins);
		return why;
	}
	/* New hive bins can only come from the logs: a size beyond the hive
	 * and its logs together is forged (and would cost memory). */
	if ((size_t)BASE_BLOCK + hbins > grow_limit) {
		snprintf(why, whylen, "hive bins data size %u larger than the "
		    "hive and its logs together", hbins);
		return why;
	}
	if (npages > (size - ENTRY_HEADER) / 8) {
		snprintf(why, whylen, "%u dirty pages cannot fit", npages);
		return why;
	}
	cursor = ENTRY_HEADER + (uint64_t)npages * 8;
	for (i = 0; i < npages; i++) {
		off = exh_le32(e + ENTRY_HEADER + i * 8);
		psize = exh_le32(e + ENTRY_HEADER + i * 8 + 4);
		if (psize == 0 || off % HIVE_PAGE != 0 ||
		    psize % HIVE_PAGE != 0 || (uint64_t)off + psize > hbins ||
		    cursor + psize > size) {
			snprintf(why, whylen, "dirty page %u (offset %u, "
			    "%u bytes) out of bounds", i, off, psize);
			return why;
		}
		cursor += psize;
	}
	return NULL;
}

/* Grows the image to hold hbins bytes of hive bins (new bytes zero). */
static int
fit_hive(struct exh_buf *hive, uint32_t hbins)
{
	size_t want = (size_t)BASE_BLOCK + hbins, old = hive->len;
	char *d;

	if (want <= hive->len)
		return EXH_OK;
	if (want > hive->cap) {
		if ((d = realloc(hive->data, want)) == NULL)
			return EXH_ENOMEM;
		hive->data = d;
		hive->cap = want;
	}
	memset(hive->data + old, 0, want - old);
	hive->len = want;
	return EXH_OK;
}

static int
apply_entry(struct replay *r, const unsigned char *e)
{
	unsigned char *base;
	uint32_t npages = exh_le32(e + 20), i, off, psize;
	size_t cursor = ENTRY_HEADER + (size_t)npages * 8;

	if (fit_hive(r->hive, exh_le32(e + 16)) != EXH_OK)
		return EXH_ENOMEM;
	base = (unsigned char *)r->hive->data;
	for (i = 0; i < npages; i++) {
		off = exh_le32(e + ENTRY_HEADER + i * 8);
		psize = exh_le32(e + ENTRY_HEADER + i * 8 + 4);
		memcpy(base + BASE_BLOCK + off, e + cursor, psize);
		cursor += psize;
	}
	put32(base + 40, exh_le32(e + 16));
	put32(base + 144, exh_le32(e + 8));
	r->out->entries++;
	r->out->pages += npages;
	return EXH_OK;
}

/* Applies the entries of one log that continue the sequence. */
static int
replay_log(struct replay *r, const struct log_file *lf)
{
	const unsigned char *e;
	const char *bad;
	char why[128];
	size_t off = LOG_ENTRIES_AT;
	uint32_t size;
	unsigned before = r->out->entries;
	int rc;

	if (!r->started) {
		r->expected = lf->first_seq;
		r->started = true;
	} else if (lf->first_seq > r->expected && !r->stopped) {
		/* Newer entries after a gap would be applied out of order. */
		say(r->out, "%s: entries from sequence %u not replayed: "
		    "sequence %u is in neither log", lf->name, lf->first_seq,
		    r->expected);
		return EXH_OK;
	}
	while (!r->stopped && off + ENTRY_HEADER <= lf->len) {
		e = lf->data + off;
		/* The log's end: no entry, or one left from an older cycle. */
		if (memcmp(e, "HvLE", 4) != 0 || exh_le32(e + 12) != r->expected)
			break;
		size = exh_le32(e + 4);
		if (size < ENTRY_HEADER || size % ENTRY_ALIGN != 0 ||
		    size > lf->len - off) {
			say(r->out, "%s: log entry at offset %zu: size %u "
			    "beyond the file or misaligned: replay stopped "
			    "there", lf->name, off, size);
			r->stopped = true;
			break;
		}
		bad = entry_damage(e, size, r->grow_limit, why, sizeof(why));
		if (bad != NULL) {
			say(r->out, "%s: log entry at offset %zu (sequence "
			    "%u): %s: replay stopped there", lf->name, off,
			    r->expected, bad);
			r->stopped = true;
			break;
		}
		if ((rc = apply_entry(r, e)) != EXH_OK)
			return rc;
		r->expected++;
		off += size;
	}
	if (r->out->entries > before)
		r->out->logs_used |= lf->bit;
	return EXH_OK;
}

static void
seal_base_block(struct exh_buf *hive, uint32_t seq)
{
	unsigned char *b = (unsigned char *)hive->data;

	put32(b + 4, seq);
	put32(b + 8, seq);
	put32(b + CHECKSUM_SPAN, base_checksum(b));
}

static void
summarise(const struct replay *r, const struct log_file *lf,
    const char *const why[2], uint32_t seq1, uint32_t seq2)
{
	struct exh_hive_replay *out = r->out;
	char done[EXH_HIVE_REPLAY_NOTE];

	if (out->entries > 0) {
		snprintf(done, sizeof(done), "dirty hive: replayed %u log "
		    "entr%s (%u page%s) from %s%s%s", out->entries,
		    out->entries == 1 ? "y" : "ies", out->pages,
		    out->pages == 1 ? "" : "s",
		    out->logs_used & 1 ? lf[0].name : "",
		    out->logs_used == 3 ? "/" : "",
		    out->logs_used & 2 ? lf[1].name : "");
	} else if (lf[0].len == 0 && lf[1].len == 0 && why[0] == NULL &&
	    why[1] == NULL) {
		snprintf(done, sizeof(done), "dirty hive (sequence numbers "
		    "%u/%u) without transaction logs: read as is, recent "
		    "changes may be missing", seq1, seq2);
	} else {
		snprintf(done, sizeof(done), "dirty hive (sequence numbers "
		    "%u/%u): no log entry of %s/%s could be replayed: read "
		    "as is, recent changes may be missing", seq1, seq2,
		    lf[0].name, lf[1].name);
	}
	/* The outcome comes first, the details after it. */
	if (out->note[0] != '\0') {
		char details[EXH_HIVE_REPLAY_NOTE];

		memcpy(details, out->note, sizeof(details));
		/* A long note is cut; the outcome stays whole in front. */
		if (snprintf(out->note, sizeof(out->note), "%s; %s", done,
		    details) >= (int)sizeof(out->note))
			out->note[sizeof(out->note) - 1] = '\0';
	} else {
		memcpy(out->note, done, sizeof(out->note));
	}
}

/* Hive bins after a base block that does not check out: a torn write of
 * the base block, which the logs' copies can repair. */
static bool
torn_base_block(const unsigned char *b, size_t len)
{
	return len >= BASE_BLOCK + HIVE_PAGE &&
	    !base_block_valid(b, len) && memcmp(b + BASE_BLOCK, "hbin", 4) == 0;
}

/*
 * Windows takes the base block a log holds when the hive's own is damaged:
 * the older log's copy, as the entries of both logs apply on top of it.
 */
static bool
recover_base_block(struct exh_buf *hive, const struct log_file *lf,
    struct exh_hive_replay *out)
{
	unsigned char *b = (unsigned char *)hive->data;
	int i, pick = -1;

	for (i = 0; i < 2; i++)
		if (lf[i].len > 0 && base_block_valid(lf[i].data, lf[i].len) &&
		    exh_le32(lf[i].data + 28) == FILE_TYPE_NEW_LOG &&
		    (pick < 0 || exh_le32(lf[i].data + 4) <
		    exh_le32(lf[pick].data + 4)))
			pick = i;
	if (pick < 0)
		return false;
	memcpy(b, lf[pick].data, LOG_ENTRIES_AT);
	put32(b + 28, 0);		/* a primary file again */
	put32(b + CHECKSUM_SPAN, base_checksum(b));
	say(out, "base block damaged: taken from %s", lf[pick].name);
	return true;
}

int
exh_hive_replay_logs(struct exh_buf *hive, const void *log1, size_t len1,
    const void *log2, size_t len2, struct exh_hive_replay *out,
    struct exh_err *err)
{
	struct log_file lf[2] = {
		{ log1, log1 != NULL ? len1 : 0, out->log_names[0], 1, 0,
		    false },
		{ log2, log2 != NULL ? len2 : 0, out->log_names[1], 2, 0,
		    false },
	};
	struct replay r = { hive, out, 0, false, false,
	    hive->len + lf[0].len + lf[1].len };
	const unsigned char *b = (const unsigned char *)hive->data;
	const char *why[2];
	uint32_t seq1, seq2, secondary;
	int first, i, rc;

	for (i = 0; i < 2; i++)
		if (lf[i].name == NULL)
			lf[i].name = i == 0 ? "LOG1" : "LOG2";
	out->dirty = false;
	out->entries = out->pages = 0;
	out->logs_used = 0;
	out->note[0] = '\0';
	if (torn_base_block(b, hive->len) &&
	    recover_base_block(hive, lf, out)) {
		/* The copy is consistent by itself: replay from it on. */
		seq1 = exh_le32(b + 4);
		seq2 = exh_le32(b + 8);
		secondary = seq2;
	} else {
		if (hive->len < BASE_BLOCK || !base_block_valid(b, hive->len))
			return EXH_OK;	/* hivex names the damage */
		seq1 = exh_le32(b + 4);
		seq2 = exh_le32(b + 8);
		if (seq1 == seq2)
			return EXH_OK;
		secondary = seq2;
	}
	out->dirty = true;
	for (i = 0; i < 2; i++) {
		why[i] = lf[i].len > 0 ? log_unusable(&lf[i], secondary) :
		    NULL;
		if (why[i] != NULL)
			say(out, "%s: %s", lf[i].name, why[i]);
	}
	/* The log whose base block is older holds the earlier entries. */
	first = lf[1].usable && (!lf[0].usable ||
	    lf[1].first_seq < lf[0].first_seq) ? 1 : 0;
	for (i = 0; i < 2; i++) {
		const struct log_file *l = &lf[(first + i) % 2];

		if (l->usable && (rc = replay_log(&r, l)) != EXH_OK)
			return exh_err_set(err, rc, ENOMEM, "%s: log replay: "
			    "out of memory", out->log_names[0]);
	}
	if (out->entries > 0) {
		seal_base_block(hive, r.expected);
		/* Bytes past the logged hive bins size are not part of the
		 * hive any more (slack of an older, longer hive). */
		b = (const unsigned char *)hive->data;	/* may have moved */
		if (hive->len > (size_t)BASE_BLOCK + exh_le32(b + 40))
			hive->len = (size_t)BASE_BLOCK + exh_le32(b + 40);
	}
	summarise(&r, lf, why, seq1, seq2);
	return EXH_OK;
}

bool
exh_hive_is_dirty(const void *hive, size_t len)
{
	const unsigned char *b = hive;

	if (torn_base_block(b, len))
		return true;
	return len >= BASE_BLOCK && base_block_valid(b, len) &&
	    exh_le32(b + 4) != exh_le32(b + 8);
}
