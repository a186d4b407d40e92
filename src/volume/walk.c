/* Walking an NTFS tree: every name, every $DATA stream, never following links. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

#define MAX_DEPTH 2048
#define MAX_DIR_ENTRIES 20000000u
#define FIRST_USER_RECORD 24

struct dir_child {
	uint64_t mref;
	char *name;
};

struct dirlist {
	struct dir_child *items;
	size_t n, cap;
	bool failed;
};

struct walker {
	struct exh_volume *v;
	exh_walk_fn fn;
	void *ctx;
	struct exh_err *err;
	struct exh_set64 links;	/* records with several names, seen once */
	struct exh_set64 dirs;	/* directories already descended into */
	uint64_t stack[MAX_DEPTH];
	int depth;
	struct exh_buf path;
};

int
volume_name_utf8(const ntfschar *name, int len, struct exh_buf *out)
{
	return exh_utf16le_to_utf8((const uint16_t *)name, (size_t)len, out);
}

static int
filldir(void *ctx, const ntfschar *name, const int name_len,
    const int name_type, const s64 pos, const MFT_REF mref,
    const unsigned dt_type)
{
	struct dirlist *dl = ctx;
	struct exh_buf b = { 0 };
	struct dir_child *grown;

	(void)pos;
	(void)dt_type;
	/* 8.3 short names duplicate the long name of the same record. */
	if (name_type == FILE_NAME_DOS)
		return 0;
	if (volume_name_utf8(name, name_len, &b) != EXH_OK)
		goto nomem;
	if (strcmp(b.data, ".") == 0 || strcmp(b.data, "..") == 0) {
		exh_buf_free(&b);
		return 0;
	}
	if (dl->n >= MAX_DIR_ENTRIES) {
		exh_buf_free(&b);
		dl->failed = true;
		return -1;
	}
	if (dl->n == dl->cap) {
		size_t ncap = dl->cap ? dl->cap * 2 : 64;

		if ((grown = realloc(dl->items, ncap * sizeof(*grown))) == NULL)
			goto nomem;
		dl->items = grown;
		dl->cap = ncap;
	}
	dl->items[dl->n].mref = (uint64_t)mref;
	dl->items[dl->n].name = exh_buf_take(&b);
	dl->n++;
	return 0;
nomem:
	exh_buf_free(&b);
	dl->failed = true;
	errno = ENOMEM;
	return -1;
}

static void
free_list(struct dirlist *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		free(dl->items[i].name);
	free(dl->items);
}

static void
read_si(ntfs_inode *ni, struct exh_entry *e)
{
	e->si.created = volume_time(ni->creation_time);
	e->si.modified = volume_time(ni->last_data_change_time);
	e->si.mft_changed = volume_time(ni->last_mft_change_time);
	e->si.accessed = volume_time(ni->last_access_time);
	e->attributes = (uint32_t)le32_to_cpu(ni->flags);
	e->links = le16_to_cpu(ni->mrec->link_count);
	e->seq = le16_to_cpu(ni->mrec->sequence_number);
	e->is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
}

/* The $FILE_NAME matching this name's parent, else the first long name. */
static int
read_fn(ntfs_inode *ni, uint64_t parent, struct exh_entry *e)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	bool have = false;
	int rc = EXH_OK;

	if (ctx == NULL)
		return EXH_ENOMEM;
	while (ntfs_attr_lookup(AT_FILE_NAME, NULL, 0, CASE_SENSITIVE, 0,
	    NULL, 0, ctx) == 0) {
		ATTR_RECORD *a = ctx->attr;
		FILE_NAME_ATTR *fn;

		if (a->non_resident || le32_to_cpu(a->value_length) <
		    sizeof(FILE_NAME_ATTR))
			continue;
		fn = (FILE_NAME_ATTR *)((u8 *)a + le16_to_cpu(a->value_offset));
		if (fn->file_name_type == FILE_NAME_DOS)
			continue;
		if (have && MREF_LE(fn->parent_directory) != MREF(parent))
			continue;
		e->fn.created = volume_time(fn->creation_time);
		e->fn.modified = volume_time(fn->last_data_change_time);
		e->fn.mft_changed = volume_time(fn->last_mft_change_time);
		e->fn.accessed = volume_time(fn->last_access_time);
		have = true;
		if (MREF_LE(fn->parent_directory) == MREF(parent))
			break;
	}
	if (errno != ENOENT && !have)
		rc = EXH_ECORRUPT;
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

struct streams {
	struct exh_stream_info *info;
	char **names;
	size_t n;
};

static void
free_streams(struct streams *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->info);
	memset(s, 0, sizeof(*s));
}

static int
add_stream(struct streams *s, ATTR_RECORD *a)
{
	struct exh_buf b = { 0 };
	struct exh_stream_info *ni;
	char **nn;

	if (volume_name_utf8((ntfschar *)((u8 *)a + le16_to_cpu(a->name_offset)),
	    a->name_length, &b) != EXH_OK)
		return EXH_ENOMEM;
	if ((ni = realloc(s->info, (s->n + 1) * sizeof(*ni))) != NULL)
		s->info = ni;
	if ((nn = realloc(s->names, (s->n + 1) * sizeof(*nn))) != NULL)
		s->names = nn;
	if (ni == NULL || nn == NULL) {
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	memset(&s->info[s->n], 0, sizeof(s->info[0]));
	s->names[s->n] = exh_buf_take(&b);
	if (a->non_resident) {
		s->info[s->n].size = (uint64_t)sle64_to_cpu(a->data_size);
		s->info[s->n].alloc_size =
		    (uint64_t)sle64_to_cpu(a->allocated_size);
	} else {
		s->info[s->n].size = le32_to_cpu(a->value_length);
		s->info[s->n].alloc_size = le32_to_cpu(a->value_length);
		s->info[s->n].flags |= EXH_STREAM_RESIDENT;
	}
	if (a->flags & ATTR_IS_COMPRESSED)
		s->info[s->n].flags |= EXH_STREAM_COMPRESSED;
	if (a->flags & ATTR_IS_ENCRYPTED)
		s->info[s->n].flags |= EXH_STREAM_ENCRYPTED;
	if (a->flags & ATTR_IS_SPARSE)
		s->info[s->n].flags |= EXH_STREAM_SPARSE;
	s->n++;
	return EXH_OK;
}

/* Every $DATA attribute's first extent; the unnamed stream sorts first. */
static int
read_streams(ntfs_inode *ni, struct streams *s)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	int rc = EXH_OK;
	size_t i;

	if (ctx == NULL)
		return EXH_ENOMEM;
	errno = 0;
	while (rc == EXH_OK && ntfs_attr_lookup(AT_DATA, NULL, 0,
	    CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		if (ctx->attr->non_resident && ctx->attr->lowest_vcn != 0)
			continue;
		rc = add_stream(s, ctx->attr);
	}
	if (rc == EXH_OK && errno != ENOENT && errno != 0)
		rc = EXH_ECORRUPT;
	ntfs_attr_put_search_ctx(ctx);
	for (i = 1; i < s->n; i++)
		if (s->names[i][0] == '\0') {
			struct exh_stream_info ti = s->info[0];
			char *tn = s->names[0];

			s->info[0] = s->info[i];
			s->names[0] = s->names[i];
			s->info[i] = ti;
			s->names[i] = tn;
		}
	for (i = 0; i < s->n; i++)
		s->info[i].name = s->names[i];
	return rc;
}

static char *
reparse_target(const u8 *data, size_t len, uint32_t tag)
{
	struct exh_buf b = { 0 };
	size_t hdr = (tag == 0xA000000Cu) ? 12 : 8;
	unsigned off, n;

	/* Substitute and print names: four little-endian u16 after the tag
	 * header; symbolic links have four more bytes of flags. */
	if (len < 8 + hdr)
		return NULL;
	off = (unsigned)(data[12] | data[13] << 8);
	n = (unsigned)(data[14] | data[15] << 8);
	if ((size_t)8 + hdr + off + n > len || n % 2)
		return NULL;
	if (exh_utf16le_bytes_to_utf8(data + 8 + hdr + off, n, &b) != EXH_OK) {
		exh_buf_free(&b);
		return NULL;
	}
	return exh_buf_take(&b);
}

static void
read_reparse(ntfs_inode *ni, struct exh_entry *e)
{
	s64 size = 0;
	u8 *rp;

	if (!(e->attributes & EXH_ATTR_REPARSE))
		return;
	rp = ntfs_attr_readall(ni, AT_REPARSE_POINT, AT_UNNAMED, 0, &size);
	if (rp == NULL)
		return;
	if (size >= 8) {
		e->reparse_tag = (uint32_t)(rp[0] | rp[1] << 8 | rp[2] << 16 |
		    (uint32_t)rp[3] << 24);
		if (e->reparse_tag == 0xA0000003u || e->reparse_tag == 0xA000000Cu)
			e->reparse_target = reparse_target(rp, (size_t)size,
			    e->reparse_tag);
	}
	free(rp);
}

static int
push_name(struct walker *w, const char *name, size_t *saved)
{
	*saved = w->path.len;
	if (w->path.len > 0 && w->path.data[w->path.len - 1] != '\\' &&
	    exh_buf_putc(&w->path, '\\') != EXH_OK)
		return EXH_ENOMEM;
	return exh_buf_puts(&w->path, name);
}

static void
pop_name(struct walker *w, size_t saved)
{
	w->path.len = saved;
	w->path.data[saved] = '\0';
}

static int walk_dir(struct walker *w, ntfs_inode *dir, uint64_t dir_mft);

static int
yield_broken(struct walker *w, const char *name, uint64_t mref, int status,
    const char *problem)
{
	struct exh_entry e;

	memset(&e, 0, sizeof(e));
	e.path = w->path.data;
	e.name = name;
	e.mft = MREF(mref);
	e.seq = MSEQNO(mref);
	e.depth = w->depth;
	e.status = status;
	e.problem = problem;
	e.first_link = true;
	e.owner_sid = "";
	return w->fn(&e, w->ctx);
}

static int
visit(struct walker *w, const struct dir_child *it, uint64_t parent)
{
	struct exh_entry e;
	struct streams s = { 0 };
	/* problem: literals, numbers and strerror; 256 holds any of them. */
	char problem[256], owner[EXH_SID_MAX];
	ntfs_inode *ni;
	int verdict, rc = EXH_OK, i;
	bool owner_oom = false;

	if ((ni = ntfs_inode_open(w->v->vol, MREF(it->mref))) == NULL) {
		(void)snprintf(problem, sizeof(problem),
		    "MFT record %llu cannot be read: %s",
		    (unsigned long long)MREF(it->mref), exh_strerror(errno));
		/* The callback's verdict is not a status: only STOP ends. */
		return yield_broken(w, it->name, it->mref, errno == EIO ?
		    EXH_ENTRY_CORRUPT : EXH_ENTRY_UNREADABLE, problem) ==
		    EXH_WALK_STOP ? EXH_STOP : EXH_OK;
	}
	memset(&e, 0, sizeof(e));
	e.path = w->path.data;
	e.name = it->name;
	e.mft = MREF(it->mref);
	e.depth = w->depth;
	read_si(ni, &e);
	/* NULL: out of memory; the entry is yielded, then the walk unwinds. */
	if ((e.owner_sid = volume_owner(w->v, ni, owner)) == NULL) {
		e.owner_sid = "";
		owner_oom = true;
	}
	if (MSEQNO(it->mref) != 0 && MSEQNO(it->mref) != e.seq) {
		(void)snprintf(problem, sizeof(problem),
		    "directory entry names sequence %u but MFT record %llu "
		    "has %u (stale index entry)",
		    (unsigned)MSEQNO(it->mref), (unsigned long long)e.mft,
		    (unsigned)e.seq);
		e.status = EXH_ENTRY_CORRUPT;
		e.problem = problem;
	} else if ((rc = read_fn(ni, parent, &e)) != EXH_OK ||
	    (rc = read_streams(ni, &s)) != EXH_OK) {
		(void)snprintf(problem, sizeof(problem),
		    "MFT record %llu: damaged attribute: %s",
		    (unsigned long long)e.mft,
		    exh_strerror(errno ? errno : EIO));
		e.status = rc == EXH_ENOMEM ? EXH_ENTRY_UNREADABLE :
		    EXH_ENTRY_CORRUPT;
		e.problem = problem;
	}
	e.streams = s.info;
	e.nstreams = s.n;
	read_reparse(ni, &e);
	e.first_link = true;
	if (e.links > 1 && !e.is_dir) {
		e.first_link = !exh_set64_has(&w->links, e.mft);
		if (exh_set64_add(&w->links, e.mft) != EXH_OK)
			rc = EXH_ENOMEM;
	}
	for (i = 0; e.is_dir && i < w->depth; i++)
		if (w->stack[i] == e.mft) {
			e.status = EXH_ENTRY_CYCLE;
			e.problem = "directory contains itself (corrupt index)";
		}
	verdict = w->fn(&e, w->ctx);
	if (rc == EXH_OK && owner_oom)
		rc = EXH_ENOMEM;
	if (verdict == EXH_WALK_NEXT && rc == EXH_OK && e.is_dir &&
	    e.status == EXH_ENTRY_OK && e.reparse_tag == 0 &&
	    !exh_set64_has(&w->dirs, e.mft)) {
		rc = walk_dir(w, ni, e.mft);
		ni = NULL;
	}
	if (ni != NULL)
		ntfs_inode_close(ni);
	free(e.reparse_target);
	free_streams(&s);
	if (verdict == EXH_WALK_STOP)
		return EXH_STOP;
	return rc;
}

static bool
system_file(const struct walker *w, const struct dir_child *it)
{
	return w->depth == 1 && MREF(it->mref) < FIRST_USER_RECORD &&
	    it->name[0] == '$';
}

/* Lists dir (closing it), then visits each entry; nested via visit. */
static int
walk_dir(struct walker *w, ntfs_inode *dir, uint64_t dir_mft)
{
	struct dirlist dl = { 0 };
	s64 pos = 0;
	size_t i, saved;
	int rc = EXH_OK, e;

	if (exh_set64_add(&w->dirs, dir_mft) != EXH_OK) {
		ntfs_inode_close(dir);
		return exh_err_set(w->err, EXH_ENOMEM, 0, "out of memory");
	}
	errno = 0;
	e = ntfs_readdir(dir, &pos, &dl, filldir) == 0 ? 0 : errno;
	ntfs_inode_close(dir);
	if (dl.failed && errno == ENOMEM) {
		free_list(&dl);
		return exh_err_set(w->err, EXH_ENOMEM, 0, "out of memory");
	}
	if (e != 0 || dl.failed) {
		char problem[256];	/* holds the text below whole */

		(void)snprintf(problem, sizeof(problem), "directory index of "
		    "MFT record %llu is damaged: %s; %zu entries read before "
		    "the damage", (unsigned long long)dir_mft,
		    exh_strerror(e ? e : EIO), dl.n);
		if (yield_broken(w, "", dir_mft, EXH_ENTRY_CORRUPT, problem) ==
		    EXH_WALK_STOP)
			rc = EXH_STOP;
	}
	if (w->depth + 1 >= MAX_DEPTH) {
		free_list(&dl);
		return yield_broken(w, "", dir_mft, EXH_ENTRY_CORRUPT,
		    "directories nested too deep") == EXH_WALK_STOP ? EXH_STOP :
		    EXH_OK;
	}
	w->stack[w->depth++] = dir_mft;
	for (i = 0; rc == EXH_OK && i < dl.n; i++) {
		if (system_file(w, &dl.items[i]))
			continue;
		if (push_name(w, dl.items[i].name, &saved) != EXH_OK) {
			rc = EXH_ENOMEM;
			break;
		}
		rc = visit(w, &dl.items[i], dir_mft);
		pop_name(w, saved);
	}
	w->depth--;
	free_list(&dl);
	if (rc == EXH_ENOMEM)
		return exh_err_set(w->err, EXH_ENOMEM, 0, "out of memory");
	return rc;
}

static int
start_path(struct walker *w, const char *start)
{
	const char *p = start ? start : "";
	size_t root;

	if (p[0] != '\0' && p[1] == ':')
		p += 2;
	/* A shadow copy's paths start with its name, "C:@{guid}". */
	if ((w->v->info.name[0] != '\0' ? exh_buf_puts(&w->path,
	    w->v->info.name) : exh_buf_printf(&w->path, "%c:",
	    w->v->info.letter)) != EXH_OK)
		return EXH_ENOMEM;
	if (*p != '\\' && exh_buf_putc(&w->path, '\\') != EXH_OK)
		return EXH_ENOMEM;
	if (exh_buf_puts(&w->path, p) != EXH_OK)
		return EXH_ENOMEM;
	root = w->v->info.name[0] != '\0' ? strlen(w->v->info.name) + 1 : 3;
	while (w->path.len > root && w->path.data[w->path.len - 1] == '\\')
		w->path.data[--w->path.len] = '\0';
	return EXH_OK;
}

int
exh_volume_walk(struct exh_volume *v, const char *start, exh_walk_fn fn,
    void *ctx, struct exh_err *err)
{
	struct walker *w;
	ntfs_inode *ni;
	uint64_t mft = FILE_root;
	bool is_dir = true;
	int rc;

	if (v == NULL || v->magic != VOLUME_MAGIC || fn == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "volume: invalid handle");
	if (start != NULL && strcmp(start, "\\") != 0 && *start != '\0' &&
	    (rc = exh_volume_lookup(v, start, &mft, &is_dir, err)) != EXH_OK)
		return rc;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	w->v = v;
	w->fn = fn;
	w->ctx = ctx;
	w->err = err;
	if ((rc = start_path(w, start)) != EXH_OK) {
		rc = exh_err_set(err, rc, 0, "out of memory");
		goto out;
	}
	if (!is_dir) {
		/* A single file: visit it under its parent's path. */
		struct dir_child it = { mft, NULL };
		char *slash = strrchr(w->path.data, '\\');

		it.name = slash + 1;
		rc = visit(w, &it, 0);
		goto out;
	}
	if ((ni = ntfs_inode_open(v->vol, mft)) == NULL) {
		rc = exh_err_set(err, EXH_ECORRUPT, errno, "MFT record %llu: "
		    "cannot be read: %s", (unsigned long long)mft,
		    exh_strerror(errno));
		goto out;
	}
	if (w->path.len == 3)
		w->path.data[--w->path.len] = '\0';
	rc = walk_dir(w, ni, mft);
out:
	exh_set64_free(&w->links);
	exh_set64_free(&w->dirs);
	exh_buf_free(&w->path);
	free(w);
	return rc;
}
