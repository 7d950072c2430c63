/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum (RFC 1071) and pseudo-header sums.
 *
 * The one's complement sum is computed 8 octets at a time in a 64-bit
 * accumulator with end-around carry, then folded to 16 bits (RFC 1071
 * 2(B), 2(C)): since 2^16 - 1 divides 2^64 - 1, the folded result is the
 * 16-bit one's complement sum. Words are loaded in host order and the
 * folded result swapped once at the end (RFC 1071 2(B), byte order
 * independence).
 */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

static inline uint64_t
add_carry(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint32_t
tw_cksum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t a = 0, b = 0;
	uint32_t r;

	/* Two accumulators so consecutive adds do not wait on each other. */
	while (len >= 32) {
		a = add_carry(a, load64(p));
		b = add_carry(b, load64(p + 8));
		a = add_carry(a, load64(p + 16));
		b = add_carry(b, load64(p + 24));
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		a = add_carry(a, load64(p));
		p += 8;
		len -= 8;
	}
	if (len > 0) {
		/* The tail keeps its position in the word: an odd last octet
		 * is the high-order octet of a zero-padded 16-bit word. */
		uint64_t t = 0;
		memcpy(&t, p, len);
		b = add_carry(b, t);
	}
	a = add_carry(a, b);
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffffffffu) + (a >> 32);
	r = tw_cksum_fold((uint32_t)a);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	r = (uint16_t)(r << 8 | r >> 8);
#endif
	a = (uint64_t)r + sum;
	a = (a & 0xffff) + (a >> 16);
	return tw_cksum_fold((uint32_t)a);
}

uint32_t
tw_ipv4_phdr_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		 uint32_t len)
{
	uint32_t s;

	s = (uint32_t)tw_get16(src) + tw_get16(src + 2) + tw_get16(dst) +
	    tw_get16(dst + 2) + proto + (len >> 16) + (len & 0xffff);
	return tw_cksum_fold(s);
}

uint32_t
tw_ipv6_phdr_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		 uint32_t len)
{
	uint32_t s = proto + (len >> 16) + (len & 0xffff);

	for (int i = 0; i < 16; i += 2)
		s += (uint32_t)tw_get16(src + i) + tw_get16(dst + i);
	return tw_cksum_fold(s);
}

uint16_t
tw_ipv4_hdr_cksum(const uint8_t *hdr, size_t hlen)
{
	/* Sum everything, then take the stored checksum back out by adding
	 * its one's complement (RFC 1071 2(A): ~x is -x). */
	uint32_t s = tw_cksum_partial(hdr, hlen, 0);

	s += (uint16_t)~tw_get16(hdr + 10);
	return (uint16_t)~tw_cksum_fold(s);
}
