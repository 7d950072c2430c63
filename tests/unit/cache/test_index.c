/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache_test.h"

static struct tw_cache *
new_cache(uint32_t entries, uint64_t max_bytes, uint32_t policy)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = entries,
		.max_bytes = max_bytes,
		.policy = policy,
	};
	struct tw_cache *c = NULL;

	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	return c;
}

static void
stats(struct tw_cache_worker *w, struct tw_cache_stats *st)
{
	tw_cache_worker_stats(w, st);
	assert_int_equal(st->lookups, st->hits + st->misses);
}

static void
test_insert_lookup_miss(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_blob *b =
		t_blob(c, "www.example.com", 1, TW_CACHE_KF_EDNS, 300, 10, 0);
	struct t_key tk;
	struct tw_cache_stats st;
	uint8_t out[512];

	(void)state;
	assert_null(tw_cache_worker(c, 1));
	assert_null(tw_cache_worker(NULL, 0));
	assert_int_equal(tw_cache_insert(w, NULL, 10), -EINVAL);
	tw_cache_blob_get(b);
	assert_int_equal(tw_cache_insert(NULL, b, 10), -EINVAL); /* put */
	assert_int_equal(tw_cache_blob_refcnt(b), 1);

	tw_cache_prefetch(w, t_key(&tk, "www.example.com", 1, 0));
	assert_null(tw_cache_lookup(
		w, t_key(&tk, "www.example.com", 1, TW_CACHE_KF_EDNS), 10));
	assert_int_equal(tw_cache_insert(w, b, 10), 0);
	assert_ptr_equal(tw_cache_lookup(w,
					 t_key(&tk, "www.example.com", 1,
					       TW_CACHE_KF_EDNS),
					 20),
			 b);
	assert_int_equal(tw_cache_blob_render(b, out, sizeof(out), 7, NULL, 20),
			 tw_cache_blob_len(b));
	/* Other QTYPE, other name, a prefix of the name: misses. */
	assert_null(tw_cache_lookup(
		w, t_key(&tk, "www.example.com", 28, TW_CACHE_KF_EDNS), 20));
	assert_null(tw_cache_lookup(
		w, t_key(&tk, "ww.example.com", 1, TW_CACHE_KF_EDNS), 20));
	/* Same hash, other bytes (a collision): compared in full. */
	t_key(&tk, "www.example.org", 1, TW_CACHE_KF_EDNS);
	tk.k.hash =
		t_hash((const uint8_t *)"\3www\7example\3com\0\0\1\0\1", 21);
	assert_null(tw_cache_lookup(w, &tk.k, 20));
	stats(w, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 4);
	assert_int_equal(st.inserts, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.bytes, tw_cache_blob_size(b));
	assert_true(tw_cache_worker_mem(w) >= 16 * 128);
	tw_cache_quiescent(w);
	tw_cache_destroy(c);
}

/* The burst lookup gives what one-by-one lookups give. */
static void
test_lookup_burst(void **state)
{
	struct tw_cache *c = new_cache(256, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk[80];
	struct tw_cache_key keys[80];
	const struct tw_cache_blob *out[80];
	struct tw_cache_stats st;
	unsigned expect = 0;

	(void)state;
	/* Even names present; name 10 expires at 50. */
	for (unsigned i = 0; i < 80; i += 2)
		assert_int_equal(
			tw_cache_insert(
				w,
				t_blob_n(c, "b", i, 0, i == 10 ? 50 : 100, 0),
				0),
			0);
	for (unsigned i = 0; i < 80; i++)
		keys[i] = *t_key_n(&tk[i], "b", i, 0);
	assert_int_equal(tw_cache_lookup_burst(w, keys, 80, 60, out), 39);
	for (unsigned i = 0; i < 80; i++) {
		if (i % 2 == 0 && i != 10) {
			assert_non_null(out[i]);
			assert_ptr_equal(out[i],
					 tw_cache_lookup(w, &keys[i], 60));
			expect++;
		} else {
			assert_null(out[i]);
		}
	}
	stats(w, &st);
	assert_int_equal(st.hits, 2 * expect);
	assert_int_equal(st.misses, 41);
	assert_int_equal(st.expired, 1);
	assert_int_equal(tw_cache_lookup_burst(w, keys, 0, 60, out), 0);
	tw_cache_destroy(c);
}

/* DO, CD (and the other flags) select different answers. */
static void
test_flags_distinct(void **state)
{
	static const uint8_t fl[] = {
		TW_CACHE_KF_EDNS,
		TW_CACHE_KF_EDNS | TW_CACHE_KF_DO,
		TW_CACHE_KF_EDNS | TW_CACHE_KF_CD,
		TW_CACHE_KF_EDNS | TW_CACHE_KF_DO | TW_CACHE_KF_CD,
		0,
		TW_CACHE_KF_RD,
		TW_CACHE_KF_AD,
	};
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_blob *b[TW_ARRAY_SIZE(fl)];
	struct t_key tk;

	(void)state;
	for (unsigned i = 0; i < TW_ARRAY_SIZE(fl); i++) {
		/* Before inserting flag set i, no other set answers it. */
		assert_null(tw_cache_lookup(
			w, t_key(&tk, "example.net", 1, fl[i]), 1));
		b[i] = t_blob(c, "example.net", 1, fl[i], 60, 1, i);
		assert_int_equal(tw_cache_insert(w, b[i], 1), 0);
	}
	for (unsigned i = 0; i < TW_ARRAY_SIZE(fl); i++)
		assert_ptr_equal(
			tw_cache_lookup(w, t_key(&tk, "example.net", 1, fl[i]),
					2),
			b[i]);
	tw_cache_destroy(c);
}

/* Keys are bytes: lowercasing is the caller's job. */
static void
test_key_case(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk;
	struct tw_cache_key up;
	uint8_t raw[64];

	(void)state;
	assert_int_equal(
		tw_cache_insert(w, t_blob(c, "Example.NET", 1, 0, 60, 1, 0), 1),
		0);
	/* Lowercased by the caller: hit. */
	assert_non_null(tw_cache_lookup(w, t_key(&tk, "example.net", 1, 0), 1));
	/* Not lowercased: other bytes, other hash: a miss. */
	up.len = (uint16_t)t_name(raw, "Example.NET");
	raw[up.len] = 0;
	raw[up.len + 1] = 1;
	raw[up.len + 2] = 0;
	raw[up.len + 3] = 1;
	up.len = (uint16_t)(up.len + 4);
	up.data = raw;
	up.flags = 0;
	up.hash = t_hash(raw, up.len);
	assert_null(tw_cache_lookup(w, &up, 1));
	/* Even with the lowercase key's hash, the bytes are compared. */
	up.hash = tk.k.hash;
	assert_null(tw_cache_lookup(w, &up, 1));
	tw_cache_destroy(c);
}

static void
test_ttl_expiry(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk;
	const struct tw_cache_key *k;
	struct tw_cache_stats st;
	struct tw_cache_blob *b;

	(void)state;
	b = t_blob(c, "ttl.example", 1, 0, 10, 100, 0);
	assert_int_equal(tw_cache_insert(w, b, 100), 0);
	k = t_key(&tk, "ttl.example", 1, 0);
	assert_non_null(tw_cache_lookup(w, k, 100));
	assert_non_null(tw_cache_lookup(w, k, 109));
	/* now >= expire: a miss, removed at once. */
	assert_null(tw_cache_lookup(w, k, 110));
	stats(w, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.deferred, 1);
	assert_int_equal(tw_cache_blob_count(c), 1); /* not before ... */
	tw_cache_quiescent(w);
	assert_int_equal(tw_cache_blob_count(c), 0); /* ... quiescence */
	assert_null(tw_cache_lookup(w, k, 105));     /* gone for good */

	/* Inserting an already expired blob: refused, released. */
	b = t_blob(c, "ttl.example", 1, 0, 10, 100, 0);
	assert_int_equal(tw_cache_insert(w, b, 200), -ESTALE);
	assert_int_equal(tw_cache_blob_count(c), 0);
	tw_cache_destroy(c);
}

/* Negative and bogus entries are cached and expire on their caps. */
static void
test_negative_and_bogus(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = 64,
		.neg_ttl_max = 300,
		.bogus_ttl_max = 30,
	};
	struct tw_cache *c = NULL;
	struct tw_cache_worker *w;
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *b;
	const struct tw_cache_key *k;
	const struct tw_cache_blob *hit;

	(void)state;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	w = tw_cache_worker(c, 0);

	/* NXDOMAIN, negative TTL 3600 from the SOA: held 300 s. */
	k = t_key(&tk, "nx.example", 1, 0);
	t_msg(&m, k, 1, 3600, 0, 3, 0); /* the "A" stands in for the SOA */
	t_answer(&a, k, &m, 3600, TW_CACHE_NEGATIVE);
	assert_int_equal(tw_cache_blob_create(c, &a, 0, &b), 0);
	assert_int_equal(tw_cache_insert(w, b, 0), 0);
	hit = tw_cache_lookup(w, k, 299);
	assert_non_null(hit);
	assert_int_equal(tw_cache_blob_rcode(hit), 3);
	assert_int_equal(tw_cache_blob_kind(hit), TW_CACHE_NEGATIVE);
	assert_null(tw_cache_lookup(w, k, 300));

	/* Bogus with a 600 s hold asked: 30 s. */
	k = t_key(&tk, "bogus.example", 1, TW_CACHE_KF_EDNS);
	t_msg(&m, k, 0, 0, 0, 2, 1);
	t_answer(&a, k, &m, 600, TW_CACHE_BOGUS);
	a.ede = 6;
	assert_int_equal(tw_cache_blob_create(c, &a, 1000, &b), 0);
	assert_int_equal(tw_cache_insert(w, b, 1000), 0);
	hit = tw_cache_lookup(w, k, 1029);
	assert_non_null(hit);
	assert_int_equal(tw_cache_blob_ede(hit), 6);
	assert_null(tw_cache_lookup(w, k, 1030));
	tw_cache_quiescent(w);
	assert_int_equal(tw_cache_blob_count(c), 0);
	tw_cache_destroy(c);
}

/* The sweep removes expired entries with bounded work per call. */
static void
test_sweep(void **state)
{
	struct tw_cache *c = new_cache(256, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_stats st;
	unsigned removed = 0, calls = 0, live = 0;

	(void)state;
	for (unsigned i = 0; i < 200; i++)
		assert_int_equal(tw_cache_insert(w,
						 t_blob_n(c, "s", i, 0,
							  i % 2 ? 10 : 1000, 0),
						 0),
				 0);
	stats(w, &st);
	live = (unsigned)st.entries;
	assert_true(live > 150);
	/* One bucket per call: at most 8 removals per call. */
	while (calls < 64 + 1) {
		unsigned n = tw_cache_sweep(w, 50, 1);

		assert_true(n <= 8);
		removed += n;
		calls++;
		tw_cache_quiescent(w);
	}
	stats(w, &st);
	assert_true(removed > 0);
	assert_int_equal(st.expired, removed);
	assert_int_equal(st.entries, live - removed);
	/* All odd (10 s) entries gone, all even (1000 s) ones there. */
	for (unsigned i = 0; i < 200; i++) {
		struct t_key tk;
		const struct tw_cache_blob *b =
			tw_cache_lookup(w, t_key_n(&tk, "s", i, 0), 50);

		if (i % 2)
			assert_null(b);
	}
	stats(w, &st);
	assert_int_equal(st.expired, removed); /* lookups found none */
	/* A big budget is clamped to the table. */
	assert_int_equal(tw_cache_sweep(w, 50, 1000000), 0);
	tw_cache_destroy(c);
}

static void
test_replace_and_same(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_blob *v1 = t_blob(c, "r.example", 1, 0, 60, 1, 1);
	struct tw_cache_blob *v2 = t_blob(c, "r.example", 1, 0, 60, 2, 2);
	struct t_key tk;
	const struct tw_cache_key *k = t_key(&tk, "r.example", 1, 0);
	struct tw_cache_stats st;

	(void)state;
	assert_int_equal(tw_cache_insert(w, v1, 1), 0);
	assert_ptr_equal(tw_cache_lookup(w, k, 2), v1);
	/* Same blob again (a duplicate publication): no second entry. */
	tw_cache_blob_get(v1);
	assert_int_equal(tw_cache_insert(w, v1, 2), 0);
	assert_int_equal(tw_cache_blob_refcnt(v1), 1);
	/* A new version replaces the old one. */
	assert_int_equal(tw_cache_insert(w, v2, 2), 0);
	assert_ptr_equal(tw_cache_lookup(w, k, 3), v2);
	stats(w, &st);
	assert_int_equal(st.inserts, 1);
	assert_int_equal(st.replaces, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.bytes, tw_cache_blob_size(v2));
	assert_int_equal(tw_cache_blob_count(c), 2);
	tw_cache_quiescent(w);
	assert_int_equal(tw_cache_blob_count(c), 1);
	tw_cache_destroy(c);
}

static void
test_delete_flush(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk;
	struct tw_cache_stats st;

	(void)state;
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, "d", i, 0, 60, 0), 0),
			0);
	assert_int_equal(tw_cache_delete(w, t_key_n(&tk, "d", 3, 0)), 0);
	assert_int_equal(tw_cache_delete(w, t_key_n(&tk, "d", 3, 0)), -ENOENT);
	assert_null(tw_cache_lookup(w, &tk.k, 1));
	assert_non_null(tw_cache_lookup(w, t_key_n(&tk, "d", 4, 0), 1));
	tw_cache_flush(w);
	stats(w, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.deferred, 0);
	assert_int_equal(tw_cache_blob_count(c), 0);
	assert_null(tw_cache_lookup(w, &tk.k, 1));
	tw_cache_destroy(c);
}

/* The deferred list is bounded: operations that need it say -EBUSY. */
static void
test_defer_full(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = 256,
		.defer_max = 64,
	};
	struct tw_cache *c = NULL;
	struct tw_cache_worker *w;
	struct t_key tk;
	unsigned i;

	(void)state;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	w = tw_cache_worker(c, 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, "q", i, 0, 60, 0), 0),
			0);
	for (i = 0; i < 64; i++)
		assert_int_equal(tw_cache_delete(w, t_key_n(&tk, "q", i, 0)),
				 0);
	assert_int_equal(tw_cache_delete(w, t_key_n(&tk, "q", i, 0)), -EBUSY);
	assert_int_equal(
		tw_cache_insert(w, t_blob_n(c, "q", 1000, 0, 60, 0), 0),
		-EBUSY);
	/* Lazy expiry cannot remove either, but still misses. */
	assert_null(tw_cache_lookup(w, &tk.k, 100));
	assert_int_equal(tw_cache_sweep(w, 100, 100), 0);
	tw_cache_quiescent(w);
	assert_int_equal(tw_cache_delete(w, &tk.k), 0);
	assert_int_equal(tw_cache_sweep(w, 100, 100), 35);
	tw_cache_quiescent(w);
	assert_int_equal(tw_cache_blob_count(c), 0);
	tw_cache_destroy(c);
}

/* The index never holds more than `entries` entries. */
static void
test_capacity(void **state)
{
	struct tw_cache *c = new_cache(64, 0, 0);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_stats st;
	struct t_key tk;

	(void)state;
	for (unsigned i = 0; i < 1000; i++) {
		/* Each key missed once, then published. */
		assert_null(tw_cache_lookup(w, t_key_n(&tk, "c", i, 0), 0));
		tw_cache_insert(w, t_blob_n(c, "c", i, 0, 60, 0), 0);
		tw_cache_quiescent(w);
		stats(w, &st);
		assert_true(st.entries <= 64);
		assert_int_equal(tw_cache_blob_count(c), st.entries);
	}
	stats(w, &st);
	assert_int_equal(st.entries, 64);
	assert_int_equal(st.inserts, st.entries + st.evictions);
	assert_int_equal(st.inserts + st.admit_rejects, 1000);
	/* The newest key is there. */
	assert_non_null(tw_cache_lookup(w, &tk.k, 1));
	tw_cache_destroy(c);
}

/* The index never references more than max_bytes of blobs. */
static void
test_memory_bound(void **state)
{
	struct tw_cache *c = new_cache(4096, 0, 0);
	struct tw_cache_blob *b = t_blob_n(c, "m", 0, 0, 60, 0);
	uint64_t size = tw_cache_blob_size(b), limit = 20 * size + size / 2;
	struct tw_cache_worker *w;
	struct tw_cache_stats st;
	struct tw_cache_config cfg;

	(void)state;
	tw_cache_blob_put(b);
	tw_cache_destroy(c);
	c = new_cache(4096, limit, 0);
	w = tw_cache_worker(c, 0);
	cfg = *tw_cache_get_config(c);
	assert_int_equal(cfg.max_bytes, limit);
	for (unsigned i = 0; i < 500; i++) {
		tw_cache_insert(w, t_blob_n(c, "m", i, 0, 60, 0), 0);
		tw_cache_quiescent(w);
		stats(w, &st);
		assert_true(st.bytes <= limit);
		assert_true(tw_cache_blob_bytes(c) <= limit);
	}
	/* Longer names make later blobs a few bytes larger. */
	assert_true(st.entries == 19 || st.entries == 20);
	tw_cache_destroy(c);

	/* The byte limit binds with few entries in a big, sparse table:
	 * victims are still found. */
	c = new_cache(8192, 3 * size + size / 2, 0);
	w = tw_cache_worker(c, 0);
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, "s", i, 0, 60, 0), 0),
			0);
		tw_cache_quiescent(w);
	}
	stats(w, &st);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.admit_rejects, 0);
	tw_cache_destroy(c);
	/* A blob larger than the whole budget: -E2BIG. */
	c = new_cache(64, 100, 0);
	w = tw_cache_worker(c, 0);
	b = t_blob_n(c, "m", 0, 0, 60, 0);
	assert_true(tw_cache_blob_size(b) > 100);
	assert_int_equal(tw_cache_insert(w, b, 0), -E2BIG);
	stats(w, &st);
	assert_int_equal(st.admit_rejects, 1);
	tw_cache_destroy(c);
}

/*
 * Insert "<prefix><i>.example" for i = 0, 1, ... until the index holds
 * `n` entries (8-way buckets may overflow before: an overflowing insert
 * evicts a never-hit entry of its bucket). Returns the names used.
 */
static unsigned
fill(struct tw_cache *c, struct tw_cache_worker *w, const char *pfx, unsigned n)
{
	struct tw_cache_stats st;
	unsigned i = 0;

	do {
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, pfx, i++, 0, 60, 0), 0),
			0);
		tw_cache_quiescent(w);
		stats(w, &st);
	} while (st.entries < n);
	return i;
}

/* TinyLFU admission: a key missed often displaces a key hit rarely. */
static void
test_admission(void **state)
{
	struct tw_cache *c = new_cache(64, 0, TW_CACHE_POLICY_TINYLFU);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct tw_cache_stats st, st0;
	struct t_key tk;
	unsigned i, used, hits = 0;

	(void)state;
	/* Fill to capacity; every resident then gets one hit. */
	used = fill(c, w, "f", 64);
	for (i = 0; i < used; i++)
		hits += tw_cache_lookup(w, t_key_n(&tk, "f", i, 0), 0) != NULL;
	assert_int_equal(hits, 64);
	stats(w, &st0);
	/* A newcomer never seen here: refused. */
	assert_int_equal(tw_cache_insert(w, t_blob_n(c, "new", 0, 0, 60, 0), 0),
			 -ENOSPC);
	/* After three misses it beats a once-hit resident. */
	for (i = 0; i < 3; i++)
		assert_null(tw_cache_lookup(w, t_key_n(&tk, "new", 0, 0), 0));
	assert_int_equal(tw_cache_insert(w, t_blob_n(c, "new", 0, 0, 60, 0), 0),
			 0);
	assert_non_null(tw_cache_lookup(w, &tk.k, 0));
	stats(w, &st);
	assert_int_equal(st.admit_rejects - st0.admit_rejects, 1);
	assert_int_equal(st.evictions - st0.evictions, 1);
	assert_int_equal(st.entries, 64);
	tw_cache_quiescent(w);
	tw_cache_destroy(c);
}

/*
 * A new, larger version of a present key needs room: it is not refused
 * by admission (its old version is already gone, the key would vanish);
 * another entry makes room, even a more popular one.
 */
static void
test_replace_larger(void **state)
{
	struct tw_cache *c = new_cache(64, 0, TW_CACHE_POLICY_TINYLFU);
	struct tw_cache_blob *b = t_blob_n(c, "a", 0, 0, 60, 0), *big = NULL;
	uint64_t size = tw_cache_blob_size(b);
	struct tw_cache_worker *w;
	struct tw_cache_answer a;
	struct t_key tk;
	struct t_msg m;
	const struct tw_cache_blob *got;

	(void)state;
	tw_cache_blob_put(b);
	tw_cache_destroy(c);
	c = new_cache(64, 3 * size + size / 2, TW_CACHE_POLICY_TINYLFU);
	w = tw_cache_worker(c, 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, "a", i, 0, 60, 0), 0),
			0);
		tw_cache_quiescent(w);
	}
	/* a1 and a2 are popular, a0 never hit */
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 1; i < 3; i++)
			assert_non_null(
				tw_cache_lookup(w, t_key_n(&tk, "a", i, 0), 0));
	tw_cache_quiescent(w);
	/* a0 again, with 8 A records: larger, the byte budget needs a
	 * victim */
	t_key_n(&tk, "a", 0, 0);
	t_msg(&m, &tk.k, 8, 60, 0, 0, 0);
	t_answer(&a, &tk.k, &m, 60, TW_CACHE_POSITIVE);
	assert_int_equal(tw_cache_blob_create(c, &a, 0, &big), 0);
	assert_true(tw_cache_blob_size(big) > size + size / 2);
	assert_int_equal(tw_cache_insert(w, big, 0), 0);
	got = tw_cache_lookup(w, &tk.k, 0);
	assert_non_null(got);
	assert_int_equal(tw_cache_blob_len(got), m.len);
	tw_cache_quiescent(w);
	tw_cache_destroy(c);
}

/* Hit counters age: old popularity does not protect an entry forever. */
static void
test_aging(void **state)
{
	struct tw_cache *c = new_cache(64, 0, TW_CACHE_POLICY_TINYLFU);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk;
	unsigned i, used, old = 0, tries;
	int rc = -1;

	(void)state;
	used = fill(c, w, "g", 64);
	/* Find a resident: it was very popular once. */
	while (tw_cache_lookup(w, t_key_n(&tk, "g", old, 0), 0) == NULL)
		old++;
	for (i = 0; i < 15; i++)
		tw_cache_lookup(w, t_key_n(&tk, "g", old, 0), 0);
	/* Then only the others are used, over many aging periods (one per
	 * 8 * entries hits), so they stay near the top. */
	for (unsigned r = 0; r < 100; r++)
		for (i = 0; i < used; i++)
			if (i != old)
				tw_cache_lookup(w, t_key_n(&tk, "g", i, 0), 0);
	/* A newcomer missed twice beats the old one (aged to 0) - once
	 * the victim sample reaches it - and nobody else. */
	for (i = 0; i < 2; i++)
		tw_cache_lookup(w, t_key_n(&tk, "h", 0, 0), 0);
	for (tries = 0; tries < 16 && rc != 0; tries++)
		rc = tw_cache_insert(w, t_blob_n(c, "h", 0, 0, 60, 0), 0);
	assert_int_equal(rc, 0);
	assert_null(tw_cache_lookup(w, t_key_n(&tk, "g", old, 0), 0));
	for (i = 0; i < used; i++) {
		const struct tw_cache_blob *b;

		b = tw_cache_lookup(w, t_key_n(&tk, "g", i, 0), 0);
		if (i != old && b == NULL) {
			/* Only names evicted while filling may miss. */
			struct tw_cache_stats st;

			stats(w, &st);
			assert_true(used > 64);
		}
	}
	tw_cache_quiescent(w);
	tw_cache_destroy(c);
}

/*
 * Random-subdomain flood. Warm N popular keys (each hit 16 times), then
 * 20 x capacity unique one-hit keys: each missed once (the query that
 * reached this worker; optional) and then published. Returns how many
 * popular keys still hit.
 */
#define FLOOD_CAP 4096u
#define FLOOD_POP 1024u

static unsigned
flood(uint32_t policy, int miss_first, struct tw_cache_stats *st)
{
	struct tw_cache *c = new_cache(FLOOD_CAP, 0, policy);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	struct t_key tk;
	unsigned i, hits = 0;
	uint32_t now = 1000;

	for (i = 0; i < FLOOD_POP; i++) {
		assert_null(tw_cache_lookup(w, t_key_n(&tk, "pop", i, 0), now));
		assert_int_equal(
			tw_cache_insert(w, t_blob_n(c, "pop", i, 0, 3600, now),
					now),
			0);
	}
	for (unsigned round = 0; round < 16; round++)
		for (i = 0; i < FLOOD_POP; i++)
			assert_non_null(tw_cache_lookup(
				w, t_key_n(&tk, "pop", i, 0), now));
	for (i = 0; i < 20 * FLOOD_CAP; i++) {
		if (miss_first)
			assert_null(tw_cache_lookup(
				w, t_key_n(&tk, "flood-", i, 0), now));
		tw_cache_insert(w, t_blob_n(c, "flood-", i, 0, 3600, now), now);
		/* Mode 2: every flood name is asked twice (a second-hit
		 * flood, which defeats plain segmented LRU). */
		if (miss_first == 2)
			tw_cache_lookup(w, &tk.k, now);
		tw_cache_quiescent(w);
	}
	/* The cache still admits: the newest flood key is there. */
	assert_non_null(
		tw_cache_lookup(w, t_key_n(&tk, "flood-", i - 1, 0), now));
	for (i = 0; i < FLOOD_POP; i++)
		if (tw_cache_lookup(w, t_key_n(&tk, "pop", i, 0), now) != NULL)
			hits++;
	tw_cache_worker_stats(w, st);
	assert_true(st->entries <= FLOOD_CAP);
	tw_cache_quiescent(w);
	tw_cache_destroy(c);
	return hits;
}

static void
test_flood_resistance(void **state)
{
	struct tw_cache_stats st;
	unsigned lfu_a, lfu_b, lfu_c, clk;

	(void)state;
	lfu_a = flood(TW_CACHE_POLICY_TINYLFU, 1, &st);
	print_message("tinylfu, flood missed then published: %u/%u popular "
		      "hit; %llu evictions, %llu admission rejects\n",
		      lfu_a, FLOOD_POP, (unsigned long long)st.evictions,
		      (unsigned long long)st.admit_rejects);
	lfu_c = flood(TW_CACHE_POLICY_TINYLFU, 2, &st);
	print_message("tinylfu, flood names asked twice:    %u/%u popular "
		      "hit; %llu evictions, %llu admission rejects\n",
		      lfu_c, FLOOD_POP, (unsigned long long)st.evictions,
		      (unsigned long long)st.admit_rejects);
	lfu_b = flood(TW_CACHE_POLICY_TINYLFU, 0, &st);
	print_message("tinylfu, flood published only:       %u/%u popular "
		      "hit; %llu evictions, %llu admission rejects\n",
		      lfu_b, FLOOD_POP, (unsigned long long)st.evictions,
		      (unsigned long long)st.admit_rejects);
	/*
	 * The comparison: CLOCK approximates LRU. Exact LRU would keep none
	 * of them: once FLOOD_CAP keys newer than the last popular hit were
	 * inserted, every popular key is the least recently used and goes.
	 */
	clk = flood(TW_CACHE_POLICY_CLOCK, 1, &st);
	print_message("clock (LRU-like), same flood:        %u/%u popular "
		      "hit; %llu evictions\n",
		      clk, FLOOD_POP, (unsigned long long)st.evictions);
	assert_true(lfu_a * 10 >= FLOOD_POP * 9);
	assert_true(lfu_b * 10 >= FLOOD_POP * 9);
	assert_true(lfu_c * 10 >= FLOOD_POP * 9);
	assert_true(clk * 10 <= FLOOD_POP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_insert_lookup_miss),
		T_TEST(test_lookup_burst),
		T_TEST(test_flags_distinct),
		T_TEST(test_key_case),
		T_TEST(test_ttl_expiry),
		T_TEST(test_negative_and_bogus),
		T_TEST(test_sweep),
		T_TEST(test_replace_and_same),
		T_TEST(test_replace_larger),
		T_TEST(test_delete_flush),
		T_TEST(test_defer_full),
		T_TEST(test_capacity),
		T_TEST(test_memory_bound),
		T_TEST(test_admission),
		T_TEST(test_aging),
		T_TEST(test_flood_resistance),
	};

	return cmocka_run_group_tests_name("cache/index", tests, NULL, NULL);
}
