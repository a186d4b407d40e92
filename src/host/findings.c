/* Host findings: turns the profile's host checks into EXH_FIND_HOST findings. */
#include <errno.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

/* Where the facts behind a check are written down. */
static const char *
reference(const char *check)
{
	if (strncmp(check, "X1/", 3) == 0)
		return "exchange-2023-2026.md section 4";
	if (strncmp(check, "X2/", 3) == 0)
		return "exchange-2023-2026.md section 5.3";
	return "exchange-attacks.md section 11";
}

int
exh_profile_findings(const struct exh_profile *p, struct exh_findings *out,
    struct exh_err *err)
{
	struct host_check *c = NULL;
	size_t n = 0, i;
	int rc;

	if (p == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "profile findings: no profile or collector");
	if (host_checks(p, &c, &n) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "profile findings: out of memory");
	for (i = 0, rc = EXH_OK; i < n && rc == EXH_OK; i++) {
		struct exh_finding *f = exh_finding_new(EXH_FIND_HOST);

		if (f == NULL ||
		    exh_finding_set(&f->check, c[i].check) != EXH_OK ||
		    (c[i].path != NULL &&
		    exh_finding_set(&f->file.path, c[i].path) != EXH_OK) ||
		    exh_finding_add_reason(f, "config", c[i].check,
		    c[i].score, c[i].description, reference(c[i].check),
		    c[i].detail) != EXH_OK) {
			exh_finding_free(f);
			rc = exh_err_set(err, EXH_ENOMEM, ENOMEM,
			    "profile findings: out of memory");
			break;
		}
		exh_finding_rescore(f);
		/* Informational checks stay info whatever the formula says. */
		if (c[i].level == EXH_LEVEL_INFO)
			f->level = EXH_LEVEL_INFO;
		rc = exh_findings_add(out, f, err);
	}
	host_checks_free(c, n);
	return rc;
}
