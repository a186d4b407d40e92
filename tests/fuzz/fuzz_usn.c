/* libFuzzer: the $UsnJrnl:$J record parser on a hostile journal buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	uint64_t base, end;
};

/* Every record handed out lies inside the buffer and has a name. */
static int
check(const struct exh_usn_record *r, void *ctx)
{
	const struct bounds *b = ctx;

	if (r->offset < b->base || r->offset >= b->end || r->name == NULL ||
	    r->offset % 8 != 0 || strlen(r->name) > 255 * 4)
		__builtin_trap();
	return EXH_WALK_NEXT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_usn_counts c = { 0 };
	struct bounds b = { 0, size };
	struct exh_err err = { 0 };
	size_t used, half = (size / 2) & ~(size_t)7;

	/* The whole buffer as the end of a journal. */
	if (exh_usn_parse(data, size, 0, true, &used, check, &b, &c, &err) !=
	    EXH_OK || used != size)
		__builtin_trap();
	/* The same bytes in two reads, as the volume walk feeds them. */
	memset(&c, 0, sizeof(c));
	b.end = half;
	if (exh_usn_parse(data, half, 0, false, &used, check, &b, &c, &err) !=
	    EXH_OK || used > half || used % 8 != 0 || half - used >= 4096)
		__builtin_trap();
	b.base = used;
	b.end = size;
	if (exh_usn_parse(data + used, size - used, used, true, &used, check,
	    &b, &c, &err) != EXH_OK)
		__builtin_trap();
	return 0;
}
