/* exhume auto: unattended triage of every disk but the boot stick (boot image). */
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_ARGS 64
/* What scan takes before the sources at most (see run_scan). */
#define SCAN_FIXED 13
#define MAX_DISKS (MAX_ARGS - SCAN_FIXED - 1)
/* --parent FILE... and the image options, passed on to scan. */
#define MAX_PARENTS 16
#define SCAN_EXTRA (2 * MAX_PARENTS + 3)

/* The documents scan --out writes, named on the result line. */
static const char *const documents[] = { "findings.jsonl", "summary.txt",
    "report.html", "report.txt", "timeline.csv", "acquisition.json" };
#define NDOCS (sizeof(documents) / sizeof(documents[0]))

struct auto_run {
	const char *dir, *case_id, *examiner, *boot_id;
	const char *given[MAX_DISKS];	/* --source: instead of /sys/block */
	size_t ngiven;
	const char *parents[MAX_PARENTS];	/* --parent */
	size_t nparents;
	bool no_image_hash, verify_image, no_snapshots;
	char *disks[MAX_DISKS];		/* to be read */
	size_t ndisks;
	char stamp[32];
	char bundle[512], docs[512];	/* exhume-STAMP.zip, exhume-STAMP */
};

static int
run_command(int (*cmd)(int, char **), char **argv, int argc)
{
	optind = 0;	/* glibc: restart getopt for the next command */
	return cmd(argc, argv);
}

static void
say_skipped(const char *dev, const char *why)
{
	fputs("exhume: skipped ", stderr);
	cli_put_term(stderr, dev);
	fprintf(stderr, ": %s\n", why);
}

/* An empty CD drive or a dead disk must not stop the triage of the rest. */
static bool
usable(const struct auto_run *r, const char *dev)
{
	struct exh_source_options so = { .parents = r->parents,
	    .nparents = r->nparents };
	struct exh_source *src;
	struct exh_err err;

	if (exh_source_open_with(dev, &so, &src, &err) != EXH_OK) {
		cli_error("skipped", &err);
		return false;
	}
	exh_source_release(src);
	return true;
}

/* The kernel's name of a block device path ("/dev/sdb" -> "sdb"); false
 * for anything else (an image file is nobody's mounted disk). */
static bool
block_name(const char *path, char *name, size_t len)
{
	char real[PATH_MAX];
	struct stat st;
	const char *base;

	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode) ||
	    realpath(path, real) == NULL)
		return false;
	base = strrchr(real, '/');
	base = base != NULL ? base + 1 : real;
	return snprintf(name, len, "%s", base) < (int)len;
}

/* A disk with a mounted file system belongs to the running system, as in
 * exhume sources and the UI: it is not evidence, and reading it while it
 * changes would give a torn picture. */
static bool
in_use(const char *dev, const char *name)
{
	if (!exh_source_disk_in_use(NULL, name))
		return false;
	say_skipped(dev, "in use by the running system, a file system on it "
	    "is mounted: not examined");
	return true;
}

static int
add_disk(struct auto_run *r, const char *dev, struct exh_err *err)
{
	if (r->ndisks == MAX_DISKS) {
		say_skipped(dev, "too many disks for one run");
		return EXH_OK;
	}
	if ((r->disks[r->ndisks] = strdup(dev)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	r->ndisks++;
	return EXH_OK;
}

/* The disks to read: --source as given, else /sys/block without the boot
 * stick; either way without the disks in use. */
static int
choose_disks(struct auto_run *r, struct exh_err *err)
{
	struct exh_disk_info *d = NULL;
	char name[64];
	size_t i, n = 0;
	int rc = EXH_OK;

	for (i = 0; i < r->ngiven && rc == EXH_OK; i++)
		if (!block_name(r->given[i], name, sizeof(name)) ||
		    !in_use(r->given[i], name))
			rc = add_disk(r, r->given[i], err);
	if (r->ngiven > 0 || rc != EXH_OK)
		return rc;
	if ((rc = cli_list_disks(r->boot_id, &d, &n, err)) != EXH_OK)
		return rc;
	for (i = 0; i < n && rc == EXH_OK; i++) {
		if (d[i].is_boot_stick)
			say_skipped(d[i].dev_path,
			    "the exhume boot medium (stick or CD)");
		else if (!in_use(d[i].dev_path, d[i].name))
			rc = add_disk(r, d[i].dev_path, err);
	}
	free(d);
	return rc;
}

static void
say_failed(const char *why)
{
	fputs("EXHUME-RESULT: failed (", stdout);
	cli_put_term(stdout, why);
	fputs(")\n", stdout);
}

/* The bundle's destination and the documents' folder, checked against
 * every disk that may be read before any of them is opened. */
static int
check_destination(const struct auto_run *r)
{
	struct exh_bundle_options bo;
	struct exh_err err;
	struct stat st;

	if (lstat(r->docs, &st) == 0) {
		fputs("exhume: ", stderr);
		cli_put_term(stderr, r->docs);
		fputs(": already exists; results are never overwritten\n",
		    stderr);
		say_failed("the results folder exists already");
		return EXH_EUSAGE;
	}
	memset(&bo, 0, sizeof(bo));
	bo.path = r->bundle;
	if (exh_bundle_check(&bo, (const char *const *)r->disks, r->ndisks, 0,
	    &err) == EXH_OK)
		return EXH_OK;
	cli_error(NULL, &err);
	say_failed(err.msg);
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
	/* bundle is at most 511 bytes (struct auto_run): path[600] holds it. */
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

/* Every document is in the results folder. */
static bool
documents_written(const struct auto_run *r)
{
	char path[700];
	struct stat st;
	size_t i;

	for (i = 0; i < NDOCS; i++)
		if (snprintf(path, sizeof(path), "%s/%s", r->docs,
		    documents[i]) >= (int)sizeof(path) || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			return false;
	return true;
}

/* "; results in exhume-STAMP/ (findings.jsonl, ...)" */
static void
put_documents(const struct auto_run *r)
{
	size_t i;

	fprintf(stdout, "; results in exhume-%s/ (", r->stamp);
	for (i = 0; i < NDOCS; i++)
		fprintf(stdout, "%s%s", i ? ", " : "", documents[i]);
	fputc(')', stdout);
}

/*
 * scan --out first, then --bundle with the cap fitted to the free space:
 * the documents are written before the bundle and stay whatever becomes
 * of it.
 */
static int
run_scan(struct auto_run *r)
{
	char *args[MAX_ARGS + SCAN_EXTRA];
	int fixed, nargs = 0;
	size_t i;

	args[nargs++] = "scan";
	args[nargs++] = "--out";
	args[nargs++] = r->docs;
	args[nargs++] = "--bundle";
	args[nargs++] = r->bundle;
	args[nargs++] = "--max-collect";
	args[nargs++] = "fit";
	args[nargs++] = "--case";
	args[nargs++] = (char *)r->case_id;
	args[nargs++] = "--examiner";
	args[nargs++] = (char *)r->examiner;
	/* Unattended: a plain line every 10 s, whatever the console is. */
	args[nargs++] = "--progress";
	args[nargs++] = "lines";
	for (i = 0; i < r->nparents; i++) {
		args[nargs++] = "--parent";
		args[nargs++] = (char *)r->parents[i];
	}
	if (r->no_image_hash)
		args[nargs++] = "--no-image-hash";
	if (r->verify_image)
		args[nargs++] = "--verify-image";
	if (r->no_snapshots)
		args[nargs++] = "--no-snapshots";
	fixed = nargs;
	for (i = 0; i < r->ndisks; i++)
		if (usable(r, r->disks[i]))
			args[nargs++] = r->disks[i];
	args[nargs] = NULL;
	if (nargs == fixed) {
		say_failed(r->ngiven > 0 ? "no usable source" :
		    "no disk besides the boot stick");
		return -1;
	}
	fflush(stdout);
	return run_command(cmd_scan, args, nargs);
}

static int
finish(struct auto_run *r, int rc)
{
	char *vargs[] = { "verify", r->bundle, NULL };
	const char *why = NULL;
	char hex[65];
	bool docs = documents_written(r);
	struct stat st;

	if (stat(r->bundle, &st) != 0)
		why = docs ? "no bundle" : rc == EXIT_USAGE ?
		    "scan exit status 2" : "nothing written";
	else if (run_command(cmd_verify, vargs, 2) != EXIT_CLEAN)
		why = "the bundle does not verify";
	else if (!docs)
		why = "the results folder is incomplete";
	else if (rc == EXIT_USAGE)
		why = "scan exit status 2";
	if (why != NULL) {
		printf("EXHUME-RESULT: failed (%s", why);
		if (docs)
			put_documents(r);
		fputs(")\n", stdout);
		return EXIT_USAGE;
	}
	fputs("EXHUME-RESULT: ", stdout);
	fputs(rc == EXIT_FINDINGS ? "findings at warning or above" :
	    rc == EXIT_PARTIAL ? "incomplete, something was not examined "
	    "(see the notes)" :
	    "complete, nothing at warning or above", stdout);
	put_documents(r);
	fputc('\n', stdout);
	printf("EXHUME-BUNDLE: exhume-%s.zip SHA256 %s\n", r->stamp,
	    side_hash(r->bundle, hex));
	/* Findings are a result: the triage itself succeeded. */
	return EXIT_CLEAN;
}

static int
parse(int argc, char **argv, struct auto_run *r)
{
	static const struct option opts[] = {
		{ "evidence-dir", required_argument, NULL, 'd' },
		{ "case", required_argument, NULL, 'c' },
		{ "examiner", required_argument, NULL, 'x' },
		{ "boot-id", required_argument, NULL, 'b' },
		{ "source", required_argument, NULL, 's' },
		{ "parent", required_argument, NULL, 'A' },
		{ "no-image-hash", no_argument, NULL, 'H' },
		{ "verify-image", no_argument, NULL, 'V' },
		{ "no-snapshots", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	r->case_id = r->examiner = "";
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'd')
			r->dir = optarg;
		else if (c == 'c')
			r->case_id = optarg;
		else if (c == 'x')
			r->examiner = optarg;
		else if (c == 'b')
			r->boot_id = optarg;
		else if (c == 's' && r->ngiven < MAX_DISKS)
			r->given[r->ngiven++] = optarg;
		else if (c == 'A' && r->nparents < MAX_PARENTS)
			r->parents[r->nparents++] = optarg;
		else if (c == 'H')
			r->no_image_hash = true;
		else if (c == 'V')
			r->verify_image = true;
		else if (c == 'W')
			r->no_snapshots = true;
		else if (c == 's' || c == 'A')
			return cli_usage_error("auto", c == 's' ?
			    _("--source: given too many times") :
			    _("--parent: given too many times"));
		else
			return cli_option_error("auto", c, argv);
	}
	if (r->dir == NULL)
		return cli_usage_error("auto", _("--evidence-dir is needed"));
	if (optind != argc)
		return cli_usage_error("auto", _("takes no operands; name "
		    "images with --source"));
	return EXIT_CLEAN;
}

int
cmd_auto(int argc, char **argv)
{
	struct auto_run r;
	struct exh_err err;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int rc = EXIT_USAGE;

	memset(&r, 0, sizeof(r));
	if (parse(argc, argv, &r) != EXIT_CLEAN)
		return EXIT_USAGE;
	gmtime_r(&now, &tm);
	strftime(r.stamp, sizeof(r.stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (snprintf(r.bundle, sizeof(r.bundle), "%s/exhume-%s.zip", r.dir,
	    r.stamp) >= (int)sizeof(r.bundle) || snprintf(r.docs,
	    sizeof(r.docs), "%s/exhume-%s", r.dir, r.stamp) >=
	    (int)sizeof(r.docs)) {
		say_failed("evidence directory path too long");
		return EXIT_USAGE;
	}
	if (choose_disks(&r, &err) != EXH_OK) {
		cli_error(NULL, &err);
		fputs("EXHUME-RESULT: failed (no disks: ", stdout);
		cli_put_term(stdout, err.msg);
		fputs(")\n", stdout);
		goto out;
	}
	if (check_destination(&r) != EXH_OK)
		goto out;
	if ((rc = run_scan(&r)) < 0)
		rc = EXIT_USAGE;
	else
		rc = finish(&r, rc);
out:
	for (i = 0; i < r.ndisks; i++)
		free(r.disks[i]);
	return rc;
}
