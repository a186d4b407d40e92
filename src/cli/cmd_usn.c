/* exhume files --usn: the records of each volume's change journal. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct journal_listing {
	bool jsonl;
	bool oom;
	char letter;
};

static void
text_line(struct journal_listing *jl, const struct exh_usn_record *r,
    const char *reasons)
{
	char when[32];

	(void)jl;
	printf("%s\t%" PRId64 "\t%s\t%" PRIu64 "-%u\t%" PRIu64 "-%u\t",
	    r->timestamp != 0 ? exh_filetime_iso(r->timestamp, when) : "-",
	    r->usn, reasons[0] != '\0' ? reasons : "-", r->mft,
	    (unsigned)r->seq, r->parent_mft, (unsigned)r->parent_seq);
	cli_put_term(stdout, r->name);
	putchar('\n');
}

static int
json_line(struct journal_listing *jl, const struct exh_usn_record *r,
    const char *reasons)
{
	struct exh_buf b = { 0 }, msg = { 0 };
	struct exh_json w;
	char volume[2] = { jl->letter, '\0' };
	int rc;

	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	/* Timesketch's columns first: each record is a timeline row. */
	if (exh_buf_printf(&msg, "%s (%s)", r->name != NULL ? r->name : "",
	    reasons[0] != '\0' ? reasons : "no reason flags") != EXH_OK) {
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	exh_json_text(&w, "message", msg.data);
	exh_buf_free(&msg);
	exh_json_time(&w, "datetime", r->timestamp, EXH_JSON_ABSENT_NULL);
	/* FILETIME (100 ns since 1601) to microseconds since 1970. */
	exh_json_int(&w, "timestamp", r->timestamp != 0 ?
	    (r->timestamp - 116444736000000000LL) / 10 : 0);
	exh_json_str(&w, "timestamp_desc", "USN record");
	exh_json_str(&w, "volume", volume);
	exh_json_time(&w, "time", r->timestamp, EXH_JSON_ABSENT_NULL);
	exh_json_int(&w, "usn", r->usn);
	exh_json_str(&w, "reasons", reasons);
	exh_json_uint(&w, "reason_flags", r->reasons);
	exh_json_uint(&w, "mft", r->mft);
	exh_json_uint(&w, "seq", r->seq);
	exh_json_uint(&w, "parent_mft", r->parent_mft);
	exh_json_uint(&w, "parent_seq", r->parent_seq);
	exh_json_text(&w, "name", r->name);
	exh_json_uint(&w, "version", r->major);
	exh_json_uint(&w, "attributes", r->attributes);
	exh_json_uint(&w, "source_info", r->source_info);
	exh_json_uint(&w, "security_id", r->security_id);
	exh_json_uint(&w, "offset", r->offset);
	exh_json_close(&w, '}');
	exh_json_raw(&w, "\n");
	if ((rc = exh_json_status(&w)) == EXH_OK)
		fputs(b.data, stdout);
	exh_buf_free(&b);
	return rc;
}

static int
on_record(const struct exh_usn_record *r, void *ctx)
{
	struct journal_listing *jl = ctx;
	struct exh_buf reasons = { 0 };

	if (exh_usn_reasons(r->reasons, "|", &reasons) != EXH_OK) {
		jl->oom = true;
		return EXH_WALK_STOP;
	}
	if (!jl->jsonl)
		text_line(jl, r, reasons.data);
	else if (json_line(jl, r, reasons.data) != EXH_OK)
		jl->oom = true;
	exh_buf_free(&reasons);
	return jl->oom ? EXH_WALK_STOP : EXH_WALK_NEXT;
}

int
cli_list_usn(struct exh_volume *vol, bool jsonl)
{
	const struct exh_volume_info *vi = exh_volume_info(vol);
	struct journal_listing jl = { .jsonl = jsonl, .letter = vi->letter };
	struct exh_usn_counts n;
	struct exh_err err;
	char msg[256];
	int rc;

	rc = exh_volume_usn_walk(vol, on_record, &jl, &n, &err);
	if (rc == EXH_ENOTFOUND) {
		/* The letter and the fixed text always fit. */
		(void)snprintf(msg, sizeof(msg), "volume %c: no $UsnJrnl on "
		    "this volume", vi->letter);
		cli_note(NULL, msg);
		return EXIT_CLEAN;
	}
	/* Four numbers and the fixed text always fit msg. */
	(void)snprintf(msg, sizeof(msg), "volume %c: $UsnJrnl: %" PRIu64
	    " records, %" PRIu64 " damaged, %" PRIu64 " bytes read, %" PRIu64
	    " sparse bytes skipped", vi->letter, n.records, n.damaged,
	    n.read_bytes, n.sparse_bytes);
	cli_note(NULL, msg);
	return cli_listing_status(vi->letter, "$UsnJrnl", jl.oom, rc, &err,
	    n.damaged);
}
