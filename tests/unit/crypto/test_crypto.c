/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/crypto/crypto.c: configuration, context life cycle, path choice,
 * allocation failure at creation, names and tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_common.h"
#include "tw_crypto.h"

static void
test_config_defaults(void **state)
{
	struct tw_crypto_config cfg;

	(void)state;
	tw_crypto_config_init(&cfg);
	assert_int_equal(cfg.path, TW_CRYPTO_PATH_AUTO);
	assert_int_equal(cfg.key_cache_entries, 1024);
	assert_int_equal(cfg.verdict_cache_entries, 65536);
	assert_int_equal(cfg.max_batch, 64);
	assert_int_equal(cfg.arena_size, 256 * 1024);
	assert_int_equal(cfg.rsa_min_bits, 1024);
	assert_int_equal(cfg.mb_min_burst, 8);
	assert_int_equal(cfg.nsec3_max_iterations, 2500);
}

static void
test_config_invalid(void **state)
{
	struct tw_crypto_ctx *ctx = (struct tw_crypto_ctx *)&ctx;
	struct tw_crypto_config cfg;

	(void)state;
	assert_int_equal(tw_crypto_create(NULL, NULL), -EINVAL);
#define BAD(field, value)                                                \
	do {                                                             \
		tw_crypto_config_init(&cfg);                             \
		cfg.field = value;                                       \
		assert_int_equal(tw_crypto_create(&cfg, &ctx), -EINVAL); \
	} while (0)
	BAD(path, (enum tw_crypto_path)7);
	BAD(key_cache_entries, 0);
	BAD(key_cache_entries, (1u << 24) + 1);
	BAD(verdict_cache_entries, (1u << 26) + 1);
	BAD(max_batch, 0);
	BAD(max_batch, 4097);
	BAD(arena_size, 64 * 1024 - 1);
	BAD(rsa_min_bits, 511);
	BAD(rsa_min_bits, 4097);
	BAD(mb_min_burst, 0);
#undef BAD
	/* untouched on failure */
	assert_ptr_equal(ctx, (struct tw_crypto_ctx *)&ctx);
	tw_crypto_destroy(NULL);
}

static void
test_paths(void **state)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	int rc;

	(void)state;
	/* defaults: auto */
	assert_int_equal(tw_crypto_create(NULL, &ctx), 0);
	print_message("auto: %s\n", tw_crypto_describe(ctx));
	/* Debian's OpenSSL verifies RSA/SHA-1: algorithms 5 and 7 usable */
	assert_null(strstr(tw_crypto_describe(ctx), "SHA-1"));
#ifdef TW_TEST_HAVE_IPSEC_MB
	/* this project's machines have AVX-512 and SHA-NI */
	assert_int_equal(tw_crypto_get_path(ctx), TW_CRYPTO_PATH_MB);
	assert_non_null(strstr(tw_crypto_describe(ctx), "ipsec-mb"));
#else
	assert_int_equal(tw_crypto_get_path(ctx), TW_CRYPTO_PATH_SCALAR);
#endif
	tw_crypto_destroy(ctx);

	tw_crypto_config_init(&cfg);
	cfg.path = TW_CRYPTO_PATH_SCALAR;
	assert_int_equal(tw_crypto_create(&cfg, &ctx), 0);
	assert_int_equal(tw_crypto_get_path(ctx), TW_CRYPTO_PATH_SCALAR);
	assert_non_null(strstr(tw_crypto_describe(ctx), "scalar: OpenSSL"));
	tw_crypto_destroy(ctx);

	cfg.path = TW_CRYPTO_PATH_MB;
	rc = tw_crypto_create(&cfg, &ctx);
#ifdef TW_TEST_HAVE_IPSEC_MB
	assert_int_equal(rc, 0);
	assert_int_equal(tw_crypto_get_path(ctx), TW_CRYPTO_PATH_MB);
	tw_crypto_destroy(ctx);
#else
	assert_int_equal(rc, -ENOTSUP);
#endif
}

/* Fail the n-th allocation: creation fails cleanly, nothing leaks. */
static long alloc_budget = -1, live;

static void *
h_malloc(size_t n, void *c)
{
	void *p;

	(void)c;
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	p = malloc(n);
	live += p != NULL;
	return p;
}

static void *
h_calloc(size_t n, size_t s, void *c)
{
	void *p;

	(void)c;
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	p = calloc(n, s);
	live += p != NULL;
	return p;
}

static void *
h_realloc(void *p, size_t n, void *c)
{
	(void)p;
	(void)n;
	(void)c;
	return NULL;
}

static void
h_free(void *p, void *c)
{
	(void)c;
	live -= p != NULL;
	free(p);
}

static void
test_create_alloc_failure(void **state)
{
	static const struct tw_alloc_hooks hooks = { h_malloc, h_calloc,
						     h_realloc, h_free, NULL };
	static const enum tw_crypto_path ps[] = { TW_CRYPTO_PATH_SCALAR,
						  TW_CRYPTO_PATH_AUTO };
	int ok = 0;

	(void)state;
	tw_alloc_set_hooks(&hooks);
	for (size_t p = 0; p < TW_ARRAY_SIZE(ps); p++) {
		for (long n = 0; n < 100; n++) {
			struct tw_crypto_config cfg;
			struct tw_crypto_ctx *ctx = NULL;
			int rc;

			tw_crypto_config_init(&cfg);
			cfg.path = ps[p];
			alloc_budget = n;
			live = 0;
			rc = tw_crypto_create(&cfg, &ctx);
			alloc_budget = -1;
			if (rc == 0) {
				tw_crypto_destroy(ctx);
				assert_int_equal(live, 0);
				ok++;
				break;
			}
			assert_int_equal(rc, -ENOMEM);
			assert_int_equal(live, 0);
		}
	}
	tw_alloc_set_hooks(NULL);
	assert_int_equal(ok, 2);
}

static void
test_tables(void **state)
{
	static const uint8_t yes[] = { 5, 7, 8, 10, 13, 14, 15, 16 };
	int n = 0;

	(void)state;
	for (int a = 0; a < 256; a++)
		n += tw_crypto_alg_supported((uint8_t)a);
	assert_int_equal(n, TW_ARRAY_SIZE(yes));
	for (size_t i = 0; i < TW_ARRAY_SIZE(yes); i++)
		assert_true(tw_crypto_alg_supported(yes[i]));
	assert_string_equal(tw_crypto_verdict_str(TW_CRYPTO_VALID), "valid");
	assert_string_equal(tw_crypto_verdict_str(TW_CRYPTO_ERROR), "error");
	assert_string_equal(tw_crypto_verdict_str((enum tw_crypto_verdict)99),
			    "unknown");
	assert_int_equal(tw_crypto_hash_len(TW_CRYPTO_SHA1), 20);
	assert_int_equal(tw_crypto_hash_len(TW_CRYPTO_SHA256), 32);
	assert_int_equal(tw_crypto_hash_len(TW_CRYPTO_SHA512), 64);
	assert_int_equal(TW_CRYPTO_PENDING, 0);
}

static void
test_stats_reset(void **state)
{
	struct tw_crypto_ctx *ctx;
	struct tw_crypto_stats st;
	struct tw_crypto_hash_job j = { .alg = TW_CRYPTO_SHA1 };

	(void)state;
	assert_int_equal(tw_crypto_create(NULL, &ctx), 0);
	tw_crypto_hash_burst(ctx, &j, 1);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.hashes, 1);
	tw_crypto_stats_reset(ctx);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.hashes, 0);
	tw_crypto_destroy(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_invalid),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_create_alloc_failure),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_stats_reset),
	};

	return cmocka_run_group_tests_name("crypto/crypto", tests, NULL, NULL);
}
