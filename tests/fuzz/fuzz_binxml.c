/* libFuzzer: our binary XML reader on one hostile 64 KiB chunk (header, string and template tables, records). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

#include "events/events_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the chunk from its header on, zero-filled to 64 KiB.  Every
 * record the size fields chain to is read, then each record start again
 * with the record's size forged to reach the chunk's end: offsets, names,
 * templates and values may point anywhere in the chunk.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct events_record rec = { 0 };
	struct events_binxml bx = { 0 };
	unsigned char *chunk;
	uint32_t off = CHUNK_HDR;

	if (size > CHUNK_SIZE || (chunk = calloc(1, CHUNK_SIZE)) == NULL)
		return 0;
	memcpy(chunk, data, size);
	if (events_binxml_init(&bx) != EXH_OK) {
		free(chunk);
		return 0;
	}
	while (off + 28 <= CHUNK_SIZE) {
		uint32_t rs = exh_le32(chunk + off + 4);

		events_record_reset(&rec);
		(void)events_binxml_parse(&bx, chunk, off, CHUNK_SIZE - off,
		    &rec);
		if (rs < 28 || rs > CHUNK_SIZE - off)
			break;
		events_record_reset(&rec);
		(void)events_binxml_parse(&bx, chunk, off, rs, &rec);
		off += rs;
	}
	events_binxml_free(&bx);
	events_record_free(&rec);
	free(chunk);
	return 0;
}
