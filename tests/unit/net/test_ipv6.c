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

/* IPv6 header + ext (n octets) + 8 octets of upper layer; returns length */
static size_t
mk(uint8_t *p, uint8_t nh, const uint8_t *ext, size_t n)
{
	memcpy(p, L3(vec_v6_dns), 40);
	p[6] = nh;
	memcpy(p + 40, ext, n);
	memset(p + 40 + n, 0xab, 8);
	tw_put16(p + 4, (uint16_t)(n + 8));
	return 40 + n + 8;
}

static void
test_dns_query(void **state)
{
	struct tw_ipv6_info ip6;
	(void)state;
	assert_int_equal(
		tw_ipv6_parse(L3(vec_v6_dns), L3_LEN(vec_v6_dns), &ip6), 0);
	assert_int_equal(ip6.payload_len, L3_LEN(vec_v6_dns) - 40);
	assert_int_equal(ip6.flow, 0x12345);
	assert_int_equal(ip6.tclass, 0);
	assert_int_equal(ip6.hop_limit, 64);
	assert_int_equal(ip6.next_hdr, 17);
	assert_int_equal(ip6.proto, 17);
	assert_int_equal(ip6.l4_off, 40);
	assert_int_equal(ip6.l4_len, ip6.payload_len);
	assert_ptr_equal(ip6.src, L3(vec_v6_dns) + 8);
	assert_ptr_equal(ip6.dst, L3(vec_v6_dns) + 24);
	assert_int_equal(ip6.src[15], 0x10);
	assert_int_equal(ip6.dst[15], 0x53);
}

/* hop-by-hop -> destination options -> routing (segments left 0) -> AH */
static void
test_ext_chain(void **state)
{
	struct tw_ipv6_info ip6;
	(void)state;
	assert_int_equal(
		tw_ipv6_parse(L3(vec_v6_dns_ext), L3_LEN(vec_v6_dns_ext), &ip6),
		0);
	assert_int_equal(ip6.next_hdr, TW_IPPROTO_HOPOPTS);
	assert_int_equal(ip6.proto, TW_IPPROTO_UDP);
	assert_int_equal(ip6.l4_off, 40 + 8 + 16 + 8 + 24);
	assert_int_equal(ip6.l4_len, ip6.payload_len - 56);
}

static void
test_each_ext_type(void **state)
{
	static const uint8_t std_types[] = { TW_IPPROTO_HOPOPTS,
					     TW_IPPROTO_ROUTING,
					     TW_IPPROTO_DSTOPTS,
					     TW_IPPROTO_MH,
					     TW_IPPROTO_HIP,
					     TW_IPPROTO_SHIM6,
					     253,
					     254 };
	struct tw_ipv6_info ip6;
	uint8_t ext[24] = { 0 }, p[128];
	(void)state;
	for (size_t i = 0; i < sizeof(std_types); i++) {
		for (uint8_t units = 0; units <= 2; units++) {
			size_t n;
			memset(ext, 0, sizeof(ext));
			ext[0] = TW_IPPROTO_TCP;
			ext[1] = units; /* (units + 1) * 8 octets */
			n = mk(p, std_types[i], ext, (units + 1) * 8u);
			assert_int_equal(tw_ipv6_parse(p, n, &ip6), 0);
			assert_int_equal(ip6.proto, TW_IPPROTO_TCP);
			assert_int_equal(ip6.l4_off, 40 + (units + 1) * 8);
			assert_int_equal(ip6.l4_len, 8);
		}
	}
	/* AH, RFC 4302 2.2: (Payload Len + 2) * 4 octets: 1 -> 12, 4 -> 24 */
	for (uint8_t pl = 1; pl <= 4; pl++) {
		size_t n;
		memset(ext, 0, sizeof(ext));
		ext[0] = TW_IPPROTO_ICMPV6;
		ext[1] = pl;
		n = mk(p, TW_IPPROTO_AH, ext, (pl + 2) * 4u);
		assert_int_equal(tw_ipv6_parse(p, n, &ip6), 0);
		assert_int_equal(ip6.proto, TW_IPPROTO_ICMPV6);
		assert_int_equal(ip6.l4_off, 40 + (pl + 2) * 4);
	}
	/* ESP and No Next Header stop the walk: the rest is opaque. */
	assert_int_equal(tw_ipv6_parse(p, mk(p, TW_IPPROTO_ESP, ext, 0), &ip6),
			 0);
	assert_int_equal(ip6.proto, TW_IPPROTO_ESP);
	assert_int_equal(ip6.l4_off, 40);
	memset(ext, 0, sizeof(ext));
	ext[0] = TW_IPPROTO_NONE;
	assert_int_equal(
		tw_ipv6_parse(p, mk(p, TW_IPPROTO_DSTOPTS, ext, 8), &ip6), 0);
	assert_int_equal(ip6.proto, TW_IPPROTO_NONE);
	assert_int_equal(ip6.l4_off, 48);
	assert_int_equal(ip6.l4_len, 8);
}

static void
test_ext_refused(void **state)
{
	struct tw_ipv6_info ip6;
	uint8_t ext[128] = { 0 }, p[256];
	size_t n;
	(void)state;
	/* hop-by-hop after another header */
	ext[0] = TW_IPPROTO_HOPOPTS;
	ext[8] = TW_IPPROTO_UDP;
	n = mk(p, TW_IPPROTO_DSTOPTS, ext, 16);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EFORMAT);
	/* its fixed-header fields are there for the caller */
	assert_int_equal(ip6.next_hdr, TW_IPPROTO_DSTOPTS);
	assert_ptr_equal(ip6.src, p + 8);
	/* fragment header, first or after others */
	assert_int_equal(
		tw_ipv6_parse(L3(vec_v6_frag), L3_LEN(vec_v6_frag), &ip6),
		-TW_EFRAG);
	ext[0] = TW_IPPROTO_FRAGMENT;
	n = mk(p, TW_IPPROTO_HOPOPTS, ext, 16);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EFRAG);
	/* routing header with segments left: not for us */
	memset(ext, 0, sizeof(ext));
	ext[0] = TW_IPPROTO_UDP;
	ext[1] = 2;
	ext[2] = 4; /* SRH */
	ext[3] = 1;
	n = mk(p, TW_IPPROTO_ROUTING, ext, 24);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EPROTO);
	ext[3] = 0;
	n = mk(p, TW_IPPROTO_ROUTING, ext, 24);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), 0);
	/* TW_IPV6_MAX_EXT headers are walked, one more is refused */
	memset(ext, 0, sizeof(ext));
	for (int i = 0; i < TW_IPV6_MAX_EXT; i++)
		ext[8 * i] = TW_IPPROTO_DSTOPTS;
	ext[8 * (TW_IPV6_MAX_EXT - 1)] = TW_IPPROTO_UDP;
	n = mk(p, TW_IPPROTO_DSTOPTS, ext, 8 * TW_IPV6_MAX_EXT);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), 0);
	assert_int_equal(ip6.l4_off, 40 + 8 * TW_IPV6_MAX_EXT);
	ext[8 * (TW_IPV6_MAX_EXT - 1)] = TW_IPPROTO_DSTOPTS;
	ext[8 * TW_IPV6_MAX_EXT] = TW_IPPROTO_UDP;
	n = mk(p, TW_IPPROTO_DSTOPTS, ext, 8 * (TW_IPV6_MAX_EXT + 1));
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EPROTO);
	/* jumbogram: payload length 0 with hop-by-hop (RFC 2675) */
	n = mk(p, TW_IPPROTO_HOPOPTS, ext, 8);
	tw_put16(p + 4, 0);
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EPROTO);
	/* payload length 0 and nothing else is fine */
	tw_put16(p + 4, 0);
	p[6] = TW_IPPROTO_NONE;
	assert_int_equal(tw_ipv6_parse(p, 40, &ip6), 0);
	assert_int_equal(ip6.l4_len, 0);
}

/* A chain that runs past the payload length (the buffer is long enough:
 * only the IPv6 length says where the packet ends). */
static void
test_ext_truncated(void **state)
{
	struct tw_ipv6_info ip6;
	uint8_t p[256];
	size_t full;
	(void)state;
	full = L3_LEN(vec_v6_dns_ext);
	memcpy(p, L3(vec_v6_dns_ext), full);
	/* payload lengths cutting each header of the chain */
	for (uint16_t pl = 0; pl < 56; pl++) {
		tw_put16(p + 4, pl);
		int rc = tw_ipv6_parse(p, full, &ip6);
		if (pl == 0)
			assert_int_equal(rc, -TW_EPROTO); /* jumbo */
		else
			assert_int_equal(rc, -TW_ETRUNC);
	}
	tw_put16(p + 4, 56); /* the chain fits; no room for UDP: still ok */
	assert_int_equal(tw_ipv6_parse(p, full, &ip6), 0);
	assert_int_equal(ip6.l4_len, 0);
	/* an AH whose length field runs past the end */
	p[6] = TW_IPPROTO_AH;
	p[41] = 200;
	tw_put16(p + 4, 64);
	assert_int_equal(tw_ipv6_parse(p, full, &ip6), -TW_ETRUNC);
	tw_put16(p + 4, 1); /* AH header of one octet */
	assert_int_equal(tw_ipv6_parse(p, full, &ip6), -TW_ETRUNC);
	/* the walker alone */
	uint8_t proto;
	uint32_t off;
	assert_int_equal(
		tw_ipv6_ext_walk(p + 40, 0, TW_IPPROTO_DSTOPTS, &proto, &off),
		-TW_ETRUNC);
	assert_int_equal(
		tw_ipv6_ext_walk(p + 40, 0, TW_IPPROTO_UDP, &proto, &off), 0);
	assert_int_equal(proto, TW_IPPROTO_UDP);
	assert_int_equal(off, 0);
}

static void
test_bad_fixed_header(void **state)
{
	struct tw_ipv6_info ip6;
	uint8_t p[128];
	size_t n = L3_LEN(vec_v6_dns);
	(void)state;
	memcpy(p, L3(vec_v6_dns), n);
	p[0] = 0x45;
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EFORMAT);
	p[0] = 0x60;
	tw_put16(p + 4, (uint16_t)(n - 39));
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_ETRUNC);
	/* multicast source (RFC 4291 2.7) */
	tw_put16(p + 4, (uint16_t)(n - 40));
	p[8] = 0xff;
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), -TW_EFORMAT);
	p[8] = 0x20;
	/* trailing padding is fine */
	tw_put16(p + 4, (uint16_t)(n - 41));
	assert_int_equal(tw_ipv6_parse(p, n, &ip6), 0);
	assert_int_equal(ip6.l4_len, n - 41);
}

static void
test_truncations(void **state)
{
	const uint8_t *vs[] = { L3(vec_v6_dns), L3(vec_v6_dns_ext) };
	size_t ns[] = { L3_LEN(vec_v6_dns), L3_LEN(vec_v6_dns_ext) };
	struct tw_ipv6_info ip6;
	(void)state;
	for (size_t v = 0; v < 2; v++) {
		for (size_t l = 0; l < ns[v]; l++) {
			uint8_t *p = dup_exact(vs[v], l);
			assert_int_equal(tw_ipv6_parse(p, l, &ip6), -TW_ETRUNC);
			free(p);
		}
	}
}

static void
test_build_and_addresses(void **state)
{
	uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t d[16] = { 0xfe, 0x80, [8] = 0x12, [13] = 0xab, 0xcd, 0xef };
	struct tw_ipv6_info in = { .src = s,
				   .dst = d,
				   .flow = 0xfffff,
				   .payload_len = 0,
				   .tclass = 0xa5,
				   .next_hdr = TW_IPPROTO_NONE,
				   .hop_limit = 255 },
			    out;
	uint8_t p[40], sn[16];
	(void)state;
	assert_int_equal(tw_ipv6_build(p, sizeof(p), &in), 40);
	assert_int_equal(tw_ipv6_parse(p, 40, &out), 0);
	assert_int_equal(out.flow, 0xfffff);
	assert_int_equal(out.tclass, 0xa5);
	assert_int_equal(out.hop_limit, 255);
	assert_int_equal(out.proto, TW_IPPROTO_NONE);
	assert_memory_equal(out.src, s, 16);
	assert_memory_equal(out.dst, d, 16);
	out.src = p + 24; /* swapped in place */
	out.dst = p + 8;
	assert_int_equal(tw_ipv6_build(p, sizeof(p), &out), 40);
	assert_memory_equal(p + 8, d, 16);
	assert_memory_equal(p + 24, s, 16);
	assert_int_equal(tw_ipv6_build(p, 39, &in), -ENOSPC);

	assert_true(tw_ipv6_is_unspecified((const uint8_t[16]){ 0 }));
	assert_false(tw_ipv6_is_unspecified(s));
	assert_false(tw_ipv6_is_multicast(s));
	tw_ipv6_solicited_node(sn, d);
	assert_memory_equal(
		sn, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\xab\xcd\xef", 16);
	assert_true(tw_ipv6_is_multicast(sn));
	tw_ipv6_solicited_node(d, d); /* in place */
	assert_memory_equal(d, sn, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_ext_chain),
		cmocka_unit_test(test_each_ext_type),
		cmocka_unit_test(test_ext_refused),
		cmocka_unit_test(test_ext_truncated),
		cmocka_unit_test(test_bad_fixed_header),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_build_and_addresses),
	};
	return cmocka_run_group_tests_name("net/ipv6", tests, NULL, NULL);
}
