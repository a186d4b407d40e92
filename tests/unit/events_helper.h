/* Shared helpers of the events unit tests: build an .evtx in a memfd and scan it. */
#ifndef EXHUME_TESTS_EVENTS_HELPER_H
#define EXHUME_TESTS_EVENTS_HELPER_H

#include <sys/mman.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"

#include "../lib/evtxwriter.c"

/* Copies img into a memfd (no file on disk is written). */
static int
memfd_with(const unsigned char *img, size_t len)
{
	int fd = memfd_create("evtx", MFD_CLOEXEC);
	size_t done = 0;

	assert_true(fd >= 0);
	while (done < len) {
		ssize_t n = write(fd, img + done, len - done);

		assert_true(n > 0);
		done += (size_t)n;
	}
	return fd;
}

/* Builds an .evtx from spec lines (newline-separated) into a memfd;
 * templateless: records in the shape stored without a template. */
static int
evtx_fd_shaped(const char *spec, const struct evtxw_damage *dmg,
    int templateless)
{
	struct evtxw *w = evtxw_new();
	struct evtxw_damage none = { 0, -1, 0 };
	const char *p = spec;
	unsigned char *img;
	size_t len;
	char msg[128];
	int fd;

	assert_non_null(w);
	evtxw_set_templateless(w, templateless);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		char *line = strndup(p, n);

		assert_non_null(line);
		if (evtxw_add_spec_line(w, line, msg, sizeof(msg)) != 0)
			fail_msg("spec: %s: %s", line, msg);
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	assert_int_equal(evtxw_finish(w, dmg ? dmg : &none, &img, &len), 0);
	fd = memfd_with(img, len);
	free(img);
	evtxw_free(w);
	return fd;
}

static __attribute__((unused)) int
evtx_fd(const char *spec, const struct evtxw_damage *dmg)
{
	return evtx_fd_shaped(spec, dmg, 0);
}

struct run {
	struct exh_events *ev;
	struct exh_findings *out;
	struct exh_events_stats st;
	int rc;
	struct exh_err err;
};

static void
run_scan_shaped(struct run *r, const char *winpath, const char *spec,
    const struct evtxw_damage *dmg, int um, int templateless)
{
	int fd;

	memset(r, 0, sizeof(*r));
	assert_int_equal(exh_events_create(EXH_RULES_DIR, &r->ev, &r->err),
	    EXH_OK);
	exh_events_set_um_installed(r->ev, um);
	assert_int_equal(exh_findings_create(&r->out, &r->err), EXH_OK);
	fd = evtx_fd_shaped(spec, dmg, templateless);
	r->rc = exh_events_scan_fd(r->ev, fd, winpath, r->out, &r->st,
	    &r->err);
	close(fd);
}

static __attribute__((unused)) void
run_scan(struct run *r, const char *winpath, const char *spec,
    const struct evtxw_damage *dmg, int um)
{
	run_scan_shaped(r, winpath, spec, dmg, um, 0);
}

static __attribute__((unused)) void
run_free(struct run *r)
{
	exh_findings_destroy(r->out);
	exh_events_destroy(r->ev);
}

/* The finding with this check, NULL if none; counts them in *n. */
static __attribute__((unused)) const struct exh_finding *
find_check(const struct run *r, const char *check, size_t *n)
{
	const struct exh_finding *hit = NULL;
	size_t i, count = 0;

	for (i = 0; i < exh_findings_count(r->out); i++) {
		const struct exh_finding *f = exh_findings_get(r->out, i);

		if (strcmp(f->check, check) == 0) {
			if (hit == NULL)
				hit = f;
			count++;
		}
	}
	if (n != NULL)
		*n = count;
	return hit;
}

static __attribute__((unused)) const char *
field(const struct exh_finding *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return f->fields[i].value;
	return NULL;
}

/* The first skip whose detail contains needle, NULL if none. */
static __attribute__((unused)) const struct exh_skip *
find_skip(const struct run *r, const char *needle)
{
	size_t i;

	for (i = 0; i < exh_findings_skip_count(r->out); i++) {
		const struct exh_skip *s = exh_findings_skip(r->out, i);

		if (strstr(s->detail, needle) != NULL)
			return s;
	}
	return NULL;
}

#endif /* EXHUME_TESTS_EVENTS_HELPER_H */
