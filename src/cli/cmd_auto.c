/* exhume auto: unattended triage of every disk but the boot stick (boot image). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_ARGS 64

static int
run_command(int (*cmd)(int, char **), char **argv, int argc)
{
	optind = 0;	/* glibc: restart getopt for the next command */
	return cmd(argc, argv);
}

/* An empty CD drive or a dead disk must not stop the triage of the rest. */
static bool
usable(const char *dev)
{
	struct exh_source *src;
	struct exh_err err;

	if (exh_source_open(dev, &src, &err) != EXH_OK) {
		cli_error("skipped", &err);
		return false;
	}
	exh_source_release(src);
	return true;
}

/* The bundle's destination, checked against every disk that may be read
 * before any of them is opened. */
static int
check_destination(const char *bundle, const struct exh_disk_info *disks,
    size_t n)
{
	struct exh_bundle_options bo;
	const char *srcs[MAX_ARGS];
	struct exh_err err;
	size_t i, k = 0;

	for (i = 0; i < n && k < MAX_ARGS; i++)
		if (!disks[i].is_boot_stick)
			srcs[k++] = disks[i].dev_path;
	memset(&bo, 0, sizeof(bo));
	bo.path = bundle;
	if (exh_bundle_check(&bo, srcs, k, 0, &err) == EXH_OK)
		return EXH_OK;
	cli_error(NULL, &err);
	fputs("EXHUME-RESULT: failed (", stdout);
	cli_put_term(stdout, err.msg);
	fputs(")\n", stdout);
	return EXH_EUSAGE;
}

/* The bundle's SHA-256 as written next to it. */
static const char *
side_hash(const char *bundle, char hex[65])
{
	char path[600];
	FILE *fp;
	size_t got = 0;

	hex[0] = '\0';
	/* bundle is at most 511 bytes (cmd_auto): path[600] holds it. */
	if (snprintf(path, sizeof(path), "%s.sha256", bundle) >=
	    (int)sizeof(path))
		return hex;
	if ((fp = fopen(path, "r")) != NULL) {
		got = fread(hex, 1, 64, fp);
		fclose(fp);
	}
	hex[got == 64 ? 64 : 0] = '\0';
	return hex;
}

int
cmd_auto(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "evidence-dir", required_argument, NULL, 'd' },
		{ "case", required_argument, NULL, 'c' },
		{ "examiner", required_argument, NULL, 'x' },
		{ "boot-id", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *case_id = "", *examiner = "", *boot_id = NULL;
	char *args[MAX_ARGS], bundle[512], name[128], stamp[32], hex[65];
	struct exh_disk_info *disks = NULL;
	struct exh_err err;
	size_t i, n = 0;
	int c, nargs = 0, rc;
	time_t now = time(NULL);
	struct tm tm;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'c')
			case_id = optarg;
		else if (c == 'x')
			examiner = optarg;
		else if (c == 'b')
			boot_id = optarg;
		else
			goto usage;
	}
	if (dir == NULL)
		goto usage;
	if (cli_list_disks(boot_id, &disks, &n, &err) != EXH_OK) {
		cli_error(NULL, &err);
		printf("EXHUME-RESULT: failed (no disks: %s)\n", err.msg);
		return EXIT_USAGE;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* A 16-byte stamp and a literal: name[128] holds them. */
	(void)snprintf(name, sizeof(name), "exhume-%s.zip", stamp);
	if (snprintf(bundle, sizeof(bundle), "%s/%s", dir, name) >=
	    (int)sizeof(bundle)) {
		printf("EXHUME-RESULT: failed (evidence directory path too "
		    "long)\n");
		free(disks);
		return EXIT_USAGE;
	}
	if (check_destination(bundle, disks, n) != EXH_OK) {
		free(disks);
		return EXIT_USAGE;
	}
	args[nargs++] = "scan";
	args[nargs++] = "--bundle";
	args[nargs++] = bundle;
	args[nargs++] = "--case";
	args[nargs++] = (char *)case_id;
	args[nargs++] = "--examiner";
	args[nargs++] = (char *)examiner;
	for (i = 0; i < n && nargs < MAX_ARGS - 1; i++)
		if (!disks[i].is_boot_stick && usable(disks[i].dev_path))
			args[nargs++] = disks[i].dev_path;
	args[nargs] = NULL;
	if (nargs == 7) {
		printf("EXHUME-RESULT: failed (no disk besides the boot stick)\n");
		free(disks);
		return EXIT_USAGE;
	}
	rc = run_command(cmd_scan, args, nargs);
	free(disks);
	if (rc == EXIT_USAGE) {
		printf("EXHUME-RESULT: failed (scan exit status 2)\n");
		return rc;
	}
	{
		char *vargs[] = { "verify", bundle, NULL };

		if (run_command(cmd_verify, vargs, 2) != EXIT_CLEAN) {
			printf("EXHUME-RESULT: failed (bundle does not verify)\n");
			return EXIT_USAGE;
		}
	}
	printf("EXHUME-RESULT: %s\n", rc == EXIT_FINDINGS ?
	    "findings at warning or above" : rc == EXIT_PARTIAL ?
	    "complete, some objects unreadable" : "complete, nothing at "
	    "warning or above");
	printf("EXHUME-BUNDLE: %s SHA256 %s\n", name, side_hash(bundle, hex));
	/* Findings are a result: the triage itself succeeded. */
	return EXIT_CLEAN;
usage:
	fprintf(stderr, "usage: exhume auto --evidence-dir DIR [--case ID] "
	    "[--examiner NAME] [--boot-id XXXX-XXXX]\n");
	return EXIT_USAGE;
}
