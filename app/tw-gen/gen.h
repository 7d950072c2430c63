/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen: the query mix (pre-built query frames) and the answer
 * checker of the benchmark harness. Pure C (lib/net, lib/dns), no DPDK:
 * everything here runs before the timed phase (gen_build()) or outside
 * the timed part of a turn (gen_check()).
 *
 * A query frame: Ethernet, IPv4 or IPv6, UDP, DNS (RD=1, AD and CD on
 * some, EDNS(0) with DO on some and an RFC 7873 client cookie on some,
 * 0x20 mixed-case QNAME on some). Its DNS ID is 0 and its UDP checksum
 * is valid for ID 0: gen_set_id() patches both (RFC 1624).
 */
#ifndef TW_GEN_GEN_H
#define TW_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_FRAME_MAX 208

/* Query properties (gen_q.flags). */
#define GQ_DO	  0x01 /* EDNS DO=1 (RFC 3225) */
#define GQ_CD	  0x02 /* CD=1 (RFC 4035 3.2.2): no AD in the answer */
#define GQ_AD	  0x04 /* AD=1 (RFC 6840 5.7): AD wanted without DO */
#define GQ_EDNS	  0x08 /* an OPT RR (RFC 6891) */
#define GQ_COOKIE 0x10 /* an EDNS client cookie (RFC 7873 4.1) */
#define GQ_V6	  0x20 /* over IPv6 */
#define GQ_CASE	  0x40 /* QNAME letters in mixed case (0x20) */

/* What the answer must be. */
enum gen_kind {
	GEN_POS = 0,	/* NOERROR with the RRset asked for */
	GEN_NODATA = 1, /* NOERROR, empty answer section */
	GEN_NXDOMAIN = 2,
};

/* One pre-built query. */
struct gen_q {
	uint8_t frame[GEN_FRAME_MAX];
	uint16_t len;	  /* frame length */
	uint16_t dns_off; /* DNS message offset */
	uint16_t ck_off;  /* UDP checksum field offset */
	uint16_t q_len;	  /* question: QNAME + QTYPE + QCLASS */
	uint16_t qtype;
	uint16_t sport;
	uint8_t flags; /* GQ_* */
	uint8_t kind;  /* enum gen_kind */
	uint32_t name; /* name index; UINT32_MAX for a flood name */
};

/* Addresses of both ends (trustwire's client port, the clients). */
struct gen_net {
	uint8_t tw_mac[6];
	uint8_t cl_mac[6];
	uint8_t tw4[4];
	uint8_t tw6[16];
	uint8_t cl4[4];	 /* first client address; clients: +0..+199 */
	uint8_t cl6[16]; /* likewise */
};

/* The mix (percentages 0..100). */
struct gen_mix {
	unsigned n_names;   /* popularity: Zipf over names 0..n_names-1 */
	double zipf;	    /* exponent s; 0: uniform */
	bool unique;	    /* miss mode: name i for query i, each once */
	unsigned pct_other; /* QTYPE TXT (NODATA) instead of A/AAAA */
	unsigned pct_do, pct_cookie, pct_flood, pct_v6, pct_case;
	unsigned pct_cd, pct_ad, pct_noedns;
	uint64_t seed;
};

/* Owner name of name @p i in presentation form ("n42.bench."). */
typedef int (*gen_name_fn)(unsigned i, char *buf, size_t cap, void *arg);

/* xoshiro256** (Blackman, Vigna): fast, good enough for a traffic mix. */
struct gen_rng {
	uint64_t s[4];
};
void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, n). */
uint32_t gen_rng_below(struct gen_rng *r, uint32_t n);

/*
 * Build @p n queries of the mix into @p out (random order; Zipf drawn
 * from a CDF table). Flood names are "<12 random letters/digits>.<origin>".
 * @return 0; -ENOMEM; -EINVAL (a name does not fit, bad mix).
 */
int gen_build(const struct gen_mix *mx, const struct gen_net *net,
	      const char *origin, gen_name_fn name_fn, void *name_arg,
	      struct gen_q *out, size_t n);

/* Write DNS ID @p id into a copy of q->frame at @p frame (UDP checksum
 * updated). */
void gen_set_id(const struct gen_q *q, uint8_t *frame, uint16_t id);

/* The DNS ID of an answer frame, or -1 when it is not an IPv4/IPv6 UDP
 * frame with a DNS header. */
int gen_answer_id(const uint8_t *frame, size_t len);

/* Key of the cache variant a query asks for: name, qtype and the
 * flags that change the answer (DO, CD, AD, EDNS), for the warm phase. */
uint64_t gen_variant_key(const struct gen_q *q);

enum gen_result {
	GEN_R_OK = 0,
	GEN_R_TC = 1, /* a correct TC=1 answer (the client's size) */
	GEN_R_WRONG = -1,
};

/*
 * Check the answer @p frame to query @p q sent with ID @p id.
 * bounce: the frame must be the query itself with MACs, addresses and
 * ports swapped. Otherwise: valid frame and checksums, addresses and
 * ports swapped, QR=1, opcode 0, RD and CD echoed, RCODE as expected,
 * the question octet for octet as sent, AD set iff (DO or AD) and CD=0
 * (all the data is secure; RFC 6840 5.7, 5.8; RFC 4035 3.2.2), the RRset
 * asked for (GEN_POS) or an empty answer section, RRSIGs iff DO=1 (RFC
 * 4035 3.2.1), an OPT RR iff the query had one, DO echoed (RFC 3225 3).
 * @return enum gen_result; on GEN_R_WRONG *why says what.
 */
int gen_check(const struct gen_q *q, uint16_t id, const uint8_t *frame,
	      size_t len, bool bounce, const char **why);

#endif /* TW_GEN_GEN_H */
