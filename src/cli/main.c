/* exhume: read-only triage of Exchange servers from disks and disk images. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cli.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: exhume sources [--json] [--parent FILE]... [SOURCE...]\n"
	    "       exhume files SOURCE... [--volume N] [--letter N=X,...]\n"
	    "                    (--bodyfile | --jsonl) [--hash]\n"
	    "       exhume files SOURCE... [--volume N] --usn [--jsonl]\n"
	    "       exhume scan SOURCE... [--volume N] [--letter N=X,...]\n"
	    "                   [--rules PATH]... [--iocs PATH]... "
	    "[--no-default-rules]\n"
	    "                   [--full] [--threads N] [--max-size BYTES] "
	    "[--out DIR]\n"
	    "                   [--format text|jsonl] [--lang de|en] [--case ID]"
	    " [--evidence ID]\n"
	    "                   [--examiner NAME] [--notes TEXT] "
	    "[--bundle PATH.zip [--zip-password-file F]\n"
	    "                    [--max-collect BYTES|fit] [--encrypt-to CERT]... "
	    "[--sign KEY --cert CERT]]\n"
	    "       exhume profile SOURCE... [--json] [--letter N=X,...]\n"
	    "       exhume auto --evidence-dir DIR [--case ID] [--examiner NAME]"
	    " [--boot-id ID]\n"
	    "                   [--source PATH]...\n"
	    "       exhume verify BUNDLE.zip [--password-file F] [--ca CERT.pem]\n"
	    "       exhume tui [SOURCE...]\n"
	    "       exhume --version\n"
	    "SOURCE is a block device or a raw image of a disk or partition.\n"
	    "See exhume(8).\n");
}

struct command {
	const char *name;
	int (*run)(int, char **);
};

static const struct command commands[] = {
	{ "sources", cmd_sources },
	{ "files", cmd_files },
	{ "verify", cmd_verify },
	{ "profile", cmd_profile },
	{ "auto", cmd_auto },
	{ "scan", cmd_scan },
	{ "tui", cmd_tui },
};

/*
 * The CLI speaks the report's language: --lang anywhere on the command
 * line, else LANGUAGE, LC_ALL, LC_MESSAGES or LANG (exh_i18n_lang), so
 * that even a usage error before --lang is parsed comes out in it.  A
 * value that is not a language is left to the command to name.
 */
static void
pick_language(int argc, char **argv)
{
	const char *lang = exh_i18n_lang();
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	if (exh_i18n_set_lang(lang) != EXH_OK)
		(void)exh_i18n_set_lang(exh_i18n_lang());
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* On a console, no arguments mean the menu UI. */
		exh_i18n_init();
		xmlInitParser();
		return cmd_tui(1, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("exhume %s\n", EXH_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	exh_i18n_init();
	/* The menu UI keeps its own language switch. */
	if (strcmp(argv[1], "tui") != 0)
		pick_language(argc, argv);
	/* libxml2 initialises lazily, which is not thread-safe. */
	xmlInitParser();
	/* The commands name a bad option themselves (cli_option_error). */
	opterr = 0;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1))
			return cli_usage(commands[i].name, true);
		return commands[i].run(argc - 1, argv + 1);
	}
	fputs("exhume: ", stderr);
	cli_put_term(stderr, argv[1]);
	fprintf(stderr, ": %s\n", _("not an exhume command"));
	usage(stderr);
	return EXIT_USAGE;
}
