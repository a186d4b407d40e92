/* Test tool: runs the log analysers over local files and prints counts, RSS and speed. */
#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"

/* -d: the text of a finding, to compare runs byte for byte. */
static void
print_details(const struct exh_finding *f)
{
	size_t i;

	printf("  excerpt %s\n", f->excerpt ? f->excerpt : "-");
	for (i = 0; i < f->nfields; i++)
		printf("  field %s=%s\n", f->fields[i].key, f->fields[i].value);
	for (i = 0; i < f->nreasons; i++)
		printf("  reason %s %d %s\n", f->reasons[i].name,
		    f->reasons[i].score, f->reasons[i].detail ?
		    f->reasons[i].detail : "-");
}

static void
usage(void)
{
	fprintf(stderr, "usage: logscan-run [-v] [-d] [-r rules] [-i install] "
	    "[-f family] [-w winpath] [-u flagged-url] file...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *rules = "rules", *install = NULL, *winpath = NULL;
	struct exh_logscan *ls = NULL;
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	struct timespec t0, t1;
	struct rusage ru;
	struct stat st;
	unsigned long long bytes = 0;
	int c, family = EXH_LOG_UNKNOWN, verbose = 0, rc = 0, i, status;
	size_t k, counts[4];
	double secs;

	const char *urls[16];
	int nurls = 0;

	while ((c = getopt(argc, argv, "vdr:i:f:w:u:")) != -1) {
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		case 'd':
			verbose = 2;	/* also every finding's text */
			break;
		case 'r':
			rules = optarg;
			break;
		case 'i':
			install = optarg;
			break;
		case 'f':
			family = exh_log_family_parse(optarg);
			break;
		case 'w':
			winpath = optarg;
			break;
		case 'u':
			if (nurls < 16)
				urls[nurls++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (exh_logscan_create(rules, &ls, &err) != EXH_OK ||
	    exh_findings_create(&fs, &err) != EXH_OK) {
		fprintf(stderr, "logscan-run: %s\n", err.msg);
		return 1;
	}
	exh_logscan_set_install_path(ls, install);
	for (i = 0; i < nurls; i++)
		if (exh_logscan_add_flagged_url(ls, urls[i], "F-test",
		    &err) != EXH_OK) {
			fprintf(stderr, "logscan-run: %s\n", err.msg);
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = optind; i < argc; i++) {
		if (stat(argv[i], &st) == 0)
			bytes += (unsigned long long)st.st_size;
		status = exh_logscan_local_file(ls, argv[i], winpath, family,
		    fs, &err);
		if (status != EXH_OK) {
			printf("error %s %s\n", exh_status_name(status),
			    err.msg);
			rc = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	exh_findings_sort(fs);
	if (verbose) {
		for (k = 0; k < exh_findings_count(fs); k++) {
			const struct exh_finding *f = exh_findings_get(fs, k);
			char ts[32];

			size_t j;

			/* A grouped finding prints its sample lines, so a
			 * group of up to EXH_GROUP_SAMPLES hits lists each. */
			for (j = 0; j < (f->nsamples > 0 ? f->nsamples : 1); j++)
				printf("hit %s %s line=%llu score=%d level=%s "
				    "time=%s ip=%s count=%llu\n", f->file.path,
				    f->check, (unsigned long long)(f->nsamples > 0 ?
				    f->samples[j].line : f->line), f->score,
				    exh_level_name(f->level), exh_filetime_iso(
				    f->nsamples > 0 ? f->samples[j].time : f->time,
				    ts), f->client_ip ? f->client_ip : "-",
				    (unsigned long long)(f->count ? f->count : 1));
			if (verbose > 1)
				print_details(f);
		}
		for (k = 0; k < exh_logscan_coverage_count(ls); k++) {
			const struct exh_log_coverage *cv =
			    exh_logscan_coverage(ls, k);
			char a[32], b[32];

			printf("coverage %s files=%llu lines=%llu bad=%llu "
			    "first=%s last=%s\n",
			    exh_log_family_name(cv->family),
			    (unsigned long long)cv->files,
			    (unsigned long long)cv->lines,
			    (unsigned long long)cv->bad_lines,
			    exh_filetime_iso(cv->first, a),
			    exh_filetime_iso(cv->last, b));
		}
	}
	/* Per-check counts (quadratic; fine for the few hits of a test). */
	for (k = 0; k < exh_findings_count(fs) && exh_findings_count(fs) <
	    5000; k++) {
		const char *id = exh_findings_get(fs, k)->check;
		size_t j, n = 0;

		for (j = 0; j < exh_findings_count(fs); j++)
			if (strcmp(exh_findings_get(fs, j)->check, id) == 0) {
				if (j < k)
					break;
				n++;
			}
		if (n > 0)
			printf("count %s %zu\n", id, n);
	}
	exh_findings_level_counts(fs, counts);
	getrusage(RUSAGE_SELF, &ru);
	printf("slow_rules %zu\n", exh_logscan_slow_rules(ls));
	printf("findings %zu\n", exh_findings_count(fs));
	printf("alerts %zu\n", counts[EXH_LEVEL_ALERT]);
	printf("bytes %llu\n", bytes);
	printf("seconds %.3f\n", secs);
	printf("mbps %.1f\n", secs > 0 ? (double)bytes / 1048576.0 / secs : 0);
	printf("maxrss_kb %ld\n", ru.ru_maxrss);
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
	return rc;
}
