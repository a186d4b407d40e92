/*
 * VHDX header copies.  libvhdi reads the header without checking its
 * CRC-32C, so a VHDX whose two headers are both damaged would open and
 * be read as if nothing were wrong; exhume checks them itself ([MS-VHDX]
 * 2.2.2: two 4 KiB copies at 64 KiB and 128 KiB, signature "head",
 * CRC-32C over the copy with its checksum field zeroed).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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
	struct stat st;
	int fd, valid, rc = EXH_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return EXH_OK;	/* the library names what it cannot open */
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "vhdxfile", sizeof(magic)) == 0 &&
	    (rc = vhdx_check_headers(fd, &valid, err)) == EXH_OK &&
	    fstat(fd, &st) == 0)
		rc = vhdx_check_payload(fd, (uint64_t)st.st_size, err);
	close(fd);
	return rc;
}

/* ---- payload blocks inside the file ([MS-VHDX] 2.2.3, 2.5, 2.6) ---- */

#define REGION_AT (192 * 1024)
#define MIB ((uint64_t)1 << 20)
#define BAT_PIECE 8192		/* entries read at a time */

static const unsigned char bat_guid[16] = {
	0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42,
	0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08,
};
static const unsigned char meta_guid[16] = {
	0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
	0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
};
static const unsigned char params_guid[16] = {
	0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
	0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b,
};
static const unsigned char sector_guid[16] = {
	0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09, 0x47,
	0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f,
};

static uint32_t
le32v(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64v(const unsigned char *p)
{
	return (uint64_t)le32v(p) | (uint64_t)le32v(p + 4) << 32;
}

static bool
read_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

struct vhdx_layout {
	uint64_t bat_off, bat_len, meta_off, meta_len;
	uint32_t block_size, sector_size;
};

static bool
read_regions(int fd, struct vhdx_layout *l)
{
	unsigned char r[16 + 32 * 64];
	uint32_t i, n;

	if (!read_all(fd, r, sizeof(r), REGION_AT) || memcmp(r, "regi", 4) != 0)
		return false;
	n = le32v(r + 8);
	for (i = 0; i < n && i < 64; i++) {
		const unsigned char *e = r + 16 + 32 * i;

		if (memcmp(e, bat_guid, 16) == 0) {
			l->bat_off = le64v(e + 16);
			l->bat_len = le32v(e + 24);
		} else if (memcmp(e, meta_guid, 16) == 0) {
			l->meta_off = le64v(e + 16);
			l->meta_len = le32v(e + 24);
		}
	}
	return l->bat_len > 0 && l->meta_len >= 64 * 1024;
}

static bool
read_params(int fd, struct vhdx_layout *l)
{
	unsigned char t[32 + 32 * 64], v[8];
	uint32_t i, n, off;

	if (!read_all(fd, t, sizeof(t), l->meta_off) ||
	    memcmp(t, "metadata", 8) != 0)
		return false;
	n = (uint32_t)t[10] | (uint32_t)t[11] << 8;
	for (i = 0; i < n && i < 64; i++) {
		const unsigned char *e = t + 32 + 32 * i;

		off = le32v(e + 16);
		if (off >= l->meta_len || !read_all(fd, v, 8, l->meta_off + off))
			continue;
		if (memcmp(e, params_guid, 16) == 0)
			l->block_size = le32v(v);
		else if (memcmp(e, sector_guid, 16) == 0)
			l->sector_size = le32v(v);
	}
	/* 1 MiB to 256 MiB blocks, 512 or 4096-byte sectors. */
	return l->block_size >= MIB && l->block_size <= 256 * MIB &&
	    (l->block_size & (l->block_size - 1)) == 0 &&
	    (l->sector_size == 512 || l->sector_size == 4096);
}

/*
 * Every block the BAT calls present must lie inside the file: a VHDX
 * copied off a host only in part would otherwise read as a disk whose
 * later blocks fail one by one.  A layout this check does not
 * understand is left to libvhdi.
 */
int
vhdx_check_payload(int fd, uint64_t fsize, struct exh_err *err)
{
	struct vhdx_layout l;
	unsigned char *bat;
	uint64_t chunk, i, n, end, e, size;
	size_t k, piece;
	int rc = EXH_OK;

	memset(&l, 0, sizeof(l));
	if (!read_regions(fd, &l) || !read_params(fd, &l))
		return EXH_OK;
	chunk = ((uint64_t)1 << 23) * l.sector_size / l.block_size;
	n = l.bat_len / 8;
	if ((bat = malloc(BAT_PIECE * 8)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	for (i = 0; i < n && rc == EXH_OK; i += piece) {
		piece = n - i < BAT_PIECE ? (size_t)(n - i) : BAT_PIECE;
		if (!read_all(fd, bat, piece * 8, l.bat_off + i * 8))
			break;
		for (k = 0; k < piece; k++) {
			e = le64v(bat + 8 * k);
			if ((e & 7) != 6 && (e & 7) != 7)
				continue;
			/* Every chunk+1st entry is a sector bitmap of 1 MiB. */
			size = (i + k) % (chunk + 1) == chunk ? MIB :
			    l.block_size;
			end = (e >> 20) * MIB + size;
			if (end > fsize) {
				rc = exh_err_set(err, EXH_ECORRUPT, 0, "VHDX "
				    "truncated: a block it holds ends at byte "
				    "%llu, but the file has %llu bytes (copied "
				    "only in part?)", (unsigned long long)end,
				    (unsigned long long)fsize);
				break;
			}
		}
	}
	free(bat);
	return rc;
}
