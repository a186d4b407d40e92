/* The evidence bundle: flagged streams and the artefacts a later analysis needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

/* Flagged streams first: the size cap is first come, first served. */
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

		if (f->file.path != NULL &&
		    (vol = triage_volume_for(t, f->file.path[0])) != NULL)
			rc = exh_bundle_plan_finding(p, vol, f, err);
	}
	for (i = 0; i < t->nvols && rc == EXH_OK; i++)
		if (exh_volume_is_system(t->vols[i].vol)) {
			char *install = triage_install_dir(t, t->vols[i].vol);

			rc = exh_bundle_plan_system(p, t->vols[i].vol, install,
			    err);
			free(install);
		}
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

int
exh_triage_write_bundle(struct exh_triage *t,
    const struct exh_triage_bundle_options *bo, struct exh_bundle_result *res,
    struct exh_err *err)
{
	struct exh_bundle_plan *p;
	struct exh_bundle *b;
	int rc;

	if ((rc = make_plan(t, &p, err)) != EXH_OK)
		return rc;
	if ((rc = exh_bundle_create(&bo->bundle, exh_bundle_plan_bytes(p), &b,
	    err)) != EXH_OK) {
		exh_bundle_plan_destroy(p);
		return rc;
	}
	rc = exh_bundle_plan_collect(p, b, bo->progress, bo->ctx, err);
	if (rc == EXH_OK)
		rc = add_documents(b, t, p, bo, err);
	if (rc != EXH_OK)
		exh_bundle_abort(b);
	else
		rc = exh_bundle_finish_result(b, res, err);
	exh_bundle_plan_destroy(p);
	return rc;
}
