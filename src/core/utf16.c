/* UTF-16LE names (NTFS, registry, event logs) to valid UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

int
exh_buf_put_utf8(struct exh_buf *out, uint32_t c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return exh_buf_append(out, u, n);
}

int
exh_utf16le_to_utf8(const uint16_t *s, size_t nunits, struct exh_buf *out)
{
	size_t i;
	uint32_t c;
	int rc;

	if (out->data == NULL && (rc = exh_buf_append(out, "", 0)) != EXH_OK)
		return rc;
	for (i = 0; i < nunits; i++) {
		/* Units are little-endian on disk; callers pass them as read. */
		const unsigned char *b = (const unsigned char *)&s[i];
		uint16_t u = (uint16_t)(b[0] | (b[1] << 8));

		if (u >= 0xd800 && u <= 0xdbff && i + 1 < nunits) {
			const unsigned char *b2 = (const unsigned char *)&s[i + 1];
			uint16_t lo = (uint16_t)(b2[0] | (b2[1] << 8));

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + (((uint32_t)u - 0xd800) << 10) +
				    (lo - 0xdc00);
				if ((rc = exh_buf_put_utf8(out, c)) != EXH_OK)
					return rc;
				i++;
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			rc = exh_buf_printf(out, "%%u%04X", (unsigned)u);
		else
			rc = exh_buf_put_utf8(out, u);
		if (rc != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

int
exh_utf16le_bytes_to_utf8(const unsigned char *s, size_t nbytes,
    struct exh_buf *out)
{
	uint16_t *units;
	size_t n = nbytes / 2;
	int rc;

	if (n == 0)
		return exh_buf_append(out, "", 0);
	if ((units = malloc(n * sizeof(*units))) == NULL)
		return EXH_ENOMEM;
	memcpy(units, s, n * 2);
	rc = exh_utf16le_to_utf8(units, n, out);
	free(units);
	return rc;
}
