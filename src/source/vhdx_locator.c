/*
 * The relative_path of a VHDX parent locator ([MS-VHDX] 2.6.2.6).
 * libvhdi 20210425 gives only absolute_win32_path, so a child whose
 * locator holds just ".\parent.vhdx" would have no parent name at all.
 * Every offset and length comes from the evidence: each is checked
 * against what was read, and at most 64 KiB of locator is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

#define REGION_TABLE_OFF (192 * 1024)
#define REGION_ENTRIES_MAX 2047
#define META_ENTRIES_MAX 2047
#define LOCATOR_MAX (64 * 1024)

/* GUIDs as stored (the first three fields little-endian). */
static const unsigned char guid_metadata_region[16] = {
	0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
	0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
};
static const unsigned char guid_parent_locator[16] = {
	0x2d, 0x5f, 0xd3, 0xa8, 0x0b, 0xb3, 0x4d, 0x45,
	0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c,
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static bool
read_at(int fd, void *buf, size_t len, uint64_t off)
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

/* File offset of the metadata region, 0 when there is none. */
static uint64_t
metadata_region(int fd)
{
	unsigned char head[16], e[32];
	uint32_t i, n;

	if (!read_at(fd, head, sizeof(head), REGION_TABLE_OFF) ||
	    memcmp(head, "regi", 4) != 0)
		return 0;
	n = le32(head + 8);
	for (i = 0; i < n && i < REGION_ENTRIES_MAX; i++) {
		if (!read_at(fd, e, sizeof(e), REGION_TABLE_OFF + 16 +
		    (uint64_t)i * 32))
			return 0;
		if (memcmp(e, guid_metadata_region, 16) == 0)
			return le64(e + 16);
	}
	return 0;
}

/* Reads the parent locator item into buf; its length, 0 if none. */
static size_t
read_locator(int fd, unsigned char *buf, size_t size)
{
	unsigned char head[32], e[32];
	uint64_t meta = metadata_region(fd);
	uint32_t i, n, len;

	if (meta == 0 || !read_at(fd, head, sizeof(head), meta) ||
	    memcmp(head, "metadata", 8) != 0)
		return 0;
	n = le16(head + 10);
	for (i = 0; i < n && i < META_ENTRIES_MAX; i++) {
		if (!read_at(fd, e, sizeof(e), meta + 32 + (uint64_t)i * 32))
			return 0;
		if (memcmp(e, guid_parent_locator, 16) != 0)
			continue;
		len = le32(e + 20);
		if (len < 20 || len > size ||
		    !read_at(fd, buf, len, meta + le32(e + 16)))
			return 0;
		return len;
	}
	return 0;
}

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
		    strerror(errno));
	}
	len = read_locator(fd, loc, LOCATOR_MAX);
	close(fd);
	n = len >= 20 ? le16(loc + 18) : 0;
	for (i = 0; i < n && 20 + (size_t)(i + 1) * 12 <= len; i++) {
		e = loc + 20 + (size_t)i * 12;
		if (!locator_text(loc, len, le32(e), le16(e + 8), &key) ||
		    key.len != strlen("relative_path") ||
		    memcmp(key.data, "relative_path", key.len) != 0)
			continue;
		if (locator_text(loc, len, le32(e + 4), le16(e + 10), &val) &&
		    val.len > 0 && val.len < size) {
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
