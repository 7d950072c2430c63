/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message reader: validate a whole message once at the boundary (RFC 1035
 * 4.1, RFC 6891 6, RFC 3597), then iterate and access RRs by offset.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dns_priv.h"
#include "tw_dns.h"

/* Smallest question: root name, QTYPE, QCLASS. */
#define TW_DNS_Q_MIN 5
/* Smallest RR: root owner, TYPE, CLASS, TTL, RDLENGTH. */
#define TW_DNS_RR_MIN	11
#define TW_DNS_RR_FIXED 10

/* ---- Rdata layouts ---------------------------------------------------- */

/* One target name (RFC 1035 3.3; DNAME RFC 6672). */
static const struct tw_dns_rdesc rd_name = { 1, 1, { TW_RDF_NAME } };
/* SOA (RFC 1035 3.3.13): MNAME RNAME SERIAL REFRESH RETRY EXPIRE MIN. */
static const struct tw_dns_rdesc rd_soa = { 1,
					    1,
					    { TW_RDF_NAME, TW_RDF_NAME, 20 } };
/* MINFO (RFC 1035 3.3.7), RP (RFC 1183 2.2). */
static const struct tw_dns_rdesc rd_2name = { 1,
					      1,
					      { TW_RDF_NAME, TW_RDF_NAME } };
/* MX (RFC 1035 3.3.9), AFSDB, RT (RFC 1183), KX (RFC 2230). */
static const struct tw_dns_rdesc rd_pref_name = { 1, 1, { 2, TW_RDF_NAME } };
/* PX (RFC 2163 4). */
static const struct tw_dns_rdesc rd_px = { 1,
					   1,
					   { 2, TW_RDF_NAME, TW_RDF_NAME } };
/* SIG (RFC 2535 4.1): 18 fixed octets, signer, signature. */
static const struct tw_dns_rdesc rd_sig = { 1,
					    1,
					    { 18, TW_RDF_NAME, TW_RDF_REST } };
/* NXT (RFC 2535 5.2). */
static const struct tw_dns_rdesc rd_nxt = { 1,
					    1,
					    { TW_RDF_NAME, TW_RDF_REST } };
/* NAPTR (RFC 3403 4.1): ORDER PREF FLAGS SERVICES REGEXP REPLACEMENT. */
static const struct tw_dns_rdesc rd_naptr = {
	1, 1, { 4, TW_RDF_STR, TW_RDF_STR, TW_RDF_STR, TW_RDF_NAME }
};
/* SRV (RFC 2782): PRIORITY WEIGHT PORT TARGET. */
static const struct tw_dns_rdesc rd_srv = { 1, 1, { 6, TW_RDF_NAME } };
/* A6 (RFC 2874 3.1). */
static const struct tw_dns_rdesc rd_a6 = { 1, 1, { TW_RDF_A6 } };
/* RRSIG (RFC 4034 3.1): the signer MUST NOT be compressed (3.1.7). */
static const struct tw_dns_rdesc rd_rrsig = {
	0, 1, { 18, TW_RDF_NAME, TW_RDF_REST }
};
/* NSEC (RFC 4034 4.1.1): uncompressed, not lowercased (RFC 6840 5.1). */
static const struct tw_dns_rdesc rd_nsec = { 0,
					     0,
					     { TW_RDF_NAME, TW_RDF_REST } };
/* SVCB/HTTPS (RFC 9460 2.2): PRIORITY TARGET PARAMS, uncompressed. */
static const struct tw_dns_rdesc rd_svcb = { 0,
					     0,
					     { 2, TW_RDF_NAME, TW_RDF_REST } };

const struct tw_dns_rdesc *
tw_dns_rdesc(uint16_t type)
{
	switch (type) {
	case TW_DNS_T_NS:
	case 3: /* MD */
	case 4: /* MF */
	case TW_DNS_T_CNAME:
	case 7: /* MB */
	case 8: /* MG */
	case 9: /* MR */
	case TW_DNS_T_PTR:
	case TW_DNS_T_DNAME:
		return &rd_name;
	case TW_DNS_T_SOA:
		return &rd_soa;
	case 14: /* MINFO */
	case 17: /* RP */
		return &rd_2name;
	case TW_DNS_T_MX:
	case 18: /* AFSDB */
	case 21: /* RT */
	case 36: /* KX */
		return &rd_pref_name;
	case 24: /* SIG */
		return &rd_sig;
	case 26: /* PX */
		return &rd_px;
	case 30: /* NXT */
		return &rd_nxt;
	case TW_DNS_T_NAPTR:
		return &rd_naptr;
	case TW_DNS_T_SRV:
		return &rd_srv;
	case 38: /* A6 */
		return &rd_a6;
	case TW_DNS_T_RRSIG:
		return &rd_rrsig;
	case TW_DNS_T_NSEC:
		return &rd_nsec;
	case TW_DNS_T_SVCB:
	case TW_DNS_T_HTTPS:
		return &rd_svcb;
	default:
		return NULL;
	}
}

/* Copy @p n octets to the output (when there is one). */
static int
put(uint8_t *out, size_t cap, size_t *w, const uint8_t *src, size_t n)
{
	if (out != NULL) {
		if (n > cap - *w)
			return -ENOSPC;
		memcpy(out + *w, src, n);
	}
	*w += n;
	return 0;
}

/* One name field at @p p: @return the offset past it, or an error. */
static int
expand_name(const uint8_t *pkt, const struct tw_dns_rdesc *d, size_t p,
	    size_t end, uint8_t *out, size_t cap, size_t *w, unsigned flags,
	    struct tw_dns_name_memo *mm)
{
	uint8_t name[TW_DNS_NAME_MAX];
	size_t next;
	int r;

	/*
	 * Pointers only go backwards, so the rdata end bounds the walk: a
	 * name that runs past it is malformed rdata.
	 */
	if (out == NULL && mm != NULL)
		r = tw_dns_name_validate_fast(pkt, end, p, &next, mm);
	else
		r = tw_dns_name_unpack(pkt, end, p, out != NULL ? name : NULL,
				       &next);
	if (r < 0)
		return r == -TW_ETRUNC ? -TW_ERDATA : r;
	/* In place, an uncompressed name is exactly as long as expanded. */
	if (!d->compress && next - p != (size_t)r)
		return -TW_ERDATA;
	if (out != NULL && (flags & TW_DNS_X_CANON) && d->lower)
		tw_dns_name_lower(name);
	r = put(out, cap, w, name, (size_t)r);
	return r < 0 ? r : (int)next;
}

static int
rdata_walk(const uint8_t *pkt, size_t len, const struct tw_dns_rr *rr,
	   uint8_t *out, size_t cap, unsigned flags,
	   struct tw_dns_name_memo *mm)
{
	const struct tw_dns_rdesc *d = tw_dns_rdesc(rr->type);
	size_t p = rr->rdata_off, end = p + rr->rdlen, w = 0;
	int r;

	if (end > len || p > end)
		return -TW_ETRUNC;
	if (out == NULL)
		cap = SIZE_MAX;
	if (d == NULL || (rr->rdlen == 0 && (rr->rclass == TW_DNS_C_NONE ||
					     rr->rclass == TW_DNS_C_ANY))) {
		r = put(out, cap, &w, pkt + p, rr->rdlen);
		return r < 0 ? r : (int)w;
	}
	for (const int8_t *f = d->f; *f != TW_RDF_END; f++) {
		size_t n;

		switch (*f) {
		case TW_RDF_A6:
			/* RFC 2874 3.1: prefix length 0..128, the address
			 * suffix, then the prefix name when length > 0. */
			if (p >= end || pkt[p] > 128)
				return -TW_ERDATA;
			n = 1 + (size_t)(128 - pkt[p] + 7) / 8;
			if (n > end - p)
				return -TW_ERDATA;
			r = put(out, cap, &w, pkt + p, n);
			if (r < 0)
				return r;
			if (pkt[p] == 0) {
				p += n;
				continue;
			}
			r = expand_name(pkt, d, p + n, end, out, cap, &w, flags,
					mm);
			if (r < 0)
				return r;
			p = (size_t)r;
			continue;
		case TW_RDF_NAME:
			r = expand_name(pkt, d, p, end, out, cap, &w, flags,
					mm);
			if (r < 0)
				return r;
			p = (size_t)r;
			continue;
		case TW_RDF_STR:
			if (p >= end || pkt[p] >= end - p)
				return -TW_ERDATA;
			n = (size_t)pkt[p] + 1;
			break;
		case TW_RDF_REST:
			n = end - p;
			break;
		default:
			n = (size_t)*f;
			if (n > end - p)
				return -TW_ERDATA;
			break;
		}
		r = put(out, cap, &w, pkt + p, n);
		if (r < 0)
			return r;
		p += n;
	}
	if (p != end)
		return -TW_ERDATA;
	return (int)w;
}

int
tw_dns_rdata_expand(const uint8_t *pkt, size_t len, const struct tw_dns_rr *rr,
		    uint8_t *out, size_t cap, unsigned flags)
{
	return rdata_walk(pkt, len, rr, out, cap, flags, NULL);
}

/* ---- OPT (RFC 6891 6.1) ----------------------------------------------- */

static int
parse_opt(struct tw_dns_msg *m, const struct tw_dns_rr *rr, int owner_len)
{
	struct tw_dns_edns *e = &m->edns;
	size_t p = rr->rdata_off, end = p + rr->rdlen;

	/* RFC 6891 6.1.1: one OPT, in the additional section, owner root. */
	if (rr->section != TW_DNS_SEC_AR || e->present || owner_len != 1)
		return -TW_EOPT;
	e->present = true;
	e->udp_size = rr->rclass;
	e->ext_rcode = (uint8_t)(rr->ttl >> 24);
	e->version = (uint8_t)(rr->ttl >> 16);
	e->flags = (uint16_t)rr->ttl;
	e->rr_off = rr->rr_off;
	e->rdata_off = rr->rdata_off;
	e->rdlen = rr->rdlen;
	/* RFC 6891 6.1.2: {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}*. */
	while (p < end) {
		uint16_t code, olen;

		if (end - p < 4)
			return -TW_EOPT;
		code = tw_get16(m->pkt + p);
		olen = tw_get16(m->pkt + p + 2);
		p += 4;
		if (olen > end - p)
			return -TW_EOPT;
		if (code == TW_DNS_OPT_COOKIE) {
			/* RFC 7873 4: client cookie 8, or 8 + server 8..32. */
			if (olen != 8 && (olen < 16 || olen > 40))
				return -TW_EOPT;
			if (e->cookie_off == 0) {
				e->cookie_off = (uint16_t)p;
				e->cookie_len = olen;
			}
		} else if (code == TW_DNS_OPT_EDE) {
			/* RFC 8914 2: INFO-CODE (2 octets) + EXTRA-TEXT. */
			if (olen < 2)
				return -TW_EOPT;
			if (e->ede_off == 0) {
				e->ede_off = (uint16_t)p;
				e->ede_len = olen;
			}
		}
		p += olen;
	}
	return 0;
}

/*
 * Fixed-size and DNSSEC rdata: checked through the typed accessors so the
 * validator can later trust them on any accepted message.
 */
static int
check_rdata(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
	    struct tw_dns_name_memo *mm)
{
	const uint8_t *rd = m->pkt + rr->rdata_off;
	union {
		struct tw_dns_dnskey key;
		struct tw_dns_ds ds;
		struct tw_dns_rrsig sig;
		struct tw_dns_nsec nsec;
		struct tw_dns_nsec3 nsec3;
		struct tw_dns_nsec3param n3p;
	} u;
	int r;

	/* Dynamic update deletions carry empty rdata (RFC 2136 2.5). */
	if (rr->rdlen == 0 &&
	    (rr->rclass == TW_DNS_C_NONE || rr->rclass == TW_DNS_C_ANY))
		return 0;
	switch (rr->type) {
	case TW_DNS_T_A:
		/* RFC 1035 3.4.1; the layout is defined for class IN. */
		return rr->rclass != TW_DNS_C_IN || rr->rdlen == 4 ? 0
								   : -TW_ERDATA;
	case TW_DNS_T_AAAA: /* RFC 3596 2.2 */
		return rr->rclass != TW_DNS_C_IN || rr->rdlen == 16
			       ? 0
			       : -TW_ERDATA;
	case TW_DNS_T_DS:
	case TW_DNS_T_CDS:
		return tw_dns_rdata_ds(rd, rr->rdlen, &u.ds);
	case TW_DNS_T_DNSKEY:
	case TW_DNS_T_CDNSKEY:
		return tw_dns_rdata_dnskey(rd, rr->rdlen, &u.key);
	case TW_DNS_T_RRSIG:
		return tw_dns_rdata_rrsig(rd, rr->rdlen, &u.sig);
	case TW_DNS_T_NSEC:
		return tw_dns_rdata_nsec(rd, rr->rdlen, &u.nsec);
	case TW_DNS_T_NSEC3:
		return tw_dns_rdata_nsec3(rd, rr->rdlen, &u.nsec3);
	case TW_DNS_T_NSEC3PARAM:
		return tw_dns_rdata_nsec3param(rd, rr->rdlen, &u.n3p);
	default:
		r = rdata_walk(m->pkt, m->len, rr, NULL, 0, 0, mm);
		return r < 0 ? r : 0;
	}
}

int
tw_dns_parse(struct tw_dns_msg *m, const uint8_t *pkt, size_t len)
{
	size_t off = TW_DNS_HDR_LEN, next;
	struct tw_dns_name_memo mm;
	unsigned sec;
	int r;

	memset(m, 0, sizeof(*m));
	m->pkt = pkt;
	m->len = len;
	if (len < TW_DNS_HDR_LEN)
		return -TW_ETRUNC;
	/* Offsets are 16-bit: no DNS message is larger (RFC 1035 4.2.2). */
	if (len > TW_DNS_MSG_MAX)
		return -TW_EFORMAT;
	m->hdr.id = tw_get16(pkt);
	m->hdr.flags = tw_get16(pkt + 2);
	m->hdr.qdcount = tw_get16(pkt + 4);
	m->hdr.ancount = tw_get16(pkt + 6);
	m->hdr.nscount = tw_get16(pkt + 8);
	m->hdr.arcount = tw_get16(pkt + 10);
	/* RFC 9619: QDCOUNT is 0 or 1 in practice; we handle one question. */
	if (m->hdr.qdcount > 1)
		return -TW_EFORMAT;
	/* Refuse impossible counts before walking anything. */
	if ((size_t)m->hdr.qdcount * TW_DNS_Q_MIN +
		    ((size_t)m->hdr.ancount + m->hdr.nscount + m->hdr.arcount) *
			    TW_DNS_RR_MIN >
	    len - TW_DNS_HDR_LEN)
		return -TW_ECOUNT;

	m->sec_off[TW_DNS_SEC_QD] = TW_DNS_HDR_LEN;
	tw_dns_name_memo_init(&mm);
	if (m->hdr.qdcount == 1) {
		r = tw_dns_name_validate(pkt, len, off, &next, &mm);
		if (r < 0)
			return r;
		if (len - next < 4)
			return -TW_ETRUNC;
		m->q.name_off = (uint16_t)off;
		m->q.name_len = (uint16_t)r;
		m->q.qtype = tw_get16(pkt + next);
		m->q.qclass = tw_get16(pkt + next + 2);
		off = next + 4;
		m->q.end_off = (uint16_t)off;
	}

	for (sec = TW_DNS_SEC_AN; sec <= TW_DNS_SEC_AR; sec++) {
		uint16_t count = sec == TW_DNS_SEC_AN	? m->hdr.ancount
				 : sec == TW_DNS_SEC_NS ? m->hdr.nscount
							: m->hdr.arcount;

		m->sec_off[sec] = (uint16_t)off;
		for (unsigned i = 0; i < count; i++) {
			struct tw_dns_rr rr;
			int owner_len;

			owner_len = tw_dns_name_validate_fast(pkt, len, off,
							      &next, &mm);
			if (owner_len < 0)
				return owner_len;
			if (len - next < TW_DNS_RR_FIXED)
				return -TW_ETRUNC;
			rr.rr_off = rr.owner_off = (uint16_t)off;
			rr.type = tw_get16(pkt + next);
			rr.rclass = tw_get16(pkt + next + 2);
			rr.ttl = tw_get32(pkt + next + 4);
			rr.rdlen = tw_get16(pkt + next + 8);
			rr.rdata_off = (uint16_t)(next + TW_DNS_RR_FIXED);
			if (rr.rdlen > len - rr.rdata_off)
				return -TW_ETRUNC;
			rr.end_off = (uint16_t)(rr.rdata_off + rr.rdlen);
			rr.section = (uint8_t)sec;
			if (rr.type == TW_DNS_T_OPT)
				r = parse_opt(m, &rr, owner_len);
			else
				r = check_rdata(m, &rr, &mm);
			if (r < 0)
				return r;
			off = rr.end_off;
		}
	}
	m->end_off = (uint16_t)off;
	return 0;
}

/* ---- Iteration and accessors ------------------------------------------ */

void
tw_dns_rr_iter_init(struct tw_dns_rr_iter *it, const struct tw_dns_msg *m)
{
	it->m = m;
	it->off = m->sec_off[TW_DNS_SEC_AN];
	it->left[TW_DNS_SEC_QD] = 0;
	it->left[TW_DNS_SEC_AN] = m->hdr.ancount;
	it->left[TW_DNS_SEC_NS] = m->hdr.nscount;
	it->left[TW_DNS_SEC_AR] = m->hdr.arcount;
	it->section = TW_DNS_SEC_AN;
}

int
tw_dns_rr_next(struct tw_dns_rr_iter *it, struct tw_dns_rr *rr)
{
	const struct tw_dns_msg *m = it->m;
	size_t len = TW_MIN(m->len, (size_t)TW_DNS_MSG_MAX);
	int next;

	while (it->section <= TW_DNS_SEC_AR && it->left[it->section] == 0)
		it->section++;
	if (it->section > TW_DNS_SEC_AR)
		return 0;
	/* Still bounds-checked: the message may not have been accepted. */
	next = tw_dns_name_skip(m->pkt, len, it->off);
	if (next < 0)
		return next;
	if (len - (size_t)next < TW_DNS_RR_FIXED)
		return -TW_ETRUNC;
	rr->rr_off = rr->owner_off = it->off;
	rr->type = tw_get16(m->pkt + next);
	rr->rclass = tw_get16(m->pkt + next + 2);
	rr->ttl = tw_get32(m->pkt + next + 4);
	rr->rdlen = tw_get16(m->pkt + next + 8);
	rr->rdata_off = (uint16_t)(next + TW_DNS_RR_FIXED);
	if (rr->rdlen > len - rr->rdata_off)
		return -TW_ETRUNC;
	rr->end_off = (uint16_t)(rr->rdata_off + rr->rdlen);
	rr->section = it->section;
	it->off = rr->end_off;
	it->left[it->section]--;
	return 1;
}

int
tw_dns_rr_owner(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		uint8_t out[TW_DNS_NAME_MAX])
{
	return tw_dns_name_unpack(m->pkt, m->len, rr->owner_off, out, NULL);
}

int
tw_dns_rr_target(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		 uint8_t out[TW_DNS_NAME_MAX])
{
	size_t end = (size_t)rr->rdata_off + rr->rdlen, next;
	int r;

	switch (rr->type) {
	case TW_DNS_T_NS:
	case TW_DNS_T_CNAME:
	case TW_DNS_T_DNAME:
	case TW_DNS_T_PTR:
		break;
	default:
		/* No single-name rdata. */
		return -TW_ERDATA;
	}
	if (end > m->len)
		return -TW_ETRUNC;
	/* Bounded by the rdata: pointers only go backwards. */
	r = tw_dns_name_unpack(m->pkt, end, rr->rdata_off, out, &next);
	if (r < 0)
		return r == -TW_ETRUNC ? -TW_ERDATA : r;
	return next == end ? 0 : -TW_ERDATA;
}

int
tw_dns_rr_soa(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
	      struct tw_dns_soa *out)
{
	struct tw_dns_cur c;
	size_t end = (size_t)rr->rdata_off + rr->rdlen;

	if (rr->type != TW_DNS_T_SOA)
		return -TW_ERDATA;
	if (end > m->len)
		return -TW_ETRUNC;
	/* The names may point anywhere earlier in the message (pointers
	 * only go backwards, so the rdata end bounds the walk); the fixed
	 * part must end exactly at the end of the rdata. */
	tw_dns_cur_init(&c, m->pkt, end, rr->rdata_off);
	tw_dns_cur_name(&c, out->mname);
	tw_dns_cur_name(&c, out->rname);
	if (c.err != 0)
		return c.err == -TW_ETRUNC ? -TW_ERDATA : c.err;
	if (end - c.off != 20)
		return -TW_ERDATA;
	out->serial = tw_dns_cur_u32(&c);
	out->refresh = tw_dns_cur_u32(&c);
	out->retry = tw_dns_cur_u32(&c);
	out->expire = tw_dns_cur_u32(&c);
	out->minimum = tw_dns_cur_u32(&c);
	return c.err;
}
