/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the proxy's DNS rules (app/trustwire/answer.c) and the
 * cache's rendering of what they build (lib/cache blobs), on hostile
 * upstream answers.
 *
 * Input:
 *
 *   kflags | verdict | cap | age | upstream answer...
 *
 * kflags: the client's variant (TW_CACHE_KF_*, low 5 bits). verdict: low
 * 3 bits the lib/dnssec status (0 none, 1..4), bit 3 an EDE, bit 4 the
 * RFC 4035 5.3.3 TTL cap, bits 5-7 the RCODE of a made answer. cap: the
 * room tw_answer_build() gets (0: the most). age: seconds the answer
 * ages before it is built, and again before the client's copy is
 * rendered from the cache.
 *
 * The upstream answer goes through lib/dns's parser, as in the
 * validator. When it parses with one question, that question is the
 * key, and:
 *
 *  - tw_upstream_match() (RFC 5452 9.1) accepts it from the right
 *    address, ports and ID, and refuses it with another ID or port;
 *  - tw_answer_build() makes the client's answer, which must parse, have
 *    the key as its question and ID 0, set AD only where tw_answer_ad()
 *    allows (secure data for a client that asked for it, never CD=1),
 *    be SERVFAIL without RRs where tw_answer_fails(), carry an OPT RR
 *    exactly when the client sent one (its DO echoed), hold only RRs
 *    tw_answer_keep_rr() keeps, list every TTL field but the OPT RR's in
 *    its TTL offsets, and keep every TTL within the cap;
 *  - lib/cache takes that answer as a blob, and renders it into a
 *    client's own query (its ID, its QNAME's letter case) exactly as it
 *    renders it into a fresh buffer; a client buffer too small for it
 *    gets tw_answer_tc()'s TC=1 answer, which must parse;
 *  - tw_answer_lifetime() gives 0 for RCODEs other than NOERROR and
 *    NXDOMAIN.
 * A made answer (no upstream data, the RCODE from the input) is built
 * and checked too. And the same octets as a client's query: the worker's
 * tw_query_info_hit() must say what tw_query_info() says, and both what
 * lib/dns's full parse says (tw_query_info_msg()) where it reads the
 * message; the upstream query for the key (tw_upstream_query()) must
 * parse with the key as its question. Any violation aborts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "answer.h"
#include "tw_cache.h"
#include "tw_dns.h"
#include "tw_dnssec.h"
#include "tw_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define UDP_SIZE  1232
#define T0	  100000u /* the answer's creation time (cache seconds) */
#define LIFE	  300u	  /* the blob's lifetime */
#define CLIENT_ID 0xbeef

static uint8_t
lc(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The question of a parsed message as a cache key (lowercased name,
 * QTYPE, QCLASS); 0 when it has none. */
static size_t
key_of(const struct tw_dns_msg *m, uint8_t *key)
{
	uint8_t name[TW_DNS_NAME_MAX];
	int n;

	if (m->hdr.qdcount != 1)
		return 0;
	n = tw_dns_name_unpack(m->pkt, m->len, m->q.name_off, name, NULL);
	CHECK(n > 0 && (size_t)n == m->q.name_len);
	for (int i = 0; i < n; i++)
		key[i] = lc(name[i]);
	tw_put16(key + n, m->q.qtype);
	tw_put16(key + n + 2, m->q.qclass);
	return (size_t)n + 4;
}

/* RFC 5452 9.1 on the upstream answer, from 192.0.2.53:53 to our port. */
static void
match_case(const uint8_t *msg, size_t len, const uint8_t *key, size_t klen,
	   bool parsed_one_question)
{
	static const uint8_t up[16] = { 192, 0, 2, 53 };
	struct tw_upstream_expect e = { .ip_ver = 4,
					.port = 53,
					.our_port = 40000,
					.key = key,
					.key_len = (uint16_t)klen };
	struct tw_pkt pkt;
	int rc;

	memset(&pkt, 0, sizeof(pkt));
	memcpy(e.addr, up, sizeof(up));
	pkt.ip_ver = 4;
	pkt.src = up;
	pkt.dst = up;
	pkt.sport = 53;
	pkt.dport = 40000;
	e.id = len >= 2 ? tw_get16(msg) : 0;
	rc = tw_upstream_match(&e, &pkt, msg, len);
	if (rc == TW_MATCH_OK) {
		CHECK(len >= TW_DNS_HDR_LEN + klen);
		CHECK(msg[2] & (TW_DNS_F_QR >> 8));
		CHECK(tw_get16(msg + 4) == 1);
		for (size_t i = 0; i < klen; i++)
			CHECK(i < klen - 4
				      ? lc(msg[TW_DNS_HDR_LEN + i]) == key[i]
				      : msg[TW_DNS_HDR_LEN + i] == key[i]);
	}
	if (parsed_one_question && (msg[2] & (TW_DNS_F_QR >> 8)))
		CHECK(rc == TW_MATCH_OK);
	if (rc != TW_MATCH_OK)
		return;
	e.id = (uint16_t)(e.id + 1);
	CHECK(tw_upstream_match(&e, &pkt, msg, len) == TW_MATCH_ID);
	e.id = (uint16_t)(e.id - 1);
	pkt.dport = 40001;
	CHECK(tw_upstream_match(&e, &pkt, msg, len) == TW_MATCH_PORT);
}

/* The input as a client's query, read as the worker and the validator
 * read it. */
static void
query_case(const uint8_t *msg, size_t len)
{
	struct tw_query_info qi, full;
	struct tw_query_hit qh;
	struct tw_dns_qkey k;
	struct tw_dns_msg m;
	int qend, rc, prc;

	qend = tw_dns_qkey_parse(msg, len, 1, &k);
	if (qend < 0)
		return;
	rc = tw_query_info(msg, len, (size_t)qend, &qi);
	CHECK(tw_query_info_hit(msg, len, (size_t)qend, &qh) == rc);
	CHECK(qh.id == qi.id && qh.limit == qi.limit &&
	      qh.kflags == qi.kflags && qh.slow == qi.slow);
	prc = tw_dns_parse(&m, msg, len);
	/* Options overrunning the OPT RR: lib/dns refuses them as well. */
	if (rc == -TW_EOPT)
		CHECK(prc != 0);
	if (rc != 0 || prc != 0)
		return;
	CHECK(qi.limit >= TW_ANS_UDP_MIN);
	CHECK(m.hdr.qdcount == 1 && m.q.end_off == qend);
	if (qi.slow & TW_QS_EXTRA)
		return; /* the validator reads those with the full parse */
	tw_query_info_msg(&m, &full);
	CHECK(full.id == qi.id && full.flags == qi.flags &&
	      full.qend == qi.qend && full.limit == qi.limit &&
	      full.kflags == qi.kflags && full.slow == qi.slow &&
	      full.edns_version == qi.edns_version &&
	      full.edns_flags == qi.edns_flags);
}

/* The upstream query for @p key: the key's question, DO=1 CD=1. */
static void
upstream_query_case(const uint8_t *key, size_t klen)
{
	uint8_t q[TW_DNS_HDR_LEN + TW_CACHE_KEY_MAX + 11];
	struct tw_dns_msg m;
	int n;

	n = tw_upstream_query(q, sizeof(q), 0x1234, key, klen, UDP_SIZE);
	CHECK(n == (int)(TW_DNS_HDR_LEN + klen + 11));
	CHECK(tw_dns_parse(&m, q, (size_t)n) == 0);
	CHECK(m.hdr.qdcount == 1 && m.hdr.ancount == 0 && m.hdr.nscount == 0 &&
	      !(m.hdr.flags & TW_DNS_F_QR));
	CHECK((m.hdr.flags & (TW_DNS_F_RD | TW_DNS_F_CD)) ==
	      (TW_DNS_F_RD | TW_DNS_F_CD));
	CHECK(memcmp(q + TW_DNS_HDR_LEN, key, klen) == 0);
	CHECK(m.edns.present && (m.edns.flags & TW_DNS_EDNS_DO));
	CHECK(tw_upstream_query(q, (size_t)n - 1, 0x1234, key, klen,
				UDP_SIZE) == -ENOSPC);
}

/* The RRs of an answer we built, against the rules it was built by. */
static void
check_rrs(const struct tw_dns_msg *a, const uint8_t *out, uint16_t qtype,
	  const struct tw_answer_req *rq, const struct tw_answer_out *o,
	  const uint16_t *ttl_off)
{
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	unsigned n_ttl = 0, n_opt = 0;
	int rc;

	tw_dns_rr_iter_init(&it, a);
	while ((rc = tw_dns_rr_next(&it, &rr)) > 0) {
		uint16_t covered = 0;

		if (rr.type == TW_DNS_T_OPT) {
			CHECK(rr.section == TW_DNS_SEC_AR);
			CHECK(rr.rr_off == o->opt_off);
			n_opt++;
			continue;
		}
		if (rr.type == TW_DNS_T_RRSIG && rr.rdlen >= 2)
			covered = tw_get16(out + rr.rdata_off);
		CHECK(tw_answer_keep_rr(rr.section, rr.type, covered, qtype,
					rq->kflags, rq->status));
		/* TTL, then RDLENGTH, then the rdata (RFC 1035 4.1.3). */
		CHECK(n_ttl < o->n_ttl);
		CHECK(ttl_off[n_ttl] == rr.rdata_off - 6);
		CHECK(tw_get32(out + ttl_off[n_ttl]) == rr.ttl);
		if (rq->cap_ttl)
			CHECK(rr.ttl <= rq->ttl_cap);
		CHECK(!(rr.ttl & 0x80000000u));
		n_ttl++;
	}
	CHECK(rc == 0);
	CHECK(n_ttl == o->n_ttl);
	CHECK(n_opt == ((rq->kflags & TW_CACHE_KF_EDNS) ? 1u : 0u));
}

/* What every answer we build must be; returns its parse in *a. */
static void
check_built(const uint8_t *out, int n, size_t cap,
	    const struct tw_answer_req *rq, const struct tw_answer_out *o,
	    bool made, struct tw_dns_msg *a)
{
	bool ad;

	CHECK(n > 0 && (size_t)n <= cap && (size_t)n == o->len);
	CHECK(tw_dns_parse(a, out, (size_t)n) == 0);
	CHECK(a->hdr.id == 0);
	CHECK(a->hdr.flags & TW_DNS_F_QR);
	CHECK(a->hdr.qdcount == 1);
	CHECK(memcmp(out + TW_DNS_HDR_LEN, rq->key, rq->key_len) == 0);
	/* RFC 4035 3.2.3, RFC 6840 5.7/5.8: AD for secure data only. */
	ad = (a->hdr.flags & TW_DNS_F_AD) != 0;
	CHECK(ad == o->ad);
	if (ad)
		CHECK(!made && tw_answer_ad(rq->status, rq->kflags));
	CHECK(!!(a->hdr.flags & TW_DNS_F_CD) ==
	      !!(rq->kflags & TW_CACHE_KF_CD));
	if (made) {
		CHECK(a->hdr.ancount == 0 && a->hdr.nscount == 0);
		CHECK(a->hdr.arcount == (a->edns.present ? 1 : 0));
	}
	/* RFC 6891 7: an OPT RR exactly when the client sent one. */
	CHECK(a->edns.present == !!(rq->kflags & TW_CACHE_KF_EDNS));
	if (a->edns.present) {
		CHECK(o->opt_off == a->edns.rr_off);
		CHECK(a->edns.udp_size == rq->udp_size);
		CHECK(!!(a->edns.flags & TW_DNS_EDNS_DO) ==
		      !!(rq->kflags & TW_CACHE_KF_DO));
	} else {
		CHECK(o->opt_off == 0);
	}
}

/*
 * The client's query for the key: its ID, its own letter case, an OPT RR
 * when its variant has EDNS. Returns the query's length in @p q.
 */
static size_t
client_query(uint8_t *q, const uint8_t *key, size_t klen, uint8_t kflags,
	     const uint8_t *bits, size_t nbits)
{
	size_t len = TW_DNS_HDR_LEN + klen;

	memset(q, 0, TW_DNS_HDR_LEN);
	tw_put16(q, CLIENT_ID);
	tw_put16(q + 2, TW_DNS_F_RD);
	tw_put16(q + 4, 1);
	memcpy(q + TW_DNS_HDR_LEN, key, klen);
	/* RFC 4343: any case in the client's labels (0x20 mixing). */
	for (size_t i = 0; i < klen - 4; i++) {
		uint8_t *c = q + TW_DNS_HDR_LEN + i;

		if (*c >= 'a' && *c <= 'z' && nbits > 0 &&
		    (bits[i % nbits] >> (i & 7)) & 1)
			*c = (uint8_t)(*c - 32);
	}
	if (kflags & TW_CACHE_KF_EDNS) {
		uint8_t *o = q + len;

		tw_put16(q + 10, 1);
		o[0] = 0;
		tw_put16(o + 1, TW_DNS_T_OPT);
		tw_put16(o + 3, 4096);
		tw_put32(o + 5, kflags & TW_CACHE_KF_DO ? TW_DNS_EDNS_DO : 0);
		tw_put16(o + 9, 0);
		len += 11;
	}
	return len;
}

/* The built answer through the cache to one client, or TC=1. */
static void
cache_case(struct tw_cache *c, const uint8_t *out, int n,
	   const struct tw_answer_req *rq, const struct tw_answer_out *o,
	   const uint16_t *ttl_off, uint8_t age, const uint8_t *bits,
	   size_t nbits)
{
	static uint8_t q[TW_DNS_MSG_MAX], r[TW_DNS_MSG_MAX];
	struct tw_cache_answer ca = {
		.key = { .data = rq->key,
			 .len = rq->key_len,
			 .flags = tw_answer_variant(rq->kflags),
			 .hash = 1 },
		.msg = out,
		.msg_len = (uint16_t)n,
		.ttl_off = ttl_off,
		.n_ttl = o->n_ttl,
		.opt_off = o->opt_off,
		.ttl = LIFE,
		.kind = TW_CACHE_POSITIVE,
		.status = (uint8_t)rq->status,
		.ede = TW_CACHE_NO_EDE,
	};
	struct tw_cache_blob *b = NULL;
	size_t name_len = rq->key_len - 4u, qlen, cap;
	uint32_t now = T0 + age;
	struct tw_dns_msg m;
	int k, k2;

	if (o->n_ttl > TW_ANS_MAX_TTL)
		return; /* the validator does not cache those */
	/* What the validator publishes, the cache must take. */
	CHECK(tw_cache_blob_create(c, &ca, T0, &b) == 0);
	qlen = client_query(q, rq->key, rq->key_len, rq->kflags, bits, nbits);
	/* The client's buffer: its EDNS size or 512, or what the input
	 * asks for. */
	cap = (size_t)(bits[0] % 2 ? 512 : TW_DNS_MSG_MAX);
	if (cap < qlen)
		cap = qlen;
	k = tw_cache_blob_render(b, r, cap, CLIENT_ID, q + TW_DNS_HDR_LEN, now);
	k2 = tw_cache_blob_render_inplace(b, q, cap, CLIENT_ID, now);
	CHECK(k == k2);
	if (k > 0) {
		CHECK(memcmp(q, r, (size_t)k) == 0);
		CHECK(tw_dns_parse(&m, r, (size_t)k) == 0);
		CHECK(m.hdr.id == CLIENT_ID);
		for (unsigned i = 0; i < o->n_ttl; i++)
			CHECK(tw_get32(r + ttl_off[i]) <= LIFE);
		/* Only the ID and the TTLs differ from what was built. */
		CHECK((size_t)k == (size_t)n);
		CHECK(memcmp(r + 2, out + 2, TW_DNS_HDR_LEN - 2) == 0);
	} else {
		/* RFC 6891 7, RFC 2181 9: too big for the client: TC=1. */
		CHECK(k == -ENOSPC);
		qlen = client_query(q, rq->key, rq->key_len, rq->kflags, bits,
				    nbits);
		memcpy(r, q + TW_DNS_HDR_LEN, name_len);
		k = tw_answer_tc(q, cap, out, (size_t)n,
				 TW_DNS_HDR_LEN + rq->key_len, CLIENT_ID, r,
				 name_len, rq->kflags, UDP_SIZE);
		CHECK(k > 0 && (size_t)k <= cap);
		CHECK(tw_dns_parse(&m, q, (size_t)k) == 0);
		CHECK(m.hdr.flags & TW_DNS_F_TC);
		CHECK(m.hdr.ancount == 0 && m.hdr.nscount == 0);
		CHECK(m.hdr.id == CLIENT_ID);
		CHECK(memcmp(q + TW_DNS_HDR_LEN, r, name_len) == 0);
	}
	tw_cache_blob_put(b);
}

static struct tw_cache *
cache(void)
{
	static struct tw_cache *c;

	if (c == NULL) {
		struct tw_cache_config cfg = { .n_workers = 1, .entries = 64 };

		CHECK(tw_cache_create(&cfg, &c) == 0);
	}
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[TW_DNS_MSG_MAX];
	static uint16_t ttl_off[TW_ANS_MAX_TTL];
	uint8_t key[TW_CACHE_KEY_MAX];
	struct tw_dns_msg m, a;
	struct tw_answer_req rq;
	struct tw_answer_out o;
	uint16_t auth[TW_DNSSEC_AUTH_MAX];
	unsigned n_auth = 0;
	const uint8_t *msg;
	size_t len, klen, cap;
	uint8_t kflags, verdict, age, kind;
	int n, rc;

	if (size < 4 || size > 4 + TW_DNS_MSG_MAX)
		return 0;
	kflags = data[0] & TW_CACHE_KF_MASK;
	verdict = data[1];
	cap = data[2] == 0 ? TW_DNS_MSG_MAX : TW_DNS_HDR_LEN + 8u * data[2];
	age = data[3];
	msg = data + 4;
	len = size - 4;

	rc = tw_dns_parse(&m, msg, len);
	klen = rc == 0 ? key_of(&m, key) : 0;
	if (klen == 0) {
		/* No question of its own: one the validator might have
		 * asked (www.example.com A IN). */
		static const uint8_t k0[] = "\3www\7example\3com\0\0\1\0\1";

		klen = sizeof(k0) - 1;
		memcpy(key, k0, klen);
	}
	match_case(msg, len, key, klen, rc == 0 && m.hdr.qdcount == 1);
	query_case(msg, len);
	upstream_query_case(key, klen);

	memset(&rq, 0, sizeof(rq));
	rq.key = key;
	rq.key_len = (uint16_t)klen;
	rq.kflags = kflags;
	rq.status = verdict & 7;
	if (rq.status > TW_DNSSEC_INDETERMINATE)
		rq.status = 0;
	rq.ede = verdict & 8 ? TW_EDE_DNSSEC_BOGUS : TW_EDE_NONE;
	rq.ede_text = "fuzz";
	rq.udp_size = UDP_SIZE;
	rq.age = age;
	rq.cap_ttl = (verdict & 16) != 0;
	rq.ttl_cap = age * 7u;

	/* A made answer (NOTIMP, BADVERS, SERVFAIL...): no upstream data. */
	rq.rcode = (uint16_t)(verdict >> 5);
	n = tw_answer_build(NULL, &rq, out, cap, ttl_off, &o);
	if (n != -ENOSPC) {
		check_built(out, n, cap, &rq, &o, true, &a);
		CHECK(o.n_ttl == 0);
	}
	if (rc != 0 || m.hdr.qdcount != 1)
		return 0;

	/* tw_answer_lifetime(): nothing cached but data and denials. */
	{
		uint16_t rcode = m.hdr.flags & TW_DNS_F_RCODE_MASK;
		uint32_t life = tw_answer_lifetime(&m, m.q.qtype, &kind);

		CHECK(kind == TW_CACHE_POSITIVE || kind == TW_CACHE_NEGATIVE);
		if (rcode != TW_DNS_RCODE_NOERROR &&
		    rcode != TW_DNS_RCODE_NXDOMAIN)
			CHECK(life == 0);
	}

	/* The upstream answer: for secure data, lib/dnssec hands over the
	 * authority RRs it validated; here, every one of them. */
	if (rq.status == TW_DNSSEC_SECURE) {
		struct tw_dns_rr_iter it;
		struct tw_dns_rr rr;

		tw_dns_rr_iter_init(&it, &m);
		while (tw_dns_rr_next(&it, &rr) > 0 &&
		       n_auth < TW_DNSSEC_AUTH_MAX)
			if (rr.section == TW_DNS_SEC_NS)
				auth[n_auth++] = rr.rr_off;
		rq.auth_rr = auth;
		rq.n_auth_rr = n_auth;
	}
	n = tw_answer_build(&m, &rq, out, cap, ttl_off, &o);
	if (n == -ENOSPC)
		return 0;
	bool made = tw_answer_fails(rq.status, rq.kflags);

	check_built(out, n, cap, &rq, &o, made, &a);
	if (!made)
		CHECK((a.hdr.flags & TW_DNS_F_RCODE_MASK) ==
		      (m.hdr.flags & TW_DNS_F_RCODE_MASK));
	if (o.n_ttl <= TW_ANS_MAX_TTL)
		check_rrs(&a, out, m.q.qtype, &rq, &o, ttl_off);
	cache_case(cache(), out, n, &rq, &o, ttl_off, age, data, 4);
	return 0;
}
