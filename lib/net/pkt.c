/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-frame summary for the worker's fast path, and the in-place turn
 * around of a UDP query frame into its response.
 */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"
#include "net_pkt_fast.h"

int
tw_pkt_parse(const uint8_t *restrict f, size_t len, struct tw_pkt *restrict pkt,
	     unsigned flags)
{
	if (likely(net_pkt_parse_fast(f, len, pkt, flags) == 0))
		return 0;
	return net_pkt_parse_general(f, len, pkt, flags);
}

int
net_pkt_parse_general(const uint8_t *restrict f, size_t len,
		      struct tw_pkt *restrict pkt, unsigned flags)
{
	const uint8_t *u;
	uint32_t l3, ulen;
	uint16_t et, ck;
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	if (unlikely(len < TW_ETH_HLEN))
		return -TW_ETRUNC;
	et = tw_get16(f + 12);
	if (likely(et == TW_ETHERTYPE_IPV4 || et == TW_ETHERTYPE_IPV6)) {
		pkt->eth.ethertype = et;
		pkt->eth.hdr_len = TW_ETH_HLEN;
	} else {
		rc = tw_eth_parse(f, len, &pkt->eth);
		if (rc != 0)
			return rc;
	}
	l3 = pkt->eth.hdr_len;
	pkt->l3_off = l3;

	if (likely(pkt->eth.ethertype == TW_ETHERTYPE_IPV4)) {
		struct tw_ipv4_info ip;

		rc = net_ipv4_parse(f + l3, len - l3, &ip, flags);
		if (unlikely(rc != 0))
			return rc;
		pkt->ip_ver = 4;
		pkt->src = ip.src;
		pkt->dst = ip.dst;
		pkt->ttl = ip.ttl;
		pkt->l4_proto = ip.proto;
		pkt->l4_off = l3 + ip.hdr_len;
		pkt->l4_len = (uint32_t)ip.total_len - ip.hdr_len;
		pkt->frame_len = l3 + ip.total_len;
	} else if (pkt->eth.ethertype == TW_ETHERTYPE_IPV6) {
		struct tw_ipv6_info ip6;

		rc = tw_ipv6_parse(f + l3, len - l3, &ip6);
		if (unlikely(rc != 0)) {
			/* -TW_EPROTO comes after the fixed header was read. */
			if (rc == -TW_EPROTO) {
				pkt->ip_ver = 6;
				pkt->src = ip6.src;
				pkt->dst = ip6.dst;
				pkt->ttl = ip6.hop_limit;
				pkt->frame_len =
					l3 + TW_IPV6_HLEN + ip6.payload_len;
			}
			return rc;
		}
		pkt->ip_ver = 6;
		pkt->src = ip6.src;
		pkt->dst = ip6.dst;
		pkt->ttl = ip6.hop_limit;
		pkt->l4_proto = ip6.proto;
		pkt->l4_off = l3 + ip6.l4_off;
		pkt->l4_len = ip6.l4_len;
		pkt->frame_len = l3 + TW_IPV6_HLEN + ip6.payload_len;
	} else {
		return -TW_EPROTO;
	}

	if (unlikely(pkt->l4_proto != TW_IPPROTO_UDP))
		return -TW_EPROTO;
	if (unlikely(pkt->l4_len < TW_UDP_HLEN))
		return -TW_ETRUNC;
	if (unlikely(net_udp_martian(pkt->ip_ver, pkt->src)))
		return -TW_EFORMAT;
	u = f + pkt->l4_off;
	ulen = tw_get16(u + 4);
	if (unlikely(ulen < TW_UDP_HLEN))
		return -TW_EFORMAT;
	if (unlikely(ulen > pkt->l4_len))
		return -TW_ETRUNC;
	ck = tw_get16(u + 6);
	/* RFC 8200 8.1: no zero UDP checksum over IPv6. */
	if (unlikely(ck == 0 && pkt->ip_ver == 6))
		return -TW_ECSUM;
	/* RFC 768: zero over IPv4 means the sender computed none. */
	if (!(flags & TW_NET_F_NO_L4_CSUM) && ck != 0) {
		uint32_t s = pkt->ip_ver == 4
				     ? tw_ipv4_phdr_sum(pkt->src, pkt->dst,
							TW_IPPROTO_UDP, ulen)
				     : tw_ipv6_phdr_sum(pkt->src, pkt->dst,
							TW_IPPROTO_UDP, ulen);
		if (unlikely(tw_cksum_partial(u, ulen, s) != 0xffff))
			return -TW_ECSUM;
	}
	pkt->sport = tw_get16(u);
	pkt->dport = tw_get16(u + 2);
	pkt->l4_len = ulen;
	pkt->payload_off = pkt->l4_off + TW_UDP_HLEN;
	pkt->payload_len = ulen - TW_UDP_HLEN;
	return 0;
}

void
net_reply_l3(uint8_t *f, struct tw_pkt *pkt, uint32_t l4_len, uint8_t ttl,
	     unsigned flags)
{
	uint8_t *ip = f + pkt->l3_off;
	uint32_t hl = pkt->l4_off - pkt->l3_off;
	uint8_t t[16];

	if (ttl == 0)
		ttl = TW_NET_DEFAULT_TTL;
	/* Back to where the request came from; the tags stay. */
	memcpy(t, f, TW_ETH_ALEN);
	memcpy(f, f + TW_ETH_ALEN, TW_ETH_ALEN);
	memcpy(f + TW_ETH_ALEN, t, TW_ETH_ALEN);

	if (pkt->ip_ver == 4) {
		uint16_t w0, w1, w3, w4, c;
		uint32_t s;

		/* Swapping the addresses leaves the checksum as it is. */
		memcpy(t, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, t, 4);
		if (hl != TW_IPV4_HLEN)
			memmove(ip + TW_IPV4_HLEN, f + pkt->l4_off, l4_len);
		w0 = tw_get16(ip);
		w1 = tw_get16(ip + 2);
		w3 = tw_get16(ip + 6);
		w4 = tw_get16(ip + 8);
		c = tw_get16(ip + 10);
		ip[0] = 0x45;
		ip[1] &= 0xfc; /* ECN (RFC 3168 5): not negotiated for DNS */
		tw_put16(ip + 2, (uint16_t)(TW_IPV4_HLEN + l4_len));
		tw_put16(ip + 6, TW_IPV4_DF);
		ip[8] = ttl;
		if (flags & TW_NET_F_TX_IP_OFFLOAD) {
			c = 0;
		} else if (hl != TW_IPV4_HLEN) {
			tw_put16(ip + 10, 0);
			c = (uint16_t)~net_ipv4_sum20(ip);
		} else {
			/* RFC 1624 eqn 3 over the four words that changed. */
			s = (uint32_t)(uint16_t)~c + (uint16_t)~w0 +
			    tw_get16(ip) + (uint16_t)~w1 + tw_get16(ip + 2) +
			    (uint16_t)~w3 + tw_get16(ip + 6) + (uint16_t)~w4 +
			    tw_get16(ip + 8);
			c = (uint16_t)~tw_cksum_fold(s);
		}
		tw_put16(ip + 10, c);
		pkt->l4_off = pkt->l3_off + TW_IPV4_HLEN;
	} else {
		memcpy(t, ip + 8, 16);
		memmove(ip + 8, ip + 24, 16);
		memcpy(ip + 24, t, 16);
		if (hl != TW_IPV6_HLEN) {
			memmove(ip + TW_IPV6_HLEN, f + pkt->l4_off, l4_len);
			ip[6] = pkt->l4_proto;
		}
		ip[1] &= 0xcf; /* ECN: low two bits of the traffic class */
		tw_put16(ip + 4, (uint16_t)l4_len);
		ip[7] = ttl;
		pkt->l4_off = pkt->l3_off + TW_IPV6_HLEN;
	}
	pkt->l4_len = l4_len;
	pkt->frame_len = pkt->l4_off + l4_len;
	pkt->ttl = ttl;
}

/* UDP length and checksum of a datagram whose payload is in place. */
static void
udp_finish(uint8_t *u, uint32_t ulen, const struct tw_pkt *pkt, unsigned flags,
	   const uint32_t *payload_sum)
{
	uint32_t s;
	uint16_t c;

	tw_put16(u + 4, (uint16_t)ulen);
	tw_put16(u + 6, 0);
	s = pkt->ip_ver == 4
		    ? tw_ipv4_phdr_sum(pkt->src, pkt->dst, TW_IPPROTO_UDP, ulen)
		    : tw_ipv6_phdr_sum(pkt->src, pkt->dst, TW_IPPROTO_UDP,
				       ulen);
	if (flags & TW_NET_F_TX_L4_OFFLOAD) {
		/* The NIC adds header and data and complements. */
		tw_put16(u + 6, tw_cksum_fold(s));
		return;
	}
	if (payload_sum != NULL) {
		uint64_t t = (uint64_t)tw_cksum_partial(u, TW_UDP_HLEN, s) +
			     *payload_sum;
		s = (uint32_t)((t & 0xffff) + (t >> 16));
	} else {
		s = tw_cksum_partial(u, ulen, s);
	}
	c = (uint16_t)~tw_cksum_fold(s);
	tw_put16(u + 6, c == 0 ? 0xffff : c); /* RFC 768 */
}

const char *
tw_net_reply_src_problem(uint8_t ip_ver, const uint8_t *addr)
{
	static const uint8_t zero[16];

	if (net_is_group(ip_ver, addr))
		return ip_ver == 4 && addr[0] == 0xff
			       ? "the limited broadcast address"
			       : "a multicast address";
	if (!net_udp_martian(ip_ver, addr))
		return NULL;
	if (memcmp(addr, zero, ip_ver == 4 ? 4 : 16) == 0)
		return "the unspecified address";
	if (ip_ver != 4)
		return "the loopback address";
	return addr[0] == 127 ? "a loopback address"
	       : addr[0] == 0 ? "an address of 0/8 (this network)"
			      : "a reserved address (240/4)";
}

static int
udp_reply(uint8_t *f, size_t cap, struct tw_pkt *pkt, size_t plen, uint8_t ttl,
	  unsigned flags, const uint32_t *payload_sum)
{
	uint16_t sport, dport;
	uint32_t ulen;
	uint8_t *u;

	if ((pkt->ip_ver != 4 && pkt->ip_ver != 6) ||
	    pkt->l4_proto != TW_IPPROTO_UDP || pkt->l4_off == 0 ||
	    pkt->payload_off != pkt->l4_off + TW_UDP_HLEN)
		return -EINVAL;
	/* Answering a group address would send from it; nor is a reply
	 * sent from an address no UDP source may have (net_udp_martian()):
	 * it would not parse at the other end. */
	if (tw_net_reply_src_problem(pkt->ip_ver, pkt->dst) != NULL)
		return -TW_EPROTO;
	if (plen > cap || pkt->payload_off > cap - plen)
		return -ENOSPC;
	if (plen > 0xffff - TW_UDP_HLEN - (pkt->ip_ver == 4 ? TW_IPV4_HLEN : 0))
		return -EMSGSIZE;
	ulen = (uint32_t)plen + TW_UDP_HLEN;
	if (likely(payload_sum == NULL && !(flags & TW_NET_F_REPLY_GENERAL) &&
		   net_udp_reply_plain(pkt))) {
		net_udp_reply_fast(f, pkt, ulen, ttl, flags);
		u = f + pkt->l4_off;
		pkt->sport = tw_get16(u);
		pkt->dport = tw_get16(u + 2);
		pkt->payload_len = (uint32_t)plen;
		return (int)pkt->frame_len;
	}
	net_reply_l3(f, pkt, ulen, ttl, flags);
	u = f + pkt->l4_off;
	sport = tw_get16(u + 2); /* our port, the query's destination */
	dport = tw_get16(u);
	tw_put16(u, sport);
	tw_put16(u + 2, dport);
	udp_finish(u, ulen, pkt, flags, payload_sum);
	pkt->sport = sport;
	pkt->dport = dport;
	pkt->payload_off = pkt->l4_off + TW_UDP_HLEN;
	pkt->payload_len = (uint32_t)plen;
	return (int)pkt->frame_len;
}

int
tw_pkt_udp_reply(uint8_t *frame, size_t cap, struct tw_pkt *pkt,
		 size_t payload_len, uint8_t ttl, unsigned flags)
{
	return udp_reply(frame, cap, pkt, payload_len, ttl, flags, NULL);
}

int
tw_pkt_udp_reply_sum(uint8_t *frame, size_t cap, struct tw_pkt *pkt,
		     size_t payload_len, uint8_t ttl, unsigned flags,
		     uint32_t payload_sum)
{
	return udp_reply(frame, cap, pkt, payload_len, ttl, flags,
			 &payload_sum);
}

size_t
tw_pkt_udp_hdr_len(const struct tw_udp_flow *fl)
{
	size_t l2 = TW_ETH_HLEN + (size_t)fl->n_tags * TW_VLAN_HLEN;

	if (fl->n_tags > TW_ETH_MAX_TAGS)
		return 0;
	if (fl->ip_ver == 4)
		return l2 + TW_IPV4_HLEN + TW_UDP_HLEN;
	if (fl->ip_ver == 6)
		return l2 + TW_IPV6_HLEN + TW_UDP_HLEN;
	return 0;
}

int
tw_pkt_udp_build(uint8_t *f, size_t cap, const struct tw_udp_flow *fl,
		 size_t plen, struct tw_pkt *pkt, unsigned flags)
{
	size_t hl = tw_pkt_udp_hdr_len(fl);
	uint8_t ttl = fl->ttl ? fl->ttl : TW_NET_DEFAULT_TTL;
	struct tw_pkt tmp;
	uint32_t ulen;
	uint8_t *ip;
	int l2;

	if (hl == 0)
		return -EINVAL;
	if (plen > cap || hl > cap - plen)
		return -ENOSPC;
	if (plen > 0xffff - TW_UDP_HLEN - (fl->ip_ver == 4 ? TW_IPV4_HLEN : 0))
		return -EMSGSIZE;
	ulen = (uint32_t)plen + TW_UDP_HLEN;
	l2 = net_eth_write(f, cap, fl->dst_mac, fl->src_mac,
			   fl->ip_ver == 4 ? TW_ETHERTYPE_IPV4
					   : TW_ETHERTYPE_IPV6,
			   fl->n_tags, fl->tag);
	ip = f + l2;
	memset(&tmp, 0, sizeof(tmp));
	tmp.ip_ver = fl->ip_ver;
	if (fl->ip_ver == 4) {
		struct tw_ipv4_info ip4 = {
			.src = fl->src,
			.dst = fl->dst,
			.total_len = (uint16_t)(TW_IPV4_HLEN + ulen),
			.id = fl->ip_id,
			.frag = TW_IPV4_DF,
			.tos = fl->tos,
			.ttl = ttl,
			.proto = TW_IPPROTO_UDP,
		};
		tw_ipv4_build(ip, TW_IPV4_HLEN, &ip4);
		if (flags & TW_NET_F_TX_IP_OFFLOAD)
			tw_put16(ip + 10, 0);
		tmp.src = ip + 12;
		tmp.dst = ip + 16;
		ip += TW_IPV4_HLEN;
	} else {
		struct tw_ipv6_info ip6 = {
			.src = fl->src,
			.dst = fl->dst,
			.flow = fl->flow_label,
			.payload_len = (uint16_t)ulen,
			.tclass = fl->tos,
			.next_hdr = TW_IPPROTO_UDP,
			.hop_limit = ttl,
		};
		tw_ipv6_build(ip, TW_IPV6_HLEN, &ip6);
		tmp.src = ip + 8;
		tmp.dst = ip + 24;
		ip += TW_IPV6_HLEN;
	}
	tw_udp_build(ip, TW_UDP_HLEN, fl->sport, fl->dport, plen);
	udp_finish(ip, ulen, &tmp, flags, NULL);
	/* Cannot fail: the frame was just built (checksums may be left to
	 * the NIC, so they are not checked). */
	if (pkt != NULL)
		(void)tw_pkt_parse(f, hl + plen, pkt,
				   TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM);
	return (int)(hl + plen);
}
