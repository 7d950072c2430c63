/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Per-core DNS answer cache (pure C11 + <stdatomic.h>, no DPDK).
 *
 * Roles (DESIGN.md, "Data flow" and "Per-core cache"):
 *
 * - A **worker** lcore owns one index (struct tw_cache_worker). Only that
 *   worker's thread calls tw_cache_lookup(), tw_cache_drain(),
 *   tw_cache_sweep(), tw_cache_insert(), tw_cache_delete() and
 *   tw_cache_quiescent() on it. The hit path takes no lock, executes no
 *   atomic instruction and writes only the worker's own memory (one
 *   frequency byte in the bucket it just read, one counter).
 * - A **publisher** (validator) lcore builds an immutable answer blob with
 *   tw_cache_blob_create() and hands it to every worker with
 *   tw_cache_publish(): one single-producer/single-consumer ring per
 *   (publisher, worker) pair, so several validators never share a ring.
 *   A full ring drops that worker's copy (counted); publishing never blocks.
 * - Blobs are shared by all workers (one copy, not one per core) and are
 *   reference counted: each worker index holding a blob, each ring slot
 *   carrying it and each creator/owner holds one reference.
 *
 * Reclamation (quiescent states): a worker that removes a blob from its
 * index (eviction, expiry, replacement) does not drop its reference at
 * once: the caller of tw_cache_lookup() may still be rendering it. The
 * release is deferred to the worker's next tw_cache_quiescent() call, made
 * once per poll-loop iteration at a point where the worker holds no blob
 * pointer. A blob is freed when its count reaches zero, i.e. when no index
 * or ring holds it and every worker that could have read it has passed a
 * quiescent point since removing it. The memory-ordering argument is in
 * cache_priv.h.
 *
 * Keys: the question key bytes are the wire question with the QNAME
 * lowercased (QNAME, QTYPE, QCLASS: 5..259 octets; lowercasing is the
 * caller's job), the 32-bit hash the caller computed over them while
 * parsing (it must be the same function on every lcore and should be
 * keyed/seeded so that clients cannot aim at one bucket), and flag bits
 * (TW_CACHE_KF_*) for every query property that changes the answer bytes.
 *
 * Time: `now` is a monotonic time in **seconds** (uint32_t), the same time
 * base on every lcore (e.g. TSC / tsc_hz read once per loop iteration).
 * TTLs are seconds in the DNS, so seconds keep expiry and the TTL
 * decrement exact without a division on the hit path.
 *
 * Memory: all allocation goes through tw_malloc()/tw_free(). Bounds: a
 * worker index holds at most `entries` entries and `max_bytes` bytes of
 * blobs; the live blob total may also be capped (`total_bytes_max`).
 *
 * Typical worker loop:
 * @code
 *   for (;;) {
 *           n = rx_burst(pkts);
 *           ... parse: key[i] and its hash ...
 *           tw_cache_lookup_burst(w, key, n, now, blob);
 *           for (i = 0; i < n; i++) {
 *                   b = blob[i];
 *                   if (b != NULL &&
 *                       (len = tw_cache_blob_render(b, buf, room, id,
 *                                                   qname, now)) > 0)
 *                           ... patch OPT payload size, send ...
 *                   else
 *                           ... to a validator ...
 *           }
 *           tw_cache_drain(w, now, 64);
 *           if (++iter % 64 == 0)
 *                   tw_cache_sweep(w, now, 16);
 *           tw_cache_quiescent(w); (no blob pointer kept past here)
 *   }
 * @endcode
 */
#ifndef TW_CACHE_H
#define TW_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "tw_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* SPSC ring                                                          */
/* ------------------------------------------------------------------ */

/**
 * Single-producer/single-consumer ring of pointers (lock-free, C11
 * atomics). Exactly one thread enqueues and one thread dequeues. The
 * ring holds `size` objects (a power of two).
 */
struct tw_spsc_ring;

/**
 * Create a ring.
 *
 * @param size
 *   Number of slots: a power of two, 2 .. 2^30.
 * @param out
 *   Receives the ring.
 * @return
 *   0; -EINVAL when size is not a power of two in range or out is NULL;
 *   -ENOMEM.
 */
int tw_spsc_create(uint32_t size, struct tw_spsc_ring **out);

/** Free a ring (NULL is a no-op). Objects still queued are not touched. */
void tw_spsc_free(struct tw_spsc_ring *r);

/**
 * Enqueue up to n objects (producer thread only).
 *
 * @return
 *   The number enqueued (0..n), a prefix of objs; fewer than n when full.
 */
unsigned tw_spsc_enqueue_burst(struct tw_spsc_ring *r, void *const *objs,
			       unsigned n);

/**
 * Dequeue up to n objects (consumer thread only), oldest first.
 *
 * @return
 *   The number dequeued (0..n) into objs.
 */
unsigned tw_spsc_dequeue_burst(struct tw_spsc_ring *r, void **objs, unsigned n);

/** Objects queued now (exact for the calling side, a hint for others). */
unsigned tw_spsc_count(const struct tw_spsc_ring *r);

/** Slots in the ring. */
unsigned tw_spsc_size(const struct tw_spsc_ring *r);

/* ------------------------------------------------------------------ */
/* Cache configuration and lifetime                                    */
/* ------------------------------------------------------------------ */

/** Eviction/admission policy. */
enum tw_cache_policy {
	/**
	 * Default. TinyLFU-style admission with sampled LFU eviction: each
	 * entry has a 4-bit hit counter (bumped on a hit, halved once every
	 * `8 * entries` hits); a worker-local count-min sketch counts misses
	 * of keys not in the index. A newcomer replaces a victim only if the
	 * victim is expired, was never hit (counter 0), or the newcomer
	 * missed more often than the victim was hit. One-hit keys of a
	 * random-subdomain flood therefore only ever replace each other.
	 */
	TW_CACHE_POLICY_TINYLFU = 0,
	/**
	 * CLOCK (second chance, an LRU approximation), always admitting.
	 * Kept for comparison in tests and benchmarks; not flood resistant.
	 */
	TW_CACHE_POLICY_CLOCK = 1,
};

/** Cache configuration; zero fields take the defaults noted. */
struct tw_cache_config {
	uint32_t n_workers;    /**< worker indexes, 1..1024 (required) */
	uint32_t n_publishers; /**< publishing lcores, 1..1024 (default 1) */
	uint32_t entries;      /**< max entries per worker, 8..2^28 (65536) */
	uint64_t max_bytes;    /**< max blob bytes per worker (64 MiB) */
	/**
	 * Max bytes of live blobs in the whole cache, enforced by
	 * tw_cache_blob_create() (0: unlimited). Set it above n_workers *
	 * max_bytes plus what rings and deferred lists hold, or creation can
	 * fail while workers have nothing to evict.
	 */
	uint64_t total_bytes_max;
	uint32_t ring_size;	/**< per (publisher, worker) ring, 2^k (1024) */
	uint32_t defer_max;	/**< deferred releases per worker (4096) */
	uint32_t ttl_min;	/**< min entry lifetime, seconds (0) */
	uint32_t ttl_max;	/**< max entry lifetime (86400) */
	uint32_t neg_ttl_max;	/**< max for negative answers (10800) */
	uint32_t bogus_ttl_max; /**< max for bogus results (60) */
	uint32_t policy;	/**< enum tw_cache_policy (TINYLFU) */
	/**
	 * Optional allocator of each worker's large tables (its index and
	 * its admission sketch: most of tw_cache_worker_mem()), for
	 * example hugepage memory on the worker's NUMA node, so a lookup
	 * costs no TLB miss. Called by tw_cache_create() with the worker's
	 * index (0..n_workers-1); must return memory aligned to @p align
	 * and zeroed, or NULL: that table then comes from tw_calloc() as
	 * without an allocator. Set both or neither.
	 *
	 * Without one (or after a NULL), tw_calloc() memory is written
	 * once at creation: its pages are faulted in then, not by the
	 * first lookups and insertions of the data path (a page fault is
	 * thousands of cycles).
	 */
	void *(*table_alloc)(size_t size, size_t align, uint32_t worker,
			     void *ctx);
	void (*table_free)(void *p, void *ctx); /**< frees a table_alloc() */
	void *table_ctx;			/**< their context */
};

struct tw_cache;
struct tw_cache_worker;
struct tw_cache_blob;

/**
 * Create a cache: n_workers indexes and n_publishers * n_workers rings.
 * Call from the main lcore before workers and publishers start.
 *
 * @param cfg
 *   Configuration (copied); zero fields take their defaults.
 * @param out
 *   Receives the cache.
 * @return
 *   0; -EINVAL for a NULL argument, n_workers or n_publishers out of
 *   range, entries out of range, a ring_size that is not a power of two
 *   (2..2^30), defer_max below 64, ttl_max 0 or above 2^31-1 (RFC 2181
 *   8), ttl_min above ttl_max, an unknown policy, table_alloc without
 *   table_free or the reverse; -ENOMEM.
 */
int tw_cache_create(const struct tw_cache_config *cfg, struct tw_cache **out);

/**
 * Destroy the cache after every worker and publisher stopped: releases
 * what the rings, indexes and deferred lists hold and frees everything.
 * Put every other reference (creators, tw_cache_blob_get()) first: a
 * blob updates its cache's byte gauge when freed. NULL is a no-op.
 */
void tw_cache_destroy(struct tw_cache *c);

/**
 * The index of worker `idx` (0..n_workers-1), or NULL when out of range.
 */
struct tw_cache_worker *tw_cache_worker(struct tw_cache *c, unsigned idx);

/** The configuration in use, with defaults filled in. */
const struct tw_cache_config *tw_cache_get_config(const struct tw_cache *c);

/** Bytes of live blobs (created and not yet freed), all workers. */
uint64_t tw_cache_blob_bytes(const struct tw_cache *c);

/** Number of live blobs. */
uint64_t tw_cache_blob_count(const struct tw_cache *c);

/* ------------------------------------------------------------------ */
/* Keys and answer blobs                                               */
/* ------------------------------------------------------------------ */

/** Key flag: the query had DO=1 (RFC 3225): RRSIGs are in the answer. */
#define TW_CACHE_KF_DO 0x01u
/** Key flag: the query had CD=1 (RFC 4035 3.2.2): no bogus SERVFAIL. */
#define TW_CACHE_KF_CD 0x02u
/** Key flag: the query had RD=1 (RFC 1035 4.1.1): echoed in the reply. */
#define TW_CACHE_KF_RD 0x04u
/** Key flag: the query had AD=1 (RFC 6840 5.7): AD may be set w/o DO. */
#define TW_CACHE_KF_AD 0x08u
/** Key flag: the query had an OPT RR (RFC 6891 7): reply carries one. */
#define TW_CACHE_KF_EDNS 0x10u
/** All key flag bits the cache accepts. */
#define TW_CACHE_KF_MASK 0x1fu

/** Longest key: 255-octet QNAME + QTYPE + QCLASS (RFC 1035 2.3.4). */
#define TW_CACHE_KEY_MAX 259
/** Shortest key: the root name + QTYPE + QCLASS. */
#define TW_CACHE_KEY_MIN 5

/** A lookup key. */
struct tw_cache_key {
	const uint8_t *data; /**< QNAME (lowercased) + QTYPE + QCLASS */
	uint16_t len;	     /**< 5..259 */
	uint8_t flags;	     /**< TW_CACHE_KF_* */
	uint32_t hash;	     /**< caller's hash of data[0..len) */
};

/** What the entry is, for the TTL policy (and statistics). */
enum tw_cache_kind {
	TW_CACHE_POSITIVE = 0, /**< an answer (any rcode but below) */
	TW_CACHE_NEGATIVE = 1, /**< NXDOMAIN or NODATA (RFC 2308) */
	TW_CACHE_BOGUS = 2,    /**< SERVFAIL for bogus data (RFC 4035 4.7) */
};

/** No Extended DNS Error code (RFC 8914 INFO-CODE 0 is "Other"). */
#define TW_CACHE_NO_EDE 0xffffu

/** The answer to turn into a blob. */
struct tw_cache_answer {
	struct tw_cache_key key;
	/**
	 * Rendered response without a meaningful ID: header, then exactly
	 * one question equal to key.data (ASCII case aside), then the rest.
	 * Compression pointers into the question keep working because the
	 * worker writes a question of the same length.
	 */
	const uint8_t *msg;
	uint16_t msg_len;
	/**
	 * Offsets of every RR TTL field in msg (not the OPT RR's TTL,
	 * which holds extended RCODE and flags, RFC 6891 6.1.3).
	 */
	const uint16_t *ttl_off;
	uint16_t n_ttl;
	uint16_t opt_off; /**< offset of the OPT RR, 0 when none */
	/**
	 * Entry lifetime in seconds chosen by the caller: min(record TTLs,
	 * RRSIG original TTL, time to signature expiry) for positive
	 * answers, the RFC 2308 5 negative TTL, a short hold for bogus.
	 * Clamped by the configured limits (see tw_cache_blob_create()).
	 */
	uint32_t ttl;
	/**
	 * Seconds the configured minimum (ttl_min) may not raise the
	 * lifetime above, 0 for none: e.g. the time left before the
	 * signatures expire (RFC 4035 5.3.3), which no operator setting
	 * stretches.
	 */
	uint32_t ttl_limit;
	uint8_t kind;	/**< enum tw_cache_kind */
	uint8_t status; /**< caller's validation state, opaque to the cache */
	uint16_t ede;	/**< EDE INFO-CODE (RFC 8914) or TW_CACHE_NO_EDE */
};

/**
 * Build an immutable, reference-counted blob (publisher side; any
 * thread). The lifetime is `ttl` clamped to [ttl_min, ttl_max]
 * (negative: upper bound min(neg_ttl_max, ttl_max); bogus: upper bound
 * bogus_ttl_max, no lower bound), and never above `ttl_limit` when it is
 * set (the minimum does not apply beyond it). Each TTL field is stored as
 * min(its value, lifetime), a value with the top bit set counting as 0
 * (RFC 2181 8), so a client is never told to keep data longer than the
 * cache itself would.
 *
 * @param c
 *   The cache (limits and byte accounting).
 * @param a
 *   The answer; all of it is copied.
 * @param now
 *   Creation time, seconds.
 * @param out
 *   Receives the blob, holding one reference owned by the caller.
 * @return
 *   0; -EINVAL for NULL arguments, a key length outside 5..259, unknown
 *   key flags, a key whose QNAME is not a well-formed uncompressed name
 *   of length key length - 4, a message shorter than 12 + key length,
 *   QDCOUNT not 1, a question that differs from the key (ASCII case
 *   aside), a TTL offset not inside the
 *   message after the question, an opt_off that is not an OPT RR (owner
 *   root, TYPE 41) inside the message or overlaps a TTL offset, an
 *   unknown kind; -ERANGE when the clamped lifetime is 0 (RFC 1035 3.2.1:
 *   TTL 0 is not cached); -ENOBUFS when total_bytes_max would be exceeded;
 *   -ENOMEM.
 */
int tw_cache_blob_create(struct tw_cache *c, const struct tw_cache_answer *a,
			 uint32_t now, struct tw_cache_blob **out);

/** Take one more reference (any thread holding one already). */
void tw_cache_blob_get(struct tw_cache_blob *b);

/**
 * Drop a reference (any thread); frees the blob on the last one. A worker
 * never calls this for pointers from tw_cache_lookup(): those carry no
 * reference. NULL is a no-op.
 */
void tw_cache_blob_put(struct tw_cache_blob *b);

/**
 * Write the answer for a client into dst: copy the message, write the
 * client's ID, optionally the client's QNAME octets (its letter case,
 * RFC 4343 / DNS 0x20), and decrement every TTL by the age now - created
 * (never below 0; RFC 1035 3.2.1, RFC 2181 8). A memcpy plus a few stores.
 *
 * @param b
 *   A blob from tw_cache_lookup() (valid until the worker's next
 *   tw_cache_quiescent()) or one the caller holds a reference to.
 * @param dst
 *   Destination buffer (must not overlap the blob).
 * @param cap
 *   Bytes available in dst: pass min(buffer room, the client's UDP
 *   payload size or 512 without EDNS) so an answer too large for the
 *   client is not sent (treat -ENOSPC as a miss or send TC=1).
 * @param id
 *   The client's DNS ID (host order).
 * @param qname
 *   The client's QNAME wire octets, same length as the key's QNAME
 *   (key length - 4), or NULL to leave the lowercased one.
 * @param now
 *   Current time, seconds.
 * @return
 *   The message length (> 0); -ENOSPC when it does not fit in cap.
 */
int tw_cache_blob_render(const struct tw_cache_blob *b, uint8_t *dst,
			 size_t cap, uint16_t id, const uint8_t *qname,
			 uint32_t now);

/**
 * tw_cache_blob_render() over the client's own query: @p dst holds the
 * query, whose QNAME (same name as the key's, any letter case) is left
 * in place at dst + 12 instead of being saved and copied back; the rest
 * is written as tw_cache_blob_render() writes it (ID, TTLs aged).
 *
 * @param b, cap, id, now
 *   As for tw_cache_blob_render().
 * @param dst
 *   The client's DNS message (header and question as received).
 * @return
 *   The message length (> 0); -ENOSPC when it does not fit in cap
 *   (nothing written).
 */
int tw_cache_blob_render_inplace(const struct tw_cache_blob *b, uint8_t *dst,
				 size_t cap, uint16_t id, uint32_t now);

/** Message length. */
uint16_t tw_cache_blob_len(const struct tw_cache_blob *b);
/** The stored message (TTLs as at creation, ID 0). */
const uint8_t *tw_cache_blob_msg(const struct tw_cache_blob *b);
/** Offset of the OPT RR (its CLASS, the UDP payload size, is at +3), 0. */
uint16_t tw_cache_blob_opt_off(const struct tw_cache_blob *b);
/** Creation time. */
uint32_t tw_cache_blob_created(const struct tw_cache_blob *b);
/** Absolute expiry time: an entry is served while now < expire. */
uint32_t tw_cache_blob_expire(const struct tw_cache_blob *b);
/** enum tw_cache_kind. */
uint8_t tw_cache_blob_kind(const struct tw_cache_blob *b);
/** The caller's status byte. */
uint8_t tw_cache_blob_status(const struct tw_cache_blob *b);
/** EDE INFO-CODE or TW_CACHE_NO_EDE. */
uint16_t tw_cache_blob_ede(const struct tw_cache_blob *b);
/** RCODE: header RCODE plus the OPT extended RCODE (RFC 6891 6.1.3). */
uint16_t tw_cache_blob_rcode(const struct tw_cache_blob *b);
/** Bytes the blob occupies (charged against max_bytes). */
uint32_t tw_cache_blob_size(const struct tw_cache_blob *b);
/** Current reference count (a snapshot, for tests and debugging). */
uint32_t tw_cache_blob_refcnt(const struct tw_cache_blob *b);

/* ------------------------------------------------------------------ */
/* Publisher side                                                      */
/* ------------------------------------------------------------------ */

/**
 * Publish a blob to every worker (publisher `pub`'s thread only). Takes
 * one reference per worker for the ring slot; where a worker's ring is
 * full that copy is dropped and counted (ring_drops of that worker).
 * Never blocks. The caller keeps its own reference (put it when done).
 *
 * @return
 *   The number of workers the blob was queued to; 0 also when pub is out
 *   of range or b is NULL.
 */
unsigned tw_cache_publish(struct tw_cache *c, unsigned pub,
			  struct tw_cache_blob *b);

/* ------------------------------------------------------------------ */
/* Worker side (the owning worker's thread only)                       */
/* ------------------------------------------------------------------ */

/** Prefetch the bucket a key maps to (call for a burst, then look up). */
void tw_cache_prefetch(const struct tw_cache_worker *w,
		       const struct tw_cache_key *k);

/**
 * Look a key up. An entry whose expiry has come (now >= expire) is a miss
 * and is removed. No lock, no atomic, no reference count.
 *
 * @return
 *   The blob, valid until this worker's next tw_cache_quiescent(); NULL
 *   on a miss.
 */
const struct tw_cache_blob *tw_cache_lookup(struct tw_cache_worker *w,
					    const struct tw_cache_key *k,
					    uint32_t now);

/**
 * Look up a burst of keys with the memory latency overlapped: buckets are
 * prefetched for all keys, then the blobs whose tag matched, then each
 * key is looked up as by tw_cache_lookup() (same semantics, counters and
 * lifetime of the results). Use it for an RX burst.
 *
 * @param keys
 *   n keys.
 * @param out
 *   n results: the blob, or NULL for a miss.
 * @return
 *   The number of hits.
 */
unsigned tw_cache_lookup_burst(struct tw_cache_worker *w,
			       const struct tw_cache_key *keys, unsigned n,
			       uint32_t now, const struct tw_cache_blob **out);

/**
 * Dequeue publications from this worker's rings (round robin over the
 * publishers) and insert them, at most `max`. Stops early when the
 * deferred-release list is nearly full (call tw_cache_quiescent()).
 *
 * @return
 *   The number of publications taken off the rings.
 */
unsigned tw_cache_drain(struct tw_cache_worker *w, uint32_t now, unsigned max);

/**
 * Insert a blob into this worker's index directly. Consumes one
 * reference in every case (tw_cache_blob_get() first to keep one). A key
 * already present is replaced and keeps its hit counter.
 *
 * @return
 *   0 inserted or replaced (or the same blob was already there);
 *   -ESTALE the blob is already expired; -E2BIG the blob alone exceeds
 *   max_bytes; -ENOSPC admission refused or no room could be made
 *   (counted as an admission reject); -EBUSY the deferred-release list
 *   is too full to evict (call tw_cache_quiescent() first); -EINVAL
 *   NULL argument.
 */
int tw_cache_insert(struct tw_cache_worker *w, struct tw_cache_blob *b,
		    uint32_t now);

/**
 * Remove a key.
 *
 * @return
 *   0; -ENOENT not present; -EBUSY deferred-release list full.
 */
int tw_cache_delete(struct tw_cache_worker *w, const struct tw_cache_key *k);

/**
 * Expiry sweep: visit up to `budget` buckets (8 slots each) from where
 * the last call stopped and remove expired entries. Bounded work.
 *
 * @return
 *   The number of entries removed.
 */
unsigned tw_cache_sweep(struct tw_cache_worker *w, uint32_t now,
			unsigned budget);

/**
 * Quiescent state: the worker declares it holds no pointer obtained from
 * tw_cache_lookup(). Releases the references deferred since the last
 * call. Call once per poll-loop iteration (an empty list costs a compare).
 */
void tw_cache_quiescent(struct tw_cache_worker *w);

/**
 * Remove every entry (e.g. on a trust-anchor change). Must be called
 * where tw_cache_quiescent() could be: it releases at once.
 */
void tw_cache_flush(struct tw_cache_worker *w);

/** Per-worker counters (worker-owned, plain). */
struct tw_cache_stats {
	uint64_t lookups;	/**< hits + misses */
	uint64_t hits;		/**< lookups answered */
	uint64_t misses;	/**< lookups not answered (incl. expired) */
	uint64_t expired;	/**< entries removed because expired */
	uint64_t inserts;	/**< new keys placed in the index */
	uint64_t replaces;	/**< present keys given a new blob */
	uint64_t evictions;	/**< live entries evicted for room */
	uint64_t admit_rejects; /**< insertions refused (policy/room) */
	uint64_t ring_drops;	/**< publications lost to a full ring */
	uint64_t quiescent;	/**< tw_cache_quiescent() calls */
	uint64_t entries;	/**< entries now */
	uint64_t bytes;		/**< blob bytes referenced now */
	uint64_t deferred;	/**< releases waiting for quiescence */
};

/**
 * Read a worker's counters. Call from the worker's thread (or when it is
 * stopped); ring_drops is read with relaxed atomics and may be read from
 * anywhere.
 */
void tw_cache_worker_stats(const struct tw_cache_worker *w,
			   struct tw_cache_stats *st);

/**
 * Bytes of per-worker memory (index, sketch, deferred list, state),
 * excluding the shared blobs.
 */
size_t tw_cache_worker_mem(const struct tw_cache_worker *w);

#ifdef __cplusplus
}
#endif

#endif /* TW_CACHE_H */
