/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small signer for tests: OpenSSL keys made at test time, DNSKEY / DS /
 * RRSIG / NSEC / NSEC3 rdata, messages built with lib/dns's writer, and an
 * in-memory "world" of answers for the fake resolver.
 *
 * The signed data (RFC 4034 3.1.8.1, 6.2, 6.3) is built here
 * independently of tw_dns_sigdata(), so the tests cross-check it.
 */
#ifndef TW_DNSSEC_TESTSIGN_H
#define TW_DNSSEC_TESTSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "harness.h"
#include "tw_dnssec.h"

#define TS_RDATA_MAX 1200

/** A DNSSEC key: private key (may be NULL) and its DNSKEY rdata. */
struct ts_key {
	EVP_PKEY *pk;
	uint8_t alg;
	uint16_t flags;
	uint8_t rdata[TS_RDATA_MAX];
	uint16_t rdlen;
	uint16_t tag;
};

/* Make a key for alg (8/10: RSA of bits, 5/7 RSA too, 13, 14, 15, 16). */
void ts_key_gen(struct ts_key *k, uint8_t alg, uint16_t flags, int bits);
/* Key from raw EdDSA private key bytes (RFC 8080 examples). */
void ts_key_raw_ed(struct ts_key *k, uint8_t alg, uint16_t flags,
		   const uint8_t *priv, size_t len);
/* Rewrite the rdata header (flags, protocol) and recompute the tag. */
void ts_key_set(struct ts_key *k, uint16_t flags, uint8_t proto);
/*
 * A DNSKEY with k's RSA modulus and a public exponent chosen so that its
 * key tag equals tag (no private key: for colliding-tag attacks). The
 * n-th solution is returned (n = 0, 1, ...).
 */
void ts_key_rsa_collide(struct ts_key *out, const struct ts_key *k,
			uint16_t tag, unsigned int n);
void ts_key_free(struct ts_key *k);
/* Key tag of DNSKEY rdata (RFC 4034 appendix B), computed here. */
uint16_t ts_key_tag(const uint8_t *rdata, size_t len);

/** An RR (uncompressed, canonical rdata). */
struct ts_rr {
	uint8_t owner[TW_DNS_NAME_MAX];
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[TS_RDATA_MAX];
};

#define TS_MAX_RR 200

/** A response under construction. */
struct ts_msg {
	uint8_t qname[TW_DNS_NAME_MAX];
	uint16_t qtype;
	uint8_t rcode;
	uint16_t n[3]; /* answer, authority, additional */
	struct ts_rr rr[3][TS_MAX_RR];
	uint8_t wire[65535];
	size_t len;
};

void ts_msg_init(struct ts_msg *m, const char *qname, uint16_t qtype,
		 uint8_t rcode);
/* Add an RR (section 0 answer, 1 authority). */
struct ts_rr *ts_add(struct ts_msg *m, int sec, const char *owner,
		     uint16_t type, uint32_t ttl, const void *rdata,
		     size_t rdlen);
struct ts_rr *ts_add_a(struct ts_msg *m, int sec, const char *owner,
		       const char *addr);
/* NS, CNAME, DNAME, PTR */
struct ts_rr *ts_add_name(struct ts_msg *m, int sec, const char *owner,
			  uint16_t type, const char *target);
struct ts_rr *ts_add_soa(struct ts_msg *m, int sec, const char *zone);
struct ts_rr *ts_add_dnskey(struct ts_msg *m, int sec, const char *owner,
			    const struct ts_key *k);
struct ts_rr *ts_add_ds(struct ts_msg *m, int sec, const char *owner,
			const struct ts_key *k, uint8_t digest_type);
/* types: 0-terminated list */
struct ts_rr *ts_add_nsec(struct ts_msg *m, int sec, const char *owner,
			  const char *next, const uint16_t *types);
/* NSEC3 for name in zone with params; next given as the hash of
 * next_name (or raw hash when next_name NULL and next_raw set). */
struct ts_rr *ts_add_nsec3(struct ts_msg *m, int sec, const char *zone,
			   const uint8_t owner_hash[20],
			   const uint8_t next_hash[20], uint8_t flags,
			   uint16_t iterations, const uint8_t *salt,
			   uint8_t salt_len, const uint16_t *types);
/* NSEC3 hash of a presentation name (RFC 5155 5), computed here. */
void ts_nsec3_hash(const char *name, uint16_t iterations, const uint8_t *salt,
		   uint8_t salt_len, uint8_t out[20]);

/** Options for an RRSIG (0 = computed). */
struct ts_sigopt {
	int labels;	   /* -1: computed */
	uint32_t orig_ttl; /* 0: the RRset's TTL */
	int key_tag;	   /* -1: the key's */
	uint8_t alg;	   /* 0: the key's */
	bool garbage;	   /* a random signature instead of a real one */
};

/*
 * Sign the RRset (sec, owner, type) of m with k as signer, valid
 * inception..expiration; appends the RRSIG to the same section and
 * returns it. opt may be NULL.
 */
struct ts_rr *ts_sign(struct ts_msg *m, int sec, const char *owner,
		      uint16_t type, const struct ts_key *k, const char *signer,
		      uint32_t inception, uint32_t expiration,
		      const struct ts_sigopt *opt);
/* The same with a wire owner (e.g. the owner of an added RR). */
struct ts_rr *ts_sign_wire(struct ts_msg *m, int sec, const uint8_t *owner,
			   uint16_t type, const struct ts_key *k,
			   const char *signer, uint32_t inception,
			   uint32_t expiration, const struct ts_sigopt *opt);
/* Wire form (tw_dns_writer); sets m->len and returns m->wire. */
const uint8_t *ts_msg_wire(struct ts_msg *m);

/** Answers for the fake resolver. */
struct ts_world {
	unsigned int n;
	struct {
		uint8_t name[TW_DNS_NAME_MAX];
		uint16_t qtype;
		uint8_t *wire;
		size_t len;
	} e[64];
	unsigned int asked; /* requests seen */
};

void ts_world_add(struct ts_world *w, struct ts_msg *m);
void ts_world_free(struct ts_world *w);
/* hx_resolve_fn over a world (arg = the world). */
int ts_world_resolve(void *arg, const uint8_t *name, uint16_t qtype,
		     struct hx_answer *out);

/* RRSIG times used by the tests: valid around HX_NOW. */
#define TS_INC (HX_NOW - 86400u * 30u)
#define TS_EXP (HX_NOW + 86400u * 30u)

#endif

/** A signed test zone: KSK (257) and ZSK (256). */
struct ts_zone {
	char name[TW_DNS_NAME_MAX * 4];
	struct ts_key ksk, zsk;
};

void ts_zone_init(struct ts_zone *z, const char *name, uint8_t alg);
void ts_zone_free(struct ts_zone *z);
/* Add "name DNSKEY" (ksk, zsk and extra keys) signed by the KSK to w. */
void ts_zone_publish(struct ts_zone *z, struct ts_world *w,
		     const struct ts_key *extra, unsigned int n_extra);
/* A DS (SHA-256) trust anchor for the zone's KSK. */
void ts_zone_anchor(struct ts_zone *z, struct tw_dnssec_ctx *ctx);
/* Add "child DS" (SHA-256 of child's KSK) signed by z's ZSK to w. */
void ts_zone_delegate(struct ts_zone *z, struct ts_zone *child,
		      struct ts_world *w);
/* A message on the heap (ts_msg is large). */
struct ts_msg *ts_msg_new(const char *qname, uint16_t qtype, uint8_t rcode);
/* A context with the defaults, or cfg. */
struct tw_dnssec_ctx *ts_ctx(const struct tw_dnssec_config *cfg);
/* Validate m (its question) through world w at now. */
int ts_validate(struct tw_dnssec_ctx *ctx, struct ts_msg *m, struct ts_world *w,
		uint32_t now, struct tw_dnssec_result *res, unsigned int *jobs);
