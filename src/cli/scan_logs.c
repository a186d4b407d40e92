/* The log and event-log part of a scan: Exchange and IIS logs, .evtx files. */
#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/events.h"
#include "exhume/logscan.h"
#include "cli.h"

#define EVTX_MAX (1024ULL * 1024 * 1024)

struct log_file {
	char *path;
	uint64_t mft;
	uint64_t size;
};

struct log_list {
	struct log_file *files;
	size_t n;
};

static int
collect(const struct exh_entry *e, void *ctx)
{
	struct log_list *l = ctx;
	struct log_file *grown;

	if (e->is_dir || e->status != EXH_ENTRY_OK || e->nstreams == 0 ||
	    e->streams[0].name[0] != '\0')
		return EXH_WALK_NEXT;
	if ((grown = realloc(l->files, (l->n + 1) * sizeof(*grown))) == NULL)
		return EXH_WALK_STOP;
	l->files = grown;
	if ((grown[l->n].path = strdup(e->path)) == NULL)
		return EXH_WALK_STOP;
	grown[l->n].mft = e->mft;
	grown[l->n].size = e->streams[0].size;
	l->n++;
	return EXH_WALK_NEXT;
}

struct stream_reader {
	struct exh_stream *st;
	uint64_t off;
};

static int
read_stream(void *ctx, void *buf, size_t len, size_t *got,
    struct exh_err *err)
{
	struct stream_reader *r = ctx;
	int rc = exh_stream_pread(r->st, buf, len, r->off, got, err);

	if (rc == EXH_OK)
		r->off += *got;
	return rc;
}

static void
scan_text_log(struct exh_volume *vol, struct exh_logscan *ls, int family,
    const struct log_file *f, struct exh_findings *fs)
{
	struct stream_reader r = { NULL, 0 };
	struct exh_err err;
	int rc;

	if ((rc = exh_stream_open(vol, f->mft, "", &r.st, &err)) == EXH_OK) {
		rc = exh_logscan_file(ls, f->path, family, read_stream, &r, fs,
		    &err);
		exh_stream_close(r.st);
	}
	if (rc != EXH_OK)
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    rc == EXH_ECORRUPT ? "corrupt" : "unreadable", err.msg,
		    &err);
}

/* libevtx wants a file: the event log is copied into anonymous memory. */
static void
scan_evtx(struct exh_volume *vol, struct exh_events *ev,
    const struct log_file *f, struct exh_findings *fs)
{
	struct exh_events_stats st;
	struct stream_reader r = { NULL, 0 };
	struct exh_err err;
	char buf[65536];
	size_t got;
	int fd, rc;

	if (f->size > EVTX_MAX) {
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "too-large", "event log larger than 1 GiB", &err);
		return;
	}
	if ((fd = memfd_create("exhume-evtx", MFD_CLOEXEC)) < 0)
		return;
	rc = exh_stream_open(vol, f->mft, "", &r.st, &err);
	while (rc == EXH_OK && (rc = read_stream(&r, buf, sizeof(buf), &got,
	    &err)) == EXH_OK && got > 0)
		if (write(fd, buf, got) != (ssize_t)got)
			rc = exh_err_set(&err, EXH_EIO, errno, "memfd: %s",
			    strerror(errno));
	if (r.st != NULL)
		exh_stream_close(r.st);
	if (rc == EXH_OK) {
		memset(&st, 0, sizeof(st));
		rc = exh_events_scan_fd(ev, fd, f->path, fs, &st, &err);
	}
	if (rc != EXH_OK && rc != EXH_ECORRUPT)
		exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "unreadable", err.msg, &err);
	close(fd);
}

static bool
wanted_evtx(const char *path)
{
	return exh_ascii_iends(path, "\\Application.evtx") ||
	    exh_ascii_iends(path, "\\MSExchange Management.evtx") ||
	    exh_ascii_iends(path,
	    "\\Microsoft-Windows-Windows Defender%4Operational.evtx");
}

static void
walk_root(struct exh_volume *vol, const char *root, struct log_list *l)
{
	struct exh_err err;

	(void)exh_volume_walk(vol, root, collect, l, &err);
}

int
cli_scan_logs(struct exh_volume *vol, const char *install_path,
    struct exh_findings *fs, FILE *report)
{
	struct exh_logscan *ls = NULL;
	struct exh_events *ev = NULL;
	struct log_list l = { NULL, 0 };
	struct exh_err err;
	char root[4096];
	char letter = exh_volume_info(vol)->letter;
	size_t i;

	if (exh_logscan_create(cli_rules_dir(), &ls, &err) != EXH_OK ||
	    exh_events_create(cli_rules_dir(), &ev, &err) != EXH_OK) {
		cli_error("log rules", &err);
		exh_logscan_destroy(ls);
		return EXH_EUSAGE;
	}
	if (install_path != NULL) {
		exh_logscan_set_install_path(ls, install_path);
		snprintf(root, sizeof(root), "%sLogging", install_path);
		walk_root(vol, root, &l);
	}
	snprintf(root, sizeof(root), "%c:\\inetpub\\logs\\LogFiles", letter);
	walk_root(vol, root, &l);
	snprintf(root, sizeof(root), "%c:\\Windows\\System32\\winevt\\Logs",
	    letter);
	walk_root(vol, root, &l);
	for (i = 0; i < l.n; i++) {
		int family = exh_log_family_for_path(l.files[i].path,
		    install_path);

		if (family != EXH_LOG_UNKNOWN)
			scan_text_log(vol, ls, family, &l.files[i], fs);
		else if (wanted_evtx(l.files[i].path))
			scan_evtx(vol, ev, &l.files[i], fs);
		free(l.files[i].path);
	}
	free(l.files);
	for (i = 0; report != NULL && i < exh_logscan_coverage_count(ls); i++) {
		const struct exh_log_coverage *c = exh_logscan_coverage(ls, i);
		char a[32], b[32];

		if (c->files == 0)
			continue;
		fprintf(report, "log coverage: %-10s %4" PRIu64 " files %9"
		    PRIu64 " lines, %s .. %s\n", exh_log_family_name(c->family),
		    c->files, c->lines, exh_filetime_iso(c->first, a),
		    exh_filetime_iso(c->last, b));
	}
	exh_events_destroy(ev);
	exh_logscan_destroy(ls);
	return EXH_OK;
}
