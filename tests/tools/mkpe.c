/* mkpe: writes a tiny PE whose VS_VERSIONINFO carries a given file version, or a broken one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/pespec.h"

static const struct {
	const char *name;
	enum ps_mode mode;
} modes[] = {
	{ "good", PS_GOOD }, { "truncated", PS_TRUNCATED }, { "oob", PS_OOB },
	{ "loop", PS_LOOP }, { "noversion", PS_NOVERSION },
	{ "badsig", PS_BADSIG }, { "hugecount", PS_HUGE_COUNT },
	{ "pe32", PS_PE32 },
};

int
main(int argc, char **argv)
{
	unsigned char img[PS_MAX];
	unsigned v[4];
	enum ps_mode mode = PS_GOOD;
	size_t len, i;
	FILE *f;
	char *end;
	const char *s;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mkpe A.B.C.D OUT [good|truncated|oob|"
		    "loop|noversion|badsig|hugecount|pe32]\n");
		return 2;
	}
	for (i = 0, s = argv[1]; i < 4; i++) {
		unsigned long n = strtoul(s, &end, 10);

		if (end == s || n > 0xffff || (i < 3 && *end != '.') ||
		    (i == 3 && *end != '\0')) {
			fprintf(stderr, "mkpe: bad version %s\n", argv[1]);
			return 2;
		}
		v[i] = (unsigned)n;
		s = end + 1;
	}
	if (argc == 4) {
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (strcmp(argv[3], modes[i].name) == 0)
				break;
		if (i == sizeof(modes) / sizeof(modes[0])) {
			fprintf(stderr, "mkpe: unknown mode %s\n", argv[3]);
			return 2;
		}
		mode = modes[i].mode;
	}
	len = ps_build(img, v, mode);
	f = fopen(argv[2], "wb");
	if (f == NULL || fwrite(img, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
