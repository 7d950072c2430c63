/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Work limits (limits.c) against CPU exhaustion: KeyTrap (CVE-2023-50387:
 * many DNSKEYs sharing one key tag times many RRSIGs), the NSEC3 hash
 * budget (CVE-2023-50868), chain depth and CNAME chains.
 *
 * Colliding key tags: the key tag is a 16-bit checksum of the DNSKEY
 * rdata (RFC 4034 B), so keys can be made to share one. We keep one RSA
 * modulus and choose the public exponent (RFC 3110 allows any odd one)
 * so that the checksum hits the target tag: each such DNSKEY is a
 * distinct, parsable key, so every (RRSIG, key) pair tried would cost a
 * real RSA verification. The count of public-key operations comes from
 * lib/crypto's statistics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testsign.h"

#define N_COLLIDE 40

static uint64_t
pk_ops(struct tw_dnssec_ctx *ctx)
{
	struct tw_crypto_stats st;

	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &st);
	return st.pk_ops;
}

static void
test_defaults(void **state)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;

	(void)state;
	tw_dnssec_config_init(&cfg);
	assert_int_equal(cfg.limits.sigs_per_rrset, 8);
	assert_int_equal(cfg.limits.sigs_per_validation, 32);
	assert_int_equal(cfg.limits.keys_per_tag, 4);
	assert_int_equal(cfg.limits.nsec3_hashes, 128);
	assert_int_equal(cfg.limits.chain_depth, 32);
	assert_int_equal(cfg.limits.cname_chain, 12);
	assert_int_equal(cfg.nsec3_iter_insecure, 50);
	/* a zero limit, or a bogus limit below the insecure one: refused */
	cfg.limits.keys_per_tag = 0;
	assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), -EINVAL);
	tw_dnssec_config_init(&cfg);
	cfg.nsec3_iter_bogus = 10;
	assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), -EINVAL);
	tw_dnssec_config_init(&cfg);
	cfg.digest[0] = TW_DNSSEC_VALIDATE; /* RFC 8624 3.3 */
	assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), -EINVAL);
	assert_int_equal(tw_dnssec_ctx_create(NULL, NULL), -EINVAL);
}

/*
 * KeyTrap on a data RRset: the zone's (validly signed) DNSKEY RRset holds
 * the ZSK and 40 more keys with the ZSK's tag; the answer carries 40
 * RRSIGs with that tag, none valid. Without limits: 41 x 40 RSA
 * verifications. With them: at most sigs_per_rrset (8).
 */
static void
test_keytrap_rrset(void **state)
{
	struct ts_key coll[N_COLLIDE];
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct ts_zone z;
	struct ts_msg *m;
	uint64_t before, dnskey_ops;
	unsigned int jobs = 0;

	(void)state;
	ts_zone_init(&z, "keytrap.example.", 8);
	for (int i = 0; i < N_COLLIDE; i++) {
		ts_key_rsa_collide(&coll[i], &z.zsk, z.zsk.tag, (unsigned)i);
		assert_int_equal(coll[i].tag, z.zsk.tag);
		assert_int_equal(ts_key_tag(coll[i].rdata, coll[i].rdlen),
				 z.zsk.tag);
	}
	ts_zone_publish(&z, &w, coll, N_COLLIDE);
	ts_zone_anchor(&z, ctx);

	m = ts_msg_new("www.keytrap.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.keytrap.example.", "192.0.2.1");
	for (int i = 0; i < N_COLLIDE; i++) {
		struct ts_sigopt o = { .labels = -1,
				       .key_tag = -1,
				       .garbage = true };

		ts_sign(m, 0, "www.keytrap.example.", TW_DNS_T_A, &z.zsk,
			"keytrap.example.", TS_INC, TS_EXP, &o);
	}
	before = pk_ops(ctx);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, &jobs), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	assert_non_null(strstr(res.reason, "limit"));
	/* 1 for the DNSKEY RRset, at most 8 for the answer */
	dnskey_ops = 1;
	assert_true(jobs <= dnskey_ops + 8);
	assert_true(pk_ops(ctx) - before <= dnskey_ops + 8);
	printf("KeyTrap (RRset): %u signature jobs, %llu public-key "
	       "operations (unbounded: %d)\n",
	       jobs, (unsigned long long)(pk_ops(ctx) - before),
	       (N_COLLIDE + 1) * N_COLLIDE);

	/* The same zone, a valid RRSIG after the trap: still within the
	 * budget it is not reached, so bogus (the limit is a hard stop). */
	free(m);
	for (int i = 0; i < N_COLLIDE; i++)
		ts_key_free(&coll[i]);
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * KeyTrap on the DNSKEY RRset itself: 40 keys share the KSK's tag and 40
 * garbage RRSIGs over the DNSKEY RRset carry that tag. The DS names one
 * key: at most keys_per_tag digests are computed per DS, only the real
 * KSK matches, and the signatures tried are capped at 8.
 */
static void
test_keytrap_dnskey(void **state)
{
	struct ts_key coll[N_COLLIDE];
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct tw_crypto_stats st0, st1;
	struct ts_zone z;
	struct ts_msg *m, *a;
	unsigned int jobs = 0;

	(void)state;
	ts_zone_init(&z, "keytrap.example.", 8);
	for (int i = 0; i < N_COLLIDE; i++)
		ts_key_rsa_collide(&coll[i], &z.ksk, z.ksk.tag, (unsigned)i);
	m = ts_msg_new("keytrap.example.", TW_DNS_T_DNSKEY, 0);
	ts_add_dnskey(m, 0, "keytrap.example.", &z.ksk);
	ts_add_dnskey(m, 0, "keytrap.example.", &z.zsk);
	for (int i = 0; i < N_COLLIDE; i++)
		ts_add_dnskey(m, 0, "keytrap.example.", &coll[i]);
	for (int i = 0; i < N_COLLIDE; i++) {
		struct ts_sigopt o = { .labels = -1,
				       .key_tag = -1,
				       .garbage = true };

		ts_sign(m, 0, "keytrap.example.", TW_DNS_T_DNSKEY, &z.ksk,
			"keytrap.example.", TS_INC, TS_EXP, &o);
	}
	ts_world_add(&w, m);
	ts_zone_anchor(&z, ctx);
	a = ts_msg_new("www.keytrap.example.", TW_DNS_T_A, 0);
	ts_add_a(a, 0, "www.keytrap.example.", "192.0.2.1");
	ts_sign(a, 0, "www.keytrap.example.", TW_DNS_T_A, &z.zsk,
		"keytrap.example.", TS_INC, TS_EXP, NULL);
	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &st0);
	assert_int_equal(ts_validate(ctx, a, &w, HX_NOW, &res, &jobs), 0);
	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &st1);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	assert_true(jobs <= 8);
	assert_true(st1.pk_ops - st0.pk_ops <= 8);
	assert_true(st1.ds_digests - st0.ds_digests <= 4);
	printf("KeyTrap (DNSKEY): %u signature jobs, %llu public-key "
	       "operations, %llu DS digests\n",
	       jobs, (unsigned long long)(st1.pk_ops - st0.pk_ops),
	       (unsigned long long)(st1.ds_digests - st0.ds_digests));
	/* a limit hit says nothing about the zone: not cached as a bogus
	 * zone (doc/dnssec.md): once the zone serves its honest DNSKEY
	 * RRset, the same context validates the answer at once */
	ts_world_free(&w);
	ts_zone_publish(&z, &w, NULL, 0);
	assert_int_equal(ts_validate(ctx, a, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(res.ede, TW_EDE_NONE);
	free(m);
	free(a);
	for (int i = 0; i < N_COLLIDE; i++)
		ts_key_free(&coll[i]);
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/* Two keys legitimately sharing a tag still validate (keys_per_tag 4). */
static void
test_tag_collision_legit(void **state)
{
	struct ts_key c;
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct ts_zone z;
	struct ts_msg *m;

	(void)state;
	ts_zone_init(&z, "example.", 8);
	ts_key_rsa_collide(&c, &z.zsk, z.zsk.tag, 0);
	/* the colliding key comes first in the RRset's order of trial */
	{
		struct ts_msg *k = ts_msg_new("example.", TW_DNS_T_DNSKEY, 0);

		ts_add_dnskey(k, 0, "example.", &c);
		ts_add_dnskey(k, 0, "example.", &z.ksk);
		ts_add_dnskey(k, 0, "example.", &z.zsk);
		ts_sign(k, 0, "example.", TW_DNS_T_DNSKEY, &z.ksk, "example.",
			TS_INC, TS_EXP, NULL);
		ts_world_add(&w, k);
		free(k);
	}
	ts_zone_anchor(&z, ctx);
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, &z.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	free(m);
	ts_key_free(&c);
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * The per-validation budget: 6 answer RRsets (ANY) each with 8 garbage
 * RRSIGs: at most 32 operations in all, then bogus.
 */
static void
test_budget_per_validation(void **state)
{
	static const uint16_t types[] = { TW_DNS_T_A,	 TW_DNS_T_TXT,
					  TW_DNS_T_AAAA, 65280,
					  65281,	 65282 };
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct ts_zone z;
	struct ts_msg *m;
	unsigned int jobs = 0;
	uint64_t before;

	(void)state;
	ts_zone_init(&z, "example.", 13);
	ts_zone_publish(&z, &w, NULL, 0);
	ts_zone_anchor(&z, ctx);
	m = ts_msg_new("www.example.", TW_DNS_T_ANY, 0);
	for (size_t t = 0; t < TW_ARRAY_SIZE(types); t++) {
		uint8_t rd[16] = { 3, 'a', 'b', 'c' };

		ts_add(m, 0, "www.example.", types[t], 3600, rd,
		       types[t] == TW_DNS_T_AAAA ? 16 : 4);
		for (int i = 0; i < 8; i++) {
			struct ts_sigopt o = { .labels = -1,
					       .key_tag = -1,
					       .garbage = true };

			ts_sign(m, 0, "www.example.", types[t], &z.zsk,
				"example.", TS_INC, TS_EXP, &o);
		}
	}
	before = pk_ops(ctx);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, &jobs), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	assert_true(jobs <= 32);
	assert_true(pk_ops(ctx) - before <= 32);
	free(m);
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/* A CNAME chain one link longer than cname_chain: bogus, EDE 6. */
static void
test_cname_chain(void **state)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;
	struct ts_zone z;
	struct ts_msg *m;

	(void)state;
	tw_dnssec_config_init(&cfg);
	cfg.limits.cname_chain = 3;
	ctx = ts_ctx(&cfg);
	ts_zone_init(&z, "example.", 13);
	ts_zone_publish(&z, &w, NULL, 0);
	ts_zone_anchor(&z, ctx);
	for (int links = 3; links <= 4; links++) {
		m = ts_msg_new("c0.example.", TW_DNS_T_A, 0);
		for (int i = 0; i < links; i++) {
			char o[64], t[64];

			snprintf(o, sizeof(o), "c%d.example.", i);
			snprintf(t, sizeof(t), "c%d.example.", i + 1);
			ts_add_name(m, 0, o, TW_DNS_T_CNAME, t);
			ts_sign(m, 0, o, TW_DNS_T_CNAME, &z.zsk, "example.",
				TS_INC, TS_EXP, NULL);
		}
		{
			char o[64];

			snprintf(o, sizeof(o), "c%d.example.", links);
			ts_add_a(m, 0, o, "192.0.2.9");
			ts_sign(m, 0, o, TW_DNS_T_A, &z.zsk, "example.", TS_INC,
				TS_EXP, NULL);
		}
		assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL),
				 0);
		if (links == 3) {
			assert_int_equal(res.status, TW_DNSSEC_SECURE);
		} else {
			assert_int_equal(res.status, TW_DNSSEC_BOGUS);
			assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
		}
		free(m);
	}
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * The NSEC3 hash budget: an NXDOMAIN for a name 20 labels below the zone
 * needs about 22 hashes (closest encloser search, next closer, wildcard);
 * with a budget of 8 the validator stops: bogus, EDE 6, after at most 8
 * hash computations (each iterations + 1 SHA-1 blocks).
 */
static void
test_nsec3_budget(void **state)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;
	struct tw_crypto_stats s0, s1;
	struct ts_zone z;
	struct ts_msg *m;
	uint8_t lo[20], hi[20];
	char q[256] = "";

	(void)state;
	tw_dnssec_config_init(&cfg);
	cfg.limits.nsec3_hashes = 8;
	ctx = ts_ctx(&cfg);
	ts_zone_init(&z, "example.", 13);
	ts_zone_publish(&z, &w, NULL, 0);
	ts_zone_anchor(&z, ctx);
	for (int i = 0; i < 20; i++)
		strcat(q, "a.");
	strcat(q, "example.");
	m = ts_msg_new(q, TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	ts_add_soa(m, 1, "example.");
	ts_sign(m, 1, "example.", TW_DNS_T_SOA, &z.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	/* one NSEC3 covering the whole hash space but its own owner */
	memset(lo, 0x00, 20);
	lo[19] = 1;
	memcpy(hi, lo, 20);
	{
		struct ts_rr *n3 = ts_add_nsec3(
			m, 1, "example.", lo, hi, 0, 0, NULL, 0,
			(const uint16_t[]){ TW_DNS_T_SOA, TW_DNS_T_NS, 0 });
		uint8_t own[TW_DNS_NAME_MAX];

		memcpy(own, n3->owner, tw_dns_name_len(n3->owner));
		ts_sign_wire(m, 1, own, TW_DNS_T_NSEC3, &z.zsk, "example.",
			     TS_INC, TS_EXP, NULL);
	}
	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &s0);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &s1);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	assert_non_null(strstr(res.reason, "limit"));
	assert_true(s1.nsec3_hashes - s0.nsec3_hashes <= 8);
	free(m);
	ts_zone_free(&z);
	ts_world_free(&w);
	tw_dnssec_ctx_destroy(ctx);
}

/* The fetch budget: a chain deeper than chain_depth stops, bogus. */
static void
test_chain_depth(void **state)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;
	struct ts_zone z[4];
	struct ts_msg *m;
	const char *names[4] = { "example.", "b.example.", "c.b.example.",
				 "d.c.b.example." };

	(void)state;
	tw_dnssec_config_init(&cfg);
	cfg.limits.chain_depth = 4;
	ctx = ts_ctx(&cfg);
	for (int i = 0; i < 4; i++) {
		ts_zone_init(&z[i], names[i], 13);
		ts_zone_publish(&z[i], &w, NULL, 0);
		if (i)
			ts_zone_delegate(&z[i - 1], &z[i], &w);
	}
	ts_zone_anchor(&z[0], ctx);
	m = ts_msg_new("www.d.c.b.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.d.c.b.example.", "192.0.2.1");
	ts_sign(m, 0, "www.d.c.b.example.", TW_DNS_T_A, &z[3].zsk,
		"d.c.b.example.", TS_INC, TS_EXP, NULL);
	/* 7 fetches needed (DNSKEY + 3 x (DS, DNSKEY)): over 4 */
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	assert_non_null(strstr(res.reason, "limit"));
	tw_dnssec_ctx_destroy(ctx);
	/* with the default (32) it validates */
	ctx = ts_ctx(NULL);
	ts_zone_anchor(&z[0], ctx);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	tw_dnssec_ctx_destroy(ctx);
	free(m);
	for (int i = 0; i < 4; i++)
		ts_zone_free(&z[i]);
	ts_world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_keytrap_rrset),
		cmocka_unit_test(test_keytrap_dnskey),
		cmocka_unit_test(test_tag_collision_legit),
		cmocka_unit_test(test_budget_per_validation),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_nsec3_budget),
		cmocka_unit_test(test_chain_depth),
	};

	return cmocka_run_group_tests_name("dnssec/limits", tests, NULL, NULL);
}
