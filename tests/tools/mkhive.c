/* mkhive: writes a registry hive file from a text spec (see tests/lib/hivespec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hivespec.h"

int
main(int argc, char **argv)
{
	FILE *f;
	char *spec = NULL;
	size_t len = 0, cap = 0, n;
	char why[300];

	if (argc != 3) {
		fprintf(stderr, "usage: mkhive SPEC|- OUT-HIVE\n");
		return 2;
	}
	f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap * 2 + 8192;
			spec = realloc(spec, cap);
			if (spec == NULL)
				return 1;
		}
		n = fread(spec + len, 1, 4096, f);
		len += n;
		if (n == 0)
			break;
	}
	spec[len] = '\0';
	if (f != stdin)
		fclose(f);
	if (hs_build(spec, argv[2], why, sizeof(why)) != 0) {
		fprintf(stderr, "mkhive: %s: %s\n", argv[1], why);
		free(spec);
		return 1;
	}
	free(spec);
	return 0;
}
