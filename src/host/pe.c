/* PE version resource: VS_FIXEDFILEINFO from RT_VERSION, bounds-checked (ExSetup.exe is attacker-reachable). */
#include <stdint.h>
#include <string.h>

#include "exhume/host.h"

#define RT_VERSION	16
#define FFI_SIGNATURE	0xfeef04bdu
#define MAX_SECTIONS	96
#define MAX_DIR_ENTRIES	4096

struct pe {
	const unsigned char *p;
	size_t len;
	size_t sect_off;	/* file offset of the section table */
	unsigned nsect;
	uint32_t rsrc_rva;
	uint32_t rsrc_size;
};

static int
rd16(const struct pe *pe, size_t off, uint16_t *v)
{
	if (off > pe->len || pe->len - off < 2)
		return -1;
	*v = (uint16_t)(pe->p[off] | pe->p[off + 1] << 8);
	return 0;
}

static int
rd32(const struct pe *pe, size_t off, uint32_t *v)
{
	if (off > pe->len || pe->len - off < 4)
		return -1;
	*v = (uint32_t)pe->p[off] | (uint32_t)pe->p[off + 1] << 8 |
	    (uint32_t)pe->p[off + 2] << 16 | (uint32_t)pe->p[off + 3] << 24;
	return 0;
}

/* Maps [rva, rva+n) to a file offset inside one section's raw data. */
static int
rva_to_off(const struct pe *pe, uint32_t rva, size_t n, size_t *off)
{
	unsigned i;

	for (i = 0; i < pe->nsect; i++) {
		size_t s = pe->sect_off + (size_t)i * 40;
		uint32_t va, raw_size, raw_ptr;

		if (rd32(pe, s + 12, &va) || rd32(pe, s + 16, &raw_size) ||
		    rd32(pe, s + 20, &raw_ptr))
			return -1;
		if (rva < va || (uint64_t)rva - va >= raw_size)
			continue;
		if ((uint64_t)rva - va + n > raw_size)
			return -1;
		if ((uint64_t)raw_ptr + (rva - va) + n > pe->len)
			return -1;
		*off = (size_t)raw_ptr + (rva - va);
		return 0;
	}
	return -1;
}

static int
headers(struct pe *pe, struct exh_err *err)
{
	uint32_t lfanew, sig, nrva, dir_off;
	uint16_t nsect, optsize, magic;
	size_t opt;

	if (pe->len < 64 || pe->p[0] != 'M' || pe->p[1] != 'Z')
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: no MZ header");
	if (rd32(pe, 0x3c, &lfanew) || rd32(pe, lfanew, &sig) ||
	    sig != 0x00004550)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: no PE signature at the e_lfanew offset");
	if (rd16(pe, (size_t)lfanew + 6, &nsect) ||
	    rd16(pe, (size_t)lfanew + 20, &optsize))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: COFF header truncated");
	if (nsect == 0 || nsect > MAX_SECTIONS)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: implausible section count %u", nsect);
	opt = (size_t)lfanew + 24;
	if (rd16(pe, opt, &magic))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: optional header truncated");
	if (magic == 0x10b)
		dir_off = 96;
	else if (magic == 0x20b)
		dir_off = 112;
	else
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: unknown optional header magic 0x%x", magic);
	if (rd32(pe, opt + dir_off - 4, &nrva))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: optional header truncated");
	if ((size_t)dir_off + 3 * 8 > optsize || nrva < 3) {
		pe->rsrc_rva = 0;	/* no resource directory */
	} else if (rd32(pe, opt + dir_off + 16, &pe->rsrc_rva) ||
	    rd32(pe, opt + dir_off + 20, &pe->rsrc_size))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: data directories truncated");
	pe->sect_off = opt + optsize;
	pe->nsect = nsect;
	if (pe->sect_off > pe->len || (pe->len - pe->sect_off) / 40 < nsect)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: section table truncated");
	return EXH_OK;
}

/*
 * Picks the entry with id want (or the first entry when want is 0) in the
 * resource directory at rel (relative to the resource section).  Returns
 * its OffsetToData, 1 when absent, or -1 when out of bounds.
 */
static int
dir_entry(const struct pe *pe, size_t base, uint32_t rel, uint32_t want,
    uint32_t *target)
{
	uint16_t nnamed, nid;
	uint32_t id, data, i, n;
	size_t off;

	if (rel > pe->rsrc_size || pe->rsrc_size - rel < 16)
		return -1;
	off = base + rel;
	if (rd16(pe, off + 12, &nnamed) || rd16(pe, off + 14, &nid))
		return -1;
	n = (uint32_t)nnamed + nid;
	if (n > MAX_DIR_ENTRIES)
		return -1;
	for (i = 0; i < n; i++) {
		size_t e = off + 16 + (size_t)i * 8;

		if ((uint64_t)rel + 16 + (uint64_t)(i + 1) * 8 >
		    pe->rsrc_size)
			return -1;
		if (rd32(pe, e, &id) || rd32(pe, e + 4, &data))
			return -1;
		if (want == 0 || (i >= nnamed && id == want)) {
			*target = data;
			return 0;
		}
	}
	return 1;
}

/* Follows RT_VERSION -> first name -> first language to the data entry. */
static int
version_block(struct pe *pe, size_t *off, size_t *size,
    struct exh_err *err)
{
	size_t base;
	uint32_t rel = 0, next, seen[3], rva, dsize;
	int level, r;

	if (pe->rsrc_rva == 0)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "PE: no resource directory");
	if (rva_to_off(pe, pe->rsrc_rva, 16, &base) != 0)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: resource directory outside the file");
	/* Never trust rsrc_size beyond the bytes we have. */
	if (pe->len - base < pe->rsrc_size)
		pe->rsrc_size = (uint32_t)(pe->len - base);
	for (level = 0; level < 3; level++) {
		int i;

		seen[level] = rel;
		r = dir_entry(pe, base, rel, level == 0 ? RT_VERSION : 0,
		    &next);
		if (r < 0)
			return exh_err_set(err, EXH_ECORRUPT, 0,
			    "PE: resource directory out of bounds at level %d",
			    level);
		if (r > 0)
			return exh_err_set(err, EXH_ENOTFOUND, 0,
			    "PE: no version resource");
		if (level < 2 && !(next & 0x80000000u))
			return exh_err_set(err, EXH_ECORRUPT, 0,
			    "PE: resource tree too shallow at level %d", level);
		if (level == 2 && (next & 0x80000000u))
			return exh_err_set(err, EXH_ECORRUPT, 0,
			    "PE: resource tree deeper than three levels");
		rel = next & 0x7fffffffu;
		for (i = 0; i <= level; i++)
			if (seen[i] == rel)
				return exh_err_set(err, EXH_ECORRUPT, 0,
				    "PE: resource directory loop");
	}
	if (rel > pe->rsrc_size || pe->rsrc_size - rel < 16)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: resource data entry out of bounds");
	if (rd32(pe, base + rel, &rva) || rd32(pe, base + rel + 4, &dsize))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: resource data entry truncated");
	if (dsize < 92 || rva_to_off(pe, rva, dsize, off) != 0)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: version resource (%u bytes at RVA 0x%x) outside the "
		    "file or too small", dsize, rva);
	*size = dsize;
	return EXH_OK;
}

int
exh_pe_file_version(const unsigned char *img, size_t len, uint16_t v[4],
    struct exh_err *err)
{
	struct pe pe = { .p = img, .len = len };
	size_t off = 0, size = 0, k, ffi;
	uint32_t sig, ms, ls;
	uint16_t wlen, vlen;
	int rc;

	if (img == NULL || v == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "PE: no input");
	if ((rc = headers(&pe, err)) != EXH_OK)
		return rc;
	if ((rc = version_block(&pe, &off, &size, err)) != EXH_OK)
		return rc;
	if (rd16(&pe, off, &wlen) || rd16(&pe, off + 2, &vlen) ||
	    wlen > size || vlen < 52)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: VS_VERSIONINFO header inconsistent");
	if (memcmp(img + off + 6, "V\0S\0_\0", 6) != 0)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: version resource without the VS_VERSION_INFO key");
	/* The key is NUL-terminated UTF-16; the value follows on a
	 * 32-bit boundary from the start of the block. */
	for (k = 6; k + 1 < size; k += 2)
		if (img[off + k] == 0 && img[off + k + 1] == 0)
			break;
	ffi = (k + 2 + 3) & ~(size_t)3;
	if (k + 1 >= size || ffi > size || size - ffi < 52)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: VS_FIXEDFILEINFO outside the version resource");
	if (rd32(&pe, off + ffi, &sig) || sig != FFI_SIGNATURE)
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: VS_FIXEDFILEINFO signature missing");
	if (rd32(&pe, off + ffi + 8, &ms) || rd32(&pe, off + ffi + 12, &ls))
		return exh_err_set(err, EXH_ECORRUPT, 0,
		    "PE: VS_FIXEDFILEINFO truncated");
	v[0] = (uint16_t)(ms >> 16);
	v[1] = (uint16_t)ms;
	v[2] = (uint16_t)(ls >> 16);
	v[3] = (uint16_t)ls;
	return EXH_OK;
}
