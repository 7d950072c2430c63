/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "cache_test.h"

static void
expect_create(const struct tw_cache_config *cfg, int rc)
{
	struct tw_cache *c = NULL;

	assert_int_equal(tw_cache_create(cfg, &c), rc);
	if (rc == 0)
		tw_cache_destroy(c);
	else
		assert_null(c);
}

static void
test_config(void **state)
{
	struct tw_cache_config cfg = { .n_workers = 2 };
	struct tw_cache *c = NULL;
	const struct tw_cache_config *got;

	(void)state;
	assert_int_equal(tw_cache_create(NULL, &c), -EINVAL);
	assert_int_equal(tw_cache_create(&cfg, NULL), -EINVAL);
	cfg.n_workers = 0;
	expect_create(&cfg, -EINVAL);
	cfg.n_workers = 1025;
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1, .n_publishers = 1025 };
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1, .entries = 7 };
	expect_create(&cfg, -EINVAL);
	cfg.entries = (1u << 28) + 1;
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1, .ring_size = 1000 };
	expect_create(&cfg, -EINVAL);
	cfg.ring_size = 1;
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1, .defer_max = 63 };
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1,
					.ttl_max = 0x80000000u };
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1,
					.ttl_min = 100,
					.ttl_max = 50 };
	expect_create(&cfg, -EINVAL);
	cfg = (struct tw_cache_config){ .n_workers = 1, .policy = 2 };
	expect_create(&cfg, -EINVAL);

	/* Defaults. */
	cfg = (struct tw_cache_config){ .n_workers = 2 };
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	got = tw_cache_get_config(c);
	assert_int_equal(got->n_publishers, 1);
	assert_int_equal(got->entries, 65536);
	assert_int_equal(got->max_bytes, 64ull << 20);
	assert_int_equal(got->ring_size, 1024);
	assert_int_equal(got->defer_max, 4096);
	assert_int_equal(got->ttl_min, 0);
	assert_int_equal(got->ttl_max, 86400);
	assert_int_equal(got->neg_ttl_max, 10800);
	assert_int_equal(got->bogus_ttl_max, 60);
	assert_int_equal(got->policy, TW_CACHE_POLICY_TINYLFU);
	tw_cache_destroy(c);
	tw_cache_destroy(NULL);

	/* Every allocation failing in turn: -ENOMEM, nothing leaked. */
	cfg = (struct tw_cache_config){ .n_workers = 2,
					.n_publishers = 2,
					.entries = 64 };
	for (int k = 0;; k++) {
		int rc;

		atomic_store(&t_fail_after, k);
		rc = tw_cache_create(&cfg, &c);
		atomic_store(&t_fail_after, -1);
		assert_int_equal(t_outstanding(),
				 rc == 0 ? t_outstanding() : 0);
		if (rc == 0) {
			assert_true(k > 5);
			tw_cache_destroy(c);
			break;
		}
		assert_int_equal(rc, -ENOMEM);
	}
}

static void
test_publish_drain(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 3,
		.n_publishers = 2,
		.entries = 64,
	};
	struct tw_cache *c = NULL;
	struct tw_cache_blob *b;
	struct t_key tk;
	const struct tw_cache_key *k;
	struct tw_cache_stats st;

	(void)state;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	b = t_blob(c, "pub.example", 1, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, 60,
		   0, 0);
	assert_int_equal(tw_cache_publish(c, 2, b), 0); /* no such pub */
	assert_int_equal(tw_cache_publish(c, 0, NULL), 0);
	assert_int_equal(tw_cache_publish(NULL, 0, b), 0);
	assert_int_equal(tw_cache_publish(c, 1, b), 3);
	assert_int_equal(tw_cache_blob_refcnt(b), 4);
	k = t_key(&tk, "pub.example", 1, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS);
	for (unsigned i = 0; i < 3; i++) {
		struct tw_cache_worker *w = tw_cache_worker(c, i);

		assert_null(tw_cache_lookup(w, k, 1));
		assert_int_equal(tw_cache_drain(w, 1, 64), 1);
		assert_int_equal(tw_cache_drain(w, 1, 64), 0);
		assert_ptr_equal(tw_cache_lookup(w, k, 1), b);
		tw_cache_worker_stats(w, &st);
		assert_int_equal(st.inserts, 1);
		assert_int_equal(st.ring_drops, 0);
	}
	/* Creator + 3 indexes; one blob shared by all workers. */
	assert_int_equal(tw_cache_blob_refcnt(b), 4);
	assert_int_equal(tw_cache_blob_count(c), 1);
	tw_cache_blob_put(b);
	assert_int_equal(tw_cache_blob_refcnt(b), 3);

	/* The drain budget is respected, and rings are FIFO. */
	for (unsigned i = 0; i < 10; i++) {
		b = t_blob_n(c, "n", i, 0, 60, 0);
		assert_int_equal(tw_cache_publish(c, i % 2, b), 3);
		tw_cache_blob_put(b);
	}
	assert_int_equal(tw_cache_drain(tw_cache_worker(c, 0), 1, 3), 3);
	assert_int_equal(tw_cache_drain(tw_cache_worker(c, 0), 1, 100), 7);
	for (unsigned i = 0; i < 10; i++)
		assert_non_null(tw_cache_lookup(tw_cache_worker(c, 0),
						t_key(&tk,
						      i == 0   ? "n0.example"
						      : i == 9 ? "n9.example"
							       : "n5.example",
						      1, 0),
						1));
	/* Workers 1 and 2 still have 10 queued: destroy releases them. */
	tw_cache_destroy(c);
}

/* A full ring drops that worker's copy, counts it, never blocks. */
static void
test_ring_full(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 2,
		.entries = 64,
		.ring_size = 4,
	};
	struct tw_cache *c = NULL;
	struct tw_cache_blob *b[6];
	struct tw_cache_stats st;

	(void)state;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	/* Worker 1 keeps draining, worker 0 does not. */
	for (unsigned i = 0; i < 6; i++) {
		b[i] = t_blob_n(c, "f", i, 0, 60, 0);
		assert_int_equal(tw_cache_publish(c, 0, b[i]), i < 4 ? 2 : 1);
		assert_int_equal(tw_cache_drain(tw_cache_worker(c, 1), 0, 8),
				 1);
	}
	tw_cache_worker_stats(tw_cache_worker(c, 0), &st);
	assert_int_equal(st.ring_drops, 2);
	tw_cache_worker_stats(tw_cache_worker(c, 1), &st);
	assert_int_equal(st.ring_drops, 0);
	assert_int_equal(st.entries, 6);
	/* Dropped copies gave their reference back. */
	assert_int_equal(tw_cache_blob_refcnt(b[0]), 3);
	assert_int_equal(tw_cache_blob_refcnt(b[5]), 2);
	for (unsigned i = 0; i < 6; i++)
		tw_cache_blob_put(b[i]);
	tw_cache_destroy(c);
}

/*
 * Quiescent-state reclamation: a blob removed from every index is not
 * freed while a worker that could still hold it (from a lookup) has not
 * passed a quiescent point; it is freed right after the last one did.
 */
static void
test_qsbr(void **state)
{
	struct tw_cache_config cfg = { .n_workers = 2, .entries = 64 };
	struct tw_cache *c = NULL;
	struct tw_cache_worker *w0, *w1;
	struct tw_cache_blob *b, *b2;
	const struct tw_cache_blob *seen;
	struct t_key tk;
	const struct tw_cache_key *k;
	struct tw_cache_stats st;
	uint8_t out[512];
	long frees;

	(void)state;
	for (int order = 0; order < 2; order++) {
		assert_int_equal(tw_cache_create(&cfg, &c), 0);
		w0 = tw_cache_worker(c, 0);
		w1 = tw_cache_worker(c, 1);
		k = t_key(&tk, "q.example", 1, 0);
		b = t_blob(c, "q.example", 1, 0, 60, 0, 1);
		assert_int_equal(tw_cache_publish(c, 0, b), 2);
		tw_cache_blob_put(b); /* the creator is done with it */
		assert_int_equal(tw_cache_drain(w0, 0, 8), 1);
		assert_int_equal(tw_cache_drain(w1, 0, 8), 1);

		/* Worker 0 reads it (a hit in progress, no reference). */
		seen = tw_cache_lookup(w0, k, 0);
		assert_ptr_equal(seen, b);
		/* A new version reaches both workers and replaces it. */
		b2 = t_blob(c, "q.example", 1, 0, 60, 1, 2);
		assert_int_equal(tw_cache_publish(c, 0, b2), 2);
		tw_cache_blob_put(b2);
		assert_int_equal(tw_cache_drain(w0, 1, 8), 1);
		assert_int_equal(tw_cache_drain(w1, 1, 8), 1);
		assert_ptr_equal(tw_cache_lookup(w0, k, 1), b2);
		tw_cache_worker_stats(w0, &st);
		assert_int_equal(st.deferred, 1);
		/* Both indexes let go; both releases are deferred. */
		assert_int_equal(tw_cache_blob_refcnt(seen), 2);
		assert_int_equal(tw_cache_blob_count(c), 2);

		frees = atomic_load(&t_frees);
		if (order == 0) {
			/* Worker 1 passes a quiescent point: not freed,
			 * worker 0 may still be rendering it. */
			tw_cache_quiescent(w1);
			assert_int_equal(tw_cache_blob_count(c), 2);
			assert_int_equal(atomic_load(&t_frees), frees);
			/* ...and it still is valid memory (ASan). */
			assert_true(tw_cache_blob_render(seen, out, sizeof(out),
							 9, NULL, 1) > 0);
			assert_int_equal(tw_get16(out), 9);
			tw_cache_quiescent(w0);
		} else {
			/* Worker 0 (the reader) first: worker 1 has not
			 * passed its quiescent point yet. */
			assert_true(tw_cache_blob_render(seen, out, sizeof(out),
							 9, NULL, 1) > 0);
			tw_cache_quiescent(w0);
			assert_int_equal(tw_cache_blob_count(c), 2);
			assert_int_equal(atomic_load(&t_frees), frees);
			tw_cache_quiescent(w1);
		}
		/* Freed exactly now: one free, the blob gauge down. */
		assert_int_equal(atomic_load(&t_frees), frees + 1);
		assert_int_equal(tw_cache_blob_count(c), 1);
		tw_cache_worker_stats(w0, &st);
		assert_int_equal(st.deferred, 0);
		assert_true(st.quiescent >= 1);
		tw_cache_destroy(c);
		assert_int_equal(t_outstanding(), 0);
	}
}

/* Teardown releases what rings, indexes and deferred lists hold. */
static void
test_destroy_releases(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 2,
		.n_publishers = 2,
		.entries = 64,
	};
	struct tw_cache *c = NULL;
	struct t_key tk;

	(void)state;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	for (unsigned i = 0; i < 40; i++) {
		struct tw_cache_blob *b = t_blob_n(c, "t", i, 0, 60, 0);

		tw_cache_publish(c, i % 2, b);
		tw_cache_blob_put(b);
	}
	tw_cache_drain(tw_cache_worker(c, 0), 0, 30); /* 10 left queued */
	/* Some removals pending in worker 0's deferred list. */
	assert_int_equal(tw_cache_delete(tw_cache_worker(c, 0),
					 t_key(&tk, "t0.example", 1, 0)),
			 0);
	assert_int_equal(tw_cache_blob_count(c), 40);
	tw_cache_destroy(c);
}

/*
 * One publisher thread (this one) and two worker threads that drain,
 * look up, render and check what they render, and pass quiescent points.
 * Bounded by the publication count; no timing assertion.
 */
#define CC_KEYS 512u
#define CC_PUBS 100000u

struct cc_shared {
	struct tw_cache *c;
	atomic_int done;
	atomic_uint now;
};

struct cc_worker {
	struct cc_shared *sh;
	unsigned id;
	pthread_t th;
	uint64_t lookups, hits, errors;
};

static void *
cc_worker_main(void *arg)
{
	struct cc_worker *cw = arg;
	struct tw_cache_worker *w = tw_cache_worker(cw->sh->c, cw->id);
	uint32_t rng = 12345u + cw->id;
	uint8_t out[512];
	struct t_key tk;
	int done;

	do {
		uint32_t now = atomic_load_explicit(&cw->sh->now,
						    memory_order_relaxed);

		done = atomic_load(&cw->sh->done);
		tw_cache_drain(w, now, 64);
		for (unsigned j = 0; j < 32; j++) {
			char name[32];
			const struct tw_cache_blob *b;
			unsigned i;
			int n;

			rng = rng * 1103515245u + 12345u;
			i = (rng >> 8) % CC_KEYS;
			snprintf(name, sizeof(name), "k%u.example", i);
			t_key(&tk, name, 1, TW_CACHE_KF_EDNS);
			cw->lookups++;
			b = tw_cache_lookup(w, &tk.k, now);
			if (b == NULL)
				continue;
			cw->hits++;
			n = tw_cache_blob_render(b, out, sizeof(out),
						 (uint16_t)j, NULL, now);
			/* What we render belongs to the key we asked. */
			if (n != tw_cache_blob_len(b) || tw_get16(out) != j ||
			    memcmp(out + 12, tk.k.data, tk.k.len) != 0 ||
			    ((tw_get32(out + 12 + tk.k.len + 12) -
			      0x0a000000u) >>
			     12) != i ||
			    tw_get32(out + 12 + tk.k.len + 6) > 5)
				cw->errors++;
		}
		tw_cache_quiescent(w);
		if (cw->lookups % 4096 == 0)
			tw_cache_sweep(w, now, 8);
	} while (!done);
	return NULL;
}

static void
test_concurrent(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 2,
		.entries = 256,
		.ring_size = 256,
	};
	struct cc_shared sh;
	struct cc_worker cw[2];
	uint32_t rng = 777;
	uint64_t drops = 0;

	(void)state;
	memset(&sh, 0, sizeof(sh));
	atomic_store(&sh.now, 100);
	assert_int_equal(tw_cache_create(&cfg, &sh.c), 0);
	for (unsigned i = 0; i < 2; i++) {
		memset(&cw[i], 0, sizeof(cw[i]));
		cw[i].sh = &sh;
		cw[i].id = i;
		assert_int_equal(
			pthread_create(&cw[i].th, NULL, cc_worker_main, &cw[i]),
			0);
	}
	for (unsigned p = 0; p < CC_PUBS; p++) {
		char name[32];
		struct tw_cache_blob *b;
		unsigned i;
		uint32_t now = atomic_load(&sh.now), ttl;

		rng = rng * 1103515245u + 12345u;
		i = (rng >> 8) % CC_KEYS;
		ttl = 1 + (rng >> 4) % 5;
		snprintf(name, sizeof(name), "k%u.example", i);
		b = t_blob(sh.c, name, 1, TW_CACHE_KF_EDNS, ttl, now,
			   (i << 12) | (p & 0xfff));
		assert_non_null(b);
		tw_cache_publish(sh.c, 0, b);
		tw_cache_blob_put(b);
		if (p % 1000 == 999)
			atomic_store(&sh.now, now + 1);
		if (p % 64 == 0)
			sched_yield();
	}
	atomic_store(&sh.done, 1);
	for (unsigned i = 0; i < 2; i++) {
		struct tw_cache_stats st;

		pthread_join(cw[i].th, NULL);
		assert_int_equal(cw[i].errors, 0);
		assert_true(cw[i].lookups > 0);
		tw_cache_worker_stats(tw_cache_worker(sh.c, i), &st);
		assert_int_equal(st.lookups, cw[i].lookups);
		assert_int_equal(st.hits, cw[i].hits);
		assert_true(st.entries <= 256);
		drops += st.ring_drops;
		print_message("worker %u: %llu lookups, %llu hits, %llu "
			      "inserts, %llu replaces, %llu evictions, %llu "
			      "expired, %llu ring drops\n",
			      i, (unsigned long long)st.lookups,
			      (unsigned long long)st.hits,
			      (unsigned long long)st.inserts,
			      (unsigned long long)st.replaces,
			      (unsigned long long)st.evictions,
			      (unsigned long long)st.expired,
			      (unsigned long long)st.ring_drops);
	}
	(void)drops;
	tw_cache_destroy(sh.c);
	/* All blobs freed: the gauge is gone with the cache; the alloc
	 * hook counts in teardown prove no leak. */
}

/* The table allocator (tw_cache.h, table_alloc): what it is asked for. */
struct t_tables {
	int calls[4];	 /* by worker */
	int refuse_from; /* calls from this one on return NULL (-1: none) */
	int n_calls, live;
	void *given[16];
};

static void *
t_table_alloc(size_t size, size_t align, uint32_t worker, void *ctx)
{
	struct t_tables *t = ctx;
	void *p;

	assert_true(worker < 4);
	assert_true(align >= 64 && (align & (align - 1)) == 0);
	t->calls[worker]++;
	if (t->refuse_from >= 0 && t->n_calls++ >= t->refuse_from)
		return NULL;
	p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
	assert_non_null(p);
	memset(p, 0, size);
	t->given[t->live++] = p;
	return p;
}

static void
t_table_free(void *p, void *ctx)
{
	struct t_tables *t = ctx;
	int i;

	for (i = 0; i < t->live; i++)
		if (t->given[i] == p)
			break;
	assert_true(i < t->live); /* only what table_alloc gave */
	t->given[i] = t->given[--t->live];
	free(p);
}

/* One entry published to the 3 workers, found in each, then destroy. */
static void
use_and_destroy(struct tw_cache *c)
{
	struct tw_cache_blob *b = t_blob(c, "tab.example", 1, 0, 60, 0, 0);
	struct t_key tk;

	assert_int_equal(tw_cache_publish(c, 0, b), 3);
	for (unsigned w = 0; w < 3; w++) {
		assert_int_equal(tw_cache_drain(tw_cache_worker(c, w), 1, 8),
				 1);
		assert_ptr_equal(
			tw_cache_lookup(tw_cache_worker(c, w),
					t_key(&tk, "tab.example", 1, 0), 1),
			b);
	}
	tw_cache_blob_put(b);
	tw_cache_destroy(c);
}

static void
test_table_alloc(void **state)
{
	struct t_tables t = { .refuse_from = -1 };
	struct tw_cache_config cfg = { .n_workers = 3,
				       .entries = 4096,
				       .table_alloc = t_table_alloc,
				       .table_free = t_table_free,
				       .table_ctx = &t };
	struct tw_cache *c = NULL;

	(void)state;
	/* One without the other. */
	cfg.table_free = NULL;
	expect_create(&cfg, -EINVAL);
	cfg.table_free = t_table_free;
	cfg.table_alloc = NULL;
	expect_create(&cfg, -EINVAL);
	cfg.table_alloc = t_table_alloc;
	assert_int_equal(t.calls[0] + t.calls[1] + t.calls[2], 0);

	/* Each worker's index and sketch come from the hook, by worker;
	 * they are not tw_calloc() allocations. */
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	for (int w = 0; w < 3; w++)
		assert_int_equal(t.calls[w], 2);
	assert_int_equal(t.live, 6);
	use_and_destroy(c);
	assert_int_equal(t.live, 0); /* every table back to table_free */

	/* A hook that runs out: those tables come from tw_calloc(), work
	 * the same and are freed by lib/cache, not by table_free. */
	t = (struct t_tables){ .refuse_from = 3 };
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	assert_int_equal(t.live, 3);
	use_and_destroy(c);
	assert_int_equal(t.live, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_config),	       T_TEST(test_publish_drain),
		T_TEST(test_ring_full),	       T_TEST(test_qsbr),
		T_TEST(test_destroy_releases), T_TEST(test_concurrent),
		T_TEST(test_table_alloc),
	};

	return cmocka_run_group_tests_name("cache/cache", tests, NULL, NULL);
}
