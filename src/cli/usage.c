/* Each command's usage, --help, and the messages for bad options and values. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct usage {
	const char *cmd;
	const char *text;	/* after "usage: " */
};

/* The synopses of exhume(8); keep them in step with it. */
static const struct usage usages[] = {
	{ "sources", "exhume sources [--json] [--parent FILE]... "
	    "[--verify-image] [SOURCE...]\n" },
	{ "files", "exhume files SOURCE... [--volume N] [--letter N=X,...] "
	    "(--bodyfile | --jsonl) [--hash]\n"
	    "                   [--max-size BYTES] [--parent FILE]...\n"
	    "       exhume files SOURCE [--volume N] --snapshot K "
	    "(--bodyfile | --jsonl) [--hash]\n"
	    "       exhume files SOURCE... [--volume N] --usn [--jsonl]\n"
	    "       exhume files SOURCE... [--volume N] --deleted "
	    "(--bodyfile | --jsonl [--hash])\n" },
	{ "scan", "exhume scan SOURCE... [--volume N] [--letter N=X,...] "
	    "[--rules PATH]...\n"
	    "                   [--iocs PATH]... [--no-default-rules] [--full] "
	    "[--threads N]\n"
	    "                   [--no-prefilter] [--no-logs] [--no-history] "
	    "[--no-snapshots]\n"
	    "                   [--quiet | --progress live|lines|none]\n"
	    "                   [--parent FILE]... [--no-image-hash] "
	    "[--verify-image]\n"
	    "                   [--max-size BYTES] [--out DIR [--force]] "
	    "[--format text|jsonl]\n"
	    "                   [--lang de|en] [--case ID] [--evidence ID] "
	    "[--examiner NAME] [--notes TEXT]\n"
	    "                   [--aware-since TIME] [--measures TEXT] "
	    "[--data-categories TEXT]\n"
	    "                   [--bundle PATH.zip [--zip-password-file F] "
	    "[--max-collect BYTES|fit]\n"
	    "                    [--encrypt-to CERT.pem]... "
	    "[--sign KEY.pem --cert CERT.pem\n"
	    "                     [--sign-password-file F]]]\n" },
	{ "profile", "exhume profile SOURCE... [--json] [--letter N=X,...]\n"
	    "                   [--parent FILE]...\n" },
	{ "auto", "exhume auto --evidence-dir DIR [--case ID] "
	    "[--examiner NAME] [--boot-id XXXX-XXXX]\n"
	    "                   [--source PATH]... [--parent FILE]... "
	    "[--no-image-hash] [--verify-image]\n"
	    "                   [--no-snapshots]\n" },
	{ "verify", "exhume verify BUNDLE.zip [--password-file F] "
	    "[--ca CERT.pem]\n" },
	{ "tui", "exhume tui [SOURCE...]\n" },
};

static const struct usage *
find(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		if (strcmp(usages[i].cmd, cmd) == 0)
			return &usages[i];
	return NULL;
}

bool
cli_wants_help(int argc, char **argv)
{
	int i;

	/* After "--" everything is an operand, even "--help". */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int
cli_usage(const char *cmd, bool help)
{
	const struct usage *u = find(cmd);
	FILE *fp = help ? stdout : stderr;

	if (u == NULL)
		return EXIT_USAGE;
	fprintf(fp, "%s %s", _("usage:"), u->text);
	if (help)
		fputs(_("See exhume(8) for every option and the exit status.\n"),
		    fp);
	return help ? EXIT_CLEAN : EXIT_USAGE;
}

/* The pointer to "--help" for the command, in the language in effect. */
static void
see_help(const char *cmd)
{
	fputs("exhume: ", stderr);
	fprintf(stderr, _("see: exhume %s --help"), cmd);
	fputc('\n', stderr);
}

int
cli_usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "exhume: %s\n", msg);
	see_help(cmd);
	return EXIT_USAGE;
}

int
cli_bad_value(const char *cmd, const char *opt, const char *value,
    const char *what, const char *accepted)
{
	fprintf(stderr, "exhume: %s: ", opt);
	cli_put_term(stderr, value);
	fprintf(stderr, " %s (%s)\n", what, accepted);
	see_help(cmd);
	return EXIT_USAGE;
}

int
cli_option_error(const char *cmd, int c, char **argv)
{
	/* getopt has moved past the option it could not take. */
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	fputs("exhume: ", stderr);
	cli_put_term(stderr, arg);
	fputs(": ", stderr);
	if (c == ':')
		fputs(_("needs a value"), stderr);
	else
		fprintf(stderr, _("not an option of exhume %s"), cmd);
	fputc('\n', stderr);
	see_help(cmd);
	return EXIT_USAGE;
}

bool
cli_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}
