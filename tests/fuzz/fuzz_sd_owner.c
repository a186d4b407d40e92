/* libFuzzer: the owner SID of a hostile self-relative security descriptor. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_err err = { 0 };
	char sid[EXH_SID_MAX];

	if (exh_volume_sd_owner(data, size, sid, sizeof(sid), &err) == EXH_OK &&
	    (strncmp(sid, "S-1-", 4) != 0 || strlen(sid) >= EXH_SID_MAX))
		__builtin_trap();
	return 0;
}
