/* acquisition.json: the case record (who, what, how, when; never a password). */
#include <string.h>

#include "report_int.h"

/* The drive letter an opened volume on this partition was given, and
 * where the letter came from. */
static void
put_letter(struct exh_json *w, const struct exh_report_input *in,
    const char *path, int number)
{
	size_t i;

	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];
		char l[2] = { v->letter, '\0' };

		if (v->error != NULL || v->partition != number ||
		    strcmp(v->source_path, path) != 0)
			continue;
		exh_json_text(w, "letter", v->letter == '?' ? "" : l);
		exh_json_text(w, "letter_source", v->letter_source != NULL ?
		    v->letter_source : "");
		return;
	}
}

static void
put_partitions(struct exh_json *w, const struct exh_report_input *in,
    const struct exh_report_source *s)
{
	size_t i;

	exh_json_open(w, "partitions", '[');
	for (i = 0; i < s->npartitions; i++) {
		const struct exh_partition *p = &s->partitions[i];

		exh_json_open(w, NULL, '{');
		exh_json_int(w, "number", p->number);
		exh_json_uint(w, "offset", p->offset);
		exh_json_uint(w, "size", p->size);
		exh_json_text(w, "fs", p->fs_type);
		exh_json_text(w, "label", p->label);
		exh_json_text(w, "uuid", p->uuid);
		exh_json_text(w, "table_id", p->table_id);
		exh_json_text(w, "part_guid", p->part_guid);
		put_letter(w, in, s->path, p->number);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

/* What --verify-image found, when it ran. */
static void
put_image_check(struct exh_json *w, const struct exh_report_source *s)
{
	bool incomplete = s->check_note != NULL && s->check_note[0] != '\0';

	if (s->check == NULL && !incomplete)
		return;
	exh_report_image_check_json(w, s->check, s->src != NULL ?
	    exh_source_image_meta(s->src) : NULL, s->check_note);
}

static void
put_sources(struct exh_json *w, const struct exh_report_input *in)
{
	size_t i;

	exh_json_open(w, "sources", '[');
	for (i = 0; i < in->nsources; i++) {
		const struct exh_report_source *s = &in->sources[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "path", s->path);
		/* Listed disks only: an image file has no model. */
		if (s->model != NULL) {
			exh_json_text(w, "model", s->model);
			exh_json_text(w, "serial", s->serial);
		}
		exh_json_text(w, "table", s->table);
		put_partitions(w, in, s);
		exh_json_uint(w, "size", s->size);
		exh_json_bool(w, "block_device", s->ro->is_block_device);
		exh_json_int(w, "ro_before", s->ro->before);
		exh_json_int(w, "ro_after", s->ro->after);
		exh_json_text(w, "read_only_method", s->ro->method);
		if (s->src != NULL)
			exh_report_container_json(w, s->src,
			    s->image_hash_note);
		put_image_check(w, s);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_window(struct exh_json *w, const struct exh_history_window *hw)
{
	exh_json_open(w, NULL, '{');
	exh_json_text(w, "group", hw->w.group);
	exh_json_text(w, "cves", hw->w.cves);
	exh_json_time(w, "start", hw->w.start, EXH_JSON_ABSENT_NULL);
	exh_json_text(w, "start_from", hw->w.start_published ?
	    "publication" : "first exploitation");
	exh_json_time(w, "end", hw->w.end, EXH_JSON_ABSENT_NULL);
	exh_json_bool(w, "open", hw->w.open);
	exh_json_time(w, "checked_from", hw->from, EXH_JSON_ABSENT_NULL);
	exh_json_text(w, "journal_coverage",
	    exh_history_coverage_name(hw->coverage));
	exh_json_close(w, '}');
}

/* The volume's history record: journal range, deleted records, shadow
 * copies (filled by the snapshot scan) and the exposure windows. */
static void
put_history(struct exh_json *w, const struct exh_history_result *r)
{
	size_t i;

	exh_json_open(w, "history", '{');
	exh_json_bool(w, "journal", r->journal);
	exh_json_time(w, "journal_first", r->usn_first, EXH_JSON_ABSENT_NULL);
	exh_json_time(w, "journal_last", r->usn_last, EXH_JSON_ABSENT_NULL);
	exh_json_uint(w, "journal_records", r->usn_records);
	exh_json_uint(w, "journal_damaged", r->usn_damaged);
	if (r->usn_rc != EXH_OK)
		exh_json_text(w, "journal_error", r->usn_error);
	exh_json_uint(w, "mft_records_read", r->deleted_read);
	exh_json_uint(w, "deleted_records", r->deleted_records);
	exh_json_uint(w, "deleted_listed", r->deleted_names);
	exh_json_uint(w, "mft_records_damaged", r->deleted_damaged);
	exh_json_uint(w, "findings", r->findings);
	exh_json_uint(w, "groups_folded", r->groups_folded);
	exh_json_uint(w, "snapshots_found", r->snapshots_found);
	exh_json_uint(w, "snapshots_examined", r->snapshots_examined);
	exh_json_uint(w, "snapshots_identical", r->snapshots_identical);
	exh_json_uint(w, "snapshots_skipped", r->snapshots_skipped);
	exh_json_text(w, "snapshots_note", r->snapshots_note);
	exh_json_text(w, "journal_coverage",
	    exh_history_coverage_name(r->coverage));
	exh_json_open(w, "exposure_windows", '[');
	for (i = 0; i < r->nwindows; i++)
		put_window(w, &r->windows[i]);
	exh_json_close(w, ']');
	exh_json_close(w, '}');
}

/* Each opened volume with what was examined on it; one that could not be
 * opened with its error. */
static void
put_volumes(struct exh_json *w, const struct exh_report_input *in)
{
	char letter[3] = "?";
	size_t i;

	exh_json_open(w, "volumes", '[');
	for (i = 0; i < in->nvolumes; i++) {
		const struct exh_report_volume *v = &in->volumes[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "source", v->source_path);
		exh_json_int(w, "partition", v->partition);
		letter[0] = v->letter != '\0' ? v->letter : '?';
		letter[1] = letter[0] != '?' ? ':' : '\0';
		exh_json_text(w, "letter", letter);
		exh_json_text(w, "label", v->label);
		exh_json_bool(w, "system", v->system);
		if (v->error != NULL)
			exh_json_text(w, "error", v->error);
		else if (v->counted) {
			exh_json_open(w, "examined", '{');
			exh_json_uint(w, "streams", v->streams);
			exh_json_uint(w, "logs", v->logs);
			exh_json_close(w, '}');
			if (v->not_examined != NULL)
				exh_json_text(w, "not_examined_reason",
				    v->not_examined);
		}
		if (v->error == NULL && v->history != NULL)
			put_history(w, v->history);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_rule_files(struct exh_json *w, const struct exh_rules *r)
{
	size_t i;

	exh_json_open(w, "rule_files", '[');
	for (i = 0; r != NULL && i < exh_rules_file_count(r); i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "path", f->path);
		exh_json_text(w, "kind", exh_rules_file_kind_name(f->kind));
		exh_json_uint(w, "loaded", f->loaded);
		exh_json_uint(w, "rejected_lines", f->nrejects);
		if (f->error != NULL)
			exh_json_text(w, "error", f->error);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_streams(struct exh_json *w, const struct exh_findings *fs)
{
	struct exh_stats st = exh_findings_stats(fs);

	exh_json_open(w, "streams", '{');
	exh_json_uint(w, "seen", st.streams_seen);
	exh_json_uint(w, "scanned", st.streams_scanned);
	exh_json_uint(w, "skipped", st.streams_skipped);
	exh_json_uint(w, "unreadable", st.streams_unreadable);
	exh_json_close(w, '}');
}

/* The run notes (where Exchange was found, log coverage gaps, ...) and
 * the time span of each log family, for the record. */
static void
put_run_record(struct exh_json *w, const struct exh_report_input *in)
{
	size_t i;

	exh_json_open(w, "run_notes", '[');
	for (i = 0; i < in->nrun_notes; i++)
		exh_json_text(w, NULL, in->run_notes[i]);
	exh_json_close(w, ']');
	exh_json_open(w, "log_coverage", '[');
	for (i = 0; i < in->ncoverage; i++) {
		const struct exh_log_coverage *c = &in->coverage[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "family", exh_log_family_name(c->family));
		exh_json_uint(w, "files", c->files);
		exh_json_uint(w, "lines", c->lines);
		exh_json_time(w, "first", c->first, EXH_JSON_ABSENT_EMPTY);
		exh_json_time(w, "last", c->last, EXH_JSON_ABSENT_EMPTY);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

/* The GDPR Art. 33(3) facts the user gave; "" for one not given yet. */
static void
put_notification(struct exh_json *w, const struct exh_report_input *in)
{
	exh_json_open(w, "notification", '{');
	exh_json_text(w, "aware_since", in->aware_since);
	exh_json_text(w, "measures", in->measures);
	exh_json_text(w, "data_categories", in->data_categories);
	exh_json_close(w, '}');
}

int
exh_report_acquisition_json(const struct exh_report_input *in,
    struct exh_buf *out)
{
	const char *partial = exh_findings_partial(in->findings);
	struct exh_json w;

	exh_json_init(&w, out);
	exh_json_open(&w, NULL, '{');
	exh_json_text(&w, "tool", "exhume " EXH_VERSION);
	exh_json_text(&w, "tool_sha256", in->exhume_sha256);
	exh_json_text(&w, "case", in->case_id);
	exh_json_text(&w, "evidence", in->evidence_id);
	exh_json_text(&w, "examiner", in->examiner);
	exh_json_text(&w, "notes", in->notes);
	put_notification(&w, in);
	exh_json_time(&w, "started", in->started, EXH_JSON_ABSENT_EMPTY);
	exh_json_time(&w, "ended", in->ended, EXH_JSON_ABSENT_EMPTY);
	exh_json_text(&w, "command_line", in->command_line);
	exh_json_text(&w, "scope", in->full_scan ? "full" : "exchange-triage");
	exh_json_text(&w, "rules_sha256", in->rules ?
	    exh_rules_set_sha256(in->rules) : "");
	put_rule_files(&w, in->rules);
	put_sources(&w, in);
	put_volumes(&w, in);
	put_streams(&w, in->findings);
	if (partial != NULL)
		exh_json_text(&w, "partial", partial);
	if (in->nothing_examined != NULL)
		exh_json_text(&w, "nothing_examined", in->nothing_examined);
	/* Footprints the boot itself left (e.g. shim's SbatLevel). */
	if (in->firmware_notes != NULL)
		exh_json_text(&w, "firmware_notes", in->firmware_notes);
	put_run_record(&w, in);
	if (in->profile != NULL)
		report_profile_json(&w, "host", in->profile);
	exh_json_close(&w, '}');
	exh_json_raw(&w, "\n");
	return exh_json_status(&w);
}
