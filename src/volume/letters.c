/* Drive letters: the system volume is C:, the rest follow in partition order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "volume_int.h"

const char *
exh_letter_source_name(int source)
{
	switch (source) {
	case EXH_LETTER_DEFAULT:
		return "default order";
	case EXH_LETTER_MOUNTED:
		return "MountedDevices";
	case EXH_LETTER_OPTION:
		return "--letter";
	default:
		return "";
	}
}

int
exh_volume_parse_letters(const char *list, size_t n, char *out,
    struct exh_err *err)
{
	const char *p = list;
	unsigned long idx;
	size_t i;
	char *end, l;

	memset(out, 0, n);
	while (p != NULL && *p != '\0') {
		idx = strtoul(p, &end, 10);
		if (end == p || *end != '=' || !isalpha((unsigned char)end[1]) ||
		    (end[2] != ',' && end[2] != '\0') || idx < 1 || idx > n)
			return exh_err_set(err, EXH_EUSAGE, 0, "--letter: expected "
			    "VOLUME=LETTER[,...] with VOLUME from 1 to %zu", n);
		l = (char)toupper((unsigned char)end[1]);
		for (i = 0; i < n; i++)
			if (out[i] == l && i != idx - 1)
				return exh_err_set(err, EXH_EUSAGE, 0, "--letter: "
				    "%c: given to volumes %zu and %lu", l, i + 1,
				    idx);
		if (out[idx - 1] != 0 && out[idx - 1] != l)
			return exh_err_set(err, EXH_EUSAGE, 0, "--letter: "
			    "volume %lu: given %c and %c", idx, out[idx - 1], l);
		out[idx - 1] = l;
		p = end[2] == ',' ? end + 3 : end + 2;
	}
	return EXH_OK;
}

int
exh_volume_assign_letters(struct exh_volume *const *vols, size_t n,
    const char *overrides, struct exh_err *err)
{
	size_t i, sys = n;
	char next = 'D', *asked;
	int rc = EXH_OK;

	for (i = 0; i < n && sys == n; i++)
		if (exh_volume_is_system(vols[i]))
			sys = i;
	/* Without a system volume, the first volume is taken for C:. */
	if (sys == n && n > 0)
		sys = 0;
	for (i = 0; i < n; i++) {
		if (i == sys)
			exh_volume_set_letter(vols[i], 'C', EXH_LETTER_DEFAULT);
		else if (next <= 'Z')
			exh_volume_set_letter(vols[i], next++,
			    EXH_LETTER_DEFAULT);
		else
			exh_volume_set_letter(vols[i], '?', EXH_LETTER_NONE);
	}
	if (overrides == NULL || *overrides == '\0')
		return EXH_OK;
	if ((asked = calloc(n ? n : 1, 1)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((rc = exh_volume_parse_letters(overrides, n, asked, err)) == EXH_OK)
		for (i = 0; i < n; i++)
			if (asked[i] != 0)
				exh_volume_set_letter(vols[i], asked[i],
				    EXH_LETTER_OPTION);
	free(asked);
	return rc;
}
