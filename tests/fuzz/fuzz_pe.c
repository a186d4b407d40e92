/* libFuzzer: the PE version-resource reader on any bytes (ExSetup.exe is read from evidence). */
#include <stddef.h>
#include <stdint.h>

#include "exhume/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_err err = { 0 };
	uint16_t v[4];

	(void)exh_pe_file_version(data, size, v, &err);
	return 0;
}
