/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Single-producer/single-consumer pointer ring. Ordering: see (1) and (2)
 * in cache_priv.h.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "cache_priv.h"

int
tw_spsc_create(uint32_t size, struct tw_spsc_ring **out)
{
	struct tw_spsc_ring *r;
	void *raw;

	if (out == NULL || size < 2 || size > (1u << 30) ||
	    (size & (size - 1)) != 0)
		return -EINVAL;
	r = tw_cache_aligned_alloc(sizeof(*r), TW_CACHE_LINE, &raw);
	if (r == NULL)
		return -ENOMEM;
	r->raw = raw;
	r->slots = tw_calloc(size, sizeof(void *));
	if (r->slots == NULL) {
		tw_free(raw);
		return -ENOMEM;
	}
	r->size = size;
	r->mask = size - 1;
	atomic_init(&r->prod.tail, 0);
	atomic_init(&r->cons.head, 0);
	r->prod.head_cache = 0;
	r->cons.tail_cache = 0;
	*out = r;
	return 0;
}

void
tw_spsc_free(struct tw_spsc_ring *r)
{
	if (r == NULL)
		return;
	tw_free(r->slots);
	tw_free(r->raw);
}

void
tw_spsc_reset_at(struct tw_spsc_ring *r, uint32_t start)
{
	atomic_store_explicit(&r->prod.tail, start, memory_order_relaxed);
	atomic_store_explicit(&r->cons.head, start, memory_order_relaxed);
	r->prod.head_cache = start;
	r->cons.tail_cache = start;
}

unsigned
tw_spsc_enqueue_burst(struct tw_spsc_ring *r, void *const *objs, unsigned n)
{
	/* Our own index: nobody else writes it, relaxed is enough. */
	uint32_t tail =
		atomic_load_explicit(&r->prod.tail, memory_order_relaxed);
	uint32_t room = r->size - (tail - r->prod.head_cache);

	if (room < n) {
		/*
		 * Acquire pairs with the consumer's release of head: its
		 * reads of the slots we are about to reuse are done (2).
		 */
		r->prod.head_cache = atomic_load_explicit(&r->cons.head,
							  memory_order_acquire);
		room = r->size - (tail - r->prod.head_cache);
		if (n > room)
			n = room;
	}
	if (n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		r->slots[(tail + i) & r->mask] = objs[i];
	/* Release: slot contents (and what they point to) before tail (1). */
	atomic_store_explicit(&r->prod.tail, tail + n, memory_order_release);
	return n;
}

unsigned
tw_spsc_dequeue_burst(struct tw_spsc_ring *r, void **objs, unsigned n)
{
	uint32_t head =
		atomic_load_explicit(&r->cons.head, memory_order_relaxed);
	uint32_t avail = r->cons.tail_cache - head;

	if (avail < n) {
		/* Acquire pairs with the producer's release of tail (1). */
		r->cons.tail_cache = atomic_load_explicit(&r->prod.tail,
							  memory_order_acquire);
		avail = r->cons.tail_cache - head;
		if (n > avail)
			n = avail;
	}
	if (n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		objs[i] = r->slots[(head + i) & r->mask];
	/* Release: our slot reads before the producer may reuse them (2). */
	atomic_store_explicit(&r->cons.head, head + n, memory_order_release);
	return n;
}

unsigned
tw_spsc_count(const struct tw_spsc_ring *r)
{
	/*
	 * Head first: tail only grows and never passes head + size, so the
	 * difference is never negative; clamp what a third thread may see.
	 */
	uint32_t head =
		atomic_load_explicit(&r->cons.head, memory_order_acquire);
	uint32_t tail =
		atomic_load_explicit(&r->prod.tail, memory_order_acquire);

	return TW_MIN(tail - head, r->size);
}

unsigned
tw_spsc_size(const struct tw_spsc_ring *r)
{
	return r->size;
}
