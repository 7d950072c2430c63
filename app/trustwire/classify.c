/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PLACEHOLDER classifier until lib/net lands (see classify.h). Minimal,
 * bounds-checked parsing of Ethernet (RFC 894), one 802.1Q tag, IPv4
 * (RFC 791), IPv6 (RFC 8200) and UDP (RFC 768).
 */
#include <string.h>

#include "classify.h"

#define ETH_HLEN       14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd
#define IPPROTO_UDP_   17
#define UDP_HLEN       8

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static enum tw_pkt_class
done(struct tw_pkt *pkt, enum tw_pkt_class c)
{
	pkt->cls = (uint8_t)c;
	return c;
}

static int
find_v4(const struct tw_classify_ctx *cx, const uint8_t *a)
{
	int i;

	for (i = 0; i < cx->n_v4; i++)
		if (memcmp(cx->v4[i], a, 4) == 0)
			return i;
	return -1;
}

static int
find_v6(const struct tw_classify_ctx *cx, const uint8_t *a)
{
	int i;

	for (i = 0; i < cx->n_v6; i++)
		if (memcmp(cx->v6[i], a, 16) == 0)
			return i;
	return -1;
}

static int
find_upstream(const struct tw_classify_ctx *cx, uint8_t family,
	      const uint8_t *a, uint16_t port)
{
	size_t alen = family == 4 ? 4 : 16;
	int i;

	for (i = 0; i < cx->n_up; i++)
		if (cx->up[i].family == family && cx->up[i].port == port &&
		    memcmp(cx->up[i].addr, a, alen) == 0)
			return i;
	return -1;
}

/* UDP to one of our addresses: query, upstream answer, spoof or other. */
static enum tw_pkt_class
classify_udp(const struct tw_classify_ctx *cx, const uint8_t *frame,
	     size_t l4_len, struct tw_pkt *pkt)
{
	const uint8_t *udp = frame + pkt->l2_len + pkt->l3_len;
	uint16_t ulen;
	int up;

	if (l4_len < UDP_HLEN)
		return done(pkt, TW_PKT_MALFORMED);
	ulen = get16(udp + 4);
	if (ulen < UDP_HLEN || ulen > l4_len)
		return done(pkt, TW_PKT_MALFORMED);
	pkt->sport = get16(udp);
	pkt->dport = get16(udp + 2);
	pkt->payload_off = (uint16_t)(pkt->l2_len + pkt->l3_len + UDP_HLEN);
	pkt->payload_len = (uint16_t)(ulen - UDP_HLEN);
	up = find_upstream(cx, pkt->family, frame + pkt->src_off, pkt->sport);
	if (up >= 0) {
		pkt->up_idx = (uint8_t)up;
		return done(pkt, TW_PKT_UPSTREAM);
	}
	if (pkt->dport == TW_DNS_PORT)
		return done(pkt, TW_PKT_DNS_QUERY);
	/* A DNS answer from anyone but our upstreams (RFC 5452 9.1). */
	if (pkt->sport == TW_DNS_PORT)
		return done(pkt, TW_PKT_SPOOFED);
	/* Other UDP: the kernel answers with ICMP port unreachable. */
	return done(pkt, TW_PKT_EXCEPTION);
}

static enum tw_pkt_class
classify_v4(const struct tw_classify_ctx *cx, const uint8_t *frame, size_t len,
	    struct tw_pkt *pkt)
{
	const uint8_t *ip = frame + pkt->l2_len;
	size_t avail = len - pkt->l2_len;
	unsigned ihl, total, frag;
	int idx;

	if (avail < 20 || (ip[0] >> 4) != 4)
		return done(pkt, TW_PKT_MALFORMED);
	ihl = (unsigned)(ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	if (ihl < 20 || total < ihl || total > avail)
		return done(pkt, TW_PKT_MALFORMED);
	pkt->family = 4;
	pkt->l3_len = (uint16_t)ihl;
	pkt->proto = ip[9];
	pkt->src_off = (uint16_t)(pkt->l2_len + 12);
	pkt->dst_off = (uint16_t)(pkt->l2_len + 16);
	idx = find_v4(cx, ip + 16);
	if (idx < 0) {
		/* Broadcast and multicast (224/4) are the kernel's. */
		if ((ip[16] & 0xf0) == 0xe0 ||
		    memcmp(ip + 16, "\xff\xff\xff\xff", 4) == 0)
			return done(pkt, TW_PKT_EXCEPTION);
		return done(pkt, TW_PKT_NOT_OURS);
	}
	pkt->addr_idx = (uint8_t)idx;
	/* MF set or a fragment offset: refused, never reassembled. */
	frag = get16(ip + 6);
	if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0)
		return done(pkt, TW_PKT_FRAGMENT);
	if (pkt->proto != IPPROTO_UDP_)
		return done(pkt, TW_PKT_EXCEPTION);
	return classify_udp(cx, frame, total - ihl, pkt);
}

static enum tw_pkt_class
classify_v6(const struct tw_classify_ctx *cx, const uint8_t *frame, size_t len,
	    struct tw_pkt *pkt)
{
	const uint8_t *ip = frame + pkt->l2_len;
	size_t avail = len - pkt->l2_len;
	unsigned plen;
	int idx;

	if (avail < 40 || (ip[0] >> 4) != 6)
		return done(pkt, TW_PKT_MALFORMED);
	plen = get16(ip + 4);
	if (plen > avail - 40)
		return done(pkt, TW_PKT_MALFORMED);
	pkt->family = 6;
	pkt->l3_len = 40;
	pkt->proto = ip[6];
	pkt->src_off = (uint16_t)(pkt->l2_len + 8);
	pkt->dst_off = (uint16_t)(pkt->l2_len + 24);
	idx = find_v6(cx, ip + 24);
	if (idx < 0) {
		/*
		 * Multicast (ff00::/8: ND solicitations, RFC 4861 7.2.2) and
		 * link-local unicast (the kernel side's fe80:: address) go to
		 * the kernel.
		 */
		if (ip[24] == 0xff ||
		    (ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80))
			return done(pkt, TW_PKT_EXCEPTION);
		return done(pkt, TW_PKT_NOT_OURS);
	}
	pkt->addr_idx = (uint8_t)idx;
	if (pkt->proto == 44) /* Fragment header (RFC 8200 4.5) */
		return done(pkt, TW_PKT_FRAGMENT);
	/* Other extension headers, ICMPv6, TCP: the kernel's. */
	if (pkt->proto != IPPROTO_UDP_)
		return done(pkt, TW_PKT_EXCEPTION);
	return classify_udp(cx, frame, plen, pkt);
}

enum tw_pkt_class
tw_classify(const struct tw_classify_ctx *cx, const uint8_t *frame, size_t len,
	    struct tw_pkt *pkt)
{
	uint16_t type;

	memset(pkt, 0, sizeof(*pkt));
	if (len < ETH_HLEN)
		return done(pkt, TW_PKT_MALFORMED);
	/* Unicast to another MAC: not ours (promiscuous/af_packet ports). */
	if ((frame[0] & 1) == 0 && memcmp(frame, cx->mac, 6) != 0)
		return done(pkt, TW_PKT_NOT_OURS);
	pkt->l2_len = ETH_HLEN;
	type = get16(frame + 12);
	if (type == ETHERTYPE_VLAN) {
		if (len < ETH_HLEN + 4)
			return done(pkt, TW_PKT_MALFORMED);
		type = get16(frame + 16);
		pkt->l2_len = ETH_HLEN + 4;
	}
	pkt->ethertype = type;
	switch (type) {
	case ETHERTYPE_IPV4:
		return classify_v4(cx, frame, len, pkt);
	case ETHERTYPE_IPV6:
		return classify_v6(cx, frame, len, pkt);
	case ETHERTYPE_ARP:
	default:
		/* ARP, LLDP, QinQ, ...: the kernel decides. */
		return done(pkt, TW_PKT_EXCEPTION);
	}
}

const char *
tw_pkt_class_str(enum tw_pkt_class c)
{
	static const char *const names[TW_PKT_CLASS_MAX] = {
		[TW_PKT_NOT_OURS] = "not_ours",
		[TW_PKT_MALFORMED] = "malformed",
		[TW_PKT_FRAGMENT] = "fragment",
		[TW_PKT_SPOOFED] = "spoofed",
		[TW_PKT_DNS_QUERY] = "dns_query",
		[TW_PKT_UPSTREAM] = "upstream",
		[TW_PKT_EXCEPTION] = "exception",
	};

	return (unsigned)c < TW_PKT_CLASS_MAX ? names[c] : "?";
}
