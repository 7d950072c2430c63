/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writer: header, question, compression, rdata names, copying RRs from a
 * parsed message, response start, OPT/EDE, truncation, sticky errors.
 * Every message written is parsed back with tw_dns_parse().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_test.h"
#include "tw_dns.h"

static void
parse_ok(struct tw_dns_msg *m, const uint8_t *pkt, int len)
{
	assert_true(len > 0);
	assert_int_equal(tw_dns_parse(m, pkt, (size_t)len), 0);
}

static void
test_header_question(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .id = 0xbeef, .flags = TW_DNS_F_RD };
	struct tw_dns_msg m;
	int len;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_header(&w, &h), 0);
	assert_int_equal(tw_dns_write_question(&w, wire("wWw.ExAmple.com.", n),
					       TW_DNS_T_AAAA, TW_DNS_C_IN),
			 0);
	len = tw_dns_writer_finish(&w);
	static const uint8_t want[] = {
		0xbe, 0xef, 0x01, 0x00, 0,   1,	  0,   0,   0,	 0,   0,
		0,    3,    'w',  'W',	'w', 7,	  'E', 'x', 'A', 'm', 'p',
		'l',  'e',  3,	  'c',	'o', 'm', 0,   0,   28,	 0,   1,
	};
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	parse_ok(&m, buf, len);
	assert_int_equal(m.hdr.id, 0xbeef);
	assert_int_equal(m.q.qtype, TW_DNS_T_AAAA);
	/* finish is idempotent */
	assert_int_equal(tw_dns_writer_finish(&w), len);
}

static void
test_compression(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX], t[TW_DNS_NAME_MAX];
	uint8_t out[TW_DNS_NAME_MAX];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .id = 1, .flags = TW_DNS_F_QR };
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	int len;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, wire("www.example.com", n), TW_DNS_T_A,
			      TW_DNS_C_IN);
	/* 1: same name: a pointer to the question name (offset 12) */
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("www.example.com", n), TW_DNS_T_A,
					 TW_DNS_C_IN, 300, a, 4),
			 0);
	assert_int_equal(w.len, 33 + 2 + 10 + 4);
	assert_int_equal(buf[33], 0xc0);
	assert_int_equal(buf[34], 12);
	/* 2: "mail" + pointer to "example.com" at 16 */
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("mail.example.com", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 300, a, 4),
			 0);
	static const uint8_t want2[] = { 4, 'm', 'a', 'i', 'l', 0xc0, 16 };
	assert_memory_equal(buf + 49, want2, sizeof(want2));
	/* 3: "x" + pointer to "mail...." written just before (offset 49) */
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("x.mail.example.com", n),
			TW_DNS_T_A, TW_DNS_C_IN, 300, a, 4);
	static const uint8_t want3[] = { 1, 'x', 0xc0, 49 };
	assert_memory_equal(buf + 49 + 7 + 14, want3, sizeof(want3));
	/* 4: other case: only the identical suffix "com" is shared */
	size_t off = w.len;
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("WWW.EXAMPLE.com", n),
			TW_DNS_T_A, TW_DNS_C_IN, 300, a, 4);
	static const uint8_t want4[] = { 3,   'W', 'W', 'W', 7,	  'E',	'X',
					 'A', 'M', 'P', 'L', 'E', 0xc0, 24 };
	assert_memory_equal(buf + off, want4, sizeof(want4));
	/* 5: the root owner is never a pointer */
	off = w.len;
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(".", n), TW_DNS_T_A,
			TW_DNS_C_IN, 300, a, 4);
	assert_int_equal(buf[off], 0);
	len = tw_dns_writer_finish(&w);
	parse_ok(&m, buf, len);
	assert_int_equal(m.hdr.ancount, 5);
	static const char *const owners[] = { "www.example.com",
					      "mail.example.com",
					      "x.mail.example.com",
					      "WWW.EXAMPLE.com", "." };
	for (int i = 0; i < 5; i++) {
		nth_rr(&m, i, &rr);
		assert_true(tw_dns_rr_owner(&m, &rr, out) > 0);
		/* octet for octet: case kept */
		wire(owners[i], t);
		assert_memory_equal(out, t, tw_dns_name_len(t));
		assert_int_equal(rr.ttl, 300);
		assert_int_equal(rr.rdlen, 4);
	}
}

static void
test_rdata_names(void **state)
{
	uint8_t buf[1024], n[TW_DNS_NAME_MAX], rd[600], out[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .id = 2, .flags = TW_DNS_F_QR };
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	struct tw_dns_soa soa;
	int len, k;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, wire("example.com", n), TW_DNS_T_NS,
			      TW_DNS_C_IN);
	/* NS: target compressed against the question */
	k = tw_dns_name_from_str("ns1.example.com", rd);
	size_t at = w.len;
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("example.com", n), TW_DNS_T_NS,
					 TW_DNS_C_IN, 60, rd, (uint16_t)k),
			 0);
	/* owner ptr(2) + fixed(10): rdlength 6 = "ns1" + pointer */
	assert_int_equal(tw_get16(buf + at + 10), 6);
	static const uint8_t ns_rd[] = { 3, 'n', 's', '1', 0xc0, 12 };
	assert_memory_equal(buf + at + 12, ns_rd, sizeof(ns_rd));
	/* MX: preference then compressed exchange */
	rd[0] = 0;
	rd[1] = 10;
	k = tw_dns_name_from_str("mx.example.com", rd + 2);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("example.com", n), TW_DNS_T_MX,
					 TW_DNS_C_IN, 60, rd,
					 (uint16_t)(k + 2)),
			 0);
	/* SOA in authority: both names compressed, 20 octets after */
	k = tw_dns_name_from_str("ns1.example.com", rd);
	k += tw_dns_name_from_str("hostmaster.example.com", rd + k);
	for (int i = 0; i < 20; i++)
		rd[k + i] = (uint8_t)i;
	at = w.len;
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_NS,
					 wire("example.com", n), TW_DNS_T_SOA,
					 TW_DNS_C_IN, 60, rd,
					 (uint16_t)(k + 20)),
			 0);
	/* "ns1.example.com" was written by the NS RR: one pointer */
	assert_int_equal(tw_get16(buf + at + 10), 2 + 13 + 20);
	/* SRV: RFC 2782 targets are never compressed */
	memset(rd, 0, 6);
	k = tw_dns_name_from_str("sip.example.com", rd + 6);
	at = w.len;
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR,
					 wire("_sip._udp.example.com", n),
					 TW_DNS_T_SRV, TW_DNS_C_IN, 60, rd,
					 (uint16_t)(k + 6)),
			 0);
	assert_int_equal(tw_get16(buf + at + 12 + 8), k + 6);
	/* PTR to a name only written as an SRV target: not a pointer
	 * target, so written in full */
	k = tw_dns_name_from_str("sip.example.com", rd);
	at = w.len;
	tw_dns_write_rr(&w, TW_DNS_SEC_AR, wire("example.com", n), TW_DNS_T_PTR,
			TW_DNS_C_IN, 60, rd, (uint16_t)k);
	assert_int_equal(tw_get16(buf + at + 2 + 8), 4 + 2);
	len = tw_dns_writer_finish(&w);
	parse_ok(&m, buf, len);
	assert_int_equal(m.hdr.ancount, 2);
	assert_int_equal(m.hdr.nscount, 1);
	assert_int_equal(m.hdr.arcount, 2);
	nth_rr(&m, 0, &rr);
	assert_int_equal(tw_dns_rr_target(&m, &rr, out), 0);
	assert_true(tw_dns_name_eq(out, wire("ns1.example.com", n)));
	nth_rr(&m, 2, &rr);
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), 0);
	assert_true(
		tw_dns_name_eq(soa.rname, wire("hostmaster.example.com", n)));
	assert_int_equal(soa.serial, 0x00010203);
	assert_int_equal(soa.minimum, 0x10111213);
}

/*
 * A source message with compressed, mixed-case names in rdata, copied RR
 * by RR: the names come back expanded and recompressed, case kept.
 */
static const uint8_t src_msg[] = {
	0x12,
	0x34,
	0x81,
	0x80,
	0,
	1,
	0,
	4,
	0,
	1,
	0,
	1,
	/* 12: question Example.COM MX IN */
	T_QUESTION_EXAMPLE_COM_MX,
	/* 29: MX 10 Mail.<ptr 12> */
	T_RR_MX_MAIL,
	/* 50: SRV 1 2 3 Sip.<ptr 12>, compressed target (RFC 2052) */
	0xc0,
	12,
	0,
	33,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	12,
	0,
	1,
	0,
	2,
	0,
	3,
	3,
	'S',
	'i',
	'p',
	0xc0,
	12,
	/* 74: CNAME -> ptr to "Mail.Example.COM" at 43 */
	3,
	'w',
	'w',
	'w',
	0xc0,
	12,
	0,
	5,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	2,
	0xc0,
	43,
	/* 92: TXT "hi" */
	0xc0,
	12,
	0,
	16,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	3,
	2,
	'h',
	'i',
	/* 107: authority SOA NS1.<ptr> <ptr> 20 octets */
	0xc0,
	12,
	0,
	6,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	28,
	3,
	'N',
	'S',
	'1',
	0xc0,
	12,
	0xc0,
	43,
	1,
	2,
	3,
	4,
	5,
	6,
	7,
	8,
	9,
	10,
	11,
	12,
	13,
	14,
	15,
	16,
	17,
	18,
	19,
	20,
	/* 147: additional A for Mail */
	0xc0,
	43,
	0,
	1,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	4,
	192,
	0,
	2,
	25,
};

static void
test_rr_from(void **state)
{
	uint8_t buf[1024], a[1024], b[1024];
	uint8_t on1[TW_DNS_NAME_MAX], on2[TW_DNS_NAME_MAX];
	struct tw_dns_msg src, dst;
	struct tw_dns_rr r1, r2;
	struct tw_dns_rr_iter it;
	struct tw_dns_writer w;
	int len, i = 0;

	(void)state;
	parse_ok(&src, src_msg, sizeof(src_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_response_start(&w, &src, 0), 0);
	tw_dns_rr_iter_init(&it, &src);
	while (tw_dns_rr_next(&it, &r1) == 1)
		assert_int_equal(tw_dns_write_rr_from(&w, r1.section, &src, &r1,
						      r1.ttl + 1),
				 0);
	len = tw_dns_writer_finish(&w);
	parse_ok(&dst, buf, len);
	assert_int_equal(dst.hdr.ancount, 4);
	assert_int_equal(dst.hdr.nscount, 1);
	assert_int_equal(dst.hdr.arcount, 1);
	for (i = 0; i < 6; i++) {
		nth_rr(&src, i, &r1);
		nth_rr(&dst, i, &r2);
		assert_int_equal(r1.type, r2.type);
		assert_int_equal(r1.section, r2.section);
		assert_int_equal(r1.ttl + 1, r2.ttl);
		int n1 = tw_dns_rr_owner(&src, &r1, on1);
		assert_int_equal(tw_dns_rr_owner(&dst, &r2, on2), n1);
		assert_memory_equal(on1, on2, (size_t)n1);
		n1 = tw_dns_rr_canonical_rdata(&src, &r1, a, sizeof(a));
		assert_true(n1 > 0);
		assert_int_equal(
			tw_dns_rr_canonical_rdata(&dst, &r2, b, sizeof(b)), n1);
		assert_memory_equal(a, b, (size_t)n1);
	}
	/* MX exchange recompressed: "Mail" + pointer */
	nth_rr(&dst, 0, &r2);
	assert_int_equal(r2.rdlen, 2 + 5 + 2);
	/* SRV target expanded (not compressible): 6 + 3+1 + 7+1 + 3+1 + 1 */
	nth_rr(&dst, 1, &r2);
	assert_int_equal(r2.rdlen, 6 + 17);
	assert_int_equal(dst.pkt[r2.rdata_off + 6], 3);
	assert_int_equal(dst.pkt[r2.rdata_off + 7], 'S');
	assert_int_equal(dst.pkt[r2.rdata_off + 10], 7);
}

/* A query: ID 0xabcd, opcode 2 (STATUS), RD, AD, CD; 0x20-cased qname. */
static const uint8_t query_msg[] = {
	0xab,
	0xcd,
	0x11,
	0x30,
	0,
	1,
	0,
	0,
	0,
	0,
	0,
	1,
	3,
	'w',
	'W',
	'w',
	7,
	'e',
	'X',
	'a',
	'M',
	'p',
	'L',
	'e',
	3,
	'n',
	'E',
	'T',
	0,
	0,
	1,
	0,
	1,
	/* OPT udp 1232, DO */
	0,
	0,
	41,
	0x04,
	0xd0,
	0,
	0,
	0x80,
	0,
	0,
	0,
};

static void
test_response_start(void **state)
{
	uint8_t buf[512];
	struct tw_dns_msg q, r;
	struct tw_dns_writer w;
	int len;

	(void)state;
	parse_ok(&q, query_msg, sizeof(query_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(
		tw_dns_write_response_start(&w, &q, TW_DNS_RCODE_SERVFAIL), 0);
	len = tw_dns_writer_finish(&w);
	assert_int_equal(len, 12 + 21);
	parse_ok(&r, buf, len);
	assert_int_equal(r.hdr.id, 0xabcd);
	/* QR, opcode 2, RD, RA, CD, SERVFAIL; AD, AA, TC clear */
	assert_int_equal(r.hdr.flags,
			 0x8000 | 0x1000 | 0x0100 | 0x0080 | 0x0010 | 2);
	assert_int_equal(r.hdr.qdcount, 1);
	assert_int_equal(r.hdr.arcount, 0);
	/* the question byte for byte */
	assert_memory_equal(buf + 12, query_msg + 12, 21);

	/* a query without a question */
	static const uint8_t noq[12] = { 0, 7, 0, 0 };
	parse_ok(&q, noq, sizeof(noq));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_response_start(&w, &q, 0x15), 0);
	len = tw_dns_writer_finish(&w);
	assert_int_equal(len, 12);
	assert_int_equal(tw_get16(buf + 2), 0x8085); /* rcode 0x15 & 15 */
}

static void
test_opt_ede(void **state)
{
	uint8_t buf[512], ede[64];
	struct tw_dns_msg q, r;
	struct tw_dns_writer w;
	static const uint8_t cookie[16] = { 1, 2,  3,  4,  5,  6,  7,  8,
					    9, 10, 11, 12, 13, 14, 15, 16 };
	int len, el;

	(void)state;
	/* RFC 8914 2: INFO-CODE then EXTRA-TEXT, no NUL */
	el = tw_dns_ede_encode(TW_EDE_DNSSEC_BOGUS, "bad sig", ede,
			       sizeof(ede));
	static const uint8_t want_ede[] = { 0,	 6,   'b', 'a', 'd',
					    ' ', 's', 'i', 'g' };
	assert_int_equal(el, sizeof(want_ede));
	assert_memory_equal(ede, want_ede, sizeof(want_ede));
	assert_int_equal(
		tw_dns_ede_encode(TW_EDE_SIGNATURE_EXPIRED, NULL, ede, 2), 2);
	assert_int_equal(tw_get16(ede), 7);
	assert_int_equal(tw_dns_ede_encode(1, "", ede, 2), 2);
	assert_int_equal(tw_dns_ede_encode(1, "x", ede, 2), -ENOSPC);
	assert_int_equal(tw_dns_ede_encode(1, NULL, ede, 1), -ENOSPC);
	el = tw_dns_ede_encode(TW_EDE_DNSSEC_BOGUS, "bad sig", ede,
			       sizeof(ede));

	struct tw_dns_opt opts[2] = {
		{ .code = TW_DNS_OPT_EDE, .len = (uint16_t)el, .data = ede },
		{ .code = TW_DNS_OPT_COOKIE, .len = 16, .data = cookie },
	};
	parse_ok(&q, query_msg, sizeof(query_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_response_start(&w, &q, TW_DNS_RCODE_SERVFAIL);
	assert_int_equal(tw_dns_write_opt(&w, 1232, 0, TW_DNS_EDNS_DO, opts, 2),
			 0);
	len = tw_dns_writer_finish(&w);
	/* RFC 6891 6.1.2 + RFC 8914 2, byte by byte */
	static const uint8_t want_opt[] = {
		0,	    /* root */
		0,    41,   /* TYPE OPT */
		0x04, 0xd0, /* CLASS = 1232 */
		0,    0,
		0x80, 0,	      /* ext-rcode 0, version 0, DO */
		0,    4 + 9 + 4 + 16, /* RDLEN */
		0,    15,
		0,    9, /* OPTION-CODE 15, LENGTH 9 */
		0,    6, /* INFO-CODE 6 (DNSSEC Bogus) */
		'b',  'a',
		'd',  ' ',
		's',  'i',
		'g',  0,
		10,   0,
		16, /* COOKIE */
	};
	assert_int_equal(len, 33 + sizeof(want_opt) + 16);
	assert_memory_equal(buf + 33, want_opt, sizeof(want_opt));
	assert_memory_equal(buf + 33 + sizeof(want_opt), cookie, 16);
	parse_ok(&r, buf, len);
	assert_true(r.edns.present);
	assert_int_equal(r.edns.udp_size, 1232);
	assert_int_equal(r.edns.flags, TW_DNS_EDNS_DO);
	assert_int_equal(r.edns.ede_len, 9);
	assert_int_equal(tw_get16(buf + r.edns.ede_off), 6);
	assert_int_equal(r.edns.cookie_len, 16);
	assert_int_equal(r.hdr.arcount, 1);

	/* extended RCODE (BADVERS = 16: upper 8 bits 1, RFC 6891 6.1.3) */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_response_start(&w, &q, TW_DNS_RCODE_BADVERS & 15);
	assert_int_equal(tw_dns_write_opt(&w, 1232, TW_DNS_RCODE_BADVERS >> 4,
					  0, NULL, 0),
			 0);
	len = tw_dns_writer_finish(&w);
	parse_ok(&r, buf, len);
	assert_int_equal(r.edns.ext_rcode, 1);
	assert_int_equal(r.edns.rdlen, 0);

	/* option data missing, options too long: sticky -EINVAL */
	struct tw_dns_opt bad = { .code = 15, .len = 3, .data = NULL };
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_response_start(&w, &q, 0);
	assert_int_equal(tw_dns_write_opt(&w, 512, 0, 0, &bad, 1), -EINVAL);
	assert_int_equal(tw_dns_writer_finish(&w), -EINVAL);
	struct tw_dns_opt big[2] = { { .code = 1, .len = 40000, .data = buf },
				     { .code = 2, .len = 40000, .data = buf } };
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_response_start(&w, &q, 0);
	assert_int_equal(tw_dns_write_opt(&w, 512, 0, 0, big, 2), -EINVAL);
	/* OPT before the header */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_opt(&w, 512, 0, 0, NULL, 0), -EINVAL);
}

/* Write "a<i>.example." A records until the writer refuses. */
static void
test_truncation(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	struct tw_dns_writer w;
	struct tw_dns_msg q, r;
	struct tw_dns_rr rr;
	struct tw_dns_rr_iter it;
	int len, rc, i, written = 0;

	(void)state;
	parse_ok(&q, query_msg, sizeof(query_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	/* 33 (header + question) + RRs of 16 octets (pointer owner) */
	tw_dns_writer_limit(&w, 128, 11);
	tw_dns_write_response_start(&w, &q, 0);
	/* RRset 1: 3 A records of the qname: 33 + 48 = 81 */
	for (i = 0; i < 3; i++) {
		assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
						 wire("wWw.eXaMpLe.nET", n),
						 TW_DNS_T_A, TW_DNS_C_IN, 60, a,
						 4),
				 0);
		written++;
	}
	/* RRset 2: AAAA of the qname (28 octets each): the first fits
	 * (109 <= 117), the second does not: both are taken back */
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	assert_int_equal(
		tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("wWw.eXaMpLe.nET", n),
				TW_DNS_T_AAAA, TW_DNS_C_IN, 60, aaaa, 16),
		0);
	assert_int_equal(w.count[TW_DNS_SEC_AN], 4);
	rc = tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("WWW.example.net", n),
			     TW_DNS_T_AAAA, TW_DNS_C_IN, 60, aaaa, 16);
	assert_int_equal(rc, -ENOSPC);
	assert_true(w.truncated);
	assert_int_equal(w.count[TW_DNS_SEC_AN], 3);
	assert_int_equal(w.len, 81);
	/* everything after is refused, even what would fit */
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 60, a, 4),
			 -ENOSPC);
	/* the OPT RR still fits through the reserve (RFC 6891 7) */
	assert_int_equal(tw_dns_write_opt(&w, 1232, 0, 0, NULL, 0), 0);
	len = tw_dns_writer_finish(&w);
	assert_int_equal(len, 81 + 11);
	parse_ok(&r, buf, len);
	assert_true(r.hdr.flags & TW_DNS_F_TC);
	assert_int_equal(r.hdr.ancount, 3);
	assert_int_equal(r.hdr.arcount, 1);
	assert_true(r.edns.present);
	tw_dns_rr_iter_init(&it, &r);
	while (tw_dns_rr_next(&it, &rr) == 1)
		assert_true(rr.type == TW_DNS_T_A || rr.type == TW_DNS_T_OPT);
	(void)written;
}

static void
test_truncation_additional(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	struct tw_dns_writer w;
	struct tw_dns_msg q, r;
	int len;

	(void)state;
	parse_ok(&q, query_msg, sizeof(query_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 120, 11);
	tw_dns_write_response_start(&w, &q, 0);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("www.example.net", n), TW_DNS_T_A,
					 TW_DNS_C_IN, 60, a, 4),
			 0);
	/* 33 + 31 (www.example.net, other case than the question), then
	 * glue: ns 19 octets, ns2 20, a second ns2 16 would end at 119 */
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR,
					 wire("ns.example.net", n), TW_DNS_T_A,
					 TW_DNS_C_IN, 60, a, 4),
			 0);
	size_t keep = w.len;
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR,
					 wire("ns2.example.net", n), TW_DNS_T_A,
					 TW_DNS_C_IN, 60, a, 4),
			 0);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR,
					 wire("ns2.example.net", n), TW_DNS_T_A,
					 TW_DNS_C_IN, 60, a, 4),
			 -ENOSPC);
	/* the ns2 RRset went, ns kept; no TC (RFC 2181 9) */
	assert_false(w.truncated);
	assert_int_equal(w.len, keep);
	assert_int_equal(w.count[TW_DNS_SEC_AR], 1);
	/* the section is closed: a small RR does not sneak in */
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 60, NULL, 0),
			 -ENOSPC);
	assert_int_equal(tw_dns_write_opt(&w, 1232, 0, 0, NULL, 0), 0);
	len = tw_dns_writer_finish(&w);
	parse_ok(&r, buf, len);
	assert_false(r.hdr.flags & TW_DNS_F_TC);
	assert_int_equal(r.hdr.arcount, 2);
	assert_true(r.edns.present);
}

/*
 * A reserve bigger than the room left: a dropped additional RR closes
 * the section without raising the limit to len + reserve (found by
 * fuzz_dns_msg: a 12-octet limit, an 11-octet OPT reserve, header only).
 */
static void
test_truncation_additional_small_limit(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	int len;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, TW_DNS_HDR_LEN, 11);
	assert_int_equal(tw_dns_write_header(&w, &h), 0);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, NULL, 0),
			 -ENOSPC);
	assert_int_equal(w.limit, TW_DNS_HDR_LEN);
	/* the OPT RR does not fit either: the limit holds */
	assert_int_equal(tw_dns_write_opt(&w, 0, 0, 0, NULL, 0), -ENOSPC);
	len = tw_dns_writer_finish(&w);
	assert_int_equal(len, TW_DNS_HDR_LEN);
}

static void
test_opt_no_room(void **state)
{
	uint8_t buf[512];
	struct tw_dns_writer w;
	struct tw_dns_msg q, r;
	int len;

	(void)state;
	parse_ok(&q, query_msg, sizeof(query_msg));
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 40, 0);
	tw_dns_write_response_start(&w, &q, 0);
	assert_int_equal(tw_dns_write_opt(&w, 1232, 0, 0, NULL, 0), -ENOSPC);
	len = tw_dns_writer_finish(&w);
	parse_ok(&r, buf, len);
	assert_true(r.hdr.flags & TW_DNS_F_TC);
	/* limit beyond cap is clamped to cap; reserve to limit */
	tw_dns_writer_limit(&w, 100000, 100000);
	assert_int_equal(w.limit, sizeof(buf));
	assert_int_equal(w.reserve, sizeof(buf));
}

static void
test_sticky_errors(void **state)
{
	uint8_t buf[512], n[TW_DNS_NAME_MAX], rd[8];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	static const uint8_t badname[] = { 64, 'a', 0 };
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };

	(void)state;
	/* RR before the header */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, a, 4),
			 -EINVAL);
	assert_int_equal(tw_dns_write_header(&w, &h), -EINVAL);
	assert_int_equal(tw_dns_writer_finish(&w), -EINVAL);
	/* finish with no header */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_writer_finish(&w), -EINVAL);
	/* question before header, header twice */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(tw_dns_write_question(&w, wire(".", n), 1, 1),
			 -EINVAL);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_header(&w, &h), -EINVAL);
	/* section going backwards */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_NS, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, a, 4),
			 0);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, a, 4),
			 -EINVAL);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AR, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, a, 4),
			 -EINVAL);
	assert_int_equal(tw_dns_write_question(&w, wire(".", n), 1, 1),
			 -EINVAL);
	assert_int_equal(tw_dns_write_opt(&w, 512, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(tw_dns_writer_finish(&w), -EINVAL);
	/* question after an RR; RR into the question section */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_QD, wire(".", n),
					 TW_DNS_T_A, TW_DNS_C_IN, 0, a, 4),
			 -EINVAL);
	/* bad owner name */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN, badname, TW_DNS_T_A,
					 TW_DNS_C_IN, 0, a, 4),
			 -TW_ELABEL);
	assert_int_equal(tw_dns_writer_finish(&w), -TW_ELABEL);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_question(&w, badname, 1, 1), -TW_ELABEL);
	/* malformed rdata of a compressible type */
	static const struct {
		uint16_t type;
		uint8_t len;
		uint8_t rd[8];
	} bad[] = {
		{ TW_DNS_T_NS, 3, { 1, 'a', 0 } }, /* fine: sanity */
		{ TW_DNS_T_NS, 2, { 1, 'a' } },
		{ TW_DNS_T_NS, 4, { 1, 'a', 0, 0 } },
		{ TW_DNS_T_MX, 1, { 0 } },
		{ TW_DNS_T_MX, 3, { 0, 1, 0xc0 } },
		{ TW_DNS_T_SOA, 4, { 0, 0, 1, 2 } },
		{ TW_DNS_T_CNAME, 0, { 0 } },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tw_dns_writer_init(&w, buf, sizeof(buf));
		tw_dns_write_header(&w, &h);
		memcpy(rd, bad[i].rd, sizeof(rd));
		int rc = tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(".", n),
					 bad[i].type, TW_DNS_C_IN, 0, rd,
					 bad[i].len);
		assert_int_equal(rc, i == 0 ? 0 : -TW_ERDATA);
		assert_int_equal(w.len, i == 0 ? 12 + 11 + 3 : 12);
	}
	/* empty rdata in class NONE (RFC 2136 2.5) is fine */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(".", n),
					 TW_DNS_T_NS, 254, 0, rd, 0),
			 0);
}

static void
test_no_room_header_question(void **state)
{
	uint8_t buf[64], n[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };

	(void)state;
	tw_dns_writer_init(&w, buf, 11);
	assert_int_equal(tw_dns_write_header(&w, &h), -ENOSPC);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 30, 0);
	tw_dns_write_header(&w, &h);
	assert_int_equal(
		tw_dns_write_question(&w, wire("a-long-name.example", n), 1, 1),
		-ENOSPC);
	assert_int_equal(tw_dns_writer_finish(&w), -ENOSPC);
}

/* Names past offset 0x3fff cannot be pointer targets. */
static void
test_far_offsets(void **state)
{
	static uint8_t buf[TW_DNS_MSG_MAX], big[20000];
	uint8_t n[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	struct tw_dns_msg m;
	size_t off;
	int len;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN,
					 wire("near.example", n), 65280,
					 TW_DNS_C_IN, 0, big, sizeof(big)),
			 0);
	assert_true(w.len > 0x4000);
	off = w.len;
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("far.example", n), 65280,
			TW_DNS_C_IN, 0, big, 1);
	/* "far" literal, "example" points back to the first owner */
	static const uint8_t want[] = { 3, 'f', 'a', 'r', 0xc0, 17 };
	assert_memory_equal(buf + off, want, sizeof(want));
	off = w.len;
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire("far.example", n), 65280,
			TW_DNS_C_IN, 0, big, 1);
	/* the earlier "far" sits beyond 0x3fff: written again */
	assert_memory_equal(buf + off, want, sizeof(want));
	len = tw_dns_writer_finish(&w);
	parse_ok(&m, buf, len);
	assert_int_equal(m.hdr.ancount, 3);
}

/* More names than ptrs[] holds: the rest are simply not targets. */
static void
test_many_names(void **state)
{
	uint8_t buf[4096], n[TW_DNS_NAME_MAX], out[TW_DNS_NAME_MAX];
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	char s[32];
	int len, i;

	(void)state;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	for (i = 0; i < 100; i++) {
		snprintf(s, sizeof(s), "h%d.z%d.example", i, i);
		assert_int_equal(tw_dns_write_rr(&w, TW_DNS_SEC_AN, wire(s, n),
						 TW_DNS_T_A, TW_DNS_C_IN, 0,
						 buf, 4),
				 0);
	}
	assert_int_equal(w.n_ptrs, TW_DNS_WRITER_PTRS);
	len = tw_dns_writer_finish(&w);
	parse_ok(&m, buf, len);
	for (i = 0; i < 100; i++) {
		nth_rr(&m, i, &rr);
		snprintf(s, sizeof(s), "h%d.z%d.example", i, i);
		assert_true(tw_dns_rr_owner(&m, &rr, out) > 0);
		assert_true(tw_dns_name_eq(out, wire(s, n)));
	}
}

/* Copying a message RR that does not fit, and a broken source RR. */
static void
test_rr_from_errors(void **state)
{
	uint8_t buf[512];
	struct tw_dns_msg src;
	struct tw_dns_rr rr;
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };

	(void)state;
	parse_ok(&src, src_msg, sizeof(src_msg));
	/* SRV (expanded in place) does not fit */
	nth_rr(&src, 1, &rr);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 12 + 13 + 10 + 10, 0);
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &src, &rr, 0),
			 -ENOSPC);
	assert_true(w.truncated);
	assert_int_equal(tw_dns_writer_finish(&w), 12);
	/* MX (expanded, recompressed) does not fit */
	nth_rr(&src, 0, &rr);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 12 + 23 + 5, 0);
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &src, &rr, 0),
			 -ENOSPC);
	/* MX: not even the preference fits */
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_writer_limit(&w, 12 + 23 + 1, 0);
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &src, &rr, 0),
			 -ENOSPC);
	assert_int_equal(w.len, 12);
	/* a source RR whose rdata lies: MX rdlen 1 */
	static uint8_t broken[sizeof(src_msg)];
	memcpy(broken, src_msg, sizeof(src_msg));
	struct tw_dns_msg bm = src;
	bm.pkt = broken;
	nth_rr(&src, 0, &rr);
	rr.rdlen = 1;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &bm, &rr, 0),
			 -TW_ERDATA);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &bm, &rr, 0),
			 -TW_ERDATA);
	/* SRV rdata cut short */
	nth_rr(&src, 1, &rr);
	rr.rdlen = 8;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_int_equal(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &bm, &rr, 0),
			 -TW_ERDATA);
	/* owner pointer to itself */
	broken[29] = 0xc0;
	broken[30] = 29;
	nth_rr(&src, 0, &rr);
	tw_dns_writer_init(&w, buf, sizeof(buf));
	tw_dns_write_header(&w, &h);
	assert_true(tw_dns_write_rr_from(&w, TW_DNS_SEC_AN, &bm, &rr, 0) < 0);
	/* a response_start from a query whose qname is broken */
	bm.hdr.qdcount = 1;
	bm.q.name_off = 29;
	tw_dns_writer_init(&w, buf, sizeof(buf));
	assert_true(tw_dns_write_response_start(&w, &bm, 0) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_question),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_rdata_names),
		cmocka_unit_test(test_rr_from),
		cmocka_unit_test(test_response_start),
		cmocka_unit_test(test_opt_ede),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_additional),
		cmocka_unit_test(test_truncation_additional_small_limit),
		cmocka_unit_test(test_opt_no_room),
		cmocka_unit_test(test_sticky_errors),
		cmocka_unit_test(test_no_room_header_question),
		cmocka_unit_test(test_far_offsets),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_rr_from_errors),
	};

	return cmocka_run_group_tests_name("dns/writer", tests, NULL, NULL);
}
