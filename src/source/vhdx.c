/*
 * What exhume reads of a VHDX itself ([MS-VHDX]), where libvhdi 20210425
 * leaves a gap: it does not check the header copies' CRC-32C, it does not
 * notice a file cut short, and it gives only a parent locator's
 * absolute_win32_path, so a child holding just ".\parent.vhdx" would have
 * no parent name.  Every offset and length here comes from the evidence
 * and is checked against what was read; tables and items are bounded.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define MIB ((uint64_t)1 << 20)
#define HEADER_SIZE 4096
#define HEADER_AT_1 (64 * 1024)
#define HEADER_AT_2 (128 * 1024)
#define REGION_AT (192 * 1024)
#define REGION_ENTRIES_MAX 2047
#define META_ENTRIES_MAX 2047
#define LOCATOR_MAX (64 * 1024)
#define BAT_PIECE 8192		/* entries read at a time */

/* GUIDs as stored (the first three fields little-endian). */
static const unsigned char guid_bat[16] = {
	0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42,
	0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08,
};
static const unsigned char guid_metadata_region[16] = {
	0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
	0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
};
static const unsigned char guid_file_parameters[16] = {
	0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
	0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b,
};
static const unsigned char guid_logical_sector[16] = {
	0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09, 0x47,
	0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f,
};
static const unsigned char guid_parent_locator[16] = {
	0x2d, 0x5f, 0xd3, 0xa8, 0x0b, 0xb3, 0x4d, 0x45,
	0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c,
};

/* ---- header copies (2.2.2) ------------------------------------------- */

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

/* A copy is intact when its signature is "head" and its CRC-32C, taken
 * with the checksum field zeroed, is the one stored. */
static bool
header_valid(int fd, uint64_t at)
{
	unsigned char h[HEADER_SIZE];
	uint32_t stored;

	if (!exh_pread_full(fd, h, sizeof(h), at) || memcmp(h, "head", 4) != 0)
		return false;
	stored = exh_le32(h + 4);
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

/* ---- region table (2.2.3) and metadata items (2.6) -------------------- */

/* Offset and length of the region with that GUID; false if none. */
static bool
region(int fd, const unsigned char guid[16], uint64_t *off, uint32_t *len)
{
	unsigned char head[16], e[32];
	uint32_t i, n;

	if (!exh_pread_full(fd, head, sizeof(head), REGION_AT) ||
	    memcmp(head, "regi", 4) != 0)
		return false;
	n = exh_le32(head + 8);
	for (i = 0; i < n && i < REGION_ENTRIES_MAX; i++) {
		if (!exh_pread_full(fd, e, sizeof(e), REGION_AT + 16 +
		    (uint64_t)i * 32))
			return false;
		if (memcmp(e, guid, 16) == 0) {
			*off = exh_le64(e + 16);
			*len = exh_le32(e + 24);
			return true;
		}
	}
	return false;
}

/* Reads the metadata item with that GUID into buf (at most size bytes);
 * its length, 0 when there is none or it does not fit. */
static size_t
metadata_item(int fd, const unsigned char guid[16], unsigned char *buf,
    size_t size)
{
	unsigned char head[32], e[32];
	uint64_t meta;
	uint32_t i, n, len, mlen;

	if (!region(fd, guid_metadata_region, &meta, &mlen) ||
	    !exh_pread_full(fd, head, sizeof(head), meta) ||
	    memcmp(head, "metadata", 8) != 0)
		return 0;
	n = exh_le16(head + 10);
	for (i = 0; i < n && i < META_ENTRIES_MAX; i++) {
		if (!exh_pread_full(fd, e, sizeof(e), meta + 32 +
		    (uint64_t)i * 32))
			return 0;
		if (memcmp(e, guid, 16) != 0)
			continue;
		len = exh_le32(e + 20);
		if (len == 0 || len > size || exh_le32(e + 16) >= mlen ||
		    !exh_pread_full(fd, buf, len, meta + exh_le32(e + 16)))
			return 0;
		return len;
	}
	return 0;
}

/* ---- present blocks inside the file (2.5) ----------------------------- */

struct vhdx_layout {
	uint64_t bat_off;
	uint32_t bat_len, block_size, sector_size;
};

/* The BAT and the sizes it is read with; false for a layout this check
 * does not understand (left to libvhdi). */
static bool
read_layout(int fd, struct vhdx_layout *l)
{
	unsigned char v[8];

	if (!region(fd, guid_bat, &l->bat_off, &l->bat_len) ||
	    metadata_item(fd, guid_file_parameters, v, sizeof(v)) < 4)
		return false;
	l->block_size = exh_le32(v);
	if (metadata_item(fd, guid_logical_sector, v, sizeof(v)) < 4)
		return false;
	l->sector_size = exh_le32(v);
	/* 1 MiB to 256 MiB blocks, a power of two; 512 or 4096-byte
	 * sectors. */
	return l->block_size >= MIB && l->block_size <= 256 * MIB &&
	    (l->block_size & (l->block_size - 1)) == 0 &&
	    (l->sector_size == 512 || l->sector_size == 4096);
}

/* The first present block that ends beyond fsize, 0 when none does. */
static uint64_t
block_beyond(int fd, const struct vhdx_layout *l, uint64_t fsize,
    unsigned char *bat)
{
	uint64_t chunk = ((uint64_t)1 << 23) * l->sector_size / l->block_size;
	uint64_t i, n = l->bat_len / 8, e, end;
	size_t k, piece;

	for (i = 0; i < n; i += piece) {
		piece = n - i < BAT_PIECE ? (size_t)(n - i) : BAT_PIECE;
		if (!exh_pread_full(fd, bat, piece * 8, l->bat_off + i * 8))
			return 0;
		for (k = 0; k < piece; k++) {
			e = exh_le64(bat + 8 * k);
			if ((e & 7) != 6 && (e & 7) != 7)
				continue;	/* not present in this file */
			/* Every chunk+1st entry is a 1 MiB sector bitmap. */
			end = (e >> 20) * MIB + ((i + k) % (chunk + 1) == chunk ?
			    MIB : l->block_size);
			if (end > fsize)
				return end;
		}
	}
	return 0;
}

/*
 * Every block the BAT calls present must lie inside the file: a VHDX
 * copied off a host only in part would otherwise read as a disk whose
 * later blocks fail one by one.
 */
int
vhdx_check_payload(int fd, uint64_t fsize, struct exh_err *err)
{
	struct vhdx_layout l;
	unsigned char *bat;
	uint64_t end;

	memset(&l, 0, sizeof(l));
	if (!read_layout(fd, &l))
		return EXH_OK;
	if ((bat = malloc(BAT_PIECE * 8)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	end = block_beyond(fd, &l, fsize, bat);
	free(bat);
	if (end != 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "VHDX truncated: a "
		    "block it holds ends at byte %llu, but the file has %llu "
		    "bytes (copied only in part?)", (unsigned long long)end,
		    (unsigned long long)fsize);
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
	if (exh_pread_full(fd, magic, sizeof(magic), 0) &&
	    memcmp(magic, "vhdxfile", sizeof(magic)) == 0 &&
	    (rc = vhdx_check_headers(fd, &valid, err)) == EXH_OK &&
	    fstat(fd, &st) == 0)
		rc = vhdx_check_payload(fd, (uint64_t)st.st_size, err);
	close(fd);
	return rc;
}

/* ---- parent locator (2.6.2.6) ----------------------------------------- */

/* The UTF-16LE text at [off, off+len) of the locator as UTF-8. */
static bool
locator_text(const unsigned char *loc, size_t loclen, uint32_t off,
    uint16_t len, struct exh_buf *out)
{
	if (off > loclen || len > loclen - off || len % 2 != 0)
		return false;
	out->len = 0;
	return exh_utf16le_bytes_to_utf8(loc + off, len, out) == EXH_OK;
}

int
vhdx_relative_parent(const char *path, char *name, size_t size, bool *found,
    struct exh_err *err)
{
	struct exh_buf key = { 0 }, val = { 0 };
	unsigned char *loc;
	const unsigned char *e;
	size_t len;
	uint16_t i, n;
	int fd;

	*found = false;
	if ((loc = malloc(LOCATOR_MAX)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(loc);
		return exh_err_set(err, EXH_EIO, errno, "cannot open: %s",
		    exh_strerror(errno));
	}
	len = metadata_item(fd, guid_parent_locator, loc, LOCATOR_MAX);
	close(fd);
	n = len >= 20 ? exh_le16(loc + 18) : 0;
	for (i = 0; i < n && 20 + (size_t)(i + 1) * 12 <= len; i++) {
		e = loc + 20 + (size_t)i * 12;
		if (!locator_text(loc, len, exh_le32(e), exh_le16(e + 8), &key) ||
		    key.len != strlen("relative_path") ||
		    memcmp(key.data, "relative_path", key.len) != 0)
			continue;
		if (locator_text(loc, len, exh_le32(e + 4), exh_le16(e + 10),
		    &val) && val.len > 0 && val.len < size) {
			memcpy(name, val.data, val.len);
			name[val.len] = '\0';
			*found = true;
		}
		break;
	}
	exh_buf_free(&key);
	exh_buf_free(&val);
	free(loc);
	return EXH_OK;
}
