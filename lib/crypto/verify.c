/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Batched DNSSEC signature verification (the pipeline of tw_crypto.h).
 *
 * Per batch: keys from the key cache (pinned for the batch); every
 * message hashed in one multi-buffer run; every job fingerprinted in a
 * second run; verdict-cache lookups and in-batch duplicate detection on
 * the fingerprints; one public-key operation per remaining job; the
 * definitive verdicts cached.
 *
 * Fingerprint (the verdict cache key, also the duplicate key):
 *   SHA-256(key fp || sig length (2 octets) || sig || message digest)
 * where key fp = SHA-256(algorithm || public key field), computed once
 * when the key is parsed. The algorithm is inside the key fingerprint and
 * fixes the digest length, so the encoding is unambiguous. For EdDSA the
 * "message digest" is SHA-256 of the message, used only for this key:
 * the signature itself is verified over the message (RFC 8032).
 */
#include "crypto_priv.h"

struct tw_vslot {
	struct tw_key *key; /* pinned; NULL when the job has no usable key */
	void *heap;	    /* gather buffer outside the arena, or NULL */
	struct tw_crypto_iov msg; /* contiguous message (EdDSA only) */
	int32_t first;		  /* earlier identical job, or -1 */
	uint8_t live;		  /* still to be verified */
	uint8_t hash;		  /* enum tw_crypto_hash of the message */
	uint8_t siglen[2];
	uint8_t digest[TW_CRYPTO_MAX_DIGEST];
	uint8_t fp[TW_FP_LEN];
};

int
tw_verify_scratch_init(struct tw_crypto_ctx *ctx)
{
	unsigned int n = ctx->cfg.max_batch;
	uint32_t d = 16;

	while (d < 2 * n)
		d <<= 1;
	ctx->slots = tw_calloc(n, sizeof(*ctx->slots));
	ctx->reqs = tw_calloc(n, sizeof(*ctx->reqs));
	ctx->iovs = tw_calloc(4 * (size_t)n, sizeof(*ctx->iovs));
	ctx->map = tw_calloc(n, sizeof(*ctx->map));
	ctx->bufs = tw_calloc(n, sizeof(*ctx->bufs));
	ctx->dedup = tw_calloc(d, sizeof(*ctx->dedup));
	ctx->dedup_mask = d - 1;
	if (ctx->slots == NULL || ctx->reqs == NULL || ctx->iovs == NULL ||
	    ctx->map == NULL || ctx->bufs == NULL || ctx->dedup == NULL)
		return -ENOMEM;
	return 0;
}

void
tw_verify_scratch_fini(struct tw_crypto_ctx *ctx)
{
	tw_free(ctx->slots);
	tw_free(ctx->reqs);
	tw_free(ctx->iovs);
	tw_free(ctx->map);
	tw_free(ctx->bufs);
	tw_free(ctx->dedup);
}

static int
is_eddsa(uint8_t alg)
{
	return alg == TW_CRYPTO_ALG_ED25519 || alg == TW_CRYPTO_ALG_ED448;
}

/* The hash of the signed data (RFC 3110, 5702, 6605; EdDSA: see top). */
static uint8_t
alg_hash(uint8_t alg)
{
	switch (alg) {
	case TW_CRYPTO_ALG_RSASHA1:
	case TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1:
		return TW_CRYPTO_SHA1;
	case TW_CRYPTO_ALG_RSASHA512:
		return TW_CRYPTO_SHA512;
	case TW_CRYPTO_ALG_ECDSAP384SHA384:
		return TW_CRYPTO_SHA384;
	default:
		return TW_CRYPTO_SHA256;
	}
}

/* EdDSA signs the message itself: make it contiguous. */
static int
gather_message(struct tw_crypto_ctx *ctx, struct tw_vslot *sl,
	       const struct tw_crypto_job *j)
{
	size_t len = tw_iov_len(j->iov, j->iovcnt);
	static const uint8_t empty[1];
	uint8_t *buf, *p;

	sl->msg = (struct tw_crypto_iov){ empty, len };
	if (len == 0)
		return 0;
	for (unsigned int i = 0; i < j->iovcnt; i++) {
		if (j->iov[i].len == len) {
			sl->msg.base = j->iov[i].base;
			return 0;
		}
	}
	buf = tw_arena_alloc(&ctx->arena, len);
	if (buf == NULL)
		buf = sl->heap = tw_malloc(len);
	if (buf == NULL)
		return -ENOMEM;
	p = buf;
	for (unsigned int i = 0; i < j->iovcnt; i++) {
		if (j->iov[i].len == 0)
			continue;
		memcpy(p, j->iov[i].base, j->iov[i].len);
		p += j->iov[i].len;
	}
	sl->msg.base = buf;
	return 0;
}

static int
job_well_formed(const struct tw_crypto_job *j)
{
	if (j->iovcnt != 0 && j->iov == NULL)
		return 0;
	for (unsigned int i = 0; i < j->iovcnt; i++)
		if (j->iov[i].len != 0 && j->iov[i].base == NULL)
			return 0;
	return 1;
}

static void
fail(struct tw_crypto_job *j, struct tw_vslot *sl, enum tw_crypto_verdict v)
{
	j->verdict = v;
	sl->live = 0;
}

/* Steps 1 and 2: keys, message digests. */
static void
prepare(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs, unsigned int n)
{
	struct tw_hash_req *req = ctx->reqs;
	uint16_t *map = ctx->map;
	unsigned int nreq = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct tw_crypto_job *j = &jobs[i];
		struct tw_vslot *sl = &ctx->slots[i];
		enum tw_crypto_verdict v;

		sl->key = NULL;
		sl->heap = NULL;
		sl->msg = (struct tw_crypto_iov){ NULL, 0 };
		sl->live = 0;
		sl->first = -1;
		j->flags = 0;
		j->verdict = TW_CRYPTO_PENDING;
		if (!tw_alg_usable(ctx, j->alg)) {
			j->verdict = TW_CRYPTO_UNSUPPORTED;
			continue;
		}
		v = tw_key_get(ctx, j->alg, j->key, j->key_len, &sl->key);
		if (v != TW_CRYPTO_VALID) {
			sl->key = NULL;
			j->verdict = v;
			continue;
		}
		/* No DNS signature is longer than an rdata can be. */
		if (j->sig == NULL || j->sig_len == 0 || j->sig_len > 65535) {
			j->verdict = TW_CRYPTO_INVALID;
			continue;
		}
		if (!job_well_formed(j)) {
			j->verdict = TW_CRYPTO_ERROR;
			continue;
		}
		sl->live = 1;
		sl->hash = alg_hash(j->alg);
		req[nreq] = (struct tw_hash_req){ .iov = j->iov,
						  .iovcnt = j->iovcnt,
						  .alg = sl->hash,
						  .out = sl->digest };
		if (is_eddsa(j->alg)) {
			if (gather_message(ctx, sl, j) != 0) {
				fail(j, sl, TW_CRYPTO_ERROR);
				continue;
			}
			req[nreq].iov = &sl->msg;
			req[nreq].iovcnt = 1;
		}
		map[nreq++] = (uint16_t)i;
	}
	if (nreq == 0)
		return;
	tw_hash_run(ctx, req, nreq);
	for (unsigned int r = 0; r < nreq; r++)
		if (req[r].status != 0)
			fail(&jobs[map[r]], &ctx->slots[map[r]],
			     TW_CRYPTO_ERROR);
}

/* Step 3: fingerprints. */
static void
fingerprint(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs,
	    unsigned int n)
{
	struct tw_hash_req *req = ctx->reqs;
	uint16_t *map = ctx->map;
	unsigned int nreq = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct tw_crypto_job *j = &jobs[i];
		struct tw_vslot *sl = &ctx->slots[i];
		struct tw_crypto_iov *iov = &ctx->iovs[4 * i];

		if (!sl->live)
			continue;
		tw_put16(sl->siglen, (uint16_t)j->sig_len);
		iov[0] = (struct tw_crypto_iov){ sl->key->fp, TW_FP_LEN };
		iov[1] = (struct tw_crypto_iov){ sl->siglen, 2 };
		iov[2] = (struct tw_crypto_iov){ j->sig, j->sig_len };
		iov[3] = (struct tw_crypto_iov){
			sl->digest,
			tw_crypto_hash_len((enum tw_crypto_hash)sl->hash)
		};
		req[nreq] = (struct tw_hash_req){ .iov = iov,
						  .iovcnt = 4,
						  .alg = TW_CRYPTO_SHA256,
						  .out = sl->fp };
		map[nreq++] = (uint16_t)i;
	}
	if (nreq == 0)
		return;
	tw_hash_run(ctx, req, nreq);
	for (unsigned int r = 0; r < nreq; r++)
		if (req[r].status != 0)
			fail(&jobs[map[r]], &ctx->slots[map[r]],
			     TW_CRYPTO_ERROR);
}

/* Step 4: verdict cache, then duplicates within the batch. */
static void
lookup(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs, unsigned int n)
{
	int32_t *tab = ctx->dedup;
	uint32_t mask = ctx->dedup_mask;

	for (uint32_t h = 0; h <= mask; h++)
		tab[h] = -1;
	for (unsigned int i = 0; i < n; i++) {
		struct tw_vslot *sl = &ctx->slots[i];
		enum tw_crypto_verdict v;
		uint32_t h;

		if (!sl->live)
			continue;
		v = tw_vcache_lookup(&ctx->verdicts, sl->fp);
		if (v != TW_CRYPTO_PENDING) {
			jobs[i].verdict = v;
			jobs[i].flags |= TW_CRYPTO_F_CACHED;
			sl->live = 0;
			ctx->st.verdict_hits++;
			continue;
		}
		if (ctx->verdicts.e != NULL)
			ctx->st.verdict_misses++;
		memcpy(&h, sl->fp, sizeof(h));
		for (h &= mask; tab[h] >= 0; h = (h + 1) & mask) {
			if (memcmp(ctx->slots[tab[h]].fp, sl->fp, TW_FP_LEN) ==
			    0) {
				sl->first = tab[h];
				sl->live = 0;
				break;
			}
		}
		if (sl->first < 0)
			tab[h] = (int32_t)i;
	}
}

/* Step 5: public-key operations, and caching what they decide. */
static void
verify(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct tw_crypto_job *j = &jobs[i];
		struct tw_vslot *sl = &ctx->slots[i];
		enum tw_crypto_verdict v;
		int pk = 0;

		if (!sl->live)
			continue;
		v = tw_ossl_verify(
			sl->key->ok, j->sig, j->sig_len, sl->digest,
			tw_crypto_hash_len((enum tw_crypto_hash)sl->hash),
			sl->msg.base, sl->msg.len, &pk);
		ctx->st.pk_ops += (unsigned int)pk;
		j->verdict = v;
		if (tw_vcache_insert(&ctx->verdicts, sl->fp, v))
			ctx->st.verdict_evictions++;
	}
}

static void
finish(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct tw_crypto_job *j = &jobs[i];
		struct tw_vslot *sl = &ctx->slots[i];

		if (sl->first >= 0) {
			j->verdict = jobs[sl->first].verdict;
			j->flags |= TW_CRYPTO_F_DUP;
			ctx->st.duplicates++;
		}
		if (sl->key != NULL)
			tw_key_unpin(ctx, sl->key);
		if (sl->heap != NULL)
			tw_free(sl->heap);
		switch (j->verdict) {
		case TW_CRYPTO_VALID:
			ctx->st.valid++;
			break;
		case TW_CRYPTO_INVALID:
			ctx->st.invalid++;
			break;
		case TW_CRYPTO_UNSUPPORTED:
			ctx->st.unsupported++;
			break;
		case TW_CRYPTO_BADKEY:
			ctx->st.badkey++;
			break;
		default:
			/* PENDING cannot remain; report it as not checked. */
			j->verdict = TW_CRYPTO_ERROR;
			ctx->st.error++;
			break;
		}
	}
	ctx->st.jobs += n;
}

unsigned int
tw_crypto_verify_burst(struct tw_crypto_ctx *ctx, struct tw_crypto_job *jobs,
		       unsigned int n)
{
	for (unsigned int done = 0; done < n;) {
		unsigned int b = TW_MIN(n - done, ctx->cfg.max_batch);
		struct tw_crypto_job *batch = jobs + done;

		ctx->arena.used = 0;
		prepare(ctx, batch, b);
		fingerprint(ctx, batch, b);
		lookup(ctx, batch, b);
		verify(ctx, batch, b);
		finish(ctx, batch, b);
		done += b;
	}
	return n;
}

enum tw_crypto_verdict
tw_crypto_key_check(struct tw_crypto_ctx *ctx, uint8_t alg, const uint8_t *key,
		    size_t key_len, unsigned int *bits)
{
	struct tw_key *k;
	enum tw_crypto_verdict v;

	if (bits != NULL)
		*bits = 0;
	if (!tw_alg_usable(ctx, alg))
		return TW_CRYPTO_UNSUPPORTED;
	v = tw_key_get(ctx, alg, key, key_len, &k);
	if (v != TW_CRYPTO_VALID)
		return v;
	if (bits != NULL)
		*bits = tw_ossl_key_bits(k->ok);
	tw_key_unpin(ctx, k);
	return v;
}
