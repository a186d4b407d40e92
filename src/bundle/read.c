/* Reading a bundle zip back: every entry hashed, streamed in bounded chunks. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "bundle_int.h"

#define CHUNK (256 * 1024)

int
bundle_hash_file(const char *path, unsigned char sha[32], struct exh_err *err)
{
	EVP_MD_CTX *md = NULL;
	unsigned char *buf = NULL;
	ssize_t got;
	int fd, rc = EXH_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "%s: cannot open: %s",
		    path, exh_strerror(errno));
	if ((buf = malloc(CHUNK)) == NULL || (md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "%s: hashing: out of memory",
		    path);
		goto out;
	}
	for (;;) {
		got = read(fd, buf, CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = exh_err_set(err, EXH_EIO, errno,
			    "%s: read failed: %s", path, exh_strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		EVP_DigestUpdate(md, buf, (size_t)got);
	}
	EVP_DigestFinal_ex(md, sha, NULL);
out:
	EVP_MD_CTX_free(md);
	free(buf);
	close(fd);
	return rc;
}

static bool
passphrase_problem(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s != NULL && (strstr(s, "assphrase") != NULL ||
	    strstr(s, "ncrypted") != NULL || strstr(s, "Decryption") != NULL);
}

/* Hashes one entry's data; returns a detail string or NULL when clean. */
static int
hash_entry(struct archive *a, const char *name, const struct bundle_walk *w,
    unsigned char *buf, unsigned char sha[32], char *detail, size_t dlen,
    struct exh_err *err)
{
	EVP_MD_CTX *md;
	bool want = w->want != NULL && w->want(w->ctx, name);
	la_ssize_t got;
	int rc = EXH_OK;

	detail[0] = '\0';
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	for (;;) {
		got = archive_read_data(a, buf, CHUNK);
		if (got == 0)
			break;
		if (got < 0) {
			if (passphrase_problem(a)) {
				rc = exh_err_set(err, EXH_EUSAGE, 0,
				    "entry is encrypted and the password is "
				    "missing or wrong (%s)",
				    archive_error_string(a));
				break;
			}
			/* Display text for the verify report: may be cut. */
			(void)snprintf(detail, dlen,
			    "data cannot be read back: %s",
			    archive_error_string(a) ? archive_error_string(a) :
			    "unknown error");
			if (got == ARCHIVE_FATAL)
				rc = EXH_ECORRUPT;
			break;
		}
		EVP_DigestUpdate(md, buf, (size_t)got);
		if (want && w->data != NULL &&
		    (rc = w->data(w->ctx, name, buf, (size_t)got)) != EXH_OK)
			break;
	}
	EVP_DigestFinal_ex(md, sha, NULL);
	EVP_MD_CTX_free(md);
	return rc;
}

int
bundle_read_zip(const char *path, const char *password,
    const struct bundle_walk *w, struct exh_err *err)
{
	struct archive *a;
	struct archive_entry *ae;
	unsigned char *buf, sha[32];
	char detail[300];
	const char *name;
	int r, rc = EXH_OK;

	if ((a = archive_read_new()) == NULL || (buf = malloc(CHUNK)) == NULL) {
		archive_read_free(a);
		return exh_err_set(err, EXH_ENOMEM, 0, "%s: out of memory", path);
	}
	/* Seekable zip reading: the central directory is authoritative. */
	archive_read_support_format_zip_seekable(a);
	if (password != NULL)
		archive_read_add_passphrase(a, password);
	if (access(path, R_OK) != 0) {
		rc = exh_err_set(err, EXH_EIO, errno, "%s: cannot open: %s",
		    path, exh_strerror(errno));
		goto out;
	}
	if (archive_read_open_filename(a, path, CHUNK) != ARCHIVE_OK) {
		rc = exh_err_set(err, EXH_ECORRUPT, archive_errno(a),
		    "%s: not a readable zip archive: %s", path,
		    archive_error_string(a));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = exh_err_set(err, EXH_ECORRUPT, archive_errno(a),
			    "%s: damaged archive structure: %s", path,
			    archive_error_string(a));
			break;
		}
		if ((name = archive_entry_pathname_utf8(ae)) == NULL &&
		    (name = archive_entry_pathname(ae)) == NULL)
			name = "";
		if (archive_entry_is_encrypted(ae) && password == NULL) {
			rc = exh_err_set(err, EXH_EUSAGE, 0,
			    "%s: entries are encrypted; give the zip password",
			    path);
			break;
		}
		rc = hash_entry(a, name, w, buf, sha, detail, sizeof(detail),
		    err);
		if (rc == EXH_EUSAGE || rc == EXH_ENOMEM) {
			exh_err_prefix(err, "%s", path);
			break;
		}
		if ((r = w->entry(w->ctx, name, sha,
		    detail[0] != '\0' ? detail : NULL)) != EXH_OK) {
			rc = r;
			break;
		}
		if (rc == EXH_ECORRUPT) {
			exh_err_set(err, EXH_ECORRUPT, 0,
			    "%s: damaged archive: %s", path, detail);
			break;
		}
	}
out:
	free(buf);
	archive_read_free(a);
	return rc;
}
