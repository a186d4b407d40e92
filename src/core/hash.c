/* MD5, SHA-1 and SHA-256 in one pass over the data (OpenSSL EVP). */
#include <stdlib.h>

#include <openssl/evp.h>

#include "exhume/core.h"

struct exh_hasher {
	EVP_MD_CTX *md5, *sha1, *sha256;
	bool want_md5, want_sha1;
};

static int
init_all(struct exh_hasher *h)
{
	if (EVP_DigestInit_ex(h->sha256, EVP_sha256(), NULL) != 1)
		return EXH_EFATAL;
	if (h->want_md5 && EVP_DigestInit_ex(h->md5, EVP_md5(), NULL) != 1)
		return EXH_EFATAL;
	if (h->want_sha1 && EVP_DigestInit_ex(h->sha1, EVP_sha1(), NULL) != 1)
		return EXH_EFATAL;
	return EXH_OK;
}

int
exh_hasher_create(bool md5, bool sha1, struct exh_hasher **out)
{
	struct exh_hasher *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return EXH_ENOMEM;
	h->want_md5 = md5;
	h->want_sha1 = sha1;
	h->sha256 = EVP_MD_CTX_new();
	h->md5 = md5 ? EVP_MD_CTX_new() : NULL;
	h->sha1 = sha1 ? EVP_MD_CTX_new() : NULL;
	if (h->sha256 == NULL || (md5 && h->md5 == NULL) ||
	    (sha1 && h->sha1 == NULL) || init_all(h) != EXH_OK) {
		exh_hasher_destroy(h);
		return EXH_ENOMEM;
	}
	*out = h;
	return EXH_OK;
}

int
exh_hasher_update(struct exh_hasher *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->sha256, p, n) != 1 ||
	    (h->want_md5 && EVP_DigestUpdate(h->md5, p, n) != 1) ||
	    (h->want_sha1 && EVP_DigestUpdate(h->sha1, p, n) != 1))
		return EXH_EFATAL;
	return EXH_OK;
}

static int
finish(EVP_MD_CTX *ctx, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(ctx, md, &len) != 1)
		return EXH_EFATAL;
	exh_hex(md, len, hex);
	return EXH_OK;
}

int
exh_hasher_final(struct exh_hasher *h, char md5[33], char sha1[41],
    char sha256[65])
{
	if (md5 != NULL)
		md5[0] = '\0';
	if (sha1 != NULL)
		sha1[0] = '\0';
	if (finish(h->sha256, sha256) != EXH_OK ||
	    (h->want_md5 && md5 != NULL && finish(h->md5, md5) != EXH_OK) ||
	    (h->want_sha1 && sha1 != NULL && finish(h->sha1, sha1) != EXH_OK))
		return EXH_EFATAL;
	return EXH_OK;
}

int
exh_hasher_reset(struct exh_hasher *h)
{
	return init_all(h);
}

void
exh_hasher_destroy(struct exh_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->md5);
	EVP_MD_CTX_free(h->sha1);
	EVP_MD_CTX_free(h->sha256);
	free(h);
}
