/* libFuzzer: rendering a message through a damaged translation (the
 * catalog's msgstr as hostile format) with hostile arguments: bounded
 * output, never a crash, arguments never interpreted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_buf out = { 0 };
	struct exh_msg m;
	char *text, *fmt, *arg;
	size_t flen;

	/* fmt NUL args: the first part a translation, the rest arguments. */
	if ((text = malloc(size + 2)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = text[size + 1] = '\0';
	fmt = text;
	flen = strlen(fmt);
	arg = fmt + flen + 1 <= text + size ? fmt + flen + 1 : text + size;
	exh_msg_setf(&m, "%s|%.*s|%d|%s", arg, 3, arg, (int)size, arg);
	exh_msg_addf(&m, "; %s", fmt);
	/* English: what printf would give, with the arguments as text. */
	if (exh_msg_render(&m, false, &out) != EXH_OK)
		__builtin_trap();
	exh_buf_reset(&out);
	/* A damaged translation in place of the first id. */
	m.id[0] = fmt;
	if (exh_msg_render(&m, false, &out) != EXH_OK ||
	    out.len > flen + (flen / 2 + 2) * EXH_MSG_TEXT)
		__builtin_trap();
	exh_buf_free(&out);
	free(text);
	return 0;
}
