/* Remaining time of a scan phase, by bytes, for every front end. */
#include <stdio.h>
#include <string.h>

#include "exhume/scan.h"

void
exh_scan_eta_init(struct exh_scan_eta *e)
{
	memset(e, 0, sizeof(*e));
}

/*
 * A new phase (another name, another byte total, or fewer bytes than
 * before: the next volume) restarts the estimate: the first phase of a
 * run says nothing about the speed of the next.
 */
void
exh_scan_eta_update(struct exh_scan_eta *e, const struct exh_scan_progress *p,
    double now)
{
	const char *phase = p->phase != NULL ? p->phase : "";

	if (strncmp(e->phase, phase, sizeof(e->phase)) != 0 ||
	    e->total != p->bytes_total || p->bytes_done < e->done) {
		(void)snprintf(e->phase, sizeof(e->phase), "%s", phase);
		e->total = p->bytes_total;
		e->start = now;
		e->start_bytes = p->bytes_done;
	}
	e->now = now;
	e->done = p->bytes_done;
}

static bool
has_estimate(const struct exh_scan_eta *e)
{
	uint64_t seen;

	if (e->total == 0 || strcmp(e->phase, "counting") == 0 ||
	    strcmp(e->phase, "done") == 0 || e->done <= e->start_bytes)
		return false;
	seen = e->done - e->start_bytes;
	return exh_scan_eta_elapsed(e) >= EXH_SCAN_ETA_MIN_SECS &&
	    (double)seen * 1000 >= (double)e->total *
	    EXH_SCAN_ETA_MIN_PERMILLE;
}

double
exh_scan_eta_left(const struct exh_scan_eta *e)
{
	double rate;

	if (!has_estimate(e))
		return -1;
	if (e->done >= e->total)
		return 0;
	rate = exh_scan_eta_rate(e);
	return rate > 0 ? (double)(e->total - e->done) / rate : -1;
}

double
exh_scan_eta_rate(const struct exh_scan_eta *e)
{
	double secs = exh_scan_eta_elapsed(e);

	if (secs <= 0 || e->done <= e->start_bytes)
		return 0;
	return (double)(e->done - e->start_bytes) / secs;
}

double
exh_scan_eta_elapsed(const struct exh_scan_eta *e)
{
	return e->now > e->start ? e->now - e->start : 0;
}
