/* Exposure windows: when the host ran a build exposed to an exploited CVE. */
#include <stdio.h>
#include <string.h>

#include "host_int.h"

/* "YYYY-MM-DD" or "YYYY-MM" (day unknown: the first) to FILETIME, 0 if
 * neither. */
static int64_t
day_to_filetime(const char *day)
{
	char iso[32];
	int64_t t;
	int n;

	if (strlen(day) == 7)
		n = snprintf(iso, sizeof(iso), "%s-01T00:00:00Z", day);
	else
		n = snprintf(iso, sizeof(iso), "%sT00:00:00Z", day);
	if (n < 0 || (size_t)n >= sizeof(iso) ||
	    exh_iso_to_filetime(iso, &t) != EXH_OK)
		return 0;
	return t;
}

/* Start of cv's exposure, 0 when it was never known to be exploited. */
static int64_t
cve_start(const struct exh_cve_verdict *cv, bool *published)
{
	int64_t t;

	*published = false;
	if (cv->exploited_since != NULL && cv->exploited_since[0] != '\0' &&
	    (t = day_to_filetime(cv->exploited_since)) != 0)
		return t;
	/* Listed as exploited, first exploitation unknown: the day it was
	 * published is the earliest attackers are known to have had it. */
	if (cv->kev == NULL || cv->kev[0] == '\0' || cv->published == NULL)
		return 0;
	*published = true;
	return day_to_filetime(cv->published);
}

static void
add_cve_name(struct exh_exposure_window *w, const char *cve)
{
	size_t len = strlen(w->cves), need = strlen(cve) + 1;

	if (strstr(w->cves, ",...") != NULL)
		return;
	if (len + need + 4 >= sizeof(w->cves)) {
		(void)snprintf(w->cves + len, sizeof(w->cves) - len, ",...");
		return;
	}
	(void)snprintf(w->cves + len, sizeof(w->cves) - len, "%s%s",
	    len > 0 ? "," : "", cve);
}

static struct exh_exposure_window *
window_for(const char *group, struct exh_exposure_window *out, size_t *n,
    size_t max)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(out[i].group, group) == 0)
			return &out[i];
	if (*n == max)
		return NULL;
	memset(&out[*n], 0, sizeof(out[*n]));
	(void)snprintf(out[*n].group, sizeof(out[*n].group), "%s", group);
	return &out[(*n)++];
}

static void
merge(struct exh_exposure_window *w, const struct exh_cve_verdict *cv,
    int64_t start, bool published)
{
	bool fresh = w->start == 0;

	if (fresh || start < w->start) {
		w->start = start;
		w->start_published = published;
	}
	if (cv->verdict == EXH_VERDICT_VULNERABLE) {
		w->open = true;
		w->end = 0;
	} else if (!w->open && cv->fix_installed > w->end)
		w->end = cv->fix_installed;
	add_cve_name(w, cv->cve);
}

static void
sort_by_start(struct exh_exposure_window *w, size_t n)
{
	struct exh_exposure_window tmp;
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && w[j].start < w[j - 1].start; j--) {
			tmp = w[j];
			w[j] = w[j - 1];
			w[j - 1] = tmp;
		}
}

size_t
exh_exposure_windows(const struct exh_cve_verdict *cves, size_t n,
    struct exh_exposure_window *out, size_t max)
{
	struct exh_exposure_window *w;
	size_t i, nout = 0;
	int64_t start;
	bool published;

	for (i = 0; cves != NULL && out != NULL && i < n; i++) {
		const struct exh_cve_verdict *cv = &cves[i];

		if ((start = cve_start(cv, &published)) == 0)
			continue;
		if (cv->verdict != EXH_VERDICT_VULNERABLE &&
		    !(cv->verdict == EXH_VERDICT_FIXED &&
		    cv->fix_installed > start))
			continue;
		w = window_for(cv->group != NULL && cv->group[0] != '\0' ?
		    cv->group : cv->cve, out, &nout, max);
		if (w != NULL)
			merge(w, cv, start, published);
	}
	sort_by_start(out, nout);
	return nout;
}
