/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the lib/net tests: a plain reference Internet checksum
 * (16-bit words, RFC 1071 section 1), exact-size heap copies (so ASan sees
 * any read past the end), a small deterministic PRNG.
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tw_net.h"

/* One's complement sum of 16-bit big-endian words, folded; no tricks. */
static inline uint32_t
ref_sum(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static inline uint16_t
ref_cksum(const uint8_t *p, size_t len)
{
	return (uint16_t)~ref_sum(p, len, 0);
}

static inline uint32_t
ref_phdr4(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint8_t ph[12];

	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (uint8_t)(len >> 8);
	ph[11] = (uint8_t)len;
	return ref_sum(ph, sizeof(ph), 0);
}

static inline uint32_t
ref_phdr6(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return ref_sum(ph, sizeof(ph), 0);
}

/* Reference UDP checksum with the field taken as zero (0 sent as ffff). */
static inline uint16_t
ref_udp_cksum(const uint8_t *udp, size_t ulen, const uint8_t *src,
	      const uint8_t *dst, int v6)
{
	uint8_t *copy = malloc(ulen);
	uint32_t s;
	uint16_t c;

	memcpy(copy, udp, ulen);
	copy[6] = copy[7] = 0;
	s = v6 ? ref_phdr6(src, dst, 17, (uint32_t)ulen)
	       : ref_phdr4(src, dst, 17, (uint32_t)ulen);
	c = (uint16_t)~ref_sum(copy, ulen, s);
	free(copy);
	return c == 0 ? 0xffff : c;
}

/* Reference IPv4 header checksum with the field taken as zero. */
static inline uint16_t
ref_ipv4_cksum(const uint8_t *h, size_t hlen)
{
	uint8_t copy[60];

	memcpy(copy, h, hlen);
	copy[10] = copy[11] = 0;
	return ref_cksum(copy, hlen);
}

/* Recompute the ICMPv6 checksum of the message at m (l bytes). */
static inline void
ref_fix_icmp6(uint8_t *ip6, uint8_t *m, size_t l)
{
	m[2] = m[3] = 0;
	uint16_t c = (uint16_t)~ref_sum(
		m, l, ref_phdr6(ip6 + 8, ip6 + 24, 58, (uint32_t)l));
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
}

/* Exact-size heap copy: reading one byte past len is an ASan error. */
static inline uint8_t *
dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);

	if (len)
		memcpy(q, p, len);
	return q;
}

/* xorshift32: deterministic random numbers for property tests. */
static inline uint32_t
rnd(uint32_t *st)
{
	uint32_t x = *st;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *st = x;
}

static inline void
rnd_fill(uint32_t *st, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(st);
}

#endif /* NET_TEST_H */
