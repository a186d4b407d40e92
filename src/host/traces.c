/* Post-exploitation traces: rules/traces.tsv, commands and places, and the run over a disk. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hivex.h>

#include "exhume/host.h"
#include "exhume/volume.h"
#include "host_int.h"
#include "traces_int.h"

#define MAX_NOTES	256
#define MAX_COMMAND_REASONS 8

static const char *const kind_names[TR_NKINDS] = {
	"exclusion-root", "exclusion-path", "exclusion-ext",
	"exclusion-process", "disabled", "program", "command", "place",
	"service",
};

/* ---- the table ---------------------------------------------------------- */

void
exh_traces_free(struct exh_traces *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->rules[i].pattern);
		free(t->rules[i].description);
	}
	free(t->rules);
	free(t);
}

static int
parse_line(struct exh_traces *t, char *line, struct exh_lines *lr,
    struct exh_err *err)
{
	char *fld[4], *end;
	struct traces_rule *grown, *r;
	long score;
	int k;

	if (exh_fields_split(line, fld, 4) != 4)
		return exh_lines_fail(lr, err, EXH_ECORRUPT, "expected KIND, "
		    "PATTERN, SCORE and DESCRIPTION separated by tabs");
	for (k = 0; k < TR_NKINDS; k++)
		if (strcmp(fld[0], kind_names[k]) == 0)
			break;
	if (k == TR_NKINDS)
		return exh_lines_fail(lr, err, EXH_ECORRUPT, "unknown kind");
	errno = 0;
	score = strtol(fld[2], &end, 10);
	if (errno != 0 || end == fld[2] || *end != '\0' || score < 0 ||
	    score > 100)
		return exh_lines_fail(lr, err, EXH_ECORRUPT, "score is not a "
		    "number from 0 to 100");
	if (fld[1][0] == '\0' || (k == TR_DISABLED &&
	    strchr(fld[1], '=') == NULL))
		return exh_lines_fail(lr, err, EXH_ECORRUPT, "empty pattern, "
		    "or a disabled line without =NUMBER");
	grown = realloc(t->rules, (t->n + 1) * sizeof(*t->rules));
	if (grown == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	t->rules = grown;
	r = &t->rules[t->n];
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->score = (int)score;
	r->pattern = strdup(fld[1]);
	r->description = strdup(fld[3]);
	t->n++;
	/* A line number always fits name[48]. */
	if (snprintf(r->name, sizeof(r->name), "traces.tsv:%zu",
	    exh_lines_no(lr)) >= (int)sizeof(r->name))
		r->name[0] = '\0';
	if (r->pattern == NULL || r->description == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	return EXH_OK;
}

int
exh_traces_load(const char *tsv_path, struct exh_traces **out,
    struct exh_err *err)
{
	struct exh_traces *t;
	struct exh_lines *lr = NULL;
	char *line;
	size_t len;
	FILE *f;
	int rc, got;

	if (tsv_path == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "traces table: no path");
	if ((f = fopen(tsv_path, "re")) == NULL)
		return exh_err_set(err, errno == ENOENT ? EXH_ENOTFOUND :
		    EXH_EIO, errno, "%s: cannot open: %s", tsv_path,
		    exh_strerror(errno));
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		fclose(f);
		return exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	}
	rc = exh_lines_open(f, tsv_path, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT | EXH_LINES_BOM, &lr, err);
	while (rc == EXH_OK &&
	    (got = exh_lines_next(lr, &line, &len, err)) != EXH_STOP)
		rc = got != EXH_OK ? got : parse_line(t, line, lr, err);
	exh_lines_close(lr);
	fclose(f);
	if (rc != EXH_OK) {
		exh_traces_free(t);
		return rc;
	}
	*out = t;
	return EXH_OK;
}

/* ---- matching ----------------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Iterative glob with one backtrack point: linear in practice, never
 * exponential, whatever the registry value holds. */
bool
traces_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p != '\0' && (*p == '?' || lower((unsigned char)*p)
		    == lower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++resume;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

const struct traces_rule *
traces_match(const struct exh_traces *t, int kind, const char *s)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rules[i].kind == kind &&
		    traces_glob(t->rules[i].pattern, s))
			return &t->rules[i];
	return NULL;
}

/* ---- findings ----------------------------------------------------------- */

void
traces_note(struct traces_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->rc != EXH_OK || *o->nnotes >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	if (exh_strvec_vpushf(o->notes, o->nnotes, fmt, ap) != EXH_OK)
		o->rc = EXH_ENOMEM;
	va_end(ap);
}

struct exh_finding *
traces_new(struct traces_out *o, const char *check, const char *path,
    int64_t time)
{
	struct exh_finding *f;

	if (o->rc != EXH_OK)
		return NULL;
	f = exh_finding_new(EXH_FIND_HOST);
	if (f == NULL || exh_finding_set(&f->check, check) != EXH_OK ||
	    (path != NULL && exh_finding_set(&f->file.path, path) != EXH_OK)) {
		exh_finding_free(f);
		o->rc = EXH_ENOMEM;
		return NULL;
	}
	f->time = time > 0 ? time : 0;
	return f;
}

void
traces_field(struct traces_out *o, struct exh_finding *f, const char *key,
    const char *value)
{
	if (f != NULL && o->rc == EXH_OK && value != NULL && value[0] != '\0' &&
	    exh_finding_add_field(f, key, value) != EXH_OK)
		o->rc = EXH_ENOMEM;
}

void
traces_time_field(struct traces_out *o, struct exh_finding *f,
    const char *key, int64_t ft)
{
	char buf[32];

	if (ft > 0)
		traces_field(o, f, key, exh_filetime_iso(ft, buf));
}

void
traces_reason(struct traces_out *o, struct exh_finding *f,
    const struct traces_rule *r, int score, const char *description,
    const char *reference, const char *detail)
{
	if (f != NULL && o->rc == EXH_OK &&
	    exh_finding_add_reason(f, "config", r != NULL ? r->name :
	    f->check, score, description, reference, detail) != EXH_OK)
		o->rc = EXH_ENOMEM;
}

void
traces_emit(struct traces_out *o, struct exh_finding *f, bool info)
{
	struct exh_err err;

	if (f == NULL)
		return;
	exh_finding_rescore(f);
	if (o->rc != EXH_OK || (!info && f->level < EXH_LEVEL_NOTICE)) {
		exh_finding_free(f);
		return;
	}
	if (info)
		f->level = EXH_LEVEL_INFO;
	if (exh_findings_add(o->fs, f, &err) != EXH_OK)
		o->rc = EXH_ENOMEM;
}

/* ---- commands: program, arguments, places ------------------------------- */

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '\\');

	return b != NULL ? b + 1 : path;
}

/* The best place rule for a path-like word of the command, kept in *best. */
static void
place_of(const struct exh_traces *t, const char *word,
    const struct traces_rule **best, char **best_word)
{
	const struct traces_rule *r = traces_match(t, TR_PLACE, word);

	if (r != NULL && (*best == NULL || r->score > (*best)->score)) {
		char *w = strdup(word);

		if (w == NULL)
			return;
		free(*best_word);
		*best_word = w;
		*best = r;
	}
}

/* Every path-like word of args ("C:\x", "\\host\x"), quotes and a
 * leading option ("-File:" is not split) removed. */
static int
arg_places(const struct exh_traces *t, const char *args,
    const struct traces_rule **best, char **best_word)
{
	const char *s = args;
	char *word;

	while (*s != '\0') {
		size_t n;

		while (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'' ||
		    *s == '=' || *s == ',')
			s++;
		n = strcspn(s, " \t\"',=");
		if (n == 0)
			break;
		if ((n >= 3 && s[1] == ':' && s[2] == '\\') ||
		    (n >= 3 && s[0] == '\\' && s[1] == '\\')) {
			if ((word = strndup(s, n)) == NULL)
				return EXH_ENOMEM;
			place_of(t, word, best, best_word);
			free(word);
		}
		s += n;
	}
	return EXH_OK;
}

/* "\??\C:\x" and "\SystemRoot\x" as Windows shows them, variables
 * expanded.  NULL on ENOMEM. */
char *
traces_normal_path(const struct exh_profile *p, const char *s)
{
	struct exh_buf b = { 0 };
	char *x;

	if (exh_ascii_istarts(s, "\\??\\"))
		s += 4;
	if (exh_ascii_istarts(s, "\\SystemRoot\\")) {
		if (exh_buf_printf(&b, "%s%s", p->system_root, s + 11) !=
		    EXH_OK) {
			exh_buf_free(&b);
			return NULL;
		}
		x = host_expand_env(p, b.data);
		exh_buf_free(&b);
		return x;
	}
	if (exh_ascii_istarts(s, "System32\\")) {
		if (exh_buf_printf(&b, "%s\\%s", p->system_root, s) != EXH_OK) {
			exh_buf_free(&b);
			return NULL;
		}
		x = host_expand_env(p, b.data);
		exh_buf_free(&b);
		return x;
	}
	return host_expand_env(p, s);
}

static size_t
command_rules(struct traces_out *o, struct exh_finding *f, const char *line,
    const char *reference)
{
	const struct exh_traces *t = o->t;
	size_t i, n = 0;

	for (i = 0; i < t->n && n < MAX_COMMAND_REASONS; i++) {
		const struct traces_rule *r = &t->rules[i];

		if (r->kind != TR_COMMAND || r->score == 0 ||
		    !traces_glob(r->pattern, line))
			continue;
		traces_reason(o, f, r, r->score, r->description, reference,
		    r->pattern);
		n++;
	}
	return n;
}

size_t
traces_command(struct traces_out *o, struct exh_finding *f,
    const char *program, const char *args, const char *reference)
{
	const struct traces_rule *r, *place = NULL;
	struct exh_buf line = { 0 };
	char *prog = NULL, *xargs = NULL, *where = NULL;
	const char *s;
	size_t n = 0;

	if (o->rc != EXH_OK || f == NULL)
		return 0;
	if ((prog = traces_normal_path(o->p, program)) == NULL ||
	    (xargs = host_expand_env(o->p, args)) == NULL) {
		o->rc = EXH_ENOMEM;
		goto out;
	}
	if ((r = traces_match(o->t, TR_PROGRAM, base_name(prog))) != NULL &&
	    r->score > 0) {
		traces_reason(o, f, r, r->score, r->description, reference,
		    prog);
		n++;
	}
	/* The whole line without quotes, one space each side, so patterns
	 * can ask for whole words (" -e "). */
	if (exh_buf_putc(&line, ' ') != EXH_OK)
		goto nomem;
	for (s = prog; *s != '\0'; s++)
		if (*s != '"' && exh_buf_putc(&line, *s) != EXH_OK)
			goto nomem;
	if (exh_buf_putc(&line, ' ') != EXH_OK)
		goto nomem;
	for (s = xargs; *s != '\0'; s++)
		if (*s != '"' && exh_buf_putc(&line, *s == '\t' ? ' ' : *s) !=
		    EXH_OK)
			goto nomem;
	if (exh_buf_putc(&line, ' ') != EXH_OK)
		goto nomem;
	n += command_rules(o, f, line.data, reference);
	place_of(o->t, prog, &place, &where);
	if (arg_places(o->t, xargs, &place, &where) != EXH_OK)
		goto nomem;
	if (place != NULL && place->score > 0) {
		traces_reason(o, f, place, place->score, place->description,
		    reference, where);
		n++;
	}
	goto out;
nomem:
	o->rc = EXH_ENOMEM;
out:
	exh_buf_free(&line);
	free(prog);
	free(xargs);
	free(where);
	return n;
}

/* Splits a service ImagePath into program and arguments: a quoted
 * program, else up to the first ".exe" followed by a blank or the end,
 * else up to the first blank.  *prog and *args are malloc'd. */
int
traces_split_image(const char *image, char **prog, char **args)
{
	const char *s = image, *end, *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (end == NULL)
			end = s + strlen(s);
		*prog = strndup(s + 1, (size_t)(end - s - 1));
		*args = strdup(*end == '"' ? end + 1 : end);
	} else {
		end = NULL;
		for (p = s; (p = exh_ascii_istrstr(p, ".exe")) != NULL; p += 4)
			if (p[4] == '\0' || p[4] == ' ' || p[4] == '\t') {
				end = p + 4;
				break;
			}
		if (end == NULL)
			end = s + strcspn(s, " \t");
		*prog = strndup(s, (size_t)(end - s));
		*args = strdup(end);
	}
	if (*prog == NULL || *args == NULL) {
		free(*prog);
		free(*args);
		*prog = *args = NULL;
		return EXH_ENOMEM;
	}
	return EXH_OK;
}

/* ---- the run ------------------------------------------------------------ */

/* A dirty hive gets its .LOG1/.LOG2 replayed over the copy, as the
 * profile's hives do; the outcome is a note either way. */
static void
replay_logs(struct traces_out *o, exh_profile_read_fn read, void *ctx,
    const char *what, const char *path, struct exh_buf *hive)
{
	struct exh_buf log[2] = { { 0 }, { 0 } }, lpath = { 0 };
	char names[2][32];
	struct exh_hive_replay out = { .log_names = { names[0], names[1] } };
	struct exh_err e = { 0 };
	int i, rc = EXH_OK;

	if (!exh_hive_is_dirty(hive->data, hive->len))
		return;
	for (i = 0; i < 2 && rc != EXH_ENOMEM; i++) {
		/* what is "SOFTWARE hive" and the like: it fits. */
		(void)snprintf(names[i], sizeof(names[i]), "LOG%d", i + 1);
		exh_buf_reset(&lpath);
		if (exh_buf_printf(&lpath, "%s.LOG%d", path, i + 1) != EXH_OK)
			rc = EXH_ENOMEM;
		else if ((rc = read(ctx, lpath.data, EXH_HIVE_LOG_MAX_BYTES,
		    &log[i], &e)) != EXH_ENOMEM)
			rc = EXH_OK;	/* a missing log: the replay says so */
	}
	if (rc == EXH_OK)
		rc = exh_hive_replay_logs(hive, log[0].data, log[0].len,
		    log[1].data, log[1].len, &out, &e);
	if (rc == EXH_ENOMEM)
		o->rc = EXH_ENOMEM;
	else if (out.note[0] != '\0')
		traces_note(o, "%s: %s", what, out.note);
	for (i = 0; i < 2; i++)
		exh_buf_free(&log[i]);
	exh_buf_free(&lpath);
}

static int
read_whole(struct traces_out *o, exh_profile_read_fn read, void *ctx,
    const char *what, const char *path, struct exh_buf *out)
{
	struct exh_err e = { 0 };
	int rc;

	exh_buf_reset(out);
	rc = read(ctx, path, EXH_HIVE_MAX_BYTES, out, &e);
	if (rc == EXH_ENOMEM)
		o->rc = EXH_ENOMEM;
	else if (rc != EXH_OK)
		traces_note(o, "%s: not read: %s; its traces not checked", what,
		    e.msg[0] != '\0' ? e.msg : exh_status_name(rc));
	else
		replay_logs(o, read, ctx, what, path, out);
	return o->rc == EXH_ENOMEM ? EXH_ENOMEM : rc;
}

static int
task_file(void *fctx, const struct exh_fileref *f, const void *data,
    size_t len, const char *problem)
{
	struct traces_out *o = fctx;

	traces_task_tree_seen(o, o->tasks_dir, f->path);
	if (data == NULL)
		traces_note(o, "scheduled task %s: not read: %s", f->path,
		    problem != NULL ? problem : "unknown");
	else
		traces_task_check(o, f, data, len);
	return o->rc;
}

/* Every file under System32\Tasks, then the registered tasks whose file
 * the walk did not meet. */
static void
walk_tasks(struct traces_out *o, const struct exh_profile *p,
    exh_traces_walk_fn walk, void *ctx)
{
	struct exh_buf dir = { 0 };
	struct exh_err e = { 0 };
	int rc;

	if (exh_buf_printf(&dir, "%s\\System32\\Tasks", p->system_root) !=
	    EXH_OK) {
		o->rc = EXH_ENOMEM;
		return;
	}
	o->tasks_dir = dir.data;
	rc = walk(ctx, dir.data, TRACES_TASK_MAX_BYTES, task_file, o, &e);
	if (rc == EXH_ENOMEM)
		o->rc = EXH_ENOMEM;
	else if (rc != EXH_OK)
		traces_note(o, "%s: not walked: %s; scheduled tasks not "
		    "checked", dir.data, e.msg[0] != '\0' ? e.msg :
		    exh_status_name(rc));
	/* Only a complete walk can say that a file is missing. */
	else if (!o->walk_cut)
		traces_task_tree_missing(o);
	o->tasks_dir = NULL;
	exh_buf_free(&dir);
}

int
exh_traces_find_from(const struct exh_traces *t,
    const struct exh_profile *p, exh_profile_read_fn read,
    exh_traces_walk_fn walk, void *ctx, struct exh_findings *out,
    char ***notes, size_t *nnotes, struct exh_err *err)
{
	struct exh_profile fallback;
	struct traces_out o;
	struct exh_buf b = { 0 };

	if (t == NULL || read == NULL || out == NULL || notes == NULL ||
	    nnotes == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "traces: no table, "
		    "reader or collector");
	if (p == NULL) {
		memset(&fallback, 0, sizeof(fallback));
		fallback.system_root = (char *)"C:\\Windows";
		p = &fallback;
	}
	memset(&o, 0, sizeof(o));
	o.t = t;
	o.p = p;
	o.fs = out;
	o.notes = notes;
	o.nnotes = nnotes;
	if (read_whole(&o, read, ctx, "SOFTWARE hive", SOFTWARE_HIVE, &b) ==
	    EXH_OK)
		traces_software_check(&o, b.data, b.len);
	if (o.rc == EXH_OK && read_whole(&o, read, ctx, "SYSTEM hive",
	    SYSTEM_HIVE, &b) == EXH_OK)
		traces_system_check(&o, b.data, b.len);
	if (o.rc == EXH_OK && read_whole(&o, read, ctx, "SAM hive", SAM_HIVE,
	    &b) == EXH_OK)
		traces_sam_check(&o, b.data, b.len);
	exh_buf_free(&b);
	if (o.rc == EXH_OK && walk != NULL)
		walk_tasks(&o, p, walk, ctx);
	traces_task_tree_free(&o);
	if (o.rc != EXH_OK)
		return exh_err_set(err, o.rc, ENOMEM, "traces: out of memory");
	return EXH_OK;
}

/* ---- over volumes ------------------------------------------------------- */

struct vol_ctx {
	struct exh_volume *sys;
	exh_traces_file_fn each;
	void *fctx;
	size_t max;
	size_t files;
	int rc;
};

#define MAX_TASK_FILES	20000

static int
vol_read(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	struct vol_ctx *v = ctx;
	int rc;

	/* The hives live on the system volume whatever its letter. */
	rc = exh_volume_read_file(v->sys, path + 2, "", max, out, err);
	if (rc != EXH_OK)
		exh_err_prefix(err, "%s", path);
	return rc;
}

static int
read_entry(struct vol_ctx *v, const struct exh_entry *e, struct exh_buf *b,
    const char **problem)
{
	struct exh_stream *st = NULL;
	struct exh_err err;
	char chunk[65536];
	uint64_t off = 0;
	size_t got;
	int rc;

	*problem = NULL;
	if (e->nstreams == 0 || e->streams[0].name[0] != '\0') {
		*problem = "no data stream";
		return EXH_OK;
	}
	if (e->streams[0].size > v->max) {
		*problem = "larger than the 1 MiB a task file may have";
		return EXH_OK;
	}
	if (exh_stream_open_ref(v->sys, e->mft, e->seq, "", &st, &err) !=
	    EXH_OK) {
		*problem = "data not readable";
		return EXH_OK;
	}
	do {
		rc = exh_stream_pread(st, chunk, sizeof(chunk), off, &got,
		    &err);
		if (rc == EXH_OK && got > 0 &&
		    (rc = exh_buf_append(b, chunk, got)) == EXH_ENOMEM)
			break;
		off += got;
	} while (rc == EXH_OK && got > 0 && b->len <= v->max);
	exh_stream_close(st);
	if (rc == EXH_ENOMEM)
		return rc;
	if (rc != EXH_OK)
		*problem = "read error";
	return EXH_OK;
}

static int
vol_entry(const struct exh_entry *e, void *ctx)
{
	struct vol_ctx *v = ctx;
	struct exh_fileref ref = { 0 };
	struct exh_buf b = { 0 };
	const char *problem = NULL;

	if (e->is_dir && e->status == EXH_ENTRY_OK)
		return EXH_WALK_NEXT;
	if (++v->files > MAX_TASK_FILES) {
		v->rc = EXH_OK;
		return EXH_WALK_STOP;
	}
	if (exh_entry_fileref(e, e->nstreams > 0 ? &e->streams[0] : NULL,
	    &ref) != EXH_OK) {
		v->rc = EXH_ENOMEM;
		return EXH_WALK_STOP;
	}
	if (e->status != EXH_ENTRY_OK)
		problem = e->problem != NULL ? e->problem : "damaged record";
	else if (e->reparse_tag != 0)
		problem = "reparse point, not followed";
	else if (read_entry(v, e, &b, &problem) != EXH_OK)
		v->rc = EXH_ENOMEM;
	if (v->rc == EXH_OK)
		v->rc = v->each(v->fctx, &ref, problem == NULL ? (b.data !=
		    NULL ? b.data : "") : NULL, b.len, problem);
	exh_buf_free(&b);
	exh_fileref_free(&ref);
	return v->rc == EXH_OK ? EXH_WALK_NEXT : EXH_WALK_STOP;
}

static int
vol_walk(void *ctx, const char *dir, size_t max, exh_traces_file_fn each,
    void *fctx, struct exh_err *err)
{
	struct vol_ctx *v = ctx;
	int rc;

	v->each = each;
	v->fctx = fctx;
	v->max = max;
	v->files = 0;
	v->rc = EXH_OK;
	rc = exh_volume_walk(v->sys, dir, vol_entry, v, err);
	if (v->rc != EXH_OK)
		return exh_err_set(err, v->rc, ENOMEM, "out of memory");
	if (v->files > MAX_TASK_FILES) {
		struct traces_out *o = fctx;

		o->walk_cut = true;
		traces_note(o, "%s: more than %d files; the rest not examined",
		    dir, MAX_TASK_FILES);
		return o->rc;
	}
	return rc == EXH_STOP ? EXH_OK : rc;
}

int
exh_traces_find(struct exh_volume *const *vols, size_t nvols,
    const char *rules_dir, const struct exh_profile *p,
    struct exh_findings *out, char ***notes, size_t *nnotes,
    struct exh_err *err)
{
	struct vol_ctx v = { 0 };
	struct exh_traces *t = NULL;
	struct exh_err e = { 0 };
	char path[4096];
	size_t i;
	int rc;

	if (rules_dir == NULL || notes == NULL || nnotes == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "traces: no rules "
		    "directory");
	for (i = 0; i < nvols && v.sys == NULL; i++)
		if (exh_volume_is_system(vols[i]))
			v.sys = vols[i];
	if (v.sys == NULL) {
		if (exh_strvec_push(notes, nnotes, "post-exploitation traces: "
		    "no system volume; not checked") != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, ENOMEM, "traces: "
			    "out of memory");
		return EXH_OK;
	}
	if (snprintf(path, sizeof(path), "%s/traces.tsv", rules_dir) >=
	    (int)sizeof(path))
		return exh_err_set(err, EXH_EUSAGE, 0, "traces: rules "
		    "directory path too long");
	rc = exh_traces_load(path, &t, &e);
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, rc, ENOMEM, "traces: out of memory");
	if (rc != EXH_OK) {
		if (exh_strvec_pushf(notes, nnotes, "post-exploitation traces "
		    "not checked: %s", e.msg) != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, ENOMEM, "traces: "
			    "out of memory");
		return EXH_OK;
	}
	rc = exh_traces_find_from(t, p, vol_read, vol_walk, &v, out, notes,
	    nnotes, err);
	exh_traces_free(t);
	return rc;
}
