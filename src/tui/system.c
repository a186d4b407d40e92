/* Language, the shell notice, reboot and power off. */
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"

extern char **environ;

/* Every screen is built from _() when shown, so switching is enough. */
void
tui_switch_language(struct tui *t)
{
	(void)t;
	(void)exh_i18n_set_lang(strcmp(exh_i18n_lang(), "de") == 0 ?
	    "en" : "de");
}

static void
run_shell(void)
{
	char *argv[] = { "/bin/sh", "-i", NULL };
	pid_t pid;
	int status;

	newtSuspend();
	printf("%s\n", _("exhume: shell. The evidence disks stay read-only. "
	    "Type exit to return."));
	fflush(stdout);
	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) == 0)
		while (waitpid(pid, &status, 0) < 0)
			;
	(void)newtResume();
}

void
tui_shell_screen(struct tui *t)
{
	const char *text = _(
	    "The server's disks are read-only: exhume marked every one of\n"
	    "them read-only in the kernel before reading it. Keep it so.\n\n"
	    "To look at a volume by hand, mount it read-only and without\n"
	    "replaying its journal, for example:\n\n"
	    "  NTFS:      ntfs-3g -o ro /dev/sda2 /mnt/x\n"
	    "  ext4:      mount -o ro,noload /dev/sdb1 /mnt/x\n"
	    "  others:    mount -o ro /dev/sdc1 /mnt/x\n\n"
	    "Never run fsck, chkdsk, ntfsfix, mdadm or LVM tools on evidence\n"
	    "disks, never use blockdev --setrw on them.\n"
	    "Leave the shell with exit; the UI comes back.\n\n"
	    "Open a shell now?");

	if (tui_ask(t, _("Shell"), text, _("Open shell"), _("Back")))
		run_shell();
}

/* Only after the bundle was written and synced, or on purpose without. */
void
tui_power_screen(struct tui *t, bool reboot)
{
	struct exh_buf b = { 0 };
	const char *title = reboot ? _("Reboot") : _("Power off");

	if (t->bundle_written) {
		tui_para(t, &b, _("The evidence bundle was written and "
		    "synced:\n"), TUI_TEXT_W);
		(void)tui_wrap(t, &b, "  ", t->bundle_path, 60);
		(void)exh_buf_printf(&b, "  SHA-256 %.32s\n          %s\n\n",
		    t->bundle_sha256, t->bundle_sha256 + 32);
		tui_para(t, &b, _("Did you copy the SHA-256 onto the "
		    "chain-of-custody form?\n"), TUI_TEXT_W);
	} else
		tui_para(t, &b, _("NO evidence bundle was written in "
		    "this session.\nEverything found so far is lost.\n"),
		    TUI_TEXT_W);
	(void)exh_buf_puts(&b, reboot ? _("\nReboot now?") :
	    _("\nPower off now?"));
	if (tui_ask(t, title, b.data, title, _("Back"))) {
		t->power = reboot ? 1 : 2;
		t->quit = true;
	}
	exh_buf_free(&b);
}

/*
 * Called after newtFinished.  Only inside the boot image (EXHUME_BOOT_ID
 * set by its /init) does exhume reboot the machine itself; anywhere else
 * it says so and exits, so tests and workstations are left alone.
 */
void
tui_power_now(struct tui *t)
{
	sync();
	if (!t->in_image) {
		printf("exhume: %s\n", t->power == 1 ?
		    _("not started from the boot image; not rebooting") :
		    _("not started from the boot image; not powering off"));
		return;
	}
	if (getenv("EXHUME_EVIDENCE_DIR") != NULL)
		(void)umount(getenv("EXHUME_EVIDENCE_DIR"));
	sync();
	(void)reboot(t->power == 1 ? RB_AUTOBOOT : RB_POWER_OFF);
}
