/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II with 802.1Q (C-tag) and 802.1ad (S-tag) VLAN tags.
 *
 * Accepted tag stacks: none; one tag (0x8100 or 0x88a8); two tags, outer
 * 0x88a8 (802.1ad) or 0x8100 (legacy double tagging) and inner 0x8100. An
 * S-tag inside another tag and a third tag are refused (-TW_EPROTO): the
 * data plane serves one C-VLAN per S-VLAN at most.
 */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

int
tw_eth_parse(const uint8_t *p, size_t len, struct tw_eth_info *eth)
{
	size_t off = 12; /* the TPID / ethertype being looked at */
	uint16_t et;

	eth->n_tags = 0;
	if (unlikely(len < TW_ETH_HLEN))
		return -TW_ETRUNC;
	et = tw_get16(p + off);
	while (et == TW_ETHERTYPE_VLAN || et == TW_ETHERTYPE_QINQ) {
		if (eth->n_tags == TW_ETH_MAX_TAGS ||
		    (et == TW_ETHERTYPE_QINQ && eth->n_tags > 0))
			return -TW_EPROTO;
		/* TPID (2) + TCI (2) + the next ethertype (2) */
		if (len < off + 6)
			return -TW_ETRUNC;
		eth->tag[eth->n_tags].tpid = et;
		eth->tag[eth->n_tags].tci = tw_get16(p + off + 2);
		eth->n_tags++;
		off += TW_VLAN_HLEN;
		et = tw_get16(p + off);
	}
	/* Below 0x0600 the field is an IEEE 802.3 length (LLC frames). */
	if (et < 0x0600)
		return -TW_EPROTO;
	eth->ethertype = et;
	eth->hdr_len = (uint16_t)(off + 2);
	return 0;
}

int
net_eth_write(uint8_t *p, size_t cap, const uint8_t *dst, const uint8_t *src,
	      uint16_t ethertype, uint8_t n_tags,
	      const struct tw_vlan_tag *tags)
{
	size_t hl = TW_ETH_HLEN + (size_t)n_tags * TW_VLAN_HLEN;
	uint8_t *q = p + 2 * TW_ETH_ALEN;
	uint8_t macs[2 * TW_ETH_ALEN];

	if (n_tags > TW_ETH_MAX_TAGS)
		return -EINVAL;
	if (cap < hl)
		return -ENOSPC;
	/* dst and src may point into p (e.g. swapped in place). */
	memcpy(macs, dst, TW_ETH_ALEN);
	memcpy(macs + TW_ETH_ALEN, src, TW_ETH_ALEN);
	memcpy(p, macs, sizeof(macs));
	for (unsigned i = 0; i < n_tags; i++) {
		tw_put16(q, tags[i].tpid ? tags[i].tpid : TW_ETHERTYPE_VLAN);
		tw_put16(q + 2, tags[i].tci);
		q += TW_VLAN_HLEN;
	}
	tw_put16(q, ethertype);
	return (int)hl;
}

int
tw_eth_build(uint8_t *p, size_t cap, const uint8_t *dst, const uint8_t *src,
	     const struct tw_eth_info *eth)
{
	return net_eth_write(p, cap, dst, src, eth->ethertype, eth->n_tags,
			     eth->tag);
}
