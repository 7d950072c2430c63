/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen: query mix and answer checker (see gen.h). Pure C.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "tw_common.h"
#include "tw_dns.h"
#include "tw_net.h"

#define EDNS_SIZE   1232 /* what the clients advertise (DNS flag day 2020) */
#define OPT_COOKIE  10	 /* RFC 7873 4 */
#define FLOOD_LABEL 12

/* ---- PRNG: xoshiro256** ------------------------------------------- */

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

void
gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	unsigned i;

	/* splitmix64 expands the seed into the state (never all zero). */
	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		r->s[i] = z ^ (z >> 31);
	}
}

uint32_t
gen_rng_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline bool
pct(struct gen_rng *r, unsigned p)
{
	return gen_rng_below(r, 100) < p;
}

/* ---- Zipf ------------------------------------------------------------ */

/* Popularity of rank i proportional to 1 / (i + 1)^s: the CDF table. */
static double *
zipf_cdf(unsigned n, double s)
{
	double *cdf = tw_malloc(sizeof(*cdf) * n), sum = 0;
	unsigned i;

	if (cdf == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		sum += s == 0 ? 1.0 : 1.0 / pow((double)i + 1, s);
		cdf[i] = sum;
	}
	for (i = 0; i < n; i++)
		cdf[i] /= sum;
	return cdf;
}

static unsigned
zipf_draw(const double *cdf, unsigned n, struct gen_rng *r)
{
	double u = (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
	unsigned lo = 0, hi = n - 1;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- Query frames ------------------------------------------------------ */

static void
mix_case(uint8_t *wire, struct gen_rng *r)
{
	size_t i = 0;

	while (wire[i] != 0) {
		size_t n = wire[i++], j;

		for (j = 0; j < n; j++, i++)
			if (((wire[i] | 0x20) >= 'a' &&
			     (wire[i] | 0x20) <= 'z') &&
			    (gen_rng_next(r) & 1))
				wire[i] ^= 0x20;
	}
}

/* The DNS query at @p p; @return its length or -EINVAL. */
static int
build_dns(uint8_t *p, size_t cap, const uint8_t *qname, size_t qname_len,
	  uint16_t qtype, unsigned flags, struct gen_rng *r)
{
	uint16_t f = TW_DNS_F_RD;
	size_t off;

	if (TW_DNS_HDR_LEN + qname_len + 4 + 11 + 12 > cap)
		return -EINVAL;
	if (flags & GQ_AD)
		f |= TW_DNS_F_AD;
	if (flags & GQ_CD)
		f |= TW_DNS_F_CD;
	tw_put16(p, 0);
	tw_put16(p + 2, f);
	tw_put16(p + 4, 1);
	tw_put16(p + 6, 0);
	tw_put16(p + 8, 0);
	tw_put16(p + 10, flags & GQ_EDNS ? 1 : 0);
	off = TW_DNS_HDR_LEN;
	memcpy(p + off, qname, qname_len);
	off += qname_len;
	tw_put16(p + off, qtype);
	tw_put16(p + off + 2, 1); /* IN */
	off += 4;
	if (flags & GQ_EDNS) {
		/* RFC 6891 6.1.2: root owner, TYPE 41, CLASS = payload size,
		 * TTL = extended RCODE, version 0, DO and Z. */
		p[off++] = 0;
		tw_put16(p + off, TW_DNS_T_OPT);
		tw_put16(p + off + 2, EDNS_SIZE);
		tw_put16(p + off + 4, 0);
		tw_put16(p + off + 6, flags & GQ_DO ? TW_DNS_EDNS_DO : 0);
		tw_put16(p + off + 8, flags & GQ_COOKIE ? 12 : 0);
		off += 10;
		if (flags & GQ_COOKIE) {
			/* RFC 7873 4.1: a client cookie alone, 8 octets. */
			uint64_t c = gen_rng_next(r);

			tw_put16(p + off, OPT_COOKIE);
			tw_put16(p + off + 2, 8);
			memcpy(p + off + 4, &c, 8);
			off += 12;
		}
	}
	return (int)off;
}

static int
build_one(const struct gen_mix *mx, const struct gen_net *net,
	  const char *origin, gen_name_fn name_fn, void *name_arg,
	  const double *cdf, uint64_t i, struct gen_rng *r, struct gen_q *q)
{
	struct tw_udp_flow fl;
	struct tw_pkt pkt;
	char name[TW_DNS_NAME_MAX * 4 + 8];
	uint8_t wire[TW_DNS_NAME_MAX];
	unsigned flags = 0, k;
	size_t hdr;
	int wl, dl, fl_len;

	memset(q, 0, sizeof(*q));
	if (!mx->unique && mx->pct_flood != 0 && pct(r, mx->pct_flood)) {
		static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
		char lab[FLOOD_LABEL + 1];

		for (k = 0; k < FLOOD_LABEL; k++)
			lab[k] = al[gen_rng_below(r, sizeof(al) - 1)];
		lab[FLOOD_LABEL] = '\0';
		snprintf(name, sizeof(name), "%s.%s", lab, origin);
		q->name = UINT32_MAX;
		q->kind = GEN_NXDOMAIN;
	} else {
		q->name = mx->unique ? (uint32_t)i
				     : zipf_draw(cdf, mx->n_names, r);
		if (name_fn(q->name, name, sizeof(name), name_arg) < 0)
			return -EINVAL;
		q->kind = GEN_POS;
	}
	if (!mx->unique && q->kind == GEN_POS && pct(r, mx->pct_other)) {
		q->qtype = TW_DNS_T_TXT;
		q->kind = GEN_NODATA;
	} else {
		q->qtype = gen_rng_next(r) & 1 ? TW_DNS_T_AAAA : TW_DNS_T_A;
	}
	if (!pct(r, mx->pct_noedns)) {
		flags |= GQ_EDNS;
		if (pct(r, mx->pct_do))
			flags |= GQ_DO;
		if (pct(r, mx->pct_cookie))
			flags |= GQ_COOKIE;
	}
	if (pct(r, mx->pct_cd))
		flags |= GQ_CD;
	if (pct(r, mx->pct_ad))
		flags |= GQ_AD;
	if (pct(r, mx->pct_v6))
		flags |= GQ_V6;
	wl = tw_dns_name_from_str(name, wire);
	if (wl < 0)
		return -EINVAL;
	if (pct(r, mx->pct_case)) {
		flags |= GQ_CASE;
		mix_case(wire, r);
	}
	q->flags = (uint8_t)flags;
	q->q_len = (uint16_t)(wl + 4);

	memset(&fl, 0, sizeof(fl));
	memcpy(fl.dst_mac, net->tw_mac, 6);
	memcpy(fl.src_mac, net->cl_mac, 6);
	k = gen_rng_below(r, 200);
	if (flags & GQ_V6) {
		fl.ip_ver = 6;
		memcpy(fl.src, net->cl6, 16);
		tw_put16(fl.src + 14, (uint16_t)(tw_get16(fl.src + 14) + k));
		memcpy(fl.dst, net->tw6, 16);
	} else {
		fl.ip_ver = 4;
		memcpy(fl.src, net->cl4, 4);
		fl.src[3] = (uint8_t)(fl.src[3] + k);
		memcpy(fl.dst, net->tw4, 4);
		fl.ip_id = (uint16_t)gen_rng_next(r);
	}
	fl.sport = (uint16_t)(1024 + gen_rng_below(r, 65536 - 1024));
	fl.dport = 53;
	q->sport = fl.sport;
	hdr = tw_pkt_udp_hdr_len(&fl);
	if (hdr == 0)
		return -EINVAL;
	dl = build_dns(q->frame + hdr, sizeof(q->frame) - hdr, wire, (size_t)wl,
		       q->qtype, flags, r);
	if (dl < 0)
		return dl;
	fl_len = tw_pkt_udp_build(q->frame, sizeof(q->frame), &fl, (size_t)dl,
				  &pkt, 0);
	if (fl_len < 0)
		return -EINVAL;
	q->len = (uint16_t)fl_len;
	q->dns_off = (uint16_t)pkt.payload_off;
	q->ck_off = (uint16_t)(pkt.l4_off + 6);
	return 0;
}

int
gen_build(const struct gen_mix *mx, const struct gen_net *net,
	  const char *origin, gen_name_fn name_fn, void *name_arg,
	  struct gen_q *out, size_t n)
{
	struct gen_rng r;
	double *cdf = NULL;
	size_t i;
	int rc = 0;

	if (mx->n_names == 0 || (mx->unique && n > mx->n_names))
		return -EINVAL;
	gen_rng_seed(&r, mx->seed);
	if (!mx->unique) {
		cdf = zipf_cdf(mx->n_names, mx->zipf);
		if (cdf == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = build_one(mx, net, origin, name_fn, name_arg, cdf, i, &r,
			       &out[i]);
	tw_free(cdf);
	return rc;
}

void
gen_set_id(const struct gen_q *q, uint8_t *frame, uint16_t id)
{
	uint16_t ck = tw_get16(frame + q->ck_off);

	tw_put16(frame + q->dns_off, id);
	tw_put16(frame + q->ck_off, tw_udp_cksum_update16(ck, 0, id));
}

int
gen_answer_id(const uint8_t *frame, size_t len)
{
	size_t l4;

	if (len < 14 + 20 + 8 + TW_DNS_HDR_LEN)
		return -1;
	switch (tw_get16(frame + 12)) {
	case 0x0800:
		if (frame[14 + 9] != TW_IPPROTO_UDP)
			return -1;
		l4 = 14 + (size_t)(frame[14] & 0xf) * 4;
		break;
	case 0x86dd:
		if (frame[14 + 6] != TW_IPPROTO_UDP)
			return -1;
		l4 = 14 + 40;
		break;
	default:
		return -1;
	}
	if (l4 + 8 + TW_DNS_HDR_LEN > len)
		return -1;
	return tw_get16(frame + l4 + 8);
}

uint64_t
gen_variant_key(const struct gen_q *q)
{
	unsigned qt = q->qtype == TW_DNS_T_A	  ? 0
		      : q->qtype == TW_DNS_T_AAAA ? 1
						  : 2;

	/* trustwire's cache variant (tw_answer_variant()): RD and AD only
	 * set header bits, one cached answer serves both. */
	return (uint64_t)q->name << 8 | qt << 4 |
	       (q->flags & (GQ_DO | GQ_CD | GQ_EDNS));
}

/* ---- Checker ---------------------------------------------------------- */

#define WRONG(s)                    \
	do {                        \
		*why = (s);         \
		return GEN_R_WRONG; \
	} while (0)

static int
check_bounce(const struct gen_q *q, uint16_t id, const uint8_t *frame,
	     size_t len, const struct tw_pkt *p, const char **why)
{
	const uint8_t *t = q->frame;
	size_t alen = q->flags & GQ_V6 ? 16 : 4;
	size_t so = q->flags & GQ_V6 ? 14 + 8 : 14 + 12;

	if (len != q->len)
		WRONG("bounce: length changed");
	if (memcmp(frame, t + 6, 6) != 0 || memcmp(frame + 6, t, 6) != 0)
		WRONG("bounce: MACs not swapped");
	if (memcmp(frame + so, t + so + alen, alen) != 0 ||
	    memcmp(frame + so + alen, t + so, alen) != 0)
		WRONG("bounce: addresses not swapped");
	if (p->sport != 53 || p->dport != q->sport)
		WRONG("bounce: ports not swapped");
	if (tw_get16(frame + p->payload_off) != id ||
	    memcmp(frame + p->payload_off + 2, t + q->dns_off + 2,
		   (size_t)q->len - q->dns_off - 2) != 0)
		WRONG("bounce: DNS message changed");
	return GEN_R_OK;
}

int
gen_check(const struct gen_q *q, uint16_t id, const uint8_t *frame, size_t len,
	  bool bounce, const char **why)
{
	const uint8_t *t = q->frame, *dns;
	struct tw_pkt p;
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	size_t alen = q->flags & GQ_V6 ? 16 : 4, dlen;
	size_t so = q->flags & GQ_V6 ? 14 + 8 : 14 + 12;
	unsigned f, want_rcode, n_rrset = 0, n_sig = 0;
	bool want_ad;
	int rc;

	*why = "";
	if (tw_pkt_parse(frame, len, &p, 0) != 0)
		WRONG("not a valid UDP frame (or a bad checksum)");
	if (p.ip_ver != (q->flags & GQ_V6 ? 6 : 4))
		WRONG("IP version differs");
	if (bounce)
		return check_bounce(q, id, frame, len, &p, why);
	if (memcmp(frame, t + 6, 6) != 0 || memcmp(frame + 6, t, 6) != 0)
		WRONG("MACs not swapped");
	if (memcmp(p.src, t + so + alen, alen) != 0 ||
	    memcmp(p.dst, t + so, alen) != 0)
		WRONG("addresses not swapped");
	if (p.sport != 53 || p.dport != q->sport)
		WRONG("ports not swapped");
	dns = frame + p.payload_off;
	dlen = p.payload_len;
	if (dlen < (size_t)TW_DNS_HDR_LEN + q->q_len)
		WRONG("answer too short");
	if (tw_get16(dns) != id)
		WRONG("ID differs");
	f = tw_get16(dns + 2);
	if (!(f & TW_DNS_F_QR) || (f & TW_DNS_F_OPCODE_MASK) != 0)
		WRONG("not a QUERY response");
	if (!(f & TW_DNS_F_RD))
		WRONG("RD not echoed");
	if (!!(f & TW_DNS_F_CD) != !!(q->flags & GQ_CD))
		WRONG("CD not echoed");
	if (tw_get16(dns + 4) != 1)
		WRONG("QDCOUNT not 1");
	if (memcmp(dns + TW_DNS_HDR_LEN, t + q->dns_off + TW_DNS_HDR_LEN,
		   q->q_len) != 0)
		WRONG("question differs from the one sent (case kept?)");
	want_rcode = q->kind == GEN_NXDOMAIN ? 3 : 0;
	if ((f & TW_DNS_F_RCODE_MASK) != want_rcode)
		WRONG(want_rcode ? "RCODE not NXDOMAIN" : "RCODE not NOERROR");
	if (f & TW_DNS_F_TC)
		return GEN_R_TC;
	rc = tw_dns_parse(&m, dns, dlen);
	if (rc != 0)
		WRONG("answer does not parse");
	/* RFC 6840 5.7, 5.8: AD for DO or AD queries; RFC 4035 3.2.2: CD=1
	 * answers carry no AD. Every name of the zone is secure. */
	want_ad = (q->flags & (GQ_DO | GQ_AD)) && !(q->flags & GQ_CD);
	if (!!(f & TW_DNS_F_AD) != want_ad)
		WRONG(want_ad ? "AD missing" : "AD set");
	if (m.edns.present != !!(q->flags & GQ_EDNS))
		WRONG("OPT RR iff the query had one (RFC 6891 7)");
	if (m.edns.present &&
	    !!(m.edns.flags & TW_DNS_EDNS_DO) != !!(q->flags & GQ_DO))
		WRONG("DO not echoed (RFC 3225 3)");
	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1) {
		if (rr.section == TW_DNS_SEC_AR)
			break;
		if (rr.type == TW_DNS_T_RRSIG)
			n_sig++;
		else if (rr.section == TW_DNS_SEC_AN && rr.type == q->qtype)
			n_rrset++;
	}
	if (q->kind == GEN_POS && n_rrset == 0)
		WRONG("the RRset asked for is missing");
	if (q->kind != GEN_POS && m.hdr.ancount != 0)
		WRONG("answer section not empty for NODATA/NXDOMAIN");
	if ((q->flags & GQ_DO) && n_sig == 0)
		WRONG("DO=1 answer without RRSIG");
	if (!(q->flags & GQ_DO) && n_sig != 0)
		WRONG("DO=0 answer with RRSIG (RFC 4035 3.2.1)");
	return GEN_R_OK;
}
