/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two caches of a crypto context.
 *
 * Key cache: one parsed OpenSSL key per distinct (algorithm, public key
 * field), so a DNSKEY is decoded once however many signatures it made.
 * Exact match on the key bytes (a copy is kept); a seeded hash picks the
 * chain. Bounded: past key_cache_entries the least recently used entry
 * that nobody holds is dropped. Entries are reference counted: a batch
 * pins the keys it uses, and an entry evicted while pinned is freed when
 * the last pin goes, so a batch never sees a key freed under it.
 *
 * Verdict cache: verdicts of (key, signature, message digest), keyed by
 * their SHA-256 fingerprint (computed in verify.c). A full 256-bit
 * fingerprint is stored and compared: a shorter one would let an attacker
 * who controls both a valid signature of his own and a forged one search
 * for a collision and have the forgery answered "valid" from the cache.
 * 4-way set associative, least recently used way replaced. Only VALID and
 * INVALID are ever stored.
 */
#include "crypto_priv.h"

/* ---- key cache ---- */

static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
key_hash(uint64_t seed, uint8_t alg, const uint8_t *key, size_t len)
{
	uint64_t h = mix64(seed ^ ((uint64_t)alg << 56) ^ len);
	uint64_t w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, key + i, 8);
		h = mix64(h ^ w) + i;
	}
	w = 0;
	if (len > i)
		memcpy(&w, key + i, len - i);
	return mix64(h ^ w);
}

int
tw_key_cache_init(struct tw_key_cache *kc, uint32_t cap, uint64_t seed)
{
	uint32_t nb = 16;

	memset(kc, 0, sizeof(*kc));
	while (nb < 2 * (uint64_t)cap && nb < (1u << 30))
		nb <<= 1;
	kc->buckets = tw_calloc_touched(nb, sizeof(*kc->buckets));
	if (kc->buckets == NULL)
		return -ENOMEM;
	kc->mask = nb - 1;
	kc->cap = cap;
	kc->seed = seed;
	return 0;
}

static void
key_free(struct tw_key *k)
{
	tw_ossl_key_free(k->ok);
	tw_free(k);
}

static void
lru_unlink(struct tw_key_cache *kc, struct tw_key *k)
{
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		kc->head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		kc->tail = k->prev;
	k->prev = k->next = NULL;
}

static void
lru_push_front(struct tw_key_cache *kc, struct tw_key *k)
{
	k->prev = NULL;
	k->next = kc->head;
	if (kc->head != NULL)
		kc->head->prev = k;
	kc->head = k;
	if (kc->tail == NULL)
		kc->tail = k;
}

/* Take an entry out of the cache; freed now or at its last unpin. */
static void
key_remove(struct tw_key_cache *kc, struct tw_key *k)
{
	struct tw_key **pp = &kc->buckets[k->hash & kc->mask];

	while (*pp != k)
		pp = &(*pp)->hnext;
	*pp = k->hnext;
	lru_unlink(kc, k);
	k->in_cache = 0;
	kc->count--;
	if (--k->refcnt == 0)
		key_free(k);
}

/* Evict unpinned least recently used entries while over capacity. */
static void
key_trim(struct tw_crypto_ctx *ctx)
{
	struct tw_key_cache *kc = &ctx->keys;
	struct tw_key *k = kc->tail;

	while (kc->count > kc->cap && k != NULL) {
		struct tw_key *prev = k->prev;

		if (k->refcnt == 1) {
			key_remove(kc, k);
			ctx->st.key_evictions++;
		}
		k = prev;
	}
}

void
tw_key_cache_fini(struct tw_key_cache *kc)
{
	struct tw_key *k = kc->head;

	while (k != NULL) {
		struct tw_key *next = k->next;

		/* No batch runs now: nothing is pinned. */
		key_free(k);
		k = next;
	}
	tw_free(kc->buckets);
	memset(kc, 0, sizeof(*kc));
}

enum tw_crypto_verdict
tw_key_get(struct tw_crypto_ctx *ctx, uint8_t alg, const uint8_t *key,
	   size_t key_len, struct tw_key **kp)
{
	struct tw_key_cache *kc = &ctx->keys;
	uint64_t h;
	struct tw_key *k;
	struct tw_ossl_key *ok = NULL;
	enum tw_crypto_verdict v;
	struct tw_crypto_iov iov[2];
	struct tw_hash_req req;

	if (key == NULL || key_len == 0)
		return tw_crypto_alg_supported(alg) ? TW_CRYPTO_BADKEY
						    : TW_CRYPTO_UNSUPPORTED;
	/*
	 * The most recently used key first (a zone's answers come one after
	 * the other with its key): an exact comparison, without hashing the
	 * key (an RSA modulus is 33+ words of hashing).
	 */
	k = kc->head;
	if (k != NULL && k->alg == alg && k->key_len == key_len &&
	    memcmp(k->key, key, key_len) == 0) {
		k->refcnt++;
		ctx->st.key_hits++;
		*kp = k;
		return TW_CRYPTO_VALID;
	}
	h = key_hash(kc->seed, alg, key, key_len);
	for (k = kc->buckets[h & kc->mask]; k != NULL; k = k->hnext) {
		if (k->hash == h && k->alg == alg && k->key_len == key_len &&
		    memcmp(k->key, key, key_len) == 0) {
			if (kc->head != k) {
				lru_unlink(kc, k);
				lru_push_front(kc, k);
			}
			k->refcnt++;
			ctx->st.key_hits++;
			*kp = k;
			return TW_CRYPTO_VALID;
		}
	}

	ctx->st.key_parses++;
	v = tw_ossl_key_parse(alg, key, key_len, ctx->cfg.rsa_min_bits, &ok);
	if (v != TW_CRYPTO_VALID)
		return v;
	k = tw_malloc(sizeof(*k) + key_len);
	if (k == NULL) {
		tw_ossl_key_free(ok);
		return TW_CRYPTO_ERROR;
	}
	memset(k, 0, sizeof(*k));
	k->ok = ok;
	k->hash = h;
	k->alg = alg;
	k->key_len = key_len;
	memcpy(k->key, key, key_len);
	/* Fingerprint of the key, the first part of every verdict key. */
	iov[0] = (struct tw_crypto_iov){ &k->alg, 1 };
	iov[1] = (struct tw_crypto_iov){ k->key, key_len };
	req = (struct tw_hash_req){
		.iov = iov, .iovcnt = 2, .alg = TW_CRYPTO_SHA256, .out = k->fp
	};
	if (tw_ossl_hash_run(ctx->ossl, &req, 1) != 1) {
		key_free(k);
		return TW_CRYPTO_ERROR;
	}
	ctx->st.hashes++;

	k->refcnt = 2; /* the cache's and the caller's */
	k->in_cache = 1;
	k->hnext = kc->buckets[h & kc->mask];
	kc->buckets[h & kc->mask] = k;
	lru_push_front(kc, k);
	kc->count++;
	key_trim(ctx);
	*kp = k;
	return TW_CRYPTO_VALID;
}

void
tw_key_unpin(struct tw_crypto_ctx *ctx, struct tw_key *k)
{
	if (--k->refcnt == 0) {
		key_free(k); /* evicted while pinned */
		return;
	}
	if (ctx->keys.count > ctx->keys.cap)
		key_trim(ctx);
}

/* ---- verdict cache ---- */

int
tw_vcache_init(struct tw_vcache *vc, uint32_t entries)
{
	uint32_t nsets = 1;

	memset(vc, 0, sizeof(*vc));
	if (entries == 0)
		return 0;
	while ((uint64_t)nsets * TW_VCACHE_WAYS < entries)
		nsets <<= 1;
	vc->e = tw_calloc_touched((size_t)nsets * TW_VCACHE_WAYS,
				  sizeof(*vc->e));
	if (vc->e == NULL)
		return -ENOMEM;
	vc->set_mask = nsets - 1;
	return 0;
}

void
tw_vcache_fini(struct tw_vcache *vc)
{
	tw_free(vc->e);
	memset(vc, 0, sizeof(*vc));
}

void
tw_vcache_flush(struct tw_vcache *vc)
{
	if (vc->e != NULL)
		memset(vc->e, 0,
		       ((size_t)vc->set_mask + 1) * TW_VCACHE_WAYS *
			       sizeof(*vc->e));
}

static struct tw_ventry *
vset(struct tw_vcache *vc, const uint8_t fp[TW_FP_LEN])
{
	uint32_t idx;

	/* The fingerprint is a SHA-256 output: any 32 bits are uniform. */
	memcpy(&idx, fp, sizeof(idx));
	return &vc->e[(size_t)(idx & vc->set_mask) * TW_VCACHE_WAYS];
}

enum tw_crypto_verdict
tw_vcache_lookup(struct tw_vcache *vc, const uint8_t fp[TW_FP_LEN])
{
	struct tw_ventry *s;

	if (vc->e == NULL)
		return TW_CRYPTO_PENDING;
	s = vset(vc, fp);
	for (unsigned int w = 0; w < TW_VCACHE_WAYS; w++) {
		if (s[w].stamp != 0 && memcmp(s[w].fp, fp, TW_FP_LEN) == 0) {
			s[w].stamp = ++vc->clock;
			return (enum tw_crypto_verdict)s[w].verdict;
		}
	}
	return TW_CRYPTO_PENDING;
}

int
tw_vcache_insert(struct tw_vcache *vc, const uint8_t fp[TW_FP_LEN],
		 enum tw_crypto_verdict v)
{
	struct tw_ventry *s, *victim;
	int evicted;

	if (vc->e == NULL || (v != TW_CRYPTO_VALID && v != TW_CRYPTO_INVALID))
		return 0;
	s = vset(vc, fp);
	victim = &s[0];
	for (unsigned int w = 0; w < TW_VCACHE_WAYS; w++) {
		if (s[w].stamp != 0 && memcmp(s[w].fp, fp, TW_FP_LEN) == 0) {
			victim = &s[w];
			break;
		}
		if (s[w].stamp < victim->stamp)
			victim = &s[w];
	}
	evicted = victim->stamp != 0 && memcmp(victim->fp, fp, TW_FP_LEN) != 0;
	memcpy(victim->fp, fp, TW_FP_LEN);
	victim->verdict = (uint8_t)v;
	victim->stamp = ++vc->clock;
	return evicted;
}
