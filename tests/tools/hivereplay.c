/* hivereplay: replays a hive's transaction logs in memory and writes the repaired copy (test and comparison aid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"

static int
slurp(const char *path, struct exh_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (exh_buf_append(b, chunk, n) != EXH_OK) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	struct exh_buf hive = { 0 }, log1 = { 0 }, log2 = { 0 };
	struct exh_hive_replay r = { .log_names = { "LOG1", "LOG2" } };
	struct exh_err err = { 0 };
	FILE *f;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: hivereplay HIVE [LOG1 [LOG2]] OUT\n");
		return 2;
	}
	if (slurp(argv[1], &hive) != 0 ||
	    (argc > 3 && slurp(argv[2], &log1) != 0) ||
	    (argc > 4 && slurp(argv[3], &log2) != 0))
		return 1;
	if (argc > 3)
		r.log_names[0] = argv[2];
	if (argc > 4)
		r.log_names[1] = argv[3];
	if (exh_hive_replay_logs(&hive, log1.data, log1.len, log2.data,
	    log2.len, &r, &err) != EXH_OK) {
		fprintf(stderr, "hivereplay: %s\n", err.msg);
		return 1;
	}
	printf("dirty=%d entries=%u pages=%u note=%s\n", r.dirty, r.entries,
	    r.pages, r.note);
	if ((f = fopen(argv[argc - 1], "wb")) == NULL ||
	    fwrite(hive.data, 1, hive.len, f) != hive.len || fclose(f) != 0) {
		perror(argv[argc - 1]);
		return 1;
	}
	exh_buf_free(&hive);
	exh_buf_free(&log1);
	exh_buf_free(&log2);
	return 0;
}
