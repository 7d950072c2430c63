/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the worker's first look at a received frame
 * (app/trustwire/classify.c) and the replies it makes from it.
 *
 * Input:
 *
 *   options | frame...
 *
 * options bit 0: the operator allowed client prefixes (192.0.2.0/28,
 * 2001:db8::/124); bit 1: the port verified the checksums (the NIC's
 * RX offloads: TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM); bits 2-7:
 * the room after the frame in its buffer, in 8-octet steps.
 *
 * The classifier serves 02:00:00:00:00:53, 192.0.2.53 and 2001:db8::53
 * (the addresses of corpus/net's frames, from which the seeds come)
 * with upstreams 192.0.2.1 port 53 and 2001:db8::1 port 5353. Checked:
 *
 *  - the class is one of enum tw_pkt_class, the same with and without
 *    checksum verification unless it was a bad checksum;
 *  - a DNS query came to one of our unicast addresses and port 53 from a
 *    port other than 0 and not from an upstream, in a frame to our MAC,
 *    from an allowed client, its payload inside the frame; the worker's
 *    cache-hit reply made from it without further checks (lib/net's
 *    straight reply, as app/trustwire/worker.c's reply_hit()) parses
 *    with every checksum verified and goes back where it came from;
 *  - an upstream answer came from a configured upstream's address and
 *    port;
 *  - an ARP, ND or echo reply made in place (tw_local_reply()) stays in
 *    the buffer (ASan: it is exactly as large as the room allows) and,
 *    for ARP, answers for one of our addresses from our MAC.
 * Any violation aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "classify.h"
#include "net_pkt_fast.h"
#include "tw_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NO_CSUM (TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM)

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x53 };
static const uint8_t our4[4] = { 192, 0, 2, 53 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t up4[4] = { 192, 0, 2, 1 };
static const uint8_t up6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };

static void
ctx_init(struct tw_classify_ctx *cx, bool allow)
{
	memset(cx, 0, sizeof(*cx));
	memcpy(cx->mac, our_mac, 6);
	CHECK(tw_classify_add_addr(cx, 4, our4) == 0);
	CHECK(tw_classify_add_addr(cx, 6, our6) == 0);
	cx->up[0].family = 4;
	cx->up[0].port = 53;
	memcpy(cx->up[0].addr, up4, 4);
	cx->up[1].family = 6;
	cx->up[1].port = 5353;
	memcpy(cx->up[1].addr, up6, 16);
	cx->n_up = 2;
	if (allow) {
		CHECK(tw_classify_allow(cx, 4, our4, 28) == 0);
		CHECK(tw_classify_allow(cx, 6, our6, 124) == 0);
	}
}

static size_t
alen(const struct tw_pkt *p)
{
	return p->ip_ver == 4 ? 4 : 16;
}

/* The worker's reply to a cache hit: a payload in place, then lib/net's
 * straight reply (or tw_pkt_udp_reply() for other shapes), then parsed
 * back with every check. */
static void
hit_reply(const uint8_t *f, const struct tw_cls *c, size_t room)
{
	const struct tw_pkt *q = &c->pkt;
	size_t plen = q->payload_len + (room & 63);
	size_t cap = q->payload_off + plen;
	uint8_t *b = malloc(cap);
	struct tw_pkt rp = *q, chk;
	int n;

	CHECK(b != NULL);
	memcpy(b, f, q->payload_off);
	for (size_t i = 0; i < plen; i++)
		b[q->payload_off + i] = (uint8_t)(i * 7 + room);
	rp.src = b + (q->src - f);
	rp.dst = b + (q->dst - f);
	if (net_udp_reply_plain(&rp)) {
		net_udp_reply_fast(b, &rp, (uint32_t)plen + TW_UDP_HLEN, 0, 0);
		n = (int)(rp.l4_off + TW_UDP_HLEN + plen);
	} else {
		n = tw_pkt_udp_reply(b, cap, &rp, plen, 0, 0);
	}
	CHECK(n > 0 && (size_t)n <= cap);
	CHECK(tw_pkt_parse(b, (size_t)n, &chk, 0) == 0);
	CHECK(chk.sport == q->dport && chk.dport == q->sport);
	CHECK(memcmp(chk.dst, q->src, alen(q)) == 0);
	CHECK(memcmp(chk.src, q->dst, alen(q)) == 0);
	CHECK(memcmp(b, f + 6, 6) == 0 && memcmp(b + 6, our_mac, 6) == 0);
	CHECK(chk.payload_len == plen);
	free(b);
}

static void
check_query(const struct tw_classify_ctx *cx, const uint8_t *f, size_t len,
	    const struct tw_cls *c, size_t room)
{
	const struct tw_pkt *p = &c->pkt;

	CHECK(c->rc == 0);
	CHECK(p->l4_proto == TW_IPPROTO_UDP);
	CHECK(p->payload_off + (size_t)p->payload_len <= len);
	CHECK(p->dport == TW_DNS_PORT && p->sport != 0);
	CHECK(memcmp(f, our_mac, 6) == 0);
	CHECK(memcmp(p->dst, p->ip_ver == 4 ? our4 : our6, alen(p)) == 0);
	CHECK(c->addr_idx == 0);
	CHECK(!(p->ip_ver == 4 && p->sport == 53 &&
		memcmp(p->src, up4, 4) == 0));
	CHECK(!(p->ip_ver == 6 && p->sport == 5353 &&
		memcmp(p->src, up6, 16) == 0));
	CHECK(tw_classify_client_ok(cx, p->ip_ver, p->src));
	hit_reply(f, c, room);
}

/* tw_local_reply() in a buffer exactly as large as the frame's room. */
static void
local_case(const struct tw_classify_ctx *cx, const uint8_t *f, size_t len,
	   const struct tw_cls *c, size_t room)
{
	size_t cap = len + room;
	uint8_t *b = malloc(cap ? cap : 1);
	struct tw_cls cc = *c;
	enum tw_local kind;
	int n;

	CHECK(b != NULL);
	memcpy(b, f, len);
	/* The summary points into the frame: into the copy now. */
	if (cc.pkt.src != NULL)
		cc.pkt.src = b + (c->pkt.src - f);
	if (cc.pkt.dst != NULL)
		cc.pkt.dst = b + (c->pkt.dst - f);
	n = tw_local_reply(cx, b, cap, &cc, &kind);
	if (n > 0) {
		CHECK((size_t)n <= cap);
		CHECK(kind != TW_LOCAL_NONE);
		CHECK(memcmp(b + 6, our_mac, 6) == 0);
		if (kind == TW_LOCAL_ARP) {
			struct tw_arp arp;
			size_t l2 = c->pkt.eth.hdr_len;

			/* RFC 826: from our MAC and address, to the
			 * requester's hardware address (its ARP sender's). */
			CHECK(tw_arp_parse(b + l2, (size_t)n - l2, &arp) == 0);
			CHECK(arp.op == TW_ARP_OP_REPLY);
			CHECK(memcmp(arp.sha, our_mac, 6) == 0);
			CHECK(memcmp(arp.spa, our4, 4) == 0);
			CHECK(memcmp(b, arp.tha, 6) == 0);
		} else if (kind == TW_LOCAL_ND) {
			struct tw_nd_ns ns;

			/* RFC 4861 7.2.4: to the solicitation's source, at
			 * its source link-layer address option when it has
			 * one; answering duplicate address detection (source
			 * ::), to all nodes: ff02::1, 33:33:00:00:00:01. */
			CHECK(tw_nd_parse_ns(f, &c->pkt, &ns) == 0);
			if (b[0] == 0x33 && b[1] == 0x33)
				CHECK(memcmp(b + 2, "\0\0\0\1", 4) == 0);
			else
				CHECK(memcmp(b, ns.slla ? ns.slla : f + 6, 6) ==
				      0);
		} else {
			CHECK(memcmp(b, f + 6, 6) == 0);
		}
	} else {
		CHECK(kind == TW_LOCAL_NONE);
	}
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tw_classify_ctx cx[2];
	static bool init;
	const struct tw_classify_ctx *x;
	struct tw_cls c, c2;
	const uint8_t *f;
	enum tw_pkt_class k, k2;
	unsigned flags;
	size_t len, room;

	if (!init) {
		ctx_init(&cx[0], false);
		ctx_init(&cx[1], true);
		init = true;
	}
	if (size < 1 || size > 9000)
		return 0;
	x = &cx[data[0] & 1];
	flags = data[0] & 2 ? NO_CSUM : 0;
	room = (size_t)(data[0] >> 2) * 8;
	f = data + 1;
	len = size - 1;

	k = tw_classify(x, f, len, flags, &c);
	CHECK(k < TW_PKT_CLASS_MAX && c.cls == k);
	CHECK(c.len == len);
	k2 = tw_classify(x, f, len, flags | NO_CSUM, &c2);
	if (k != TW_PKT_BAD_CKSUM) {
		CHECK(k2 == k);
		if (k == TW_PKT_DNS_QUERY)
			CHECK(memcmp(&c.pkt, &c2.pkt, sizeof(c.pkt)) == 0);
	}
	switch (k) {
	case TW_PKT_DNS_QUERY:
		check_query(x, f, len, &c, room);
		break;
	case TW_PKT_UPSTREAM:
		CHECK(c.up_idx < x->n_up);
		CHECK(c.pkt.ip_ver == x->up[c.up_idx].family);
		CHECK(c.pkt.sport == x->up[c.up_idx].port);
		CHECK(memcmp(c.pkt.src, x->up[c.up_idx].addr, alen(&c.pkt)) ==
		      0);
		break;
	case TW_PKT_EXCEPTION:
		local_case(x, f, len, &c, room);
		break;
	case TW_PKT_DENIED:
		CHECK(!tw_classify_client_ok(x, c.pkt.ip_ver, c.pkt.src));
		break;
	default:
		break;
	}
	return 0;
}
