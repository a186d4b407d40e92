/* Reading one log stream, plain or gzip-compressed, with damage notes. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

static int
raw_read(struct logscan_filestate *sc, void *dst, size_t len, size_t *got)
{
	int status;

	*got = 0;
	status = sc->rd(sc->rctx, dst, len, got, sc->err);
	if (status != EXH_OK)
		return exh_err_prefix(sc->err, "log %s: read",
		    sc->winpath) == EXH_OK ? EXH_EIO : status;
	if (*got > len)
		return exh_err_set(sc->err, EXH_EFATAL, 0,
		    "log: reader returned more than asked");
	return EXH_OK;
}

static int
start(struct logscan_filestate *sc)
{
	size_t got;
	int status;

	sc->started = true;
	/* Peek enough bytes to see the gzip magic (rotated .gz logs). */
	while (sc->zpend_len < 2) {
		status = raw_read(sc, sc->zin + sc->zpend_len,
		    LOGSCAN_ZIN_SIZE - sc->zpend_len, &got);
		if (status != EXH_OK)
			return status;
		if (got == 0)
			break;
		sc->zpend_len += got;
	}
	if (sc->zpend_len >= 2 && sc->zin[0] == 0x1f && sc->zin[1] == 0x8b) {
		sc->gz = true;
		if (inflateInit2(&sc->z, 16 + MAX_WBITS) != Z_OK)
			return exh_err_set(sc->err, EXH_ENOMEM, 0,
			    "log: gzip: cannot initialise");
		sc->zinit = true;
		sc->z.next_in = sc->zin;
		sc->z.avail_in = (uInt)sc->zpend_len;
		sc->zpend_len = 0;
	}
	return EXH_OK;
}

static void
zdamage(struct logscan_filestate *sc, const char *why)
{
	/* Display text for a skip detail; why is a short literal. */
	(void)snprintf(sc->zwhy, sizeof(sc->zwhy),
	    "gzip: %s after %lu bytes of log text", why,
	    (unsigned long)sc->z.total_out);
	sc->zend = true;
}

static int
gz_read(struct logscan_filestate *sc, char *dst, size_t len, size_t *got)
{
	size_t n;
	int ret, status;

	*got = 0;
	while (*got == 0 && !sc->zend) {
		if (sc->z.avail_in == 0 && !sc->zeof) {
			if ((status = raw_read(sc, sc->zin, LOGSCAN_ZIN_SIZE, &n)) !=
			    EXH_OK)
				return status;
			if (n == 0)
				sc->zeof = true;
			sc->z.next_in = sc->zin;
			sc->z.avail_in = (uInt)n;
		}
		sc->z.next_out = (unsigned char *)dst;
		sc->z.avail_out = (uInt)len;
		ret = inflate(&sc->z, Z_NO_FLUSH);
		*got = len - sc->z.avail_out;
		if (ret == Z_STREAM_END) {
			if (sc->z.avail_in == 0 && !sc->zeof) {
				if ((status = raw_read(sc, sc->zin, LOGSCAN_ZIN_SIZE,
				    &n)) != EXH_OK)
					return status;
				if (n == 0)
					sc->zeof = true;
				sc->z.next_in = sc->zin;
				sc->z.avail_in = (uInt)n;
			}
			/* Concatenated members are one log (gzip -c >>). */
			if (sc->z.avail_in > 0)
				inflateReset(&sc->z);
			else
				sc->zend = true;
		} else if (ret == Z_BUF_ERROR) {
			if (sc->zeof && sc->z.avail_in == 0)
				zdamage(sc, "stream cut off");
			else if (sc->z.avail_in > 0)
				zdamage(sc, "no progress");
		} else if (ret != Z_OK) {
			zdamage(sc, ret == Z_MEM_ERROR ? "out of memory" :
			    "data corrupt");
		}
	}
	return EXH_OK;
}

int
logscan_next_bytes(struct logscan_filestate *sc, char *dst, size_t len,
    size_t *got)
{
	int status;

	if (!sc->started && (status = start(sc)) != EXH_OK)
		return status;
	if (sc->gz)
		return gz_read(sc, dst, len, got);
	if (sc->zpend_pos < sc->zpend_len) {
		size_t n = sc->zpend_len - sc->zpend_pos;

		if (n > len)
			n = len;
		memcpy(dst, sc->zin + sc->zpend_pos, n);
		sc->zpend_pos += n;
		*got = n;
		return EXH_OK;
	}
	return raw_read(sc, dst, len, got);
}
