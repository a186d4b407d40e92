/* Growable, always NUL-terminated byte buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

static int
reserve(struct exh_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (!exh_add_ok(b->len, extra, &need) || !exh_add_ok(need, 1, &need))
		return EXH_ENOMEM;
	if (need <= b->cap)
		return EXH_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (!exh_mul_ok(cap, 2, &cap))
			return EXH_ENOMEM;
	}
	if ((p = realloc(b->data, cap)) == NULL)
		return EXH_ENOMEM;
	b->data = p;
	b->cap = cap;
	return EXH_OK;
}

int
exh_buf_append(struct exh_buf *b, const void *p, size_t n)
{
	if (reserve(b, n) != EXH_OK)
		return EXH_ENOMEM;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return EXH_OK;
}

int
exh_buf_puts(struct exh_buf *b, const char *s)
{
	return exh_buf_append(b, s, strlen(s));
}

int
exh_buf_putc(struct exh_buf *b, char c)
{
	return exh_buf_append(b, &c, 1);
}

int
exh_buf_vprintf(struct exh_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || reserve(b, (size_t)n) != EXH_OK)
		return EXH_ENOMEM;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		return EXH_ENOMEM;
	b->len += (size_t)n;
	return EXH_OK;
}

int
exh_buf_printf(struct exh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = exh_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
exh_buf_reset(struct exh_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
exh_buf_free(struct exh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
exh_buf_take(struct exh_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
