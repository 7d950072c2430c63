/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * lib/dnssec: the DNSSEC validator (RFC 4033, 4034, 4035, 5155, 6840).
 *
 * A pure library: it never does I/O. A validation is a resumable object,
 * one per response:
 *
 * @code
 *   struct tw_val *v;
 *   int rc = tw_val_start(ctx, resp, len, qname, qtype, now, &v);
 *   while (rc == TW_VAL_NEED) {
 *           const struct tw_val_request *rq = tw_val_need(v);
 *           // fetch rq->name / rq->qtype (DO=1, CD=1) ... then:
 *           rc = tw_val_provide(v, answer, answer_len);
 *   }
 *   if (rc >= 0) use tw_val_result(v);  // status, EDE, reason, TTL cap
 *   tw_val_free(v);
 * @endcode
 *
 * The validator asks for the DNSKEY RRset of a zone or the DS RRset of a
 * name (zone-cut discovery, RFC 4035 5.2); the caller fetches it through
 * its upstream resolver with CD=1 and resumes the validation with the raw
 * response. Tests feed recorded answers the same way.
 *
 * Context (struct tw_dnssec_ctx): one per validator lcore, not
 * thread-safe. It holds lib/crypto's batch context (signature, DS-digest
 * and NSEC3-hash bursts, verdict and key caches), a cache of validated
 * DNSKEY RRsets, insecure cuts and bogus zones (with their TTLs), trust
 * anchors, negative trust anchors and the configuration. All memory comes
 * from tw_malloc(); time is always an argument (@c now, seconds since the
 * epoch, compared in RFC 1982 serial arithmetic with the RRSIG fields).
 *
 * Outcomes are never error codes (house style 3): functions return 0, a
 * TW_VAL_* state or a negative errno; the verdict is a struct
 * tw_dnssec_result with an enum tw_dnssec_status, an EDE code (RFC 8914)
 * and a reason for logs.
 *
 *  - SECURE: every RRset of the answer chain (and the denial proofs)
 *    validated from a trust anchor.
 *  - INSECURE: provably unsigned: below a delegation that the parent
 *    proves has no DS (RFC 4035 5.2), or whose DS/DNSKEY algorithms or
 *    digests are all unsupported (RFC 6840 5.2; EDE 1 or 2), an NSEC3
 *    opt-out span (RFC 5155 9.2), an NSEC3 iteration count over the
 *    limit (RFC 9276 3.2; EDE 27), a negative trust anchor (RFC 7646),
 *    or no trust anchor above the name at all (RFC 4033 5 calls that
 *    "indeterminate"; like Unbound, BIND and Knot Resolver we pass such
 *    answers on unvalidated, as insecure).
 *  - BOGUS: it should validate and does not (EDE 6-12, 25, 27).
 *  - INDETERMINATE: could not check: out of memory, a fetch the caller
 *    could not complete (EDE 22), an upstream error. Never cached as
 *    bogus, never reported as secure.
 *
 * CPU-exhaustion limits (KeyTrap CVE-2023-50387, NSEC3 CVE-2023-50868):
 * struct tw_dnssec_limits; exceeding one makes the answer BOGUS with
 * EDE 6 and a reason naming the limit, after bounded work.
 *
 * Wire diagrams of the records used here:
 * @verbatim
   DS (RFC 4034 5.1)           RRSIG (RFC 4034 3.1)
   +--------+-----+-----+      +-------------+-----+------+
   | keytag | alg | dig |      | type covered| alg |labels|
   |   16   |  8  |type | ...  +-------------+-----+------+
   +--------+-----+-----+      |        original TTL      |
   |   digest (20/32/48)  |    |   expiration | inception |
   +----------------------+    | key tag | signer (uncompr)|
                               |        signature ...     |
   DNSKEY (RFC 4034 2.1)       +--------------------------+
   +---------------+-----+-----+
   | flags (Z=0x100| prot| alg |  NSEC3 (RFC 5155 3.2)
   |  SEP=0x001)   |  3  |     |  hash alg | flags | iterations |
   +---------------+-----+-----+  salt len | salt | hash len |
   |   public key ...          |  next hashed owner | type bitmaps
   +---------------------------+
 @endverbatim
 */
#ifndef TW_DNSSEC_H
#define TW_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_common.h"
#include "tw_crypto.h"
#include "tw_dns.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Debian's root trust anchor file (package dns-root-data). */
#define TW_DNSSEC_ROOT_KEY_FILE "/usr/share/dns/root.key"

/** Longest reason string, including the NUL. */
#define TW_DNSSEC_REASON_MAX 160

/** Outcome of a validation (RFC 4033 5, RFC 4035 4.3). */
enum tw_dnssec_status {
	TW_DNSSEC_SECURE = 1,
	TW_DNSSEC_INSECURE = 2,
	TW_DNSSEC_BOGUS = 3,
	TW_DNSSEC_INDETERMINATE = 4, /**< could not check */
};

/** The verdict on one response. */
/** Validated authority RRs a result lists (tw_dnssec_result.auth_rr). */
#define TW_DNSSEC_AUTH_MAX 32

struct tw_dnssec_result {
	enum tw_dnssec_status status;
	/**
	 * enum tw_dns_ede, or TW_EDE_NONE. Used: 1, 2 (insecure: only
	 * unsupported algorithms / digests), 5 (could not check), 6 (bogus;
	 * also a limit hit), 7, 8, 9, 10, 11, 12, 22 (a fetch failed), 25,
	 * 27 (NSEC3 iterations; insecure or bogus).
	 */
	int ede;
	/**
	 * Upper bound for caching the answer: the smallest, over the
	 * validated RRsets, of the RRSIG original TTL and the seconds left
	 * before the signature expires (RFC 4035 5.3.3); the configured
	 * bogus TTL for BOGUS (RFC 4035 4.7); UINT32_MAX when no signature
	 * constrains it (insecure). Record TTLs and RFC 2308 negative TTLs
	 * are the cache's own business on top of this.
	 */
	uint32_t ttl_cap;
	char reason[TW_DNSSEC_REASON_MAX]; /**< for logs; "" when secure */
	/**
	 * SECURE only: the authority-section RRs that were validated, by
	 * their offset in the response (tw_dns_rr.rr_off): the data RRs and
	 * the covering RRSIGs of every authority RRset lib/dnssec checked
	 * (the SOA and NSEC/NSEC3 of a denial, the NSEC/NSEC3 of a wildcard
	 * proof), none expanded from a wildcard. AD vouches for the answer
	 * and authority sections (RFC 4035 3.2.3): an answer marked AD
	 * carries no other authority RR. At most TW_DNSSEC_AUTH_MAX; the
	 * rest are left out (the answer stays secure, a DO=1 client may
	 * miss part of a proof).
	 */
	uint16_t auth_rr[TW_DNSSEC_AUTH_MAX];
	uint8_t n_auth_rr;
};

/** Algorithm and digest policy values (one byte per number). */
enum tw_dnssec_policy {
	TW_DNSSEC_UNSUPPORTED = 0, /**< treated as unknown: insecure */
	TW_DNSSEC_VALIDATE = 1,
};

/**
 * Work limits per validation (one response and the chain it needs).
 * Reasons for the defaults: doc/dnssec.md.
 */
struct tw_dnssec_limits {
	/** Public-key operations on one RRset (Unbound: 8). Default 8. */
	uint16_t sigs_per_rrset;
	/**
	 * Public-key operations per validation, chain of trust included
	 * (Knot Resolver 32, PowerDNS 30 per query). Default 32.
	 */
	uint16_t sigs_per_validation;
	/** DNSKEYs tried for one RRSIG or DS key tag. Default 4. */
	uint16_t keys_per_tag;
	/**
	 * NSEC3 names hashed per validation, each costing iterations + 1
	 * SHA-1 blocks (CVE-2023-50868). Default 128.
	 */
	uint16_t nsec3_hashes;
	/** DS/DNSKEY fetches per validation (zone-cut steps). Default 32. */
	uint16_t chain_depth;
	/** CNAME/DNAME links followed in one answer. Default 12. */
	uint16_t cname_chain;
};

/** Validator settings; tw_dnssec_config_init() sets the defaults. */
struct tw_dnssec_config {
	/**
	 * Policy per DNSKEY/RRSIG/DS algorithm number (RFC 8624 3.1):
	 * 5, 7, 8, 10, 13, 14, 15, 16 TW_DNSSEC_VALIDATE; 1, 3, 6, 12 and
	 * everything else TW_DNSSEC_UNSUPPORTED (→ insecure).
	 */
	uint8_t alg[256];
	/** Policy per DS digest type (RFC 8624 3.3): 1, 2, 4; never 0. */
	uint8_t digest[256];
	/** Clock skew allowed on inception and expiration, s. Default 60. */
	uint32_t skew;
	/**
	 * NSEC3 iterations above this make a proof insecure with EDE 27
	 * (RFC 9276 3.2). Default 50, as BIND, PowerDNS Recursor and Knot
	 * Resolver.
	 */
	uint32_t nsec3_iter_insecure;
	/**
	 * Above this the proof is bogus with EDE 27 instead (RFC 9276 3.2
	 * allows SERVFAIL). Default 65535: never (insecure above 50).
	 */
	uint32_t nsec3_iter_bogus;
	/** How long a bogus zone is remembered, s (RFC 4035 4.7). 60. */
	uint32_t bogus_ttl;
	/** Upper bound for cached keys and cuts, s. Default 86400. */
	uint32_t max_cache_ttl;
	/** Zone entries (keys, cuts) kept; 0 disables. Default 1024. */
	unsigned int cache_entries;
	/** Work limits. */
	struct tw_dnssec_limits limits;
	/** lib/crypto settings (rsa_min_bits: RSA keys below are treated
	 *  as unsupported algorithms; default 1024). */
	struct tw_crypto_config crypto;
};

/** Counters of a context since creation. */
struct tw_dnssec_stats {
	uint64_t validations; /**< tw_val_start() calls that ran */
	uint64_t secure, insecure, bogus, indeterminate;
	uint64_t fetches;      /**< TW_VAL_NEED requests issued */
	uint64_t sig_jobs;     /**< signature jobs handed to lib/crypto */
	uint64_t nsec3_hashes; /**< NSEC3 names hashed */
	uint64_t limit_hits;   /**< validations stopped by a limit */
	uint64_t cache_hits;   /**< zone-cache lookups that hit */
	uint64_t cache_misses;
};

struct tw_dnssec_ctx;
struct tw_val;

/**
 * Fill @p cfg with the defaults (see the field comments).
 *
 * @param cfg  The configuration.
 */
void tw_dnssec_config_init(struct tw_dnssec_config *cfg);

/**
 * Treat RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) as unsupported, an option
 * RFC 9905 gives operators: zones signed only with them become insecure.
 *
 * @param cfg  The configuration to change.
 */
void tw_dnssec_config_no_sha1(struct tw_dnssec_config *cfg);

/**
 * Name of a DNSSEC algorithm ("RSASHA256", "ED25519", ... "ALG200").
 *
 * @param alg  Algorithm number.
 * @param buf  Scratch for unnamed numbers.
 * @return @p buf or a static string.
 */
const char *tw_dnssec_alg_name(uint8_t alg, char buf[16]);

/**
 * Create a validation context (one per validator lcore).
 *
 * @param cfg   Settings, or NULL for the defaults. Copied.
 * @param ctxp  Receives the context.
 * @return 0; -EINVAL (NULL @p ctxp, a limit of 0, nsec3_iter_bogus
 *   below nsec3_iter_insecure, bad crypto settings); -ENOMEM; -ENOTSUP,
 *   -EIO from lib/crypto (tw_crypto_create()).
 */
int tw_dnssec_ctx_create(const struct tw_dnssec_config *cfg,
			 struct tw_dnssec_ctx **ctxp);

/**
 * Destroy a context. Free its validations (tw_val_free()) first.
 *
 * @param ctx  The context, or NULL.
 */
void tw_dnssec_ctx_destroy(struct tw_dnssec_ctx *ctx);

/**
 * lib/crypto context of @p ctx (its statistics count public-key
 * operations).
 *
 * @param ctx  The context.
 * @return The crypto context; never NULL.
 */
struct tw_crypto_ctx *tw_dnssec_crypto(struct tw_dnssec_ctx *ctx);

/**
 * Read the counters.
 *
 * @param ctx  The context.
 * @param st   Receives them.
 */
void tw_dnssec_stats_get(const struct tw_dnssec_ctx *ctx,
			 struct tw_dnssec_stats *st);

/**
 * Forget every cached key, cut and bogus zone (e.g. after a trust-anchor
 * change). Anchors and NTAs stay.
 *
 * @param ctx  The context.
 */
void tw_dnssec_cache_flush(struct tw_dnssec_ctx *ctx);

/* ---- Trust anchors (RFC 4035 5, RFC 7646) ----------------------------- */

/**
 * Add a DS or DNSKEY trust anchor. Several anchors at one name form one
 * set (any of them may validate the zone's DNSKEY RRset); anchors at
 * several names are allowed, the closest one above a name is used
 * (RFC 4035 5).
 *
 * @param ctx  The context.
 * @param rr   A DS or DNSKEY RR (class IN).
 * @return 0; -EEXIST (the same RR twice, not added); -EINVAL (another
 *   type or class, malformed rdata); -ENOMEM.
 */
int tw_dnssec_anchor_add(struct tw_dnssec_ctx *ctx,
			 const struct tw_dns_zone_rr *rr);

/**
 * Add the anchors in a zone-file text (DS and DNSKEY lines, comments,
 * parentheses, $TTL; the format of /usr/share/dns/root.key).
 *
 * @param ctx       The context.
 * @param text      NUL-terminated text.
 * @param err_line  If not NULL, receives the line of a syntax error.
 * @return number of anchors added (duplicates skipped); the errors of
 *   tw_dns_zone_parse() (-TW_ESYNTAX, -TW_EUNSUPP for another type, ...)
 *   or of tw_dnssec_anchor_add() except -EEXIST. On error, the anchors
 *   read before the error stay added.
 */
int tw_dnssec_anchor_add_text(struct tw_dnssec_ctx *ctx, const char *text,
			      unsigned *err_line);

/**
 * Read anchors from a file (e.g. TW_DNSSEC_ROOT_KEY_FILE).
 *
 * @return as tw_dnssec_anchor_add_text(), or -errno from opening or
 *   reading the file; -EFBIG for a file over 1 MiB.
 */
int tw_dnssec_anchor_add_file(struct tw_dnssec_ctx *ctx, const char *path,
			      unsigned *err_line);

/**
 * Read the default anchors, TW_DNSSEC_ROOT_KEY_FILE (Debian's
 * dns-root-data): tw_dnssec_anchor_add_file() on it. Contexts start with
 * no anchor: a caller wanting the root's calls this once.
 *
 * @return as tw_dnssec_anchor_add_file().
 */
int tw_dnssec_anchor_add_default(struct tw_dnssec_ctx *ctx);

/**
 * Number of anchor RRs loaded.
 *
 * @param ctx  The context.
 * @return The count.
 */
unsigned int tw_dnssec_anchor_count(const struct tw_dnssec_ctx *ctx);

/**
 * Add a negative trust anchor (RFC 7646): @p name and everything below
 * it are treated as insecure until @p expires, unless a positive anchor
 * sits below it (the closest anchor wins; at the same name the NTA
 * wins). Replaces an NTA at the same name.
 *
 * @param ctx      The context.
 * @param name     Wire name.
 * @param expires  Absolute time (seconds) after which it no longer
 *                 applies; 0 for never (RFC 7646 4 wants a limit: the
 *                 caller's policy).
 * @return 0; -EINVAL (bad name); -ENOMEM.
 */
int tw_dnssec_nta_add(struct tw_dnssec_ctx *ctx, const uint8_t *name,
		      uint32_t expires);

/**
 * Remove the negative trust anchor at @p name.
 *
 * @return 0; -ENOENT (none there); -EINVAL.
 */
int tw_dnssec_nta_del(struct tw_dnssec_ctx *ctx, const uint8_t *name);

/* ---- Validation ------------------------------------------------------- */

/** Positive return values of tw_val_start() / tw_val_provide(). */
enum tw_val_state {
	TW_VAL_DONE = 0, /**< tw_val_result() has the verdict */
	TW_VAL_NEED = 1, /**< fetch tw_val_need(), then tw_val_provide() */
};

/** What the validator needs next. */
struct tw_val_request {
	uint8_t name[TW_DNS_NAME_MAX]; /**< wire name, lower case */
	uint16_t name_len;
	uint16_t qtype; /**< TW_DNS_T_DNSKEY or TW_DNS_T_DS (class IN) */
};

/**
 * Start validating a response.
 *
 * The response is copied. Only class IN is validated (anything else is
 * INSECURE: no anchors). Sections used: the answer (every RRset, CNAME
 * and DNAME chains followed from @p qname), the authority SOA, NSEC and
 * NSEC3 RRsets for negative and wildcard answers. NS RRsets in the
 * authority section and the additional section are not validated: a
 * caller setting AD must not vouch for them.
 *
 * @param ctx    The context.
 * @param resp   The upstream response (DO=1, CD=1).
 * @param len    Its length.
 * @param qname  The question's name (wire); must match the response's.
 * @param qtype  The question's type.
 * @param now    Current time, seconds since the epoch.
 * @param vp     Receives the validation (also when DONE; free it).
 * @return TW_VAL_DONE or TW_VAL_NEED; negative on failure, *vp then
 *   NULL: -EINVAL (NULL argument); -ENOMEM; -TW_EFORMAT (not a
 *   response, QDCOUNT != 1, the question differs from qname/qtype, or
 *   longer than 65535 octets); the errors of tw_dns_parse() for a
 *   malformed message. Exception: -ENOMEM met after the validation was
 *   made leaves *vp set, DONE and INDETERMINATE with EDE 5 (free it).
 */
int tw_val_start(struct tw_dnssec_ctx *ctx, const uint8_t *resp, size_t len,
		 const uint8_t *qname, uint16_t qtype, uint32_t now,
		 struct tw_val **vp);

/** One response for tw_val_start_burst(). */
struct tw_val_in {
	const uint8_t *resp; /**< the upstream response (copied) */
	size_t len;
	const uint8_t *qname; /**< its question's name (wire) */
	uint16_t qtype;	      /**< its question's type */
};

/**
 * Start several validations at once (the validator lcore's RX burst):
 * the same as tw_val_start() for each response, except that the
 * signature checks of every response that needs no fetch (the zone keys
 * are cached) run together, one lib/crypto burst per round, so that the
 * multi-buffer hashing lanes fill across responses. The others come back
 * with TW_VAL_NEED and continue one by one with tw_val_provide().
 *
 * @param ctx   The context.
 * @param in    n responses.
 * @param n     How many.
 * @param now   Current time.
 * @param vals  Receives n validations (NULL where rcs[i] < 0); free each.
 * @param rcs   Receives n return codes, as tw_val_start() returns them.
 * @return The number of validations made (non-NULL vals[i]); 0 for NULL
 *   arguments.
 */
unsigned int tw_val_start_burst(struct tw_dnssec_ctx *ctx,
				const struct tw_val_in *in, unsigned int n,
				uint32_t now, struct tw_val **vals, int *rcs);

/**
 * The pending request after TW_VAL_NEED.
 *
 * @param v  The validation.
 * @return The request, or NULL when none is pending.
 */
const struct tw_val_request *tw_val_need(const struct tw_val *v);

/**
 * Resume with the response to tw_val_need(). The buffer is not kept.
 *
 * @param v     The validation.
 * @param resp  The response (DO=1, CD=1), or NULL when the fetch failed
 *              (timeout, network): the result is then INDETERMINATE with
 *              EDE 22 (nothing is cached).
 * @param len   Its length.
 * @return TW_VAL_DONE or TW_VAL_NEED; negative: -EINVAL (no request
 *   pending, NULL @p v); -ENOMEM (the validation is then DONE,
 *   INDETERMINATE with EDE 5). A malformed or mismatched response is not
 *   an error return: it is treated as a failed fetch.
 */
int tw_val_provide(struct tw_val *v, const uint8_t *resp, size_t len);

/**
 * The verdict once DONE.
 *
 * @param v  The validation.
 * @return The result; NULL while not DONE.
 */
const struct tw_dnssec_result *tw_val_result(const struct tw_val *v);

/**
 * The upstream response of a validation, parsed (tw_dns_parse()): the
 * validation's own copy, so the caller need not parse it again. Valid
 * until tw_val_free().
 *
 * @param v  The validation.
 * @return The parsed message; NULL when @p v is NULL.
 */
const struct tw_dns_msg *tw_val_msg(const struct tw_val *v);

/**
 * Signature jobs (public-key operations asked of lib/crypto) this
 * validation has run, chain included; lib/crypto may answer some from
 * its verdict cache.
 *
 * @param v  The validation.
 * @return The count.
 */
unsigned int tw_val_sig_jobs(const struct tw_val *v);

/**
 * Free a validation (at any state). NULL is a no-op.
 *
 * @param v  The validation.
 */
void tw_val_free(struct tw_val *v);

/**
 * Name of a status ("secure", "insecure", "bogus", "indeterminate").
 *
 * @param s  A status.
 * @return A static string; "?" for other values.
 */
const char *tw_dnssec_status_str(enum tw_dnssec_status s);

#ifdef __cplusplus
}
#endif

#endif /* TW_DNSSEC_H */
