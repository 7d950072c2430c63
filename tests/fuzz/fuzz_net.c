/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for lib/net: parse a frame; where it parses, make the frames
 * the data plane would send from it (UDP response, rebuilt UDP frame, ARP
 * reply, echo reply, Neighbour Advertisement) and parse those again with
 * every check on. Any inconsistency aborts.
 *
 * tw_pkt_parse() (a fast path for the common shape, then the general
 * parser) must say exactly what the general parser alone says.
 *
 * Checksums are what a fuzzer rarely gets right, so a copy of the input
 * has its checksums fixed first: the code behind the checksum checks is
 * reached too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tw_net.h"
#include "net_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NO_CSUM (TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM)

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x53 };

static size_t
addr_len(const struct tw_pkt *p)
{
	return p->ip_ver == 4 ? 4 : 16;
}

static int
is_group(const struct tw_pkt *p, const uint8_t *a)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (p->ip_ver == 6)
		return a[0] == 0xff;
	return (a[0] & 0xf0) == 0xe0 || memcmp(a, bcast, 4) == 0;
}

/* An address no UDP reply is sent from (lib/net: 0/8, 127/8, 240/4,
 * ::, ::1), written out independently of net_udp_martian(). */
static int
is_martian(const struct tw_pkt *p, const uint8_t *a)
{
	static const uint8_t zero[16] = { 0 };

	if (p->ip_ver == 6)
		return memcmp(a, zero, 15) == 0 && a[15] <= 1;
	return a[0] == 0 || a[0] == 127 || a[0] >= 240;
}

/* Sanity of any summary tw_pkt_parse() returned 0 for. */
static void
check_summary(const uint8_t *f, size_t len, const struct tw_pkt *p)
{
	CHECK(p->ip_ver == 4 || p->ip_ver == 6);
	CHECK(p->l4_proto == TW_IPPROTO_UDP);
	CHECK(p->l3_off == p->eth.hdr_len);
	CHECK(p->l3_off == TW_ETH_HLEN + 4u * p->eth.n_tags);
	CHECK(p->frame_len <= len);
	CHECK(p->l4_off >= p->l3_off + (p->ip_ver == 4 ? 20 : 40));
	CHECK(p->l4_off + p->l4_len <= p->frame_len);
	CHECK(p->payload_off == p->l4_off + 8);
	CHECK(p->payload_len + 8 == p->l4_len);
	CHECK(p->src >= f && p->src + addr_len(p) <= f + p->l4_off);
	CHECK(p->dst >= f && p->dst + addr_len(p) <= f + p->l4_off);
	CHECK(!is_group(p, p->src));
	CHECK(tw_get16(f + p->l4_off) == p->sport);
	CHECK(tw_get16(f + p->l4_off + 2) == p->dport);
}

/* Recompute the IPv4 header checksum and the L4 checksum of a copy. */
static void
fix_checksums(uint8_t *f, const struct tw_pkt *p)
{
	uint8_t *ip = f + p->l3_off;
	uint8_t *m;
	uint32_t s;

	if (p->ip_ver == 4) {
		tw_put16(ip + 10,
			 tw_ipv4_hdr_cksum(ip, (size_t)(ip[0] & 15) * 4));
	}
	if (p->l4_off == 0)
		return;
	m = f + p->l4_off;
	if (p->l4_proto == TW_IPPROTO_UDP && p->l4_len >= 8) {
		size_t ulen = tw_get16(m + 4);
		if (ulen < 8 || ulen > p->l4_len)
			return;
		tw_put16(m + 6,
			 p->ip_ver == 4
				 ? tw_udp_cksum_v4(m, ulen, p->src, p->dst)
				 : tw_udp_cksum_v6(m, ulen, p->src, p->dst));
	} else if (p->l4_proto == TW_IPPROTO_ICMP && p->ip_ver == 4 &&
		   p->l4_len >= 4) {
		tw_put16(m + 2, 0);
		tw_put16(m + 2, tw_cksum(m, p->l4_len));
	} else if (p->l4_proto == TW_IPPROTO_ICMPV6 && p->ip_ver == 6 &&
		   p->l4_len >= 4) {
		tw_put16(m + 2, 0);
		s = tw_ipv6_phdr_sum(p->src, p->dst, TW_IPPROTO_ICMPV6,
				     p->l4_len);
		tw_put16(m + 2, (uint16_t)~tw_cksum_fold(
					tw_cksum_partial(m, p->l4_len, s)));
	}
}

/* Response of a (checksum-correct) UDP frame, two ways, then back. */
static void
udp_response(const uint8_t *q, const struct tw_pkt *qp, const uint8_t *data,
	     size_t size)
{
	size_t plen = (size * 37 + (size ? data[size - 1] : 0)) % 1600;
	/* the IP packet may run past the UDP datagram: room for both */
	size_t cap = TW_MAX(qp->frame_len, qp->payload_off + plen) + 64;
	uint8_t *f = malloc(cap), *g = malloc(cap);
	struct tw_pkt rp = *qp, rp2, chk;
	int n, n2;

	memcpy(f, q, qp->frame_len);
	/* re-point the summary into f */
	rp.src = f + (qp->src - q);
	rp.dst = f + (qp->dst - q);
	for (size_t i = 0; i < plen; i++)
		f[qp->payload_off + i] = size ? data[i % size] : 0;
	memcpy(g, f, qp->payload_off + plen);
	rp2 = rp;
	rp2.src = g + (qp->src - q);
	rp2.dst = g + (qp->dst - q);

	n = tw_pkt_udp_reply(f, cap, &rp, plen, (uint8_t)size, 0);
	if (is_group(qp, qp->dst) || is_martian(qp, qp->dst)) {
		/* never answered from a group or martian address */
		CHECK(n == -TW_EPROTO);
		free(f);
		free(g);
		return;
	}
	CHECK(n > 0);
	n2 = tw_pkt_udp_reply_sum(
		g, cap, &rp2, plen, (uint8_t)size, 0,
		tw_cksum_partial(g + qp->payload_off, plen, 0));
	CHECK(n2 == n);
	CHECK(memcmp(f, g, (size_t)n) == 0);

	CHECK(tw_pkt_parse(f, (size_t)n, &chk, 0) == 0);
	check_summary(f, (size_t)n, &chk);
	CHECK(chk.frame_len == (uint32_t)n);
	CHECK(chk.payload_off == rp.payload_off);
	CHECK(chk.payload_len == plen);
	CHECK(chk.sport == qp->dport && chk.dport == qp->sport);
	CHECK(memcmp(chk.src, qp->dst, addr_len(qp)) == 0);
	CHECK(memcmp(chk.dst, qp->src, addr_len(qp)) == 0);
	CHECK(memcmp(f, q + 6, 6) == 0 && memcmp(f + 6, q, 6) == 0);
	CHECK(memcmp(f + 12, q + 12, qp->l3_off - 12) == 0);
	for (size_t i = 0; i < plen; i++)
		CHECK(f[chk.payload_off + i] == (size ? data[i % size] : 0));

	/* and back: the query's addresses and ports again */
	n = tw_pkt_udp_reply(f, cap, &rp, plen, 0, 0);
	CHECK(n > 0);
	CHECK(tw_pkt_parse(f, (size_t)n, &chk, 0) == 0);
	CHECK(chk.sport == qp->sport && chk.dport == qp->dport);
	CHECK(memcmp(chk.src, qp->src, addr_len(qp)) == 0);
	CHECK(memcmp(f, q, 12) == 0);
	free(f);
	free(g);
}

/* Rebuild the frame from its summary with tw_pkt_udp_build(). */
static void
udp_rebuild(const uint8_t *q, const struct tw_pkt *qp)
{
	struct tw_udp_flow fl;
	const uint8_t *ip = q + qp->l3_off;
	struct tw_pkt p, chk;
	size_t hl, cap;
	uint8_t *f;
	int n;

	memset(&fl, 0, sizeof(fl));
	memcpy(fl.dst_mac, q, 6);
	memcpy(fl.src_mac, q + 6, 6);
	fl.n_tags = qp->eth.n_tags;
	memcpy(fl.tag, qp->eth.tag, sizeof(fl.tag));
	fl.ip_ver = qp->ip_ver;
	fl.ttl = qp->ttl;
	fl.tos = qp->ip_ver == 4 ? ip[1] : (uint8_t)(tw_get16(ip) >> 4);
	fl.ip_id = qp->ip_ver == 4 ? tw_get16(ip + 4) : 0;
	fl.flow_label = qp->ip_ver == 6 ? tw_get32(ip) & 0xfffff : 0;
	memcpy(fl.src, qp->src, addr_len(qp));
	memcpy(fl.dst, qp->dst, addr_len(qp));
	fl.sport = qp->sport;
	fl.dport = qp->dport;
	hl = tw_pkt_udp_hdr_len(&fl);
	CHECK(hl == qp->l3_off + (qp->ip_ver == 4 ? 20u : 40u) + 8);
	cap = hl + qp->payload_len;
	f = malloc(cap);
	memcpy(f + hl, q + qp->payload_off, qp->payload_len);
	n = tw_pkt_udp_build(f, cap, &fl, qp->payload_len, &p, 0);
	CHECK(n == (int)cap);
	CHECK(tw_pkt_parse(f, cap, &chk, 0) == 0);
	check_summary(f, cap, &chk);
	CHECK(chk.payload_off == hl && p.payload_off == hl);
	CHECK(chk.payload_len == qp->payload_len);
	CHECK(chk.sport == qp->sport && chk.dport == qp->dport);
	CHECK(chk.ttl == (qp->ttl ? qp->ttl : TW_NET_DEFAULT_TTL));
	CHECK(chk.eth.n_tags == qp->eth.n_tags);
	CHECK(chk.eth.ethertype == qp->eth.ethertype);
	CHECK(memcmp(chk.src, qp->src, addr_len(qp)) == 0);
	CHECK(memcmp(chk.dst, qp->dst, addr_len(qp)) == 0);
	CHECK(memcmp(f, q, qp->l3_off) == 0); /* MACs, tags, ethertype */
	CHECK(memcmp(f + hl, q + qp->payload_off, qp->payload_len) == 0);
	free(f);
}

static void
arp_case(const uint8_t *q, size_t len, const struct tw_pkt *qp)
{
	struct tw_arp a, r;
	struct tw_eth_info eth;
	uint8_t out[64];
	int n;

	if (tw_arp_parse(q + qp->l3_off, len - qp->l3_off, &a) != 0)
		return;
	n = tw_arp_build_reply(out, sizeof(out), &qp->eth, &a, our_mac);
	if (a.op != TW_ARP_OP_REQUEST) {
		CHECK(n == -TW_EPROTO);
		return;
	}
	CHECK(n == (int)qp->l3_off + TW_ARP_LEN);
	CHECK(tw_eth_parse(out, (size_t)n, &eth) == 0);
	CHECK(eth.ethertype == TW_ETHERTYPE_ARP);
	CHECK(eth.n_tags == qp->eth.n_tags);
	CHECK(tw_arp_parse(out + eth.hdr_len, TW_ARP_LEN, &r) == 0);
	CHECK(r.op == TW_ARP_OP_REPLY);
	CHECK(memcmp(r.sha, our_mac, 6) == 0);
	CHECK(memcmp(r.tha, a.sha, 6) == 0);
	CHECK(memcmp(r.spa, a.tpa, 4) == 0);
	CHECK(memcmp(r.tpa, a.spa, 4) == 0);
	CHECK(memcmp(out, a.sha, 6) == 0);
}

static void
icmp_case(uint8_t *f, size_t len, const struct tw_pkt *qp)
{
	struct tw_pkt p = *qp, chk;
	struct tw_nd_ns ns;
	struct tw_nd_na na;
	uint8_t src[16], type;
	size_t al = addr_len(qp);
	int n, rc;

	memcpy(src, qp->src, al);
	if (qp->l4_proto == TW_IPPROTO_ICMPV6) {
		rc = tw_nd_parse_na(f, qp, &na);
		if (rc == 0)
			CHECK(na.target >= f + qp->l4_off + 8 &&
			      na.target + 16 <= f + qp->frame_len);
		rc = tw_nd_parse_ns(f, qp, &ns);
		if (rc == 0) {
			uint8_t out[128];
			n = tw_nd_build_na(out, sizeof(out), f, qp, &ns,
					   our_mac, 0);
			CHECK(n == (int)qp->l3_off + 72);
			CHECK(tw_pkt_parse(out, (size_t)n, &chk, 0) ==
			      -TW_EPROTO);
			CHECK(chk.l4_proto == TW_IPPROTO_ICMPV6);
			CHECK(tw_nd_parse_na(out, &chk, &na) == 0);
			CHECK(memcmp(na.target, ns.target, 16) == 0);
			CHECK(na.tlla != NULL &&
			      memcmp(na.tlla, our_mac, 6) == 0);
			CHECK(memcmp(chk.src, ns.target, 16) == 0);
			/* the same in place */
			uint8_t target[16];
			memcpy(target, ns.target, 16);
			n = tw_nd_build_na(f, len, f, qp, &ns, our_mac, 1);
			if (len < qp->l3_off + 72u) {
				CHECK(n == -ENOSPC);
				return;
			}
			CHECK(n == (int)qp->l3_off + 72);
			CHECK(tw_pkt_parse(f, (size_t)n, &chk, 0) ==
			      -TW_EPROTO);
			CHECK(tw_nd_parse_na(f, &chk, &na) == 0);
			CHECK(memcmp(na.target, target, 16) == 0);
			CHECK(na.flags & TW_ND_NA_F_ROUTER);
			return;
		}
	}
	n = tw_icmp_echo_reply(f, &p, 0);
	if (is_group(qp, src) || is_group(qp, qp->dst))
		CHECK(n < 0);
	if (n < 0)
		return;
	CHECK(n == (int)p.frame_len);
	CHECK(tw_pkt_parse(f, (size_t)n, &chk, 0) == -TW_EPROTO);
	CHECK(chk.l4_proto == qp->l4_proto && chk.l4_len == qp->l4_len);
	CHECK(memcmp(chk.dst, src, al) == 0);
	type = f[chk.l4_off];
	CHECK(type ==
	      (qp->ip_ver == 4 ? TW_ICMP_ECHO_REPLY : TW_ICMP6_ECHO_REPLY));
	CHECK(tw_icmp_echo_reply(f, &chk, 0) == -TW_EPROTO);
}

/* The fast path agrees with the general parser, octet for octet. */
static void
same_as_general(const uint8_t *f, size_t len, const struct tw_pkt *p, int rc,
		unsigned flags)
{
	struct tw_pkt g;

	CHECK(net_pkt_parse_general(f, len, &g, flags) == rc);
	CHECK(memcmp(p, &g, sizeof(g)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_pkt p, p2, p3;
	struct tw_eth_info eth;
	uint8_t *f;
	int rc, rc2;

	if (size > 70000)
		return 0;
	rc = tw_pkt_parse(data, size, &p, 0);
	rc2 = tw_pkt_parse(data, size, &p2, NO_CSUM);
	same_as_general(data, size, &p, rc, 0);
	same_as_general(data, size, &p2, rc2, NO_CSUM);
	if (rc == 0) {
		check_summary(data, size, &p);
		CHECK(rc2 == 0);
		CHECK(memcmp(&p, &p2, sizeof(p)) == 0);
	}
	if (rc != -TW_ECSUM)
		CHECK(rc == rc2);
	if (tw_eth_parse(data, size, &eth) == 0) {
		struct tw_ipv4_info ip4;
		struct tw_ipv6_info ip6;
		CHECK(eth.hdr_len <= size);
		(void)tw_ipv4_parse(data + eth.hdr_len, size - eth.hdr_len,
				    &ip4, 0);
		if (tw_ipv6_parse(data + eth.hdr_len, size - eth.hdr_len,
				  &ip6) == 0)
			CHECK(ip6.l4_off + ip6.l4_len <=
			      TW_IPV6_HLEN + (size_t)ip6.payload_len);
	}
	if (rc2 != 0 && rc2 != -TW_EPROTO && rc2 != -TW_ECSUM)
		return 0;

	/* A copy with correct checksums, parsed again with every check. */
	f = malloc(size ? size : 1);
	memcpy(f, data, size);
	rc = tw_pkt_parse(f, size, &p3, NO_CSUM);
	if (rc == 0 || rc == -TW_EPROTO || rc == -TW_ECSUM) {
		struct tw_pkt q;
		fix_checksums(f, &p3);
		rc2 = tw_pkt_parse(f, size, &q, 0);
		same_as_general(f, size, &q, rc2, 0);
		/* fixed checksums verify; a zero IPv6 UDP checksum is gone */
		if (rc == 0 || rc == -TW_ECSUM)
			CHECK(rc2 == 0);
		if (rc2 == 0) {
			udp_response(f, &q, data, size);
			udp_rebuild(f, &q);
		} else if (rc2 == -TW_EPROTO) {
			CHECK(rc == -TW_EPROTO);
			if (q.ip_ver == 0 &&
			    q.eth.ethertype == TW_ETHERTYPE_ARP)
				arp_case(f, size, &q);
			else if (q.l4_off != 0 &&
				 (q.l4_proto == TW_IPPROTO_ICMP ||
				  q.l4_proto == TW_IPPROTO_ICMPV6))
				icmp_case(f, size, &q);
		}
	}
	free(f);
	return 0;
}
