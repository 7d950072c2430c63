/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL 3 public-key back end: DNSKEY public key fields into EVP_PKEYs,
 * and signature verification.
 *
 * Keys are built with the OpenSSL 3 API (OSSL_PARAM_BLD + EVP_PKEY_fromdata,
 * EVP_PKEY_new_raw_public_key_ex); nothing deprecated is used. Each parsed
 * key carries a verification context initialised once (padding and digest
 * set), so a verification is one EVP_PKEY_verify() / EVP_DigestVerify()
 * call, the same work `openssl speed` measures.
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto_priv.h"

enum key_kind {
	KIND_RSA,
	KIND_ECDSA,
	KIND_EDDSA,
};

struct tw_ossl_key {
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *vctx; /* RSA, ECDSA: verify-initialised */
	EVP_MD_CTX *mdctx;  /* EdDSA: DigestVerify-initialised */
	unsigned int bits;
	uint16_t sig_len; /* the only signature length accepted */
	uint8_t kind;
	uint8_t alg;
};

/*
 * Drain OpenSSL's error queue (it is per thread and would grow) and tell
 * whether a failure was about resources rather than the input: those give
 * TW_CRYPTO_ERROR ("could not check"), never a cached verdict.
 */
static int
drain_errors_resource(void)
{
	unsigned long e;
	int res = 0;

	while ((e = ERR_get_error()) != 0) {
		int reason = ERR_GET_REASON(e);

		if (reason == ERR_R_MALLOC_FAILURE ||
		    reason == ERR_R_INTERNAL_ERROR)
			res = 1;
	}
	return res;
}

void
tw_ossl_key_free(struct tw_ossl_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_CTX_free(k->vctx);
	EVP_MD_CTX_free(k->mdctx);
	EVP_PKEY_free(k->pkey);
	tw_free(k);
}

unsigned int
tw_ossl_key_bits(const struct tw_ossl_key *k)
{
	return k->bits;
}

static unsigned int
bit_length(const uint8_t *v, size_t n)
{
	unsigned int top = 0;

	for (uint8_t b = v[0]; b != 0; b >>= 1)
		top++;
	return (unsigned int)(n - 1) * 8 + top;
}

/*
 * RFC 3110 2: exponent length in one octet, or a zero octet and two
 * octets; the exponent; the modulus. Leading zero octets are prohibited.
 */
static enum tw_crypto_verdict
parse_rsa(struct tw_ossl_key *k, const uint8_t *key, size_t len,
	  unsigned int min_bits)
{
	const uint8_t *e, *m;
	size_t off, elen, mlen;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	const EVP_MD *md;
	enum tw_crypto_verdict v = TW_CRYPTO_ERROR;

	if (len < 1)
		return TW_CRYPTO_BADKEY;
	if (key[0] != 0) {
		elen = key[0];
		off = 1;
	} else {
		if (len < 3)
			return TW_CRYPTO_BADKEY;
		elen = tw_get16(key + 1);
		off = 3;
	}
	if (elen == 0 || elen >= len - off)
		return TW_CRYPTO_BADKEY; /* no room for a modulus */
	e = key + off;
	m = e + elen;
	mlen = len - off - elen;
	if (e[0] == 0 || m[0] == 0)
		return TW_CRYPTO_BADKEY;
	/* Exponent sanity: odd, >= 3, at most 64 bits. */
	if (elen > 8 || (e[elen - 1] & 1) == 0 || (elen == 1 && e[0] < 3))
		return TW_CRYPTO_BADKEY;
	/* An RSA modulus is odd; 512..4096 bits (RFC 3110 2). */
	if ((m[mlen - 1] & 1) == 0 || mlen > 512)
		return TW_CRYPTO_BADKEY;
	k->bits = bit_length(m, mlen);
	if (k->bits < 512 || k->bits > 4096)
		return TW_CRYPTO_BADKEY;
	if (k->bits < min_bits)
		return TW_CRYPTO_UNSUPPORTED;
	k->kind = KIND_RSA;
	k->sig_len = (uint16_t)mlen;

	switch (k->alg) {
	case TW_CRYPTO_ALG_RSASHA1:
	case TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1:
		md = EVP_sha1();
		break;
	case TW_CRYPTO_ALG_RSASHA256:
		md = EVP_sha256();
		break;
	default:
		md = EVP_sha512();
		break;
	}

	bn_n = BN_bin2bn(m, (int)mlen, NULL);
	bn_e = BN_bin2bn(e, (int)elen, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (bn_n == NULL || bn_e == NULL || bld == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (params == NULL || pc == NULL || EVP_PKEY_fromdata_init(pc) <= 0)
		goto out;
	if (EVP_PKEY_fromdata(pc, &k->pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		v = drain_errors_resource() ? TW_CRYPTO_ERROR
					    : TW_CRYPTO_BADKEY;
		goto out;
	}
	k->vctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (k->vctx == NULL || EVP_PKEY_verify_init(k->vctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(k->vctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(k->vctx, md) <= 0)
		goto out;
	v = TW_CRYPTO_VALID;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	return v;
}

/* RFC 6605 4: the public key is x || y, each the curve's size. */
static enum tw_crypto_verdict
parse_ecdsa(struct tw_ossl_key *k, const uint8_t *key, size_t len)
{
	uint8_t pub[1 + 96];
	const char *group;
	size_t want;
	EVP_PKEY_CTX *pc;
	OSSL_PARAM params[3];
	enum tw_crypto_verdict v = TW_CRYPTO_ERROR;

	if (k->alg == TW_CRYPTO_ALG_ECDSAP256SHA256) {
		group = "prime256v1";
		want = 64;
	} else {
		group = "secp384r1";
		want = 96;
	}
	if (len != want)
		return TW_CRYPTO_BADKEY;
	k->kind = KIND_ECDSA;
	k->bits = (unsigned int)want * 4;
	k->sig_len = (uint16_t)want; /* r || s, each the curve's size */
	pub[0] = 0x04;		     /* uncompressed point (SEC 1 2.3.3) */
	memcpy(pub + 1, key, len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pub, 1 + len);
	params[2] = OSSL_PARAM_construct_end();
	pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (pc == NULL || EVP_PKEY_fromdata_init(pc) <= 0)
		goto out;
	/* Decoding the point checks it is on the curve (cofactor 1). */
	if (EVP_PKEY_fromdata(pc, &k->pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		v = drain_errors_resource() ? TW_CRYPTO_ERROR
					    : TW_CRYPTO_BADKEY;
		goto out;
	}
	k->vctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (k->vctx == NULL || EVP_PKEY_verify_init(k->vctx) <= 0)
		goto out;
	v = TW_CRYPTO_VALID;
out:
	EVP_PKEY_CTX_free(pc);
	return v;
}

/*
 * RFC 8080 3: the raw key. Only its length can be checked here; a string
 * that is not a point makes every signature invalid at verification.
 */
static enum tw_crypto_verdict
parse_eddsa(struct tw_ossl_key *k, const uint8_t *key, size_t len)
{
	int ed25519 = k->alg == TW_CRYPTO_ALG_ED25519;

	if (len != (ed25519 ? 32u : 57u))
		return TW_CRYPTO_BADKEY;
	k->kind = KIND_EDDSA;
	k->bits = ed25519 ? 255 : 448;
	k->sig_len = ed25519 ? 64 : 114;
	k->pkey = EVP_PKEY_new_raw_public_key_ex(
		NULL, ed25519 ? "ED25519" : "ED448", NULL, key, len);
	if (k->pkey == NULL)
		return drain_errors_resource() ? TW_CRYPTO_ERROR
					       : TW_CRYPTO_BADKEY;
	k->mdctx = EVP_MD_CTX_new();
	if (k->mdctx == NULL ||
	    EVP_DigestVerifyInit_ex(k->mdctx, NULL, NULL, NULL, NULL, k->pkey,
				    NULL) <= 0)
		return TW_CRYPTO_ERROR;
	return TW_CRYPTO_VALID;
}

enum tw_crypto_verdict
tw_ossl_key_parse(uint8_t alg, const uint8_t *key, size_t key_len,
		  unsigned int rsa_min_bits, struct tw_ossl_key **kp)
{
	struct tw_ossl_key *k;
	enum tw_crypto_verdict v;

	if (!tw_crypto_alg_supported(alg))
		return TW_CRYPTO_UNSUPPORTED;
	k = tw_calloc(1, sizeof(*k));
	if (k == NULL)
		return TW_CRYPTO_ERROR;
	k->alg = alg;
	switch (alg) {
	case TW_CRYPTO_ALG_ECDSAP256SHA256:
	case TW_CRYPTO_ALG_ECDSAP384SHA384:
		v = parse_ecdsa(k, key, key_len);
		break;
	case TW_CRYPTO_ALG_ED25519:
	case TW_CRYPTO_ALG_ED448:
		v = parse_eddsa(k, key, key_len);
		break;
	default:
		v = parse_rsa(k, key, key_len, rsa_min_bits);
		break;
	}
	ERR_clear_error();
	if (v != TW_CRYPTO_VALID) {
		tw_ossl_key_free(k);
		return v;
	}
	*kp = k;
	return v;
}

/* DER INTEGER of an unsigned big-endian value: minimal, non-negative. */
static size_t
der_uint(uint8_t *out, const uint8_t *v, size_t n)
{
	size_t pad;

	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	pad = (v[0] & 0x80) != 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(n + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v, n);
	return 2 + pad + n;
}

/*
 * RFC 6605 4: the signature is r || s; OpenSSL wants the DER ECDSA-Sig-Value
 * SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.3). At most
 * 2 + 2 * (3 + 48) = 104 octets, so short-form lengths suffice. OpenSSL
 * refuses non-canonical DER, which der_uint() never produces.
 */
static size_t
ecdsa_raw_to_der(uint8_t *out, const uint8_t *sig, size_t half)
{
	size_t l = der_uint(out + 2, sig, half);

	l += der_uint(out + 2 + l, sig + half, half);
	out[0] = 0x30;
	out[1] = (uint8_t)l;
	return l + 2;
}

enum tw_crypto_verdict
tw_ossl_verify(struct tw_ossl_key *k, const uint8_t *sig, size_t sig_len,
	       const uint8_t *digest, size_t digest_len, const uint8_t *msg,
	       size_t msg_len, int *pk_op)
{
	uint8_t der[2 + 2 * (3 + 48)];
	size_t der_len;
	int rc;

	*pk_op = 0;
	/* A signature of the wrong length is invalid on its form alone. */
	if (sig_len != k->sig_len)
		return TW_CRYPTO_INVALID;
	*pk_op = 1;
	switch (k->kind) {
	case KIND_RSA:
		rc = EVP_PKEY_verify(k->vctx, sig, sig_len, digest, digest_len);
		break;
	case KIND_ECDSA:
		der_len = ecdsa_raw_to_der(der, sig, sig_len / 2);
		rc = EVP_PKEY_verify(k->vctx, der, der_len, digest, digest_len);
		break;
	default:
		rc = EVP_DigestVerify(k->mdctx, sig, sig_len, msg, msg_len);
		if (rc < 0) {
			/*
			 * The context is reused across one-shot calls (3.0
			 * allows it, as `openssl speed` does); a release that
			 * refuses reuse gets one fresh init and a retry.
			 */
			ERR_clear_error();
			if (EVP_DigestVerifyInit_ex(k->mdctx, NULL, NULL, NULL,
						    NULL, k->pkey, NULL) > 0)
				rc = EVP_DigestVerify(k->mdctx, sig, sig_len,
						      msg, msg_len);
		}
		break;
	}
	if (rc == 1) {
		ERR_clear_error();
		return TW_CRYPTO_VALID;
	}
	/*
	 * 0 is "did not verify"; negative is an error other than that
	 * (EVP_PKEY_verify(3)). Resource failures inside a 0 are errors too.
	 */
	if (drain_errors_resource() || rc < 0)
		return TW_CRYPTO_ERROR;
	return TW_CRYPTO_INVALID;
}
