/* libFuzzer: decoding hostile VBScript.Encode blocks (bounded output, never a crash). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"

#define FUZZ_MAX_OUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_buf out = { 0 };
	struct exh_vbe_stats st;
	struct exh_err err = { 0 };

	if (exh_vbe_decode(data, size, FUZZ_MAX_OUT, &out, &st, &err) ==
	    EXH_OK) {
		/* Decoding never grows the text and never passes the cap. */
		if (out.len > FUZZ_MAX_OUT || out.len > size ||
		    (st.truncated && out.len != FUZZ_MAX_OUT))
			__builtin_trap();
	}
	exh_buf_free(&out);
	return 0;
}
