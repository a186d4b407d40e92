/* scan --bundle: collects flagged streams and the artefacts a later analysis needs. */
#include <stdlib.h>
#include <string.h>

#include "exhume/bundle.h"
#include "cli.h"

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

static struct exh_volume *
volume_for(struct cli_volumes *cv, char letter)
{
	size_t i;

	for (i = 0; i < cv->nvols; i++)
		if ((exh_volume_info(cv->vols[i].vol)->letter & ~0x20) ==
		    (letter & ~0x20))
			return cv->vols[i].vol;
	return NULL;
}

/* Flagged streams first: the size cap is first come, first served. */
static void
plan_findings(struct plan *p, struct cli_volumes *cv,
    const struct exh_findings *fs)
{
	size_t i, j;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);
		struct exh_volume *vol;
		const char **ids;

		if (f->kind != EXH_FIND_FILE || f->path == NULL ||
		    f->level < EXH_LEVEL_NOTICE ||
		    (vol = volume_for(cv, f->path[0])) == NULL)
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

struct reader {
	struct exh_stream *st;
	uint64_t off;
};

static int
read_item(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct reader *r = ctx;
	int rc = exh_stream_pread(r->st, buf, len, r->off, got, err);

	if (rc == EXH_OK)
		r->off += *got;
	return rc;
}

static int
collect(struct exh_bundle *b, const struct item *it)
{
	struct exh_bundle_item bi;
	struct reader r = { NULL, 0 };
	struct exh_err err;
	int rc;

	memset(&bi, 0, sizeof(bi));
	bi.drive = it->path[0];
	bi.winpath = it->path;
	bi.stream = it->stream;
	bi.mft = it->mft;
	bi.seq = it->seq;
	bi.size = it->size;
	bi.attributes = it->attributes;
	bi.si = it->si;
	bi.fn = it->fn;
	bi.reason = it->reason;
	bi.finding_ids = it->ids;
	bi.n_finding_ids = it->nids;
	if (exh_stream_open(it->vol, it->mft, it->stream, &r.st, &err) != EXH_OK)
		return exh_bundle_add_skipped(b, &bi, err.msg, &err);
	rc = exh_bundle_add_stream(b, &bi, read_item, &r, &err);
	exh_stream_close(r.st);
	if (rc == EXH_EIO)
		rc = EXH_OK;	/* recorded as incomplete in the manifest */
	if (rc != EXH_OK)
		cli_error(it->path, &err);
	return rc;
}

static void
free_plan(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->items[i].path);
		free(p->items[i].stream);
		free(p->items[i].ids);
	}
	free(p->items);
}

int
cli_write_bundle(const struct cli_bundle_args *ba, struct cli_volumes *cv,
    const struct exh_findings *fs, const char *install,
    const struct cli_document *docs, size_t ndocs)
{
	struct exh_bundle_options opt;
	struct exh_bundle *b;
	struct exh_err err;
	struct plan p;
	char sha[65];
	size_t i;
	int rc = EXH_OK;

	memset(&p, 0, sizeof(p));
	plan_findings(&p, cv, fs);
	for (i = 0; i < cv->nvols; i++)
		if (exh_volume_is_system(cv->vols[i].vol))
			plan_system(&p, cv->vols[i].vol, install);
	memset(&opt, 0, sizeof(opt));
	opt.path = ba->path;
	opt.zip_password = ba->password;
	opt.max_collect_bytes = ba->cap;
	if (exh_bundle_create(&opt, p.bytes, &b, &err) != EXH_OK) {
		cli_error(ba->path, &err);
		free_plan(&p);
		return EXH_EUSAGE;
	}
	for (i = 0; i < p.n && rc == EXH_OK; i++)
		rc = collect(b, &p.items[i]);
	for (i = 0; i < ndocs && rc == EXH_OK; i++)
		if ((rc = exh_bundle_add_document(b, docs[i].name, docs[i].data,
		    docs[i].len, &err)) != EXH_OK)
			cli_error(docs[i].name, &err);
	if (rc != EXH_OK) {
		exh_bundle_abort(b);
		free_plan(&p);
		return rc;
	}
	if (exh_bundle_finish(b, sha, &err) != EXH_OK) {
		cli_error(ba->path, &err);
		free_plan(&p);
		return EXH_EFATAL;
	}
	fprintf(stderr, "bundle: %zu streams planned, written to ", p.n);
	cli_put_term(stderr, ba->path);
	fprintf(stderr, "\nbundle SHA-256: %s\n", sha);
	free_plan(&p);
	return EXH_OK;
}
