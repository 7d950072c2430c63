/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NSEC3 (nsec3.c): base32hex owner labels (RFC 4648 7), proofs on an
 * in-test zone whose NSEC3 chain is built here (RFC 5155 5 hashes
 * computed with OpenSSL independently of lib/crypto), the iteration
 * policy (RFC 9276 3.2: insecure or bogus with EDE 27), opt-out (RFC
 * 5155 9.2), RRs to ignore (RFC 5155 8.1: unknown hash, unknown flags).
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
test_b32hex(void **state)
{
	/* RFC 4648 10 (base32hex), without padding */
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },
		{ "CO", "f" },
		{ "CPNG", "fo" },
		{ "CPNMU", "foo" },
		{ "CPNMUOG", "foob" },
		{ "CPNMUOJ1", "fooba" },
		{ "cpnmuoj1e8", "foobar" },
	};
	uint8_t out[32];

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(v); i++) {
		size_t n = dv_b32hex_decode((const uint8_t *)v[i].in,
					    strlen(v[i].in), out, sizeof(out));

		assert_int_equal(n, strlen(v[i].out));
		assert_memory_equal(out, v[i].out, n);
	}
	/* outside the alphabet, non-zero leftover bits, too long */
	assert_int_equal(dv_b32hex_decode((const uint8_t *)"CW", 2, out, 32),
			 0);
	assert_int_equal(dv_b32hex_decode((const uint8_t *)"CP", 2, out, 32),
			 0);
	assert_int_equal(dv_b32hex_decode((const uint8_t *)"C", 1, out, 32), 0);
	assert_int_equal(
		dv_b32hex_decode((const uint8_t *)"CPNMUOJ1", 8, out, 4), 0);
}

/* A zone n3.example. with names apex and www, NSEC3 ring of two. */
static struct ts_zone z;
static struct ts_world w;

struct n3p {
	uint16_t iter;
	uint8_t flags;
	uint8_t alg;
};

static void
add_ring(struct ts_msg *m, const struct n3p *p)
{
	static const uint8_t salt[] = { 0xab, 0xcd };
	uint8_t ha[20], hw[20];
	const uint8_t *lo, *hi;
	bool apex_lo;
	struct ts_rr *r[2];

	ts_nsec3_hash("n3.example.", p->iter, salt, 2, ha);
	ts_nsec3_hash("www.n3.example.", p->iter, salt, 2, hw);
	apex_lo = memcmp(ha, hw, 20) < 0;
	lo = apex_lo ? ha : hw;
	hi = apex_lo ? hw : ha;
	r[0] = ts_add_nsec3(
		m, 1, "n3.example.", lo, hi, p->flags, p->iter, salt, 2,
		apex_lo ? (const uint16_t[]){ TW_DNS_T_NS, TW_DNS_T_SOA,
					      TW_DNS_T_RRSIG, TW_DNS_T_DNSKEY,
					      TW_DNS_T_NSEC3PARAM, 0 }
			: (const uint16_t[]){ TW_DNS_T_A, TW_DNS_T_RRSIG, 0 });
	r[1] = ts_add_nsec3(
		m, 1, "n3.example.", hi, lo, p->flags, p->iter, salt, 2,
		!apex_lo ? (const uint16_t[]){ TW_DNS_T_NS, TW_DNS_T_SOA,
					       TW_DNS_T_RRSIG, TW_DNS_T_DNSKEY,
					       TW_DNS_T_NSEC3PARAM, 0 }
			 : (const uint16_t[]){ TW_DNS_T_A, TW_DNS_T_RRSIG, 0 });
	for (int i = 0; i < 2; i++) {
		uint8_t own[TW_DNS_NAME_MAX];

		if (p->alg)
			r[i]->rdata[0] = p->alg;
		memcpy(own, r[i]->owner, tw_dns_name_len(r[i]->owner));
		ts_sign_wire(m, 1, own, TW_DNS_T_NSEC3, &z.zsk, "n3.example.",
			     TS_INC, TS_EXP, NULL);
	}
}

static struct ts_msg *
denial(const char *qname, uint16_t qtype, uint8_t rcode, const struct n3p *p)
{
	struct ts_msg *m = ts_msg_new(qname, qtype, rcode);

	ts_add_soa(m, 1, "n3.example.");
	ts_sign(m, 1, "n3.example.", TW_DNS_T_SOA, &z.zsk, "n3.example.",
		TS_INC, TS_EXP, NULL);
	add_ring(m, p);
	return m;
}

static void
expect(struct ts_msg *m, uint32_t iter_insecure, uint32_t iter_bogus,
       int status, int ede)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;
	struct tw_dnssec_result res;

	tw_dnssec_config_init(&cfg);
	cfg.nsec3_iter_insecure = iter_insecure;
	cfg.nsec3_iter_bogus = iter_bogus;
	ctx = ts_ctx(&cfg);
	ts_zone_anchor(&z, ctx);
	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	if ((int)res.status != status || res.ede != ede)
		printf("got %s/%d: %s\n", tw_dnssec_status_str(res.status),
		       res.ede, res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
	tw_dnssec_ctx_destroy(ctx);
	free(m);
}

static int
setup(void **state)
{
	(void)state;
	ts_zone_init(&z, "n3.example.", 13);
	ts_zone_publish(&z, &w, NULL, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ts_zone_free(&z);
	ts_world_free(&w);
	return 0;
}

static void
test_proofs(void **state)
{
	const struct n3p plain = { 0, 0, 0 }, optout = { 0, 1, 0 };

	(void)state;
	/* RFC 5155 8.4: NXDOMAIN */
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &plain), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	expect(denial("a.b.c.nx.n3.example.", TW_DNS_T_A, 3, &plain), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* RFC 5155 9.2: next closer in an opt-out span: not secure */
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &optout), 50, 65535,
	       TW_DNSSEC_INSECURE, TW_EDE_NONE);
	/* NXDOMAIN for a name that has an NSEC3 */
	expect(denial("www.n3.example.", TW_DNS_T_A, 3, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* RFC 5155 8.5: NODATA */
	expect(denial("www.n3.example.", TW_DNS_T_MX, 0, &plain), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	expect(denial("www.n3.example.", TW_DNS_T_A, 0, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* qtype ANY: www has data (A), no NODATA */
	expect(denial("www.n3.example.", TW_DNS_T_ANY, 0, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* NODATA for a name that does not exist, no opt-out */
	expect(denial("nx.n3.example.", TW_DNS_T_A, 0, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* RFC 5155 8.6: DS NODATA in an opt-out span: insecure delegation */
	expect(denial("sub.n3.example.", TW_DNS_T_DS, 0, &optout), 50, 65535,
	       TW_DNSSEC_INSECURE, TW_EDE_NONE);
	expect(denial("sub.n3.example.", TW_DNS_T_DS, 0, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* RFC 5155 8.6 / RFC 6840 4.4: the apex NSEC3 denies no DS */
	expect(denial("n3.example.", TW_DNS_T_DS, 0, &plain), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* RFC 5155 8.1: an unknown hash algorithm or unknown flags make
	 * the RRs ignored: no proof */
	{
		struct n3p p = { 0, 0, 2 };

		expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 50, 65535,
		       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
		p.alg = 0;
		p.flags = 2;
		expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 50, 65535,
		       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	}
}

static void
test_iterations(void **state)
{
	struct n3p p = { 50, 0, 0 };

	(void)state;
	/* RFC 9276 3.2: up to the limit: secure */
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* above: insecure, EDE 27 */
	p.iter = 51;
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 50, 65535,
	       TW_DNSSEC_INSECURE, TW_EDE_UNSUPPORTED_NSEC3_ITER);
	expect(denial("www.n3.example.", TW_DNS_T_MX, 0, &p), 50, 65535,
	       TW_DNSSEC_INSECURE, TW_EDE_UNSUPPORTED_NSEC3_ITER);
	/* the limit is configurable */
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 150, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* and a second limit makes it bogus */
	p.iter = 151;
	expect(denial("nx.n3.example.", TW_DNS_T_A, 3, &p), 50, 150,
	       TW_DNSSEC_BOGUS, TW_EDE_UNSUPPORTED_NSEC3_ITER);
	/* the iterations are read only from validated NSEC3 RRs: a forged
	 * high count (signature broken) does not downgrade to insecure:
	 * the NSEC3 RRsets are bogus (EDE 6) */
	{
		struct ts_msg *m = denial("nx.n3.example.", TW_DNS_T_A, 3,
					  &(struct n3p){ 0, 0, 0 });

		for (unsigned int i = 0; i < m->n[1]; i++)
			if (m->rr[1][i].type == TW_DNS_T_NSEC3)
				m->rr[1][i].rdata[3] = 200;
		expect(m, 50, 65535, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	}
	/* a second, validly signed chain over the limit beside the zone's
	 * real one (a stale parameter set, or one replayed by an attacker)
	 * is not used and does not turn the real proof insecure; alone it
	 * still decides */
	{
		struct ts_msg *m = denial("nx.n3.example.", TW_DNS_T_A, 3,
					  &(struct n3p){ 0, 0, 0 });

		add_ring(m, &(struct n3p){ 200, 0, 0 });
		expect(m, 50, 65535, TW_DNSSEC_SECURE, TW_EDE_NONE);
		m = denial("nx.n3.example.", TW_DNS_T_A, 3,
			   &(struct n3p){ 200, 0, 0 });
		expect(m, 50, 65535, TW_DNSSEC_INSECURE,
		       TW_EDE_UNSUPPORTED_NSEC3_ITER);
		m = denial("nx.n3.example.", TW_DNS_T_A, 3,
			   &(struct n3p){ 0, 0, 0 });
		add_ring(m, &(struct n3p){ 200, 0, 0 });
		expect(m, 50, 150, TW_DNSSEC_SECURE, TW_EDE_NONE);
	}
}

/* A ring over apex, www and an unsigned delegation sub (NS, no DS). */
static struct ts_msg *
denial_cut(const char *qname, uint16_t qtype, uint8_t rcode)
{
	static const char *const names[3] = { "n3.example.", "www.n3.example.",
					      "sub.n3.example." };
	static const uint16_t types[3][8] = {
		{ TW_DNS_T_NS, TW_DNS_T_SOA, TW_DNS_T_RRSIG, TW_DNS_T_DNSKEY,
		  TW_DNS_T_NSEC3PARAM, 0 },
		{ TW_DNS_T_A, TW_DNS_T_RRSIG, 0 },
		{ TW_DNS_T_NS, 0 },
	};
	struct ts_msg *m = ts_msg_new(qname, qtype, rcode);
	uint8_t h[3][20];
	int ord[3] = { 0, 1, 2 };

	ts_add_soa(m, 1, "n3.example.");
	ts_sign(m, 1, "n3.example.", TW_DNS_T_SOA, &z.zsk, "n3.example.",
		TS_INC, TS_EXP, NULL);
	for (int i = 0; i < 3; i++)
		ts_nsec3_hash(names[i], 0, NULL, 0, h[i]);
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (memcmp(h[ord[j]], h[ord[i]], 20) < 0) {
				int x = ord[i];

				ord[i] = ord[j];
				ord[j] = x;
			}
	for (int i = 0; i < 3; i++) {
		struct ts_rr *r = ts_add_nsec3(m, 1, "n3.example.", h[ord[i]],
					       h[ord[(i + 1) % 3]], 0, 0, NULL,
					       0, types[ord[i]]);
		uint8_t own[TW_DNS_NAME_MAX];

		memcpy(own, r->owner, tw_dns_name_len(r->owner));
		ts_sign_wire(m, 1, own, TW_DNS_T_NSEC3, &z.zsk, "n3.example.",
			     TS_INC, TS_EXP, NULL);
	}
	return m;
}

/* RFC 6840 4.1: the parent's NSEC3 at a delegation denies its DS, and
 * nothing at or below the cut. */
static void
test_cut(void **state)
{
	(void)state;
	expect(denial_cut("sub.n3.example.", TW_DNS_T_DS, 0), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
	expect(denial_cut("sub.n3.example.", TW_DNS_T_A, 0), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	expect(denial_cut("x.sub.n3.example.", TW_DNS_T_A, 3), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	expect(denial_cut("x.sub.n3.example.", TW_DNS_T_A, 0), 50, 65535,
	       TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING);
	/* a name of the zone itself still works with this ring */
	expect(denial_cut("nx.n3.example.", TW_DNS_T_A, 3), 50, 65535,
	       TW_DNSSEC_SECURE, TW_EDE_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b32hex),
		cmocka_unit_test(test_proofs),
		cmocka_unit_test(test_iterations),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests_name("dnssec/nsec3", tests, setup,
					   teardown);
}
