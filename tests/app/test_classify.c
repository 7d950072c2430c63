/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/trustwire/classify.c: every class, the offsets the hooks use, the
 * fast-path ARP / ND / echo replies, and every truncation of every frame
 * (ASan: never out of bounds). Valid frames are built with lib/net.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify.h"

#define NOCSUM (TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM)

static const uint8_t our_mac[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our4[4] = { 192, 0, 2, 53 };
static const uint8_t client4[4] = { 198, 51, 100, 7 };
static const uint8_t up4[4] = { 192, 0, 2, 1 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t client6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x07 };

struct frame {
	uint8_t b[512];
	size_t len;
};

static void
ctx_init(struct tw_classify_ctx *cx)
{
	memset(cx, 0, sizeof(*cx));
	memcpy(cx->mac, our_mac, 6);
	assert_int_equal(tw_classify_add_addr(cx, 4, our4), 0);
	assert_int_equal(tw_classify_add_addr(cx, 6, our6), 0);
	cx->up[0].family = 4;
	cx->up[0].port = 53;
	memcpy(cx->up[0].addr, up4, 4);
	cx->n_up = 1;
}

/* A UDP frame with @p plen payload octets (pattern), valid checksums. */
static void
udp(struct frame *f, int ver, const uint8_t *src, const uint8_t *dst,
    uint16_t sport, uint16_t dport, size_t plen, int vlan)
{
	struct tw_udp_flow fl;
	size_t off, i;
	int n;

	memset(&fl, 0, sizeof(fl));
	memcpy(fl.dst_mac, our_mac, 6);
	memcpy(fl.src_mac, client_mac, 6);
	fl.ip_ver = (uint8_t)ver;
	memcpy(fl.src, src, ver == 4 ? 4 : 16);
	memcpy(fl.dst, dst, ver == 4 ? 4 : 16);
	fl.sport = sport;
	fl.dport = dport;
	if (vlan) {
		fl.n_tags = 1;
		fl.tag[0].tpid = TW_ETHERTYPE_VLAN;
		fl.tag[0].tci = 7;
	}
	off = tw_pkt_udp_hdr_len(&fl);
	for (i = 0; i < plen; i++)
		f->b[off + i] = (uint8_t)(i * 7 + 1);
	n = tw_pkt_udp_build(f->b, sizeof(f->b), &fl, plen, NULL, 0);
	assert_true(n > 0);
	f->len = (size_t)n;
}

/* IPv4 + ICMP echo request (or @p proto with an 8-byte L4 header). */
static void
ip4_l4(struct frame *f, const uint8_t *dst, uint8_t proto, uint8_t type)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 20;

	memcpy(f->b, our_mac, 6);
	memcpy(f->b + 6, client_mac, 6);
	tw_put16(f->b + 12, TW_ETHERTYPE_IPV4);
	memset(ip, 0, 20 + 16);
	ip[0] = 0x45;
	tw_put16(ip + 2, 20 + 16);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, client4, 4);
	memcpy(ip + 16, dst, 4);
	tw_put16(ip + 10, tw_cksum(ip, 20));
	l4[0] = type;
	tw_put16(l4 + 4, 0x1234); /* id */
	tw_put16(l4 + 6, 1);	  /* seq */
	memcpy(l4 + 8, "pingpong", 8);
	if (proto == TW_IPPROTO_ICMP)
		tw_put16(l4 + 2, tw_cksum(l4, 16));
	f->len = 14 + 20 + 16;
}

/* IPv6 + ICMPv6 echo request to @p dst. */
static void
ip6_echo(struct frame *f, const uint8_t *dst)
{
	uint8_t *ip = f->b + 14, *l4 = ip + 40;
	uint32_t s;

	memcpy(f->b, our_mac, 6);
	memcpy(f->b + 6, client_mac, 6);
	tw_put16(f->b + 12, TW_ETHERTYPE_IPV6);
	memset(ip, 0, 40 + 16);
	ip[0] = 0x60;
	tw_put16(ip + 4, 16);
	ip[6] = TW_IPPROTO_ICMPV6;
	ip[7] = 64;
	memcpy(ip + 8, client6, 16);
	memcpy(ip + 24, dst, 16);
	l4[0] = TW_ICMP6_ECHO_REQUEST;
	tw_put16(l4 + 4, 0x4321);
	memcpy(l4 + 8, "pingpong", 8);
	s = tw_ipv6_phdr_sum(client6, dst, TW_IPPROTO_ICMPV6, 16);
	tw_put16(l4 + 2, (uint16_t)~tw_cksum_fold(tw_cksum_partial(l4, 16, s)));
	f->len = 14 + 40 + 16;
}

static enum tw_pkt_class
cls_flags(const struct frame *f, struct tw_cls *c, unsigned flags)
{
	struct tw_classify_ctx cx;
	enum tw_pkt_class k;
	uint8_t *copy;

	ctx_init(&cx);
	/* An exact-size heap copy: ASan catches any read past the end. */
	copy = malloc(f->len ? f->len : 1);
	assert_non_null(copy);
	memcpy(copy, f->b, f->len);
	k = tw_classify(&cx, copy, f->len, flags, c);
	free(copy);
	assert_int_equal(c->cls, k);
	return k;
}

static enum tw_pkt_class
cls(const struct frame *f, struct tw_cls *c)
{
	return cls_flags(f, c, 0);
}

static void
test_query_v4(void **state)
{
	struct frame f;
	struct tw_cls c;

	(void)state;
	udp(&f, 4, client4, our4, 40000, 53, 29, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_DNS_QUERY);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.pkt.ip_ver, 4);
	assert_int_equal(c.pkt.l3_off, 14);
	assert_int_equal(c.pkt.l4_off, 34);
	assert_int_equal(c.pkt.sport, 40000);
	assert_int_equal(c.pkt.dport, 53);
	assert_int_equal(c.pkt.payload_off, 42);
	assert_int_equal(c.pkt.payload_len, 29);
	assert_memory_equal(c.pkt.dst, our4, 4);
	assert_int_equal(c.addr_idx, 0);

	/* VLAN-tagged: offsets move by 4. */
	udp(&f, 4, client4, our4, 40000, 53, 29, 1);
	assert_int_equal(cls(&f, &c), TW_PKT_DNS_QUERY);
	assert_int_equal(c.pkt.l3_off, 18);
	assert_int_equal(c.pkt.payload_off, 46);
	/* RFC 1122 3.3.6: our unicast IP in a link-layer broadcast or
	 * multicast frame is discarded (a reply would leave from that
	 * group MAC); a group source MAC is malformed (IEEE 802.3). */
	memset(f.b, 0xff, 6);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	memcpy(f.b, "\x01\x00\x5e\x00\x00\x35", 6);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	memcpy(f.b, our_mac, 6);
	assert_int_equal(cls(&f, &c), TW_PKT_DNS_QUERY);
	memset(f.b + 6, 0xff, 6);
	assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
	f.b[6] = 0x03; /* any group bit */
	assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
	/* Sources never answered (RFC 1122 3.2.1.3: 0/8, 127/8; RFC 4291
	 * 2.5.2-3: ::, ::1) and source port 0 (RFC 768: no reply wanted). */
	{
		static const uint8_t zero4[4] = { 0, 0, 0, 0 },
				     loop4[4] = { 127, 0, 0, 1 },
				     zero6[16] = { 0 },
				     loop6[16] = { [15] = 1 };

		udp(&f, 4, zero4, our4, 40000, 53, 29, 0);
		assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
		udp(&f, 4, loop4, our4, 40000, 53, 29, 0);
		assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
		udp(&f, 6, zero6, our6, 40000, 53, 29, 0);
		assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
		udp(&f, 6, loop6, our6, 40000, 53, 29, 0);
		assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
		udp(&f, 4, client4, our4, 0, 53, 29, 0);
		assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
	}
	/* Trailing Ethernet padding is not payload. */
	udp(&f, 4, client4, our4, 40000, 53, 4, 0);
	memset(f.b + f.len, 0, 60 - f.len);
	f.len = 60;
	assert_int_equal(cls(&f, &c), TW_PKT_DNS_QUERY);
	assert_int_equal(c.pkt.payload_len, 4);
}

static void
test_query_v6(void **state)
{
	static const uint8_t other[16] = { 0x20, 0x01, 0x0d,
					   0xb8, [15] = 0x99 };
	static const uint8_t mc[16] = { 0xff, 0x02, [15] = 0xfb };
	struct frame f;
	struct tw_cls c;

	(void)state;
	udp(&f, 6, client6, our6, 40000, 53, 33, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_DNS_QUERY);
	assert_int_equal(c.pkt.ip_ver, 6);
	assert_int_equal(c.pkt.l4_off, 54);
	assert_int_equal(c.pkt.payload_off, 62);
	assert_int_equal(c.pkt.payload_len, 33);
	udp(&f, 6, client6, other, 40000, 53, 12, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	udp(&f, 6, client6, mc, 5353, 5353, 12, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	/* Payload length beyond the frame. */
	udp(&f, 6, client6, our6, 40000, 53, 12, 0);
	tw_put16(f.b + 18, 200);
	assert_int_equal(cls(&f, &c), TW_PKT_MALFORMED);
	/* IPv6 fragment header. */
	udp(&f, 6, client6, our6, 40000, 53, 12, 0);
	f.b[20] = TW_IPPROTO_FRAGMENT;
	assert_int_equal(cls(&f, &c), TW_PKT_FRAGMENT);
}

static void
test_upstream_and_spoof(void **state)
{
	static const uint8_t stranger[4] = { 203, 0, 113, 9 };
	struct frame f;
	struct tw_cls c;

	(void)state;
	udp(&f, 4, up4, our4, 53, 40002, 40, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_UPSTREAM);
	assert_int_equal(c.up_idx, 0);
	assert_int_equal(c.pkt.dport, 40002);
	/* Right address, wrong port: not the upstream. */
	udp(&f, 4, up4, our4, 5353, 40002, 40, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	udp(&f, 4, stranger, our4, 53, 40002, 40, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_SPOOFED);
}

static void
test_checksums(void **state)
{
	struct frame f;
	struct tw_cls c;

	(void)state;
	udp(&f, 4, client4, our4, 40000, 53, 20, 0);
	f.b[f.len - 1] ^= 0x55; /* payload changed: UDP checksum wrong */
	assert_int_equal(cls(&f, &c), TW_PKT_BAD_CKSUM);
	/* The NIC said the L4 checksum is good: not verified again. */
	assert_int_equal(cls_flags(&f, &c, TW_NET_F_NO_L4_CSUM),
			 TW_PKT_DNS_QUERY);
	udp(&f, 4, client4, our4, 40000, 53, 20, 0);
	f.b[14 + 8] = 3; /* TTL changed: IPv4 header checksum wrong */
	assert_int_equal(cls(&f, &c), TW_PKT_BAD_CKSUM);
	assert_int_equal(cls_flags(&f, &c, TW_NET_F_NO_IP_CSUM),
			 TW_PKT_DNS_QUERY);
	/* IPv6 UDP checksum 0 is invalid (RFC 8200 8.1) even with the flag. */
	udp(&f, 6, client6, our6, 40000, 53, 20, 0);
	tw_put16(f.b + 54 + 6, 0);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_BAD_CKSUM);
}

static void
test_exceptions_and_drops(void **state)
{
	static const uint8_t other_mac[6] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee
	};
	static const uint8_t other4[4] = { 10, 9, 9, 9 };
	static const uint8_t mcast4[4] = { 224, 0, 0, 251 };
	struct frame f;
	struct tw_cls c;
	int n;

	(void)state;
	/* ARP (broadcast). */
	n = tw_arp_build_request(f.b, sizeof(f.b), NULL, client_mac, client4,
				 our4);
	assert_true(n > 0);
	f.len = (size_t)n;
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	assert_int_equal(c.pkt.eth.ethertype, TW_ETHERTYPE_ARP);
	/* ICMP and TCP to us, to others. */
	ip4_l4(&f, our4, TW_IPPROTO_ICMP, TW_ICMP_ECHO_REQUEST);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	/* the echo request to our unicast address by broadcast: dropped
	 * (RFC 1122 3.3.6), no reply from ff:ff:ff:ff:ff:ff */
	memset(f.b, 0xff, 6);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	ip4_l4(&f, our4, TW_IPPROTO_ICMP, TW_ICMP_ECHO_REQUEST);
	ip4_l4(&f, our4, TW_IPPROTO_TCP, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	assert_int_equal(c.pkt.l4_proto, TW_IPPROTO_TCP);
	ip4_l4(&f, other4, TW_IPPROTO_TCP, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	/* Other UDP port: kernel (ICMP port unreachable). */
	udp(&f, 4, client4, our4, 40000, 9, 8, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	/* Multicast IPv4 (mDNS): kernel. */
	udp(&f, 4, client4, mcast4, 5353, 5353, 8, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_EXCEPTION);
	/* Other unicast address, other MAC. */
	udp(&f, 4, client4, other4, 40000, 53, 8, 0);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	memcpy(f.b, other_mac, 6);
	assert_int_equal(cls(&f, &c), TW_PKT_NOT_OURS);
	/* Fragments: MF, then an offset. */
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	tw_put16(f.b + 14 + 6, TW_IPV4_MF);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_FRAGMENT);
	tw_put16(f.b + 14 + 6, 0x0010);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_FRAGMENT);
	/* Malformed: IHL < 5, total length > frame, UDP length lies. */
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	f.b[14] = 0x44;
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_MALFORMED);
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	tw_put16(f.b + 16, 1400);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_MALFORMED);
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	tw_put16(f.b + 14 + 24, 7);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_MALFORMED);
	tw_put16(f.b + 14 + 24, 17);
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_MALFORMED);
	/* IPv4 options: NOPs pass; a loose or strict source route (RFC 791
	 * 3.1; dropped, RFC 7126 4.3-4.4) or an unreadable option does not */
	for (int o = 0; o < 4; o++) {
		static const uint8_t opts[4][4] = {
			{ 1, 1, 1, 0 },	  /* NOP NOP NOP EOL */
			{ 131, 3, 4, 0 }, /* LSRR, incomplete */
			{ 1, 137, 3, 4 }, /* SSRR */
			{ 1, 7, 9, 0 },	  /* length past the header */
		};
		uint8_t g[512];
		size_t l;

		udp(&f, 4, client4, our4, 40000, 53, 8, 0);
		l = f.len;
		memcpy(g, f.b, 14 + 20);
		memcpy(g + 14 + 20, opts[o], 4);
		memcpy(g + 14 + 24, f.b + 14 + 20, l - 14 - 20);
		g[14] = 0x46;
		tw_put16(g + 16, (uint16_t)(tw_get16(g + 16) + 4));
		memcpy(f.b, g, l + 4);
		f.len = l + 4;
		assert_int_equal(cls_flags(&f, &c, NOCSUM),
				 o == 0 ? TW_PKT_DNS_QUERY : TW_PKT_MALFORMED);
	}
	/* IPv4 version field wrong. */
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	f.b[14] = 0x65;
	assert_int_equal(cls_flags(&f, &c, NOCSUM), TW_PKT_MALFORMED);
}

static void
test_local_replies(void **state)
{
	struct tw_classify_ctx cx;
	struct tw_cls c, r;
	struct tw_arp arp;
	struct tw_nd_na na;
	struct frame f;
	enum tw_local kind;
	int n;

	(void)state;
	ctx_init(&cx);

	/* ARP request for our address -> reply from our MAC. */
	n = tw_arp_build_request(f.b, sizeof(f.b), NULL, client_mac, client4,
				 our4);
	f.len = (size_t)n;
	tw_classify(&cx, f.b, f.len, 0, &c);
	n = tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind);
	assert_true(n >= 14 + TW_ARP_LEN);
	assert_int_equal(kind, TW_LOCAL_ARP);
	assert_memory_equal(f.b, client_mac, 6);
	assert_memory_equal(f.b + 6, our_mac, 6);
	assert_int_equal(tw_arp_parse(f.b + 14, (size_t)n - 14, &arp), 0);
	assert_int_equal(arp.op, TW_ARP_OP_REPLY);
	assert_memory_equal(arp.sha, our_mac, 6);
	assert_memory_equal(arp.spa, our4, 4);
	assert_memory_equal(arp.tpa, client4, 4);

	/* ARP request for someone else: the kernel's business. */
	n = tw_arp_build_request(f.b, sizeof(f.b), NULL, client_mac, client4,
				 up4);
	f.len = (size_t)n;
	tw_classify(&cx, f.b, f.len, 0, &c);
	assert_int_equal(tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind), 0);
	assert_int_equal(kind, TW_LOCAL_NONE);

	/* Neighbour Solicitation for our address -> advertisement. */
	n = tw_nd_build_ns(f.b, sizeof(f.b), NULL, client_mac, client6, our6);
	assert_true(n > 0);
	f.len = (size_t)n;
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_EXCEPTION);
	n = tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind);
	assert_true(n > 0);
	assert_int_equal(kind, TW_LOCAL_ND);
	assert_int_equal(tw_pkt_parse(f.b, (size_t)n, &r.pkt, 0), -TW_EPROTO);
	assert_int_equal(tw_nd_parse_na(f.b, &r.pkt, &na), 0);
	assert_memory_equal(na.target, our6, 16);
	assert_non_null(na.tlla);
	assert_memory_equal(na.tlla, our_mac, 6);
	assert_int_equal(na.flags, TW_ND_NA_F_SOLICITED | TW_ND_NA_F_OVERRIDE);
	assert_memory_equal(r.pkt.dst, client6, 16);
	/* NS for another target. */
	n = tw_nd_build_ns(f.b, sizeof(f.b), NULL, client_mac, client6,
			   client6);
	f.len = (size_t)n;
	tw_classify(&cx, f.b, f.len, 0, &c);
	assert_int_equal(tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind), 0);

	/* ICMP echo request to us -> reply (checksums verified by parse). */
	ip4_l4(&f, our4, TW_IPPROTO_ICMP, TW_ICMP_ECHO_REQUEST);
	tw_classify(&cx, f.b, f.len, 0, &c);
	n = tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind);
	assert_int_equal(n, 14 + 20 + 16);
	assert_int_equal(kind, TW_LOCAL_ECHO);
	assert_int_equal(tw_pkt_parse(f.b, (size_t)n, &r.pkt, 0), -TW_EPROTO);
	assert_memory_equal(r.pkt.dst, client4, 4);
	assert_int_equal(f.b[34], TW_ICMP_ECHO_REPLY);
	assert_int_equal(tw_cksum(f.b + 34, 16), 0);
	/* Other ICMP (e.g. an unreachable) is left for the kernel. */
	ip4_l4(&f, our4, TW_IPPROTO_ICMP, 3);
	tw_classify(&cx, f.b, f.len, 0, &c);
	assert_int_equal(tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind), 0);
	/* A corrupt echo request to us is dropped. */
	ip4_l4(&f, our4, TW_IPPROTO_ICMP, TW_ICMP_ECHO_REQUEST);
	f.b[f.len - 1] ^= 1;
	tw_classify(&cx, f.b, f.len, 0, &c);
	assert_int_equal(tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind),
			 -TW_ECSUM);
	/* ICMPv6 echo. */
	ip6_echo(&f, our6);
	tw_classify(&cx, f.b, f.len, 0, &c);
	n = tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind);
	assert_int_equal(kind, TW_LOCAL_ECHO);
	assert_int_equal(f.b[54], TW_ICMP6_ECHO_REPLY);
	assert_int_equal(tw_pkt_parse(f.b, (size_t)n, &r.pkt, 0), -TW_EPROTO);
	assert_memory_equal(r.pkt.dst, client6, 16);
	/* Not an exception frame: nothing. */
	udp(&f, 4, client4, our4, 40000, 53, 8, 0);
	tw_classify(&cx, f.b, f.len, 0, &c);
	assert_int_equal(tw_local_reply(&cx, f.b, sizeof(f.b), &c, &kind), 0);
}

/* Every prefix of every frame: no crash, no out-of-bounds read. */
static void
test_truncations(void **state)
{
	struct frame frames[6], f;
	struct tw_cls c;
	size_t i, n;

	(void)state;
	udp(&frames[0], 4, client4, our4, 40000, 53, 29, 0);
	udp(&frames[1], 4, client4, our4, 40000, 53, 29, 1);
	udp(&frames[2], 6, client6, our6, 40000, 53, 33, 0);
	udp(&frames[3], 4, up4, our4, 53, 40002, 40, 0);
	ip6_echo(&frames[4], our6);
	frames[5].len = (size_t)tw_nd_build_ns(frames[5].b, sizeof(frames[5].b),
					       NULL, client_mac, client6, our6);
	for (i = 0; i < 6; i++) {
		for (n = 0; n < frames[i].len; n++) {
			f = frames[i];
			f.len = n;
			cls(&f, &c);
			assert_true(c.cls == TW_PKT_MALFORMED ||
				    c.cls == TW_PKT_EXCEPTION ||
				    c.cls == TW_PKT_BAD_CKSUM);
		}
	}
	/* Random bytes, classified and (if exception) answered. */
	srand(1);
	for (i = 0; i < 20000; i++) {
		struct tw_classify_ctx cx;
		enum tw_local kind;
		uint8_t *copy;
		int r;

		f.len = (size_t)(rand() % 200);
		for (n = 0; n < f.len; n++)
			f.b[n] = (uint8_t)rand();
		if (i % 2)
			memcpy(f.b, our_mac, 6);
		if (i % 3 == 0 && f.len > 15) {
			f.b[12] = 0x08;
			f.b[13] = (uint8_t)(i % 6 == 0 ? 0x06 : 0);
			f.b[14] = i % 6 == 0 ? 0 : 0x45;
		}
		cls(&f, &c);
		assert_true(c.cls < TW_PKT_CLASS_MAX);
		if (c.cls == TW_PKT_DNS_QUERY)
			assert_true((size_t)c.pkt.payload_off +
					    c.pkt.payload_len <=
				    f.len);
		ctx_init(&cx);
		copy = malloc(f.len + 1);
		memcpy(copy, f.b, f.len);
		tw_classify(&cx, copy, f.len, 0, &c);
		/* The reply may grow: give it a separate, exact buffer. */
		r = tw_local_reply(&cx, copy, f.len, &c, &kind);
		assert_true(r <= (int)f.len);
		free(copy);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(tw_pkt_class_str(TW_PKT_DNS_QUERY), "dns_query");
	assert_string_equal(tw_pkt_class_str(TW_PKT_BAD_CKSUM), "bad_cksum");
	assert_string_equal(tw_pkt_class_str(TW_PKT_CLASS_MAX), "?");
}

/*
 * Client prefixes (RFC 5358 4: not an open resolver): once one is
 * allowed, a DNS query from an address none covers is TW_PKT_DENIED;
 * upstream answers and other traffic are not concerned.
 */
/* Our addresses are unicast ones a reply may leave from: the others are
 * refused, so the hit path never checks the address per packet. */
static void
test_add_addr(void **state)
{
	static const uint8_t bad4[][4] = {
		{ 224, 0, 0, 1 }, { 239, 1, 2, 3 }, { 255, 255, 255, 255 },
		{ 0, 0, 0, 0 },	  { 0, 1, 2, 3 },   { 127, 0, 0, 1 },
		{ 240, 0, 0, 1 },
	};
	static const uint8_t mc6[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t any6[16] = { 0 };
	static const uint8_t lo6[16] = { [15] = 1 };
	struct tw_classify_ctx cx;
	uint8_t a[4] = { 192, 0, 2, 0 };

	(void)state;
	memset(&cx, 0, sizeof(cx));
	for (size_t i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++)
		assert_int_equal(tw_classify_add_addr(&cx, 4, bad4[i]),
				 -EINVAL);
	assert_int_equal(tw_classify_add_addr(&cx, 6, mc6), -EINVAL);
	assert_int_equal(tw_classify_add_addr(&cx, 6, any6), -EINVAL);
	assert_int_equal(tw_classify_add_addr(&cx, 6, lo6), -EINVAL);
	assert_int_equal(tw_classify_add_addr(&cx, 5, our4), -EINVAL);
	assert_int_equal(cx.n_v4 + cx.n_v6, 0);
	assert_int_equal(tw_classify_add_addr(&cx, 6, our6), 0);
	for (unsigned i = 0; i < TW_CLS_MAX_ADDRS; i++) {
		a[3] = (uint8_t)(i + 1);
		assert_int_equal(tw_classify_add_addr(&cx, 4, a), 0);
	}
	assert_int_equal(tw_classify_add_addr(&cx, 4, our4), -ENOSPC);
	assert_int_equal(cx.n_v4, TW_CLS_MAX_ADDRS);
	assert_int_equal(cx.n_v6, 1);
	assert_memory_equal(cx.v6[0], our6, 16);
}

static void
test_allow(void **state)
{
	static const uint8_t net4[4] = { 198, 51, 100, 77 }, /* host bits */
		other4[4] = { 203, 0, 113, 9 },
			     net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 },
			     in6[16] = { 0x20, 0x01, 0x0d,    0xb8,
					 0x00, 0x01, [15] = 9 };
	struct tw_classify_ctx cx;
	struct tw_cls c;
	struct frame f;

	(void)state;
	ctx_init(&cx);
	/* nothing allowed yet: anyone */
	assert_true(tw_classify_client_ok(&cx, 4, other4));
	assert_int_equal(tw_classify_allow(&cx, 4, net4, 24), 0);
	assert_int_equal(tw_classify_allow(&cx, 6, net6, 48), 0);
	assert_int_equal(tw_classify_allow(&cx, 4, net4, 33), -EINVAL);
	assert_int_equal(tw_classify_allow(&cx, 5, net4, 8), -EINVAL);
	assert_true(tw_classify_client_ok(&cx, 4, client4)); /* .7 in /24 */
	assert_false(tw_classify_client_ok(&cx, 4, other4));
	assert_true(tw_classify_client_ok(&cx, 6, in6));
	assert_false(tw_classify_client_ok(&cx, 6, client6)); /* db8:: */
	/* through tw_classify(): the frames of a query from each */
	udp(&f, 4, client4, our4, 40000, 53, 29, 0);
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_DNS_QUERY);
	udp(&f, 4, other4, our4, 40000, 53, 29, 0);
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_DENIED);
	assert_string_equal(tw_pkt_class_str(TW_PKT_DENIED), "denied");
	udp(&f, 6, in6, our6, 40000, 53, 29, 0);
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_DNS_QUERY);
	udp(&f, 6, client6, our6, 40000, 53, 29, 0);
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_DENIED);
	/* the upstream's answers are not client queries */
	udp(&f, 4, up4, our4, 53, 40000, 29, 0);
	assert_int_equal(tw_classify(&cx, f.b, f.len, 0, &c), TW_PKT_UPSTREAM);
	/* /0 of a family: all of it; the table has a bound */
	ctx_init(&cx);
	assert_int_equal(tw_classify_allow(&cx, 6, net6, 0), 0);
	assert_true(tw_classify_client_ok(&cx, 6, client6));
	assert_false(tw_classify_client_ok(&cx, 4, client4));
	for (unsigned i = 0; i < TW_CLS_MAX_ALLOW; i++)
		assert_int_equal(tw_classify_allow(&cx, 4, net4, 32), 0);
	assert_int_equal(tw_classify_allow(&cx, 4, net4, 32), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_v4),
		cmocka_unit_test(test_query_v6),
		cmocka_unit_test(test_upstream_and_spoof),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_exceptions_and_drops),
		cmocka_unit_test(test_local_replies),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_add_addr),
		cmocka_unit_test(test_allow),
	};

	return cmocka_run_group_tests_name("app/classify", tests, NULL, NULL);
}
