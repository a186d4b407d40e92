/* libFuzzer: replaying hostile .LOG1/.LOG2 transaction logs over a hostile hive image. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Gives every HvLE entry of a log copy sound hashes, so that the fuzzer
 * reaches the size, count and page checks behind them.
 */
static void
rehash(uint8_t *log, size_t len)
{
	size_t off = 512;
	uint32_t sz;

	while (off + 40 <= len && memcmp(log + off, "HvLE", 4) == 0) {
		sz = get32(log + off + 4);
		if (sz < 40 || sz % 512 != 0 || sz > len - off)
			break;
		put64(log + off + 24, exh_hive_marvin32(log + off + 40,
		    sz - 40));
		put64(log + off + 32, exh_hive_marvin32(log + off, 32));
		off += sz;
	}
}

/* Byte 0: bit 0 rehashes the entries.  Bytes 1-4 and 5-8: the lengths of
 * the hive and of LOG1 (cut to what is there); LOG2 is the rest. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_hive_replay r = { .log_names = { "F.LOG1", "F.LOG2" } };
	struct exh_buf hive = { 0 }, logs = { 0 };
	struct exh_err err = { 0 };
	size_t hlen, l1len, rest;
	uint8_t *l1, *l2;

	if (size < 9)
		return 0;
	rest = size - 9;
	hlen = get32(data + 1);
	if (hlen > rest)
		hlen = rest;
	l1len = get32(data + 5);
	if (l1len > rest - hlen)
		l1len = rest - hlen;
	if (exh_buf_append(&hive, data + 9, hlen) != EXH_OK ||
	    exh_buf_append(&logs, data + 9 + hlen, rest - hlen) != EXH_OK)
		__builtin_trap();
	l1 = (uint8_t *)logs.data;
	l2 = l1 + l1len;
	if (data[0] & 1) {
		rehash(l1, l1len);
		rehash(l2, rest - hlen - l1len);
	}
	if (exh_hive_replay_logs(&hive, l1, l1len, l2, rest - hlen - l1len,
	    &r, &err) != EXH_OK)
		__builtin_trap();
	/* A replay leaves a consistent base block; the note always says
	 * what happened to a dirty hive. */
	if (r.entries > 0 && exh_hive_is_dirty(hive.data, hive.len))
		__builtin_trap();
	if (r.dirty && r.note[0] == '\0')
		__builtin_trap();
	if (memchr(r.note, '\0', sizeof(r.note)) == NULL)
		__builtin_trap();
	exh_buf_free(&hive);
	exh_buf_free(&logs);
	return 0;
}
