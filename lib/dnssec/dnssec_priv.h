/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/dnssec private declarations, shared by the modules:
 *   rrset.c    response view: RRs grouped into RRsets, canonical rdata
 *   sigcrypt.c algorithm policy table, RRSIG checks, signature rounds
 *   ds.c       DS usability and DS -> DNSKEY matching
 *   anchors.c  trust anchors and negative trust anchors
 *   nsec.c     NSEC denial proofs
 *   nsec3.c    NSEC3 denial proofs
 *   chain.c    zone cache and the chain of trust walk
 *   limits.c   configuration defaults and limits
 *   val.c      the resumable validation (classification, proofs, result)
 * Not installed, not part of the API.
 */
#ifndef TW_DNSSEC_PRIV_H
#define TW_DNSSEC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_dnssec.h"

/* Longest name label count (RFC 1035 2.3.4: 127 one-octet labels). */
#define DV_LABELS_MAX 127

/* ---- Response view (rrset.c) ----------------------------------------- */

/** One RR of a parsed response. */
struct dv_rr {
	struct tw_dns_rr rr;
	uint32_t owner;	  /* offset of the lowercased owner in dv_msg.names */
	uint16_t covered; /* type covered when an RRSIG, else rr.type */
	uint8_t owner_len;
};

/** One RRset (same section, owner, class and type) and its RRSIGs. */
struct dv_rrset {
	const uint8_t *owner; /* lowercased wire name (dv_msg.names) */
	uint8_t owner_len;
	uint8_t labels; /* tw_dns_name_labels(owner) */
	uint8_t section;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;	    /* smallest TTL of its RRs */
	uint16_t first;	    /* into dv_msg.order: data RRs */
	uint16_t n;	    /* how many (may be 0: RRSIGs only) */
	uint16_t sig_first; /* into dv_msg.order: covering RRSIGs */
	uint16_t n_sig;
	/* canonical rdata, built on first use (dv_msg_canon()) */
	struct tw_dns_rdata_ref *canon;
	bool canon_heap; /* canon is tw_malloc'd, else in dv_msg.cbuf */
};

/** A parsed response. */
struct dv_msg {
	struct tw_dns_msg m;
	uint8_t rcode; /* 4-bit header RCODE (extended bits are upstream
			  errors we do not validate) */
	uint16_t n_rr;
	struct dv_rr *rrs;
	uint16_t *order; /* RR indices grouped by RRset */
	uint16_t n_sets;
	struct dv_rrset *sets;
	uint8_t *names; /* lowercased owners */
	size_t names_len;
	/* allocated sizes: rrs, order and sets hold rr_cap entries each */
	size_t rr_cap, names_cap;
	/* room for the canonical rdatas of the sets (kept like the arrays;
	 * what does not fit is tw_malloc'd per set) */
	uint8_t *cbuf;
	size_t cbuf_cap, cbuf_used;
};

int dv_msg_build(struct dv_msg *dm, const uint8_t *pkt, size_t len);
/* The same, reusing the arrays dm holds (from an earlier build and
 * dv_msg_reset(), or zeroed): no allocation when they are big enough. */
int dv_msg_rebuild(struct dv_msg *dm, const uint8_t *pkt, size_t len);
/* Forget the message but keep the arrays for dv_msg_rebuild(). */
void dv_msg_reset(struct dv_msg *dm);
void dv_msg_free(struct dv_msg *dm);
/* The RRset of (section, owner, type), or -1. Owner compared exactly
 * (it must be lowercase). */
int dv_msg_find(const struct dv_msg *dm, uint8_t section, const uint8_t *owner,
		uint16_t type);
/* Canonical rdatas of an RRset (RFC 4034 6.2); 0, -ENOMEM, -TW_E*. */
int dv_msg_canon(struct dv_msg *dm, struct dv_rrset *s);
/* The RR at position i of the grouped order. */
static inline const struct dv_rr *
dv_msg_rr(const struct dv_msg *dm, unsigned int i)
{
	return &dm->rrs[dm->order[i]];
}
static inline const uint8_t *
dv_rdata(const struct dv_msg *dm, const struct dv_rr *r)
{
	return dm->m.pkt + r->rr.rdata_off;
}

/* ---- Names ------------------------------------------------------------ */

/* Lowercase copy of a wire name; returns its length. */
size_t dv_name_copy_lc(uint8_t *dst, const uint8_t *src);
/* Ancestor of name with n labels (pointer into name). */
static inline const uint8_t *
dv_name_suffix(const uint8_t *name, int labels, int n)
{
	return tw_dns_name_suffix(name, labels < n ? labels : n);
}
/* Whether the leftmost label is "*". */
static inline bool
dv_name_is_wild(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}
/* Build "*." + name into out (TW_DNS_NAME_MAX); returns length or 0 when
 * it would be too long. */
size_t dv_name_wild(uint8_t *out, const uint8_t *name);
/* Name for logs (never fails; truncated). */
const char *dv_name_str(const uint8_t *name, char *buf, size_t size);

/* ---- Zone cache entries (chain.c) ------------------------------------ */

enum dv_kind {
	DV_K_SECURE = 1, /* validated DNSKEY RRset of a zone */
	DV_K_INSECURE,	 /* insecure cut: everything below is insecure */
	DV_K_BOGUS,	 /* the chain to this zone failed */
	DV_K_NOCUT,	 /* proven not a zone cut (exists in the parent) */
	DV_K_NXNAME,	 /* proven not to exist: no cut at or below */
	DV_K_DS,	 /* validated DS RRset awaiting the DNSKEYs (local) */
};

/** A DNSKEY (or a DS in DV_K_DS entries) kept in an entry. */
struct dv_key {
	const uint8_t *rdata; /* full rdata, into the entry */
	uint16_t rdlen;
	uint16_t flags; /* DNSKEY flags */
	uint16_t tag;	/* key tag (RFC 4034 B) / DS key tag */
	uint8_t proto;	/* 3 / DS digest type */
	uint8_t alg;
	const uint8_t *pub; /* public key field / DS digest */
	uint16_t pub_len;
};

/** A fact about a name: keys, cut or failure. Reference counted. */
struct dv_entry {
	struct dv_entry *hnext; /* hash chain */
	struct dv_entry *lru_prev, *lru_next;
	uint32_t refcnt;
	uint32_t hash;
	uint32_t expires; /* absolute time (serial arithmetic) */
	uint8_t kind;	  /* enum dv_kind */
	uint8_t name_len;
	int16_t ede; /* BOGUS/INSECURE: the EDE to report */
	uint16_t n_keys;
	bool cached;		       /* linked in the context's cache */
	uint8_t name[TW_DNS_NAME_MAX]; /* lowercase */
	char reason[TW_DNSSEC_REASON_MAX];
	struct dv_key *keys; /* n_keys, followed by their rdata */
};

struct dv_entry *dv_entry_new(uint8_t kind, const uint8_t *name, size_t n_keys,
			      size_t rdata_bytes);
static inline struct dv_entry *
dv_entry_ref(struct dv_entry *e)
{
	e->refcnt++;
	return e;
}
void dv_entry_put(struct dv_entry *e);

/** The context's cache of entries: hash table + LRU list. */
struct dv_cache {
	struct dv_entry **buckets;
	uint32_t mask;
	uint32_t count, max;
	struct dv_entry *lru_head, *lru_tail; /* head = most recent */
};

int dv_cache_init(struct dv_cache *c, unsigned int max);
void dv_cache_fini(struct dv_cache *c);
void dv_cache_flush(struct dv_cache *c);
/* Entry for name (lowercase) still valid at now; not referenced. */
struct dv_entry *dv_cache_get(struct dv_cache *c, const uint8_t *name,
			      uint32_t now);
/* Insert (replacing an entry for the same name). Takes a reference. */
void dv_cache_put(struct dv_cache *c, struct dv_entry *e);

/* ---- Trust anchors (anchors.c) ---------------------------------------- */

/** Anchors at one name: DS and DNSKEY RRs, and/or an NTA. */
struct dv_anchor {
	uint8_t name[TW_DNS_NAME_MAX]; /* lowercase */
	uint8_t name_len;
	uint8_t labels;
	bool nta;
	uint32_t nta_expires; /* 0: never */
	uint16_t n_ds, n_key;
	struct dv_key *ds;   /* DS RRs (proto = digest type) */
	struct dv_key *keys; /* DNSKEY RRs */
};

struct dv_anchors {
	struct dv_anchor **a;
	unsigned int n, cap;
	unsigned int n_rr;
};

void dv_anchors_fini(struct dv_anchors *as);
/* Whether the anchor entry is an NTA in force at now. */
bool dv_anchor_is_nta(const struct dv_anchor *a, uint32_t now);
/* The closest anchor or active NTA at or above name (RFC 4035 5: the
 * closest; RFC 7646: an NTA at the same name wins), or NULL. */
const struct dv_anchor *dv_anchor_find(const struct dv_anchors *as,
				       const uint8_t *name, uint32_t now);

/* ---- The context ------------------------------------------------------ */

/* Freed validations kept by the context for reuse (~20 KiB each). */
#define DV_VAL_POOL 32

struct tw_dnssec_ctx {
	struct tw_dnssec_config cfg;
	struct tw_crypto_ctx *crypto;
	struct dv_cache cache;
	struct dv_anchors anchors;
	struct tw_dnssec_stats stats;
	/* tw_val_free() keeps up to DV_VAL_POOL validations (and their
	 * response buffers) here; val_new() takes them back: the miss path
	 * then reuses warm memory instead of a fresh malloc per answer. */
	struct tw_val *pool[DV_VAL_POOL];
	unsigned int n_pool;
	/* Signed data of the jobs of one dv_verify() round (reset each
	 * round): what does not fit is tw_malloc'd. */
	uint8_t *sd;
	size_t sd_size, sd_used;
};

/* Scratch for the signed data of a round. */
#define DV_SD_SCRATCH (64 * 1024)

/* ---- Algorithm policy and signatures (sigcrypt.c) ---------------------- */

/* Policy table row (the one place to change what is validated). */
struct dv_alg_row {
	uint8_t alg;
	uint8_t policy; /* enum tw_dnssec_policy */
	const char *name;
};
extern const struct dv_alg_row dv_alg_table[];
extern const size_t dv_alg_table_len;

/* Failure flags collected while trying the RRSIGs of an RRset; the
 * strongest one chooses the EDE (dv_fail_ede()). */
#define DV_F_LIMIT	0x0001 /* a work limit stopped us */
#define DV_F_CRYPTO	0x0002 /* a signature did not verify */
#define DV_F_EXPIRED	0x0004 /* RFC 4035 5.3.1 expiration */
#define DV_F_NOTYET	0x0008 /* ... inception */
#define DV_F_EXP_BEFORE 0x0010 /* expiration before inception */
#define DV_F_NOZONEBIT	0x0020 /* matching key lacks the zone bit */
#define DV_F_NOKEY	0x0040 /* no key with the tag and algorithm */
#define DV_F_UNSUPP	0x0080 /* algorithm not supported */
#define DV_F_BADSIG	0x0100 /* RRSIG malformed, signer/labels wrong */
#define DV_F_NOSIG	0x0200 /* no RRSIG at all */
#define DV_F_BADKEY	0x0400 /* the key is unusable */
#define DV_F_ERROR	0x0800 /* could not check (lib/crypto) */
#define DV_F_KEYUNSUPP	0x1000 /* key below rsa_min_bits etc. */

/** Verification of one RRset against a set of candidate keys. */
struct dv_vtask {
	/* in */
	struct tw_val *v; /* the validation it counts against (limits) */
	struct dv_msg *dm;
	struct dv_rrset *set;
	const uint8_t *zone;	   /* the signer the RRSIGs must name */
	const struct dv_key *keys; /* candidate keys */
	uint16_t n_keys;
	/* progress */
	uint16_t sig_i; /* next RRSIG (index within the set's RRSIGs) */
	uint16_t key_i; /* next key for the current RRSIG */
	uint16_t tag_tries;
	uint16_t jobs;
	uint32_t fail; /* DV_F_* */
	bool sig_ok;   /* the current RRSIG passed its checks */
	/* out */
	uint8_t status;	   /* 0 pending, TW_DNSSEC_SECURE or BOGUS */
	uint8_t wc_labels; /* RRSIG labels of the verifying signature */
	uint32_t ttl_cap;  /* RFC 4035 5.3.3 */
	/* the job in flight */
	bool in_flight;
	struct tw_crypto_job job;
	struct tw_crypto_iov iov;
	uint8_t *buf;  /* the signed data */
	bool buf_heap; /* buf is tw_malloc'd, else in the context's scratch */
	uint32_t cand_orig_ttl, cand_exp; /* of the RRSIG in flight */
	uint8_t cand_labels;
};

struct tw_val;

/* Run the signature rounds of n tasks to completion (each task: first
 * valid RRSIG wins). Tasks without a validation of their own count
 * against v; tasks of several validations (of one context) may be mixed:
 * each round is one lib/crypto burst. 0 or -ENOMEM. */
int dv_verify(struct tw_val *v, struct dv_vtask *t, size_t n);
/* EDE and reason for a failed task. */
int dv_fail_ede(uint32_t fail, const char **why);
/* Whether an algorithm is validated under the configuration. */
static inline bool
dv_alg_ok(const struct tw_dnssec_config *cfg, uint8_t alg)
{
	return cfg->alg[alg] == TW_DNSSEC_VALIDATE;
}

/* ---- DS (ds.c) --------------------------------------------------------- */

/*
 * Which DS RRs are usable (RFC 4035 5.2, RFC 6840 5.2, RFC 4509 3):
 * algorithm and digest validated, SHA-1 digests ignored when a usable
 * SHA-256 or SHA-384 one is present. Sets usable[i]; returns how many;
 * when none, *ede says why (TW_EDE_UNSUPPORTED_DNSKEY_ALG or
 * TW_EDE_UNSUPPORTED_DS_DIGEST).
 */
unsigned int dv_ds_usable(const struct tw_dnssec_config *cfg,
			  const struct dv_key *ds, size_t n, bool *usable,
			  int *ede);

/*
 * Mark the DNSKEYs that a usable DS names (key tag, algorithm, zone key,
 * protocol 3, digest equal; RFC 4035 5.2), at most keys_per_tag digests
 * per DS. Returns the number matched, or -ENOMEM.
 */
int dv_ds_match(struct tw_val *v, const uint8_t *owner, const struct dv_key *ds,
		const bool *usable, size_t nds, const struct dv_key *keys,
		size_t nkeys, bool *matched);

/* Fill a dv_key from DNSKEY / DS rdata; 0 or -TW_ERDATA. */
int dv_key_from_dnskey(struct dv_key *k, const uint8_t *rdata, size_t len);
int dv_key_from_ds(struct dv_key *k, const uint8_t *rdata, size_t len);

/* ---- Denial of existence (nsec.c, nsec3.c) ----------------------------- */

/** Outcome of a denial proof. */
enum dv_proof {
	DV_PROOF_FAIL = 0,   /* not proven */
	DV_PROOF_OK,	     /* proven */
	DV_PROOF_INSECURE,   /* relies on opt-out (RFC 5155 9.2) */
	DV_PROOF_ITER,	     /* NSEC3 iterations over the insecure limit */
	DV_PROOF_ITER_BOGUS, /* ... over the bogus limit */
	DV_PROOF_LIMIT,	     /* NSEC3 hash budget exhausted */
	DV_PROOF_ERROR,	     /* could not check */
};

/** What a no-DS proof says about a name (zone-cut discovery). */
enum dv_ds_fact {
	DV_DS_NONE = 0, /* nothing proven */
	DV_DS_NOCUT,	/* the name exists and is not a delegation */
	DV_DS_INSECURE, /* a delegation without DS, or opt-out */
	DV_DS_NXNAME,	/* the name does not exist */
};

/** Validated NSEC RRs available to a proof. */
struct dv_nsec {
	const uint8_t *owner; /* lowercase */
	const uint8_t *next;  /* any case, uncompressed */
	const uint8_t *bitmap;
	uint16_t bitmap_len;
};

/* The NSEC RRs of a validated RRset that belong to zone. */
size_t dv_nsec_collect(const struct dv_msg *dm, const struct dv_rrset *s,
		       const uint8_t *zone, struct dv_nsec *out, size_t cap);
/* RFC 4035 5.4 / 3.1.3.2: qname does not exist, nor the wildcard. */
enum dv_proof dv_nsec_nxdomain(const struct dv_nsec *ns, size_t n,
			       const uint8_t *qname, const uint8_t *zone,
			       const char **why);
/* RFC 4035 3.1.3.1, 3.1.3.4; RFC 6840 4.1, 4.3: qname has no qtype
 * (also empty non-terminal and wildcard NODATA). */
enum dv_proof dv_nsec_nodata(const struct dv_nsec *ns, size_t n,
			     const uint8_t *qname, uint16_t qtype,
			     const uint8_t *zone, const char **why);
/* RFC 4035 5.3.4: no closer match than the wildcard with wc_labels. */
enum dv_proof dv_nsec_wildcard(const struct dv_nsec *ns, size_t n,
			       const uint8_t *qname, unsigned wc_labels,
			       const uint8_t *zone, const char **why);
/* DS absence for zone-cut discovery (RFC 4035 5.2, RFC 6840 4.1, 4.4). */
enum dv_ds_fact dv_nsec_nods(const struct dv_nsec *ns, size_t n,
			     const uint8_t *name, const uint8_t *zone,
			     const char **why);

/** Validated NSEC3 RRs available to a proof. */
struct dv_nsec3 {
	struct tw_dns_nsec3 rd;
	uint8_t hash[TW_CRYPTO_NSEC3_HASH_LEN]; /* owner label, decoded */
	uint8_t hash_len;
};

/** One NSEC3 proof computation: hashes memoised, budget counted. */
struct dv_n3ctx {
	struct tw_val *v;
	const struct dv_nsec3 *list;
	size_t n;
	const uint8_t *zone;
	/* the parameter set in use (RFC 5155 8.2: one per proof) */
	const struct dv_nsec3 *params;
	/* memo */
	unsigned int n_memo;
	struct {
		const uint8_t *name;
		uint8_t hash[TW_CRYPTO_NSEC3_HASH_LEN];
	} memo[2 * DV_LABELS_MAX + 4];
	enum dv_proof err; /* LIMIT or ERROR once hashing fails */
};

enum dv_proof dv_nsec3_nxdomain(struct tw_val *v, const struct dv_nsec3 *l,
				size_t n, const uint8_t *qname,
				const uint8_t *zone, const char **why);
enum dv_proof dv_nsec3_nodata(struct tw_val *v, const struct dv_nsec3 *l,
			      size_t n, const uint8_t *qname, uint16_t qtype,
			      const uint8_t *zone, const char **why);
enum dv_proof dv_nsec3_wildcard(struct tw_val *v, const struct dv_nsec3 *l,
				size_t n, const uint8_t *qname,
				unsigned wc_labels, const uint8_t *zone,
				const char **why);
/* No-DS proof; *proof says INSECURE/ITER/LIMIT/ERROR details. */
enum dv_ds_fact dv_nsec3_nods(struct tw_val *v, const struct dv_nsec3 *l,
			      size_t n, const uint8_t *name,
			      const uint8_t *zone, enum dv_proof *proof,
			      const char **why);
/* The usable NSEC3 RRs of a validated RRset of zone (RFC 5155 8.1-8.2). */
size_t dv_nsec3_collect(const struct dv_msg *dm, const struct dv_rrset *s,
			const uint8_t *zone, struct dv_nsec3 *out, size_t cap);
/* Base32hex (RFC 4648 7) label to hash; returns length or 0. */
size_t dv_b32hex_decode(const uint8_t *label, size_t len, uint8_t *out,
			size_t cap);

/* ---- The validation (val.c) ------------------------------------------- */

/** A name whose security the validation needs. */
struct dv_zone {
	uint8_t name[TW_DNS_NAME_MAX]; /* lowercase */
	uint8_t name_len;
	bool signer;   /* a signer claim (must be a secure zone apex) */
	uint8_t state; /* 0 pending, TW_DNSSEC_* */
	int ede;
	char reason[TW_DNSSEC_REASON_MAX];
	struct dv_entry *keys; /* SECURE: the zone's keys (referenced) */
};

/** Roles of the RRsets a validation checks. */
enum dv_role {
	DV_R_ANSWER = 1, /* the final answer RRset(s) */
	DV_R_CNAME,	 /* a CNAME link */
	DV_R_DNAME,	 /* a DNAME link */
	DV_R_SYNTH,	 /* a CNAME synthesised from a DNAME */
	DV_R_EXTRA,	 /* another answer-section RRset */
	DV_R_AUTH,	 /* SOA/NSEC/NSEC3 in the authority section */
};

struct dv_item {
	uint16_t set;	/* RRset index */
	uint8_t role;	/* enum dv_role */
	uint8_t status; /* 0 pending, TW_DNSSEC_* */
	int16_t zone;	/* index into tw_val.zones, -1 none */
	int16_t dname;	/* DV_R_SYNTH: item of its DNAME */
	int ede;
	uint8_t wc_labels; /* wildcard expansion (RRSIG labels) or 0xff */
	uint32_t ttl_cap;
	const char *why;
};

#define DV_MAX_ITEMS 64 /* RRsets looked at per response */
#define DV_MAX_ZONES 32 /* distinct zones per response */
#define DV_MAX_LOCAL 64 /* chain facts held by one validation */

enum dv_outcome {
	DV_POSITIVE = 1,
	DV_NODATA,
	DV_NXDOMAIN,
};

struct tw_val {
	struct tw_dnssec_ctx *ctx;
	uint32_t now;
	uint16_t qtype;
	bool classified;
	bool done;
	uint8_t outcome;  /* enum dv_outcome */
	int16_t neg_zone; /* zone of the denial proof */
	bool need_wild;	  /* an expansion needs a proof */
	uint16_t n_items;
	uint16_t n_zones;
	uint16_t n_local;
	uint8_t *pkt;	/* our copy of the response */
	size_t pkt_cap; /* its allocated size (kept when recycled) */
	struct dv_msg msg;
	/* the pending request and the answer being processed */
	bool need;
	const uint8_t *fetched;
	size_t fetched_len;
	bool fetch_failed;
	/* work counters (limits) */
	uint16_t sig_jobs;
	uint16_t nsec3_hashes;
	uint16_t fetches;
	bool limit_hit;
	int scratch_ede;
	struct tw_dnssec_result res;
	/* Below: not cleared at allocation (filled as used). */
	uint8_t qname[TW_DNS_NAME_MAX]; /* lowercase */
	uint8_t final[TW_DNS_NAME_MAX]; /* last name of the chain */
	char scratch_reason[TW_DNSSEC_REASON_MAX];
	struct tw_val_request req;
	/* facts learnt by this validation (also given to the cache) */
	struct dv_entry *local[DV_MAX_LOCAL];
	struct dv_item items[DV_MAX_ITEMS];
	struct dv_zone zones[DV_MAX_ZONES];
};

/* The part of struct tw_val cleared when it is allocated. */
#define DV_VAL_CLEAR offsetof(struct tw_val, qname)

/* Verdict bookkeeping. */
void dv_set_reason(char *dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Worse of two statuses (bogus > indeterminate > insecure > secure). */
int dv_status_worse(int a, int b);

/* ---- Chain of trust (chain.c) ---------------------------------------- */

/* Work out z's state; 0 (state set), TW_VAL_NEED, or -ENOMEM. */
int dv_chain_resolve(struct tw_val *v, struct dv_zone *z);
/* Lookup of facts: the validation's own, then the context's cache. */
struct dv_entry *dv_fact_get(struct tw_val *v, const uint8_t *name);
/* Record a fact in the validation (and the cache unless local-only). */
int dv_fact_add(struct tw_val *v, struct dv_entry *e, bool to_cache);

/*
 * Tests and benchmarks: trust a DNSKEY RRset of zone as validated (a
 * SECURE cache entry) until expires, as if its chain had been checked.
 * 0, -EINVAL (bad rdata, cache disabled), -ENOMEM.
 */
int dv_keys_inject(struct tw_dnssec_ctx *ctx, const uint8_t *zone,
		   const uint8_t *const *rdata, const uint16_t *len, size_t n,
		   uint32_t expires);

/* ---- Limits (limits.c) ------------------------------------------------ */

/* Whether another signature job is allowed; sets the limit flag. */
bool dv_limit_sig(struct tw_val *v, const struct dv_vtask *t);
/* Whether another NSEC3 hash is allowed. */
bool dv_limit_nsec3(struct tw_val *v);
/* Whether another fetch is allowed. */
bool dv_limit_fetch(struct tw_val *v);
/* Check a configuration. 0 or -EINVAL. */
int dv_config_check(const struct tw_dnssec_config *cfg);

#endif /* TW_DNSSEC_PRIV_H */
