/* exhume sources: what can be triaged, and in which state. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct out {
	bool json;
	bool first;
};

static void
json_str(const char *key, const char *v, bool comma)
{
	struct exh_buf b = { 0 };

	if (exh_esc_json(&b, v ? v : "", v ? strlen(v) : 0) != EXH_OK) {
		exh_buf_free(&b);
		return;
	}
	printf("%s\"%s\":\"%s\"", comma ? "," : "", key, b.data ? b.data : "");
	exh_buf_free(&b);
}

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
			json_str("ntfs_error", err.msg, true);
		else {
			printf("      cannot open NTFS: ");
			cli_put_term(stdout, err.msg);
			putchar('\n');
		}
		return;
	}
	vi = exh_volume_info(vol);
	if (o->json) {
		json_str("ntfs_serial", vi->serial, true);
		json_str("ntfs_label", vi->label, true);
		printf(",\"dirty\":%s,\"hibernated\":%s,\"system\":%s",
		    vi->dirty ? "true" : "false",
		    vi->hibernated ? "true" : "false",
		    exh_volume_is_system(vol) ? "true" : "false");
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
	}
	exh_volume_close(vol);
}

static void
print_partition(struct exh_source *src, const struct exh_partition *p,
    struct out *o, bool comma)
{
	if (o->json) {
		printf("%s{\"number\":%d,\"offset\":%" PRIu64 ",\"size\":%" PRIu64,
		    comma ? "," : "", p->number, p->offset, p->size);
		json_str("table_type", p->table_type, true);
		json_str("name", p->part_name, true);
		printf(",\"fs\":\"%s\"", exh_fs_kind_name(p->fs));
		json_str("fs_type", p->fs_type, true);
		json_str("label", p->label, true);
		json_str("uuid", p->uuid, true);
		printf(",\"bitlocker\":%s,\"dynamic_disk\":%s",
		    p->fs == EXH_FS_BITLOCKER ? "true" : "false",
		    p->dynamic_disk ? "true" : "false");
		json_str("note", p->note, true);
		print_volume_state(src, p, o);
		putchar('}');
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
}

static void
print_source(struct exh_source *src, struct out *o)
{
	const struct exh_ro_state *ro = exh_source_ro_state(src);
	size_t i;

	if (o->json) {
		printf("%s{", o->first ? "" : ",");
		json_str("path", exh_source_path(src), false);
		printf(",\"size\":%" PRIu64, exh_source_size(src));
		json_str("table", exh_source_table(src), true);
		printf(",\"block_device\":%s,\"ro_before\":%d,\"ro_after\":%d",
		    ro->is_block_device ? "true" : "false", ro->before,
		    ro->after);
		json_str("ro_method", ro->method, true);
		printf(",\"partitions\":[");
	} else {
		cli_put_term(stdout, exh_source_path(src));
		printf(": %" PRIu64 " bytes, %s, read-only: %s\n",
		    exh_source_size(src), exh_source_table(src)[0] ?
		    exh_source_table(src) : "no partition table", ro->method);
	}
	for (i = 0; i < exh_source_partition_count(src); i++)
		print_partition(src, exh_source_partition(src, i), o, i > 0);
	if (o->json)
		printf("]}");
	o->first = false;
}

static int
list_given(char **paths, int n, struct out *o)
{
	struct exh_source *src;
	struct exh_err err;
	int i, rc = EXIT_CLEAN;

	for (i = 0; i < n; i++) {
		if (exh_source_open(paths[i], &src, &err) != EXH_OK) {
			cli_error(NULL, &err);
			rc = EXIT_USAGE;
			continue;
		}
		print_source(src, o);
		exh_source_close(src);
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
		{ NULL, 0, NULL, 0 },
	};
	struct out o = { false, true };
	int c, rc;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j') {
			fprintf(stderr, "usage: exhume sources [--json] "
			    "[SOURCE...]\n");
			return EXIT_USAGE;
		}
		o.json = true;
	}
	if (o.json)
		putchar('[');
	if (optind < argc)
		rc = list_given(argv + optind, argc - optind, &o);
	else
		rc = list_system(&o);
	if (o.json)
		printf("]\n");
	return rc;
}
