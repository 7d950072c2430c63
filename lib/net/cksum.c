/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum (RFC 1071) and pseudo-header sums.
 *
 * The one's complement sum is computed in a 64-bit accumulator with
 * end-around carry, 32 octets per step (one add-with-carry chain on
 * x86-64), then folded to 16 bits (RFC 1071 2(B), 2(C)): since 2^16 - 1
 * divides 2^64 - 1, the folded result is the 16-bit one's complement sum. Words are loaded in host order and the
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

/* 32 octets into the accumulator: one add-with-carry chain. */
static inline uint64_t
add32(uint64_t a, const uint8_t *p)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__asm__("addq 0(%[p]), %[a]\n\t"
		"adcq 8(%[p]), %[a]\n\t"
		"adcq 16(%[p]), %[a]\n\t"
		"adcq 24(%[p]), %[a]\n\t"
		"adcq $0, %[a]"
		: [a] "+r"(a)
		: [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
		: "cc");
	return a;
#else
	a = add_carry(a, load64(p));
	a = add_carry(a, load64(p + 8));
	a = add_carry(a, load64(p + 16));
	return add_carry(a, load64(p + 24));
#endif
}

/*
 * The last 0..7 octets as one zero-padded word, each octet at the place
 * it has in a loaded word (no per-octet loop): an odd last octet is then
 * the high-order octet of a zero-padded 16-bit word.
 */
static inline uint64_t
tail64(const uint8_t *p, size_t len)
{
	uint64_t t = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	unsigned o = 0;

	if (len & 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		t = w;
		o = 4;
	}
	if (len & 2) {
		uint16_t w;

		memcpy(&w, p + o, 2);
		t |= (uint64_t)w << (o * 8);
		o += 2;
	}
	if (len & 1)
		t |= (uint64_t)p[o] << (o * 8);
#else
	memcpy(&t, p, len);
#endif
	return t;
}

/*
 * Octet i of a 32-octet window is kept when tail_keep[r + i] is 0xff,
 * i.e. when i >= 32 - r: the last r octets.
 */
static const uint8_t tail_keep[64] = {
	0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,
	0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0,
	0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0,    0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* 64 -> 16 bits, end-around carry at each step (RFC 1071 2(C)): a
 * nonzero sum never folds to 0. Host order, not swapped. */
static inline uint32_t
fold64(uint64_t a)
{
	uint32_t h = (uint32_t)(a >> 32), r = (uint32_t)a + h;

	r += r < h;
	r = (r & 0xffff) + (r >> 16);
	return (r & 0xffff) + (r >> 16);
}

/*
 * The last len % 32 octets of a buffer of at least 32, without a branch
 * on the length (packet lengths vary from one packet to the next, and
 * the branches of a per-size tail are mispredicted there: tw-bench-net):
 * the 32 octets that end the buffer, masked down to those not yet
 * summed. When len is odd that window starts at an odd offset, so its
 * octets sit one place off in the 16-bit words: its sum is rotated by 8
 * bits, which in this arithmetic (modulo 2^64 - 1, a multiple of
 * 2^16 - 1) multiplies it by 2^8, i.e. swaps the octets of its 16-bit
 * sum (RFC 1071 2(B)).
 */
static inline uint64_t
add_tail32(uint64_t a, const uint8_t *buf, size_t len)
{
	const uint8_t *w = buf + len - 32, *k = tail_keep + (len & 31);
	unsigned sh = (unsigned)(len & 1) * 8;
	uint64_t t;

	t = load64(w) & load64(k);
	t = add_carry(t, load64(w + 8) & load64(k + 8));
	t = add_carry(t, load64(w + 16) & load64(k + 16));
	t = add_carry(t, load64(w + 24) & load64(k + 24));
	t = (t << sh) | (t >> ((64 - sh) & 63));
	return add_carry(a, t);
}

uint32_t
tw_cksum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t a;
	uint32_t r;

	/*
	 * The running sum joins the accumulator first. Loaded words are in
	 * host order: on a little-endian host the sum goes in byte-swapped
	 * (each of its 16-bit halves swapped; their order does not matter).
	 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	a = __builtin_bswap32(sum);
#else
	a = sum;
#endif
	if (len >= 32) {
		for (size_t n = len >> 5; n > 0; n--) {
			a = add32(a, p);
			p += 32;
		}
		a = add_tail32(a, buf, len);
		goto fold;
	}
	while (len >= 64) {
		a = add32(a, p);
		a = add32(a, p + 32);
		p += 64;
		len -= 64;
	}
	if (len & 32) {
		a = add32(a, p);
		p += 32;
	}
	if (len & 16) {
		a = add_carry(a, load64(p));
		a = add_carry(a, load64(p + 8));
		p += 16;
	}
	if (len & 8) {
		a = add_carry(a, load64(p));
		p += 8;
	}
	if (len & 7)
		a = add_carry(a, tail64(p, len & 7));
fold:
	r = fold64(a);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	r = (uint16_t)(r << 8 | r >> 8);
#endif
	return r;
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
