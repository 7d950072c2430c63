/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/trustwire/answer.c: query facts, the answer per client variant
 * (RFC 4035 3.2, RFC 6840 5.7-5.9, RFC 3225, RFC 6891, RFC 8914), RRSIG
 * stripping, TTLs (RFC 2308 5), TC answers, upstream queries and the
 * RFC 5452 9.1 acceptance check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"

/* www.example. A IN, lowercased. */
static const uint8_t key_a[] = "\3www\7example\0\0\1\0\1";
#define KEY_A_LEN (sizeof(key_a) - 1)
#define NAME_LEN  (KEY_A_LEN - 4)

static const uint8_t zone[] = "\7example";	  /* + root 0 */
static const uint8_t ns_name[] = "\2ns\7example"; /* + root 0 */

/* An RRSIG rdata covering @p type, signer example., 8 octets of sig. */
static uint16_t
rrsig_rdata(uint8_t *p, uint16_t type, uint32_t orig_ttl)
{
	uint16_t n = 0;

	tw_put16(p, type);
	p[2] = 13;
	p[3] = 2;
	tw_put32(p + 4, orig_ttl);
	tw_put32(p + 8, 2000000000u);
	tw_put32(p + 12, 1700000000u);
	tw_put16(p + 16, 12345);
	n = 18;
	memcpy(p + n, zone, sizeof(zone)); /* includes the root 0 */
	n += sizeof(zone);
	memset(p + n, 0xab, 8);
	return (uint16_t)(n + 8);
}

/*
 * The upstream response (DO=1, CD=1): answer A + RRSIG(A), authority
 * NS + RRSIG(NS), additional glue A + OPT.
 */
static int
upstream_positive(uint8_t *buf, size_t cap, uint32_t ttl)
{
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .id = 99,
				.flags = TW_DNS_F_QR | TW_DNS_F_RD |
					 TW_DNS_F_RA | TW_DNS_F_CD };
	uint8_t rd[128];
	uint16_t n;

	tw_dns_writer_init(&w, buf, cap);
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, key_a, TW_DNS_T_A, TW_DNS_C_IN);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, key_a, TW_DNS_T_A, TW_DNS_C_IN, ttl,
			(const uint8_t *)"\xc0\x00\x02\x01", 4);
	n = rrsig_rdata(rd, TW_DNS_T_A, ttl);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, key_a, TW_DNS_T_RRSIG, TW_DNS_C_IN,
			ttl, rd, n);
	tw_dns_write_rr(&w, TW_DNS_SEC_NS, zone, TW_DNS_T_NS, TW_DNS_C_IN, 7200,
			ns_name, sizeof(ns_name));
	n = rrsig_rdata(rd, TW_DNS_T_NS, 7200);
	tw_dns_write_rr(&w, TW_DNS_SEC_NS, zone, TW_DNS_T_RRSIG, TW_DNS_C_IN,
			7200, rd, n);
	tw_dns_write_rr(&w, TW_DNS_SEC_AR, ns_name, TW_DNS_T_A, TW_DNS_C_IN,
			7200, (const uint8_t *)"\xc0\x00\x02\x35", 4);
	tw_dns_write_opt(&w, 1232, 0, TW_DNS_EDNS_DO, NULL, 0);
	return tw_dns_writer_finish(&w);
}

/* SOA rdata: ns.example. hostmaster.example. serial ... minimum. */
static uint16_t
soa_rdata(uint8_t *p, uint32_t minimum)
{
	uint16_t n = 0;

	memcpy(p, ns_name, sizeof(ns_name));
	n += sizeof(ns_name);
	memcpy(p + n, "\12hostmaster\7example", 20);
	n += 20;
	tw_put32(p + n, 1);
	tw_put32(p + n + 4, 3600);
	tw_put32(p + n + 8, 600);
	tw_put32(p + n + 12, 86400);
	tw_put32(p + n + 16, minimum);
	return (uint16_t)(n + 20);
}

static int
upstream_negative(uint8_t *buf, size_t cap, uint8_t rcode, uint32_t soa_ttl,
		  uint32_t minimum, bool with_soa)
{
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .flags = (uint16_t)(TW_DNS_F_QR | TW_DNS_F_RA |
						    rcode) };
	uint8_t rd[128];
	uint16_t n;

	tw_dns_writer_init(&w, buf, cap);
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, key_a, TW_DNS_T_A, TW_DNS_C_IN);
	if (with_soa) {
		n = soa_rdata(rd, minimum);
		tw_dns_write_rr(&w, TW_DNS_SEC_NS, zone, TW_DNS_T_SOA,
				TW_DNS_C_IN, soa_ttl, rd, n);
		n = rrsig_rdata(rd, TW_DNS_T_SOA, soa_ttl);
		tw_dns_write_rr(&w, TW_DNS_SEC_NS, zone, TW_DNS_T_RRSIG,
				TW_DNS_C_IN, soa_ttl, rd, n);
		tw_dns_write_rr(&w, TW_DNS_SEC_NS, zone, TW_DNS_T_NSEC,
				TW_DNS_C_IN, soa_ttl,
				(const uint8_t *)"\3zzz\7example\0\0\1\x62",
				16);
	}
	return tw_dns_writer_finish(&w);
}

struct built {
	uint8_t msg[4096];
	uint16_t ttl_off[TW_ANS_MAX_TTL];
	struct tw_answer_out o;
	struct tw_dns_msg m;
	unsigned n_type[64]; /* RRs per type (types < 64) */
	unsigned n_sec[4];
};

/* What build() adds to its request: the validated authority RRs (when
 * `all_auth`, every authority RR of the upstream message) and a TTL cap. */
static struct {
	bool all_auth;
	const uint16_t *auth_rr;
	unsigned n_auth_rr;
	bool cap_ttl;
	uint32_t ttl_cap;
} bx = { .all_auth = true };

/* The offsets of the authority RRs of @p up. */
static unsigned
auth_rrs(const struct tw_dns_msg *up, uint16_t *off, unsigned cap)
{
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	unsigned n = 0;

	tw_dns_rr_iter_init(&it, up);
	while (tw_dns_rr_next(&it, &rr) > 0)
		if (rr.section == TW_DNS_SEC_NS && n < cap)
			off[n++] = rr.rr_off;
	return n;
}

static void
build(struct built *b, const struct tw_dns_msg *up, uint8_t kflags, int status,
      int ede, const char *text, uint32_t age)
{
	uint16_t all[64];
	struct tw_answer_req rq = {
		.key = key_a,
		.key_len = KEY_A_LEN,
		.kflags = kflags,
		.status = status,
		.ede = ede,
		.ede_text = text,
		.udp_size = 1232,
		.age = age,
		.rcode = TW_DNS_RCODE_SERVFAIL,
		.auth_rr = bx.auth_rr,
		.n_auth_rr = bx.n_auth_rr,
		.cap_ttl = bx.cap_ttl,
		.ttl_cap = bx.ttl_cap,
	};
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	unsigned n_ttl = 0;
	int n;

	memset(b, 0, sizeof(*b));
	if (bx.all_auth && up != NULL) {
		rq.auth_rr = all;
		rq.n_auth_rr = auth_rrs(up, all, 64);
	}
	n = tw_answer_build(up, &rq, b->msg, sizeof(b->msg), b->ttl_off, &b->o);
	assert_true(n > 0);
	assert_int_equal(n, b->o.len);
	assert_int_equal(tw_dns_parse(&b->m, b->msg, (size_t)n), 0);
	/* The TTL offsets recorded while writing are those a parse of the
	 * answer finds: every RR but the OPT RR, in order; and the OPT's. */
	assert_int_equal(b->o.opt_off,
			 b->m.edns.present ? b->m.edns.rr_off : 0);
	tw_dns_rr_iter_init(&it, &b->m);
	while (tw_dns_rr_next(&it, &rr) > 0) {
		if (rr.type < 64)
			b->n_type[rr.type]++;
		b->n_sec[rr.section]++;
		if (rr.type == TW_DNS_T_OPT)
			continue;
		if (n_ttl < TW_ANS_MAX_TTL)
			assert_int_equal(b->ttl_off[n_ttl], rr.rdata_off - 6);
		n_ttl++;
	}
	assert_int_equal(b->o.n_ttl, n_ttl);
}

static void
parse_up(struct tw_dns_msg *m, const uint8_t *buf, int len)
{
	assert_true(len > 0);
	assert_int_equal(tw_dns_parse(m, buf, (size_t)len), 0);
}

/* ---- tw_query_info ------------------------------------------------------ */

static size_t
query(uint8_t *buf, uint16_t flags, int edns, uint16_t size, uint16_t eflags,
      uint8_t version, const uint8_t *opts, uint16_t opts_len)
{
	size_t n = 0;

	tw_put16(buf, 0x1234);
	tw_put16(buf + 2, flags);
	tw_put16(buf + 4, 1);
	tw_put16(buf + 6, 0);
	tw_put16(buf + 8, 0);
	tw_put16(buf + 10, edns ? 1 : 0);
	n = 12;
	memcpy(buf + n, "\3WwW\7example\0\0\1\0\1", KEY_A_LEN);
	n += KEY_A_LEN;
	if (edns) {
		buf[n] = 0;
		tw_put16(buf + n + 1, TW_DNS_T_OPT);
		tw_put16(buf + n + 3, size);
		buf[n + 5] = 0;
		buf[n + 6] = version;
		tw_put16(buf + n + 7, eflags);
		tw_put16(buf + n + 9, opts_len);
		if (opts_len > 0)
			memcpy(buf + n + 11, opts, opts_len);
		n += 11 + opts_len;
	}
	return n;
}

static void
test_query_info(void **state)
{
	static const uint8_t cookie[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tw_query_info qi;
	struct tw_dns_qkey k;
	struct tw_dns_msg m;
	uint8_t buf[512];
	size_t n;
	int qend;

	(void)state;
	/* No EDNS: 512, RD echoed, no DO. */
	n = query(buf, TW_DNS_F_RD, 0, 0, 0, 0, NULL, 0);
	qend = tw_dns_qkey_parse(buf, n, 7, &k);
	assert_int_equal(qend, 12 + KEY_A_LEN);
	assert_memory_equal(k.key, key_a, KEY_A_LEN);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.id, 0x1234);
	assert_int_equal(qi.limit, 512);
	assert_int_equal(qi.kflags, TW_CACHE_KF_RD);
	assert_int_equal(qi.slow, 0);

	/* EDNS 4096, DO, a COOKIE option (ignored), CD and AD. */
	n = query(buf, TW_DNS_F_RD | TW_DNS_F_CD | TW_DNS_F_AD, 1, 4096,
		  TW_DNS_EDNS_DO, 0, cookie, sizeof(cookie));
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.limit, 4096);
	assert_int_equal(qi.kflags, TW_CACHE_KF_RD | TW_CACHE_KF_CD |
					    TW_CACHE_KF_AD | TW_CACHE_KF_EDNS |
					    TW_CACHE_KF_DO);
	assert_int_equal(qi.slow, 0);
	/* The full parse agrees. */
	assert_int_equal(tw_dns_parse(&m, buf, n), 0);
	{
		struct tw_query_info q2;

		tw_query_info_msg(&m, &q2);
		assert_int_equal(q2.limit, qi.limit);
		assert_int_equal(q2.kflags, qi.kflags);
		assert_int_equal(q2.qend, qi.qend);
	}

	/* RFC 6891 6.2.5: below 512 counts as 512. */
	n = query(buf, 0, 1, 100, 0, 0, NULL, 0);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.limit, 512);
	assert_int_equal(qi.kflags, TW_CACHE_KF_EDNS);

	/* Version 1: BADVERS from the slow path. */
	n = query(buf, 0, 1, 1232, 0, 1, NULL, 0);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.slow, TW_QS_BADVERS);

	/* Opcode STATUS (2): NOTIMP from the slow path. */
	n = query(buf, 2 << 11, 0, 0, 0, 0, NULL, 0);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.slow, TW_QS_OPCODE);

	/* An option running past the rdata; a truncated OPT RR. */
	n = query(buf, 0, 1, 1232, 0, 0, cookie, sizeof(cookie));
	buf[n - sizeof(cookie) + 3] = 9;
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), -TW_EOPT);
	n = query(buf, 0, 1, 1232, 0, 0, cookie, sizeof(cookie));
	assert_int_equal(tw_query_info(buf, n - 1, (size_t)qend, &qi),
			 -TW_ETRUNC);
	assert_int_equal(
		tw_query_info(buf, (size_t)qend + 5, (size_t)qend, &qi),
		-TW_ETRUNC);

	/* Two additional RRs, or one that is not OPT: the slow path. */
	n = query(buf, 0, 1, 1232, 0, 0, NULL, 0);
	tw_put16(buf + 10, 2);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.slow, TW_QS_EXTRA);
	n = query(buf, 0, 1, 1232, 0, 0, NULL, 0);
	tw_put16(buf + qend + 1, TW_DNS_T_A);
	assert_int_equal(tw_query_info(buf, n, (size_t)qend, &qi), 0);
	assert_int_equal(qi.slow, TW_QS_EXTRA);
}

/* tw_query_info_hit() against tw_query_info(): return and its fields. */
static void
same_info(const uint8_t *buf, size_t n, size_t qend)
{
	struct tw_query_info a;
	struct tw_query_hit b;
	int ra, rb;

	ra = tw_query_info(buf, n, qend, &a);
	rb = tw_query_info_hit(buf, n, qend, &b);
	assert_int_equal(ra, rb);
	if (ra != 0)
		return;
	assert_int_equal(a.id, b.id);
	assert_int_equal(a.limit, b.limit);
	assert_int_equal(a.kflags, b.kflags);
	assert_int_equal(a.slow, b.slow);
}

static void
test_query_info_hit(void **state)
{
	static const uint8_t cookie[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t two[] = { 0, 10, 0, 0, 0, 8, 0, 1, 9 };
	static const uint16_t fl[] = { 0,
				       TW_DNS_F_RD,
				       TW_DNS_F_RD | TW_DNS_F_CD,
				       TW_DNS_F_AD | TW_DNS_F_CD,
				       0xffff & ~TW_DNS_F_QR,
				       2 << 11 };
	uint8_t base[8][512], buf[512];
	size_t blen[8], n, qend;
	struct tw_dns_qkey k;
	unsigned i, j, nb = 0;
	int q;

	(void)state;
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		blen[0] = query(base[0], fl[i], 0, 0, 0, 0, NULL, 0);
		blen[1] = query(base[1], fl[i], 1, 4096, TW_DNS_EDNS_DO, 0,
				NULL, 0);
		blen[2] = query(base[2], fl[i], 1, 1232, 0, 0, cookie,
				sizeof(cookie));
		blen[3] = query(base[3], fl[i], 1, 100, 0x7fff, 1, NULL, 0);
		blen[4] = query(base[4], fl[i], 1, 1400, TW_DNS_EDNS_DO, 0, two,
				sizeof(two));
		blen[5] = query(base[5], fl[i], 1, 512, 0, 0, cookie, 4);
		for (j = 0; j < 6; j++)
			same_info(base[j], blen[j], 12 + KEY_A_LEN);
	}
	nb = 6;
	/* Random mutations: a few octets of the header counts, the OPT
	 * RR or anywhere, and random lengths. */
	srand(7);
	for (i = 0; i < 200000; i++) {
		unsigned b = (unsigned)rand() % nb,
			 m = 1 + (unsigned)rand() % 3;

		n = blen[b];
		memcpy(buf, base[b], n);
		for (j = 0; j < m; j++) {
			unsigned r = (unsigned)rand();
			size_t at;

			switch (r % 4) {
			case 0: /* the counts */
				at = 6 + (r >> 2) % 6;
				break;
			case 1: /* the OPT RR and its options */
				at = 12 + KEY_A_LEN + (r >> 2) % 24;
				break;
			default:
				at = (r >> 2) % (n + 8);
				break;
			}
			if (at < sizeof(buf))
				buf[at] = (r >> 12) & 1
						  ? (uint8_t)(r >> 16)
						  : (uint8_t)((r >> 16) & 3);
		}
		if (rand() % 4 == 0)
			n = (size_t)rand() % (n + 8);
		q = tw_dns_qkey_parse(buf, n, 7, &k);
		if (q >= 0)
			same_info(buf, n, (size_t)q);
		qend = 12 + KEY_A_LEN;
		if (qend <= n)
			same_info(buf, n, qend);
	}
}

/* ---- Answers: flags and stripping --------------------------------------- */

static void
test_secure_do(void **state)
{
	uint8_t ub[2048];
	struct tw_dns_msg up;
	struct built b;

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	/* DO=1, RD=1, EDNS: AD, RRSIG(A) kept, NS + glue dropped. */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_RD | TW_CACHE_KF_EDNS,
	      TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
	assert_true(b.o.ad);
	assert_true(b.m.hdr.flags & TW_DNS_F_AD);
	assert_true(b.m.hdr.flags & TW_DNS_F_QR);
	assert_true(b.m.hdr.flags & TW_DNS_F_RA);
	assert_true(b.m.hdr.flags & TW_DNS_F_RD);
	assert_false(b.m.hdr.flags & (TW_DNS_F_CD | TW_DNS_F_AA | TW_DNS_F_TC));
	assert_int_equal(b.m.hdr.id, 0);
	assert_int_equal(b.m.hdr.ancount, 2);
	assert_int_equal(b.m.hdr.nscount, 0);
	assert_int_equal(b.n_type[TW_DNS_T_RRSIG], 1);
	assert_int_equal(b.n_type[TW_DNS_T_NS], 0);
	/* Our OPT RR: 1232, DO mirrored (RFC 3225 3), no EDE. */
	assert_true(b.m.edns.present);
	assert_int_equal(b.m.edns.udp_size, 1232);
	assert_int_equal(b.m.edns.flags, TW_DNS_EDNS_DO);
	assert_int_equal(b.m.edns.ede_off, 0);
	assert_int_equal(b.o.opt_off, b.m.edns.rr_off);
	assert_int_equal(b.m.hdr.arcount, 1);
	/* The question is the key. */
	assert_memory_equal(b.msg + 12, key_a, KEY_A_LEN);
	assert_int_equal(b.o.n_ttl, 2);

	/* Insecure data is passed through without AD, NS and glue kept. */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_INSECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_false(b.m.hdr.flags & TW_DNS_F_AD);
	assert_false(b.m.hdr.flags & TW_DNS_F_RD);
	assert_int_equal(b.n_sec[TW_DNS_SEC_NS], 2);
	assert_int_equal(b.n_sec[TW_DNS_SEC_AR], 2); /* glue + our OPT */
}

static void
test_do0_strips(void **state)
{
	uint8_t ub[2048];
	struct tw_dns_msg up;
	struct built b;

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	/* DO=0, no EDNS: no RRSIG, no AD (RFC 6840 5.8), no OPT. */
	build(&b, &up, TW_CACHE_KF_RD, TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
	assert_false(b.o.ad);
	assert_false(b.m.hdr.flags & TW_DNS_F_AD);
	assert_int_equal(b.m.hdr.ancount, 1);
	assert_int_equal(b.n_type[TW_DNS_T_RRSIG], 0);
	assert_false(b.m.edns.present);
	assert_int_equal(b.o.opt_off, 0);
	assert_int_equal(b.o.n_ttl, 1);

	/* DO=0 but AD=1 in the query: AD (RFC 6840 5.7), still no RRSIG. */
	build(&b, &up, TW_CACHE_KF_AD | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_true(b.m.hdr.flags & TW_DNS_F_AD);
	assert_int_equal(b.n_type[TW_DNS_T_RRSIG], 0);
	assert_true(b.m.edns.present);
	assert_int_equal(b.m.edns.flags & TW_DNS_EDNS_DO, 0);

	/* Insecure, DO=0: RRSIGs stripped there too. */
	build(&b, &up, 0, TW_DNSSEC_INSECURE, TW_EDE_NONE, NULL, 0);
	assert_int_equal(b.n_type[TW_DNS_T_RRSIG], 0);
	assert_int_equal(b.n_type[TW_DNS_T_NS], 1);

	/* The rule itself: an RRSIG asked for is kept for DO=0. */
	assert_true(tw_answer_keep_rr(TW_DNS_SEC_AN, TW_DNS_T_RRSIG, TW_DNS_T_A,
				      TW_DNS_T_RRSIG, 0, TW_DNSSEC_SECURE));
	assert_false(tw_answer_keep_rr(TW_DNS_SEC_NS, TW_DNS_T_NSEC, 0,
				       TW_DNS_T_A, 0, TW_DNSSEC_SECURE));
	assert_false(tw_answer_keep_rr(TW_DNS_SEC_NS, TW_DNS_T_NSEC3, 0,
				       TW_DNS_T_A, TW_CACHE_KF_CD,
				       TW_DNSSEC_INSECURE));
	assert_true(tw_answer_keep_rr(TW_DNS_SEC_NS, TW_DNS_T_NSEC, 0,
				      TW_DNS_T_A, TW_CACHE_KF_DO,
				      TW_DNSSEC_SECURE));
	assert_true(tw_answer_keep_rr(TW_DNS_SEC_AN, TW_DNS_T_DNSKEY, 0,
				      TW_DNS_T_DNSKEY, 0, TW_DNSSEC_SECURE));
	assert_false(tw_answer_keep_rr(TW_DNS_SEC_AR, TW_DNS_T_OPT, 0,
				       TW_DNS_T_A, TW_CACHE_KF_DO,
				       TW_DNSSEC_INSECURE));
}

static void
test_cd(void **state)
{
	uint8_t ub[2048];
	struct tw_dns_msg up;
	struct built b;

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	/* CD=1, DO=1, secure: data, RRSIGs, no AD. */
	build(&b, &up, TW_CACHE_KF_CD | TW_CACHE_KF_DO | TW_CACHE_KF_EDNS,
	      TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
	assert_false(b.m.hdr.flags & TW_DNS_F_AD);
	assert_true(b.m.hdr.flags & TW_DNS_F_CD);
	assert_int_equal(b.n_type[TW_DNS_T_RRSIG], 1);
	/* CD=1, bogus: the data anyway (RFC 4035 3.2.2), no AD. */
	build(&b, &up, TW_CACHE_KF_CD | TW_CACHE_KF_DO | TW_CACHE_KF_EDNS,
	      TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, "bad", 0);
	assert_int_equal(b.m.hdr.flags & TW_DNS_F_RCODE_MASK, 0);
	assert_false(b.m.hdr.flags & TW_DNS_F_AD);
	assert_int_equal(b.m.hdr.ancount, 2);
	assert_false(b.o.made);
	/* The flag rules. */
	assert_true(tw_answer_ad(TW_DNSSEC_SECURE, TW_CACHE_KF_DO));
	assert_true(tw_answer_ad(TW_DNSSEC_SECURE, TW_CACHE_KF_AD));
	assert_false(tw_answer_ad(TW_DNSSEC_SECURE, 0));
	assert_false(tw_answer_ad(TW_DNSSEC_SECURE,
				  TW_CACHE_KF_DO | TW_CACHE_KF_CD));
	assert_false(tw_answer_ad(TW_DNSSEC_INSECURE, TW_CACHE_KF_DO));
	assert_false(tw_answer_ad(TW_DNSSEC_BOGUS, TW_CACHE_KF_DO));
	assert_true(tw_answer_fails(TW_DNSSEC_BOGUS, 0));
	assert_true(tw_answer_fails(TW_DNSSEC_INDETERMINATE, TW_CACHE_KF_DO));
	assert_false(tw_answer_fails(TW_DNSSEC_BOGUS, TW_CACHE_KF_CD));
	assert_false(tw_answer_fails(TW_DNSSEC_INSECURE, 0));
}

static void
test_bogus_servfail_ede(void **state)
{
	uint8_t ub[2048];
	struct tw_dns_msg up;
	struct built b;
	const char *text = "RRSIG www.example. A: signature does not verify";

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_RD | TW_CACHE_KF_EDNS,
	      TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, text, 0);
	assert_true(b.o.made);
	assert_int_equal(b.m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_SERVFAIL);
	assert_false(b.m.hdr.flags & TW_DNS_F_AD);
	assert_int_equal(b.m.hdr.ancount + b.m.hdr.nscount, 0);
	assert_int_equal(b.o.n_ttl, 0);
	/* RFC 8914 2: EDE option, INFO-CODE 6, the reason as EXTRA-TEXT. */
	assert_true(b.m.edns.ede_off != 0);
	assert_int_equal(b.m.edns.ede_len, 2 + strlen(text));
	assert_int_equal(tw_get16(b.msg + b.m.edns.ede_off), 6);
	assert_memory_equal(b.msg + b.m.edns.ede_off + 2, text, strlen(text));

	/* Without EDNS: SERVFAIL and no OPT RR at all. */
	build(&b, &up, 0, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, text, 0);
	assert_false(b.m.edns.present);
	assert_int_equal(b.m.hdr.arcount, 0);

	/* No upstream data at all (timeouts): the RCODE asked, EDE 22. */
	build(&b, NULL, TW_CACHE_KF_EDNS, 0, TW_EDE_NO_REACHABLE_AUTHORITY,
	      "no upstream answered", 0);
	assert_int_equal(b.m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_SERVFAIL);
	assert_int_equal(tw_get16(b.msg + b.m.edns.ede_off), 22);

	/* Insecure with an informative EDE (1: unsupported algorithm). */
	build(&b, &up, TW_CACHE_KF_EDNS, TW_DNSSEC_INSECURE,
	      TW_EDE_UNSUPPORTED_DNSKEY_ALG, "alg 253", 0);
	assert_int_equal(b.m.hdr.flags & TW_DNS_F_RCODE_MASK, 0);
	assert_int_equal(tw_get16(b.msg + b.m.edns.ede_off), 1);
	assert_int_equal(b.m.hdr.ancount, 1);
}

static void
test_badvers(void **state)
{
	struct tw_answer_req rq = {
		.key = key_a,
		.key_len = KEY_A_LEN,
		.kflags = TW_CACHE_KF_EDNS,
		.ede = TW_EDE_NONE,
		.udp_size = 1232,
		.rcode = TW_DNS_RCODE_BADVERS,
	};
	struct tw_answer_out o;
	struct tw_dns_msg m;
	uint8_t out[512];
	int n;

	(void)state;
	/* RFC 6891 6.1.3: BADVERS (16) = header 0 + extended RCODE 1. */
	n = tw_answer_build(NULL, &rq, out, sizeof(out), NULL, &o);
	assert_true(n > 0);
	assert_int_equal(tw_dns_parse(&m, out, (size_t)n), 0);
	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK, 0);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(m.edns.version, 0);
	/* NOTIMP echoes the opcode (RFC 1035 4.1.1). */
	rq.rcode = TW_DNS_RCODE_NOTIMP;
	rq.opcode = 2;
	n = tw_answer_build(NULL, &rq, out, sizeof(out), NULL, &o);
	assert_true(n > 0);
	assert_int_equal(tw_dns_parse(&m, out, (size_t)n), 0);
	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_NOTIMP);
	assert_int_equal((m.hdr.flags & TW_DNS_F_OPCODE_MASK) >> 11, 2);
	/* Room for nothing: -ENOSPC; a bad key: -EINVAL. */
	assert_int_equal(tw_answer_build(NULL, &rq, out, 20, NULL, &o),
			 -ENOSPC);
	rq.key_len = 3;
	assert_int_equal(tw_answer_build(NULL, &rq, out, sizeof(out), NULL, &o),
			 -EINVAL);
}

/* ---- TTLs --------------------------------------------------------------- */

static void
test_ttl_aged_and_blob(void **state)
{
	struct tw_cache_config cc = { .n_workers = 1 };
	struct tw_cache *c;
	struct tw_cache_blob *blob;
	struct tw_cache_answer a;
	uint8_t ub[2048], out[2048], qn[NAME_LEN];
	struct tw_dns_msg up, m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	struct built b;
	uint8_t kind;
	int n;

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 300);
	assert_int_equal(kind, TW_CACHE_POSITIVE);

	/* Built 100 s after the upstream answered: TTLs 200. */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 100);
	tw_dns_rr_iter_init(&it, &b.m);
	while (tw_dns_rr_next(&it, &rr) > 0)
		if (rr.type != TW_DNS_T_OPT)
			assert_int_equal(rr.ttl, 200);
	assert_int_equal(tw_get32(b.msg + b.ttl_off[0]), 200);
	assert_int_equal(tw_get32(b.msg + b.ttl_off[1]), 200);
	/* Older than the TTL: 0, never negative. */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 1000);
	assert_int_equal(tw_get32(b.msg + b.ttl_off[0]), 0);

	/* The cache takes the built answer as a blob and renders it with
	 * the client's ID and letter case. */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_int_equal(tw_cache_create(&cc, &c), 0);
	memset(&a, 0, sizeof(a));
	a.key.data = key_a;
	a.key.len = KEY_A_LEN;
	a.key.flags = TW_CACHE_KF_DO | TW_CACHE_KF_EDNS;
	a.key.hash = tw_dns_qkey_hash(key_a, KEY_A_LEN, 1);
	a.msg = b.msg;
	a.msg_len = b.o.len;
	a.ttl_off = b.ttl_off;
	a.n_ttl = b.o.n_ttl;
	a.opt_off = b.o.opt_off;
	a.ttl = 300;
	a.kind = TW_CACHE_POSITIVE;
	a.status = TW_DNSSEC_SECURE;
	a.ede = TW_CACHE_NO_EDE;
	assert_int_equal(tw_cache_blob_create(c, &a, 1000, &blob), 0);
	memcpy(qn, "\3WWW\7ExAmple", NAME_LEN);
	n = tw_cache_blob_render(blob, out, sizeof(out), 0xbeef, qn, 1010);
	assert_int_equal(n, b.o.len);
	assert_int_equal(tw_dns_parse(&m, out, (size_t)n), 0);
	assert_int_equal(m.hdr.id, 0xbeef);
	assert_memory_equal(out + 12, qn, NAME_LEN);
	assert_int_equal(tw_get32(out + b.ttl_off[0]), 290);
	/* Same through tw_answer_render (validator's uncached path). */
	n = tw_answer_render(b.msg, b.o.len, out, sizeof(out), 0xbeef, qn,
			     NAME_LEN);
	assert_int_equal(n, b.o.len);
	assert_int_equal(tw_get16(out), 0xbeef);
	assert_memory_equal(out + 12, qn, NAME_LEN);
	assert_int_equal(
		tw_answer_render(b.msg, b.o.len, out, 30, 1, qn, NAME_LEN),
		-ENOSPC);
	tw_cache_blob_put(blob);
	tw_cache_destroy(c);
}

static void
test_negative_ttl(void **state)
{
	uint8_t ub[2048];
	struct tw_dns_msg up;
	uint8_t kind;

	(void)state;
	/* RFC 2308 5: min(SOA TTL, SOA MINIMUM). */
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_NXDOMAIN, 3600,
				   300, true));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 300);
	assert_int_equal(kind, TW_CACHE_NEGATIVE);
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_NXDOMAIN, 60,
				   300, true));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 60);
	/* NODATA (NOERROR, no answer) is negative too. */
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_NOERROR, 900,
				   1800, true));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 900);
	assert_int_equal(kind, TW_CACHE_NEGATIVE);
	/* Without an SOA: not cached (RFC 2308 5). */
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_NXDOMAIN, 0, 0,
				   false));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 0);
	/* SERVFAIL, REFUSED: never cached. */
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_SERVFAIL, 60,
				   60, true));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 0);
	/* RFC 2181 8: a TTL with the top bit set is 0. */
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 0x80000001u));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_A, &kind), 0);
	/* A positive answer of another type than asked: negative. */
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	assert_int_equal(tw_answer_lifetime(&up, TW_DNS_T_AAAA, &kind), 0);
	assert_int_equal(kind, TW_CACHE_NEGATIVE);

	/* The negative answer with DO=0: SOA kept, RRSIG and NSEC gone. */
	{
		struct built b;

		parse_up(&up, ub,
			 upstream_negative(ub, sizeof(ub),
					   TW_DNS_RCODE_NXDOMAIN, 3600, 300,
					   true));
		build(&b, &up, 0, TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
		assert_int_equal(b.m.hdr.flags & TW_DNS_F_RCODE_MASK,
				 TW_DNS_RCODE_NXDOMAIN);
		assert_int_equal(b.m.hdr.nscount, 1);
		assert_int_equal(b.n_type[TW_DNS_T_SOA], 1);
		build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS,
		      TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
		assert_int_equal(b.m.hdr.nscount, 3);
		assert_true(b.m.hdr.flags & TW_DNS_F_AD);
	}
}

/*
 * RFC 4035 3.2.3: AD vouches for the authority section, so a secure
 * answer carries only the authority RRs lib/dnssec validated
 * (tw_answer_req.auth_rr); insecure data passes through as it came.
 * RFC 4035 5.3.3: with a TTL cap no TTL goes above it.
 */
static void
test_secure_authority_and_ttl_cap(void **state)
{
	uint8_t ub[2048];
	uint16_t off[8];
	struct tw_dns_msg up;
	struct built b;
	unsigned n;

	(void)state;
	parse_up(&up, ub,
		 upstream_negative(ub, sizeof(ub), TW_DNS_RCODE_NXDOMAIN, 3600,
				   300, true));
	/* authority: SOA, RRSIG(SOA), NSEC (in this order) */
	n = auth_rrs(&up, off, 8);
	assert_int_equal(n, 3);
	bx.all_auth = false;
	/* the SOA and its RRSIG validated, the NSEC not: it goes */
	bx.auth_rr = off;
	bx.n_auth_rr = 2;
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_int_equal(b.m.hdr.nscount, 2);
	assert_int_equal(b.n_type[TW_DNS_T_SOA], 1);
	assert_int_equal(b.n_type[TW_DNS_T_NSEC], 0);
	/* nothing validated: no authority RR with AD */
	bx.n_auth_rr = 0;
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_int_equal(b.m.hdr.nscount, 0);
	assert_true(b.m.hdr.flags & TW_DNS_F_AD);
	/* insecure: everything passes through */
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_INSECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_int_equal(b.m.hdr.nscount, 3);
	/* TTL cap 100 s (signatures expiring, or their original TTL):
	 * the SOA's 3600 and the RRSIG's become 100 */
	bx.auth_rr = off;
	bx.n_auth_rr = 3;
	bx.cap_ttl = true;
	bx.ttl_cap = 100;
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, TW_DNSSEC_SECURE,
	      TW_EDE_NONE, NULL, 0);
	assert_int_equal(b.m.hdr.nscount, 3);
	for (unsigned i = 0; i < b.o.n_ttl; i++)
		assert_true(tw_get32(b.msg + b.ttl_off[i]) <= 100);
	assert_int_equal(tw_get32(b.msg + b.ttl_off[0]), 100);
	memset(&bx, 0, sizeof(bx));
	bx.all_auth = true;
}

/* ---- TC ----------------------------------------------------------------- */

static void
test_tc(void **state)
{
	uint8_t ub[2048], out[600], qn[NAME_LEN];
	struct tw_dns_msg up, m;
	struct built b;
	size_t q_end = 12 + KEY_A_LEN;
	int n;

	(void)state;
	parse_up(&up, ub, upstream_positive(ub, sizeof(ub), 300));
	build(&b, &up, TW_CACHE_KF_DO | TW_CACHE_KF_EDNS | TW_CACHE_KF_RD,
	      TW_DNSSEC_SECURE, TW_EDE_NONE, NULL, 0);
	memcpy(qn, "\3wWw\7example", NAME_LEN);
	n = tw_answer_tc(out, 60, b.msg, b.o.len, q_end, 42, qn, NAME_LEN,
			 TW_CACHE_KF_DO | TW_CACHE_KF_EDNS, 1232);
	assert_int_equal(n, (int)q_end + 11);
	assert_int_equal(tw_dns_parse(&m, out, (size_t)n), 0);
	assert_int_equal(m.hdr.id, 42);
	assert_true(m.hdr.flags & TW_DNS_F_TC);
	assert_true(m.hdr.flags & TW_DNS_F_AD); /* kept from the answer */
	assert_true(m.hdr.flags & TW_DNS_F_RD);
	assert_int_equal(m.hdr.ancount + m.hdr.nscount, 0);
	assert_int_equal(m.hdr.arcount, 1);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.flags, TW_DNS_EDNS_DO);
	assert_memory_equal(out + 12, qn, NAME_LEN);
	/* Without EDNS: no OPT; too small: -ENOSPC; bad q_end: -EINVAL. */
	n = tw_answer_tc(out, sizeof(out), b.msg, b.o.len, q_end, 42, qn,
			 NAME_LEN, 0, 1232);
	assert_int_equal(n, (int)q_end);
	assert_int_equal(tw_get16(out + 10), 0);
	assert_int_equal(tw_answer_tc(out, q_end - 1, b.msg, b.o.len, q_end, 1,
				      qn, NAME_LEN, 0, 1232),
			 -ENOSPC);
	assert_int_equal(tw_answer_tc(out, sizeof(out), b.msg, 20, q_end, 1, qn,
				      NAME_LEN, 0, 1232),
			 -EINVAL);
}

/*
 * An answer that does not fit the room it is built in: lib/dns's writer
 * takes back the RRset whose next RR did not fit (RFC 2181 9) and sets
 * TC. The TTL offsets must then list only the RRs left, or lib/cache
 * refuses the answer (an offset past its end). Found by
 * tests/fuzz/fuzz_answer.c.
 */
static void
test_truncated_ttl_offsets(void **state)
{
	struct tw_cache_config cc = { .n_workers = 1 };
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .flags = TW_DNS_F_QR | TW_DNS_F_RA };
	struct tw_answer_req rq = { .key = key_a,
				    .key_len = KEY_A_LEN,
				    .kflags = TW_CACHE_KF_RD,
				    .status = TW_DNSSEC_INSECURE,
				    .ede = TW_EDE_NONE,
				    .udp_size = 1232 };
	struct tw_answer_out o;
	struct tw_cache_answer a;
	struct tw_cache_blob *blob;
	struct tw_cache *c;
	struct tw_dns_msg up, m;
	uint8_t ub[512], out[512];
	uint16_t ttl_off[8];
	int n;

	(void)state;
	/* Two A RRs (one RRset), then one AAAA. */
	tw_dns_writer_init(&w, ub, sizeof(ub));
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, key_a, TW_DNS_T_A, TW_DNS_C_IN);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, key_a, TW_DNS_T_A, TW_DNS_C_IN, 300,
			(const uint8_t *)"\xc0\x00\x02\x01", 4);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, key_a, TW_DNS_T_A, TW_DNS_C_IN, 300,
			(const uint8_t *)"\xc0\x00\x02\x02", 4);
	parse_up(&up, ub, tw_dns_writer_finish(&w));

	/* Room for the header, the question (29) and one A RR (16). */
	n = tw_answer_build(&up, &rq, out, 29 + 16 + 8, ttl_off, &o);
	assert_int_equal(n, 29);
	assert_int_equal(tw_dns_parse(&m, out, (size_t)n), 0);
	assert_true(m.hdr.flags & TW_DNS_F_TC);
	assert_int_equal(m.hdr.ancount, 0);
	assert_int_equal(o.n_ttl, 0);
	/* Room for both: two TTLs. */
	n = tw_answer_build(&up, &rq, out, sizeof(out), ttl_off, &o);
	assert_int_equal(n, 29 + 32);
	assert_int_equal(o.n_ttl, 2);

	/* The truncated answer is one the cache takes. */
	n = tw_answer_build(&up, &rq, out, 29 + 16 + 8, ttl_off, &o);
	assert_int_equal(tw_cache_create(&cc, &c), 0);
	memset(&a, 0, sizeof(a));
	a.key.data = key_a;
	a.key.len = KEY_A_LEN;
	a.key.hash = 1;
	a.msg = out;
	a.msg_len = (uint16_t)n;
	a.ttl_off = ttl_off;
	a.n_ttl = o.n_ttl;
	a.ttl = 300;
	a.kind = TW_CACHE_POSITIVE;
	a.ede = TW_CACHE_NO_EDE;
	assert_int_equal(tw_cache_blob_create(c, &a, 1000, &blob), 0);
	tw_cache_blob_put(blob);
	tw_cache_destroy(c);
}

/*
 * One cached answer per variant (answer.h): the answer built as for
 * RD=1 AD=1 (tw_answer_variant_flags()), with one client's RD and AD
 * set by tw_answer_client_bits(), is octet for octet the answer
 * tw_answer_build() gives that client's own flags; the same for the
 * TC=1 answer made from it. Every flag set, every verdict, positive,
 * negative and made (no upstream) answers.
 */
static void
test_variant_shared(void **state)
{
	static const int statuses[] = { 0, TW_DNSSEC_SECURE, TW_DNSSEC_INSECURE,
					TW_DNSSEC_BOGUS,
					TW_DNSSEC_INDETERMINATE };
	uint8_t ub[2][2048], ta[600], tb[600], qn[NAME_LEN];
	struct tw_dns_msg up[2];
	const struct tw_dns_msg *ups[3] = { &up[0], &up[1], NULL };
	static struct built a, b;
	size_t q_end = 12 + KEY_A_LEN;
	unsigned u, s, kf, checked = 0, ad_set = 0, ad_cleared = 0;

	(void)state;
	parse_up(&up[0], ub[0], upstream_positive(ub[0], sizeof(ub[0]), 300));
	parse_up(&up[1], ub[1],
		 upstream_negative(ub[1], sizeof(ub[1]), TW_DNS_RCODE_NXDOMAIN,
				   900, 300, true));
	memcpy(qn, "wWwexAmple", NAME_LEN);
	for (u = 0; u < 3; u++) {
		for (s = 0; s < sizeof(statuses) / sizeof(statuses[0]); s++) {
			for (kf = 0; kf <= TW_CACHE_KF_MASK; kf++) {
				int ede = statuses[s] == TW_DNSSEC_BOGUS
						  ? TW_EDE_DNSSEC_BOGUS
						  : TW_EDE_NONE;
				uint8_t vf =
					tw_answer_variant_flags((uint8_t)kf);
				int na, nb;

				build(&a, ups[u], (uint8_t)kf, statuses[s], ede,
				      "x", 0);
				build(&b, ups[u], vf, statuses[s], ede, "x", 0);
				assert_int_equal(
					tw_answer_variant(vf),
					tw_answer_variant((uint8_t)kf));
				ad_set += (b.msg[3] & TW_DNS_F_AD) != 0;
				tw_answer_client_bits(b.msg, (uint8_t)kf);
				ad_cleared +=
					(b.msg[3] & TW_DNS_F_AD) == 0 && b.o.ad;
				assert_int_equal(a.o.len, b.o.len);
				assert_memory_equal(a.msg, b.msg, a.o.len);
				/* Too big for the client: TC=1 from either. */
				na = tw_answer_tc(ta, sizeof(ta), a.msg,
						  a.o.len, q_end, 7, qn,
						  NAME_LEN, (uint8_t)kf, 1232);
				build(&b, ups[u], vf, statuses[s], ede, "x", 0);
				nb = tw_answer_tc(tb, sizeof(tb), b.msg,
						  b.o.len, q_end, 7, qn,
						  NAME_LEN, (uint8_t)kf, 1232);
				assert_true(na > 0);
				assert_int_equal(na, nb);
				tw_answer_client_bits(tb, (uint8_t)kf);
				assert_memory_equal(ta, tb, (size_t)na);
				checked++;
			}
		}
	}
	assert_int_equal(checked, 3 * 5 * (TW_CACHE_KF_MASK + 1));
	/* The comparison saw the shared answer's AD bit both kept and
	 * cleared: secure data for DO=0 AD=0 clients. */
	assert_true(ad_set > 0);
	assert_true(ad_cleared > 0);
}

/* ---- Upstream ----------------------------------------------------------- */

static void
test_upstream_query(void **state)
{
	uint8_t q[512];
	struct tw_dns_msg m;
	int n;

	(void)state;
	n = tw_upstream_query(q, sizeof(q), 0x4242, key_a, KEY_A_LEN, 1232);
	assert_true(n > 0);
	assert_int_equal(tw_dns_parse(&m, q, (size_t)n), 0);
	assert_int_equal(m.hdr.id, 0x4242);
	assert_int_equal(m.hdr.flags, TW_DNS_F_RD | TW_DNS_F_CD);
	assert_int_equal(m.hdr.qdcount, 1);
	assert_int_equal(m.q.qtype, TW_DNS_T_A);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.flags, TW_DNS_EDNS_DO);
	/* Octet for octet what lib/dns's writer makes of it. */
	{
		struct tw_dns_writer w;
		struct tw_dns_hdr h = { .id = 0x4242,
					.flags = TW_DNS_F_RD | TW_DNS_F_CD };
		uint8_t ref[512];
		int rn;

		tw_dns_writer_init(&w, ref, sizeof(ref));
		tw_dns_write_header(&w, &h);
		tw_dns_write_question(&w, key_a, TW_DNS_T_A, TW_DNS_C_IN);
		tw_dns_write_opt(&w, 1232, 0, TW_DNS_EDNS_DO, NULL, 0);
		rn = tw_dns_writer_finish(&w);
		assert_int_equal(n, rn);
		assert_memory_equal(q, ref, (size_t)n);
	}
	/* Exactly the room it needs, and one octet less. */
	assert_int_equal(
		tw_upstream_query(q, (size_t)n, 7, key_a, KEY_A_LEN, 1232), n);
	assert_int_equal(
		tw_upstream_query(q, (size_t)n - 1, 7, key_a, KEY_A_LEN, 1232),
		-ENOSPC);
	assert_int_equal(
		tw_upstream_query(q, 20, 1, key_a, KEY_A_LEN, 1232) < 0, 1);
	assert_int_equal(tw_upstream_query(q, sizeof(q), 1, key_a, 4, 1232),
			 -EINVAL);
}

static void
test_match(void **state)
{
	static const uint8_t up4[4] = { 192, 0, 2, 10 };
	static const uint8_t other[4] = { 192, 0, 2, 66 };
	struct tw_upstream_expect e = {
		.ip_ver = 4,
		.port = 53,
		.our_port = 40001,
		.id = 0x4242,
		.key = key_a,
		.key_len = KEY_A_LEN,
	};
	struct tw_pkt pkt;
	uint8_t ub[2048];
	int n;

	(void)state;
	memcpy(e.addr, up4, 4);
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip_ver = 4;
	pkt.src = up4;
	pkt.sport = 53;
	pkt.dport = 40001;
	n = upstream_positive(ub, sizeof(ub), 300);
	tw_put16(ub, 0x4242);
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_OK);
	/* The question compares case-insensitively (0x20 upstreams). */
	ub[13] = 'W';
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_OK);
	ub[13] = 'x';
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_QUESTION);
	ub[13] = 'w';
	tw_put16(ub + 12 + NAME_LEN, TW_DNS_T_AAAA);
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_QUESTION);
	tw_put16(ub + 12 + NAME_LEN, TW_DNS_T_A);
	tw_put16(ub, 0x4243);
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_ID);
	tw_put16(ub, 0x4242);
	pkt.src = other;
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_ADDR);
	pkt.src = up4;
	pkt.sport = 5353;
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_PORT);
	pkt.sport = 53;
	pkt.dport = 40002;
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_PORT);
	pkt.dport = 40001;
	pkt.ip_ver = 6;
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_ADDR);
	pkt.ip_ver = 4;
	ub[2] &= 0x7f; /* QR clear: a query, not an answer */
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_NOT_RESP);
	ub[2] |= 0x80;
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, 12 + 5),
			 TW_MATCH_QUESTION);
	tw_put16(ub + 4, 0);
	assert_int_equal(tw_upstream_match(&e, &pkt, ub, (size_t)n),
			 TW_MATCH_QUESTION);
}

static void
test_sport(void **state)
{
	unsigned nv, v, i;

	(void)state;
	for (nv = 1; nv <= 7; nv++)
		for (v = 0; v < nv; v++)
			for (i = 0; i < 2000; i++) {
				uint32_t r = (uint32_t)rand() ^ (i << 20);
				uint16_t p = tw_upstream_sport(r, nv, v);

				assert_true(p >= 1024);
				assert_int_equal(p % nv, v);
			}
	/* The extremes of the random input stay in range. */
	assert_true(tw_upstream_sport(0, 1, 0) == 1024);
	assert_true(tw_upstream_sport(UINT32_MAX, 3, 2) >= 1024);
	assert_int_equal(tw_upstream_sport(64511, 1, 0), 65535);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_info),
		cmocka_unit_test(test_query_info_hit),
		cmocka_unit_test(test_secure_do),
		cmocka_unit_test(test_do0_strips),
		cmocka_unit_test(test_cd),
		cmocka_unit_test(test_bogus_servfail_ede),
		cmocka_unit_test(test_badvers),
		cmocka_unit_test(test_ttl_aged_and_blob),
		cmocka_unit_test(test_negative_ttl),
		cmocka_unit_test(test_secure_authority_and_ttl_cap),
		cmocka_unit_test(test_tc),
		cmocka_unit_test(test_truncated_ttl_offsets),
		cmocka_unit_test(test_variant_shared),
		cmocka_unit_test(test_upstream_query),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_sport),
	};

	return cmocka_run_group_tests_name("app/answer", tests, NULL, NULL);
}
