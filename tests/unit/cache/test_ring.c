/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "cache_priv.h"
#include "cache_test.h"

static void
test_create_errors(void **state)
{
	struct tw_spsc_ring *r = NULL;

	(void)state;
	assert_int_equal(tw_spsc_create(0, &r), -EINVAL);
	assert_int_equal(tw_spsc_create(1, &r), -EINVAL);
	assert_int_equal(tw_spsc_create(3, &r), -EINVAL);
	assert_int_equal(tw_spsc_create(1000, &r), -EINVAL);
	assert_int_equal(tw_spsc_create((1u << 30) * 2u, &r), -EINVAL);
	assert_int_equal(tw_spsc_create(8, NULL), -EINVAL);
	atomic_store(&t_fail_after, 0);
	assert_int_equal(tw_spsc_create(8, &r), -ENOMEM);
	atomic_store(&t_fail_after, 1);
	assert_int_equal(tw_spsc_create(8, &r), -ENOMEM);
	atomic_store(&t_fail_after, -1);
	assert_int_equal(tw_spsc_create(2, &r), 0);
	assert_int_equal(tw_spsc_size(r), 2);
	tw_spsc_free(r);
	tw_spsc_free(NULL);
}

static void
test_basic_and_full(void **state)
{
	struct tw_spsc_ring *r;
	uintptr_t in[16], out[16];

	(void)state;
	assert_int_equal(tw_spsc_create(8, &r), 0);
	for (unsigned i = 0; i < 16; i++)
		in[i] = 100 + i;
	/* Empty ring. */
	assert_int_equal(tw_spsc_dequeue_burst(r, (void **)out, 4), 0);
	assert_int_equal(tw_spsc_count(r), 0);
	/* Partial burst: 5 of 5, then only 3 of 5 fit (size 8). */
	assert_int_equal(tw_spsc_enqueue_burst(r, (void *const *)in, 5), 5);
	assert_int_equal(tw_spsc_enqueue_burst(r, (void *const *)(in + 5), 5),
			 3);
	assert_int_equal(tw_spsc_count(r), 8);
	/* Full: nothing more goes in. */
	assert_int_equal(tw_spsc_enqueue_burst(r, (void *const *)in, 1), 0);
	/* FIFO order, burst bigger than what is there. */
	assert_int_equal(tw_spsc_dequeue_burst(r, (void **)out, 3), 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(out[i], 100 + i);
	assert_int_equal(tw_spsc_dequeue_burst(r, (void **)out, 16), 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(out[i], 103 + i);
	assert_int_equal(tw_spsc_count(r), 0);
	/* Zero-sized bursts are no-ops. */
	assert_int_equal(tw_spsc_enqueue_burst(r, (void *const *)in, 0), 0);
	assert_int_equal(tw_spsc_dequeue_burst(r, (void **)out, 0), 0);
	tw_spsc_free(r);
}

/* Slot wrap-around (index & mask) and index wrap-around (2^32). */
static void
test_wrap(void **state)
{
	struct tw_spsc_ring *r;
	uintptr_t in[5], out[5];
	uintptr_t next_in = 1, next_out = 1;

	(void)state;
	assert_int_equal(tw_spsc_create(8, &r), 0);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			tw_spsc_reset_at(r, UINT32_MAX - 20);
		for (unsigned round = 0; round < 50; round++) {
			unsigned n, got;

			for (unsigned i = 0; i < 5; i++)
				in[i] = next_in + i;
			n = tw_spsc_enqueue_burst(r, (void *const *)in, 5);
			next_in += n;
			got = tw_spsc_dequeue_burst(r, (void **)out, 4);
			for (unsigned i = 0; i < got; i++)
				assert_int_equal(out[i], next_out++);
			assert_true(tw_spsc_count(r) <= 8);
		}
		while (tw_spsc_dequeue_burst(r, (void **)out, 1) == 1)
			assert_int_equal(out[0], next_out++);
		assert_int_equal(next_in, next_out);
	}
	tw_spsc_free(r);
}

#define N_ITEMS 1000000u

struct xfer {
	struct tw_spsc_ring *r;
	uint64_t sum;
	uint64_t xsum;
	uint32_t count;
	int order_ok;
};

static void *
producer(void *arg)
{
	struct xfer *x = arg;
	uintptr_t batch[13];
	uint32_t next = 1;

	while (next <= N_ITEMS) {
		unsigned n = 0, put;

		while (n < 13 && next + n <= N_ITEMS) {
			batch[n] = next + n;
			n++;
		}
		put = tw_spsc_enqueue_burst(x->r, (void *const *)batch, n);
		next += put;
		if (put == 0)
			sched_yield();
	}
	return NULL;
}

static void *
consumer(void *arg)
{
	struct xfer *x = arg;
	uintptr_t batch[7];
	uint32_t expect = 1;

	x->order_ok = 1;
	while (x->count < N_ITEMS) {
		unsigned n = tw_spsc_dequeue_burst(x->r, (void **)batch, 7);

		for (unsigned i = 0; i < n; i++) {
			uint64_t v = batch[i];

			if (v != expect)
				x->order_ok = 0;
			expect++;
			x->sum += v;
			x->xsum ^= v * 0x9e3779b97f4a7c15ull;
			x->count++;
		}
		if (n == 0)
			sched_yield();
	}
	return NULL;
}

/* A real producer and consumer thread moving 1e6 items. */
static void
test_two_threads(void **state)
{
	struct xfer x;
	pthread_t tp, tc;
	uint64_t sum = 0, xsum = 0;

	(void)state;
	memset(&x, 0, sizeof(x));
	assert_int_equal(tw_spsc_create(64, &x.r), 0);
	assert_int_equal(pthread_create(&tc, NULL, consumer, &x), 0);
	assert_int_equal(pthread_create(&tp, NULL, producer, &x), 0);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	for (uint64_t v = 1; v <= N_ITEMS; v++) {
		sum += v;
		xsum ^= v * 0x9e3779b97f4a7c15ull;
	}
	assert_int_equal(x.count, N_ITEMS);
	assert_true(x.order_ok);
	assert_int_equal(x.sum, sum);
	assert_int_equal(x.xsum, xsum);
	assert_int_equal(tw_spsc_count(x.r), 0);
	tw_spsc_free(x.r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_create_errors),
		T_TEST(test_basic_and_full),
		T_TEST(test_wrap),
		T_TEST(test_two_threads),
	};

	return cmocka_run_group_tests_name("cache/ring", tests, NULL, NULL);
}
