/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen/gen.c: the harness's query frames and answer checker. The
 * frames must be what they claim (valid checksums, also after the ID
 * patch; the mix's shares; Zipf; unique names), and the checker must
 * accept a correct answer and refuse every kind of wrong one, so that a
 * broken fast path cannot produce a figure. Answers are made by the
 * harness's own zone (app/tw-gen/zone.c) with the AD bit trustwire must
 * set.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gen.h"
#include "tw_common.h"
#include "tw_dns.h"
#include "tw_net.h"
#include "zone.h"

#define N_Q	4000
#define N_NAMES 100

static struct tw_gen_zone *zone;
static struct gen_q *qs;

static const struct gen_net net = {
	.tw_mac = { 0x02, 0, 0, 0, 0, 0x10 },
	.cl_mac = { 0x02, 0, 0, 0, 0, 0x01 },
	.tw4 = { 192, 0, 2, 1 },
	.tw6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	.cl4 = { 192, 0, 2, 10 },
	.cl6 = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x10 },
};

static int
name_fn(unsigned i, char *buf, size_t cap, void *arg)
{
	return tw_gen_zone_name(arg, i, buf, cap);
}

static struct gen_mix
mix50(void)
{
	struct gen_mix m = {
		.n_names = N_NAMES,
		.zipf = 1.0,
		.pct_other = 10,
		.pct_do = 30,
		.pct_cookie = 10,
		.pct_flood = 10,
		.pct_v6 = 20,
		.pct_case = 25,
		.pct_cd = 5,
		.pct_ad = 50,
		.pct_noedns = 10,
		.seed = 7,
	};
	return m;
}

static int
setup(void **state)
{
	struct tw_gen_zone_params p = { .origin = "bench.",
					.alg = 13,
					.n_names = N_NAMES,
					.now = 1700000000,
					.ttl = 3600 };
	struct gen_mix m = mix50();

	(void)state;
	if (tw_gen_zone_build(&p, &zone) != 0)
		return -1;
	qs = calloc(N_Q, sizeof(*qs));
	if (qs == NULL)
		return -1;
	return gen_build(&m, &net, "bench.", name_fn, zone, qs, N_Q);
}

static int
teardown(void **state)
{
	(void)state;
	free(qs);
	tw_gen_zone_free(zone);
	return 0;
}

/* Every frame parses (checksums too), before and after an ID patch. */
static void
test_frames(void **state)
{
	unsigned n_do = 0, n_v6 = 0, n_flood = 0, n_txt = 0, n_zero = 0,
		 n_last = 0, n_edns = 0, n_cookie = 0;
	uint8_t f[GEN_FRAME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < N_Q; i++) {
		const struct gen_q *q = &qs[i];
		struct tw_pkt p;
		struct tw_dns_msg m;
		struct tw_dns_qkey k;

		assert_int_equal(tw_pkt_parse(q->frame, q->len, &p, 0), 0);
		assert_int_equal(p.dport, 53);
		assert_int_equal(p.payload_off, q->dns_off);
		memcpy(f, q->frame, q->len);
		gen_set_id(q, f, (uint16_t)(i * 7919));
		assert_int_equal(tw_pkt_parse(f, q->len, &p, 0), 0);
		assert_int_equal(gen_answer_id(f, q->len),
				 (uint16_t)(i * 7919));
		assert_int_equal(
			tw_dns_parse(&m, f + p.payload_off, p.payload_len), 0);
		assert_true(tw_dns_qkey_parse(f + p.payload_off, p.payload_len,
					      1, &k) > 0);
		assert_int_equal(m.q.qtype, q->qtype);
		assert_int_equal(m.edns.present, !!(q->flags & GQ_EDNS));
		assert_int_equal(!!(m.edns.flags & TW_DNS_EDNS_DO),
				 !!(q->flags & GQ_DO));
		assert_int_equal(m.edns.cookie_len,
				 q->flags & GQ_COOKIE ? 8 : 0);
		assert_int_equal(!!(m.hdr.flags & TW_DNS_F_CD),
				 !!(q->flags & GQ_CD));
		assert_int_equal(!!(m.hdr.flags & TW_DNS_F_AD),
				 !!(q->flags & GQ_AD));
		assert_int_equal(p.ip_ver, q->flags & GQ_V6 ? 6 : 4);
		/* DO and cookies only with EDNS. */
		if (!(q->flags & GQ_EDNS))
			assert_int_equal(q->flags & (GQ_DO | GQ_COOKIE), 0);
		n_do += !!(q->flags & GQ_DO);
		n_edns += !!(q->flags & GQ_EDNS);
		n_cookie += !!(q->flags & GQ_COOKIE);
		n_v6 += !!(q->flags & GQ_V6);
		n_flood += q->kind == GEN_NXDOMAIN;
		n_txt += q->kind == GEN_NODATA;
		if (q->kind == GEN_NXDOMAIN)
			assert_int_equal(q->name, UINT32_MAX);
		else
			assert_true(q->name < N_NAMES);
		n_zero += q->name == 0;
		n_last += q->name == N_NAMES - 1;
	}
	/* The shares asked for, within sampling noise (4000 draws). */
	assert_in_range(n_edns, N_Q * 85 / 100, N_Q * 95 / 100);
	assert_in_range(n_do, n_edns * 25 / 100, n_edns * 35 / 100);
	assert_in_range(n_cookie, n_edns * 7 / 100, n_edns * 13 / 100);
	assert_in_range(n_v6, N_Q * 16 / 100, N_Q * 24 / 100);
	assert_in_range(n_flood, N_Q * 7 / 100, N_Q * 13 / 100);
	assert_in_range(n_txt, N_Q * 6 / 100, N_Q * 12 / 100);
	/* Zipf, s = 1: rank 1 is about N_NAMES times as popular as the last. */
	assert_true(n_zero > 20 * (n_last + 1));
}

static void
test_unique(void **state)
{
	struct gen_mix m = mix50();
	struct gen_q *u = calloc(N_NAMES, sizeof(*u));
	unsigned i;

	(void)state;
	assert_non_null(u);
	m.unique = true;
	assert_int_equal(
		gen_build(&m, &net, "bench.", name_fn, zone, u, N_NAMES), 0);
	for (i = 0; i < N_NAMES; i++) {
		assert_int_equal(u[i].name, i);
		assert_int_equal(u[i].kind, GEN_POS);
		assert_true(u[i].qtype == TW_DNS_T_A ||
			    u[i].qtype == TW_DNS_T_AAAA);
	}
	/* More unique queries than names: refused. */
	assert_int_equal(
		gen_build(&m, &net, "bench.", name_fn, zone, u, N_NAMES + 1),
		-EINVAL);
	free(u);
}

/*
 * The answer trustwire must send for @p q with ID @p id, made from the
 * zone's answer: AD per RFC 6840 5.7/5.8 and RFC 4035 3.2.2.
 */
static size_t
answer(const struct gen_q *q, uint16_t id, uint8_t *f, size_t cap)
{
	uint8_t out[4096];
	struct tw_pkt p;
	uint16_t fl;
	int n;

	memcpy(f, q->frame, q->len);
	gen_set_id(q, f, id);
	assert_int_equal(tw_pkt_parse(f, q->len, &p, 0), 0);
	n = tw_gen_zone_answer(zone, f + p.payload_off, p.payload_len, out,
			       sizeof(out));
	assert_true(n > 0);
	fl = tw_get16(out + 2) & (uint16_t)~TW_DNS_F_AD;
	if ((q->flags & (GQ_DO | GQ_AD)) && !(q->flags & GQ_CD))
		fl |= TW_DNS_F_AD;
	tw_put16(out + 2, fl);
	memcpy(f + p.payload_off, out, (size_t)n);
	n = tw_pkt_udp_reply(f, cap, &p, (size_t)n, 64, 0);
	assert_true(n > 0);
	return (size_t)n;
}

static int
check(const struct gen_q *q, uint16_t id, const uint8_t *f, size_t len)
{
	const char *why;

	return gen_check(q, id, f, len, false, &why);
}

/* Redo the UDP checksum after editing the DNS payload of an answer. */
static void
fix_cksum(uint8_t *f, size_t len)
{
	struct tw_pkt p;
	size_t l4;

	/* tw_pkt_parse() refuses the bad sum; find UDP by hand. */
	l4 = tw_get16(f + 12) == 0x0800 ? 14 + (size_t)(f[14] & 0xf) * 4
					: 14 + 40;
	tw_put16(f + l4 + 6, 0);
	if (tw_get16(f + 12) == 0x0800)
		tw_put16(f + l4 + 6,
			 tw_udp_cksum_v4(f + l4, len - l4, f + 26, f + 30));
	else
		tw_put16(f + l4 + 6,
			 tw_udp_cksum_v6(f + l4, len - l4, f + 22, f + 38));
	assert_int_equal(tw_pkt_parse(f, len, &p, 0), 0);
}

static void
test_check(void **state)
{
	uint8_t f[4096], g[4096];
	unsigned i, n_ok = 0;

	(void)state;
	for (i = 0; i < 400; i++) {
		const struct gen_q *q = &qs[i];
		uint16_t id = (uint16_t)(1000 + i);
		size_t len = answer(q, id, f, sizeof(f));
		struct tw_pkt p;
		uint8_t *dns;
		size_t k;
		int rc = check(q, id, f, len);

		if (rc == GEN_R_TC)
			continue; /* a 512-octet client: nothing more to see */
		assert_int_equal(rc, GEN_R_OK);
		n_ok++;
		assert_int_equal(tw_pkt_parse(f, len, &p, 0), 0);
		dns = f + p.payload_off;

		/* Wrong ID (the outstanding table's key). */
		assert_int_equal(check(q, (uint16_t)(id + 1), f, len),
				 GEN_R_WRONG);
		/* AD flipped. */
		memcpy(g, f, len);
		g[p.payload_off + 3] ^= TW_DNS_F_AD;
		fix_cksum(g, len);
		assert_int_equal(check(q, id, g, len), GEN_R_WRONG);
		/* SERVFAIL. */
		memcpy(g, f, len);
		g[p.payload_off + 3] =
			(uint8_t)((g[p.payload_off + 3] & 0xf0) | 2);
		fix_cksum(g, len);
		assert_int_equal(check(q, id, g, len), GEN_R_WRONG);
		/* The client's letter case not kept (RFC 4343). */
		for (k = TW_DNS_HDR_LEN + 1; dns[k] != 0; k++)
			if ((dns[k] | 0x20) >= 'a' && (dns[k] | 0x20) <= 'z')
				break;
		if (dns[k] != 0) {
			memcpy(g, f, len);
			g[p.payload_off + k] ^= 0x20;
			fix_cksum(g, len);
			assert_int_equal(check(q, id, g, len), GEN_R_WRONG);
		}
		/* A corrupt UDP checksum. */
		memcpy(g, f, len);
		g[len - 1] ^= 0x01;
		assert_int_equal(check(q, id, g, len), GEN_R_WRONG);
		/* Sent back to the wrong client port. */
		memcpy(g, f, len);
		if (g[12] == 0x08)
			g[14 + 20 + 3] ^= 1;
		else
			g[14 + 40 + 3] ^= 1;
		fix_cksum(g, len);
		assert_int_equal(check(q, id, g, len), GEN_R_WRONG);
		/* Bounced unchanged: a query is not an answer. */
		memcpy(g, q->frame, q->len);
		gen_set_id(q, g, id);
		assert_int_equal(check(q, id, g, q->len), GEN_R_WRONG);
	}
	assert_true(n_ok > 300);
}

/* DO=0 answers must not carry RRSIGs, DO=1 answers must. */
static void
test_check_rrsig(void **state)
{
	uint8_t f[4096];
	unsigned i, done = 0;

	(void)state;
	for (i = 0; i < N_Q && done < 2; i++) {
		struct gen_q q = qs[i];
		size_t len;

		if (q.kind != GEN_POS || !(q.flags & GQ_DO))
			continue;
		len = answer(&q, 1, f, sizeof(f));
		assert_int_equal(check(&q, 1, f, len), GEN_R_OK);
		/* The same answer taken as one to a DO=0 query: the OPT's DO
		 * and the RRSIGs are wrong now. */
		q.flags &= (uint8_t)~GQ_DO;
		assert_int_equal(check(&q, 1, f, len), GEN_R_WRONG);
		done++;
	}
	assert_int_equal(done, 2);
}

/* The bounce worker's frames: the query with ends swapped. */
static void
test_check_bounce(void **state)
{
	const struct gen_q *q = &qs[3];
	uint8_t f[GEN_FRAME_MAX];
	const char *why;
	struct tw_pkt p;
	uint8_t t[16];

	(void)state;
	memcpy(f, q->frame, q->len);
	gen_set_id(q, f, 99);
	assert_int_equal(tw_pkt_parse(f, q->len, &p, 0), 0);
	/* Unswapped: wrong. */
	assert_int_equal(gen_check(q, 99, f, q->len, true, &why), GEN_R_WRONG);
	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	if (p.ip_ver == 4) {
		memcpy(t, f + 26, 4);
		memcpy(f + 26, f + 30, 4);
		memcpy(f + 30, t, 4);
	} else {
		memcpy(t, f + 22, 16);
		memcpy(f + 22, f + 38, 16);
		memcpy(f + 38, t, 16);
	}
	tw_put16(f + p.l4_off, 53);
	tw_put16(f + p.l4_off + 2, q->sport);
	assert_int_equal(gen_check(q, 99, f, q->len, true, &why), GEN_R_OK);
	assert_int_equal(gen_check(q, 98, f, q->len, true, &why), GEN_R_WRONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_rrsig),
		cmocka_unit_test(test_check_bounce),
	};

	return cmocka_run_group_tests_name("app/gen", tests, setup, teardown);
}
