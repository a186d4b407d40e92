/* A volume's history: its change journal and its deleted MFT records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_int.h"

/* USN reason bits (winioctl.h). */
#define USN_FILE_CREATE		0x00000100u
#define USN_FILE_DELETE		0x00000200u
#define USN_RENAME_NEW_NAME	0x00002000u

struct journal_ctx {
	struct history *h;
	struct exh_mft_paths *paths;
	int rc;
};

static void
note_time(struct exh_history_result *res, int64_t t)
{
	if (t == 0)
		return;
	if (res->usn_first == 0 || t < res->usn_first)
		res->usn_first = t;
	if (t > res->usn_last)
		res->usn_last = t;
}

static int
on_usn(const struct exh_usn_record *r, void *ctx)
{
	struct journal_ctx *jc = ctx;
	struct history *h = jc->h;
	int source;

	note_time(h->res, r->timestamp);
	if (r->reasons & USN_FILE_DELETE)
		source = HSRC_USN_DELETE;
	else if (r->reasons & (USN_FILE_CREATE | USN_RENAME_NEW_NAME))
		source = HSRC_USN_CREATE;
	else
		return EXH_WALK_NEXT;
	if (r->name[0] == '\0')
		return EXH_WALK_NEXT;	/* version 4: ranges, no name */
	h->path.len = 0;
	if ((jc->rc = exh_mft_paths_dir(jc->paths, r->parent_mft,
	    r->parent_seq, &h->path)) != EXH_OK ||
	    (jc->rc = exh_buf_putc(&h->path, '\\')) != EXH_OK ||
	    (jc->rc = exh_buf_puts(&h->path, r->name)) != EXH_OK)
		return EXH_WALK_STOP;
	if ((jc->rc = history_hit(h, source, h->path.data, r->mft, r->seq,
	    r->timestamp, NULL)) != EXH_OK)
		return EXH_WALK_STOP;
	return EXH_WALK_NEXT;
}

static int
read_journal(struct history *h, struct exh_volume *vol, struct exh_err *err)
{
	struct journal_ctx jc = { .h = h };
	struct exh_usn_counts n;
	struct exh_err werr;
	int rc;

	if ((rc = exh_mft_paths_create(vol, &jc.paths, err)) != EXH_OK)
		return rc;
	rc = exh_volume_usn_walk(vol, on_usn, &jc, &n, &werr);
	exh_mft_paths_destroy(jc.paths);
	h->res->usn_records = n.records;
	h->res->usn_damaged = n.damaged;
	h->res->journal = rc != EXH_ENOTFOUND;
	if (jc.rc != EXH_OK)
		return exh_err_set(err, jc.rc, 0, "out of memory");
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	h->res->usn_rc = rc == EXH_ENOTFOUND ? EXH_OK : rc;
	if (rc != EXH_OK && rc != EXH_ENOTFOUND)
		memcpy(h->res->usn_error, werr.msg, sizeof(werr.msg));
	return EXH_OK;
}

struct deleted_ctx {
	struct history *h;
	int rc;
};

static int
on_deleted(const struct exh_deleted *d, void *ctx)
{
	struct deleted_ctx *dc = ctx;
	char note[64];

	if (d->is_dir)
		return EXH_WALK_NEXT;
	/* The content state always fits note. */
	(void)snprintf(note, sizeof(note), "(content %s%s)",
	    exh_deleted_content_name(d->content), d->torn ? ", torn record" :
	    "");
	if ((dc->rc = history_hit(dc->h, HSRC_DELETED, d->path, d->mft,
	    d->seq, d->fn.mft_changed, note)) != EXH_OK)
		return EXH_WALK_STOP;
	return EXH_WALK_NEXT;
}

static int
read_deleted(struct history *h, struct exh_volume *vol, struct exh_err *err)
{
	struct deleted_ctx dc = { .h = h };
	struct exh_deleted_counts n;
	int rc;

	rc = exh_volume_deleted_walk(vol, on_deleted, &dc, &n, err);
	h->res->deleted_read = n.records;
	h->res->deleted_records = n.deleted;
	h->res->deleted_names = n.listed;
	h->res->deleted_damaged = n.damaged;
	if (dc.rc != EXH_OK)
		return exh_err_set(err, dc.rc, 0, "out of memory");
	return rc == EXH_STOP ? EXH_OK : rc;
}

int
exh_history_volume(struct exh_volume *vol, const struct exh_history_scope *sc,
    struct exh_findings *fs, struct exh_history_result *res,
    struct exh_err *err)
{
	char letter = exh_volume_info(vol)->letter;
	struct history h;
	int rc;

	memset(res, 0, sizeof(*res));
	(void)snprintf(res->snapshots_note, sizeof(res->snapshots_note),
	    "not examined");
	memset(&h, 0, sizeof(h));
	h.vol = vol;
	h.sc = sc;
	h.res = res;
	rc = history_checks_load(&h, sc->rules_tsv, err);
	if (rc == EXH_OK)
		rc = read_journal(&h, vol, err);
	if (rc == EXH_OK) {
		history_coverage(&h, letter);
		rc = history_coverage_finding(&h, letter, fs, err);
	}
	if (rc == EXH_OK)
		rc = read_deleted(&h, vol, err);
	if (rc == EXH_OK)
		rc = history_emit(&h, fs, err);
	history_checks_free(&h);
	exh_buf_free(&h.path);
	return rc;
}
