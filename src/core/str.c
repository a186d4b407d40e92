/* Small string helpers: ASCII case folding for Windows paths, hex, sizes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exhume/core.h"

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

bool
exh_ascii_iequal(const char *a, const char *b)
{
	while (*a != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

bool
exh_ascii_istarts(const char *s, const char *prefix)
{
	while (*prefix != '\0') {
		if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
			return false;
		s++;
		prefix++;
	}
	return true;
}

bool
exh_ascii_iends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && exh_ascii_iequal(s + n - m, suffix);
}

const char *
exh_ascii_istrstr(const char *hay, const char *needle)
{
	if (*needle == '\0')
		return hay;
	for (; *hay != '\0'; hay++) {
		if (lower((unsigned char)*hay) == lower((unsigned char)*needle) &&
		    exh_ascii_istarts(hay, needle))
			return hay;
	}
	return NULL;
}

int
exh_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
exh_hex(const unsigned char *p, size_t n, char *dst)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = digits[p[i] >> 4];
		dst[2 * i + 1] = digits[p[i] & 15];
	}
	dst[2 * n] = '\0';
}

const char *
exh_size_text(uint64_t bytes, char *dst, size_t dstlen)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (dstlen == 0)
		return dst;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	/* Display text: a size cut to a narrow field is still a size. */
	if (u == 0)
		(void)snprintf(dst, dstlen, "%" PRIu64 " B", bytes);
	else
		(void)snprintf(dst, dstlen, "%.1f %s", v, unit[u]);
	return dst;
}
