/* source-dump: writes the logical disk of a source (through its container
 * and any differencing chain) to stdout, so tests compare it with what
 * qemu-img reads.  Usage: source-dump [-p PARENT]... IMAGE */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exhume/source.h"

int
main(int argc, char **argv)
{
	const char *parents[16];
	struct exh_source_options opt = { parents, 0 };
	struct exh_source *src;
	struct exh_err err;
	static char buf[1 << 16];
	uint64_t off, size;
	size_t len;
	int c;

	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c != 'p' || opt.nparents == 16) {
			fprintf(stderr, "usage: source-dump [-p PARENT]... "
			    "IMAGE\n");
			return 2;
		}
		parents[opt.nparents++] = optarg;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: source-dump [-p PARENT]... IMAGE\n");
		return 2;
	}
	if (exh_source_open_with(argv[optind], &opt, &src, &err) != EXH_OK) {
		fprintf(stderr, "source-dump: %s\n", err.msg);
		return 2;
	}
	size = exh_source_size(src);
	for (off = 0; off < size; off += len) {
		len = size - off < sizeof(buf) ? (size_t)(size - off) :
		    sizeof(buf);
		if (exh_source_pread(src, buf, len, off, &err) != EXH_OK) {
			fprintf(stderr, "source-dump: %s\n", err.msg);
			exh_source_close(src);
			return 1;
		}
		if (fwrite(buf, 1, len, stdout) != len) {
			exh_source_close(src);
			return 1;
		}
	}
	exh_source_close(src);
	return 0;
}
