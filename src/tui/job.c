/* Long work (scan, bundle, verify) on its own thread, so the UI can redraw and cancel. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tui_int.h"

static void *
job_main(void *arg)
{
	struct tui_job *j = arg;
	char done = 1;
	ssize_t w;

	exh_err_clear(&j->err);
	j->rc = j->fn(j->ctx, &j->err);
	/* The UI waits on this descriptor: one byte says "finished". */
	do
		w = write(j->done_fd[1], &done, 1);
	while (w < 0 && errno == EINTR);
	return NULL;
}

/*
 * Starts j->fn(j->ctx) on a new thread; j->done_fd[0] becomes readable
 * when it returns.  Signals stay blocked on that thread (the mask is
 * inherited), so they reach the UI's signalfd only.
 */
int
tui_job_start(struct tui_job *j)
{
	j->started = false;
	/*
	 * The UI thread keeps calling gettext while the job runs, and
	 * switching the language (setenv, setlocale) under it is not
	 * thread-safe.  Documents the job renders (the bundle's report) are
	 * in the UI's language, so the language is pinned here, on the UI
	 * thread, before the job exists; the job's own switch to that same
	 * language then changes nothing (exh_i18n_set_lang returns early).
	 * gettext itself may run on both threads: it only reads.
	 */
	(void)exh_i18n_set_lang(exh_i18n_lang());
	if (pipe2(j->done_fd, O_CLOEXEC) != 0)
		return EXH_EIO;
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		close(j->done_fd[0]);
		close(j->done_fd[1]);
		return EXH_ENOMEM;
	}
	j->started = true;
	return EXH_OK;
}

/* Waits for the job and releases its descriptors. */
void
tui_job_join(struct tui_job *j)
{
	if (!j->started)
		return;
	(void)pthread_join(j->thread, NULL);
	close(j->done_fd[0]);
	close(j->done_fd[1]);
	j->started = false;
}
