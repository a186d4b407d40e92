/* What survives of deleted files: scanned per volume, counted on the record. */
#include <string.h>

#include "triage_int.h"

/*
 * The deleted records in the run's scope (every root scanned, on any
 * volume: a root names its drive) and under the web folders; --full takes
 * them all.  Sequential per volume on the scan's worker pool: the walk of
 * $MFT is one pass on the calling thread and feeds the workers, like the
 * live walk.  Without progress reports: the front ends show the live
 * scan's phases and totals.
 */
int
triage_deleted_content(struct exh_triage *t, struct exh_volume *vol,
    const struct exh_scan_options *so, char *const *web, size_t nweb,
    struct exh_err *err)
{
	struct exh_scan_deleted_result r;
	struct exh_scan_options quiet = *so;
	char **roots = NULL, letter = exh_volume_info(vol)->letter;
	size_t i, nroots = 0;
	int rc = EXH_OK;

	for (i = 0; i < t->nscope && rc == EXH_OK; i++)
		rc = exh_strvec_push(&roots, &nroots, t->scope[i]);
	for (i = 0; i < nweb && rc == EXH_OK; i++)
		rc = exh_strvec_push(&roots, &nroots, web[i]);
	if (rc != EXH_OK) {
		exh_strvec_free(roots, nroots);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	/* Progress stays the live scan's: its phases and totals are what the
	 * front ends show and check. */
	quiet.progress = NULL;
	rc = exh_scan_deleted(vol, (const char *const *)roots, nroots,
	    t->opt.full, &quiet, t->fs, &r, err);
	exh_strvec_free(roots, nroots);
	if (rc != EXH_OK && rc != EXH_STOP)
		return exh_err_prefix(err, "volume %c: deleted content",
		    letter);
	triage_note(t, "deleted content: volume %c: %llu deleted files in "
	    "scope%s: %llu scanned (%llu resident, %llu on free clusters, "
	    "may be partial), %llu overwritten (not scanned), %llu without "
	    "data, %llu unknown, %llu skipped (compressed, encrypted, "
	    "unreadable or too large); %llu findings", letter,
	    (unsigned long long)r.in_scope, t->opt.full ? " (--full: all)" :
	    "", (unsigned long long)r.scanned,
	    (unsigned long long)r.resident, (unsigned long long)r.free,
	    (unsigned long long)r.overwritten, (unsigned long long)r.no_data,
	    (unsigned long long)r.unknown, (unsigned long long)r.refused,
	    (unsigned long long)r.findings);
	return rc;
}
