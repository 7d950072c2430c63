/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/crypto/cache.c: the verdict cache (set associative, LRU ways, only
 * definitive verdicts) and the key cache (bounded LRU, pinned entries
 * survive eviction until released), through the private interface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "crypto_priv.h"
#include "crypto_test_util.h"

static void
fp_of(uint32_t set, uint32_t n, uint8_t fp[TW_FP_LEN])
{
	memset(fp, 0, TW_FP_LEN);
	memcpy(fp, &set, sizeof(set)); /* the set index is the first word */
	memcpy(fp + 8, &n, sizeof(n));
}

static void
test_vcache_basic(void **state)
{
	struct tw_vcache vc;
	uint8_t a[TW_FP_LEN], b[TW_FP_LEN];

	(void)state;
	assert_int_equal(tw_vcache_init(&vc, 100), 0);
	assert_int_equal(vc.set_mask + 1, 32); /* 128 entries / 4 ways */
	fp_of(1, 1, a);
	fp_of(1, 2, b);
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_PENDING);
	assert_int_equal(tw_vcache_insert(&vc, a, TW_CRYPTO_VALID), 0);
	assert_int_equal(tw_vcache_insert(&vc, b, TW_CRYPTO_INVALID), 0);
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_VALID);
	assert_int_equal(tw_vcache_lookup(&vc, b), TW_CRYPTO_INVALID);
	/* only definitive verdicts are stored */
	fp_of(2, 1, a);
	assert_int_equal(tw_vcache_insert(&vc, a, TW_CRYPTO_ERROR), 0);
	assert_int_equal(tw_vcache_insert(&vc, a, TW_CRYPTO_BADKEY), 0);
	assert_int_equal(tw_vcache_insert(&vc, a, TW_CRYPTO_UNSUPPORTED), 0);
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_PENDING);
	/* a fingerprint differing in its last octet is another entry */
	fp_of(1, 1, a);
	a[TW_FP_LEN - 1] = 1;
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_PENDING);
	/* overwrite in place */
	fp_of(1, 1, a);
	assert_int_equal(tw_vcache_insert(&vc, a, TW_CRYPTO_INVALID), 0);
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_INVALID);
	tw_vcache_flush(&vc);
	assert_int_equal(tw_vcache_lookup(&vc, a), TW_CRYPTO_PENDING);
	assert_int_equal(tw_vcache_lookup(&vc, b), TW_CRYPTO_PENDING);
	tw_vcache_fini(&vc);
}

static void
test_vcache_lru(void **state)
{
	struct tw_vcache vc;
	uint8_t fp[8][TW_FP_LEN];

	(void)state;
	assert_int_equal(tw_vcache_init(&vc, 4), 0); /* one set of 4 */
	for (uint32_t i = 0; i < 8; i++)
		fp_of(i * 1000, i, fp[i]); /* all map to set 0 */
	for (int i = 0; i < 4; i++)
		assert_int_equal(tw_vcache_insert(&vc, fp[i], TW_CRYPTO_VALID),
				 0);
	/* touch 0: 1 is now the least recently used */
	assert_int_equal(tw_vcache_lookup(&vc, fp[0]), TW_CRYPTO_VALID);
	assert_int_equal(tw_vcache_insert(&vc, fp[4], TW_CRYPTO_VALID), 1);
	assert_int_equal(tw_vcache_lookup(&vc, fp[1]), TW_CRYPTO_PENDING);
	assert_int_equal(tw_vcache_lookup(&vc, fp[0]), TW_CRYPTO_VALID);
	assert_int_equal(tw_vcache_lookup(&vc, fp[4]), TW_CRYPTO_VALID);
	tw_vcache_fini(&vc);

	/* disabled */
	assert_int_equal(tw_vcache_init(&vc, 0), 0);
	assert_int_equal(tw_vcache_insert(&vc, fp[0], TW_CRYPTO_VALID), 0);
	assert_int_equal(tw_vcache_lookup(&vc, fp[0]), TW_CRYPTO_PENDING);
	tw_vcache_flush(&vc);
	tw_vcache_fini(&vc);
}

static struct tkey ks[6];

static int
setup(void **state)
{
	(void)state;
	for (int i = 0; i < 6; i++)
		if (!tkey_gen(&ks[i], i % 2 ? 15 : 13, 0))
			return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 6; i++)
		tkey_free(&ks[i]);
	return 0;
}

/* The most recently used key is compared first, exactly. */
static void
test_key_cache_head(void **state)
{
	struct tw_crypto_ctx *ctx;
	struct tw_key *a, *b, *c;

	(void)state;
	assert_int_equal(tw_crypto_create(NULL, &ctx), 0);
	assert_int_equal(ks[0].alg, ks[2].alg);
	assert_int_equal(ks[0].pub_len, ks[2].pub_len);
	assert_int_equal(
		tw_key_get(ctx, ks[0].alg, ks[0].pub, ks[0].pub_len, &a),
		TW_CRYPTO_VALID);
	assert_ptr_equal(ctx->keys.head, a);
	/* same algorithm and length, other octets: not the head's entry */
	assert_int_equal(
		tw_key_get(ctx, ks[2].alg, ks[2].pub, ks[2].pub_len, &b),
		TW_CRYPTO_VALID);
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(ctx->keys.head, b);
	/* the head again, then the other one from its bucket */
	assert_int_equal(
		tw_key_get(ctx, ks[2].alg, ks[2].pub, ks[2].pub_len, &c),
		TW_CRYPTO_VALID);
	assert_ptr_equal(c, b);
	tw_key_unpin(ctx, c);
	assert_int_equal(
		tw_key_get(ctx, ks[0].alg, ks[0].pub, ks[0].pub_len, &c),
		TW_CRYPTO_VALID);
	assert_ptr_equal(c, a);
	assert_ptr_equal(ctx->keys.head, a);
	tw_key_unpin(ctx, c);
	/* the head's octets under another algorithm are not the head */
	assert_int_equal(tw_key_get(ctx, 8, ks[0].pub, ks[0].pub_len, &c),
			 TW_CRYPTO_BADKEY);
	assert_int_equal(ctx->st.key_hits, 2);
	assert_int_equal(ctx->st.key_parses, 3);
	tw_key_unpin(ctx, a);
	tw_key_unpin(ctx, b);
	tw_crypto_destroy(ctx);
}

static void
test_key_cache_pins(void **state)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	struct tw_key *k[6], *again;

	(void)state;
	tw_crypto_config_init(&cfg);
	cfg.key_cache_entries = 2;
	assert_int_equal(tw_crypto_create(&cfg, &ctx), 0);

	/* five keys held at once: the cache grows past its bound */
	for (int i = 0; i < 5; i++)
		assert_int_equal(tw_key_get(ctx, ks[i].alg, ks[i].pub,
					    ks[i].pub_len, &k[i]),
				 TW_CRYPTO_VALID);
	assert_int_equal(ctx->keys.count, 5);
	assert_int_equal(ctx->st.key_evictions, 0);
	/* the same key again is the same entry */
	assert_int_equal(
		tw_key_get(ctx, ks[0].alg, ks[0].pub, ks[0].pub_len, &again),
		TW_CRYPTO_VALID);
	assert_ptr_equal(again, k[0]);
	assert_int_equal(k[0]->refcnt, 3);
	tw_key_unpin(ctx, again);
	/* same bytes under another algorithm are another key */
	assert_int_equal(tw_key_get(ctx, 8, ks[0].pub, ks[0].pub_len, &again),
			 TW_CRYPTO_BADKEY);

	/* releasing trims back to the bound, least recently used first */
	for (int i = 0; i < 5; i++)
		tw_key_unpin(ctx, k[i]);
	assert_int_equal(ctx->keys.count, 2);
	assert_int_equal(ctx->st.key_evictions, 3);
	/* 4 and 3 were used last */
	assert_int_equal(
		tw_key_get(ctx, ks[4].alg, ks[4].pub, ks[4].pub_len, &again),
		TW_CRYPTO_VALID);
	assert_ptr_equal(again, k[4]);
	tw_key_unpin(ctx, again);
	assert_int_equal(ctx->st.key_hits, 2);

	/* an entry evicted while pinned lives until its last unpin */
	assert_int_equal(
		tw_key_get(ctx, ks[5].alg, ks[5].pub, ks[5].pub_len, &k[5]),
		TW_CRYPTO_VALID);
	tw_crypto_verdict_cache_flush(ctx);
	for (int i = 0; i < 4; i++) {
		struct tw_key *t;

		assert_int_equal(tw_key_get(ctx, ks[i].alg, ks[i].pub,
					    ks[i].pub_len, &t),
				 TW_CRYPTO_VALID);
		tw_key_unpin(ctx, t);
	}
	/* k[5] pinned, still usable (ASan would see a use after free) */
	assert_int_equal(k[5]->key_len, ks[5].pub_len);
	assert_memory_equal(k[5]->key, ks[5].pub, ks[5].pub_len);
	tw_key_unpin(ctx, k[5]);
	assert_true(ctx->keys.count <= 2);
	tw_crypto_destroy(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcache_basic),
		cmocka_unit_test(test_vcache_lru),
		cmocka_unit_test(test_key_cache_head),
		cmocka_unit_test(test_key_cache_pins),
	};

	return cmocka_run_group_tests_name("crypto/cache", tests, setup,
					   teardown);
}
