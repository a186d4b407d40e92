/* Helpers shared by the commands: opening volumes, messages, hashing. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_put_term(FILE *fp, const char *s)
{
	struct exh_buf b = { 0 };
	unsigned char c;

	if (s != NULL && exh_esc_term(&b, s, strlen(s)) == EXH_OK) {
		if (b.data != NULL)
			fputs(b.data, fp);
	} else if (s != NULL) {
		/* Out of memory: still say it, bytes outside printable ASCII
		 * shown as '?' (nothing reaches the terminal unescaped). */
		for (; (c = (unsigned char)*s) != '\0'; s++)
			fputc(c >= 0x20 && c < 0x7f ? c : '?', fp);
	}
	exh_buf_free(&b);
}

void
cli_error(const char *what, const struct exh_err *err)
{
	fputs("exhume: ", stderr);
	/* One object prefix: a message that names it already keeps it. */
	if (what != NULL && strstr(err->msg, what) == NULL) {
		cli_put_term(stderr, what);
		fputs(": ", stderr);
	}
	cli_put_term(stderr, err->msg);
	fputc('\n', stderr);
}

int
cli_listing_status(char letter, const char *what, bool oom, int rc,
    const struct exh_err *err, uint64_t damaged)
{
	if (oom) {
		cli_warn("volume %c: %s: out of memory writing an entry; the "
		    "listing stops there", letter, what);
		return EXIT_PARTIAL;
	}
	if (rc != EXH_OK && rc != EXH_STOP) {
		cli_error(NULL, err);
		return EXIT_PARTIAL;
	}
	return damaged > 0 ? EXIT_PARTIAL : EXIT_CLEAN;
}

void
cli_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	/* A warning is display text: one longer than msg is cut. */
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	fputs("exhume: ", stderr);
	cli_put_term(stderr, msg);
	fputc('\n', stderr);
}

void
cli_note(void *ctx, const char *msg)
{
	if (ctx != NULL)
		cli_progress_clear(ctx);
	fputs("note: ", stderr);
	cli_put_term(stderr, msg);
	fputc('\n', stderr);
}

int
cli_open_triage(const struct exh_triage_options *opt, char *const *paths,
    size_t n, struct exh_triage **out)
{
	struct exh_triage *t = NULL;
	struct exh_err err;

	if (exh_triage_create(opt, &t, &err) != EXH_OK ||
	    exh_triage_open(t, paths, n, &err) != EXH_OK) {
		cli_error(NULL, &err);
		exh_triage_destroy(t);
		return err.status;
	}
	*out = t;
	return EXH_OK;
}

void
cli_triage_defaults(struct exh_triage_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->rules_dir = NULL;	/* the triage finds the shipped rules */
	opt->note = cli_note;
	opt->firmware_notes_path = getenv("EXHUME_FIRMWARE_NOTES");
}

int
cli_hash_stream(struct exh_volume *vol, uint64_t mft, const char *stream,
    bool md5, bool sha1, char out_md5[33], char out_sha1[41],
    char out_sha256[65], struct exh_err *err)
{
	struct exh_stream *st;
	int rc;

	if ((rc = exh_stream_open(vol, mft, stream, &st, err)) != EXH_OK)
		return rc;
	rc = cli_hash_open_stream(st, md5, sha1, out_md5, out_sha1,
	    out_sha256, err);
	exh_stream_close(st);
	return rc;
}

int
cli_hash_open_stream(struct exh_stream *st, bool md5, bool sha1,
    char out_md5[33], char out_sha1[41], char out_sha256[65],
    struct exh_err *err)
{
	struct exh_hasher *h;
	static const size_t chunk = 1 << 20;
	unsigned char *buf;
	uint64_t off = 0;
	size_t got;
	int rc;

	buf = malloc(chunk);
	if (buf == NULL || exh_hasher_create(md5, sha1, &h) != EXH_OK) {
		free(buf);
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

/*
 * When booted from the stick, /init names its disk in EXHUME_BOOT_DISK.
 * Finding it by its volume id would mean opening it, and every open sets
 * a disk read-only, while its evidence partition is mounted for writing.
 */
int
cli_list_disks(const char *boot_id, struct exh_disk_info **out, size_t *n,
    struct exh_err *err)
{
	const char *stick = getenv("EXHUME_BOOT_DISK");
	size_t i;
	int rc;

	if (stick != NULL && *stick != '\0')
		boot_id = NULL;
	if ((rc = exh_source_list_disks("/sys", boot_id, out, n, err)) !=
	    EXH_OK)
		return rc;
	for (i = 0; stick != NULL && i < *n; i++)
		if (strcmp((*out)[i].name, stick) == 0)
			(*out)[i].is_boot_stick = true;
	return EXH_OK;
}
