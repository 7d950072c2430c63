/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/crypto/verify.c: batched signature verification, on the scalar and
 * the IPsec-MB paths: RFC examples, generated keys, duplicates, the
 * verdict cache, malformed input, allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_common.h"
#include "tw_crypto.h"
#include "crypto_test_util.h"

/* ---- contexts on both paths ---- */

static const enum tw_crypto_path paths[] = { TW_CRYPTO_PATH_SCALAR,
					     TW_CRYPTO_PATH_MB };

/* Create a context on a path; NULL (test skipped) if MB is not here. */
static struct tw_crypto_ctx *
make_ctx(enum tw_crypto_path path, const struct tw_crypto_config *base)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx = NULL;
	int rc;

	if (base != NULL)
		cfg = *base;
	else
		tw_crypto_config_init(&cfg);
	cfg.path = path;
	rc = tw_crypto_create(&cfg, &ctx);
	if (rc == -ENOTSUP && path == TW_CRYPTO_PATH_MB) {
		print_message("IPsec-MB path not available here: skipped\n");
		return NULL;
	}
	assert_int_equal(rc, 0);
	if (path != TW_CRYPTO_PATH_AUTO)
		assert_int_equal(tw_crypto_get_path(ctx), path);
	return ctx;
}

/* ---- RFC examples ---- */

/*
 * RRSIG signed data (RFC 4034 3.1.8.1) for a one-record RRset: the RRSIG
 * rdata without the signature, then the RR in canonical form. Written as
 * two pieces so the verifier sees scattered data.
 */
struct signed_data {
	uint8_t rrsig[64];
	uint8_t rr[64];
	struct tw_crypto_iov iov[2];
};

static void
build_signed(struct signed_data *sd, uint16_t type, uint8_t alg, uint8_t labels,
	     uint32_t ttl, uint32_t expiration, uint32_t inception,
	     uint16_t tag, const char *signer, const char *owner,
	     const uint8_t *rdata, uint16_t rdlen)
{
	uint8_t *p = sd->rrsig;
	size_t n;

	tw_put16(p, type);
	p[2] = alg;
	p[3] = labels;
	tw_put32(p + 4, ttl);
	tw_put32(p + 8, expiration);
	tw_put32(p + 12, inception);
	tw_put16(p + 16, tag);
	n = 18 + dname_wire(signer, p + 18);
	sd->iov[0] = (struct tw_crypto_iov){ sd->rrsig, n };

	p = sd->rr;
	n = dname_wire(owner, p);
	tw_put16(p + n, type);
	tw_put16(p + n + 2, 1); /* IN */
	tw_put32(p + n + 4, ttl);
	tw_put16(p + n + 8, rdlen);
	memcpy(p + n + 10, rdata, rdlen);
	sd->iov[1] = (struct tw_crypto_iov){ sd->rr, n + 10 + rdlen };
}

struct rfc_vec {
	const char *what;
	uint8_t alg;
	uint16_t type;
	uint8_t labels;
	uint32_t expiration, inception;
	uint16_t tag;
	const char *zone, *owner;
	uint8_t rdata[32];
	uint16_t rdlen;
	const char *key, *sig;
	unsigned int bits;
};

#define MX_MAIL                                                                \
	{                                                                      \
		0, 10, 4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', \
			'e', 3, 'c', 'o', 'm', 0                               \
	}

static const struct rfc_vec rfc_vecs[] = {
	/* RFC 5702 6.1: www.example.net. A 192.0.2.91, 512-bit key 9033 */
	{ "RFC 5702 6.1 RSASHA256",
	  8,
	  1,
	  3,
	  1893456000,
	  946684800,
	  9033,
	  "example.net",
	  "www.example.net",
	  { 192, 0, 2, 91 },
	  4,
	  "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgt"
	  "vd4Qs8PkxUdp6p/DlUmObdk=",
	  "kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNE"
	  "acFYK/lPtPiVYP4bwg==",
	  512 },
	/* RFC 5702 6.2: the same RRset, RSASHA512, 1024-bit key 3740 */
	{ "RFC 5702 6.2 RSASHA512",
	  10,
	  1,
	  3,
	  1893456000,
	  946684800,
	  3740,
	  "example.net",
	  "www.example.net",
	  { 192, 0, 2, 91 },
	  4,
	  "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQuj"
	  "X/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFL"
	  "pPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
	  "tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJR"
	  "aeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv"
	  "6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw=",
	  1024 },
	/* RFC 6605 6.1: www.example.net. A 192.0.2.1, P-256 key 55648 */
	{ "RFC 6605 6.1 ECDSAP256SHA256",
	  13,
	  1,
	  3,
	  1284026679,
	  1281607479,
	  55648,
	  "example.net",
	  "www.example.net",
	  { 192, 0, 2, 1 },
	  4,
	  "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MA"
	  "nLr+Wi9xMWyQLc8NAA==",
	  "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUz"
	  "GGus7ZwmwWep666VCw==",
	  256 },
	/* RFC 6605 6.2: the same RRset, P-384 key 10771 */
	{ "RFC 6605 6.2 ECDSAP384SHA384",
	  14,
	  1,
	  3,
	  1284027625,
	  1281608425,
	  10771,
	  "example.net",
	  "www.example.net",
	  { 192, 0, 2, 1 },
	  4,
	  "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ"
	  "6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	  "/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8G"
	  "lr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm",
	  384 },
	/*
	 * RFC 8080 6.1: example.com. MX 10 mail.example.com., Ed25519 key
	 * 3613. The RFC prints "RRSIG MX 3 3600": the published signature is
	 * over Labels = 3 (RFC Errata 4935 notes example.com. has 2 labels and
	 * gives a corrected signature, checked below).
	 */
	{ "RFC 8080 6.1 ED25519", 15, 15, 3, 1440021600, 1438207200, 3613,
	  "example.com", "example.com", MX_MAIL, 20,
	  "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	  "Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkjH5GaMWeG9"
	  "6GUVZu6ECKOQmemHDg==",
	  255 },
	/* The same with the Errata 4935 signature over Labels = 2. */
	{ "RFC 8080 6.1 ED25519 (errata 4935)", 15, 15, 2, 1440021600,
	  1438207200, 3613, "example.com", "example.com", MX_MAIL, 20,
	  "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	  "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23"
	  "mRZ9VrbpMngwcrqNAg==",
	  255 },
	/* RFC 8080 6.2: Ed448 key 9713, Labels = 3 as published */
	{ "RFC 8080 6.2 ED448", 16, 15, 3, 1440021600, 1438207200, 9713,
	  "example.com", "example.com", MX_MAIL, 20,
	  "3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm"
	  "1MDpJtIA",
	  "Nmc0rgGKpr3GKYXcB1JmqqS4NYwhmechvJTqVzt3jR+Qy/lSLFoIk1L+9e39GPL+5tVz"
	  "DPN3f9kAwiu8KCuPPjtl227ayaCZtRKZuJax7n9NuYlZJIusX0SOIOKBGzG+yWYtz1/j"
	  "jbzl5GGkWvREUCUA",
	  448 },
};

static enum tw_crypto_verdict
verify_one(struct tw_crypto_ctx *ctx, uint8_t alg, const uint8_t *key,
	   size_t key_len, const uint8_t *sig, size_t sig_len,
	   const struct tw_crypto_iov *iov, unsigned int iovcnt)
{
	struct tw_crypto_job j = { .key = key,
				   .key_len = key_len,
				   .sig = sig,
				   .sig_len = sig_len,
				   .iov = iov,
				   .iovcnt = iovcnt,
				   .alg = alg };

	assert_int_equal(tw_crypto_verify_burst(ctx, &j, 1), 1);
	return j.verdict;
}

static void
test_rfc_examples(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;

		/* The RFC 5702 6.1 key is 512 bits: allow it here. */
		tw_crypto_config_init(&cfg);
		cfg.rsa_min_bits = 512;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		for (size_t i = 0; i < TW_ARRAY_SIZE(rfc_vecs); i++) {
			const struct rfc_vec *v = &rfc_vecs[i];
			struct signed_data sd;
			uint8_t key[256], sig[256];
			size_t kl = b64_decode(v->key, key, sizeof(key));
			size_t sl = b64_decode(v->sig, sig, sizeof(sig));
			unsigned int bits;

			print_message("%s\n", v->what);
			assert_true(kl > 0 && sl > 0);
			build_signed(&sd, v->type, v->alg, v->labels, 3600,
				     v->expiration, v->inception, v->tag,
				     v->zone, v->owner, v->rdata, v->rdlen);
			assert_int_equal(tw_crypto_key_check(ctx, v->alg, key,
							     kl, &bits),
					 TW_CRYPTO_VALID);
			assert_int_equal(bits, v->bits);
			assert_int_equal(verify_one(ctx, v->alg, key, kl, sig,
						    sl, sd.iov, 2),
					 TW_CRYPTO_VALID);
			/* a changed A / MX rdata octet */
			sd.rr[sd.iov[1].len - 1] ^= 1;
			assert_int_equal(verify_one(ctx, v->alg, key, kl, sig,
						    sl, sd.iov, 2),
					 TW_CRYPTO_INVALID);
			sd.rr[sd.iov[1].len - 1] ^= 1;
			/* a changed signature octet */
			sig[sl / 3] ^= 0x40;
			assert_int_equal(verify_one(ctx, v->alg, key, kl, sig,
						    sl, sd.iov, 2),
					 TW_CRYPTO_INVALID);
		}
		tw_crypto_destroy(ctx);
	}
}

/*
 * OpenSSL 3.0 verifies with a 512-bit RSA key (its security levels apply
 * to libssl, not to EVP_PKEY_verify). Our default policy (rsa_min_bits
 * 1024) reports such a key UNSUPPORTED, as an unsupported algorithm.
 */
static void
test_rfc5702_512bit_policy(void **state)
{
	const struct rfc_vec *v = &rfc_vecs[0];
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	struct signed_data sd;
	uint8_t key[256], sig[256];
	size_t kl = b64_decode(v->key, key, sizeof(key));
	size_t sl = b64_decode(v->sig, sig, sizeof(sig));
	struct tw_crypto_stats st;
	unsigned int bits = 1;

	(void)state;
	build_signed(&sd, v->type, v->alg, v->labels, 3600, v->expiration,
		     v->inception, v->tag, v->zone, v->owner, v->rdata,
		     v->rdlen);
	assert_int_equal(tw_crypto_key_check(ctx, v->alg, key, kl, &bits),
			 TW_CRYPTO_UNSUPPORTED);
	assert_int_equal(bits, 0);
	assert_int_equal(verify_one(ctx, v->alg, key, kl, sig, sl, sd.iov, 2),
			 TW_CRYPTO_UNSUPPORTED);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.pk_ops, 0);
	tw_crypto_destroy(ctx);
}

/*
 * EdDSA signing is deterministic (RFC 8032): OpenSSL signing with the RFC
 * 8080 private keys must reproduce the published signatures byte for
 * byte, which pins the signed-data construction above.
 */
static void
test_rfc8080_deterministic(void **state)
{
	static const struct {
		const char *priv;
		size_t vec;
	} privs[] = {
		{ "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=", 4 },
		{ "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=", 5 },
		{ "xZ+5Cgm463xugtkY5B0Jx6erFTXp13rYegst0qRtNsOYnaVpMx0Z/"
		  "c5EiA9x8w"
		  "WbDDct/U3FhYWA",
		  6 },
	};

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(privs); i++) {
		const struct rfc_vec *v = &rfc_vecs[privs[i].vec];
		uint8_t priv[64], msg[128], sig[200], want[200], key[64];
		size_t pl = b64_decode(privs[i].priv, priv, sizeof(priv));
		struct signed_data sd;
		struct tkey k;
		size_t ml, sl;

		build_signed(&sd, v->type, v->alg, v->labels, 3600,
			     v->expiration, v->inception, v->tag, v->zone,
			     v->owner, v->rdata, v->rdlen);
		memcpy(msg, sd.iov[0].base, sd.iov[0].len);
		memcpy(msg + sd.iov[0].len, sd.iov[1].base, sd.iov[1].len);
		ml = sd.iov[0].len + sd.iov[1].len;
		assert_true(tkey_from_raw_private(&k, v->alg, priv, pl));
		assert_int_equal(k.pub_len,
				 b64_decode(v->key, key, sizeof(key)));
		assert_memory_equal(k.pub, key, k.pub_len);
		sl = tkey_sign(&k, msg, ml, sig, sizeof(sig));
		assert_int_equal(sl, b64_decode(v->sig, want, sizeof(want)));
		assert_memory_equal(sig, want, sl);
		tkey_free(&k);
	}
}

/* ---- generated keys ---- */

enum {
	K_RSA1024,
	K_RSA2048,
	K_RSA2048_B,
	K_RSA4096,
	K_RSASHA1,
	K_NSEC3RSASHA1,
	K_RSASHA512,
	K_P256,
	K_P256_B,
	K_P384,
	K_P384_B,
	K_ED25519,
	K_ED25519_B,
	K_ED448,
	K_ED448_B,
	K_N
};

static struct tkey keys[K_N];
/* for each key, another of the same algorithm and size ("wrong key") */
static const int other_key[K_N] = {
	[K_RSA1024] = K_RSA1024,     [K_RSA2048] = K_RSA2048_B,
	[K_RSA2048_B] = K_RSA2048,   [K_RSA4096] = K_RSA4096,
	[K_RSASHA1] = K_RSASHA1,     [K_NSEC3RSASHA1] = K_NSEC3RSASHA1,
	[K_RSASHA512] = K_RSASHA512, [K_P256] = K_P256_B,
	[K_P256_B] = K_P256,	     [K_P384] = K_P384_B,
	[K_P384_B] = K_P384,	     [K_ED25519] = K_ED25519_B,
	[K_ED25519_B] = K_ED25519,   [K_ED448] = K_ED448_B,
	[K_ED448_B] = K_ED448,
};

static int
copy_key(struct tkey *dst, const struct tkey *src, uint8_t alg)
{
	*dst = *src;
	dst->alg = alg;
	return EVP_PKEY_up_ref(dst->pkey);
}

static int
setup_keys(void **state)
{
	(void)state;
	trand_seed(20240601);
	if (!tkey_gen(&keys[K_RSA1024], 8, 1024) ||
	    !tkey_gen(&keys[K_RSA2048], 8, 2048) ||
	    !tkey_gen(&keys[K_RSA2048_B], 8, 2048) ||
	    !tkey_gen(&keys[K_RSA4096], 10, 4096) ||
	    !copy_key(&keys[K_RSASHA1], &keys[K_RSA2048], 5) ||
	    !copy_key(&keys[K_NSEC3RSASHA1], &keys[K_RSA2048_B], 7) ||
	    !copy_key(&keys[K_RSASHA512], &keys[K_RSA1024], 10) ||
	    !tkey_gen(&keys[K_P256], 13, 0) ||
	    !tkey_gen(&keys[K_P256_B], 13, 0) ||
	    !tkey_gen(&keys[K_P384], 14, 0) ||
	    !tkey_gen(&keys[K_P384_B], 14, 0) ||
	    !tkey_gen(&keys[K_ED25519], 15, 0) ||
	    !tkey_gen(&keys[K_ED25519_B], 15, 0) ||
	    !tkey_gen(&keys[K_ED448], 16, 0) ||
	    !tkey_gen(&keys[K_ED448_B], 16, 0))
		return -1;
	return 0;
}

static int
teardown_keys(void **state)
{
	(void)state;
	for (int i = 0; i < K_N; i++)
		tkey_free(&keys[i]);
	return 0;
}

/* A generated job with its own buffers. */
enum tcase {
	C_VALID,
	C_BAD_MSG,
	C_BAD_SIG,
	C_WRONG_KEY,
	C_DUP,
	C_BAD_KEY,
	C_UNSUPP,
	C_N
};

struct tjob {
	struct tw_crypto_job job;
	struct tw_crypto_iov iov[3];
	uint8_t msg[400];
	uint8_t sig[600];
	uint8_t key[600];
	enum tw_crypto_verdict expect;
};

/* Fill @p t with a signature by key @p ki over a random message. */
static void
make_job(struct tjob *t, int ki, enum tcase c)
{
	const struct tkey *k = &keys[ki];
	size_t len = trand() % sizeof(t->msg), sl;
	unsigned int cuts = (unsigned int)(trand() % 3);
	size_t a = len ? trand() % (len + 1) : 0;
	size_t b = a + (len - a ? trand() % (len - a + 1) : 0);

	memset(t, 0, sizeof(*t));
	trand_fill(t->msg, len);
	sl = tkey_sign(k, t->msg, len, t->sig, sizeof(t->sig));
	assert_true(sl > 0);
	memcpy(t->key, k->pub, k->pub_len);
	t->job.alg = k->alg;
	t->job.key = t->key;
	t->job.key_len = k->pub_len;
	t->job.sig = t->sig;
	t->job.sig_len = sl;
	t->job.iov = t->iov;
	/* scattered in 1..3 pieces, empty pieces allowed */
	if (cuts == 0) {
		t->iov[0] = (struct tw_crypto_iov){ t->msg, len };
		t->job.iovcnt = 1;
	} else if (cuts == 1) {
		t->iov[0] = (struct tw_crypto_iov){ t->msg, a };
		t->iov[1] = (struct tw_crypto_iov){ t->msg + a, len - a };
		t->job.iovcnt = 2;
	} else {
		t->iov[0] = (struct tw_crypto_iov){ t->msg, a };
		t->iov[1] = (struct tw_crypto_iov){ t->msg + a, b - a };
		t->iov[2] = (struct tw_crypto_iov){ t->msg + b, len - b };
		t->job.iovcnt = 3;
	}
	t->expect = TW_CRYPTO_VALID;
	switch (c) {
	case C_BAD_MSG:
		if (len == 0) {
			/* nothing to flip: sign something else instead */
			uint8_t other = 1;

			t->job.sig_len =
				tkey_sign(k, &other, 1, t->sig, sizeof(t->sig));
		} else {
			t->msg[trand() % len] ^= (uint8_t)(1u << (trand() % 8));
		}
		t->expect = TW_CRYPTO_INVALID;
		break;
	case C_BAD_SIG:
		t->sig[trand() % sl] ^= (uint8_t)(1u << (trand() % 8));
		t->expect = TW_CRYPTO_INVALID;
		break;
	case C_WRONG_KEY:
		if (other_key[ki] != ki) {
			memcpy(t->key, keys[other_key[ki]].pub,
			       keys[other_key[ki]].pub_len);
			t->job.key_len = keys[other_key[ki]].pub_len;
			t->expect = TW_CRYPTO_INVALID;
		}
		break;
	case C_BAD_KEY:
		/* cut the key: every algorithm then fails to parse it */
		t->job.key_len = k->alg >= 13 ? k->pub_len - 1 : 2;
		t->expect = TW_CRYPTO_BADKEY;
		break;
	case C_UNSUPP:
		t->job.alg = (uint8_t[]){ 1, 3, 6, 12, 0, 253 }[trand() % 6];
		t->expect = TW_CRYPTO_UNSUPPORTED;
		break;
	default:
		break;
	}
}

static void
test_generated_keys(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_ctx *ctx = make_ctx(paths[p], NULL);

		if (ctx == NULL)
			continue;
		for (int ki = 0; ki < K_N; ki++) {
			for (int c = C_VALID; c <= C_WRONG_KEY; c++) {
				struct tjob t;

				make_job(&t, ki, (enum tcase)c);
				assert_int_equal(
					tw_crypto_verify_burst(ctx, &t.job, 1),
					1);
				if (t.job.verdict != t.expect)
					fail_msg("key %d case %d: %s, want %s",
						 ki, c,
						 tw_crypto_verdict_str(
							 t.job.verdict),
						 tw_crypto_verdict_str(
							 t.expect));
			}
		}
		tw_crypto_destroy(ctx);
	}
}

/*
 * One cached key, many verifications: each key verifies several valid
 * signatures over different messages, each in its own burst, with the
 * verdict cache off, then an invalid one, then a valid one again. Every
 * verification reuses the key cache's parsed key (and for EdDSA its
 * EVP_MD_CTX, which OpenSSL 3.2+ finalises after each one-shot call).
 */
static void
test_key_reuse(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;

		tw_crypto_config_init(&cfg);
		cfg.verdict_cache_entries = 0;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		for (int ki = 0; ki < K_N; ki++) {
			static const enum tcase seq[] = { C_VALID, C_VALID,
							  C_VALID, C_BAD_SIG,
							  C_VALID, C_BAD_MSG,
							  C_VALID };

			for (size_t i = 0; i < TW_ARRAY_SIZE(seq); i++) {
				struct tjob t;

				make_job(&t, ki, seq[i]);
				assert_int_equal(
					tw_crypto_verify_burst(ctx, &t.job, 1),
					1);
				if (t.job.verdict != t.expect)
					fail_msg("key %d, verification %zu: "
						 "%s, want %s",
						 ki, i,
						 tw_crypto_verdict_str(
							 t.job.verdict),
						 tw_crypto_verdict_str(
							 t.expect));
			}
		}
		tw_crypto_destroy(ctx);
	}
}

/*
 * A few hundred random jobs of every kind through both paths, in bursts
 * larger than max_batch: same verdicts on both, and the expected ones.
 */
#define N_RANDOM 320

static void
test_batch_vs_scalar(void **state)
{
	struct tjob *t = calloc(N_RANDOM, sizeof(*t));
	struct tw_crypto_job *a = calloc(N_RANDOM, sizeof(*a));
	enum tw_crypto_verdict first[N_RANDOM];
	int have_first = 0;

	(void)state;
	assert_non_null(t);
	assert_non_null(a);
	for (int i = 0; i < N_RANDOM; i++) {
		enum tcase c = (enum tcase)(trand() % C_N);
		/* RSA-4096 signing is slow: use it sparingly */
		int ki = (int)(trand() % K_N);

		if (ki == K_RSA4096 && trand() % 4)
			ki = K_P256;
		if (c == C_DUP && i > 0) {
			int src = (int)(trand() % (uint64_t)i);

			t[i] = t[src];
			t[i].job.key = t[i].key;
			t[i].job.sig = t[i].sig;
			t[i].job.iov = t[i].iov;
			for (unsigned int v = 0; v < t[i].job.iovcnt; v++)
				t[i].iov[v].base =
					t[i].msg +
					(t[src].iov[v].base - t[src].msg);
			continue;
		}
		make_job(&t[i], ki, c == C_DUP ? C_VALID : c);
	}
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_ctx *ctx = make_ctx(paths[p], NULL);
		struct tw_crypto_stats st;

		if (ctx == NULL)
			continue;
		for (int i = 0; i < N_RANDOM; i++)
			a[i] = t[i].job;
		assert_int_equal(tw_crypto_verify_burst(ctx, a, N_RANDOM),
				 N_RANDOM);
		for (int i = 0; i < N_RANDOM; i++) {
			if (a[i].verdict != t[i].expect)
				fail_msg("path %zu job %d: %s, want %s", p, i,
					 tw_crypto_verdict_str(a[i].verdict),
					 tw_crypto_verdict_str(t[i].expect));
			if (have_first)
				assert_int_equal(a[i].verdict, first[i]);
			first[i] = a[i].verdict;
		}
		have_first = 1;
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.jobs, N_RANDOM);
		assert_int_equal(st.valid + st.invalid + st.unsupported +
					 st.badkey + st.error,
				 N_RANDOM);
		assert_int_equal(st.error, 0);
		assert_true(st.pk_ops <= N_RANDOM);
		if (paths[p] == TW_CRYPTO_PATH_MB)
			assert_true(st.hashes_mb > 0);
		else
			assert_int_equal(st.hashes_mb, 0);
		tw_crypto_destroy(ctx);
	}
	free(a);
	free(t);
}

/* Identical jobs in one batch are verified once. */
static void
test_duplicates(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;
		struct tw_crypto_job j[8];
		struct tw_crypto_stats st;
		struct tjob v, bad;

		tw_crypto_config_init(&cfg);
		cfg.verdict_cache_entries = 0; /* duplicates alone */
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		make_job(&v, K_P256, C_VALID);
		make_job(&bad, K_ED25519, C_BAD_SIG);
		for (int i = 0; i < 5; i++)
			j[i] = v.job;
		j[5] = bad.job;
		j[6] = bad.job;
		j[7] = v.job;
		tw_crypto_verify_burst(ctx, j, 8);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.pk_ops, 2);
		assert_int_equal(st.duplicates, 6);
		assert_int_equal(st.verdict_hits, 0);
		for (int i = 0; i < 8; i++) {
			assert_int_equal(j[i].verdict,
					 i == 5 || i == 6 ? TW_CRYPTO_INVALID
							  : TW_CRYPTO_VALID);
			assert_int_equal(j[i].flags, i == 0 || i == 5
							     ? 0
							     : TW_CRYPTO_F_DUP);
		}
		/* no cache: the next burst verifies again */
		tw_crypto_verify_burst(ctx, j, 1);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.pk_ops, 3);
		tw_crypto_destroy(ctx);
	}
}

/* Same data, same key and signature but split differently: a duplicate. */
static void
test_duplicate_across_iov_layouts(void **state)
{
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	struct tw_crypto_stats st;
	struct tw_crypto_job j[2];
	struct tw_crypto_iov one;
	struct tjob v;

	(void)state;
	do
		make_job(&v, K_ED25519, C_VALID);
	while (v.job.iovcnt < 2);
	one = (struct tw_crypto_iov){
		v.msg, v.iov[0].len + v.iov[1].len +
			       (v.job.iovcnt > 2 ? v.iov[2].len : 0)
	};
	j[0] = v.job;
	j[1] = v.job;
	j[1].iov = &one;
	j[1].iovcnt = 1;
	tw_crypto_verify_burst(ctx, j, 2);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(j[0].verdict, TW_CRYPTO_VALID);
	assert_int_equal(j[1].verdict, TW_CRYPTO_VALID);
	assert_int_equal(j[1].flags, TW_CRYPTO_F_DUP);
	assert_int_equal(st.pk_ops, 1);
	tw_crypto_destroy(ctx);
}

static void
test_verdict_cache(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_ctx *ctx = make_ctx(paths[p], NULL);
		struct tw_crypto_stats st;
		struct tw_crypto_job j[3];
		struct tjob v, bad, other;

		if (ctx == NULL)
			continue;
		make_job(&v, K_RSA2048, C_VALID);
		make_job(&bad, K_P384, C_BAD_MSG);
		make_job(&other, K_ED448, C_VALID);
		j[0] = v.job;
		j[1] = bad.job;
		tw_crypto_verify_burst(ctx, j, 2);
		assert_int_equal(j[0].verdict, TW_CRYPTO_VALID);
		assert_int_equal(j[1].verdict, TW_CRYPTO_INVALID);
		assert_int_equal(j[0].flags, 0);

		/* repeat: both from the cache, invalid ones included */
		j[2] = other.job;
		tw_crypto_verify_burst(ctx, j, 3);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(j[0].verdict, TW_CRYPTO_VALID);
		assert_int_equal(j[1].verdict, TW_CRYPTO_INVALID);
		assert_int_equal(j[2].verdict, TW_CRYPTO_VALID);
		assert_int_equal(j[0].flags, TW_CRYPTO_F_CACHED);
		assert_int_equal(j[1].flags, TW_CRYPTO_F_CACHED);
		assert_int_equal(j[2].flags, 0);
		assert_int_equal(st.pk_ops, 3);
		assert_int_equal(st.verdict_hits, 2);
		assert_int_equal(st.key_parses, 3);
		assert_int_equal(st.key_hits, 2);

		/* a different signature over the same data is not a hit */
		v.sig[v.job.sig_len - 1] ^= 1;
		j[0] = v.job;
		tw_crypto_verify_burst(ctx, j, 1);
		assert_int_equal(j[0].verdict, TW_CRYPTO_INVALID);
		assert_int_equal(j[0].flags, 0);
		v.sig[v.job.sig_len - 1] ^= 1;

		/* flushed: verified again */
		tw_crypto_verdict_cache_flush(ctx);
		j[0] = v.job;
		tw_crypto_verify_burst(ctx, j, 1);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(j[0].verdict, TW_CRYPTO_VALID);
		assert_int_equal(j[0].flags, 0);
		assert_int_equal(st.pk_ops, 5);
		tw_crypto_destroy(ctx);
	}
}

/* A bounded verdict cache evicts, and stays right. */
static void
test_verdict_cache_bounded(void **state)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	struct tw_crypto_stats st;
	struct tjob t[40];
	struct tw_crypto_job j[40];

	(void)state;
	tw_crypto_config_init(&cfg);
	cfg.verdict_cache_entries = 8;
	ctx = make_ctx(TW_CRYPTO_PATH_AUTO, &cfg);
	for (int i = 0; i < 40; i++) {
		make_job(&t[i], K_ED25519, i % 3 ? C_VALID : C_BAD_SIG);
		j[i] = t[i].job;
	}
	for (int round = 0; round < 3; round++) {
		tw_crypto_verify_burst(ctx, j, 40);
		for (int i = 0; i < 40; i++)
			assert_int_equal(j[i].verdict, t[i].expect);
	}
	tw_crypto_stats_get(ctx, &st);
	assert_true(st.verdict_evictions > 0);
	assert_true(st.pk_ops > 40);
	assert_true(st.verdict_hits < 80);
	tw_crypto_destroy(ctx);
}

/* Algorithms 1, 3, 6, 12 and unassigned: unsupported, no work done. */
static void
test_unsupported(void **state)
{
	static const uint8_t algs[] = { 0,  1,	2,  3,	 4,   6,   9,  11,
					12, 17, 23, 252, 253, 254, 255 };
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	struct tw_crypto_stats st;
	struct tjob v;

	(void)state;
	make_job(&v, K_RSA1024, C_VALID);
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++) {
		struct tw_crypto_job j = v.job;

		assert_false(tw_crypto_alg_supported(algs[i]));
		j.alg = algs[i];
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_UNSUPPORTED);
		assert_int_equal(tw_crypto_key_check(ctx, algs[i], v.key,
						     v.job.key_len, NULL),
				 TW_CRYPTO_UNSUPPORTED);
	}
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.pk_ops, 0);
	assert_int_equal(st.key_parses, 0);
	assert_int_equal(st.unsupported, TW_ARRAY_SIZE(algs));
	tw_crypto_destroy(ctx);
}

/* Build an RFC 3110 key field from parts. */
static size_t
rsa_key(uint8_t *out, int long_form, const uint8_t *e, size_t el,
	const uint8_t *m, size_t ml)
{
	size_t n = 0;

	if (long_form) {
		out[n++] = 0;
		out[n++] = (uint8_t)(el >> 8);
		out[n++] = (uint8_t)el;
	} else {
		out[n++] = (uint8_t)el;
	}
	memcpy(out + n, e, el);
	memcpy(out + n + el, m, ml);
	return n + el + ml;
}

static void
test_malformed_keys(void **state)
{
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	const struct tkey *rk = &keys[K_RSA2048];
	const uint8_t *e = rk->pub + 1, *m = rk->pub + 1 + rk->pub[0];
	size_t el = rk->pub[0], ml = rk->pub_len - 1 - el;
	uint8_t k[1200], big[600];
	struct tw_crypto_stats st;
	size_t n;
	unsigned int bits;

	(void)state;
#define BAD(alg, p, len)                                               \
	assert_int_equal(tw_crypto_key_check(ctx, alg, p, len, &bits), \
			 TW_CRYPTO_BADKEY)

	/* the well-formed key, short and long exponent-length forms */
	assert_int_equal(
		tw_crypto_key_check(ctx, 8, rk->pub, rk->pub_len, &bits),
		TW_CRYPTO_VALID);
	assert_int_equal(bits, 2048);
	n = rsa_key(k, 1, e, el, m, ml);
	assert_int_equal(tw_crypto_key_check(ctx, 8, k, n, &bits),
			 TW_CRYPTO_VALID);

	/* RSA: empty; long form cut in its length; exponent past the end */
	BAD(8, k, 0);
	BAD(8, (const uint8_t *)"\0", 1);
	BAD(8, (const uint8_t *)"\0\0", 2);
	BAD(8, (const uint8_t *)"\x03\x01\x00", 3);
	k[0] = 200;
	BAD(8, k, 100);
	/* exponent, no modulus */
	n = rsa_key(k, 0, e, el, m, 0);
	BAD(8, k, n);
	/* zero-length exponent (long form) */
	n = rsa_key(k, 1, e, 0, m, ml);
	BAD(8, k, n);
	/* leading zero in the exponent, in the modulus */
	memcpy(big, "\x00\x01\x00\x01", 4);
	n = rsa_key(k, 0, big, 4, m, ml);
	BAD(8, k, n);
	memset(big, 0, 1);
	memcpy(big + 1, m, ml);
	n = rsa_key(k, 0, e, el, big, ml + 1);
	BAD(8, k, n);
	/* even exponent, exponent 1; an even one over 64 bits */
	n = rsa_key(k, 0, (const uint8_t *)"\x01\x00\x00", 3, m, ml);
	BAD(8, k, n);
	n = rsa_key(k, 0, (const uint8_t *)"\x01", 1, m, ml);
	BAD(8, k, n);
	memset(big, 0xff, 9);
	big[8] = 0xfe;
	n = rsa_key(k, 0, big, 9, m, ml);
	BAD(8, k, n);
	/* an odd exponent over 64 bits (RFC 3110 2 allows 4096): the key
	 * policy, unsupported, not malformed; 64 bits still verify */
	big[8] = 0xff;
	n = rsa_key(k, 0, big, 9, m, ml);
	assert_int_equal(tw_crypto_key_check(ctx, 8, k, n, &bits),
			 TW_CRYPTO_UNSUPPORTED);
	n = rsa_key(k, 0, (const uint8_t *)"\x80\0\0\0\0\0\0\x01", 8, m, ml);
	assert_int_equal(tw_crypto_key_check(ctx, 8, k, n, &bits),
			 TW_CRYPTO_VALID);
	/* even modulus */
	memcpy(big, m, ml);
	big[ml - 1] &= 0xfe;
	n = rsa_key(k, 0, e, el, big, ml);
	BAD(8, k, n);
	/* modulus under 512 bits, over 4096 bits */
	n = rsa_key(k, 0, e, el, m, 63);
	k[n - 1] |= 1;
	BAD(8, k, n);
	memset(big, 0xff, 513);
	n = rsa_key(k, 0, e, el, big, 513);
	BAD(8, k, n);
	/* 512..1023 bits: policy, unsupported; allowed at rsa_min_bits 512 */
	n = rsa_key(k, 0, e, el, m, 100);
	k[n - 1] |= 1;
	assert_int_equal(tw_crypto_key_check(ctx, 8, k, n, &bits),
			 TW_CRYPTO_UNSUPPORTED);

	/* ECDSA: wrong lengths; a point not on the curve; all zeros */
	BAD(13, keys[K_P256].pub, 63);
	BAD(13, keys[K_P256].pub, 0);
	memcpy(k, keys[K_P256].pub, 64);
	k[64] = 0;
	BAD(13, k, 65);
	BAD(14, keys[K_P256].pub, 64);
	BAD(13, keys[K_P384].pub, 96);
	memcpy(k, keys[K_P256].pub, 64);
	k[63] ^= 1;
	BAD(13, k, 64);
	memcpy(k, keys[K_P384].pub, 96);
	k[95] ^= 1;
	BAD(14, k, 96);
	memset(k, 0, 96);
	BAD(13, k, 64);
	BAD(14, k, 96);
	/* coordinates >= p: all ones */
	memset(k, 0xff, 96);
	BAD(13, k, 64);

	/*
	 * EdDSA: a 32-octet string that is no point (y >= p) parses (OpenSSL
	 * decodes points at verification) and makes the signature invalid.
	 */
	memset(k, 0xff, 32);
	assert_int_equal(tw_crypto_key_check(ctx, 15, k, 32, &bits),
			 TW_CRYPTO_VALID);
	{
		struct tjob v;
		struct tw_crypto_job j;

		make_job(&v, K_ED25519, C_VALID);
		j = v.job;
		j.key = k;
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
	}
	/* EdDSA: wrong lengths */
	BAD(15, keys[K_ED25519].pub, 31);
	BAD(15, keys[K_ED448].pub, 57);
	BAD(16, keys[K_ED448].pub, 56);
	BAD(16, keys[K_ED25519].pub, 32);
	/* NULL key */
	BAD(15, NULL, 0);
#undef BAD

	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.pk_ops, 1); /* the EdDSA non-point only */
	tw_crypto_destroy(ctx);
}

/* Signatures of the wrong form are invalid without a public-key op. */
static void
test_malformed_signatures(void **state)
{
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	struct tw_crypto_stats st;
	struct tw_crypto_job j;
	struct tjob v;
	uint64_t ops;

	(void)state;
	static const int ks[] = { K_RSA2048, K_P256, K_P384, K_ED25519,
				  K_ED448 };
	for (size_t i = 0; i < TW_ARRAY_SIZE(ks); i++) {
		make_job(&v, ks[i], C_VALID);
		j = v.job;
		tw_crypto_stats_get(ctx, &st);
		ops = st.pk_ops;
		j.sig_len = v.job.sig_len - 1;
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
		j.sig_len = v.job.sig_len + 1;
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
		j.sig_len = 0;
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
		j.sig = NULL;
		tw_crypto_verify_burst(ctx, &j, 1);
		assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.pk_ops, ops);
	}
	/* ECDSA r = 0, s = 0, r = s = n - like all-ones: invalid, checked */
	make_job(&v, K_P256, C_VALID);
	j = v.job;
	memset(v.sig, 0, 32);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
	memset(v.sig, 0, 64);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
	memset(v.sig, 0xff, 64);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
	/* RSA signature >= modulus */
	make_job(&v, K_RSA1024, C_VALID);
	j = v.job;
	memset(v.sig, 0xff, j.sig_len);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_INVALID);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.error, 0);
	tw_crypto_destroy(ctx);
}

/* Many distinct keys through a small key cache, in one batch and more. */
static void
test_key_cache_bounded(void **state)
{
	static const int ks[] = { K_RSA1024, K_RSA2048, K_P256,	     K_P256_B,
				  K_P384,    K_ED25519, K_ED25519_B, K_ED448 };
	enum { N = 24 };
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	struct tw_crypto_stats st;
	struct tjob t[N];
	struct tw_crypto_job j[N];

	(void)state;
	tw_crypto_config_init(&cfg);
	cfg.key_cache_entries = 2;
	cfg.verdict_cache_entries = 0;
	ctx = make_ctx(TW_CRYPTO_PATH_AUTO, &cfg);
	for (int i = 0; i < N; i++) {
		make_job(&t[i], ks[i % TW_ARRAY_SIZE(ks)],
			 i % 5 ? C_VALID : C_BAD_MSG);
		j[i] = t[i].job;
	}
	/* 8 keys pinned at once by a batch, with room for 2 */
	for (int round = 0; round < 2; round++) {
		tw_crypto_verify_burst(ctx, j, N);
		for (int i = 0; i < N; i++)
			assert_int_equal(j[i].verdict, t[i].expect);
	}
	/* one at a time, keys cycling */
	for (int i = 0; i < N; i++) {
		tw_crypto_verify_burst(ctx, &j[i], 1);
		assert_int_equal(j[i].verdict, t[i].expect);
	}
	tw_crypto_stats_get(ctx, &st);
	assert_true(st.key_evictions > 0);
	assert_true(st.key_parses > 8);
	assert_int_equal(st.pk_ops, 3 * N);
	tw_crypto_destroy(ctx);
}

/* Messages IPsec-MB cannot take whole, and a tiny arena. */
static void
test_long_and_scattered(void **state)
{
	static const size_t lens[] = { 0, 1, 65534, 65535, 70000, 200000 };
	static const int ks[] = { K_RSA2048, K_P384, K_ED25519, K_ED448 };
	uint8_t *msg = malloc(200000);

	(void)state;
	assert_non_null(msg);
	trand_fill(msg, 200000);
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;

		tw_crypto_config_init(&cfg);
		cfg.max_batch = 4;
		cfg.arena_size = 4096; /* so scattered data overflows it */
		cfg.mb_min_burst = 1;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		for (size_t li = 0; li < TW_ARRAY_SIZE(lens); li++) {
			for (size_t ki = 0; ki < TW_ARRAY_SIZE(ks); ki++) {
				const struct tkey *k = &keys[ks[ki]];
				uint8_t sig[600];
				size_t sl = tkey_sign(k, msg, lens[li], sig,
						      sizeof(sig));
				size_t h = lens[li] / 2;
				struct tw_crypto_iov iov[3] = {
					{ msg, h },
					{ msg + h, 0 },
					{ msg + h, lens[li] - h },
				};
				struct tw_crypto_iov whole = { msg, lens[li] };
				struct tw_crypto_job j[2] = {
					{ .key = k->pub,
					  .key_len = k->pub_len,
					  .sig = sig,
					  .sig_len = sl,
					  .iov = iov,
					  .iovcnt = 3,
					  .alg = k->alg },
				};

				/* j[0] scattered, j[1] in one piece */
				j[1] = j[0];
				j[1].iov = &whole;
				j[1].iovcnt = 1;
				tw_crypto_verify_burst(ctx, j, 2);
				assert_int_equal(j[0].verdict, TW_CRYPTO_VALID);
				assert_int_equal(j[1].verdict, TW_CRYPTO_VALID);
				msg[lens[li] ? lens[li] - 1 : 0] ^= 1;
				tw_crypto_verdict_cache_flush(ctx);
				tw_crypto_verify_burst(ctx, j, 1);
				if (lens[li] != 0)
					assert_int_equal(j[0].verdict,
							 TW_CRYPTO_INVALID);
				msg[lens[li] ? lens[li] - 1 : 0] ^= 1;
			}
		}
		if (paths[p] == TW_CRYPTO_PATH_MB) {
			struct tw_crypto_stats st;

			tw_crypto_stats_get(ctx, &st);
			assert_true(st.mb_fallbacks > 0);
			assert_true(st.hashes_mb > 0);
		}
		tw_crypto_destroy(ctx);
	}
	free(msg);
}

/* ---- allocation failure: "could not check", never cached ---- */

static int fail_allocs;

static void *
h_malloc(size_t n, void *c)
{
	(void)c;
	return fail_allocs ? NULL : malloc(n);
}

static void *
h_calloc(size_t n, size_t s, void *c)
{
	(void)c;
	return fail_allocs ? NULL : calloc(n, s);
}

static void *
h_realloc(void *p, size_t n, void *c)
{
	(void)c;
	return fail_allocs ? NULL : realloc(p, n);
}

static void
h_free(void *p, void *c)
{
	(void)c;
	free(p);
}

static void
test_alloc_failure_not_cached(void **state)
{
	static const struct tw_alloc_hooks hooks = { h_malloc, h_calloc,
						     h_realloc, h_free, NULL };
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	struct tw_crypto_stats st;
	struct tw_crypto_job j;
	struct tjob v, big;
	uint8_t *msg = malloc(5000);

	(void)state;
	assert_non_null(msg);
	tw_alloc_set_hooks(&hooks);
	tw_crypto_config_init(&cfg);
	cfg.max_batch = 1;
	cfg.arena_size = 1024;
	ctx = make_ctx(TW_CRYPTO_PATH_AUTO, &cfg);

	/* a new key cannot be parsed: error, not "bad key" */
	make_job(&v, K_P256, C_VALID);
	j = v.job;
	fail_allocs = 1;
	tw_crypto_verify_burst(ctx, &j, 1);
	fail_allocs = 0;
	assert_int_equal(j.verdict, TW_CRYPTO_ERROR);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_VALID);
	assert_int_equal(j.flags, 0);

	/* EdDSA message too big for the arena, no memory to gather it */
	make_job(&big, K_ED25519, C_VALID);
	trand_fill(msg, 5000);
	big.job.sig_len = tkey_sign(&keys[K_ED25519], msg, 5000, big.sig,
				    sizeof(big.sig));
	big.iov[0] = (struct tw_crypto_iov){ msg, 2000 };
	big.iov[1] = (struct tw_crypto_iov){ msg + 2000, 3000 };
	big.job.iovcnt = 2;
	j = big.job;
	tw_crypto_verify_burst(ctx, &j, 1); /* key now cached */
	assert_int_equal(j.verdict, TW_CRYPTO_VALID);
	tw_crypto_verdict_cache_flush(ctx);
	fail_allocs = 1;
	tw_crypto_verify_burst(ctx, &j, 1);
	fail_allocs = 0;
	assert_int_equal(j.verdict, TW_CRYPTO_ERROR);
	tw_crypto_stats_get(ctx, &st);
	tw_crypto_verify_burst(ctx, &j, 1);
	assert_int_equal(j.verdict, TW_CRYPTO_VALID);
	assert_int_equal(j.flags, 0); /* the error was not cached */
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.error, 2);
	tw_crypto_destroy(ctx);
	tw_alloc_set_hooks(NULL);
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_rfc5702_512bit_policy),
		cmocka_unit_test(test_rfc8080_deterministic),
		cmocka_unit_test(test_generated_keys),
		cmocka_unit_test(test_key_reuse),
		cmocka_unit_test(test_batch_vs_scalar),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_duplicate_across_iov_layouts),
		cmocka_unit_test(test_verdict_cache),
		cmocka_unit_test(test_verdict_cache_bounded),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_malformed_keys),
		cmocka_unit_test(test_malformed_signatures),
		cmocka_unit_test(test_key_cache_bounded),
		cmocka_unit_test(test_long_and_scattered),
		cmocka_unit_test(test_alloc_failure_not_cached),
	};

	return cmocka_run_group_tests_name("crypto/verify", tests, setup_keys,
					   teardown_keys);
}
