/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443 4.1, 4.2) replies. */
#include "tw_net.h"
#include "net_priv.h"

int
net_icmp6_verify(const uint8_t *frame, const struct tw_pkt *pkt)
{
	/* RFC 4443 2.3: the checksum covers the IPv6 pseudo-header. */
	uint32_t s = tw_ipv6_phdr_sum(pkt->src, pkt->dst, TW_IPPROTO_ICMPV6,
				      pkt->l4_len);

	s = tw_cksum_partial(frame + pkt->l4_off, pkt->l4_len, s);
	return s == 0xffff ? 0 : -TW_ECSUM;
}

int
tw_icmp_echo_reply(uint8_t *frame, struct tw_pkt *pkt, uint8_t ttl)
{
	uint8_t req, rep;
	uint16_t old, c;
	uint8_t *m;
	int rc;

	if (pkt->l4_off == 0)
		return -EINVAL;
	if (pkt->ip_ver == 4 && pkt->l4_proto == TW_IPPROTO_ICMP) {
		req = TW_ICMP_ECHO_REQUEST;
		rep = TW_ICMP_ECHO_REPLY;
	} else if (pkt->ip_ver == 6 && pkt->l4_proto == TW_IPPROTO_ICMPV6) {
		req = TW_ICMP6_ECHO_REQUEST;
		rep = TW_ICMP6_ECHO_REPLY;
	} else {
		return -EINVAL;
	}
	/* RFC 1122 3.2.2.6, RFC 4443 4.2: a reply to a group address comes
	 * from one of our unicast addresses: not something done in place. */
	if (net_is_group(pkt->ip_ver, pkt->dst))
		return -TW_EPROTO;
	if (pkt->l4_len < TW_ICMP_HLEN)
		return -TW_ETRUNC;
	m = frame + pkt->l4_off;
	if (m[0] != req)
		return -TW_EPROTO;
	if (m[1] != 0)
		return -TW_EFORMAT;
	if (pkt->ip_ver == 4)
		rc = tw_cksum_fold(tw_cksum_partial(m, pkt->l4_len, 0)) ==
				     0xffff
			     ? 0
			     : -TW_ECSUM;
	else
		rc = net_icmp6_verify(frame, pkt);
	if (rc != 0)
		return rc;

	/* Same identifier, sequence number and data; the addresses swap
	 * (no change to the ICMPv6 pseudo-header sum), the type changes. */
	net_reply_l3(frame, pkt, pkt->l4_len, ttl, 0);
	m = frame + pkt->l4_off;
	old = tw_get16(m);
	m[0] = rep;
	c = tw_cksum_update16(tw_get16(m + 2), old, tw_get16(m));
	tw_put16(m + 2, c);
	return (int)pkt->frame_len;
}
