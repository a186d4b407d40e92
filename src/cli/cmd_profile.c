/* exhume profile: the host and Exchange installation as the disk records them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "cli.h"

int
cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "letter", required_argument, NULL, 'L' },
		{ "parent", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	const struct exh_profile *p;
	struct exh_triage_options to;
	struct exh_triage *t;
	struct exh_buf b = { 0 };
	const char *letters = NULL;
	const char *parents[EXH_TRIAGE_MAX_PATHS];
	size_t nparents = 0;
	bool json = false;
	int c, rc = EXIT_USAGE;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'L')
			letters = optarg;
		else if (c == 'A' && nparents < EXH_TRIAGE_MAX_PATHS)
			parents[nparents++] = optarg;
		else if (c == 'A')
			return cli_usage_error("profile",
			    _("--parent: given too many times"));
		else
			return cli_option_error("profile", c, argv);
	}
	if (optind >= argc)
		return cli_usage_error("profile", _("no SOURCE given"));
	cli_triage_defaults(&to);
	to.letters = letters;
	memcpy(to.parents, parents, nparents * sizeof(parents[0]));
	to.n_parents = nparents;
	/* Nothing is recorded: the image files are not hashed. */
	to.no_image_hash = true;
	if (cli_open_triage(&to, argv + optind, (size_t)(argc - optind),
	    &t) != EXH_OK)
		return EXIT_USAGE;
	if ((p = exh_triage_profile(t)) != NULL &&
	    (json ? exh_report_profile_json(p, &b) :
	    exh_report_profile_text(p, &b)) == EXH_OK) {
		fputs(b.data ? b.data : "", stdout);
		if (json)
			putchar('\n');
		rc = EXIT_CLEAN;
	}
	exh_buf_free(&b);
	exh_triage_destroy(t);
	return rc;
}
