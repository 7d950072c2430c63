/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The DNS rules of the proxy, pure C (lib/dns, lib/net; no DPDK) so they
 * are unit-tested without EAL (tests/app/test_answer.c):
 *
 *  - what a client's query asks for: EDNS (RFC 6891), DO (RFC 3225), CD,
 *    AD, RD, its UDP size, and whether the worker's cache may answer it
 *    (tw_query_info());
 *  - the answer a client gets from an upstream response and a validation
 *    verdict, per cache variant (tw_answer_build()): header flags per RFC
 *    4035 3.2 and RFC 6840 5.7-5.9, RRSIG/NSEC/NSEC3 stripped for DO=0
 *    clients (RFC 4035 3.2.1), SERVFAIL + Extended DNS Error for bogus
 *    data (RFC 4035 5.5, RFC 8914), our own OPT RR, TTLs aged;
 *  - how long an answer may be cached (tw_answer_lifetime(): record TTLs,
 *    RFC 2308 5 for negative answers);
 *  - the TC=1 answer for a client whose buffer is too small (RFC 6891 7,
 *    RFC 1035 4.2.1: 512 without EDNS);
 *  - upstream queries (DO=1, CD=1, RD=1, EDNS size) and the RFC 5452 9.1
 *    acceptance check of their answers; source ports that route answers
 *    back to the validator that asked (doc/dataplane.md).
 */
#ifndef TW_APP_ANSWER_H
#define TW_APP_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tw_cache.h"
#include "tw_dns.h"
#include "tw_dnssec.h"
#include "tw_net.h"

#ifdef __cplusplus
extern "C" {
#endif

/** UDP answer limit of a client without EDNS (RFC 1035 4.2.1). */
#define TW_ANS_UDP_MIN 512

/* Why the worker's cache does not answer a query (tw_query_info.slow). */
#define TW_QS_OPCODE  0x01 /**< opcode other than QUERY: NOTIMP */
#define TW_QS_BADVERS 0x02 /**< EDNS version other than 0: BADVERS */
#define TW_QS_EXTRA   0x04 /**< other RRs than one OPT: full parse */

/** What a client's query asks for. */
struct tw_query_info {
	uint16_t id;
	uint16_t flags;	     /**< header flags, host order */
	uint16_t qend;	     /**< offset just past the question */
	uint16_t limit;	     /**< largest UDP answer it takes (>= 512) */
	uint16_t edns_flags; /**< DO and Z bits of its OPT RR */
	uint8_t edns_version;
	uint8_t kflags; /**< TW_CACHE_KF_*: the cache variant it needs */
	uint8_t slow;	/**< TW_QS_*: 0 when the cache may answer it */
};

/**
 * Read a query's header and its OPT RR (the question was parsed by
 * tw_dns_qkey_parse(), which returned @p qend). Looks only at the one
 * additional RR a query normally carries; anything else sets
 * TW_QS_EXTRA and is left to a full parse. EDNS options are length
 * checked and otherwise ignored (RFC 6891 6.1.2: options not understood
 * are ignored; we implement none, COOKIE included, RFC 7873 5.2).
 *
 * @return 0; -TW_ETRUNC (the OPT RR runs past @p len); -TW_EOPT (bad
 *   OPT owner name or option lengths).
 */
int tw_query_info(const uint8_t *msg, size_t len, size_t qend,
		  struct tw_query_info *qi);

/** What the worker's hit path needs of tw_query_info(). */
struct tw_query_hit {
	uint16_t id;
	uint16_t limit; /**< as tw_query_info.limit */
	uint8_t kflags; /**< as tw_query_info.kflags */
	uint8_t slow;	/**< as tw_query_info.slow */
};

/**
 * tw_query_info() for the worker's hit path, right after
 * tw_dns_qkey_parse() (@p qend is its result), and only the facts the
 * hit path uses: one straight pass over the header counts and the OPT
 * RR for the common shape (no answer or authority RRs; no additional
 * RR, or one OPT RR, RFC 6891 6.1.1, with no option or exactly one,
 * e.g. a COOKIE, RFC 7873 4). Anything else goes to tw_query_info().
 * Same return and same values as tw_query_info()
 * (tests/app/test_answer.c compares both on random mutations).
 */
static inline int
tw_query_info_hit(const uint8_t *msg, size_t len, size_t qend,
		  struct tw_query_hit *qh)
{
	struct tw_query_info qi;
	uint16_t flags, ar, rdlen, lim;
	const uint8_t *o;
	uint8_t kf, slow;
	uint64_t cnt;
	int rc;

	if (unlikely(qend > len || qend < TW_DNS_HDR_LEN))
		goto full;
	/* QDCOUNT ANCOUNT NSCOUNT ARCOUNT in one load: 1, 0, 0, any. */
	memcpy(&cnt, msg + 4, sizeof(cnt));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	cnt = __builtin_bswap64(cnt);
#endif
	if (unlikely((cnt >> 16) != 0x100000000ull))
		goto full;
	ar = (uint16_t)cnt;
	flags = tw_get16(msg + 2);
	/* RD 0x0100 -> 0x04, CD 0x0010 -> 0x02, AD 0x0020 -> 0x08. */
	kf = (uint8_t)(((flags >> 6) & TW_CACHE_KF_RD) |
		       ((flags >> 3) & TW_CACHE_KF_CD) |
		       ((flags >> 2) & TW_CACHE_KF_AD));
	slow = (flags & TW_DNS_F_OPCODE_MASK) ? TW_QS_OPCODE : 0;
	qh->id = tw_get16(msg);
	if (ar == 0) {
		qh->limit = TW_ANS_UDP_MIN;
		qh->kflags = kf;
		qh->slow = slow;
		return 0;
	}
	o = msg + qend;
	if (unlikely(ar != 1 || len - qend < 11 || o[0] != 0 ||
		     tw_get16(o + 1) != TW_DNS_T_OPT))
		goto full;
	rdlen = tw_get16(o + 9);
	/* No option, or exactly one filling the rdata. */
	if (unlikely(rdlen > len - qend - 11 ||
		     (rdlen != 0 &&
		      (rdlen < 4 || tw_get16(o + 13) != rdlen - 4))))
		goto full;
	lim = tw_get16(o + 3);
	/* RFC 6891 6.2.5: below 512 counts as 512. */
	qh->limit = lim < TW_ANS_UDP_MIN ? TW_ANS_UDP_MIN : lim;
	qh->kflags = (uint8_t)(kf | TW_CACHE_KF_EDNS |
			       ((o[7] & 0x80) ? TW_CACHE_KF_DO : 0));
	qh->slow = (uint8_t)(slow | (o[6] != 0 ? TW_QS_BADVERS : 0));
	return 0;
full:
	rc = tw_query_info(msg, len, qend, &qi);
	qh->id = qi.id;
	qh->limit = qi.limit;
	qh->kflags = qi.kflags;
	qh->slow = qi.slow;
	return rc;
}

/**
 * The same facts from a fully parsed query (validator side, TCP, and
 * queries with TW_QS_EXTRA).
 */
void tw_query_info_msg(const struct tw_dns_msg *m, struct tw_query_info *qi);

/**
 * RFC 4035 3.2.3, RFC 6840 5.7 and 5.8: AD only for data the validator
 * found secure, only to a client that set DO or AD, never to a CD=1
 * client (it asked for unvalidated data and validates itself).
 */
static inline bool
tw_answer_ad(int status, uint8_t kflags)
{
	return status == TW_DNSSEC_SECURE && !(kflags & TW_CACHE_KF_CD) &&
	       (kflags & (TW_CACHE_KF_DO | TW_CACHE_KF_AD)) != 0;
}

/**
 * RFC 4035 5.5 / 3.2.2: bogus (and unverifiable) data is SERVFAIL for a
 * CD=0 client; a CD=1 client gets the data as it is, without AD.
 */
static inline bool
tw_answer_fails(int status, uint8_t kflags)
{
	return (status == TW_DNSSEC_BOGUS ||
		status == TW_DNSSEC_INDETERMINATE) &&
	       !(kflags & TW_CACHE_KF_CD);
}

/*
 * One cached answer for the clients that differ only in RD and AD.
 *
 * Of a client's flags only DO (RRSIGs kept, RFC 4035 3.2.1), CD (bogus
 * data instead of SERVFAIL, RFC 4035 3.2.2) and EDNS (an OPT RR, RFC
 * 6891 7) change the octets of an answer beyond its header: RD is
 * echoed (RFC 1035 4.1.1) and AD follows from the verdict and the
 * client's DO and AD (tw_answer_ad()). So the cache holds one answer per
 * variant (tw_answer_variant()), built as for RD=1 AD=1
 * (tw_answer_variant_flags()): its AD bit then says "secure, CD=0", and
 * tw_answer_client_bits() sets the two bits for each client. A name
 * asked with and without AD (dig sets it, most stubs do not) takes one
 * entry and one build instead of two.
 */

/** Key flags that change an answer's octets beyond the RD and AD bits. */
#define TW_ANS_KF_VARIANT (TW_CACHE_KF_DO | TW_CACHE_KF_CD | TW_CACHE_KF_EDNS)

/** The cache variant (lib/cache key flags) of a client's @p kflags. */
static inline uint8_t
tw_answer_variant(uint8_t kflags)
{
	return (uint8_t)(kflags & TW_ANS_KF_VARIANT);
}

/** The flags a variant's shared answer is built with (RD=1, AD=1). */
static inline uint8_t
tw_answer_variant_flags(uint8_t kflags)
{
	return (uint8_t)(tw_answer_variant(kflags) | TW_CACHE_KF_RD |
			 TW_CACHE_KF_AD);
}

/**
 * Turn the header of an answer built with tw_answer_variant_flags() (or
 * a TC=1 answer made from one) into the answer for one client's
 * @p kflags: RD as it sent it; AD kept only when it set DO or AD. The
 * result is the header tw_answer_build() gives for @p kflags itself
 * (tests/app/test_answer.c compares both for every status and flag set).
 */
static inline void
tw_answer_client_bits(uint8_t *dns, uint8_t kflags)
{
	dns[2] = (uint8_t)((dns[2] & ~(TW_DNS_F_RD >> 8)) |
			   ((kflags & TW_CACHE_KF_RD) ? TW_DNS_F_RD >> 8 : 0));
	if (!(kflags & (TW_CACHE_KF_DO | TW_CACHE_KF_AD)))
		dns[3] &= (uint8_t)~TW_DNS_F_AD;
}

/**
 * Whether an upstream RR goes into a client's answer.
 *
 *  - OPT (and TSIG) never: the answer gets our own OPT RR.
 *  - DO=0: no RRSIG, NSEC, NSEC3 unless the question asked for that type
 *    (RFC 4035 3.2.1, RFC 3225 3).
 *  - secure data (AD may be set): no authority NS RRset (and its RRSIGs)
 *    and no additional data: lib/dnssec does not validate them and AD
 *    vouches for the answer and authority sections (RFC 4035 3.2.3).
 *
 * @param covered  For an RRSIG, its type covered; else ignored.
 */
bool tw_answer_keep_rr(uint8_t section, uint16_t type, uint16_t covered,
		       uint16_t qtype, uint8_t kflags, int status);

/** What tw_answer_build() makes. */
struct tw_answer_req {
	const uint8_t *key; /**< lowercased QNAME | QTYPE | QCLASS */
	uint16_t key_len;
	uint8_t kflags;	      /**< the client variant (TW_CACHE_KF_*) */
	int status;	      /**< enum tw_dnssec_status; 0: no verdict */
	int ede;	      /**< TW_EDE_NONE or an RFC 8914 INFO-CODE */
	const char *ede_text; /**< EXTRA-TEXT or NULL */
	uint16_t udp_size;    /**< ours, in the OPT RR */
	uint32_t age;	      /**< seconds subtracted from every TTL */
	uint16_t rcode;	      /**< without @p up: the RCODE (12 bits) */
	uint8_t opcode;	      /**< echoed (RFC 1035 4.1.1); 0: QUERY */
	/**
	 * SECURE: the authority RRs lib/dnssec validated
	 * (tw_dnssec_result.auth_rr, offsets in @p up); no other authority
	 * RR goes into the answer (RFC 4035 3.2.3: AD vouches for it).
	 */
	const uint16_t *auth_rr;
	unsigned n_auth_rr;
	/** RFC 4035 5.3.3: with @p cap_ttl, no TTL above @p ttl_cap (the
	 * seconds left of the validation's tw_dnssec_result.ttl_cap). */
	bool cap_ttl;
	uint32_t ttl_cap;
};

/** Facts about a message tw_answer_build() wrote. */
struct tw_answer_out {
	uint16_t len;
	uint16_t opt_off; /**< offset of our OPT RR, 0 when none */
	uint16_t n_ttl;	  /**< TTL fields, offsets in ttl_off[] */
	uint16_t rcode;	  /**< RCODE of the answer (12 bits) */
	bool ad;
	bool made; /**< a SERVFAIL (or @p rcode) we made: no upstream data */
};

/** Room for the TTL offsets of any message (11 octets per RR at least). */
#define TW_ANS_MAX_TTL (TW_DNS_MSG_MAX / 11 + 1)

/**
 * Build the answer for one client variant, ID 0, the question from the
 * key (lowercased; the caller writes the client's ID and QNAME octets,
 * which have the same length).
 *
 * With @p up (the upstream response, DO=1 CD=1): when tw_answer_fails()
 * SERVFAIL with no RRs; else the upstream's RCODE and the RRs that
 * tw_answer_keep_rr() keeps (for SECURE data, of the authority section
 * only the RRs in @p rq->auth_rr), TTLs minus @p rq->age (never below 0;
 * a TTL with the top bit set counts as 0, RFC 2181 8), at most
 * @p rq->ttl_cap with @p rq->cap_ttl. Without @p up: an
 * answer with RCODE @p rq->rcode and no RRs. Flags: QR, RA, RD and CD as
 * the client sent them, AD per tw_answer_ad(), AA and TC clear. The OPT
 * RR only when the client sent one (RFC 6891 7): our @p udp_size, DO as
 * the client's (RFC 3225 3), the EDE option when @p ede is a code, and
 * for RCODEs above 15 the extended RCODE.
 *
 * @param ttl_off  Receives the offsets of every RR TTL field (not the
 *                 OPT RR's): room for TW_ANS_MAX_TTL; NULL to skip.
 * @return the length; -ENOSPC (@p cap below the header, question and
 *   OPT RR); -EINVAL (bad key); a lib/dns error for a malformed @p up.
 *   An RR that does not fit @p cap sets TC (RFC 2181 9).
 */
int tw_answer_build(const struct tw_dns_msg *up, const struct tw_answer_req *rq,
		    uint8_t *out, size_t cap, uint16_t *ttl_off,
		    struct tw_answer_out *o);

/**
 * Copy a built answer for one client: its ID and, when @p qname is not
 * NULL, its QNAME octets (same length as the answer's: RFC 4343 case).
 * @p qname must not overlap @p dst.
 *
 * @return the length; -ENOSPC when @p len > @p cap.
 */
int tw_answer_render(const uint8_t *msg, size_t len, uint8_t *dst, size_t cap,
		     uint16_t id, const uint8_t *qname, size_t qname_len);

/**
 * The TC=1 answer to a UDP client whose buffer (@p cap: min(its EDNS
 * size or 512, room)) is too small for @p msg (RFC 6891 7, RFC 2181 9):
 * @p msg's header and question with the client's ID and QNAME, TC set,
 * no RRs, and an OPT RR (our @p udp_size, the client's DO) when the
 * client sent one.
 *
 * @param q_end  Offset just past the question in @p msg.
 * @return the length; -ENOSPC; -EINVAL (@p msg shorter than @p q_end).
 */
int tw_answer_tc(uint8_t *dst, size_t cap, const uint8_t *msg, size_t msg_len,
		 size_t q_end, uint16_t id, const uint8_t *qname,
		 size_t qname_len, uint8_t kflags, uint16_t udp_size);

/**
 * How long an answer may be cached and what it is.
 *
 *  - NOERROR with data: the smallest TTL of the answer and authority RRs.
 *  - NXDOMAIN, or NOERROR without an RR of the asked type (NODATA, also
 *    at the end of a CNAME chain): negative (RFC 2308 5): min(SOA TTL,
 *    SOA MINIMUM) of the authority SOA, and no more than the chain's TTLs;
 *    without an SOA: 0, not cached (RFC 2308 5).
 *  - Other RCODEs: 0.
 * TTLs with the top bit set count as 0 (RFC 2181 8). The caller caps the
 * result with the validator's ttl_cap (RRSIG original TTL, expiry).
 *
 * @param kind  Receives TW_CACHE_POSITIVE or TW_CACHE_NEGATIVE.
 * @return the lifetime in seconds; 0: do not cache.
 */
uint32_t tw_answer_lifetime(const struct tw_dns_msg *up, uint16_t qtype,
			    uint8_t *kind);

/**
 * Build an upstream query: ID @p id, RD=1 (the upstream recurses), CD=1
 * (we validate ourselves, RFC 6840 5.9), the key's question, an OPT RR
 * with DO=1 and payload size @p udp_size (RFC 6891, RFC 3225).
 *
 * @return the length; -ENOSPC; -EINVAL bad key.
 */
int tw_upstream_query(uint8_t *out, size_t cap, uint16_t id, const uint8_t *key,
		      size_t key_len, uint16_t udp_size);

/** What an upstream answer must match (RFC 5452 9.1). */
struct tw_upstream_expect {
	uint8_t ip_ver;	   /**< 4 or 6 */
	uint8_t addr[16];  /**< the upstream's address */
	uint16_t port;	   /**< the upstream's port */
	uint16_t our_port; /**< the source port we sent from */
	uint16_t id;
	const uint8_t *key; /**< the question asked (lowercased key) */
	uint16_t key_len;
};

/** Results of tw_upstream_match(). */
enum tw_match {
	TW_MATCH_OK = 0,
	TW_MATCH_ADDR,	   /**< another source address */
	TW_MATCH_PORT,	   /**< another source or destination port */
	TW_MATCH_ID,	   /**< another ID */
	TW_MATCH_QUESTION, /**< another question (or none) */
	TW_MATCH_NOT_RESP, /**< QR clear, or shorter than a header */
};

/**
 * RFC 5452 9.1: accept an answer only when it comes from the address and
 * port the query went to, to the port it came from, with its ID and its
 * question (name compared case-insensitively, type, class).
 *
 * @param pkt  lib/net's summary of the frame (UDP).
 * @param dns, len  Its payload.
 * @return enum tw_match.
 */
int tw_upstream_match(const struct tw_upstream_expect *e,
		      const struct tw_pkt *pkt, const uint8_t *dns, size_t len);

/**
 * A source port for an upstream query from random bits: in 1024..65535
 * and p % n_validators == validator_idx, the rule by which workers route
 * answers back to the validator that asked (doc/dataplane.md).
 */
uint16_t tw_upstream_sport(uint32_t rnd, unsigned n_validators,
			   unsigned validator_idx);

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_ANSWER_H */
