/* libFuzzer: deleted-record listing over a hostile copy of $MFT. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every entry has a path under the letter and a name ending it. */
static int
check(const struct exh_deleted *d, void *ctx)
{
	size_t p, n;

	(void)ctx;
	if (d->path == NULL || d->name == NULL || strncmp(d->path, "C:", 2))
		__builtin_trap();
	p = strlen(d->path);
	n = strlen(d->name);
	if (n == 0 || n > p || strcmp(d->path + p - n, d->name) != 0)
		__builtin_trap();
	return EXH_WALK_NEXT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_deleted_counts c;
	struct exh_err err = { 0 };
	int rc;

	rc = exh_mft_deleted_walk(data, size, 'C', check, NULL, &c, &err);
	if (rc != EXH_OK && rc != EXH_ECORRUPT && rc != EXH_ENOMEM)
		__builtin_trap();
	if (c.listed > c.deleted * 8 || c.deleted > c.records)
		__builtin_trap();	/* at most 8 names a record */
	return 0;
}
