/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker classification over lib/net (see classify.h). tw_pkt_parse()
 * does the header checks (lengths, versions, fragments, checksums); here
 * we decide whose the frame is.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "classify.h"
#include "net_pkt_fast.h"

static enum tw_pkt_class
done(struct tw_cls *c, enum tw_pkt_class k)
{
	c->cls = (uint8_t)k;
	return k;
}

/* Fixed-size compares as word loads (no library call per packet). */
static inline bool
eq4(const uint8_t *a, const uint8_t *b)
{
	uint32_t x, y;

	memcpy(&x, a, 4);
	memcpy(&y, b, 4);
	return x == y;
}

static inline bool
eq16(const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static inline bool
eq_mac(const uint8_t *a, const uint8_t *b)
{
	uint32_t x, y;
	uint16_t v, w;

	memcpy(&x, a, 4);
	memcpy(&y, b, 4);
	memcpy(&v, a + 4, 2);
	memcpy(&w, b + 4, 2);
	return x == y && v == w;
}

static int
find_addr(const struct tw_classify_ctx *cx, uint8_t ver, const uint8_t *a)
{
	int i;

	if (ver == 4) {
		for (i = 0; i < cx->n_v4; i++)
			if (eq4(cx->v4[i], a))
				return i;
	} else {
		for (i = 0; i < cx->n_v6; i++)
			if (eq16(cx->v6[i], a))
				return i;
	}
	return -1;
}

static int
find_upstream(const struct tw_classify_ctx *cx, uint8_t ver, const uint8_t *a,
	      uint16_t port)
{
	int i;

	for (i = 0; i < cx->n_up; i++)
		if (cx->up[i].family == ver && cx->up[i].port == port &&
		    (ver == 4 ? eq4(cx->up[i].addr, a)
			      : eq16(cx->up[i].addr, a)))
			return i;
	return -1;
}

/*
 * Not one of our unicast addresses, but the kernel's business: IPv4
 * broadcast and multicast (224/4), IPv6 multicast (ND solicitations go
 * to solicited-node groups, RFC 4861 7.2.2) and link-local unicast.
 */
static int
is_kernel_dst(uint8_t ver, const uint8_t *a)
{
	if (ver == 4)
		return (a[0] & 0xf0) == 0xe0 ||
		       memcmp(a, "\xff\xff\xff\xff", 4) == 0;
	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

/* The first @p len bits of a @p n-octet address as a mask, loaded as
 * the address is (memcpy: any host byte order). */
static void
prefix_mask(uint8_t *m, size_t n, unsigned len)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b = len >= 8 * (i + 1) ? 8
			     : len > 8 * i	? len - 8 * i
						: 0;

		m[i] = (uint8_t)(b ? 0xff << (8 - b) : 0);
	}
}

int
tw_classify_add_addr(struct tw_classify_ctx *cx, uint8_t ver,
		     const uint8_t *addr)
{
	if ((ver != 4 && ver != 6) ||
	    tw_net_reply_src_problem(ver, addr) != NULL)
		return -EINVAL;
	if (ver == 4) {
		if (cx->n_v4 >= TW_CLS_MAX_ADDRS)
			return -ENOSPC;
		memcpy(cx->v4[cx->n_v4++], addr, 4);
		return 0;
	}
	if (cx->n_v6 >= TW_CLS_MAX_ADDRS)
		return -ENOSPC;
	memcpy(cx->v6[cx->n_v6++], addr, 16);
	return 0;
}

int
tw_classify_allow(struct tw_classify_ctx *cx, uint8_t ver, const uint8_t *addr,
		  unsigned len)
{
	uint8_t m[16], a[16];

	if ((ver != 4 && ver != 6) || len > (ver == 4 ? 32u : 128u))
		return -EINVAL;
	prefix_mask(m, ver == 4 ? 4 : 16, len);
	for (size_t i = 0; i < (ver == 4 ? 4u : 16u); i++)
		a[i] = addr[i] & m[i];
	if (ver == 4) {
		if (cx->n_allow4 >= TW_CLS_MAX_ALLOW)
			return -ENOSPC;
		memcpy(&cx->allow4[cx->n_allow4].net, a, 4);
		memcpy(&cx->allow4[cx->n_allow4].mask, m, 4);
		cx->n_allow4++;
		return 0;
	}
	if (cx->n_allow6 >= TW_CLS_MAX_ALLOW)
		return -ENOSPC;
	memcpy(cx->allow6[cx->n_allow6].net, a, 16);
	memcpy(cx->allow6[cx->n_allow6].mask, m, 16);
	cx->n_allow6++;
	return 0;
}

bool
tw_classify_client_ok(const struct tw_classify_ctx *cx, uint8_t ver,
		      const uint8_t *addr)
{
	if (cx->n_allow4 == 0 && cx->n_allow6 == 0)
		return true;
	if (ver == 4) {
		uint32_t x;

		memcpy(&x, addr, 4);
		for (unsigned i = 0; i < cx->n_allow4; i++)
			if ((x & cx->allow4[i].mask) == cx->allow4[i].net)
				return true;
		return false;
	}
	{
		uint64_t x[2];

		memcpy(x, addr, 16);
		for (unsigned i = 0; i < cx->n_allow6; i++)
			if ((x[0] & cx->allow6[i].mask[0]) ==
				    cx->allow6[i].net[0] &&
			    (x[1] & cx->allow6[i].mask[1]) ==
				    cx->allow6[i].net[1])
				return true;
	}
	return false;
}

enum tw_pkt_class
tw_classify(const struct tw_classify_ctx *cx, const uint8_t *frame, size_t len,
	    unsigned flags, struct tw_cls *c)
{
	struct tw_pkt *p = &c->pkt;
	bool group_dst = false;
	int idx, up;

	c->len = (uint32_t)len;
	c->addr_idx = 0;
	c->up_idx = 0;
	if (likely(len >= 2 * TW_ETH_ALEN)) {
		/* The group bits of both MACs at once: clear for a unicast
		 * frame from a unicast station, the common case. */
		if (unlikely((frame[0] | frame[TW_ETH_ALEN]) & 1)) {
			/* IEEE 802.3 3.2.3: a source address is an
			 * individual address; a group source would make our
			 * reply a broadcast (or multicast) to the segment. */
			if (frame[TW_ETH_ALEN] & 1) {
				memset(p, 0, sizeof(*p));
				c->rc = -TW_EFORMAT;
				return done(c, TW_PKT_MALFORMED);
			}
			group_dst = true;
		} else if (!eq_mac(frame, cx->mac)) {
			/* Unicast to another MAC: not ours (promiscuous /
			 * af_packet ports). */
			memset(p, 0, sizeof(*p));
			c->rc = 0;
			return done(c, TW_PKT_NOT_OURS);
		}
	}
	/* tw_pkt_parse(), its fast path inline (no call per packet). */
	c->rc = likely(net_pkt_parse_fast(frame, len, p, flags) == 0)
			? 0
			: net_pkt_parse_general(frame, len, p, flags);
	switch (c->rc) {
	case 0:
		break;
	case -TW_EPROTO:
		/* Well formed, not UDP (or not IP): ARP, ICMP, TCP, ... */
		if (p->ip_ver == 0)
			return done(c, TW_PKT_EXCEPTION);
		idx = find_addr(cx, p->ip_ver, p->dst);
		if (idx < 0 && !is_kernel_dst(p->ip_ver, p->dst))
			return done(c, TW_PKT_NOT_OURS);
		if (idx >= 0 && group_dst)
			return done(c, TW_PKT_NOT_OURS); /* see below */
		c->addr_idx = (uint8_t)(idx < 0 ? 0 : idx);
		return done(c, TW_PKT_EXCEPTION);
	case -TW_EFRAG:
		return done(c, TW_PKT_FRAGMENT);
	case -TW_ECSUM:
		return done(c, TW_PKT_BAD_CKSUM);
	default: /* -TW_ETRUNC, -TW_EFORMAT */
		return done(c, TW_PKT_MALFORMED);
	}

	/* A UDP datagram. */
	idx = find_addr(cx, p->ip_ver, p->dst);
	if (idx < 0)
		return done(c, is_kernel_dst(p->ip_ver, p->dst)
				       ? TW_PKT_EXCEPTION
				       : TW_PKT_NOT_OURS);
	/* RFC 1122 3.3.6: a unicast IP datagram that came as a link-layer
	 * broadcast or multicast is silently discarded (and answering it
	 * would send from a group MAC). */
	if (unlikely(group_dst))
		return done(c, TW_PKT_NOT_OURS);
	c->addr_idx = (uint8_t)idx;
	up = find_upstream(cx, p->ip_ver, p->src, p->sport);
	if (up >= 0) {
		c->up_idx = (uint8_t)up;
		return done(c, TW_PKT_UPSTREAM);
	}
	if (p->dport == TW_DNS_PORT) {
		/* RFC 768: source port 0 means no reply is expected. */
		if (unlikely(p->sport == 0))
			return done(c, TW_PKT_MALFORMED);
		/* The operator's client prefixes (RFC 5358 4: no open
		 * resolver): a query from elsewhere gets no answer. */
		if (unlikely((cx->n_allow4 | cx->n_allow6) != 0) &&
		    !tw_classify_client_ok(cx, p->ip_ver, p->src))
			return done(c, TW_PKT_DENIED);
		return done(c, TW_PKT_DNS_QUERY);
	}
	/* A DNS answer from anyone but our upstreams (RFC 5452 9.1). */
	if (p->sport == TW_DNS_PORT)
		return done(c, TW_PKT_SPOOFED);
	/* Other UDP: the kernel answers with ICMP port unreachable. */
	return done(c, TW_PKT_EXCEPTION);
}

int
tw_local_reply(const struct tw_classify_ctx *cx, uint8_t *frame, size_t cap,
	       struct tw_cls *c, enum tw_local *kind)
{
	struct tw_pkt *p = &c->pkt;
	int rc;

	*kind = TW_LOCAL_NONE;
	if (c->cls != TW_PKT_EXCEPTION || c->rc != -TW_EPROTO)
		return 0;
	if (p->ip_ver == 0 && p->eth.ethertype == TW_ETHERTYPE_ARP) {
		struct tw_arp arp;

		rc = tw_arp_parse(frame + p->eth.hdr_len,
				  c->len - p->eth.hdr_len, &arp);
		if (rc != 0)
			return rc;
		/* Requests for our addresses; replies etc. to the kernel. */
		if (arp.op != TW_ARP_OP_REQUEST ||
		    find_addr(cx, 4, arp.tpa) < 0)
			return 0;
		rc = tw_arp_build_reply(frame, cap, &p->eth, &arp, cx->mac);
		if (rc > 0)
			*kind = TW_LOCAL_ARP;
		return rc;
	}
	if (p->ip_ver == 6 && p->l4_proto == TW_IPPROTO_ICMPV6 &&
	    p->l4_len >= 1 && frame[p->l4_off] == TW_ICMP6_ND_NS) {
		struct tw_nd_ns ns;

		rc = tw_nd_parse_ns(frame, p, &ns);
		if (rc != 0)
			return rc;
		if (find_addr(cx, 6, ns.target) < 0)
			return 0;
		rc = tw_nd_build_na(frame, cap, frame, p, &ns, cx->mac, 0);
		if (rc > 0)
			*kind = TW_LOCAL_ND;
		return rc;
	}
	if ((p->ip_ver == 4 && p->l4_proto == TW_IPPROTO_ICMP) ||
	    (p->ip_ver == 6 && p->l4_proto == TW_IPPROTO_ICMPV6)) {
		/* Echo requests to one of our unicast addresses only. */
		if (find_addr(cx, p->ip_ver, p->dst) < 0 || p->l4_len < 1 ||
		    (frame[p->l4_off] != TW_ICMP_ECHO_REQUEST &&
		     frame[p->l4_off] != TW_ICMP6_ECHO_REQUEST))
			return 0;
		rc = tw_icmp_echo_reply(frame, p, 0);
		if (rc == -TW_EPROTO) /* e.g. type 8 in ICMPv6: not echo */
			return 0;
		if (rc > 0)
			*kind = TW_LOCAL_ECHO;
		return rc;
	}
	return 0;
}

const char *
tw_pkt_class_str(enum tw_pkt_class c)
{
	static const char *const names[TW_PKT_CLASS_MAX] = {
		[TW_PKT_NOT_OURS] = "not_ours",
		[TW_PKT_MALFORMED] = "malformed",
		[TW_PKT_FRAGMENT] = "fragment",
		[TW_PKT_BAD_CKSUM] = "bad_cksum",
		[TW_PKT_SPOOFED] = "spoofed",
		[TW_PKT_DNS_QUERY] = "dns_query",
		[TW_PKT_UPSTREAM] = "upstream",
		[TW_PKT_EXCEPTION] = "exception",
		[TW_PKT_DENIED] = "denied",
	};

	return (unsigned)c < TW_PKT_CLASS_MAX ? names[c] : "?";
}
