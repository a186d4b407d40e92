/* One log file on a worker: a text log through logscan, an event log through a memfd and events. */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_int.h"

#define EVTX_MAX (1024ULL * 1024 * 1024)

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

int
log_scan_text(struct exh_volume *vol, struct exh_logscan *ls, int family,
    const struct log_file *f, struct exh_findings *fs, bool *read,
    struct exh_err *err)
{
	struct stream_reader r = { NULL, 0 };
	struct exh_err e;
	int rc;

	*read = false;
	if ((rc = exh_stream_open(vol, f->mft, "", &r.st, &e)) == EXH_OK) {
		rc = exh_logscan_file(ls, f->path, family, read_stream, &r, fs,
		    &e);
		exh_stream_close(r.st);
	}
	if (rc == EXH_ENOMEM) {
		*err = e;
		return rc;
	}
	if (rc != EXH_OK)
		return exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    rc == EXH_ECORRUPT ? "corrupt" : "unreadable", e.msg, err);
	*read = true;
	return EXH_OK;
}

/* libevtx wants a file: the event log is copied into anonymous memory. */
static int
evtx_to_memfd(struct exh_volume *vol, const struct log_file *f, int *out,
    struct exh_err *err)
{
	struct stream_reader r = { NULL, 0 };
	char buf[65536];
	size_t got;
	int fd, rc;

	if ((fd = memfd_create("exhume-evtx", MFD_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "memfd: %s",
		    exh_strerror(errno));
	rc = exh_stream_open(vol, f->mft, "", &r.st, err);
	while (rc == EXH_OK && (rc = read_stream(&r, buf, sizeof(buf), &got,
	    err)) == EXH_OK && got > 0)
		if (write(fd, buf, got) != (ssize_t)got)
			rc = exh_err_set(err, EXH_EIO, errno, "memfd: %s",
			    exh_strerror(errno));
	if (r.st != NULL)
		exh_stream_close(r.st);
	if (rc != EXH_OK) {
		close(fd);
		return rc;
	}
	*out = fd;
	return EXH_OK;
}

int
log_scan_evtx(struct exh_volume *vol, struct exh_events *ev,
    struct log_file *f, struct exh_findings *fs, bool *read,
    struct exh_err *err)
{
	struct exh_events_stats st;
	struct exh_err e;
	char a[32], b[32];
	int fd, rc;

	*read = false;
	if (f->size > EVTX_MAX)
		return exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "too-large", "event log larger than 1 GiB", err);
	memset(&st, 0, sizeof(st));
	if ((rc = evtx_to_memfd(vol, f, &fd, &e)) == EXH_OK) {
		rc = exh_events_scan_file(ev, fd, f->path, f->mft, fs, &st,
		    &e);
		close(fd);
	}
	if (rc != EXH_OK && rc != EXH_ECORRUPT)
		return exh_findings_add_skip(fs, f->path, "", f->mft, f->size,
		    "unreadable", e.msg, err);
	/* A server has hundreds of logs no check reads: they are counted in
	 * one note (merge in logs.c), not one note each. */
	if (rc == EXH_OK && !st.known && st.lost + st.slack_lost == 0) {
		f->other_evtx = true;
		f->other_records = st.records;
		*read = true;
		return EXH_OK;
	}
	if ((f->note = malloc(sizeof(*f->note))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	(void)exh_filetime_iso(st.first, a);
	(void)exh_filetime_iso(st.last, b);
	if (st.lost + st.slack_lost > 0)
		exh_msg_setf(f->note, N_("event log %s: %llu records, %s .. %s; "
		    "%llu lost, %llu unreadable in slack (libevtx %s)"), f->path,
		    (unsigned long long)st.records, a, b,
		    (unsigned long long)st.lost,
		    (unsigned long long)st.slack_lost,
		    exh_events_libevtx_version());
	else
		exh_msg_setf(f->note, N_("event log %s: %llu records, "
		    "%s .. %s"), f->path, (unsigned long long)st.records, a, b);
	/* Which parser read a record is part of the record of the run. */
	if (st.fell_back > 0)
		exh_msg_addf(f->note, N_("; exhume's own reader declined %llu "
		    "records and left them to libevtx %s"),
		    (unsigned long long)st.fell_back,
		    exh_events_libevtx_version());
	*read = true;
	return EXH_OK;
}

/* Every event log is read: checks pick records by channel, and a log of
 * an unknown channel is still counted (its records and damage). */
bool
log_wanted_evtx(const char *path)
{
	return exh_ascii_iends(path, ".evtx");
}
