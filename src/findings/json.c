/* One JSON object per finding, the shape of findings.jsonl. */
#include <inttypes.h>
#include <string.h>

#include "exhume/findings.h"

static int
put_str(struct exh_buf *out, const char *key, const char *value, bool comma)
{
	int rc = exh_buf_printf(out, "%s\"%s\":", comma ? "," : "", key);

	if (rc != EXH_OK)
		return rc;
	if (value == NULL)
		return exh_buf_puts(out, "null");
	if ((rc = exh_buf_putc(out, '"')) != EXH_OK ||
	    (rc = exh_esc_json(out, value, strlen(value))) != EXH_OK)
		return rc;
	return exh_buf_putc(out, '"');
}

static int
put_times(struct exh_buf *out, const char *key, const struct exh_macb *t)
{
	char a[32], b[32], c[32], d[32];

	return exh_buf_printf(out, ",\"%s\":{\"created\":\"%s\","
	    "\"modified\":\"%s\",\"mft_changed\":\"%s\",\"accessed\":\"%s\"}",
	    key, exh_filetime_iso(t->created, a), exh_filetime_iso(t->modified, b),
	    exh_filetime_iso(t->mft_changed, c), exh_filetime_iso(t->accessed, d));
}

static int
put_reasons(struct exh_buf *out, const struct exh_finding *f)
{
	size_t i;
	int rc = exh_buf_puts(out, ",\"reasons\":[");

	for (i = 0; rc == EXH_OK && i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		rc = exh_buf_puts(out, i ? ",{" : "{");
		if (rc == EXH_OK)
			rc = put_str(out, "kind", r->kind, false);
		if (rc == EXH_OK)
			rc = put_str(out, "name", r->name, true);
		if (rc == EXH_OK)
			rc = exh_buf_printf(out, ",\"score\":%d", r->score);
		if (rc == EXH_OK)
			rc = put_str(out, "description", r->description, true);
		if (rc == EXH_OK)
			rc = put_str(out, "reference", r->reference, true);
		if (rc == EXH_OK)
			rc = put_str(out, "detail", r->detail, true);
		if (rc == EXH_OK)
			rc = exh_buf_putc(out, '}');
	}
	return rc == EXH_OK ? exh_buf_putc(out, ']') : rc;
}

static int
put_fields(struct exh_buf *out, const struct exh_finding *f)
{
	size_t i;
	int rc = exh_buf_puts(out, ",\"fields\":{");

	for (i = 0; rc == EXH_OK && i < f->nfields; i++)
		rc = put_str(out, f->fields[i].key, f->fields[i].value, i > 0);
	return rc == EXH_OK ? exh_buf_putc(out, '}') : rc;
}

static int
put_file_part(struct exh_buf *out, const struct exh_finding *f)
{
	int rc = exh_buf_printf(out, ",\"size\":%" PRIu64 ",\"mft\":%" PRIu64
	    ",\"seq\":%u,\"attributes\":%" PRIu32, f->size, f->mft,
	    (unsigned)f->seq, f->attributes);

	/* Not chosen by an attacker, but escaped like every disk string. */
	if (rc == EXH_OK)
		rc = put_str(out, "owner", f->owner ? f->owner : "", true);
	if (rc == EXH_OK)
		rc = put_str(out, "owner_sid", f->owner_sid ? f->owner_sid :
		    "", true);
	if (rc == EXH_OK && f->md5[0] != '\0')
		rc = exh_buf_printf(out, ",\"md5\":\"%s\"", f->md5);
	if (rc == EXH_OK && f->sha1[0] != '\0')
		rc = exh_buf_printf(out, ",\"sha1\":\"%s\"", f->sha1);
	if (rc == EXH_OK)
		rc = exh_buf_printf(out, ",\"sha256\":\"%s\"", f->sha256);
	if (rc == EXH_OK)
		rc = put_times(out, "si", &f->si);
	if (rc == EXH_OK)
		rc = put_times(out, "fn", &f->fn);
	return rc;
}

static int
put_record_part(struct exh_buf *out, const struct exh_finding *f)
{
	char t[32];
	int rc = put_str(out, "file", f->path, true);

	if (rc == EXH_OK)
		rc = exh_buf_printf(out, ",\"line\":%" PRIu64 ",\"record\":%"
		    PRIu64 ",\"time\":\"%s\"", f->line, f->record,
		    exh_filetime_iso(f->time, t));
	if (rc == EXH_OK)
		rc = put_str(out, "client_ip", f->client_ip, true);
	if (rc == EXH_OK)
		rc = put_str(out, "excerpt", f->excerpt, true);
	if (rc == EXH_OK)
		rc = put_fields(out, f);
	return rc;
}

int
exh_finding_to_json(const struct exh_finding *f, struct exh_buf *out)
{
	int rc;

	rc = exh_buf_printf(out, "{\"id\":\"%s\",\"kind\":\"%s\","
	    "\"level\":\"%s\",\"score\":%d", f->id,
	    exh_finding_kind_name(f->kind), exh_level_name(f->level), f->score);
	if (rc == EXH_OK)
		rc = put_str(out, "check", f->check, true);
	if (rc == EXH_OK)
		rc = put_str(out, "path", f->path, true);
	if (rc == EXH_OK)
		rc = put_str(out, "stream", f->stream ? f->stream : "", true);
	if (rc == EXH_OK)
		rc = f->kind == EXH_FIND_FILE ? put_file_part(out, f) :
		    put_record_part(out, f);
	if (rc == EXH_OK)
		rc = put_reasons(out, f);
	return rc == EXH_OK ? exh_buf_putc(out, '}') : rc;
}
