/* A vector of owned strings: push a copy, count, free. */
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

int
exh_strvec_push(char ***v, size_t *n, const char *s)
{
	char **grown, *copy;
	size_t bytes;

	if (!exh_mul_ok(*n + 1, sizeof(*grown), &bytes) ||
	    (copy = strdup(s != NULL ? s : "")) == NULL)
		return EXH_ENOMEM;
	if ((grown = realloc(*v, bytes)) == NULL) {
		free(copy);
		return EXH_ENOMEM;
	}
	grown[(*n)++] = copy;
	*v = grown;
	return EXH_OK;
}

void
exh_strvec_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n && v != NULL; i++)
		free(v[i]);
	free(v);
}
