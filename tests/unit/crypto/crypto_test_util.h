/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the lib/crypto unit tests: keys generated with OpenSSL
 * and exported in DNSKEY wire format, DNSSEC-format signatures, decoding of
 * the RFC examples, a reproducible random generator.
 */
#ifndef TW_CRYPTO_TEST_UTIL_H
#define TW_CRYPTO_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "tw_crypto.h"

/* A test key: the OpenSSL key and its DNSKEY public key field. */
struct tkey {
	EVP_PKEY *pkey;
	uint8_t alg;
	size_t pub_len;
	uint8_t pub[600];
};

/* Generate a key for a DNSSEC algorithm (bits: RSA modulus, else 0). */
int tkey_gen(struct tkey *k, uint8_t alg, unsigned int bits);
/* Load an Ed25519/Ed448 private key (RFC 8080 examples). */
int tkey_from_raw_private(struct tkey *k, uint8_t alg, const uint8_t *priv,
			  size_t len);
void tkey_free(struct tkey *k);
/* Sign in DNSSEC wire format; returns the signature length, 0 on error. */
size_t tkey_sign(const struct tkey *k, const uint8_t *msg, size_t len,
		 uint8_t *sig, size_t cap);

/* Base64 (RFC 4648 4); whitespace skipped. Returns length, 0 on error. */
size_t b64_decode(const char *s, uint8_t *out, size_t cap);
/* Hex; returns length. */
size_t hex_decode(const char *s, uint8_t *out, size_t cap);
/* Base32hex lower case (RFC 4648 7), as NSEC3 owner labels are written. */
void b32hex_encode(const uint8_t *in, size_t len, char *out);
/* "www.example.net" -> uncompressed wire form (lower case kept as is). */
size_t dname_wire(const char *name, uint8_t *out);

/* xorshift64*: reproducible pseudo-random bytes for the tests. */
uint64_t trand(void);
void trand_seed(uint64_t seed);
void trand_fill(uint8_t *p, size_t n);

/* Reference digest with OpenSSL's one-shot EVP_Digest. */
void ref_digest(enum tw_crypto_hash alg, const uint8_t *p, size_t n,
		uint8_t *out);

#endif
