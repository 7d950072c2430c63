/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 Neighbour Discovery: NS and NA (RFC 4861 4.3, 4.4, 7). */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

#define ND_OPT_UNIT 8
#define ND_MSG_LEN  (TW_ND_LEN + ND_OPT_UNIT) /* with one LLA option */

static const uint8_t all_nodes[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				       0,    0,	   0, 0, 0, 0, 0, 1 };

/* Checks common to NS and NA (RFC 4861 7.1.1, 7.1.2). */
static int
nd_check(const uint8_t *frame, const struct tw_pkt *pkt, uint8_t type)
{
	const uint8_t *m;
	int rc;

	if (pkt->ip_ver != 6 || pkt->l4_proto != TW_IPPROTO_ICMPV6 ||
	    pkt->l4_off == 0)
		return -EINVAL;
	if (pkt->l4_len < 4)
		return -TW_ETRUNC;
	m = frame + pkt->l4_off;
	if (m[0] != type)
		return -TW_EPROTO;
	if (pkt->l4_len < TW_ND_LEN)
		return -TW_ETRUNC;
	/* Hop limit 255: the packet cannot have come through a router. */
	if (pkt->ttl != 255 || m[1] != 0)
		return -TW_EFORMAT;
	rc = net_icmp6_verify(frame, pkt);
	if (rc != 0)
		return rc;
	if (tw_ipv6_is_multicast(m + 8))
		return -TW_EFORMAT;
	return 0;
}

/* Walk the options (RFC 4861 4.6); *lla: the first option of type want. */
static int
nd_opts(const uint8_t *o, size_t len, uint8_t want, const uint8_t **lla)
{
	*lla = NULL;
	while (len > 0) {
		size_t ol;

		if (len < 2)
			return -TW_ETRUNC;
		ol = (size_t)o[1] * ND_OPT_UNIT;
		if (ol == 0) /* 4.6: length 0 is invalid, discard */
			return -TW_EFORMAT;
		if (ol > len)
			return -TW_ETRUNC;
		/* An option is at least 8 octets: a MAC fits after type
		 * and length (4.6.1, Ethernet). */
		if (o[0] == want && *lla == NULL)
			*lla = o + 2;
		o += ol;
		len -= ol;
	}
	return 0;
}

int
tw_nd_parse_ns(const uint8_t *frame, const struct tw_pkt *pkt,
	       struct tw_nd_ns *ns)
{
	const uint8_t *m = frame + pkt->l4_off;
	int rc;

	rc = nd_check(frame, pkt, TW_ICMP6_ND_NS);
	if (rc != 0)
		return rc;
	rc = nd_opts(m + TW_ND_LEN, pkt->l4_len - TW_ND_LEN, TW_ND_OPT_SLLA,
		     &ns->slla);
	if (rc != 0)
		return rc;
	if (tw_ipv6_is_unspecified(pkt->src)) {
		uint8_t sn[16];

		/* 7.1.1: DAD probes go to the solicited-node group and carry
		 * no source link-layer address. */
		tw_ipv6_solicited_node(sn, pkt->dst);
		if (memcmp(sn, pkt->dst, sizeof(sn)) != 0 || ns->slla != NULL)
			return -TW_EFORMAT;
	}
	ns->target = m + 8;
	return 0;
}

int
tw_nd_parse_na(const uint8_t *frame, const struct tw_pkt *pkt,
	       struct tw_nd_na *na)
{
	const uint8_t *m = frame + pkt->l4_off;
	int rc;

	rc = nd_check(frame, pkt, TW_ICMP6_ND_NA);
	if (rc != 0)
		return rc;
	rc = nd_opts(m + TW_ND_LEN, pkt->l4_len - TW_ND_LEN, TW_ND_OPT_TLLA,
		     &na->tlla);
	if (rc != 0)
		return rc;
	na->flags = m[4] & (TW_ND_NA_F_ROUTER | TW_ND_NA_F_SOLICITED |
			    TW_ND_NA_F_OVERRIDE);
	/* 7.1.2: a solicited advertisement is never multicast. */
	if ((na->flags & TW_ND_NA_F_SOLICITED) &&
	    tw_ipv6_is_multicast(pkt->dst))
		return -TW_EFORMAT;
	na->target = m + 8;
	return 0;
}

/* Frame: Ethernet, IPv6 (hop limit 255), NS/NA with one LLA option. */
static int
nd_write(uint8_t *out, size_t cap, const uint8_t *dst_mac,
	 const uint8_t *src_mac, uint8_t n_tags, const struct tw_vlan_tag *tags,
	 const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t flags,
	 const uint8_t *target, uint8_t opt)
{
	struct tw_ipv6_info ip6 = {
		.src = src,
		.dst = dst,
		.payload_len = ND_MSG_LEN,
		.next_hdr = TW_IPPROTO_ICMPV6,
		.hop_limit = 255,
	};
	uint32_t sum;
	uint8_t *m;
	int hl;

	if (n_tags > TW_ETH_MAX_TAGS)
		return -EINVAL;
	hl = TW_ETH_HLEN + n_tags * TW_VLAN_HLEN;
	if (cap < (size_t)hl + TW_IPV6_HLEN + ND_MSG_LEN)
		return -ENOSPC;
	net_eth_write(out, cap, dst_mac, src_mac, TW_ETHERTYPE_IPV6, n_tags,
		      tags);
	tw_ipv6_build(out + hl, TW_IPV6_HLEN, &ip6);
	m = out + hl + TW_IPV6_HLEN;
	m[0] = type;
	m[1] = 0;
	tw_put16(m + 2, 0);
	m[4] = flags;
	m[5] = m[6] = m[7] = 0;
	memcpy(m + 8, target, 16);
	m[24] = opt;
	m[25] = 1; /* 8 octets */
	memcpy(m + 26, src_mac, TW_ETH_ALEN);
	/* RFC 4443 2.3: over the pseudo-header and the message. */
	sum = tw_ipv6_phdr_sum(src, dst, TW_IPPROTO_ICMPV6, ND_MSG_LEN);
	sum = tw_cksum_partial(m, ND_MSG_LEN, sum);
	tw_put16(m + 2, (uint16_t)~tw_cksum_fold(sum));
	return hl + TW_IPV6_HLEN + ND_MSG_LEN;
}

int
tw_nd_build_na(uint8_t *out, size_t cap, const uint8_t *frame,
	       const struct tw_pkt *pkt, const struct tw_nd_ns *ns,
	       const uint8_t *our_mac, int router)
{
	uint8_t target[16], dst[16], dst_mac[TW_ETH_ALEN], mac[TW_ETH_ALEN];
	struct tw_vlan_tag tags[TW_ETH_MAX_TAGS];
	uint8_t flags = TW_ND_NA_F_OVERRIDE;

	/* Copy everything first: out may be the NS frame. */
	memcpy(target, ns->target, sizeof(target));
	memcpy(mac, our_mac, sizeof(mac));
	memcpy(tags, pkt->eth.tag, sizeof(tags));
	if (tw_ipv6_is_unspecified(pkt->src)) {
		/* 7.2.4: answer a DAD probe to all-nodes, S clear. */
		memcpy(dst, all_nodes, sizeof(dst));
		dst_mac[0] = dst_mac[1] = 0x33; /* RFC 2464 7 */
		memcpy(dst_mac + 2, dst + 12, 4);
	} else {
		memcpy(dst, pkt->src, sizeof(dst));
		memcpy(dst_mac, ns->slla ? ns->slla : frame + TW_ETH_ALEN,
		       TW_ETH_ALEN);
		flags |= TW_ND_NA_F_SOLICITED;
	}
	if (router)
		flags |= TW_ND_NA_F_ROUTER;
	return nd_write(out, cap, dst_mac, mac, pkt->eth.n_tags, tags, target,
			dst, TW_ICMP6_ND_NA, flags, target, TW_ND_OPT_TLLA);
}

int
tw_nd_build_ns(uint8_t *out, size_t cap, const struct tw_eth_info *eth,
	       const uint8_t *our_mac, const uint8_t *src,
	       const uint8_t *target)
{
	uint8_t s[16], t[16], dst[16], dst_mac[TW_ETH_ALEN], mac[TW_ETH_ALEN];

	memcpy(s, src, sizeof(s));
	memcpy(t, target, sizeof(t));
	memcpy(mac, our_mac, sizeof(mac));
	/* 7.2.2: to the target's solicited-node multicast group. */
	tw_ipv6_solicited_node(dst, t);
	dst_mac[0] = dst_mac[1] = 0x33;
	memcpy(dst_mac + 2, dst + 12, 4);
	return nd_write(out, cap, dst_mac, mac, eth ? eth->n_tags : 0,
			eth ? eth->tag : NULL, s, dst, TW_ICMP6_ND_NS, 0, t,
			TW_ND_OPT_SLLA);
}
