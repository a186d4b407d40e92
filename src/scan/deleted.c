/* The content of deleted files, scanned like live streams on the same pool. */

/*
 * The calling thread walks the free MFT records (exh_volume_deleted_walk
 * reads $MFT once, in record order, with bounded memory) and queues the
 * files in scope whose data can still be the file's own: resident, or
 * every cluster still free in $Bitmap.  Workers read it through
 * exh_stream_open_deleted, which decides again on their own handle (the
 * record is read afresh; its state cannot have changed on a read-only
 * image, but the walk's verdict is never trusted as the reader's input).
 * The same pool as the live scan keeps one engine, one size limit and
 * one set of externals; only the opener and the counters differ.
 */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

#define DELETED_SCORE	0	/* the context reason adds nothing itself */

struct deleted_feed {
	struct file_scan *s;
	uint64_t last_mft;	/* the record queued last: its other names */
	bool queued_any;
	int rc;
	struct exh_err err;
};

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Are the first n bytes of a and b equal, ASCII case aside? */
static bool
same_prefix(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)a[i]) !=
		    ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Is path (with drive letter) under root ("C:\\x", "\\x", "C:\\", "\\")?
 * Without a drive letter the root names a folder of this volume. */
static bool
under_root(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (root[0] == '\\' && strlen(path) >= 2)
		path += 2;	/* the walk's paths all start "X:" */
	while (n > 0 && root[n - 1] == '\\')
		n--;
	if (strlen(path) < n || !same_prefix(path, root, n))
		return false;
	return path[n] == '\\' || path[n] == '\0';
}

static bool
in_scope(const struct file_scan *s, const char *path)
{
	size_t i;

	if (s->dall)
		return true;
	for (i = 0; i < s->ndroots; i++)
		if (under_root(path, s->droots[i]))
			return true;
	return false;
}

static void
count_content(struct exh_scan_deleted_result *r, int content)
{
	if (content == EXH_DELETED_OVERWRITTEN)
		r->overwritten++;
	else if (content == EXH_DELETED_NONE)
		r->no_data++;
	else
		r->unknown++;
}

static int
make_deleted_item(const struct exh_deleted *d, struct scan_item *it)
{
	memset(it, 0, sizeof(*it));
	it->deleted = true;
	it->content = d->content;
	it->file.mft = d->mft;
	it->file.seq = d->seq;
	it->file.size = d->size;
	it->file.si = d->si;
	it->file.fn = d->fn;
	if ((it->file.path = strdup(d->path)) == NULL ||
	    (it->file.stream = strdup("")) == NULL ||
	    (it->file.owner_sid = strdup("")) == NULL) {
		exh_fileref_free(&it->file);
		return EXH_ENOMEM;
	}
	return EXH_OK;
}

static int
on_deleted(const struct exh_deleted *d, void *ctx)
{
	struct deleted_feed *df = ctx;
	struct file_scan *s = df->s;
	struct scan_item it;
	bool readable = d->content == EXH_DELETED_RESIDENT ||
	    d->content == EXH_DELETED_FREE;

	if (s->opt->cancel != NULL && *s->opt->cancel != 0)
		return EXH_WALK_STOP;
	if (d->is_dir || !in_scope(s, d->path))
		return EXH_WALK_NEXT;
	s->dres->in_scope++;
	if (!readable) {
		count_content(s->dres, d->content);
		return EXH_WALK_NEXT;
	}
	if (make_deleted_item(d, &it) != EXH_OK) {
		df->rc = exh_err_set(&df->err, EXH_ENOMEM, 0, "out of memory");
		return EXH_WALK_STOP;
	}
	/* A further name of the record just queued: path IOCs only. */
	it.path_only = df->queued_any && df->last_mft == d->mft;
	df->last_mft = d->mft;
	df->queued_any = true;
	s->walking = d->path;
	df->rc = pool_push(s->pool, &it);
	s->walking = NULL;
	if (df->rc != EXH_OK) {
		s->stopped = true;
		df->rc = EXH_OK;	/* pool_finish says why */
		return EXH_WALK_STOP;
	}
	return EXH_WALK_NEXT;
}

int
scan_feed_deleted(struct file_scan *s, struct exh_err *err)
{
	struct deleted_feed df;
	struct exh_deleted_counts n;
	int rc;

	memset(&df, 0, sizeof(df));
	df.s = s;
	rc = exh_volume_deleted_walk(s->vol, on_deleted, &df, &n, err);
	s->dres->listed = n.listed;
	if (df.rc != EXH_OK) {
		*err = df.err;
		return df.rc;
	}
	return rc == EXH_STOP ? EXH_OK : rc;
}

int
scan_deleted_refused(struct file_scan *s, const struct scan_item *it,
    const char *why, const char *detail, struct exh_err *err)
{
	pthread_mutex_lock(&s->plock);
	if (strcmp(why, "overwritten") == 0)
		s->dres->overwritten++;
	else if (strcmp(why, "no-data") == 0)
		s->dres->no_data++;
	else if (strcmp(why, "unknown") == 0 || strcmp(why, "corrupt") == 0)
		s->dres->unknown++;
	else
		s->dres->refused++;
	pthread_mutex_unlock(&s->plock);
	return exh_findings_add_skip(s->out, it->file.path, it->file.stream,
	    it->file.mft, it->file.size, "deleted-content", detail, err);
}

int
scan_deleted_mark(const struct scan_item *it, struct exh_finding *f)
{
	const char *what = it->content == EXH_DELETED_RESIDENT ?
	    "content resident" : "content free (may be partial)";

	if (exh_finding_set(&f->origin, "deleted") != EXH_OK)
		return EXH_ENOMEM;
	return exh_finding_add_reason(f, "deleted", "deleted-content",
	    DELETED_SCORE, "What the rules matched is the content of a deleted "
	    "file, read from its free MFT record or its free clusters",
	    "free MFT record", what);
}

int
exh_scan_deleted(struct exh_volume *vol, const char *const *roots,
    size_t nroots, bool all, const struct exh_scan_options *opt,
    struct exh_findings *out, struct exh_scan_deleted_result *res,
    struct exh_err *err)
{
	struct file_scan s;
	size_t before;
	int rc;

	if (vol == NULL || opt == NULL || opt->rules == NULL || out == NULL ||
	    res == NULL || (roots == NULL && nroots > 0))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "deleted-content scan: invalid call");
	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.vol = vol;
	s.opt = opt;
	s.out = out;
	s.dres = res;
	s.droots = roots;
	s.ndroots = nroots;
	s.dall = all;
	before = exh_findings_count(out);
	rc = scan_run(&s, NULL, 0, err);
	res->findings = exh_findings_count(out) - before;
	return rc;
}
