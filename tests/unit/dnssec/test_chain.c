/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chain of trust and the zone cache (chain.c): DS -> DNSKEY steps,
 * insecure delegations proven by the parent (RFC 4035 5.2), names that
 * are not cuts, failed fetches (never cached, never bogus), bogus zones
 * cached for bogus_ttl (RFC 4035 4.7), the cache's LRU and expiry.
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

static struct dv_entry *
entry(const char *name, uint32_t expires)
{
	uint8_t n[TW_DNS_NAME_MAX];
	struct dv_entry *e;

	hx_name(name, n);
	e = dv_entry_new(DV_K_NOCUT, n, 0, 0);
	assert_non_null(e);
	e->expires = expires;
	return e;
}

static struct dv_entry *
get(struct dv_cache *c, const char *name, uint32_t now)
{
	uint8_t n[TW_DNS_NAME_MAX];

	hx_name(name, n);
	tw_dns_name_lower(n);
	return dv_cache_get(c, n, now);
}

static void
test_cache(void **state)
{
	struct dv_cache c;
	struct dv_entry *a, *b, *d, *e;

	(void)state;
	assert_int_equal(dv_cache_init(&c, 3), 0);
	a = entry("a.example.", 100);
	b = entry("b.example.", 100);
	d = entry("d.example.", 100);
	dv_cache_put(&c, a);
	dv_cache_put(&c, b);
	dv_cache_put(&c, d);
	assert_int_equal(c.count, 3);
	/* names are looked up case-insensitively (stored lowercase) */
	assert_ptr_equal(get(&c, "A.Example.", 10), a);
	/* full: the least recently used (b) goes */
	e = entry("e.example.", 100);
	dv_cache_put(&c, e);
	assert_int_equal(c.count, 3);
	assert_null(get(&c, "b.example.", 10));
	assert_non_null(get(&c, "a.example.", 10));
	/* b is still alive: we hold a reference */
	assert_int_equal(b->refcnt, 1);
	assert_false(b->cached);
	/* expiry: valid while now < expires (serial arithmetic) */
	assert_non_null(get(&c, "d.example.", 99));
	assert_null(get(&c, "d.example.", 100));
	assert_int_equal(c.count, 2);
	/* a new entry for a name replaces the old one */
	{
		struct dv_entry *a2 = entry("a.example.", 200);

		dv_cache_put(&c, a2);
		assert_ptr_equal(get(&c, "a.example.", 150), a2);
		assert_false(a->cached);
		dv_entry_put(a2);
	}
	dv_cache_flush(&c);
	assert_int_equal(c.count, 0);
	assert_null(get(&c, "e.example.", 10));
	dv_cache_fini(&c);
	dv_entry_put(a);
	dv_entry_put(b);
	dv_entry_put(d);
	dv_entry_put(e);
	/* a cache of 0 entries keeps nothing */
	assert_int_equal(dv_cache_init(&c, 0), 0);
	a = entry("a.example.", 100);
	dv_cache_put(&c, a);
	assert_null(get(&c, "a.example.", 10));
	dv_entry_put(a);
	dv_cache_fini(&c);
}

/*
 * example. (ECDSA, NSEC) with:
 *   insec.example.   delegation without DS (NSEC: NS RRSIG NSEC)
 *   b.example.       a plain name (NSEC: A RRSIG NSEC)
 *   c.b.example.     a signed child (DS)
 *   dig.example.     a child whose only DS has digest type 99
 */
static struct ts_zone ex, cb;
static struct ts_world w;

static void
add_denial(const char *name, const char *next, const uint16_t *types)
{
	struct ts_msg *m = ts_msg_new(name, TW_DNS_T_DS, 0);

	ts_add_soa(m, 1, "example.");
	ts_sign(m, 1, "example.", TW_DNS_T_SOA, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	ts_add_nsec(m, 1, name, next, types);
	ts_sign(m, 1, name, TW_DNS_T_NSEC, &ex.zsk, "example.", TS_INC, TS_EXP,
		NULL);
	ts_world_add(&w, m);
	free(m);
}

static int
setup(void **state)
{
	struct ts_msg *m;

	(void)state;
	ts_zone_init(&ex, "example.", 13);
	ts_zone_init(&cb, "c.b.example.", 13);
	ts_zone_publish(&ex, &w, NULL, 0);
	ts_zone_publish(&cb, &w, NULL, 0);
	ts_zone_delegate(&ex, &cb, &w);
	add_denial("insec.example.", "example.",
		   (const uint16_t[]){ TW_DNS_T_NS, TW_DNS_T_RRSIG,
				       TW_DNS_T_NSEC, 0 });
	add_denial("b.example.", "c.b.example.",
		   (const uint16_t[]){ TW_DNS_T_A, TW_DNS_T_RRSIG,
				       TW_DNS_T_NSEC, 0 });
	/* dig.example. DS with only digest type 99 */
	m = ts_msg_new("dig.example.", TW_DNS_T_DS, 0);
	{
		struct ts_rr *r = ts_add_ds(m, 0, "dig.example.", &cb.ksk, 2);

		r->rdata[3] = 99;
	}
	ts_sign(m, 0, "dig.example.", TW_DNS_T_DS, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	ts_world_add(&w, m);
	free(m);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ts_zone_free(&ex);
	ts_zone_free(&cb);
	ts_world_free(&w);
	return 0;
}

static struct tw_dnssec_ctx *
ctx_new(void)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);

	ts_zone_anchor(&ex, ctx);
	return ctx;
}

static struct ts_msg *
unsigned_a(const char *name)
{
	struct ts_msg *m = ts_msg_new(name, TW_DNS_T_A, 0);

	ts_add_a(m, 0, name, "192.0.2.1");
	return m;
}

static void
run(struct tw_dnssec_ctx *ctx, struct ts_msg *m, struct ts_world *world,
    uint32_t now, int status, int ede, unsigned asked)
{
	struct tw_dnssec_result res;
	unsigned before = world->asked;

	assert_int_equal(ts_validate(ctx, m, world, now, &res, NULL), 0);
	if ((int)res.status != status || res.ede != ede ||
	    world->asked - before != asked)
		printf("got %s/%d after %u fetches: %s\n",
		       tw_dnssec_status_str(res.status), res.ede,
		       world->asked - before, res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
	assert_int_equal(world->asked - before, asked);
}

static void
test_insecure_delegation(void **state)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m = unsigned_a("www.insec.example.");

	(void)state;
	/* DNSKEY example., DS insec.example. (NSEC: NS, no DS) */
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_INSECURE, TW_EDE_NONE, 2);
	/* cached: no fetch the second time, nor for another name there */
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_INSECURE, TW_EDE_NONE, 0);
	free(m);
	m = unsigned_a("a.b.insec.example.");
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_INSECURE, TW_EDE_NONE, 0);
	free(m);
	/* an unsigned answer in the secure zone itself: bogus, EDE 10
	 * (the DS probe shows b.example. is a plain name) */
	m = unsigned_a("b.example.");
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_BOGUS, TW_EDE_RRSIGS_MISSING, 1);
	free(m);
	/* a DS set with only digest type 99: insecure, EDE 2 */
	m = unsigned_a("www.dig.example.");
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_INSECURE,
	    TW_EDE_UNSUPPORTED_DS_DIGEST, 1);
	free(m);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_nocut(void **state)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m = ts_msg_new("www.c.b.example.", TW_DNS_T_A, 0);

	(void)state;
	ts_add_a(m, 0, "www.c.b.example.", "192.0.2.1");
	ts_sign(m, 0, "www.c.b.example.", TW_DNS_T_A, &cb.zsk, "c.b.example.",
		TS_INC, TS_EXP, NULL);
	/* DNSKEY example., DS b.example. (not a cut), DS c.b.example.,
	 * DNSKEY c.b.example. */
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_SECURE, TW_EDE_NONE, 4);
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_SECURE, TW_EDE_NONE, 0);
	/* the keys expire with their signature/TTL: asked again later */
	run(ctx, m, &w, HX_NOW + 7200, TW_DNSSEC_SECURE, TW_EDE_NONE, 4);
	free(m);
	/* signed by a name that is not a zone: bogus */
	m = ts_msg_new("www.b.example.", TW_DNS_T_A, 0);
	ts_add_a(m, 0, "www.b.example.", "192.0.2.1");
	ts_sign(m, 0, "www.b.example.", TW_DNS_T_A, &ex.zsk, "b.example.",
		TS_INC, TS_EXP, NULL);
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, 0);
	free(m);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_self_answer(void **state)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m = ts_msg_new("example.", TW_DNS_T_DNSKEY, 0);

	(void)state;
	/* a DNSKEY query answers its own key fetch */
	ts_add_dnskey(m, 0, "example.", &ex.ksk);
	ts_add_dnskey(m, 0, "example.", &ex.zsk);
	ts_sign(m, 0, "example.", TW_DNS_T_DNSKEY, &ex.ksk, "example.", TS_INC,
		TS_EXP, NULL);
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_SECURE, TW_EDE_NONE, 0);
	free(m);
	/* a DS query: validated with the parent's keys */
	m = ts_msg_new("c.b.example.", TW_DNS_T_DS, 0);
	ts_add_ds(m, 0, "c.b.example.", &cb.ksk, 2);
	ts_sign(m, 0, "c.b.example.", TW_DNS_T_DS, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	run(ctx, m, &w, HX_NOW, TW_DNSSEC_SECURE, TW_EDE_NONE, 0);
	free(m);
	/* the same DS set signed by the child itself: the DS belongs to
	 * the parent (RFC 4034 5): bogus */
	m = ts_msg_new("c.b.example.", TW_DNS_T_DS, 0);
	ts_add_ds(m, 0, "c.b.example.", &cb.ksk, 2);
	ts_sign(m, 0, "c.b.example.", TW_DNS_T_DS, &cb.zsk, "c.b.example.",
		TS_INC, TS_EXP, NULL);
	{
		struct tw_dnssec_result res;

		assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	}
	free(m);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_fetch_failures(void **state)
{
	struct ts_world empty = { 0 };
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m = ts_msg_new("www.example.", TW_DNS_T_A, 0), *x;

	(void)state;
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	ts_sign(m, 0, "www.example.", TW_DNS_T_A, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	/* the caller could not fetch: indeterminate, EDE 22, not cached */
	run(ctx, m, &empty, HX_NOW, TW_DNSSEC_INDETERMINATE,
	    TW_EDE_NO_REACHABLE_AUTHORITY, 1);
	run(ctx, m, &empty, HX_NOW, TW_DNSSEC_INDETERMINATE,
	    TW_EDE_NO_REACHABLE_AUTHORITY, 1);
	/* upstream SERVFAIL for the DNSKEY: the same */
	x = ts_msg_new("example.", TW_DNS_T_DNSKEY, TW_DNS_RCODE_SERVFAIL);
	ts_world_add(&empty, x);
	free(x);
	run(ctx, m, &empty, HX_NOW, TW_DNSSEC_INDETERMINATE,
	    TW_EDE_NO_REACHABLE_AUTHORITY, 1);
	/* an answer to another question: the same */
	x = ts_msg_new("other.", TW_DNS_T_DNSKEY, 0);
	ts_msg_wire(x);
	memcpy(empty.e[0].wire, x->wire,
	       x->len < empty.e[0].len ? x->len : empty.e[0].len);
	free(x);
	run(ctx, m, &empty, HX_NOW, TW_DNSSEC_INDETERMINATE,
	    TW_EDE_NO_REACHABLE_AUTHORITY, 1);
	/* NODATA for the DNSKEY: the zone has none: bogus, EDE 9 */
	ts_world_free(&empty);
	x = ts_msg_new("example.", TW_DNS_T_DNSKEY, 0);
	ts_world_add(&empty, x);
	free(x);
	run(ctx, m, &empty, HX_NOW, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING, 1);
	/* the good world now: the bogus zone is remembered bogus_ttl (60 s,
	 * RFC 4035 4.7), then asked again */
	run(ctx, m, &w, HX_NOW + 59, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING, 0);
	run(ctx, m, &w, HX_NOW + 60, TW_DNSSEC_SECURE, TW_EDE_NONE, 1);
	free(m);
	ts_world_free(&empty);
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * A DS probe answered with data expanded from a wildcard (RRSIG labels
 * below the owner's: the real "*.example." CNAME or DS replayed at the
 * probed name) proves nothing about a zone cut there (RFC 4035 5.2,
 * 5.3.4): the probe fails (bogus for bogus_ttl, RFC 4035 4.7) and must
 * not leave "no cut" (or a DS) behind for the signatures' lifetime: 60 s
 * later the honest answers validate again.
 */
static void
test_wildcard_ds_probe(void **state)
{
	struct ts_sigopt wild = { .labels = 1, .key_tag = -1 };
	struct tw_dnssec_result res;
	struct ts_msg *m, *q;

	(void)state;
	q = ts_msg_new("www.c.b.example.", TW_DNS_T_A, 0);
	ts_add_a(q, 0, "www.c.b.example.", "192.0.2.1");
	ts_sign(q, 0, "www.c.b.example.", TW_DNS_T_A, &cb.zsk, "c.b.example.",
		TS_INC, TS_EXP, NULL);
	for (int kind = 0; kind < 2; kind++) {
		struct ts_world bad = { 0 };
		struct tw_dnssec_ctx *ctx = ctx_new();

		ts_zone_publish(&ex, &bad, NULL, 0);
		ts_zone_publish(&cb, &bad, NULL, 0);
		m = ts_msg_new("b.example.", TW_DNS_T_DS, 0);
		ts_add_soa(m, 1, "example.");
		ts_sign(m, 1, "example.", TW_DNS_T_SOA, &ex.zsk, "example.",
			TS_INC, TS_EXP, NULL);
		ts_add_nsec(m, 1, "b.example.", "c.b.example.",
			    (const uint16_t[]){ TW_DNS_T_A, TW_DNS_T_RRSIG,
						TW_DNS_T_NSEC, 0 });
		ts_sign(m, 1, "b.example.", TW_DNS_T_NSEC, &ex.zsk, "example.",
			TS_INC, TS_EXP, NULL);
		ts_world_add(&bad, m);
		free(m);
		m = ts_msg_new("c.b.example.", TW_DNS_T_DS, 0);
		if (kind == 0) {
			ts_add_name(m, 0, "c.b.example.", TW_DNS_T_CNAME,
				    "x.example.");
			ts_sign(m, 0, "c.b.example.", TW_DNS_T_CNAME, &ex.zsk,
				"example.", TS_INC, TS_EXP, &wild);
		} else {
			ts_add_ds(m, 0, "c.b.example.", &cb.ksk, 2);
			ts_sign(m, 0, "c.b.example.", TW_DNS_T_DS, &ex.zsk,
				"example.", TS_INC, TS_EXP, &wild);
		}
		ts_world_add(&bad, m);
		free(m);
		assert_int_equal(ts_validate(ctx, q, &bad, HX_NOW, &res, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_BOGUS);
		/* the honest world once the bogus fact has expired */
		assert_int_equal(
			ts_validate(ctx, q, &w, HX_NOW + 60, &res, NULL), 0);
		if (res.status != TW_DNSSEC_SECURE)
			printf("kind %d: %s (%s)\n", kind,
			       tw_dnssec_status_str(res.status), res.reason);
		assert_int_equal(res.status, TW_DNSSEC_SECURE);
		ts_world_free(&bad);
		tw_dnssec_ctx_destroy(ctx);
	}
	free(q);
}

/*
 * RFC 4035 5.2: what may make a zone "unsigned" is the authenticated DS
 * set. k.example.'s DS set names a strong key (ECDSA) and a weak one
 * (RSA-512, refused by the key policy): a DNSKEY answer stripped down
 * to the weak key is bogus, not insecure (else forged data would pass
 * as unsigned). A DS set naming only the weak key is insecure.
 */
static void
test_policy_needs_all_ds_keys(void **state)
{
	struct ts_zone k;
	struct ts_key weak;
	struct ts_msg *m, *q;
	struct ts_world good = { 0 }, bad = { 0 }, only = { 0 };
	struct tw_dnssec_result res;
	struct tw_dnssec_ctx *ctx;

	(void)state;
	ts_zone_init(&k, "k.example.", 13);
	ts_key_gen(&weak, 8, 257, 512);
	for (int i = 0; i < 3; i++) {
		struct ts_world *wd = i == 0 ? &good : i == 1 ? &bad : &only;

		ts_zone_publish(&ex, wd, NULL, 0);
		m = ts_msg_new("k.example.", TW_DNS_T_DS, 0);
		if (i < 2)
			ts_add_ds(m, 0, "k.example.", &k.ksk, 2);
		ts_add_ds(m, 0, "k.example.", &weak, 2);
		ts_sign(m, 0, "k.example.", TW_DNS_T_DS, &ex.zsk, "example.",
			TS_INC, TS_EXP, NULL);
		ts_world_add(wd, m);
		free(m);
	}
	ts_zone_publish(&k, &good, &weak, 1);
	for (int i = 1; i < 3; i++) {
		m = ts_msg_new("k.example.", TW_DNS_T_DNSKEY, 0);
		ts_add_dnskey(m, 0, "k.example.", &weak);
		ts_sign(m, 0, "k.example.", TW_DNS_T_DNSKEY, &weak,
			"k.example.", TS_INC, TS_EXP, NULL);
		ts_world_add(i == 1 ? &bad : &only, m);
		free(m);
	}
	q = ts_msg_new("www.k.example.", TW_DNS_T_A, 0);
	ts_add_a(q, 0, "www.k.example.", "192.0.2.1");
	ts_sign(q, 0, "www.k.example.", TW_DNS_T_A, &k.zsk, "k.example.",
		TS_INC, TS_EXP, NULL);
	ctx = ctx_new();
	assert_int_equal(ts_validate(ctx, q, &good, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	tw_dnssec_ctx_destroy(ctx);
	ctx = ctx_new();
	assert_int_equal(ts_validate(ctx, q, &bad, HX_NOW, &res, NULL), 0);
	if (res.status != TW_DNSSEC_BOGUS)
		printf("stripped DNSKEY: %s (%s)\n",
		       tw_dnssec_status_str(res.status), res.reason);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	tw_dnssec_ctx_destroy(ctx);
	ctx = ctx_new();
	assert_int_equal(ts_validate(ctx, q, &only, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_int_equal(res.ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
	tw_dnssec_ctx_destroy(ctx);
	free(q);
	ts_world_free(&good);
	ts_world_free(&bad);
	ts_world_free(&only);
	ts_key_free(&weak);
	ts_zone_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_insecure_delegation),
		cmocka_unit_test(test_nocut),
		cmocka_unit_test(test_self_answer),
		cmocka_unit_test(test_fetch_failures),
		cmocka_unit_test(test_wildcard_ds_probe),
		cmocka_unit_test(test_policy_needs_all_ds_keys),
	};

	return cmocka_run_group_tests_name("dnssec/chain", tests, setup,
					   teardown);
}
