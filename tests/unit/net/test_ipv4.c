/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_net.h"
#include "net_test.h"
#include "net_vectors.h"

#define L3(v)	  ((v) + 14)
#define L3_LEN(v) (sizeof(v) - 14)

static void
test_wikipedia_header(void **state)
{
	/* 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 + 95 octets */
	uint8_t p[0x73] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			    0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
			    0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	struct tw_ipv4_info ip;
	(void)state;
	assert_int_equal(tw_ipv4_parse(p, sizeof(p), &ip, 0), 0);
	assert_int_equal(ip.total_len, 0x73);
	assert_int_equal(ip.hdr_len, 20);
	assert_int_equal(ip.frag, TW_IPV4_DF);
	assert_int_equal(ip.ttl, 64);
	assert_int_equal(ip.proto, TW_IPPROTO_UDP);
	assert_int_equal(tw_get32(ip.src), 0xc0a80001);
	assert_int_equal(tw_get32(ip.dst), 0xc0a800c7);
	assert_ptr_equal(ip.src, p + 12);
	p[11] ^= 1;
	assert_int_equal(tw_ipv4_parse(p, sizeof(p), &ip, 0), -TW_ECSUM);
	assert_int_equal(tw_ipv4_parse(p, sizeof(p), &ip, TW_NET_F_NO_IP_CSUM),
			 0);
}

static void
test_dns_query(void **state)
{
	struct tw_ipv4_info ip;
	const uint8_t *p = L3(vec_v4_dns);
	(void)state;
	assert_int_equal(ref_cksum(p, 20), 0); /* the vector is right */
	assert_int_equal(tw_ipv4_parse(p, L3_LEN(vec_v4_dns), &ip, 0), 0);
	assert_int_equal(ip.hdr_len, 20);
	assert_int_equal(ip.total_len, L3_LEN(vec_v4_dns));
	assert_int_equal(ip.id, 0x1c46);
	assert_int_equal(ip.frag, 0);
	assert_int_equal(ip.tos, 0);
	assert_int_equal(ip.ttl, 64);
	assert_int_equal(ip.proto, 17);
	assert_memory_equal(ip.src, "\xc0\x00\x02\x0a", 4);
	assert_memory_equal(ip.dst, "\xc0\x00\x02\x35", 4);
	assert_int_equal(tw_ipv4_hdr_cksum(p, 20), tw_get16(p + 10));
}

static void
test_options(void **state)
{
	struct tw_ipv4_info ip;
	const uint8_t *p = L3(vec_v4_dns_opts);
	(void)state;
	assert_int_equal(ref_cksum(p, 24), 0);
	assert_int_equal(tw_ipv4_parse(p, L3_LEN(vec_v4_dns_opts), &ip, 0), 0);
	assert_int_equal(ip.hdr_len, 24);
	assert_int_equal(ip.proto, 17);
	assert_int_equal(tw_ipv4_hdr_cksum(p, 24), tw_get16(p + 10));
	assert_int_equal(tw_ipv4_hdr_cksum(p, 24), ref_ipv4_cksum(p, 24));
}

static void
test_padding(void **state)
{
	struct tw_ipv4_info ip;
	(void)state;
	/* 6 octets of Ethernet padding after the datagram */
	assert_int_equal(tw_ipv4_parse(L3(vec_v4_short_pad),
				       L3_LEN(vec_v4_short_pad), &ip, 0),
			 0);
	assert_int_equal(ip.total_len, L3_LEN(vec_v4_short_pad) - 6);
}

static void
test_fragments(void **state)
{
	struct tw_ipv4_info ip;
	uint8_t p[128];
	(void)state;
	assert_int_equal(tw_ipv4_parse(L3(vec_v4_frag_mf),
				       L3_LEN(vec_v4_frag_mf), &ip, 0),
			 -TW_EFRAG);
	assert_int_equal(ip.frag, TW_IPV4_MF);
	assert_int_equal(tw_ipv4_parse(L3(vec_v4_frag_off),
				       L3_LEN(vec_v4_frag_off), &ip, 0),
			 -TW_EFRAG);
	assert_int_equal(ip.frag & TW_IPV4_OFFMASK, 0xb9);
	/* The last fragment: MF clear, offset set, DF irrelevant. */
	memcpy(p, L3(vec_v4_dns), L3_LEN(vec_v4_dns));
	tw_put16(p + 6, TW_IPV4_DF | 1);
	tw_put16(p + 10, ref_ipv4_cksum(p, 20));
	assert_int_equal(tw_ipv4_parse(p, L3_LEN(vec_v4_dns), &ip, 0),
			 -TW_EFRAG);
	/* DF alone is not a fragment */
	tw_put16(p + 6, TW_IPV4_DF);
	tw_put16(p + 10, ref_ipv4_cksum(p, 20));
	assert_int_equal(tw_ipv4_parse(p, L3_LEN(vec_v4_dns), &ip, 0), 0);
}

static void
test_bad_headers(void **state)
{
	struct tw_ipv4_info ip;
	size_t n = L3_LEN(vec_v4_dns);
	uint8_t p[128];
	(void)state;
	memcpy(p, L3(vec_v4_dns), n);
	p[0] = 0x65; /* version 6 */
	assert_int_equal(tw_ipv4_parse(p, n, &ip, 0), -TW_EFORMAT);
	p[0] = 0x44; /* IHL 4 */
	assert_int_equal(tw_ipv4_parse(p, n, &ip, 0), -TW_EFORMAT);
	p[0] = 0x4f; /* IHL 15: 60 octets, within n but past total length */
	tw_put16(p + 2, 40);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, 0), -TW_EFORMAT);
	assert_int_equal(tw_ipv4_parse(p, 50, &ip, 0), -TW_ETRUNC);
	p[0] = 0x45;
	tw_put16(p + 2, 19); /* total < header */
	assert_int_equal(tw_ipv4_parse(p, n, &ip, 0), -TW_EFORMAT);
	tw_put16(p + 2, (uint16_t)(n + 1)); /* past the buffer */
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM),
			 -TW_ETRUNC);
	tw_put16(p + 2, 20); /* an empty datagram is fine */
	tw_put16(p + 10, ref_ipv4_cksum(p, 20));
	assert_int_equal(tw_ipv4_parse(p, 20, &ip, 0), 0);
	/* multicast and broadcast sources (RFC 1122 3.2.1.3) */
	memcpy(p, L3(vec_v4_dns), n);
	memcpy(p + 12, "\xe0\x00\x00\xfb", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM),
			 -TW_EFORMAT);
	memcpy(p + 12, "\xff\xff\xff\xff", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM),
			 -TW_EFORMAT);
	memcpy(p + 12, "\xff\xff\xff\xfe", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM), 0);
	memcpy(p + 12, "\xff\xfe\xff\xff", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM), 0);
	memcpy(p + 12, "\xff\xff\xfe\xff", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM), 0);
	/* multicast destinations are the caller's business */
	memcpy(p + 12, "\xc0\x00\x02\x01", 4);
	memcpy(p + 16, "\xe0\x00\x00\xfb", 4);
	assert_int_equal(tw_ipv4_parse(p, n, &ip, TW_NET_F_NO_IP_CSUM), 0);
	/* bad option checksum, header with options */
	memcpy(p, L3(vec_v4_dns_opts), L3_LEN(vec_v4_dns_opts));
	p[22] ^= 0x10;
	assert_int_equal(tw_ipv4_parse(p, L3_LEN(vec_v4_dns_opts), &ip, 0),
			 -TW_ECSUM);
}

static void
test_truncations(void **state)
{
	const uint8_t *vs[] = { L3(vec_v4_dns), L3(vec_v4_dns_opts) };
	size_t ns[] = { L3_LEN(vec_v4_dns), L3_LEN(vec_v4_dns_opts) };
	struct tw_ipv4_info ip;
	(void)state;
	for (size_t v = 0; v < 2; v++) {
		for (size_t l = 0; l < ns[v]; l++) {
			uint8_t *p = dup_exact(vs[v], l);
			assert_int_equal(tw_ipv4_parse(p, l, &ip, 0),
					 -TW_ETRUNC);
			free(p);
		}
	}
}

static void
test_build(void **state)
{
	static const uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 0, 0, 2 };
	struct tw_ipv4_info in = {
		.src = s,
		.dst = d,
		.total_len = 20,
		.id = 0xabcd,
		.frag = TW_IPV4_DF,
		.tos = 0xb8,
		.ttl = 3,
		.proto = 6,
	},
			    out;
	uint8_t p[20];
	(void)state;
	assert_int_equal(tw_ipv4_build(p, sizeof(p), &in), 20);
	assert_int_equal(ref_cksum(p, 20), 0);
	assert_int_equal(tw_ipv4_parse(p, 20, &out, 0), 0);
	assert_int_equal(out.id, 0xabcd);
	assert_int_equal(out.tos, 0xb8);
	assert_int_equal(out.ttl, 3);
	assert_int_equal(out.proto, 6);
	assert_int_equal(out.frag, TW_IPV4_DF);
	assert_memory_equal(out.src, s, 4);
	assert_memory_equal(out.dst, d, 4);
	/* rebuilt in place with the addresses swapped */
	out.src = p + 16;
	out.dst = p + 12;
	out.total_len = 20;
	assert_int_equal(tw_ipv4_build(p, sizeof(p), &out), 20);
	assert_memory_equal(p + 12, d, 4);
	assert_memory_equal(p + 16, s, 4);
	assert_int_equal(ref_cksum(p, 20), 0);
	assert_int_equal(tw_ipv4_build(p, 19, &in), -ENOSPC);
	in.total_len = 19;
	assert_int_equal(tw_ipv4_build(p, 20, &in), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wikipedia_header),
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests_name("net/ipv4", tests, NULL, NULL);
}
