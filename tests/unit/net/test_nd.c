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

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x53 };
static const uint8_t cli_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t our_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t cli_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

#define ICMP6 54 /* offset of the ICMPv6 message in untagged frames */

static void
test_parse_ns(void **state)
{
	struct tw_pkt p;
	struct tw_nd_ns ns;
	(void)state;
	assert_int_equal(tw_pkt_parse(vec_nd_ns, sizeof(vec_nd_ns), &p, 0),
			 -TW_EPROTO);
	assert_int_equal(p.l4_proto, TW_IPPROTO_ICMPV6);
	assert_int_equal(tw_nd_parse_ns(vec_nd_ns, &p, &ns), 0);
	assert_memory_equal(ns.target, our_ip, 16);
	assert_non_null(ns.slla);
	assert_memory_equal(ns.slla, cli_mac, 6);
	/* an NS is not an NA */
	struct tw_nd_na na;
	assert_int_equal(tw_nd_parse_na(vec_nd_ns, &p, &na), -TW_EPROTO);
}

static void
check_na(const uint8_t *f, int n, const uint8_t *eth_dst, const uint8_t *ip_dst,
	 uint8_t flags, size_t hl)
{
	struct tw_pkt p;
	struct tw_nd_na na;

	assert_int_equal(n, hl + 40 + 32);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &p, 0), -TW_EPROTO);
	assert_int_equal(p.l3_off, hl);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(tw_nd_parse_na(f, &p, &na), 0);
	assert_int_equal(na.flags, flags);
	assert_memory_equal(na.target, our_ip, 16);
	assert_non_null(na.tlla);
	assert_memory_equal(na.tlla, our_mac, 6);
	assert_memory_equal(f, eth_dst, 6);
	assert_memory_equal(f + 6, our_mac, 6);
	assert_memory_equal(p.src, our_ip, 16);
	assert_memory_equal(p.dst, ip_dst, 16);
	assert_int_equal(
		ref_sum(f + p.l4_off, 32, ref_phdr6(p.src, p.dst, 58, 32)),
		0xffff);
}

static void
test_na(void **state)
{
	uint8_t f[128];
	struct tw_pkt p;
	struct tw_nd_ns ns;
	int n;
	(void)state;
	/* to a separate buffer */
	tw_pkt_parse(vec_nd_ns, sizeof(vec_nd_ns), &p, 0);
	tw_nd_parse_ns(vec_nd_ns, &p, &ns);
	n = tw_nd_build_na(f, sizeof(f), vec_nd_ns, &p, &ns, our_mac, 0);
	check_na(f, n, cli_mac, cli_ip,
		 TW_ND_NA_F_SOLICITED | TW_ND_NA_F_OVERRIDE, 14);
	n = tw_nd_build_na(f, sizeof(f), vec_nd_ns, &p, &ns, our_mac, 1);
	check_na(f, n, cli_mac, cli_ip,
		 TW_ND_NA_F_ROUTER | TW_ND_NA_F_SOLICITED | TW_ND_NA_F_OVERRIDE,
		 14);
	assert_int_equal(
		tw_nd_build_na(f, 14 + 40 + 31, vec_nd_ns, &p, &ns, our_mac, 0),
		-ENOSPC);
	/* in place */
	memcpy(f, vec_nd_ns, sizeof(vec_nd_ns));
	tw_pkt_parse(f, sizeof(vec_nd_ns), &p, 0);
	tw_nd_parse_ns(f, &p, &ns);
	n = tw_nd_build_na(f, sizeof(f), f, &p, &ns, our_mac, 0);
	check_na(f, n, cli_mac, cli_ip,
		 TW_ND_NA_F_SOLICITED | TW_ND_NA_F_OVERRIDE, 14);
	/* without an SLLA: to the NS frame's source MAC */
	memcpy(f, vec_nd_ns, sizeof(vec_nd_ns));
	tw_pkt_parse(f, sizeof(vec_nd_ns), &p, 0);
	tw_nd_parse_ns(f, &p, &ns);
	ns.slla = NULL;
	f[6] = 0x0a;
	n = tw_nd_build_na(f, sizeof(f), f, &p, &ns, our_mac, 0);
	uint8_t m[6];
	memcpy(m, cli_mac, 6);
	m[0] = 0x0a;
	check_na(f, n, m, cli_ip, TW_ND_NA_F_SOLICITED | TW_ND_NA_F_OVERRIDE,
		 14);
	p.eth.n_tags = 3;
	assert_int_equal(tw_nd_build_na(f, sizeof(f), f, &p, &ns, our_mac, 0),
			 -EINVAL);
}

/* Duplicate address detection: from ::, answered to all-nodes, S clear. */
static void
test_dad(void **state)
{
	uint8_t f[128];
	struct tw_pkt p;
	struct tw_nd_ns ns;
	int n;
	(void)state;
	assert_int_equal(
		tw_pkt_parse(vec_nd_ns_dad, sizeof(vec_nd_ns_dad), &p, 0),
		-TW_EPROTO);
	assert_int_equal(tw_nd_parse_ns(vec_nd_ns_dad, &p, &ns), 0);
	assert_null(ns.slla);
	n = tw_nd_build_na(f, sizeof(f), vec_nd_ns_dad, &p, &ns, our_mac, 0);
	check_na(f, n, (const uint8_t *)"\x33\x33\0\0\0\x01", all_nodes,
		 TW_ND_NA_F_OVERRIDE, 14);
}

static void
test_ns_build(void **state)
{
	struct tw_eth_info eth = { .n_tags = 1, .tag = { { 0, 7 } } };
	uint8_t f[128];
	struct tw_pkt p;
	struct tw_nd_ns ns;
	int n;
	(void)state;
	/* byte for byte the NS of the vector (flow label 0) */
	n = tw_nd_build_ns(f, sizeof(f), NULL, cli_mac, cli_ip, our_ip);
	assert_int_equal(n, sizeof(vec_nd_ns));
	assert_memory_equal(f, vec_nd_ns, sizeof(vec_nd_ns));
	n = tw_nd_build_ns(f, sizeof(f), &eth, our_mac, our_ip, cli_ip);
	assert_int_equal(n, 18 + 72);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &p, 0), -TW_EPROTO);
	assert_int_equal(tw_eth_vlan_id(&p.eth), 7);
	assert_int_equal(tw_nd_parse_ns(f, &p, &ns), 0);
	assert_memory_equal(ns.target, cli_ip, 16);
	assert_memory_equal(ns.slla, our_mac, 6);
	assert_memory_equal(f, "\x33\x33\xff\x00\x00\x10", 6);
	assert_memory_equal(p.dst, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\0\0\x10",
			    16);
	assert_int_equal(tw_nd_build_ns(f, 89, &eth, our_mac, our_ip, cli_ip),
			 -ENOSPC);
	eth.n_tags = 3;
	assert_int_equal(
		tw_nd_build_ns(f, sizeof(f), &eth, our_mac, our_ip, cli_ip),
		-EINVAL);
}

/* Modify a copy of @v with @fn, fix the checksum, expect @rc. */
static int
ns_variant(const uint8_t *v, size_t n, void (*fn)(uint8_t *, size_t *), int fix)
{
	uint8_t f[256];
	struct tw_pkt p;
	struct tw_nd_ns ns;
	int rc;

	memcpy(f, v, n);
	fn(f, &n);
	tw_put16(f + 18, (uint16_t)(n - ICMP6));
	if (fix)
		ref_fix_icmp6(f + 14, f + ICMP6, n - ICMP6);
	rc = tw_pkt_parse(f, n, &p, 0);
	assert_int_equal(rc, -TW_EPROTO);
	return tw_nd_parse_ns(f, &p, &ns);
}

static void
hop254(uint8_t *f, size_t *n)
{
	(void)n;
	f[21] = 254;
}

static void
code1(uint8_t *f, size_t *n)
{
	(void)n;
	f[ICMP6 + 1] = 1;
}

static void
mcast_target(uint8_t *f, size_t *n)
{
	(void)n;
	f[ICMP6 + 8] = 0xff;
}

static void
opt_len0(uint8_t *f, size_t *n)
{
	(void)n;
	f[ICMP6 + 25] = 0;
}

static void
opt_past_end(uint8_t *f, size_t *n)
{
	(void)n;
	f[ICMP6 + 25] = 2;
}

static void
opt_one_octet(uint8_t *f, size_t *n)
{
	f[*n] = 1;
	*n += 1;
}

static void
extra_opt(uint8_t *f, size_t *n)
{
	/* a nonce option (RFC 3971) before the SLLA: skipped */
	uint8_t sl[8];
	memcpy(sl, f + ICMP6 + 24, 8);
	memcpy(f + ICMP6 + 24, "\x0e\x01\x01\x02\x03\x04\x05\x06", 8);
	memcpy(f + ICMP6 + 32, sl, 8);
	*n += 8;
}

static void
short_msg(uint8_t *f, size_t *n)
{
	(void)f;
	*n = ICMP6 + 23;
}

static void
tiny_msg(uint8_t *f, size_t *n)
{
	(void)f;
	*n = ICMP6 + 3;
}

static void
na_type(uint8_t *f, size_t *n)
{
	(void)n;
	f[ICMP6] = TW_ICMP6_ND_NA;
}

static void
dad_unicast_dst(uint8_t *f, size_t *n)
{
	(void)n;
	memcpy(f + 38, our_ip, 16);
}

static void
dad_with_slla(uint8_t *f, size_t *n)
{
	memcpy(f + ICMP6 + 24, "\x01\x01\x52\x54\x00\x12\x34\x56", 8);
	*n += 8;
}

static void
nothing(uint8_t *f, size_t *n)
{
	(void)f;
	(void)n;
}

static void
test_ns_refused(void **state)
{
	const uint8_t *v = vec_nd_ns, *d = vec_nd_ns_dad;
	size_t n = sizeof(vec_nd_ns), nd = sizeof(vec_nd_ns_dad);
	(void)state;
	assert_int_equal(ns_variant(v, n, nothing, 1), 0);
	assert_int_equal(ns_variant(v, n, nothing, 0), 0);
	assert_int_equal(ns_variant(v, n, hop254, 1), -TW_EFORMAT);
	assert_int_equal(ns_variant(v, n, code1, 1), -TW_EFORMAT);
	assert_int_equal(ns_variant(v, n, code1, 0), -TW_EFORMAT);
	assert_int_equal(ns_variant(v, n, mcast_target, 1), -TW_EFORMAT);
	assert_int_equal(ns_variant(v, n, mcast_target, 0), -TW_ECSUM);
	assert_int_equal(ns_variant(v, n, opt_len0, 1), -TW_EFORMAT);
	assert_int_equal(ns_variant(v, n, opt_past_end, 1), -TW_ETRUNC);
	assert_int_equal(ns_variant(v, n, opt_one_octet, 1), -TW_ETRUNC);
	assert_int_equal(ns_variant(v, n, extra_opt, 1), 0);
	assert_int_equal(ns_variant(v, n, short_msg, 1), -TW_ETRUNC);
	assert_int_equal(ns_variant(v, n, tiny_msg, 0), -TW_ETRUNC);
	assert_int_equal(ns_variant(v, n, na_type, 1), -TW_EPROTO);
	assert_int_equal(ns_variant(d, nd, nothing, 1), 0);
	assert_int_equal(ns_variant(d, nd, dad_unicast_dst, 1), -TW_EFORMAT);
	assert_int_equal(ns_variant(d, nd, dad_with_slla, 1), -TW_EFORMAT);

	/* not ICMPv6 */
	struct tw_pkt p;
	struct tw_nd_ns ns;
	struct tw_nd_na na;
	assert_int_equal(tw_pkt_parse(vec_v6_dns, sizeof(vec_v6_dns), &p, 0),
			 0);
	assert_int_equal(tw_nd_parse_ns(vec_v6_dns, &p, &ns), -EINVAL);
	assert_int_equal(tw_nd_parse_na(vec_v6_dns, &p, &na), -EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(tw_nd_parse_ns(vec_v6_dns, &p, &ns), -EINVAL);
	/* NA errors */
	tw_pkt_parse(vec_nd_ns, sizeof(vec_nd_ns), &p, 0);
	p.ttl = 1;
	assert_int_equal(tw_nd_parse_ns(vec_nd_ns, &p, &ns), -TW_EFORMAT);
}

static void
test_na_refused(void **state)
{
	uint8_t f[128];
	struct tw_pkt p;
	struct tw_nd_ns ns;
	struct tw_nd_na na;
	int n;
	(void)state;
	tw_pkt_parse(vec_nd_ns, sizeof(vec_nd_ns), &p, 0);
	tw_nd_parse_ns(vec_nd_ns, &p, &ns);
	n = tw_nd_build_na(f, sizeof(f), vec_nd_ns, &p, &ns, our_mac, 0);
	/* solicited to a multicast destination */
	memcpy(f + 38, all_nodes, 16);
	ref_fix_icmp6(f + 14, f + ICMP6, 32);
	tw_pkt_parse(f, (size_t)n, &p, 0);
	assert_int_equal(tw_nd_parse_na(f, &p, &na), -TW_EFORMAT);
	/* unsolicited to all-nodes is fine */
	f[ICMP6 + 4] = TW_ND_NA_F_OVERRIDE;
	ref_fix_icmp6(f + 14, f + ICMP6, 32);
	assert_int_equal(tw_nd_parse_na(f, &p, &na), 0);
	assert_int_equal(na.flags, TW_ND_NA_F_OVERRIDE);
	/* bad option */
	f[ICMP6 + 25] = 0;
	ref_fix_icmp6(f + 14, f + ICMP6, 32);
	assert_int_equal(tw_nd_parse_na(f, &p, &na), -TW_EFORMAT);
	/* no option at all */
	tw_put16(f + 18, 24);
	ref_fix_icmp6(f + 14, f + ICMP6, 24);
	tw_pkt_parse(f, 14 + 40 + 24, &p, 0);
	assert_int_equal(tw_nd_parse_na(f, &p, &na), 0);
	assert_null(na.tlla);
}

/* Every truncation of the ND frames is refused by the frame parser. */
static void
test_truncations(void **state)
{
	const uint8_t *vs[] = { vec_nd_ns, vec_nd_ns_dad };
	size_t ns[] = { sizeof(vec_nd_ns), sizeof(vec_nd_ns_dad) };
	(void)state;
	for (int v = 0; v < 2; v++) {
		for (size_t l = 0; l < ns[v]; l++) {
			struct tw_pkt p;
			uint8_t *f = dup_exact(vs[v], l);
			assert_int_equal(tw_pkt_parse(f, l, &p, 0), -TW_ETRUNC);
			free(f);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ns),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_dad),
		cmocka_unit_test(test_ns_build),
		cmocka_unit_test(test_ns_refused),
		cmocka_unit_test(test_na_refused),
		cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests_name("net/nd", tests, NULL, NULL);
}
