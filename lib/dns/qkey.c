/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Question key: the worker's hit-path parse. Reads the header and the
 * question only: one walk over the length octets finds the name's end,
 * then one pass over the question eight octets at a time lowercases the
 * name into the key, keeps QTYPE/QCLASS verbatim and feeds each word to
 * the hash straight from the register.
 *
 * Hash: a seeded multiply-fold hash over 8-octet words. Each word is
 * XORed into the state, which is multiplied (64 x 64 -> 128 bits) by an
 * odd constant and folded (high half XOR low half). The seed enters the
 * initial state, so an attacker who does not know it cannot aim for a
 * zero product or a collision; the final fold avalanches all 64 bits
 * before the 32-bit result is taken. Measured against a per-octet
 * FNV-1a with a final avalanche in app/bench-dns (doc/performance.md):
 * about three times faster on a 21-octet key, one multiply per 8 octets
 * instead of one per octet.
 */
#include <stdint.h>
#include <string.h>

#include "dns_priv.h"
#include "tw_dns.h"

#define K0 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio */
#define K1 0xd6e8feb86659fd93ull
#define K2 0xa0761d6478bd642full

static inline uint64_t
fold_mul(uint64_t a, uint64_t b)
{
	__extension__ unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Little-endian loads and stores: octet i of the key is bits 8i..8i+7
 * of a word on every host, so the hash does not depend on byte order. */
static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void
store64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

static inline uint64_t
load32(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24;
}

/*
 * The hash, a pure function of (key octets, seed):
 *   h = seed:seed ^ K0 ^ len
 *   for each 8-octet word w before the last 1..8 octets: h = F(h ^ w, K1)
 *   h = F(h ^ tail, K2), tail = the last 1..8 octets, zero-extended
 *   result = low 32 bits of h ^ h >> 32
 * with F the folded 64 x 64 -> 128-bit product and words little-endian.
 */
static inline uint64_t
qhash_init(size_t len, uint32_t seed)
{
	return ((uint64_t)seed << 32 | seed) ^ K0 ^ len;
}

static inline uint32_t
qhash_final(uint64_t h, uint64_t tail)
{
	h = fold_mul(h ^ tail, K2);
	return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t
qhash(const uint8_t *p, size_t len, uint32_t seed)
{
	uint64_t h = qhash_init(len, seed);
	uint64_t w;

	if (len > 8) {
		const uint8_t *end = p + len;

		for (; end - p > 8; p += 8)
			h = fold_mul(h ^ load64(p), K1);
		/* The last 8 octets, shifted down to the 1..8 not hashed. */
		w = load64(end - 8) >> (8 * (8 - (size_t)(end - p)));
	} else if (len >= 4) {
		/* Overlapping loads: the octets they share agree. */
		w = load32(p) | load32(p + len - 4) << (8 * (len - 4));
	} else if (len > 0) {
		w = (uint64_t)p[0] | (uint64_t)p[len / 2] << (8 * (len / 2)) |
		    (uint64_t)p[len - 1] << (8 * (len - 1));
	} else {
		w = 0;
	}
	return qhash_final(h, w);
}

uint32_t
tw_dns_qkey_hash(const uint8_t *key, size_t len, uint32_t seed)
{
	return qhash(key, len, seed);
}

/*
 * ASCII lowercase of the octets of @p x selected by @p mask: for octets
 * < 0x80, adding 0x3f sets bit 7 when the octet is >= 'A', adding 0x25
 * when it is > 'Z'; neither sum carries into the next octet. Octets >=
 * 0x80 are left alone (RFC 4343 3: only A-Z fold).
 */
static inline uint64_t
lower8(uint64_t x, uint64_t mask)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full, hi = 0x8080808080808080ull;
	uint64_t h7 = x & lo7;
	uint64_t ge_a = h7 + 0x3f3f3f3f3f3f3f3full;
	uint64_t gt_z = h7 + 0x2525252525252525ull;
	uint64_t upper = (ge_a ^ gt_z) & ~x & hi & mask;

	return x | upper >> 2;
}

int
tw_dns_qkey_parse(const uint8_t *pkt, size_t len, uint32_t seed,
		  struct tw_dns_qkey *k)
{
	const uint8_t *q = pkt + TW_DNS_HDR_LEN;
	size_t avail, pos = 0, name_len, klen, i;

	if (unlikely(len < TW_DNS_HDR_LEN + 5))
		return -TW_ETRUNC;
	/* A query (QR clear) with exactly one question. */
	if (unlikely((pkt[2] & 0x80) != 0 || tw_get16(pkt + 4) != 1))
		return -TW_EFORMAT;
	avail = len - TW_DNS_HDR_LEN;

	/* Walk the length octets only (RFC 1035 4.1.2, 2.3.4). */
	for (;;) {
		uint8_t c;

		if (unlikely(pos >= avail))
			return -TW_ETRUNC;
		c = q[pos];
		if (c == 0)
			break;
		if (unlikely(c > TW_DNS_LABEL_MAX))
			return c >= TW_DNS_LABEL_PTR ? -TW_EFORMAT : -TW_ELABEL;
		pos += (size_t)c + 1;
		if (unlikely(pos > TW_DNS_NAME_MAX - 1))
			return -TW_ENAMELEN;
	}
	name_len = pos + 1;
	klen = name_len + 4;
	if (unlikely(klen > avail))
		return -TW_ETRUNC;

	k->name_len = (uint16_t)name_len;
	k->len = (uint16_t)klen;
	if (unlikely(klen < 8)) {
		/* The root or a one-octet label: no full word. */
		for (i = 0; i < name_len; i++)
			k->key[i] = tw_dns_lc(q[i]);
		memcpy(k->key + name_len, q + name_len, 4);
		k->hash = qhash(k->key, klen, seed);
		return (int)(TW_DNS_HDR_LEN + klen);
	}

	/*
	 * One pass, 8 octets at a time: load, fold the name octets (QTYPE
	 * and QCLASS stay verbatim), store into the key and hash from the
	 * register. Length octets are < 64, never letters, and go through
	 * the fold unchanged. The last word is the key's last 8 octets,
	 * overlapping the previous one: it is inside the question, and its
	 * name octets are its low 4.
	 */
	uint64_t h = qhash_init(klen, seed), w;

	for (i = 0; klen - i > 8; i += 8) {
		size_t n = name_len - i; /* > 4 name octets in this word */
		uint64_t mask = n >= 8 ? ~0ull : (1ull << (8 * n)) - 1;

		w = lower8(load64(q + i), mask);
		store64(k->key + i, w);
		h = fold_mul(h ^ w, K1);
	}
	w = lower8(load64(q + klen - 8), 0xffffffffull);
	store64(k->key + klen - 8, w);
	k->hash = qhash_final(h, w >> (8 * (8 - (klen - i))));
	return (int)(TW_DNS_HDR_LEN + klen);
}
