/* source-dump: writes the logical disk of a source (through its container
 * and any differencing chain) to stdout, so tests compare it with what
 * qemu-img reads.  With -s K it writes shadow copy store K (1 = oldest) of
 * the first partition that has stores instead: the volume as that store
 * presents it, which tests compare with the image of the volume as it was
 * (tests/tools/mkvss.py).  Usage: source-dump [-p PARENT]... [-s K] IMAGE */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exhume/source.h"

static const char usage[] = "usage: source-dump [-p PARENT]... [-s K] IMAGE\n";

static int
dump(struct exh_source *src)
{
	static char buf[1 << 16];
	struct exh_err err;
	uint64_t off, size = exh_source_size(src);
	size_t len;

	for (off = 0; off < size; off += len) {
		len = size - off < sizeof(buf) ? (size_t)(size - off) :
		    sizeof(buf);
		if (exh_source_pread(src, buf, len, off, &err) != EXH_OK) {
			fprintf(stderr, "source-dump: %s\n", err.msg);
			return 1;
		}
		if (fwrite(buf, 1, len, stdout) != len)
			return 1;
	}
	return 0;
}

/* Store k of the first partition with at least k stores. */
static int
dump_store(struct exh_source *src, size_t k)
{
	struct exh_source **stores;
	struct exh_err err;
	size_t i, n;
	int rc;

	for (i = 0; i < exh_source_partition_count(src); i++) {
		if (exh_source_open_snapshots(src, exh_source_partition(src, i),
		    &stores, &n, &err) != EXH_OK) {
			fprintf(stderr, "source-dump: %s\n", err.msg);
			return 1;
		}
		if (n >= k) {
			rc = dump(stores[k - 1]);
			exh_source_close_snapshots(stores, n);
			return rc;
		}
		exh_source_close_snapshots(stores, n);
	}
	fprintf(stderr, "source-dump: no partition has %zu stores\n", k);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *parents[16];
	struct exh_source_options opt = { parents, 0 };
	struct exh_source *src;
	struct exh_err err;
	long store = 0;
	int c, rc;

	while ((c = getopt(argc, argv, "p:s:")) != -1) {
		if (c == 'p' && opt.nparents < 16)
			parents[opt.nparents++] = optarg;
		else if (c == 's' && (store = strtol(optarg, NULL, 10)) > 0)
			continue;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (exh_source_open_with(argv[optind], &opt, &src, &err) != EXH_OK) {
		fprintf(stderr, "source-dump: %s\n", err.msg);
		return 2;
	}
	rc = store > 0 ? dump_store(src, (size_t)store) : dump(src);
	exh_source_close(src);
	return rc;
}
