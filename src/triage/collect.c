/* The evidence bundle: flagged streams and the artefacts a later analysis needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

/* Flagged streams first, then each system volume's artefacts (what a
 * cap leaves out is chosen by exh_bundle_plan_collect). */
static int
make_plan(const struct exh_triage *t, struct exh_bundle_plan **out,
    struct exh_err *err)
{
	struct exh_bundle_plan *p;
	struct exh_volume *vol;
	size_t i;
	int rc;

	if ((rc = exh_bundle_plan_create(&p, err)) != EXH_OK)
		return rc;
	for (i = 0; i < exh_findings_count(t->fs) && rc == EXH_OK; i++) {
		const struct exh_finding *f = exh_findings_get(t->fs, i);

		/* A shadow copy's file from its store's volume. */
		if (f->file.path != NULL && ((vol = f->origin != NULL &&
		    strcmp(f->origin, "snapshot") == 0 ?
		    triage_snapshot_volume_for(t, f->file.path) :
		    triage_volume_for(t, f->file.path[0])) != NULL))
			rc = exh_bundle_plan_finding(p, vol, f, err);
	}
	for (i = 0; i < t->nvols && rc == EXH_OK; i++)
		if (exh_volume_is_system(t->vols[i].vol))
			rc = exh_bundle_plan_system(p, t->vols[i].vol, err);
	/* The Exchange logs from the volume they are on (E:\Exchange...). */
	if (rc == EXH_OK && t->exchange_dir != NULL &&
	    (vol = triage_volume_for(t, t->exchange_dir[0])) != NULL)
		rc = exh_bundle_plan_exchange(p, vol, t->exchange_dir, err);
	if (rc != EXH_OK) {
		exh_bundle_plan_destroy(p);
		return rc;
	}
	*out = p;
	return EXH_OK;
}

int
exh_triage_bundle_estimate(struct exh_triage *t, uint64_t max_collect,
    uint64_t *bytes, struct exh_err *err)
{
	struct exh_bundle_plan *p;
	int rc;

	if ((rc = make_plan(t, &p, err)) != EXH_OK)
		return rc;
	*bytes = exh_bundle_plan_bytes(p);
	if (max_collect != 0 && *bytes > max_collect)
		*bytes = max_collect;
	*bytes += 1u << 20;	/* documents, manifest, zip headers */
	exh_bundle_plan_destroy(p);
	return EXH_OK;
}

static struct exh_report_collected *
collected_list(const struct exh_bundle_plan *p)
{
	size_t i, n = exh_bundle_plan_count(p);
	struct exh_report_collected *c = calloc(n + 1, sizeof(*c));
	struct exh_bundle_outcome o;

	for (i = 0; c != NULL && i < n; i++) {
		exh_bundle_plan_outcome(p, i, &o);
		c[i].entry = o.entry;
		c[i].winpath = o.winpath;
		c[i].stream = o.stream;
		c[i].size = o.size;
		c[i].sha256 = o.sha256;
		c[i].reason = o.reason;
		c[i].status = o.status;
		c[i].why = o.why;
	}
	return c;
}

struct doc_ctx {
	const struct exh_triage *t;
	const char *name;
	const char *lang;
	const struct triage_doc_extra *x;
};

static int
render_doc(void *ctx, struct exh_sink *out)
{
	const struct doc_ctx *d = ctx;

	return triage_document(d->t, d->name, d->lang, d->x, out);
}

/* findings.jsonl, summary.txt, acquisition.json, timeline.csv, reports:
 * each rendered straight into its entry. */
static int
add_documents(struct exh_bundle *b, const struct exh_triage *t,
    const struct exh_bundle_plan *p, const struct exh_triage_bundle_options *bo,
    struct exh_err *err)
{
	static const char *const names[] = { "findings.jsonl", "summary.txt",
	    "acquisition.json", "timeline.csv", "report.html", "report.txt" };
	struct triage_doc_extra x;
	struct doc_ctx d;
	const char *base = strrchr(bo->bundle.path, '/');
	size_t i;
	int rc = EXH_OK;

	x.col = collected_list(p);
	x.ncol = exh_bundle_plan_count(p);
	x.bundle_name = base ? base + 1 : bo->bundle.path;
	x.bundle_aes = bo->bundle.zip_password != NULL;
	x.bundle_p7m = bo->bundle.n_encrypt_certs > 0;
	x.bundle_signed = bo->bundle.sign_key != NULL;
	if (x.col == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "building the report documents failed");
	d.t = t;
	d.lang = bo->lang;
	d.x = &x;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && rc == EXH_OK;
	    i++) {
		d.name = names[i];
		rc = exh_bundle_add_document_render(b, names[i], render_doc, &d,
		    err);
	}
	free((void *)x.col);
	return rc;
}

static int
count_bytes(void *ctx, const void *data, size_t len)
{
	(void)data;
	*(uint64_t *)ctx += len;
	return EXH_OK;
}

/* Room the documents take in the bundle: their size without the
 * collected list, plus a generous line per planned item for the
 * manifest, acquisition.json and both reports (compression only helps). */
static uint64_t
documents_reserve(const struct exh_triage *t, const struct exh_bundle_plan *p,
    const char *lang)
{
	static const char *const names[] = { "findings.jsonl", "summary.txt",
	    "acquisition.json", "timeline.csv", "report.html", "report.txt" };
	uint64_t total = 1u << 20;
	struct exh_buf buf = { 0 };
	struct exh_sink s = { &buf, count_bytes, &total, EXH_OK };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)triage_document(t, names[i], lang, NULL, &s);
	exh_buf_free(&buf);
	return total + (uint64_t)exh_bundle_plan_count(p) * 4096;
}

/*
 * fit_space: the cap that lets the bundle fit the destination, noted
 * with what it costs.  *o is the caller's options, with the lowered cap
 * when the plan does not fit.
 */
static void
fit_space(struct exh_triage *t, const struct exh_bundle_plan *p,
    const struct exh_triage_bundle_options *bo, struct exh_bundle_options *o)
{
	uint64_t reserve, room, cap, need = exh_bundle_plan_bytes(p);
	struct exh_err err;

	cap = o->max_collect_bytes ? o->max_collect_bytes :
	    EXH_BUNDLE_DEFAULT_CAP;
	reserve = documents_reserve(t, p, bo->lang);
	if (exh_bundle_room(o, reserve, &room, &err) != EXH_OK) {
		triage_note(t, "bundle: %s", err.msg);
		return;
	}
	if (need <= room || cap <= room)
		return;
	/* 1, not 0: a cap of 0 means the default. */
	o->max_collect_bytes = room > 0 ? room : 1;
	o->cap_reason = EXH_TRIAGE_SPACE_REASON;
	triage_note(t, "bundle: the destination has room for %llu bytes of "
	    "collected streams (after %llu for documents, manifest and zip); "
	    "the plan needs %llu: collection cap lowered to %llu bytes, the "
	    "largest streams are left out first (reason \"space\")",
	    (unsigned long long)room, (unsigned long long)reserve,
	    (unsigned long long)need, (unsigned long long)room);
}

/* Notes for what the fitted cap left out: on the terminal and in the
 * bundle's own documents (rendered after this). */
#define LEFT_OUT_NOTES 20

static void
note_left_out(struct exh_triage *t, const struct exh_bundle_plan *p)
{
	struct exh_bundle_outcome o;
	size_t i, n = exh_bundle_plan_count(p), shown = 0, left = 0;

	for (i = 0; i < n; i++) {
		exh_bundle_plan_outcome(p, i, &o);
		if (strcmp(o.status, "collected") == 0)
			continue;
		left++;
		if (shown == LEFT_OUT_NOTES)
			continue;
		shown++;
		/* Raw like every note: each output escapes for its format. */
		triage_note(t, "bundle: %s: %s%s%s (%llu bytes): %s", o.status,
		    o.winpath, o.stream[0] ? ":" : "", o.stream,
		    (unsigned long long)o.size, o.why ? o.why : "");
	}
	if (left > shown)
		triage_note(t, "bundle: %zu more not collected whole; "
		    "manifest.jsonl and acquisition.json list them all",
		    left - shown);
}

int
exh_triage_write_bundle(struct exh_triage *t,
    const struct exh_triage_bundle_options *bo, struct exh_bundle_result *res,
    struct exh_err *err)
{
	struct exh_bundle_options o = bo->bundle;
	struct exh_bundle_plan *p;
	struct exh_bundle *b;
	int rc;

	if ((rc = make_plan(t, &p, err)) != EXH_OK)
		return rc;
	if (bo->fit_space)
		fit_space(t, p, bo, &o);
	if ((rc = exh_bundle_create(&o, exh_bundle_plan_bytes(p), &b,
	    err)) != EXH_OK) {
		exh_bundle_plan_destroy(p);
		return rc;
	}
	rc = exh_bundle_plan_collect(p, b, bo->progress, bo->ctx, err);
	if (rc == EXH_OK && bo->fit_space)
		note_left_out(t, p);
	if (rc == EXH_OK)
		rc = add_documents(b, t, p, bo, err);
	if (rc != EXH_OK)
		exh_bundle_abort(b);
	else
		rc = exh_bundle_finish_result(b, res, err);
	exh_bundle_plan_destroy(p);
	return rc;
}
