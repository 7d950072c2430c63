/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_common.h"

static void
test_strerror(void **state)
{
	(void)state;
	assert_string_equal(tw_strerror(0), "success");
	assert_string_equal(tw_strerror(-TW_ELOOP), "compression pointer loop");
	assert_string_equal(tw_strerror(TW_ELOOP), "compression pointer loop");
	assert_string_equal(tw_strerror(-ENOMEM), strerror(ENOMEM));
	assert_string_equal(tw_strerror(-99999), "unknown error");
	for (int e = TW_EBASE + 1; e < TW_EMAX; e++)
		assert_non_null(tw_strerror(-e));
}

static size_t n_alloc, n_free;

static void *
count_malloc(size_t size, void *ctx)
{
	(void)ctx;
	n_alloc++;
	return malloc(size);
}

static void *
count_calloc(size_t n, size_t size, void *ctx)
{
	(void)ctx;
	n_alloc++;
	return calloc(n, size);
}

static void *
fail_realloc(void *p, size_t size, void *ctx)
{
	(void)p;
	(void)size;
	(void)ctx;
	return NULL;
}

static void
count_free(void *p, void *ctx)
{
	(void)ctx;
	n_free++;
	free(p);
}

static void
test_alloc_hooks(void **state)
{
	const struct tw_alloc_hooks h = {
		.malloc_fn = count_malloc,
		.calloc_fn = count_calloc,
		.realloc_fn = fail_realloc,
		.free_fn = count_free,
	};
	(void)state;
	tw_alloc_set_hooks(&h);
	void *a = tw_malloc(10);
	void *b = tw_calloc(2, 8);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(tw_realloc(a, 100));
	tw_free(a);
	tw_free(b);
	tw_free(NULL); /* not counted */
	assert_int_equal(n_alloc, 2);
	assert_int_equal(n_free, 2);
	tw_alloc_set_hooks(NULL);
	a = tw_realloc(NULL, 16);
	assert_non_null(a);
	tw_free(a);
	assert_int_equal(n_free, 2);
}

static void *
fill_malloc(size_t size, void *ctx)
{
	void *p = malloc(size);

	(void)ctx;
	if (p != NULL)
		memset(p, 0xa5, size);
	return p;
}

static void *
fill_calloc(size_t n, size_t size, void *ctx)
{
	(void)ctx;
	n_alloc++;
	/* A hook that hands out dirty memory: tw_calloc_touched() must
	 * still give zeros, through the hook, and pass a failure on. */
	return n == 0 || size <= SIZE_MAX / n ? fill_malloc(n * size, ctx)
					      : NULL;
}

static void
test_calloc_touched(void **state)
{
	const struct tw_alloc_hooks h = {
		.malloc_fn = count_malloc,
		.calloc_fn = fill_calloc,
		.realloc_fn = fail_realloc,
		.free_fn = count_free,
	};
	const size_t n = 3 * 4096 + 17;
	uint8_t *p;

	(void)state;
	n_alloc = n_free = 0;
	tw_alloc_set_hooks(&h);
	p = tw_calloc_touched(n, 3);
	assert_non_null(p);
	assert_int_equal(n_alloc, 1);
	for (size_t i = 0; i < n * 3; i++)
		assert_int_equal(p[i], 0);
	tw_free(p);
	assert_int_equal(n_free, 1);
	assert_null(tw_calloc_touched(SIZE_MAX / 2, 4)); /* overflow */
	assert_int_equal(n_free, 1);
	tw_alloc_set_hooks(NULL);
}

static void
test_wire_helpers(void **state)
{
	uint8_t b[4];
	(void)state;
	tw_put16(b, 0xbeef);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(tw_get16(b), 0xbeef);
	tw_put32(b, 0x01020304u);
	assert_int_equal(b[3], 4);
	assert_int_equal(tw_get32(b), 0x01020304u);
	/* RFC 1982 3.2: wrap-around comparisons. */
	assert_true(tw_serial_lt(1, 2));
	assert_true(tw_serial_lt(0xfffffff0u, 5));
	assert_false(tw_serial_lt(5, 0xfffffff0u));
	assert_false(tw_serial_lt(7, 7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_alloc_hooks),
		cmocka_unit_test(test_calloc_touched),
		cmocka_unit_test(test_wire_helpers),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
