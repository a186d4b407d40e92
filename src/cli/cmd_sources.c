/* exhume sources: what can be triaged, and in which state. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* With --json everything goes through one writer and is printed at the end. */
struct out {
	bool json;
	bool verify_image;	/* --verify-image: re-read and hash each image */
	int verify_rc;		/* worst image check: EXIT_CLEAN, _FINDINGS, _USAGE */
	struct exh_source_options opt;	/* --parent files */
	struct exh_buf buf;
	struct exh_json w;
	bool damaged;		/* something could not be read: exit 2 */
};

static void
print_volume_state(struct exh_source *src, const struct exh_partition *p,
    struct out *o)
{
	struct exh_volume *vol;
	struct exh_err err;
	const struct exh_volume_info *vi;

	if (p->fs != EXH_FS_NTFS)
		return;
	if (exh_volume_open(src, p->number, &vol, &err) != EXH_OK) {
		if (o->json)
			exh_json_text(&o->w, "ntfs_error", err.msg);
		else {
			printf("      cannot open NTFS: ");
			cli_put_term(stdout, err.msg);
			putchar('\n');
		}
		return;
	}
	vi = exh_volume_info(vol);
	if (o->json) {
		exh_json_text(&o->w, "ntfs_serial", vi->serial);
		exh_json_text(&o->w, "ntfs_label", vi->label);
		exh_json_bool(&o->w, "dirty", vi->dirty);
		exh_json_bool(&o->w, "hibernated", vi->hibernated);
		exh_json_bool(&o->w, "system", exh_volume_is_system(vol));
		if (vi->secure_note[0] != '\0')
			exh_json_text(&o->w, "secure_note", vi->secure_note);
	} else {
		printf("      NTFS %d.%d serial %s", vi->ntfs_major,
		    vi->ntfs_minor, vi->serial);
		if (exh_volume_is_system(vol))
			printf(", Windows system volume");
		putchar('\n');
		if (vi->dirty)
			printf("      warning: volume is marked dirty (not shut "
			    "down cleanly); opened read-only, unreplayed "
			    "$LogFile changes are not visible\n");
		if (vi->hibernated)
			printf("      warning: Windows hibernated or used Fast "
			    "Startup; opened read-only, the latest changes may "
			    "be only in hiberfil.sys\n");
		if (vi->secure_note[0] != '\0') {
			printf("      warning: ");
			cli_put_term(stdout, vi->secure_note);
			putchar('\n');
		}
	}
	exh_volume_close(vol);
}

static void
print_snapshot(struct exh_source *store, struct out *o)
{
	const struct exh_snapshot_info *si = exh_source_snapshot(store);
	const struct exh_partition *p = exh_source_partition(store, 0);
	const char *note = p != NULL ? p->note : "";
	char when[32];

	if (note[0] != '\0')
		o->damaged = true;	/* the store cannot be examined */
	exh_filetime_iso(si->created, when);
	if (o->json) {
		exh_json_open(&o->w, NULL, '{');
		exh_json_int(&o->w, "index", si->index);
		exh_json_str(&o->w, "guid", si->guid);
		exh_json_str(&o->w, "created", when);
		exh_json_uint(&o->w, "size", si->size);
		exh_json_text(&o->w, "note", note);
		exh_json_close(&o->w, '}');
		return;
	}
	printf("        {%s} created %s, %" PRIu64 " bytes\n", si->guid,
	    when[0] ? when : "(no time)", si->size);
	if (note[0] != '\0') {
		printf("          ");
		cli_put_term(stdout, note);
		putchar('\n');
	}
}

/* The volume shadow copies of an NTFS partition ("snapshots" in JSON). */
static void
print_snapshots(struct exh_source *src, const struct exh_partition *p,
    struct out *o)
{
	struct exh_source **stores = NULL;
	struct exh_err err;
	size_t i, n = 0;

	if (p->fs != EXH_FS_NTFS)
		return;
	if (exh_source_open_snapshots(src, p, &stores, &n, &err) != EXH_OK) {
		o->damaged = true;
		if (o->json)
			exh_json_text(&o->w, "snapshots_error", err.msg);
		else {
			printf("      shadow copies: not read: ");
			cli_put_term(stdout, err.msg);
			putchar('\n');
		}
		return;
	}
	if (o->json)
		exh_json_open(&o->w, "snapshots", '[');
	else if (n > 0)
		printf("      shadow copies: %zu (VSS)\n", n);
	for (i = 0; i < n; i++)
		print_snapshot(stores[i], o);
	if (o->json)
		exh_json_close(&o->w, ']');
	exh_source_close_snapshots(stores, n);
}

static void
print_partition(struct exh_source *src, const struct exh_partition *p,
    struct out *o)
{
	struct exh_json *w = &o->w;

	if (o->json) {
		exh_json_open(w, NULL, '{');
		exh_json_int(w, "number", p->number);
		exh_json_uint(w, "offset", p->offset);
		exh_json_uint(w, "size", p->size);
		exh_json_text(w, "table_type", p->table_type);
		exh_json_text(w, "name", p->part_name);
		exh_json_str(w, "fs", exh_fs_kind_name(p->fs));
		exh_json_text(w, "fs_type", p->fs_type);
		exh_json_text(w, "label", p->label);
		exh_json_text(w, "uuid", p->uuid);
		exh_json_text(w, "table_id", p->table_id);
		exh_json_text(w, "part_guid", p->part_guid);
		exh_json_bool(w, "bitlocker", p->fs == EXH_FS_BITLOCKER);
		exh_json_bool(w, "dynamic_disk", p->dynamic_disk);
		exh_json_text(w, "note", p->note);
		print_volume_state(src, p, o);
		print_snapshots(src, p, o);
		exh_json_close(w, '}');
		return;
	}
	printf("  #%-2d offset %-12" PRIu64 " size %-12" PRIu64 " %-9s",
	    p->number, p->offset, p->size, exh_fs_kind_name(p->fs));
	if (p->label[0] != '\0') {
		printf(" label \"");
		cli_put_term(stdout, p->label);
		putchar('"');
	}
	if (p->uuid[0] != '\0')
		printf(" uuid %s", p->uuid);
	putchar('\n');
	if (p->note[0] != '\0') {
		printf("      ");
		cli_put_term(stdout, p->note);
		putchar('\n');
	}
	print_volume_state(src, p, o);
	print_snapshots(src, p, o);
}

/* Progress of the image check on stderr: a line per 10 %. */
struct check_progress {
	const char *path;
	unsigned last_tenth;
};

static void
check_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct check_progress *p = ctx;
	unsigned tenth = total > 0 ? (unsigned)(done * 10 / total) : 10;

	if (tenth <= p->last_tenth || tenth >= 10)
		return;
	p->last_tenth = tenth;
	fprintf(stderr, "image check: ");
	cli_put_term(stderr, p->path);
	fprintf(stderr, ": %u %% (%" PRIu64 " of %" PRIu64 " bytes)\n",
	    tenth * 10, done, total);
}

static void
print_hash(const char *name, const char *computed, int match,
    const char *stored)
{
	printf(" %s %s (", name, computed);
	if (match == 1)
		printf("matches the acquisition");
	else if (match == 0)
		printf("DIFFERS from the acquisition's %s", stored);
	else
		printf("nothing stored");
	putchar(')');
}

/* Ranges the acquisition could not read: zeros in the image, hashed as
 * stored, so they are named beside the check. */
static void
print_bad_ranges(struct exh_source *src)
{
	size_t i, n = exh_source_bad_range_count(src);
	const struct exh_bad_range *b;

	if (n == 0)
		return;
	printf("  acquisition read errors (zeros in the image, hashed as "
	    "stored): %zu range%s:", n, n == 1 ? "" : "s");
	for (i = 0; i < n && i < 10; i++) {
		b = exh_source_bad_range(src, i);
		printf(" %" PRIu64 "+%" PRIu64, b->offset, b->size);
	}
	printf("%s\n", n > 10 ? " ..." : "");
}

/* Reads the whole logical disk again and compares with what the
 * acquisition stored; the worst outcome goes to o->verify_rc. */
static void
check_image(struct exh_source *src, struct out *o)
{
	const struct exh_image_meta *m = exh_source_image_meta(src);
	struct check_progress p = { exh_source_path(src), 0 };
	struct exh_image_check c;
	struct exh_err err;
	int rc, exit_rc;

	memset(&c, 0, sizeof(c));
	rc = exh_source_verify_image(src, check_progress, &p, NULL, &c, &err);
	if (rc != EXH_OK)
		exit_rc = EXIT_USAGE;
	else if (c.md5_match == 0 || c.sha1_match == 0)
		exit_rc = EXIT_FINDINGS;
	else
		exit_rc = EXIT_CLEAN;
	if (exit_rc == EXIT_USAGE || (exit_rc == EXIT_FINDINGS &&
	    o->verify_rc == EXIT_CLEAN))
		o->verify_rc = exit_rc;
	if (o->json) {
		/* The ranges are the container record's unread_ranges. */
		exh_report_image_check_json(&o->w, &c, m,
		    rc == EXH_OK ? NULL : err.msg);
		return;
	}
	if (rc != EXH_OK) {
		printf("  image check: INCOMPLETE, %" PRIu64 " bytes read: ",
		    c.bytes);
		cli_put_term(stdout, err.msg);
		putchar('\n');
		print_bad_ranges(src);
		return;
	}
	printf("  image check:");
	print_hash("MD5", c.md5, c.md5_match, m != NULL ? m->md5 : "");
	putchar(',');
	print_hash("SHA-1", c.sha1, c.sha1_match, m != NULL ? m->sha1 : "");
	printf(", SHA-256 %s, %" PRIu64 " bytes read\n", c.sha256, c.bytes);
	print_bad_ranges(src);
}

/* The container and the files the logical disk is read from: segments,
 * extents and the parents of a differencing chain with their depth below
 * the image given. */
static void
print_container(struct exh_source *src)
{
	size_t i, n = exh_source_file_count(src);

	printf("  container: ");
	cli_put_term(stdout, exh_source_format(src));
	if (n > 0)
		printf(", %zu file%s", n, n == 1 ? "" : "s");
	putchar('\n');
	for (i = 0; i < n; i++) {
		const struct exh_image_file *f = exh_source_file(src, i);

		printf("  file: %-7s %d ", f->role, f->depth);
		cli_put_term(stdout, f->path);
		printf(" (%" PRIu64 " bytes)\n", f->size);
	}
}

static void
print_source(struct exh_source *src, struct out *o)
{
	const struct exh_ro_state *ro = exh_source_ro_state(src);
	size_t i;

	if (o->json) {
		exh_json_open(&o->w, NULL, '{');
		exh_json_text(&o->w, "path", exh_source_path(src));
		exh_json_uint(&o->w, "size", exh_source_size(src));
		exh_json_text(&o->w, "table", exh_source_table(src));
		exh_json_bool(&o->w, "block_device", ro->is_block_device);
		exh_json_int(&o->w, "ro_before", ro->before);
		exh_json_int(&o->w, "ro_after", ro->after);
		exh_json_text(&o->w, "ro_method", ro->method);
		exh_report_container_json(&o->w, src, NULL);
		exh_json_open(&o->w, "partitions", '[');
	} else {
		cli_put_term(stdout, exh_source_path(src));
		printf(": %" PRIu64 " bytes, %s, read-only: %s\n",
		    exh_source_size(src), exh_source_table(src)[0] ?
		    exh_source_table(src) : "no partition table", ro->method);
		print_container(src);
	}
	for (i = 0; i < exh_source_partition_count(src); i++)
		print_partition(src, exh_source_partition(src, i), o);
	if (o->json)
		exh_json_close(&o->w, ']');
	if (o->verify_image)
		check_image(src, o);
	if (o->json)
		exh_json_close(&o->w, '}');
}

static int
list_given(char **paths, int n, struct out *o)
{
	struct exh_source *src;
	struct exh_err err;
	int i, rc = EXIT_CLEAN;

	for (i = 0; i < n; i++) {
		if (exh_source_open_with(paths[i], &o->opt, &src, &err) !=
		    EXH_OK) {
			cli_error(NULL, &err);
			rc = EXIT_USAGE;
			continue;
		}
		print_source(src, o);
		exh_source_release(src);
	}
	return rc;
}

static int
list_system(struct out *o)
{
	struct exh_disk_info *disks;
	struct exh_err err;
	char boot_id[64];
	size_t i, n;
	int rc = EXIT_CLEAN;

	exh_source_boot_id("/proc/cmdline", boot_id, sizeof(boot_id));
	if (cli_list_disks(boot_id, &disks, &n, &err)) {
		cli_error(NULL, &err);
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		const struct exh_disk_info *d = &disks[i];

		if (!o->json) {
			printf("%s: %s %s, serial %s, %" PRIu64 " bytes, bus %s%s\n",
			    d->dev_path, d->model, "", d->serial, d->size, d->bus,
			    d->is_boot_stick ? ", EXHUME BOOT STICK (not evidence)" :
			    "");
		}
		if (d->is_boot_stick)
			continue;
		if (exh_source_disk_in_use(NULL, d->name)) {
			if (!o->json)
				printf("  in use by the running system "
				    "(mounted): not probed\n");
			continue;
		}
		char *one[1] = { (char *)d->dev_path };

		if (list_given(one, 1, o) != EXIT_CLEAN)
			rc = EXIT_USAGE;
	}
	free(disks);
	return rc;
}

int
cmd_sources(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verify-image", no_argument, NULL, 'V' },
		{ "parent", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char **parents;
	struct out o;
	int c, rc;

	memset(&o, 0, sizeof(o));
	/* Each --parent takes two words at most: argc bounds them. */
	if ((parents = calloc((size_t)argc + 1, sizeof(*parents))) == NULL) {
		cli_warn("sources: out of memory");
		return EXIT_USAGE;
	}
	o.opt.parents = parents;
	exh_json_init(&o.w, &o.buf);

	while ((c = getopt_long(argc, argv, ":jp:", opts, NULL)) != -1) {
		if (c == 'p') {
			parents[o.opt.nparents++] = optarg;
			continue;
		}
		if (c == 'j')
			o.json = true;
		else if (c == 'V')
			o.verify_image = true;
		else {
			free(parents);
			return cli_option_error("sources", c, argv);
		}
	}
	exh_json_open(&o.w, NULL, '[');
	if (optind < argc)
		rc = list_given(argv + optind, argc - optind, &o);
	else
		rc = list_system(&o);
	exh_json_close(&o.w, ']');
	/* A failed open already exits 2; otherwise the image check decides. */
	if (rc == EXIT_CLEAN || o.verify_rc == EXIT_USAGE)
		rc = o.verify_rc;
	if (o.damaged && rc == EXIT_CLEAN)
		rc = EXIT_USAGE;
	if (o.json) {
		if (exh_json_status(&o.w) != EXH_OK) {
			cli_warn("sources: out of memory");
			rc = EXIT_USAGE;
		} else
			printf("%s\n", o.buf.data);
	}
	exh_buf_free(&o.buf);
	free(parents);
	return rc;
}
