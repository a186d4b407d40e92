/* Finding the logs of a host on its volumes: Exchange Logging, IIS W3C folders, winevt\Logs; flagged URLs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"

int
log_note(struct exh_scan_logs_result *res, const char *fmt, ...)
{
	struct exh_msg m;
	va_list ap;

	va_start(ap, fmt);
	exh_msg_vsetf(&m, fmt, ap);
	va_end(ap);
	return exh_msgs_push(&res->notes, &res->nnotes, &m);
}

/* Keeps the first failure of the discovery; the walk goes on. */
static void
keep_failure(struct log_list *l, const struct exh_err *e)
{
	if (l->rc == EXH_OK) {
		l->rc = e->status;
		l->err = *e;
	}
}

/* IIS names its W3C logs u_ex<date>.log; a folder set in
 * applicationHost.config need not end in LogFiles, so its path alone does
 * not tell the family. */
static int
family_hint(const struct log_list *l, const char *path)
{
	const char *base = strrchr(path, '\\');

	base = base != NULL ? base + 1 : path;
	if (l->hint == EXH_LOG_IIS && exh_ascii_istarts(base, "u_ex") &&
	    (exh_ascii_iends(base, ".log") || exh_ascii_iends(base, ".log.gz")))
		return EXH_LOG_IIS;
	return EXH_LOG_UNKNOWN;
}

static int
collect_log(const struct exh_entry *e, void *ctx)
{
	struct log_list *l = ctx;
	struct log_file *grown, *f;
	struct exh_err err;

	/* A log whose record is damaged is not analysed, and says so. */
	if (!e->is_dir && e->status != EXH_ENTRY_OK) {
		if (exh_findings_add_skip(l->fs, e->path, "", e->mft, 0,
		    e->status == EXH_ENTRY_UNREADABLE ? "unreadable" :
		    "corrupt", e->problem ? e->problem : "damaged record in a "
		    "log folder", &err) != EXH_OK)
			keep_failure(l, &err);
		return EXH_WALK_NEXT;
	}
	if (e->is_dir || e->nstreams == 0 || e->streams[0].name[0] != '\0')
		return EXH_WALK_NEXT;
	if ((grown = realloc(l->files, (l->n + 1) * sizeof(*grown))) == NULL)
		goto nomem;
	l->files = grown;
	f = &grown[l->n];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(e->path)) == NULL)
		goto nomem;
	f->mft = e->mft;
	f->seq = e->seq;
	f->size = e->streams[0].size;
	f->family = family_hint(l, e->path);
	f->vol = l->vol;
	f->vol_index = l->vol_index;
	l->n++;
	return EXH_WALK_NEXT;
nomem:
	exh_err_set(&err, EXH_ENOMEM, 0, "logs: out of memory");
	keep_failure(l, &err);
	return EXH_WALK_STOP;
}

/* The index of vol in in->vols, or SIZE_MAX. */
static size_t
index_of(const struct exh_scan_logs_input *in, const struct exh_volume *vol)
{
	size_t i;

	for (i = 0; i < in->nvols; i++)
		if (in->vols[i] == vol)
			return i;
	return SIZE_MAX;
}

static int
walk_root(const struct exh_scan_logs_input *in, struct exh_volume *vol,
    const char *root, int hint, struct log_list *l)
{
	struct exh_err err, serr;
	int rc;

	l->hint = hint;
	l->vol = vol;
	l->vol_index = index_of(in, vol);
	rc = exh_volume_walk(vol, root, collect_log, l, &err);
	l->hint = EXH_LOG_UNKNOWN;
	/* A folder that exists but cannot be walked is a gap, not silence. */
	if (rc != EXH_OK && rc != EXH_ENOTFOUND && rc != EXH_STOP &&
	    exh_findings_add_skip(l->fs, root, "", 0, 0, rc == EXH_ECORRUPT ?
	    "corrupt" : "unreadable", err.msg, &serr) != EXH_OK)
		keep_failure(l, &serr);
	return rc;
}

/* The opened volume with this drive letter, or NULL. */
static struct exh_volume *
volume_for(const struct exh_scan_logs_input *in, char letter)
{
	size_t i;

	for (i = 0; i < in->nvols; i++)
		if ((exh_volume_info(in->vols[i])->letter & ~0x20) ==
		    (letter & ~0x20))
			return in->vols[i];
	if (in->vol != NULL && (exh_volume_info(in->vol)->letter & ~0x20) ==
	    (letter & ~0x20))
		return in->vol;
	return NULL;
}

/* The notes for a log folder that is missing or on no opened volume:
 * whole sentences, so that each is one message id. */
struct folder_notes {
	const char *missing, *elsewhere;
};
static const struct folder_notes exchange_logs = {
	N_("no Exchange log folder %s"),
	N_("Exchange log folder %s is on no opened volume"),
};
static const struct folder_notes event_logs = {
	N_("no event log folder %s"),
	N_("event log folder %s is on no opened volume"),
};

/* Walks a folder named with its drive letter on the volume with that
 * letter.  A folder on no opened volume, or one that does not exist, is a
 * note: site names the IIS site whose folder it is, NULL for the Exchange
 * and event log folders (what). */
static int
walk_lettered(const struct exh_scan_logs_input *in, const char *dir,
    int hint, const struct folder_notes *what, const char *site,
    struct log_list *l)
{
	struct exh_volume *on;
	bool gone;

	on = strlen(dir) >= 3 && dir[1] == ':' && dir[2] == '\\' ?
	    volume_for(in, dir[0]) : NULL;
	gone = on != NULL && walk_root(in, on, dir, hint, l) == EXH_ENOTFOUND;
	if (on != NULL && !gone)
		return EXH_OK;
	if (site != NULL)
		return log_note(l->res, gone ? "IIS site %s logs to %s, which "
		    "does not exist" : "IIS site %s logs to %s, which is on no "
		    "opened volume", site, dir);
	/* Ids from the table above, each with one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return log_note(l->res, gone ? what->missing : what->elsewhere, dir);
#pragma GCC diagnostic pop
}

/* True when a site's log folder and d contain one another: it is read
 * once, as the site's. */
static bool
site_logs_overlap(const struct exh_scan_logs_input *in, const char *d)
{
	size_t i, n;

	for (i = 0; i < in->nsites; i++) {
		const char *s = in->sites[i].log_dir_resolved;

		if (s == NULL)
			continue;
		n = strlen(s) < strlen(d) ? strlen(s) : strlen(d);
		if (strncasecmp(s, d, n) == 0 && (s[n] == '\0' ||
		    s[n] == '\\') && (d[n] == '\0' || d[n] == '\\'))
			return true;
	}
	return false;
}

/* IIS log folders: the system volume's default and the ones
 * applicationHost.config sets, on whichever opened volume has their drive
 * letter. */
static int
walk_iis_logs(const struct exh_scan_logs_input *in, struct log_list *l)
{
	char root[4096] = "";
	size_t i;
	int rc = EXH_OK;

	if (in->vol != NULL) {
		/* A letter and a literal: root[4096] holds it by
		 * construction. */
		(void)snprintf(root, sizeof(root),
		    "%c:\\inetpub\\logs\\LogFiles",
		    exh_volume_info(in->vol)->letter);
		(void)walk_root(in, in->vol, root, EXH_LOG_IIS, l);
	}
	for (i = 0; i < in->nsites && rc == EXH_OK; i++) {
		const char *d = in->sites[i].log_dir_resolved;

		if (d == NULL || strlen(d) < 3 || d[1] != ':' ||
		    (root[0] != '\0' &&
		    strncasecmp(d, root, strlen(root)) == 0))
			continue;
		rc = walk_lettered(in, d, EXH_LOG_IIS, NULL,
		    in->sites[i].name, l);
	}
	/* Found by layout: an inetpub without logs is no news. */
	for (i = 0; i < in->niis_log_dirs && rc == EXH_OK; i++) {
		const char *d = in->iis_log_dirs[i];
		struct exh_volume *on;

		if (d != NULL && strlen(d) >= 3 && d[1] == ':' &&
		    !site_logs_overlap(in, d) &&
		    (on = volume_for(in, d[0])) != NULL)
			(void)walk_root(in, on, d, EXH_LOG_IIS, l);
	}
	return rc;
}

int
log_find(const struct exh_scan_logs_input *in, struct log_list *l,
    struct exh_err *err)
{
	bool web = in->parts == 0 || (in->parts & EXH_LOGS_WEB) != 0;
	bool events = in->parts == 0 || (in->parts & EXH_LOGS_EVENTS) != 0;
	char root[4096];
	int rc = EXH_OK;
	int w;

	if (web && in->install_dir != NULL) {
		w = snprintf(root, sizeof(root), "%sLogging", in->install_dir);
		if (w < 0 || (size_t)w >= sizeof(root))
			return exh_err_set(err, EXH_EUSAGE, 0, "logs: "
			    "Exchange folder path too long");
		rc = walk_lettered(in, root, EXH_LOG_UNKNOWN,
		    &exchange_logs, NULL, l);
	}
	if (rc == EXH_OK && web)
		rc = walk_iis_logs(in, l);
	if (rc == EXH_OK && events && in->event_log_dir != NULL)
		rc = walk_lettered(in, in->event_log_dir, EXH_LOG_UNKNOWN,
		    &event_logs, NULL, l);
	else if (rc == EXH_OK && events && in->vol != NULL) {
		/* A letter and a literal: root[4096] holds it by
		 * construction. */
		(void)snprintf(root, sizeof(root),
		    "%c:\\Windows\\System32\\winevt\\Logs",
		    exh_volume_info(in->vol)->letter);
		rc = walk_lettered(in, root, EXH_LOG_UNKNOWN,
		    &event_logs, NULL, l);
	}
	if (rc != EXH_OK)
		return exh_err_set(err, rc, 0, "logs: out of memory");
	if (l->rc != EXH_OK) {
		*err = l->err;
		return exh_err_prefix(err, "logs");
	}
	return EXH_OK;
}

/* A URL path for a flagged file under a virtual directory, into url. */
static bool
url_for(const struct exh_iis_vdir *v, const char *path, char *url, size_t len)
{
	size_t n = strlen(v->physical_resolved), i;
	const char *rest;
	int w;

	while (n > 0 && v->physical_resolved[n - 1] == '\\')
		n--;
	if (n == 0 || strncasecmp(path, v->physical_resolved, n) != 0 ||
	    path[n] != '\\')
		return false;
	rest = path + n;
	w = snprintf(url, len, "%s%s%s", strcmp(v->app_path, "/") == 0 ? "" :
	    v->app_path, strcmp(v->vdir_path, "/") == 0 ? "" : v->vdir_path,
	    rest);
	if (w < 0 || (size_t)w >= len)
		return false;
	for (i = 0; url[i] != '\0'; i++)
		if (url[i] == '\\')
			url[i] = '/';
	return true;
}

/*
 * The path a snapshot's file had on the live volume: "C:@{guid}\x" is
 * "C:\x".  A shell the attacker deleted survives in a shadow copy while
 * the live IIS log still holds the requests for it.
 */
static const char *
live_path(const struct exh_finding *f, char *buf, size_t len)
{
	const char *p = f->file.path, *at, *slash;

	if (f->origin == NULL || strcmp(f->origin, "snapshot") != 0 ||
	    (slash = strchr(p, '\\')) == NULL ||
	    (at = memchr(p, '@', (size_t)(slash - p))) == NULL ||
	    (size_t)(at - p) + strlen(slash) >= len)
		return p;
	(void)snprintf(buf, len, "%.*s%s", (int)(at - p), p, slash);
	return buf;
}

void
log_register_flagged(const struct exh_scan_logs_input *in,
    struct exh_logscan *ls)
{
	struct exh_err err;
	char url[4096], live[4096];
	const char *path;
	size_t i, j;

	for (i = 0; in->flagged != NULL && i < exh_findings_count(in->flagged);
	    i++) {
		const struct exh_finding *f = exh_findings_get(in->flagged, i);

		if (f->kind != EXH_FIND_FILE || f->level < EXH_LEVEL_NOTICE ||
		    f->file.path == NULL)
			continue;
		path = live_path(f, live, sizeof(live));
		for (j = 0; j < in->nvdirs; j++)
			if (in->vdirs[j].physical_resolved != NULL &&
			    url_for(&in->vdirs[j], path, url,
			    sizeof(url)))
				(void)exh_logscan_add_flagged_url(ls, url,
				    f->id[0] ? f->id : f->check, &err);
	}
}
