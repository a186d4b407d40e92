/* A vector of owned strings: push a copy, count, free. */
#include <stdarg.h>
#include <stdio.h>
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

int
exh_strvec_vpushf(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char msg[2048];

	/* A note is display text: one longer than msg is cut. */
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	return exh_strvec_push(v, n, msg);
}

int
exh_strvec_pushf(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = exh_strvec_vpushf(v, n, fmt, ap);
	va_end(ap);
	return rc;
}

void
exh_strvec_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n && v != NULL; i++)
		free(v[i]);
	free(v);
}
