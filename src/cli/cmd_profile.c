/* exhume profile: the host and Exchange installation as the disk records them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/hive.h"
#include "cli.h"

int
cli_build_profile(struct cli_volumes *cv, struct exh_profile **out)
{
	struct exh_volume **vols;
	struct exh_err err;
	size_t i;
	int rc;

	if ((vols = calloc(cv->nvols ? cv->nvols : 1, sizeof(*vols))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < cv->nvols; i++)
		vols[i] = cv->vols[i].vol;
	rc = exh_profile_build(vols, cv->nvols, cli_rules_dir(), out, &err);
	free(vols);
	if (rc != EXH_OK)
		cli_error("host profile", &err);
	return rc;
}

int
cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "letter", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct exh_profile *p = NULL;
	struct exh_buf b = { 0 };
	struct cli_volumes cv;
	const char *letters = NULL;
	bool json = false;
	int c, rc = EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'L')
			letters = optarg;
		else
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	if (cli_open_volumes(argv + optind, (size_t)(argc - optind), 0,
	    letters, &cv) != EXH_OK || cv.nvols == 0) {
		if (cv.nvols == 0)
			cli_warn("no NTFS volume found");
		cli_close_volumes(&cv);
		return EXIT_USAGE;
	}
	if (cli_build_profile(&cv, &p) == EXH_OK &&
	    (json ? exh_profile_to_json(p, &b) : exh_profile_to_text(p, &b)) ==
	    EXH_OK) {
		fputs(b.data ? b.data : "", stdout);
		if (json)
			putchar('\n');
		rc = EXIT_CLEAN;
	}
	exh_buf_free(&b);
	exh_profile_free(p);
	cli_close_volumes(&cv);
	return rc;
usage:
	fprintf(stderr, "usage: exhume profile SOURCE... [--json] "
	    "[--letter N=X,...]\n");
	return EXIT_USAGE;
}
