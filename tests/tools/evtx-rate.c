/* evtx-rate: how fast libevtx (as linked) and exhume's event analysis read an .evtx, for bench/evtx.sh. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <fcntl.h>
#include <libevtx.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"

/*
 * usage: evtx-rate [-r rules] [-j N] [-o] FILE.evtx
 * Prints, one "name value" a line: the libevtx version, the file size,
 * the seconds (wall and CPU) libevtx takes to open the file, to hand out
 * every record (without and with its XML, one thread), the same split over N threads with
 * one libevtx handle each (records i, i+N, ...: a prototype of parallel
 * chunk decoding), and exhume's whole event analysis (exh_events_scan_fd)
 * with our binary XML reader and with libevtx alone (EXHUME_EVTX_LIBEVTX).
 */

struct part {
	const char *path;
	int first, step;
	int xml;		/* 0: records and their ids only */
	unsigned long long records, xml_bytes;
	int failed;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static libevtx_file_t *
open_evtx(const char *path)
{
	libevtx_file_t *f = NULL;

	if (libevtx_file_initialize(&f, NULL) != 1)
		return NULL;
	if (libevtx_file_open(f, path, LIBEVTX_OPEN_READ, NULL) != 1) {
		libevtx_file_free(&f, NULL);
		return NULL;
	}
	return f;
}

static void *
decode(void *arg)
{
	struct part *p = arg;
	libevtx_file_t *f = open_evtx(p->path);
	int n = 0, i;

	if (f == NULL || libevtx_file_get_number_of_records(f, &n, NULL) != 1) {
		p->failed = 1;
		return NULL;
	}
	for (i = p->first; i < n; i += p->step) {
		libevtx_record_t *rec = NULL;
		size_t sz = 0;
		uint8_t *xml;

		if (libevtx_file_get_record_by_index(f, i, &rec, NULL) != 1)
			continue;
		if (!p->xml) {
			uint64_t id;

			(void)libevtx_record_get_identifier(rec, &id, NULL);
		} else if (libevtx_record_get_utf8_xml_string_size(rec, &sz, NULL) ==
		    1 && sz > 0 && (xml = malloc(sz)) != NULL) {
			if (libevtx_record_get_utf8_xml_string(rec, xml, sz,
			    NULL) == 1)
				p->xml_bytes += sz;
			free(xml);
		}
		libevtx_record_free(&rec, NULL);
		p->records++;
	}
	libevtx_file_close(f, NULL);
	libevtx_file_free(&f, NULL);
	return NULL;
}

static void
row(const char *name, double wall, double secs_cpu, double bytes)
{
	printf("%s_wall %.3f\n%s_cpu %.3f\n%s_mbps_cpu %.1f\n", name, wall,
	    name, secs_cpu, name, secs_cpu > 0 ? bytes / 1048576.0 / secs_cpu :
	    0);
}

static int
parallel(const char *path, int nthreads, int xml, double bytes)
{
	pthread_t th[64];
	struct part parts[64];
	unsigned long long recs = 0;
	double w0 = now(), c0 = cpu();
	char name[32];
	int i;

	for (i = 0; i < nthreads; i++) {
		parts[i] = (struct part){ path, i, nthreads, xml, 0, 0, 0 };
		if (pthread_create(&th[i], NULL, decode, &parts[i]) != 0)
			return 1;
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		recs += parts[i].records;
		if (parts[i].failed)
			return 1;
	}
	(void)snprintf(name, sizeof(name), "libevtx_%s_j%d", xml ? "xml" :
	    "records", nthreads);
	row(name, now() - w0, cpu() - c0, bytes);
	printf("%s_records %llu\n", name, recs);
	return 0;
}

static int
whole(const char *rules, const char *path, double bytes, const char *name)
{
	struct exh_events *ev = NULL;
	struct exh_findings *fs = NULL;
	struct exh_events_stats st;
	struct exh_err err = { 0 };
	double w0, c0;
	int fd, rc;

	if (exh_events_create(rules, &ev, &err) != EXH_OK ||
	    exh_findings_create(&fs, &err) != EXH_OK) {
		fprintf(stderr, "evtx-rate: %s\n", err.msg);
		return 1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 1;
	memset(&st, 0, sizeof(st));
	w0 = now();
	c0 = cpu();
	rc = exh_events_scan_fd(ev, fd, path, fs, &st, &err);
	row(name, now() - w0, cpu() - c0, bytes);
	printf("%s_status %s\n%s_findings %zu\n%s_fell_back %llu\n", name,
	    exh_status_name(rc), name, exh_findings_count(fs), name,
	    (unsigned long long)st.fell_back);
	close(fd);
	exh_findings_destroy(fs);
	exh_events_destroy(ev);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *rules = EXH_RULES_DIR;
	libevtx_file_t *f;
	struct stat sb;
	double w0, c0, bytes;
	int c, n = 0, jobs = 2, only_ours = 0;

	while ((c = getopt(argc, argv, "r:j:o")) != -1) {
		if (c == 'r')
			rules = optarg;
		else if (c == 'o')
			only_ours = 1;
		else if (c == 'j' && atoi(optarg) > 0 && atoi(optarg) <= 64)
			jobs = atoi(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc || stat(argv[optind], &sb) != 0) {
		fprintf(stderr, "usage: evtx-rate [-r rules] [-j N] [-o] FILE.evtx\n");
		return 2;
	}
	bytes = (double)sb.st_size;
	printf("libevtx %s\nbytes %lld\n", libevtx_get_version(),
	    (long long)sb.st_size);
	if (only_ours)		/* -o: our reader alone, for its peak RSS */
		return whole(rules, argv[optind], bytes, "exhume_events");
	w0 = now();
	c0 = cpu();
	if ((f = open_evtx(argv[optind])) == NULL)
		return 1;
	(void)libevtx_file_get_number_of_records(f, &n, NULL);
	row("libevtx_open", now() - w0, cpu() - c0, bytes);
	printf("records %d\n", n);
	libevtx_file_close(f, NULL);
	libevtx_file_free(&f, NULL);
	if (parallel(argv[optind], 1, 0, bytes) != 0 ||
	    parallel(argv[optind], 1, 1, bytes) != 0 ||
	    (jobs > 1 && parallel(argv[optind], jobs, 1, bytes) != 0))
		return 1;
	/* Our reader (the default), then libevtx alone, as before it. */
	if (whole(rules, argv[optind], bytes, "exhume_events") != 0 ||
	    setenv("EXHUME_EVTX_LIBEVTX", "1", 1) != 0)
		return 1;
	return whole(rules, argv[optind], bytes, "exhume_events_libevtx");
}
