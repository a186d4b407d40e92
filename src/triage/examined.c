/* Never a silent "clean": each volume on which nothing was examined, and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_int.h"

/* Why nothing was examined on tv, malloc'd. */
static char *
volume_why(const struct exh_triage *t, const struct triage_volume *tv,
    const struct exh_volume *sys)
{
	const char *logs = t->opt.no_logs ? "; log analysis not run "
	    "(--no-logs)" : "";
	unsigned long long seen = tv->seen;
	char *why = NULL;
	int n;

	if (tv->why != NULL)
		n = asprintf(&why, "%s%s", tv->why, logs);
	else if (seen > 0)
		n = asprintf(&why, "%llu stream%s met in its %s, none could "
		    "be read%s", seen, seen == 1 ? "" : "s", t->opt.full ?
		    "walk" : "scope", logs);
	else if (t->opt.full)
		n = asprintf(&why, "walked whole (--full): it holds no file "
		    "stream%s", logs);
	else if (tv->nroots > 0)
		n = asprintf(&why, "%zu %s%s %s hold%s no file and no log "
		    "was found there%s", tv->nroots, tv->structure_depth > 0 ?
		    "web root" : "scope folder", tv->nroots == 1 ? "" : "s",
		    tv->structure_depth > 0 ? "found by structure" : "on it",
		    tv->nroots == 1 ? "s" : "", logs);
	else if (tv->vol == sys)
		n = asprintf(&why, "system volume, but none of its scope "
		    "folders (Exchange, web roots, staging folders) exists "
		    "and no log was found%s; --full walks it whole", logs);
	else
		n = asprintf(&why, "no scope root on it and no web root found "
		    "by structure (rules/scope.txt) within %d directory "
		    "levels%s; --full walks it whole", tv->structure_depth,
		    logs);
	return n < 0 ? NULL : why;
}

/* "C: (partition 1 of disk.img)" for the notes. */
static int
volume_name(const struct triage_volume *tv, struct exh_buf *b)
{
	return exh_buf_printf(b, "%c: (partition %d of %s)",
	    exh_volume_info(tv->vol)->letter, tv->part,
	    exh_source_path(tv->src));
}

/* The reason for the whole run: every volume's, and what was missing on
 * all of them. */
static int
run_why(struct exh_triage *t, const struct exh_volume *sys)
{
	struct exh_buf b = { 0 };
	size_t i;
	int rc = EXH_OK;

	if (sys == NULL)
		rc = exh_buf_puts(&b, "no volume holds \\Windows\\System32"
		    "\\config\\SYSTEM; ");
	for (i = 0; i < t->nvols && rc == EXH_OK; i++) {
		if (i > 0)
			rc = exh_buf_puts(&b, "; ");
		if (rc == EXH_OK && t->nvols > 1)
			rc = volume_name(&t->vols[i], &b);
		if (rc == EXH_OK && t->nvols > 1)
			rc = exh_buf_puts(&b, ": ");
		if (rc == EXH_OK)
			rc = exh_buf_puts(&b, t->vols[i].why);
	}
	if (rc != EXH_OK) {
		exh_buf_free(&b);
		return rc;
	}
	t->nothing_examined = exh_buf_take(&b);
	return EXH_OK;
}

int
triage_examined(struct exh_triage *t, const struct exh_volume *sys)
{
	struct exh_buf name = { 0 };
	size_t i, nothing = 0;
	char *why;

	for (i = 0; i < t->nvols; i++) {
		struct triage_volume *tv = &t->vols[i];

		if (tv->examined > 0 || tv->logs > 0) {
			free(tv->why);
			tv->why = NULL;
			continue;
		}
		if ((why = volume_why(t, tv, sys)) == NULL)
			return EXH_ENOMEM;
		free(tv->why);
		tv->why = why;
		nothing++;
	}
	if (t->nvols > 0 && nothing == t->nvols) {
		if (run_why(t, sys) != EXH_OK)
			return EXH_ENOMEM;
		triage_note(t, "nothing examined: %s", t->nothing_examined);
		return EXH_OK;
	}
	for (i = 0; i < t->nvols; i++) {
		if (t->vols[i].why == NULL)
			continue;
		exh_buf_reset(&name);
		if (volume_name(&t->vols[i], &name) != EXH_OK) {
			exh_buf_free(&name);
			return EXH_ENOMEM;
		}
		triage_note(t, "%s: nothing examined: %s", name.data,
		    t->vols[i].why);
	}
	exh_buf_free(&name);
	return EXH_OK;
}
