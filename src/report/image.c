/* The container of each source on the record: format, files, E01 record. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"

#define UNREAD_NOTE "not readable at acquisition; reads as zeros"

static void
put_files(struct exh_json *w, const struct exh_source *src,
    const char *hash_note)
{
	size_t i;

	exh_json_open(w, "files", '[');
	for (i = 0; i < exh_source_file_count(src); i++) {
		const struct exh_image_file *f = exh_source_file(src, i);

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "path", f->path);
		exh_json_str(w, "role", f->role);
		exh_json_int(w, "depth", f->depth);
		exh_json_uint(w, "size", f->size);
		exh_json_str(w, "sha256", f->sha256);
		if (f->sha256[0] == '\0' && hash_note != NULL)
			exh_json_text(w, "sha256_note", hash_note);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_meta(struct exh_json *w, const struct exh_image_meta *m)
{
	exh_json_open(w, "acquisition", '{');
	exh_json_text(w, "case_number", m->case_number);
	exh_json_text(w, "evidence_number", m->evidence_number);
	exh_json_text(w, "examiner", m->examiner);
	exh_json_text(w, "description", m->description);
	exh_json_text(w, "notes", m->notes);
	exh_json_text(w, "acquired", m->acquired);
	exh_json_text(w, "system_date", m->system_date);
	exh_json_text(w, "software", m->software);
	exh_json_text(w, "os", m->os);
	exh_json_text(w, "model", m->model);
	exh_json_text(w, "serial", m->serial);
	exh_json_text(w, "md5", m->md5);
	exh_json_text(w, "sha1", m->sha1);
	exh_json_close(w, '}');
}

static const char *
match_word(int match)
{
	return match == 1 ? "matches" : match == 0 ? "differs" : "none stored";
}

void
exh_report_image_check_json(struct exh_json *w,
    const struct exh_image_check *c, const struct exh_image_meta *meta,
    const char *note)
{
	bool complete = note == NULL || note[0] == '\0';

	exh_json_open(w, "image_check", '{');
	exh_json_bool(w, "complete", complete);
	exh_json_uint(w, "bytes", c != NULL ? c->bytes : 0);
	exh_json_str(w, "md5", complete && c != NULL ? c->md5 : "");
	exh_json_str(w, "sha1", complete && c != NULL ? c->sha1 : "");
	exh_json_str(w, "sha256", complete && c != NULL ? c->sha256 : "");
	exh_json_text(w, "stored_md5", meta != NULL ? meta->md5 : "");
	exh_json_text(w, "stored_sha1", meta != NULL ? meta->sha1 : "");
	exh_json_str(w, "md5_match", match_word(complete && c != NULL ?
	    c->md5_match : -1));
	exh_json_str(w, "sha1_match", match_word(complete && c != NULL ?
	    c->sha1_match : -1));
	exh_json_text(w, "note", complete ? "" : note);
	exh_json_close(w, '}');
}

void
exh_report_container_json(struct exh_json *w, const struct exh_source *src,
    const char *hash_note)
{
	const struct exh_image_meta *m = exh_source_image_meta(src);
	size_t i;

	exh_json_str(w, "container", exh_source_container_name(src));
	exh_json_text(w, "format", exh_source_format(src));
	exh_json_uint(w, "sector_size", exh_source_sector_size(src));
	put_files(w, src, hash_note);
	if (m != NULL)
		put_meta(w, m);
	exh_json_open(w, "unread_ranges", '[');
	for (i = 0; i < exh_source_bad_range_count(src); i++) {
		const struct exh_bad_range *b = exh_source_bad_range(src, i);

		exh_json_open(w, NULL, '{');
		exh_json_uint(w, "offset", b->offset);
		exh_json_uint(w, "size", b->size);
		exh_json_str(w, "note", UNREAD_NOTE);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

/* ---- report.html / report.txt ------------------------------------ */

static const char *
match_text(struct report_writer *w, int match, const char *stored,
    const char *computed)
{
	if (match == 1)
		return report_fmt(w, _("%s (matches the stored hash)"),
		    computed);
	if (match == 0)
		return report_fmt(w, _("%1$s (DIFFERS from the stored %2$s)"),
		    computed, stored);
	return report_fmt(w, _("%s (nothing stored to compare with)"),
	    computed);
}

static void
check_kv(struct report_writer *w, const struct exh_report_source *s,
    const struct exh_image_meta *m)
{
	const struct exh_image_check *c = s->check;
	char sz[48];

	if (s->check_note != NULL && s->check_note[0] != '\0') {
		report_kv(w, _("Image check"), s->check_note);
		return;
	}
	if (c == NULL)
		return;
	report_kv(w, _("Image check"), report_fmt(w, _("the whole image "
	    "was read: %s"), report_size(c->bytes, sz)));
	report_kv(w, _("MD5 of the image read"), match_text(w, c->md5_match,
	    m != NULL ? m->md5 : "", c->md5));
	report_kv(w, _("SHA-1 of the image read"), match_text(w,
	    c->sha1_match, m != NULL ? m->sha1 : "", c->sha1));
	report_kv(w, _("SHA-256 of the image read"), c->sha256);
}

static void
meta_kv(struct report_writer *w, const struct exh_image_meta *m)
{
	report_kv(w, _("Case number (E01)"), report_str(m->case_number));
	report_kv(w, _("Evidence number (E01)"),
	    report_str(m->evidence_number));
	report_kv(w, _("Examiner (E01)"), report_str(m->examiner));
	report_kv(w, _("Description (E01)"), report_str(m->description));
	report_kv(w, _("Notes (E01)"), report_str(m->notes));
	report_kv(w, _("Acquired"), report_str(m->acquired));
	report_kv(w, _("System date at acquisition"),
	    report_str(m->system_date));
	report_kv(w, _("Acquisition software"), report_str(m->software));
	report_kv(w, _("Acquisition operating system"), report_str(m->os));
	report_kv(w, _("Media model"), report_str(m->model));
	report_kv(w, _("Media serial number"), report_str(m->serial));
	report_kv(w, _("Stored MD5"), report_str(m->md5));
	report_kv(w, _("Stored SHA-1"), report_str(m->sha1));
}

static void
files_table(struct report_writer *w, const struct exh_report_source *s)
{
	const char *cols[] = { _("Role"), _("File"), _("Size"),
	    _("SHA-256") };
	const struct exh_source *src = s->src;
	char sz[48];
	size_t i;

	if (exh_source_file_count(src) == 0)
		return;
	report_table_begin(w, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < exh_source_file_count(src); i++) {
		const struct exh_image_file *f = exh_source_file(src, i);

		report_row_begin(w);
		report_cell(w, f->depth > 0 ? report_fmt(w, "%s (%d)",
		    f->role, f->depth) : f->role);
		report_cell(w, f->path);
		report_cell(w, report_size(f->size, sz));
		if (f->sha256[0] != '\0')
			report_cell(w, f->sha256);
		else
			report_cell(w, s->image_hash_note != NULL ?
			    s->image_hash_note : _("not computed"));
		report_row_end(w);
	}
	report_table_end(w);
}

static void
unread_ranges(struct report_writer *w, const struct exh_source *src)
{
	size_t i, n = exh_source_bad_range_count(src);

	if (n == 0)
		return;
	report_para(w, REPORT_WARN, report_fmt(w, _("%zu ranges of this "
	    "image could not be read at acquisition; they read as zeros "
	    "and are skipped:"), n));
	report_list_begin(w);
	for (i = 0; i < n; i++) {
		const struct exh_bad_range *b = exh_source_bad_range(src, i);

		report_item(w, REPORT_WARN, report_fmt(w, _("offset %1$llu, "
		    "%2$llu bytes"), (unsigned long long)b->offset,
		    (unsigned long long)b->size));
	}
	report_list_end(w);
}

static void
one_image(struct report_writer *w, const struct exh_report_source *s)
{
	const struct exh_image_meta *m = exh_source_image_meta(s->src);

	report_kv_begin(w);
	report_kv(w, _("Source"), report_str(s->path));
	report_kv(w, _("Container"), report_str(exh_source_format(s->src)));
	report_kv(w, _("Bytes per sector"), report_fmt(w, "%" PRIu32,
	    exh_source_sector_size(s->src)));
	if (m != NULL)
		meta_kv(w, m);
	check_kv(w, s, m);
	report_kv_end(w);
	files_table(w, s);
	unread_ranges(w, s->src);
	if (s->check != NULL && (s->check->md5_match == 0 ||
	    s->check->sha1_match == 0))
		report_para(w, REPORT_ALERT, _("The image does not hash to "
		    "what its acquisition stored: it changed or was damaged "
		    "since it was acquired."));
}

void
report_images(struct report_writer *w, const struct exh_report_input *in)
{
	size_t i;
	bool any = false;

	for (i = 0; i < in->nsources; i++)
		any = any || in->sources[i].src != NULL;
	if (!any)
		return;
	report_heading(w, 3, _("Image containers and files"));
	for (i = 0; i < in->nsources; i++)
		if (in->sources[i].src != NULL)
			one_image(w, &in->sources[i]);
}
