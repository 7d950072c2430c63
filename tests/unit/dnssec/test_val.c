/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The validation object (val.c): the API and its errors, responses that
 * cannot be validated, CNAME and DNAME chains (each link in its own
 * zone, RFC 6672 5.3.1 synthesis), ANY, statistics, and allocation
 * failures at every point: never reported as secure or bogus, no leak.
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

/*
 * example.  (secure, ECDSA)   www A, cname -> www.other., cn2 -> www.bad.,
 *                             dn DNAME other.
 * other.    (secure, Ed25519) www A
 * bad.      (secure, keys published unsigned: bogus)
 */
static struct ts_zone ex, ot, bd;
static struct ts_world w;

static int
setup(void **state)
{
	struct ts_msg *m;

	(void)state;
	ts_zone_init(&ex, "example.", 13);
	ts_zone_init(&ot, "other.", 15);
	ts_zone_init(&bd, "bad.", 13);
	ts_zone_publish(&ex, &w, NULL, 0);
	ts_zone_publish(&ot, &w, NULL, 0);
	m = ts_msg_new("bad.", TW_DNS_T_DNSKEY, 0);
	ts_add_dnskey(m, 0, "bad.", &bd.ksk);
	ts_add_dnskey(m, 0, "bad.", &bd.zsk);
	ts_world_add(&w, m);
	free(m);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ts_zone_free(&ex);
	ts_zone_free(&ot);
	ts_zone_free(&bd);
	ts_world_free(&w);
	return 0;
}

static struct tw_dnssec_ctx *
ctx_new(void)
{
	struct tw_dnssec_ctx *ctx = ts_ctx(NULL);

	ts_zone_anchor(&ex, ctx);
	ts_zone_anchor(&ot, ctx);
	ts_zone_anchor(&bd, ctx);
	return ctx;
}

static void
add_signed_a(struct ts_msg *m, const char *owner, struct ts_zone *z)
{
	ts_add_a(m, 0, owner, "192.0.2.1");
	ts_sign(m, 0, owner, TW_DNS_T_A, &z->zsk, z->name, TS_INC, TS_EXP,
		NULL);
}

static void
add_signed_name(struct ts_msg *m, const char *owner, uint16_t type,
		const char *target, struct ts_zone *z)
{
	ts_add_name(m, 0, owner, type, target);
	ts_sign(m, 0, owner, type, &z->zsk, z->name, TS_INC, TS_EXP, NULL);
}

static void
expect(struct ts_msg *m, int status, int ede)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct tw_dnssec_result res;

	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &res, NULL), 0);
	if ((int)res.status != status || res.ede != ede)
		printf("got %s/%d: %s\n", tw_dnssec_status_str(res.status),
		       res.ede, res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
	tw_dnssec_ctx_destroy(ctx);
	free(m);
}

static void
test_api(void **state)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	struct tw_val *v = (struct tw_val *)1;
	uint8_t q[TW_DNS_NAME_MAX];
	const struct tw_val_request *rq;
	struct tw_dnssec_stats st;

	(void)state;
	add_signed_a(m, "www.example.", &ex);
	ts_msg_wire(m);
	hx_name("www.example.", q);
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, NULL),
		-EINVAL);
	assert_int_equal(
		tw_val_start(NULL, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		-EINVAL);
	assert_null(v);
	/* the question must be the response's */
	assert_int_equal(tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_AAAA,
				      HX_NOW, &v),
			 -TW_EFORMAT);
	hx_name("WWW.example.", q); /* case does not matter */
	/* malformed: errors of tw_dns_parse() */
	assert_true(tw_val_start(ctx, m->wire, 11, q, TW_DNS_T_A, HX_NOW, &v) <
		    0);
	assert_null(v);
	/* a query (QR clear) is no response */
	m->wire[2] &= 0x7f;
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		-TW_EFORMAT);
	m->wire[2] |= 0x80;

	/* the protocol: NEED, the request, provide, DONE */
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		TW_VAL_NEED);
	assert_null(tw_val_result(v));
	rq = tw_val_need(v);
	assert_non_null(rq);
	assert_int_equal(rq->qtype, TW_DNS_T_DNSKEY);
	{
		uint8_t ez[TW_DNS_NAME_MAX];

		hx_name("example.", ez);
		assert_true(tw_dns_name_eq(rq->name, ez));
		assert_int_equal(rq->name_len, tw_dns_name_len(ez));
	}
	assert_int_equal(tw_val_provide(v, w.e[0].wire, w.e[0].len),
			 TW_VAL_DONE);
	assert_null(tw_val_need(v));
	assert_non_null(tw_val_result(v));
	assert_int_equal(tw_val_result(v)->status, TW_DNSSEC_SECURE);
	assert_int_equal(tw_val_result(v)->reason[0], '\0');
	assert_int_equal(tw_val_sig_jobs(v), 2);
	/* the response as the validation parsed it (its own copy) */
	assert_null(tw_val_msg(NULL));
	assert_non_null(tw_val_msg(v));
	assert_int_equal(tw_val_msg(v)->len, m->len);
	assert_int_equal(tw_val_msg(v)->q.qtype, TW_DNS_T_A);
	assert_int_equal(tw_val_msg(v)->hdr.ancount, 2);
	assert_ptr_not_equal(tw_val_msg(v)->pkt, m->wire);
	assert_memory_equal(tw_val_msg(v)->pkt, m->wire, m->len);
	/* nothing pending: -EINVAL */
	assert_int_equal(tw_val_provide(v, w.e[0].wire, w.e[0].len), -EINVAL);
	assert_int_equal(tw_val_provide(NULL, NULL, 0), -EINVAL);
	tw_val_free(v);
	tw_val_free(NULL);

	/* a failed fetch: indeterminate, EDE 22 */
	tw_dnssec_cache_flush(ctx);
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		TW_VAL_NEED);
	assert_int_equal(tw_val_provide(v, NULL, 0), TW_VAL_DONE);
	assert_int_equal(tw_val_result(v)->status, TW_DNSSEC_INDETERMINATE);
	assert_int_equal(tw_val_result(v)->ede, TW_EDE_NO_REACHABLE_AUTHORITY);
	assert_int_equal(tw_val_result(v)->ttl_cap, 0);
	tw_val_free(v);
	/* garbage as the fetched answer: the same */
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		TW_VAL_NEED);
	assert_int_equal(tw_val_provide(v, (const uint8_t *)"garbage", 7),
			 TW_VAL_DONE);
	assert_int_equal(tw_val_result(v)->status, TW_DNSSEC_INDETERMINATE);
	tw_val_free(v);
	/* free in the middle */
	assert_int_equal(
		tw_val_start(ctx, m->wire, m->len, q, TW_DNS_T_A, HX_NOW, &v),
		TW_VAL_NEED);
	tw_val_free(v);
	/* freed validations are reused by the context: a recycled one
	 * starts clean (a smaller, then a larger response than before) */
	{
		struct ts_msg *big = ts_msg_new("www.example.", TW_DNS_T_A, 0);
		struct tw_val *v2;

		for (int i = 0; i < 40; i++)
			ts_add_a(big, 0, "www.example.", "192.0.2.1");
		add_signed_a(big, "www.example.", &ex);
		ts_msg_wire(big);
		assert_true(big->len > 512);
		assert_int_equal(tw_val_start(ctx, big->wire, big->len, q,
					      TW_DNS_T_A, HX_NOW, &v2),
				 TW_VAL_NEED);
		assert_int_equal(tw_val_msg(v2)->len, big->len);
		assert_memory_equal(tw_val_msg(v2)->pkt, big->wire, big->len);
		tw_val_free(v2);
		assert_int_equal(tw_val_start(ctx, m->wire, m->len, q,
					      TW_DNS_T_A, HX_NOW, &v2),
				 TW_VAL_NEED);
		assert_null(tw_val_result(v2));
		assert_int_equal(tw_val_msg(v2)->len, m->len);
		assert_int_equal(tw_val_provide(v2, w.e[0].wire, w.e[0].len),
				 TW_VAL_DONE);
		assert_int_equal(tw_val_result(v2)->status, TW_DNSSEC_SECURE);
		tw_val_free(v2);
		free(big);
	}

	tw_dnssec_stats_get(ctx, &st);
	assert_int_equal(st.validations, 6);
	assert_int_equal(st.secure, 2);
	assert_int_equal(st.indeterminate, 2);
	assert_true(st.fetches >= 4);
	assert_true(st.sig_jobs >= 2);
	free(m);
	tw_dnssec_ctx_destroy(ctx);
}

static void
test_unvalidatable(void **state)
{
	struct ts_msg *m;

	(void)state;
	/* upstream SERVFAIL: nothing to validate */
	m = ts_msg_new("www.example.", TW_DNS_T_A, TW_DNS_RCODE_SERVFAIL);
	expect(m, TW_DNSSEC_INDETERMINATE, TW_EDE_NONE);
	/* truncated: to be asked over TCP */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m, "www.example.", &ex);
	{
		struct tw_dnssec_ctx *ctx = ctx_new();
		struct tw_dnssec_result res;

		ts_msg_wire(m);
		m->wire[2] |= 0x02; /* TC */
		assert_int_equal(hx_validate(ctx, m->wire, m->len, m->qname,
					     m->qtype, HX_NOW, ts_world_resolve,
					     &w, &res, NULL, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_INDETERMINATE);
		tw_dnssec_ctx_destroy(ctx);
	}
	free(m);
	/* NXDOMAIN with the answer present: contradictory */
	m = ts_msg_new("www.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	add_signed_a(m, "www.example.", &ex);
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
}

static void
test_chains(void **state)
{
	struct ts_msg *m;

	(void)state;
	/* CNAME in example. to a secure answer in other. */
	m = ts_msg_new("cname.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "cname.example.", TW_DNS_T_CNAME, "www.other.", &ex);
	add_signed_a(m, "www.other.", &ot);
	expect(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* ... into a bogus zone: bogus */
	m = ts_msg_new("cn2.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "cn2.example.", TW_DNS_T_CNAME, "www.bad.", &ex);
	add_signed_a(m, "www.bad.", &bd);
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_RRSIGS_MISSING);
	/* ... into a zone without an anchor: insecure */
	m = ts_msg_new("cn3.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "cn3.example.", TW_DNS_T_CNAME, "www.nowhere.", &ex);
	ts_add_a(m, 0, "www.nowhere.", "192.0.2.3");
	expect(m, TW_DNSSEC_INSECURE, TW_EDE_NONE);
	/* the CNAME itself tampered: bogus */
	m = ts_msg_new("cname.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "cname.example.", TW_DNS_T_CNAME, "www.other.", &ex);
	add_signed_a(m, "www.other.", &ot);
	m->rr[0][0].rdata[1] ^= 0x20; /* "www" -> "Www": canonical, still ok */
	m->rr[0][0].rdata[2] = 'x';
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* DNAME (RFC 6672): signed DNAME, unsigned synthesised CNAME */
	m = ts_msg_new("www.dn.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "dn.example.", TW_DNS_T_DNAME, "other.", &ex);
	ts_add_name(m, 0, "www.dn.example.", TW_DNS_T_CNAME, "www.other.");
	add_signed_a(m, "www.other.", &ot);
	expect(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* ... a synthesised CNAME that does not follow the DNAME */
	m = ts_msg_new("www.dn.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "dn.example.", TW_DNS_T_DNAME, "other.", &ex);
	ts_add_name(m, 0, "www.dn.example.", TW_DNS_T_CNAME, "evil.other.");
	ts_add_a(m, 0, "evil.other.", "192.0.2.66");
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* ... no CNAME at all: we follow the DNAME ourselves */
	m = ts_msg_new("www.dn.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "dn.example.", TW_DNS_T_DNAME, "other.", &ex);
	add_signed_a(m, "www.other.", &ot);
	expect(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* ... the DNAME's signature broken: bogus */
	m = ts_msg_new("www.dn.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "dn.example.", TW_DNS_T_DNAME, "other.", &ex);
	m->rr[0][0].ttl = 7; /* harmless */
	m->rr[0][1].rdata[m->rr[0][1].rdlen - 1] ^= 1;
	ts_add_name(m, 0, "www.dn.example.", TW_DNS_T_CNAME, "www.other.");
	add_signed_a(m, "www.other.", &ot);
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* a CNAME loop stops at the chain limit */
	m = ts_msg_new("l1.example.", TW_DNS_T_A, 0);
	add_signed_name(m, "l1.example.", TW_DNS_T_CNAME, "l2.example.", &ex);
	add_signed_name(m, "l2.example.", TW_DNS_T_CNAME, "l1.example.", &ex);
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* qtype CNAME: the CNAME is the answer */
	m = ts_msg_new("cname.example.", TW_DNS_T_CNAME, 0);
	add_signed_name(m, "cname.example.", TW_DNS_T_CNAME, "www.other.", &ex);
	expect(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
}

static void
test_any_and_extra(void **state)
{
	struct ts_msg *m;

	(void)state;
	m = ts_msg_new("www.example.", TW_DNS_T_ANY, 0);
	add_signed_a(m, "www.example.", &ex);
	ts_add(m, 0, "www.example.", TW_DNS_T_TXT, 3600, "\3abc", 4);
	ts_sign(m, 0, "www.example.", TW_DNS_T_TXT, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	expect(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	/* one RRset of an ANY answer bad: bogus */
	m = ts_msg_new("www.example.", TW_DNS_T_ANY, 0);
	add_signed_a(m, "www.example.", &ex);
	ts_add(m, 0, "www.example.", TW_DNS_T_TXT, 3600, "\3abc", 4);
	ts_sign(m, 0, "www.example.", TW_DNS_T_TXT, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	m->rr[0][2].rdata[1] = 'x';
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* an unrelated answer RRset is checked too */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m, "www.example.", &ex);
	add_signed_a(m, "www.other.", &ot);
	m->rr[0][2].rdata[3] ^= 1;
	expect(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	/* qtype RRSIG: the signatures of www.example. A (only the RRSIG
	 * of the answer kept): passed through, insecure, not a failed
	 * NODATA proof */
	m = ts_msg_new("www.example.", TW_DNS_T_RRSIG, 0);
	add_signed_a(m, "www.example.", &ex);
	m->rr[0][0] = m->rr[0][1];
	m->n[0] = 1;
	expect(m, TW_DNSSEC_INSECURE, TW_EDE_NONE);
}

/* tw_val_start_burst(): the same verdicts as one by one; responses whose
 * keys are cached are done at once, the others ask. */
static void
test_burst(void **state)
{
	struct tw_dnssec_ctx *ctx = ctx_new();
	struct ts_msg *m[5];
	struct tw_val_in in[6];
	struct tw_val *v[6];
	struct tw_dnssec_result res;
	int rcs[6];

	(void)state;
	m[0] = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m[0], "www.example.", &ex);
	m[1] = ts_msg_new("cname.example.", TW_DNS_T_A, 0);
	add_signed_name(m[1], "cname.example.", TW_DNS_T_CNAME, "www.other.",
			&ex);
	add_signed_a(m[1], "www.other.", &ot);
	m[2] = ts_msg_new("www.example.", TW_DNS_T_A, 0); /* tampered */
	add_signed_a(m[2], "www.example.", &ex);
	m[2]->rr[0][0].rdata[3] ^= 1;
	m[3] = ts_msg_new("www.bad.", TW_DNS_T_A, 0); /* needs a fetch */
	add_signed_a(m[3], "www.bad.", &bd);
	m[4] = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m[4], "www.example.", &ex);
	/* warm the keys of example. and other. */
	assert_int_equal(ts_validate(ctx, m[1], &w, HX_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	for (int i = 0; i < 5; i++) {
		ts_msg_wire(m[i]);
		in[i].resp = m[i]->wire;
		in[i].len = m[i]->len;
		in[i].qname = m[i]->qname;
		in[i].qtype = m[i]->qtype;
	}
	/* a malformed one among them */
	in[5] = in[0];
	in[5].len = 5;
	assert_int_equal(tw_val_start_burst(ctx, in, 6, HX_NOW, v, rcs), 5);
	assert_int_equal(rcs[0], TW_VAL_DONE);
	assert_int_equal(tw_val_result(v[0])->status, TW_DNSSEC_SECURE);
	assert_int_equal(rcs[1], TW_VAL_DONE);
	assert_int_equal(tw_val_result(v[1])->status, TW_DNSSEC_SECURE);
	assert_int_equal(tw_val_sig_jobs(v[1]), 2);
	assert_int_equal(rcs[2], TW_VAL_DONE);
	assert_int_equal(tw_val_result(v[2])->status, TW_DNSSEC_BOGUS);
	assert_int_equal(tw_val_result(v[2])->ede, TW_EDE_DNSSEC_BOGUS);
	assert_int_equal(rcs[3], TW_VAL_NEED);
	assert_non_null(tw_val_need(v[3]));
	assert_int_equal(rcs[4], TW_VAL_DONE);
	assert_int_equal(tw_val_result(v[4])->status, TW_DNSSEC_SECURE);
	assert_true(rcs[5] < 0);
	assert_null(v[5]);
	/* the one that asked goes on alone */
	{
		struct hx_answer a;

		assert_int_equal(ts_world_resolve(&w, tw_val_need(v[3])->name,
						  tw_val_need(v[3])->qtype, &a),
				 0);
		assert_int_equal(tw_val_provide(v[3], a.wire, a.len),
				 TW_VAL_DONE);
		free(a.wire);
		assert_int_equal(tw_val_result(v[3])->status, TW_DNSSEC_BOGUS);
	}
	for (int i = 0; i < 6; i++)
		tw_val_free(v[i]);
	assert_int_equal(tw_val_start_burst(NULL, in, 1, HX_NOW, v, rcs), 0);
	for (int i = 0; i < 5; i++)
		free(m[i]);
	tw_dnssec_ctx_destroy(ctx);
}

/* ---- Allocation failures ---------------------------------------------- */

static long live, budget = -1;

static void *
f_malloc(size_t n, void *c)
{
	(void)c;
	if (budget == 0)
		return NULL;
	if (budget > 0)
		budget--;
	live++;
	return malloc(n);
}

static void *
f_calloc(size_t n, size_t s, void *c)
{
	(void)c;
	if (budget == 0)
		return NULL;
	if (budget > 0)
		budget--;
	live++;
	return calloc(n, s);
}

static void *
f_realloc(void *p, size_t n, void *c)
{
	(void)c;
	if (budget == 0)
		return NULL;
	if (budget > 0)
		budget--;
	if (!p)
		live++;
	return realloc(p, n);
}

static void
f_free(void *p, void *c)
{
	(void)c;
	if (p)
		live--;
	free(p);
}

/*
 * Fail the k-th allocation for k = 0, 1, ...: every run ends with the
 * verdict of a run without failures (want, want_ede), or "could not
 * check" (INDETERMINATE with EDE 5, or -ENOMEM from tw_val_start()
 * before there is a validation), never anything else (house style 3:
 * could not check is neither bogus nor secure); nothing leaks; and the
 * failure leaves nothing behind in the context: the same response
 * validated again on it, without failures, gets the right verdict.
 */
static void
alloc_sweep(struct ts_msg *m, int want, int want_ede)
{
	struct tw_alloc_hooks h = { f_malloc, f_calloc, f_realloc, f_free,
				    NULL };
	int k, right = 0, failed = 0, indeterminate = 0;

	ts_msg_wire(m);
	tw_alloc_set_hooks(&h);
	for (k = 0; k < 2000; k++) {
		struct tw_dnssec_ctx *ctx;
		struct tw_dnssec_result res;
		int rc;

		live = 0;
		budget = -1;
		ctx = ctx_new();
		budget = k;
		rc = hx_validate(ctx, m->wire, m->len, m->qname, m->qtype,
				 HX_NOW, ts_world_resolve, &w, &res, NULL,
				 NULL);
		budget = -1;
		if (rc < 0) {
			assert_int_equal(rc, -ENOMEM);
			assert_true(res.status == 0 ||
				    res.status == TW_DNSSEC_INDETERMINATE);
			failed++;
		} else {
			assert_true((int)res.status == want ||
				    res.status == TW_DNSSEC_INDETERMINATE);
			if ((int)res.status == want) {
				assert_int_equal(res.ede, want_ede);
				right++;
			} else {
				failed++;
			}
		}
		if (res.status == TW_DNSSEC_INDETERMINATE) {
			assert_int_equal(res.ede, TW_EDE_DNSSEC_INDETERMINATE);
			assert_int_equal(res.ttl_cap, 0);
			indeterminate++;
		}
		/* nothing cached from the failure: the right verdict now */
		if (rc < 0 || (int)res.status != want) {
			struct tw_dnssec_result again;

			assert_int_equal(hx_validate(ctx, m->wire, m->len,
						     m->qname, m->qtype, HX_NOW,
						     ts_world_resolve, &w,
						     &again, NULL, NULL),
					 0);
			assert_int_equal(again.status, want);
			assert_int_equal(again.ede, want_ede);
		}
		tw_dnssec_ctx_destroy(ctx);
		assert_int_equal(live, 0);
		if (rc == 0 && (int)res.status == want && failed && k > 50)
			break;
	}
	tw_alloc_set_hooks(NULL);
	printf("allocation failures (%s wanted): %d runs could not check "
	       "(%d with a result: indeterminate, EDE 5; the others "
	       "-ENOMEM) before the first run without failure at allocation "
	       "%d\n",
	       tw_dnssec_status_str((enum tw_dnssec_status)want), failed,
	       indeterminate, k);
	assert_true(failed > 10);
	assert_true(indeterminate > 0);
	assert_true(right >= 1);
}

static void
test_alloc_failures(void **state)
{
	struct ts_msg *m = ts_msg_new("cname.example.", TW_DNS_T_A, 0);

	(void)state;
	add_signed_name(m, "cname.example.", TW_DNS_T_CNAME, "www.other.", &ex);
	add_signed_a(m, "www.other.", &ot);
	alloc_sweep(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	free(m);
	/* a bogus answer (rdata changed after signing): never secure, and
	 * bogus only once it was checked */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m, "www.example.", &ex);
	m->rr[0][0].rdata[3] ^= 1;
	alloc_sweep(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS);
	free(m);
	/* a denial: NXDOMAIN proven by one NSEC (name and wildcard) */
	m = ts_msg_new("nx.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	ts_add_soa(m, 1, "example.");
	ts_sign(m, 1, "example.", TW_DNS_T_SOA, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	ts_add_nsec(m, 1, "example.", "www.example.",
		    (const uint16_t[]){ TW_DNS_T_NS, TW_DNS_T_SOA,
					TW_DNS_T_RRSIG, TW_DNS_T_NSEC,
					TW_DNS_T_DNSKEY, 0 });
	ts_sign(m, 1, "example.", TW_DNS_T_NSEC, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	alloc_sweep(m, TW_DNSSEC_SECURE, TW_EDE_NONE);
	free(m);
}

/* ---- Forged denials ------------------------------------------------------ */

static struct tw_dnssec_result last;

static int
status_of(struct ts_msg *m)
{
	struct tw_dnssec_ctx *ctx = ctx_new();

	assert_int_equal(ts_validate(ctx, m, &w, HX_NOW, &last, NULL), 0);
	tw_dnssec_ctx_destroy(ctx);
	free(m);
	return (int)last.status;
}

/* A negative answer of example.: its signed SOA, then the NSECs. */
static struct ts_msg *
negative(const char *qname, uint16_t qtype, uint16_t rcode)
{
	struct ts_msg *m = ts_msg_new(qname, qtype, rcode);

	ts_add_soa(m, 1, "example.");
	ts_sign(m, 1, "example.", TW_DNS_T_SOA, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	return m;
}

/* owner NSEC next (A RRSIG NSEC), signed by example.; @p labels -1 for
 * the owner's own count, else an RRSIG labels value (1: expanded from
 * "*.example."). */
static void
add_nsec(struct ts_msg *m, const char *owner, const char *next, int labels)
{
	struct ts_sigopt o = { .labels = labels, .key_tag = -1 };

	ts_add_nsec(m, 1, owner, next,
		    (const uint16_t[]){ TW_DNS_T_A, TW_DNS_T_RRSIG,
					TW_DNS_T_NSEC, 0 });
	ts_sign(m, 1, owner, TW_DNS_T_NSEC, &ex.zsk, "example.", TS_INC, TS_EXP,
		&o);
}

/*
 * Denials that must not come out secure:
 *  - an NSEC verified through a wildcard expansion (the real, signed
 *    "*.example. NSEC z.example." replayed under another owner, RRSIG
 *    labels 1): its owner is the attacker's choice, it proves nothing
 *    (RFC 4035 5.4; RFC 4592 4.7 with erratum 5119);
 *  - NXDOMAIN for an empty non-terminal (a covering NSEC whose next
 *    name is below the question: the name exists, RFC 4035 3.1.3.2).
 * Each beside the honest proof of the same shape, which is secure.
 */
static void
test_forged_denials(void **state)
{
	struct ts_msg *m;

	(void)state;
	/* NODATA for mail.example. MX: honest, then from the wildcard's
	 * NSEC renamed */
	m = negative("mail.example.", TW_DNS_T_MX, 0);
	add_nsec(m, "mail.example.", "z.example.", -1);
	assert_int_equal(status_of(m), TW_DNSSEC_SECURE);
	/* the validated authority RRs: SOA, NSEC and their RRSIGs */
	assert_int_equal(last.n_auth_rr, 4);
	m = negative("mail.example.", TW_DNS_T_MX, 0);
	add_nsec(m, "mail.example.", "z.example.", 1);
	assert_int_equal(status_of(m), TW_DNSSEC_BOGUS);
	/* NXDOMAIN for www.example.: "example. NSEC z.example." covers it
	 * and "*.example." (honest); the same span on a renamed wildcard
	 * NSEC ("!.example." sorts before "*.example.") */
	m = negative("www.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	add_nsec(m, "example.", "z.example.", -1);
	assert_int_equal(status_of(m), TW_DNSSEC_SECURE);
	m = negative("www.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	add_nsec(m, "!.example.", "z.example.", 1);
	assert_int_equal(status_of(m), TW_DNSSEC_BOGUS);
	/* NXDOMAIN under "a.example. NSEC x.ent.example." (with "example.
	 * NSEC a.example." for the wildcard): b.example. does not exist,
	 * ent.example. is an empty non-terminal */
	m = negative("b.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	add_nsec(m, "example.", "a.example.", -1);
	add_nsec(m, "a.example.", "x.ent.example.", -1);
	assert_int_equal(status_of(m), TW_DNSSEC_SECURE);
	m = negative("ent.example.", TW_DNS_T_A, TW_DNS_RCODE_NXDOMAIN);
	add_nsec(m, "example.", "a.example.", -1);
	add_nsec(m, "a.example.", "x.ent.example.", -1);
	assert_int_equal(status_of(m), TW_DNSSEC_BOGUS);
}

/*
 * RFC 4035 3.2.3: a secure answer lists the authority RRs that were
 * validated (tw_dnssec_result.auth_rr); unsigned or unchecked authority
 * data beside a signed answer is not among them.
 */
static void
test_auth_rr(void **state)
{
	struct ts_msg *m;

	(void)state;
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m, "www.example.", &ex);
	ts_add_soa(m, 1, "example.");
	ts_add_a(m, 1, "evil.example.", "198.51.100.6");
	ts_add_nsec(m, 1, "www.example.", "zzz.example.",
		    (const uint16_t[]){ TW_DNS_T_A, 0 });
	assert_int_equal(status_of(m), TW_DNSSEC_SECURE);
	assert_int_equal(last.n_auth_rr, 0);
	/* a signed SOA there is not checked either (no denial needs it) */
	m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	add_signed_a(m, "www.example.", &ex);
	ts_add_soa(m, 1, "example.");
	ts_sign(m, 1, "example.", TW_DNS_T_SOA, &ex.zsk, "example.", TS_INC,
		TS_EXP, NULL);
	assert_int_equal(status_of(m), TW_DNSSEC_SECURE);
	assert_int_equal(last.n_auth_rr, 0);
	/* insecure and bogus verdicts list none */
	m = negative("mail.example.", TW_DNS_T_MX, 0);
	assert_int_equal(status_of(m), TW_DNSSEC_BOGUS);
	assert_int_equal(last.n_auth_rr, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_unvalidatable),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_any_and_extra),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_forged_denials),
		cmocka_unit_test(test_auth_rr),
	};

	return cmocka_run_group_tests_name("dnssec/val", tests, setup,
					   teardown);
}
