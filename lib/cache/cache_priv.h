/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private layout of lib/cache.
 *
 * Memory-ordering argument (C11 model), referred to from the sources:
 *
 * (1) Publication. A publisher fills a blob with plain stores, then the
 *     ring producer stores the pointer into a slot and advances the ring
 *     tail with a store-release. The worker loads the tail with a
 *     load-acquire before reading the slot, so every store that built the
 *     blob happens-before every read the worker (and later its callers)
 *     make of it. Blobs are never written again: reads need no atomics.
 *
 * (2) Ring slot reuse. The consumer reads a slot, then advances the head
 *     with a store-release; the producer loads the head with a
 *     load-acquire before overwriting that slot. So a slot is never
 *     overwritten before it was read.
 *
 * (3) Reference counts. Every holder (creator, ring slot, worker index)
 *     owns one reference. The count is incremented with relaxed ordering
 *     by a thread that already owns a reference (nothing can free the
 *     blob meanwhile, and increments are ordered before the handoff by
 *     (1)). A release is an atomic_fetch_sub with memory_order_acq_rel:
 *     the release half orders this thread's accesses to the blob before
 *     the decrement; the acquire half makes the thread that takes the
 *     count to zero synchronise with every earlier decrement (they form
 *     a release sequence in the counter's modification order). Hence
 *     every access any thread made to the blob before dropping its
 *     reference happens-before the free. (acq_rel on the RMW instead of
 *     release + acquire fence: the same lock xadd on x86, and
 *     ThreadSanitizer models it, which it does not do for fences.)
 *
 * (4) Readers without a reference. tw_cache_lookup() returns a pointer
 *     into the worker's own index with no count taken. A worker only
 *     ever reads blobs reachable from its own index, and only its own
 *     thread removes them. Removal does not release the index's
 *     reference: the pointer goes to the worker's deferred list, and the
 *     reference is dropped at the worker's next tw_cache_quiescent(),
 *     which by contract follows (in program order) every use of pointers
 *     it got from lookups. By (3) those uses happen-before the free,
 *     whichever thread drops the last reference. This is quiescent-state
 *     based reclamation in which each worker's grace period is its own
 *     next quiescent point: since a blob is only reachable through
 *     references, no worker needs to wait for the others - the count
 *     reaching zero already means every index and ring let go and every
 *     worker that held it passed a quiescent point after letting go.
 *
 * (5) Hit path. Lookup reads the worker's own buckets and immutable blob
 *     bytes and writes one frequency byte and one counter in memory only
 *     this worker writes: no atomics and no cache line written by two
 *     cores. The blob's reference count lives alone on the blob's first
 *     cache line, so count traffic (publish, release) never invalidates
 *     the lines hits read.
 */
#ifndef TW_CACHE_PRIV_H
#define TW_CACHE_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>

#include "tw_cache.h"

/* Ways per bucket. */
#define TW_CACHE_WAYS 8
/* Saturation value of the per-entry hit counter (4 bits, as TinyLFU). */
#define TW_CACHE_FREQ_MAX 15
/* Occupied slots sampled when looking for a victim outside the bucket. */
#define TW_CACHE_SAMPLE 8
/*
 * Slots scanned per victim search once one occupied slot was seen (a
 * dense index fills its sample within ~2 buckets). With nothing seen yet
 * the scan goes on, up to one revolution of the table.
 */
#define TW_CACHE_SCAN_MAX 64
/* Victims one insertion may evict at most (byte limit with big blobs). */
#define TW_CACHE_EVICT_MAX 32
/*
 * Deferred-list room an insertion needs: the replaced entry, a victim in
 * its bucket, and the victims for the entry/byte limits.
 */
#define TW_CACHE_INSERT_ROOM (TW_CACHE_EVICT_MAX + 2)
/* Keys per pipeline pass of tw_cache_lookup_burst(). */
#define TW_CACHE_LOOKUP_BURST 32
/* Publications dequeued per ring burst. */
#define TW_CACHE_DRAIN_BURST 32

/*
 * Ring. Producer and consumer indexes run freely (uint32_t, wrapping) and
 * sit on separate cache lines with each side's cached copy of the other's
 * index, so a side reads the other's line only when its cached view says
 * the ring is full (producer) or empty (consumer).
 */
struct tw_spsc_ring {
	struct {
		_Atomic uint32_t tail; /* written by the producer only */
		uint32_t head_cache;   /* producer's view of cons.head */
	} prod TW_CACHE_ALIGNED;
	struct {
		_Atomic uint32_t head; /* written by the consumer only */
		uint32_t tail_cache;   /* consumer's view of prod.tail */
	} cons TW_CACHE_ALIGNED;
	uint32_t size TW_CACHE_ALIGNED;
	uint32_t mask;
	void *raw; /* what tw_malloc returned */
	void **slots;
};

/* Test hook: start both indexes at `start` (ring must be empty). */
void tw_spsc_reset_at(struct tw_spsc_ring *r, uint32_t start);

/*
 * Blob layout: line 0 holds the only mutable word (refcnt) and fields read
 * only when the blob is released; line 1 on are immutable after creation:
 *
 *   [line 0: refcnt, size, raw, cache] [hdr ...] [key] [pad] [ttl_val[n]]
 *   [ttl_off[n]] [msg]
 */
struct tw_cache_blob {
	_Atomic uint32_t refcnt;
	uint32_t size;		/* bytes charged (whole allocation) */
	void *raw;		/* what tw_malloc returned */
	struct tw_cache *cache; /* for the live-bytes gauge */

	/* Immutable from here (cache line 1). */
	uint32_t hash TW_CACHE_ALIGNED; /* mixed hash (tw_cache_mix) */
	uint32_t created;
	uint32_t expire;
	uint16_t key_len;
	uint16_t msg_len;
	uint16_t n_ttl;
	uint16_t opt_off;
	uint16_t ede;
	uint16_t rcode;
	uint8_t kflags;
	uint8_t kind;
	uint8_t status;
	uint8_t pad_;
	uint32_t ttl_pos; /* offset of ttl_val[] from the blob start */
	uint32_t msg_pos; /* offset of msg[] from the blob start */
	uint8_t key[];	  /* key_len bytes, then the arrays */
};

static inline const uint32_t *
tw_blob_ttl_val(const struct tw_cache_blob *b)
{
	return (const uint32_t *)(const void *)((const uint8_t *)b +
						b->ttl_pos);
}

static inline const uint16_t *
tw_blob_ttl_off(const struct tw_cache_blob *b)
{
	return (const uint16_t *)(const void *)(tw_blob_ttl_val(b) + b->n_ttl);
}

static inline const uint8_t *
tw_blob_msg(const struct tw_cache_blob *b)
{
	return (const uint8_t *)b + b->msg_pos;
}

/*
 * Bucket: two cache lines (128-byte aligned so the adjacent-line
 * prefetcher brings the pair). Line A: tags, hit counters, aging
 * generation; line B: blob pointers. A slot is empty when its tag is 0
 * (mixed hashes are never 0) and its pointer NULL.
 */
struct tw_cache_bucket {
	uint32_t tag[TW_CACHE_WAYS];
	uint8_t freq[TW_CACHE_WAYS];
	uint32_t gen; /* aging generation applied to freq[] */
	uint8_t pad_[20];
	struct tw_cache_blob *blob[TW_CACHE_WAYS];
} __attribute__((aligned(128)));

_Static_assert(sizeof(struct tw_cache_bucket) == 128, "bucket size");

/*
 * Count-min sketch of misses (TinyLFU frequency of non-resident keys):
 * 4 rows of 4-bit counters, conservative update, halved once every
 * `period` samples, a few words per miss so no call does O(size) work.
 */
#define TW_SKETCH_ROWS 4
/* Where a worker's large table came from, to free it the same way. */
struct tw_cache_table {
	void *raw;   /* what to free */
	bool hooked; /* from cfg->table_alloc */
};

struct tw_cache_sketch {
	uint64_t *words;    /* rows * row_words */
	uint32_t log_width; /* counters per row = 1 << log_width */
	uint32_t row_words; /* (1 << log_width) / 16 */
	uint32_t halve_pos; /* next word to halve, while halving */
	uint32_t halve_end; /* rows * row_words, or 0 when idle */
	uint64_t samples;   /* increments since the last halving */
	uint64_t period;    /* samples between halvings */
	struct tw_cache_table mem;
};

uint32_t tw_sketch_estimate(const struct tw_cache_sketch *s, uint32_t h);
void tw_sketch_add(struct tw_cache_sketch *s, uint32_t h);
/* @p cfg: where the table comes from (NULL: tw_calloc()). */
int tw_sketch_init(struct tw_cache_sketch *s, uint32_t entries,
		   const struct tw_cache_config *cfg, uint32_t worker);
void tw_sketch_fini(struct tw_cache_sketch *s,
		    const struct tw_cache_config *cfg);

/* Raw worker counters (lookups = hits + misses). */
struct tw_cache_wstats {
	uint64_t hits;
	uint64_t misses;
	uint64_t expired;
	uint64_t inserts;
	uint64_t replaces;
	uint64_t evictions;
	uint64_t admit_rejects;
	uint64_t quiescent;
};

struct tw_cache_worker {
	/* Hot: read on every lookup. */
	struct tw_cache_bucket *buckets;
	uint32_t n_buckets;
	uint32_t gen;	   /* current aging generation */
	uint64_t age_mask; /* age when (hits & age_mask) == 0 */
	uint8_t freq_max;  /* 15 (TinyLFU) or 1 (CLOCK reference bit) */
	uint8_t policy;
	uint16_t id;
	uint32_t n_defer; /* deferred releases pending */
	struct tw_cache_wstats st;

	/* Insert / eviction path. */
	uint32_t count TW_CACHE_ALIGNED;
	uint32_t entries;
	uint64_t bytes;
	uint64_t max_bytes;
	uint32_t hand;	    /* victim-sampling position (slot) */
	uint32_t sweep_pos; /* next bucket for tw_cache_sweep() */
	uint32_t defer_max;
	uint32_t rr;	    /* next publisher ring to drain */
	uint32_t bucket_rr; /* CLOCK: rotating start inside a bucket */
	struct tw_cache_blob **defer;
	struct tw_cache_sketch sketch;
	struct tw_cache *cache;
	struct tw_cache_table bucket_mem;
	void *raw;
};

/* Per-publisher state: drop counters written only by that publisher. */
struct tw_cache_pub {
	_Atomic uint64_t *drops; /* [n_workers], own allocation */
} TW_CACHE_ALIGNED;

struct tw_cache {
	struct tw_cache_config cfg;
	struct tw_cache_worker **workers;
	struct tw_cache_pub *pubs;
	void *pubs_raw;
	struct tw_spsc_ring **rings; /* [pub * n_workers + worker] */
	void *raw;
	_Atomic uint64_t live_bytes TW_CACHE_ALIGNED;
	_Atomic uint64_t live_blobs;
};

/*
 * Fold the key flags into the caller's hash and finalise (murmur3 fmix32)
 * so every bit of the result depends on every input bit; 0 is reserved
 * for empty slots.
 */
static inline uint32_t
tw_cache_mix(uint32_t hash, uint8_t flags)
{
	uint32_t h = hash ^ ((uint32_t)flags * 0x9e3779b1u);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h + (h == 0);
}

/* Bucket of a mixed hash: multiply-shift range reduction (Lemire). */
static inline uint32_t
tw_cache_bucket_of(const struct tw_cache_worker *w, uint32_t hk)
{
	return (uint32_t)(((uint64_t)hk * w->n_buckets) >> 32);
}

/* Allocate `size` bytes aligned to `align` (a power of two) via tw_malloc. */
void *tw_cache_aligned_alloc(size_t size, size_t align, void **raw);

/*
 * A worker's large table: from cfg->table_alloc when set and it gives
 * memory, else tw_cache_aligned_alloc() with every page written once
 * (tw_cache.h, table_alloc). Zeroed either way. @p cfg may be NULL.
 */
void *tw_cache_table_alloc(const struct tw_cache_config *cfg, uint32_t worker,
			   size_t size, size_t align, struct tw_cache_table *t);
void tw_cache_table_free(const struct tw_cache_config *cfg,
			 struct tw_cache_table *t);

/* Worker creation / teardown (index.c). */
int tw_cache_worker_init(struct tw_cache *c, unsigned id,
			 struct tw_cache_worker **out);
void tw_cache_worker_fini(struct tw_cache_worker *w);

/* Drop one reference (blob.c). */
void tw_cache_blob_release(struct tw_cache_blob *b);

#endif /* TW_CACHE_PRIV_H */
