/* exhume verify: checks an evidence bundle with no trust in its writer. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/bundle.h"
#include "cli.h"

static void
report(void *ctx, const char *what, const char *name, const char *detail)
{
	(void)ctx;
	printf("%s: ", what);
	cli_put_term(stdout, name ? name : "");
	if (detail != NULL && *detail != '\0') {
		printf(": ");
		cli_put_term(stdout, detail);
	}
	putchar('\n');
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct exh_verify_result res;
	struct exh_err err;
	char *password = NULL;
	const char *ca = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p') {
			free(password);
			if ((password = cli_read_secret(optarg)) == NULL) {
				cli_warn("%s: cannot read the password file",
				    optarg);
				return EXIT_USAGE;
			}
		} else if (c == 'c')
			ca = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	memset(&res, 0, sizeof(res));
	rc = exh_bundle_verify(argv[optind], password, ca, report, NULL, &res,
	    &err);
	free(password);
	if (rc == EXH_OK) {
		printf("verified: %zu entries match SHA256SUMS and the "
		    "manifest%s%s\n", res.entries,
		    res.side_hash_present ? ", side hash matches" : "",
		    res.signature_present ? ", signature valid" : "");
		return EXIT_CLEAN;
	}
	if (rc == EXH_ECORRUPT) {
		printf("NOT VERIFIED: %zu altered, %zu missing, %zu extra\n",
		    res.altered, res.missing, res.extra);
		return EXIT_FINDINGS;
	}
	cli_error(argv[optind], &err);
	return EXIT_USAGE;
usage:
	free(password);
	fprintf(stderr, "usage: exhume verify BUNDLE.zip [--password-file F] "
	    "[--ca CERT.pem]\n");
	return EXIT_USAGE;
}
