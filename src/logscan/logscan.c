/* The log analyser handle and its entry points: one log file in, findings and coverage out. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

/* EXHUME_LOGSCAN_PREFILTER=off is for the tests that compare results
 * with and without the prefilter; users never need it. */
static bool
prefilter_wanted(void)
{
	const char *v = getenv("EXHUME_LOGSCAN_PREFILTER");

	return v == NULL || strcmp(v, "off") != 0;
}

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
	if (logscan_prefilter_build(ls, prefilter_wanted()) != EXH_OK) {
		exh_logscan_destroy(ls);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "logscan: create: out of memory");
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
exh_logscan_slow_rules(const struct exh_logscan *ls)
{
	return (ls != NULL && ls->magic == LOGSCAN_MAGIC) ? ls->nslow : 0;
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

static int
note_damage(struct logscan_filestate *sc)
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
		rc = exh_finding_set(&f->file.path, sc->winpath);
	if (rc == EXH_OK)
		rc = exh_finding_add_reason(f, "log", "logscan/damaged", 0,
		    "Damaged log content was skipped; the rest was analysed",
		    "", d.data);
	exh_buf_free(&d);
	return logscan_hand_over(sc, f, rc);
}

static void
scan_free(struct logscan_filestate *sc)
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
	exh_group_destroy(sc->groups);
	free(sc->memo_at);
	free(sc->memo_val);
	logscan_vcache_free(&sc->vcache);
	free(sc->pf_next);
	free(sc->pf_a);
	free(sc->pf_b);
	free(sc->pf_gen_of);
	free(sc->pf_on_line);
}

static void
account(struct logscan_filestate *sc)
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
	struct logscan_filestate sc;
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
	sc.cap = LOGSCAN_LINE_CAP + LOGSCAN_CHUNK;
	sc.c_time = sc.c_date = sc.c_clock = sc.c_ip = sc.c_ua = -1;
	sc.c_stem = -1;
	if ((status = exh_group_create(LOGSCAN_GROUPS, LOGSCAN_GROUPS_PER_CHECK,
	    "client and URI", &sc.groups, err)) != EXH_OK)
		return status;
	sc.zin = malloc(LOGSCAN_ZIN_SIZE);
	sc.buf = malloc(sc.cap);
	sc.scratch = malloc(sc.cap);
	sc.f = calloc(LOGSCAN_MAXCOLS, sizeof(*sc.f));
	sc.col_of = malloc((ls->nfields + 1) * sizeof(int));
	sc.memo_at = calloc(ls->nmemo + 1, sizeof(*sc.memo_at));
	sc.memo_val = calloc(ls->nmemo + 1, sizeof(*sc.memo_val));
	sc.pf_next = calloc(ls->nlits + 1, sizeof(*sc.pf_next));
	sc.pf_a = calloc(ls->nlits + 1, sizeof(*sc.pf_a));
	sc.pf_b = calloc(ls->nlits + 1, sizeof(*sc.pf_b));
	sc.pf_gen_of = calloc(ls->nlits + 1, sizeof(*sc.pf_gen_of));
	sc.pf_on_line = calloc(ls->nlits + 1, sizeof(*sc.pf_on_line));
	if (sc.pf_next == NULL || sc.pf_a == NULL || sc.pf_b == NULL || sc.pf_gen_of == NULL ||
	    sc.pf_on_line == NULL ||
	    sc.zin == NULL || sc.buf == NULL || sc.scratch == NULL ||
	    sc.f == NULL || sc.col_of == NULL || sc.memo_at == NULL ||
	    sc.memo_val == NULL || logscan_rx_init(&sc.rx) != EXH_OK ||
	    logscan_vcache_init(&sc.vcache, ls->nfields) != EXH_OK) {
		scan_free(&sc);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "log %s: out of memory", winpath);
	}
	/* No column is known until a header maps them. */
	for (size_t i = 0; i <= ls->nfields; i++)
		sc.col_of[i] = -1;
	status = logscan_pump(&sc);
	/* Hits found before a failure are still reported. */
	if (status == EXH_OK)
		status = exh_group_flush(sc.groups, out, err);
	else
		(void)exh_group_flush(sc.groups, out, &(struct exh_err){ 0 });
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
		    exh_strerror(errno));
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
		    "%s", fspath, exh_strerror(errno));
	status = exh_logscan_file(ls, winpath ? winpath : fspath, family,
	    fd_read, &c, out, err);
	close(c.fd);
	return status;
}
