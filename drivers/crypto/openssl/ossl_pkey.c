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
#include <stdbool.h>

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
	bool mdctx_used;    /* EdDSA: a verification ran on mdctx */
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
	/* Exponent sanity: odd, >= 3. */
	if ((e[elen - 1] & 1) == 0 || (elen == 1 && e[0] < 3))
		return TW_CRYPTO_BADKEY;
	/* An RSA modulus is odd; 512..4096 bits (RFC 3110 2). */
	if ((m[mlen - 1] & 1) == 0 || mlen > 512)
		return TW_CRYPTO_BADKEY;
	k->bits = bit_length(m, mlen);
	if (k->bits < 512 || k->bits > 4096)
		return TW_CRYPTO_BADKEY;
	/*
	 * Key policy, not a malformed key: RFC 3110 2 allows exponents up
	 * to 4096 bits, but verification time grows with the exponent's
	 * length, and DNSSEC keys use 3 or 65537; so one over 64 bits, like
	 * a modulus below rsa_min_bits, is a key we do not use (lib/dnssec:
	 * an unsupported algorithm, RFC 4035 5.2), rather than one that
	 * makes the zone's answers bogus.
	 */
	if (elen > 8 || k->bits < min_bits)
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
		/*
		 * A one-shot EVP_DigestVerify() finalises its context from
		 * OpenSSL 3.2 on (a second call fails with 0, "did not
		 * verify"): each verification after the first starts with
		 * a fresh init. A NULL key keeps the context's key and
		 * only resets the operation (cheap; 3.0 allows it too).
		 */
		if (k->mdctx_used &&
		    EVP_DigestVerifyInit_ex(k->mdctx, NULL, NULL, NULL, NULL,
					    NULL, NULL) <= 0 &&
		    EVP_DigestVerifyInit_ex(k->mdctx, NULL, NULL, NULL, NULL,
					    k->pkey, NULL) <= 0) {
			drain_errors_resource();
			return TW_CRYPTO_ERROR;
		}
		k->mdctx_used = true;
		rc = EVP_DigestVerify(k->mdctx, sig, sig_len, msg, msg_len);
		break;
	}
	if (rc == 1)
		return TW_CRYPTO_VALID; /* nothing queued: no ERR_clear_error */
	/*
	 * 0 is "did not verify"; negative is an error other than that
	 * (EVP_PKEY_verify(3)). Resource failures inside a 0 are errors too.
	 */
	if (drain_errors_resource() || rc < 0)
		return TW_CRYPTO_ERROR;
	return TW_CRYPTO_INVALID;
}

/*
 * A fixed RSA-1024 key (RFC 3110 form, e = 65537), the SHA-1 digest of
 * "trustwire: can OpenSSL verify an RSA/SHA-1 signature here?" and its
 * PKCS#1 v1.5 signature, made once offline for tw_ossl_sha1_sigs_usable().
 */
static const uint8_t probe_key[] = {
	0x03, 0x01, 0x00, 0x01, 0xc7, 0x24, 0x0f, 0x73, 0x81, 0xe2, 0x74, 0xd0,
	0x63, 0x9e, 0xe3, 0x62, 0xdd, 0x58, 0xf5, 0xce, 0xaf, 0x4c, 0xb0, 0x15,
	0x6b, 0x06, 0xd8, 0x52, 0x53, 0x09, 0x5d, 0x2b, 0x19, 0x7b, 0xfb, 0xda,
	0xff, 0x85, 0xbf, 0x8d, 0x1e, 0x3a, 0x0e, 0xd7, 0x9e, 0x0b, 0x53, 0x5c,
	0x20, 0xfe, 0xca, 0x3c, 0x5f, 0xdf, 0x0e, 0x5a, 0x86, 0xf6, 0x2e, 0x57,
	0x6f, 0x92, 0x7d, 0x5a, 0x36, 0x8f, 0xe8, 0xeb, 0xe2, 0x68, 0x05, 0x30,
	0x45, 0xf5, 0xe0, 0x88, 0x57, 0x1f, 0xf0, 0xcc, 0x77, 0xed, 0x75, 0xb0,
	0x17, 0xa9, 0x82, 0x3a, 0x41, 0xa3, 0x8a, 0xa9, 0xed, 0x45, 0x97, 0x98,
	0xce, 0x9c, 0x44, 0xb5, 0xe1, 0xbb, 0xc0, 0x43, 0xee, 0xb4, 0x58, 0x65,
	0xb6, 0x67, 0x77, 0x59, 0x7e, 0x3d, 0x36, 0x8a, 0x6e, 0xc3, 0xee, 0x23,
	0x34, 0x20, 0x7e, 0x57, 0x81, 0x67, 0x55, 0x5e, 0x84, 0xb1, 0x5c, 0xb7,
};
static const uint8_t probe_sig[] = {
	0x30, 0x8c, 0x4a, 0xa8, 0x49, 0x99, 0x40, 0x2d, 0x32, 0x5e, 0x82, 0xc7,
	0x46, 0x85, 0xfa, 0x22, 0x06, 0x0f, 0x92, 0xaa, 0xee, 0x0c, 0xb0, 0x14,
	0x98, 0x0a, 0x9d, 0xc2, 0xac, 0xd3, 0x91, 0x0e, 0x71, 0x69, 0xb4, 0x3d,
	0x5b, 0x15, 0x80, 0x4b, 0xe2, 0x79, 0x90, 0x33, 0xaa, 0x02, 0xc2, 0x63,
	0x5e, 0xe1, 0xe4, 0x08, 0xc1, 0x83, 0x14, 0xb4, 0x54, 0x4d, 0xe4, 0x10,
	0xb5, 0x6d, 0xbb, 0xec, 0x31, 0x85, 0xc6, 0xb8, 0xa5, 0x97, 0xcd, 0x8d,
	0x7f, 0x69, 0x71, 0xbc, 0xd8, 0x37, 0x71, 0xe6, 0x92, 0x3d, 0x5c, 0xca,
	0xac, 0x91, 0x82, 0xdb, 0x07, 0x65, 0xae, 0x88, 0xb4, 0x2b, 0xd0, 0x45,
	0x00, 0x01, 0xec, 0xd3, 0xde, 0x18, 0x8d, 0x7a, 0x69, 0xf2, 0x29, 0xb9,
	0x1e, 0x2a, 0xec, 0x12, 0x0c, 0xf3, 0xdf, 0xe3, 0x9e, 0x59, 0x1f, 0x1e,
	0xb0, 0x9b, 0xc9, 0x53, 0x5e, 0xc5, 0x4b, 0xda,
};
static const uint8_t probe_digest[] = {
	0xca, 0xfe, 0x26, 0xd3, 0xef, 0xb2, 0xe5, 0xf1, 0x11, 0x3d,
	0xd8, 0x39, 0x77, 0x94, 0xad, 0xde, 0x35, 0x23, 0x9d, 0xcb,
};

/*
 * Some OpenSSL configurations refuse SHA-1 in signatures (a distribution's
 * crypto policy, say), while RFC 8624 3.1 still has validators verify
 * RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7). Where OpenSSL refuses, those must
 * read UNSUPPORTED (the zone is then insecure, RFC 4035 5.2), not INVALID
 * (bogus). Probed once per context; 1 when SHA-1 signatures verify.
 */
int
tw_ossl_sha1_sigs_usable(void)
{
	/* on the stack: no tw_malloc here to fail and be taken for policy */
	struct tw_ossl_key k = { .alg = TW_CRYPTO_ALG_RSASHA1 };
	enum tw_crypto_verdict v;
	int pk;

	v = parse_rsa(&k, probe_key, sizeof(probe_key), 1024);
	if (v == TW_CRYPTO_VALID)
		v = tw_ossl_verify(&k, probe_sig, sizeof(probe_sig),
				   probe_digest, sizeof(probe_digest), NULL, 0,
				   &pk);
	EVP_PKEY_CTX_free(k.vctx);
	EVP_PKEY_free(k.pkey);
	ERR_clear_error();
	return v == TW_CRYPTO_VALID;
}
