/*
 * Test tool: runs the loaded YARA rules over the files of local directories,
 * as exhume scan would over the same files planted under a Windows folder,
 * and prints one line per file: level, score, matching rules.  Used by
 * tests/t/t2500 (web-shell fixtures), make eval (benign corpora) and the
 * rule-cost bench, where no disk image is needed.
 *
 *   rulescan [-r rulesdir] [-y extra.yar]... [-w winroot] [-s] dir...
 *
 * -r   shipped rules directory (default: the compiled-in one)
 * -y   more YARA files or directories (--rules)
 * -w   Windows folder the directory's files are planted under
 *      (default C:\inetpub\wwwroot): a file a/b.aspx is scanned as
 *      C:\inetpub\wwwroot\a\b.aspx, so placement rules see that path
 * -s   a file whose name has "@" scans as an alternate data stream: host
 *      name before "@", stream name after it (x.txt@s.aspx -> x.txt:s.aspx)
 *
 * Output (TAB-separated): level score relpath rule=score,...  and on stderr
 * a summary: files, bytes, seconds, counts by level.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"

#define MAX_FILE (64u << 20)	/* bigger files are not web pages */
#define MAX_YARA 16

struct run {
	struct exh_rules *rules;
	struct exh_matcher *m;
	const char *winroot;
	const char *top;	/* directory being walked */
	int ads;
	size_t files, bytes, skipped, levels[4];
};

static void
usage(void)
{
	fprintf(stderr, "usage: rulescan [-r rulesdir] [-y yara]... "
	    "[-w winroot] [-s] dir...\n");
	exit(2);
}

/* Windows path and stream of rel (relative to the walked directory). */
static void
winpath_of(const struct run *r, const char *rel, char *path, size_t np,
    char *stream, size_t ns)
{
	char *at, *p;

	snprintf(path, np, "%s\\%s", r->winroot, rel);
	for (p = path; *p != '\0'; p++)
		if (*p == '/')
			*p = '\\';
	stream[0] = '\0';
	at = r->ads ? strrchr(path, '@') : NULL;
	if (at != NULL && strchr(at, '\\') == NULL) {
		snprintf(stream, ns, "%s", at + 1);
		*at = '\0';
	}
}

static int
read_whole(const char *fs_path, size_t size, unsigned char **out)
{
	FILE *fp = fopen(fs_path, "rb");
	unsigned char *buf;

	if (fp == NULL)
		return -1;
	buf = malloc(size > 0 ? size : 1);
	if (buf == NULL || fread(buf, 1, size, fp) != size) {
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*out = buf;
	return 0;
}

static void
print_finding(const struct exh_finding *f, const char *rel)
{
	size_t i;

	printf("%s\t%d\t%s\t", exh_level_name(f->level), f->score, rel);
	for (i = 0; i < f->nreasons; i++)
		printf("%s%s=%d", i > 0 ? "," : "", f->reasons[i].name,
		    f->reasons[i].score);
	printf("\n");
}

static int
scan_one(struct run *r, const char *fs_path, size_t size)
{
	char path[4096], stream[512];
	const char *rel = fs_path + strlen(r->top) + 1;
	struct exh_scan_target t = { 0 };
	struct exh_err err = { 0 };
	struct exh_finding *f;
	unsigned char *buf = NULL;
	int rc;

	if (size > MAX_FILE || read_whole(fs_path, size, &buf) != 0) {
		fprintf(stderr, "rulescan: %s: cannot read, skipped\n", fs_path);
		r->skipped++;
		return 0;
	}
	winpath_of(r, rel, path, sizeof(path), stream, sizeof(stream));
	t.path = path;
	t.stream = stream;
	t.size = size;
	t.owner = "";
	t.filetype = exh_rules_filetype(r->rules, buf, size);
	f = exh_finding_new(EXH_FIND_FILE);
	if (f == NULL) {
		free(buf);
		return -1;
	}
	/* As the scanner does: the prefilter may narrow the rule set. */
	if (!exh_matcher_prepare(r->m, &t, buf, size) &&
	    size > EXH_MATCHER_HEAD)
		size = EXH_MATCHER_HEAD;
	rc = exh_matcher_scan(r->m, &t, buf, size, 0, f, &err);
	if (rc != EXH_OK)
		fprintf(stderr, "rulescan: %s: %s\n", fs_path, err.msg);
	exh_finding_rescore(f);
	r->files++;
	r->bytes += t.size;
	r->levels[f->level]++;
	if (f->nreasons > 0)
		print_finding(f, rel);
	exh_finding_free(f);
	free(buf);
	return 0;
}

/* Scans every regular file below dir (sorted, so output is stable). */
static int
walk(struct run *r, const char *dir)
{
	struct dirent **ents = NULL;
	char p[4096];
	struct stat st;
	int n, i, rc = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "rulescan: %s: cannot list, skipped\n", dir);
		r->skipped++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (rc == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) < sizeof(p) &&
		    lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = walk(r, p);
			else if (S_ISREG(st.st_mode))
				rc = scan_one(r, p, (size_t)st.st_size);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int
load(struct run *r, const char *rules_dir, const char **yara, size_t ny)
{
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	size_t i;

	o.default_dir = rules_dir;
	o.yara_paths = yara;
	o.n_yara = ny;
	if (exh_rules_load(&o, &r->rules, &err) != EXH_OK) {
		fprintf(stderr, "rulescan: rules: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < exh_rules_file_count(r->rules); i++) {
		const struct exh_rules_file *rf = exh_rules_file(r->rules, i);

		if (rf->error != NULL)
			fprintf(stderr, "rulescan: %s: %s\n", rf->path,
			    rf->error);
	}
	if (exh_matcher_create(r->rules, 0, &r->m, &err) != EXH_OK) {
		fprintf(stderr, "rulescan: matcher: %s\n", err.msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct run r = { 0 };
	const char *rules_dir = NULL, *yara[MAX_YARA];
	struct timespec t0, t1;
	size_t ny = 0;
	int c, i, rc = 0;

	r.winroot = "C:\\inetpub\\wwwroot";
	while ((c = getopt(argc, argv, "r:y:w:s")) != -1) {
		switch (c) {
		case 'r':
			rules_dir = optarg;
			break;
		case 'y':
			if (ny == MAX_YARA)
				usage();
			yara[ny++] = optarg;
			break;
		case 'w':
			r.winroot = optarg;
			break;
		case 's':
			r.ads = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (load(&r, rules_dir, yara, ny) != 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = optind; i < argc && rc == 0; i++) {
		r.top = argv[i];
		if (walk(&r, argv[i]) != 0)
			rc = 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "rulescan: %zu files, %zu bytes, %.3f s; info %zu, "
	    "notice %zu, warning %zu, alert %zu; %zu skipped\n", r.files,
	    r.bytes, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, r.levels[0], r.levels[1],
	    r.levels[2], r.levels[3], r.skipped);
	fprintf(stderr, "rulescan: prefilter %s; %zu reduced rule sets "
	    "compiled\n", exh_rules_prefilter_note(r.rules),
	    exh_rules_subsets_compiled(r.rules));
	exh_matcher_destroy(r.m);
	exh_rules_destroy(r.rules);
	return rc != 0 ? rc : r.skipped > 0 ? 3 : 0;
}
