/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/crypto/hash.c: hash bursts against OpenSSL, NSEC3 hashes (RFC 5155
 * appendix A) and DS digests (RFC 4034 5.4, RFC 4509 2.3), on both paths.
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
#include "crypto_test_util.h"

static const enum tw_crypto_path paths[] = { TW_CRYPTO_PATH_SCALAR,
					     TW_CRYPTO_PATH_MB };

static struct tw_crypto_ctx *
make_ctx(enum tw_crypto_path path, const struct tw_crypto_config *base)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx = NULL;
	int rc;

	if (base != NULL)
		cfg = *base;
	else
		tw_crypto_config_init(&cfg);
	cfg.path = path;
	rc = tw_crypto_create(&cfg, &ctx);
	if (rc == -ENOTSUP && path == TW_CRYPTO_PATH_MB) {
		print_message("IPsec-MB path not available here: skipped\n");
		return NULL;
	}
	assert_int_equal(rc, 0);
	return ctx;
}

/*
 * Every hash, lengths 0..300 then around IPsec-MB's length limit and far
 * past it, in bursts of mixed hashes and lengths, contiguous and split.
 */
static void
test_hash_vs_openssl(void **state)
{
	enum { NL = 301 + 6 };
	size_t lens[NL];
	uint8_t *msg = malloc(300100);

	(void)state;
	assert_non_null(msg);
	trand_seed(7);
	trand_fill(msg, 300100);
	for (size_t i = 0; i <= 300; i++)
		lens[i] = i;
	lens[301] = 1000;
	lens[302] = 65534;
	lens[303] = 65535;
	lens[304] = 65536;
	lens[305] = 100000;
	lens[306] = 299999;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;
		struct tw_crypto_hash_job *j = calloc(NL * 4, sizeof(*j));
		struct tw_crypto_iov *iov = calloc(NL * 4 * 2, sizeof(*iov));
		struct tw_crypto_stats st;
		size_t n = 0;

		tw_crypto_config_init(&cfg);
		cfg.max_batch = 100;
		cfg.arena_size = 1 << 20;
		cfg.mb_min_burst = 1;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL) {
			free(j);
			free(iov);
			continue;
		}
		assert_non_null(j);
		assert_non_null(iov);
		for (size_t l = 0; l < NL; l++) {
			for (int a = TW_CRYPTO_SHA1; a <= TW_CRYPTO_SHA512;
			     a++, n++) {
				const uint8_t *base =
					msg + (l * 7 + (size_t)a) % 64;
				size_t cut =
					(l % 3 == 0) ? lens[l] / 3 : lens[l];

				iov[2 * n] =
					(struct tw_crypto_iov){ base, cut };
				iov[2 * n + 1] =
					(struct tw_crypto_iov){ base + cut,
								lens[l] - cut };
				j[n].iov = &iov[2 * n];
				j[n].iovcnt = 2;
				j[n].alg = (enum tw_crypto_hash)a;
			}
		}
		/* shuffle so batches mix hashes and lengths */
		for (size_t i = n - 1; i > 0; i--) {
			size_t k = trand() % (i + 1);
			struct tw_crypto_hash_job t = j[i];

			j[i] = j[k];
			j[k] = t;
		}
		assert_int_equal(tw_crypto_hash_burst(ctx, j, (unsigned int)n),
				 n);
		for (size_t i = 0; i < n; i++) {
			uint8_t want[64];
			size_t len = j[i].iov[0].len + j[i].iov[1].len;

			assert_int_equal(j[i].status, 0);
			ref_digest(j[i].alg, j[i].iov[0].base, len, want);
			if (memcmp(j[i].digest, want,
				   tw_crypto_hash_len(j[i].alg)) != 0)
				fail_msg("path %zu alg %d len %zu differs", p,
					 j[i].alg, len);
		}
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.hashes, n);
		if (paths[p] == TW_CRYPTO_PATH_MB) {
			/* only the over-long ones were left to OpenSSL */
			assert_int_equal(st.mb_fallbacks, 4 * 4);
			assert_int_equal(st.hashes_mb, n - 4 * 4);
		}
		tw_crypto_destroy(ctx);
		free(j);
		free(iov);
	}
	free(msg);
}

/* One batch larger than IPsec-MB's job queue (256). */
static void
test_hash_big_batch(void **state)
{
	enum { N = 4096 };
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	struct tw_crypto_hash_job *j = calloc(N, sizeof(*j));
	struct tw_crypto_iov *iov = calloc(N, sizeof(*iov));
	uint8_t *m = malloc(N * 100);

	(void)state;
	assert_non_null(j);
	assert_non_null(iov);
	assert_non_null(m);
	trand_fill(m, N * 100);
	tw_crypto_config_init(&cfg);
	cfg.max_batch = N;
	cfg.arena_size = (size_t)N * 1024;
	ctx = make_ctx(TW_CRYPTO_PATH_AUTO, &cfg);
	for (int i = 0; i < N; i++) {
		iov[i] = (struct tw_crypto_iov){ m + i * 100, (size_t)i % 100 };
		j[i] = (struct tw_crypto_hash_job){
			.iov = &iov[i],
			.iovcnt = 1,
			.alg = (enum tw_crypto_hash)(1 + i % 4),
		};
	}
	assert_int_equal(tw_crypto_hash_burst(ctx, j, N), N);
	for (int i = 0; i < N; i++) {
		uint8_t want[64];

		ref_digest(j[i].alg, iov[i].base, iov[i].len, want);
		assert_memory_equal(j[i].digest, want,
				    tw_crypto_hash_len(j[i].alg));
	}
	tw_crypto_destroy(ctx);
	free(j);
	free(iov);
	free(m);
}

static void
test_hash_bad_input(void **state)
{
	struct tw_crypto_ctx *ctx = make_ctx(TW_CRYPTO_PATH_AUTO, NULL);
	static const struct tw_crypto_iov null_base = { NULL, 5 };
	struct tw_crypto_hash_job j[4] = {
		{ .alg = 0 },
		{ .alg = (enum tw_crypto_hash)5 },
		{ .alg = TW_CRYPTO_SHA256, .iov = NULL, .iovcnt = 1 },
		{ .alg = TW_CRYPTO_SHA1, .iov = &null_base, .iovcnt = 1 },
	};
	struct tw_crypto_hash_job empty = { .alg = TW_CRYPTO_SHA256 };
	uint8_t want[32];

	(void)state;
	assert_int_equal(tw_crypto_hash_burst(ctx, j, 4), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(j[i].status, -EINVAL);
	/* no iovecs: the empty message */
	assert_int_equal(tw_crypto_hash_burst(ctx, &empty, 1), 1);
	ref_digest(TW_CRYPTO_SHA256, (const uint8_t *)"", 0, want);
	assert_memory_equal(empty.digest, want, 32);
	assert_int_equal(tw_crypto_hash_len(0), 0);
	assert_int_equal(tw_crypto_hash_len(TW_CRYPTO_SHA384), 48);
	tw_crypto_destroy(ctx);
}

/* RFC 5155 appendix A: salt aabbccdd, 12 iterations. */
static const struct {
	const char *name, *hash;
} nsec3_vecs[] = {
	{ "example", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
	{ "a.example", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
	{ "ai.example", "gjeqe526plbf1g8mklp59enfd789njgi" },
	{ "ns1.example", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
	{ "ns2.example", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
	{ "w.example", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
	{ "*.w.example", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
	{ "x.w.example", "b4um86eghhds6nea196smvmlo4ors995" },
	{ "y.w.example", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
	{ "x.y.w.example", "2vptu5timamqttgl4luu9kg21e0aor3s" },
	{ "xx.example", "t644ebqk9bibcna874givr6joj62mlhv" },
	{ "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example",
	  "kohar7mbb8dc2ce8a9qvl8hon4k53uhi" },
};

#define N_NSEC3 TW_ARRAY_SIZE(nsec3_vecs)

static void
test_nsec3_rfc5155(void **state)
{
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };

	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;
		struct tw_crypto_nsec3_job j[N_NSEC3];
		uint8_t names[N_NSEC3][256];
		struct tw_crypto_stats st;

		tw_crypto_config_init(&cfg);
		cfg.mb_min_burst = 1;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		for (size_t i = 0; i < N_NSEC3; i++) {
			j[i] = (struct tw_crypto_nsec3_job){
				.name = names[i],
				.name_len = dname_wire(nsec3_vecs[i].name,
						       names[i]),
				.salt = salt,
				.salt_len = 4,
				.iterations = 12,
				.alg = 1,
			};
		}
		/* all at once, in lock-step */
		assert_int_equal(tw_crypto_nsec3_burst(ctx, j, N_NSEC3),
				 N_NSEC3);
		for (size_t i = 0; i < N_NSEC3; i++) {
			char b32[40];

			assert_int_equal(j[i].status, 0);
			b32hex_encode(j[i].hash, 20, b32);
			assert_string_equal(b32, nsec3_vecs[i].hash);
		}
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.nsec3_hashes, N_NSEC3 * 13);
		if (paths[p] == TW_CRYPTO_PATH_MB)
			assert_int_equal(st.hashes_mb, N_NSEC3 * 13);
		/* one at a time */
		for (size_t i = 0; i < N_NSEC3; i++) {
			char b32[40];

			memset(j[i].hash, 0, 20);
			assert_int_equal(tw_crypto_nsec3_burst(ctx, &j[i], 1),
					 1);
			b32hex_encode(j[i].hash, 20, b32);
			assert_string_equal(b32, nsec3_vecs[i].hash);
		}
		tw_crypto_destroy(ctx);
	}
}

/* Plain RFC 5155 5 recursion, with OpenSSL, for comparison. */
static void
nsec3_ref(const uint8_t *name, size_t nl, const uint8_t *salt, size_t sl,
	  unsigned int it, uint8_t out[20])
{
	uint8_t buf[600];

	memcpy(buf, name, nl);
	memcpy(buf + nl, salt, sl);
	ref_digest(TW_CRYPTO_SHA1, buf, nl + sl, out);
	for (unsigned int k = 0; k < it; k++) {
		memcpy(buf, out, 20);
		memcpy(buf + 20, salt, sl);
		ref_digest(TW_CRYPTO_SHA1, buf, 20 + sl, out);
	}
}

/* Different iterations and salts side by side; bursts > max_batch. */
static void
test_nsec3_mixed(void **state)
{
	enum { N = 150 };

	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;
		struct tw_crypto_nsec3_job *j = calloc(N, sizeof(*j));
		uint8_t(*names)[255] = calloc(N, 255);
		uint8_t(*salts)[255] = calloc(N, 255);
		struct tw_crypto_stats st;
		uint64_t want_hashes = 0;

		assert_non_null(j);
		assert_non_null(names);
		assert_non_null(salts);
		tw_crypto_config_init(&cfg);
		cfg.max_batch = 32;
		cfg.arena_size = 32 * 1024;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL) {
			free(j);
			free(names);
			free(salts);
			continue;
		}
		trand_seed(99);
		for (int i = 0; i < N; i++) {
			j[i].name = names[i];
			j[i].name_len = 1 + trand() % 255;
			trand_fill(names[i], j[i].name_len);
			j[i].salt_len = (uint8_t)(i % 7 == 0	? 0
						  : i % 11 == 0 ? 255
								: trand() % 16);
			trand_fill(salts[i], j[i].salt_len);
			j[i].salt = j[i].salt_len ? salts[i] : NULL;
			j[i].iterations = (uint16_t)(trand() % 25);
			j[i].alg = 1;
			want_hashes += j[i].iterations + 1u;
		}
		assert_int_equal(tw_crypto_nsec3_burst(ctx, j, N), N);
		for (int i = 0; i < N; i++) {
			uint8_t want[20];

			nsec3_ref(j[i].name, j[i].name_len, salts[i],
				  j[i].salt_len, j[i].iterations, want);
			assert_int_equal(j[i].status, 0);
			assert_memory_equal(j[i].hash, want, 20);
		}
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.nsec3_hashes, want_hashes);
		tw_crypto_destroy(ctx);
		free(j);
		free(names);
		free(salts);
	}
}

static void
test_nsec3_bad_input(void **state)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;
	uint8_t name[300] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	struct tw_crypto_nsec3_job j[6];
	struct tw_crypto_stats st;

	(void)state;
	tw_crypto_config_init(&cfg);
	cfg.nsec3_max_iterations = 100;
	ctx = make_ctx(TW_CRYPTO_PATH_AUTO, &cfg);
	for (int i = 0; i < 6; i++)
		j[i] = (struct tw_crypto_nsec3_job){
			.name = name, .name_len = 9, .alg = 1, .iterations = 3
		};
	j[0].alg = 2;
	j[1].name_len = 0;
	j[2].name_len = 256;
	j[3].name = NULL;
	j[4].iterations = 101;
	j[5].salt_len = 4; /* and no salt */
	assert_int_equal(tw_crypto_nsec3_burst(ctx, j, 6), 0);
	assert_int_equal(j[0].status, -TW_EUNSUPP);
	assert_int_equal(j[1].status, -EINVAL);
	assert_int_equal(j[2].status, -EINVAL);
	assert_int_equal(j[3].status, -EINVAL);
	assert_int_equal(j[4].status, -TW_ELIMIT);
	assert_int_equal(j[5].status, -EINVAL);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.nsec3_hashes, 0);
	/* exactly at the cap is fine */
	j[4].iterations = 100;
	assert_int_equal(tw_crypto_nsec3_burst(ctx, &j[4], 1), 1);
	tw_crypto_stats_get(ctx, &st);
	assert_int_equal(st.nsec3_hashes, 101);
	tw_crypto_destroy(ctx);
}

/*
 * RFC 4034 5.4: dskey.example.com. DNSKEY 256 3 5 (key id 60485), its DS
 * SHA-1 digest; RFC 4509 2.3: its SHA-256 digest.
 */
static const char dskey_b64[] =
	"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxe"
	"YCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2"
	"wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";

static void
test_ds_vectors(void **state)
{
	(void)state;
	for (size_t p = 0; p < TW_ARRAY_SIZE(paths); p++) {
		struct tw_crypto_config cfg;
		struct tw_crypto_ctx *ctx;
		uint8_t owner[64], rdata[300], want[48], cat[400];
		size_t ol = dname_wire("dskey.example.com", owner);
		size_t rl;
		struct tw_crypto_ds_job j[5];
		struct tw_crypto_stats st;

		tw_crypto_config_init(&cfg);
		cfg.mb_min_burst = 1;
		ctx = make_ctx(paths[p], &cfg);
		if (ctx == NULL)
			continue;
		tw_put16(rdata, 256);
		rdata[2] = 3;
		rdata[3] = 5;
		rl = 4 + b64_decode(dskey_b64, rdata + 4, sizeof(rdata) - 4);
		for (int i = 0; i < 5; i++)
			j[i] = (struct tw_crypto_ds_job){ .owner = owner,
							  .owner_len = ol,
							  .rdata = rdata,
							  .rdata_len = rl };
		j[0].digest_type = TW_CRYPTO_DS_SHA1;
		j[1].digest_type = TW_CRYPTO_DS_SHA256;
		j[2].digest_type = TW_CRYPTO_DS_SHA384;
		j[3].digest_type = 3; /* GOST: not supported */
		j[4].digest_type = TW_CRYPTO_DS_SHA256;
		j[4].rdata_len = 3;
		assert_int_equal(tw_crypto_ds_burst(ctx, j, 5), 3);
		assert_int_equal(j[0].status, 0);
		assert_int_equal(j[0].digest_len, 20);
		hex_decode("2BB183AF5F22588179A53B0A98631FAD1A292118", want,
			   20);
		assert_memory_equal(j[0].digest, want, 20);
		assert_int_equal(j[1].digest_len, 32);
		hex_decode("D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F"
			   "6A1E"
			   "4469DA50A",
			   want, 32);
		assert_memory_equal(j[1].digest, want, 32);
		/* SHA-384 (RFC 6605 3): no published example for this key */
		memcpy(cat, owner, ol);
		memcpy(cat + ol, rdata, rl);
		ref_digest(TW_CRYPTO_SHA384, cat, ol + rl, want);
		assert_int_equal(j[2].digest_len, 48);
		assert_memory_equal(j[2].digest, want, 48);
		assert_int_equal(j[3].status, -TW_EUNSUPP);
		assert_int_equal(j[3].digest_len, 0);
		assert_int_equal(j[4].status, -EINVAL);
		tw_crypto_stats_get(ctx, &st);
		assert_int_equal(st.ds_digests, 3);
		tw_crypto_destroy(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vs_openssl),
		cmocka_unit_test(test_hash_big_batch),
		cmocka_unit_test(test_hash_bad_input),
		cmocka_unit_test(test_nsec3_rfc5155),
		cmocka_unit_test(test_nsec3_mixed),
		cmocka_unit_test(test_nsec3_bad_input),
		cmocka_unit_test(test_ds_vectors),
	};

	return cmocka_run_group_tests_name("crypto/hash", tests, NULL, NULL);
}
