/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/crypto private declarations: the context, the caches and the
 * interface of the back ends in drivers/crypto/ (OpenSSL: key parsing,
 * verification, scalar hashing; IPsec-MB: multi-buffer hashing).
 */
#ifndef TW_CRYPTO_PRIV_H
#define TW_CRYPTO_PRIV_H

#include <stdint.h>

#include "tw_common.h"
#include "tw_crypto.h"

#define TW_FP_LEN 32 /* SHA-256 fingerprints */

/* One hash computation handed to a back end. */
struct tw_hash_req {
	const struct tw_crypto_iov *iov;
	uint8_t *out; /* tw_crypto_hash_len(alg) bytes */
	unsigned int iovcnt;
	uint8_t alg;   /* enum tw_crypto_hash */
	int8_t status; /* out: 0, or -1 when the back end failed */
};

/* Bump allocator for per-batch scratch; reset at the start of a batch. */
struct tw_arena {
	uint8_t *base;
	size_t size;
	size_t used;
};

static inline void *
tw_arena_alloc(struct tw_arena *a, size_t n)
{
	size_t off = (a->used + 7) & ~(size_t)7;

	if (off > a->size || a->size - off < n)
		return NULL;
	a->used = off + n;
	return a->base + off;
}

/* Total length of an iovec array. */
static inline size_t
tw_iov_len(const struct tw_crypto_iov *iov, unsigned int iovcnt)
{
	size_t len = 0;

	for (unsigned int i = 0; i < iovcnt; i++)
		len += iov[i].len;
	return len;
}

/* ---- OpenSSL back end (drivers/crypto/openssl/) ---- */

struct tw_ossl_hash;

/* 0, -ENOMEM, -EIO (digest not available). */
int tw_ossl_hash_create(struct tw_ossl_hash **hp);
void tw_ossl_hash_destroy(struct tw_ossl_hash *h);
/* Hash each request in turn; returns how many succeeded. */
unsigned int tw_ossl_hash_run(struct tw_ossl_hash *h, struct tw_hash_req *r,
			      unsigned int n);
const char *tw_ossl_version(void);

/* A parsed DNSKEY with its ready-to-use verification context. */
struct tw_ossl_key;

/*
 * Parse a DNSKEY public key field (formats in tw_crypto.h). Returns
 * TW_CRYPTO_VALID with *kp set, or UNSUPPORTED / BADKEY / ERROR.
 */
enum tw_crypto_verdict tw_ossl_key_parse(uint8_t alg, const uint8_t *key,
					 size_t key_len,
					 unsigned int rsa_min_bits,
					 struct tw_ossl_key **kp);
void tw_ossl_key_free(struct tw_ossl_key *k);
unsigned int tw_ossl_key_bits(const struct tw_ossl_key *k);

/*
 * Verify one signature: over @p digest for RSA and ECDSA, over the message
 * @p msg for EdDSA. *pk_op is set to 1 when a public-key operation ran
 * (0 when the signature was rejected on its form alone). Returns VALID,
 * INVALID or ERROR.
 */
enum tw_crypto_verdict tw_ossl_verify(struct tw_ossl_key *k, const uint8_t *sig,
				      size_t sig_len, const uint8_t *digest,
				      size_t digest_len, const uint8_t *msg,
				      size_t msg_len, int *pk_op);

/* 1 if this OpenSSL verifies RSA/SHA-1 signatures (policy may refuse). */
int tw_ossl_sha1_sigs_usable(void);

/* ---- IPsec-MB back end (drivers/crypto/ipsec_mb/) ---- */

struct tw_imb_hash;

#ifdef TW_HAVE_IPSEC_MB
/* 0, -ENOMEM, -ENOTSUP (CPU not usable or self-test failed). */
int tw_imb_hash_create(struct tw_imb_hash **hp);
void tw_imb_hash_destroy(struct tw_imb_hash *h);
const char *tw_imb_hash_describe(const struct tw_imb_hash *h);

/*
 * Hash the requests, multi-buffer where it pays: a request goes to OpenSSL
 * (@p fb) when fewer than @p min_burst requests share its hash, when it is
 * longer than IPsec-MB takes, or when scattered and the arena (used to
 * gather it) is full. Adds to *n_mb and *n_fallback. Returns how many
 * succeeded.
 */
unsigned int tw_imb_hash_run(struct tw_imb_hash *h, struct tw_ossl_hash *fb,
			     struct tw_hash_req *r, unsigned int n,
			     struct tw_arena *arena, unsigned int min_burst,
			     uint64_t *n_mb, uint64_t *n_fallback);
#endif

/* ---- key cache (cache.c) ---- */

struct tw_key {
	struct tw_key *hnext; /* hash chain */
	struct tw_key *prev;  /* LRU list, most recent first */
	struct tw_key *next;
	struct tw_ossl_key *ok;
	uint64_t hash;
	uint32_t refcnt; /* 1 for the cache, +1 per pin */
	uint8_t in_cache;
	uint8_t alg;
	uint8_t fp[TW_FP_LEN]; /* SHA-256(alg || key) */
	size_t key_len;
	uint8_t key[]; /* copy of the public key field */
};

struct tw_key_cache {
	struct tw_key **buckets;
	struct tw_key *head; /* LRU list */
	struct tw_key *tail;
	uint64_t seed;
	uint32_t mask;
	uint32_t count;
	uint32_t cap;
};

/* ---- verdict cache (cache.c) ---- */

#define TW_VCACHE_WAYS 4

struct tw_ventry {
	uint8_t fp[TW_FP_LEN];
	uint64_t stamp; /* 0: empty */
	uint8_t verdict;
};

struct tw_vcache {
	struct tw_ventry *e; /* nsets * TW_VCACHE_WAYS */
	uint64_t clock;
	uint32_t set_mask;
};

/* ---- the context ---- */

struct tw_vslot; /* verify.c */

struct tw_crypto_ctx {
	struct tw_crypto_config cfg;
	enum tw_crypto_path path;
	int sha1_sigs; /* tw_ossl_sha1_sigs_usable() */
	struct tw_ossl_hash *ossl;
	struct tw_imb_hash *imb; /* NULL on the scalar path */
	struct tw_key_cache keys;
	struct tw_vcache verdicts;
	struct tw_arena arena;
	struct tw_crypto_stats st;
	/* per-batch scratch, max_batch entries each */
	struct tw_vslot *slots;
	struct tw_hash_req *reqs;
	struct tw_crypto_iov *iovs; /* 4 per job */
	uint16_t *map;		    /* request -> job index */
	uint8_t **bufs;		    /* NSEC3 round buffers */
	int32_t *dedup;		    /* dedup_mask + 1 slots */
	uint32_t dedup_mask;
	char desc[128];
};

/* tw_crypto_alg_supported(), and SHA-1 signatures usable for 5 and 7. */
int tw_alg_usable(const struct tw_crypto_ctx *ctx, uint8_t alg);

/* Hash the requests on the context's path, counting them. */
unsigned int tw_hash_run(struct tw_crypto_ctx *ctx, struct tw_hash_req *r,
			 unsigned int n);

int tw_key_cache_init(struct tw_key_cache *kc, uint32_t cap, uint64_t seed);
void tw_key_cache_fini(struct tw_key_cache *kc);
/*
 * Find or parse a key; on TW_CRYPTO_VALID *kp is pinned and must be
 * released with tw_key_unpin().
 */
enum tw_crypto_verdict tw_key_get(struct tw_crypto_ctx *ctx, uint8_t alg,
				  const uint8_t *key, size_t key_len,
				  struct tw_key **kp);
void tw_key_unpin(struct tw_crypto_ctx *ctx, struct tw_key *k);

int tw_vcache_init(struct tw_vcache *vc, uint32_t entries);
void tw_vcache_fini(struct tw_vcache *vc);
void tw_vcache_flush(struct tw_vcache *vc);
/* TW_CRYPTO_PENDING on a miss. */
enum tw_crypto_verdict tw_vcache_lookup(struct tw_vcache *vc,
					const uint8_t fp[TW_FP_LEN]);
/* Returns 1 if a live entry was evicted. Only VALID / INVALID. */
int tw_vcache_insert(struct tw_vcache *vc, const uint8_t fp[TW_FP_LEN],
		     enum tw_crypto_verdict v);

/* verify.c */
int tw_verify_scratch_init(struct tw_crypto_ctx *ctx);
void tw_verify_scratch_fini(struct tw_crypto_ctx *ctx);

#endif /* TW_CRYPTO_PRIV_H */
