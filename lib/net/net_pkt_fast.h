/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net private: the straight parse of the common query frame shape,
 * inline, for tw_pkt_parse() and for the worker's classifier
 * (app/trustwire/classify.c), which calls it without a function call
 * per packet and falls back to net_pkt_parse_general() (net_priv.h);
 * and the straight reply to such a frame, for tw_pkt_udp_reply() and
 * the worker's cache hits (app/trustwire/worker.c).
 */
#ifndef TW_NET_PKT_FAST_H
#define TW_NET_PKT_FAST_H

#include <stdbool.h>
#include <string.h>

#include "net_priv.h"
#include "tw_net.h"

/*
 * The common shape of a DNS query frame, checked in one straight pass:
 * Ethernet, untagged or one 802.1Q tag; IPv4 without options or IPv6
 * without extension headers; UDP. It only accepts: it returns 0 (with
 * *pkt exactly as net_pkt_parse_general() fills it) when the frame is
 * of that shape and passes every check of the general parser, and 1
 * for anything else, good or bad, which the general parser then
 * decides. So no error comes from here (tests/unit/net/test_pkt.c
 * compares both on frames and random mutations of them).
 */
static inline int
net_pkt_parse_fast(const uint8_t *restrict f, size_t len,
		   struct tw_pkt *restrict pkt, unsigned flags)
{
	const uint8_t *ip, *u;
	uint32_t l3 = TW_ETH_HLEN, tl, ulen;
	uint16_t et, ck, tci = 0, tpid = 0;
	uint8_t n_tags = 0;

	if (unlikely(len <
		     TW_ETH_HLEN + TW_VLAN_HLEN + TW_IPV4_HLEN + TW_UDP_HLEN))
		return 1;
	et = tw_get16(f + 12);
	if (et == TW_ETHERTYPE_VLAN) {
		tpid = et;
		tci = tw_get16(f + 14);
		et = tw_get16(f + 16);
		l3 += TW_VLAN_HLEN;
		n_tags = 1;
	}
	ip = f + l3;
	if (likely(et == TW_ETHERTYPE_IPV4)) {
		/* Version 4, IHL 5; not a fragment (RFC 791 3.2); UDP. */
		if (unlikely(ip[0] != 0x45 || ip[9] != TW_IPPROTO_UDP ||
			     (tw_get16(ip + 6) &
			      (TW_IPV4_MF | TW_IPV4_OFFMASK)) != 0))
			return 1;
		tl = tw_get16(ip + 2);
		if (unlikely(tl < TW_IPV4_HLEN + TW_UDP_HLEN || tl > len - l3 ||
			     net_ipv4_bad_udp_src(ip + 12)))
			return 1;
		if (!(flags & TW_NET_F_NO_IP_CSUM) &&
		    unlikely(net_ipv4_sum20(ip) != 0xffff))
			return 1;
		u = ip + TW_IPV4_HLEN;
		ulen = tw_get16(u + 4);
		if (unlikely(ulen < TW_UDP_HLEN || ulen > tl - TW_IPV4_HLEN))
			return 1;
		ck = tw_get16(u + 6);
		if (ck != 0 && !(flags & TW_NET_F_NO_L4_CSUM) &&
		    unlikely(tw_cksum_partial(u, ulen,
					      net_phdr4_sum(ip + 12, ulen)) !=
			     0xffff))
			return 1;
		/* As the general parser: every other octet zero. */
		memset(pkt, 0, sizeof(*pkt));
		pkt->ip_ver = 4;
		pkt->src = ip + 12;
		pkt->dst = ip + 16;
		pkt->frame_len = l3 + tl;
		pkt->l4_off = l3 + TW_IPV4_HLEN;
		pkt->ttl = ip[8];
	} else if (likely(et == TW_ETHERTYPE_IPV6)) {
		/* Version 6, next header UDP, a unicast source (RFC 4291
		 * 2.7); RFC 8200 8.1: a zero UDP checksum is refused. */
		if (unlikely((ip[0] >> 4) != 6 || ip[6] != TW_IPPROTO_UDP ||
			     ip[8] == 0xff || net_udp_martian(6, ip + 8) ||
			     len < l3 + TW_IPV6_HLEN + TW_UDP_HLEN))
			return 1;
		tl = tw_get16(ip + 4);
		if (unlikely(tl > len - l3 - TW_IPV6_HLEN))
			return 1;
		u = ip + TW_IPV6_HLEN;
		ulen = tw_get16(u + 4);
		ck = tw_get16(u + 6);
		if (unlikely(ulen < TW_UDP_HLEN || ulen > tl || ck == 0))
			return 1;
		if (!(flags & TW_NET_F_NO_L4_CSUM) &&
		    unlikely(tw_cksum_partial(
				     u, ulen,
				     tw_cksum_partial(ip + 8, 32,
						      TW_IPPROTO_UDP + ulen)) !=
			     0xffff))
			return 1;
		/* As the general parser: every other octet zero. */
		memset(pkt, 0, sizeof(*pkt));
		pkt->ip_ver = 6;
		pkt->src = ip + 8;
		pkt->dst = ip + 24;
		pkt->frame_len = l3 + TW_IPV6_HLEN + tl;
		pkt->l4_off = l3 + TW_IPV6_HLEN;
		pkt->ttl = ip[7];
	} else {
		return 1;
	}
	pkt->eth.ethertype = et;
	pkt->eth.hdr_len = (uint16_t)l3;
	pkt->eth.n_tags = n_tags;
	pkt->eth.tag[0].tpid = tpid;
	pkt->eth.tag[0].tci = tci;
	pkt->l3_off = l3;
	pkt->l4_len = ulen;
	pkt->payload_off = pkt->l4_off + TW_UDP_HLEN;
	pkt->payload_len = ulen - TW_UDP_HLEN;
	pkt->sport = tw_get16(u);
	pkt->dport = tw_get16(u + 2);
	pkt->l4_proto = TW_IPPROTO_UDP;
	return 0;
}

/* The shape net_udp_reply_fast() answers: IPv4 without options, IPv6
 * without extension headers (the UDP header right after the IP one). */
static inline bool
net_udp_reply_plain(const struct tw_pkt *pkt)
{
	return pkt->l4_off - pkt->l3_off ==
	       (pkt->ip_ver == 4 ? TW_IPV4_HLEN : TW_IPV6_HLEN);
}

/* Swap two 6-octet MACs, two 4-octet or two 16-octet addresses in place. */
static inline void
net_swap_octets(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[16];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/*
 * net_reply_l3() + the UDP header for the common shape (IPv4 without
 * options, IPv6 without extension headers): the same octets, in one
 * straight pass. The IPv4 header checksum is summed again (five words)
 * instead of updated; both give the one value. With a port's checksum
 * offloads (@p flags), the fields the NIC expects: IPv4 header checksum
 * 0, the UDP checksum field holding the pseudo-header sum.
 *
 * For tw_pkt_udp_reply() and the worker's cache hits, inline: @p pkt is
 * a UDP summary from tw_pkt_parse() (or the classifier), with l4_off -
 * l3_off 20 (IPv4) or 40 (IPv6), and the payload of ulen - 8 octets is
 * in place and fits the frame's buffer (the caller checked).
 */
static inline void
net_udp_reply_fast(uint8_t *f, struct tw_pkt *pkt, uint32_t ulen, uint8_t ttl,
		   unsigned flags)
{
	uint8_t *ip = f + pkt->l3_off;
	uint8_t *u = f + pkt->l4_off;
	uint32_t s, ports;
	uint16_t c;

	if (ttl == 0)
		ttl = TW_NET_DEFAULT_TTL;
	net_swap_octets(f, f + TW_ETH_ALEN, TW_ETH_ALEN);
	if (pkt->ip_ver == 4) {
		net_swap_octets(ip + 12, ip + 16, 4);
		ip[1] &= 0xfc; /* ECN (RFC 3168 5): not negotiated for DNS */
		tw_put16(ip + 2, (uint16_t)(TW_IPV4_HLEN + ulen));
		tw_put16(ip + 6, TW_IPV4_DF);
		ip[8] = ttl;
		tw_put16(ip + 10, 0);
		if (!(flags & TW_NET_F_TX_IP_OFFLOAD))
			tw_put16(ip + 10, (uint16_t)~net_ipv4_sum20(ip));
		s = net_phdr4_sum(ip + 12, ulen);
	} else {
		net_swap_octets(ip + 8, ip + 24, 16);
		ip[1] &= 0xcf; /* ECN: low two bits of the traffic class */
		tw_put16(ip + 4, (uint16_t)ulen);
		ip[7] = ttl;
		s = tw_cksum_partial(ip + 8, 32, TW_IPPROTO_UDP + ulen);
	}
	/* Ports swapped: a 32-bit rotate of the first word. */
	memcpy(&ports, u, 4);
	ports = ports << 16 | ports >> 16;
	memcpy(u, &ports, 4);
	tw_put16(u + 4, (uint16_t)ulen);
	tw_put16(u + 6, 0);
	if (flags & TW_NET_F_TX_L4_OFFLOAD) {
		/* The NIC adds header and data and complements. */
		tw_put16(u + 6, tw_cksum_fold(s));
	} else {
		c = (uint16_t)~tw_cksum_partial(u, ulen, s);
		tw_put16(u + 6, c == 0 ? 0xffff : c); /* RFC 768 */
	}
	pkt->l4_len = ulen;
	pkt->frame_len = pkt->l4_off + ulen;
	pkt->ttl = ttl;
}

#endif /* TW_NET_PKT_FAST_H */
