/* Shared by the profile unit tests: builds a host's hives and files in memory from tests/fixtures/hosts. */
#ifndef EXHUME_TESTS_HOSTTEST_H
#define EXHUME_TESTS_HOSTTEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/host.h"
#include "exhume/report.h"

#include "../lib/hivespec.h"
#include "../lib/pespec.h"

struct ht_file {
	char *win_path;		/* "C:\\Windows\\..." (NULL ends the table) */
	unsigned char *data;
	size_t len;
};

struct ht_host {
	struct ht_file files[16];
	size_t n;
};

static __attribute__((unused)) const char *
ht_top(void)
{
	const char *t = getenv("TOP");

	return t != NULL ? t : ".";
}

static __attribute__((unused)) int
ht_slurp(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc((size_t)n + 1);
	if (*data == NULL || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return 0;
}

static __attribute__((unused)) void
ht_add(struct ht_host *h, const char *win, unsigned char *data, size_t len)
{
	h->files[h->n].win_path = strdup(win);
	h->files[h->n].data = data;
	h->files[h->n].len = len;
	h->n++;
}

/* Builds a hive from the host's spec file into memory. */
static __attribute__((unused)) int
ht_hive(const char *host, const char *spec, unsigned char **data,
    size_t *len)
{
	char path[4096], out[] = "/tmp/exh-hive-XXXXXX", why[300];
	unsigned char *text;
	size_t tlen;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/tests/fixtures/hosts/%s/%s", ht_top(),
	    host, spec);
	if (ht_slurp(path, &text, &tlen) != 0)
		return -1;
	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	rc = hs_build((const char *)text, out, why, sizeof(why));
	free(text);
	if (rc != 0) {
		fprintf(stderr, "# %s: %s\n", path, why);
		unlink(out);
		return -1;
	}
	rc = ht_slurp(out, data, len);
	unlink(out);
	return rc;
}

/*
 * Loads host (a directory under tests/fixtures/hosts) with its Exchange
 * files under install_dir ("C:\\...\\V15\\").  Any of the parts can be
 * left out by the caller afterwards (ht_drop).
 */
static __attribute__((unused)) int
ht_load(const char *host, const char *install_dir, struct ht_host *h)
{
	unsigned char *d, *pe;
	size_t len;
	char path[4096], win[512];
	unsigned v[4];

	memset(h, 0, sizeof(*h));
	if (ht_hive(host, "system.spec", &d, &len) != 0)
		return -1;
	ht_add(h, "C:\\Windows\\System32\\config\\SYSTEM", d, len);
	if (ht_hive(host, "software.spec", &d, &len) != 0)
		return -1;
	ht_add(h, "C:\\Windows\\System32\\config\\SOFTWARE", d, len);
	snprintf(path, sizeof(path), "%s/tests/fixtures/hosts/%s/"
	    "applicationHost.config", ht_top(), host);
	if (ht_slurp(path, &d, &len) != 0)
		return -1;
	ht_add(h, "C:\\Windows\\System32\\inetsrv\\config\\"
	    "applicationHost.config", d, len);
	snprintf(path, sizeof(path), "%s/tests/fixtures/hosts/%s/"
	    "exsetup.version", ht_top(), host);
	if (ht_slurp(path, &d, &len) != 0)
		return -1;
	if (sscanf((char *)d, "%u.%u.%u.%u", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -1;
	free(d);
	pe = malloc(PS_MAX);
	len = ps_build(pe, v, PS_GOOD);
	snprintf(win, sizeof(win), "%sBin\\ExSetup.exe", install_dir);
	ht_add(h, win, pe, len);
	return 0;
}

static __attribute__((unused)) struct ht_file *
ht_find(struct ht_host *h, const char *suffix)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (exh_ascii_iends(h->files[i].win_path, suffix))
			return &h->files[i];
	return NULL;
}

/* Removes the file whose path ends in suffix. */
static __attribute__((unused)) void
ht_drop(struct ht_host *h, const char *suffix)
{
	struct ht_file *f = ht_find(h, suffix);

	if (f != NULL) {
		free(f->data);
		f->data = NULL;
		f->len = 0;
		f->win_path[0] = '\0';
	}
}

static __attribute__((unused)) void
ht_free(struct ht_host *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->files[i].win_path);
		free(h->files[i].data);
	}
	h->n = 0;
}

static __attribute__((unused)) int
ht_read(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	struct ht_host *h = ctx;
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (h->files[i].data == NULL ||
		    !exh_ascii_iequal(h->files[i].win_path, path))
			continue;
		if (h->files[i].len > max)
			return exh_err_set(err, EXH_EUSAGE, 0, "%s: too large",
			    path);
		return exh_buf_append(out, h->files[i].data, h->files[i].len);
	}
	return exh_err_set(err, EXH_ENOTFOUND, ENOENT, "%s: no such file",
	    path);
}

static __attribute__((unused)) struct exh_profile *
ht_profile(struct ht_host *h, const char *rules_dir)
{
	struct exh_profile *p = NULL;
	struct exh_err err = { 0 };
	char dir[4096];

	if (rules_dir == NULL) {
		snprintf(dir, sizeof(dir), "%s/rules", ht_top());
		rules_dir = dir;
	}
	if (exh_profile_build_from(ht_read, h, rules_dir, &p, &err) != EXH_OK) {
		fprintf(stderr, "# %s\n", err.msg);
		return NULL;
	}
	return p;
}

static __attribute__((unused)) bool
ht_has_note(const struct exh_profile *p, const char *needle)
{
	size_t i;

	for (i = 0; i < p->nnotes; i++)
		if (strstr(p->notes[i], needle) != NULL)
			return true;
	return false;
}

#define HT_E15 "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
#define HT_E14 "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\"

#endif /* EXHUME_TESTS_HOSTTEST_H */
