/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/cache/mem.c: aligned allocations and the workers' large tables
 * (the table allocator hook, and the fallback to memory written once).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache_priv.h"
#include "cache_test.h"

static int hook_calls, hook_frees;
static uint32_t hook_worker;
static uint8_t hook_mem[8192] __attribute__((aligned(128)));

/* Hands out hook_mem once, zeroed; NULL when it is taken. */
static void *
one_table(size_t size, size_t align, uint32_t worker, void *ctx)
{
	(void)ctx;
	hook_calls++;
	hook_worker = worker;
	if (size > sizeof(hook_mem) || align > 128 || hook_calls > 1)
		return NULL;
	memset(hook_mem, 0, size);
	return hook_mem;
}

static void
one_free(void *p, void *ctx)
{
	(void)ctx;
	assert_ptr_equal(p, hook_mem);
	hook_frees++;
}

static void
test_aligned(void **state)
{
	void *raw = NULL;
	uint8_t *p;

	(void)state;
	for (size_t align = 8; align <= 4096; align *= 2) {
		p = tw_cache_aligned_alloc(100, align, &raw);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % align, 0);
		assert_true(p >= (uint8_t *)raw && p < (uint8_t *)raw + align);
		for (size_t i = 0; i < 100; i++)
			assert_int_equal(p[i], 0);
		tw_free(raw);
	}
	assert_null(tw_cache_aligned_alloc(SIZE_MAX - 10, 64, &raw));
	atomic_store(&t_fail_after, 0);
	assert_null(tw_cache_aligned_alloc(64, 64, &raw));
	atomic_store(&t_fail_after, -1);
}

static void
test_table_default(void **state)
{
	struct tw_cache_table t;
	uint8_t *p;

	(void)state;
	/* No config, or one without a hook: lib/cache's own memory,
	 * zeroed, aligned, one allocation, freed by table_free. */
	p = tw_cache_table_alloc(NULL, 0, 3 * 4096 + 5, 128, &t);
	assert_non_null(p);
	assert_false(t.hooked);
	assert_int_equal((uintptr_t)p % 128, 0);
	for (size_t i = 0; i < 3 * 4096 + 5; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(t_outstanding(), 1);
	tw_cache_table_free(NULL, &t);
	assert_null(t.raw);
	tw_cache_table_free(NULL, &t); /* twice: nothing */
	assert_null(tw_cache_table_alloc(NULL, 0, SIZE_MAX - 64, 128, &t));
	atomic_store(&t_fail_after, 0);
	assert_null(tw_cache_table_alloc(NULL, 0, 64, 64, &t));
	atomic_store(&t_fail_after, -1);
}

static void
test_table_hook(void **state)
{
	struct tw_cache_config cfg = { .table_alloc = one_table,
				       .table_free = one_free };
	struct tw_cache_table a, b;
	uint8_t *p, *q;

	(void)state;
	hook_calls = hook_frees = 0;
	/* The hook's memory, as given, for the worker named. */
	p = tw_cache_table_alloc(&cfg, 5, 4096, 128, &a);
	assert_ptr_equal(p, hook_mem);
	assert_true(a.hooked);
	assert_int_equal(hook_worker, 5);
	assert_int_equal(t_outstanding(), 0);
	/* It runs out: lib/cache's own memory, not the hook's to free. */
	q = tw_cache_table_alloc(&cfg, 6, 4096, 128, &b);
	assert_non_null(q);
	assert_false(b.hooked);
	assert_int_equal(hook_calls, 2);
	assert_int_equal(t_outstanding(), 1);
	tw_cache_table_free(&cfg, &b);
	assert_int_equal(hook_frees, 0);
	tw_cache_table_free(&cfg, &a);
	assert_int_equal(hook_frees, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_aligned),
		T_TEST(test_table_default),
		T_TEST(test_table_hook),
	};

	return cmocka_run_group_tests_name("cache/mem", tests, NULL, NULL);
}
