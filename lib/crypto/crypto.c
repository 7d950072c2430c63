/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crypto context: configuration, back-end choice, counters.
 */
#include <stdio.h>

#include <openssl/rand.h>

#include "crypto_priv.h"

void
tw_crypto_config_init(struct tw_crypto_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = TW_CRYPTO_PATH_AUTO;
	cfg->key_cache_entries = 1024;
	cfg->verdict_cache_entries = 65536;
	cfg->max_batch = 64;
	cfg->arena_size = 256 * 1024;
	cfg->rsa_min_bits = 1024;
	cfg->mb_min_burst = 8;
	cfg->nsec3_max_iterations = 2500;
}

static int
config_check(const struct tw_crypto_config *cfg)
{
	if (cfg->path != TW_CRYPTO_PATH_AUTO &&
	    cfg->path != TW_CRYPTO_PATH_SCALAR &&
	    cfg->path != TW_CRYPTO_PATH_MB)
		return -EINVAL;
	if (cfg->key_cache_entries < 1 || cfg->key_cache_entries > (1u << 24))
		return -EINVAL;
	if (cfg->verdict_cache_entries > (1u << 26))
		return -EINVAL;
	if (cfg->max_batch < 1 || cfg->max_batch > 4096)
		return -EINVAL;
	/* NSEC3 needs 512 octets of scratch per job, fingerprints ~610. */
	if (cfg->arena_size < 1024 * (size_t)cfg->max_batch ||
	    cfg->arena_size > ((size_t)1 << 30))
		return -EINVAL;
	if (cfg->rsa_min_bits < 512 || cfg->rsa_min_bits > 4096)
		return -EINVAL;
	if (cfg->mb_min_burst < 1)
		return -EINVAL;
	return 0;
}

size_t
tw_crypto_hash_len(enum tw_crypto_hash alg)
{
	switch (alg) {
	case TW_CRYPTO_SHA1:
		return 20;
	case TW_CRYPTO_SHA256:
		return 32;
	case TW_CRYPTO_SHA384:
		return 48;
	case TW_CRYPTO_SHA512:
		return 64;
	}
	return 0;
}

int
tw_crypto_alg_supported(uint8_t alg)
{
	switch (alg) {
	case TW_CRYPTO_ALG_RSASHA1:
	case TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1:
	case TW_CRYPTO_ALG_RSASHA256:
	case TW_CRYPTO_ALG_RSASHA512:
	case TW_CRYPTO_ALG_ECDSAP256SHA256:
	case TW_CRYPTO_ALG_ECDSAP384SHA384:
	case TW_CRYPTO_ALG_ED25519:
	case TW_CRYPTO_ALG_ED448:
		return 1;
	default:
		return 0;
	}
}

int
tw_alg_usable(const struct tw_crypto_ctx *ctx, uint8_t alg)
{
	if (alg == TW_CRYPTO_ALG_RSASHA1 ||
	    alg == TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1)
		return ctx->sha1_sigs;
	return tw_crypto_alg_supported(alg);
}

const char *
tw_crypto_verdict_str(enum tw_crypto_verdict v)
{
	switch (v) {
	case TW_CRYPTO_PENDING:
		return "pending";
	case TW_CRYPTO_VALID:
		return "valid";
	case TW_CRYPTO_INVALID:
		return "invalid";
	case TW_CRYPTO_UNSUPPORTED:
		return "unsupported";
	case TW_CRYPTO_BADKEY:
		return "bad key";
	case TW_CRYPTO_ERROR:
		return "error";
	}
	return "unknown";
}

unsigned int
tw_hash_run(struct tw_crypto_ctx *ctx, struct tw_hash_req *r, unsigned int n)
{
	ctx->st.hashes += n;
#ifdef TW_HAVE_IPSEC_MB
	if (ctx->imb != NULL)
		return tw_imb_hash_run(ctx->imb, ctx->ossl, r, n, &ctx->arena,
				       ctx->cfg.mb_min_burst,
				       &ctx->st.hashes_mb,
				       &ctx->st.mb_fallbacks);
#endif
	return tw_ossl_hash_run(ctx->ossl, r, n);
}

#ifdef TW_HAVE_IPSEC_MB
/*
 * Before trusting IPsec-MB with DNSSEC, check that it agrees with OpenSSL
 * on every hash, around the block boundaries, all lanes in use.
 */
static int
imb_self_test(struct tw_crypto_ctx *ctx)
{
	static const size_t lens[] = { 0,   1,	 55,  56,  63,	64,  111,
				       112, 127, 128, 129, 300, 1000 };
	enum { N = TW_ARRAY_SIZE(lens) * 4 };
	uint8_t msg[1000];
	uint8_t out_mb[N][TW_CRYPTO_MAX_DIGEST],
		out_ref[N][TW_CRYPTO_MAX_DIGEST];
	struct tw_crypto_iov iov[N];
	struct tw_hash_req mb[N], ref[N];
	uint64_t n_mb = 0, n_fb = 0;
	unsigned int i = 0;

	for (size_t k = 0; k < sizeof(msg); k++)
		msg[k] = (uint8_t)(k * 131 + 7);
	for (unsigned int a = TW_CRYPTO_SHA1; a <= TW_CRYPTO_SHA512; a++) {
		for (size_t l = 0; l < TW_ARRAY_SIZE(lens); l++, i++) {
			iov[i] = (struct tw_crypto_iov){ msg, lens[l] };
			mb[i] = (struct tw_hash_req){ .iov = &iov[i],
						      .iovcnt = 1,
						      .alg = (uint8_t)a,
						      .out = out_mb[i] };
			ref[i] = mb[i];
			ref[i].out = out_ref[i];
		}
	}
	ctx->arena.used = 0;
	if (tw_imb_hash_run(ctx->imb, ctx->ossl, mb, N, &ctx->arena, 1, &n_mb,
			    &n_fb) != N ||
	    n_mb != N || tw_ossl_hash_run(ctx->ossl, ref, N) != N)
		return -ENOTSUP;
	for (i = 0; i < N; i++)
		if (memcmp(out_mb[i], out_ref[i],
			   tw_crypto_hash_len(mb[i].alg)))
			return -ENOTSUP;
	return 0;
}
#endif

static int
choose_path(struct tw_crypto_ctx *ctx)
{
	if (ctx->cfg.path == TW_CRYPTO_PATH_SCALAR) {
		ctx->path = TW_CRYPTO_PATH_SCALAR;
		return 0;
	}
#ifdef TW_HAVE_IPSEC_MB
	int rc = tw_imb_hash_create(&ctx->imb);

	if (rc == 0) {
		rc = imb_self_test(ctx);
		if (rc != 0) {
			tw_imb_hash_destroy(ctx->imb);
			ctx->imb = NULL;
		}
	}
	if (rc == 0) {
		ctx->path = TW_CRYPTO_PATH_MB;
		return 0;
	}
	if (rc == -ENOMEM || ctx->cfg.path == TW_CRYPTO_PATH_MB)
		return rc;
#else
	if (ctx->cfg.path == TW_CRYPTO_PATH_MB)
		return -ENOTSUP;
#endif
	ctx->path = TW_CRYPTO_PATH_SCALAR;
	return 0;
}

int
tw_crypto_create(const struct tw_crypto_config *cfg,
		 struct tw_crypto_ctx **ctxp)
{
	struct tw_crypto_config def;
	struct tw_crypto_ctx *ctx;
	uint64_t seed;
	int rc;

	if (ctxp == NULL)
		return -EINVAL;
	if (cfg == NULL) {
		tw_crypto_config_init(&def);
		cfg = &def;
	}
	rc = config_check(cfg);
	if (rc != 0)
		return rc;
	/* The key cache's hash is seeded so chains cannot be aimed at. */
	if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1)
		return -EIO;

	ctx = tw_calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -ENOMEM;
	ctx->cfg = *cfg;
	rc = tw_ossl_hash_create(&ctx->ossl);
	if (rc != 0)
		goto fail;
	ctx->sha1_sigs = tw_ossl_sha1_sigs_usable();
	rc = -ENOMEM;
	ctx->arena.size = cfg->arena_size;
	ctx->arena.base = tw_malloc(cfg->arena_size);
	if (ctx->arena.base == NULL)
		goto fail;
	rc = tw_key_cache_init(&ctx->keys, cfg->key_cache_entries, seed);
	if (rc != 0)
		goto fail;
	rc = tw_vcache_init(&ctx->verdicts, cfg->verdict_cache_entries);
	if (rc != 0)
		goto fail;
	rc = tw_verify_scratch_init(ctx);
	if (rc != 0)
		goto fail;
	rc = choose_path(ctx);
	if (rc != 0)
		goto fail;
#ifdef TW_HAVE_IPSEC_MB
	if (ctx->imb != NULL)
		snprintf(ctx->desc, sizeof(ctx->desc), "%s + %s",
			 tw_imb_hash_describe(ctx->imb), tw_ossl_version());
	else
#endif
		snprintf(ctx->desc, sizeof(ctx->desc), "scalar: %s",
			 tw_ossl_version());
	if (!ctx->sha1_sigs)
		snprintf(ctx->desc + strlen(ctx->desc),
			 sizeof(ctx->desc) - strlen(ctx->desc),
			 " (SHA-1 signatures refused: 5, 7 unsupported)");
	*ctxp = ctx;
	return 0;
fail:
	tw_crypto_destroy(ctx);
	return rc;
}

void
tw_crypto_destroy(struct tw_crypto_ctx *ctx)
{
	if (ctx == NULL)
		return;
#ifdef TW_HAVE_IPSEC_MB
	tw_imb_hash_destroy(ctx->imb);
#endif
	tw_verify_scratch_fini(ctx);
	tw_vcache_fini(&ctx->verdicts);
	if (ctx->keys.buckets != NULL)
		tw_key_cache_fini(&ctx->keys);
	tw_free(ctx->arena.base);
	tw_ossl_hash_destroy(ctx->ossl);
	tw_free(ctx);
}

enum tw_crypto_path
tw_crypto_get_path(const struct tw_crypto_ctx *ctx)
{
	return ctx->path;
}

const char *
tw_crypto_describe(const struct tw_crypto_ctx *ctx)
{
	return ctx->desc;
}

void
tw_crypto_stats_get(const struct tw_crypto_ctx *ctx, struct tw_crypto_stats *st)
{
	*st = ctx->st;
}

void
tw_crypto_stats_reset(struct tw_crypto_ctx *ctx)
{
	memset(&ctx->st, 0, sizeof(ctx->st));
}

void
tw_crypto_verdict_cache_flush(struct tw_crypto_ctx *ctx)
{
	tw_vcache_flush(&ctx->verdicts);
}
