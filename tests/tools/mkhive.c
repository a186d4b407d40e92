/* mkhive: writes a registry hive file from a text spec (see tests/lib/hivespec.h), or a dirty hive and its .LOG1 from two specs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hivelogspec.h"

static char *
read_spec(const char *path)
{
	FILE *f;
	char *spec = NULL, *grown;
	size_t len = 0, cap = 0, n;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap * 2 + 8192;
			if ((grown = realloc(spec, cap)) == NULL) {
				free(spec);
				spec = NULL;
				break;
			}
			spec = grown;
		}
		n = fread(spec + len, 1, 4096, f);
		len += n;
		if (n == 0)
			break;
	}
	if (spec != NULL)
		spec[len] = '\0';
	if (f != stdin)
		fclose(f);
	return spec;
}

static int
write_file(const char *path, const unsigned char *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(d, 1, n, f) != n) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return 1;
	}
	return fclose(f) != 0;
}

/* --dirty OLD NEW OUT-HIVE OUT-LOG1 [ENTRIES]: the hive holds OLD, marked
 * dirty; LOG1 holds the pages that make it NEW in ENTRIES (default 1). */
static int
dirty(char **argv, int argc)
{
	struct hl_set s;
	char *old = read_spec(argv[2]), *new = read_spec(argv[3]);
	char why[300];
	unsigned char *log = NULL;
	size_t loglen = 0;
	unsigned n = argc > 6 ? (unsigned)atoi(argv[6]) : 1;
	int rc = 1;

	if (old == NULL || new == NULL)
		goto out;
	if (hl_build(old, new, n, &s, why, sizeof(why)) != 0) {
		fprintf(stderr, "mkhive: %s/%s: %s\n", argv[2], argv[3], why);
		goto out;
	}
	if (hl_log(&s, 0, s.nentries, &log, &loglen) == 0)
		rc = write_file(argv[4], s.hive, s.hive_len) ||
		    write_file(argv[5], log, loglen);
	free(log);
	hl_free(&s);
out:
	free(old);
	free(new);
	return rc;
}

int
main(int argc, char **argv)
{
	char *spec;
	char why[300];

	if (argc >= 6 && argc <= 7 && strcmp(argv[1], "--dirty") == 0)
		return dirty(argv, argc);
	if (argc != 3) {
		fprintf(stderr, "usage: mkhive SPEC|- OUT-HIVE\n"
		    "       mkhive --dirty OLD-SPEC NEW-SPEC OUT-HIVE OUT-LOG1 "
		    "[ENTRIES]\n");
		return 2;
	}
	if ((spec = read_spec(argv[1])) == NULL)
		return 1;
	if (hs_build(spec, argv[2], why, sizeof(why)) != 0) {
		fprintf(stderr, "mkhive: %s: %s\n", argv[1], why);
		free(spec);
		return 1;
	}
	free(spec);
	return 0;
}
