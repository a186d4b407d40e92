/* CMS for the bundle: detached signature over SHA256SUMS, enveloped zip. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "bundle_int.h"

const char *
bundle_ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	/* Display text for an error message: may be cut. */
	if (e == 0)
		(void)snprintf(buf, len, "unknown OpenSSL error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

int
bundle_load_cert(const char *path, X509 **out, struct exh_err *err)
{
	char e[256];
	BIO *in;
	X509 *x;

	if ((in = BIO_new_file(path, "r")) == NULL)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "%s: cannot open certificate: %s", path,
		    bundle_ssl_error(e, sizeof(e)));
	x = PEM_read_bio_X509(in, NULL, NULL, NULL);
	BIO_free(in);
	if (x == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "%s: not a PEM certificate: %s", path,
		    bundle_ssl_error(e, sizeof(e)));
	*out = x;
	return EXH_OK;
}

/* Never prompts: a library must not touch the terminal. */
static int
no_prompt(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n;

	(void)rwflag;
	if (pass == NULL || (n = strlen(pass)) > (size_t)size)
		return -1;
	memcpy(buf, pass, n);
	return (int)n;
}

int
bundle_load_key(const char *path, const char *pass, EVP_PKEY **out,
    struct exh_err *err)
{
	char e[256];
	EVP_PKEY *k;
	BIO *in;

	if ((in = BIO_new_file(path, "r")) == NULL)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "%s: cannot open key: %s", path,
		    bundle_ssl_error(e, sizeof(e)));
	k = PEM_read_bio_PrivateKey(in, NULL, no_prompt, (void *)pass);
	BIO_free(in);
	if (k == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "%s: cannot read private key (wrong or missing key "
		    "password?): %s", path, bundle_ssl_error(e, sizeof(e)));
	*out = k;
	return EXH_OK;
}

int
bundle_load_material(struct exh_bundle *b, const struct exh_bundle_options *opt,
    struct exh_err *err)
{
	X509 *x;
	size_t i;
	int rc;

	if ((opt->sign_key == NULL) != (opt->sign_cert == NULL))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: signing needs both a key and a certificate");
	if (opt->sign_key != NULL) {
		if ((rc = bundle_load_cert(opt->sign_cert, &b->sign_cert,
		    err)) != EXH_OK ||
		    (rc = bundle_load_key(opt->sign_key, opt->sign_key_password,
		    &b->sign_key, err)) != EXH_OK)
			return exh_err_prefix(err, "bundle");
		if (X509_check_private_key(b->sign_cert, b->sign_key) != 1)
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "bundle: %s does not belong to %s", opt->sign_key,
			    opt->sign_cert);
	}
	if (opt->n_encrypt_certs == 0)
		return EXH_OK;
	if ((b->recipients = sk_X509_new_null()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	for (i = 0; i < opt->n_encrypt_certs; i++) {
		if ((rc = bundle_load_cert(opt->encrypt_certs[i], &x, err)) !=
		    EXH_OK)
			return exh_err_prefix(err, "bundle");
		if (sk_X509_push(b->recipients, x) <= 0) {
			X509_free(x);
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "bundle: out of memory");
		}
	}
	return EXH_OK;
}

int
bundle_sign(X509 *cert, EVP_PKEY *key, int fd, struct exh_buf *out,
    struct exh_err *err)
{
	char e[256];
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *mem = NULL;
	BUF_MEM *bm;
	int rc = EXH_OK;

	/* The signature is made over the file as it is read: SHA256SUMS
	 * need not fit in memory. */
	if ((in = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL ||
	    (mem = BIO_new(BIO_s_mem())) == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "signing: out of memory");
		goto out;
	}
	/* Binary: SHA256SUMS is signed byte for byte, no MIME canonical form. */
	cms = CMS_sign(cert, key, NULL, in, CMS_DETACHED | CMS_BINARY);
	if (cms == NULL || i2d_CMS_bio(mem, cms) != 1) {
		rc = exh_err_set(err, EXH_EUSAGE, 0,
		    "signing SHA256SUMS failed (key and certificate do not "
		    "match?): %s", bundle_ssl_error(e, sizeof(e)));
		goto out;
	}
	BIO_get_mem_ptr(mem, &bm);
	exh_buf_reset(out);
	if (exh_buf_append(out, bm->data, bm->length) != EXH_OK)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "signing: out of memory");
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(mem);
	return rc;
}

int
bundle_envelope(STACK_OF(X509) *certs, int in_fd, int out_fd,
    struct exh_err *err)
{
	char e[256];
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	int rc = EXH_OK;

	if ((in = BIO_new_fd(in_fd, BIO_NOCLOSE)) == NULL ||
	    (out = BIO_new_fd(out_fd, BIO_NOCLOSE)) == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "envelope: out of memory");
		goto out;
	}
	/* CMS_STREAM: the zip is encrypted in chunks, never held whole. */
	cms = CMS_encrypt(certs, in, EVP_aes_256_cbc(),
	    CMS_BINARY | CMS_STREAM);
	if (cms == NULL) {
		rc = exh_err_set(err, EXH_EUSAGE, 0,
		    "envelope: cannot encrypt to the given certificates: %s",
		    bundle_ssl_error(e, sizeof(e)));
		goto out;
	}
	if (i2d_CMS_bio_stream(out, cms, in, CMS_BINARY | CMS_STREAM) != 1 ||
	    BIO_flush(out) != 1) {
		rc = exh_err_set(err, EXH_EFATAL, errno,
		    "envelope: writing failed: %s%s%s",
		    errno ? exh_strerror(errno) : "", errno ? "; " : "",
		    bundle_ssl_error(e, sizeof(e)));
		goto out;
	}
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return rc;
}

/* The subject of the first certificate that signed cms, RFC 2253. */
static void
signer_subject(CMS_ContentInfo *cms, char *out, size_t len)
{
	STACK_OF(X509) *signers;
	BIO *b;
	int n;

	out[0] = '\0';
	if ((signers = CMS_get0_signers(cms)) == NULL) {
		ERR_clear_error();
		return;
	}
	if (sk_X509_num(signers) > 0 && (b = BIO_new(BIO_s_mem())) != NULL) {
		if (X509_NAME_print_ex(b, X509_get_subject_name(
		    sk_X509_value(signers, 0)), 0, XN_FLAG_RFC2253) >= 0 &&
		    (n = BIO_read(b, out, (int)(len - 1))) > 0)
			out[n] = '\0';
		BIO_free(b);
	}
	sk_X509_free(signers);
}

int
bundle_check_signature(const void *sig, size_t siglen, const void *data,
    size_t len, const char *ca_cert, char *signer, size_t signer_len,
    struct exh_err *err)
{
	char e[256];
	CMS_ContentInfo *cms = NULL;
	X509_STORE *store = NULL;
	BIO *sb = NULL, *db = NULL;
	unsigned flags = CMS_BINARY | CMS_DETACHED;
	int rc = EXH_OK;

	if (siglen > INT_MAX || len > INT_MAX ||
	    (sb = BIO_new_mem_buf(sig, (int)siglen)) == NULL ||
	    (db = BIO_new_mem_buf(data, (int)len)) == NULL ||
	    (store = X509_STORE_new()) == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "signature: out of memory");
		goto out;
	}
	if (ca_cert != NULL && X509_STORE_load_file(store, ca_cert) != 1) {
		rc = exh_err_set(err, EXH_EUSAGE, 0,
		    "%s: cannot load trusted certificate: %s", ca_cert,
		    bundle_ssl_error(e, sizeof(e)));
		goto out;
	}
	if (ca_cert == NULL)
		flags |= CMS_NO_SIGNER_CERT_VERIFY;
	if ((cms = d2i_CMS_bio(sb, NULL)) == NULL) {
		rc = exh_err_set(err, EXH_ECORRUPT, 0,
		    "SHA256SUMS.p7s is not a DER CMS signature: %s",
		    bundle_ssl_error(e, sizeof(e)));
		goto out;
	}
	if (CMS_verify(cms, NULL, store, db, NULL, flags) != 1)
		rc = exh_err_set(err, EXH_ECORRUPT, 0,
		    "signature over SHA256SUMS does not verify: %s",
		    bundle_ssl_error(e, sizeof(e)));
	/* Named either way: a failing signer is worth knowing too. */
	if (signer != NULL && signer_len > 1)
		signer_subject(cms, signer, signer_len);
out:
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	BIO_free(sb);
	BIO_free(db);
	return rc;
}
