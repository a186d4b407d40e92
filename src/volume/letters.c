/* Drive letters: the system volume is C:, the rest follow in partition order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

static int
apply_overrides(struct exh_volume *const *vols, size_t n, const char *list,
    struct exh_err *err)
{
	const char *p = list;
	unsigned long idx;
	char *end;

	while (*p != '\0') {
		idx = strtoul(p, &end, 10);
		if (end == p || *end != '=' || !isalpha((unsigned char)end[1]) ||
		    (end[2] != ',' && end[2] != '\0') || idx < 1 || idx > n)
			return exh_err_set(err, EXH_EUSAGE, 0, "--letter: expected "
			    "VOLUME=LETTER[,...] with VOLUME from 1 to %zu", n);
		vols[idx - 1]->info.letter = (char)toupper((unsigned char)end[1]);
		p = end[2] == ',' ? end + 3 : end + 2;
	}
	return EXH_OK;
}

int
exh_volume_assign_letters(struct exh_volume *const *vols, size_t n,
    const char *overrides, struct exh_err *err)
{
	size_t i, sys = n;
	char next = 'D';

	for (i = 0; i < n && sys == n; i++)
		if (exh_volume_is_system(vols[i]))
			sys = i;
	/* Without a system volume, the first volume is taken for C:. */
	if (sys == n && n > 0)
		sys = 0;
	for (i = 0; i < n; i++) {
		if (i == sys)
			vols[i]->info.letter = 'C';
		else
			vols[i]->info.letter = next <= 'Z' ? next++ : '?';
	}
	if (overrides != NULL && *overrides != '\0')
		return apply_overrides(vols, n, overrides, err);
	return EXH_OK;
}
