/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker index: 8-way set-associative hash table of blob pointers,
 * single writer (the owning worker), no atomics. Eviction and admission:
 * see enum tw_cache_policy in tw_cache.h and doc/cache.md.
 *
 * Frequencies. Each slot has a 4-bit hit counter in the bucket's first
 * line (the line the lookup reads anyway). TinyLFU halves all counters
 * once every `8 * entries` hits ("reset"); here the halving is lazy: the
 * worker bumps a generation number and a bucket applies the pending
 * halvings the next time it is touched, so aging costs O(1) per access
 * and never a scan. Aging is driven by hits, not by lookups: a flood of
 * misses does not wear down the counters of the entries that are
 * actually being used.
 */
#include "cache_priv.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline void
bucket_age(const struct tw_cache_worker *w, struct tw_cache_bucket *b)
{
	uint32_t d = w->gen - b->gen;

	b->gen = w->gen;
	if (d >= 4) { /* 15 >> 4 == 0 */
		memset(b->freq, 0, sizeof(b->freq));
		return;
	}
	for (unsigned i = 0; i < TW_CACHE_WAYS; i++)
		b->freq[i] = (uint8_t)(b->freq[i] >> d);
}

static inline void
bucket_fresh(const struct tw_cache_worker *w, struct tw_cache_bucket *b)
{
	if (unlikely(b->gen != w->gen))
		bucket_age(w, b);
}

/*
 * Bit i set where tag[i] == hk: two vector compares and a mask with
 * SSE2 (every x86-64), a branch-free loop elsewhere; either way the way
 * that matches costs no branch misprediction.
 */
static inline unsigned
tag_match(const struct tw_cache_bucket *b, uint32_t hk)
{
#if defined(__SSE2__)
	__m128i h = _mm_set1_epi32((int)hk);
	__m128i lo = _mm_load_si128((const __m128i *)(const void *)b->tag);
	__m128i hi =
		_mm_load_si128((const __m128i *)(const void *)(b->tag + 4));

	return (unsigned)_mm_movemask_ps(
		       _mm_castsi128_ps(_mm_cmpeq_epi32(lo, h))) |
	       (unsigned)_mm_movemask_ps(
		       _mm_castsi128_ps(_mm_cmpeq_epi32(hi, h)))
		       << 4;
#else
	unsigned m = 0;

	for (unsigned i = 0; i < TW_CACHE_WAYS; i++)
		m |= (unsigned)(b->tag[i] == hk) << i;
	return m;
#endif
}

static inline bool
key_eq(const struct tw_cache_blob *b, const struct tw_cache_key *k)
{
	return b->key_len == k->len && b->kflags == k->flags &&
	       memcmp(b->key, k->data, k->len) == 0;
}

static inline bool
blob_key_eq(const struct tw_cache_blob *a, const struct tw_cache_blob *b)
{
	return a->key_len == b->key_len && a->kflags == b->kflags &&
	       memcmp(a->key, b->key, a->key_len) == 0;
}

static inline bool
defer_room(const struct tw_cache_worker *w, uint32_t n)
{
	return w->defer_max - w->n_defer >= n;
}

/* Unlink a slot; its reference goes to the deferred list (4). */
static void
slot_remove(struct tw_cache_worker *w, struct tw_cache_bucket *b, unsigned way)
{
	struct tw_cache_blob *blob = b->blob[way];

	w->defer[w->n_defer++] = blob;
	b->tag[way] = 0;
	b->blob[way] = NULL;
	b->freq[way] = 0;
	w->count--;
	w->bytes -= blob->size;
}

static inline bool
expired(const struct tw_cache_blob *b, uint32_t now)
{
	return now >= b->expire;
}

void
tw_cache_prefetch(const struct tw_cache_worker *w, const struct tw_cache_key *k)
{
	const struct tw_cache_bucket *b = &w->buckets[tw_cache_bucket_of(
		w, tw_cache_mix(k->hash, k->flags))];

	__builtin_prefetch(b, 1);
	__builtin_prefetch(&b->blob[0], 0);
}

/* tw_cache_lookup() with the mixed hash, its bucket and its tag match
 * already known (the burst lookup has them from its prefetch stages). */
static inline const struct tw_cache_blob *
lookup_in(struct tw_cache_worker *w, struct tw_cache_bucket *b, uint32_t hk,
	  unsigned m, const struct tw_cache_key *k, uint32_t now)
{
	while (m != 0) {
		unsigned i = (unsigned)__builtin_ctz(m);
		const struct tw_cache_blob *blob = b->blob[i];

		m &= m - 1;
		if (!key_eq(blob, k))
			continue;
		if (unlikely(expired(blob, now))) {
			/* Lazy expiry; if the deferred list is full the
			 * entry stays until a later lookup or sweep. */
			if (defer_room(w, 1)) {
				slot_remove(w, b, i);
				w->st.expired++;
			}
			break;
		}
		bucket_fresh(w, b);
		/* Stage 2 brought lines 1-3; the rest of a long answer
		 * (DNSSEC signatures) is on its way before the burst's
		 * hits are rendered. */
		const uint8_t *p = (const uint8_t *)blob;
		const uint8_t *e = p + blob->msg_pos + blob->msg_len;

		for (p += 4 * TW_CACHE_LINE; p < e; p += TW_CACHE_LINE)
			__builtin_prefetch(p, 0);
		/*
		 * The whole per-hit policy cost: one byte in our own bucket
		 * line; not written once saturated, so a popular entry's
		 * bucket line stays clean (no write-back traffic).
		 */
		if (b->freq[i] < w->freq_max)
			b->freq[i]++;
		if (unlikely((++w->st.hits & w->age_mask) == 0))
			w->gen++;
		return blob;
	}
	w->st.misses++;
	if (w->policy == TW_CACHE_POLICY_TINYLFU)
		tw_sketch_add(&w->sketch, hk);
	return NULL;
}

const struct tw_cache_blob *
tw_cache_lookup(struct tw_cache_worker *w, const struct tw_cache_key *k,
		uint32_t now)
{
	uint32_t hk = tw_cache_mix(k->hash, k->flags);
	struct tw_cache_bucket *b = &w->buckets[tw_cache_bucket_of(w, hk)];

	return lookup_in(w, b, hk, tag_match(b, hk), k, now);
}

unsigned
tw_cache_lookup_burst(struct tw_cache_worker *w,
		      const struct tw_cache_key *keys, unsigned n, uint32_t now,
		      const struct tw_cache_blob **out)
{
	struct tw_cache_bucket *bk[TW_CACHE_LOOKUP_BURST];
	uint32_t hks[TW_CACHE_LOOKUP_BURST];
	unsigned tm[TW_CACHE_LOOKUP_BURST];
	unsigned hits = 0;

	while (n > 0) {
		unsigned m = TW_MIN(n, (unsigned)TW_CACHE_LOOKUP_BURST);

		/* Stage 1: all buckets on their way. */
		for (unsigned i = 0; i < m; i++) {
			uint32_t hk = tw_cache_mix(keys[i].hash, keys[i].flags);

			hks[i] = hk;
			bk[i] = &w->buckets[tw_cache_bucket_of(w, hk)];
			__builtin_prefetch(bk[i], 1);
			__builtin_prefetch(&bk[i]->blob[0], 0);
		}
		/* Stage 2: tags; blob header, key and start of message. */
		for (unsigned i = 0; i < m; i++) {
			unsigned t = tag_match(bk[i], hks[i]);

			tm[i] = t;
			if (t != 0) {
				const uint8_t *p =
					(const uint8_t *)bk[i]
						->blob[__builtin_ctz(t)];

				__builtin_prefetch(p + TW_CACHE_LINE, 0);
				__builtin_prefetch(p + 2 * TW_CACHE_LINE, 0);
				__builtin_prefetch(p + 3 * TW_CACHE_LINE, 0);
			}
		}
		/* Stage 3: the real lookups, now mostly cache hits. Once a
		 * lookup has removed an expired entry (it went to the
		 * deferred list), a later key may share that bucket: its
		 * tags are matched again. */
		uint32_t n_defer = w->n_defer;

		for (unsigned i = 0; i < m; i++) {
			unsigned t = tm[i];

			if (unlikely(w->n_defer != n_defer))
				t = tag_match(bk[i], hks[i]);
			out[i] = lookup_in(w, bk[i], hks[i], t, &keys[i], now);
			hits += out[i] != NULL;
		}
		keys += m;
		out += m;
		n -= m;
	}
	return hits;
}

/*
 * Victim in a full bucket. Returns the way; *fv is its frequency, or -1
 * when it is expired (always replaceable).
 */
static unsigned
bucket_victim(struct tw_cache_worker *w, struct tw_cache_bucket *b,
	      uint32_t now, int *fv)
{
	unsigned best = 0;

	for (unsigned i = 0; i < TW_CACHE_WAYS; i++) {
		if (expired(b->blob[i], now)) {
			*fv = -1;
			return i;
		}
	}
	if (w->policy == TW_CACHE_POLICY_CLOCK) {
		/* Second chance inside the set, from a rotating start. */
		unsigned s = w->bucket_rr++;

		for (unsigned n = 0; n < 2 * TW_CACHE_WAYS; n++) {
			unsigned i = (s + n) % TW_CACHE_WAYS;

			if (b->freq[i] == 0) {
				*fv = 0;
				return i;
			}
			b->freq[i] = 0;
		}
		*fv = 0;
		return s % TW_CACHE_WAYS;
	}
	for (unsigned i = 1; i < TW_CACHE_WAYS; i++)
		if (b->freq[i] < b->freq[best])
			best = i;
	*fv = b->freq[best];
	return best;
}

/*
 * Victim anywhere: TinyLFU samples up to TW_CACHE_SAMPLE occupied slots
 * from the hand and takes the least frequently hit (an expired one at
 * once); CLOCK advances the hand clearing reference bits. Returns false
 * when nothing is occupied within the scan limit.
 */
static bool
global_victim(struct tw_cache_worker *w, uint32_t now, uint32_t *vb,
	      unsigned *vw, int *fv)
{
	uint32_t nslots = w->n_buckets * TW_CACHE_WAYS;
	uint32_t scan_max = w->policy == TW_CACHE_POLICY_CLOCK
				    ? TW_MIN(nslots * 2 + 1, 1024u * 1024u)
				    : TW_CACHE_SCAN_MAX;
	int best = 256;
	unsigned found = 0;

	/*
	 * Past scan_max with nothing occupied seen (a sparse table whose
	 * byte limit binds), go on - up to one revolution - rather than
	 * refuse an insertion while there is something to evict.
	 */
	for (uint32_t n = 0; n < scan_max || (found == 0 && n < nslots); n++) {
		uint32_t slot = w->hand;
		struct tw_cache_bucket *b = &w->buckets[slot / TW_CACHE_WAYS];
		unsigned i = slot % TW_CACHE_WAYS;

		w->hand = slot + 1 == nslots ? 0 : slot + 1;
		if (b->tag[i] == 0) /* empty; line A only */
			continue;
		bucket_fresh(w, b);
		if (expired(b->blob[i], now)) {
			*vb = slot / TW_CACHE_WAYS;
			*vw = i;
			*fv = -1;
			return true;
		}
		if (w->policy == TW_CACHE_POLICY_CLOCK) {
			if (b->freq[i] != 0) {
				b->freq[i] = 0;
				continue;
			}
			*vb = slot / TW_CACHE_WAYS;
			*vw = i;
			*fv = 0;
			return true;
		}
		if (b->freq[i] < best) {
			best = b->freq[i];
			*vb = slot / TW_CACHE_WAYS;
			*vw = i;
		}
		if (++found == TW_CACHE_SAMPLE || best == 0)
			break;
	}
	*fv = best;
	return best != 256;
}

/* TinyLFU admission: see enum tw_cache_policy. */
static inline bool
admit(const struct tw_cache_worker *w, int cf, int fv)
{
	return fv <= 0 || w->policy == TW_CACHE_POLICY_CLOCK || cf > fv;
}

static void
evict(struct tw_cache_worker *w, struct tw_cache_bucket *b, unsigned way,
      int fv)
{
	if (fv < 0)
		w->st.expired++;
	else
		w->st.evictions++;
	slot_remove(w, b, way);
}

static int
insert(struct tw_cache_worker *w, struct tw_cache_blob *nb, uint32_t now)
{
	uint32_t hk = nb->hash;
	struct tw_cache_bucket *b = &w->buckets[tw_cache_bucket_of(w, hk)];
	int free_way = -1, cf = 0, fv;
	uint8_t inherit = 0;
	bool replaced = false;

	if (expired(nb, now)) {
		tw_cache_blob_release(nb); /* never visible: release now */
		return -ESTALE;
	}
	if (nb->size > w->max_bytes) {
		w->st.admit_rejects++;
		tw_cache_blob_release(nb);
		return -E2BIG;
	}
	if (!defer_room(w, TW_CACHE_INSERT_ROOM)) {
		tw_cache_blob_release(nb);
		return -EBUSY;
	}
	bucket_fresh(w, b);
	for (unsigned i = 0; i < TW_CACHE_WAYS; i++) {
		struct tw_cache_blob *old = b->blob[i];

		if (old == NULL) {
			if (free_way < 0)
				free_way = (int)i;
			continue;
		}
		if (b->tag[i] != hk || !blob_key_eq(old, nb))
			continue;
		if (old == nb) {
			/* Same blob again: the index keeps its reference;
			 * ours was never visible, drop it now. */
			tw_cache_blob_release(nb);
			return 0;
		}
		/* A new version of a present key keeps its popularity. */
		inherit = b->freq[i];
		replaced = true;
		slot_remove(w, b, i);
		free_way = (int)i;
		break;
	}
	if (w->policy == TW_CACHE_POLICY_TINYLFU)
		cf = (int)TW_MAX(tw_sketch_estimate(&w->sketch, hk),
				 (uint32_t)inherit);

	if (free_way < 0) {
		unsigned v = bucket_victim(w, b, now, &fv);

		if (!admit(w, cf, fv))
			goto reject;
		evict(w, b, v, fv);
		free_way = (int)v;
	}
	for (unsigned n = 0;
	     w->count >= w->entries || w->bytes + nb->size > w->max_bytes;
	     n++) {
		uint32_t vb;
		unsigned vw;

		if (n == TW_CACHE_EVICT_MAX ||
		    !global_victim(w, now, &vb, &vw, &fv))
			goto reject;
		/* A new version of a present key was admitted before: its
		 * old version is already unlinked, and a refusal here would
		 * lose the key altogether. */
		if (!replaced && !admit(w, cf, fv))
			goto reject;
		evict(w, &w->buckets[vb], vw, fv);
	}
	b->tag[free_way] = hk;
	b->blob[free_way] = nb;
	b->freq[free_way] = TW_MIN(inherit, w->freq_max);
	w->count++;
	w->bytes += nb->size;
	if (replaced)
		w->st.replaces++;
	else
		w->st.inserts++;
	return 0;
reject:
	w->st.admit_rejects++;
	/* Never reachable through the index: no grace period needed. */
	tw_cache_blob_release(nb);
	return -ENOSPC;
}

int
tw_cache_insert(struct tw_cache_worker *w, struct tw_cache_blob *b,
		uint32_t now)
{
	if (b == NULL)
		return -EINVAL;
	if (w == NULL) {
		tw_cache_blob_release(b);
		return -EINVAL;
	}
	return insert(w, b, now);
}

int
tw_cache_delete(struct tw_cache_worker *w, const struct tw_cache_key *k)
{
	uint32_t hk = tw_cache_mix(k->hash, k->flags);
	struct tw_cache_bucket *b = &w->buckets[tw_cache_bucket_of(w, hk)];

	for (unsigned i = 0; i < TW_CACHE_WAYS; i++) {
		if (b->tag[i] != hk || !key_eq(b->blob[i], k))
			continue;
		if (!defer_room(w, 1))
			return -EBUSY;
		slot_remove(w, b, i);
		return 0;
	}
	return -ENOENT;
}

unsigned
tw_cache_sweep(struct tw_cache_worker *w, uint32_t now, unsigned budget)
{
	unsigned removed = 0;

	if (budget > w->n_buckets)
		budget = w->n_buckets;
	for (unsigned n = 0; n < budget; n++) {
		struct tw_cache_bucket *b = &w->buckets[w->sweep_pos];

		bucket_fresh(w, b);
		for (unsigned i = 0; i < TW_CACHE_WAYS; i++) {
			if (b->blob[i] == NULL || !expired(b->blob[i], now))
				continue;
			if (!defer_room(w, 1))
				return removed; /* resume here next time */
			slot_remove(w, b, i);
			w->st.expired++;
			removed++;
		}
		w->sweep_pos =
			w->sweep_pos + 1 == w->n_buckets ? 0 : w->sweep_pos + 1;
	}
	return removed;
}

void
tw_cache_quiescent(struct tw_cache_worker *w)
{
	uint32_t n = w->n_defer;

	w->st.quiescent++;
	if (likely(n == 0))
		return;
	/* (4): every use of lookup results precedes this point. */
	for (uint32_t i = 0; i < n; i++)
		tw_cache_blob_release(w->defer[i]);
	w->n_defer = 0;
}

void
tw_cache_flush(struct tw_cache_worker *w)
{
	tw_cache_quiescent(w);
	for (uint32_t k = 0; k < w->n_buckets; k++) {
		struct tw_cache_bucket *b = &w->buckets[k];

		for (unsigned i = 0; i < TW_CACHE_WAYS; i++) {
			if (b->blob[i] == NULL)
				continue;
			/* At a quiescent point: release at once. */
			tw_cache_blob_release(b->blob[i]);
			b->blob[i] = NULL;
			b->tag[i] = 0;
			b->freq[i] = 0;
		}
	}
	w->count = 0;
	w->bytes = 0;
}

unsigned
tw_cache_drain(struct tw_cache_worker *w, uint32_t now, unsigned max)
{
	struct tw_cache *c = w->cache;
	uint32_t np = c->cfg.n_publishers, nw = c->cfg.n_workers;
	void *buf[TW_CACHE_DRAIN_BURST];
	unsigned done = 0;

	for (uint32_t k = 0; k < np && done < max; k++) {
		struct tw_spsc_ring *r = c->rings[(size_t)w->rr * nw + w->id];

		w->rr = w->rr + 1 == np ? 0 : w->rr + 1;
		for (;;) {
			uint32_t room = (w->defer_max - w->n_defer) /
					TW_CACHE_INSERT_ROOM;
			unsigned want = TW_MIN(TW_CACHE_DRAIN_BURST,
					       TW_MIN(max - done, room));
			unsigned n;

			if (want == 0)
				return done;
			n = tw_spsc_dequeue_burst(r, buf, want);
			for (unsigned i = 0; i < n; i++)
				insert(w, buf[i], now);
			done += n;
			if (n < want)
				break;
		}
	}
	return done;
}

void
tw_cache_worker_stats(const struct tw_cache_worker *w,
		      struct tw_cache_stats *st)
{
	const struct tw_cache *c = w->cache;

	memset(st, 0, sizeof(*st));
	st->hits = w->st.hits;
	st->misses = w->st.misses;
	st->lookups = st->hits + st->misses;
	st->expired = w->st.expired;
	st->inserts = w->st.inserts;
	st->replaces = w->st.replaces;
	st->evictions = w->st.evictions;
	st->admit_rejects = w->st.admit_rejects;
	st->quiescent = w->st.quiescent;
	for (uint32_t p = 0; p < c->cfg.n_publishers; p++)
		st->ring_drops += atomic_load_explicit(&c->pubs[p].drops[w->id],
						       memory_order_relaxed);
	st->entries = w->count;
	st->bytes = w->bytes;
	st->deferred = w->n_defer;
}

size_t
tw_cache_worker_mem(const struct tw_cache_worker *w)
{
	size_t m = sizeof(*w) +
		   (size_t)w->n_buckets * sizeof(struct tw_cache_bucket);

	m += (size_t)w->defer_max * sizeof(w->defer[0]);
	if (w->sketch.words != NULL)
		m += (size_t)TW_SKETCH_ROWS * w->sketch.row_words *
		     sizeof(uint64_t);
	return m;
}

int
tw_cache_worker_init(struct tw_cache *c, unsigned id,
		     struct tw_cache_worker **out)
{
	const struct tw_cache_config *cfg = &c->cfg;
	struct tw_cache_worker *w;
	void *raw;
	uint64_t period = 1;

	w = tw_cache_aligned_alloc(sizeof(*w), TW_CACHE_LINE, &raw);
	if (w == NULL)
		return -ENOMEM;
	w->raw = raw;
	w->cache = c;
	w->id = (uint16_t)id;
	w->policy = (uint8_t)cfg->policy;
	w->entries = cfg->entries;
	w->max_bytes = cfg->max_bytes;
	w->defer_max = cfg->defer_max;
	/*
	 * Twice as many slots as entries: with 8 ways the chance that a
	 * bucket overflows before the table holds `entries` stays small.
	 */
	w->n_buckets = (cfg->entries + 3) / 4;
	w->buckets = tw_cache_table_alloc(
		cfg, id, (size_t)w->n_buckets * sizeof(struct tw_cache_bucket),
		128, &w->bucket_mem);
	w->defer = tw_calloc(cfg->defer_max, sizeof(w->defer[0]));
	if (w->buckets == NULL || w->defer == NULL)
		goto nomem;
	if (cfg->policy == TW_CACHE_POLICY_TINYLFU) {
		if (tw_sketch_init(&w->sketch, cfg->entries, cfg, id) < 0)
			goto nomem;
		while (period < 8ull * cfg->entries)
			period <<= 1;
		w->age_mask = period - 1;
		w->freq_max = TW_CACHE_FREQ_MAX;
	} else {
		w->age_mask = UINT64_MAX; /* CLOCK: no aging */
		w->freq_max = 1;	  /* a reference bit */
	}
	*out = w;
	return 0;
nomem:
	tw_cache_worker_fini(w);
	return -ENOMEM;
}

void
tw_cache_worker_fini(struct tw_cache_worker *w)
{
	if (w == NULL)
		return;
	if (w->buckets != NULL && w->defer != NULL)
		tw_cache_flush(w);
	tw_sketch_fini(&w->sketch, &w->cache->cfg);
	tw_free(w->defer);
	tw_cache_table_free(&w->cache->cfg, &w->bucket_mem);
	tw_free(w->raw);
}
