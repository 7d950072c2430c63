/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP for Ethernet / IPv4 (RFC 826). */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

#define ARP_HTYPE_ETHER 1

int
tw_arp_parse(const uint8_t *p, size_t len, struct tw_arp *arp)
{
	if (len < TW_ARP_LEN)
		return -TW_ETRUNC;
	/* RFC 826: ar$hrd, ar$pro, ar$hln, ar$pln must be what we speak. */
	if (tw_get16(p) != ARP_HTYPE_ETHER ||
	    tw_get16(p + 2) != TW_ETHERTYPE_IPV4 || p[4] != TW_ETH_ALEN ||
	    p[5] != 4)
		return -TW_EPROTO;
	arp->op = tw_get16(p + 6);
	if (arp->op != TW_ARP_OP_REQUEST && arp->op != TW_ARP_OP_REPLY)
		return -TW_EPROTO;
	arp->sha = p + 8;
	arp->spa = p + 14;
	arp->tha = p + 18;
	arp->tpa = p + 24;
	return 0;
}

static void
arp_write(uint8_t *p, uint16_t op, const uint8_t *sha, const uint8_t *spa,
	  const uint8_t *tha, const uint8_t *tpa)
{
	tw_put16(p, ARP_HTYPE_ETHER);
	tw_put16(p + 2, TW_ETHERTYPE_IPV4);
	p[4] = TW_ETH_ALEN;
	p[5] = 4;
	tw_put16(p + 6, op);
	memcpy(p + 8, sha, TW_ETH_ALEN);
	memcpy(p + 14, spa, 4);
	memcpy(p + 18, tha, TW_ETH_ALEN);
	memcpy(p + 24, tpa, 4);
}

int
tw_arp_build_reply(uint8_t *out, size_t cap, const struct tw_eth_info *eth,
		   const struct tw_arp *req, const uint8_t *our_mac)
{
	uint8_t sha[TW_ETH_ALEN], spa[4], tpa[4], mac[TW_ETH_ALEN];
	struct tw_vlan_tag tags[TW_ETH_MAX_TAGS];
	uint8_t n_tags = eth->n_tags;
	int hl;

	if (req->op != TW_ARP_OP_REQUEST)
		return -TW_EPROTO;
	if (n_tags > TW_ETH_MAX_TAGS)
		return -EINVAL;
	/* Copy what we need first: out may be the request frame. */
	memcpy(sha, req->sha, sizeof(sha));
	memcpy(spa, req->spa, sizeof(spa));
	memcpy(tpa, req->tpa, sizeof(tpa));
	memcpy(mac, our_mac, sizeof(mac));
	memcpy(tags, eth->tag, sizeof(tags));
	if (cap < TW_ETH_HLEN + (size_t)n_tags * TW_VLAN_HLEN + TW_ARP_LEN)
		return -ENOSPC;
	hl = net_eth_write(out, cap, sha, mac, TW_ETHERTYPE_ARP, n_tags, tags);
	/* RFC 826 "Packet Reception": swap sender and target, fill in our
	 * hardware address, opcode reply. */
	arp_write(out + hl, TW_ARP_OP_REPLY, mac, tpa, sha, spa);
	return hl + TW_ARP_LEN;
}

int
tw_arp_build_request(uint8_t *out, size_t cap, const struct tw_eth_info *eth,
		     const uint8_t *our_mac, const uint8_t *spa,
		     const uint8_t *tpa)
{
	static const uint8_t bcast[TW_ETH_ALEN] = { 0xff, 0xff, 0xff,
						    0xff, 0xff, 0xff };
	static const uint8_t zero[TW_ETH_ALEN];
	int hl;

	hl = net_eth_write(out, cap, bcast, our_mac, TW_ETHERTYPE_ARP,
			   eth ? eth->n_tags : 0, eth ? eth->tag : NULL);
	if (hl < 0)
		return hl;
	if (cap - (size_t)hl < TW_ARP_LEN)
		return -ENOSPC;
	arp_write(out + hl, TW_ARP_OP_REQUEST, our_mac, spa, zero, tpa);
	return hl + TW_ARP_LEN;
}
