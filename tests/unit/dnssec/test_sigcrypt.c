/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signatures (sigcrypt.c): the algorithm policy table (RFC 8624 3.1), the
 * RRSIG checks of RFC 4035 5.3.1 (validity period in RFC 1982 serial
 * arithmetic with skew, key tag, algorithm, zone key bit, revoked keys),
 * the TTL cap (RFC 4035 5.3.3), the EDE chosen for a failure.
 *
 * The zone's keys are put in the cache (dv_keys_inject) under a trust
 * anchor, so each case is exactly one RRset validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dnssec_priv.h"
#include "testsign.h"

static struct ts_zone z;
static struct ts_key nozone, revoked, proto4;
static struct ts_world w;

static int
setup(void **state)
{
	(void)state;
	ts_zone_init(&z, "example.", 13);
	ts_key_gen(&nozone, 13, 0, 0);
	ts_key_gen(&revoked, 13, 256 | TW_DNSKEY_F_REVOKE, 0);
	/* a zone key with protocol 4 (RFC 4034 2.1.2: must be 3) */
	ts_key_gen(&proto4, 13, 256, 0);
	ts_key_set(&proto4, 256, 4);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ts_zone_free(&z);
	ts_key_free(&nozone);
	ts_key_free(&revoked);
	ts_key_free(&proto4);
	ts_world_free(&w);
	return 0;
}

/* A context trusting example.'s keys until now + 10 days. */
static struct tw_dnssec_ctx *
ctx_at(uint32_t now, const struct tw_dnssec_config *cfg)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(cfg);
	const struct ts_key *k[] = { &z.ksk, &z.zsk, &nozone, &revoked,
				     &proto4 };
	const uint8_t *rd[5];
	uint16_t len[5];
	uint8_t zone[TW_DNS_NAME_MAX];

	for (int i = 0; i < 5; i++) {
		rd[i] = k[i]->rdata;
		len[i] = k[i]->rdlen;
	}
	ts_zone_anchor(&z, ctx);
	hx_name("example.", zone);
	assert_int_equal(dv_keys_inject(ctx, zone, rd, len, 5, now + 864000u),
			 0);
	return ctx;
}

/* www.example. A signed by key with [inc, exp] and options. */
static struct ts_msg *
answer(const struct ts_key *key, uint32_t inc, uint32_t exp,
       const struct ts_sigopt *o)
{
	struct ts_msg *m = ts_msg_new("www.example.", TW_DNS_T_A, 0);

	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, key, "example.", inc, exp, o);
	return m;
}

static void
expect(struct ts_msg *m, uint32_t now, const struct tw_dnssec_config *cfg,
       int status, int ede, uint32_t *ttl)
{
	struct tw_dnssec_ctx *ctx = ctx_at(now, cfg);
	struct tw_dnssec_result res;

	assert_int_equal(ts_validate(ctx, m, &w, now, &res, NULL), 0);
	if ((int)res.status != status || res.ede != ede)
		printf("got %s/%d: %s\n", tw_dnssec_status_str(res.status),
		       res.ede, res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
	if (ttl)
		*ttl = res.ttl_cap;
	tw_dnssec_ctx_destroy(ctx);
	free(m);
}

static void
test_policy(void **state)
{
	struct tw_dnssec_config cfg;
	char buf[16];

	(void)state;
	tw_dnssec_config_init(&cfg);
	/* RFC 8624 3.1: MUST NOT 1, 3, 6, 12; validated 5, 7, 8, 10, 13,
	 * 14, 15, 16; anything else unknown */
	for (int a = 0; a < 256; a++) {
		bool yes = a == 5 || a == 7 || a == 8 || a == 10 || a == 13 ||
			   a == 14 || a == 15 || a == 16;

		assert_int_equal(cfg.alg[a], yes ? TW_DNSSEC_VALIDATE
						 : TW_DNSSEC_UNSUPPORTED);
	}
	/* RFC 8624 3.3: digests 1, 2, 4; never 0 */
	for (int d = 0; d < 256; d++)
		assert_int_equal(cfg.digest[d], d == 1 || d == 2 || d == 4);
	tw_dnssec_config_no_sha1(&cfg);
	assert_int_equal(cfg.alg[5], TW_DNSSEC_UNSUPPORTED);
	assert_int_equal(cfg.alg[7], TW_DNSSEC_UNSUPPORTED);
	assert_int_equal(cfg.alg[8], TW_DNSSEC_VALIDATE);
	assert_string_equal(tw_dnssec_alg_name(13, buf), "ECDSAP256SHA256");
	assert_string_equal(tw_dnssec_alg_name(1, buf), "RSAMD5");
	assert_string_equal(tw_dnssec_alg_name(200, buf), "ALG200");
	assert_string_equal(tw_dnssec_status_str(TW_DNSSEC_BOGUS), "bogus");
	assert_string_equal(tw_dnssec_status_str((enum tw_dnssec_status)9),
			    "?");
}

static void
test_fail_ede(void **state)
{
	const char *why;

	(void)state;
	/* the strongest failure chooses the EDE */
	assert_int_equal(dv_fail_ede(DV_F_LIMIT | DV_F_CRYPTO, &why),
			 TW_EDE_DNSSEC_BOGUS);
	assert_non_null(strstr(why, "limit"));
	assert_int_equal(dv_fail_ede(DV_F_CRYPTO | DV_F_EXPIRED, &why),
			 TW_EDE_DNSSEC_BOGUS);
	assert_int_equal(dv_fail_ede(DV_F_EXPIRED | DV_F_NOKEY, &why),
			 TW_EDE_SIGNATURE_EXPIRED);
	assert_int_equal(dv_fail_ede(DV_F_NOTYET, &why),
			 TW_EDE_SIGNATURE_NOT_YET_VALID);
	assert_int_equal(dv_fail_ede(DV_F_EXP_BEFORE, &why),
			 TW_EDE_SIG_EXPIRED_BEFORE_VALID);
	assert_int_equal(dv_fail_ede(DV_F_NOZONEBIT | DV_F_NOKEY, &why),
			 TW_EDE_NO_ZONE_KEY_BIT);
	assert_int_equal(dv_fail_ede(DV_F_NOKEY, &why), TW_EDE_DNSKEY_MISSING);
	assert_int_equal(dv_fail_ede(DV_F_NOSIG, &why), TW_EDE_RRSIGS_MISSING);
	assert_int_equal(dv_fail_ede(DV_F_UNSUPP, &why),
			 TW_EDE_UNSUPPORTED_DNSKEY_ALG);
	assert_int_equal(dv_fail_ede(DV_F_ERROR, &why),
			 TW_EDE_DNSSEC_INDETERMINATE);
}

static void
test_times(void **state)
{
	struct tw_dnssec_config cfg;
	uint32_t ttl;
	const uint32_t N = HX_NOW;

	(void)state;
	tw_dnssec_config_init(&cfg);
	assert_int_equal(cfg.skew, 60);
	expect(answer(&z.zsk, N - 100, N + 100, NULL), N, NULL,
	       TW_DNSSEC_SECURE, TW_EDE_NONE, &ttl);
	/* RFC 4035 5.3.3: capped by the time left before expiration */
	assert_int_equal(ttl, 100);
	/* expired, within the skew: valid; beyond: EDE 7 */
	expect(answer(&z.zsk, N - 1000, N - 30, NULL), N, NULL,
	       TW_DNSSEC_SECURE, TW_EDE_NONE, &ttl);
	assert_int_equal(ttl, 0);
	expect(answer(&z.zsk, N - 1000, N - 61, NULL), N, NULL, TW_DNSSEC_BOGUS,
	       TW_EDE_SIGNATURE_EXPIRED, &ttl);
	/* a bogus answer is cached only briefly (RFC 4035 4.7) */
	assert_int_equal(ttl, 60);
	/* not yet valid, within the skew: valid; beyond: EDE 8 */
	expect(answer(&z.zsk, N + 30, N + 1000, NULL), N, NULL,
	       TW_DNSSEC_SECURE, TW_EDE_NONE, NULL);
	expect(answer(&z.zsk, N + 61, N + 1000, NULL), N, NULL, TW_DNSSEC_BOGUS,
	       TW_EDE_SIGNATURE_NOT_YET_VALID, NULL);
	/* expiration before inception: EDE 25 */
	expect(answer(&z.zsk, N + 10, N - 10, NULL), N, NULL, TW_DNSSEC_BOGUS,
	       TW_EDE_SIG_EXPIRED_BEFORE_VALID, NULL);
	/* skew 0 */
	cfg.skew = 0;
	expect(answer(&z.zsk, N - 1000, N - 1, NULL), N, &cfg, TW_DNSSEC_BOGUS,
	       TW_EDE_SIGNATURE_EXPIRED, NULL);
	expect(answer(&z.zsk, N - 1000, N, NULL), N, &cfg, TW_DNSSEC_SECURE,
	       TW_EDE_NONE, NULL);
	/* RFC 1982 / RFC 4034 3.1.5: across the 2106 wrap of 32 bits */
	expect(answer(&z.zsk, 0xffff0000u, 0x00010000u, NULL), 0xffffff00u,
	       NULL, TW_DNSSEC_SECURE, TW_EDE_NONE, &ttl);
	assert_int_equal(ttl, 3600);
	expect(answer(&z.zsk, 0xffff0000u, 0x00010000u, NULL), 0x00020000u,
	       NULL, TW_DNSSEC_BOGUS, TW_EDE_SIGNATURE_EXPIRED, NULL);
}

static void
test_ttl(void **state)
{
	struct ts_sigopt o = { .labels = -1, .key_tag = -1, .orig_ttl = 300 };
	struct ts_msg *m;
	uint32_t ttl;

	(void)state;
	/* original TTL 300 below the RR TTL 3600: capped at 300 */
	expect(answer(&z.zsk, TS_INC, TS_EXP, &o), HX_NOW, NULL,
	       TW_DNSSEC_SECURE, TW_EDE_NONE, &ttl);
	assert_int_equal(ttl, 300);
	/* RR TTL below the original TTL: the RR TTL */
	m = answer(&z.zsk, TS_INC, TS_EXP, NULL);
	m->rr[0][0].ttl = 50;
	m->rr[0][1].ttl = 50;
	expect(m, HX_NOW, NULL, TW_DNSSEC_SECURE, TW_EDE_NONE, &ttl);
	assert_int_equal(ttl, 50);
}

static void
test_keys(void **state)
{
	struct ts_sigopt o = { .labels = -1, .key_tag = -1 };
	struct tw_dnssec_config cfg;
	struct ts_msg *m;

	(void)state;
	/* RFC 4035 5.3.1: the matching DNSKEY must have the zone key bit:
	 * EDE 11 */
	expect(answer(&nozone, TS_INC, TS_EXP, NULL), HX_NOW, NULL,
	       TW_DNSSEC_BOGUS, TW_EDE_NO_ZONE_KEY_BIT, NULL);
	/* RFC 4035 5.3.1: the matching DNSKEY must have protocol 3: a key
	 * with the RRSIG's tag and algorithm but protocol 4 is not one */
	assert_int_equal(proto4.rdata[2], 4);
	expect(answer(&proto4, TS_INC, TS_EXP, NULL), HX_NOW, NULL,
	       TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING, NULL);
	/* RFC 5011 2.1: a revoked key signs nothing but its DNSKEY RRset */
	expect(answer(&revoked, TS_INC, TS_EXP, NULL), HX_NOW, NULL,
	       TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING, NULL);
	/* an RRSIG whose algorithm is not validated: EDE 1 */
	o.alg = 200;
	expect(answer(&z.zsk, TS_INC, TS_EXP, &o), HX_NOW, NULL,
	       TW_DNSSEC_BOGUS, TW_EDE_UNSUPPORTED_DNSKEY_ALG, NULL);
	/* the same zone with algorithm 13 made unsupported: the DS names
	 * an unsupported algorithm now: insecure, EDE 1 (RFC 4035 5.2) */
	tw_dnssec_config_init(&cfg);
	cfg.alg[13] = TW_DNSSEC_UNSUPPORTED;
	{
		struct tw_dnssec_ctx *ctx = ts_ctx(&cfg);
		struct tw_dnssec_result res;

		ts_zone_anchor(&z, ctx);
		m = answer(&z.zsk, TS_INC, TS_EXP, NULL);
		assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_INSECURE);
		assert_int_equal(res.ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
		free(m);
		tw_dnssec_ctx_destroy(ctx);
	}
	/* a garbage RRSIG before a good one: the good one validates */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	o.alg = 0;
	o.garbage = true;
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, &z.zsk, "example.", TS_INC,
		TS_EXP, &o);
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, &z.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	expect(m, HX_NOW, NULL, TW_DNSSEC_SECURE, TW_EDE_NONE, NULL);
	/* a signature over a different RRset (one more RR) fails */
	m = answer(&z.zsk, TS_INC, TS_EXP, NULL);
	ts_add_a(m, 0, "www.example.", "192.0.2.2");
	expect(m, HX_NOW, NULL, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, NULL);
	/* duplicate RRs count once (RFC 4034 6.3), order does not matter */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.example.", "192.0.2.2");
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, &z.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	expect(m, HX_NOW, NULL, TW_DNSSEC_SECURE, TW_EDE_NONE, NULL);
	/* owner in another case: canonical form lowercases it */
	m = answer(&z.zsk, TS_INC, TS_EXP, NULL);
	m->rr[0][0].owner[1] = 'W';
	m->rr[0][1].owner[1] = 'W';
	expect(m, HX_NOW, NULL, TW_DNSSEC_SECURE, TW_EDE_NONE, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy), cmocka_unit_test(test_fail_ede),
		cmocka_unit_test(test_times),  cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests_name("dnssec/sigcrypt", tests, setup,
					   teardown);
}
