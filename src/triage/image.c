/* The image record: SHA-256 of the image files, and the image check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage_int.h"

#define PROGRESS_NS 100000000L	/* report about every 100 ms */

static bool
cancelled(const struct exh_triage *t)
{
	return t->opt.cancel != NULL && *t->opt.cancel != 0;
}

struct hash_progress {
	struct exh_triage *t;
	uint64_t base;		/* bytes of the sources before this one */
};

/* On the hashing thread: counters only, never the front end's hooks. */
static void
hash_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct hash_progress *hp = ctx;

	(void)total;
	atomic_store(&hp->t->hasher.done, hp->base + done);
	if (cancelled(hp->t))
		hp->t->hasher.stop = true;
}

static void *
hash_thread(void *arg)
{
	struct exh_triage *t = arg;
	struct hash_progress hp = { .t = t };
	struct exh_err err;
	size_t i, j;

	for (i = 0; i < t->nsrcs; i++) {
		struct triage_image *im = &t->img[i];

		im->hash_rc = exh_source_hash_files(t->srcs[i], hash_progress,
		    &hp, &t->hasher.stop, &err);
		if (im->hash_rc != EXH_OK)
			(void)snprintf(im->hash_note, sizeof(im->hash_note),
			    "not computed: %s", im->hash_rc == EXH_STOP ?
			    "run cancelled" : err.msg);
		for (j = 0; j < exh_source_file_count(t->srcs[i]); j++)
			hp.base += exh_source_file(t->srcs[i], j)->size;
		atomic_store(&t->hasher.done, hp.base);
	}
	atomic_store(&t->hasher.finished, true);
	return NULL;
}

int
triage_image_start(struct exh_triage *t, struct exh_err *err)
{
	uint64_t total = 0;
	size_t i, j;

	if ((t->img = calloc(t->nsrcs + 1, sizeof(*t->img))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	for (i = 0; i < t->nsrcs; i++)
		for (j = 0; j < exh_source_file_count(t->srcs[i]); j++)
			total += exh_source_file(t->srcs[i], j)->size;
	if (total == 0)
		return EXH_OK;
	if (t->opt.no_image_hash) {
		for (i = 0; i < t->nsrcs; i++)
			if (exh_source_file_count(t->srcs[i]) > 0)
				(void)snprintf(t->img[i].hash_note,
				    sizeof(t->img[i].hash_note),
				    "not computed: --no-image-hash");
		return EXH_OK;
	}
	atomic_store(&t->hasher.total, total);
	if (pthread_create(&t->hasher.thread, NULL, hash_thread, t) != 0) {
		/* The scan goes on; the record says why the hashes are
		 * missing. */
		for (i = 0; i < t->nsrcs; i++)
			(void)snprintf(t->img[i].hash_note,
			    sizeof(t->img[i].hash_note),
			    "not computed: no thread for hashing");
		return EXH_OK;
	}
	t->hasher.started = true;
	return EXH_OK;
}

static void
report(struct exh_triage *t, const char *phase, uint64_t done,
    uint64_t total, const char *path)
{
	struct exh_scan_progress p;

	if (t->opt.progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.bytes_done = done;
	p.bytes_total = total;
	p.current_path = path;
	p.phase = phase;
	exh_findings_level_counts(t->fs, p.by_level);
	t->opt.progress(t->opt.ctx, &p);
}

void
triage_image_join(struct exh_triage *t)
{
	struct timespec nap = { 0, PROGRESS_NS };
	uint64_t total = atomic_load(&t->hasher.total);
	bool waited = false;
	size_t i;

	if (!t->hasher.started)
		return;
	/* The scan is done; what is left of the hashing is a phase of its
	 * own, reported from this thread. */
	while (!atomic_load(&t->hasher.finished)) {
		waited = true;
		if (cancelled(t))
			t->hasher.stop = true;
		report(t, "image-hash", atomic_load(&t->hasher.done), total,
		    NULL);
		nanosleep(&nap, NULL);
	}
	pthread_join(t->hasher.thread, NULL);
	t->hasher.started = false;
	for (i = 0; i < t->nsrcs; i++)
		if (t->img[i].hash_rc != EXH_OK && t->img[i].hash_rc !=
		    EXH_STOP)
			triage_note(t, "%s: image files %s",
			    exh_source_path(t->srcs[i]), t->img[i].hash_note);
	if (waited)
		report(t, "image-hash", atomic_load(&t->hasher.done), total,
		    NULL);
}

void
triage_image_stop(struct exh_triage *t)
{
	if (!t->hasher.started)
		return;
	t->hasher.stop = true;
	pthread_join(t->hasher.thread, NULL);
	t->hasher.started = false;
}

struct verify_progress {
	struct exh_triage *t;
	const char *path;
	struct timespec last;
	volatile bool stop;
};

static void
verify_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct verify_progress *vp = ctx;
	struct timespec now;
	long ns;

	if (cancelled(vp->t))
		vp->stop = true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (now.tv_sec - vp->last.tv_sec) * 1000000000L +
	    (now.tv_nsec - vp->last.tv_nsec);
	if (ns < PROGRESS_NS && done < total)
		return;
	vp->last = now;
	report(vp->t, "verify-image", done, total, vp->path);
}

/* A stored hash that differs from what was read: the image is not what
 * was acquired. */
static int
integrity_finding(struct exh_triage *t, const char *path,
    const struct exh_image_meta *m, const struct exh_image_check *c,
    struct exh_err *err)
{
	static const struct exh_image_meta none;
	struct exh_finding *f = exh_finding_new(EXH_FIND_HOST);
	char detail[512];

	if (m == NULL)
		m = &none;
	(void)snprintf(detail, sizeof(detail), "stored MD5 %s, computed MD5 "
	    "%s; stored SHA-1 %s, computed SHA-1 %s",
	    m->md5[0] ? m->md5 : "(none)", c->md5,
	    m->sha1[0] ? m->sha1 : "(none)", c->sha1);
	if (f == NULL || exh_finding_set(&f->check, "image-integrity") !=
	    EXH_OK || exh_finding_set(&f->file.path, path) != EXH_OK ||
	    exh_finding_add_reason(f, "integrity", "image-integrity", 100,
	    "the image does not hash to what its acquisition stored: it "
	    "changed or is damaged since it was acquired", NULL, detail) !=
	    EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(err, EXH_ENOMEM, 0,
		    "image check: out of memory");
	}
	exh_finding_rescore(f);
	f->level = EXH_LEVEL_ALERT;
	return exh_findings_add(t->fs, f, err);
}

static int
verify_one(struct exh_triage *t, size_t i, struct exh_err *err)
{
	struct verify_progress vp = { .t = t };
	struct triage_image *im = &t->img[i];
	const struct exh_image_meta *m = exh_source_image_meta(t->srcs[i]);
	const char *path = exh_source_path(t->srcs[i]);
	struct exh_err e;
	int rc;

	vp.path = path;
	clock_gettime(CLOCK_MONOTONIC, &vp.last);
	im->checked = true;
	rc = exh_source_verify_image(t->srcs[i], verify_progress, &vp,
	    &vp.stop, &im->check, &e);
	if (rc == EXH_ENOMEM)
		return exh_err_set(err, rc, 0, "%s", e.msg);
	if (rc != EXH_OK) {
		(void)snprintf(im->check_note, sizeof(im->check_note),
		    "incomplete: %s", rc == EXH_STOP ? "run cancelled" :
		    e.msg);
		triage_note(t, "%s: image check %s", path, im->check_note);
		return EXH_OK;
	}
	if (im->check.md5_match == 0 || im->check.sha1_match == 0) {
		triage_note(t, "%s: image check: the stored hash differs from "
		    "the image read", path);
		return integrity_finding(t, path, m, &im->check, err);
	}
	triage_note(t, "%s: image check: %s", path, im->check.md5_match ==
	    1 || im->check.sha1_match == 1 ? "matches the stored hash" :
	    "no stored hash to compare with; hashes recorded");
	return EXH_OK;
}

int
triage_image_verify(struct exh_triage *t, struct exh_err *err)
{
	size_t i;
	int rc = EXH_OK;

	if (!t->opt.verify_image || t->img == NULL)
		return EXH_OK;
	for (i = 0; i < t->nsrcs && rc == EXH_OK; i++) {
		if (cancelled(t)) {
			t->img[i].checked = true;
			(void)snprintf(t->img[i].check_note,
			    sizeof(t->img[i].check_note),
			    "not run: run cancelled");
			continue;
		}
		rc = verify_one(t, i, err);
	}
	return rc;
}
