/* Text-log analysers: HttpProxy, ECP Server, OABGenerator, IIS W3C, Rps_Http. */
#ifndef EXHUME_LOGSCAN_H
#define EXHUME_LOGSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"

enum exh_log_family {
	EXH_LOG_UNKNOWN = 0,
	EXH_LOG_HTTPPROXY,	/* <EXCH>Logging\HttpProxy\<proto>\*.log */
	EXH_LOG_ECP_SERVER,	/* <EXCH>Logging\ECP\Server\*.log */
	EXH_LOG_OABGEN,		/* <EXCH>Logging\OABGeneratorLog\** */
	EXH_LOG_IIS,		/* ...\LogFiles\W3SVC*\u_ex*.log */
	EXH_LOG_RPS_HTTP,	/* <EXCH>Logging\CmdletInfra\Powershell-Proxy\Http\* */
	EXH_LOG_NFAMILIES
};

/* Loaded patterns and per-host state (install path, flagged URLs,
 * coverage).  Not thread-safe: use one handle per thread or serialise. */
struct exh_logscan;

/*
 * Loads rules_dir/logs/{checks.tsv,patterns.tsv,user-agents.txt,
 * attacker-ips.txt,iis-paths.tsv} (format in rules/logs/README).
 * EXH_ECORRUPT names the file and line of a bad rule; EXH_EIO a file that
 * cannot be read; EXH_EUSAGE a rule set without any pattern.
 */
int exh_logscan_create(const char *rules_dir, struct exh_logscan **out,
    struct exh_err *err);
/* Accepts NULL. */
void exh_logscan_destroy(struct exh_logscan *ls);

/*
 * The Exchange MsiInstallPath, "C:\\...\\V15\\" with its trailing
 * backslash (one is added when missing).  Needed by the CVE-2021-26858
 * check, which otherwise falls back to "any ...\ClientAccess\OAB" and
 * says so in the finding.  The string is copied; NULL clears it.
 */
void exh_logscan_set_install_path(struct exh_logscan *ls,
    const char *msi_install_path);

/*
 * Registers a URL path ("/owa/auth/x.aspx") that serves a file the file
 * scanner flagged as finding_id; IIS requests to it are reported as
 * iis/flagged-file-request.  Matching is case-insensitive and also tries
 * the %-decoded stem.  EXH_ENOMEM, EXH_EUSAGE (empty path).
 */
int exh_logscan_add_flagged_url(struct exh_logscan *ls, const char *url_path,
    const char *finding_id, struct exh_err *err);

/* Classifies a log by its Windows path (either slash, any case).
 * install_path may be NULL, then the Logging\ folders are found anywhere. */
int exh_log_family_for_path(const char *winpath, const char *install_path);

/*
 * Streams one log through the checks of its family: constant memory for
 * any size, gzip content (magic 1f 8b) inflated on the fly.  Findings go to
 * out; coverage is updated.  Damaged lines (binary junk, a cut-off last
 * line, lines over 1 MiB) are counted as bad, noted in one info finding
 * (check logscan/damaged) and skipped.  family EXH_LOG_UNKNOWN classifies
 * by winpath.  Returns EXH_OK; EXH_ECORRUPT when no row could be parsed
 * (no header, or only junk); EXH_EIO from rd; EXH_ENOMEM; EXH_EUSAGE for
 * an unknown family.
 */
int exh_logscan_file(struct exh_logscan *ls, const char *winpath, int family,
    exh_read_fn rd, void *rctx, struct exh_findings *out,
    struct exh_err *err);

/* Opens fspath read-only and calls exh_logscan_file with winpath (fspath
 * when NULL).  EXH_EIO when it cannot be opened. */
int exh_logscan_local_file(struct exh_logscan *ls, const char *fspath,
    const char *winpath, int family, struct exh_findings *out,
    struct exh_err *err);

/* Time span and volume of what was read, per family. */
struct exh_log_coverage {
	int family;
	uint64_t files, lines, bad_lines;
	int64_t first, last;	/* FILETIME of the oldest/newest row, 0 if none */
};

/* Families with at least one file, in enum order. */
/* How many rules the literal prefilter cannot narrow (tried on every
 * row); the rule data's "needs" directive supplies literals for them. */
size_t exh_logscan_slow_rules(const struct exh_logscan *ls);
size_t exh_logscan_coverage_count(const struct exh_logscan *ls);
const struct exh_log_coverage *exh_logscan_coverage(
    const struct exh_logscan *ls, size_t i);

/* "httpproxy", "ecp-server", "oabgen", "iis", "rps-http"; "unknown". */
const char *exh_log_family_name(int family);
/* Inverse of exh_log_family_name; EXH_LOG_UNKNOWN when not a name. */
int exh_log_family_parse(const char *name);

/* PowerShell -like: whole-string, ASCII case-insensitive, with * ? and
 * [set] / [a-z].  Exposed for tests and other analysers. */
bool exh_like(const char *s, size_t slen, const char *pat, size_t plen);

#endif /* EXHUME_LOGSCAN_H */
