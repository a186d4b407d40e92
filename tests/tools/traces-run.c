/* traces-run: the post-exploitation trace checks over loose files (hives, a Tasks folder): findings as JSON lines, notes on stderr. */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/host.h"

struct files {
	const char *software, *system, *sam, *tasks;
};

static void
usage(void)
{
	fprintf(stderr, "usage: traces-run [--rules DIR] [--software HIVE] "
	    "[--system HIVE] [--sam HIVE] [--tasks DIR]\n");
	exit(2);
}

static int
slurp(const char *path, size_t max, struct exh_buf *out, struct exh_err *err)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return exh_err_set(err, errno == ENOENT ? EXH_ENOTFOUND :
		    EXH_EIO, errno, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && out->len <= max)
		if (exh_buf_append(out, chunk, n) != EXH_OK) {
			fclose(f);
			return EXH_ENOMEM;
		}
	fclose(f);
	return EXH_OK;
}

static int
rd(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	const struct files *fs = ctx;
	const char *local = NULL;

	if (exh_ascii_iends(path, "\\config\\SOFTWARE"))
		local = fs->software;
	else if (exh_ascii_iends(path, "\\config\\SYSTEM"))
		local = fs->system;
	else if (exh_ascii_iends(path, "\\config\\SAM"))
		local = fs->sam;
	if (local == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, ENOENT, "%s: not given",
		    path);
	return slurp(local, max, out, err);
}

static int
walk_dir(const char *local, const char *win, size_t max,
    exh_traces_file_fn each, void *fctx, struct exh_err *err)
{
	DIR *d = opendir(local);
	struct dirent *de;
	int rc = EXH_OK;

	if (d == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, errno, "%s: %s", local,
		    strerror(errno));
	while (rc == EXH_OK && (de = readdir(d)) != NULL) {
		char lp[4096], wp[4096];
		struct stat st;
		struct exh_fileref ref = { 0 };
		struct exh_buf b = { 0 };

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(lp, sizeof(lp), "%s/%s", local, de->d_name);
		snprintf(wp, sizeof(wp), "%s\\%s", win, de->d_name);
		if (stat(lp, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(lp, wp, max, each, fctx, err);
			continue;
		}
		ref.path = wp;
		ref.size = (uint64_t)st.st_size;
		ref.si.modified = exh_unix_to_filetime(st.st_mtime);
		if ((size_t)st.st_size > max)
			rc = each(fctx, &ref, NULL, 0, "too large");
		else if (slurp(lp, max, &b, err) != EXH_OK)
			rc = each(fctx, &ref, NULL, 0, "not readable");
		else
			rc = each(fctx, &ref, b.data != NULL ? b.data : "",
			    b.len, NULL);
		exh_buf_free(&b);
	}
	closedir(d);
	return rc;
}

static int
walk(void *ctx, const char *dir, size_t max, exh_traces_file_fn each,
    void *fctx, struct exh_err *err)
{
	const struct files *fs = ctx;

	if (fs->tasks == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, ENOENT, "%s: not given",
		    dir);
	return walk_dir(fs->tasks, dir, max, each, fctx, err);
}

int
main(int argc, char **argv)
{
	struct files fs = { 0 };
	const char *rules = EXH_RULES_DIR;
	struct exh_traces *t = NULL;
	struct exh_findings *c = NULL;
	struct exh_err err = { 0 };
	struct exh_buf b = { 0 };
	char path[4096], **notes = NULL;
	size_t n = 0, i;
	int a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--rules") == 0)
			rules = argv[a + 1];
		else if (strcmp(argv[a], "--software") == 0)
			fs.software = argv[a + 1];
		else if (strcmp(argv[a], "--system") == 0)
			fs.system = argv[a + 1];
		else if (strcmp(argv[a], "--sam") == 0)
			fs.sam = argv[a + 1];
		else if (strcmp(argv[a], "--tasks") == 0)
			fs.tasks = argv[a + 1];
		else
			usage();
	}
	if (a != argc)
		usage();
	snprintf(path, sizeof(path), "%s/traces.tsv", rules);
	if (exh_traces_load(path, &t, &err) != EXH_OK ||
	    exh_findings_create(&c, &err) != EXH_OK ||
	    exh_traces_find_from(t, NULL, rd, walk, &fs, c, &notes, &n,
	    &err) != EXH_OK) {
		fprintf(stderr, "traces-run: %s\n", err.msg);
		return 1;
	}
	exh_findings_sort(c);
	for (i = 0; i < exh_findings_count(c); i++) {
		exh_buf_reset(&b);
		if (exh_finding_to_json(exh_findings_get(c, i), &b) == EXH_OK)
			printf("%s\n", b.data);
	}
	for (i = 0; i < n; i++)
		fprintf(stderr, "note: %s\n", notes[i]);
	exh_buf_free(&b);
	exh_strvec_free(notes, n);
	exh_findings_destroy(c);
	exh_traces_free(t);
	return 0;
}
