/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DS (ds.c): which DS RRs are usable (RFC 4035 5.2, RFC 6840 5.2, RFC
 * 4509 3, RFC 8624 3.3) and DS -> DNSKEY matching, with the examples of
 * RFC 4034 5.4 (SHA-1) and RFC 4509 2.3 (SHA-256) for the same key.
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

static const char dskey[] =
	"dskey.example.com. 86400 IN DNSKEY 256 3 5 "
	"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMz"
	"NXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJ"
	"BjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";
static const char ds_sha1[] = "dskey.example.com. 86400 IN DS 60485 5 1 "
			      "2BB183AF5F22588179A53B0A98631FAD1A292118";
static const char ds_sha256[] =
	"dskey.example.com. 86400 IN DS 60485 5 2 "
	"D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A";

static void
parse(const char *line, struct tw_dns_zone_rr *rr, struct dv_key *k)
{
	assert_int_equal(tw_dns_zone_line(line, 3600, rr), 1);
	if (rr->type == TW_DNS_T_DS)
		assert_int_equal(dv_key_from_ds(k, rr->rdata, rr->rdlen), 0);
	else
		assert_int_equal(dv_key_from_dnskey(k, rr->rdata, rr->rdlen),
				 0);
}

static void
test_usable(void **state)
{
	struct tw_dnssec_config cfg;
	struct dv_key ds[4];
	bool u[4];
	int ede = TW_EDE_NONE;
	uint8_t dig[48] = { 0 };

	(void)state;
	tw_dnssec_config_init(&cfg);
	memset(ds, 0, sizeof(ds));
	for (int i = 0; i < 4; i++)
		ds[i].pub = dig;
	/* SHA-1 alone: usable */
	ds[0].alg = 8;
	ds[0].proto = 1;
	ds[0].pub_len = 20;
	assert_int_equal(dv_ds_usable(&cfg, ds, 1, u, &ede), 1);
	assert_true(u[0]);
	/* SHA-1 beside SHA-256: SHA-1 ignored (RFC 4509 3) */
	ds[1].alg = 8;
	ds[1].proto = 2;
	ds[1].pub_len = 32;
	assert_int_equal(dv_ds_usable(&cfg, ds, 2, u, &ede), 1);
	assert_false(u[0]);
	assert_true(u[1]);
	/* SHA-384 */
	ds[2].alg = 14;
	ds[2].proto = 4;
	ds[2].pub_len = 48;
	assert_int_equal(dv_ds_usable(&cfg, ds + 2, 1, u, &ede), 1);
	/* a digest of the wrong length is not usable */
	ds[2].pub_len = 32;
	assert_int_equal(dv_ds_usable(&cfg, ds + 2, 1, u, &ede), 0);
	/* unknown digest 99, GOST 3, reserved 0: EDE 2 */
	for (int t = 0; t < 3; t++) {
		uint8_t dt[] = { 99, 3, 0 };

		ds[3].alg = 13;
		ds[3].proto = dt[t];
		ds[3].pub_len = 32;
		ede = TW_EDE_NONE;
		assert_int_equal(dv_ds_usable(&cfg, ds + 3, 1, u, &ede), 0);
		assert_int_equal(ede, TW_EDE_UNSUPPORTED_DS_DIGEST);
	}
	/* algorithms never validated (RFC 8624 3.1): 1, 3, 6, 12; unknown
	 * 253: EDE 1 */
	{
		uint8_t algs[] = { 1, 3, 6, 12, 253, 0 };

		for (size_t i = 0; i < sizeof(algs); i++) {
			ds[3].alg = algs[i];
			ds[3].proto = 2;
			ede = TW_EDE_NONE;
			assert_int_equal(dv_ds_usable(&cfg, ds + 3, 1, u, &ede),
					 0);
			assert_int_equal(ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
		}
	}
	/* mixed: one usable among unusable ones */
	ds[3].alg = 253;
	assert_int_equal(dv_ds_usable(&cfg, ds + 1, 3, u, &ede), 1);
	/* RFC 9905 option: 5 and 7 unsupported */
	tw_dnssec_config_no_sha1(&cfg);
	ds[0].alg = 5;
	assert_int_equal(dv_ds_usable(&cfg, ds, 1, u, &ede), 0);
	assert_int_equal(ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
}

static void
test_match(void **state)
{
	struct tw_dns_zone_rr rk, r1, r2;
	struct dv_key key, ds[2], keys[3];
	struct tw_val *v = calloc(1, sizeof(*v));
	uint8_t owner[TW_DNS_NAME_MAX];
	bool u[2] = { true, true }, m[3];

	(void)state;
	assert_non_null(v);
	v->ctx = ts_ctx(NULL);
	parse(dskey, &rk, &key);
	assert_int_equal(key.tag, 60485);
	parse(ds_sha1, &r1, &ds[0]);
	parse(ds_sha256, &r2, &ds[1]);
	hx_name("dskey.example.com.", owner);
	keys[0] = key;
	/* both digests match the key (RFC 4034 5.4, RFC 4509 2.3) */
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 1);
	assert_true(m[0]);
	assert_int_equal(dv_ds_match(v, owner, ds + 1, u, 1, keys, 1, m), 1);
	/* the owner is part of the digest (lowercase form) */
	hx_name("DSKEY.Example.COM.", owner);
	tw_dns_name_lower(owner);
	assert_int_equal(dv_ds_match(v, owner, ds, u, 1, keys, 1, m), 1);
	hx_name("other.example.com.", owner);
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 0);
	hx_name("dskey.example.com.", owner);
	/* a mismatching DS is skipped while another matches */
	{
		uint8_t bad[32];
		struct dv_key d2[2] = { ds[1], ds[0] };

		memcpy(bad, ds[1].pub, 32);
		bad[31] ^= 1;
		d2[0].pub = bad;
		assert_int_equal(dv_ds_match(v, owner, d2, u, 2, keys, 1, m),
				 1);
		assert_int_equal(dv_ds_match(v, owner, d2, u, 1, keys, 1, m),
				 0);
	}
	/* the zone bit is required (RFC 4034 5.2); SEP is not looked at */
	keys[0].flags = 0;
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 0);
	keys[0].flags = TW_DNSKEY_F_ZONE | TW_DNSKEY_F_SEP;
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 1);
	/* another key tag: not tried */
	keys[0] = key;
	keys[0].tag++;
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 0);
	/* unusable DS RRs are not used */
	keys[0] = key;
	u[0] = u[1] = false;
	assert_int_equal(dv_ds_match(v, owner, ds, u, 2, keys, 1, m), 0);
	tw_dnssec_ctx_destroy(v->ctx);
	free(v);
}

/* keys_per_tag bounds the digests computed per DS. */
static void
test_match_budget(void **state)
{
	struct tw_val *v = calloc(1, sizeof(*v));
	struct tw_crypto_stats s0, s1;
	struct ts_key base, coll[10];
	struct dv_key keys[10], ds;
	struct ts_msg *m = ts_msg_new("example.", TW_DNS_T_DS, 0);
	struct ts_rr *r;
	uint8_t owner[TW_DNS_NAME_MAX];
	bool u = true, mt[10];

	(void)state;
	assert_non_null(v);
	v->ctx = ts_ctx(NULL);
	ts_key_gen(&base, 8, 257, 1024);
	for (int i = 0; i < 10; i++) {
		ts_key_rsa_collide(&coll[i], &base, base.tag, (unsigned)i);
		assert_int_equal(dv_key_from_dnskey(&keys[i], coll[i].rdata,
						    coll[i].rdlen),
				 0);
	}
	/* the DS names the last one */
	r = ts_add_ds(m, 0, "example.", &coll[9], 2);
	assert_int_equal(dv_key_from_ds(&ds, r->rdata, r->rdlen), 0);
	hx_name("example.", owner);
	tw_crypto_stats_get(tw_dnssec_crypto(v->ctx), &s0);
	assert_int_equal(dv_ds_match(v, owner, &ds, &u, 1, keys, 10, mt), 0);
	tw_crypto_stats_get(tw_dnssec_crypto(v->ctx), &s1);
	assert_int_equal(s1.ds_digests - s0.ds_digests, 4);
	/* within the first four: found */
	assert_int_equal(dv_ds_match(v, owner, &ds, &u, 1, keys + 6, 4, mt), 1);
	assert_true(mt[3]);
	for (int i = 0; i < 10; i++)
		ts_key_free(&coll[i]);
	ts_key_free(&base);
	free(m);
	tw_dnssec_ctx_destroy(v->ctx);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usable),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_budget),
	};

	return cmocka_run_group_tests_name("dnssec/ds", tests, NULL, NULL);
}
