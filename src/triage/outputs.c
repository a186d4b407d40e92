/* The result as documents: summary.txt, findings.jsonl, acquisition.json, report. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "triage_int.h"

static void
put_esc(struct exh_buf *b, const char *s)
{
	if (s != NULL)
		exh_esc_term(b, s, strlen(s));
}

static void
put_finding_text(struct exh_buf *b, const struct exh_finding *f)
{
	size_t i;

	exh_buf_printf(b, "%s %s %d ", f->id, exh_level_name(f->level),
	    f->score);
	put_esc(b, f->path ? f->path : "");
	if (f->stream != NULL && f->stream[0] != '\0') {
		exh_buf_putc(b, ':');
		put_esc(b, f->stream);
	}
	if (f->sha256[0] != '\0')
		exh_buf_printf(b, "\n    sha256 %s", f->sha256);
	exh_buf_putc(b, '\n');
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		exh_buf_printf(b, "    %s %d ", r->kind ? r->kind : "",
		    r->score);
		put_esc(b, r->name);
		if (r->description != NULL && r->description[0] != '\0') {
			exh_buf_puts(b, ": ");
			put_esc(b, r->description);
		}
		exh_buf_putc(b, '\n');
	}
}

/* "skipped by reason: too-large 3 unreadable 1" */
static void
put_skip_counts(struct exh_buf *b, const struct exh_findings *fs)
{
	size_t i, j, n = exh_findings_skip_count(fs), nreasons = 0, per[64];
	const char *reasons[64];

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
	if (nreasons == 0)
		return;
	exh_buf_puts(b, "skipped by reason:");
	for (j = 0; j < nreasons; j++)
		exh_buf_printf(b, " %s %zu", reasons[j], per[j]);
	exh_buf_putc(b, '\n');
}

static void
put_skips(struct exh_buf *b, const struct exh_findings *fs)
{
	size_t i;

	for (i = 0; i < exh_findings_skip_count(fs); i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		exh_buf_printf(b, "skipped %s ", s->reason);
		put_esc(b, s->path ? s->path : "");
		if (s->stream != NULL && s->stream[0] != '\0') {
			exh_buf_putc(b, ':');
			put_esc(b, s->stream);
		}
		exh_buf_printf(b, " (%" PRIu64 " bytes)", s->size);
		if (s->detail != NULL && s->detail[0] != '\0') {
			exh_buf_puts(b, ": ");
			put_esc(b, s->detail);
		}
		exh_buf_putc(b, '\n');
	}
}

static void
put_coverage(struct exh_buf *b, const struct exh_triage *t)
{
	char a[32], c[32];
	size_t i;

	for (i = 0; i < t->ncov; i++)
		exh_buf_printf(b, "log coverage: %-10s %4" PRIu64 " files %9"
		    PRIu64 " lines, %s .. %s\n",
		    exh_log_family_name(t->cov[i].family), t->cov[i].files,
		    t->cov[i].lines, exh_filetime_iso(t->cov[i].first, a),
		    exh_filetime_iso(t->cov[i].last, c));
}

static void
put_verdicts(struct exh_buf *b, const struct exh_profile *p)
{
	int fam;

	if (p == NULL || !p->exchange_present)
		return;
	for (fam = 0; fam < EXH_FAM_COUNT; fam++) {
		const struct exh_family_verdict *v = &p->verdicts[fam];
		char since[32];

		exh_buf_printf(b, "patch: %s: %s", exh_family_name(fam),
		    exh_verdict_name(v->verdict));
		if (v->verdict == EXH_VERDICT_FIXED && v->fix_installed_since)
			exh_buf_printf(b, ", fix installed %s",
			    exh_filetime_iso(v->fix_installed_since, since));
		exh_buf_puts(b, "; ");
		put_esc(b, v->reason);
		exh_buf_putc(b, '\n');
	}
}

int
exh_triage_summary_text(const struct exh_triage *t, struct exh_buf *b)
{
	const struct exh_findings *fs = t->fs;
	struct exh_stats st = exh_findings_stats(fs);
	size_t counts[4], i;

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
	put_verdicts(b, t->prof);
	put_coverage(b, t);
	put_skip_counts(b, fs);
	put_skips(b, fs);
	if (exh_findings_partial(fs) != NULL)
		exh_buf_printf(b, "results are partial: %s\n",
		    exh_findings_partial(fs));
	return EXH_OK;
}

int
exh_triage_findings_jsonl(const struct exh_triage *t, struct exh_buf *b)
{
	size_t i;
	int rc;

	for (i = 0; i < exh_findings_count(t->fs); i++)
		if ((rc = exh_finding_to_json(exh_findings_get(t->fs, i), b)) !=
		    EXH_OK || (rc = exh_buf_putc(b, '\n')) != EXH_OK)
			return rc;
	return EXH_OK;
}

static void
put_json_field(struct exh_buf *b, const char *key, const char *v, bool comma)
{
	exh_buf_printf(b, "%s\"%s\":\"", comma ? "," : "", key);
	if (v != NULL)
		exh_esc_json(b, v, strlen(v));
	exh_buf_putc(b, '"');
}

/* A small local text file (at most max bytes), or NULL. */
static char *
read_small_file(const char *path, size_t max)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL)
		return NULL;
	if ((buf = malloc(max + 1)) != NULL) {
		n = fread(buf, 1, max, fp);
		buf[n] = '\0';
	}
	fclose(fp);
	return buf;
}

/* SHA-256 of the running binary, for the record; "" when unreadable. */
void
triage_self_sha256(char out[65])
{
	struct exh_hasher *h;
	unsigned char buf[65536];
	size_t n;
	FILE *fp;

	out[0] = '\0';
	if ((fp = fopen("/proc/self/exe", "rb")) == NULL)
		return;
	if (exh_hasher_create(false, false, &h) == EXH_OK) {
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			exh_hasher_update(h, buf, n);
		if (ferror(fp) || exh_hasher_final(h, NULL, NULL, out) !=
		    EXH_OK)
			out[0] = '\0';
		exh_hasher_destroy(h);
	}
	fclose(fp);
}

static void
put_partitions(struct exh_buf *b, const struct exh_source *src)
{
	size_t i;

	exh_buf_puts(b, ",\"partitions\":[");
	for (i = 0; i < exh_source_partition_count(src); i++) {
		const struct exh_partition *p = exh_source_partition(src, i);

		exh_buf_printf(b, "%s{\"number\":%d,\"offset\":%llu,"
		    "\"size\":%llu", i ? "," : "", p->number,
		    (unsigned long long)p->offset, (unsigned long long)p->size);
		put_json_field(b, "fs", p->fs_type, true);
		put_json_field(b, "label", p->label, true);
		put_json_field(b, "uuid", p->uuid, true);
		exh_buf_putc(b, '}');
	}
	exh_buf_putc(b, ']');
}

static void
put_sources(struct exh_buf *b, const struct exh_triage *t)
{
	struct exh_disk_info *disks = NULL;
	struct exh_err err;
	size_t i, j, ndisks = 0;

	(void)exh_source_list_disks("/sys", NULL, &disks, &ndisks, &err);
	exh_buf_puts(b, ",\"sources\":[");
	for (i = 0; i < t->nsrcs; i++) {
		const struct exh_ro_state *ro = exh_source_ro_state(t->srcs[i]);
		const char *path = exh_source_path(t->srcs[i]);

		exh_buf_puts(b, i ? ",{" : "{");
		put_json_field(b, "path", path, false);
		for (j = 0; j < ndisks; j++)
			if (strcmp(disks[j].dev_path, path) == 0) {
				put_json_field(b, "model", disks[j].model, true);
				put_json_field(b, "serial", disks[j].serial,
				    true);
			}
		put_json_field(b, "table", exh_source_table(t->srcs[i]), true);
		put_partitions(b, t->srcs[i]);
		exh_buf_printf(b, ",\"size\":%llu,\"block_device\":%s,"
		    "\"ro_before\":%d,\"ro_after\":%d",
		    (unsigned long long)exh_source_size(t->srcs[i]),
		    ro->is_block_device ? "true" : "false", ro->before,
		    ro->after);
		put_json_field(b, "read_only_method", ro->method, true);
		exh_buf_putc(b, '}');
	}
	exh_buf_putc(b, ']');
	free(disks);
}

static void
put_rule_files(struct exh_buf *b, const struct exh_rules *r)
{
	size_t i;

	exh_buf_puts(b, ",\"rule_files\":[");
	for (i = 0; r != NULL && i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		exh_buf_puts(b, i ? ",{" : "{");
		put_json_field(b, "path", f->path, false);
		put_json_field(b, "kind", exh_rules_file_kind_name(f->kind),
		    true);
		exh_buf_printf(b, ",\"loaded\":%zu,\"rejected_lines\":%zu",
		    f->loaded, f->nrejects);
		if (f->error != NULL)
			put_json_field(b, "error", f->error, true);
		exh_buf_putc(b, '}');
	}
	exh_buf_putc(b, ']');
}

/* The run notes (where Exchange was found, log coverage gaps, ...) and
 * the time span of each log family, for the record. */
static void
put_run_record(struct exh_buf *b, const struct exh_triage *t)
{
	char a[32], c[32];
	size_t i;

	exh_buf_puts(b, ",\"run_notes\":[");
	for (i = 0; i < t->nnotes; i++) {
		exh_buf_puts(b, i ? ",\"" : "\"");
		exh_esc_json(b, t->notes[i], strlen(t->notes[i]));
		exh_buf_putc(b, '"');
	}
	exh_buf_puts(b, "],\"log_coverage\":[");
	for (i = 0; i < t->ncov; i++)
		exh_buf_printf(b, "%s{\"family\":\"%s\",\"files\":%" PRIu64
		    ",\"lines\":%" PRIu64 ",\"first\":\"%s\",\"last\":\"%s\"}",
		    i ? "," : "", exh_log_family_name(t->cov[i].family),
		    t->cov[i].files, t->cov[i].lines,
		    exh_filetime_iso(t->cov[i].first, a),
		    exh_filetime_iso(t->cov[i].last, c));
	exh_buf_putc(b, ']');
}

/* The case record: who, what, how, when; never a password. */
int
exh_triage_acquisition_json(const struct exh_triage *t, struct exh_buf *b)
{
	struct exh_stats st = exh_findings_stats(t->fs);
	struct exh_buf pj = { 0 };
	char t1[32], t2[32], self[65];
	const char *fw = t->opt.firmware_notes_path;

	triage_self_sha256(self);
	exh_buf_puts(b, "{");
	put_json_field(b, "tool", "exhume " EXH_VERSION, false);
	put_json_field(b, "tool_sha256", self, true);
	put_json_field(b, "case", t->opt.case_id, true);
	put_json_field(b, "evidence", t->opt.evidence_id, true);
	put_json_field(b, "examiner", t->opt.examiner, true);
	put_json_field(b, "notes", t->opt.notes, true);
	put_json_field(b, "started", exh_filetime_iso(t->started, t1), true);
	put_json_field(b, "ended", exh_filetime_iso(t->ended, t2), true);
	put_json_field(b, "command_line", t->opt.command_line, true);
	put_json_field(b, "scope", t->opt.full ? "full" : "exchange-triage",
	    true);
	put_json_field(b, "rules_sha256", t->rules ?
	    exh_rules_set_sha256(t->rules) : "", true);
	put_rule_files(b, t->rules);
	put_sources(b, t);
	exh_buf_printf(b, ",\"streams\":{\"seen\":%llu,\"scanned\":%llu,"
	    "\"skipped\":%llu,\"unreadable\":%llu}",
	    (unsigned long long)st.streams_seen,
	    (unsigned long long)st.streams_scanned,
	    (unsigned long long)st.streams_skipped,
	    (unsigned long long)st.streams_unreadable);
	if (exh_findings_partial(t->fs) != NULL)
		put_json_field(b, "partial", exh_findings_partial(t->fs), true);
	if (fw != NULL && *fw != '\0') {
		/* Footprints the boot itself left (e.g. shim's SbatLevel). */
		char *notes = read_small_file(fw, 65536);

		put_json_field(b, "firmware_notes", notes ? notes : "", true);
		free(notes);
	}
	put_run_record(b, t);
	if (t->prof != NULL && exh_profile_to_json(t->prof, &pj) == EXH_OK &&
	    pj.data != NULL)
		exh_buf_printf(b, ",\"host\":%s", pj.data);
	exh_buf_free(&pj);
	exh_buf_puts(b, "}\n");
	return EXH_OK;
}
