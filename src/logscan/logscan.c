/* Streams text logs through the loaded checks: header mapping, CSV/W3C split, gzip. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

#define CHUNK		(256u * 1024u)	/* one read */
#define LINE_CAP	(1024u * 1024u)	/* longer lines are skipped */
#define ZIN_SIZE	(64u * 1024u)
#define MAXCOLS		1024u
#define EXCERPT_MAX	4096u

static const char *const family_names[EXH_LOG_NFAMILIES] = {
	"unknown", "httpproxy", "ecp-server", "oabgen", "iis", "rps-http",
};

struct fld {
	const char *p;
	size_t n;
};

/* State for one file; allocated once per file, never per line. */
struct scan {
	struct exh_logscan *ls;
	int family;
	const char *winpath;
	struct exh_findings *out;
	struct exh_err *err;

	exh_read_fn rd;
	void *rctx;
	bool started, gz, zinit, zeof, zend;
	z_stream z;
	unsigned char *zin;
	size_t zpend_pos, zpend_len;	/* plain bytes peeked for the magic */

	char *buf;
	size_t cap;
	char *scratch;
	size_t sused;
	struct fld *f;
	size_t nf;			/* columns split so far */
	const char *sp_p;		/* the text being split */
	size_t sp_n, sp;
	bool sdone;

	char *hdr;			/* raw text of the current header */
	size_t hdrlen, hdrcap, first_name_len;
	bool have_hdr, space_sep;
	size_t ncols, need;
	int *col_of;
	int c_time, c_date, c_clock, c_ip, c_ua, c_stem;

	uint64_t lineno, rows, nbad, first_bad;
	uint64_t junk, trunc, overlong, nohdr;
	char zwhy[160];
	int64_t first, last;

	const char *line;
	size_t linelen;
	int64_t t;
	char hit[512];			/* detail from the last matching set */
	const char *capp;		/* oab-outside capture */
	size_t capn;
	bool cap_fallback;
	struct logscan_rx rx;		/* for the regex clauses */
	uint64_t *memo_at;		/* line a shared clause result is for */
	bool *memo_val;
};

const char *
exh_log_family_name(int family)
{
	if (family <= EXH_LOG_UNKNOWN || family >= EXH_LOG_NFAMILIES)
		return family_names[0];
	return family_names[family];
}

int
exh_log_family_parse(const char *name)
{
	int i;

	for (i = 1; i < EXH_LOG_NFAMILIES; i++)
		if (strcmp(name, family_names[i]) == 0)
			return i;
	return EXH_LOG_UNKNOWN;
}

/* ---- handle ------------------------------------------------------------ */

int
exh_logscan_create(const char *rules_dir, struct exh_logscan **out,
    struct exh_err *err)
{
	struct exh_logscan *ls;
	int status;

	if (rules_dir == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "logscan: create: no rules directory");
	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "logscan: create: out of memory");
	ls->magic = LOGSCAN_MAGIC;
	if ((status = logscan_load_rules(ls, rules_dir, err)) != EXH_OK) {
		exh_logscan_destroy(ls);
		return status;
	}
	*out = ls;
	return EXH_OK;
}

void
exh_logscan_destroy(struct exh_logscan *ls)
{
	if (ls == NULL)
		return;
	logscan_free_rules(ls);
	logscan_strset_free(&ls->flagged);
	free(ls->install);
	ls->magic = 0;
	free(ls);
}

void
exh_logscan_set_install_path(struct exh_logscan *ls, const char *path)
{
	size_t n;

	if (ls == NULL || ls->magic != LOGSCAN_MAGIC)
		return;
	free(ls->install);
	ls->install = NULL;
	if (path == NULL || path[0] == '\0')
		return;
	n = strlen(path);
	if ((ls->install = malloc(n + 2)) == NULL)
		return;
	memcpy(ls->install, path, n + 1);
	/* Test-ProxyLogon relies on the registry value's trailing
	 * backslash; supply it when a caller passes the path without. */
	if (path[n - 1] != '\\') {
		ls->install[n] = '\\';
		ls->install[n + 1] = '\0';
	}
}

int
exh_logscan_add_flagged_url(struct exh_logscan *ls, const char *url_path,
    const char *finding_id, struct exh_err *err)
{
	if (ls == NULL || ls->magic != LOGSCAN_MAGIC || url_path == NULL ||
	    url_path[0] == '\0')
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "logscan: flagged URL: bad handle or empty path");
	if (logscan_strset_put(&ls->flagged, url_path, strlen(url_path),
	    finding_id) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "logscan: flagged URL: out of memory");
	return EXH_OK;
}

size_t
exh_logscan_coverage_count(const struct exh_logscan *ls)
{
	return (ls != NULL && ls->magic == LOGSCAN_MAGIC) ? ls->ncov : 0;
}

const struct exh_log_coverage *
exh_logscan_coverage(const struct exh_logscan *ls, size_t i)
{
	if (ls == NULL || ls->magic != LOGSCAN_MAGIC || i >= ls->ncov)
		return NULL;
	return &ls->covlist[i];
}

static void
coverage_refresh(struct exh_logscan *ls)
{
	int fam;

	ls->ncov = 0;
	for (fam = 1; fam < EXH_LOG_NFAMILIES; fam++)
		if (ls->cov[fam].files > 0)
			ls->covlist[ls->ncov++] = ls->cov[fam];
}

/* ---- path classification ----------------------------------------------- */

static bool
ends_log(const char *name)
{
	return exh_ascii_iends(name, ".log") || exh_ascii_iends(name, ".log.gz");
}

int
exh_log_family_for_path(const char *winpath, const char *install_path)
{
	char p[4096], inst[4096], *rel, *last, *parent, *gparent, *s;
	size_t n, i;

	if (winpath == NULL || (n = strlen(winpath)) >= sizeof(p))
		return EXH_LOG_UNKNOWN;
	for (i = 0; i <= n; i++)
		p[i] = winpath[i] == '/' ? '\\' : winpath[i];
	/* IIS: ...\LogFiles\W3SVC<id>\u_ex*.log, wherever the site logs. */
	last = strrchr(p, '\\');
	if (last != NULL) {
		*last = '\0';
		parent = strrchr(p, '\\');
		if (parent != NULL) {
			*parent = '\0';
			gparent = strrchr(p, '\\');
			gparent = gparent ? gparent + 1 : p;
			if (exh_ascii_iequal(gparent, "LogFiles") &&
			    exh_ascii_istarts(parent + 1, "W3SVC") &&
			    exh_ascii_istarts(last + 1, "u_ex") &&
			    ends_log(last + 1))
				return EXH_LOG_IIS;
			*parent = '\\';
		}
		*last = '\\';
	}
	rel = NULL;
	if (install_path != NULL && install_path[0] != '\0') {
		n = strlen(install_path);
		if (n + 2 > sizeof(inst))
			return EXH_LOG_UNKNOWN;
		for (i = 0; i <= n; i++)
			inst[i] = install_path[i] == '/' ? '\\' :
			    install_path[i];
		if (inst[n - 1] != '\\') {
			inst[n] = '\\';
			inst[n + 1] = '\0';
		}
		if (exh_ascii_istarts(p, inst))
			rel = p + strlen(inst);
	} else if ((s = (char *)exh_ascii_istrstr(p, "\\Logging\\")) != NULL) {
		rel = s + 1;
	}
	if (rel == NULL)
		return EXH_LOG_UNKNOWN;
	if (exh_ascii_istarts(rel, "Logging\\HttpProxy\\")) {
		s = rel + strlen("Logging\\HttpProxy\\");
		if (strchr(s, '\\') != NULL && ends_log(s))
			return EXH_LOG_HTTPPROXY;
	} else if (exh_ascii_istarts(rel, "Logging\\ECP\\Server\\")) {
		s = rel + strlen("Logging\\ECP\\Server\\");
		if (strchr(s, '\\') == NULL && ends_log(s))
			return EXH_LOG_ECP_SERVER;
	} else if (exh_ascii_istarts(rel, "Logging\\OABGeneratorLog\\")) {
		s = rel + strlen("Logging\\OABGeneratorLog\\");
		if (*s != '\0' && s[strlen(s) - 1] != '\\')
			return EXH_LOG_OABGEN;
	} else if (exh_ascii_istarts(rel,
	    "Logging\\CmdletInfra\\Powershell-Proxy\\Http\\")) {
		s = rel + strlen("Logging\\CmdletInfra\\Powershell-Proxy\\Http\\");
		if (*s != '\0' && strchr(s, '\\') == NULL)
			return EXH_LOG_RPS_HTTP;
	}
	return EXH_LOG_UNKNOWN;
}

/* ---- reading (plain or gzip) ------------------------------------------- */

static int
raw_read(struct scan *sc, void *dst, size_t len, size_t *got)
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
start(struct scan *sc)
{
	size_t got;
	int status;

	sc->started = true;
	/* Peek enough bytes to see the gzip magic (rotated .gz logs). */
	while (sc->zpend_len < 2) {
		status = raw_read(sc, sc->zin + sc->zpend_len,
		    ZIN_SIZE - sc->zpend_len, &got);
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
zdamage(struct scan *sc, const char *why)
{
	snprintf(sc->zwhy, sizeof(sc->zwhy), "gzip: %s after %lu bytes of "
	    "log text", why, (unsigned long)sc->z.total_out);
	sc->zend = true;
}

static int
gz_read(struct scan *sc, char *dst, size_t len, size_t *got)
{
	size_t n;
	int ret, status;

	*got = 0;
	while (*got == 0 && !sc->zend) {
		if (sc->z.avail_in == 0 && !sc->zeof) {
			if ((status = raw_read(sc, sc->zin, ZIN_SIZE, &n)) !=
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
				if ((status = raw_read(sc, sc->zin, ZIN_SIZE,
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

static int
next_bytes(struct scan *sc, char *dst, size_t len, size_t *got)
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

/* ---- splitting ----------------------------------------------------------- */

/*
 * Rows are split lazily: a check asks for a column and the split goes only
 * that far, so the long tail of an HttpProxy row is rarely touched.
 */

/* Offset of the first ',' in p[i..n), or n.  Columns are short, so one
 * 16-byte compare usually finds it; the tail is a plain loop. */
static size_t
find_comma(const char *p, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(',');

	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + i)),
		    comma));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && p[i] != ',')
		i++;
	return i;
}

/* Exchange CSV: fields split at commas; "..." quoting with "" for a quote.
 * Quoted values are unquoted into sc->scratch. */
static void
more_csv(struct scan *sc, size_t need)
{
	const char *p = sc->sp_p, *c;
	size_t n = sc->sp_n, i = sc->sp;

	while (sc->nf < need && !sc->sdone) {
		struct fld *f = &sc->f[sc->nf++];

		if (i < n && p[i] == '"') {
			char *dst = sc->scratch + sc->sused;
			size_t dn = 0;
			const char *q;

			for (i++;;) {
				q = memchr(p + i, '"', n - i);
				if (q == NULL) {
					memcpy(dst + dn, p + i, n - i);
					dn += n - i;
					i = n;
					break;
				}
				memcpy(dst + dn, p + i, (size_t)(q - p) - i);
				dn += (size_t)(q - p) - i;
				i = (size_t)(q - p) + 1;
				if (i < n && p[i] == '"') {
					dst[dn++] = '"';
					i++;
					continue;
				}
				break;
			}
			f->p = dst;
			f->n = dn;
			sc->sused += dn;
			c = memchr(p + i, ',', n - i);
		} else {
			/* Most columns are a few bytes: one SIMD compare (or a
			 * plain loop) beats a memchr call per column. */
			size_t q = find_comma(p, i, n);

			c = q < n ? p + q : NULL;
			f->p = p + i;
			f->n = q - i;
		}
		if (c == NULL || sc->nf == MAXCOLS)
			sc->sdone = true;
		else
			i = (size_t)(c - p) + 1;
	}
	sc->sp = i;
}

/* W3C: fields split at single spaces, "-" is empty, '+' in the user
 * agent stands for a space. */
static void
more_w3c(struct scan *sc, size_t need)
{
	const char *p = sc->sp_p, *c;
	size_t n = sc->sp_n, i = sc->sp, e, j;

	while (sc->nf < need && !sc->sdone) {
		struct fld *f = &sc->f[sc->nf];

		c = memchr(p + i, ' ', n - i);
		e = c ? (size_t)(c - p) : n;
		f->p = p + i;
		f->n = e - i;
		if (f->n == 1 && p[i] == '-')
			f->n = 0;
		if ((int)sc->nf == sc->c_ua && f->n > 0) {
			char *dst = sc->scratch + sc->sused;

			for (j = 0; j < f->n; j++)
				dst[j] = p[i + j] == '+' ? ' ' : p[i + j];
			f->p = dst;
			sc->sused += f->n;
		}
		sc->nf++;
		if (c == NULL || sc->nf == MAXCOLS)
			sc->sdone = true;
		else
			i = e + 1;
	}
	sc->sp = i;
}

static void
more(struct scan *sc, size_t need)
{
	if (sc->space_sep)
		more_w3c(sc, need);
	else
		more_csv(sc, need);
}

/* Starts splitting p[0..n) and splits the first need columns. */
static void
split(struct scan *sc, const char *p, size_t n, size_t need)
{
	sc->sp_p = p;
	sc->sp_n = n;
	sc->sp = 0;
	sc->nf = 0;
	sc->sused = 0;
	sc->sdone = false;
	more(sc, need);
}

/* ---- header -------------------------------------------------------------- */

static bool
name_is(const struct fld *f, const char *name)
{
	return logscan_iequal(f->p, f->n, name, strlen(name));
}

static int
set_header(struct scan *sc, const char *text, size_t n)
{
	struct exh_logscan *ls = sc->ls;
	size_t i, k, need = 0;

	while (n > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		n--;
	}
	if (n + 1 > sc->hdrcap) {
		char *nh = realloc(sc->hdr, n + 1);

		if (nh == NULL)
			return exh_err_set(sc->err, EXH_ENOMEM, 0,
			    "log: header: out of memory");
		sc->hdr = nh;
		sc->hdrcap = n + 1;
	}
	memcpy(sc->hdr, text, n);
	sc->hdr[n] = '\0';
	sc->hdrlen = n;
	sc->c_ua = -1;
	split(sc, sc->hdr, n, MAXCOLS);
	for (k = 0; k < sc->nf; k++) {
		/* Trim blanks around names ("a, b" is seen in the wild). */
		while (sc->f[k].n > 0 && sc->f[k].p[0] == ' ') {
			sc->f[k].p++;
			sc->f[k].n--;
		}
		while (sc->f[k].n > 0 && sc->f[k].p[sc->f[k].n - 1] == ' ')
			sc->f[k].n--;
	}
	sc->ncols = sc->nf;
	sc->first_name_len = sc->nf > 0 ? sc->f[0].n : 0;
	sc->c_time = sc->c_date = sc->c_clock = sc->c_ip = sc->c_ua = -1;
	sc->c_stem = -1;
	for (i = 0; i < ls->nfields; i++)
		sc->col_of[i] = -1;
	for (k = 0; k < sc->nf; k++) {
		const struct fld *f = &sc->f[k];

		for (i = 0; i < ls->nfields; i++)
			if (sc->col_of[i] < 0 && logscan_iequal(f->p, f->n,
			    ls->fields[i], strlen(ls->fields[i])))
				sc->col_of[i] = (int)k;
		if (sc->c_time < 0 && (name_is(f, "DateTime") ||
		    name_is(f, "TimeStamp") || name_is(f, "date-time")))
			sc->c_time = (int)k;
		if (name_is(f, "date") && sc->c_date < 0)
			sc->c_date = (int)k;
		if (name_is(f, "time") && sc->c_clock < 0)
			sc->c_clock = (int)k;
		if (sc->c_ip < 0 && (name_is(f, "ClientIpAddress") ||
		    name_is(f, "c-ip") || name_is(f, "ClientIp")))
			sc->c_ip = (int)k;
		if (name_is(f, "cs(User-Agent)"))
			sc->c_ua = (int)k;
	}
	if (sc->c_date < 0 || sc->c_clock < 0)
		sc->c_date = sc->c_clock = -1;
	/* Rows are split up front only as far as the time columns; the
	 * checks pull further columns when they need them. */
	if (sc->c_time + 1 > (int)need)
		need = (size_t)(sc->c_time + 1);
	if (sc->c_date + 1 > (int)need)
		need = (size_t)(sc->c_date + 1);
	if (sc->c_clock + 1 > (int)need)
		need = (size_t)(sc->c_clock + 1);
	sc->need = need > 0 ? need : 1;
	sc->have_hdr = true;
	return EXH_OK;
}

/* A bare CSV header line: names only, no timestamps or free text. */
static bool
looks_like_header(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || !((p[0] >= 'A' && p[0] <= 'Z') ||
	    (p[0] >= 'a' && p[0] <= 'z')))
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == ',' || c == '(' || c == ')' || c == '.' || c == ' '))
			return false;
	}
	return memchr(p, ',', n) != NULL;
}

/* ---- matching ------------------------------------------------------------ */

static void
getf(struct scan *sc, int id, const char **p, size_t *n)
{
	int col;

	if (id == LOGSCAN_FIELD_LINE) {
		*p = sc->line;
		*n = sc->linelen;
		return;
	}
	col = sc->col_of[id];
	if (col >= 0 && (size_t)col >= sc->nf)
		more(sc, (size_t)col + 1);
	if (col < 0 || (size_t)col >= sc->nf) {
		*p = "";
		*n = 0;
		return;
	}
	*p = sc->f[col].p;
	*n = sc->f[col].n;
}

static const char *
ifind(const char *hay, size_t hn, const char *nd, size_t nn)
{
	size_t i;

	for (i = 0; nn <= hn && i <= hn - nn; i++)
		if (logscan_iequal(hay + i, nn, nd, nn))
			return hay + i;
	return NULL;
}

static bool
ip_listed(struct scan *sc, const char *v, size_t n)
{
	const char *src, *colon;

	if (n > 2 && v[0] == '[') {
		const char *rb = memchr(v, ']', n);

		if (rb != NULL) {
			n = (size_t)(rb - v) - 1;
			v++;
		}
	}
	/* "a.b.c.d:port": drop the port; IPv6 has more than one colon. */
	colon = memchr(v, ':', n);
	if (colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - v) -
	    1) == NULL && memchr(v, '.', n) != NULL)
		n = (size_t)(colon - v);
	if ((src = logscan_strset_get(&sc->ls->ips, v, n)) == NULL)
		return false;
	snprintf(sc->hit, sizeof(sc->hit), "%.*s listed by %s", (int)n, v,
	    src[0] ? src : "attacker-ips.txt");
	return true;
}

static bool
url_flagged(struct scan *sc, const char *v, size_t n)
{
	char dec[2048];
	const char *id;
	size_t i, k = 0;

	if ((id = logscan_strset_get(&sc->ls->flagged, v, n)) == NULL) {
		if (n >= sizeof(dec) || memchr(v, '%', n) == NULL)
			return false;
		for (i = 0; i < n; i++) {
			if (v[i] == '%' && i + 2 < n && exh_hexval(v[i + 1]) >= 0 &&
			    exh_hexval(v[i + 2]) >= 0) {
				dec[k++] = (char)(exh_hexval(v[i + 1]) * 16 +
				    exh_hexval(v[i + 2]));
				i += 2;
			} else {
				dec[k++] = v[i];
			}
		}
		if ((id = logscan_strset_get(&sc->ls->flagged, dec, k)) == NULL)
			return false;
	}
	snprintf(sc->hit, sizeof(sc->hit), "request for a file the file "
	    "scan flagged%s%s", id[0] ? ": " : "", id);
	return true;
}

/* CVE-2021-26858: the capture between BEFORE and AFTER must start with
 * "'" + install path + SUBDIR, as Test-ProxyLogon checks it. */
static bool
oab_outside(struct scan *sc, const struct logscan_clause *c, const char *v,
    size_t n)
{
	const char *a, *b, *cap, *inst = sc->ls->install;
	size_t capn;
	char want[4200];
	int w;

	if ((a = ifind(v, n, c->alts[0], c->altlen[0])) == NULL)
		return false;
	cap = a + c->altlen[0];
	if ((b = ifind(cap, n - (size_t)(cap - v), c->alts[1],
	    c->altlen[1])) == NULL)
		return false;
	capn = (size_t)(b - cap);
	sc->capp = cap;
	sc->capn = capn;
	if (inst == NULL) {
		/* Without the install path, accept any ...\<SUBDIR>\ path;
		 * the finding says the check ran in this weaker form. */
		sc->cap_fallback = true;
		snprintf(want, sizeof(want), "\\%s", c->alts[2]);
		return ifind(cap, capn, want, strlen(want)) == NULL;
	}
	sc->cap_fallback = false;
	w = snprintf(want, sizeof(want), "'%s%s", inst, c->alts[2]);
	if (w < 0 || (size_t)w >= sizeof(want))
		return true;
	return !(capn >= (size_t)w && logscan_iequal(cap, (size_t)w, want,
	    (size_t)w));
}

static bool
clause_test(struct scan *sc, const struct logscan_clause *c)
{
	const char *v;
	size_t n, i;
	bool r = false;

	getf(sc, c->field, &v, &n);
	switch (c->op) {
	case LOGSCAN_OP_LIKE:
		r = logscan_like_match(c, v, n);
		break;
	case LOGSCAN_OP_REGEX:
		r = logscan_regex_match(c, &sc->rx, v, n);
		break;
	case LOGSCAN_OP_SUBSTR:
		r = logscan_icontains(v, n, c->pat, c->plen);
		break;
	case LOGSCAN_OP_EQUALS:
		r = logscan_iequal(v, n, c->pat, c->plen);
		break;
	case LOGSCAN_OP_PREFIX:
		r = n >= c->plen && logscan_iequal(v, c->plen, c->pat, c->plen);
		break;
	case LOGSCAN_OP_IN:
		for (i = 0; i < c->nalts && !r; i++)
			r = logscan_iequal(v, n, c->alts[i], c->altlen[i]);
		break;
	case LOGSCAN_OP_EMPTY:
		r = n == 0;
		break;
	case LOGSCAN_OP_NONEMPTY:
		r = n > 0;
		break;
	case LOGSCAN_OP_INSET: {
		const struct logscan_pset *set = &sc->ls->sets[c->set];

		for (i = 0; i < set->n && !r; i++) {
			const struct logscan_clause *it = &set->items[i];

			r = it->op == LOGSCAN_OP_REGEX ?
			    logscan_regex_match(it, &sc->rx, v, n) :
			    logscan_like_match(it, v, n);
		}
		break;
	}
	case LOGSCAN_OP_IPLIST:
		r = n > 0 && ip_listed(sc, v, n);
		break;
	case LOGSCAN_OP_FLAGGED:
		r = n > 0 && url_flagged(sc, v, n);
		break;
	case LOGSCAN_OP_OAB_OUTSIDE:
		r = oab_outside(sc, c, v, n);
		break;
	default:
		break;
	}
	return r;
}

static bool
clause_true(struct scan *sc, const struct logscan_clause *c)
{
	bool r;

	if (c->memo < 0)
		return clause_test(sc, c) != c->neg;
	if (sc->memo_at[c->memo] != sc->lineno) {
		sc->memo_val[c->memo] = clause_test(sc, c);
		sc->memo_at[c->memo] = sc->lineno;
	}
	r = sc->memo_val[c->memo];
	return r != c->neg;
}

static bool
rule_true(struct scan *sc, const struct logscan_rule *r)
{
	size_t i;

	for (i = 0; i < r->ncl; i++)
		if (!clause_true(sc, &r->cl[r->order[i]]))
			return false;
	return true;
}

/* ---- findings ------------------------------------------------------------ */

static char *
dupn(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static int
set_n(char **field, const char *p, size_t n)
{
	char *s = dupn(p, n);
	int rc;

	if (s == NULL)
		return EXH_ENOMEM;
	rc = exh_finding_set(field, s);
	free(s);
	return rc;
}

static int
add_field_n(struct exh_finding *f, const char *key, const char *p, size_t n)
{
	char *s = dupn(p, n);
	int rc;

	if (s == NULL)
		return EXH_ENOMEM;
	rc = exh_finding_add_field(f, key, s);
	free(s);
	return rc;
}

static bool
seen(const int *ids, size_t n, int id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int
add_fields(struct scan *sc, struct exh_finding *f, const struct logscan_rule *r,
    const struct logscan_check *chk)
{
	int done[64];
	size_t nd = 0, i;
	int rc = EXH_OK;

	for (i = 0; i < chk->nshow + r->ncl && rc == EXH_OK; i++) {
		int id = i < chk->nshow ? chk->show[i] :
		    r->cl[i - chk->nshow].field;
		const char *v;
		size_t n;

		if (id < 0 || sc->col_of[id] < 0 || seen(done, nd, id))
			continue;
		if (nd < 64)
			done[nd++] = id;
		getf(sc, id, &v, &n);
		rc = add_field_n(f, sc->ls->fields[id], v, n);
	}
	return rc;
}

/* Scores f and adds it to the results; rc is how building it went. */
static int
hand_over(struct scan *sc, struct exh_finding *f, int rc)
{
	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	}
	exh_finding_rescore(f);
	return exh_findings_add(sc->out, f, sc->err);
}

static int
emit(struct scan *sc, const struct logscan_rule *r, const char *hit)
{
	const struct logscan_check *chk = &sc->ls->checks[r->check];
	struct exh_finding *f;
	struct exh_buf detail = { 0 };
	const char *ip;
	size_t ipn;
	int rc;

	if (sc->have_hdr)
		more(sc, MAXCOLS);
	if ((f = exh_finding_new(EXH_FIND_LOG)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	f->line = sc->lineno;
	f->time = sc->t;
	rc = exh_finding_set(&f->check, chk->id);
	if (rc == EXH_OK)
		rc = exh_finding_set(&f->path, sc->winpath);
	if (rc == EXH_OK && sc->c_ip >= 0 && (size_t)sc->c_ip < sc->nf &&
	    sc->have_hdr) {
		ip = sc->f[sc->c_ip].p;
		ipn = sc->f[sc->c_ip].n;
		if (ipn > 0)
			rc = set_n(&f->client_ip, ip, ipn);
	}
	if (rc == EXH_OK)
		rc = set_n(&f->excerpt, sc->line, sc->linelen < EXCERPT_MAX ?
		    sc->linelen : EXCERPT_MAX);
	if (rc == EXH_OK && sc->have_hdr)
		rc = add_fields(sc, f, r, chk);
	if (rc == EXH_OK && chk->family == EXH_LOG_OABGEN && sc->capp != NULL)
		rc = add_field_n(f, "DownloadPath", sc->capp, sc->capn);
	if (rc == EXH_OK && r->label != NULL)
		rc = exh_buf_printf(&detail, "%s; ", r->label);
	if (rc == EXH_OK && hit[0] != '\0')
		rc = exh_buf_printf(&detail, "%s; ", hit);
	if (rc == EXH_OK && chk->family == EXH_LOG_OABGEN && sc->cap_fallback)
		rc = exh_buf_puts(&detail, "install path unknown, checked "
		    "against any ClientAccess\\OAB folder; ");
	if (rc == EXH_OK)
		rc = exh_buf_printf(&detail, "rule %s", r->src);
	if (rc == EXH_OK)
		rc = exh_finding_add_reason(f, "log", chk->id, r->score,
		    chk->desc, chk->ref, detail.data);
	exh_buf_free(&detail);
	return hand_over(sc, f, rc);
}

static int
run_rules(struct scan *sc)
{
	struct exh_logscan *ls = sc->ls;
	size_t i = ls->fam_first[sc->family];
	size_t end = i + ls->fam_count[sc->family];
	char besthit[sizeof(sc->hit)];
	int status;

	while (i < end) {
		int check = ls->rules[i].check;
		const struct logscan_rule *best = NULL;

		/* Alternatives of one check: the best-scoring match wins,
		 * one finding per line and check. */
		for (; i < end && ls->rules[i].check == check; i++) {
			const struct logscan_rule *r = &ls->rules[i];

			if (best != NULL && r->score <= best->score)
				continue;
			sc->hit[0] = '\0';
			if (rule_true(sc, r)) {
				best = r;
				memcpy(besthit, sc->hit, sizeof(besthit));
			}
		}
		if (best != NULL && (status = emit(sc, best, besthit)) !=
		    EXH_OK)
			return status;
	}
	return EXH_OK;
}

/* ---- lines --------------------------------------------------------------- */

static void
bad_line(struct scan *sc, uint64_t *why)
{
	(*why)++;
	if (sc->nbad++ == 0)
		sc->first_bad = sc->lineno;
}

static bool
has_controls(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

static bool
row_time(struct scan *sc)
{
	const struct fld *a, *b;

	sc->t = 0;
	if (sc->c_time >= 0) {
		if ((size_t)sc->c_time >= sc->nf)
			return false;
		a = &sc->f[sc->c_time];
		return logscan_parse_time(a->p, a->n, &sc->t);
	}
	if (sc->c_date >= 0) {
		if ((size_t)sc->c_date >= sc->nf ||
		    (size_t)sc->c_clock >= sc->nf)
			return false;
		a = &sc->f[sc->c_date];
		b = &sc->f[sc->c_clock];
		return logscan_parse_date_time(a->p, a->n, b->p, b->n, &sc->t);
	}
	return true;
}

static void
note_time(struct scan *sc)
{
	if (sc->t == 0)
		return;
	if (sc->first == 0 || sc->t < sc->first)
		sc->first = sc->t;
	if (sc->t > sc->last)
		sc->last = sc->t;
}

/* OABGenerator lines without a header: the time is the leading token. */
static int
raw_row(struct scan *sc, const char *p, size_t n)
{
	size_t k;

	if (has_controls(p, n)) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	for (k = 0; k < n && k < 40 && p[k] != ',' && p[k] != ' '; k++)
		;
	if (!logscan_parse_time(p, k, &sc->t))
		sc->t = 0;
	sc->nf = 0;
	sc->sdone = true;
	sc->rows++;
	note_time(sc);
	return run_rules(sc);
}

static bool
is_header_again(const struct scan *sc, const char *p, size_t n)
{
	if (n == sc->hdrlen && memcmp(p, sc->hdr, n) == 0)
		return true;
	/* A new bare header after a configuration change starts with the
	 * same first column name (DateTime, TimeStamp ...). */
	return !sc->space_sep && sc->first_name_len > 0 &&
	    n > sc->first_name_len && p[sc->first_name_len] == ',' &&
	    logscan_iequal(p, sc->first_name_len, sc->hdr, sc->first_name_len) &&
	    looks_like_header(p, n);
}

static int
do_line(struct scan *sc, char *p, size_t n, bool terminated)
{
	sc->lineno++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (sc->lineno == 1 && n >= 3 && (unsigned char)p[0] == 0xef &&
	    (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf) {
		p += 3;
		n -= 3;
	}
	if (n == 0)
		return EXH_OK;
	sc->line = p;
	sc->linelen = n;
	sc->capp = NULL;
	if (p[0] == '#') {
		if (n >= 8 && logscan_iequal(p, 8, "#Fields:", 8))
			return set_header(sc, p + 8, n - 8);
		return EXH_OK;
	}
	if (memchr(p, '\0', n) != NULL) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	if (!sc->have_hdr) {
		if (sc->family == EXH_LOG_OABGEN)
			return raw_row(sc, p, n);
		if (!sc->space_sep && looks_like_header(p, n))
			return set_header(sc, p, n);
		bad_line(sc, &sc->nohdr);
		return EXH_OK;
	}
	if (is_header_again(sc, p, n))
		return set_header(sc, p, n);
	split(sc, p, n, terminated ? sc->need : MAXCOLS);
	if (!terminated && sc->nf < sc->ncols) {
		bad_line(sc, &sc->trunc);
		return EXH_OK;
	}
	if (!row_time(sc) || (sc->family == EXH_LOG_OABGEN &&
	    has_controls(p, n))) {
		bad_line(sc, &sc->junk);
		return EXH_OK;
	}
	sc->rows++;
	note_time(sc);
	return run_rules(sc);
}

static int
pump(struct scan *sc)
{
	size_t pos = 0, end = 0, got;
	bool eof = false, discard = false;
	char *nl;
	int status;

	for (;;) {
		while (pos < end && (nl = memchr(sc->buf + pos, '\n',
		    end - pos)) != NULL) {
			size_t len = (size_t)(nl - (sc->buf + pos));

			if (discard)
				discard = false;
			else if ((status = do_line(sc, sc->buf + pos, len,
			    true)) != EXH_OK)
				return status;
			pos += len + 1;
		}
		if (eof) {
			if (pos < end && !discard)
				return do_line(sc, sc->buf + pos, end - pos,
				    false);
			return EXH_OK;
		}
		if (discard) {
			pos = end = 0;
		} else if (end - pos > LINE_CAP) {
			/* Over-long line: count it once, drop it up to the
			 * next newline, keep memory bounded. */
			sc->lineno++;
			bad_line(sc, &sc->overlong);
			discard = true;
			pos = end = 0;
		} else {
			memmove(sc->buf, sc->buf + pos, end - pos);
			end -= pos;
			pos = 0;
		}
		if ((status = next_bytes(sc, sc->buf + end, sc->cap - end,
		    &got)) != EXH_OK)
			return status;
		if (got == 0)
			eof = true;
		end += got;
	}
}

static int
note_damage(struct scan *sc)
{
	struct exh_finding *f;
	struct exh_buf d = { 0 };
	int rc;

	if (sc->nbad == 0 && sc->zwhy[0] == '\0')
		return EXH_OK;
	if ((f = exh_finding_new(EXH_FIND_LOG)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	f->line = sc->first_bad;
	rc = exh_buf_printf(&d, "%llu of %llu lines skipped (binary junk %llu, "
	    "cut-off last line %llu, over 1 MiB %llu, before any header "
	    "%llu)%s%s", (unsigned long long)sc->nbad,
	    (unsigned long long)sc->lineno, (unsigned long long)sc->junk,
	    (unsigned long long)sc->trunc, (unsigned long long)sc->overlong,
	    (unsigned long long)sc->nohdr, sc->zwhy[0] ? "; " : "", sc->zwhy);
	if (rc == EXH_OK)
		rc = exh_finding_set(&f->check, "logscan/damaged");
	if (rc == EXH_OK)
		rc = exh_finding_set(&f->path, sc->winpath);
	if (rc == EXH_OK)
		rc = exh_finding_add_reason(f, "log", "logscan/damaged", 0,
		    "Damaged log content was skipped; the rest was analysed",
		    "", d.data);
	exh_buf_free(&d);
	return hand_over(sc, f, rc);
}

static void
scan_free(struct scan *sc)
{
	if (sc->zinit)
		inflateEnd(&sc->z);
	free(sc->zin);
	free(sc->buf);
	free(sc->scratch);
	free(sc->f);
	free(sc->hdr);
	free(sc->col_of);
	logscan_rx_free(&sc->rx);
	free(sc->memo_at);
	free(sc->memo_val);
}

static void
account(struct scan *sc)
{
	struct exh_log_coverage *cv = &sc->ls->cov[sc->family];
	struct exh_stats st;

	cv->family = sc->family;
	cv->files++;
	cv->lines += sc->lineno;
	cv->bad_lines += sc->nbad;
	if (sc->first != 0 && (cv->first == 0 || sc->first < cv->first))
		cv->first = sc->first;
	if (sc->last > cv->last)
		cv->last = sc->last;
	coverage_refresh(sc->ls);
	memset(&st, 0, sizeof(st));
	st.log_files = 1;
	st.log_lines = sc->lineno;
	exh_findings_stats_add(sc->out, &st);
}

int
exh_logscan_file(struct exh_logscan *ls, const char *winpath, int family,
    exh_read_fn rd, void *rctx, struct exh_findings *out,
    struct exh_err *err)
{
	struct scan sc;
	int status;

	if (ls == NULL || ls->magic != LOGSCAN_MAGIC || rd == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "logscan: file: bad handle or missing reader");
	if (winpath == NULL)
		winpath = "";
	/* Classify under the install path first; an analyst's copy of the
	 * logs lives elsewhere, so fall back to finding Logging\ anywhere. */
	if (family == EXH_LOG_UNKNOWN)
		family = exh_log_family_for_path(winpath, ls->install);
	if (family == EXH_LOG_UNKNOWN && ls->install != NULL)
		family = exh_log_family_for_path(winpath, NULL);
	if (family <= EXH_LOG_UNKNOWN || family >= EXH_LOG_NFAMILIES)
		return exh_err_set(err, EXH_EUSAGE, 0, "log %s: cannot tell "
		    "which log family this is; name it", winpath);
	memset(&sc, 0, sizeof(sc));
	sc.ls = ls;
	sc.family = family;
	sc.winpath = winpath;
	sc.out = out;
	sc.err = err;
	sc.rd = rd;
	sc.rctx = rctx;
	sc.space_sep = family == EXH_LOG_IIS;
	sc.cap = LINE_CAP + CHUNK;
	sc.c_time = sc.c_date = sc.c_clock = sc.c_ip = sc.c_ua = -1;
	sc.zin = malloc(ZIN_SIZE);
	sc.buf = malloc(sc.cap);
	sc.scratch = malloc(sc.cap);
	sc.f = calloc(MAXCOLS, sizeof(*sc.f));
	sc.col_of = malloc((ls->nfields + 1) * sizeof(int));
	sc.memo_at = calloc(ls->nmemo + 1, sizeof(*sc.memo_at));
	sc.memo_val = calloc(ls->nmemo + 1, sizeof(*sc.memo_val));
	if (sc.zin == NULL || sc.buf == NULL || sc.scratch == NULL ||
	    sc.f == NULL || sc.col_of == NULL || sc.memo_at == NULL ||
	    sc.memo_val == NULL || logscan_rx_init(&sc.rx) != EXH_OK) {
		scan_free(&sc);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "log %s: out of memory", winpath);
	}
	/* No column is known until a header maps them. */
	for (size_t i = 0; i <= ls->nfields; i++)
		sc.col_of[i] = -1;
	status = pump(&sc);
	if (status == EXH_OK)
		status = note_damage(&sc);
	account(&sc);
	scan_free(&sc);
	if (status != EXH_OK)
		return status;
	if (sc.rows == 0 && (sc.nbad > 0 || sc.zwhy[0] != '\0'))
		return exh_err_set(err, EXH_ECORRUPT, 0, "log %s: no row could "
		    "be parsed (%llu bad lines%s)", winpath,
		    (unsigned long long)sc.nbad, sc.nohdr ?
		    ", no header before the data" : "");
	return EXH_OK;
}

struct fdctx {
	int fd;
	const char *path;
};

static int
fd_read(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct fdctx *c = ctx;
	ssize_t n;

	do
		n = read(c->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return exh_err_set(err, EXH_EIO, errno, "%s: %s", c->path,
		    strerror(errno));
	*got = (size_t)n;
	return EXH_OK;
}

int
exh_logscan_local_file(struct exh_logscan *ls, const char *fspath,
    const char *winpath, int family, struct exh_findings *out,
    struct exh_err *err)
{
	struct fdctx c;
	int status;

	if (fspath == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "logscan: no file");
	c.path = fspath;
	c.fd = open(fspath, O_RDONLY | O_CLOEXEC);
	if (c.fd < 0)
		return exh_err_set(err, EXH_EIO, errno, "log %s: cannot open: "
		    "%s", fspath, strerror(errno));
	status = exh_logscan_file(ls, winpath ? winpath : fspath, family,
	    fd_read, &c, out, err);
	close(c.fd);
	return status;
}
