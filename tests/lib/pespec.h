/* Test helper: builds tiny PE images with a VS_VERSIONINFO resource, good or deliberately broken. */
#ifndef EXHUME_TESTS_PESPEC_H
#define EXHUME_TESTS_PESPEC_H

#include <stdint.h>
#include <string.h>

enum ps_mode {
	PS_GOOD = 0,
	PS_TRUNCATED,		/* file cut inside the version resource */
	PS_OOB,			/* data entry RVA far beyond the file */
	PS_LOOP,		/* name directory points back to the root */
	PS_NOVERSION,		/* only an RT_ICON resource */
	PS_BADSIG,		/* VS_FIXEDFILEINFO signature wrong */
	PS_HUGE_COUNT,		/* directory claims 65535 entries */
	PS_PE32,		/* good, but a PE32 optional header */
};

#define PS_MAX 1024

static void
ps_put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
ps_put32(unsigned char *p, uint32_t v)
{
	ps_put16(p, v & 0xffff);
	ps_put16(p + 2, v >> 16);
}

/*
 * Writes an image of at most PS_MAX bytes to buf for version v[4] and
 * returns its length.  Layout: DOS header, PE header at 0x40, one
 * ".rsrc" section at file offset 0x200 mapped at RVA 0x1000.
 */
static __attribute__((unused)) size_t
ps_build(unsigned char *buf, const unsigned v[4], enum ps_mode mode)
{
	const size_t sect = 0x200;
	const uint32_t va = 0x1000;
	unsigned char *r = buf + sect, *vi;
	size_t opt = 0x58, optsize, dir, len;
	const char *key = "VS_VERSION_INFO";
	int pe32 = mode == PS_PE32, i;

	memset(buf, 0, PS_MAX);
	buf[0] = 'M';
	buf[1] = 'Z';
	ps_put32(buf + 0x3c, 0x40);
	memcpy(buf + 0x40, "PE\0\0", 4);
	ps_put16(buf + 0x44, pe32 ? 0x14c : 0x8664);
	ps_put16(buf + 0x46, 1);		/* sections */
	optsize = pe32 ? 96 + 16 * 8 : 112 + 16 * 8;
	ps_put16(buf + 0x54, (uint16_t)optsize);
	ps_put16(buf + opt, pe32 ? 0x10b : 0x20b);
	dir = opt + (pe32 ? 96 : 112);
	ps_put32(buf + dir - 4, 16);		/* NumberOfRvaAndSizes */
	ps_put32(buf + dir + 16, va);		/* resource directory */
	ps_put32(buf + dir + 20, 0x100);
	memcpy(buf + opt + optsize, ".rsrc", 5);
	ps_put32(buf + opt + optsize + 8, 0x100);	/* virtual size */
	ps_put32(buf + opt + optsize + 12, va);
	ps_put32(buf + opt + optsize + 16, 0x100);	/* raw size */
	ps_put32(buf + opt + optsize + 20, (uint32_t)sect);

	/* Root: type entry -> 0x18; name -> 0x30; language -> data 0x48. */
	ps_put16(r + 14, 1);
	ps_put32(r + 16, mode == PS_NOVERSION ? 3 : 16);
	ps_put32(r + 20, 0x80000018u);
	if (mode == PS_HUGE_COUNT)
		ps_put16(r + 14, 0xffff);
	ps_put16(r + 0x18 + 14, 1);
	ps_put32(r + 0x18 + 16, 1);
	ps_put32(r + 0x18 + 20, mode == PS_LOOP ? 0x80000000u : 0x80000030u);
	ps_put16(r + 0x30 + 14, 1);
	ps_put32(r + 0x30 + 16, 0x409);
	ps_put32(r + 0x30 + 20, 0x48);
	ps_put32(r + 0x48, mode == PS_OOB ? 0x7fff0000u : va + 0x58);
	ps_put32(r + 0x48 + 4, 92);

	vi = r + 0x58;
	ps_put16(vi, 92);
	ps_put16(vi + 2, 52);
	for (i = 0; key[i] != '\0'; i++)
		ps_put16(vi + 6 + 2 * i, (uint16_t)key[i]);
	ps_put32(vi + 40, mode == PS_BADSIG ? 0xfeef04beu : 0xfeef04bdu);
	ps_put32(vi + 44, 0x10000);
	ps_put32(vi + 48, (uint32_t)v[0] << 16 | v[1]);
	ps_put32(vi + 52, (uint32_t)v[2] << 16 | v[3]);
	ps_put32(vi + 56, (uint32_t)v[0] << 16 | v[1]);
	ps_put32(vi + 60, (uint32_t)v[2] << 16 | v[3]);
	len = sect + 0x100;
	if (mode == PS_TRUNCATED)
		len = sect + 0x58 + 30;
	return len;
}

#endif /* EXHUME_TESTS_PESPEC_H */
