/* FILETIME conversions: NTFS, the registry and event logs count 100 ns from 1601. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exhume/core.h"

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* FILETIME counts from 1601; the Unix epoch is a whole number of seconds
 * after it, so both conversions can work in whole seconds and never
 * overflow, whatever 64-bit value a hostile record holds. */
#define TICKS_PER_SEC 10000000
#define EPOCH_SECS (EXH_FILETIME_UNIX_EPOCH / TICKS_PER_SEC)

int64_t
exh_filetime_to_unix(int64_t ft)
{
	return floor_div(ft, TICKS_PER_SEC) - EPOCH_SECS;
}

int64_t
exh_unix_to_filetime(int64_t secs)
{
	int64_t ticks;

	if (secs > INT64_MAX / TICKS_PER_SEC - EPOCH_SECS)
		return INT64_MAX;
	if (secs < INT64_MIN / TICKS_PER_SEC)
		return INT64_MIN;
	ticks = secs * TICKS_PER_SEC;
	return ticks + EXH_FILETIME_UNIX_EPOCH;
}

const char *
exh_filetime_iso(int64_t ft, char buf[32])
{
	int64_t secs, frac;
	time_t t;
	struct tm tm;

	buf[0] = '\0';
	if (ft == 0)
		return buf;
	secs = exh_filetime_to_unix(ft);
	frac = ft - floor_div(ft, TICKS_PER_SEC) * TICKS_PER_SEC;
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
	    tm.tm_year < 1601 - 1900)
		return buf;
	if (snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)frac) >= 32)
		buf[0] = '\0';
	return buf;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int
exh_iso_to_filetime(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, scale = 1000000;
	struct tm tm;
	time_t t;
	const char *p;

	if (strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return EXH_EUSAGE;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 9 || !digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi) || p[6] != ':' ||
		    !digits(p + 7, 2, &sec))
			return EXH_EUSAGE;
		p += 9;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		}
		if (*p == 'Z')
			p++;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return EXH_EUSAGE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = exh_unix_to_filetime((int64_t)t) + frac;
	return EXH_OK;
}

int64_t
exh_mono_ns_since(const struct timespec *then, struct timespec *now)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (now != NULL)
		*now = ts;
	return (int64_t)(ts.tv_sec - then->tv_sec) * 1000000000LL +
	    (ts.tv_nsec - then->tv_nsec);
}
