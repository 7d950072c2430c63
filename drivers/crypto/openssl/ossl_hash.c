/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL scalar hashing: the scalar path of lib/crypto, and the fallback
 * of the IPsec-MB path for what IPsec-MB does not take.
 *
 * The digests are fetched once and each has its own EVP_MD_CTX, so that
 * EVP_DigestInit_ex2() on the hot path reuses the provider context instead
 * of allocating one (an implicit fetch plus a context per call costs more
 * than hashing a short DNS message).
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "crypto_priv.h"

static const char *const md_names[] = {
	[TW_CRYPTO_SHA1] = "SHA1",
	[TW_CRYPTO_SHA256] = "SHA256",
	[TW_CRYPTO_SHA384] = "SHA384",
	[TW_CRYPTO_SHA512] = "SHA512",
};

#define N_MD TW_ARRAY_SIZE(md_names)

struct tw_ossl_hash {
	EVP_MD *md[N_MD];
	EVP_MD_CTX *mctx[N_MD];
};

void
tw_ossl_hash_destroy(struct tw_ossl_hash *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < N_MD; i++) {
		EVP_MD_CTX_free(h->mctx[i]);
		EVP_MD_free(h->md[i]);
	}
	tw_free(h);
}

int
tw_ossl_hash_create(struct tw_ossl_hash **hp)
{
	struct tw_ossl_hash *h = tw_calloc(1, sizeof(*h));
	int rc = 0;

	if (h == NULL)
		return -ENOMEM;
	for (size_t i = TW_CRYPTO_SHA1; i < N_MD; i++) {
		h->md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		if (h->md[i] == NULL) {
			rc = -EIO;
			break;
		}
		h->mctx[i] = EVP_MD_CTX_new();
		/* Prime the context so later inits do not allocate. */
		if (h->mctx[i] == NULL ||
		    !EVP_DigestInit_ex2(h->mctx[i], h->md[i], NULL)) {
			rc = -ENOMEM;
			break;
		}
	}
	if (rc != 0) {
		tw_ossl_hash_destroy(h);
		return rc;
	}
	*hp = h;
	return 0;
}

static int
hash_one(struct tw_ossl_hash *h, struct tw_hash_req *r)
{
	EVP_MD_CTX *c;
	unsigned int len;

	if (r->alg < TW_CRYPTO_SHA1 || r->alg >= N_MD)
		return -1;
	c = h->mctx[r->alg];
	if (!EVP_DigestInit_ex2(c, h->md[r->alg], NULL))
		return -1;
	for (unsigned int i = 0; i < r->iovcnt; i++)
		if (r->iov[i].len != 0 &&
		    !EVP_DigestUpdate(c, r->iov[i].base, r->iov[i].len))
			return -1;
	if (!EVP_DigestFinal_ex(c, r->out, &len))
		return -1;
	return 0;
}

unsigned int
tw_ossl_hash_run(struct tw_ossl_hash *h, struct tw_hash_req *r, unsigned int n)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++) {
		r[i].status = (int8_t)hash_one(h, &r[i]);
		if (r[i].status == 0)
			ok++;
	}
	return ok;
}

const char *
tw_ossl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
