/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 header (RFC 791 3.1): parse with checksum, build. */
#include <string.h>

#include "tw_net.h"
#include "net_priv.h"

int
tw_ipv4_parse(const uint8_t *p, size_t len, struct tw_ipv4_info *ip,
	      unsigned flags)
{
	return net_ipv4_parse(p, len, ip, flags);
}

int
tw_ipv4_build(uint8_t *p, size_t cap, const struct tw_ipv4_info *ip)
{
	uint8_t a[8];

	if (cap < TW_IPV4_HLEN)
		return -ENOSPC;
	if (ip->total_len < TW_IPV4_HLEN)
		return -EINVAL;
	p[0] = 0x45; /* version 4, IHL 5 */
	p[1] = ip->tos;
	tw_put16(p + 2, ip->total_len);
	tw_put16(p + 4, ip->id);
	tw_put16(p + 6, ip->frag);
	p[8] = ip->ttl;
	p[9] = ip->proto;
	/* src and dst may point into p (a header rebuilt in place). */
	memcpy(a, ip->src, 4);
	memcpy(a + 4, ip->dst, 4);
	memcpy(p + 12, a, sizeof(a));
	tw_put16(p + 10, 0);
	tw_put16(p + 10, (uint16_t)~net_ipv4_sum20(p));
	return TW_IPV4_HLEN;
}
