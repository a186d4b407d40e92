/* One JSON object per finding, the shape of findings.jsonl. */
#include <string.h>

#include "exhume/findings.h"

static void
put_reasons(struct exh_json *w, const struct exh_finding *f)
{
	size_t i;

	exh_json_open(w, "reasons", '[');
	for (i = 0; i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		exh_json_open(w, NULL, '{');
		exh_json_str(w, "kind", r->kind);
		exh_json_str(w, "name", r->name);
		exh_json_int(w, "score", r->score);
		exh_json_str(w, "description", r->description);
		exh_json_str(w, "reference", r->reference);
		exh_json_str(w, "detail", r->detail);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_fields(struct exh_json *w, const struct exh_finding *f)
{
	size_t i;

	exh_json_open(w, "fields", '{');
	for (i = 0; i < f->nfields; i++)
		exh_json_str(w, f->fields[i].key, f->fields[i].value);
	exh_json_close(w, '}');
}

static void
put_file_part(struct exh_json *w, const struct exh_finding *f)
{
	exh_json_uint(w, "size", f->file.size);
	exh_json_uint(w, "mft", f->file.mft);
	exh_json_uint(w, "seq", f->file.seq);
	exh_json_uint(w, "attributes", f->file.attributes);
	/* Not chosen by an attacker, but escaped like every disk string. */
	exh_json_text(w, "owner", f->owner);
	exh_json_text(w, "owner_sid", f->file.owner_sid);
	if (f->md5[0] != '\0')
		exh_json_str(w, "md5", f->md5);
	if (f->sha1[0] != '\0')
		exh_json_str(w, "sha1", f->sha1);
	exh_json_str(w, "sha256", f->sha256);
	exh_json_macb(w, "si", &f->file.si, EXH_JSON_ABSENT_EMPTY);
	exh_json_macb(w, "fn", &f->file.fn, EXH_JSON_ABSENT_EMPTY);
}

/* A grouped finding: how many hits, when, from whom, and a few of them. */
static void
put_group(struct exh_json *w, const struct exh_finding *f)
{
	size_t i;

	if (f->count <= 1 && f->grouped == NULL)
		return;
	exh_json_uint(w, "count", f->count);
	exh_json_time(w, "first", f->first, EXH_JSON_ABSENT_EMPTY);
	exh_json_time(w, "last", f->last, EXH_JSON_ABSENT_EMPTY);
	exh_json_str(w, "grouped", f->grouped);
	exh_json_open(w, "clients", '[');
	for (i = 0; i < f->nclients; i++)
		exh_json_str(w, NULL, f->clients[i]);
	exh_json_close(w, ']');
	exh_json_bool(w, "clients_cut", f->clients_cut);
	exh_json_open(w, "samples", '[');
	for (i = 0; i < f->nsamples; i++) {
		exh_json_open(w, NULL, '{');
		exh_json_uint(w, "line", f->samples[i].line);
		exh_json_time(w, "time", f->samples[i].time,
		    EXH_JSON_ABSENT_EMPTY);
		exh_json_str(w, "text", f->samples[i].text);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
put_record_part(struct exh_json *w, const struct exh_finding *f)
{
	exh_json_str(w, "file", f->file.path);
	exh_json_uint(w, "line", f->line);
	exh_json_uint(w, "record", f->record);
	exh_json_time(w, "time", f->time, EXH_JSON_ABSENT_EMPTY);
	exh_json_str(w, "client_ip", f->client_ip);
	exh_json_str(w, "excerpt", f->excerpt);
	put_fields(w, f);
	put_group(w, f);
}

int
exh_finding_to_json(const struct exh_finding *f, struct exh_buf *out)
{
	struct exh_json w;

	exh_json_init(&w, out);
	exh_json_open(&w, NULL, '{');
	exh_json_str(&w, "id", f->id);
	exh_json_str(&w, "kind", exh_finding_kind_name(f->kind));
	exh_json_str(&w, "level", exh_level_name(f->level));
	exh_json_int(&w, "score", f->score);
	exh_json_str(&w, "check", f->check);
	exh_json_str(&w, "path", f->file.path);
	exh_json_text(&w, "stream", f->file.stream);
	exh_json_str(&w, "origin", f->origin != NULL ? f->origin : "live");
	if (f->origin_time != 0)
		exh_json_time(&w, "origin_time", f->origin_time,
		    EXH_JSON_ABSENT_EMPTY);
	if (f->kind == EXH_FIND_FILE)
		put_file_part(&w, f);
	else
		put_record_part(&w, f);
	put_reasons(&w, f);
	exh_json_close(&w, '}');
	return exh_json_status(&w);
}
