/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_net.h"
#include "net_test.h"

/* RFC 1071 section 3, numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to
 * 0xddf2 (checksum 0x220d). */
static void
test_rfc1071_example(void **state)
{
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	(void)state;
	assert_int_equal(tw_cksum_partial(d, sizeof(d), 0), 0xddf2);
	assert_int_equal(tw_cksum(d, sizeof(d)), 0x220d);
	/* In two parts, the first of even length. */
	assert_int_equal(tw_cksum_partial(d + 4, 4, tw_cksum_partial(d, 4, 0)),
			 0xddf2);
	assert_int_equal(tw_cksum_partial(d, 0, 0), 0);
	assert_int_equal(tw_cksum_partial(d, 0, 0x1234), 0x1234);
}

/* The IPv4 header example of the Wikipedia "Internet checksum" page
 * (4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7). */
static void
test_ipv4_header_example(void **state)
{
	static const uint8_t h[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
				     0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
				     0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t z[20];
	(void)state;
	assert_int_equal(tw_ipv4_hdr_cksum(h, sizeof(h)), 0xb861);
	assert_int_equal(tw_cksum_partial(h, sizeof(h), 0), 0xffff);
	memcpy(z, h, sizeof(z));
	z[10] = z[11] = 0;
	assert_int_equal(tw_cksum(z, sizeof(z)), 0xb861);
	assert_int_equal(tw_ipv4_hdr_cksum(z, sizeof(z)), 0xb861);
}

/* RFC 1624 section 4: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives HC' 0x0000
 * (eqn 3; eqn 2 would give the wrong 0xffff). */
static void
test_rfc1624_example(void **state)
{
	(void)state;
	assert_int_equal(tw_cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	/* No change, no checksum change. */
	assert_int_equal(tw_cksum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
	assert_int_equal(tw_cksum_update32(0x1234, 0xabcd0001, 0xabcd0001),
			 0x1234);
	assert_int_equal(tw_cksum_fold(0x1fffe), 0xffff);
	assert_int_equal(tw_cksum_fold(0xffffffff), 0xffff);
	assert_int_equal(tw_cksum_fold(0), 0);
}

/* Every length 0..300 at every alignment 0..7 agrees with the reference,
 * and sums split at any even point chain to the same value. */
static void
test_partial_vs_reference(void **state)
{
	uint8_t buf[320];
	uint32_t st = 0x1234567;
	(void)state;
	for (int round = 0; round < 4; round++) {
		rnd_fill(&st, buf, sizeof(buf));
		if (round == 1)
			memset(buf, 0xff, sizeof(buf)); /* carries everywhere */
		if (round == 2)
			memset(buf, 0, sizeof(buf));
		for (size_t al = 0; al < 8; al++) {
			for (size_t len = 0; len <= 300; len++) {
				uint8_t *p = dup_exact(buf + al, len);
				uint32_t want = ref_sum(p, len, 0);
				assert_int_equal(tw_cksum_partial(p, len, 0),
						 want);
				for (size_t cut = 0; cut <= len;
				     cut += 2 * (1 + al))
					assert_int_equal(
						tw_cksum_partial(
							p + cut, len - cut,
							tw_cksum_partial(p, cut,
									 0)),
						want);
				free(p);
			}
		}
	}
}

/* A whole 64 KiB of 0xff: many carries through the 64-bit accumulators. */
static void
test_partial_large(void **state)
{
	size_t n = 65535;
	uint8_t *p = malloc(n);
	uint32_t st = 99;
	(void)state;
	memset(p, 0xff, n);
	assert_int_equal(tw_cksum_partial(p, n, 0), ref_sum(p, n, 0));
	rnd_fill(&st, p, n);
	assert_int_equal(tw_cksum_partial(p, n, 0), ref_sum(p, n, 0));
	assert_int_equal(tw_cksum_partial(p, n, 0xffffffffu),
			 ref_sum(p, n, 0xffff));
	free(p);
}

/*
 * The fast sum (32 octets per step, no per-octet tail loop) against the
 * reference: random lengths up to 2000 at every alignment, random 32-bit
 * running sums (folded for the reference: one's complement values are
 * equal modulo 0xffff), buffers of 0xff runs (carries in every word),
 * and a nonzero sum never comes out as 0.
 */
static void
test_partial_fast_random(void **state)
{
	uint8_t buf[2048 + 8];
	uint32_t st = 4242;
	(void)state;
	for (int i = 0; i < 4000; i++) {
		size_t len = rnd(&st) % 2001, al = rnd(&st) & 7;
		uint32_t s = rnd(&st), f;
		uint8_t *p;

		rnd_fill(&st, buf, sizeof(buf));
		if (i % 7 == 0)
			memset(buf, 0xff, sizeof(buf));
		if (i % 11 == 0)
			s = 0;
		f = s;
		while (f >> 16)
			f = (f & 0xffff) + (f >> 16);
		p = dup_exact(buf + al, len);
		assert_int_equal(tw_cksum_partial(p, len, s),
				 ref_sum(p, len, f));
		if (s != 0 || ref_sum(p, len, 0) != 0)
			assert_int_not_equal(tw_cksum_partial(p, len, s), 0);
		free(p);
	}
}

static void
test_pseudo_headers(void **state)
{
	uint8_t a[16], b[16];
	uint32_t st = 7;
	(void)state;
	for (int i = 0; i < 1000; i++) {
		uint32_t len = rnd(&st) & 0x1ffff;
		uint8_t proto = (uint8_t)rnd(&st);
		rnd_fill(&st, a, sizeof(a));
		rnd_fill(&st, b, sizeof(b));
		assert_int_equal(tw_cksum_fold(tw_ipv4_phdr_sum(a, b, proto,
								len & 0xffff)),
				 ref_phdr4(a, b, proto, len & 0xffff));
		assert_int_equal(
			tw_cksum_fold(tw_ipv6_phdr_sum(a, b, proto, len)),
			ref_phdr6(a, b, proto, len));
	}
}

/* RFC 1624: the incremental update equals a full recomputation, for many
 * random IPv4 headers and random 16- and 32-bit field changes. */
static void
test_incremental_ipv4(void **state)
{
	uint32_t st = 0xdeadbeef;
	uint8_t h[60];
	(void)state;
	for (int i = 0; i < 200000; i++) {
		size_t hl = 20 + 4 * (rnd(&st) % 11);
		size_t w;
		uint16_t c, m, m2;
		rnd_fill(&st, h, hl);
		h[0] = (uint8_t)(0x40 | hl / 4);
		if (i % 16 == 0)
			memset(h + 1, 0xff, hl - 1); /* sums near 0xffff */
		if (i % 16 == 1)
			memset(h + 1, 0, hl - 1);
		tw_put16(h + 10, ref_ipv4_cksum(h, hl));
		c = tw_get16(h + 10);
		/* one 16-bit word other than the checksum */
		do
			w = 2 * (rnd(&st) % (hl / 2));
		while (w == 10 || w == 0);
		m = tw_get16(h + w);
		m2 = (uint16_t)rnd(&st);
		if (i % 7 == 0)
			m2 = (uint16_t)~m;
		if (i % 11 == 0)
			m2 = i & 1 ? 0 : 0xffff;
		tw_put16(h + w, m2);
		c = tw_cksum_update16(c, m, m2);
		assert_int_equal(c, ref_ipv4_cksum(h, hl));
		tw_put16(h + 10, c);
		/* a 32-bit field: the addresses at 12 or 16 */
		c = tw_get16(h + 10);
		w = rnd(&st) & 1 ? 12 : 16;
		uint32_t m32 = tw_get32(h + w), n32 = rnd(&st);
		tw_put32(h + w, n32);
		assert_int_equal(tw_cksum_update32(c, m32, n32),
				 ref_ipv4_cksum(h, hl));
	}
}

/* The UDP flavour: 0 (no checksum) stays 0; never produces 0. */
static void
test_incremental_udp(void **state)
{
	uint32_t st = 4242;
	uint8_t d[64], src[4], dst[4];
	(void)state;
	assert_int_equal(tw_udp_cksum_update16(0, 0x1234, 0x4321), 0);
	for (int i = 0; i < 100000; i++) {
		size_t len = 8 + rnd(&st) % 50, w;
		uint16_t c, m, m2;
		rnd_fill(&st, d, len);
		rnd_fill(&st, src, 4);
		rnd_fill(&st, dst, 4);
		tw_put16(d + 4, (uint16_t)len);
		tw_put16(d + 6, ref_udp_cksum(d, len, src, dst, 0));
		c = tw_get16(d + 6);
		w = 8 + 2 * (rnd(&st) % ((len - 8) / 2 + 1));
		if (w + 2 > len)
			w = 0; /* the source port */
		m = tw_get16(d + w);
		m2 = (uint16_t)rnd(&st);
		tw_put16(d + w, m2);
		c = tw_udp_cksum_update16(c, m, m2);
		assert_int_not_equal(c, 0);
		assert_int_equal(c, ref_udp_cksum(d, len, src, dst, 0));
		tw_put16(d + 6, c);
		assert_int_equal(tw_udp_verify_v4(d, len, src, dst), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_ipv4_header_example),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_partial_vs_reference),
		cmocka_unit_test(test_partial_large),
		cmocka_unit_test(test_partial_fast_random),
		cmocka_unit_test(test_pseudo_headers),
		cmocka_unit_test(test_incremental_ipv4),
		cmocka_unit_test(test_incremental_udp),
	};
	return cmocka_run_group_tests_name("net/cksum", tests, NULL, NULL);
}
