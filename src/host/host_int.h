/* Private declarations of the host module (host profile). */
#ifndef EXHUME_HOST_INT_H
#define EXHUME_HOST_INT_H

#include <hivex.h>
#include <libxml/tree.h>

#include "exhume/host.h"

/* Parses "15.1.2176.9" (each part 0..65535); 0 on success. */
int host_parse_build(const char *s, unsigned v[4]);
int host_build_cmp(const unsigned a[4], const unsigned b[4]);

/* The lowest KB number that fixes family, or 0 when the table has none. */
unsigned long host_builds_fix_kb(const struct exh_builds *b, int family,
    unsigned long kb);

/* Profile construction pieces (util.c).  host_strdup copies NULL as "";
 * host_set_str replaces *field with such a copy (EXH_OK, EXH_ENOMEM). */
int host_note(struct exh_profile *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *host_strdup(const char *s);
int host_set_str(char **field, const char *s);
/*
 * A reason as display text in buf (len bytes, cut to fit) and as a
 * message for the report's language; append adds a phrase to both.
 */
void host_reason(char *buf, size_t len, struct exh_msg *m, bool append,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Opens hive bytes held in memory (hive.c); NULL with err set:
 * "not examined: ..." or "corrupt: ...". */
hive_h *host_hive_open(const void *data, size_t len, struct exh_err *err);

/* Reads the SOFTWARE / SYSTEM hive bytes into p (reg.c).  Problems become
 * notes; EXH_ENOMEM only. */
int host_read_software(struct exh_profile *p, const void *data, size_t len);
int host_read_system(struct exh_profile *p, const void *data, size_t len);

/* Parses applicationHost.config bytes into p (iis.c).  Problems become
 * notes; EXH_ENOMEM only. */
int host_read_iis(struct exh_profile *p, const char *data, size_t len);

/* The XML reader of iis.c for other IIS files (web.config): no network,
 * no DTD, no entity expansion.  NULL with why filled on failure. */
xmlDocPtr host_xml_parse(const char *data, size_t len, char *why,
    size_t whylen);
/* An attribute's raw text (entities kept as "&name;"), NULL when absent;
 * *nomem set on allocation failure. */
char *host_xml_attr(xmlNodePtr n, const char *name, int *nomem);

/* A rules table of TAB-separated rows whose first field is the kind
 * (rules/exchange-config.tsv, rules/owa-logon.tsv); absent fields "". */
#define HOST_CFG_FIELDS 5
struct host_cfg_row {
	char *f[HOST_CFG_FIELDS];
};
struct host_cfg {
	struct host_cfg_row *rows;
	size_t n;
};
/* Loads rules_dir/name; a missing or bad table is a note and leaves c
 * empty.  EXH_OK or EXH_ENOMEM. */
int host_cfg_load(struct exh_profile *p, const char *rules_dir,
    const char *name, struct host_cfg *c);
void host_cfg_free(struct host_cfg *c);
/* The first row of kind whose field 1 is key (any when key is NULL). */
const struct host_cfg_row *host_cfg_find(const struct host_cfg *c,
    const char *kind, const char *key);

/* Configuration exposures (exposure.c): Extended Protection, the
 * TokenCacheModule, IIS modules and ISAPI filters, serialization
 * signing, EEMS and the mitigation rules, from applicationHost.config,
 * the sites' web.config files, the hives and rules_dir/exchange-config.tsv.
 * Runs after the verdicts.  Problems become notes; EXH_OK or EXH_ENOMEM. */
int host_read_exposures(struct exh_profile *p, exh_profile_read_fn read,
    void *ctx, const char *rules_dir);
/* OWA logon-page integrity (owa.c) with rules_dir/owa-logon.tsv. */
int host_read_owa(struct exh_profile *p, exh_profile_read_fn read,
    void *ctx, const char *rules_dir);
/* Appends one exposure to p; EXH_OK or EXH_ENOMEM.  NULL strings are "". */
int host_expo_add(struct exh_profile *p, const char *area, int state,
    int score, const char *subject, const char *expected,
    const char *actual, const char *cves, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 10, 11)));
void host_exposures_free(struct exh_exposure *x, size_t n);

/* Expands %SystemDrive%, %SystemRoot%, %windir%, %ProgramFiles%,
 * %ProgramData% and %ExchangeInstallPath% (case-insensitive) from p;
 * unknown variables stay.  A malloc'd string or NULL on ENOMEM. */
char *host_expand_env(const struct exh_profile *p, const char *s);

/* The earliest install of an update of build's CU at or above cv's fixing
 * build (cves.c); 0 when none is recorded. */
int64_t host_cvemap_fix_installed(const struct exh_cvemap *m,
    const char *build, const struct exh_cve_verdict *cv,
    const struct exh_update *u, size_t n);

/* Loads rules_dir/exchange-updates.tsv into p->cvemap; a missing or bad
 * table becomes a note (verdict.c).  EXH_OK or EXH_ENOMEM. */
int host_load_cvemap(struct exh_profile *p, const char *rules_dir);

/* Recomputes p->verdicts, p->support and p->cves from the tables and the
 * update list. */
int host_compute_verdicts(struct exh_profile *p, const struct exh_builds *b);

/* A host check result, before it becomes an exh_finding. */
struct host_check {
	const char *check;	/* static id, e.g. "C1/vdir-programdata" */
	int level;		/* enum exh_level */
	int score;
	char *description;	/* owned */
	char *path;		/* owned, may be NULL */
	char *detail;		/* owned, may be NULL */
};

/* Runs the host checks over p; *out is a malloc'd array. */
int host_checks(const struct exh_profile *p, struct host_check **out,
    size_t *n);
void host_checks_free(struct host_check *c, size_t n);

#endif /* EXHUME_HOST_INT_H */
