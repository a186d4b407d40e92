/* The Exchange build table (rules/exchange-builds.tsv) and the per-family patch verdict. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

#define FIX_NONE	0	/* "-": this CU never got the fix */
#define FIX_BUILD	1	/* fixing build (low == high unless disputed) */
#define FIX_NA		2	/* "n/a": family does not apply */

struct fix {
	int kind;
	unsigned low[4];
	unsigned high[4];
	bool disputed;
};

struct cu_row {
	int version;
	char cu[32];
	unsigned base[4];
	struct fix fix[EXH_FAM_COUNT];
};

struct kb_row {
	int family;
	unsigned long min_kb;
};

struct exh_builds {
	struct cu_row *rows;
	size_t nrows;
	struct kb_row *kbs;
	size_t nkbs;
};

static const char *const family_names[EXH_FAM_COUNT] = {
	"ProxyLogon", "ProxyShell", "ProxyNotShell",
};

const char *
exh_family_name(int family)
{
	if (family < 0 || family >= EXH_FAM_COUNT)
		return "unknown";
	return family_names[family];
}

const char *
exh_verdict_name(int verdict)
{
	switch (verdict) {
	case EXH_VERDICT_VULNERABLE:
		return "vulnerable";
	case EXH_VERDICT_FIXED:
		return "fixed";
	case EXH_VERDICT_NOT_AFFECTED:
		return "not affected";
	default:
		return "unknown";
	}
}

int
host_parse_build(const char *s, unsigned v[4])
{
	int i;
	char *end;

	if (s == NULL)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned long n;

		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno != 0 || n > 0xffff)
			return -1;
		v[i] = (unsigned)n;
		if (i < 3 && *end != '.')
			return -1;
		s = end + 1;
	}
	return *end == '\0' ? 0 : -1;
}

int
host_build_cmp(const unsigned a[4], const unsigned b[4])
{
	int i;

	for (i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int
family_parse(const char *s)
{
	int i;

	for (i = 0; i < EXH_FAM_COUNT; i++)
		if (exh_ascii_iequal(s, family_names[i]))
			return i;
	return -1;
}

static int
fix_parse(const char *s, const unsigned base[4], struct fix *f)
{
	char low[32];
	const char *bar;

	memset(f, 0, sizeof(*f));
	if (strcmp(s, "-") == 0)
		return 0;
	if (strcmp(s, "n/a") == 0) {
		f->kind = FIX_NA;
		return 0;
	}
	f->kind = FIX_BUILD;
	if (strcmp(s, "cu") == 0) {
		memcpy(f->low, base, sizeof(f->low));
		memcpy(f->high, base, sizeof(f->high));
		return 0;
	}
	bar = strchr(s, '|');
	if (bar == NULL) {
		if (host_parse_build(s, f->low) != 0)
			return -1;
		memcpy(f->high, f->low, sizeof(f->high));
		return 0;
	}
	if ((size_t)(bar - s) >= sizeof(low))
		return -1;
	memcpy(low, s, (size_t)(bar - s));
	low[bar - s] = '\0';
	if (host_parse_build(low, f->low) != 0 ||
	    host_parse_build(bar + 1, f->high) != 0 ||
	    host_build_cmp(f->low, f->high) > 0)
		return -1;
	f->disputed = true;
	return 0;
}

static int
parse_build_row(struct exh_builds *b, char *line, const struct exh_lines *lr,
    const char *path, struct exh_err *err)
{
	char *f[8];
	size_t n = exh_fields_split(line, f, 8), i;
	struct cu_row row;
	void *grown;

	if (strcmp(f[0], "kb") == 0) {
		struct kb_row kr;
		char *end;

		if (n < 3 || (kr.family = family_parse(f[1])) < 0)
			goto bad;
		errno = 0;
		kr.min_kb = strtoul(f[2], &end, 10);
		if (errno != 0 || *end != '\0' || end == f[2])
			goto bad;
		grown = realloc(b->kbs, (b->nkbs + 1) * sizeof(*b->kbs));
		if (grown == NULL)
			goto nomem;
		b->kbs = grown;
		b->kbs[b->nkbs++] = kr;
		return EXH_OK;
	}
	if (n < 6)
		goto bad;
	memset(&row, 0, sizeof(row));
	if (strcmp(f[0], "2010") == 0 || strcmp(f[0], "2013") == 0 ||
	    strcmp(f[0], "2016") == 0 || strcmp(f[0], "2019") == 0)
		row.version = (int)strtol(f[0], NULL, 10);
	else
		goto bad;
	if (strlen(f[1]) >= sizeof(row.cu) ||
	    host_parse_build(f[2], row.base) != 0)
		goto bad;
	memcpy(row.cu, f[1], strlen(f[1]) + 1);
	for (i = 0; i < EXH_FAM_COUNT; i++)
		if (fix_parse(f[3 + i], row.base, &row.fix[i]) != 0)
			goto bad;
	grown = realloc(b->rows, (b->nrows + 1) * sizeof(*b->rows));
	if (grown == NULL)
		goto nomem;
	b->rows = grown;
	b->rows[b->nrows++] = row;
	return EXH_OK;
bad:
	return exh_lines_fail(lr, err, EXH_ECORRUPT,
	    "malformed build table line");
nomem:
	return exh_err_set(err, EXH_ENOMEM, ENOMEM, "%s: out of memory", path);
}

int
exh_builds_load(const char *tsv_path, struct exh_builds **out,
    struct exh_err *err)
{
	struct exh_builds *b;
	struct exh_lines *lr = NULL;
	FILE *f;
	char *line;
	size_t len;
	int rc;

	f = fopen(tsv_path, "re");
	if (f == NULL)
		return exh_err_set(err, errno == ENOENT ? EXH_ENOTFOUND :
		    EXH_EIO, errno, "%s: cannot open build table: %s",
		    tsv_path, exh_strerror(errno));
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		fclose(f);
		return exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	}
	rc = exh_lines_open(f, tsv_path, EXH_LINES_SKIP_BLANK |
	    EXH_LINES_SKIP_COMMENT, &lr, err);
	while (rc == EXH_OK &&
	    (rc = exh_lines_next(lr, &line, &len, err)) == EXH_OK)
		rc = parse_build_row(b, line, lr, tsv_path, err);
	if (rc == EXH_STOP)
		rc = EXH_OK;
	exh_lines_close(lr);
	fclose(f);
	if (rc == EXH_OK && b->nrows == 0)
		rc = exh_err_set(err, EXH_ECORRUPT, 0,
		    "%s: build table has no rows", tsv_path);
	if (rc != EXH_OK) {
		exh_builds_free(b);
		return rc;
	}
	*out = b;
	return EXH_OK;
}

void
exh_builds_free(struct exh_builds *b)
{
	if (b == NULL)
		return;
	free(b->rows);
	free(b->kbs);
	free(b);
}

unsigned long
host_builds_fix_kb(const struct exh_builds *b, int family, unsigned long kb)
{
	unsigned long best = 0;
	size_t i;

	for (i = 0; b != NULL && i < b->nkbs; i++)
		if (b->kbs[i].family == family && kb >= b->kbs[i].min_kb &&
		    (best == 0 || b->kbs[i].min_kb < best))
			best = b->kbs[i].min_kb;
	return best;
}

static int
version_of(const unsigned v[4])
{
	if (v[0] == 14 && v[1] == 3)
		return 2010;
	if (v[0] == 15 && v[1] == 0)
		return 2013;
	if (v[0] == 15 && v[1] == 1)
		return 2016;
	if (v[0] == 15 && v[1] == 2)
		return 2019;
	return 0;
}

/* Four numbers up to 65535 (host_parse_build) always fit 24 bytes. */
static bool
fmt_build(char *dst, size_t len, const unsigned v[4])
{
	int n = snprintf(dst, len, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);

	return n >= 0 && (size_t)n < len;
}

/* False (dst empty) when the fix does not fit: never a cut build. */
static bool
fmt_fix(char *dst, size_t len, const struct fix *f)
{
	char lo[24], hi[24];
	int n;

	if (!fmt_build(lo, sizeof(lo), f->low) ||
	    !fmt_build(hi, sizeof(hi), f->high))
		n = -1;
	else if (f->disputed)
		n = snprintf(dst, len, "%s|%s", lo, hi);
	else
		n = snprintf(dst, len, "%s", lo);
	if (n < 0 || (size_t)n >= len) {
		dst[0] = '\0';
		return false;
	}
	return true;
}

/* Judges build v against one fix: fixed, vulnerable or unknown. */
static int
judge(const unsigned v[4], const struct fix *f)
{
	if (host_build_cmp(v, f->high) >= 0)
		return EXH_VERDICT_FIXED;
	if (host_build_cmp(v, f->low) >= 0)
		return EXH_VERDICT_UNKNOWN;
	return EXH_VERDICT_VULNERABLE;
}

/*
 * The verdict's reason as display text (cut to fit, as every phrase here
 * is sized for it) and as a message for the report's language.
 */
static void
verdict_reason(struct exh_verdict *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
verdict_reason(struct exh_verdict *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	exh_msg_vsetf(&out->why, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	(void)vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

int
exh_builds_verdict(const struct exh_builds *b, const char *build, int family,
    struct exh_verdict *out)
{
	const struct cu_row *own = NULL, *newest = NULL, *r;
	unsigned v[4];
	int version, any_na = 0;
	size_t i;
	char fix[56];

	if (b == NULL || out == NULL || family < 0 || family >= EXH_FAM_COUNT)
		return EXH_EUSAGE;
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->verdict = EXH_VERDICT_UNKNOWN;
	if (host_parse_build(build, v) != 0) {
		/* A literal shorter than reason. */
		verdict_reason(out, "no usable build number");
		return EXH_EUSAGE;
	}
	version = version_of(v);
	for (i = 0; i < b->nrows; i++) {
		r = &b->rows[i];
		if (r->version != version)
			continue;
		if (r->base[2] == v[2] && host_build_cmp(r->base, v) <= 0)
			own = r;
		if (r->fix[family].kind == FIX_NA)
			any_na = 1;
		if (r->fix[family].kind == FIX_BUILD && (newest == NULL ||
		    host_build_cmp(r->base, newest->base) > 0))
			newest = r;
	}
	/*
	 * out->reason is display text sized for the longest phrase below
	 * (a CU name, a disputed fix and a build); cu and fixed_build are
	 * data, so one that does not fit is an error, never cut.
	 */
	if (own != NULL) {
		if (snprintf(out->cu, sizeof(out->cu), "%s", own->cu) >=
		    (int)sizeof(out->cu))
			goto too_long;
		if (own->fix[family].kind == FIX_BUILD &&
		    !fmt_fix(out->fixed_build, sizeof(out->fixed_build),
		    &own->fix[family]))
			goto too_long;
	}
	if (version == 0) {
		verdict_reason(out, "build %s is not Exchange 2010 SP3, 2013, "
		    "2016 or 2019", build);
		return EXH_OK;
	}
	if (newest == NULL) {
		out->verdict = any_na ? EXH_VERDICT_NOT_AFFECTED :
		    EXH_VERDICT_UNKNOWN;
		if (any_na)
			verdict_reason(out, "%s does not affect Exchange %d",
			    exh_family_name(family), version);
		else
			verdict_reason(out, "the build table has no %s fix for "
			    "Exchange %d", exh_family_name(family), version);
		return EXH_OK;
	}
	/* Newer than the newest fixed CU's fix: contains the fix. */
	if (host_build_cmp(v, newest->fix[family].high) >= 0) {
		out->verdict = EXH_VERDICT_FIXED;
		if (!fmt_fix(fix, sizeof(fix), &newest->fix[family]))
			goto too_long;
		verdict_reason(out, "build %s is at or above %s (%s)", build,
		    fix, newest->cu);
		return EXH_OK;
	}
	if (own == NULL) {
		out->verdict = EXH_VERDICT_VULNERABLE;
		verdict_reason(out, "build %s belongs to no CU that received "
		    "the %s fix", build, exh_family_name(family));
		return EXH_OK;
	}
	if (own->fix[family].kind != FIX_BUILD) {
		out->verdict = EXH_VERDICT_VULNERABLE;
		verdict_reason(out, "%s never received the %s fix; upgrade "
		    "the CU", own->cu, exh_family_name(family));
		return EXH_OK;
	}
	out->verdict = judge(v, &own->fix[family]);
	if (out->verdict == EXH_VERDICT_UNKNOWN)
		verdict_reason(out, "sources disagree on the fixing build of "
		    "%s (%s); build %s lies between", own->cu, out->fixed_build,
		    build);
	else if (out->verdict == EXH_VERDICT_FIXED)
		verdict_reason(out, "build %s is at or above %s fixing build %s",
		    build, own->cu, out->fixed_build);
	else
		verdict_reason(out, "build %s is below %s fixing build %s",
		    build, own->cu, out->fixed_build);
	return EXH_OK;
too_long:
	out->verdict = EXH_VERDICT_UNKNOWN;
	verdict_reason(out, "build table entry too long");	/* a literal: fits */
	return EXH_EUSAGE;
}
