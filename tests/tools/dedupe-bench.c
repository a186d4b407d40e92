/*
 * dedupe-bench N: the shadow-copy dedupe index with N live streams (as a
 * live scan records them, from 2 threads), frozen, then N store lookups
 * and N cross-store contents; prints the index bytes, bytes per stream,
 * peak RSS and the times.  For bench/dedupe.sh.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "scan/scan_int.h"

struct feeder {
	struct exh_scan_dedupe *d;
	uint64_t from, to;
	int rc;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A digest in hex that differs for every i. */
static void
digest(uint64_t i, char hex[65])
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1;

	(void)snprintf(hex, 65, "%016llx%016llx%016llx%016llx",
	    (unsigned long long)x, (unsigned long long)(x ^ 0xabcdef),
	    (unsigned long long)i, (unsigned long long)~x);
}

static struct exh_fileref
ref(uint64_t i)
{
	struct exh_fileref f;

	memset(&f, 0, sizeof(f));
	f.mft = 64 + i;
	f.seq = 1;
	f.stream = "";
	f.size = 100 + i % 100000;
	return f;
}

static void *
feed(void *arg)
{
	struct feeder *fd = arg;
	unsigned char head[8] = { 0 };
	struct exh_fileref f;
	char hex[65];
	uint64_t i;

	for (i = fd->from; i < fd->to && fd->rc == EXH_OK; i++) {
		f = ref(i);
		digest(i, hex);
		fd->rc = dedupe_record(fd->d, &f, head, hex);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct exh_scan_dedupe *d;
	struct exh_scan_dedupe_counts c;
	struct feeder fd[2];
	pthread_t th[2];
	struct rusage ru;
	struct exh_fileref f;
	struct exh_err err;
	uint64_t n, i, found = 0;
	double t0, t1, t2, t3;
	char hex[65];
	bool seen;
	int k;

	if (argc != 2 || (n = strtoull(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: dedupe-bench N\n");
		return 2;
	}
	if (exh_scan_dedupe_create(&d, &err) != EXH_OK)
		return 1;
	t0 = now();
	for (k = 0; k < 2; k++) {
		fd[k] = (struct feeder){ d, n * k / 2, n * (k + 1) / 2,
		    EXH_OK };
		pthread_create(&th[k], NULL, feed, &fd[k]);
	}
	for (k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	if (fd[0].rc != EXH_OK || fd[1].rc != EXH_OK ||
	    exh_scan_dedupe_freeze(d, &err) != EXH_OK)
		return 1;
	t1 = now();
	for (i = 0; i < n; i++) {
		f = ref(i);
		digest(i, hex);
		found += dedupe_live(d, &f) != NULL &&
		    dedupe_same_sha(dedupe_live(d, &f), hex);
	}
	t2 = now();
	exh_scan_dedupe_next_store(d);
	for (i = 0; i < n; i++) {
		digest(i + n, hex);
		if (dedupe_store_seen(d, hex, &seen) != EXH_OK)
			return 1;
	}
	t3 = now();
	exh_scan_dedupe_counts(d, &c);
	getrusage(RUSAGE_SELF, &ru);
	printf("streams %llu: index %llu bytes (%.1f per stream), found "
	    "identical %llu; record+freeze %.2f s, lookups %.2f s, %llu "
	    "store contents %.2f s; peak RSS %ld MiB\n",
	    (unsigned long long)n, (unsigned long long)c.index_bytes,
	    (double)c.index_bytes / (double)n, (unsigned long long)found,
	    t1 - t0, t2 - t1, (unsigned long long)n, t3 - t2,
	    ru.ru_maxrss / 1024);
	exh_scan_dedupe_destroy(d);
	return found == n ? 0 : 1;
}
