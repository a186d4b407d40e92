/* profile-run: opens disk images, builds the Exchange host profile and prints it (test driver until `exhume profile` exists). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/host.h"
#include "exhume/report.h"
#include "exhume/source.h"
#include "exhume/volume.h"

#define MAX_VOLS 32

static void
usage(void)
{
	fprintf(stderr, "usage: profile-run [--json|--findings] [--rules DIR] "
	    "[--letter N=X,...] IMAGE...\n");
	exit(2);
}

static int
print_findings(const struct exh_profile *p)
{
	struct exh_findings *c;
	struct exh_err err;
	struct exh_buf b = { 0 };
	size_t i;

	if (exh_findings_create(&c, &err) != EXH_OK ||
	    exh_profile_findings(p, c, &err) != EXH_OK) {
		fprintf(stderr, "profile-run: %s\n", err.msg);
		return 1;
	}
	exh_findings_sort(c);
	for (i = 0; i < exh_findings_count(c); i++) {
		exh_buf_reset(&b);
		if (exh_finding_to_json(exh_findings_get(c, i), &b) == EXH_OK)
			printf("%s\n", b.data);
	}
	exh_buf_free(&b);
	exh_findings_destroy(c);
	return 0;
}

int
main(int argc, char **argv)
{
	struct exh_source *srcs[MAX_VOLS];
	struct exh_volume *vols[MAX_VOLS];
	struct exh_profile *p;
	struct exh_err err;
	struct exh_buf b = { 0 };
	const char *rules = getenv("EXHUME_RULES_DIR"), *letters = NULL;
	const char *mode = "text";
	size_t nsrc = 0, nvol = 0, i, k;
	int a, rc = 0;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--json") == 0)
			mode = "json";
		else if (strcmp(argv[a], "--findings") == 0)
			mode = "findings";
		else if (strcmp(argv[a], "--rules") == 0 && a + 1 < argc)
			rules = argv[++a];
		else if (strcmp(argv[a], "--letter") == 0 && a + 1 < argc)
			letters = argv[++a];
		else
			usage();
	}
	if (a == argc || rules == NULL)
		usage();
	for (; a < argc && nsrc < MAX_VOLS; a++) {
		if (exh_source_open(argv[a], &srcs[nsrc], &err) != EXH_OK) {
			fprintf(stderr, "profile-run: %s\n", err.msg);
			return 1;
		}
		for (k = 0; k < exh_source_partition_count(srcs[nsrc]); k++) {
			const struct exh_partition *pt =
			    exh_source_partition(srcs[nsrc], k);

			if (pt->fs == EXH_FS_NTFS && nvol < MAX_VOLS &&
			    exh_volume_open(srcs[nsrc], pt->number,
			    &vols[nvol], &err) == EXH_OK)
				nvol++;
		}
		nsrc++;
	}
	if (exh_volume_assign_letters(vols, nvol, letters, &err) != EXH_OK ||
	    exh_profile_build(vols, nvol, rules, &p, &err) != EXH_OK) {
		fprintf(stderr, "profile-run: %s\n", err.msg);
		rc = 1;
	} else {
		if (strcmp(mode, "findings") == 0)
			rc = print_findings(p);
		else if ((strcmp(mode, "json") == 0 ?
		    exh_report_profile_json(p, &b) :
		    exh_report_profile_text(p, &b)) == EXH_OK)
			printf("%s\n", b.data);
		exh_profile_free(p);
	}
	exh_buf_free(&b);
	for (i = 0; i < nvol; i++)
		exh_volume_close(vols[i]);
	for (i = 0; i < nsrc; i++)
		exh_source_close(srcs[i]);
	return rc;
}
