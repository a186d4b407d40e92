/* progress-run: runs a triage on images and says on which threads progress and notes arrived (test driver). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/triage.h"

struct seen {
	pthread_t caller;
	unsigned calls, elsewhere, notes, notes_elsewhere;
	char phases[256];	/* each new phase once, in order */
	const char *last;
};

static void
on_progress(void *ctx, const struct exh_scan_progress *p)
{
	struct seen *s = ctx;
	size_t n;

	s->calls++;
	if (!pthread_equal(pthread_self(), s->caller))
		s->elsewhere++;
	if (p->phase != NULL && (s->last == NULL ||
	    strcmp(s->last, p->phase) != 0)) {
		n = strlen(s->phases);
		snprintf(s->phases + n, sizeof(s->phases) - n, "%s%s",
		    n > 0 ? " " : "", p->phase);
		s->last = p->phase;
	}
}

static void
on_note(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	(void)msg;
	s->notes++;
	if (!pthread_equal(pthread_self(), s->caller))
		s->notes_elsewhere++;
}

int
main(int argc, char **argv)
{
	struct exh_triage_options o;
	struct exh_triage *t;
	struct exh_err err;
	struct seen s;
	const char *rules = getenv("EXHUME_RULES_DIR");
	int a = 1;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
		o.threads = (unsigned)strtoul(argv[2], NULL, 10);
		a = 3;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: progress-run [--threads N] IMAGE...\n");
		return 2;
	}
	s.caller = pthread_self();
	o.rules_dir = rules != NULL ? rules : EXH_RULES_DIR;
	o.progress = on_progress;
	o.note = on_note;
	o.ctx = &s;
	if (exh_triage_create(&o, &t, &err) != EXH_OK ||
	    exh_triage_load_rules(t, &err) != EXH_OK ||
	    exh_triage_open(t, argv + a, (size_t)(argc - a), &err) != EXH_OK ||
	    exh_triage_run(t, &err) != EXH_OK) {
		fprintf(stderr, "progress-run: %s\n", err.msg);
		return 1;
	}
	exh_triage_destroy(t);
	printf("progress calls: %u, on other threads: %u\n", s.calls,
	    s.elsewhere);
	printf("notes: %u, on other threads: %u\n", s.notes,
	    s.notes_elsewhere);
	printf("phases: %s\n", s.phases);
	return 0;
}
