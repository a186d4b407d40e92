/*
 * Shapes of a signature-base-sized filename IOC list and of the paths it
 * meets, written for exhume's tests and bench (counts and shapes only, no
 * third-party text): regexes built from fragments (folders, names,
 * classes, quantified letters, alternations, anchors, escapes, non-ASCII),
 * some with a false-positive regex, some with negative scores.  Included
 * by tests/unit/test_rules_pathauto.c and tests/tools/mksigbase.c.
 */
#ifndef EXHUME_TEST_SIGBASE_SHAPE_H
#define EXHUME_TEST_SIGBASE_SHAPE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct sb_rng {
	uint64_t s;
};

static inline uint32_t
sb_next(struct sb_rng *g)
{
	/* xorshift64*: reproducible from the seed on every machine. */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 2685821657736338717ull) >> 32);
}

static inline uint32_t
sb_below(struct sb_rng *g, uint32_t n)
{
	return n == 0 ? 0 : sb_next(g) % n;
}

/* A regex fragment and a text it matches. */
struct sb_frag {
	const char *re;
	const char *text;
};

static const struct sb_frag sb_frags[] = {
	{ "\\\\inetpub\\\\wwwroot\\\\", "\\inetpub\\wwwroot\\" },
	{ "aspnet_client\\\\", "aspnet_client\\" },
	{ "\\\\FrontEnd\\\\HttpProxy\\\\", "\\FrontEnd\\HttpProxy\\" },
	{ "(?:owa|ecp)\\\\auth\\\\", "owa\\auth\\" },
	{ "\\\\Temp\\\\", "\\Temp\\" },
	{ "\\\\ProgramData\\\\", "\\ProgramData\\" },
	{ "\\\\Users\\\\Public\\\\", "\\Users\\Public\\" },
	{ "\\\\Windows\\\\System32\\\\", "\\Windows\\System32\\" },
	{ "[a-z]{8}", "qwertyui" },
	{ "[0-9a-f]{4,}", "beef" },
	{ "[^\\\\]+", "name" },
	{ "\\d+", "2024" },
	{ "\\w{3}", "abc" },
	{ ".*", "any" },
	{ "\\.aspx$", ".aspx" },
	{ "\\.ashx", ".ashx" },
	{ "\\.(?:exe|dll)$", ".dll" },
	{ "\\.ps1", ".ps1" },
	{ "svc(h|ho)st", "svchost" },
	{ "mimi(katz)?", "mimikatz" },
	{ "shel+", "shell" },
	{ "ab?c", "ac" },
	{ "x{2,3}", "xxx" },
	{ "lsass\\.dmp", "lsass.dmp" },
	{ "(?i)", "" },
	{ "(?#note)", "" },
	{ "\\bsupp0rt", "supp0rt" },
	{ "\\x41", "A" },
	{ "Привет", "Привет" },
	{ "kskS", "kskS" },
	{ "\\{x\\}", "{x}" },
	{ "[[:alpha:]]+", "abc" },
	{ "^C:", "C:" },
	{ "errorFE", "errorFE" },
	{ "TimeoutLogout", "TimeoutLogout" },
	{ "\\\\nc\\.exe", "\\nc.exe" },
	{ "web\\.config", "web.config" },
	{ "[\\\\/]tmp[\\\\/]", "/tmp/" },
	{ "(\\\\|/)Public(\\\\|/)", "\\Public\\" },
};

#define SB_NFRAGS (sizeof(sb_frags) / sizeof(sb_frags[0]))

static inline const struct sb_frag *
sb_frag(struct sb_rng *g)
{
	return &sb_frags[sb_below(g, SB_NFRAGS)];
}

static inline size_t
sb_cat(char *buf, size_t len, size_t at, const char *s)
{
	int n;

	if (at >= len)
		return at;
	n = snprintf(buf + at, len - at, "%s", s);
	return n < 0 ? at : at + (size_t)n;
}

/* A random lower-case word of 3 to 9 letters. */
static inline size_t
sb_word(struct sb_rng *g, char *buf, size_t len, size_t at)
{
	char w[12];
	uint32_t i, n = 3 + sb_below(g, 7);

	for (i = 0; i < n; i++)
		w[i] = (char)('a' + sb_below(g, 26));
	w[n] = '\0';
	return sb_cat(buf, len, at, w);
}

/*
 * One IOC line "REGEX;SCORE[;FP_REGEX]": two to four fragments, words
 * that make it rare (always one when rare: real lists name specific
 * files, and generic entries would match every path), sometimes a second
 * top-level alternative; one in
 * ten has a negative score (a false-positive entry), one in eight an FP
 * regex.
 */
static inline void
sb_ioc_line(struct sb_rng *g, char *buf, size_t len, bool rare)
{
	size_t at = 0;
	uint32_t i, n = 2 + sb_below(g, 3), alt = sb_below(g, 8) == 0;
	int score;

	buf[0] = '\0';
	for (;;) {
		for (i = 0; i < n; i++) {
			at = sb_cat(buf, len, at, sb_frag(g)->re);
			if ((rare && i == 0) || sb_below(g, 3) == 0)
				at = sb_word(g, buf, len, at);
		}
		if (!alt)
			break;
		alt = 0;
		at = sb_cat(buf, len, at, "|");
	}
	score = sb_below(g, 10) == 0 ? -(int)(10 + sb_below(g, 90)) :
	    (int)(40 + sb_below(g, 61));
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, ";%d", score);
	if (sb_below(g, 8) == 0) {
		at = sb_cat(buf, len, at, ";");
		at = sb_cat(buf, len, at, sb_frag(g)->re);
	}
}

/* Case flips, and 'k'/'s' sometimes as KELVIN SIGN and LONG S. */
static inline void
sb_mangle(struct sb_rng *g, const char *in, char *out, size_t len)
{
	size_t at = 0;

	for (; *in != '\0' && at + 4 < len; in++) {
		char c = *in;

		if ((c == 'k' || c == 'K') && sb_below(g, 16) == 0) {
			memcpy(out + at, "\xe2\x84\xaa", 3);
			at += 3;
			continue;
		}
		if (c == 's' && sb_below(g, 16) == 0) {
			memcpy(out + at, "\xc5\xbf", 2);
			at += 2;
			continue;
		}
		if (c >= 'a' && c <= 'z' && sb_below(g, 6) == 0)
			c = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z' && sb_below(g, 6) == 0)
			c = (char)(c - 'A' + 'a');
		out[at++] = c;
	}
	out[at] = '\0';
}

/* A path: "C:" and folders, fragment texts among random words. */
static inline void
sb_path(struct sb_rng *g, char *buf, size_t len)
{
	char raw[1024];
	size_t at = sb_cat(raw, sizeof(raw), 0, "C:");
	uint32_t i, n = 2 + sb_below(g, 6);

	for (i = 0; i < n; i++) {
		if (sb_below(g, 2) == 0) {
			at = sb_cat(raw, sizeof(raw), at, sb_frag(g)->text);
		} else {
			at = sb_cat(raw, sizeof(raw), at, "\\");
			at = sb_word(g, raw, sizeof(raw), at);
		}
	}
	sb_mangle(g, raw, buf, len);
}

#endif /* EXHUME_TEST_SIGBASE_SHAPE_H */
