/*
 * mksigbase DIR [FILES]: a rule set shaped like signature-base's web-shell
 * and Exchange part, and an Exchange-shaped tree to scan with it, for
 * bench/sigbase.sh.  Counts and shapes only, our own text: 730 YARA rules
 * over 17 files (web-shell-like strings, hex, regexes, size, magic and
 * name conditions), 3,828 filename IOC regexes (tests/tools/
 * sigbase_shape.h), 3,000 hashes of mixed types; and DIR/tree.spec, a
 * mkfixture spec of FILES files (default 3000) under the folders an
 * Exchange server has, a few of them planted to match.
 *
 *   DIR/rules/yara/sb-NN.yar  DIR/iocs/filename-iocs.txt
 *   DIR/iocs/hash-iocs.txt    DIR/iocs-sha256/ (the SHA-256 entries only)
 *   DIR/tree.spec             DIR/samples/ (text the tree repeats)
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigbase_shape.h"

#define NYARA_FILES 17
#define NYARA_RULES 730
#define NPATH_IOCS 3828
#define NHASHES 3000

static const char *const tokens[] = {
	"eval(Request", "Request.Item[", "Response.Write(", "Server.CreateObject",
	"System.Diagnostics.Process", "ProcessStartInfo", "cmd.exe /c",
	"powershell -enc", "WScript.Shell", "FromBase64String(", "Assembly.Load(",
	"System.Reflection", "Convert.ToBase64String", "HttpContext.Current",
	"Page_Load", "runat=\"server\"", "<%@ Page Language=", "unsafe",
	"xp_cmdshell", "ExecuteStatement(", "System.IO.File.WriteAllBytes",
	"StandardOutput.ReadToEnd", "RijndaelManaged", "CreateDecryptor",
	"DownloadString(", "Invoke-Expression", "VirtualAlloc",
	"Microsoft.Exchange.Management", "TimeoutLogout", "OAB",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

static const char *const conditions[] = {
	"any of them",
	"2 of them",
	"filesize < 400KB and any of them",
	"filesize < 100KB and 2 of ($s*)",
	"uint16(0) == 0x5a4d and filesize < 2MB and any of them",
	"extension == \".aspx\" and any of them",
	"filename matches /\\.as[hp]x$/i and 2 of them",
	"all of ($s*)",
	"$s0 and 1 of ($s*)",
	"filesize < 200KB and #s0 > 2 and all of ($s*)",
};
#define NCONDS (sizeof(conditions) / sizeof(conditions[0]))

static void
die(const char *what)
{
	fprintf(stderr, "mksigbase: %s: %s\n", what, strerror(errno));
	exit(1);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	return f;
}

static void
mkdirs(const char *dir)
{
	const char *sub[] = { "", "/rules", "/rules/yara", "/iocs",
	    "/iocs-sha256", "/samples" };
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, sub[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die(path);
	}
}

/* A YARA text string: a web-shell token and a rare word after it. */
static void
put_string(FILE *f, struct sb_rng *g, unsigned k, char *word, size_t wlen,
    FILE *plant)
{
	const char *t = tokens[sb_below(g, NTOKENS)];
	const char *p;

	(void)sb_word(g, word, wlen, 0);
	/* The planted shells hold every string of the first rules. */
	if (plant != NULL)
		fprintf(plant, "%s%s\r\n", t, word);
	fprintf(f, "\t\t$s%u = \"", k);
	for (p = t; *p != '\0'; p++)
		fprintf(f, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	fprintf(f, "%s\"%s\n", word, sb_below(g, 3) == 0 ? " ascii wide" :
	    sb_below(g, 2) == 0 ? " nocase" : "");
}

static void
put_rule(FILE *f, struct sb_rng *g, unsigned file, unsigned n, FILE *plant)
{
	char word[16];
	unsigned k, nstr = 2 + sb_below(g, 5);
	bool regex;

	fprintf(f, "rule SB_WebShell_%02u_%03u {\n\tmeta:\n"
	    "\t\tdescription = \"generated web-shell-shaped rule\"\n"
	    "\t\tscore = %u\n\tstrings:\n", file, n, 50 + sb_below(g, 51));
	for (k = 0; k < nstr; k++)
		put_string(f, g, k, word, sizeof(word), n < 12 ? plant : NULL);
	fprintf(f, "\t\t$h0 = { 4D 5A ?? 00 %02X %02X [2-8] %02X }\n",
	    sb_below(g, 256), sb_below(g, 256), sb_below(g, 256));
	if ((regex = sb_below(g, 4) == 0)) {
		(void)sb_word(g, word, sizeof(word), 0);
		fprintf(f, "\t\t$r0 = /%s\\s*\\(\\s*Request\\[[^\\]]{1,32}\\]/"
		    " nocase\n", word);
	}
	/* YARA refuses strings no condition names. */
	fprintf(f, "\tcondition:\n\t\t(%s) or $h0%s\n}\n\n",
	    conditions[sb_below(g, NCONDS)], regex ? " or $r0" : "");
}

static void
write_yara(const char *dir, struct sb_rng *g)
{
	char name[64];
	unsigned fi, n = 0, per;
	FILE *f, *plant = open_out(dir, "samples/shell.txt");

	fprintf(plant, "<%%@ Page Language=\"C#\" %%>\r\n");
	for (fi = 0; fi < NYARA_FILES; fi++) {
		snprintf(name, sizeof(name), "rules/yara/sb-%02u.yar", fi);
		f = open_out(dir, name);
		per = NYARA_RULES / NYARA_FILES +
		    (fi < NYARA_RULES % NYARA_FILES);
		for (; per > 0; per--)
			put_rule(f, g, fi, n++, plant);
		if (fclose(f) != 0)
			die(name);
	}
	if (fclose(plant) != 0)
		die("samples/shell.txt");
}

static void
put_hex(FILE *f, struct sb_rng *g, unsigned digits)
{
	while (digits-- > 0)
		fputc("0123456789abcdef"[sb_below(g, 16)], f);
}

/* Hashes: half SHA-256, a third MD5, the rest SHA-1, as such lists mix. */
static void
write_iocs(const char *dir, struct sb_rng *g)
{
	FILE *f = open_out(dir, "iocs/filename-iocs.txt");
	FILE *h = open_out(dir, "iocs/hash-iocs.txt");
	FILE *h256 = open_out(dir, "iocs-sha256/hash-iocs.txt");
	char line[1024];
	unsigned i, r, digits;

	for (i = 0; i < NPATH_IOCS; i++) {
		if (i % 50 == 0)
			fprintf(f, "# generated group %u\n", i / 50);
		sb_ioc_line(g, line, sizeof(line), true);
		fprintf(f, "%s\n", line);
	}
	for (i = 0; i < NHASHES; i++) {
		r = sb_below(g, 6);
		digits = r < 3 ? 64 : r < 5 ? 32 : 40;
		put_hex(h, g, digits);
		fprintf(h, ";generated entry %u\n", i);
	}
	/* The SHA-256 list again alone, for the row without MD5/SHA-1. */
	fprintf(h256, "%s\n", "# SHA-256 entries only");
	for (i = 0; i < NHASHES / 2; i++) {
		put_hex(h256, g, 64);
		fprintf(h256, ";generated entry %u\n", i);
	}
	if (fclose(f) != 0 || fclose(h) != 0 || fclose(h256) != 0)
		die("iocs");
}

static const char *const folders[] = {
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\15.1.2375",
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\ecp\\auth",
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\ClientAccess\\ecp\\scripts",
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\ClientAccess\\Owa\\prem\\15.1.2375\\scripts",
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\Bin",
	"\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\Logging\\Diagnostics",
	"\\inetpub\\wwwroot\\aspnet_client\\system_web",
	"\\Windows\\System32",
	"\\Windows\\Temp",
	"\\ProgramData\\Microsoft",
};
#define NFOLDERS (sizeof(folders) / sizeof(folders[0]))

static const char *const exts[] = { ".aspx", ".js", ".css", ".dll",
    ".xml", ".log", ".config", ".ashx" };
#define NEXTS (sizeof(exts) / sizeof(exts[0]))

static void
write_samples(const char *dir)
{
	FILE *f = open_out(dir, "samples/page.txt");
	unsigned i;

	for (i = 0; i < 40; i++)
		fprintf(f, "<asp:Label ID=\"lbl%u\" runat=\"server\" "
		    "Text=\"Outlook on the web\" CssClass=\"owaText\" />\r\n", i);
	if (fclose(f) != 0)
		die("samples/page.txt");
}

/* Between 200 bytes and 800 KB, each power of two as likely: many small
 * files, a tail of big ones (about 100 KB on average). */
static unsigned long
fsize(struct sb_rng *g)
{
	unsigned long base = 200ul << sb_below(g, 12);

	return base + sb_below(g, (uint32_t)base);
}

static void
write_tree(const char *dir, struct sb_rng *g, unsigned nfiles)
{
	FILE *f = open_out(dir, "tree.spec");
	unsigned long total = 0, size, mb;
	unsigned i, e;
	char word[16];

	/* Room for the average size twice over, and NTFS's own files. */
	mb = 64 + (unsigned long)nfiles * 180 / 1024;
	fprintf(f, "disk gpt size=%luM\npart ntfs start=2048 size=%luM "
	    "label=SYSTEM\n", mb + 16, mb);
	for (i = 0; i < nfiles; i++) {
		e = sb_below(g, NEXTS);
		(void)sb_word(g, word, sizeof(word), 0);
		size = fsize(g);
		total += size;
		if (i % 500 == 7)
			fprintf(f, "file %s\\%s%u.aspx from:samples/shell.txt\n",
			    folders[sb_below(g, NFOLDERS)], word, i);
		else if (exts[e][1] == 'd')
			fprintf(f, "file %s\\%s%u%s size=%lu fill=random:%u\n",
			    folders[sb_below(g, NFOLDERS)], word, i, exts[e],
			    size, i + 1);
		else
			fprintf(f, "file %s\\%s%u%s size=%lu "
			    "fill=from:samples/page.txt\n",
			    folders[sb_below(g, NFOLDERS)], word, i, exts[e],
			    size);
	}
	if (fclose(f) != 0)
		die("tree.spec");
	fprintf(stderr, "mksigbase: %u files, %lu bytes of content\n", nfiles,
	    total);
}

int
main(int argc, char **argv)
{
	struct sb_rng g = { 0x51ba5e5eed2026ull };
	unsigned long nfiles = 3000;
	char *end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mksigbase DIR [FILES]\n");
		return 2;
	}
	if (argc == 3) {
		errno = 0;
		nfiles = strtoul(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || nfiles == 0 ||
		    nfiles > 1000000) {
			fprintf(stderr, "mksigbase: FILES: 1..1000000\n");
			return 2;
		}
	}
	mkdirs(argv[1]);
	write_yara(argv[1], &g);
	write_iocs(argv[1], &g);
	write_samples(argv[1]);
	write_tree(argv[1], &g, (unsigned)nfiles);
	return 0;
}
