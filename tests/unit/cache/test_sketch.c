/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache_priv.h"
#include "cache_test.h"

static uint32_t
h_of(unsigned i)
{
	return tw_cache_mix(i * 2654435761u, 0);
}

static void
test_count_and_saturate(void **state)
{
	struct tw_cache_sketch s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(tw_sketch_init(&s, 1000, NULL, 0), 0);
	assert_int_equal(s.row_words, 2048 / 16);
	assert_int_equal(tw_sketch_estimate(&s, h_of(1)), 0);
	for (unsigned k = 1; k <= 20; k++) {
		tw_sketch_add(&s, h_of(1));
		assert_int_equal(tw_sketch_estimate(&s, h_of(1)),
				 TW_MIN(k, 15));
	}
	/* Conservative update: 300 keys seen once each stay near 1. */
	for (unsigned i = 100; i < 400; i++)
		tw_sketch_add(&s, h_of(i));
	unsigned over = 0;

	for (unsigned i = 100; i < 400; i++) {
		uint32_t e = tw_sketch_estimate(&s, h_of(i));

		assert_true(e >= 1);
		over += e > 1;
	}
	assert_true(over < 30);
	assert_int_equal(tw_sketch_estimate(&s, h_of(1)), 15);
	tw_sketch_fini(&s, NULL);
}

static void
test_halving(void **state)
{
	struct tw_cache_sketch s;
	uint32_t e;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(tw_sketch_init(&s, 64, NULL, 0), 0);
	assert_int_equal(s.period, 640);
	/* 32 words: 4 rows of 128 counters. */
	assert_int_equal(s.row_words * TW_SKETCH_ROWS, 32);
	for (unsigned k = 0; k < 15; k++)
		tw_sketch_add(&s, h_of(1));
	/* Fill up to the period with other keys: halving starts. */
	for (unsigned i = 0; i < 640 - 15; i++)
		tw_sketch_add(&s, h_of(1000 + i));
	assert_int_not_equal(s.halve_end, 0);
	/* Spread over the next samples (8 words each): 3 more finish. */
	for (unsigned i = 0; i < 3; i++)
		tw_sketch_add(&s, h_of(5000 + i));
	assert_int_equal(s.halve_end, 0);
	assert_int_equal(s.samples, 3);
	e = tw_sketch_estimate(&s, h_of(1));
	assert_true(e >= 7 && e <= 8);
	tw_sketch_fini(&s, NULL);

	/* Allocation failure. */
	atomic_store(&t_fail_after, 0);
	assert_int_equal(tw_sketch_init(&s, 64, NULL, 0), -ENOMEM);
	atomic_store(&t_fail_after, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_count_and_saturate),
		T_TEST(test_halving),
	};

	return cmocka_run_group_tests_name("cache/sketch", tests, NULL, NULL);
}
