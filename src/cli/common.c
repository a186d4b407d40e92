/* Helpers shared by the commands: opening volumes, messages, hashing. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_put_term(FILE *fp, const char *s)
{
	struct exh_buf b = { 0 };

	if (s != NULL && exh_esc_term(&b, s, strlen(s)) == EXH_OK && b.data)
		fputs(b.data, fp);
	exh_buf_free(&b);
}

void
cli_error(const char *what, const struct exh_err *err)
{
	fputs("exhume: ", stderr);
	if (what != NULL) {
		cli_put_term(stderr, what);
		fputs(": ", stderr);
	}
	cli_put_term(stderr, err->msg);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("exhume: ", stderr);
	cli_put_term(stderr, msg);
	fputc('\n', stderr);
}

const char *
cli_rules_dir(void)
{
	const char *env = getenv("EXHUME_RULES_DIR");

	return (env != NULL && *env != '\0') ? env : EXH_RULES_DIR;
}

static int
add_volume(struct cli_volumes *cv, struct exh_source *src, int part,
    struct exh_volume *vol)
{
	struct cli_volume *grown;

	grown = realloc(cv->vols, (cv->nvols + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	cv->vols = grown;
	cv->vols[cv->nvols].src = src;
	cv->vols[cv->nvols].part = part;
	cv->vols[cv->nvols].vol = vol;
	cv->nvols++;
	return EXH_OK;
}

static int
open_source_volumes(struct cli_volumes *cv, struct exh_source *src)
{
	struct exh_err err;
	struct exh_volume *vol;
	size_t i;

	for (i = 0; i < exh_source_partition_count(src); i++) {
		const struct exh_partition *p = exh_source_partition(src, i);
		char what[512];

		if (p->fs != EXH_FS_NTFS) {
			cv->not_ntfs++;
			continue;
		}
		snprintf(what, sizeof(what), "%s: partition %d",
		    exh_source_path(src), p->number);
		if (exh_volume_open(src, p->number, &vol, &err) != EXH_OK) {
			cli_error(what, &err);
			continue;
		}
		if (add_volume(cv, src, p->number, vol) != EXH_OK) {
			exh_volume_close(vol);
			return EXH_ENOMEM;
		}
	}
	return EXH_OK;
}

int
cli_open_volumes(char *const *paths, size_t n, int only, const char *letters,
    struct cli_volumes *out)
{
	struct exh_volume **vols;
	struct exh_err err;
	size_t i;
	int rc = EXH_OK;

	memset(out, 0, sizeof(*out));
	if ((out->srcs = calloc(n ? n : 1, sizeof(*out->srcs))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < n; i++) {
		if (exh_source_open(paths[i], &out->srcs[out->nsrcs], &err)) {
			cli_error(NULL, &err);
			rc = err.status;
			break;
		}
		out->nsrcs++;
		if ((rc = open_source_volumes(out, out->srcs[i])) != EXH_OK)
			break;
	}
	if (rc != EXH_OK)
		return rc;
	if ((vols = calloc(out->nvols ? out->nvols : 1, sizeof(*vols))) == NULL)
		return EXH_ENOMEM;
	for (i = 0; i < out->nvols; i++)
		vols[i] = out->vols[i].vol;
	rc = exh_volume_assign_letters(vols, out->nvols, letters, &err);
	free(vols);
	if (rc != EXH_OK) {
		cli_error(NULL, &err);
		return rc;
	}
	if (only > 0) {
		if ((size_t)only > out->nvols) {
			cli_warn("--volume %d: there are %zu NTFS volumes", only,
			    out->nvols);
			return EXH_EUSAGE;
		}
		for (i = 0; i < out->nvols; i++)
			if (i != (size_t)only - 1)
				exh_volume_close(out->vols[i].vol);
		out->vols[0] = out->vols[only - 1];
		out->nvols = 1;
	}
	return EXH_OK;
}

void
cli_close_volumes(struct cli_volumes *cv)
{
	size_t i;

	for (i = 0; i < cv->nvols; i++)
		exh_volume_close(cv->vols[i].vol);
	for (i = 0; i < cv->nsrcs; i++)
		exh_source_close(cv->srcs[i]);
	free(cv->vols);
	free(cv->srcs);
	memset(cv, 0, sizeof(*cv));
}

int
cli_hash_stream(struct exh_volume *vol, uint64_t mft, const char *stream,
    bool md5, bool sha1, char out_md5[33], char out_sha1[41],
    char out_sha256[65], struct exh_err *err)
{
	struct exh_hasher *h;
	struct exh_stream *st;
	static const size_t chunk = 1 << 20;
	unsigned char *buf;
	uint64_t off = 0;
	size_t got;
	int rc;

	if ((rc = exh_stream_open(vol, mft, stream, &st, err)) != EXH_OK)
		return rc;
	buf = malloc(chunk);
	if (buf == NULL || exh_hasher_create(md5, sha1, &h) != EXH_OK) {
		free(buf);
		exh_stream_close(st);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	while ((rc = exh_stream_pread(st, buf, chunk, off, &got, err)) ==
	    EXH_OK && got > 0) {
		exh_hasher_update(h, buf, got);
		off += got;
	}
	if (rc == EXH_OK)
		rc = exh_hasher_final(h, out_md5, out_sha1, out_sha256);
	exh_hasher_destroy(h);
	free(buf);
	exh_stream_close(st);
	return rc;
}

/* Secrets come from a file, never from the command line or a log. */
char *
cli_read_secret(const char *path)
{
	char buf[1024], *copy;
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	copy = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return copy;
}

/* A small local text file (at most max bytes), or NULL. */
char *
cli_read_file(const char *path, size_t max)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL)
		return NULL;
	if ((buf = malloc(max + 1)) != NULL) {
		n = fread(buf, 1, max, fp);
		buf[n] = '\0';
	}
	fclose(fp);
	return buf;
}
