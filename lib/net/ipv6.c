/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 (RFC 8200): fixed header, extension header walk, build. */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

int
tw_ipv6_ext_walk(const uint8_t *p, size_t len, uint8_t nh, uint8_t *proto,
		 uint32_t *off)
{
	size_t o = 0;

	for (unsigned n = 0;; n++) {
		size_t hl;

		switch (nh) {
		case TW_IPPROTO_HOPOPTS:
			/* RFC 8200 4.3: only right after the fixed header. */
			if (n != 0)
				return -TW_EFORMAT;
			/* fall through */
		case TW_IPPROTO_ROUTING:
		case TW_IPPROTO_DSTOPTS:
		case TW_IPPROTO_MH:
		case TW_IPPROTO_HIP:
		case TW_IPPROTO_SHIM6:
		case 253: /* RFC 3692 experimentation and testing */
		case 254:
			/* RFC 8200 4.4-4.6: Hdr Ext Len in 8-octet units, not
			 * counting the first 8 octets. */
			if (len - o < 2)
				return -TW_ETRUNC;
			hl = ((size_t)p[o + 1] + 1) * 8;
			break;
		case TW_IPPROTO_AH:
			/* RFC 4302 2.2: Payload Len in 4-octet units, minus 2. */
			if (len - o < 2)
				return -TW_ETRUNC;
			hl = ((size_t)p[o + 1] + 2) * 4;
			break;
		case TW_IPPROTO_FRAGMENT:
			return -TW_EFRAG;
		default:
			/* Upper layer, ESP (opaque), No Next Header. */
			*proto = nh;
			*off = (uint32_t)o;
			return 0;
		}
		if (n == TW_IPV6_MAX_EXT)
			return -TW_EPROTO;
		if (hl > len - o)
			return -TW_ETRUNC;
		/* RFC 8200 4.4: with segments left != 0 the packet is for the
		 * next hop of the route, not for us: we do not route. */
		if (nh == TW_IPPROTO_ROUTING && p[o + 3] != 0)
			return -TW_EPROTO;
		nh = p[o];
		o += hl;
	}
}

int
tw_ipv6_parse(const uint8_t *p, size_t len, struct tw_ipv6_info *ip6)
{
	uint32_t w;
	size_t plen;
	int rc;

	if (unlikely(len < TW_IPV6_HLEN))
		return -TW_ETRUNC;
	w = tw_get32(p);
	if (unlikely((w >> 28) != 6))
		return -TW_EFORMAT;
	plen = tw_get16(p + 4);
	if (unlikely(plen > len - TW_IPV6_HLEN))
		return -TW_ETRUNC;
	/* RFC 4291 2.7: multicast is never a source address. */
	if (unlikely(tw_ipv6_is_multicast(p + 8)))
		return -TW_EFORMAT;
	ip6->tclass = (uint8_t)(w >> 20);
	ip6->flow = w & 0xfffff;
	ip6->payload_len = (uint16_t)plen;
	ip6->next_hdr = p[6];
	ip6->hop_limit = p[7];
	ip6->src = p + 8;
	ip6->dst = p + 24;
	if (likely(ip6->next_hdr == TW_IPPROTO_UDP)) {
		ip6->proto = TW_IPPROTO_UDP;
		ip6->l4_off = TW_IPV6_HLEN;
		ip6->l4_len = (uint32_t)plen;
		return 0;
	}
	/* RFC 2675: payload length 0 with a Jumbo Payload option. */
	if (plen == 0 && ip6->next_hdr == TW_IPPROTO_HOPOPTS)
		return -TW_EPROTO;
	rc = tw_ipv6_ext_walk(p + TW_IPV6_HLEN, plen, ip6->next_hdr,
			      &ip6->proto, &ip6->l4_off);
	if (rc != 0)
		return rc;
	ip6->l4_len = (uint32_t)plen - ip6->l4_off;
	ip6->l4_off += TW_IPV6_HLEN;
	return 0;
}

int
tw_ipv6_build(uint8_t *p, size_t cap, const struct tw_ipv6_info *ip6)
{
	uint8_t a[32];

	if (cap < TW_IPV6_HLEN)
		return -ENOSPC;
	tw_put32(p, 6u << 28 | (uint32_t)ip6->tclass << 20 |
			    (ip6->flow & 0xfffff));
	tw_put16(p + 4, ip6->payload_len);
	p[6] = ip6->next_hdr;
	p[7] = ip6->hop_limit;
	/* src and dst may point into p (a header rebuilt in place). */
	memcpy(a, ip6->src, 16);
	memcpy(a + 16, ip6->dst, 16);
	memcpy(p + 8, a, sizeof(a));
	return TW_IPV6_HLEN;
}

int
tw_ipv6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

void
tw_ipv6_solicited_node(uint8_t *out, const uint8_t *addr)
{
	/* ff02::1:ff00:0/104 plus the low 24 bits (RFC 4291 2.7.1). */
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0,   0,
					 0,    0,    0, 0, 1, 0xff };
	uint8_t low[3];

	memcpy(low, addr + 13, 3); /* out may be addr */
	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, low, 3);
}
