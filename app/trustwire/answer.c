/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS rules of the proxy (see answer.h): query facts, answers per cache
 * variant, TTLs, TC answers, upstream queries and the RFC 5452 check.
 */
#include <stdio.h>
#include <string.h>

#include "answer.h"

#define TW_DNS_T_TSIG 250

/* ---- Queries ------------------------------------------------------------ */

static uint8_t
hdr_kflags(uint16_t flags)
{
	uint8_t k = 0;

	if (flags & TW_DNS_F_RD)
		k |= TW_CACHE_KF_RD;
	if (flags & TW_DNS_F_CD)
		k |= TW_CACHE_KF_CD;
	if (flags & TW_DNS_F_AD)
		k |= TW_CACHE_KF_AD;
	return k;
}

/* RFC 6891 6.2.5: a payload size below 512 is treated as 512. */
static uint16_t
edns_limit(uint16_t size)
{
	return size < TW_ANS_UDP_MIN ? TW_ANS_UDP_MIN : size;
}

int
tw_query_info(const uint8_t *msg, size_t len, size_t qend,
	      struct tw_query_info *qi)
{
	uint16_t ancount, nscount, arcount, rdlen;
	size_t p, end;

	memset(qi, 0, sizeof(*qi));
	if (len < TW_DNS_HDR_LEN || qend > len || qend < TW_DNS_HDR_LEN)
		return -TW_ETRUNC;
	qi->id = tw_get16(msg);
	qi->flags = tw_get16(msg + 2);
	qi->qend = (uint16_t)qend;
	qi->limit = TW_ANS_UDP_MIN;
	qi->kflags = hdr_kflags(qi->flags);
	if (qi->flags & TW_DNS_F_OPCODE_MASK)
		qi->slow |= TW_QS_OPCODE;
	ancount = tw_get16(msg + 6);
	nscount = tw_get16(msg + 8);
	arcount = tw_get16(msg + 10);
	if (ancount != 0 || nscount != 0 || arcount > 1) {
		qi->slow |= TW_QS_EXTRA;
		return 0;
	}
	if (arcount == 0)
		return 0;
	/* One additional RR: normally the OPT RR (RFC 6891 6.1.1). */
	p = qend;
	if (len - p < 11)
		return -TW_ETRUNC;
	if (msg[p] != 0) {
		/* Not a root owner: not an OPT RR (TSIG, ...). */
		qi->slow |= TW_QS_EXTRA;
		return 0;
	}
	if (tw_get16(msg + p + 1) != TW_DNS_T_OPT) {
		qi->slow |= TW_QS_EXTRA;
		return 0;
	}
	qi->limit = edns_limit(tw_get16(msg + p + 3));
	qi->edns_version = msg[p + 6];
	qi->edns_flags = tw_get16(msg + p + 7);
	rdlen = tw_get16(msg + p + 9);
	p += 11;
	if (rdlen > len - p)
		return -TW_ETRUNC;
	/* Options: {code, length, data}, each inside the rdata. */
	end = p + rdlen;
	while (p < end) {
		if (end - p < 4)
			return -TW_EOPT;
		if (tw_get16(msg + p + 2) > end - p - 4)
			return -TW_EOPT;
		p += 4 + (size_t)tw_get16(msg + p + 2);
	}
	qi->kflags |= TW_CACHE_KF_EDNS;
	if (qi->edns_flags & TW_DNS_EDNS_DO)
		qi->kflags |= TW_CACHE_KF_DO;
	if (qi->edns_version != 0)
		qi->slow |= TW_QS_BADVERS;
	return 0;
}

void
tw_query_info_msg(const struct tw_dns_msg *m, struct tw_query_info *qi)
{
	memset(qi, 0, sizeof(*qi));
	qi->id = m->hdr.id;
	qi->flags = m->hdr.flags;
	qi->qend = m->q.end_off;
	qi->limit = TW_ANS_UDP_MIN;
	qi->kflags = hdr_kflags(m->hdr.flags);
	if (m->hdr.flags & TW_DNS_F_OPCODE_MASK)
		qi->slow |= TW_QS_OPCODE;
	if (m->edns.present) {
		qi->limit = edns_limit(m->edns.udp_size);
		qi->edns_version = m->edns.version;
		qi->edns_flags = m->edns.flags;
		qi->kflags |= TW_CACHE_KF_EDNS;
		if (m->edns.flags & TW_DNS_EDNS_DO)
			qi->kflags |= TW_CACHE_KF_DO;
		if (m->edns.version != 0)
			qi->slow |= TW_QS_BADVERS;
	}
}

/* ---- Answers ------------------------------------------------------------ */

static bool
is_dnssec_meta(uint16_t type)
{
	return type == TW_DNS_T_RRSIG || type == TW_DNS_T_NSEC ||
	       type == TW_DNS_T_NSEC3;
}

bool
tw_answer_keep_rr(uint8_t section, uint16_t type, uint16_t covered,
		  uint16_t qtype, uint8_t kflags, int status)
{
	if (type == TW_DNS_T_OPT || type == TW_DNS_T_TSIG)
		return false;
	if (!(kflags & TW_CACHE_KF_DO) && is_dnssec_meta(type) && type != qtype)
		return false;
	if (status == TW_DNSSEC_SECURE) {
		if (section == TW_DNS_SEC_AR)
			return false;
		if (section == TW_DNS_SEC_NS &&
		    (type == TW_DNS_T_NS ||
		     (type == TW_DNS_T_RRSIG && covered == TW_DNS_T_NS)))
			return false;
	}
	return true;
}

/* Whether the authority RR at @p rr_off is one lib/dnssec validated. */
static bool
auth_validated(const struct tw_answer_req *rq, uint16_t rr_off)
{
	for (unsigned i = 0; i < rq->n_auth_rr; i++)
		if (rq->auth_rr[i] == rr_off)
			return true;
	return false;
}

static uint32_t
aged(uint32_t ttl, uint32_t age)
{
	if (ttl & 0x80000000u) /* RFC 2181 8: treat as zero */
		return 0;
	return ttl > age ? ttl - age : 0;
}

/*
 * The TTL field of the RR that lib/dns's writer has just put at @p at
 * in @p b (@p len octets so far): after its owner (possibly compressed,
 * RFC 1035 4.1.4), TYPE and CLASS. Recorded while writing, so the
 * answer is not parsed again to find them. @return -EINVAL if the owner
 * does not read back (never for the writer's own output).
 */
static int
written_ttl_off(const uint8_t *b, size_t len, size_t at)
{
	size_t next;

	if (tw_dns_name_unpack(b, len, at, NULL, &next) < 0)
		return -EINVAL;
	return (int)(next + 4);
}

int
tw_answer_build(const struct tw_dns_msg *up, const struct tw_answer_req *rq,
		uint8_t *out, size_t cap, uint16_t *ttl_off,
		struct tw_answer_out *o)
{
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	uint8_t ede[2 + TW_DNSSEC_REASON_MAX];
	struct tw_dns_opt opt = { .code = TW_DNS_OPT_EDE };
	uint16_t qtype, qclass, rcode;
	size_t name_len;
	bool fail;
	int n, rc;

	memset(o, 0, sizeof(*o));
	if (rq->key == NULL || rq->key_len < TW_CACHE_KEY_MIN ||
	    rq->key_len > TW_CACHE_KEY_MAX)
		return -EINVAL;
	n = tw_dns_name_check(rq->key, rq->key_len - 4u);
	if (n < 0 || (size_t)n != rq->key_len - 4u)
		return -EINVAL;
	name_len = (size_t)n;
	qtype = tw_get16(rq->key + name_len);
	qclass = tw_get16(rq->key + name_len + 2);
	if (cap > TW_DNS_MSG_MAX)
		cap = TW_DNS_MSG_MAX;

	fail = up == NULL || tw_answer_fails(rq->status, rq->kflags);
	if (up == NULL)
		rcode = rq->rcode;
	else if (fail)
		rcode = TW_DNS_RCODE_SERVFAIL;
	else
		rcode = (uint16_t)(up->hdr.flags & TW_DNS_F_RCODE_MASK);
	o->rcode = rcode;
	o->made = fail;
	o->ad = !fail && tw_answer_ad(rq->status, rq->kflags);

	h.flags = (uint16_t)(TW_DNS_F_QR | TW_DNS_F_RA | (rcode & 0xf) |
			     ((rq->opcode & 0xf) << 11));
	if (rq->kflags & TW_CACHE_KF_RD)
		h.flags |= TW_DNS_F_RD;
	if (rq->kflags & TW_CACHE_KF_CD)
		h.flags |= TW_DNS_F_CD;
	if (o->ad)
		h.flags |= TW_DNS_F_AD;

	opt.len = 0;
	if ((rq->kflags & TW_CACHE_KF_EDNS) && rq->ede >= 0 &&
	    rq->ede <= UINT16_MAX) {
		char text[TW_DNSSEC_REASON_MAX];

		/* EXTRA-TEXT is for humans: cut to what we have room for. */
		snprintf(text, sizeof(text), "%s",
			 rq->ede_text != NULL ? rq->ede_text : "");
		n = tw_dns_ede_encode((uint16_t)rq->ede, text, ede,
				      sizeof(ede));
		if (n > 0) {
			opt.len = (uint16_t)n;
			opt.data = ede;
		}
	}

	tw_dns_writer_init(&w, out, cap);
	if (rq->kflags & TW_CACHE_KF_EDNS)
		tw_dns_writer_limit(&w, cap, 11 + (opt.len ? 4u + opt.len : 0));
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, rq->key, qtype, qclass);
	if (w.err != 0)
		return w.err;

	if (!fail) {
		struct tw_dns_rr_iter it;
		struct tw_dns_rr rr;

		tw_dns_rr_iter_init(&it, up);
		while ((rc = tw_dns_rr_next(&it, &rr)) > 0) {
			uint16_t covered = 0;
			size_t at = w.len;
			uint32_t ttl = aged(rr.ttl, rq->age);

			if (rr.type == TW_DNS_T_RRSIG && rr.rdlen >= 2)
				covered = tw_get16(up->pkt + rr.rdata_off);
			if (!tw_answer_keep_rr(rr.section, rr.type, covered,
					       qtype, rq->kflags, rq->status))
				continue;
			/* RFC 4035 3.2.3: AD covers the authority section;
			 * what was not validated does not go out with it. */
			if (rq->status == TW_DNSSEC_SECURE &&
			    rr.section == TW_DNS_SEC_NS &&
			    !auth_validated(rq, rr.rr_off))
				continue;
			/* RFC 4035 5.3.3: not beyond the signatures. */
			if (rq->cap_ttl && ttl > rq->ttl_cap)
				ttl = rq->ttl_cap;
			rc = tw_dns_write_rr_from(&w, rr.section, up, &rr, ttl);
			/* -ENOSPC: TC is set by finish; stop here. */
			if (rc == -ENOSPC)
				break;
			if (rc < 0)
				return rc;
			/* Every RR but the OPT RR has a TTL to age. */
			if (w.len > at && rr.type != TW_DNS_T_OPT) {
				if (ttl_off != NULL &&
				    o->n_ttl < TW_ANS_MAX_TTL) {
					int t = written_ttl_off(out, w.len, at);

					if (t < 0)
						return t;
					ttl_off[o->n_ttl] = (uint16_t)t;
				}
				o->n_ttl++;
			}
		}
		if (rc < 0 && rc != -ENOSPC)
			return rc;
		/*
		 * An RR that did not fit takes the RRs of its RRset written
		 * just before it back out (lib/dns's writer, RFC 2181 9):
		 * they were counted above, and their offsets are the last
		 * ones listed. Every RR left has a TTL (no OPT RR yet).
		 */
		o->n_ttl = (uint16_t)(w.count[TW_DNS_SEC_AN] +
				      w.count[TW_DNS_SEC_NS] +
				      w.count[TW_DNS_SEC_AR]);
	}
	if (rq->kflags & TW_CACHE_KF_EDNS) {
		uint16_t fl = rq->kflags & TW_CACHE_KF_DO ? TW_DNS_EDNS_DO : 0;
		size_t at = w.len;

		rc = tw_dns_write_opt(&w, rq->udp_size, (uint8_t)(rcode >> 4),
				      fl, opt.len ? &opt : NULL,
				      opt.len ? 1 : 0);
		if (rc < 0)
			return rc;
		o->opt_off = (uint16_t)at;
	}
	n = tw_dns_writer_finish(&w);
	if (n < 0)
		return n;
	o->len = (uint16_t)n;
	return n;
}

int
tw_answer_render(const uint8_t *msg, size_t len, uint8_t *dst, size_t cap,
		 uint16_t id, const uint8_t *qname, size_t qname_len)
{
	if (len > cap || len < TW_DNS_HDR_LEN + qname_len)
		return -ENOSPC;
	memcpy(dst, msg, len);
	tw_put16(dst, id);
	if (qname != NULL)
		memcpy(dst + TW_DNS_HDR_LEN, qname, qname_len);
	return (int)len;
}

int
tw_answer_tc(uint8_t *dst, size_t cap, const uint8_t *msg, size_t msg_len,
	     size_t q_end, uint16_t id, const uint8_t *qname, size_t qname_len,
	     uint8_t kflags, uint16_t udp_size)
{
	size_t len = q_end;

	if (q_end < TW_DNS_HDR_LEN + qname_len || q_end > msg_len)
		return -EINVAL;
	if (len + ((kflags & TW_CACHE_KF_EDNS) ? 11 : 0) > cap)
		return -ENOSPC;
	memcpy(dst, msg, q_end);
	tw_put16(dst, id);
	if (qname != NULL)
		memcpy(dst + TW_DNS_HDR_LEN, qname, qname_len);
	dst[2] |= TW_DNS_F_TC >> 8;
	tw_put16(dst + 4, 1);
	tw_put16(dst + 6, 0);
	tw_put16(dst + 8, 0);
	tw_put16(dst + 10, 0);
	if (kflags & TW_CACHE_KF_EDNS) {
		/* RFC 6891 7: the OPT RR is in every answer to an EDNS query. */
		dst[len] = 0;
		tw_put16(dst + len + 1, TW_DNS_T_OPT);
		tw_put16(dst + len + 3, udp_size);
		tw_put32(dst + len + 5,
			 kflags & TW_CACHE_KF_DO ? TW_DNS_EDNS_DO : 0);
		tw_put16(dst + len + 9, 0);
		tw_put16(dst + 10, 1);
		len += 11;
	}
	return (int)len;
}

static uint32_t
ttl_of(uint32_t ttl)
{
	return ttl & 0x80000000u ? 0 : ttl;
}

uint32_t
tw_answer_lifetime(const struct tw_dns_msg *up, uint16_t qtype, uint8_t *kind)
{
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	uint32_t life = UINT32_MAX, neg = UINT32_MAX;
	uint16_t rcode = up->hdr.flags & TW_DNS_F_RCODE_MASK;
	bool data = false, soa = false;

	*kind = TW_CACHE_POSITIVE;
	if (rcode != TW_DNS_RCODE_NOERROR && rcode != TW_DNS_RCODE_NXDOMAIN)
		return 0;
	tw_dns_rr_iter_init(&it, up);
	while (tw_dns_rr_next(&it, &rr) > 0) {
		if (rr.section == TW_DNS_SEC_AR)
			break;
		/* Data: an RR of the asked type (at the end of any chain). */
		if (rr.section == TW_DNS_SEC_AN &&
		    (rr.type == qtype || qtype == TW_DNS_T_ANY))
			data = true;
		if (rr.section == TW_DNS_SEC_NS && rr.type == TW_DNS_T_SOA) {
			struct tw_dns_soa s;

			if (tw_dns_rr_soa(up, &rr, &s) == 0) {
				/* RFC 2308 5: min(SOA TTL, SOA MINIMUM). */
				uint32_t v = TW_MIN(ttl_of(rr.ttl),
						    ttl_of(s.minimum));

				neg = TW_MIN(neg, v);
				soa = true;
			}
		}
		life = TW_MIN(life, ttl_of(rr.ttl));
	}
	if (rcode == TW_DNS_RCODE_NOERROR && data)
		return life == UINT32_MAX ? 0 : life;
	/* NXDOMAIN or NODATA (RFC 2308 1, 2.2). */
	*kind = TW_CACHE_NEGATIVE;
	if (!soa)
		return 0;
	return TW_MIN(life, neg);
}

/* ---- Upstream ----------------------------------------------------------- */

int
tw_upstream_query(uint8_t *out, size_t cap, uint16_t id, const uint8_t *key,
		  size_t key_len, uint16_t udp_size)
{
	/* The OPT RR (RFC 6891 6.1.2): root owner, TYPE 41, CLASS the
	 * payload size, TTL: extended RCODE 0, version 0, DO (RFC 3225),
	 * RDLEN 0. */
	enum { OPT_LEN = 11 };
	size_t nl, len;
	uint8_t *o;
	int n;

	if (key_len < TW_CACHE_KEY_MIN || key_len > TW_CACHE_KEY_MAX)
		return -EINVAL;
	nl = key_len - 4;
	n = tw_dns_name_check(key, nl);
	if (n < 0 || (size_t)n != nl)
		return -EINVAL;
	len = TW_DNS_HDR_LEN + key_len + OPT_LEN;
	if (len > cap)
		return -ENOSPC;
	/*
	 * Written directly, a few stores per upstream query (this is on the
	 * miss path of every answer): the same octets as lib/dns's writer
	 * gives for a header, one question (the key: the wire name, QTYPE,
	 * QCLASS; the first name is never compressed) and that OPT RR
	 * (tests/app/test_answer.c compares both).
	 */
	tw_put16(out, id);
	tw_put16(out + 2, TW_DNS_F_RD | TW_DNS_F_CD);
	tw_put16(out + 4, 1);  /* QDCOUNT */
	tw_put16(out + 6, 0);  /* ANCOUNT */
	tw_put16(out + 8, 0);  /* NSCOUNT */
	tw_put16(out + 10, 1); /* ARCOUNT: the OPT RR */
	memcpy(out + TW_DNS_HDR_LEN, key, key_len);
	o = out + TW_DNS_HDR_LEN + key_len;
	o[0] = 0;
	tw_put16(o + 1, TW_DNS_T_OPT);
	tw_put16(o + 3, udp_size);
	o[5] = 0;
	o[6] = 0;
	tw_put16(o + 7, TW_DNS_EDNS_DO);
	tw_put16(o + 9, 0);
	return (int)len;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

int
tw_upstream_match(const struct tw_upstream_expect *e, const struct tw_pkt *pkt,
		  const uint8_t *dns, size_t len)
{
	size_t i, alen = e->ip_ver == 4 ? 4 : 16;

	if (pkt->ip_ver != e->ip_ver || memcmp(pkt->src, e->addr, alen) != 0)
		return TW_MATCH_ADDR;
	if (pkt->sport != e->port || pkt->dport != e->our_port)
		return TW_MATCH_PORT;
	if (len < TW_DNS_HDR_LEN || !(dns[2] & (TW_DNS_F_QR >> 8)))
		return TW_MATCH_NOT_RESP;
	if (tw_get16(dns) != e->id)
		return TW_MATCH_ID;
	/* One question, uncompressed (it is the first name), equal. */
	if (tw_get16(dns + 4) != 1 || len - TW_DNS_HDR_LEN < e->key_len)
		return TW_MATCH_QUESTION;
	for (i = 0; i < e->key_len; i++) {
		uint8_t a = dns[TW_DNS_HDR_LEN + i], b = e->key[i];

		/* Labels and lengths compare equal as they are lowercase. */
		if (i < e->key_len - 4u ? lower(a) != b : a != b)
			return TW_MATCH_QUESTION;
	}
	return TW_MATCH_OK;
}

uint16_t
tw_upstream_sport(uint32_t rnd, unsigned n_validators, unsigned validator_idx)
{
	uint32_t nv = n_validators ? n_validators : 1;
	/* k * nv + idx in 1024..65535: k in lo..hi. */
	uint32_t lo = (1024 + nv - 1 - validator_idx % nv) / nv;
	uint32_t hi = (65535 - validator_idx % nv) / nv;

	return (uint16_t)((lo + rnd % (hi - lo + 1)) * nv + validator_idx % nv);
}
