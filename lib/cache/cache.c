/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cache object: configuration, worker indexes, the publisher -> worker
 * rings, publication and teardown.
 */
#include "cache_priv.h"

#define MAX_LCORES 1024

static int
fill_config(const struct tw_cache_config *in, struct tw_cache_config *cfg)
{
	*cfg = *in;
	if (cfg->n_publishers == 0)
		cfg->n_publishers = 1;
	if (cfg->entries == 0)
		cfg->entries = 65536;
	if (cfg->max_bytes == 0)
		cfg->max_bytes = 64ull << 20;
	if (cfg->ring_size == 0)
		cfg->ring_size = 1024;
	if (cfg->defer_max == 0)
		cfg->defer_max = 4096;
	if (cfg->ttl_max == 0)
		cfg->ttl_max = 86400;
	if (cfg->neg_ttl_max == 0)
		cfg->neg_ttl_max = 10800; /* RFC 2308 5: 1-3 hours */
	if (cfg->bogus_ttl_max == 0)
		cfg->bogus_ttl_max = 60;

	if (cfg->n_workers == 0 || cfg->n_workers > MAX_LCORES ||
	    cfg->n_publishers > MAX_LCORES)
		return -EINVAL;
	if (cfg->entries < TW_CACHE_WAYS || cfg->entries > (1u << 28))
		return -EINVAL;
	if (cfg->ring_size < 2 || cfg->ring_size > (1u << 30) ||
	    (cfg->ring_size & (cfg->ring_size - 1)) != 0)
		return -EINVAL;
	if (cfg->defer_max < 64)
		return -EINVAL;
	/* RFC 2181 8: TTLs are 31-bit. */
	if (cfg->ttl_max > INT32_MAX || cfg->ttl_min > cfg->ttl_max)
		return -EINVAL;
	if (cfg->policy != TW_CACHE_POLICY_TINYLFU &&
	    cfg->policy != TW_CACHE_POLICY_CLOCK)
		return -EINVAL;
	if ((cfg->table_alloc == NULL) != (cfg->table_free == NULL))
		return -EINVAL;
	return 0;
}

int
tw_cache_create(const struct tw_cache_config *cfg, struct tw_cache **out)
{
	struct tw_cache *c;
	uint32_t nw, np;
	int rc;

	if (cfg == NULL || out == NULL)
		return -EINVAL;
	void *raw;

	c = tw_cache_aligned_alloc(sizeof(*c), TW_CACHE_LINE, &raw);
	if (c == NULL)
		return -ENOMEM;
	c->raw = raw;
	rc = fill_config(cfg, &c->cfg);
	if (rc < 0) {
		tw_free(raw);
		return rc;
	}
	nw = c->cfg.n_workers;
	np = c->cfg.n_publishers;
	atomic_init(&c->live_bytes, 0);
	atomic_init(&c->live_blobs, 0);

	rc = -ENOMEM;
	c->workers = tw_calloc(nw, sizeof(c->workers[0]));
	c->rings = tw_calloc((size_t)np * nw, sizeof(c->rings[0]));
	c->pubs = tw_cache_aligned_alloc(np * sizeof(c->pubs[0]), TW_CACHE_LINE,
					 &c->pubs_raw);
	if (c->workers == NULL || c->rings == NULL || c->pubs == NULL)
		goto fail;
	for (uint32_t p = 0; p < np; p++) {
		c->pubs[p].drops = tw_calloc(nw, sizeof(_Atomic uint64_t));
		if (c->pubs[p].drops == NULL)
			goto fail;
		for (uint32_t w = 0; w < nw; w++)
			atomic_init(&c->pubs[p].drops[w], 0);
	}
	for (uint32_t w = 0; w < nw; w++) {
		rc = tw_cache_worker_init(c, w, &c->workers[w]);
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < (size_t)np * nw; i++) {
		rc = tw_spsc_create(c->cfg.ring_size, &c->rings[i]);
		if (rc < 0)
			goto fail;
	}
	*out = c;
	return 0;
fail:
	tw_cache_destroy(c);
	return rc;
}

void
tw_cache_destroy(struct tw_cache *c)
{
	uint32_t nw, np;

	if (c == NULL)
		return;
	nw = c->cfg.n_workers;
	np = c->cfg.n_publishers;
	if (c->rings != NULL) {
		for (size_t i = 0; i < (size_t)np * nw; i++) {
			void *o;

			if (c->rings[i] == NULL)
				continue;
			while (tw_spsc_dequeue_burst(c->rings[i], &o, 1) == 1)
				tw_cache_blob_release(o);
			tw_spsc_free(c->rings[i]);
		}
	}
	if (c->workers != NULL)
		for (uint32_t w = 0; w < nw; w++)
			tw_cache_worker_fini(c->workers[w]);
	if (c->pubs != NULL)
		for (uint32_t p = 0; p < np; p++)
			tw_free(c->pubs[p].drops);
	tw_free(c->pubs_raw);
	tw_free(c->workers);
	tw_free(c->rings);
	tw_free(c->raw);
}

struct tw_cache_worker *
tw_cache_worker(struct tw_cache *c, unsigned idx)
{
	if (c == NULL || idx >= c->cfg.n_workers)
		return NULL;
	return c->workers[idx];
}

const struct tw_cache_config *
tw_cache_get_config(const struct tw_cache *c)
{
	return &c->cfg;
}

uint64_t
tw_cache_blob_bytes(const struct tw_cache *c)
{
	return atomic_load_explicit(&c->live_bytes, memory_order_relaxed);
}

uint64_t
tw_cache_blob_count(const struct tw_cache *c)
{
	return atomic_load_explicit(&c->live_blobs, memory_order_relaxed);
}

unsigned
tw_cache_publish(struct tw_cache *c, unsigned pub, struct tw_cache_blob *b)
{
	uint32_t nw;
	unsigned ok = 0;

	if (c == NULL || b == NULL || pub >= c->cfg.n_publishers)
		return 0;
	nw = c->cfg.n_workers;
	/*
	 * One reference per ring slot, taken before the first enqueue
	 * (whose release store hands it over, (1)); the caller's own
	 * reference keeps the blob alive throughout.
	 */
	atomic_fetch_add_explicit(&b->refcnt, nw, memory_order_relaxed);
	for (uint32_t w = 0; w < nw; w++) {
		void *o = b;

		if (tw_spsc_enqueue_burst(c->rings[(size_t)pub * nw + w], &o,
					  1) == 1) {
			ok++;
			continue;
		}
		/* Full ring: drop, never block. Single writer: a relaxed
		 * load + store, no locked instruction. */
		_Atomic uint64_t *d = &c->pubs[pub].drops[w];

		atomic_store_explicit(
			d, atomic_load_explicit(d, memory_order_relaxed) + 1,
			memory_order_relaxed);
	}
	/* Give back the dropped copies' references; the count stays >= 1
	 * (the caller's), so this never frees and needs no ordering. */
	if (ok < nw)
		atomic_fetch_sub_explicit(&b->refcnt, nw - ok,
					  memory_order_relaxed);
	return ok;
}
