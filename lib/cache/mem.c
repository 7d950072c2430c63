/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/cache's allocations with an alignment (cache_priv.h): the blobs'
 * and the small shared structures' (tw_cache_aligned_alloc()), and each
 * worker's large tables, from the caller's table allocator or from
 * memory written once at creation (tw_cache_table_alloc(), tw_cache.h
 * table_alloc).
 */
#include <stdint.h>

#include "cache_priv.h"

/* @p p rounded up to @p align, a power of two. */
static void *
align_up(void *p, size_t align)
{
	return (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

/* @p size octets at @p align from @p calloc_fn; *raw is what to free. */
static void *
aligned_from(void *(*calloc_fn)(size_t, size_t), size_t size, size_t align,
	     void **raw)
{
	if (size > SIZE_MAX - align)
		return NULL;
	*raw = calloc_fn(1, size + align - 1);
	return *raw == NULL ? NULL : align_up(*raw, align);
}

void *
tw_cache_aligned_alloc(size_t size, size_t align, void **raw)
{
	return aligned_from(tw_calloc, size, align, raw);
}

void *
tw_cache_table_alloc(const struct tw_cache_config *cfg, uint32_t worker,
		     size_t size, size_t align, struct tw_cache_table *t)
{
	void *p;

	t->raw = NULL;
	t->hooked = false;
	if (cfg != NULL && cfg->table_alloc != NULL) {
		p = cfg->table_alloc(size, align, worker, cfg->table_ctx);
		if (p != NULL) {
			t->raw = p;
			t->hooked = true;
			return p;
		}
	}
	return aligned_from(tw_calloc_touched, size, align, &t->raw);
}

void
tw_cache_table_free(const struct tw_cache_config *cfg, struct tw_cache_table *t)
{
	if (t->raw == NULL)
		return;
	if (t->hooked)
		cfg->table_free(t->raw, cfg->table_ctx);
	else
		tw_free(t->raw);
	t->raw = NULL;
}
