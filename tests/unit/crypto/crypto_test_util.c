/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto_test_util.h"

static const EVP_MD *
alg_md(uint8_t alg)
{
	switch (alg) {
	case TW_CRYPTO_ALG_RSASHA1:
	case TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1:
		return EVP_sha1();
	case TW_CRYPTO_ALG_RSASHA256:
	case TW_CRYPTO_ALG_ECDSAP256SHA256:
		return EVP_sha256();
	case TW_CRYPTO_ALG_RSASHA512:
		return EVP_sha512();
	case TW_CRYPTO_ALG_ECDSAP384SHA384:
		return EVP_sha384();
	default:
		return NULL; /* EdDSA */
	}
}

static int
is_rsa(uint8_t alg)
{
	return alg == 5 || alg == 7 || alg == 8 || alg == 10;
}

static int
export_pub(struct tkey *k)
{
	if (is_rsa(k->alg)) {
		BIGNUM *n = NULL, *e = NULL;
		int nl, el, ok = 0;

		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &n) &&
		    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
			/* RFC 3110 2: short exponent length form */
			nl = BN_num_bytes(n);
			el = BN_num_bytes(e);
			k->pub[0] = (uint8_t)el;
			BN_bn2bin(e, k->pub + 1);
			BN_bn2bin(n, k->pub + 1 + el);
			k->pub_len = (size_t)(1 + el + nl);
			ok = 1;
		}
		BN_free(n);
		BN_free(e);
		return ok;
	}
	if (k->alg == 13 || k->alg == 14) {
		uint8_t buf[200];
		size_t len = 0;

		if (!EVP_PKEY_get_octet_string_param(k->pkey,
						     OSSL_PKEY_PARAM_PUB_KEY,
						     buf, sizeof(buf), &len) ||
		    len < 1 || buf[0] != 4)
			return 0;
		memcpy(k->pub, buf + 1, len - 1); /* RFC 6605 4: x || y */
		k->pub_len = len - 1;
		return 1;
	}
	k->pub_len = sizeof(k->pub);
	return EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &k->pub_len);
}

int
tkey_gen(struct tkey *k, uint8_t alg, unsigned int bits)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	if (is_rsa(alg))
		k->pkey = EVP_RSA_gen(bits);
	else if (alg == 13)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (alg == 14)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	else if (alg == 15)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (alg == 16)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	return k->pkey != NULL && export_pub(k);
}

int
tkey_from_raw_private(struct tkey *k, uint8_t alg, const uint8_t *priv,
		      size_t len)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	k->pkey = EVP_PKEY_new_raw_private_key_ex(
		NULL, alg == 15 ? "ED25519" : "ED448", NULL, priv, len);
	return k->pkey != NULL && export_pub(k);
}

void
tkey_free(struct tkey *k)
{
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}

size_t
tkey_sign(const struct tkey *k, const uint8_t *msg, size_t len, uint8_t *sig,
	  size_t cap)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t der[1024];
	size_t sl = sizeof(der), out = 0;

	if (c == NULL)
		return 0;
	if (EVP_DigestSignInit_ex(
		    c, NULL,
		    alg_md(k->alg) ? EVP_MD_get0_name(alg_md(k->alg)) : NULL,
		    NULL, NULL, k->pkey, NULL) <= 0 ||
	    EVP_DigestSign(c, der, &sl, msg, len) <= 0)
		goto done;
	if (k->alg == 13 || k->alg == 14) {
		/* DER ECDSA-Sig-Value -> r || s (RFC 6605 4) */
		const uint8_t *p = der;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);
		int half = k->alg == 13 ? 32 : 48;

		if (es == NULL || cap < (size_t)(2 * half)) {
			ECDSA_SIG_free(es);
			goto done;
		}
		BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, half);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + half, half);
		ECDSA_SIG_free(es);
		out = (size_t)(2 * half);
	} else if (sl <= cap) {
		memcpy(sig, der, sl);
		out = sl;
	}
done:
	EVP_MD_CTX_free(c);
	return out;
}

size_t
b64_decode(const char *s, uint8_t *out, size_t cap)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *s != '\0'; s++) {
		const char *p;

		if (isspace((unsigned char)*s))
			continue;
		if (*s == '=')
			break;
		p = strchr(tab, *s);
		if (p == NULL)
			return 0;
		acc = acc << 6 | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return 0;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

size_t
hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] != '\0' && s[1] != '\0' && n < cap) {
		unsigned int v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

void
b32hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char tab[] = "0123456789abcdefghijklmnopqrstuv";
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*out++ = tab[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		*out++ = tab[(acc << (5 - bits)) & 31];
	*out = '\0';
}

size_t
dname_wire(const char *name, uint8_t *out)
{
	size_t n = 0;

	while (*name != '\0') {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		out[n++] = (uint8_t)l;
		memcpy(out + n, name, l);
		n += l;
		name += l;
		if (*name == '.')
			name++;
	}
	out[n++] = 0;
	return n;
}

static uint64_t trand_state = 0x9e3779b97f4a7c15ULL;

void
trand_seed(uint64_t seed)
{
	trand_state = seed ? seed : 1;
}

uint64_t
trand(void)
{
	trand_state ^= trand_state >> 12;
	trand_state ^= trand_state << 25;
	trand_state ^= trand_state >> 27;
	return trand_state * 0x2545f4914f6cdd1dULL;
}

void
trand_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(trand() >> 56);
}

void
ref_digest(enum tw_crypto_hash alg, const uint8_t *p, size_t n, uint8_t *out)
{
	static const char *const names[] = { "", "SHA1", "SHA256", "SHA384",
					     "SHA512" };
	unsigned int len;

	EVP_Digest(p, n, out, &len, EVP_get_digestbyname(names[alg]), NULL);
}
