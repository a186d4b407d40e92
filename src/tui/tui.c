/* exhume tui: set-up (signals, state, screen), the main menu, tear-down. */
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"

/* ---- set-up and tear-down ----------------------------------------- */

static int
block_signals(struct tui *t)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	/* Threads started later (scan workers) inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	t->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return t->sigfd < 0 ? -1 : 0;
}

static void
set_cache_dir(struct tui *t)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	t->cache_dir[0] = '\0';
	if (xdg != NULL && *xdg == '/')
		n = tui_printf(t->cache_dir, sizeof(t->cache_dir), "%s/exhume",
		    xdg);
	else if (home != NULL && *home == '/')
		n = tui_printf(t->cache_dir, sizeof(t->cache_dir),
		    "%s/.cache/exhume", home);
	else
		return;
	if (n < 0 || (size_t)n >= sizeof(t->cache_dir) ||
	    (mkdir(t->cache_dir, 0700) != 0 && errno != EEXIST))
		t->cache_dir[0] = '\0';
}

static void
init_state(struct tui *t, int argc, char **argv)
{
	const char *env;

	memset(t, 0, sizeof(*t));
	t->sigfd = -1;
	t->given = argv;
	t->ngiven = (size_t)argc;
	t->kind_filter = -1;
	t->min_level = EXH_LEVEL_NOTICE;
	env = getenv("EXHUME_BOOT_ID");
	t->in_image = env != NULL;	/* the image exports it, maybe empty */
	tui_printf(t->boot_id, sizeof(t->boot_id), "%s", env ? env : "");
	if (t->boot_id[0] == '\0')
		exh_source_boot_id("/proc/cmdline", t->boot_id,
		    sizeof(t->boot_id));
	t->boot_disk = getenv("EXHUME_BOOT_DISK");
	t->firmware_notes = getenv("EXHUME_FIRMWARE_NOTES");
	env = getenv("EXHUME_EVIDENCE_DIR");
	tui_printf(t->evidence_dir, sizeof(t->evidence_dir), "%s",
	    env ? env : "");
	set_cache_dir(t);
}

static void
free_state(struct tui *t)
{
	exh_triage_destroy(t->triage);
	t->triage = NULL;
	tui_scan_free(t);
	tui_free_sources(t);
	if (t->sigfd >= 0)
		close(t->sigfd);
}

int
cmd_tui(int argc, char **argv)
{
	struct tui t;

	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: exhume tui [SOURCE...]\n");
		return TUI_EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "exhume tui: needs a terminal\n");
		return TUI_EXIT_USAGE;
	}
	init_state(&t, argc - 1, argv + 1);
	if (block_signals(&t) != 0) {
		fprintf(stderr, "exhume tui: cannot set up signals\n");
		return TUI_EXIT_USAGE;
	}
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (newtInit() != 0) {
		fprintf(stderr, "exhume tui: cannot start the screen "
		    "(TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		free_state(&t);
		return TUI_EXIT_USAGE;
	}
	newtCls();
	(void)tui_probe_sources(&t);
	tui_main_menu(&t);
	newtFinished();
	free_state(&t);
	if (t.power != 0)
		tui_power_now(&t);
	return TUI_EXIT_CLEAN;
}
