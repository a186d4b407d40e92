/* exhume scan: load rules, scan the Exchange triage scope (or whole volumes), report findings. */
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exhume/findings.h"
#include "exhume/hive.h"
#include "exhume/report.h"
#include "exhume/rules.h"
#include "exhume/scan.h"
#include "cli.h"

#define MAX_PATHS 64

struct scan_args {
	const char *yara[MAX_PATHS];
	size_t n_yara;
	const char *iocs[MAX_PATHS];
	size_t n_ioc;
	bool no_default, full, jsonl;
	unsigned threads;
	uint64_t max_size;
	const char *out_dir;
	const char *letters;
	int only;
	struct cli_bundle_args bundle;
	const char *password_file;
	const char *case_id, *evidence_id, *examiner, *notes;
	int argc;
	char **argv;
	int64_t started;
};

static int
scan_usage(void)
{
	fprintf(stderr, "usage: exhume scan SOURCE... [--volume N] "
	    "[--letter N=X,...] [--rules PATH]...\n"
	    "                   [--iocs PATH]... [--no-default-rules] [--full] "
	    "[--threads N]\n"
	    "                   [--max-size BYTES] [--out DIR] "
	    "[--format text|jsonl]\n"
	    "                   [--bundle PATH.zip [--zip-password-file F] "
	    "[--max-collect BYTES]\n"
	    "                    [--case ID] [--evidence ID] [--examiner NAME] "
	    "[--notes TEXT]]\n");
	return EXIT_USAGE;
}

static bool
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-')
		return false;
	*out = v;
	return true;
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
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (!parse_u64(optarg, &v) || v < 1 || v > 1000)
				return scan_usage();
			a->only = (int)v;
			break;
		case 'L':
			a->letters = optarg;
			break;
		case 'r':
			if (a->n_yara == MAX_PATHS)
				return scan_usage();
			a->yara[a->n_yara++] = optarg;
			break;
		case 'i':
			if (a->n_ioc == MAX_PATHS)
				return scan_usage();
			a->iocs[a->n_ioc++] = optarg;
			break;
		case 'n':
			a->no_default = true;
			break;
		case 'F':
			a->full = true;
			break;
		case 't':
			if (!parse_u64(optarg, &v) || v < 1 || v > 64)
				return scan_usage();
			a->threads = (unsigned)v;
			break;
		case 'm':
			if (!parse_u64(optarg, &v) || v == 0)
				return scan_usage();
			a->max_size = v;
			break;
		case 'o':
			a->out_dir = optarg;
			break;
		case 'B':
			a->bundle.path = optarg;
			break;
		case 'P':
			a->password_file = optarg;
			break;
		case 'C':
			if (!parse_u64(optarg, &v) || v == 0)
				return scan_usage();
			a->bundle.cap = v;
			break;
		case 'c':
			a->case_id = optarg;
			break;
		case 'e':
			a->evidence_id = optarg;
			break;
		case 'x':
			a->examiner = optarg;
			break;
		case 'N':
			a->notes = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				a->jsonl = true;
			else if (strcmp(optarg, "text") != 0)
				return scan_usage();
			break;
		default:
			return scan_usage();
		}
	}
	if (optind >= argc)
		return scan_usage();
	return EXIT_CLEAN;
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
	if (exh_rules_cache_note(r) != NULL) {
		fputs("rules: cache: ", stderr);
		cli_put_term(stderr, exh_rules_cache_note(r));
		fputc('\n', stderr);
	}
}

static int
load_rules(const struct scan_args *a, struct exh_rules **rules)
{
	struct exh_rules_options ro;
	struct exh_err err;
	char *cache = cache_dir();
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.default_dir = cli_rules_dir();
	ro.no_default = a->no_default;
	ro.yara_paths = a->yara;
	ro.n_yara = a->n_yara;
	ro.ioc_paths = a->iocs;
	ro.n_ioc = a->n_ioc;
	ro.cache_dir = cache;
	rc = exh_rules_load(&ro, rules, &err);
	free(cache);
	if (rc != EXH_OK) {
		cli_error("rules", &err);
		fputs("exhume: refusing to scan without rules; nothing was "
		    "opened\n", stderr);
		return rc;
	}
	print_rule_status(*rules);
	return EXH_OK;
}

/* Roots for one volume: the triage scope, or the whole volume. */
/* The Exchange folder from the registry when it is on this volume. */
static char *
profile_exchange(const struct exh_profile *p, char letter)
{
	size_t n;
	char *dir;

	if (p == NULL || !p->exchange_present || p->install_path == NULL ||
	    strlen(p->install_path) < 4 ||
	    (p->install_path[0] & ~0x20) != (letter & ~0x20) ||
	    (dir = strdup(p->install_path)) == NULL)
		return NULL;
	n = strlen(dir);
	while (n > 3 && dir[n - 1] == '\\')
		dir[--n] = '\0';
	return dir;
}

/* The root of the default web site's physical path on this volume. */
static const char *
profile_webroot(const struct exh_profile *p, char letter)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nvdirs; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		if (v->physical_resolved != NULL && strcmp(v->app_path, "/") == 0 &&
		    strcmp(v->vdir_path, "/") == 0 &&
		    (v->physical_resolved[0] & ~0x20) == (letter & ~0x20))
			return v->physical_resolved;
	}
	return NULL;
}

static int
volume_roots(const struct scan_args *a, struct exh_volume *vol,
    const struct exh_profile *prof, char ***roots, size_t *nroots)
{
	struct exh_scope_vars vars;
	struct exh_err err;
	char scope[4096], drive[3], windir[16], webroot[32];
	char *exchange = NULL;
	char letter = exh_volume_info(vol)->letter;
	int rc;

	if (a->full) {
		if ((*roots = calloc(1, sizeof(**roots))) == NULL ||
		    ((*roots)[0] = strdup("\\")) == NULL)
			return EXH_ENOMEM;
		*nroots = 1;
		return EXH_OK;
	}
	if (snprintf(scope, sizeof(scope), "%s/scope.txt", cli_rules_dir()) >=
	    (int)sizeof(scope))
		return EXH_EUSAGE;
	memset(&vars, 0, sizeof(vars));
	if (exh_volume_is_system(vol)) {
		snprintf(drive, sizeof(drive), "%c:", letter);
		snprintf(windir, sizeof(windir), "%c:\\Windows", letter);
		snprintf(webroot, sizeof(webroot), "%c:\\inetpub\\wwwroot",
		    letter);
		vars.systemdrive = drive;
		vars.windir = windir;
		vars.webroot = profile_webroot(prof, letter) ?
		    profile_webroot(prof, letter) : webroot;
		if ((exchange = profile_exchange(prof, letter)) != NULL) {
			vars.exchange = exchange;
			fputs("note: Exchange folder ", stderr);
			cli_put_term(stderr, exchange);
			fputs(" from ", stderr);
			cli_put_term(stderr, prof->install_path_source);
			fputc('\n', stderr);
		} else if (exh_scope_default_exchange(vol, scope, &exchange, &err) ==
		    EXH_OK) {
			vars.exchange = exchange;
			fputs("note: Exchange path not read from the registry; "
			    "using the default ", stderr);
			cli_put_term(stderr, exchange);
			fputs(" and web root ", stderr);
			cli_put_term(stderr, webroot);
			fputc('\n', stderr);
		} else
			fprintf(stderr, "note: no Exchange installation at the "
			    "default paths on %c:\n", letter);
	}
	rc = exh_scope_expand(vol, scope, &vars, roots, nroots, &err);
	free(exchange);
	if (rc != EXH_OK)
		cli_error("scope", &err);
	return rc;
}

static void
put_finding_text(struct exh_buf *b, const struct exh_finding *f)
{
	size_t i;

	exh_buf_printf(b, "%s %s %d ", f->id, exh_level_name(f->level),
	    f->score);
	exh_esc_term(b, f->path ? f->path : "", f->path ? strlen(f->path) : 0);
	if (f->stream != NULL && f->stream[0] != '\0') {
		exh_buf_putc(b, ':');
		exh_esc_term(b, f->stream, strlen(f->stream));
	}
	if (f->sha256[0] != '\0')
		exh_buf_printf(b, "\n    sha256 %s", f->sha256);
	exh_buf_putc(b, '\n');
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		exh_buf_printf(b, "    %s %d ", r->kind ? r->kind : "",
		    r->score);
		if (r->name != NULL)
			exh_esc_term(b, r->name, strlen(r->name));
		if (r->description != NULL && r->description[0] != '\0') {
			exh_buf_puts(b, ": ");
			exh_esc_term(b, r->description,
			    strlen(r->description));
		}
		exh_buf_putc(b, '\n');
	}
}

static void
put_summary(struct exh_buf *b, const struct exh_findings *fs)
{
	struct exh_stats st = exh_findings_stats(fs);
	size_t counts[4], i, j, n = exh_findings_skip_count(fs);
	const char *reasons[64];
	size_t nreasons = 0, per[64];

	for (i = 0; i < exh_findings_count(fs); i++)
		put_finding_text(b, exh_findings_get(fs, i));
	exh_findings_level_counts(fs, counts);
	exh_buf_printf(b, "findings: %zu alert, %zu warning, %zu notice\n",
	    counts[EXH_LEVEL_ALERT], counts[EXH_LEVEL_WARNING],
	    counts[EXH_LEVEL_NOTICE]);
	exh_buf_printf(b, "streams: %" PRIu64 " seen, %" PRIu64 " scanned (%"
	    PRIu64 " bytes), %" PRIu64 " skipped, %" PRIu64 " unreadable\n",
	    st.streams_seen, st.streams_scanned, st.bytes_scanned,
	    st.streams_skipped, st.streams_unreadable);
	for (i = 0; i < n; i++) {
		const char *r = exh_findings_skip(fs, i)->reason;

		for (j = 0; j < nreasons && strcmp(reasons[j], r) != 0; j++)
			;
		if (j == nreasons && nreasons < 64) {
			reasons[nreasons] = r;
			per[nreasons++] = 0;
		}
		if (j < 64)
			per[j]++;
	}
	if (nreasons > 0) {
		exh_buf_puts(b, "skipped by reason:");
		for (j = 0; j < nreasons; j++)
			exh_buf_printf(b, " %s %zu", reasons[j], per[j]);
		exh_buf_putc(b, '\n');
	}
	for (i = 0; i < n; i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		exh_buf_printf(b, "skipped %s ", s->reason);
		exh_esc_term(b, s->path ? s->path : "",
		    s->path ? strlen(s->path) : 0);
		if (s->stream != NULL && s->stream[0] != '\0') {
			exh_buf_putc(b, ':');
			exh_esc_term(b, s->stream, strlen(s->stream));
		}
		exh_buf_printf(b, " (%" PRIu64 " bytes)", s->size);
		if (s->detail != NULL && s->detail[0] != '\0') {
			exh_buf_puts(b, ": ");
			exh_esc_term(b, s->detail, strlen(s->detail));
		}
		exh_buf_putc(b, '\n');
	}
	if (exh_findings_partial(fs) != NULL)
		exh_buf_printf(b, "results are partial: %s\n",
		    exh_findings_partial(fs));
}

static int
put_jsonl(struct exh_buf *b, const struct exh_findings *fs)
{
	size_t i;
	int rc;

	for (i = 0; i < exh_findings_count(fs); i++) {
		if ((rc = exh_finding_to_json(exh_findings_get(fs, i), b)) !=
		    EXH_OK || (rc = exh_buf_putc(b, '\n')) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static int
write_file(const char *dir, const char *name, const struct exh_buf *b)
{
	char path[4096];
	FILE *fp;
	bool ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return EXH_EUSAGE;
	if ((fp = fopen(path, "w")) == NULL) {
		cli_warn("%s: cannot create: %s", path, strerror(errno));
		return EXH_EIO;
	}
	ok = b->len == 0 || fwrite(b->data, 1, b->len, fp) == b->len;
	if (fclose(fp) != 0 || !ok) {
		cli_warn("%s: write failed", path);
		return EXH_EIO;
	}
	return EXH_OK;
}

/* Exchange's folder with a trailing backslash, from the registry or the
 * default paths; NULL when there is none on this volume. */
static char *
install_dir(struct exh_volume *vol, const struct exh_profile *prof)
{
	char scope[4096], *exchange, *install = NULL;
	struct exh_err err;

	snprintf(scope, sizeof(scope), "%s/scope.txt", cli_rules_dir());
	exchange = profile_exchange(prof, exh_volume_info(vol)->letter);
	if ((exchange != NULL || exh_scope_default_exchange(vol, scope,
	    &exchange, &err) == EXH_OK) &&
	    (install = malloc(strlen(exchange) + 2)) != NULL)
		snprintf(install, strlen(exchange) + 2, "%s\\", exchange);
	free(exchange);
	return install;
}

static void
put_json_field(struct exh_buf *b, const char *key, const char *v, bool comma)
{
	exh_buf_printf(b, "%s\"%s\":\"", comma ? "," : "", key);
	if (v != NULL)
		exh_esc_json(b, v, strlen(v));
	exh_buf_putc(b, '"');
}

/* The case record: who, what, how, when; never a password. */
static void
put_acquisition(struct exh_buf *b, const struct scan_args *a,
    struct cli_volumes *cv, const struct exh_profile *prof,
    const struct exh_rules *rules, const struct exh_findings *fs)
{
	struct exh_stats st = exh_findings_stats(fs);
	struct exh_buf pj = { 0 };
	char t1[32], t2[32];
	size_t i;
	int j;

	exh_buf_puts(b, "{");
	put_json_field(b, "tool", "exhume " EXH_VERSION, false);
	put_json_field(b, "case", a->case_id, true);
	put_json_field(b, "evidence", a->evidence_id, true);
	put_json_field(b, "examiner", a->examiner, true);
	put_json_field(b, "notes", a->notes, true);
	put_json_field(b, "started", exh_filetime_iso(a->started, t1), true);
	put_json_field(b, "ended", exh_filetime_iso(exh_unix_to_filetime(
	    (int64_t)time(NULL)), t2), true);
	put_json_field(b, "rules_sha256", exh_rules_set_sha256(rules), true);
	exh_buf_puts(b, ",\"command_line\":[");
	/* A password is only ever named by its file, so argv is safe. */
	for (j = 0; j < a->argc; j++) {
		exh_buf_puts(b, j ? ",\"" : "\"");
		exh_esc_json(b, a->argv[j], strlen(a->argv[j]));
		exh_buf_putc(b, '"');
	}
	exh_buf_puts(b, "],\"sources\":[");
	for (i = 0; i < cv->nsrcs; i++) {
		const struct exh_ro_state *ro = exh_source_ro_state(cv->srcs[i]);

		exh_buf_puts(b, i ? ",{" : "{");
		put_json_field(b, "path", exh_source_path(cv->srcs[i]), false);
		exh_buf_printf(b, ",\"size\":%llu,\"block_device\":%s,"
		    "\"ro_before\":%d,\"ro_after\":%d",
		    (unsigned long long)exh_source_size(cv->srcs[i]),
		    ro->is_block_device ? "true" : "false", ro->before,
		    ro->after);
		put_json_field(b, "read_only_method", ro->method, true);
		exh_buf_putc(b, '}');
	}
	exh_buf_printf(b, "],\"streams\":{\"seen\":%llu,\"scanned\":%llu,"
	    "\"skipped\":%llu,\"unreadable\":%llu}",
	    (unsigned long long)st.streams_seen,
	    (unsigned long long)st.streams_scanned,
	    (unsigned long long)st.streams_skipped,
	    (unsigned long long)st.streams_unreadable);
	if (getenv("EXHUME_FIRMWARE_NOTES") != NULL) {
		/* Footprints the boot itself left (e.g. shim's SbatLevel). */
		char *notes = cli_read_file(getenv("EXHUME_FIRMWARE_NOTES"),
		    65536);

		put_json_field(b, "firmware_notes", notes ? notes : "", true);
		free(notes);
	}
	if (prof != NULL && exh_profile_to_json(prof, &pj) == EXH_OK &&
	    pj.data != NULL)
		exh_buf_printf(b, ",\"host\":%s", pj.data);
	exh_buf_free(&pj);
	exh_buf_puts(b, "}\n");
}

static int
write_bundle(const struct scan_args *a, struct cli_volumes *cv,
    const struct exh_profile *prof, const struct exh_rules *rules,
    const struct exh_findings *fs, const struct exh_buf *json,
    const struct exh_buf *text, const struct exh_buf *timeline)
{
	struct cli_bundle_args ba = a->bundle;
	struct cli_document docs[4];
	struct exh_buf acq = { 0 };
	char *password = NULL, *install = NULL;
	int rc;

	if (a->password_file != NULL &&
	    (password = cli_read_secret(a->password_file)) == NULL) {
		cli_warn("%s: cannot read the password file", a->password_file);
		return EXH_EUSAGE;
	}
	ba.password = password;
	put_acquisition(&acq, a, cv, prof, rules, fs);
	docs[0] = (struct cli_document){ "findings.jsonl", json->data ?
	    json->data : "", json->len };
	docs[1] = (struct cli_document){ "summary.txt", text->data ?
	    text->data : "", text->len };
	docs[2] = (struct cli_document){ "acquisition.json", acq.data, acq.len };
	docs[3] = (struct cli_document){ "timeline.csv", timeline->data,
	    timeline->len };
	for (size_t i = 0; i < cv->nvols && install == NULL; i++)
		if (exh_volume_is_system(cv->vols[i].vol))
			install = install_dir(cv->vols[i].vol, prof);
	rc = cli_write_bundle(&ba, cv, fs, install, docs, 4);
	free(install);
	exh_buf_free(&acq);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	return rc;
}

static int
write_outputs(const struct scan_args *a, const struct exh_findings *fs,
    struct cli_volumes *cv, const struct exh_profile *prof,
    const struct exh_rules *rules)
{
	struct exh_buf text = { 0 }, json = { 0 }, timeline = { 0 };
	int rc;

	put_summary(&text, fs);
	if (exh_report_timeline_csv(fs, &timeline) != EXH_OK) {
		exh_buf_free(&text);
		return EXH_ENOMEM;
	}
	if ((rc = put_jsonl(&json, fs)) == EXH_OK) {
		if (a->jsonl)
			fwrite(json.data ? json.data : "", 1, json.len, stdout);
		else
			fwrite(text.data ? text.data : "", 1, text.len, stdout);
	}
	if (rc == EXH_OK && a->out_dir != NULL) {
		if (mkdir(a->out_dir, 0755) != 0 && errno != EEXIST) {
			cli_warn("%s: cannot create: %s", a->out_dir,
			    strerror(errno));
			rc = EXH_EIO;
		}
		if (rc == EXH_OK)
			rc = write_file(a->out_dir, "findings.jsonl", &json);
		if (rc == EXH_OK)
			rc = write_file(a->out_dir, "summary.txt", &text);
		if (rc == EXH_OK)
			rc = write_file(a->out_dir, "timeline.csv", &timeline);
	}
	if (rc == EXH_OK && a->bundle.path != NULL)
		rc = write_bundle(a, cv, prof, rules, fs, &json, &text,
		    &timeline);
	exh_buf_free(&timeline);
	exh_buf_free(&text);
	exh_buf_free(&json);
	return rc;
}

/* Logs live under the Exchange install folder (default path for now). */
static int
scan_logs(struct exh_volume *vol, const struct exh_profile *prof,
    struct exh_findings *fs)
{
	char *install = install_dir(vol, prof);
	int rc = cli_scan_logs(vol, install, fs, stderr);

	free(install);
	return rc;
}

static int
scan_volumes(const struct scan_args *a, struct cli_volumes *cv,
    const struct exh_profile *prof, struct exh_rules *rules,
    struct exh_findings *fs)
{
	struct exh_scan_options so;
	struct exh_err err;
	size_t i;
	int rc = EXH_OK;

	memset(&so, 0, sizeof(so));
	so.rules = rules;
	so.threads = a->threads;
	so.max_size = a->max_size;
	for (i = 0; i < cv->nvols && rc == EXH_OK; i++) {
		char **roots = NULL;
		size_t nroots = 0;

		if ((rc = volume_roots(a, cv->vols[i].vol, prof, &roots,
		    &nroots)) !=
		    EXH_OK)
			break;
		rc = exh_scan_volume(cv->vols[i].src, cv->vols[i].part,
		    cv->vols[i].vol, (const char *const *)roots, nroots, &so,
		    fs, &err);
		if (rc != EXH_OK)
			cli_error(exh_source_path(cv->vols[i].src), &err);
		else if (exh_volume_is_system(cv->vols[i].vol))
			rc = scan_logs(cv->vols[i].vol, prof, fs);
		exh_scope_free(roots, nroots);
	}
	return rc;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	struct exh_rules *rules = NULL;
	struct exh_findings *fs = NULL;
	struct exh_profile *prof = NULL;
	struct cli_volumes cv;
	struct exh_err err;
	struct exh_stats st;
	size_t counts[4];
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != EXIT_CLEAN)
		return rc;
	a.argc = argc;
	a.argv = argv;
	a.started = exh_unix_to_filetime((int64_t)time(NULL));
	/* Rules first: a run without rules never touches the evidence. */
	if (load_rules(&a, &rules) != EXH_OK)
		return EXIT_USAGE;
	if (exh_findings_create(&fs, &err) != EXH_OK) {
		cli_error(NULL, &err);
		exh_rules_destroy(rules);
		return EXIT_USAGE;
	}
	if (cli_open_volumes(argv + optind, (size_t)(argc - optind), a.only,
	    a.letters, &cv) != EXH_OK || cv.nvols == 0) {
		if (cv.nvols == 0)
			cli_warn("no NTFS volume to scan");
		rc = EXIT_USAGE;
		goto out;
	}
	/* The registry tells where Exchange and the web roots are. */
	if (cli_build_profile(&cv, &prof) == EXH_OK &&
	    exh_profile_findings(prof, fs, &err) != EXH_OK)
		cli_error("host profile", &err);
	if (scan_volumes(&a, &cv, prof, rules, fs) != EXH_OK) {
		rc = EXIT_USAGE;
		goto out;
	}
	exh_findings_sort(fs);
	if (write_outputs(&a, fs, &cv, prof, rules) != EXH_OK) {
		rc = EXIT_USAGE;
		goto out;
	}
	exh_findings_level_counts(fs, counts);
	st = exh_findings_stats(fs);
	if (counts[EXH_LEVEL_WARNING] + counts[EXH_LEVEL_ALERT] > 0)
		rc = EXIT_FINDINGS;
	else if (st.streams_unreadable > 0 || exh_findings_partial(fs))
		rc = EXIT_PARTIAL;
	else
		rc = EXIT_CLEAN;
out:
	exh_profile_free(prof);
	cli_close_volumes(&cv);
	exh_findings_destroy(fs);
	exh_rules_destroy(rules);
	return rc;
}
