/* Test helper for the rules tests: rule and IOC files in a temporary directory. */
#ifndef EXHUME_TEST_RULES_FIXTURE_H
#define EXHUME_TEST_RULES_FIXTURE_H

#include <sys/stat.h>

#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"

struct fx {
	char dir[256];
	char buf[1024];
};

static inline void
fx_init(struct fx *x)
{
	const char *t = getenv("TMPDIR");

	snprintf(x->dir, sizeof(x->dir), "%s/exh-rules-XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	assert_non_null(mkdtemp(x->dir));
}

/* Path of rel inside the fixture; valid until the next call. */
static inline const char *
fx_path(struct fx *x, const char *rel)
{
	int n = snprintf(x->buf, sizeof(x->buf), "%s/%s", x->dir, rel);

	assert_true(n > 0 && (size_t)n < sizeof(x->buf));
	return x->buf;
}

static inline void
fx_mkdirs(struct fx *x, const char *rel)
{
	char p[1024];
	size_t i;
	int n = snprintf(p, sizeof(p), "%s/%s", x->dir, rel);

	assert_true(n > 0 && (size_t)n < sizeof(p));
	for (i = strlen(x->dir) + 1; p[i] != '\0'; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		mkdir(p, 0700);
		p[i] = '/';
	}
}

/* Writes content (n bytes, or strlen when n is 0) to rel, making dirs. */
static inline void
fx_writen(struct fx *x, const char *rel, const char *content, size_t n)
{
	FILE *fp;

	fx_mkdirs(x, rel);
	fp = fopen(fx_path(x, rel), "wb");
	assert_non_null(fp);
	if (n == 0)
		n = strlen(content);
	assert_int_equal(fwrite(content, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static inline void
fx_write(struct fx *x, const char *rel, const char *content)
{
	fx_writen(x, rel, content, 0);
}

static inline int
fx_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void
fx_cleanup(struct fx *x)
{
	nftw(x->dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Loads with no shipped rules: one --rules and one --iocs path (relative
 * to the fixture; NULL to leave out) and an optional cache dir. */
static inline int
fx_load(struct fx *x, const char *yara_rel, const char *ioc_rel,
    const char *cache_rel, struct exh_rules **out, struct exh_err *err)
{
	char y[1024], i[1024], c[1024];
	const char *yv[1] = { y }, *iv[1] = { i };
	struct exh_rules_options o = { 0 };

	o.no_default = true;
	if (yara_rel != NULL) {
		snprintf(y, sizeof(y), "%s/%s", x->dir, yara_rel);
		o.yara_paths = yv;
		o.n_yara = 1;
	}
	if (ioc_rel != NULL) {
		snprintf(i, sizeof(i), "%s/%s", x->dir, ioc_rel);
		o.ioc_paths = iv;
		o.n_ioc = 1;
	}
	if (cache_rel != NULL) {
		snprintf(c, sizeof(c), "%s/%s", x->dir, cache_rel);
		o.cache_dir = c;
	}
	return exh_rules_load(&o, out, err);
}

/* The index of the file whose path ends with suffix, or -1. */
static inline const struct exh_rules_file *
fx_file(const struct exh_rules *r, const char *suffix)
{
	size_t i, n = exh_rules_file_count(r), sl = strlen(suffix);

	for (i = 0; i < n; i++) {
		const struct exh_rules_file *f = exh_rules_file(r, i);
		size_t pl = strlen(f->path);

		if (pl >= sl && strcmp(f->path + pl - sl, suffix) == 0)
			return f;
	}
	return NULL;
}

/* The reason of kind with this name, or NULL. */
static inline const struct exh_reason *
fx_reason(const struct exh_finding *f, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < f->nreasons; i++)
		if (strcmp(f->reasons[i].kind, kind) == 0 &&
		    (name == NULL || strcmp(f->reasons[i].name, name) == 0))
			return &f->reasons[i];
	return NULL;
}

#endif /* EXHUME_TEST_RULES_FIXTURE_H */
