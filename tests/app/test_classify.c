/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/trustwire/classify.c: every class, the offsets the hooks use, and
 * every truncation of every frame (ASan: never out of bounds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify.h"

static const uint8_t our_mac[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static const uint8_t our4[4] = { 192, 0, 2, 53 };
static const uint8_t client4[4] = { 198, 51, 100, 7 };
static const uint8_t up4[4] = { 192, 0, 2, 1 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t client6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x07 };

struct frame {
	uint8_t b[256];
	size_t len;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
ctx_init(struct tw_classify_ctx *cx)
{
	memset(cx, 0, sizeof(*cx));
	memcpy(cx->mac, our_mac, 6);
	memcpy(cx->v4[cx->n_v4++], our4, 4);
	memcpy(cx->v6[cx->n_v6++], our6, 16);
	cx->up[0].family = 4;
	cx->up[0].port = 53;
	memcpy(cx->up[0].addr, up4, 4);
	cx->n_up = 1;
}

/* Ethernet (+ optional VLAN) header; returns its length. */
static size_t
eth(struct frame *f, const uint8_t *dst, uint16_t type, int vlan)
{
	memcpy(f->b, dst, 6);
	memset(f->b + 6, 0x11, 6);
	if (vlan) {
		put16(f->b + 12, 0x8100);
		put16(f->b + 14, 7);
		put16(f->b + 16, type);
		return 18;
	}
	put16(f->b + 12, type);
	return 14;
}

/* IPv4 + UDP with @p plen payload bytes; fills f->len. */
static void
udp4(struct frame *f, const uint8_t *src, const uint8_t *dst, uint16_t sport,
     uint16_t dport, size_t plen, int vlan)
{
	size_t l2 = eth(f, our_mac, 0x0800, vlan);
	uint8_t *ip = f->b + l2, *u = ip + 20;

	memset(ip, 0, 28 + plen);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(28 + plen));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + plen));
	f->len = l2 + 28 + plen;
}

static void
udp6(struct frame *f, const uint8_t *src, const uint8_t *dst, uint8_t nh,
     uint16_t dport, size_t plen)
{
	size_t l2 = eth(f, our_mac, 0x86dd, 0);
	uint8_t *ip = f->b + l2, *u = ip + 40;

	memset(ip, 0, 48 + plen);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(8 + plen));
	ip[6] = nh;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	put16(u, 40000);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + plen));
	f->len = l2 + 48 + plen;
}

static enum tw_pkt_class
cls(const struct frame *f, struct tw_pkt *p)
{
	struct tw_classify_ctx cx;
	enum tw_pkt_class c;
	uint8_t *copy;

	ctx_init(&cx);
	/* An exact-size heap copy: ASan catches any read past the end. */
	copy = malloc(f->len ? f->len : 1);
	assert_non_null(copy);
	memcpy(copy, f->b, f->len);
	c = tw_classify(&cx, copy, f->len, p);
	free(copy);
	assert_int_equal(p->cls, c);
	return c;
}

static void
test_query_v4(void **state)
{
	struct frame f;
	struct tw_pkt p;

	(void)state;
	udp4(&f, client4, our4, 40000, 53, 29, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.l2_len, 14);
	assert_int_equal(p.l3_len, 20);
	assert_int_equal(p.src_off, 26);
	assert_int_equal(p.dst_off, 30);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload_off, 42);
	assert_int_equal(p.payload_len, 29);
	assert_int_equal(p.addr_idx, 0);

	/* VLAN-tagged: offsets move by 4. */
	udp4(&f, client4, our4, 40000, 53, 29, 1);
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	assert_int_equal(p.l2_len, 18);
	assert_int_equal(p.payload_off, 46);

	/* Broadcast destination MAC with our IP is still looked at. */
	f.b[0] = 0xff;
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	/* Trailing Ethernet padding is not payload. */
	udp4(&f, client4, our4, 40000, 53, 4, 0);
	f.len = 60;
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	assert_int_equal(p.payload_len, 4);
}

static void
test_query_v6(void **state)
{
	struct frame f;
	struct tw_pkt p;

	(void)state;
	udp6(&f, client6, our6, 17, 53, 33);
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.l3_len, 40);
	assert_int_equal(p.src_off, 22);
	assert_int_equal(p.dst_off, 38);
	assert_int_equal(p.payload_off, 62);
	assert_int_equal(p.payload_len, 33);

	/* ICMPv6 (ND) and a fragment header. */
	udp6(&f, client6, our6, 58, 53, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	udp6(&f, client6, our6, 44, 53, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_FRAGMENT);
	/* Solicited-node multicast and link-local: the kernel's. */
	{
		uint8_t mc[16] = { 0xff,
				   0x02, [11] = 1, [12] = 0xff, [15] = 0x53 };
		uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
		uint8_t other[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x99 };

		udp6(&f, client6, mc, 58, 0, 0);
		assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
		udp6(&f, client6, ll, 58, 0, 0);
		assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
		udp6(&f, client6, other, 17, 53, 12);
		assert_int_equal(cls(&f, &p), TW_PKT_NOT_OURS);
	}
	/* Payload length beyond the frame. */
	udp6(&f, client6, our6, 17, 53, 12);
	put16(f.b + 18, 200);
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
}

static void
test_upstream_and_spoof(void **state)
{
	static const uint8_t stranger[4] = { 203, 0, 113, 9 };
	struct frame f;
	struct tw_pkt p;

	(void)state;
	udp4(&f, up4, our4, 53, 40002, 40, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_UPSTREAM);
	assert_int_equal(p.up_idx, 0);
	assert_int_equal(p.dport, 40002);
	/* Right address, wrong port: not the upstream. */
	udp4(&f, up4, our4, 5353, 40002, 40, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	udp4(&f, stranger, our4, 53, 40002, 40, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_SPOOFED);
}

static void
test_exceptions_and_drops(void **state)
{
	static const uint8_t other_mac[6] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee
	};
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other4[4] = { 10, 9, 9, 9 };
	static const uint8_t mcast4[4] = { 224, 0, 0, 251 };
	struct frame f;
	struct tw_pkt p;

	(void)state;
	/* ARP (broadcast). */
	f.len = eth(&f, bcast, 0x0806, 0) + 28;
	memset(f.b + 14, 0, 28);
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	assert_int_equal(p.ethertype, 0x0806);
	/* ICMP and TCP to us. */
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	f.b[14 + 9] = 1;
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	f.b[14 + 9] = 6;
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	assert_int_equal(p.proto, 6);
	/* Other UDP port: kernel (ICMP port unreachable). */
	udp4(&f, client4, our4, 40000, 9, 8, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	/* Multicast IPv4 (mDNS): kernel. */
	udp4(&f, client4, mcast4, 5353, 5353, 8, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_EXCEPTION);
	/* Other unicast address, other MAC. */
	udp4(&f, client4, other4, 40000, 53, 8, 0);
	assert_int_equal(cls(&f, &p), TW_PKT_NOT_OURS);
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	memcpy(f.b, other_mac, 6);
	assert_int_equal(cls(&f, &p), TW_PKT_NOT_OURS);
	/* Fragments: MF, then an offset. */
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	put16(f.b + 14 + 6, 0x2000);
	assert_int_equal(cls(&f, &p), TW_PKT_FRAGMENT);
	put16(f.b + 14 + 6, 0x0010);
	assert_int_equal(cls(&f, &p), TW_PKT_FRAGMENT);
	/* Malformed: IHL < 5, total length > frame, UDP length lies. */
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	f.b[14] = 0x44;
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	put16(f.b + 16, 1400);
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	put16(f.b + 14 + 24, 7);
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
	put16(f.b + 14 + 24, 17);
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
	/* IPv4 version field wrong. */
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	f.b[14] = 0x65;
	assert_int_equal(cls(&f, &p), TW_PKT_MALFORMED);
	/* IPv4 options: payload starts after them. */
	udp4(&f, client4, our4, 40000, 53, 8, 0);
	memmove(f.b + 14 + 24, f.b + 14 + 20, 16);
	memset(f.b + 14 + 20, 1, 4); /* 4 NOPs */
	f.b[14] = 0x46;
	put16(f.b + 16, 20 + 4 + 16);
	f.len += 4;
	assert_int_equal(cls(&f, &p), TW_PKT_DNS_QUERY);
	assert_int_equal(p.l3_len, 24);
	assert_int_equal(p.payload_off, 14 + 24 + 8);
}

/* Every prefix of every frame: no crash, no out-of-bounds read. */
static void
test_truncations(void **state)
{
	struct frame frames[5], f;
	struct tw_pkt p;
	size_t i, n;

	(void)state;
	udp4(&frames[0], client4, our4, 40000, 53, 29, 0);
	udp4(&frames[1], client4, our4, 40000, 53, 29, 1);
	udp6(&frames[2], client6, our6, 17, 53, 33);
	udp4(&frames[3], up4, our4, 53, 40002, 40, 0);
	udp6(&frames[4], client6, our6, 58, 0, 8);
	for (i = 0; i < 5; i++) {
		for (n = 0; n < frames[i].len; n++) {
			f = frames[i];
			f.len = n;
			cls(&f, &p);
			assert_true(p.cls == TW_PKT_MALFORMED ||
				    p.cls == TW_PKT_EXCEPTION);
		}
	}
	/* Random bytes. */
	srand(1);
	for (i = 0; i < 20000; i++) {
		f.len = (size_t)(rand() % (int)sizeof(f.b));
		for (n = 0; n < f.len; n++)
			f.b[n] = (uint8_t)rand();
		if (i % 2)
			memcpy(f.b, our_mac, 6);
		if (i % 3 == 0 && f.len > 14) {
			f.b[12] = 0x08;
			f.b[13] = 0;
			f.b[14] = 0x45;
		}
		cls(&f, &p);
		assert_true(p.cls < TW_PKT_CLASS_MAX);
		if (p.cls == TW_PKT_DNS_QUERY)
			assert_true((size_t)p.payload_off + p.payload_len <=
				    f.len);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(tw_pkt_class_str(TW_PKT_DNS_QUERY), "dns_query");
	assert_string_equal(tw_pkt_class_str(TW_PKT_EXCEPTION), "exception");
	assert_string_equal(tw_pkt_class_str(TW_PKT_CLASS_MAX), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_v4),
		cmocka_unit_test(test_query_v6),
		cmocka_unit_test(test_upstream_and_spoof),
		cmocka_unit_test(test_exceptions_and_drops),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("app/classify", tests, NULL, NULL);
}
