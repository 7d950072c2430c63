/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_net.h"
#include "net_priv.h"
#include "net_test.h"
#include "net_vectors.h"

#define VEC(v)	v, sizeof(v)
#define NO_CSUM (TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM)

struct expect {
	const char *name;
	const uint8_t *f;
	size_t len;
	int rc;
	uint8_t ip_ver;
	uint32_t l3_off, l4_off, payload_len, frame_len;
	uint8_t l4_proto;
};

/* What tw_pkt_parse(flags 0) says about each vector. */
static const struct expect vectors[] = {
	{ "v4_dns", VEC(vec_v4_dns), 0, 4, 14, 34, 40, 82, 17 },
	{ "v4_dns_vlan", VEC(vec_v4_dns_vlan), 0, 4, 18, 38, 40, 86, 17 },
	{ "v4_dns_qinq", VEC(vec_v4_dns_qinq), 0, 4, 22, 42, 40, 90, 17 },
	{ "v4_dns_opts", VEC(vec_v4_dns_opts), 0, 4, 14, 38, 40, 86, 17 },
	{ "v4_dns_nocsum", VEC(vec_v4_dns_nocsum), 0, 4, 14, 34, 40, 82, 17 },
	{ "v4_short_pad", VEC(vec_v4_short_pad), 0, 4, 14, 34, 12, 54, 17 },
	{ "v6_dns", VEC(vec_v6_dns), 0, 6, 14, 54, 40, 102, 17 },
	{ "v6_dns_ext", VEC(vec_v6_dns_ext), 0, 6, 14, 110, 40, 158, 17 },
	{ "icmp4_echo", VEC(vec_icmp4_echo), -TW_EPROTO, 4, 14, 34, 0, 90, 1 },
	{ "icmp6_echo", VEC(vec_icmp6_echo), -TW_EPROTO, 6, 14, 54, 0, 110,
	  58 },
	{ "nd_ns", VEC(vec_nd_ns), -TW_EPROTO, 6, 14, 54, 0, 86, 58 },
	{ "nd_ns_dad", VEC(vec_nd_ns_dad), -TW_EPROTO, 6, 14, 54, 0, 78, 58 },
	{ "v4_dns_badcsum", VEC(vec_v4_dns_badcsum), -TW_ECSUM, 4, 14, 34, 0,
	  82, 17 },
	{ "v6_dns_zero", VEC(vec_v6_dns_zero), -TW_ECSUM, 6, 14, 54, 0, 102,
	  17 },
	{ "v4_frag_mf", VEC(vec_v4_frag_mf), -TW_EFRAG, 0, 14, 0, 0, 0, 0 },
	{ "v4_frag_off", VEC(vec_v4_frag_off), -TW_EFRAG, 0, 14, 0, 0, 0, 0 },
	{ "v6_frag", VEC(vec_v6_frag), -TW_EFRAG, 0, 14, 0, 0, 0, 0 },
	{ "arp_req", VEC(vec_arp_req), -TW_EPROTO, 0, 14, 0, 0, 0, 0 },
	{ "arp_req_vlan", VEC(vec_arp_req_vlan), -TW_EPROTO, 0, 18, 0, 0, 0,
	  0 },
};

static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(vectors); i++) {
		const struct expect *e = &vectors[i];
		struct tw_pkt pkt;
		uint8_t *f = dup_exact(e->f, e->len);
		int rc = tw_pkt_parse(f, e->len, &pkt, 0);
		if (rc != e->rc)
			fail_msg("%s: %d (%s), expected %d", e->name, rc,
				 tw_strerror(rc), e->rc);
		assert_int_equal(pkt.l3_off, e->l3_off);
		assert_int_equal(pkt.eth.hdr_len, e->l3_off);
		if (rc == 0 || rc == -TW_EPROTO) {
			assert_int_equal(pkt.ip_ver, e->ip_ver);
			assert_int_equal(pkt.l4_off, e->l4_off);
			assert_int_equal(pkt.l4_proto, e->l4_proto);
			assert_int_equal(pkt.frame_len, e->frame_len);
			assert_int_equal(pkt.payload_len, e->payload_len);
		}
		if (rc == 0) {
			assert_int_equal(pkt.payload_off, e->l4_off + 8);
			assert_int_equal(pkt.l4_len, e->payload_len + 8);
			assert_int_equal(pkt.sport, 53514);
			assert_int_equal(pkt.dport, 53);
			assert_int_equal(pkt.ttl, 64);
			assert_ptr_equal(pkt.src,
					 f + e->l3_off +
						 (e->ip_ver == 4 ? 12 : 8));
			assert_ptr_equal(pkt.dst,
					 pkt.src + (e->ip_ver == 4 ? 4 : 16));
			/* the payload is the DNS query */
			assert_int_equal(tw_get16(f + pkt.payload_off), 0x1234);
		}
		if (rc == -TW_EPROTO && e->ip_ver == 0) {
			assert_int_equal(pkt.eth.ethertype, TW_ETHERTYPE_ARP);
			assert_null(pkt.src);
		}
		free(f);
	}
}

/* Every strict prefix of every frame is refused, reading nothing past it. */
static void
test_truncations(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(vectors); i++) {
		const struct expect *e = &vectors[i];
		size_t full = e->frame_len ? e->frame_len : e->len;
		for (size_t l = 0; l < full; l++) {
			struct tw_pkt pkt;
			uint8_t *f = dup_exact(e->f, l);
			int rc = tw_pkt_parse(f, l, &pkt, 0);
			if (l < 14 || e->ip_ver != 0)
				assert_int_equal(rc, -TW_ETRUNC);
			else
				assert_int_not_equal(rc, 0);
			free(f);
		}
	}
}

static void
test_flags_and_checksums(void **state)
{
	struct tw_pkt pkt;
	(void)state;
	assert_int_equal(tw_pkt_parse(VEC(vec_v4_dns_badcsum), &pkt,
				      TW_NET_F_NO_L4_CSUM),
			 0);
	/* zero over IPv6 is refused even when the NIC checked */
	assert_int_equal(
		tw_pkt_parse(VEC(vec_v6_dns_zero), &pkt, TW_NET_F_NO_L4_CSUM),
		-TW_ECSUM);
	/* a bad v6 checksum */
	uint8_t f[256];
	memcpy(f, VEC(vec_v6_dns));
	f[70] ^= 1;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns), &pkt, 0),
			 -TW_ECSUM);
	assert_int_equal(
		tw_pkt_parse(f, sizeof(vec_v6_dns), &pkt, TW_NET_F_NO_L4_CSUM),
		0);
	/* a bad IPv4 header checksum */
	memcpy(f, VEC(vec_v4_dns));
	f[24] ^= 1;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v4_dns), &pkt, 0),
			 -TW_ECSUM);
	assert_int_equal(
		tw_pkt_parse(f, sizeof(vec_v4_dns), &pkt, TW_NET_F_NO_IP_CSUM),
		0);
}

static void
test_other_refusals(void **state)
{
	struct tw_pkt pkt;
	uint8_t f[256];
	size_t n = sizeof(vec_v4_dns);
	(void)state;
	/* LLDP */
	memcpy(f, VEC(vec_v4_dns));
	tw_put16(f + 12, 0x88cc);
	assert_int_equal(tw_pkt_parse(f, n, &pkt, 0), -TW_EPROTO);
	assert_int_equal(pkt.eth.ethertype, 0x88cc);
	assert_int_equal(pkt.ip_ver, 0);
	/* three tags */
	memcpy(f, VEC(vec_v4_dns_qinq));
	tw_put16(f + 20, TW_ETHERTYPE_VLAN);
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v4_dns_qinq), &pkt, 0),
			 -TW_EPROTO);
	/* bad IPv4 version */
	memcpy(f, VEC(vec_v4_dns));
	f[14] = 0x46;
	assert_int_equal(tw_pkt_parse(f, n, &pkt, 0), -TW_ECSUM);
	f[14] = 0x55;
	assert_int_equal(tw_pkt_parse(f, n, &pkt, 0), -TW_EFORMAT);
	/* UDP length < 8 */
	memcpy(f, VEC(vec_v4_dns));
	tw_put16(f + 38, 7);
	assert_int_equal(tw_pkt_parse(f, n, &pkt, TW_NET_F_NO_L4_CSUM),
			 -TW_EFORMAT);
	/* UDP length past the IP length */
	tw_put16(f + 38, (uint16_t)(n - 34 + 1));
	assert_int_equal(tw_pkt_parse(f, n, &pkt, TW_NET_F_NO_L4_CSUM),
			 -TW_ETRUNC);
	/* UDP length shorter than the IP payload: the rest is ignored */
	tw_put16(f + 38, 20);
	tw_put16(f + 40, 0);
	assert_int_equal(tw_pkt_parse(f, n, &pkt, 0), 0);
	assert_int_equal(pkt.payload_len, 12);
	assert_int_equal(pkt.l4_len, 20);
	/* IP payload too short for a UDP header */
	memcpy(f, VEC(vec_v4_dns));
	tw_put16(f + 16, 24);
	tw_put16(f + 24, ref_ipv4_cksum(f + 14, 20));
	assert_int_equal(tw_pkt_parse(f, n, &pkt, 0), -TW_ETRUNC);
	/* IPv6 routing header with segments left: EPROTO, L3 known */
	memcpy(f, VEC(vec_v6_dns_ext));
	f[14 + 40 + 8 + 16 + 3] = 1;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns_ext), &pkt, 0),
			 -TW_EPROTO);
	assert_int_equal(pkt.ip_ver, 6);
	assert_int_equal(pkt.l4_off, 0);
	assert_int_equal(pkt.ttl, 64);
	assert_int_equal(pkt.frame_len, sizeof(vec_v6_dns_ext));
	assert_ptr_equal(pkt.src, f + 22);
	/* IPv6 hop-by-hop not first: EFORMAT, nothing more */
	f[14 + 40 + 8] = TW_IPPROTO_HOPOPTS;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns_ext), &pkt, 0),
			 -TW_EFORMAT);
	assert_int_equal(pkt.ip_ver, 0);
	/* IPv6 TCP */
	memcpy(f, VEC(vec_v6_dns));
	f[20] = TW_IPPROTO_TCP;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns), &pkt, 0),
			 -TW_EPROTO);
	assert_int_equal(pkt.l4_proto, TW_IPPROTO_TCP);
	assert_int_equal(pkt.l4_off, 54);
	assert_int_equal(pkt.l4_len, 48);
}

/* A test-side query builder: Ethernet (tags), IPv4 with options or IPv6
 * with destination-options headers, UDP; checksums by the reference. */
struct qspec {
	int v6;
	uint8_t n_tags;
	uint8_t n_opt; /* IPv4: option words; IPv6: extension headers */
	uint8_t tos;
	size_t qlen;
};

static const uint8_t cli_mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const uint8_t srv_mac[6] = { 2, 0, 0, 0, 0, 0x53 };

static size_t
mk_query(uint8_t *f, const struct qspec *q, uint32_t *st)
{
	size_t o = 12, ip, u, ulen = 8 + q->qlen, iphl;

	memcpy(f, srv_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	for (int i = 0; i < q->n_tags; i++) {
		tw_put16(f + o, i == 0 && q->n_tags == 2 ? 0x88a8 : 0x8100);
		tw_put16(f + o + 2, (uint16_t)(100 + i));
		o += 4;
	}
	tw_put16(f + o, q->v6 ? 0x86dd : 0x0800);
	ip = o + 2;
	if (!q->v6) {
		iphl = 20 + 4u * q->n_opt;
		f[ip] = (uint8_t)(0x40 | iphl / 4);
		f[ip + 1] = q->tos;
		tw_put16(f + ip + 2, (uint16_t)(iphl + ulen));
		tw_put16(f + ip + 4, (uint16_t)rnd(st));
		tw_put16(f + ip + 6, rnd(st) & 1 ? TW_IPV4_DF : 0);
		f[ip + 8] = (uint8_t)(1 + rnd(st) % 255);
		f[ip + 9] = 17;
		rnd_fill(st, f + ip + 12, 8);
		f[ip + 12] &= 0x7f; /* unicast addresses, */
		f[ip + 16] &= 0x7f;
		/* not 0/8 or 127/8 (net_udp_martian(): never answered) */
		for (int a = 12; a <= 16; a += 4)
			if (f[ip + a] == 0 || f[ip + a] == 127)
				f[ip + a] = 10;
		memset(f + ip + 20, 1, iphl - 20); /* NOP options */
		tw_put16(f + ip + 10, ref_ipv4_cksum(f + ip, iphl));
	} else {
		iphl = 40 + 8u * q->n_opt;
		tw_put32(f + ip, 6u << 28 | (uint32_t)q->tos << 20 |
					 (rnd(st) & 0xfffff));
		tw_put16(f + ip + 4, (uint16_t)(iphl - 40 + ulen));
		f[ip + 6] = q->n_opt ? TW_IPPROTO_DSTOPTS : 17;
		f[ip + 7] = (uint8_t)(1 + rnd(st) % 255);
		rnd_fill(st, f + ip + 8, 32);
		f[ip + 8] &= 0x7f;
		f[ip + 24] &= 0x7f;
		for (int i = 0; i < q->n_opt; i++) {
			uint8_t *e = f + ip + 40 + 8 * i;
			e[0] = i + 1 == q->n_opt ? 17 : TW_IPPROTO_DSTOPTS;
			e[1] = 0;
			e[2] = 1; /* PadN */
			e[3] = 4;
			memset(e + 4, 0, 4);
		}
	}
	u = ip + iphl;
	tw_put16(f + u, (uint16_t)(1024 + rnd(st) % 60000));
	tw_put16(f + u + 2, 53);
	tw_put16(f + u + 4, (uint16_t)ulen);
	rnd_fill(st, f + u + 8, q->qlen);
	tw_put16(f + u + 6, 0);
	tw_put16(f + u + 6,
		 ref_udp_cksum(f + u, ulen, f + ip + (q->v6 ? 8 : 12),
			       f + ip + (q->v6 ? 24 : 16), q->v6));
	return u + ulen;
}

static void assert_pkt_same(const uint8_t *f, const struct tw_pkt *a,
			    const struct tw_pkt *b);

/* Check a response frame against the query it was made from. */
static void
check_response(const uint8_t *q, const struct tw_pkt *qp, const uint8_t *r,
	       int rlen, const struct tw_pkt *rp_in, const uint8_t *ans,
	       size_t alen, uint8_t ttl)
{
	struct tw_pkt rp;
	size_t al = qp->ip_ver == 4 ? 4 : 16;
	const uint8_t *ip = r + qp->l3_off;
	int rc;

	assert_true(rlen > 0);
	rc = tw_pkt_parse(r, (size_t)rlen, &rp, 0);
	if (rc != 0)
		fail_msg("response does not parse: %s", tw_strerror(rc));
	assert_int_equal(rp.frame_len, (uint32_t)rlen);
	assert_int_equal(rp.l4_off, qp->l3_off + (qp->ip_ver == 4 ? 20 : 40));
	/* the summary tw_pkt_udp_reply() left is the parse of the frame */
	assert_int_equal(rp_in->l4_off, rp.l4_off);
	assert_int_equal(rp_in->l4_len, rp.l4_len);
	assert_int_equal(rp_in->payload_off, rp.payload_off);
	assert_int_equal(rp_in->payload_len, rp.payload_len);
	assert_int_equal(rp_in->frame_len, rp.frame_len);
	assert_int_equal(rp_in->sport, rp.sport);
	assert_int_equal(rp_in->dport, rp.dport);
	assert_int_equal(rp_in->ttl, rp.ttl);
	assert_memory_equal(rp_in->src, rp.src, al);
	/* L2: swapped, same tags */
	assert_memory_equal(r, q + 6, 6);
	assert_memory_equal(r + 6, q, 6);
	assert_memory_equal(r + 12, q + 12, qp->l3_off - 12);
	/* L3: swapped, TTL */
	assert_int_equal(rp.ip_ver, qp->ip_ver);
	assert_memory_equal(rp.src, qp->dst, al);
	assert_memory_equal(rp.dst, qp->src, al);
	assert_int_equal(rp.ttl, ttl ? ttl : TW_NET_DEFAULT_TTL);
	if (qp->ip_ver == 4) {
		const uint8_t *qip = q + qp->l3_off;
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[1], qip[1] & 0xfc); /* ECN cleared */
		assert_int_equal(tw_get16(ip + 4), tw_get16(qip + 4)); /* ID */
		assert_int_equal(tw_get16(ip + 6), TW_IPV4_DF);
		/* incremental update == full recomputation */
		assert_int_equal(tw_get16(ip + 10), ref_ipv4_cksum(ip, 20));
	} else {
		const uint8_t *qip = q + qp->l3_off;
		assert_int_equal(ip[6], 17);
		assert_int_equal(tw_get32(ip) & 0x0fcfffff,
				 tw_get32(qip) & 0x0fcfffff);
		assert_int_equal(ip[1] & 0x30, 0);
	}
	/* L4: ports swapped, payload as written, checksum as the reference */
	assert_int_equal(rp.sport, qp->dport);
	assert_int_equal(rp.dport, qp->sport);
	assert_int_equal(rp.payload_len, alen);
	assert_memory_equal(r + rp.payload_off, ans, alen);
	assert_int_equal(tw_get16(r + rp.l4_off + 6),
			 ref_udp_cksum(r + rp.l4_off, rp.l4_len, rp.src, rp.dst,
				       rp.ip_ver == 6));
}

static void
test_reply_vectors(void **state)
{
	static const size_t alens[] = { 0, 1, 12, 13, 40, 99, 512, 1400 };
	uint8_t ans[1400], f[2048], g[2048];
	uint32_t st = 31337;
	(void)state;
	rnd_fill(&st, ans, sizeof(ans));
	for (size_t i = 0; i < TW_ARRAY_SIZE(vectors); i++) {
		const struct expect *e = &vectors[i];
		if (e->rc != 0)
			continue;
		for (size_t a = 0; a < TW_ARRAY_SIZE(alens); a++) {
			struct tw_pkt qp, rp, rp2;
			int n, n2;
			/* qp points into the (const) query, rp into f */
			assert_int_equal(tw_pkt_parse(e->f, e->len, &qp, 0), 0);
			memcpy(f, e->f, e->len);
			assert_int_equal(tw_pkt_parse(f, e->len, &rp, 0), 0);
			memcpy(f + qp.payload_off, ans, alens[a]);
			memcpy(g, f, sizeof(g));
			rp2 = rp;
			n = tw_pkt_udp_reply(f, sizeof(f), &rp, alens[a],
					     (uint8_t)(a * 30), 0);
			check_response(e->f, &qp, f, n, &rp, ans, alens[a],
				       (uint8_t)(a * 30));
			/* with the payload sum supplied: the same bytes */
			n2 = tw_pkt_udp_reply_sum(
				g, sizeof(g), &rp2, alens[a], (uint8_t)(a * 30),
				0, tw_cksum_partial(ans, alens[a], 0));
			assert_int_equal(n2, n);
			assert_memory_equal(f, g, (size_t)n);
			/* and back again: the response of the response */
			n2 = tw_pkt_udp_reply(f, sizeof(f), &rp, alens[a], 64,
					      0);
			assert_int_equal(tw_pkt_parse(f, (size_t)n2, &rp2, 0),
					 0);
			assert_memory_equal(f, e->f, 12);
			assert_memory_equal(rp2.src, qp.src,
					    qp.ip_ver == 4 ? 4 : 16);
			assert_int_equal(rp2.sport, qp.sport);
		}
	}
}

static void
test_reply_offload(void **state)
{
	const uint8_t *vs[] = { vec_v4_dns, vec_v6_dns };
	size_t ns[] = { sizeof(vec_v4_dns), sizeof(vec_v6_dns) };
	uint8_t f[256];
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct tw_pkt p;
		uint8_t *u;
		int n;
		memcpy(f, vs[v], ns[v]);
		assert_int_equal(tw_pkt_parse(f, ns[v], &p, 0), 0);
		n = tw_pkt_udp_reply(f, sizeof(f), &p, 30, 0,
				     TW_NET_F_TX_IP_OFFLOAD |
					     TW_NET_F_TX_L4_OFFLOAD);
		assert_true(n > 0);
		u = f + p.l4_off;
		if (v == 0) {
			assert_int_equal(tw_get16(f + 24), 0);
			assert_int_equal(tw_get16(u + 6),
					 ref_phdr4(p.src, p.dst, 17, 38));
		} else {
			assert_int_equal(tw_get16(u + 6),
					 ref_phdr6(p.src, p.dst, 17, 38));
		}
	}
}

static void
test_reply_errors(void **state)
{
	uint8_t *f = calloc(1, 70000);
	struct tw_pkt p;
	(void)state;
	memcpy(f, VEC(vec_icmp4_echo));
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_icmp4_echo), &p, 0),
			 -TW_EPROTO);
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 10, 0, 0), -EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 10, 0, 0), -EINVAL);
	p.ip_ver = 4;
	p.l4_proto = 17;
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 10, 0, 0), -EINVAL);

	memcpy(f, VEC(vec_v4_dns));
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v4_dns), &p, 0), 0);
	assert_int_equal(tw_pkt_udp_reply(f, 100, &p, 59, 0, 0), -ENOSPC);
	assert_int_equal(tw_pkt_udp_reply(f, 100, &p, SIZE_MAX, 0, 0), -ENOSPC);
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 65535 - 27, 0, 0),
			 -EMSGSIZE);
	assert_int_equal(tw_pkt_udp_reply(f, 100, &p, 58, 0, 0), 100);
	/* queries to group addresses are not answered in place */
	static const uint8_t groups[][4] = { { 224, 0, 0, 251 },
					     { 239, 1, 2, 3 },
					     { 255, 255, 255, 255 } };
	for (size_t i = 0; i < 3; i++) {
		memcpy(f, VEC(vec_v4_dns));
		memcpy(f + 30, groups[i], 4);
		assert_int_equal(
			tw_pkt_parse(f, sizeof(vec_v4_dns), &p, NO_CSUM), 0);
		assert_int_equal(tw_pkt_udp_reply(f, 1000, &p, 10, 0, 0),
				 -TW_EPROTO);
	}
	memcpy(f, VEC(vec_v6_dns));
	f[38] = 0xff;
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns), &p, NO_CSUM), 0);
	assert_int_equal(tw_pkt_udp_reply(f, 1000, &p, 10, 0, 0), -TW_EPROTO);
	/* nor from an address no UDP source may have (240/4 reserved,
	 * 127/8, 0/8: the reply would not parse at the other end) */
	static const uint8_t martians[][4] = { { 254, 255, 255, 255 },
					       { 240, 0, 0, 1 },
					       { 127, 0, 0, 1 },
					       { 0, 1, 2, 3 } };
	for (size_t i = 0; i < 4; i++) {
		memcpy(f, VEC(vec_v4_dns));
		memcpy(f + 30, martians[i], 4);
		assert_int_equal(
			tw_pkt_parse(f, sizeof(vec_v4_dns), &p, NO_CSUM), 0);
		assert_int_equal(tw_pkt_udp_reply(f, 1000, &p, 10, 0, 0),
				 -TW_EPROTO);
	}
	/* 223.x is unicast */
	memcpy(f, VEC(vec_v4_dns));
	memcpy(f + 30, "\xdf\xff\xff\xff", 4);
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v4_dns), &p, NO_CSUM), 0);
	assert_true(tw_pkt_udp_reply(f, 1000, &p, 10, 0, 0) > 0);
	/* IPv6 takes 20 octets more */
	memcpy(f, VEC(vec_v6_dns));
	assert_int_equal(tw_pkt_parse(f, sizeof(vec_v6_dns), &p, 0), 0);
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 65535 - 7, 0, 0),
			 -EMSGSIZE);
	assert_int_equal(tw_pkt_udp_reply(f, 70000, &p, 65535 - 8, 0, 0),
			 14 + 40 + 65535);
	assert_int_equal(tw_pkt_parse(f, 14 + 40 + 65535, &p, 0), 0);
	free(f);
}

/* Random queries of every shape: parse, answer, parse again. */
static void
test_reply_random(void **state)
{
	uint8_t q[1600], f[3200], g[3200], ans[1500];
	struct tw_pkt gp;
	unsigned off;
	uint8_t ttl;
	uint32_t st = 2024;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct qspec s = {
			.v6 = (int)(rnd(&st) & 1),
			.n_tags = (uint8_t)(rnd(&st) % 3),
			.tos = (uint8_t)rnd(&st),
			.qlen = rnd(&st) % 600,
		};
		struct tw_pkt qp, rp;
		size_t alen = rnd(&st) % 1400, n;
		int r;
		s.n_opt =
			(uint8_t)(rnd(&st) % 4 == 0 ? rnd(&st) % (s.v6 ? 8 : 11)
						    : 0);
		n = mk_query(q, &s, &st);
		memcpy(f, q, n);
		r = tw_pkt_parse(q, n, &qp, 0);
		if (r != 0)
			fail_msg("query %d does not parse: %s", i,
				 tw_strerror(r));
		assert_int_equal(tw_pkt_parse(f, n, &rp, 0), 0);
		rnd_fill(&st, ans, alen);
		memcpy(f + qp.payload_off, ans, alen);
		memcpy(g, f, n + alen);
		gp = rp;
		ttl = rnd(&st) % 4 == 0 ? (uint8_t)rnd(&st) : 0;
		/* A quarter each: software checksums, a port's IPv4 header
		 * offload, its UDP offload, both. */
		off = (rnd(&st) & 1 ? TW_NET_F_TX_IP_OFFLOAD : 0) |
		      (rnd(&st) & 1 ? TW_NET_F_TX_L4_OFFLOAD : 0);
		r = tw_pkt_udp_reply(f, sizeof(f), &rp, alen, ttl, off);
		if (ttl == 0 && off == 0)
			check_response(q, &qp, f, r, &rp, ans, alen, 0);
		/* The common shape's path writes what the general one does. */
		assert_int_equal(tw_pkt_udp_reply(g, sizeof(g), &gp, alen, ttl,
						  off | TW_NET_F_REPLY_GENERAL),
				 r);
		assert_memory_equal(f, g, (size_t)r);
		assert_pkt_same(f, &rp, &gp);
	}
}

/* Field by field (padding aside); addresses as offsets into the frame. */
static void
assert_pkt_same(const uint8_t *f, const struct tw_pkt *a,
		const struct tw_pkt *b)
{
	assert_int_equal(a->eth.ethertype, b->eth.ethertype);
	assert_int_equal(a->eth.hdr_len, b->eth.hdr_len);
	assert_int_equal(a->eth.n_tags, b->eth.n_tags);
	for (int i = 0; i < TW_ETH_MAX_TAGS; i++) {
		assert_int_equal(a->eth.tag[i].tpid, b->eth.tag[i].tpid);
		assert_int_equal(a->eth.tag[i].tci, b->eth.tag[i].tci);
	}
	assert_int_equal(a->src ? a->src - f : -1, b->src ? b->src - f : -1);
	assert_int_equal(a->dst ? a->dst - f : -1, b->dst ? b->dst - f : -1);
	assert_int_equal(a->l3_off, b->l3_off);
	assert_int_equal(a->l4_off, b->l4_off);
	assert_int_equal(a->l4_len, b->l4_len);
	assert_int_equal(a->payload_off, b->payload_off);
	assert_int_equal(a->payload_len, b->payload_len);
	assert_int_equal(a->frame_len, b->frame_len);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->ip_ver, b->ip_ver);
	assert_int_equal(a->l4_proto, b->l4_proto);
	assert_int_equal(a->ttl, b->ttl);
}

static void
fast_vs_general(const uint8_t *f, size_t len)
{
	static const unsigned fl[] = { 0, TW_NET_F_NO_IP_CSUM,
				       TW_NET_F_NO_L4_CSUM, NO_CSUM };

	for (size_t i = 0; i < TW_ARRAY_SIZE(fl); i++) {
		struct tw_pkt a, b;
		uint8_t *p = dup_exact(f, len);

		memset(&a, 0x5a, sizeof(a)); /* no stale field survives */
		assert_int_equal(tw_pkt_parse(p, len, &a, fl[i]),
				 net_pkt_parse_general(p, len, &b, fl[i]));
		assert_pkt_same(p, &a, &b);
		free(p);
	}
}

/*
 * tw_pkt_parse()'s fast path for the common shape against the general
 * parser: every test vector, random queries of every shape, and random
 * mutations of them (octets changed in the headers, the checksums then
 * fixed or not, the length cut): same result, same summary.
 */
static void
test_fast_path_vs_general(void **state)
{
	uint8_t q[1600];
	uint32_t st = 77;
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(vectors); i++)
		fast_vs_general(vectors[i].f, vectors[i].len);
	for (int i = 0; i < 30000; i++) {
		struct qspec s = {
			.v6 = (int)(rnd(&st) & 1),
			.n_tags = (uint8_t)(rnd(&st) % 4 == 0 ? rnd(&st) % 3
							      : rnd(&st) % 2),
			.tos = (uint8_t)rnd(&st),
			.qlen = rnd(&st) % 300,
		};
		size_t n, ip, u, cut;
		int k;

		s.n_opt = (uint8_t)(rnd(&st) % 8 == 0 ? 1 + rnd(&st) % 2 : 0);
		n = mk_query(q, &s, &st);
		ip = 14 + 4u * s.n_tags;
		u = ip + (s.v6 ? 40 + 8u * s.n_opt : 20 + 4u * s.n_opt);
		if (i % 4 == 0) {
			fast_vs_general(q, n);
			continue;
		}
		/* 1-3 octets of the headers (often the length, version,
		 * protocol, fragment and tag fields), or of the payload. */
		for (k = (int)(rnd(&st) % 3); k >= 0; k--) {
			size_t at = rnd(&st) % 3 == 0 ? rnd(&st) % n
						      : rnd(&st) % (u + 8);
			q[at] = rnd(&st) % 2 ? (uint8_t)rnd(&st)
					     : (uint8_t)(q[at] ^
							 1u << (rnd(&st) % 8));
		}
		if (rnd(&st) % 2 && !s.v6 && (q[ip] & 0x0f) * 4u >= 20 &&
		    ip + (q[ip] & 0x0fu) * 4 <= n) {
			tw_put16(q + ip + 10, 0);
			tw_put16(q + ip + 10,
				 ref_ipv4_cksum(q + ip, (q[ip] & 0x0fu) * 4));
		}
		if (rnd(&st) % 2 && u + 8 <= n && tw_get16(q + u + 4) >= 8 &&
		    u + tw_get16(q + u + 4) <= n) {
			tw_put16(q + u + 6, 0);
			tw_put16(q + u + 6,
				 ref_udp_cksum(q + u, tw_get16(q + u + 4),
					       q + ip + (s.v6 ? 8 : 12),
					       q + ip + (s.v6 ? 24 : 16),
					       s.v6));
		}
		cut = rnd(&st) % 4 == 0 ? rnd(&st) % (n + 1) : n;
		fast_vs_general(q, cut);
	}
}

static void
test_build(void **state)
{
	struct tw_udp_flow fl = {
		.dst_mac = { 2, 0, 0, 0, 0, 1 },
		.src_mac = { 2, 0, 0, 0, 0, 2 },
		.n_tags = 1,
		.tag = { { 0, 42 } },
		.ip_ver = 4,
		.tos = 0x28,
		.ip_id = 777,
		.src = { 10, 0, 0, 2 },
		.dst = { 10, 0, 0, 1 },
		.sport = 40000,
		.dport = 53,
	};
	uint8_t f[256];
	struct tw_pkt p;
	size_t hl;
	int n;
	(void)state;
	hl = tw_pkt_udp_hdr_len(&fl);
	assert_int_equal(hl, 18 + 20 + 8);
	memcpy(f + hl, vec_v4_dns + 42, 40);
	n = tw_pkt_udp_build(f, sizeof(f), &fl, 40, &p, 0);
	assert_int_equal(n, hl + 40);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &p, 0), 0);
	assert_int_equal(p.payload_off, hl);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.ttl, TW_NET_DEFAULT_TTL);
	assert_int_equal(tw_eth_vlan_id(&p.eth), 42);
	assert_memory_equal(p.src, fl.src, 4);
	assert_int_equal(tw_get16(f + 18 + 4), 777);
	assert_int_equal(f[18 + 1], 0x28);
	assert_int_equal(tw_get16(f + 18 + 6), TW_IPV4_DF);
	assert_int_equal(tw_get16(f + 18 + 10), ref_ipv4_cksum(f + 18, 20));

	/* IPv6, two tags, given hop limit, pkt out */
	fl.ip_ver = 6;
	fl.n_tags = 2;
	fl.tag[0].tpid = TW_ETHERTYPE_QINQ;
	fl.ttl = 9;
	fl.flow_label = 0xabcde;
	fl.src[0] = 0x20;
	fl.dst[0] = 0x20;
	hl = tw_pkt_udp_hdr_len(&fl);
	assert_int_equal(hl, 22 + 40 + 8);
	memset(f + hl, 0x5a, 33);
	memset(&p, 0xff, sizeof(p));
	n = tw_pkt_udp_build(f, sizeof(f), &fl, 33, &p, 0);
	assert_int_equal(n, hl + 33);
	assert_int_equal(p.ip_ver, 6);
	assert_int_equal(p.payload_off, hl);
	assert_int_equal(p.payload_len, 33);
	assert_int_equal(p.ttl, 9);
	assert_int_equal(tw_get32(f + 22) & 0xfffff, 0xabcde);
	assert_int_equal(f[23] >> 4 | (f[22] & 0xf) << 4, 0x28);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &p, 0), 0);

	/* offload: checksums left to the NIC */
	n = tw_pkt_udp_build(f, sizeof(f), &fl, 33, NULL,
			     TW_NET_F_TX_L4_OFFLOAD);
	assert_int_equal(tw_get16(f + hl - 2),
			 ref_phdr6(f + 30, f + 46, 17, 41));
	fl.ip_ver = 4;
	hl = tw_pkt_udp_hdr_len(&fl);
	n = tw_pkt_udp_build(f, sizeof(f), &fl, 33, NULL,
			     TW_NET_F_TX_IP_OFFLOAD);
	assert_int_equal(tw_get16(f + 22 + 10), 0);
	assert_int_equal(tw_pkt_parse(f, (size_t)n, &p, TW_NET_F_NO_IP_CSUM),
			 0);

	/* errors */
	assert_int_equal(tw_pkt_udp_build(f, hl + 32, &fl, 33, NULL, 0),
			 -ENOSPC);
	assert_int_equal(tw_pkt_udp_build(f, 10, &fl, 33, NULL, 0), -ENOSPC);
	uint8_t *big = malloc(70000);
	assert_int_equal(tw_pkt_udp_build(big, 70000, &fl, 65535 - 27, NULL, 0),
			 -EMSGSIZE);
	assert_int_equal(tw_pkt_udp_build(big, 70000, &fl, 65535 - 28, NULL, 0),
			 (int)hl + 65535 - 28);
	free(big);
	fl.ip_ver = 5;
	assert_int_equal(tw_pkt_udp_hdr_len(&fl), 0);
	assert_int_equal(tw_pkt_udp_build(f, sizeof(f), &fl, 1, NULL, 0),
			 -EINVAL);
	fl.ip_ver = 4;
	fl.n_tags = 3;
	assert_int_equal(tw_pkt_udp_hdr_len(&fl), 0);
	assert_int_equal(tw_pkt_udp_build(f, sizeof(f), &fl, 1, NULL, 0),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_flags_and_checksums),
		cmocka_unit_test(test_other_refusals),
		cmocka_unit_test(test_reply_vectors),
		cmocka_unit_test(test_reply_offload),
		cmocka_unit_test(test_reply_errors),
		cmocka_unit_test(test_reply_random),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_fast_path_vs_general),
	};
	return cmocka_run_group_tests_name("net/pkt", tests, NULL, NULL);
}
