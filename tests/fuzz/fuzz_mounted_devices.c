/* libFuzzer: SYSTEM\MountedDevices from a hostile hive, and single hostile values. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct exh_mounted_device *d)
{
	if (d->letter < 'C' || d->letter > 'Z' ||
	    (d->kind != EXH_MOUNT_MBR && d->kind != EXH_MOUNT_GPT) ||
	    (d->kind == EXH_MOUNT_GPT && strlen(d->gpt_guid) != 36))
		__builtin_trap();
}

/* Byte 0 even: the rest is a SYSTEM hive.  Odd: byte 1 is the length of
 * a value name that follows, the rest is the value's data. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_mounted_devices *m = NULL;
	struct exh_mounted_device d;
	struct exh_partition p;
	struct exh_err err = { 0 };
	char name[256];
	size_t i, n;

	if (size < 2)
		return 0;
	if ((data[0] & 1) == 0) {
		if (exh_mounted_from_hive(data + 1, size - 1, &m, &err) !=
		    EXH_OK)
			return 0;
		for (i = 0; i < m->ndevs; i++) {
			check(&m->devs[i]);
			if (i > 0 && m->devs[i - 1].letter >= m->devs[i].letter)
				__builtin_trap();
		}
		memset(&p, 0, sizeof(p));
		memcpy(p.table_id, "1234abcd", 9);
		p.offset = 1048576;
		(void)exh_mounted_letter(m, &p, &n);
		memcpy(p.part_guid, "01234567-89ab-cdef-0011-223344556677", 37);
		(void)exh_mounted_letter(m, &p, &n);
		exh_mounted_free(m);
		return 0;
	}
	n = data[1];
	if (n > size - 2)
		n = size - 2;
	memcpy(name, data + 2, n);
	name[n] = '\0';
	if (exh_mounted_decode(name, data + 2 + n, size - 2 - n, &d, &err) ==
	    EXH_OK)
		check(&d);
	return 0;
}
