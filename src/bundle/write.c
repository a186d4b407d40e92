/* Writing the evidence bundle: zip64 via libarchive, hashes from the source. */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/* Removes what was written and marks the handle dead. */
void
bundle_fail(struct exh_bundle *b)
{
	if (b->zip != NULL) {
		/*
		 * A healthy archive is closed normally (its buffers are only
		 * freed that way); after a write error it is marked failed so
		 * that nothing more is written.  The file goes either way.
		 */
		if (archive_errno(b->zip) != 0 ||
		    archive_write_close(b->zip) != ARCHIVE_OK)
			archive_write_fail(b->zip);
		archive_write_free(b->zip);
		b->zip = NULL;
	}
	if (b->fd >= 0) {
		close(b->fd);
		b->fd = -1;
	}
	if (b->partial != NULL)
		unlink(b->partial);
	b->state = BUNDLE_FAILED;
}

void
bundle_destroy(struct exh_bundle *b)
{
	if (b == NULL)
		return;
	bundle_fail(b);
	if (b->password != NULL) {
		explicit_bzero(b->password, strlen(b->password));
		free(b->password);
	}
	sk_X509_pop_free(b->recipients, X509_free);
	X509_free(b->sign_cert);
	EVP_PKEY_free(b->sign_key);
	bundle_names_free(&b->names);
	bundle_spool_close(&b->manifest);
	free(b->chunk);
	free(b->path);
	free(b->dir);
	free(b->partial);
	b->magic = 0;
	free(b);
}

void
exh_bundle_abort(struct exh_bundle *b)
{
	bundle_destroy(b);
}

/* A write to the archive failed: the bundle cannot be finished. */
int
bundle_write_failed(struct exh_bundle *b, const char *what, struct exh_err *err)
{
	int e = archive_errno(b->zip);
	const char *msg = archive_error_string(b->zip);
	char why[200];

	/* libarchive says "Write error"; errno says why (ENOSPC, EFBIG).
	 * why is display text in the error message: a cut one is fine. */
	if (msg != NULL && e != 0)
		snprintf(why, sizeof(why), "%s (%s)", msg, exh_strerror(e));
	else
		snprintf(why, sizeof(why), "%s", msg != NULL ? msg :
		    e != 0 ? exh_strerror(e) : "unknown error");
	bundle_fail(b);
	return exh_err_set(err, EXH_EFATAL, e,
	    "bundle %s: writing %s failed: %s; the partial file was removed, "
	    "the scan results are kept", b->path, what, why);
}

static int
open_zip(struct exh_bundle *b, struct exh_err *err)
{
	struct archive *a;

	if ((a = archive_write_new()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	b->zip = a;
	/* Deflate; entries of unknown length get zip64 data descriptors. */
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") !=
	    ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		return exh_err_set(err, EXH_EFATAL, 0,
		    "bundle: libarchive zip writer: %s",
		    archive_error_string(a));
	if (b->password != NULL &&
	    (archive_write_set_options(a, "zip:encryption=aes256") !=
	    ARCHIVE_OK || archive_write_set_passphrase(a, b->password) !=
	    ARCHIVE_OK))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: AES-256 zip encryption unavailable: %s",
		    archive_error_string(a));
	if (archive_write_open_fd(a, b->fd) != ARCHIVE_OK)
		return bundle_write_failed(b, "the archive header", err);
	return EXH_OK;
}

static int
setup(struct exh_bundle *b, const struct exh_bundle_options *opt,
    uint64_t estimated, struct exh_err *err)
{
	uint64_t need;
	char *tmp;
	int n, rc;

	if ((b->path = strdup(opt->path)) == NULL ||
	    (tmp = strdup(opt->path)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	b->dir = strdup(dirname(tmp));
	free(tmp);
	if (b->dir == NULL || (b->chunk = malloc(BUNDLE_CHUNK)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	if (opt->zip_password != NULL) {
		if (*opt->zip_password == '\0')
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "bundle: the zip password is empty");
		if ((b->password = strdup(opt->zip_password)) == NULL)
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "bundle: out of memory");
	}
	if ((rc = bundle_check_targets(opt->path, err)) != EXH_OK ||
	    (rc = bundle_load_material(b, opt, err)) != EXH_OK)
		return rc;
	need = bundle_space_needed(opt, estimated);
	if ((rc = bundle_check_space(b->dir, need, err)) != EXH_OK)
		return rc;
	if ((tmp = malloc(strlen(opt->path) + 32)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	n = snprintf(tmp, strlen(opt->path) + 32, "%s.partial-XXXXXX",
	    opt->path);
	if (n < 0 || (size_t)n >= strlen(opt->path) + 32) {
		free(tmp);
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle: bad path");
	}
	/* mkostemp opens O_CREAT|O_EXCL with mode 0600. */
	if ((b->fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = exh_err_set(err, EXH_EIO, errno,
		    "bundle %s: cannot create the partial file: %s",
		    opt->path, exh_strerror(errno));
		free(tmp);
		return rc;
	}
	b->partial = tmp;
	/* Next to the bundle: the destination has room checked, and a
	 * tmpfs $TMPDIR would put the manifest back in memory. */
	if ((rc = bundle_spool_open(&b->manifest, b->dir, BUNDLE_MANIFEST,
	    err)) != EXH_OK)
		return rc;
	return open_zip(b, err);
}

int
exh_bundle_create(const struct exh_bundle_options *opt,
    uint64_t estimated_bytes, struct exh_bundle **out, struct exh_err *err)
{
	struct exh_bundle *b;
	int rc;

	if (opt == NULL || opt->path == NULL || *opt->path == '\0' ||
	    out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: no destination path given");
	if (opt->n_encrypt_certs > 0 && opt->encrypt_certs == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: recipient certificate list missing");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	b->magic = BUNDLE_MAGIC;
	b->fd = -1;
	bundle_spool_init(&b->manifest);
	b->cap = opt->max_collect_bytes ? opt->max_collect_bytes :
	    EXH_BUNDLE_DEFAULT_CAP;
	(void)snprintf(b->cap_why, sizeof(b->cap_why), "%s",
	    opt->cap_reason != NULL && *opt->cap_reason != '\0' ?
	    opt->cap_reason : "size cap");
	if ((rc = setup(b, opt, estimated_bytes, err)) != EXH_OK) {
		bundle_destroy(b);
		return rc;
	}
	*out = b;
	return EXH_OK;
}

static int
check_handle(struct exh_bundle *b, struct exh_err *err)
{
	if (b == NULL || b->magic != BUNDLE_MAGIC)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: not a bundle handle");
	if (b->state != BUNDLE_OPEN)
		return exh_err_set(err, EXH_EFATAL, 0,
		    "bundle %s: writing failed earlier; abort it", b->path);
	return EXH_OK;
}

/* Three digests over the bytes as they come from the source. */
struct digests {
	EVP_MD_CTX *md5, *sha1, *sha256;
};

static int
digests_init(struct digests *d)
{
	d->md5 = EVP_MD_CTX_new();
	d->sha1 = EVP_MD_CTX_new();
	d->sha256 = EVP_MD_CTX_new();
	if (d->md5 == NULL || d->sha1 == NULL || d->sha256 == NULL ||
	    !EVP_DigestInit_ex(d->md5, EVP_md5(), NULL) ||
	    !EVP_DigestInit_ex(d->sha1, EVP_sha1(), NULL) ||
	    !EVP_DigestInit_ex(d->sha256, EVP_sha256(), NULL))
		return EXH_ENOMEM;
	return EXH_OK;
}

static void
digests_update(struct digests *d, const void *p, size_t n)
{
	EVP_DigestUpdate(d->md5, p, n);
	EVP_DigestUpdate(d->sha1, p, n);
	EVP_DigestUpdate(d->sha256, p, n);
}

static void
digests_final(struct digests *d, struct manifest_line *m)
{
	EVP_DigestFinal_ex(d->md5, m->md5, NULL);
	EVP_DigestFinal_ex(d->sha1, m->sha1, NULL);
	EVP_DigestFinal_ex(d->sha256, m->sha256, NULL);
	m->have_digests = true;
}

static void
digests_free(struct digests *d)
{
	EVP_MD_CTX_free(d->md5);
	EVP_MD_CTX_free(d->sha1);
	EVP_MD_CTX_free(d->sha256);
}

static int
begin_entry(struct exh_bundle *b, const char *name, int64_t mtime,
    int64_t size, struct exh_err *err)
{
	struct archive_entry *ae;
	int r;

	if ((ae = archive_entry_new()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	archive_entry_set_pathname_utf8(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_mtime(ae, mtime, 0);
	/* Streams get no size: the source decides how many bytes come. */
	if (size >= 0)
		archive_entry_set_size(ae, size);
	r = archive_write_header(b->zip, ae);
	archive_entry_free(ae);
	if (r != ARCHIVE_OK)
		return bundle_write_failed(b, name, err);
	return EXH_OK;
}

/* Remembers an entry's SHA-256 for SHA256SUMS and the read-back check. */
static int
remember(struct exh_bundle *b, const char *name, const unsigned char sha[32],
    struct exh_err *err)
{
	struct bundle_names_ent *e;
	bool created;

	if (bundle_names_get(&b->names, name, &e, &created) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	memcpy(e->zip, sha, 32);
	e->in_zip = true;
	return EXH_OK;
}

/* Writes a whole in-memory entry (documents, manifest, sums, signature). */
int
bundle_put_whole(struct exh_bundle *b, const char *name, const void *data,
    size_t len, struct manifest_line *m, struct exh_err *err)
{
	struct digests d = { 0 };
	unsigned char sha[32];
	int rc;

	if ((rc = begin_entry(b, name, (int64_t)time(NULL), (int64_t)len,
	    err)) != EXH_OK)
		return rc;
	if (len > 0 && archive_write_data(b->zip, data, len) != (la_ssize_t)len)
		return bundle_write_failed(b, name, err);
	if (archive_write_finish_entry(b->zip) != ARCHIVE_OK)
		return bundle_write_failed(b, name, err);
	if (digests_init(&d) != EXH_OK) {
		digests_free(&d);
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	}
	digests_update(&d, data, len);
	if (m != NULL) {
		digests_final(&d, m);
		memcpy(sha, m->sha256, 32);
	} else
		EVP_DigestFinal_ex(d.sha256, sha, NULL);
	digests_free(&d);
	return remember(b, name, sha, err);
}

/* Writes the spool's contents as entry name, hashed on the way. */
int
bundle_put_spool(struct exh_bundle *b, const char *name,
    struct bundle_spool *s, struct exh_err *err)
{
	EVP_MD_CTX *sha = NULL;
	unsigned char digest[32];
	uint64_t done = 0;
	size_t got;
	int rc;

	if ((rc = bundle_spool_rewind(s, err)) != EXH_OK) {
		bundle_fail(b);
		return rc;
	}
	if ((sha = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(sha);
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	}
	if ((rc = begin_entry(b, name, (int64_t)time(NULL), (int64_t)s->len,
	    err)) != EXH_OK)
		goto out;
	for (;;) {
		if ((rc = bundle_spool_read(s, b->chunk, BUNDLE_CHUNK, &got,
		    err)) != EXH_OK) {
			bundle_fail(b);
			goto out;
		}
		if (got == 0)
			break;
		EVP_DigestUpdate(sha, b->chunk, got);
		if (archive_write_data(b->zip, b->chunk, got) !=
		    (la_ssize_t)got) {
			rc = bundle_write_failed(b, name, err);
			goto out;
		}
		done += got;
	}
	/* The file is ours and unlinked; a length that changed is a bug. */
	if (done != s->len) {
		bundle_fail(b);
		rc = exh_err_set(err, EXH_EFATAL, 0, "bundle: %s: spool file "
		    "holds %llu bytes, %llu were written to it", name,
		    (unsigned long long)done, (unsigned long long)s->len);
		goto out;
	}
	if (archive_write_finish_entry(b->zip) != ARCHIVE_OK) {
		rc = bundle_write_failed(b, name, err);
		goto out;
	}
	EVP_DigestFinal_ex(sha, digest, NULL);
	rc = remember(b, name, digest, err);
out:
	EVP_MD_CTX_free(sha);
	return rc;
}

static int
add_line(struct exh_bundle *b, const struct manifest_line *m,
    struct exh_err *err)
{
	int rc;

	if (manifest_put(&b->manifest.buf, m) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	/* A manifest with a line missing cannot be finished. */
	if ((rc = bundle_spool_flush(&b->manifest, false, err)) != EXH_OK)
		bundle_fail(b);
	return rc;
}

static int
check_item(const struct exh_bundle_item *it, struct exh_err *err)
{
	if (it == NULL || it->file.path == NULL || it->reason == NULL ||
	    (it->n_finding_ids > 0 && it->finding_ids == NULL))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: item without path or reason");
	return EXH_OK;
}

int
exh_bundle_add_skipped(struct exh_bundle *b, const struct exh_bundle_item *it,
    const char *why, struct exh_err *err)
{
	struct manifest_line m = { 0 };
	int rc;

	if ((rc = check_handle(b, err)) != EXH_OK ||
	    (rc = check_item(it, err)) != EXH_OK)
		return rc;
	m.item = it;
	m.status = "left-out";
	m.why = why != NULL ? why : "not given";
	if ((rc = add_line(b, &m, err)) == EXH_OK)
		b->left_out++;
	return rc;
}

uint64_t
bundle_item_bytes(const struct exh_bundle_item *it)
{
	return it->max_bytes != 0 && it->max_bytes < it->file.size ?
	    it->max_bytes : it->file.size;
}

/* Copies the stream; *read_rc/rerr tell whether the source failed. */
static int
copy_stream(struct exh_bundle *b, const char *name, exh_read_fn rd,
    void *rctx, struct digests *d, struct manifest_line *m,
    struct exh_err *rerr, struct exh_err *err)
{
	const struct exh_bundle_item *it = m->item;
	uint64_t allowed = b->cap - b->collected_bytes;
	bool per_file = false;
	size_t want, got;
	unsigned char probe;
	int rc;

	if (it->max_bytes != 0 && it->max_bytes < allowed) {
		allowed = it->max_bytes;
		per_file = true;
	}
	for (;;) {
		want = BUNDLE_CHUNK;
		if (allowed - m->stored < want)
			want = (size_t)(allowed - m->stored);
		got = 0;
		if (want == 0) {
			/* At the cap: is there more?  Then it is incomplete. */
			rc = rd(rctx, &probe, 1, &got, rerr);
			if (rc == EXH_OK && got > 0) {
				m->status = "incomplete";
				m->why = per_file && it->max_why != NULL ?
				    it->max_why : "size cap reached while reading";
			}
			break;
		}
		rc = rd(rctx, b->chunk, want, &got, rerr);
		if (rc != EXH_OK && got == 0)
			return rc;
		if (got > want)
			got = want;	/* a reader that overreports */
		if (got == 0)
			break;
		digests_update(d, b->chunk, got);
		if (archive_write_data(b->zip, b->chunk, got) !=
		    (la_ssize_t)got)
			return bundle_write_failed(b, name, err);
		m->stored += got;
		if (rc != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static int
item_mtime(const struct exh_bundle_item *it)
{
	return it->file.si.modified != 0;
}

int
exh_bundle_add_stream(struct exh_bundle *b, const struct exh_bundle_item *it,
    exh_read_fn rd, void *rctx, struct exh_err *err)
{
	return bundle_add_stream(b, it, NULL, rd, rctx, err);
}

int
bundle_add_stream(struct exh_bundle *b, const struct exh_bundle_item *it,
    const char *salt, exh_read_fn rd, void *rctx, struct exh_err *err)
{
	struct exh_buf name = { 0 };
	struct manifest_line m = { 0 };
	struct exh_err rerr = { 0 };
	struct digests d = { 0 };
	char esc[256], why[EXH_ERR_MSG_MAX + 64];
	int rc, read_rc;

	if ((rc = check_handle(b, err)) != EXH_OK ||
	    (rc = check_item(it, err)) != EXH_OK)
		return rc;
	if (rd == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle: no reader");
	exh_esc_term_str(it->file.path, esc, sizeof(esc));
	if (bundle_entry_name_salted(it->drive, it->file.path, it->file.stream,
	    salt, &name) != EXH_OK)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: %s: no entry name (drive letter '%c'?)", esc,
		    it->drive >= 0x20 && it->drive < 0x7f ? it->drive : '?');
	if (bundle_names_find(&b->names, name.data) != NULL) {
		exh_buf_free(&name);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: %s: added twice", esc);
	}
	m.item = it;
	if (bundle_item_bytes(it) > b->cap - b->collected_bytes) {
		exh_buf_free(&name);
		m.status = "left-out";
		m.why = b->cap_why;
		if ((rc = add_line(b, &m, err)) == EXH_OK)
			b->left_out++;
		return rc;
	}
	m.entry = name.data;
	m.status = "collected";
	if ((rc = begin_entry(b, name.data, item_mtime(it) ?
	    exh_filetime_to_unix(it->file.si.modified) : (int64_t)time(NULL),
	    -1, err)) != EXH_OK)
		goto out;
	if (digests_init(&d) != EXH_OK) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
		goto out;
	}
	read_rc = copy_stream(b, name.data, rd, rctx, &d, &m, &rerr, err);
	if (b->state != BUNDLE_OPEN) {
		rc = read_rc;
		goto out;
	}
	if (archive_write_finish_entry(b->zip) != ARCHIVE_OK) {
		rc = bundle_write_failed(b, name.data, err);
		goto out;
	}
	digests_final(&d, &m);
	if (read_rc != EXH_OK) {
		/* A number and an error message: why[] is sized for both. */
		(void)snprintf(why, sizeof(why), "read error after %" PRIu64
		    " bytes: %s", m.stored, rerr.msg[0] ? rerr.msg :
		    exh_status_name(read_rc));
		m.status = "incomplete";
		m.why = why;
	}
	if ((rc = remember(b, name.data, m.sha256, err)) != EXH_OK ||
	    (rc = add_line(b, &m, err)) != EXH_OK)
		goto out;
	b->collected_bytes += m.stored;
	if (strcmp(m.status, "collected") == 0)
		b->collected++;
	else
		b->incomplete++;
	if (read_rc != EXH_OK)
		rc = exh_err_set(err, EXH_EIO, rerr.sys_errno,
		    "bundle: %s: stored incomplete: %s", esc, why);
out:
	digests_free(&d);
	exh_buf_free(&name);
	return rc;
}

static bool
document_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > EXH_BUNDLE_NAME_MAX || name[0] == '.' ||
	    name[n - 1] == '.' || bundle_is_device_name(name, n) ||
	    strcmp(name, BUNDLE_MANIFEST) == 0 ||
	    strcmp(name, BUNDLE_SUMS) == 0 || strcmp(name, BUNDLE_SIG) == 0 ||
	    strcmp(name, "files") == 0)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", name[i]) == NULL)
			return false;
	return true;
}

/* A document may be added: a live bundle, an allowed name not taken yet,
 * and content (has_content false: missing data or renderer). */
static int
check_document(struct exh_bundle *b, const char *name, bool has_content,
    struct exh_err *err)
{
	int rc;

	if ((rc = check_handle(b, err)) != EXH_OK)
		return rc;
	if (name == NULL || !document_name_ok(name) || !has_content)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: bad document name (letters, digits, . _ - only, "
		    "not a name the bundle uses itself)");
	if (bundle_names_find(&b->names, name) != NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: document %s added twice", name);
	return EXH_OK;
}

int
exh_bundle_add_document(struct exh_bundle *b, const char *name,
    const void *data, size_t len, struct exh_err *err)
{
	struct manifest_line m = { 0 };
	int rc;

	if ((rc = check_document(b, name, data != NULL || len == 0, err)) !=
	    EXH_OK)
		return rc;
	m.entry = name;
	m.stored = len;
	m.status = "collected";
	if ((rc = bundle_put_whole(b, name, data, len, &m, err)) != EXH_OK)
		return rc;
	if ((rc = add_line(b, &m, err)) == EXH_OK)
		b->documents++;
	return rc;
}

/* A rendered document on its way into its zip entry. */
struct doc_out {
	struct exh_bundle *b;
	const char *name;
	struct digests d;
	uint64_t stored;
	struct exh_err *err;
	bool failed;		/* the zip write failed: already aborted */
};

static int
doc_write(void *ctx, const void *data, size_t len)
{
	struct doc_out *o = ctx;

	if (archive_write_data(o->b->zip, data, len) != (la_ssize_t)len) {
		o->failed = true;
		return bundle_write_failed(o->b, o->name, o->err);
	}
	digests_update(&o->d, data, len);
	o->stored += len;
	return EXH_OK;
}

int
exh_bundle_add_document_render(struct exh_bundle *b, const char *name,
    exh_render_fn render, void *rctx, struct exh_err *err)
{
	struct manifest_line m = { 0 };
	struct exh_buf buf = { 0 };
	struct doc_out o = { 0 };
	struct exh_sink sink = { &buf, doc_write, &o, EXH_OK };
	int rc;

	if ((rc = check_document(b, name, render != NULL, err)) != EXH_OK)
		return rc;
	o.b = b;
	o.name = name;
	o.err = err;
	if (digests_init(&o.d) != EXH_OK) {
		digests_free(&o.d);
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	}
	if ((rc = begin_entry(b, name, (int64_t)time(NULL), -1, err)) !=
	    EXH_OK)
		goto out;
	rc = render(rctx, &sink);
	if (rc == EXH_OK)
		rc = exh_sink_flush(&sink, true);
	if (o.failed)
		goto out;	/* err says why; the partial is removed */
	if (rc != EXH_OK) {
		rc = exh_err_set(err, rc, 0, "bundle: %s: rendering failed: "
		    "%s", name, exh_status_name(rc));
		goto out;
	}
	if (archive_write_finish_entry(b->zip) != ARCHIVE_OK) {
		rc = bundle_write_failed(b, name, err);
		goto out;
	}
	m.entry = name;
	m.stored = o.stored;
	m.status = "collected";
	digests_final(&o.d, &m);
	if ((rc = remember(b, name, m.sha256, err)) == EXH_OK &&
	    (rc = add_line(b, &m, err)) == EXH_OK)
		b->documents++;
out:
	digests_free(&o.d);
	exh_buf_free(&buf);
	return rc;
}
