/* exhume files: an inventory of every file and stream, as a body file or JSON lines. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct inventory {
	struct exh_volume *vol;
	bool bodyfile, hash;
	bool usn, jsonl;	/* --usn: the change journal instead */
	bool deleted;		/* --deleted: free MFT records instead */
	uint64_t max_size;	/* streams above it are listed, not hashed */
	uint64_t broken, unreadable, skipped;
	/* Hashes of records with several names, so their data is read once. */
	struct linked {
		uint64_t mft;
		char *stream;
		char md5[33], sha1[41], sha256[65];
		bool ok;
	} *linked;
	size_t nlinked;
	bool oom;	/* a name could not be escaped: the listing stops */
	uint64_t oom_mft;
	struct exh_set64 linked_at;	/* linked_key -> first index */
};

static const struct {
	uint32_t bit;
	const char *name;
} attr_names[] = {
	{ EXH_ATTR_READONLY, "readonly" }, { EXH_ATTR_HIDDEN, "hidden" },
	{ EXH_ATTR_SYSTEM, "system" }, { EXH_ATTR_ARCHIVE, "archive" },
	{ EXH_ATTR_SPARSE, "sparse" }, { EXH_ATTR_REPARSE, "reparse" },
	{ EXH_ATTR_COMPRESSED, "compressed" },
	{ EXH_ATTR_ENCRYPTED, "encrypted" },
};

static const char *
status_name(const struct exh_entry *e, int stream_status)
{
	if (e->status == EXH_ENTRY_CORRUPT)
		return "corrupt";
	if (e->status == EXH_ENTRY_UNREADABLE)
		return "unreadable";
	if (e->status == EXH_ENTRY_CYCLE)
		return "cycle";
	return stream_status == 1 ? "encrypted" :
	    stream_status == 2 ? "unreadable" :
	    stream_status == 3 ? "skipped" : "ok";
}

struct hashes {
	char md5[33], sha1[41], sha256[65];
	int status;		/* 0 ok, 1 encrypted, 2 unreadable, 3 skipped */
	char problem[EXH_ERR_MSG_MAX];
};

/* FNV-1a of the record and stream name; never UINT64_MAX. */
static uint64_t
linked_key(uint64_t mft, const char *stream)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;
	int i;

	for (i = 0; i < 8; i++)
		h = (h ^ ((mft >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	for (p = (const unsigned char *)stream; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h == UINT64_MAX ? 0 : h;
}

/* The index finds almost every entry at once; a key two entries share
 * (a collision) falls back to the list. */
static struct linked *
find_linked(struct inventory *inv, uint64_t mft, const char *stream)
{
	uint64_t at;
	size_t i;

	if (!exh_set64_get(&inv->linked_at, linked_key(mft, stream), &at))
		return NULL;
	if (inv->linked[at].mft == mft &&
	    strcmp(inv->linked[at].stream, stream) == 0)
		return &inv->linked[at];
	for (i = 0; i < inv->nlinked; i++)
		if (inv->linked[i].mft == mft &&
		    strcmp(inv->linked[i].stream, stream) == 0)
			return &inv->linked[i];
	return NULL;
}

static void
remember(struct inventory *inv, uint64_t mft, const char *stream,
    const struct hashes *h)
{
	struct linked *grown;
	uint64_t key;

	grown = realloc(inv->linked, (inv->nlinked + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	inv->linked = grown;
	grown += inv->nlinked;
	if ((grown->stream = strdup(stream)) == NULL)
		return;
	grown->mft = mft;
	memcpy(grown->md5, h->md5, sizeof(h->md5));
	memcpy(grown->sha1, h->sha1, sizeof(h->sha1));
	memcpy(grown->sha256, h->sha256, sizeof(h->sha256));
	grown->ok = h->status == 0;
	key = linked_key(mft, stream);
	/* Not indexed (out of memory): hashed again when met, as before. */
	if (!exh_set64_has(&inv->linked_at, key) &&
	    exh_set64_put(&inv->linked_at, key, inv->nlinked) != EXH_OK) {
		free(grown->stream);
		return;
	}
	inv->nlinked++;
}

static void
hash_stream(struct inventory *inv, const struct exh_entry *e,
    const struct exh_stream_info *si, struct hashes *h)
{
	struct exh_err err;
	struct linked *l;

	memset(h, 0, sizeof(*h));
	if (inv->max_size > 0 && si->size > inv->max_size) {
		h->status = 3;
		/* Two numbers: problem[EXH_ERR_MSG_MAX] holds them. */
		(void)snprintf(h->problem, sizeof(h->problem), "%" PRIu64
		    " bytes, above --max-size %" PRIu64 "; not hashed",
		    si->size, inv->max_size);
		inv->skipped++;
		return;
	}
	if (e->links > 1 && (l = find_linked(inv, e->mft, si->name)) != NULL) {
		memcpy(h->md5, l->md5, sizeof(h->md5));
		memcpy(h->sha1, l->sha1, sizeof(h->sha1));
		memcpy(h->sha256, l->sha256, sizeof(h->sha256));
		h->status = l->ok ? 0 : 2;
		return;
	}
	if (cli_hash_stream(inv->vol, e->mft, si->name, true, true, h->md5,
	    h->sha1, h->sha256, &err) != EXH_OK) {
		h->status = (err.sys_errno == 13) ? 1 : 2;
		/* Both EXH_ERR_MSG_MAX long: never cut. */
		(void)snprintf(h->problem, sizeof(h->problem), "%s", err.msg);
		inv->unreadable++;
	}
	if (e->links > 1)
		remember(inv, e->mft, si->name, h);
}

static void
json_line(struct inventory *inv, const struct exh_entry *e,
    const struct exh_stream_info *si)
{
	struct exh_buf b = { 0 };
	struct exh_json w;
	struct hashes h;
	char tag[16];
	size_t i;

	memset(&h, 0, sizeof(h));
	if (inv->hash && si != NULL && e->status == EXH_ENTRY_OK)
		hash_stream(inv, e, si, &h);
	exh_json_init(&w, &b);
	exh_json_open(&w, NULL, '{');
	exh_json_text(&w, "path", e->path);
	if (si != NULL)
		exh_json_text(&w, "stream", si->name);
	else
		exh_json_null(&w, "stream");
	exh_json_str(&w, "type", e->is_dir ? "dir" : "file");
	exh_json_uint(&w, "size", si ? si->size : 0);
	exh_json_uint(&w, "allocated", si ? si->alloc_size : 0);
	exh_json_uint(&w, "mft", e->mft);
	exh_json_uint(&w, "seq", e->seq);
	exh_json_uint(&w, "links", e->links);
	exh_json_open(&w, "attributes", '[');
	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (e->attributes & attr_names[i].bit)
			exh_json_str(&w, NULL, attr_names[i].name);
	exh_json_close(&w, ']');
	exh_json_text(&w, "owner_sid", e->owner_sid);
	exh_json_macb(&w, "si", &e->si, EXH_JSON_ABSENT_EMPTY);
	exh_json_macb(&w, "fn", &e->fn, EXH_JSON_ABSENT_EMPTY);
	if (e->reparse_tag != 0) {
		/* A 32-bit tag always fits tag[16]. */
		(void)snprintf(tag, sizeof(tag), "0x%08" PRIX32,
		    e->reparse_tag);
		exh_json_str(&w, "reparse_tag", tag);
		exh_json_text(&w, "reparse_target", e->reparse_target);
	}
	exh_json_str(&w, "status", status_name(e, h.status));
	if (e->problem != NULL || h.problem[0] != '\0')
		exh_json_text(&w, "problem", e->problem ? e->problem :
		    h.problem);
	if (inv->hash && h.sha256[0] != '\0') {
		exh_json_str(&w, "md5", h.md5);
		exh_json_str(&w, "sha1", h.sha1);
		exh_json_str(&w, "sha256", h.sha256);
	}
	exh_json_close(&w, '}');
	exh_json_raw(&w, "\n");
	/* A line that cannot be built (out of memory) is not written cut or
	 * empty: the listing stops and says where. */
	if (exh_json_status(&w) == EXH_OK)
		fputs(b.data, stdout);
	else
		inv->oom = true;
	exh_buf_free(&b);
}

/* The Sleuth Kit body format, one line for $SI and one for $FN times. */
static void
body_line(struct inventory *inv, const struct exh_entry *e,
    const struct exh_stream_info *si)
{
	struct hashes h;
	struct exh_buf name = { 0 };
	const char *mode = e->is_dir ? "d/drwxrwxrwx" : "r/rrwxrwxrwx";
	int pass;

	memset(&h, 0, sizeof(h));
	if (inv->hash && si != NULL && e->status == EXH_ENTRY_OK)
		hash_stream(inv, e, si, &h);
	/* '|' separates fields; the path is escaped for the terminal. */
	if (exh_esc_term(&name, e->path, strlen(e->path)) != EXH_OK)
		inv->oom = true;
	if (si != NULL && si->name[0] != '\0' &&
	    (exh_buf_putc(&name, ':') != EXH_OK ||
	    exh_esc_term(&name, si->name, strlen(si->name)) != EXH_OK))
		inv->oom = true;
	if (inv->oom) {
		exh_buf_free(&name);
		return;
	}
	for (pass = 0; pass < 2 && name.data != NULL; pass++) {
		const struct exh_macb *t = pass ? &e->fn : &e->si;
		size_t i;

		printf("%s|", h.md5[0] ? h.md5 : "0");
		for (i = 0; i < name.len; i++)
			putchar(name.data[i] == '|' ? '/' : name.data[i]);
		printf("%s|%" PRIu64 "-%u|%s|0|0|%" PRIu64 "|%lld|%lld|%lld|"
		    "%lld\n", pass ? " ($FILE_NAME)" : "", e->mft,
		    (unsigned)e->seq, mode, si ? si->size : 0,
		    (long long)exh_filetime_to_unix(t->accessed),
		    (long long)exh_filetime_to_unix(t->modified),
		    (long long)exh_filetime_to_unix(t->mft_changed),
		    (long long)exh_filetime_to_unix(t->created));
	}
	exh_buf_free(&name);
}

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	struct inventory *inv = ctx;
	size_t i;

	if (e->status != EXH_ENTRY_OK) {
		inv->broken++;
		cli_warn("%s: %s", e->path, e->problem ? e->problem : "damaged");
	}
	if (e->nstreams == 0) {
		if (inv->bodyfile)
			body_line(inv, e, NULL);
		else
			json_line(inv, e, NULL);
	}
	for (i = 0; i < e->nstreams; i++) {
		if (inv->bodyfile)
			body_line(inv, e, &e->streams[i]);
		else
			json_line(inv, e, &e->streams[i]);
	}
	if (inv->oom) {
		inv->oom_mft = e->mft;
		return EXH_WALK_STOP;
	}
	return EXH_WALK_NEXT;
}

static int
files_usage(void)
{
	return cli_usage("files", false);
}

/* Lists one volume; EXIT_PARTIAL when the walk stopped early. */
static int
walk_volume(struct inventory *inv)
{
	const struct exh_volume_info *vi = exh_volume_info(inv->vol);
	struct exh_err err;
	int rc = EXIT_CLEAN;

	if (inv->usn)
		return cli_list_usn(inv->vol, inv->jsonl);
	if (inv->deleted)
		return cli_list_deleted(inv->vol, inv->jsonl, inv->hash,
		    inv->max_size);
	/* Owners shown "" below are unknown, not absent: say why. */
	if (vi->secure_note[0] != '\0')
		cli_warn("volume %c: %s", vi->letter, vi->secure_note);
	if (exh_volume_walk(inv->vol, NULL, on_entry, inv, &err) != EXH_OK &&
	    !inv->oom) {
		cli_error(NULL, &err);
		rc = EXIT_PARTIAL;
	}
	if (inv->oom) {
		cli_warn("out of memory writing the entry of MFT record %"
		    PRIu64 " (its names may be empty); the listing stops there",
		    inv->oom_mft);
		rc = EXIT_PARTIAL;
	}
	return rc;
}

/* Frees the inventory and says what was not listed in full. */
static int
finish(struct inventory *inv, int rc)
{
	size_t i;

	for (i = 0; i < inv->nlinked; i++)
		free(inv->linked[i].stream);
	free(inv->linked);
	exh_set64_free(&inv->linked_at);
	if (inv->broken > 0 || inv->unreadable > 0 || inv->skipped > 0) {
		cli_warn("%" PRIu64 " damaged records, %" PRIu64 " unreadable "
		    "streams, %" PRIu64 " streams above --max-size not hashed "
		    "(listed above)", inv->broken, inv->unreadable,
		    inv->skipped);
		if (rc == EXIT_CLEAN)
			rc = EXIT_PARTIAL;
	}
	return rc;
}

/* The nth (1-based) NTFS partition of src, as --volume counts them for
 * one source; NULL when there are fewer. */
static const struct exh_partition *
nth_ntfs(const struct exh_source *src, int nth)
{
	const struct exh_partition *p;
	size_t i;

	for (i = 0; i < exh_source_partition_count(src); i++) {
		p = exh_source_partition(src, i);
		if (p->fs == EXH_FS_NTFS && --nth == 0)
			return p;
	}
	return NULL;
}

/* Opens shadow copy `snapshot` of volume `volume` of path and lists it
 * (--snapshot). */
static int
walk_snapshot(const char *path, int volume, int snapshot,
    struct inventory *inv)
{
	struct exh_source *src = NULL, **stores = NULL;
	const struct exh_partition *p;
	struct exh_err err;
	size_t n = 0;
	int rc = EXIT_USAGE;

	if (exh_source_open(path, &src, &err) != EXH_OK) {
		cli_error(NULL, &err);
		return EXIT_USAGE;
	}
	if ((p = nth_ntfs(src, volume)) == NULL)
		cli_warn("%s: --volume %d: there is no such NTFS volume", path,
		    volume);
	else if (exh_source_open_snapshots(src, p, &stores, &n, &err) !=
	    EXH_OK)
		cli_error(NULL, &err);
	else if ((size_t)snapshot > n)
		cli_warn("%s: --snapshot %d: volume %d has %zu shadow copies "
		    "(exhume sources lists them)", path, snapshot, volume, n);
	else if (exh_volume_open(stores[snapshot - 1], 0, &inv->vol, &err) !=
	    EXH_OK)
		cli_error(exh_source_path(stores[snapshot - 1]), &err);
	else {
		rc = walk_volume(inv);
		exh_volume_close(inv->vol);
	}
	exh_source_close_snapshots(stores, n);
	exh_source_release(src);
	return rc;
}

int
cmd_files(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bodyfile", no_argument, NULL, 'b' },
		{ "jsonl", no_argument, NULL, 'j' },
		{ "hash", no_argument, NULL, 'H' },
		{ "volume", required_argument, NULL, 'v' },
		{ "letter", required_argument, NULL, 'L' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "parent", required_argument, NULL, 'A' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "usn", no_argument, NULL, 'U' },
		{ "deleted", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *parents[EXH_TRIAGE_MAX_PATHS];
	size_t nparents = 0;
	struct inventory inv;
	struct exh_triage_options to;
	struct exh_triage *t;
	const char *letters = NULL;
	uint64_t v;
	int c, only = 0, snapshot = 0, format = 0, rc = EXIT_CLEAN;
	size_t i;

	memset(&inv, 0, sizeof(inv));
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			format |= 1;
			inv.bodyfile = true;
			break;
		case 'j':
			format |= 2;
			inv.jsonl = true;
			break;
		case 'U':
			inv.usn = true;
			break;
		case 'D':
			inv.deleted = true;
			break;
		case 'H':
			inv.hash = true;
			break;
		case 'v':
			if (!cli_parse_range(optarg, 1, 1000, &v))
				return cli_bad_value("files", "--volume", optarg,
				    _("is not a volume number"), "1-1000");
			only = (int)v;
			break;
		case 'L':
			letters = optarg;
			break;
		case 'A':
			if (nparents == EXH_TRIAGE_MAX_PATHS)
				return cli_usage_error("files",
				    _("--parent: given too many times"));
			parents[nparents++] = optarg;
			break;
		case 's':
			if (!cli_parse_range(optarg, 1, 10000, &v))
				return cli_bad_value("files", "--snapshot",
				    optarg, _("is not a snapshot number"),
				    "1-10000");
			snapshot = (int)v;
			break;
		case 'm':
			if (!cli_parse_range(optarg, 1, UINT64_MAX,
			    &inv.max_size))
				return cli_bad_value("files", "--max-size",
				    optarg, _("is not a size in bytes"),
				    _("1 or more"));
			break;
		default:
			return cli_option_error("files", c, argv);
		}
	}
	/* The journal lists as text or JSON lines, of live volumes only. */
	if (inv.usn && (format == 1 || format == 3 || inv.hash ||
	    snapshot > 0 || inv.max_size > 0))
		return files_usage();
	/* Deleted records: of live volumes; hashes of what survives, in
	 * JSON lines. */
	if (inv.deleted && (inv.usn || snapshot > 0 || ((inv.hash ||
	    inv.max_size > 0) && format != 2)))
		return files_usage();
	if ((!inv.usn && format != 1 && format != 2) || optind >= argc)
		return files_usage();
	if (snapshot > 0) {
		/* One source and one volume: the store is that volume's. */
		if (optind + 1 != argc || letters != NULL)
			return files_usage();
		rc = walk_snapshot(argv[optind], only > 0 ? only : 1, snapshot,
		    &inv);
		return finish(&inv, rc);
	}
	cli_triage_defaults(&to);
	to.only_volume = only;
	to.letters = letters;
	to.no_profile = true;
	memcpy(to.parents, parents, nparents * sizeof(parents[0]));
	to.n_parents = nparents;
	/* A listing is not a record: the image files are not hashed. */
	to.no_image_hash = true;
	if (cli_open_triage(&to, argv + optind, (size_t)(argc - optind),
	    &t) != EXH_OK)
		return EXIT_USAGE;
	for (i = 0; i < exh_triage_volume_count(t) && !inv.oom; i++) {
		inv.vol = exh_triage_volume(t, i);
		if (walk_volume(&inv) != EXIT_CLEAN)
			rc = EXIT_PARTIAL;
	}
	exh_triage_destroy(t);
	return finish(&inv, rc);
}
