/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: lib/crypto's DNSKEY public key parsing and a verification
 * job on arbitrary signature bytes, on every path.
 *
 * Input:
 *
 *   alg (1) | layout (1) | key_len (2, BE) | key | sig_len (2) | sig | msg
 *
 * (lengths are cut to what is there). The key field goes through
 * tw_crypto_key_check() (the parse into the key cache), then one burst of
 * three jobs with that key and signature over msg: the message in one
 * piece, the same job again, and the message scattered over 1-3 iovecs as
 * the layout octet says. Contexts: scalar (OpenSSL only), multi-buffer
 * (IPsec-MB, every batch through the lanes: mb_min_burst 1; skipped where
 * the CPU lacks it), and scalar with rsa_min_bits 512.
 *
 * Checked: no crash, no leak, no UB (ASan, UBSan); the key verdict is one
 * of VALID, UNSUPPORTED, BADKEY with a plausible size; an unsupported
 * algorithm number is UNSUPPORTED; a job's verdict is the key's verdict
 * unless the key is VALID, then VALID or INVALID; the three jobs agree,
 * the second and third are answered as duplicates with at most one
 * public-key operation per burst; a repeated burst is answered from the
 * verdict cache; the scalar and multi-buffer paths give identical
 * verdicts (doc/crypto.md); the rsa_min_bits 512 context agrees wherever
 * the default one does not refuse the key as too small. Any violation
 * aborts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tw_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { P_SCALAR, P_MB, P_SMALL, P_N };

static struct tw_crypto_ctx *ctxs[P_N];
static bool ready;

static void
init(void)
{
	struct tw_crypto_config cfg;

	tw_crypto_config_init(&cfg);
	cfg.path = TW_CRYPTO_PATH_SCALAR;
	cfg.key_cache_entries = 8;
	cfg.verdict_cache_entries = 64;
	CHECK(tw_crypto_create(&cfg, &ctxs[P_SCALAR]) == 0);
	cfg.path = TW_CRYPTO_PATH_MB;
	cfg.mb_min_burst = 1;
	if (tw_crypto_create(&cfg, &ctxs[P_MB]) != 0)
		ctxs[P_MB] = NULL; /* no IPsec-MB here */
	cfg.path = TW_CRYPTO_PATH_SCALAR;
	cfg.rsa_min_bits = 512;
	CHECK(tw_crypto_create(&cfg, &ctxs[P_SMALL]) == 0);
	ready = true;
}

static size_t
take(const uint8_t **p, size_t *left)
{
	size_t len;

	if (*left < 2) {
		*left = 0;
		return 0;
	}
	len = (size_t)(*p)[0] << 8 | (*p)[1];
	*p += 2;
	*left -= 2;
	return len < *left ? len : *left;
}

static bool
is_rsa(uint8_t alg)
{
	return alg == 5 || alg == 7 || alg == 8 || alg == 10;
}

/* Key sizes a VALID key may have (tw_crypto_key_check()). */
static bool
bits_ok(struct tw_crypto_ctx *ctx, uint8_t alg, unsigned int bits)
{
	switch (alg) {
	case 13:
		return bits == 256;
	case 14:
		return bits == 384;
	case 15:
		return bits == 255 || bits == 256;
	case 16:
		return bits == 448 || bits == 456;
	default:
		return is_rsa(alg) &&
		       bits >= (ctx == ctxs[P_SMALL] ? 512u : 1024u) &&
		       bits <= 4096;
	}
}

/* The three jobs on one context; returns their verdict. */
static enum tw_crypto_verdict
run(struct tw_crypto_ctx *ctx, uint8_t alg, const uint8_t *key, size_t klen,
    const uint8_t *sig, size_t slen, const struct tw_crypto_iov *iov,
    unsigned int iovcnt, const struct tw_crypto_iov *whole)
{
	struct tw_crypto_job j[3];
	struct tw_crypto_stats s0, s1;
	enum tw_crypto_verdict kv;
	unsigned int bits = 1;

	kv = tw_crypto_key_check(ctx, alg, key, klen, &bits);
	CHECK(kv == TW_CRYPTO_VALID || kv == TW_CRYPTO_UNSUPPORTED ||
	      kv == TW_CRYPTO_BADKEY);
	CHECK(kv == TW_CRYPTO_VALID ? bits_ok(ctx, alg, bits) : bits == 0);
	if (!tw_crypto_alg_supported(alg))
		CHECK(kv == TW_CRYPTO_UNSUPPORTED);

	memset(j, 0, sizeof(j));
	for (int i = 0; i < 3; i++) {
		j[i].alg = alg;
		j[i].key = key;
		j[i].key_len = klen;
		j[i].sig = sig;
		j[i].sig_len = slen;
		j[i].iov = i < 2 ? whole : iov;
		j[i].iovcnt = i < 2 ? 1 : iovcnt;
	}
	tw_crypto_verdict_cache_flush(ctx);
	tw_crypto_stats_get(ctx, &s0);
	CHECK(tw_crypto_verify_burst(ctx, j, 3) == 3);
	tw_crypto_stats_get(ctx, &s1);
	/* one signature, verified at most once */
	CHECK(s1.pk_ops - s0.pk_ops <= 1);
	CHECK(s1.jobs - s0.jobs == 3);
	for (int i = 0; i < 3; i++)
		CHECK(j[i].verdict == j[0].verdict);
	if (kv != TW_CRYPTO_VALID) {
		CHECK(j[0].verdict == kv);
		return kv;
	}
	CHECK(j[0].verdict == TW_CRYPTO_VALID ||
	      j[0].verdict == TW_CRYPTO_INVALID);
	if (slen > 0) {
		CHECK(j[1].flags & TW_CRYPTO_F_DUP);
		CHECK(j[2].flags & TW_CRYPTO_F_DUP);
		/* the same again: from the verdict cache, no public-key op */
		CHECK(tw_crypto_verify_burst(ctx, j, 1) == 1);
		tw_crypto_stats_get(ctx, &s0);
		CHECK(s0.pk_ops == s1.pk_ops);
		CHECK(j[0].verdict == j[1].verdict);
		CHECK(j[0].flags & TW_CRYPTO_F_CACHED);
	}
	return j[0].verdict;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_crypto_iov iov[3], whole;
	enum tw_crypto_verdict v[P_N];
	const uint8_t *p, *key, *sig, *msg;
	size_t left, klen, slen, mlen, a, b;
	unsigned int iovcnt;
	uint8_t alg, layout;

	if (!ready)
		init();
	if (size < 2)
		return 0;
	alg = data[0];
	layout = data[1];
	p = data + 2;
	left = size - 2;
	klen = take(&p, &left);
	key = p;
	p += klen;
	left -= klen;
	slen = take(&p, &left);
	sig = p;
	p += slen;
	left -= slen;
	msg = p;
	mlen = left;

	/* the message whole, and split at two points chosen by layout */
	whole = (struct tw_crypto_iov){ msg, mlen };
	iovcnt = 1 + (layout & 3) % 3;
	a = mlen ? (size_t)(layout >> 2) * mlen / 63 : 0;
	b = a + (mlen - a) / 2;
	if (iovcnt == 1) {
		iov[0] = whole;
	} else if (iovcnt == 2) {
		iov[0] = (struct tw_crypto_iov){ msg, a };
		iov[1] = (struct tw_crypto_iov){ msg + a, mlen - a };
	} else {
		iov[0] = (struct tw_crypto_iov){ msg, a };
		iov[1] = (struct tw_crypto_iov){ msg + a, b - a };
		iov[2] = (struct tw_crypto_iov){ msg + b, mlen - b };
	}

	for (int i = 0; i < P_N; i++) {
		if (ctxs[i] == NULL) {
			v[i] = v[P_SCALAR];
			continue;
		}
		v[i] = run(ctxs[i], alg, key, klen, sig, slen, iov, iovcnt,
			   &whole);
	}
	/* both paths give identical verdicts */
	CHECK(v[P_MB] == v[P_SCALAR]);
	/* a lower RSA minimum changes only what was too small */
	if (v[P_SCALAR] != TW_CRYPTO_UNSUPPORTED)
		CHECK(v[P_SMALL] == v[P_SCALAR]);
	else if (!is_rsa(alg))
		CHECK(v[P_SMALL] == TW_CRYPTO_UNSUPPORTED);
	return 0;
}
