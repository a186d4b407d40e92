/* Test tool: encodes a classic ASP page's script blocks as VBScript.Encode (mkvbe IN OUT). */
#include <stdio.h>
#include <stdlib.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "vbe_encode.h"

int
main(int argc, char **argv)
{
	struct exh_buf in = { 0 }, out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: mkvbe IN OUT\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (exh_buf_append(&in, chunk, n) != EXH_OK)
			return 1;
	fclose(f);
	if (vbe_encode_page(in.data != NULL ? in.data : "", in.len, &out) !=
	    EXH_OK || (f = fopen(argv[2], "wb")) == NULL)
		return 1;
	if (out.len > 0 && fwrite(out.data, 1, out.len, f) != out.len)
		return 1;
	if (fclose(f) != 0)
		return 1;
	exh_buf_free(&in);
	exh_buf_free(&out);
	return 0;
}
