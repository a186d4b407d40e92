/* Shared helpers for the logscan unit tests: in-memory reader, rule set, lookups. */
#ifndef EXHUME_LOGSCAN_TEST_H
#define EXHUME_LOGSCAN_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"

/* A reader over a memory block that hands out at most step bytes. */
struct memrd {
	const char *p;
	size_t n, pos, step;
	size_t fail_at;		/* return EXH_EIO once pos reaches this; 0 = never */
};

static inline int
mem_read(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct memrd *m = ctx;
	size_t k = m->n - m->pos;

	if (m->fail_at != 0 && m->pos >= m->fail_at)
		return exh_err_set(err, EXH_EIO, 5, "test: read error");
	if (k > len)
		k = len;
	if (m->step != 0 && k > m->step)
		k = m->step;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	*got = k;
	return EXH_OK;
}

static inline const char *
rules_dir(void)
{
	static char dir[4096];
	const char *top = getenv("TOP");

	snprintf(dir, sizeof(dir), "%s/rules", top ? top : ".");
	return dir;
}

static inline struct exh_logscan *
new_ls(void)
{
	struct exh_logscan *ls = NULL;
	struct exh_err err = { 0 };

	if (exh_logscan_create(rules_dir(), &ls, &err) != EXH_OK)
		fail_msg("rules: %s", err.msg);
	return ls;
}

/* Runs one in-memory log; returns the status, findings in *fs. */
static inline int
run_mem(struct exh_logscan *ls, const char *winpath, int family,
    const char *text, size_t n, size_t step, struct exh_findings **fs,
    struct exh_err *err)
{
	struct memrd m = { text, n, 0, step, 0 };

	if (*fs == NULL && exh_findings_create(fs, err) != EXH_OK)
		fail_msg("findings: %s", err->msg);
	return exh_logscan_file(ls, winpath, family, mem_read, &m, *fs, err);
}

/* Hits of check: a grouped finding counts as the hits it stands for. */
static inline size_t
count_check(const struct exh_findings *fs, const char *check)
{
	size_t i, k = 0;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		if (strcmp(f->check, check) == 0)
			k += f->count > 1 ? (size_t)f->count : 1;
	}
	return k;
}

/* Findings (not hits) of check. */
static inline size_t
count_findings(const struct exh_findings *fs, const char *check)
{
	size_t i, k = 0;

	for (i = 0; i < exh_findings_count(fs); i++)
		if (strcmp(exh_findings_get(fs, i)->check, check) == 0)
			k++;
	return k;
}

static inline const struct exh_finding *
find_hit(const struct exh_findings *fs, const char *check, uint64_t line)
{
	size_t i;

	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		size_t j;

		if (strcmp(f->check, check) != 0)
			continue;
		if (f->line == line)
			return f;
		/* A grouped finding covers the lines of its samples. */
		for (j = 0; j < f->nsamples; j++)
			if (f->samples[j].line == line)
				return f;
	}
	return NULL;
}

static inline const struct exh_finding *
first_of(const struct exh_findings *fs, const char *check)
{
	size_t i;

	for (i = 0; i < exh_findings_count(fs); i++)
		if (strcmp(exh_findings_get(fs, i)->check, check) == 0)
			return exh_findings_get(fs, i);
	return NULL;
}

static inline const char *
field_of(const struct exh_finding *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return f->fields[i].value;
	return NULL;
}

#endif /* EXHUME_LOGSCAN_TEST_H */
