/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net private declarations: the fast-path parsers shared (inlined) by
 * the module wrappers and by tw_pkt_parse(), and the reply helpers.
 */
#ifndef TW_NET_PRIV_H
#define TW_NET_PRIV_H

#include <stdbool.h>
#include <string.h>

#include "tw_net.h"

/* One's complement sum of a 20-octet IPv4 header: 8 + 8 + 4 octets in
 * a 64-bit accumulator with end-around carry, then folded. */
static inline uint16_t
net_ipv4_sum20(const uint8_t *h)
{
	uint64_t a, b;
	uint32_t c, r;

	memcpy(&a, h, 8);
	memcpy(&b, h + 8, 8);
	memcpy(&c, h + 16, 4);
	a += b;
	a += a < b;
	a += c;
	a += a < c;
	r = (uint32_t)a + (uint32_t)(a >> 32);
	r += r < (uint32_t)(a >> 32);
	r = (r & 0xffff) + (r >> 16);
	r = (r & 0xffff) + (r >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	r = (uint16_t)(r << 8 | r >> 8);
#endif
	return (uint16_t)r;
}

/* IPv4 pseudo-header sum (RFC 768) of UDP: the source and destination
 * addresses (8 contiguous octets), protocol and length; not folded. */
static inline uint32_t
net_phdr4_sum(const uint8_t *addrs, uint32_t ulen)
{
	return (uint32_t)tw_get16(addrs) + tw_get16(addrs + 2) +
	       tw_get16(addrs + 4) + tw_get16(addrs + 6) + TW_IPPROTO_UDP +
	       ulen;
}

/* IPv4 multicast (224/4) or limited broadcast: never a source address
 * (RFC 1122 3.2.1.3), never ours to answer from. */
static inline int
net_ipv4_is_group(const uint8_t *a)
{
	return (a[0] & 0xf0) == 0xe0 ||
	       (a[0] == 0xff && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff);
}

/*
 * A source address no UDP datagram we answer may carry (the group
 * sources are refused for every protocol by the IP parsers): IPv4 0/8
 * ("this network", only while a host starts) and 127/8 (loopback, never
 * outside a host), RFC 1122 3.2.1.3 (a) and (g), 240/4 (reserved, RFC
 * 6890: never a source); IPv6 :: and ::1, RFC 4291 2.5.2 and 2.5.3. An
 * answer would go nowhere, or to ourselves.
 */
static inline int
net_udp_martian(uint8_t ip_ver, const uint8_t *src)
{
	static const uint8_t loop6[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	uint64_t a, b, l;

	if (ip_ver == 4)
		return src[0] == 0 || src[0] == 127 || src[0] >= 240;
	memcpy(&a, src, 8);
	memcpy(&b, src + 8, 8);
	memcpy(&l, loop6, 8);
	return a == 0 && (b == 0 || b == l);
}

/*
 * The first octets of IPv4 sources the fast path refuses at once (one
 * load): 0, 127 and 224..255, i.e. net_ipv4_is_group() or
 * net_udp_martian() for every address with that first octet (the
 * general parser decides the same, one check at a time).
 */
static inline int
net_ipv4_bad_udp_src(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

/* The same for either version (IPv6: ff00::/8, RFC 4291 2.7). */
static inline int
net_is_group(uint8_t ip_ver, const uint8_t *a)
{
	return ip_ver == 4 ? net_ipv4_is_group(a) : a[0] == 0xff;
}

/*
 * Whether the options of an IPv4 header (@p hl octets) carry a loose or
 * strict source route (RFC 791 3.1, types 131 and 137), or cannot be
 * read (then also true: nothing we answer). Source-routed datagrams are
 * dropped (RFC 7126 4.3, 4.4), as the IPv6 parser drops a routing
 * header with segments left.
 */
static inline bool
net_ipv4_source_routed(const uint8_t *p, size_t hl)
{
	size_t o = TW_IPV4_HLEN;

	while (o < hl) {
		uint8_t t = p[o];

		if (t == 0) /* end of option list */
			return false;
		if (t == 1) { /* no operation */
			o++;
			continue;
		}
		if (t == 131 || t == 137)
			return true;
		if (hl - o < 2 || p[o + 1] < 2 || p[o + 1] > hl - o)
			return true;
		o += p[o + 1];
	}
	return false;
}

/* tw_ipv4_parse(), inlined into tw_pkt_parse(). */
static inline int
net_ipv4_parse(const uint8_t *p, size_t len, struct tw_ipv4_info *ip,
	       unsigned flags)
{
	size_t hl, tl;

	if (unlikely(len < TW_IPV4_HLEN))
		return -TW_ETRUNC;
	if (unlikely((p[0] >> 4) != 4))
		return -TW_EFORMAT;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (unlikely(hl < TW_IPV4_HLEN))
		return -TW_EFORMAT;
	if (unlikely(hl > len))
		return -TW_ETRUNC;
	tl = tw_get16(p + 2);
	if (unlikely(tl < hl))
		return -TW_EFORMAT;
	if (unlikely(tl > len))
		return -TW_ETRUNC;
	if (!(flags & TW_NET_F_NO_IP_CSUM)) {
		/* RFC 1071: the sum over a header with a correct checksum
		 * is all ones. */
		uint16_t s =
			likely(hl == TW_IPV4_HLEN)
				? net_ipv4_sum20(p)
				: tw_cksum_fold(tw_cksum_partial(p, hl, 0));
		if (unlikely(s != 0xffff))
			return -TW_ECSUM;
	}
	ip->src = p + 12;
	ip->dst = p + 16;
	ip->hdr_len = (uint16_t)hl;
	ip->total_len = (uint16_t)tl;
	ip->id = tw_get16(p + 4);
	ip->frag = tw_get16(p + 6);
	ip->tos = p[1];
	ip->ttl = p[8];
	ip->proto = p[9];
	/* RFC 1122 3.2.1.3: discard a multicast or broadcast source. */
	if (unlikely(net_ipv4_is_group(ip->src)))
		return -TW_EFORMAT;
	if (unlikely(hl > TW_IPV4_HLEN) && net_ipv4_source_routed(p, hl))
		return -TW_EFORMAT;
	/* RFC 791 3.2: a fragment has MF set or a nonzero offset. */
	if (unlikely(ip->frag & (TW_IPV4_MF | TW_IPV4_OFFMASK)))
		return -TW_EFRAG;
	return 0;
}

/* A flag of tw_pkt_udp_reply() for the tests: take the general path
 * (net_reply_l3(), checksum updated), not the common shape's. */
#define TW_NET_F_REPLY_GENERAL 0x8000u

/* tw_pkt_parse() without its fast path for the common shape (the
 * reference the fast path is tested against). */
int net_pkt_parse_general(const uint8_t *restrict f, size_t len,
			  struct tw_pkt *restrict pkt, unsigned flags);

/* Write the MACs, tags and ethertype; returns the length or -ENOSPC /
 * -EINVAL (no hdr_len needed in @eth). */
int net_eth_write(uint8_t *p, size_t cap, const uint8_t *dst,
		  const uint8_t *src, uint16_t ethertype, uint8_t n_tags,
		  const struct tw_vlan_tag *tags);

/*
 * Turn the L2 and L3 headers of a received frame around, in place, for a
 * reply carrying @l4_len octets of upper-layer data that is now at
 * pkt->l4_off: swap MACs and addresses, drop IPv4 options / IPv6
 * extension headers (moving the upper layer down), set lengths, TTL,
 * clear ECN, IPv4 DF and header checksum. Updates pkt->l4_off, l4_len,
 * frame_len, ttl. The caller has checked the sizes.
 */
void net_reply_l3(uint8_t *frame, struct tw_pkt *pkt, uint32_t l4_len,
		  uint8_t ttl, unsigned flags);

/* ICMPv6 checksum check of the upper layer described by @pkt. */
int net_icmp6_verify(const uint8_t *frame, const struct tw_pkt *pkt);

#endif /* TW_NET_PRIV_H */
