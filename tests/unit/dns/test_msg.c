/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message reader: real-looking packets (a query, a compressed response, a
 * signed NXDOMAIN, a SERVFAIL with cookie and EDE) and the hostile list:
 * loops, bad pointers, impossible counts, every truncation, name and label
 * limits, misplaced or malformed OPT, malformed rdata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_priv.h"
#include "dns_test.h"
#include "tw_dns.h"

/* ---- Packets as a resolver would send them ---------------------------- */

static const uint8_t pkt_query[] = {
	/* 0: header: ID 0x1f2e, RD AD, QD 1 AR 1 */
	0x1f,
	0x2e,
	0x01,
	0x20,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	/* 12: question www.example.com A IN */
	0x03,
	0x77,
	0x77,
	0x77,
	0x07,
	0x65,
	0x78,
	0x61,
	0x6d,
	0x70,
	0x6c,
	0x65,
	0x03,
	0x63,
	0x6f,
	0x6d,
	0x00,
	0x00,
	0x01,
	0x00,
	0x01,
	/* 33: OPT udp 1232, COOKIE client 8 */
	0x00,
	0x00,
	0x29,
	0x04,
	0xd0,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x0c,
	0x00,
	0x0a,
	0x00,
	0x08,
	0xa1,
	0xb2,
	0xc3,
	0xd4,
	0xe5,
	0xf6,
	0x07,
	0x18,
};
static const uint8_t pkt_resp[] = {
	/* 0: header: QR RD RA, QD 1 AN 2 NS 2 AR 2 */
	0x1f,
	0x2e,
	0x81,
	0x80,
	0x00,
	0x01,
	0x00,
	0x02,
	0x00,
	0x02,
	0x00,
	0x02,
	/* 12: question www.example.com A IN (example at 16) */
	0x03,
	0x77,
	0x77,
	0x77,
	0x07,
	0x65,
	0x78,
	0x61,
	0x6d,
	0x70,
	0x6c,
	0x65,
	0x03,
	0x63,
	0x6f,
	0x6d,
	0x00,
	0x00,
	0x01,
	0x00,
	0x01,
	/* 33: www.example.com CNAME web.example.com (rdata at 45) */
	0xc0,
	0x0c,
	0x00,
	0x05,
	0x00,
	0x01,
	0x00,
	0x00,
	0x01,
	0x2c,
	0x00,
	0x06,
	0x03,
	0x77,
	0x65,
	0x62,
	0xc0,
	0x10,
	/* 51: web.example.com A 93.184.216.34 */
	0xc0,
	0x2d,
	0x00,
	0x01,
	0x00,
	0x01,
	0x00,
	0x00,
	0x01,
	0x2c,
	0x00,
	0x04,
	0x5d,
	0xb8,
	0xd8,
	0x22,
	/* 67: example.com NS a.iana-servers.net (rdata at 79) */
	0xc0,
	0x10,
	0x00,
	0x02,
	0x00,
	0x01,
	0x00,
	0x01,
	0x51,
	0x80,
	0x00,
	0x14,
	0x01,
	0x61,
	0x0c,
	0x69,
	0x61,
	0x6e,
	0x61,
	0x2d,
	0x73,
	0x65,
	0x72,
	0x76,
	0x65,
	0x72,
	0x73,
	0x03,
	0x6e,
	0x65,
	0x74,
	0x00,
	/* 99: example.com NS b.iana-servers.net */
	0xc0,
	0x10,
	0x00,
	0x02,
	0x00,
	0x01,
	0x00,
	0x01,
	0x51,
	0x80,
	0x00,
	0x04,
	0x01,
	0x62,
	0xc0,
	0x51,
	/* 115: a.iana-servers.net A 199.43.135.53 */
	0xc0,
	0x4f,
	0x00,
	0x01,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x04,
	0xc7,
	0x2b,
	0x87,
	0x35,
	/* 131: OPT udp 1232 DO */
	0x00,
	0x00,
	0x29,
	0x04,
	0xd0,
	0x00,
	0x00,
	0x80,
	0x00,
	0x00,
	0x00,
};
/*
 * The RRSIG rdata after the type covered, the same in both signatures of
 * pkt_nxdomain (93 octets): algorithm 13, labels 2, original TTL 3600,
 * expiration, inception, key tag 12345, signer example.com, then a
 * 64-octet signature.
 */
#define RRSIG_REST                                                          \
	0x0d, 0x02, 0x00, 0x00, 0x0e, 0x10, 0x65, 0x92, 0x00, 0x80, 0x65,   \
		0x69, 0x22, 0x00, 0x30, 0x39, 0x07, 0x65, 0x78, 0x61, 0x6d, \
		0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x0b, 0x30, \
		0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0x0e, 0x33, 0x58, 0x7d, 0xa2, \
		0xc7, 0xec, 0x11, 0x36, 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, \
		0x39, 0x5e, 0x83, 0xa8, 0xcd, 0xf2, 0x17, 0x3c, 0x61, 0x86, \
		0xab, 0xd0, 0xf5, 0x1a, 0x3f, 0x64, 0x89, 0xae, 0xd3, 0xf8, \
		0x1d, 0x42, 0x67, 0x8c, 0xb1, 0xd6, 0xfb, 0x20, 0x45, 0x6a, \
		0x8f, 0xb4, 0xd9, 0xfe, 0x23, 0x48, 0x6d, 0x92, 0xb7, 0xdc, \
		0x01, 0x26

static const uint8_t pkt_nxdomain[] = {
	/* 0: header: QR RD RA AD NXDOMAIN, QD 1 NS 4 AR 1 */
	0xbe,
	0xef,
	0x81,
	0xa3,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x04,
	0x00,
	0x01,
	/* 12: question nx.example.com A IN (example at 15) */
	0x02,
	0x6e,
	0x78,
	0x07,
	0x65,
	0x78,
	0x61,
	0x6d,
	0x70,
	0x6c,
	0x65,
	0x03,
	0x63,
	0x6f,
	0x6d,
	0x00,
	0x00,
	0x01,
	0x00,
	0x01,
	/* 32: example.com SOA ns.icann.org noc.dns.icann.org 2023120101 7200 3600 1209600 3600 */
	0xc0,
	0x0f,
	0x00,
	0x06,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x2c,
	0x02,
	0x6e,
	0x73,
	0x05,
	0x69,
	0x63,
	0x61,
	0x6e,
	0x6e,
	0x03,
	0x6f,
	0x72,
	0x67,
	0x00,
	0x03,
	0x6e,
	0x6f,
	0x63,
	0x03,
	0x64,
	0x6e,
	0x73,
	0xc0,
	0x2f,
	0x78,
	0x96,
	0x5c,
	0xe5,
	0x00,
	0x00,
	0x1c,
	0x20,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x12,
	0x75,
	0x00,
	0x00,
	0x00,
	0x0e,
	0x10,
	/* 88: example.com RRSIG SOA 13 2 3600 ... 12345 example.com */
	0xc0,
	0x0f,
	0x00,
	0x2e,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x5f,
	0x00,
	0x06,
	RRSIG_REST,
	/* 195: example.com NSEC www.example.com A NS SOA TXT AAAA RRSIG NSEC DNSKEY */
	0xc0,
	0x0f,
	0x00,
	0x2f,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x1a,
	0x03,
	0x77,
	0x77,
	0x77,
	0x07,
	0x65,
	0x78,
	0x61,
	0x6d,
	0x70,
	0x6c,
	0x65,
	0x03,
	0x63,
	0x6f,
	0x6d,
	0x00,
	0x00,
	0x07,
	0x62,
	0x00,
	0x80,
	0x08,
	0x00,
	0x03,
	0x80,
	/* 233: example.com RRSIG NSEC ... */
	0xc0,
	0x0f,
	0x00,
	0x2e,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x5f,
	0x00,
	0x2f,
	RRSIG_REST,
	/* 340: OPT udp 1232 DO */
	0x00,
	0x00,
	0x29,
	0x04,
	0xd0,
	0x00,
	0x00,
	0x80,
	0x00,
	0x00,
	0x00,
};
static const uint8_t pkt_servfail[] = {
	/* 0: header: QR RD RA SERVFAIL, QD 1 AR 1 */
	0x42,
	0x42,
	0x81,
	0x82,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	/* 12: question www.example.com A IN */
	0x03,
	0x77,
	0x77,
	0x77,
	0x07,
	0x65,
	0x78,
	0x61,
	0x6d,
	0x70,
	0x6c,
	0x65,
	0x03,
	0x63,
	0x6f,
	0x6d,
	0x00,
	0x00,
	0x01,
	0x00,
	0x01,
	/* 33: OPT udp 1232 DO, COOKIE 16 (rdata at 44), EDE 7 "signature expired" */
	0x00,
	0x00,
	0x29,
	0x04,
	0xd0,
	0x00,
	0x00,
	0x80,
	0x00,
	0x00,
	0x2b,
	0x00,
	0x0a,
	0x00,
	0x10,
	0xa1,
	0xb2,
	0xc3,
	0xd4,
	0xe5,
	0xf6,
	0x07,
	0x18,
	0x01,
	0x02,
	0x03,
	0x04,
	0x05,
	0x06,
	0x07,
	0x08,
	0x00,
	0x0f,
	0x00,
	0x13,
	0x00,
	0x07,
	0x73,
	0x69,
	0x67,
	0x6e,
	0x61,
	0x74,
	0x75,
	0x72,
	0x65,
	0x20,
	0x65,
	0x78,
	0x70,
	0x69,
	0x72,
	0x65,
	0x64,
};

/* ---- A small packet builder for hostile cases ------------------------- */

/* Header + question "example.com A IN" (name at 12, 17 octets in all). */
static void
pb_start(struct pb *p, uint16_t an, uint16_t ns, uint16_t ar)
{
	p->n = 0;
	pb_u16(p, 0x1234);
	pb_u16(p, 0x8180);
	pb_u16(p, 1);
	pb_u16(p, an);
	pb_u16(p, ns);
	pb_u16(p, ar);
	pb_name(p, "example.com", false);
	pb_u16(p, TW_DNS_T_A);
	pb_u16(p, TW_DNS_C_IN);
}

/* RR with owner pointer to the qname and the given rdata. */
static void
pb_rr(struct pb *p, uint16_t type, uint16_t rclass, const void *rd,
      size_t rdlen)
{
	pb_u16(p, 0xc00c);
	pb_u16(p, type);
	pb_u16(p, rclass);
	pb_u32(p, 3600);
	pb_u16(p, (uint16_t)rdlen);
	pb_bytes(p, rd, rdlen);
}

/* An OPT RR with the given owner octets and options. */
static void
pb_opt(struct pb *p, const void *owner, size_t olen, const void *opts, size_t n)
{
	pb_bytes(p, owner, olen);
	pb_u16(p, TW_DNS_T_OPT);
	pb_u16(p, 1232);
	pb_u32(p, 0x00008000);
	pb_u16(p, (uint16_t)n);
	pb_bytes(p, opts, n);
}

/* Parse a copy of exactly @p len octets (ASan sees any overread). */
static int
parse_copy(const uint8_t *pkt, size_t len, struct tw_dns_msg *m)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	assert_non_null(c);
	memcpy(c, pkt, len);
	r = tw_dns_parse(m, c, len);
	if (r == 0) {
		struct tw_dns_rr_iter it;
		struct tw_dns_rr rr;
		uint8_t name[TW_DNS_NAME_MAX];

		tw_dns_rr_iter_init(&it, m);
		while (tw_dns_rr_next(&it, &rr) == 1) {
			assert_true(rr.end_off <= m->end_off);
			assert_true(tw_dns_rr_owner(m, &rr, name) > 0);
		}
	}
	free(c);
	m->pkt = NULL;
	return r;
}

static int
parse_pb(const struct pb *p)
{
	struct tw_dns_msg m;

	return parse_copy(p->b, p->n, &m);
}

static void
assert_name(const uint8_t *got, const char *s)
{
	uint8_t exp[TW_DNS_NAME_MAX];
	int n = tw_dns_name_from_str(s, exp);

	assert_true(n > 0);
	assert_int_equal(tw_dns_name_len(got), n);
	assert_memory_equal(got, exp, (size_t)n);
}

/* ---- Valid packets ---------------------------------------------------- */

static void
test_query(void **state)
{
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, pkt_query, sizeof(pkt_query)), 0);
	assert_int_equal(m.hdr.id, 0x1f2e);
	assert_int_equal(m.hdr.flags, TW_DNS_F_RD | TW_DNS_F_AD);
	assert_int_equal(m.hdr.qdcount, 1);
	assert_int_equal(m.hdr.arcount, 1);
	assert_int_equal(m.q.name_off, 12);
	assert_int_equal(m.q.name_len, 17);
	assert_int_equal(m.q.qtype, TW_DNS_T_A);
	assert_int_equal(m.q.qclass, TW_DNS_C_IN);
	assert_int_equal(m.q.end_off, 33);
	assert_int_equal(m.sec_off[TW_DNS_SEC_QD], 12);
	assert_int_equal(m.sec_off[TW_DNS_SEC_AN], 33);
	assert_int_equal(m.sec_off[TW_DNS_SEC_NS], 33);
	assert_int_equal(m.sec_off[TW_DNS_SEC_AR], 33);
	assert_int_equal(m.end_off, sizeof(pkt_query));
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.version, 0);
	assert_int_equal(m.edns.ext_rcode, 0);
	assert_int_equal(m.edns.flags, 0);
	assert_int_equal(m.edns.rr_off, 33);
	assert_int_equal(m.edns.rdata_off, 44);
	assert_int_equal(m.edns.rdlen, 12);
	assert_int_equal(m.edns.cookie_off, 48);
	assert_int_equal(m.edns.cookie_len, 8);
	assert_memory_equal(pkt_query + m.edns.cookie_off,
			    "\xa1\xb2\xc3\xd4\xe5\xf6\x07\x18", 8);
	assert_int_equal(m.edns.ede_off, 0);

	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(rr.type, TW_DNS_T_OPT);
	assert_int_equal(rr.section, TW_DNS_SEC_AR);
	assert_int_equal(rr.rr_off, 33);
	assert_int_equal(rr.end_off, sizeof(pkt_query));
	assert_int_equal(tw_dns_rr_next(&it, &rr), 0);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 0);
}

static void
test_response_compressed(void **state)
{
	static const struct {
		uint16_t type;
		uint8_t section;
		const char *owner;
		const char *target; /* NS/CNAME target, else NULL */
	} exp[] = {
		{ TW_DNS_T_CNAME, TW_DNS_SEC_AN, "www.example.com",
		  "web.example.com" },
		{ TW_DNS_T_A, TW_DNS_SEC_AN, "web.example.com", NULL },
		{ TW_DNS_T_NS, TW_DNS_SEC_NS, "example.com",
		  "a.iana-servers.net" },
		{ TW_DNS_T_NS, TW_DNS_SEC_NS, "example.com",
		  "b.iana-servers.net" },
		{ TW_DNS_T_A, TW_DNS_SEC_AR, "a.iana-servers.net", NULL },
		{ TW_DNS_T_OPT, TW_DNS_SEC_AR, ".", NULL },
	};
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	uint8_t name[TW_DNS_NAME_MAX];
	size_t i = 0;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, pkt_resp, sizeof(pkt_resp)), 0);
	assert_int_equal(m.hdr.flags, TW_DNS_F_QR | TW_DNS_F_RD | TW_DNS_F_RA);
	assert_int_equal(m.sec_off[TW_DNS_SEC_AN], 33);
	assert_int_equal(m.sec_off[TW_DNS_SEC_NS], 67);
	assert_int_equal(m.sec_off[TW_DNS_SEC_AR], 115);
	assert_int_equal(m.end_off, sizeof(pkt_resp));
	assert_true(m.edns.present);
	assert_int_equal(m.edns.flags, TW_DNS_EDNS_DO);
	assert_int_equal(m.edns.cookie_off, 0);

	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1) {
		assert_true(i < TW_ARRAY_SIZE(exp));
		assert_int_equal(rr.type, exp[i].type);
		assert_int_equal(rr.section, exp[i].section);
		assert_int_equal(rr.owner_off, rr.rr_off);
		assert_true(tw_dns_rr_owner(&m, &rr, name) > 0);
		assert_name(name, exp[i].owner);
		if (exp[i].target != NULL) {
			assert_int_equal(tw_dns_rr_target(&m, &rr, name), 0);
			assert_name(name, exp[i].target);
		} else {
			assert_int_equal(tw_dns_rr_target(&m, &rr, name),
					 -TW_ERDATA);
		}
		if (rr.type == TW_DNS_T_A)
			assert_int_equal(rr.rdlen, 4);
		i++;
	}
	assert_int_equal(i, TW_ARRAY_SIZE(exp));
	/* The A record's address. */
	assert_memory_equal(pkt_resp + 63, "\x5d\xb8\xd8\x22", 4);
}

static void
test_nxdomain_signed(void **state)
{
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	struct tw_dns_soa soa;
	struct tw_dns_rrsig sig;
	struct tw_dns_nsec nsec;
	int n = 0;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, pkt_nxdomain, sizeof(pkt_nxdomain)),
			 0);
	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_NXDOMAIN);
	assert_true(m.hdr.flags & TW_DNS_F_AD);
	assert_int_equal(m.hdr.nscount, 4);

	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1) {
		const uint8_t *rd = m.pkt + rr.rdata_off;

		switch (n++) {
		case 0:
			assert_int_equal(rr.type, TW_DNS_T_SOA);
			assert_int_equal(rr.section, TW_DNS_SEC_NS);
			assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), 0);
			assert_name(soa.mname, "ns.icann.org");
			assert_name(soa.rname, "noc.dns.icann.org");
			assert_int_equal(soa.serial, 2023120101);
			assert_int_equal(soa.refresh, 7200);
			assert_int_equal(soa.retry, 3600);
			assert_int_equal(soa.expire, 1209600);
			assert_int_equal(soa.minimum, 3600);
			break;
		case 1:
		case 3:
			assert_int_equal(rr.type, TW_DNS_T_RRSIG);
			assert_int_equal(tw_dns_rdata_rrsig(rd, rr.rdlen, &sig),
					 0);
			assert_int_equal(sig.type_covered,
					 n == 2 ? TW_DNS_T_SOA : TW_DNS_T_NSEC);
			assert_int_equal(sig.algorithm, 13);
			assert_int_equal(sig.labels, 2);
			assert_int_equal(sig.key_tag, 12345);
			assert_name(sig.signer, "example.com");
			assert_int_equal(sig.sig_len, 64);
			assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa),
					 -TW_ERDATA);
			break;
		case 2:
			assert_int_equal(rr.type, TW_DNS_T_NSEC);
			assert_int_equal(tw_dns_rdata_nsec(rd, rr.rdlen, &nsec),
					 0);
			assert_name(nsec.next, "www.example.com");
			assert_true(tw_dns_bitmap_has(
				nsec.bitmap, nsec.bitmap_len, TW_DNS_T_SOA));
			assert_true(tw_dns_bitmap_has(
				nsec.bitmap, nsec.bitmap_len, TW_DNS_T_DNSKEY));
			assert_false(tw_dns_bitmap_has(
				nsec.bitmap, nsec.bitmap_len, TW_DNS_T_CNAME));
			break;
		default:
			assert_int_equal(rr.type, TW_DNS_T_OPT);
			assert_int_equal(rr.section, TW_DNS_SEC_AR);
		}
	}
	assert_int_equal(n, 5);
}

static void
test_servfail_cookie_ede(void **state)
{
	struct tw_dns_msg m;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, pkt_servfail, sizeof(pkt_servfail)),
			 0);
	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_SERVFAIL);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.rdata_off, 44);
	assert_int_equal(m.edns.cookie_off, 48);
	assert_int_equal(m.edns.cookie_len, 16);
	assert_int_equal(m.edns.ede_off, 68);
	assert_int_equal(m.edns.ede_len, 19);
	assert_int_equal(tw_get16(m.pkt + m.edns.ede_off),
			 TW_EDE_SIGNATURE_EXPIRED);
	assert_memory_equal(m.pkt + m.edns.ede_off + 2, "signature expired",
			    17);
}

static void
test_every_truncation(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t n;
	} pkts[] = {
		{ pkt_query, sizeof(pkt_query) },
		{ pkt_resp, sizeof(pkt_resp) },
		{ pkt_nxdomain, sizeof(pkt_nxdomain) },
		{ pkt_servfail, sizeof(pkt_servfail) },
	};
	struct tw_dns_msg m;

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(pkts); i++) {
		assert_int_equal(parse_copy(pkts[i].p, pkts[i].n, &m), 0);
		for (size_t len = 0; len < pkts[i].n; len++) {
			int r = parse_copy(pkts[i].p, len, &m);

			/* The counts ask for every RR: a cut always shows.
			 * Which error depends on where the cut falls. */
			assert_true(r == -TW_ETRUNC || r == -TW_ECOUNT ||
				    r == -TW_EPTR || r == -TW_EOPT ||
				    r == -TW_ERDATA);
			if (len < TW_DNS_HDR_LEN)
				assert_int_equal(r, -TW_ETRUNC);
		}
		/* Trailing octets are tolerated; end_off says where. */
		{
			uint8_t big[512];

			memcpy(big, pkts[i].p, pkts[i].n);
			memset(big + pkts[i].n, 0xee, 7);
			assert_int_equal(tw_dns_parse(&m, big, pkts[i].n + 7),
					 0);
			assert_int_equal(m.end_off, pkts[i].n);
		}
	}
}

/* ---- Hostile input ---------------------------------------------------- */

static void
test_header_errors(void **state)
{
	struct tw_dns_msg m;
	uint8_t big[TW_DNS_MSG_MAX + 1];
	struct pb p;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, NULL, 0), -TW_ETRUNC);
	assert_int_equal(parse_copy(pkt_query, 0, &m), -TW_ETRUNC);
	assert_int_equal(parse_copy(pkt_query, 11, &m), -TW_ETRUNC);
	/* QDCOUNT 2. */
	pb_start(&p, 0, 0, 0);
	p.b[5] = 2;
	pb_name(&p, "example.org", false);
	pb_u32(&p, 0x00010001);
	assert_int_equal(parse_pb(&p), -TW_EFORMAT);
	/* QDCOUNT 0: no question, an RR. */
	p.n = 0;
	pb_bytes(&p, "\0\1\x81\x80\0\0\0\1\0\0\0\0", 12);
	pb_u8(&p, 0);
	pb_u16(&p, TW_DNS_T_A);
	pb_u16(&p, TW_DNS_C_IN);
	pb_u32(&p, 1);
	pb_u16(&p, 4);
	pb_u32(&p, 0x7f000001);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	assert_int_equal(m.q.name_off, 0);
	assert_int_equal(m.sec_off[TW_DNS_SEC_AN], 12);
	/* Longer than any DNS message. */
	memset(big, 0, sizeof(big));
	assert_int_equal(tw_dns_parse(&m, big, sizeof(big)), -TW_EFORMAT);
	assert_int_equal(tw_dns_parse(&m, big, TW_DNS_MSG_MAX), 0);
}

static void
test_counts(void **state)
{
	struct pb p;
	uint8_t rr[11] = { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0 };

	(void)state;
	/* Exactly enough octets for one minimal RR: not refused early. */
	p.n = 0;
	pb_bytes(&p, "\0\1\x81\x80\0\1\0\1\0\0\0\0", 12);
	pb_bytes(&p, "\0\0\1\0\1", 5);
	pb_bytes(&p, rr, sizeof(rr));
	/* A with rdlen 0: refused as rdata, not as counts. */
	assert_int_equal(parse_pb(&p), -TW_ERDATA);
	p.b[7] = 2;
	assert_int_equal(parse_pb(&p), -TW_ECOUNT);
	p.b[7] = 1;
	p.b[11] = 1;
	assert_int_equal(parse_pb(&p), -TW_ECOUNT);
	/* Large counts in a small packet, each section. */
	for (int i = 6; i <= 10; i += 2) {
		pb_start(&p, 0, 0, 0);
		p.b[i] = 0xff;
		p.b[i + 1] = 0xff;
		assert_int_equal(parse_pb(&p), -TW_ECOUNT);
	}
	/* A question that cannot fit. */
	p.n = 0;
	pb_bytes(&p, "\0\1\0\0\0\1\0\0\0\0\0\0\0\0\0\1", 16);
	assert_int_equal(parse_pb(&p), -TW_ECOUNT);
}

static void
test_compression_attacks(void **state)
{
	struct pb p;

	(void)state;
	/* Owner pointing to itself (RR at 29). */
	pb_start(&p, 1, 0, 0);
	pb_u16(&p, 0xc000 | 29);
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	assert_int_equal(parse_pb(&p), -TW_ELOOP);
	/* Owner pointing forward into its own rdata. */
	pb_start(&p, 1, 0, 0);
	pb_u16(&p, 0xc000 | 41);
	pb_bytes(&p, "\0\5\0\1\0\0\0\0\0\1\0", 11);
	assert_int_equal(parse_pb(&p), -TW_EPTR);
	/* Owner pointer beyond the end. */
	pb_start(&p, 1, 0, 0);
	pb_u16(&p, 0xc000 | 0x3fff);
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	assert_int_equal(parse_pb(&p), -TW_EPTR);
	/* A -> B -> A where B hides in opaque TXT rdata: the TXT at 29 has
	 * rdata at 41 = c0 35 (forward to A at 53); the CNAME at 43 has
	 * rdata A at 55 = c0 29 (back to B). */
	pb_start(&p, 2, 0, 0);
	pb_rr(&p, TW_DNS_T_TXT, TW_DNS_C_IN, "\xc0\x37", 2);
	assert_int_equal(p.n, 43);
	pb_rr(&p, TW_DNS_T_CNAME, TW_DNS_C_IN, "\xc0\x29", 2);
	assert_int_equal(parse_pb(&p), -TW_ELOOP);
	/* A CNAME target pointing to itself. */
	pb_start(&p, 1, 0, 0);
	pb_rr(&p, TW_DNS_T_CNAME, TW_DNS_C_IN, "\xc0\x29", 2);
	assert_int_equal(parse_pb(&p), -TW_ELOOP);
	/* Reserved label type in rdata. */
	pb_start(&p, 1, 0, 0);
	pb_rr(&p, TW_DNS_T_NS, TW_DNS_C_IN, "\x81\0", 2);
	assert_int_equal(parse_pb(&p), -TW_ELABEL);
	/* Question name with a pointer into the header. */
	p.n = 0;
	pb_bytes(&p, "\0\1\0\0\0\1\0\0\0\0\0\0\xc0\x04\0\1\0\1", 18);
	assert_int_equal(parse_pb(&p), -TW_EPTR);
}

static void
test_question_limits(void **state)
{
	struct pb p;
	uint8_t lab[64];

	(void)state;
	memset(lab, 'q', sizeof(lab));
	/* 255-octet qname: valid; 256: invalid. */
	for (int total = 255; total <= 256; total++) {
		int left = total - 1;

		p.n = 0;
		pb_bytes(&p, "\0\1\0\0\0\1\0\0\0\0\0\0", 12);
		while (left > 0) {
			int l = TW_MIN(63, left - 1);

			pb_u8(&p, (uint8_t)l);
			pb_bytes(&p, lab, (size_t)l);
			left -= l + 1;
		}
		pb_u8(&p, 0);
		pb_u32(&p, 0x00010001);
		assert_int_equal(parse_pb(&p), total == 255 ? 0 : -TW_ENAMELEN);
	}
	/* 63-octet label valid, 64 invalid. */
	for (int l = 63; l <= 64; l++) {
		p.n = 0;
		pb_bytes(&p, "\0\1\0\0\0\1\0\0\0\0\0\0", 12);
		pb_u8(&p, (uint8_t)l);
		pb_bytes(&p, lab, (size_t)l);
		pb_u8(&p, 0);
		pb_u32(&p, 0x00010001);
		assert_int_equal(parse_pb(&p), l == 63 ? 0 : -TW_ELABEL);
	}
	/* Question without QTYPE/QCLASS room. */
	p.n = 0;
	pb_bytes(&p, "\0\1\0\0\0\1\0\0\0\0\0\0\1a\0\0\1\0", 18);
	assert_int_equal(parse_pb(&p), -TW_ETRUNC);
}

static void
test_opt_errors(void **state)
{
	static const uint8_t root = 0;
	struct pb p;
	struct tw_dns_msg m;

	(void)state;
	/* OPT twice. */
	pb_start(&p, 0, 0, 2);
	pb_opt(&p, &root, 1, NULL, 0);
	pb_opt(&p, &root, 1, NULL, 0);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	/* OPT in the answer and in the authority section. */
	pb_start(&p, 1, 0, 0);
	pb_opt(&p, &root, 1, NULL, 0);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	pb_start(&p, 0, 1, 0);
	pb_opt(&p, &root, 1, NULL, 0);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	/* Owner not root, even through a pointer. */
	pb_start(&p, 0, 0, 1);
	pb_opt(&p, "\xc0\x0c", 2, NULL, 0);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	pb_start(&p, 0, 0, 1);
	pb_opt(&p, "\1a\0", 3, NULL, 0);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	/* Option header cut short, option data past the rdata. */
	pb_start(&p, 0, 0, 1);
	pb_opt(&p, &root, 1, "\0\x0a\0", 3);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	pb_start(&p, 0, 0, 1);
	pb_opt(&p, &root, 1, "\0\x03\0\x05\1\2\3\4", 8);
	assert_int_equal(parse_pb(&p), -TW_EOPT);
	/* Cookie lengths (RFC 7873 4): 8 or 16..40. */
	for (unsigned l = 0; l <= 48; l++) {
		uint8_t opt[4 + 48];
		bool ok = l == 8 || (l >= 16 && l <= 40);

		tw_put16(opt, TW_DNS_OPT_COOKIE);
		tw_put16(opt + 2, (uint16_t)l);
		memset(opt + 4, 0x5a, l);
		pb_start(&p, 0, 0, 1);
		pb_opt(&p, &root, 1, opt, 4 + l);
		assert_int_equal(parse_pb(&p), ok ? 0 : -TW_EOPT);
	}
	/* EDE (RFC 8914 2): at least the INFO-CODE. */
	for (unsigned l = 0; l <= 3; l++) {
		uint8_t opt[7] = {
			0, TW_DNS_OPT_EDE, 0, (uint8_t)l, 0, 9, 'x'
		};

		pb_start(&p, 0, 0, 1);
		pb_opt(&p, &root, 1, opt, 4 + l);
		assert_int_equal(parse_pb(&p), l >= 2 ? 0 : -TW_EOPT);
	}
	/* Unknown options skipped; the first cookie and EDE are kept. */
	pb_start(&p, 0, 0, 1);
	pb_opt(&p, &root, 1,
	       "\xff\x01\0\2xy"
	       "\0\x0a\0\x08"
	       "AAAAAAAA"
	       "\0\x0a\0\x08"
	       "BBBBBBBB"
	       "\0\x0f\0\x02\0\x06"
	       "\0\x0f\0\x02\0\x07",
	       6 + 12 + 12 + 6 + 6);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	assert_int_equal(m.edns.cookie_len, 8);
	assert_memory_equal(m.pkt + m.edns.cookie_off, "AAAAAAAA", 8);
	assert_int_equal(tw_get16(m.pkt + m.edns.ede_off), 6);
	/* Version, extended rcode and flags from the TTL field. */
	pb_start(&p, 0, 0, 1);
	pb_u8(&p, 0);
	pb_u16(&p, TW_DNS_T_OPT);
	pb_u16(&p, 4096);
	pb_u32(&p, 0x01028000 | 0x4000);
	pb_u16(&p, 0);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(m.edns.version, 2);
	assert_int_equal(m.edns.flags, 0xc000);
	assert_int_equal(m.edns.udp_size, 4096);
}

/* Parse a response whose single answer has the given rdata. */
static int
one_rr(uint16_t type, uint16_t rclass, const void *rd, size_t rdlen)
{
	struct pb p;

	pb_start(&p, 1, 0, 0);
	pb_rr(&p, type, rclass, rd, rdlen);
	return parse_pb(&p);
}

static void
test_rdata_checks(void **state)
{
	static const uint8_t sig18[18] = { 0, 1, 13, 2 };
	uint8_t rd[300];
	struct pb p;

	(void)state;
	/* Fixed sizes for class IN; other classes are opaque. */
	assert_int_equal(one_rr(TW_DNS_T_A, 1, "\1\2\3\4", 4), 0);
	assert_int_equal(one_rr(TW_DNS_T_A, 1, "\1\2\3", 3), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_A, 3, "\1\2\3", 3), 0);
	assert_int_equal(one_rr(TW_DNS_T_AAAA, 1, rd, 15), -TW_ERDATA);
	memset(rd, 0, 16);
	assert_int_equal(one_rr(TW_DNS_T_AAAA, 1, rd, 16), 0);
	/* Dynamic-update deletions: empty rdata, class ANY/NONE. */
	assert_int_equal(one_rr(TW_DNS_T_A, 255, NULL, 0), 0);
	assert_int_equal(one_rr(TW_DNS_T_NS, 254, NULL, 0), 0);
	assert_int_equal(one_rr(TW_DNS_T_NS, 1, NULL, 0), -TW_ERDATA);
	/* Names must fill the rdata exactly. */
	assert_int_equal(one_rr(TW_DNS_T_NS, 1, "\1a\0", 3), 0);
	assert_int_equal(one_rr(TW_DNS_T_NS, 1, "\1a\0\0", 4), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_NS, 1, "\1a", 2), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_MX, 1, "\0", 1), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_MX, 1, "\0\12\xc0\x0c", 4), 0);
	assert_int_equal(one_rr(TW_DNS_T_SOA, 1, "\0\0", 2), -TW_ERDATA);
	memset(rd, 0, 22);
	assert_int_equal(one_rr(TW_DNS_T_SOA, 1, rd, 22), 0);
	assert_int_equal(one_rr(TW_DNS_T_SOA, 1, rd, 21), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_SRV, 1, "\0\1\0\2\0\x35\xc0\x0c", 8),
			 0);
	assert_int_equal(one_rr(TW_DNS_T_SRV, 1, "\0\1\0\2\0", 5), -TW_ERDATA);
	/* NAPTR: ORDER PREF "u" "E2U+sip" "" replacement. */
	assert_int_equal(
		one_rr(TW_DNS_T_NAPTR, 1, "\0\1\0\2\1u\7E2U+sip\0\0", 16), 0);
	assert_int_equal(one_rr(TW_DNS_T_NAPTR, 1, "\0\1\0\2\1u\7E2U", 10),
			 -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_NAPTR, 1, "\0\1\0\2", 4), -TW_ERDATA);
	/* A6 (RFC 2874): prefix 0 (no name), 64 (8 octets + name), 129. */
	memset(rd, 0, sizeof(rd));
	assert_int_equal(one_rr(38, 1, rd, 17), 0);
	assert_int_equal(one_rr(38, 1, rd, 18), -TW_ERDATA);
	rd[0] = 64;
	rd[9] = 0;
	assert_int_equal(one_rr(38, 1, rd, 10), 0);
	assert_int_equal(one_rr(38, 1, rd, 9), -TW_ERDATA);
	rd[0] = 129;
	assert_int_equal(one_rr(38, 1, rd, 1), -TW_ERDATA);
	assert_int_equal(one_rr(38, 1, rd, 0), -TW_ERDATA);
	rd[0] = 128;
	assert_int_equal(one_rr(38, 1, rd, 2), 0);
	rd[0] = 64;
	assert_int_equal(one_rr(38, 1, rd, 5), -TW_ERDATA);
	/* MINFO, RP: two names; PX: preference and two names; NXT. */
	assert_int_equal(one_rr(14, 1, "\0\xc0\x0c", 3), 0);
	assert_int_equal(one_rr(17, 1, "\0\0", 2), 0);
	assert_int_equal(one_rr(17, 1, "\0", 1), -TW_ERDATA);
	assert_int_equal(one_rr(26, 1, "\0\1\0\0", 4), 0);
	assert_int_equal(one_rr(30, 1, "\0\x40", 2), 0);
	assert_int_equal(one_rr(30, 1, "\x40", 1), -TW_ELABEL);
	/* RRSIG: signer uncompressed (RFC 4034 3.1.7). */
	memcpy(rd, sig18, 18);
	memcpy(rd + 18, "\7example\3com\0SIGNATURE", 22);
	assert_int_equal(one_rr(TW_DNS_T_RRSIG, 1, rd, 40), 0);
	memcpy(rd + 18, "\xc0\x0cSIG", 5);
	assert_int_equal(one_rr(TW_DNS_T_RRSIG, 1, rd, 23), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_RRSIG, 1, rd, 17), -TW_ERDATA);
	/* SIG (RFC 2535) may be compressed. */
	assert_int_equal(one_rr(24, 1, rd, 23), 0);
	/* NSEC: uncompressed next name, valid bitmap. */
	assert_int_equal(one_rr(TW_DNS_T_NSEC, 1, "\1a\0\0\1\x40", 6), 0);
	assert_int_equal(one_rr(TW_DNS_T_NSEC, 1, "\1a\0\0\1\0", 6),
			 -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_NSEC, 1, "\xc0\x0c\0\1\x40", 5),
			 -TW_ERDATA);
	/* DNSSEC fixed parts. */
	assert_int_equal(one_rr(TW_DNS_T_DS, 1, "\1\2\3\4", 4), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_CDS, 1, "\1\2\3\4\5", 5), 0);
	assert_int_equal(one_rr(TW_DNS_T_DNSKEY, 1, "\1\0\3", 3), -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_CDNSKEY, 1, "\1\0\3\15", 4), 0);
	assert_int_equal(one_rr(TW_DNS_T_NSEC3, 1, "\1\0\0\1\0\0", 6),
			 -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_NSEC3, 1, "\1\0\0\1\0\1\xaa", 7), 0);
	assert_int_equal(one_rr(TW_DNS_T_NSEC3PARAM, 1, "\1\0\0\1\1", 5),
			 -TW_ERDATA);
	assert_int_equal(one_rr(TW_DNS_T_NSEC3PARAM, 1, "\1\0\0\1\0", 5), 0);
	/* SVCB target must not be compressed (RFC 9460 2.2). */
	assert_int_equal(one_rr(TW_DNS_T_HTTPS, 1, "\0\1\0", 3), 0);
	assert_int_equal(one_rr(TW_DNS_T_SVCB, 1, "\0\1\xc0\x0c", 4),
			 -TW_ERDATA);
	/* Unknown types are opaque (RFC 3597). */
	assert_int_equal(one_rr(65280, 1, "\xc0\xc0\xc0", 3), 0);
	/* RR fixed part and rdata cut by the end of the packet. */
	pb_start(&p, 1, 0, 0);
	pb_bytes(&p, "\xc0\x0c\0\1\0\1\0\0\0", 9);
	assert_int_equal(parse_pb(&p), -TW_ETRUNC);
	pb_start(&p, 1, 0, 0);
	pb_bytes(&p, "\xc0\x0c\0\1\0\1\0\0\0\0\0\4\1\2\3", 15);
	assert_int_equal(parse_pb(&p), -TW_ETRUNC);
}

static void
test_rdata_expand(void **state)
{
	struct pb p;
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	uint8_t out[600];

	(void)state;
	/* MX with a compressed, mixed-case exchange. */
	p.n = 0;
	pb_bytes(&p, "\0\1\x81\x80\0\1\0\3\0\0\0\0", 12);
	pb_name(&p, "Example.COM", false);
	pb_u32(&p, 0x000f0001);
	pb_rr(&p, TW_DNS_T_MX, 1, "\0\12\4Mail\xc0\x0c", 9);
	pb_rr(&p, TW_DNS_T_NSEC, 1, "\1Z\7Example\3COM\0\0\1\x40", 18);
	pb_rr(&p, TW_DNS_T_TXT, 1, "\3ABC", 4);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	tw_dns_rr_iter_init(&it, &m);

	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(
		tw_dns_rdata_expand(m.pkt, m.len, &rr, out, sizeof(out), 0),
		2 + 18);
	assert_memory_equal(out, "\0\12\4Mail\7Example\3COM\0", 20);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out,
					     sizeof(out), TW_DNS_X_CANON),
			 20);
	assert_memory_equal(out, "\0\12\4mail\7example\3com\0", 20);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, NULL, 0, 0),
			 20);
	for (size_t cap = 0; cap < 20; cap++)
		assert_int_equal(
			tw_dns_rdata_expand(m.pkt, m.len, &rr, out, cap, 0),
			-ENOSPC);

	/* NSEC next name keeps its case (RFC 6840 5.1). */
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out,
					     sizeof(out), TW_DNS_X_CANON),
			 18);
	assert_memory_equal(out, "\1Z\7Example\3COM\0\0\1\x40", 18);

	/* TXT is opaque: copied. */
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out,
					     sizeof(out), TW_DNS_X_CANON),
			 4);
	assert_memory_equal(out, "\3ABC", 4);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out, 3, 0),
			 -ENOSPC);
	/* An RR beyond the message. */
	rr.rdlen = 200;
	assert_int_equal(
		tw_dns_rdata_expand(m.pkt, m.len, &rr, out, sizeof(out), 0),
		-TW_ETRUNC);

	/* A6 with a prefix name: ENOSPC in the fixed part and the name. */
	p.n = 0;
	pb_bytes(&p, "\0\1\x81\x80\0\1\0\1\0\0\0\0", 12);
	pb_name(&p, "example.com", false);
	pb_u32(&p, 0x00260001);
	pb_rr(&p, 38, 1, "\x78\1\xc0\x0c", 4);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(
		tw_dns_rdata_expand(m.pkt, m.len, &rr, out, sizeof(out), 0),
		2 + 13);
	assert_memory_equal(out, "\x78\1\7example\3com", 15);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out, 1, 0),
			 -ENOSPC);
	assert_int_equal(tw_dns_rdata_expand(m.pkt, m.len, &rr, out, 14, 0),
			 -ENOSPC);

	/* Class ANY, empty: nothing to expand. */
	rr.type = TW_DNS_T_MX;
	rr.rclass = 255;
	rr.rdlen = 0;
	assert_int_equal(
		tw_dns_rdata_expand(m.pkt, m.len, &rr, out, sizeof(out), 0), 0);
	assert_null(tw_dns_rdesc(TW_DNS_T_A));
	assert_non_null(tw_dns_rdesc(TW_DNS_T_SOA));
	assert_false(tw_dns_rdesc(TW_DNS_T_NSEC)->lower);
	assert_true(tw_dns_rdesc(TW_DNS_T_RRSIG)->lower);
	assert_false(tw_dns_rdesc(TW_DNS_T_RRSIG)->compress);
}

static void
test_accessor_errors(void **state)
{
	struct pb p;
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	struct tw_dns_soa soa;
	uint8_t name[TW_DNS_NAME_MAX];

	(void)state;
	pb_start(&p, 2, 0, 0);
	pb_rr(&p, TW_DNS_T_SOA, 1,
	      "\0\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5", 22);
	pb_rr(&p, TW_DNS_T_DNAME, 1, "\3net\0", 5);
	assert_int_equal(tw_dns_parse(&m, p.b, p.n), 0);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), 0);
	assert_int_equal(soa.serial, 1);
	assert_int_equal(soa.minimum, 5);
	assert_int_equal(tw_dns_rr_target(&m, &rr, name), -TW_ERDATA);
	/* SOA with one octet too many or too few. */
	rr.rdlen++;
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), -TW_ERDATA);
	rr.rdlen -= 2;
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), -TW_ERDATA);
	rr.rdlen = 1000;
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), -TW_ETRUNC);
	/* Names running past the rdata: malformed rdata. */
	rr.rdata_off = 12;
	rr.rdlen = 12;
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), -TW_ERDATA);
	/* A bad name inside: the name error. */
	rr.rdlen = 22;
	rr.rdata_off = (uint16_t)(p.n - 2);
	assert_int_equal(tw_dns_rr_soa(&m, &rr, &soa), -TW_ETRUNC);

	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_target(&m, &rr, name), 0);
	assert_name(name, "net");
	rr.rdlen++;
	assert_int_equal(tw_dns_rr_target(&m, &rr, name), -TW_ETRUNC);
	rr.rdlen -= 2;
	assert_int_equal(tw_dns_rr_target(&m, &rr, name), -TW_ERDATA);
	/* The qname (13 octets) does not fit a 1-octet rdata. */
	rr.rdata_off = 12;
	rr.rdlen = 1;
	assert_int_equal(tw_dns_rr_target(&m, &rr, name), -TW_ERDATA);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 0);
}

static void
test_iter_unvalidated(void **state)
{
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	struct pb p;

	(void)state;
	/* A message tw_dns_parse refused: iteration stays in bounds. */
	pb_start(&p, 2, 0, 0);
	pb_rr(&p, TW_DNS_T_A, 1, "\1\2\3\4", 4);
	pb_bytes(&p, "\xc0\x0c\0\1\0\1\0\0", 8);
	assert_int_equal(parse_copy(p.b, p.n, &m), -TW_ETRUNC);
	m.pkt = p.b;
	m.sec_off[TW_DNS_SEC_AN] = 29;
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_next(&it, &rr), -TW_ETRUNC);
	/* Rdata length past the end. */
	p.b[p.n - 8 + 7] = 0;
	pb_bytes(&p, "\0\0\x09\1", 4);
	m.len = p.n;
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_next(&it, &rr), -TW_ETRUNC);
	/* Bad owner. */
	p.b[45] = 0x40;
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_next(&it, &rr), -TW_ELABEL);
}

/*
 * tw_dns_parse() remembers validated names (struct tw_dns_name_memo) so
 * pointers to them are not walked again. The result must be what a fresh
 * walk gives: each case is checked against tw_dns_name_unpack() too.
 */
static void
test_memo_equivalence(void **state)
{
	struct pb p;
	size_t off_c;

	(void)state;
	/* 1. A remembered name that reads past a later rdata's end. The
	 * TXT rdata at 41 is a 63-octet label whose content covers the
	 * next RR; its root is at 105. RR2's owner "a" + ptr 41 is valid
	 * (and remembered); RR2's CNAME rdata points to that owner, but
	 * within the rdata bound the walk runs out: malformed rdata. */
	pb_start(&p, 2, 0, 0);
	pb_rr(&p, TW_DNS_T_TXT, 1, "\x3f", 1);
	assert_int_equal(p.n, 42);
	pb_bytes(&p, "\1a\xc0\x29", 4);
	pb_bytes(&p, "\0\5\0\1\0\0\0\0\0\2\xc0\x2a", 12);
	while (p.n < 105)
		pb_u8(&p, 0);
	pb_u8(&p, 0);
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, 42, NULL, NULL), 67);
	assert_int_equal(tw_dns_name_unpack(p.b, 58, 56, NULL, NULL),
			 -TW_ETRUNC);
	assert_int_equal(parse_pb(&p), -TW_ERDATA);
	/* The same CNAME pointing at the TXT-covered name's start from an
	 * rdata that does reach it is fine. */
	p.b[57] = 0x0c;
	assert_int_equal(parse_pb(&p), 0);

	/* 2. Too long through a remembered name: 60 + 201 octets. */
	p.n = 0;
	pb_bytes(&p, "\0\1\x81\x80\0\1\0\1\0\0\0\0", 12);
	for (int i = 0; i < 3; i++) {
		pb_u8(&p, 63);
		for (int j = 0; j < 63; j++)
			pb_u8(&p, 'q');
	}
	pb_bytes(&p, "\7example\0", 9);
	pb_u32(&p, 0x00010001);
	assert_int_equal(p.n, 12 + 201 + 4);
	pb_u8(&p, 59);
	for (int j = 0; j < 59; j++)
		pb_u8(&p, 'r');
	pb_u16(&p, 0xc00c);
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, 217, NULL, NULL),
			 -TW_ENAMELEN);
	assert_int_equal(parse_pb(&p), -TW_ENAMELEN);
	/* With a 53-octet label: 54 + 201 = 255 octets, valid. */
	p.b[217] = 53;
	memmove(p.b + 217 + 54, p.b + 217 + 60, p.n - 217 - 60);
	p.n -= 6;
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, 217, NULL, NULL), 255);
	assert_int_equal(parse_pb(&p), 0);

	/* 3. The jump cap through remembered names. RR1 (TXT) holds a root
	 * octet at 41 and a chain of 126 pointers, each to the previous
	 * (P0 at 42 -> 41). RR2's owner A = "a" + ptr P125: 127 jumps.
	 * RR3's owner B = ptr A: 128 jumps, fine. RR4's owner C = ptr B:
	 * 129, too many. */
	pb_start(&p, 4, 0, 0);
	{
		uint8_t chain[1 + 2 * 126];

		chain[0] = 0;
		for (size_t j = 0; j < 126; j++) {
			size_t t = j == 0 ? 41 : 42 + 2 * (j - 1);

			chain[1 + 2 * j] = (uint8_t)(0xc0 | t >> 8);
			chain[2 + 2 * j] = (uint8_t)t;
		}
		pb_rr(&p, TW_DNS_T_TXT, 1, chain, sizeof(chain));
	}
	size_t off_a = p.n, top = 42 + 2 * 125;
	pb_bytes(&p, "\1a", 2);
	pb_u16(&p, (uint16_t)(0xc000 | top));
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	size_t off_b = p.n;
	pb_u16(&p, (uint16_t)(0xc000 | off_a));
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	off_c = p.n;
	pb_u16(&p, (uint16_t)(0xc000 | off_b));
	pb_bytes(&p, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, off_a, NULL, NULL), 3);
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, off_b, NULL, NULL), 3);
	assert_int_equal(tw_dns_name_unpack(p.b, p.n, off_c, NULL, NULL),
			 -TW_ELOOP);
	assert_int_equal(parse_pb(&p), -TW_ELOOP);
	/* Without RR4 the message is fine. */
	p.n = off_c;
	p.b[7] = 3;
	assert_int_equal(parse_pb(&p), 0);
}

static void
test_cursor(void **state)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 0xc0, 0 };
	struct tw_dns_cur c;
	uint8_t name[TW_DNS_NAME_MAX];

	(void)state;
	tw_dns_cur_init(&c, buf, sizeof(buf), 0);
	assert_int_equal(tw_dns_cur_u8(&c), 1);
	assert_int_equal(tw_dns_cur_u16(&c), 0x0203);
	assert_int_equal(tw_dns_cur_u32(&c), 0x04050607);
	assert_int_equal(tw_dns_cur_left(&c), 2);
	assert_null(tw_dns_cur_take(&c, 3));
	assert_int_equal(c.err, -TW_ETRUNC);
	/* Sticky: later reads fail and return 0. */
	assert_int_equal(tw_dns_cur_u8(&c), 0);
	assert_int_equal(tw_dns_cur_u16(&c), 0);
	assert_int_equal(tw_dns_cur_u32(&c), 0);
	assert_int_equal(tw_dns_cur_left(&c), 0);
	assert_int_equal(tw_dns_cur_name(&c, name), 0);
	tw_dns_cur_init(&c, buf, sizeof(buf), 7);
	assert_int_equal(tw_dns_cur_name(&c, name), 0);
	assert_int_equal(c.err, -TW_EPTR);
	tw_dns_cur_init(&c, buf, sizeof(buf), 8);
	assert_int_equal(tw_dns_cur_name(&c, name), 1);
	assert_int_equal(c.off, 9);
	assert_ptr_equal(tw_dns_cur_take(&c, 0), buf + 9);
	tw_dns_cur_init(&c, buf, sizeof(buf), 10);
	assert_int_equal(c.err, -TW_ETRUNC);
	/* tw_dns_name_skip. */
	assert_int_equal(tw_dns_name_skip(buf, sizeof(buf), 7), 9);
	assert_int_equal(tw_dns_name_skip(buf, 8, 7), -TW_ETRUNC);
	assert_int_equal(tw_dns_name_skip(buf, sizeof(buf), 8), 9);
	assert_int_equal(tw_dns_name_skip(buf, sizeof(buf), 0), -TW_ETRUNC);
	assert_int_equal(tw_dns_name_skip((const uint8_t *)"\x45", 1, 0),
			 -TW_ELABEL);
	{
		/* More than 255 octets in place. */
		uint8_t big[300];

		memset(big, 0, sizeof(big));
		for (size_t i = 0; i < 5; i++)
			big[i * 60] = 59;
		assert_int_equal(tw_dns_name_skip(big, sizeof(big), 0),
				 -TW_ENAMELEN);
		big[240] = 0;
		assert_int_equal(tw_dns_name_skip(big, sizeof(big), 0), 241);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response_compressed),
		cmocka_unit_test(test_nxdomain_signed),
		cmocka_unit_test(test_servfail_cookie_ede),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_compression_attacks),
		cmocka_unit_test(test_question_limits),
		cmocka_unit_test(test_opt_errors),
		cmocka_unit_test(test_rdata_checks),
		cmocka_unit_test(test_rdata_expand),
		cmocka_unit_test(test_accessor_errors),
		cmocka_unit_test(test_iter_unvalidated),
		cmocka_unit_test(test_memo_equivalence),
		cmocka_unit_test(test_cursor),
	};

	return cmocka_run_group_tests_name("dns/msg", tests, NULL, NULL);
}
