/* Volume shadow copies: each store scanned as a volume "C:@{guid}" of its own, what the live scan read not read again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

static bool
cancelled(const struct exh_triage *t)
{
	return t->opt.cancel != NULL && *t->opt.cancel != 0;
}

static const struct exh_partition *
partition_of(const struct triage_volume *tv)
{
	size_t i;

	for (i = 0; i < exh_source_partition_count(tv->src); i++)
		if (exh_source_partition(tv->src, i)->number == tv->part)
			return exh_source_partition(tv->src, i);
	return NULL;
}

static int
set_note(struct triage_volume *tv, const char *why)
{
	free(tv->snapshots_note);
	return (tv->snapshots_note = strdup(why)) != NULL ? EXH_OK :
	    EXH_ENOMEM;
}

int
triage_snapshots_open(struct exh_triage *t, struct triage_volume *tv,
    struct exh_err *err)
{
	const struct exh_partition *p = partition_of(tv);
	char letter = exh_volume_info(tv->vol)->letter;
	struct exh_err e;
	char why[EXH_ERR_MSG_MAX + 64];
	int rc;

	if (p == NULL)
		return EXH_OK;	/* a partition image has no table entry */
	rc = exh_source_open_snapshots(tv->src, p, &tv->stores, &tv->nstores,
	    &e);
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, rc, 0, "out of memory");
	if (rc != EXH_OK) {
		/* The store files are then scanned as ordinary files. */
		(void)snprintf(why, sizeof(why), "catalog not read: %s", e.msg);
		triage_note(t, "%c: shadow copies: %s; its store files are "
		    "scanned as files", letter, why);
		return set_note(tv, why) == EXH_OK ? EXH_OK :
		    exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	tv->snapshots_found = tv->nstores;
	if (tv->nstores == 0)
		return EXH_OK;
	if (t->opt.no_snapshots) {
		tv->snapshots_skipped = tv->nstores;
		triage_note(t, "%c: %zu shadow copies found, not scanned "
		    "(--no-snapshots)", letter, tv->nstores);
		exh_source_close_snapshots(tv->stores, tv->nstores);
		tv->stores = NULL;
		tv->nstores = 0;
		return set_note(tv, "--no-snapshots") == EXH_OK ? EXH_OK :
		    exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	if ((tv->store_vols = calloc(tv->nstores, sizeof(*tv->store_vols))) ==
	    NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	return exh_scan_dedupe_create(&tv->dedupe, err);
}

/* "C:@{guid}" for store k of tv, a lettered volume of its own. */
static int
open_store(struct exh_triage *t, struct triage_volume *tv, size_t k,
    struct exh_volume **out)
{
	const struct exh_snapshot_info *si = exh_source_snapshot(
	    tv->stores[k]);
	const struct exh_volume_info *live = exh_volume_info(tv->vol);
	struct exh_volume *vol;
	struct exh_err e;
	char name[64];

	if (exh_volume_open(tv->stores[k], 0, &vol, &e) != EXH_OK) {
		triage_note(t, "%c: shadow copy %s: not scanned: %s",
		    live->letter, si != NULL ? si->guid : "?", e.msg);
		return e.status;
	}
	exh_volume_set_letter(vol, live->letter, live->letter_source);
	/* A letter, '@' and a 38-byte GUID: name[64] holds them. */
	(void)snprintf(name, sizeof(name), "%c:@{%s}", live->letter,
	    si != NULL ? si->guid : "?");
	if (exh_volume_set_name(vol, name, &e) != EXH_OK) {
		exh_volume_close(vol);
		return e.status;
	}
	*out = vol;
	return EXH_OK;
}

/*
 * Moves what a store's run put into sf into the triage's collector:
 * findings marked as from the snapshot, skips (a scope root the store
 * lacks is no news), stats and a partial mark.
 */
static int
merge_store(struct exh_triage *t, struct exh_findings *sf, int64_t created,
    struct exh_err *err)
{
	struct exh_finding *f;
	struct exh_stats st;
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < exh_findings_count(sf) && rc == EXH_OK; i++) {
		if ((f = exh_finding_dup(exh_findings_get(sf, i))) == NULL ||
		    exh_finding_set(&f->origin, "snapshot") != EXH_OK) {
			exh_finding_free(f);
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		}
		f->origin_time = created;
		rc = exh_findings_add(t->fs, f, err);
	}
	for (i = 0; i < exh_findings_skip_count(sf) && rc == EXH_OK; i++) {
		const struct exh_skip *k = exh_findings_skip(sf, i);

		if (k->reason == NULL || strcmp(k->reason, "not-present") != 0)
			rc = exh_findings_add_skip(t->fs, k->path, k->stream,
			    k->mft, k->size, k->reason, k->detail, err);
	}
	st = exh_findings_stats(sf);
	exh_findings_stats_add(t->fs, &st);
	if (exh_findings_partial(sf) != NULL)
		exh_findings_set_partial(t->fs, exh_findings_partial(sf));
	return rc;
}

/* What a store's file scan did, for the record. */
static void
store_note(struct exh_triage *t, const struct exh_volume *vol,
    const struct exh_snapshot_info *si,
    const struct exh_scan_dedupe_counts *before,
    const struct exh_scan_dedupe_counts *after,
    const struct exh_findings *sf)
{
	struct exh_stats st = exh_findings_stats(sf);
	char at[32];

	triage_note(t, "%s (shadow copy %d of %d, %s): %llu streams walked, "
	    "%llu identical to live, %llu identical to a newer shadow copy, "
	    "%llu scanned, %zu findings", exh_volume_info(vol)->name,
	    si->index, si->count, exh_filetime_iso(si->created, at),
	    (unsigned long long)st.streams_seen,
	    (unsigned long long)(after->identical_live -
	    before->identical_live),
	    (unsigned long long)(after->identical_newer -
	    before->identical_newer), (unsigned long long)st.streams_scanned,
	    exh_findings_count(sf));
}

/* One store's files, into the triage with its numbers in a note. */
static int
scan_store(struct exh_triage *t, struct triage_volume *tv, size_t k,
    char *const *roots, size_t nroots, const struct exh_scan_options *live,
    struct exh_err *err)
{
	const struct exh_snapshot_info *si = exh_source_snapshot(
	    tv->stores[k]);
	struct exh_scan_dedupe_counts before, after;
	struct exh_scan_options so = *live;
	struct exh_findings *sf;
	int rc;

	if (open_store(t, tv, k, &tv->store_vols[k]) != EXH_OK) {
		tv->snapshots_skipped++;
		/* Noted is not enough: the run's status says incomplete. */
		exh_findings_set_partial(t->fs, "a shadow copy could not be "
		    "examined");
		return set_note(tv, "a store could not be opened as NTFS") ==
		    EXH_OK ? EXH_OK : exh_err_set(err, EXH_ENOMEM, 0,
		    "out of memory");
	}
	if (exh_findings_create(&sf, err) != EXH_OK)
		return err->status;
	so.dedupe = tv->dedupe;
	so.snapshot = true;
	so.count_first = false;
	exh_scan_dedupe_next_store(tv->dedupe);
	exh_scan_dedupe_counts(tv->dedupe, &before);
	rc = exh_scan_volume(tv->store_vols[k], (const char *const *)roots,
	    nroots, &so, sf, err);
	exh_scan_dedupe_counts(tv->dedupe, &after);
	if (rc == EXH_OK)
		tv->snapshots_examined++;
	else if (rc == EXH_STOP)
		tv->snapshots_skipped++;	/* cancelled part-way */
	tv->snapshots_identical += (after.identical_live -
	    before.identical_live) + (after.identical_newer -
	    before.identical_newer);
	store_note(t, tv->store_vols[k], si, &before, &after, sf);
	if (rc == EXH_OK || rc == EXH_STOP) {
		int mrc = merge_store(t, sf, si->created, err);

		rc = mrc != EXH_OK ? mrc : rc;
	} else if (rc != EXH_ENOMEM && rc != EXH_EUSAGE) {
		/* One store's failure costs that store, not the run. */
		triage_note(t, "%s: shadow copy not scanned to the end: %s",
		    exh_volume_info(tv->store_vols[k])->name, err->msg);
		tv->snapshots_skipped++;
		exh_findings_set_partial(t->fs, "a shadow copy could not be "
		    "examined");
		rc = set_note(tv, "a store failed while scanned (see the "
		    "notes)") == EXH_OK ? EXH_OK : exh_err_set(err,
		    EXH_ENOMEM, 0, "out of memory");
	}
	exh_findings_destroy(sf);
	return rc;
}

int
triage_snapshots_scan(struct exh_triage *t, struct triage_volume *tv,
    char *const *roots, size_t nroots, const struct exh_scan_options *so,
    struct exh_err *err)
{
	struct exh_scan_dedupe_counts c;
	size_t k, left;
	int rc = EXH_OK;

	if (tv->dedupe == NULL)
		return EXH_OK;
	if ((rc = exh_scan_dedupe_freeze(tv->dedupe, err)) != EXH_OK)
		return rc;
	exh_scan_dedupe_counts(tv->dedupe, &c);
	triage_note(t, "%c: %zu shadow copies: the live scan indexed %llu "
	    "streams (%llu KiB) and passed over %llu store files (read as "
	    "shadow copies)", exh_volume_info(tv->vol)->letter, tv->nstores,
	    (unsigned long long)c.recorded,
	    (unsigned long long)(c.index_bytes >> 10),
	    (unsigned long long)c.store_files);
	/* Newest first: an older store's copy of what it changed is then
	 * the one not scanned again. */
	for (k = tv->nstores; k > 0 && rc == EXH_OK; k--) {
		if (cancelled(t))
			break;
		rc = scan_store(t, tv, k - 1, roots, nroots, so, err);
	}
	left = k;
	if (left > 0 && (rc == EXH_OK || rc == EXH_STOP)) {
		tv->snapshots_skipped += left;
		if (set_note(tv, "cancelled") != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	triage_note(t, "%c: shadow copies: %llu found, %llu examined, %llu "
	    "skipped%s%s; %llu streams not scanned again (identical)",
	    exh_volume_info(tv->vol)->letter,
	    (unsigned long long)tv->snapshots_found,
	    (unsigned long long)tv->snapshots_examined,
	    (unsigned long long)tv->snapshots_skipped,
	    tv->snapshots_note != NULL ? ": " : "",
	    tv->snapshots_note != NULL ? tv->snapshots_note : "",
	    (unsigned long long)tv->snapshots_identical);
	return rc;
}

/* A store's logs: what the live volume holds whole is not read again. */
static int
store_logs(struct exh_triage *t, struct triage_volume *tv, size_t k,
    const struct exh_scan_logs_input *live, struct exh_err *err)
{
	const struct exh_snapshot_info *si = exh_source_snapshot(
	    tv->stores[k]);
	struct exh_scan_logs_input in = *live;
	struct exh_scan_logs_result res;
	struct exh_log_coverage *grown;
	struct exh_volume *vols[1] = { tv->store_vols[k] };
	struct exh_findings *sf;
	int rc;

	if (exh_findings_create(&sf, err) != EXH_OK)
		return err->status;
	in.vol = live->vol == tv->vol ? vols[0] : NULL;
	in.vols = vols;
	in.nvols = 1;
	in.live = tv->vol;
	in.progress = NULL;
	memset(&res, 0, sizeof(res));
	rc = exh_scan_logs(&in, sf, &res, err);
	/* Older logs widen what the log analysis covers. */
	if (rc == EXH_OK && res.ncov > 0) {
		if ((grown = realloc(t->cov, (t->ncov + res.ncov) *
		    sizeof(*grown))) == NULL)
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		else {
			t->cov = grown;
			memcpy(t->cov + t->ncov, res.cov, res.ncov *
			    sizeof(*grown));
			t->ncov += res.ncov;
		}
	}
	if (res.read_per_vol != NULL)
		tv->logs += res.read_per_vol[0];
	triage_note(t, "%s: logs: %llu read, %llu not read as the live volume "
	    "holds them whole, %zu findings", exh_volume_info(vols[0])->name,
	    res.read_per_vol != NULL ? (unsigned long long)res.read_per_vol[0] :
	    0ull, (unsigned long long)res.logs_in_live, exh_findings_count(sf));
	if (rc == EXH_OK)
		rc = merge_store(t, sf, si->created, err);
	exh_scan_logs_result_free(&res);
	exh_findings_destroy(sf);
	return rc;
}

int
triage_snapshots_logs(struct exh_triage *t,
    const struct exh_scan_logs_input *live, struct exh_err *err)
{
	size_t i, k;
	int rc = EXH_OK;

	for (i = 0; i < t->nvols && rc == EXH_OK; i++)
		for (k = t->vols[i].nstores; k > 0 && rc == EXH_OK; k--)
			if (t->vols[i].store_vols[k - 1] != NULL &&
			    !cancelled(t))
				rc = store_logs(t, &t->vols[i], k - 1, live,
				    err);
	return rc;
}

void
triage_snapshots_done(struct triage_volume *tv)
{
	exh_scan_dedupe_destroy(tv->dedupe);
	tv->dedupe = NULL;
}

struct exh_volume *
triage_snapshot_volume_for(const struct exh_triage *t, const char *path)
{
	const char *name;
	size_t i, k, n;

	for (i = 0; path != NULL && i < t->nvols; i++)
		for (k = 0; k < t->vols[i].nstores; k++) {
			if (t->vols[i].store_vols == NULL ||
			    t->vols[i].store_vols[k] == NULL)
				continue;
			name = exh_volume_info(t->vols[i].store_vols[k])->name;
			n = strlen(name);
			if (strncmp(path, name, n) == 0 && path[n] == '\\')
				return t->vols[i].store_vols[k];
		}
	return NULL;
}

void
triage_snapshots_close(struct triage_volume *tv)
{
	size_t k;

	for (k = 0; tv->store_vols != NULL && k < tv->nstores; k++)
		exh_volume_close(tv->store_vols[k]);
	free(tv->store_vols);
	tv->store_vols = NULL;
	exh_source_close_snapshots(tv->stores, tv->nstores);
	tv->stores = NULL;
	tv->nstores = 0;
	exh_scan_dedupe_destroy(tv->dedupe);
	tv->dedupe = NULL;
}
