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

/* Echo request -> reply; the reply checked against the request and
 * against the reference checksums. */
static void
round_trip(const uint8_t *req, size_t len, int v6, uint8_t ttl)
{
	uint8_t f[512];
	struct tw_pkt q, p, r;
	size_t al = v6 ? 16 : 4;
	const uint8_t *m;
	int n;

	memcpy(f, req, len);
	assert_int_equal(tw_pkt_parse(req, len, &q, 0), -TW_EPROTO);
	assert_int_equal(tw_pkt_parse(f, len, &p, 0), -TW_EPROTO);
	n = tw_icmp_echo_reply(f, &p, ttl);
	assert_int_equal(n, p.frame_len);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &r, 0), -TW_EPROTO);
	assert_int_equal(r.l4_proto, v6 ? TW_IPPROTO_ICMPV6 : TW_IPPROTO_ICMP);
	assert_int_equal(r.l4_off, p.l4_off);
	assert_int_equal(r.l4_len, q.l4_len);
	assert_int_equal(r.ttl, ttl ? ttl : 64);
	assert_memory_equal(f, req + 6, 6);
	assert_memory_equal(f + 6, req, 6);
	assert_memory_equal(r.src, q.dst, al);
	assert_memory_equal(r.dst, q.src, al);
	m = f + r.l4_off;
	assert_int_equal(m[0], v6 ? TW_ICMP6_ECHO_REPLY : TW_ICMP_ECHO_REPLY);
	assert_int_equal(m[1], 0);
	/* identifier, sequence and data unchanged */
	assert_memory_equal(m + 4, req + q.l4_off + 4, q.l4_len - 4);
	if (v6)
		assert_int_equal(ref_sum(m, r.l4_len,
					 ref_phdr6(r.src, r.dst, 58, r.l4_len)),
				 0xffff);
	else
		assert_int_equal(ref_cksum(m, r.l4_len), 0);
	/* the reply is not answered again */
	assert_int_equal(tw_icmp_echo_reply(f, &r, ttl), -TW_EPROTO);
}

static void
test_echo_v4(void **state)
{
	(void)state;
	round_trip(vec_icmp4_echo, sizeof(vec_icmp4_echo), 0, 0);
	round_trip(vec_icmp4_echo, sizeof(vec_icmp4_echo), 0, 255);
}

static void
test_echo_v6(void **state)
{
	(void)state;
	round_trip(vec_icmp6_echo, sizeof(vec_icmp6_echo), 1, 0);
	round_trip(vec_icmp6_echo, sizeof(vec_icmp6_echo), 1, 1);
}

/* IPv4 options and IPv6 extension headers are dropped from the reply. */
static void
test_echo_options_dropped(void **state)
{
	uint8_t f[512], g[512];
	struct tw_pkt p;
	size_t n = sizeof(vec_icmp4_echo);
	int rc;
	(void)state;
	/* IPv4 with 8 octets of NOP options */
	memcpy(g, vec_icmp4_echo, 34);
	memset(g + 34, 1, 8);
	memcpy(g + 42, vec_icmp4_echo + 34, n - 34);
	g[14] = 0x47;
	tw_put16(g + 16, (uint16_t)(tw_get16(g + 16) + 8));
	tw_put16(g + 24, ref_ipv4_cksum(g + 14, 28));
	memcpy(f, g, n + 8);
	assert_int_equal(tw_pkt_parse(f, n + 8, &p, 0), -TW_EPROTO);
	assert_int_equal(p.l4_off, 42);
	rc = tw_icmp_echo_reply(f, &p, 0);
	assert_int_equal(rc, n);
	assert_int_equal(p.l4_off, 34);
	assert_int_equal(tw_pkt_parse(f, n, &p, 0), -TW_EPROTO);
	assert_int_equal(f[34], TW_ICMP_ECHO_REPLY);
	assert_memory_equal(f + 38, vec_icmp4_echo + 38, n - 38);
	assert_int_equal(ref_cksum(f + 34, n - 34), 0);

	/* IPv6 with a destination options header */
	n = sizeof(vec_icmp6_echo);
	memcpy(g, vec_icmp6_echo, 54);
	memcpy(g + 54, "\x3a\x00\x01\x04\x00\x00\x00\x00", 8);
	memcpy(g + 62, vec_icmp6_echo + 54, n - 54);
	g[20] = TW_IPPROTO_DSTOPTS;
	tw_put16(g + 18, (uint16_t)(tw_get16(g + 18) + 8));
	memcpy(f, g, n + 8);
	assert_int_equal(tw_pkt_parse(f, n + 8, &p, 0), -TW_EPROTO);
	assert_int_equal(p.l4_off, 62);
	rc = tw_icmp_echo_reply(f, &p, 0);
	assert_int_equal(rc, n);
	assert_int_equal(tw_pkt_parse(f, n, &p, 0), -TW_EPROTO);
	assert_int_equal(f[20], TW_IPPROTO_ICMPV6);
	assert_int_equal(f[54], TW_ICMP6_ECHO_REPLY);
	assert_int_equal(
		ref_sum(f + 54, n - 54,
			ref_phdr6(f + 22, f + 38, 58, (uint32_t)(n - 54))),
		0xffff);
}

static void
test_refused(void **state)
{
	uint8_t f[512];
	struct tw_pkt p;
	size_t n4 = sizeof(vec_icmp4_echo), n6 = sizeof(vec_icmp6_echo);
	(void)state;
	/* a UDP summary, or none */
	memcpy(f, vec_v4_dns, sizeof(vec_v4_dns));
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v4_dns), &p, 0), 0);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -EINVAL);
	/* ICMPv6 over IPv4 is not ICMP */
	memcpy(f, vec_icmp4_echo, n4);
	tw_pkt_parse(f, n4, &p, 0);
	p.l4_proto = TW_IPPROTO_ICMPV6;
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -EINVAL);
	/* not a request */
	f[34] = 13; /* timestamp */
	tw_put16(f + 36, 0);
	tw_put16(f + 36, ref_cksum(f + 34, n4 - 34));
	tw_pkt_parse(f, n4, &p, 0);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_EPROTO);
	/* code != 0 */
	f[34] = 8;
	f[35] = 1;
	tw_put16(f + 36, 0);
	tw_put16(f + 36, ref_cksum(f + 34, n4 - 34));
	tw_pkt_parse(f, n4, &p, 0);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_EFORMAT);
	/* bad checksums */
	memcpy(f, vec_icmp4_echo, n4);
	f[n4 - 1] ^= 0x80;
	tw_pkt_parse(f, n4, &p, 0);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_ECSUM);
	memcpy(f, vec_icmp6_echo, n6);
	f[n6 - 1] ^= 0x80;
	tw_pkt_parse(f, n6, &p, 0);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_ECSUM);
	/* to a group address */
	memcpy(f, vec_icmp6_echo, n6);
	memcpy(f + 38, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(tw_pkt_parse(f, n6, &p, TW_NET_F_NO_L4_CSUM),
			 -TW_EPROTO);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_EPROTO);
	memcpy(f, vec_icmp4_echo, n4);
	memcpy(f + 30, "\xff\xff\xff\xff", 4);
	assert_int_equal(tw_pkt_parse(f, n4, &p, TW_NET_F_NO_IP_CSUM),
			 -TW_EPROTO);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_EPROTO);
	/* shorter than an echo header */
	memcpy(f, vec_icmp4_echo, n4);
	tw_put16(f + 16, 20 + 7);
	tw_put16(f + 24, ref_ipv4_cksum(f + 14, 20));
	assert_int_equal(tw_pkt_parse(f, n4, &p, 0), -TW_EPROTO);
	assert_int_equal(p.l4_len, 7);
	assert_int_equal(tw_icmp_echo_reply(f, &p, 0), -TW_ETRUNC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_v4),
		cmocka_unit_test(test_echo_v6),
		cmocka_unit_test(test_echo_options_dropped),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests_name("net/icmp", tests, NULL, NULL);
}
