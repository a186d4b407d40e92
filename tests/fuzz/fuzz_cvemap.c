/*
 * libFuzzer: the Exchange update table (rules/exchange-updates.tsv) and the
 * per-CVE verdicts it gives.  A rule file is trusted less than code: a
 * damaged or hostile table must be refused or judged from, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Builds on every line, below, inside and above the table's CUs. */
static const char *const builds[] = {
	"14.3.509.0", "14.3.513.0", "15.0.1497.2", "15.0.1497.48",
	"15.1.2507.63", "15.1.9999.1", "15.2.1544.4", "15.2.1748.43",
	"15.2.2562.17", "15.2.2562.53", "15.2.0.0", "16.0.1.1",
};

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_cvemap *m = NULL;
	struct exh_err err = { 0 };
	struct exh_support_state s;
	struct exh_cve_verdict v;
	size_t i, k, n;
	FILE *f;

	if (path[0] == '\0') {
		int fd;

		snprintf(path, sizeof(path), "/tmp/exhume-fuzz-cvemap.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
	}
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (exh_cvemap_load(path, &m, &err) != EXH_OK)
		return 0;
	n = exh_cvemap_count(m);
	for (k = 0; k < sizeof(builds) / sizeof(builds[0]); k++) {
		(void)exh_cvemap_support(m, builds[k], &s);
		if (strlen(s.reason) >= sizeof(s.reason))
			abort();
		for (i = 0; i < n; i++) {
			(void)exh_cvemap_verdict(m, builds[k], i, &v);
			if (v.cve == NULL || v.fixed_by_list == NULL ||
			    strlen(v.reason) >= sizeof(v.reason))
				abort();
		}
	}
	exh_cvemap_free(m);
	return 0;
}
