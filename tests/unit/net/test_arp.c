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
static const uint8_t our_ip[4] = { 192, 0, 2, 53 };
static const uint8_t cli_ip[4] = { 192, 0, 2, 10 };

static void
test_parse_request(void **state)
{
	struct tw_eth_info eth;
	struct tw_arp a;
	(void)state;
	assert_int_equal(tw_eth_parse(vec_arp_req, sizeof(vec_arp_req), &eth),
			 0);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_ARP);
	assert_int_equal(
		tw_arp_parse(vec_arp_req + 14, sizeof(vec_arp_req) - 14, &a),
		0);
	assert_int_equal(a.op, TW_ARP_OP_REQUEST);
	assert_memory_equal(a.sha, cli_mac, 6);
	assert_memory_equal(a.spa, cli_ip, 4);
	assert_memory_equal(a.tpa, our_ip, 4);
	assert_memory_equal(a.tha, "\0\0\0\0\0\0", 6);
	assert_ptr_equal(a.sha, vec_arp_req + 22);
}

static void
check_reply(const uint8_t *f, int len, size_t hl)
{
	struct tw_eth_info eth;
	struct tw_arp a;

	assert_int_equal(len, hl + 28);
	assert_int_equal(tw_eth_parse(f, (size_t)len, &eth), 0);
	assert_int_equal(eth.hdr_len, hl);
	assert_int_equal(eth.ethertype, TW_ETHERTYPE_ARP);
	assert_memory_equal(f, cli_mac, 6);
	assert_memory_equal(f + 6, our_mac, 6);
	assert_int_equal(tw_arp_parse(f + hl, (size_t)len - hl, &a), 0);
	assert_int_equal(a.op, TW_ARP_OP_REPLY);
	assert_memory_equal(a.sha, our_mac, 6);
	assert_memory_equal(a.spa, our_ip, 4);
	assert_memory_equal(a.tha, cli_mac, 6);
	assert_memory_equal(a.tpa, cli_ip, 4);
}

static void
test_reply(void **state)
{
	struct tw_eth_info eth;
	struct tw_arp a;
	uint8_t out[64], f[64];
	int n;
	(void)state;
	/* untagged, to a separate buffer */
	tw_eth_parse(vec_arp_req, sizeof(vec_arp_req), &eth);
	tw_arp_parse(vec_arp_req + 14, sizeof(vec_arp_req) - 14, &a);
	n = tw_arp_build_reply(out, sizeof(out), &eth, &a, our_mac);
	check_reply(out, n, 14);
	assert_int_equal(tw_arp_build_reply(out, 41, &eth, &a, our_mac),
			 -ENOSPC);

	/* VLAN-tagged, in place: the tag comes back */
	memcpy(f, vec_arp_req_vlan, sizeof(vec_arp_req_vlan));
	assert_int_equal(tw_eth_parse(f, sizeof(vec_arp_req_vlan), &eth), 0);
	assert_int_equal(tw_eth_vlan_id(&eth), 100);
	assert_int_equal(
		tw_arp_parse(f + 18, sizeof(vec_arp_req_vlan) - 18, &a), 0);
	n = tw_arp_build_reply(f, sizeof(f), &eth, &a, our_mac);
	check_reply(f, n, 18);
	assert_int_equal(tw_get16(f + 14), 100);

	/* a reply is not answered */
	tw_arp_parse(out + 14, 28, &a);
	assert_int_equal(tw_arp_build_reply(f, sizeof(f), &eth, &a, our_mac),
			 -TW_EPROTO);
	tw_arp_parse(vec_arp_req + 14, 28, &a);
	eth.n_tags = 3;
	assert_int_equal(tw_arp_build_reply(f, sizeof(f), &eth, &a, our_mac),
			 -EINVAL);
}

static void
test_request(void **state)
{
	struct tw_eth_info eth = { .n_tags = 2,
				   .tag = { { TW_ETHERTYPE_QINQ, 7 },
					    { TW_ETHERTYPE_VLAN, 8 } } },
			   e2;
	struct tw_arp a;
	uint8_t f[64];
	int n;
	(void)state;
	n = tw_arp_build_request(f, sizeof(f), NULL, our_mac, our_ip, cli_ip);
	assert_int_equal(n, 42);
	/* byte for byte the request of the vector, the other way round */
	assert_int_equal(tw_eth_parse(f, 42, &e2), 0);
	assert_memory_equal(f, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(tw_arp_parse(f + 14, 28, &a), 0);
	assert_int_equal(a.op, TW_ARP_OP_REQUEST);
	assert_memory_equal(a.sha, our_mac, 6);
	assert_memory_equal(a.spa, our_ip, 4);
	assert_memory_equal(a.tpa, cli_ip, 4);
	n = tw_arp_build_request(f, sizeof(f), &eth, cli_mac, cli_ip, our_ip);
	assert_int_equal(n, 50);
	assert_memory_equal(f + 22, vec_arp_req + 14, 28);
	assert_int_equal(tw_eth_parse(f, 50, &e2), 0);
	assert_int_equal(e2.n_tags, 2);
	assert_int_equal(tw_eth_vlan_id(&e2), 8);
	assert_int_equal(
		tw_arp_build_request(f, 49, &eth, our_mac, our_ip, cli_ip),
		-ENOSPC);
	assert_int_equal(
		tw_arp_build_request(f, 21, &eth, our_mac, our_ip, cli_ip),
		-ENOSPC);
	eth.n_tags = 3;
	assert_int_equal(tw_arp_build_request(f, sizeof(f), &eth, our_mac,
					      our_ip, cli_ip),
			 -EINVAL);
}

static void
test_refused(void **state)
{
	struct tw_arp a;
	uint8_t p[28];
	(void)state;
	for (int field = 0; field < 5; field++) {
		memcpy(p, vec_arp_req + 14, sizeof(p));
		switch (field) {
		case 0:
			p[1] = 6; /* IEEE 802 hardware */
			break;
		case 1:
			tw_put16(p + 2, TW_ETHERTYPE_IPV6);
			break;
		case 2:
			p[4] = 8;
			break;
		case 3:
			p[5] = 16;
			break;
		case 4:
			p[7] = 3; /* RARP request */
			break;
		}
		assert_int_equal(tw_arp_parse(p, sizeof(p), &a), -TW_EPROTO);
	}
	for (size_t l = 0; l < 28; l++) {
		uint8_t *q = dup_exact(vec_arp_req + 14, l);
		assert_int_equal(tw_arp_parse(q, l, &a), -TW_ETRUNC);
		free(q);
	}
	/* padded to 46 octets of Ethernet payload: fine */
	uint8_t pad[46] = { 0 };
	memcpy(pad, vec_arp_req + 14, 28);
	assert_int_equal(tw_arp_parse(pad, sizeof(pad), &a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests_name("net/arp", tests, NULL, NULL);
}
