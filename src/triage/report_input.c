/* Every document of a run: the report input filled from the triage, handed to report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

struct input_store {
	struct exh_report_source *srcs;
	struct exh_partition **parts;	/* per source */
	struct exh_report_volume *vols;
	struct exh_disk_info *disks;
	size_t ndisks;
	char self[65];
	char *firmware;
};

static const struct exh_disk_info *
disk_for(const struct input_store *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->ndisks; i++)
		if (strcmp(s->disks[i].dev_path, path) == 0)
			return &s->disks[i];
	return NULL;
}

static int
fill_partitions(const struct exh_source *src, struct exh_report_source *rs,
    struct exh_partition **store)
{
	size_t i, n = exh_source_partition_count(src);

	if ((*store = calloc(n + 1, sizeof(**store))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++)
		(*store)[i] = *exh_source_partition(src, i);
	rs->partitions = *store;
	rs->npartitions = n;
	return EXH_OK;
}

static int
fill_sources(const struct exh_triage *t, struct input_store *s)
{
	struct exh_err err;
	size_t i;

	if ((s->srcs = calloc(t->nsrcs + 1, sizeof(*s->srcs))) == NULL ||
	    (s->parts = calloc(t->nsrcs + 1, sizeof(*s->parts))) == NULL)
		return EXH_ENOMEM;
	(void)exh_source_list_disks("/sys", NULL, &s->disks, &s->ndisks, &err);
	for (i = 0; i < t->nsrcs; i++) {
		const char *path = exh_source_path(t->srcs[i]);
		const struct exh_disk_info *d = disk_for(s, path);

		s->srcs[i].path = path;
		s->srcs[i].model = d ? d->model : NULL;
		s->srcs[i].serial = d ? d->serial : NULL;
		s->srcs[i].table = exh_source_table(t->srcs[i]);
		s->srcs[i].size = exh_source_size(t->srcs[i]);
		s->srcs[i].ro = exh_source_ro_state(t->srcs[i]);
		s->srcs[i].src = t->srcs[i];
		if (t->img != NULL) {
			const struct triage_image *im = &t->img[i];

			s->srcs[i].image_hash_note = im->hash_note[0] ?
			    im->hash_note : NULL;
			s->srcs[i].check = im->checked && im->check_note[0] ==
			    '\0' ? &im->check : NULL;
			s->srcs[i].check_note = im->checked &&
			    im->check_note[0] ? im->check_note : NULL;
		}
		if (fill_partitions(t->srcs[i], &s->srcs[i], &s->parts[i]) !=
		    EXH_OK)
			return EXH_ENOMEM;
	}
	return EXH_OK;
}

static const char *
volume_flags(const struct exh_volume_info *vi)
{
	if (vi->dirty && vi->hibernated)
		return "dirty, hibernated";
	if (vi->hibernated)
		return "hibernated";
	return vi->dirty ? "dirty" : "";
}

static int
fill_volumes(const struct exh_triage *t, struct input_store *s)
{
	size_t i, n = t->nvols + t->nfailed;

	if ((s->vols = calloc(n + 1, sizeof(*s->vols))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < t->nvols; i++) {
		const struct exh_volume_info *vi =
		    exh_volume_info(t->vols[i].vol);

		s->vols[i].source_path = exh_source_path(t->vols[i].src);
		s->vols[i].partition = t->vols[i].part;
		s->vols[i].letter = vi->letter;
		s->vols[i].letter_source = vi->letter_source !=
		    EXH_LETTER_NONE ? exh_letter_source_name(vi->letter_source) :
		    NULL;
		s->vols[i].size = vi->size;
		s->vols[i].label = vi->label;
		s->vols[i].serial = vi->serial;
		s->vols[i].system = exh_volume_is_system(t->vols[i].vol);
		s->vols[i].flags = volume_flags(vi);
		s->vols[i].counted = t->ran;
		s->vols[i].streams = t->vols[i].examined;
		s->vols[i].logs = t->vols[i].logs;
		s->vols[i].not_examined = t->vols[i].why;
		s->vols[i].history = t->vols[i].history;
	}
	for (i = 0; i < t->nfailed; i++) {
		struct exh_report_volume *v = &s->vols[t->nvols + i];

		v->source_path = t->failed[i].source_path;
		v->partition = t->failed[i].part;
		v->letter = '?';
		v->label = v->serial = v->flags = "";
		v->error = t->failed[i].error ? t->failed[i].error : "";
	}
	return EXH_OK;
}

static void
free_store(struct input_store *s, size_t nsrcs)
{
	size_t i;

	for (i = 0; s->parts != NULL && i < nsrcs; i++)
		free(s->parts[i]);
	free(s->parts);
	free(s->srcs);
	free(s->vols);
	free(s->disks);
	free(s->firmware);
}

static void
fill_results(const struct exh_triage *t, struct exh_report_input *in)
{
	in->case_id = t->opt.case_id;
	in->evidence_id = t->opt.evidence_id;
	in->examiner = t->opt.examiner;
	in->notes = t->opt.notes;
	in->aware_since = t->opt.aware_since;
	in->measures = t->opt.measures;
	in->data_categories = t->opt.data_categories;
	in->started = t->started;
	in->ended = t->ended;
	in->command_line = t->opt.command_line;
	in->full_scan = t->opt.full;
	in->scope = (const char *const *)t->scope;
	in->nscope = t->nscope;
	in->nsources = t->nsrcs;
	in->nvolumes = t->nvols + t->nfailed;
	in->rules = t->rules;
	in->profile = t->prof;
	in->coverage = t->cov;
	in->ncoverage = t->ncov;
	in->findings = t->fs;
	in->nothing_examined = t->nothing_examined;
	in->run_notes = (const char *const *)t->notes;
	in->nrun_notes = t->nnotes;
	in->run_msgs = t->note_msgs;
}

/* The whole record of the run, without the bundle's collected list.  The
 * store holds what in points to; free it with free_store. */
static int
fill_input(const struct exh_triage *t, struct exh_report_input *in,
    struct input_store *s)
{
	const char *fw = t->opt.firmware_notes_path;

	memset(in, 0, sizeof(*in));
	memset(s, 0, sizeof(*s));
	if (fill_sources(t, s) != EXH_OK || fill_volumes(t, s) != EXH_OK) {
		free_store(s, t->nsrcs);
		return EXH_ENOMEM;
	}
	fill_results(t, in);
	exh_hash_self(s->self);
	in->exhume_sha256 = s->self;
	in->sources = s->srcs;
	in->volumes = s->vols;
	/* Asked for but unreadable is recorded as empty, not left out. */
	if (fw != NULL && *fw != '\0') {
		s->firmware = exh_file_read_small(fw, 65536);
		in->firmware_notes = s->firmware ? s->firmware : "";
	}
	return EXH_OK;
}

int
triage_document(const struct exh_triage *t, const char *name,
    const char *lang, const struct triage_doc_extra *x, struct exh_sink *out)
{
	struct exh_report_input in;
	struct input_store s;
	int rc;

	if (strcmp(name, "findings.jsonl") == 0)
		return exh_report_findings_jsonl_to(t->fs, out);
	if (strcmp(name, "timeline.csv") == 0)
		return exh_report_timeline_csv_to(t->fs, out);
	if (fill_input(t, &in, &s) != EXH_OK)
		return EXH_ENOMEM;
	in.lang = lang;
	if (x != NULL) {
		in.collected = x->col;
		in.ncollected = x->ncol;
		in.bundle_name = x->bundle_name;
		in.bundle_aes = x->bundle_aes;
		in.bundle_p7m = x->bundle_p7m;
		in.bundle_signed = x->bundle_signed;
	}
	if (strcmp(name, "summary.txt") == 0)
		rc = exh_report_summary_text_to(&in, out);
	else if (strcmp(name, "acquisition.json") == 0)
		rc = exh_report_acquisition_json(&in, out->buf) == EXH_OK ?
		    exh_sink_flush(out, true) : EXH_ENOMEM;
	else if (strcmp(name, "report.html") == 0)
		rc = exh_report_html_to(&in, out);
	else if (strcmp(name, "report.txt") == 0)
		rc = exh_report_text_to(&in, out);
	else
		rc = EXH_EUSAGE;
	free_store(&s, t->nsrcs);
	return rc;
}

int
exh_triage_document(const struct exh_triage *t, const char *name,
    const char *lang, struct exh_sink *out)
{
	if (t == NULL || name == NULL || out == NULL || out->buf == NULL)
		return EXH_EUSAGE;
	return triage_document(t, name, lang, NULL, out);
}

static int
whole(const struct exh_triage *t, const char *name, const char *lang,
    struct exh_buf *out)
{
	struct exh_sink s = { out, NULL, NULL, EXH_OK };

	return exh_triage_document(t, name, lang, &s);
}

int
exh_triage_report(const struct exh_triage *t, const char *lang, bool html,
    struct exh_buf *out)
{
	return whole(t, html ? "report.html" : "report.txt", lang, out);
}

int
exh_triage_summary_text(const struct exh_triage *t, struct exh_buf *out)
{
	return whole(t, "summary.txt", NULL, out);
}

int
exh_triage_findings_jsonl(const struct exh_triage *t, struct exh_buf *out)
{
	return whole(t, "findings.jsonl", NULL, out);
}

int
exh_triage_acquisition_json(const struct exh_triage *t, struct exh_buf *out)
{
	return whole(t, "acquisition.json", NULL, out);
}
