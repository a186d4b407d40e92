/* The collection plan: which streams go into the bundle, each once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/volume.h"

#include "bundle_int.h"

#define MFT_MASK 0xffffffffffffULL	/* record numbers are 48 bits */
#define MAX_VOLS 0xffffu

/* What a walk over a system artefact takes from each entry. */
struct taking {
	struct exh_bundle_plan *p;
	struct exh_volume *vol;
	const char *reason;
	const char *only_stream;	/* NULL: every stream */
	const char *suffix;		/* NULL: every file */
	uint64_t max_bytes;		/* per-file cap, 0: none */
	const char *max_why;
	int rc;
};

int
exh_bundle_plan_create(struct exh_bundle_plan **out, struct exh_err *err)
{
	struct exh_bundle_plan *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of "
		    "memory");
	p->magic = PLAN_MAGIC;
	*out = p;
	return EXH_OK;
}

void
exh_bundle_plan_destroy(struct exh_bundle_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		exh_fileref_free(&p->items[i].file);
		free(p->items[i].ids);
		free(p->items[i].entry);
		free(p->items[i].why);
	}
	free(p->items);
	free(p->vols);
	exh_set64_free(&p->first);
	free(p);
}

/* The key of (vol, mft): the volume's place in the plan and the record. */
static int
record_key(struct exh_bundle_plan *p, struct exh_volume *vol, uint64_t mft,
    uint64_t *key)
{
	struct exh_volume **grown;
	size_t i;

	for (i = 0; i < p->nvols && p->vols[i] != vol; i++)
		continue;
	if (i == p->nvols) {
		if (p->nvols == MAX_VOLS || (grown = realloc(p->vols,
		    (p->nvols + 1) * sizeof(*grown))) == NULL)
			return EXH_ENOMEM;
		p->vols = grown;
		p->vols[p->nvols++] = vol;
	}
	*key = ((uint64_t)i << 48) | (mft & MFT_MASK);
	return EXH_OK;
}

/* The planned item for (vol, mft, stream), or NULL. */
static struct plan_item *
find(const struct exh_bundle_plan *p, uint64_t key, const char *stream)
{
	uint64_t first;
	size_t i;

	if (!exh_set64_get(&p->first, key, &first))
		return NULL;
	for (i = (size_t)first + 1; i != 0; i = p->items[i - 1].next)
		if (strcmp(p->items[i - 1].file.stream, stream) == 0)
			return &p->items[i - 1];
	return NULL;
}

/* Appends an item for (vol, ref's record and stream), with a copy of ref,
 * unless it is planned; *out is the item either way, *added says which.
 * ref->path and ref->stream are not NULL. */
static int
plan_item(struct exh_bundle_plan *p, struct exh_volume *vol,
    const struct exh_fileref *ref, struct plan_item **out, bool *added)
{
	struct plan_item *it, *grown;
	uint64_t key, first;
	size_t ncap;

	*added = false;
	if (record_key(p, vol, ref->mft, &key) != EXH_OK)
		return EXH_ENOMEM;
	if ((*out = find(p, key, ref->stream)) != NULL)
		return EXH_OK;
	if (p->n == p->cap) {
		ncap = p->cap ? p->cap * 2 : 64;
		if ((grown = reallocarray(p->items, ncap, sizeof(*grown))) ==
		    NULL)
			return EXH_ENOMEM;
		p->items = grown;
		p->cap = ncap;
	}
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->vol = vol;
	if (exh_fileref_copy(&it->file, ref) != EXH_OK)
		return EXH_ENOMEM;
	if (exh_set64_get(&p->first, key, &first)) {
		it->next = p->items[first].next;
		p->items[first].next = p->n + 1;
	} else if (exh_set64_put(&p->first, key, p->n) != EXH_OK) {
		exh_fileref_free(&it->file);
		return EXH_ENOMEM;
	}
	p->n++;
	*out = it;
	*added = true;
	return EXH_OK;
}

static int
add_id(struct plan_item *it, const char *id)
{
	const char **ids;

	ids = reallocarray(it->ids, it->nids + 1, sizeof(*ids));
	if (ids == NULL)
		return EXH_ENOMEM;
	ids[it->nids++] = id;
	it->ids = ids;
	return EXH_OK;
}

int
exh_bundle_plan_finding(struct exh_bundle_plan *p, struct exh_volume *vol,
    const struct exh_finding *f, struct exh_err *err)
{
	struct exh_fileref ref;
	struct plan_item *it;
	bool added;

	if (p == NULL || p->magic != PLAN_MAGIC || vol == NULL || f == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle plan: invalid "
		    "handle");
	if (f->kind != EXH_FIND_FILE || f->file.path == NULL ||
	    f->level < EXH_LEVEL_NOTICE)
		return EXH_OK;
	/* A view of the finding's identity (plan_item copies it). */
	ref = f->file;
	if (ref.stream == NULL)
		ref.stream = "";
	if (plan_item(p, vol, &ref, &it, &added) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of "
		    "memory");
	if (added) {
		it->reason = "finding";
		p->bytes += ref.size;
	}
	/* The id string lives in the finding, which outlives the plan. */
	if (add_id(it, f->id) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of "
		    "memory");
	return EXH_OK;
}

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	struct taking *t = ctx;
	struct exh_fileref ref;
	struct plan_item *it;
	bool added;
	size_t i;

	if (e->is_dir || e->status != EXH_ENTRY_OK || !e->first_link)
		return EXH_WALK_NEXT;
	if (t->suffix != NULL && !exh_ascii_iends(e->path, t->suffix))
		return EXH_WALK_NEXT;
	for (i = 0; i < e->nstreams; i++) {
		const struct exh_stream_info *si = &e->streams[i];

		if (t->only_stream != NULL &&
		    strcmp(si->name, t->only_stream) != 0)
			continue;
		if (si->flags & EXH_STREAM_ENCRYPTED)
			continue;
		if ((t->rc = exh_entry_fileref(e, si, &ref)) != EXH_OK)
			return EXH_WALK_STOP;
		t->rc = plan_item(t->p, t->vol, &ref, &it, &added);
		exh_fileref_free(&ref);
		if (t->rc != EXH_OK)
			return EXH_WALK_STOP;
		if (!added)
			continue;
		it->reason = t->reason;
		it->max_bytes = t->max_bytes;
		it->max_why = t->max_why;
		t->p->bytes += it->max_bytes != 0 && it->max_bytes < si->size ?
		    it->max_bytes : si->size;
	}
	return EXH_WALK_NEXT;
}

/* Plans what is below path; a missing path is nothing to collect. */
static int
take(struct taking *t, const char *path, const char *stream,
    const char *suffix, const char *reason)
{
	struct exh_err err;

	t->reason = reason;
	t->only_stream = stream;
	t->suffix = suffix;
	(void)exh_volume_walk(t->vol, path, on_entry, t, &err);
	return t->rc;
}

static int
take_hives(struct taking *t, char letter)
{
	static const char *const hives[] = {
		"SYSTEM", "SOFTWARE", "SAM", "SECURITY",
	};
	static const char *const tails[] = { "", ".LOG1", ".LOG2" };
	char path[128];
	size_t i, j;

	for (i = 0; i < sizeof(hives) / sizeof(hives[0]); i++)
		for (j = 0; j < sizeof(tails) / sizeof(tails[0]); j++) {
			if (snprintf(path, sizeof(path), "%c:\\Windows\\"
			    "System32\\config\\%s%s", letter, hives[i],
			    tails[j]) >= (int)sizeof(path))
				return EXH_EUSAGE;
			if (take(t, path, "", NULL, "hive") != EXH_OK)
				return t->rc;
		}
	return EXH_OK;
}

int
exh_bundle_plan_system(struct exh_bundle_plan *p, struct exh_volume *vol,
    struct exh_err *err)
{
	struct taking t = { p, vol, NULL, NULL, NULL, 0, NULL, EXH_OK };
	struct exh_buf path = { 0 };
	char letter;

	if (p == NULL || p->magic != PLAN_MAGIC || vol == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle plan: invalid "
		    "handle");
	letter = exh_volume_info(vol)->letter;
#define TAKE(stream, suffix, reason, ...)				\
	do {								\
		exh_buf_free(&path);					\
		if (exh_buf_printf(&path, __VA_ARGS__) != EXH_OK ||	\
		    take(&t, path.data, stream, suffix, reason) != EXH_OK) \
			goto fail;					\
	} while (0)
	if (take_hives(&t, letter) != EXH_OK)
		goto fail;
	TAKE("", NULL, "config", "%c:\\Windows\\System32\\inetsrv\\config"
	    "\\applicationHost.config", letter);
	TAKE("", NULL, "config", "%c:\\inetpub\\wwwroot\\web.config", letter);
	/* Every event log, archived ones (Archive-*.evtx) too, each up to
	 * the per-file cap. */
	t.max_bytes = EXH_BUNDLE_EVTX_CAP;
	t.max_why = EXH_BUNDLE_EVTX_CAP_WHY;
	TAKE("", ".evtx", "evtx", "%c:\\Windows\\System32\\winevt\\Logs",
	    letter);
	t.max_bytes = 0;
	t.max_why = NULL;
	TAKE("", NULL, "iis-log", "%c:\\inetpub\\logs\\LogFiles", letter);
	TAKE("", NULL, "ntfs-metadata", "%c:\\$MFT", letter);
	TAKE("", NULL, "ntfs-metadata", "%c:\\$LogFile", letter);
	TAKE("$J", NULL, "ntfs-metadata", "%c:\\$Extend\\$UsnJrnl", letter);
#undef TAKE
	exh_buf_free(&path);
	return EXH_OK;
fail:
	exh_buf_free(&path);
	return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of memory");
}

int
exh_bundle_plan_exchange(struct exh_bundle_plan *p, struct exh_volume *vol,
    const char *install, struct exh_err *err)
{
	struct taking t = { p, vol, NULL, NULL, NULL, 0, NULL, EXH_OK };
	struct exh_buf path = { 0 };
	int rc;

	if (p == NULL || p->magic != PLAN_MAGIC || vol == NULL ||
	    install == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle plan: invalid "
		    "handle");
	if ((rc = exh_buf_printf(&path, "%sLogging", install)) == EXH_OK)
		rc = take(&t, path.data, "", NULL, "exchange-log");
	exh_buf_free(&path);
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle plan: out of "
		    "memory");
	return EXH_OK;
}

size_t
exh_bundle_plan_count(const struct exh_bundle_plan *p)
{
	return p != NULL ? p->n : 0;
}

uint64_t
exh_bundle_plan_bytes(const struct exh_bundle_plan *p)
{
	return p != NULL ? p->bytes : 0;
}

void
exh_bundle_plan_outcome(const struct exh_bundle_plan *p, size_t i,
    struct exh_bundle_outcome *out)
{
	const struct plan_item *it = &p->items[i];

	memset(out, 0, sizeof(*out));
	out->entry = it->entry != NULL ? it->entry : "";
	out->winpath = it->file.path;
	out->stream = it->file.stream;
	out->size = it->file.size;
	out->sha256 = it->sha256;
	out->reason = it->reason;
	out->status = it->status != NULL ? it->status : "left-out";
	out->why = it->why;
}
