/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trust anchors (RFC 4035 5) and negative trust anchors (RFC 7646).
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

static void
test_root_key_file(void **state)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	unsigned line = 0;
	int rc;

	(void)state;
	/* Debian's dns-root-data: the root KSKs as DNSKEY lines */
	rc = tw_dnssec_anchor_add_file(ctx, TW_DNSSEC_ROOT_KEY_FILE, &line);
	assert_true(rc >= 1);
	assert_int_equal(tw_dnssec_anchor_count(ctx), (unsigned)rc);
	/* loading it again adds nothing (duplicates are skipped) */
	assert_int_equal(
		tw_dnssec_anchor_add_file(ctx, TW_DNSSEC_ROOT_KEY_FILE, &line),
		0);
	assert_int_equal(
		tw_dnssec_anchor_add_file(ctx, "/nonexistent/root.key", NULL),
		-ENOENT);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_text(void **state)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct tw_dns_zone_rr rr;
	unsigned line = 0;
	static const char text[] =
		"; a comment\n"
		"$TTL 3600\n"
		"example. IN DS 60485 5 2 ( D4B7D520E7BB5F0F67674A0CCEB1E3E0\n"
		"                           614B93C4F9E99B8383F6A1E4469DA50A "
		")\n"
		"\n"
		"sub.example. 86400 IN DNSKEY 257 3 13 "
		"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7w"
		"NcP+e+MAnLr+Wi9xMWyQLc8NAA==\n";

	(void)state;
	assert_int_equal(tw_dnssec_anchor_add_text(ctx, text, &line), 2);
	assert_int_equal(tw_dnssec_anchor_count(ctx), 2);
	/* the same RR again: -EEXIST from the single-RR call */
	assert_int_equal(
		tw_dns_zone_line("example. IN DS 60485 5 2 "
				 "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B9"
				 "3C4F9E99B8383F6A1E4469DA50A",
				 3600, &rr),
		1);
	assert_int_equal(tw_dnssec_anchor_add(ctx, &rr), -EEXIST);
	/* another class, another type, malformed rdata: -EINVAL */
	rr.rclass = 3;
	assert_int_equal(tw_dnssec_anchor_add(ctx, &rr), -EINVAL);
	rr.rclass = TW_DNS_C_IN;
	rr.type = TW_DNS_T_A;
	assert_int_equal(tw_dnssec_anchor_add(ctx, &rr), -EINVAL);
	rr.type = TW_DNS_T_DS;
	rr.rdlen = 3;
	assert_int_equal(tw_dnssec_anchor_add(ctx, &rr), -EINVAL);
	assert_int_equal(tw_dnssec_anchor_add(NULL, &rr), -EINVAL);
	/* syntax errors name their line; other types are refused */
	assert_int_equal(tw_dnssec_anchor_add_text(
				 ctx, "; x\nexample. IN DS zz\n", &line),
			 -TW_ESYNTAX);
	assert_int_equal(line, 2);
	assert_true(tw_dnssec_anchor_add_text(ctx, "example. IN A 192.0.2.1\n",
					      &line) < 0);
	/* a DS digest of the wrong length for its type (SHA-256, 31
	 * octets: one cut off) names its line; an unknown type's digest is
	 * taken as it is */
	assert_int_equal(tw_dnssec_anchor_add_text(
				 ctx,
				 "; x\n\nexample. IN DS 60485 5 2 "
				 "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E9"
				 "9B8383F6A1E4469DA5\n",
				 &line),
			 -TW_ERDATA);
	assert_int_equal(line, 3);
	assert_int_equal(tw_dnssec_anchor_add_text(
				 ctx, "other. IN DS 1 13 99 0102\n", &line),
			 1);
	assert_int_equal(tw_dnssec_anchor_count(ctx), 3);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_find(void **state)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	uint8_t n[TW_DNS_NAME_MAX];
	const struct dv_anchor *a;

	(void)state;
	assert_int_equal(tw_dnssec_anchor_add_text(
				 ctx,
				 ". IN DS 1 8 2 "
				 "0000000000000000000000000000000000000000000"
				 "000000000000000000000\n"
				 "b.example. IN DS 2 8 2 "
				 "0000000000000000000000000000000000000000000"
				 "000000000000000000000\n",
				 NULL),
			 2);
	/* the closest anchor (RFC 4035 5) */
	hx_name("www.a.example.", n);
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW);
	assert_non_null(a);
	assert_int_equal(a->labels, 0);
	hx_name("WWW.B.Example.", n);
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW);
	assert_int_equal(a->labels, 2);
	/* an NTA above the b.example. anchor does not hide it; below the
	 * NTA elsewhere it applies (RFC 7646 2) */
	hx_name("example.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, HX_NOW + 100), 0);
	hx_name("www.b.example.", n);
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW);
	assert_false(dv_anchor_is_nta(a, HX_NOW));
	hx_name("www.a.example.", n);
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW);
	assert_true(dv_anchor_is_nta(a, HX_NOW));
	/* expired: the root anchor again */
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW + 100);
	assert_int_equal(a->labels, 0);
	/* an NTA at the anchor's own name wins */
	hx_name("b.example.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, 0), 0);
	hx_name("www.b.example.", n);
	a = dv_anchor_find(&ctx->anchors, n, HX_NOW);
	assert_true(dv_anchor_is_nta(a, HX_NOW));
	hx_name("b.example.", n);
	assert_int_equal(tw_dnssec_nta_del(ctx, n), 0);
	assert_int_equal(tw_dnssec_nta_del(ctx, n), -ENOENT);
	hx_name("nothere.", n);
	assert_int_equal(tw_dnssec_nta_del(ctx, n), -ENOENT);
	assert_int_equal(tw_dnssec_nta_add(NULL, n, 0), -EINVAL);
	tw_dnssec_ctx_destroy(ctx);
}

/* Validation under anchors and NTAs with an in-test zone. */
static void
test_validate(void **state)
{
	struct tw_dnssec_result res;
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
	struct ts_zone z;
	struct ts_msg *good, *bad;
	uint8_t n[TW_DNS_NAME_MAX];

	(void)state;
	ts_zone_init(&z, "example.", 13);
	ts_zone_publish(&z, &w, NULL, 0);
	good = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	ts_add_a(good, 0, "www.example.", "192.0.2.1");
	ts_sign(good, 0, "www.example.", TW_DNS_T_A, &z.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	bad = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	ts_add_a(bad, 0, "www.example.", "192.0.2.66");
	bad->rr[0][1] = good->rr[0][1];
	bad->n[0] = 2;

	/* no anchor at all: insecure (RFC 4033 5 "indeterminate" is passed
	 * on unvalidated like insecure data), and nothing fetched */
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_non_null(strstr(res.reason, "no trust anchor"));
	assert_int_equal(w.asked, 0);

	ts_zone_anchor(&z, ctx);
	assert_int_equal(ts_validate(ctx, good, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);

	/* RFC 7646: an NTA makes it insecure until it expires */
	hx_name("example.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, HX_NOW + 3600), 0);
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_non_null(strstr(res.reason, "negative trust anchor"));
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW + 3600, &res, NULL),
			 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(tw_dnssec_nta_del(ctx, n), 0);
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	tw_dnssec_ctx_destroy(ctx);

	/* an anchor with only an unsupported algorithm: insecure, EDE 1;
	 * only an unsupported digest: EDE 2 */
	ctx = ts_ctx(NULL);
	assert_int_equal(tw_dnssec_anchor_add_text(
				 ctx,
				 "example. IN DS 1 253 2 "
				 "0000000000000000000000000000000000000000000"
				 "000000000000000000000\n",
				 NULL),
			 1);
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_int_equal(res.ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
	tw_dnssec_ctx_destroy(ctx);
	ctx = ts_ctx(NULL);
	assert_int_equal(tw_dnssec_anchor_add_text(ctx,
						   "example. IN DS 1 13 99 "
						   "00000000000000000000000000"
						   "00000000000000000000000000"
						   "000000000000\n",
						   NULL),
			 1);
	assert_int_equal(ts_validate(ctx, bad, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_int_equal(res.ede, TW_EDE_UNSUPPORTED_DS_DIGEST);
	tw_dnssec_ctx_destroy(ctx);

	/* a DNSKEY anchor (the KSK itself) */
	ctx = ts_ctx(NULL);
	{
		struct tw_dns_zone_rr zr;

		memset(&zr, 0, sizeof(zr));
		hx_name("example.", zr.owner);
		zr.type = TW_DNS_T_DNSKEY;
		zr.rclass = TW_DNS_C_IN;
		zr.rdlen = z.ksk.rdlen;
		memcpy(zr.rdata, z.ksk.rdata, z.ksk.rdlen);
		assert_int_equal(tw_dnssec_anchor_add(ctx, &zr), 0);
	}
	assert_int_equal(ts_validate(ctx, good, &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	tw_dnssec_ctx_destroy(ctx);

	/* RFC 4034 2.1.1: the SEP bit is ignored: a DS anchor naming a key
	 * with flags 256 (no SEP) that signs the DNSKEY RRset validates */
	{
		struct ts_world w2 = { 0 };
		struct ts_zone ns;
		struct ts_msg *a;

		ts_zone_init(&ns, "nosep.example.", 13);
		ts_key_set(&ns.ksk, 256, 3);
		assert_int_equal(ns.ksk.rdata[1], 0);
		ts_zone_publish(&ns, &w2, NULL, 0);
		ctx = ts_ctx(NULL);
		ts_zone_anchor(&ns, ctx);
		a = ts_msg_new("www.nosep.example.", TW_DNS_T_A, 0);
		ts_add_a(a, 0, "www.nosep.example.", "192.0.2.1");
		ts_sign(a, 0, "www.nosep.example.", TW_DNS_T_A, &ns.zsk,
			"nosep.example.", TS_INC, TS_EXP, NULL);
		assert_int_equal(ts_validate(ctx, a, &w2, HX_NOW, &res, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_SECURE);
		assert_int_equal(res.ede, TW_EDE_NONE);
		tw_dnssec_ctx_destroy(ctx);
		free(a);
		ts_zone_free(&ns);
		ts_world_free(&w2);
	}

	free(good);
	free(bad);
	ts_zone_free(&z);
	ts_world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_key_file),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests_name("dnssec/anchors", tests, NULL, NULL);
}
