/* The evidence bundle: flagged streams and the artefacts a later analysis needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

/* One stream to collect, with its metadata copied from the walk. */
struct item {
	struct exh_volume *vol;
	char *path;
	char *stream;
	uint64_t mft;
	uint16_t seq;
	uint64_t size;
	uint32_t attributes;
	struct exh_macb si, fn;
	const char *reason;
	const char **ids;
	size_t nids;
	/* After collection, for the report. */
	char entry[EXH_BUNDLE_NAME_MAX * 4 + 64];
	char sha256[65];
	const char *status;
	char *why;
};

struct plan {
	struct item *items;
	size_t n;
	uint64_t bytes;
	/* While walking: what to take from each entry. */
	struct exh_volume *vol;
	const char *reason;
	const char *only_stream;	/* NULL: every stream */
	const char *suffix;		/* NULL: every file */
};

static bool
planned(const struct plan *p, struct exh_volume *vol, uint64_t mft,
    const char *stream)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->items[i].vol == vol && p->items[i].mft == mft &&
		    strcmp(p->items[i].stream, stream) == 0)
			return true;
	return false;
}

static int
add(struct plan *p, const struct exh_entry *e,
    const struct exh_stream_info *si)
{
	struct item *grown, *it;

	if (planned(p, p->vol, e->mft, si->name))
		return EXH_OK;
	if ((grown = realloc(p->items, (p->n + 1) * sizeof(*grown))) == NULL)
		return EXH_ENOMEM;
	p->items = grown;
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->vol = p->vol;
	it->path = strdup(e->path);
	it->stream = strdup(si->name);
	if (it->path == NULL || it->stream == NULL) {
		free(it->path);
		free(it->stream);
		return EXH_ENOMEM;
	}
	it->mft = e->mft;
	it->seq = e->seq;
	it->size = si->size;
	it->attributes = e->attributes;
	it->si = e->si;
	it->fn = e->fn;
	it->reason = p->reason;
	p->bytes += si->size;
	p->n++;
	return EXH_OK;
}

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	struct plan *p = ctx;
	size_t i;

	if (e->is_dir || e->status != EXH_ENTRY_OK || !e->first_link)
		return EXH_WALK_NEXT;
	if (p->suffix != NULL && !exh_ascii_iends(e->path, p->suffix))
		return EXH_WALK_NEXT;
	for (i = 0; i < e->nstreams; i++) {
		if (p->only_stream != NULL &&
		    strcmp(e->streams[i].name, p->only_stream) != 0)
			continue;
		if (e->streams[i].flags & EXH_STREAM_ENCRYPTED)
			continue;
		if (add(p, e, &e->streams[i]) != EXH_OK)
			return EXH_WALK_STOP;
	}
	return EXH_WALK_NEXT;
}

static void
take(struct plan *p, struct exh_volume *vol, const char *path,
    const char *stream, const char *suffix, const char *reason)
{
	struct exh_err err;

	p->vol = vol;
	p->reason = reason;
	p->only_stream = stream;
	p->suffix = suffix;
	(void)exh_volume_walk(vol, path, on_entry, p, &err);
}

/* Flagged streams first: the size cap is first come, first served. */
static void
plan_findings(struct plan *p, const struct exh_triage *t)
{
	const struct exh_findings *fs = t->fs;
	size_t i, j;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);
		struct exh_volume *vol;
		const char **ids;

		if (f->kind != EXH_FIND_FILE || f->path == NULL ||
		    f->level < EXH_LEVEL_NOTICE ||
		    (vol = triage_volume_for(t, f->path[0])) == NULL)
			continue;
		take(p, vol, f->path, f->stream ? f->stream : "", NULL,
		    "finding");
		for (j = 0; j < p->n; j++) {
			struct item *it = &p->items[j];

			if (it->vol != vol || strcmp(it->path, f->path) != 0 ||
			    strcmp(it->stream, f->stream ? f->stream : "") != 0)
				continue;
			ids = realloc(it->ids, (it->nids + 1) * sizeof(*ids));
			if (ids == NULL)
				continue;
			ids[it->nids++] = f->id;
			it->ids = ids;
		}
	}
}

static void
plan_system(struct plan *p, struct exh_volume *vol, const char *install)
{
	static const char *const hives[] = {
		"SYSTEM", "SOFTWARE", "SAM", "SECURITY",
	};
	static const char *const logs[] = {
		"\\Application.evtx", "\\MSExchange Management.evtx",
		"\\Microsoft-Windows-Windows Defender%4Operational.evtx",
	};
	char path[4096], letter = exh_volume_info(vol)->letter;
	size_t i;

	for (i = 0; i < sizeof(hives) / sizeof(hives[0]); i++) {
		snprintf(path, sizeof(path), "%c:\\Windows\\System32\\config\\%s",
		    letter, hives[i]);
		take(p, vol, path, "", NULL, "hive");
		snprintf(path, sizeof(path), "%c:\\Windows\\System32\\config\\"
		    "%s.LOG1", letter, hives[i]);
		take(p, vol, path, "", NULL, "hive");
		snprintf(path, sizeof(path), "%c:\\Windows\\System32\\config\\"
		    "%s.LOG2", letter, hives[i]);
		take(p, vol, path, "", NULL, "hive");
	}
	snprintf(path, sizeof(path), "%c:\\Windows\\System32\\inetsrv\\config"
	    "\\applicationHost.config", letter);
	take(p, vol, path, "", NULL, "config");
	snprintf(path, sizeof(path), "%c:\\inetpub\\wwwroot\\web.config",
	    letter);
	take(p, vol, path, "", NULL, "config");
	for (i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		snprintf(path, sizeof(path), "%c:\\Windows\\System32\\winevt"
		    "\\Logs", letter);
		take(p, vol, path, "", logs[i], "evtx");
	}
	if (install != NULL) {
		snprintf(path, sizeof(path), "%sLogging", install);
		take(p, vol, path, "", NULL, "exchange-log");
	}
	snprintf(path, sizeof(path), "%c:\\inetpub\\logs\\LogFiles", letter);
	take(p, vol, path, "", NULL, "iis-log");
	snprintf(path, sizeof(path), "%c:\\$MFT", letter);
	take(p, vol, path, "", NULL, "ntfs-metadata");
	snprintf(path, sizeof(path), "%c:\\$LogFile", letter);
	take(p, vol, path, "", NULL, "ntfs-metadata");
	snprintf(path, sizeof(path), "%c:\\$Extend\\$UsnJrnl", letter);
	take(p, vol, path, "$J", NULL, "ntfs-metadata");
}

/* Reads the stream for the bundle and hashes what it hands over. */
struct reader {
	struct exh_stream *st;
	uint64_t off;
	struct exh_hasher *h;
};

static int
read_item(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct reader *r = ctx;
	int rc = exh_stream_pread(r->st, buf, len, r->off, got, err);

	if (rc == EXH_OK) {
		r->off += *got;
		exh_hasher_update(r->h, buf, *got);
	}
	return rc;
}

static void
item_to_bundle(const struct item *it, struct exh_bundle_item *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->drive = it->path[0];
	bi->winpath = it->path;
	bi->stream = it->stream;
	bi->mft = it->mft;
	bi->seq = it->seq;
	bi->size = it->size;
	bi->attributes = it->attributes;
	bi->si = it->si;
	bi->fn = it->fn;
	bi->reason = it->reason;
	bi->finding_ids = it->ids;
	bi->n_finding_ids = it->nids;
}

/* What the bundle did with the item, told by what was read. */
static void
record_outcome(struct item *it, int rc, const struct reader *r,
    const struct exh_err *err)
{
	if (rc == EXH_EIO) {
		it->status = "incomplete";
		it->why = strdup(err->msg);
	} else if (r->off == 0 && it->size > 0) {
		it->status = "left-out";
		it->why = strdup("size cap");
	} else if (r->off < it->size) {
		it->status = "incomplete";
		it->why = strdup("size cap reached while reading");
	} else
		it->status = "collected";
	if (r->off > 0 || it->size == 0)
		(void)exh_hasher_final(r->h, NULL, NULL, it->sha256);
}

static int
collect(struct exh_bundle *b, struct item *it, struct exh_err *err)
{
	struct exh_bundle_item bi;
	struct reader r = { NULL, 0, NULL };
	struct exh_buf name = { 0 };
	int rc;

	item_to_bundle(it, &bi);
	if (exh_bundle_entry_name(bi.drive, it->path, it->stream, &name) ==
	    EXH_OK && name.data != NULL)
		snprintf(it->entry, sizeof(it->entry), "%s", name.data);
	exh_buf_free(&name);
	if (exh_stream_open(it->vol, it->mft, it->stream, &r.st, err) !=
	    EXH_OK) {
		it->status = "left-out";
		it->why = strdup(err->msg);
		return exh_bundle_add_skipped(b, &bi, err->msg, err);
	}
	if (exh_hasher_create(false, false, &r.h) != EXH_OK) {
		exh_stream_close(r.st);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	rc = exh_bundle_add_stream(b, &bi, read_item, &r, err);
	exh_stream_close(r.st);
	if (rc == EXH_OK || rc == EXH_EIO)
		record_outcome(it, rc, &r, err);
	exh_hasher_destroy(r.h);
	/* An unreadable stream is recorded as incomplete; go on. */
	return rc == EXH_EIO ? EXH_OK : rc;
}

static void
free_plan(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->items[i].path);
		free(p->items[i].stream);
		free(p->items[i].ids);
		free(p->items[i].why);
	}
	free(p->items);
}

static void
make_plan(const struct exh_triage *t, struct plan *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	plan_findings(p, t);
	for (i = 0; i < t->nvols; i++)
		if (exh_volume_is_system(t->vols[i].vol)) {
			char *install = triage_install_dir(t, t->vols[i].vol);

			plan_system(p, t->vols[i].vol, install);
			free(install);
		}
}

int
exh_triage_bundle_estimate(struct exh_triage *t, uint64_t max_collect,
    uint64_t *bytes, struct exh_err *err)
{
	struct plan p;

	(void)err;
	make_plan(t, &p);
	*bytes = p.bytes;
	if (max_collect != 0 && *bytes > max_collect)
		*bytes = max_collect;
	*bytes += 1u << 20;	/* documents, manifest, zip headers */
	free_plan(&p);
	return EXH_OK;
}

static struct exh_report_collected *
collected_list(const struct plan *p)
{
	struct exh_report_collected *c = calloc(p->n + 1, sizeof(*c));
	size_t i;

	for (i = 0; c != NULL && i < p->n; i++) {
		const struct item *it = &p->items[i];

		c[i].entry = it->entry;
		c[i].winpath = it->path;
		c[i].stream = it->stream;
		c[i].size = it->size;
		c[i].sha256 = it->sha256;
		c[i].reason = it->reason;
		c[i].status = it->status ? it->status : "left-out";
		c[i].why = it->why;
	}
	return c;
}

struct doc {
	const char *name;
	struct exh_buf buf;
};

/* findings.jsonl, summary.txt, acquisition.json, timeline.csv, reports. */
static int
build_documents(const struct exh_triage *t, const struct plan *p,
    const struct exh_triage_bundle_options *bo, struct doc d[6])
{
	struct exh_report_collected *col = collected_list(p);
	const char *base = strrchr(bo->bundle.path, '/');
	int rc;

	base = base ? base + 1 : bo->bundle.path;
	d[0].name = "findings.jsonl";
	d[1].name = "summary.txt";
	d[2].name = "acquisition.json";
	d[3].name = "timeline.csv";
	d[4].name = "report.html";
	d[5].name = "report.txt";
	if (col == NULL)
		return EXH_ENOMEM;
	if ((rc = exh_triage_findings_jsonl(t, &d[0].buf)) == EXH_OK &&
	    (rc = exh_triage_summary_text(t, &d[1].buf)) == EXH_OK &&
	    (rc = exh_triage_acquisition_json(t, &d[2].buf)) == EXH_OK &&
	    (rc = exh_report_timeline_csv(t->fs, &d[3].buf)) == EXH_OK &&
	    (rc = triage_report(t, bo->lang, true, col, p->n, base,
	    &d[4].buf)) == EXH_OK)
		rc = triage_report(t, bo->lang, false, col, p->n, base,
		    &d[5].buf);
	free(col);
	return rc;
}

static int
add_documents(struct exh_bundle *b, const struct exh_triage *t,
    const struct plan *p, const struct exh_triage_bundle_options *bo,
    struct exh_err *err)
{
	struct doc d[6];
	size_t i;
	int rc;

	memset(d, 0, sizeof(d));
	rc = build_documents(t, p, bo, d);
	if (rc != EXH_OK)
		exh_err_set(err, rc, 0, "building the report documents failed");
	for (i = 0; i < 6 && rc == EXH_OK; i++)
		rc = exh_bundle_add_document(b, d[i].name, d[i].buf.data ?
		    d[i].buf.data : "", d[i].buf.len, err);
	for (i = 0; i < 6; i++)
		exh_buf_free(&d[i].buf);
	return rc;
}

int
exh_triage_write_bundle(struct exh_triage *t,
    const struct exh_triage_bundle_options *bo, struct exh_bundle_result *res,
    struct exh_err *err)
{
	struct exh_bundle *b;
	struct plan p;
	size_t i;
	int rc = EXH_OK;

	make_plan(t, &p);
	if ((rc = exh_bundle_create(&bo->bundle, p.bytes, &b, err)) !=
	    EXH_OK) {
		free_plan(&p);
		return rc;
	}
	for (i = 0; i < p.n && rc == EXH_OK; i++) {
		if (bo->progress != NULL)
			bo->progress(bo->ctx, i, p.n, p.items[i].path);
		rc = collect(b, &p.items[i], err);
	}
	if (rc == EXH_OK)
		rc = add_documents(b, t, &p, bo, err);
	if (rc != EXH_OK)
		exh_bundle_abort(b);
	else
		rc = exh_bundle_finish_result(b, res, err);
	free_plan(&p);
	return rc;
}
