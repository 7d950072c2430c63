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

/* Offsets in the untagged vectors. */
#define V4_UDP	  34
#define V6_UDP	  54
#define V4_SRC(v) ((v) + 26)
#define V4_DST(v) ((v) + 30)
#define V6_SRC(v) ((v) + 22)
#define V6_DST(v) ((v) + 38)

static void
test_parse_v4(void **state)
{
	const uint8_t *u = vec_v4_dns + V4_UDP;
	size_t n = sizeof(vec_v4_dns) - V4_UDP;
	struct tw_udp_info ui;
	(void)state;
	assert_int_equal(tw_udp_parse(u, n, &ui), 0);
	assert_int_equal(ui.sport, 53514);
	assert_int_equal(ui.dport, 53);
	assert_int_equal(ui.len, n);
	assert_int_equal(ui.cksum, tw_get16(u + 6));
	/* the vector's checksum, by the reference and by lib/net */
	assert_int_equal(
		ref_udp_cksum(u, n, V4_SRC(vec_v4_dns), V4_DST(vec_v4_dns), 0),
		ui.cksum);
	assert_int_equal(
		tw_udp_cksum_v4(u, n, V4_SRC(vec_v4_dns), V4_DST(vec_v4_dns)),
		ui.cksum);
	assert_int_equal(
		tw_udp_verify_v4(u, n, V4_SRC(vec_v4_dns), V4_DST(vec_v4_dns)),
		0);
	/* wrong pseudo-header (swapped addresses is the same sum; change
	 * one) */
	assert_int_equal(
		tw_udp_verify_v4(u, n, V4_SRC(vec_v4_dns), V4_SRC(vec_v4_dns)),
		-TW_ECSUM);
}

static void
test_parse_v6(void **state)
{
	const uint8_t *u = vec_v6_dns + V6_UDP;
	size_t n = sizeof(vec_v6_dns) - V6_UDP;
	struct tw_udp_info ui;
	(void)state;
	assert_int_equal(tw_udp_parse(u, n, &ui), 0);
	assert_int_equal(
		ref_udp_cksum(u, n, V6_SRC(vec_v6_dns), V6_DST(vec_v6_dns), 1),
		ui.cksum);
	assert_int_equal(
		tw_udp_cksum_v6(u, n, V6_SRC(vec_v6_dns), V6_DST(vec_v6_dns)),
		ui.cksum);
	assert_int_equal(
		tw_udp_verify_v6(u, n, V6_SRC(vec_v6_dns), V6_DST(vec_v6_dns)),
		0);
	assert_int_equal(tw_udp_verify_v6(u, n - 1, V6_SRC(vec_v6_dns),
					  V6_DST(vec_v6_dns)),
			 -TW_ECSUM);
}

static void
test_zero_checksum(void **state)
{
	(void)state;
	/* IPv4: zero means "none" (RFC 768) */
	assert_int_equal(tw_get16(vec_v4_dns_nocsum + V4_UDP + 6), 0);
	assert_int_equal(tw_udp_verify_v4(vec_v4_dns_nocsum + V4_UDP,
					  sizeof(vec_v4_dns_nocsum) - V4_UDP,
					  V4_SRC(vec_v4_dns_nocsum),
					  V4_DST(vec_v4_dns_nocsum)),
			 0);
	/* IPv6: zero is invalid (RFC 8200 8.1) */
	assert_int_equal(tw_udp_verify_v6(vec_v6_dns_zero + V6_UDP,
					  sizeof(vec_v6_dns_zero) - V6_UDP,
					  V6_SRC(vec_v6_dns_zero),
					  V6_DST(vec_v6_dns_zero)),
			 -TW_ECSUM);
	/* bad */
	assert_int_equal(tw_udp_verify_v4(vec_v4_dns_badcsum + V4_UDP,
					  sizeof(vec_v4_dns_badcsum) - V4_UDP,
					  V4_SRC(vec_v4_dns_badcsum),
					  V4_DST(vec_v4_dns_badcsum)),
			 -TW_ECSUM);
}

/* A datagram whose checksum computes to 0 is sent as 0xffff, and 0xffff
 * verifies. */
static void
test_computed_zero(void **state)
{
	static const uint8_t s4[4] = { 192, 0, 2, 1 }, d4[4] = { 192, 0, 2, 2 };
	uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t u[12] = { 0x12, 0x34, 0x00, 0x35, 0x00, 12, 0, 0, 0, 0, 0, 0 };
	(void)state;
	for (int v6 = 0; v6 <= 1; v6++) {
		const uint8_t *s = v6 ? s6 : s4, *d = v6 ? d6 : d4;
		uint16_t c;
		/* choose the last word so that the data sums to 0xffff */
		u[10] = u[11] = 0;
		c = ref_udp_cksum(u, sizeof(u), s, d, v6);
		tw_put16(u + 10, c);
		assert_int_equal(ref_udp_cksum(u, sizeof(u), s, d, v6), 0xffff);
		c = v6 ? tw_udp_cksum_v6(u, sizeof(u), s, d)
		       : tw_udp_cksum_v4(u, sizeof(u), s, d);
		assert_int_equal(c, 0xffff);
		tw_put16(u + 6, c);
		assert_int_equal(v6 ? tw_udp_verify_v6(u, sizeof(u), s, d)
				    : tw_udp_verify_v4(u, sizeof(u), s, d),
				 0);
	}
}

static void
test_bad_lengths(void **state)
{
	uint8_t u[32];
	struct tw_udp_info ui;
	(void)state;
	memcpy(u, vec_v4_dns + V4_UDP, sizeof(u));
	tw_put16(u + 4, 7);
	assert_int_equal(tw_udp_parse(u, sizeof(u), &ui), -TW_EFORMAT);
	tw_put16(u + 4, 33);
	assert_int_equal(tw_udp_parse(u, sizeof(u), &ui), -TW_ETRUNC);
	tw_put16(u + 4, 20); /* shorter than the IP payload: fine */
	assert_int_equal(tw_udp_parse(u, sizeof(u), &ui), 0);
	assert_int_equal(ui.len, 20);
	tw_put16(u + 4, 8);
	assert_int_equal(tw_udp_parse(u, 8, &ui), 0);
	for (size_t l = 0; l < 8; l++) {
		uint8_t *p = dup_exact(u, l);
		assert_int_equal(tw_udp_parse(p, l, &ui), -TW_ETRUNC);
		free(p);
	}
}

static void
test_build(void **state)
{
	static const uint8_t s4[4] = { 10, 1, 2, 3 }, d4[4] = { 10, 3, 2, 1 };
	uint8_t u[64];
	struct tw_udp_info ui;
	uint32_t st = 5;
	(void)state;
	assert_int_equal(tw_udp_build(u, sizeof(u), 1053, 53, 56), 8);
	rnd_fill(&st, u + 8, 56);
	tw_put16(u + 6, tw_udp_cksum_v4(u, 64, s4, d4));
	assert_int_equal(tw_udp_parse(u, sizeof(u), &ui), 0);
	assert_int_equal(ui.sport, 1053);
	assert_int_equal(ui.dport, 53);
	assert_int_equal(ui.len, 64);
	assert_int_equal(ui.cksum, ref_udp_cksum(u, 64, s4, d4, 0));
	assert_int_equal(tw_udp_verify_v4(u, 64, s4, d4), 0);
	/* recomputing over a stored checksum gives the same value */
	assert_int_equal(tw_udp_cksum_v4(u, 64, s4, d4), ui.cksum);
	assert_int_equal(tw_udp_build(u, 7, 1, 2, 0), -ENOSPC);
	assert_int_equal(tw_udp_build(u, 8, 1, 2, 65528), -EMSGSIZE);
	assert_int_equal(tw_udp_build(u, 8, 1, 2, 65527), 8);
	assert_int_equal(tw_get16(u + 4), 65535);
}

/* Many random datagrams of odd and even lengths over both IP versions. */
static void
test_random_vs_reference(void **state)
{
	uint8_t u[600], s[16], d[16];
	uint32_t st = 77;
	(void)state;
	for (int i = 0; i < 5000; i++) {
		size_t n = 8 + rnd(&st) % 500;
		int v6 = i & 1;
		rnd_fill(&st, u, n);
		rnd_fill(&st, s, 16);
		rnd_fill(&st, d, 16);
		tw_put16(u + 4, (uint16_t)n);
		uint16_t c = v6 ? tw_udp_cksum_v6(u, n, s, d)
				: tw_udp_cksum_v4(u, n, s, d);
		assert_int_equal(c, ref_udp_cksum(u, n, s, d, v6));
		tw_put16(u + 6, c);
		assert_int_equal(v6 ? tw_udp_verify_v6(u, n, s, d)
				    : tw_udp_verify_v4(u, n, s, d),
				 0);
		/* one bit of the data (or of the port when there is none) */
		u[n > 8 ? 8 + rnd(&st) % (n - 8) : 0] ^= 0x40;
		assert_int_equal(v6 ? tw_udp_verify_v6(u, n, s, d)
				    : tw_udp_verify_v4(u, n, s, d),
				 -TW_ECSUM);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_zero_checksum),
		cmocka_unit_test(test_computed_zero),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_random_vs_reference),
	};
	return cmocka_run_group_tests_name("net/udp", tests, NULL, NULL);
}
