/* exhume scan: load rules, scan the Exchange triage scope (or whole volumes), report findings. */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_PATHS EXH_TRIAGE_MAX_PATHS

struct scan_args {
	struct exh_triage_options to;
	struct exh_triage_bundle_options tb;
	struct exh_bundle_options *bo;	/* &tb.bundle */
	const char *certs[MAX_PATHS];
	bool jsonl;
	const char *out_dir;
	bool force;		/* --out into a directory that holds files */
	const char *password_file, *sign_password_file;
	char *password, *sign_password;	/* read by the preflight */
	const char *lang;
	enum cli_progress_mode progress;
	struct cli_progress pr;
};

static int
too_many(const char *opt)
{
	char msg[256];

	(void)snprintf(msg, sizeof(msg), _("%s: given more than %d times"),
	    opt, MAX_PATHS);
	return cli_usage_error("scan", msg);
}

static int
bad(const char *opt, const char *value, const char *what,
    const char *accepted)
{
	return cli_bad_value("scan", opt, value, what, accepted);
}

/* What the options say together. */
static int
check_combination(int argc, struct scan_args *a)
{
	if (optind >= argc)
		return cli_usage_error("scan", _("no SOURCE given"));
	if ((a->bo->sign_key == NULL) != (a->bo->sign_cert == NULL))
		return cli_usage_error("scan",
		    _("--sign and --cert go together"));
	if (a->bo->path == NULL && (a->bo->n_encrypt_certs > 0 ||
	    a->bo->sign_key != NULL || a->password_file != NULL))
		return cli_usage_error("scan", _("--encrypt-to, --sign and "
		    "--zip-password-file need --bundle"));
	if (a->sign_password_file != NULL && a->bo->sign_key == NULL)
		return cli_usage_error("scan",
		    _("--sign-password-file needs --sign"));
	if (a->force && a->out_dir == NULL)
		return cli_usage_error("scan", _("--force needs --out"));
	a->bo->encrypt_certs = a->certs;
	return EXIT_CLEAN;
}

static int
parse_args(int argc, char **argv, struct scan_args *a)
{
	static const struct option opts[] = {
		{ "volume", required_argument, NULL, 'v' },
		{ "letter", required_argument, NULL, 'L' },
		{ "rules", required_argument, NULL, 'r' },
		{ "iocs", required_argument, NULL, 'i' },
		{ "no-default-rules", no_argument, NULL, 'n' },
		{ "no-prefilter", no_argument, NULL, 'p' },
		{ "no-logs", no_argument, NULL, 'g' },
		{ "no-history", no_argument, NULL, 'Y' },
		{ "no-snapshots", no_argument, NULL, 'W' },
		{ "full", no_argument, NULL, 'F' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "bundle", required_argument, NULL, 'B' },
		{ "zip-password-file", required_argument, NULL, 'P' },
		{ "max-collect", required_argument, NULL, 'C' },
		{ "case", required_argument, NULL, 'c' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "examiner", required_argument, NULL, 'x' },
		{ "notes", required_argument, NULL, 'N' },
		{ "aware-since", required_argument, NULL, 'w' },
		{ "measures", required_argument, NULL, 'M' },
		{ "data-categories", required_argument, NULL, 'D' },
		{ "lang", required_argument, NULL, 'l' },
		{ "encrypt-to", required_argument, NULL, 'E' },
		{ "sign", required_argument, NULL, 'S' },
		{ "cert", required_argument, NULL, 'T' },
		{ "sign-password-file", required_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", required_argument, NULL, 'R' },
		{ "parent", required_argument, NULL, 'A' },
		{ "no-image-hash", no_argument, NULL, 'H' },
		{ "verify-image", no_argument, NULL, 'V' },
		{ "force", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(a, 0, sizeof(*a));
	a->bo = &a->tb.bundle;
	cli_triage_defaults(&a->to);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (!cli_parse_range(optarg, 1, 1000, &v))
				return bad("--volume", optarg,
				    _("is not a volume number"), "1-1000");
			a->to.only_volume = (int)v;
			break;
		case 'L':
			a->to.letters = optarg;
			break;
		case 'r':
			if (a->to.n_yara == MAX_PATHS)
				return too_many("--rules");
			a->to.yara_paths[a->to.n_yara++] = optarg;
			break;
		case 'i':
			if (a->to.n_ioc == MAX_PATHS)
				return too_many("--iocs");
			a->to.ioc_paths[a->to.n_ioc++] = optarg;
			break;
		case 'n':
			a->to.no_default_rules = true;
			break;
		case 'A':
			if (a->to.n_parents == MAX_PATHS)
				return too_many("--parent");
			a->to.parents[a->to.n_parents++] = optarg;
			break;
		case 'H':
			a->to.no_image_hash = true;
			break;
		case 'V':
			a->to.verify_image = true;
			break;
		case 'p':
			a->to.no_prefilter = true;
			break;
		case 'g':
			a->to.no_logs = true;
			break;
		case 'Y':
			a->to.no_history = true;
			break;
		case 'W':
			a->to.no_snapshots = true;
			break;
		case 'F':
			a->to.full = true;
			break;
		case 't':
			if (!cli_parse_range(optarg, 1, 64, &v))
				return bad("--threads", optarg,
				    _("is not a thread count"), "1-64");
			a->to.threads = (unsigned)v;
			break;
		case 'm':
			if (!cli_parse_range(optarg, 1, UINT64_MAX, &v))
				return bad("--max-size", optarg,
				    _("is not a size in bytes"),
				    _("1 or more"));
			a->to.max_size = v;
			break;
		case 'o':
			a->out_dir = optarg;
			break;
		case 'O':
			a->force = true;
			break;
		case 'B':
			a->bo->path = optarg;
			break;
		case 'P':
			a->password_file = optarg;
			break;
		case 'K':
			a->sign_password_file = optarg;
			break;
		case 'C':
			/* "fit": what the destination has room for (auto). */
			if (strcmp(optarg, "fit") == 0)
				a->tb.fit_space = true;
			else if (!cli_parse_range(optarg, 1, UINT64_MAX, &v))
				return bad("--max-collect", optarg,
				    _("is not a size in bytes"),
				    _("1 or more, or fit"));
			else
				a->bo->max_collect_bytes = v;
			break;
		case 'c':
			a->to.case_id = optarg;
			break;
		case 'e':
			a->to.evidence_id = optarg;
			break;
		case 'x':
			a->to.examiner = optarg;
			break;
		case 'N':
			a->to.notes = optarg;
			break;
		case 'w':
			a->to.aware_since = optarg;
			break;
		case 'M':
			a->to.measures = optarg;
			break;
		case 'D':
			a->to.data_categories = optarg;
			break;
		case 'l':
			if (exh_i18n_set_lang(optarg) != EXH_OK)
				return bad("--lang", optarg,
				    _("is not a language"), "de, en");
			a->lang = optarg;
			break;
		case 'E':
			if (a->bo->n_encrypt_certs == MAX_PATHS)
				return too_many("--encrypt-to");
			a->certs[a->bo->n_encrypt_certs++] = optarg;
			break;
		case 'S':
			a->bo->sign_key = optarg;
			break;
		case 'T':
			a->bo->sign_cert = optarg;
			break;
		case 'q':
			a->progress = CLI_PROGRESS_NONE;
			break;
		case 'R':
			if (strcmp(optarg, "live") == 0)
				a->progress = CLI_PROGRESS_LIVE;
			else if (strcmp(optarg, "lines") == 0)
				a->progress = CLI_PROGRESS_LINES;
			else if (strcmp(optarg, "none") == 0)
				a->progress = CLI_PROGRESS_NONE;
			else
				return bad("--progress", optarg,
				    _("is not a progress mode"),
				    "live, lines, none");
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				a->jsonl = true;
			else if (strcmp(optarg, "text") != 0)
				return bad("--format", optarg,
				    _("is not an output format"),
				    "text, jsonl");
			break;
		default:
			return cli_option_error("scan", c, argv);
		}
	}
	return check_combination(argc, a);
}


/* $XDG_CACHE_HOME/exhume or $HOME/.cache/exhume, made if possible. */
static char *
cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base = NULL, *dir = NULL;

	if (xdg != NULL && *xdg == '/') {
		if ((base = strdup(xdg)) == NULL)
			return NULL;
	} else if (home != NULL && *home == '/') {
		if (asprintf(&base, "%s/.cache", home) < 0)
			return NULL;
		(void)mkdir(base, 0700);
	} else
		return NULL;
	if (asprintf(&dir, "%s/exhume", base) < 0)
		dir = NULL;
	free(base);
	if (dir != NULL && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void
print_rule_status(const struct exh_rules *r)
{
	struct exh_rules_counts c = exh_rules_counts(r);
	size_t i, j;

	for (i = 0; i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		fputs("rules: ", stderr);
		cli_put_term(stderr, f->path);
		if (f->error != NULL) {
			fputs(": rejected: ", stderr);
			cli_put_term(stderr, f->error);
		} else
			fprintf(stderr, ": %s, %zu loaded",
			    exh_rules_file_kind_name(f->kind), f->loaded);
		if (f->nrejects > 0)
			fprintf(stderr, ", %zu lines rejected", f->nrejects);
		/* A YARA file's note says which score-map line applies. */
		if (f->kind == EXH_RF_YARA && f->note != NULL) {
			fputs(", ", stderr);
			cli_put_term(stderr, f->note);
		}
		fputc('\n', stderr);
		for (j = 0; j < f->nrejects; j++) {
			fputs("rules: ", stderr);
			cli_put_term(stderr, f->path);
			fprintf(stderr, ":%zu: ", f->rejects[j].line);
			cli_put_term(stderr, f->rejects[j].reason);
			fputc('\n', stderr);
		}
	}
	fprintf(stderr, "rules: %zu YARA rules, %zu MD5 %zu SHA-1 %zu SHA-256 "
	    "hashes, %zu allow-listed, %zu path IOCs, %zu files rejected\n",
	    c.yara_rules, c.md5, c.sha1, c.sha256, c.allow_hashes,
	    c.path_iocs, c.files_rejected);
	if (c.path_iocs_every > 0)
		fprintf(stderr, "rules: %zu path IOC regexes have no literal "
		    "to select paths by: each is tried on every path\n",
		    c.path_iocs_every);
	fputs("rules: YARA prefilter ", stderr);
	cli_put_term(stderr, exh_rules_prefilter_note(r));
	fputc('\n', stderr);
	if (exh_rules_cache_note(r) != NULL) {
		fputs("rules: cache: ", stderr);
		cli_put_term(stderr, exh_rules_cache_note(r));
		fputc('\n', stderr);
	}
}

/* The command line for the record (a password is only named by file). */
static char *
join_args(int argc, char **argv)
{
	struct exh_buf b = { 0 };
	int i;

	exh_buf_puts(&b, "exhume");
	/* Quoted for sh: an argument with a blank or a quote stays one. */
	for (i = 0; i < argc; i++) {
		exh_buf_putc(&b, ' ');
		exh_esc_shell(&b, argv[i], strlen(argv[i]));
	}
	return b.data;
}

static int
put_stream(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? EXH_OK : EXH_EIO;
}

/* One document rendered straight into fp, 64 KiB at a time. */
static int
put_document(const struct exh_triage *t, const char *name, const char *lang,
    FILE *fp)
{
	struct exh_buf b = { 0 };
	struct exh_sink s = { &b, put_stream, fp, EXH_OK };
	int rc;

	rc = exh_triage_document(t, name, lang, &s);
	exh_buf_free(&b);
	return rc;
}

static int
write_file(const char *dir, const char *name, const struct exh_triage *t,
    const char *lang)
{
	char path[4096];
	FILE *fp;
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return EXH_EUSAGE;
	if ((fp = fopen(path, "w")) == NULL) {
		cli_warn("%s: cannot create: %s", path, exh_strerror(errno));
		return EXH_EIO;
	}
	rc = put_document(t, name, lang, fp);
	if (fclose(fp) != 0 && rc == EXH_OK)
		rc = EXH_EIO;
	if (rc == EXH_EIO)
		cli_warn("%s: write failed", path);
	else if (rc != EXH_OK)
		cli_warn("%s: building it failed: %s", path,
		    exh_status_name(rc));
	return rc;
}

/* summary.txt, findings.jsonl, timeline.csv and the reports in --out. */
static int
write_out_dir(const struct scan_args *a, const struct exh_triage *t)
{
	static const char *const names[] = { "findings.jsonl", "summary.txt",
	    "timeline.csv", "report.html", "report.txt", "acquisition.json" };
	size_t i;
	int rc = EXH_OK;

	if (mkdir(a->out_dir, 0755) != 0 && errno != EEXIST) {
		cli_warn("%s: cannot create: %s", a->out_dir,
		    exh_strerror(errno));
		return EXH_EIO;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && rc == EXH_OK; i++)
		rc = write_file(a->out_dir, names[i], t, a->lang);
	return rc;
}

static char *
read_secret(const char *path, const char *what)
{
	char *s;

	if (path == NULL)
		return NULL;
	if ((s = cli_read_secret(path)) == NULL)
		cli_warn("%s: cannot read the %s file", path, what);
	return s;
}

static void
forget(char **secret)
{
	if (*secret != NULL) {
		explicit_bzero(*secret, strlen(*secret));
		free(*secret);
		*secret = NULL;
	}
}

/* Partial files an interrupted earlier run left next to the bundle are
 * named before this run adds its own (they are never removed: they may be
 * all that is left of that run). */
static void
warn_stale(const char *path)
{
	struct exh_err err;
	char **names;
	size_t n, i;

	if (exh_bundle_stale_partials(path, &names, &n, &err) != EXH_OK)
		return;
	for (i = 0; i < n; i++) {
		fputs("note: ", stderr);
		cli_put_term(stderr, names[i]);
		fputs(": a partial file left by an interrupted bundle run; "
		    "check it with exhume verify or remove it\n", stderr);
	}
	exh_bundle_free_names(names, n);
}

/*
 * --out never mixes two runs' documents: a directory that already holds
 * anything is refused before the scan, unless --force says to overwrite
 * (the six documents are replaced; other files stay).
 */
static int
check_out_dir(const struct scan_args *a)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	bool empty = true;

	if (a->out_dir == NULL || a->force)
		return EXH_OK;
	if (stat(a->out_dir, &st) != 0)
		return EXH_OK;	/* made after the scan */
	if (!S_ISDIR(st.st_mode) || (d = opendir(a->out_dir)) == NULL) {
		cli_warn(_("%s: not a directory that can be read"), a->out_dir);
		return EXH_EUSAGE;
	}
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0;
	closedir(d);
	if (empty)
		return EXH_OK;
	cli_warn(_("%s: --out: the directory is not empty (an earlier run's "
	    "documents?); give a new or empty directory, or add --force to "
	    "overwrite"), a->out_dir);
	return EXH_EUSAGE;
}

/*
 * Everything about the bundle that can fail without the evidence is
 * checked first (exh_bundle_check), so a run never ends after a long scan
 * on a name that exists, a missing directory or an unusable key.
 */
static int
preflight(struct scan_args *a, char **sources, size_t n)
{
	struct exh_err err;

	if (a->bo->path == NULL)
		return EXH_OK;
	warn_stale(a->bo->path);
	if ((a->password_file != NULL && (a->password =
	    read_secret(a->password_file, "password")) == NULL) ||
	    (a->sign_password_file != NULL && (a->sign_password =
	    read_secret(a->sign_password_file, "signing key password")) ==
	    NULL))
		return EXH_EUSAGE;
	a->bo->zip_password = a->password;
	a->bo->sign_key_password = a->sign_password;
	if (exh_bundle_check(a->bo, (const char *const *)sources, n, 0,
	    &err) != EXH_OK) {
		cli_error(NULL, &err);
		fprintf(stderr, "exhume: %s\n",
		    _("nothing was opened or written"));
		return EXH_EUSAGE;
	}
	return EXH_OK;
}

static int
write_bundle(struct scan_args *a, struct exh_triage *t)
{
	struct exh_bundle_result res;
	struct exh_err err;
	int rc;

	a->tb.lang = a->lang;
	rc = exh_triage_write_bundle(t, &a->tb, &res, &err);
	if (rc != EXH_OK) {
		cli_error(a->bo->path, &err);
		return rc;
	}
	fprintf(stderr, "bundle: %zu streams collected, %zu incomplete, %zu "
	    "left out, written to ", res.collected, res.incomplete,
	    res.left_out);
	cli_put_term(stderr, a->bo->path);
	/* Encrypted, only the envelope is on the disk: say so. */
	if (res.p7m_sha256[0] != '\0')
		fprintf(stderr, ".p7m (CMS envelope for %zu recipient%s)",
		    a->bo->n_encrypt_certs, a->bo->n_encrypt_certs == 1 ? "" :
		    "s");
	if (a->bo->sign_key != NULL)
		fputs(", SHA256SUMS signed (SHA256SUMS.p7s)", stderr);
	fprintf(stderr, "\nbundle SHA-256: %s\n", res.zip_sha256);
	if (res.p7m_sha256[0] != '\0')
		fprintf(stderr, "bundle envelope SHA-256: %s\n",
		    res.p7m_sha256);
	return EXH_OK;
}

static int
write_outputs(struct scan_args *a, struct exh_triage *t)
{
	int rc;

	rc = put_document(t, a->jsonl ? "findings.jsonl" : "summary.txt",
	    NULL, stdout);
	if (rc == EXH_EIO)
		rc = EXH_OK;	/* stdout closed early: the files still count */
	if (rc == EXH_OK && a->out_dir != NULL)
		rc = write_out_dir(a, t);
	/* The documents and the bundle are independent: either may be all
	 * that is left of the run. */
	if (a->bo->path != NULL && (rc == EXH_OK || a->out_dir != NULL) &&
	    write_bundle(a, t) != EXH_OK)
		rc = EXH_EFATAL;
	return rc;
}

/* Rules first: a run without rules never touches the evidence. */
static int
load_rules(struct exh_triage *t)
{
	struct exh_err err;

	if (exh_triage_load_rules(t, &err) != EXH_OK) {
		cli_error(NULL, &err);	/* it names its object */
		fprintf(stderr, "exhume: %s\n", _("refusing to scan without "
		    "rules; nothing was opened"));
		return EXH_EUSAGE;
	}
	print_rule_status(exh_triage_rules(t));
	return EXH_OK;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	struct exh_triage *t = NULL;
	struct exh_err err;
	char *cmdline = NULL, *cache = NULL;
	int rc;

	/* Joined before getopt permutes argv: the record shows what was typed. */
	cmdline = join_args(argc, argv);
	if ((rc = parse_args(argc, argv, &a)) != EXIT_CLEAN) {
		free(cmdline);
		return rc;
	}
	a.to.command_line = cmdline;
	/* Progress goes to stderr only: stdout carries the findings. */
	cli_progress_init(&a.pr, a.progress, stderr);
	if (cli_progress_wanted(&a.pr)) {
		a.to.progress = cli_progress_report;
		a.to.ctx = &a.pr;
	}
	rc = EXIT_USAGE;
	if (check_out_dir(&a) != EXH_OK ||
	    preflight(&a, argv + optind, (size_t)(argc - optind)) != EXH_OK)
		goto out;
	a.to.cache_dir = cache = cache_dir();
	if (exh_triage_create(&a.to, &t, &err) != EXH_OK) {
		cli_error(NULL, &err);
		goto out;
	}
	if (load_rules(t) != EXH_OK)
		goto out;
	if (exh_triage_open(t, argv + optind, (size_t)(argc - optind),
	    &err) != EXH_OK) {
		cli_error(NULL, &err);
		goto out;
	}
	rc = exh_triage_run(t, &err);
	cli_progress_end(&a.pr);
	if (rc != EXH_OK) {
		rc = EXIT_USAGE;
		cli_error(NULL, &err);
		goto out;
	}
	rc = EXIT_USAGE;
	if (write_outputs(&a, t) == EXH_OK)
		rc = exh_triage_verdict_status(t);
out:
	cli_progress_end(&a.pr);
	exh_triage_destroy(t);
	forget(&a.password);
	forget(&a.sign_password);
	free(cache);
	free(cmdline);
	return rc;
}
