/* SPDX-License-Identifier: BSD-3-Clause */
/* UDP (RFC 768) and its checksum over IPv4 and IPv6 (RFC 8200 8.1). */
#include "tw_net.h"
#include "net_priv.h"

int
tw_udp_parse(const uint8_t *p, size_t len, struct tw_udp_info *u)
{
	if (unlikely(len < TW_UDP_HLEN))
		return -TW_ETRUNC;
	u->sport = tw_get16(p);
	u->dport = tw_get16(p + 2);
	u->len = tw_get16(p + 4);
	u->cksum = tw_get16(p + 6);
	if (unlikely(u->len < TW_UDP_HLEN))
		return -TW_EFORMAT;
	/* Shorter than the IP payload is allowed (the rest is ignored). */
	if (unlikely(u->len > len))
		return -TW_ETRUNC;
	return 0;
}

int
tw_udp_verify_v4(const uint8_t *udp, size_t ulen, const uint8_t *src,
		 const uint8_t *dst)
{
	uint32_t s;

	if (tw_get16(udp + 6) == 0) /* RFC 768: no checksum was computed */
		return 0;
	s = tw_ipv4_phdr_sum(src, dst, TW_IPPROTO_UDP, (uint32_t)ulen);
	s = tw_cksum_partial(udp, ulen, s);
	return s == 0xffff ? 0 : -TW_ECSUM;
}

int
tw_udp_verify_v6(const uint8_t *udp, size_t ulen, const uint8_t *src,
		 const uint8_t *dst)
{
	uint32_t s;

	/* RFC 8200 8.1: a zero checksum received over IPv6 is discarded. */
	if (tw_get16(udp + 6) == 0)
		return -TW_ECSUM;
	s = tw_ipv6_phdr_sum(src, dst, TW_IPPROTO_UDP, (uint32_t)ulen);
	s = tw_cksum_partial(udp, ulen, s);
	return s == 0xffff ? 0 : -TW_ECSUM;
}

static uint16_t
udp_cksum(const uint8_t *udp, size_t ulen, uint32_t phdr)
{
	uint32_t s = tw_cksum_partial(udp, ulen, phdr);
	uint16_t c;

	/* Take the stored checksum out: the field counts as zero. */
	s += (uint16_t)~tw_get16(udp + 6);
	c = (uint16_t)~tw_cksum_fold(s);
	return c == 0 ? 0xffff : c; /* RFC 768 */
}

uint16_t
tw_udp_cksum_v4(const uint8_t *udp, size_t ulen, const uint8_t *src,
		const uint8_t *dst)
{
	return udp_cksum(
		udp, ulen,
		tw_ipv4_phdr_sum(src, dst, TW_IPPROTO_UDP, (uint32_t)ulen));
}

uint16_t
tw_udp_cksum_v6(const uint8_t *udp, size_t ulen, const uint8_t *src,
		const uint8_t *dst)
{
	return udp_cksum(
		udp, ulen,
		tw_ipv6_phdr_sum(src, dst, TW_IPPROTO_UDP, (uint32_t)ulen));
}

int
tw_udp_build(uint8_t *p, size_t cap, uint16_t sport, uint16_t dport,
	     size_t payload_len)
{
	if (cap < TW_UDP_HLEN)
		return -ENOSPC;
	if (payload_len > 0xffff - TW_UDP_HLEN)
		return -EMSGSIZE;
	tw_put16(p, sport);
	tw_put16(p + 2, dport);
	tw_put16(p + 4, (uint16_t)(payload_len + TW_UDP_HLEN));
	tw_put16(p + 6, 0);
	return TW_UDP_HLEN;
}
