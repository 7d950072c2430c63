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

/* Every strict prefix of the header fails with -TW_ETRUNC, read from an
 * exact-size copy. */
static void
check_truncations(const uint8_t *f, size_t hdr_len)
{
	struct tw_eth_info eth;

	for (size_t l = 0; l < hdr_len; l++) {
		uint8_t *p = dup_exact(f, l);
		assert_int_equal(tw_eth_parse(p, l, &eth), -TW_ETRUNC);
		free(p);
	}
}

static void
test_untagged(void **state)
{
	struct tw_eth_info eth;
	(void)state;
	assert_int_equal(tw_eth_parse(vec_v4_dns, sizeof(vec_v4_dns), &eth), 0);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_IPV4);
	assert_int_equal(eth.hdr_len, 14);
	assert_int_equal(eth.n_tags, 0);
	assert_int_equal(tw_eth_vlan_id(&eth), 0);
	/* exactly the header is enough */
	assert_int_equal(tw_eth_parse(vec_v4_dns, 14, &eth), 0);
	assert_int_equal(tw_eth_parse(vec_v6_dns, 14, &eth), 0);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_IPV6);
	assert_int_equal(tw_eth_parse(vec_arp_req, 14, &eth), 0);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_ARP);
	check_truncations(vec_v4_dns, 14);
}

static void
test_vlan(void **state)
{
	struct tw_eth_info eth;
	(void)state;
	assert_int_equal(
		tw_eth_parse(vec_v4_dns_vlan, sizeof(vec_v4_dns_vlan), &eth),
		0);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_IPV4);
	assert_int_equal(eth.hdr_len, 18);
	assert_int_equal(eth.n_tags, 1);
	assert_int_equal(eth.tag[0].tpid, TW_ETHERTYPE_VLAN);
	assert_int_equal(TW_VLAN_ID(eth.tag[0].tci), 100);
	assert_int_equal(TW_VLAN_PCP(eth.tag[0].tci), 5);
	assert_int_equal(tw_eth_vlan_id(&eth), 100);
	check_truncations(vec_v4_dns_vlan, 18);
}

static void
test_qinq(void **state)
{
	struct tw_eth_info eth;
	uint8_t f[64];
	(void)state;
	assert_int_equal(
		tw_eth_parse(vec_v4_dns_qinq, sizeof(vec_v4_dns_qinq), &eth),
		0);
	assert_int_equal(eth.hdr_len, 22);
	assert_int_equal(eth.n_tags, 2);
	assert_int_equal(eth.tag[0].tpid, TW_ETHERTYPE_QINQ);
	assert_int_equal(TW_VLAN_ID(eth.tag[0].tci), 10);
	assert_int_equal(eth.tag[1].tpid, TW_ETHERTYPE_VLAN);
	assert_int_equal(TW_VLAN_ID(eth.tag[1].tci), 200);
	assert_int_equal(tw_eth_vlan_id(&eth), 200); /* innermost */
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_IPV4);
	check_truncations(vec_v4_dns_qinq, 22);

	/* Legacy double 0x8100 stacking is accepted. */
	memcpy(f, vec_v4_dns_qinq, sizeof(f));
	tw_put16(f + 12, TW_ETHERTYPE_VLAN);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), 0);
	assert_int_equal(eth.n_tags, 2);
	assert_int_equal(eth.tag[0].tpid, TW_ETHERTYPE_VLAN);

	/* A single S-tag is accepted. */
	memcpy(f, vec_v4_dns_vlan, sizeof(f));
	tw_put16(f + 12, TW_ETHERTYPE_QINQ);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), 0);
	assert_int_equal(eth.n_tags, 1);
	assert_int_equal(eth.tag[0].tpid, TW_ETHERTYPE_QINQ);
}

static void
test_refused(void **state)
{
	struct tw_eth_info eth;
	uint8_t f[64];
	(void)state;
	/* an S-tag inside a C-tag */
	memcpy(f, vec_v4_dns_qinq, sizeof(f));
	tw_put16(f + 12, TW_ETHERTYPE_VLAN);
	tw_put16(f + 16, TW_ETHERTYPE_QINQ);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), -TW_EPROTO);
	/* three tags */
	memcpy(f, vec_v4_dns_qinq, sizeof(f));
	tw_put16(f + 20, TW_ETHERTYPE_VLAN);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), -TW_EPROTO);
	/* IEEE 802.3 length instead of an ethertype */
	memcpy(f, vec_v4_dns, sizeof(f));
	tw_put16(f + 12, 0x05dc);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), -TW_EPROTO);
	tw_put16(f + 12, 0x0600);
	assert_int_equal(tw_eth_parse(f, sizeof(f), &eth), 0);
}

static void
test_build(void **state)
{
	static const uint8_t dst[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t src[6] = { 7, 8, 9, 10, 11, 12 };
	struct tw_eth_info in = { .ethertype = TW_ETHERTYPE_IPV6 }, out;
	uint8_t f[32];
	(void)state;
	for (uint8_t n = 0; n <= 2; n++) {
		int hl;
		in.n_tags = n;
		in.tag[0].tpid = n == 2 ? TW_ETHERTYPE_QINQ : 0;
		in.tag[0].tci = 0x2001;
		in.tag[1].tpid = 0; /* default 0x8100 */
		in.tag[1].tci = 0x0fff;
		hl = tw_eth_build(f, sizeof(f), dst, src, &in);
		assert_int_equal(hl, 14 + 4 * n);
		assert_memory_equal(f, dst, 6);
		assert_memory_equal(f + 6, src, 6);
		assert_int_equal(tw_eth_parse(f, (size_t)hl, &out), 0);
		assert_int_equal(out.hdr_len, hl);
		assert_int_equal(out.n_tags, n);
		assert_int_equal(out.ethertype, TW_ETHERTYPE_IPV6);
		if (n >= 1) {
			assert_int_equal(out.tag[0].tci, 0x2001);
			assert_int_equal(out.tag[0].tpid,
					 n == 2 ? TW_ETHERTYPE_QINQ
						: TW_ETHERTYPE_VLAN);
		}
		if (n == 2) {
			assert_int_equal(out.tag[1].tpid, TW_ETHERTYPE_VLAN);
			assert_int_equal(tw_eth_vlan_id(&out), 0xfff);
		}
		assert_int_equal(tw_eth_build(f, (size_t)hl - 1, dst, src, &in),
				 -ENOSPC);
	}
	/* swapping the MACs in place */
	in.n_tags = 0;
	assert_int_equal(tw_eth_build(f, sizeof(f), dst, src, &in), 14);
	assert_int_equal(tw_eth_build(f, sizeof(f), f + 6, f, &in), 14);
	assert_memory_equal(f, src, 6);
	assert_memory_equal(f + 6, dst, 6);
	in.n_tags = 3;
	assert_int_equal(tw_eth_build(f, sizeof(f), dst, src, &in), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untagged), cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_qinq),	 cmocka_unit_test(test_refused),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests_name("net/eth", tests, NULL, NULL);
}
