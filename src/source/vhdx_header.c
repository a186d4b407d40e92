/*
 * VHDX header copies.  libvhdi reads the header without checking its
 * CRC-32C, so a VHDX whose two headers are both damaged would open and
 * be read as if nothing were wrong; exhume checks them itself ([MS-VHDX]
 * 2.2.2: two 4 KiB copies at 64 KiB and 128 KiB, signature "head",
 * CRC-32C over the copy with its checksum field zeroed).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define HEADER_SIZE 4096
#define HEADER_AT_1 (64 * 1024)
#define HEADER_AT_2 (128 * 1024)

static uint32_t
crc32c(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	int k;

	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static bool
header_valid(int fd, off_t at)
{
	unsigned char h[HEADER_SIZE];
	uint32_t stored;
	ssize_t n;

	do
		n = pread(fd, h, sizeof(h), at);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "head", 4) != 0)
		return false;
	stored = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
	    (uint32_t)h[7] << 24;
	memset(h + 4, 0, 4);
	return crc32c(h, sizeof(h)) == stored;
}

int
vhdx_check_headers(int fd, int *valid, struct exh_err *err)
{
	*valid = (int)header_valid(fd, HEADER_AT_1) +
	    (int)header_valid(fd, HEADER_AT_2);
	if (*valid == 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VHDX header damaged: "
		    "neither of its two header copies (at 64 KiB and 128 KiB) "
		    "has a valid signature and checksum");
	return EXH_OK;
}

int
vhdx_check_file(const char *path, struct exh_err *err)
{
	char magic[8];
	int fd, valid, rc = EXH_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return EXH_OK;	/* the library names what it cannot open */
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "vhdxfile", sizeof(magic)) == 0)
		rc = vhdx_check_headers(fd, &valid, err);
	close(fd);
	return rc;
}
