/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the worker's question key against the full parser.
 *
 * tw_dns_qkey_parse() and tw_dns_parse() run on the same input. When both
 * accept it, the key must be the full parse's question, lowercased, with
 * QTYPE/QCLASS in network order, and the hash must equal
 * tw_dns_qkey_hash() of the key bytes. A query the full parser accepts
 * with one uncompressed question must give a key. Every RR of an
 * accepted message must then be readable through the accessors. Any
 * disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "dns_priv.h"
#include "tw_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEED 0x9747b28cu

/* Every RR of an accepted message reads back without error. */
static void
check_rrs(const struct tw_dns_msg *m)
{
	static uint8_t out[TW_DNS_MSG_MAX * 2];
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	uint8_t name[TW_DNS_NAME_MAX];
	struct tw_dns_soa soa;
	unsigned n = 0;
	int r;

	tw_dns_rr_iter_init(&it, m);
	while ((r = tw_dns_rr_next(&it, &rr)) == 1) {
		n++;
		CHECK(rr.end_off <= m->end_off);
		CHECK(tw_dns_rr_owner(m, &rr, name) > 0);
		if (rr.type == TW_DNS_T_OPT)
			continue;
		CHECK(tw_dns_rdata_expand(m->pkt, m->len, &rr, out, sizeof(out),
					  TW_DNS_X_CANON) >= 0);
		if (rr.rdlen == 0 &&
		    (rr.rclass == TW_DNS_C_NONE || rr.rclass == TW_DNS_C_ANY))
			continue;
		switch (rr.type) {
		case TW_DNS_T_SOA:
			CHECK(tw_dns_rr_soa(m, &rr, &soa) == 0);
			break;
		case TW_DNS_T_NS:
		case TW_DNS_T_CNAME:
		case TW_DNS_T_DNAME:
		case TW_DNS_T_PTR:
			CHECK(tw_dns_rr_target(m, &rr, name) == 0);
			break;
		default:
			break;
		}
	}
	CHECK(r == 0);
	CHECK(n == (unsigned)m->hdr.ancount + m->hdr.nscount + m->hdr.arcount);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_dns_qkey k;
	struct tw_dns_msg m;
	uint8_t name[TW_DNS_NAME_MAX];
	int kr, pr;

	kr = tw_dns_qkey_parse(data, size, SEED, &k);
	pr = tw_dns_parse(&m, data, size);

	if (kr >= 0) {
		CHECK(k.len == k.name_len + 4);
		CHECK(kr == TW_DNS_HDR_LEN + k.len);
		CHECK(tw_dns_name_check(k.key, k.name_len) == k.name_len);
		CHECK(k.hash == tw_dns_qkey_hash(k.key, k.len, SEED));
		memcpy(name, data + TW_DNS_HDR_LEN, k.name_len);
		tw_dns_name_lower(name);
		CHECK(memcmp(name, k.key, k.name_len) == 0);
		CHECK(memcmp(k.key + k.name_len,
			     data + TW_DNS_HDR_LEN + k.name_len, 4) == 0);
	}
	if (pr != 0)
		return 0;
	CHECK(m.end_off <= size);
	check_rrs(&m);
	if (kr >= 0) {
		CHECK(m.q.name_off == TW_DNS_HDR_LEN);
		CHECK(m.q.name_len == k.name_len);
		CHECK(m.q.end_off == kr);
		CHECK(tw_dns_name_unpack(data, size, m.q.name_off, name,
					 NULL) == k.name_len);
		tw_dns_name_lower(name);
		CHECK(memcmp(name, k.key, k.name_len) == 0);
		CHECK(tw_get16(k.key + k.name_len) == m.q.qtype);
		CHECK(tw_get16(k.key + k.name_len + 2) == m.q.qclass);
	} else if (m.hdr.qdcount == 1 && !(m.hdr.flags & TW_DNS_F_QR) &&
		   m.q.end_off == TW_DNS_HDR_LEN + m.q.name_len + 4) {
		/* An accepted query with an uncompressed qname: the hot path
		 * must not refuse what the full parser accepts. */
		abort();
	}
	return 0;
}
