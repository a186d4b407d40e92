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

/* The signature line: who signed, and whether a CA vouched for it. */
static void
put_signature(const struct exh_verify_result *res, const char *ca)
{
	if (!res->signature_present) {
		printf("%s\n", _("signature: none (the bundle is not signed)"));
		return;
	}
	printf("%s ", _("signature by"));
	cli_put_term(stdout, res->signer[0] != '\0' ? res->signer :
	    _("(no signer certificate)"));
	if (res->signature_trusted) {
		printf(", %s ", _("valid, trusted by CA"));
		cli_put_term(stdout, ca);
	} else if (res->signature_ok)
		printf(", %s", _("valid but not checked against a CA: any key "
		    "can make such a signature; give --ca CERT.pem"));
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

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'p') {
			free(password);
			if ((password = cli_read_secret(optarg)) == NULL) {
				cli_warn(_("%s: cannot read the password file"),
				    optarg);
				return EXIT_USAGE;
			}
		} else if (c == 'c')
			ca = optarg;
		else {
			free(password);
			return cli_option_error("verify", c, argv);
		}
	}
	if (optind != argc - 1) {
		free(password);
		return cli_usage_error("verify", optind >= argc ?
		    _("no BUNDLE.zip given") : _("one BUNDLE.zip at a time"));
	}
	memset(&res, 0, sizeof(res));
	rc = exh_bundle_verify(argv[optind], password, ca, report, NULL, &res,
	    &err);
	free(password);
	if (rc == EXH_OK || rc == EXH_ECORRUPT)
		put_signature(&res, ca);
	if (rc == EXH_OK) {
		printf(_("verified: %zu entries match SHA256SUMS and the "
		    "manifest%s\n"), res.entries, res.side_hash_present ?
		    _(", side hash matches") : "");
		/* Unchanged (0) only when trusted or unsigned: a signature
		 * nobody vouched for must not read as one. */
		return res.signature_present && !res.signature_trusted ?
		    EXIT_PARTIAL : EXIT_CLEAN;
	}
	if (rc == EXH_ECORRUPT) {
		printf(_("NOT VERIFIED: %zu altered, %zu missing, %zu extra\n"),
		    res.altered, res.missing, res.extra);
		return EXIT_FINDINGS;
	}
	cli_error(NULL, &err);	/* it names the bundle */
	return EXIT_USAGE;
}
