/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure pieces of the lcore loop: idle back-off (drivers/net/tw_idle.h),
 * the log token bucket (ratelimit.h) and the per-lcore counters (stats.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ratelimit.h"
#include "stats.h"
#include "tw_idle.h"

#define MS 1000000ull /* ns */

static void
test_idle_backoff(void **state)
{
	static const uint32_t want[] = { 0, 0, 0, 8, 16, 32, 64, 100, 100 };
	struct tw_idle s;
	unsigned i;

	(void)state;
	tw_idle_init(&s, 3, 100);
	for (i = 0; i < TW_ARRAY_SIZE(want); i++)
		assert_int_equal(tw_idle_step(&s, 0), want[i]);
	assert_int_equal(s.sleeps, 6);
	assert_int_equal(s.slept_us, 8 + 16 + 32 + 64 + 100 + 100);
	/* Traffic resets it: spin again, then restart at the minimum. */
	assert_int_equal(tw_idle_step(&s, 5), 0);
	for (i = 0; i < TW_ARRAY_SIZE(want); i++)
		assert_int_equal(tw_idle_step(&s, 0), want[i]);

	/* sleep_max_us 0: a dedicated core never sleeps. */
	tw_idle_init(&s, 2, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(tw_idle_step(&s, 0), 0);
	assert_int_equal(s.sleeps, 0);

	/* No spin phase, maximum below the minimum step. */
	tw_idle_init(&s, 0, 5);
	assert_int_equal(tw_idle_step(&s, 0), 5);
	assert_int_equal(tw_idle_step(&s, 0), 5);
}

static void
test_ratelimit(void **state)
{
	struct tw_ratelimit rl;
	uint64_t t = 1000 * MS;
	unsigned i, ok;

	(void)state;
	tw_ratelimit_init(&rl, 10, 3, t);
	/* A full bucket: the burst, then nothing. */
	assert_true(tw_ratelimit_allow(&rl, t));
	assert_true(tw_ratelimit_allow(&rl, t));
	assert_true(tw_ratelimit_allow(&rl, t));
	assert_false(tw_ratelimit_allow(&rl, t));
	assert_false(tw_ratelimit_allow(&rl, t + 50 * MS));
	assert_int_equal(rl.suppressed, 2);
	/* 10/s: one token per 100 ms. */
	assert_true(tw_ratelimit_allow(&rl, t + 100 * MS));
	assert_false(tw_ratelimit_allow(&rl, t + 150 * MS));
	/* Over 10 s at 1 kHz: 10/s plus the initial refill, capped. */
	tw_ratelimit_init(&rl, 10, 3, t);
	for (i = 0, ok = 0; i < 10000; i++)
		ok += tw_ratelimit_allow(&rl, t + i * MS);
	assert_true(ok >= 100 && ok <= 103);
	assert_int_equal(rl.suppressed_total, 10000 - ok);
	/* A long pause refills to the burst, no more (no overflow). */
	assert_true(tw_ratelimit_allow(&rl, t + 86400000ull * MS));
	assert_true(tw_ratelimit_allow(&rl, t + 86400000ull * MS));
	assert_true(tw_ratelimit_allow(&rl, t + 86400000ull * MS));
	assert_false(tw_ratelimit_allow(&rl, t + 86400000ull * MS));
	/* Time going backwards adds nothing. */
	assert_false(tw_ratelimit_allow(&rl, t));
	/* Rate 0: logging off. */
	tw_ratelimit_init(&rl, 0, 5, t);
	assert_false(tw_ratelimit_allow(&rl, t + 1000 * MS));
	assert_int_equal(rl.suppressed, 1);
	/* Large rate and burst: no overflow in elapsed * rate. */
	tw_ratelimit_init(&rl, 100000, 100000, t);
	for (i = 0; i < 100000; i++)
		assert_true(tw_ratelimit_allow(&rl, t));
	assert_false(tw_ratelimit_allow(&rl, t));
	assert_true(tw_ratelimit_allow(&rl, t + 10000ull * 1000 * MS));
}

static void
test_stats(void **state)
{
	struct tw_stats *a, *b, tot;
	const struct tw_stats *in[2];
	char *buf = NULL;
	size_t len = 0, i, j;
	FILE *f;

	(void)state;
	a = aligned_alloc(TW_CACHE_LINE, sizeof(*a));
	b = aligned_alloc(TW_CACHE_LINE, sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	/* Per-lcore structs never share a cache line. */
	assert_int_equal(sizeof(struct tw_stats) % TW_CACHE_LINE, 0);
	tw_stat_add(a, TW_CTR_RX, 10);
	tw_stat_inc(b, TW_CTR_RX);
	tw_stat_inc(b, TW_CTR_MISSES);
	tw_stat_bogus(a, 6);
	tw_stat_bogus(b, 6);
	tw_stat_bogus(b, 7);
	tw_stat_bogus(b, 99); /* out of range: counted as 0 (Other) */
	in[0] = a;
	in[1] = b;
	tw_stats_sum(&tot, in, 2);
	assert_int_equal(tw_stat_read(&tot, TW_CTR_RX), 11);
	assert_int_equal(tw_stat_read(&tot, TW_CTR_MISSES), 1);
	assert_int_equal(tw_stat_read(&tot, TW_CTR_BOGUS), 4);
	assert_int_equal(tot.bogus_ede[6], 2);
	assert_int_equal(tot.bogus_ede[7], 1);
	assert_int_equal(tot.bogus_ede[0], 1);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	tw_stats_print(f, "lcore 1:", b, 0);
	fclose(f);
	assert_string_equal(buf, "lcore 1: rx=1 misses=1 bogus=3 bogus_ede0=1 "
				 "bogus_ede6=1 bogus_ede7=1\n");
	free(buf);

	/* Names: unique, telemetry-safe ([a-z0-9_]). */
	for (i = 0; i < TW_CTR_MAX; i++) {
		const char *n = tw_ctr_name((enum tw_ctr)i);

		assert_string_not_equal(n, "?");
		assert_int_equal(
			strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"),
			strlen(n));
		for (j = 0; j < i; j++)
			assert_string_not_equal(n, tw_ctr_name((enum tw_ctr)j));
	}
	assert_string_equal(tw_ctr_name(TW_CTR_MAX), "?");
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_backoff),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests_name("app/loop", tests, NULL, NULL);
}
