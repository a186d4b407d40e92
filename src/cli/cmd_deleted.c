/* exhume files --deleted: the names left in each volume's free MFT records. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct deleted_listing {
	bool jsonl;
	bool hash;
	uint64_t max_size;
	struct exh_volume *vol;
	bool oom;
	char letter;
};

/* "sha256" of the surviving content, or "content_note" saying why not. */
static void
content_hash(struct deleted_listing *dl, const struct exh_deleted *d,
    struct exh_json *w)
{
	char sha256[65], note[64];
	struct exh_stream *st;
	struct exh_err err;
	const char *why;
	int content, rc;

	if (dl->max_size > 0 && d->size > dl->max_size) {
		(void)snprintf(note, sizeof(note), "above --max-size");
		exh_json_str(w, "content_note", note);
		return;
	}
	rc = exh_stream_open_deleted(dl->vol, d->mft, d->seq, &content, &why,
	    &st, &err);
	if (rc == EXH_OK) {
		rc = cli_hash_open_stream(st, false, false, NULL, NULL, sha256,
		    &err);
		exh_stream_close(st);
	}
	if (rc == EXH_OK)
		exh_json_str(w, "sha256", sha256);
	else
		exh_json_text(w, "content_note", err.msg);
}

static int
json_line(struct deleted_listing *dl, const struct exh_deleted *d)
{
	struct exh_buf b = { 0 };
	struct exh_json w;
	int rc;

	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_json_text(&w, "path", d->path);
	exh_json_text(&w, "name", d->name);
	exh_json_str(&w, "type", d->is_dir ? "dir" : "file");
	exh_json_str(&w, "state", "deleted");
	exh_json_bool(&w, "orphan", d->orphan);
	exh_json_uint(&w, "mft", d->mft);
	exh_json_uint(&w, "seq", d->seq);
	exh_json_uint(&w, "parent_mft", d->parent_mft);
	exh_json_uint(&w, "parent_seq", d->parent_seq);
	exh_json_uint(&w, "size", d->size);
	exh_json_str(&w, "content", exh_deleted_content_name(d->content));
	exh_json_macb(&w, "si", &d->si, EXH_JSON_ABSENT_EMPTY);
	exh_json_macb(&w, "fn", &d->fn, EXH_JSON_ABSENT_EMPTY);
	if (d->torn)
		exh_json_bool(&w, "torn", true);
	if (dl->hash && !d->is_dir)
		content_hash(dl, d, &w);
	exh_json_close(&w, '}');
	exh_json_raw(&w, "\n");
	if ((rc = exh_json_status(&w)) == EXH_OK)
		fputs(b.data, stdout);
	exh_buf_free(&b);
	return rc;
}

/* The Sleuth Kit body format as `fls -m -d` writes it: "(deleted)" after
 * the name, one line for $STANDARD_INFORMATION and one for $FILE_NAME. */
static int
body_line(const struct exh_deleted *d)
{
	struct exh_buf name = { 0 };
	const struct exh_macb *t;
	size_t i;
	int pass;

	if (exh_esc_term(&name, d->path, strlen(d->path)) != EXH_OK)
		return EXH_ENOMEM;
	for (pass = 0; pass < 2; pass++) {
		t = pass ? &d->fn : &d->si;
		fputs("0|", stdout);
		for (i = 0; i < name.len; i++)
			putchar(name.data[i] == '|' ? '/' : name.data[i]);
		printf("%s (deleted)|%" PRIu64 "-%u|%s|0|0|%" PRIu64 "|%lld|%lld|"
		    "%lld|%lld\n", pass ? " ($FILE_NAME)" : "", d->mft,
		    (unsigned)d->seq, d->is_dir ? "d/drwxrwxrwx" :
		    "r/rrwxrwxrwx", d->size,
		    (long long)exh_filetime_to_unix(t->accessed),
		    (long long)exh_filetime_to_unix(t->modified),
		    (long long)exh_filetime_to_unix(t->mft_changed),
		    (long long)exh_filetime_to_unix(t->created));
	}
	exh_buf_free(&name);
	return EXH_OK;
}

static int
on_deleted(const struct exh_deleted *d, void *ctx)
{
	struct deleted_listing *dl = ctx;

	if ((dl->jsonl ? json_line(dl, d) : body_line(d)) != EXH_OK)
		dl->oom = true;
	return dl->oom ? EXH_WALK_STOP : EXH_WALK_NEXT;
}

int
cli_list_deleted(struct exh_volume *vol, bool jsonl, bool hash,
    uint64_t max_size)
{
	const struct exh_volume_info *vi = exh_volume_info(vol);
	struct deleted_listing dl = { .jsonl = jsonl, .letter = vi->letter,
	    .hash = hash, .max_size = max_size, .vol = vol };
	struct exh_deleted_counts n;
	struct exh_err err;
	char msg[320];
	int rc;

	rc = exh_volume_deleted_walk(vol, on_deleted, &dl, &n, &err);
	/* Five numbers and the fixed text always fit msg. */
	(void)snprintf(msg, sizeof(msg), "volume %c: $MFT: %" PRIu64
	    " records read, %" PRIu64 " deleted (%" PRIu64 " names listed, %"
	    PRIu64 " without a name), %" PRIu64 " damaged or unreadable",
	    vi->letter, n.records, n.deleted, n.listed, n.nameless,
	    n.damaged);
	cli_note(NULL, msg);
	return cli_listing_status(vi->letter, "$MFT", dl.oom, rc, &err,
	    n.damaged);
}
