/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * lib/dns: the DNS wire format, zero-copy.
 *
 * Reader: tw_dns_parse() walks a whole message once at the boundary
 * (header, question, every RR, every name, the OPT RR) and rejects what
 * is malformed; afterwards iteration and typed access only index into the
 * packet. Parse results are offsets into the caller's buffer, never
 * copies, except where a compressed name has to be expanded.
 *
 * Writer: struct tw_dns_writer builds a message into a caller buffer with
 * name compression, OPT/EDE options and truncation (TC) at a size limit.
 *
 * Canonical form (RFC 4034 6, RFC 6840 5.1): canonical name order,
 * canonical rdata, the byte string an RRSIG signs.
 *
 * Question key: the cache key (lowercased wire qname + qtype + qclass)
 * and its hash, computed in one pass over the question (hot path).
 *
 * Presentation format: print any RR; parse zone-file lines for DS and
 * DNSKEY (trust-anchor files such as /usr/share/dns/root.key).
 *
 * Names: unless said otherwise a "name" argument is an uncompressed wire
 * name (length-prefixed labels ending with the root label 0), at most
 * TW_DNS_NAME_MAX octets.
 *
 * Message header (RFC 1035 4.1.1):
 * @verbatim
                                   1  1  1  1  1  1
     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
   |                      ID                       |
   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
   |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
   |                    QDCOUNT                    |
   |                    ANCOUNT                    |
   |                    NSCOUNT                    |
   |                    ARCOUNT                    |
   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 @endverbatim
 * AD and CD: RFC 4035 3.2, RFC 6840 5.7-5.9.
 */
#ifndef TW_DNS_H
#define TW_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (RFC 1035 2.3.4). */
#define TW_DNS_HDR_LEN	 12
#define TW_DNS_NAME_MAX	 255
#define TW_DNS_LABEL_MAX 63
#define TW_DNS_MSG_MAX	 65535

/* Header flags, host order (RFC 1035 4.1.1, RFC 4035 3.2). */
#define TW_DNS_F_QR	     0x8000
#define TW_DNS_F_OPCODE_MASK 0x7800
#define TW_DNS_F_AA	     0x0400
#define TW_DNS_F_TC	     0x0200
#define TW_DNS_F_RD	     0x0100
#define TW_DNS_F_RA	     0x0080
#define TW_DNS_F_Z	     0x0040
#define TW_DNS_F_AD	     0x0020
#define TW_DNS_F_CD	     0x0010
#define TW_DNS_F_RCODE_MASK  0x000f

/* EDNS flags in the OPT TTL field (RFC 6891 6.1.3, RFC 3225). */
#define TW_DNS_EDNS_DO 0x8000

/* RCODEs (RFC 1035 4.1.1, RFC 6891 9). */
enum tw_dns_rcode {
	TW_DNS_RCODE_NOERROR = 0,
	TW_DNS_RCODE_FORMERR = 1,
	TW_DNS_RCODE_SERVFAIL = 2,
	TW_DNS_RCODE_NXDOMAIN = 3,
	TW_DNS_RCODE_NOTIMP = 4,
	TW_DNS_RCODE_REFUSED = 5,
	TW_DNS_RCODE_BADVERS = 16,
};

/* RR types used by the code (IANA registry). */
enum tw_dns_type {
	TW_DNS_T_A = 1,
	TW_DNS_T_NS = 2,
	TW_DNS_T_CNAME = 5,
	TW_DNS_T_SOA = 6,
	TW_DNS_T_PTR = 12,
	TW_DNS_T_MX = 15,
	TW_DNS_T_TXT = 16,
	TW_DNS_T_AAAA = 28,
	TW_DNS_T_SRV = 33,
	TW_DNS_T_NAPTR = 35,
	TW_DNS_T_DNAME = 39,
	TW_DNS_T_OPT = 41,
	TW_DNS_T_DS = 43,
	TW_DNS_T_RRSIG = 46,
	TW_DNS_T_NSEC = 47,
	TW_DNS_T_DNSKEY = 48,
	TW_DNS_T_NSEC3 = 50,
	TW_DNS_T_NSEC3PARAM = 51,
	TW_DNS_T_CDS = 59,
	TW_DNS_T_CDNSKEY = 60,
	TW_DNS_T_SVCB = 64,
	TW_DNS_T_HTTPS = 65,
	TW_DNS_T_ANY = 255,
};

#define TW_DNS_C_IN 1

/* EDNS option codes. */
#define TW_DNS_OPT_COOKIE 10 /* RFC 7873 */
#define TW_DNS_OPT_EDE	  15 /* RFC 8914 */

/* Extended DNS Error codes (RFC 8914 4). */
enum tw_dns_ede {
	TW_EDE_NONE = -1, /**< not an EDE: no option to send */
	TW_EDE_OTHER = 0,
	TW_EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	TW_EDE_UNSUPPORTED_DS_DIGEST = 2,
	TW_EDE_STALE_ANSWER = 3,
	TW_EDE_FORGED_ANSWER = 4,
	TW_EDE_DNSSEC_INDETERMINATE = 5,
	TW_EDE_DNSSEC_BOGUS = 6,
	TW_EDE_SIGNATURE_EXPIRED = 7,
	TW_EDE_SIGNATURE_NOT_YET_VALID = 8,
	TW_EDE_DNSKEY_MISSING = 9,
	TW_EDE_RRSIGS_MISSING = 10,
	TW_EDE_NO_ZONE_KEY_BIT = 11,
	TW_EDE_NSEC_MISSING = 12,
	TW_EDE_CACHED_ERROR = 13,
	TW_EDE_NOT_READY = 14,
	TW_EDE_BLOCKED = 15,
	TW_EDE_CENSORED = 16,
	TW_EDE_FILTERED = 17,
	TW_EDE_PROHIBITED = 18,
	TW_EDE_STALE_NXDOMAIN = 19,
	TW_EDE_NOT_AUTHORITATIVE = 20,
	TW_EDE_NOT_SUPPORTED = 21,
	TW_EDE_NO_REACHABLE_AUTHORITY = 22,
	TW_EDE_NETWORK_ERROR = 23,
	TW_EDE_INVALID_DATA = 24,
	TW_EDE_SIG_EXPIRED_BEFORE_VALID = 25,
	TW_EDE_TOO_EARLY = 26,
	TW_EDE_UNSUPPORTED_NSEC3_ITER = 27,
};

/** Message sections, in wire order. */
enum tw_dns_section {
	TW_DNS_SEC_QD = 0,
	TW_DNS_SEC_AN = 1,
	TW_DNS_SEC_NS = 2,
	TW_DNS_SEC_AR = 3,
};

/** Header fields in host order. */
struct tw_dns_hdr {
	uint16_t id;
	uint16_t flags; /**< TW_DNS_F_* bits, opcode and rcode */
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
};

/** The (single) question of a message. */
struct tw_dns_question {
	uint16_t name_off; /**< offset of the qname in the packet */
	uint16_t name_len; /**< its uncompressed wire length */
	uint16_t qtype;
	uint16_t qclass;
	uint16_t end_off; /**< offset just past the question */
};

/** One resource record, as offsets into the packet. */
struct tw_dns_rr {
	uint16_t owner_off; /**< owner name (may be compressed) */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdata_off; /**< rdata (may contain compressed names) */
	uint16_t rdlen;
	uint16_t rr_off;  /**< start of the RR (== owner_off) */
	uint16_t end_off; /**< just past the rdata */
	uint8_t section;  /**< enum tw_dns_section */
};

/** EDNS(0) (RFC 6891 6.1) as found in the additional section. */
struct tw_dns_edns {
	bool present;
	uint16_t udp_size; /**< requestor's payload size (CLASS field) */
	uint8_t ext_rcode; /**< upper 8 bits of the 12-bit RCODE */
	uint8_t version;
	uint16_t flags;	 /**< TW_DNS_EDNS_DO and the Z bits */
	uint16_t rr_off; /**< start of the OPT RR */
	uint16_t rdata_off;
	uint16_t rdlen;
	/* Options we look at; others are skipped but length-checked. */
	uint16_t cookie_off; /**< option data offset; 0 when absent */
	uint16_t cookie_len; /**< 8 (client only) or 16..40 (RFC 7873 4) */
	uint16_t ede_off;    /**< first EDE option's data; 0 when absent */
	uint16_t ede_len;    /**< its length (>= 2: INFO-CODE + text) */
};

/**
 * A parsed message. Valid only while the packet buffer is.
 */
struct tw_dns_msg {
	const uint8_t *pkt;
	size_t len;
	struct tw_dns_hdr hdr;
	struct tw_dns_question q; /**< valid when hdr.qdcount == 1 */
	uint16_t sec_off[4];	  /**< start offset of each section */
	uint16_t end_off;	  /**< end of the last RR (<= len) */
	struct tw_dns_edns edns;
};

/**
 * Parse and validate a whole DNS message.
 *
 * Checks the header, the question (QDCOUNT must be 0 or 1), every RR of
 * every section (owner and rdata names with compression per RFC 1035
 * 4.1.4, lengths), and finds the OPT RR. Names embedded in the rdata of
 * the types listed for tw_dns_rr_canonical_rdata() are checked too.
 * Trailing bytes after the last RR are tolerated (end_off says where it
 * stopped).
 *
 * @param m     Filled on success (and partially on failure).
 * @param pkt   The message (no copy is taken).
 * @param len   Its length.
 * @return
 *   0 on success;
 *   -TW_ETRUNC  shorter than a header, or an RR/name runs past the end;
 *   -TW_ECOUNT  section counts larger than the packet can hold;
 *   -TW_ELOOP   compression pointer loop or pointer to itself;
 *   -TW_EPTR    compression pointer forward or out of range;
 *   -TW_ELABEL  a label longer than 63 octets (or reserved label type);
 *   -TW_ENAMELEN a name longer than 255 octets;
 *   -TW_EOPT    OPT twice, OPT outside the additional section, OPT owner
 *               not root, or malformed options;
 *   -TW_EFORMAT QDCOUNT > 1, or @p len > TW_DNS_MSG_MAX;
 *   -TW_ERDATA  rdata malformed for its type: shorter than its fixed
 *               part, names or fields not filling it exactly, a
 *               compressed RRSIG signer / NSEC next name, a bad NSEC
 *               type bitmap (A/AAAA are size-checked in class IN only).
 */
int tw_dns_parse(struct tw_dns_msg *m, const uint8_t *pkt, size_t len);

/** Iterator over the RRs of a parsed message (all sections, in order). */
struct tw_dns_rr_iter {
	const struct tw_dns_msg *m;
	uint16_t off;
	uint16_t left[4];
	uint8_t section;
};

/** Start iterating at the answer section. */
void tw_dns_rr_iter_init(struct tw_dns_rr_iter *it, const struct tw_dns_msg *m);

/**
 * Next RR.
 * @return 1 and fills @p rr; 0 at the end; negative error only if the
 *   message was not accepted by tw_dns_parse().
 */
int tw_dns_rr_next(struct tw_dns_rr_iter *it, struct tw_dns_rr *rr);

/* ---- Names ------------------------------------------------------------ */

/**
 * Expand a possibly compressed name found at @p off in a packet.
 *
 * @param pkt, len   The whole message (pointers are relative to it).
 * @param off        Offset of the name.
 * @param out        Receives the uncompressed wire name (case preserved);
 *                   may be NULL to only validate.
 * @param next       If not NULL, receives the offset just past the name
 *                   as it appears at @p off (after the first pointer).
 * @return The uncompressed length (1..255) or -TW_ETRUNC, -TW_ELOOP,
 *   -TW_EPTR, -TW_ELABEL, -TW_ENAMELEN.
 */
int tw_dns_name_unpack(const uint8_t *pkt, size_t len, size_t off,
		       uint8_t out[TW_DNS_NAME_MAX], size_t *next);

/**
 * Validate an uncompressed wire name in a buffer of @p cap bytes.
 * @return its length, or -TW_ETRUNC, -TW_ELABEL, -TW_ENAMELEN.
 */
int tw_dns_name_check(const uint8_t *name, size_t cap);

/** Length of a valid uncompressed wire name (including the root 0). */
size_t tw_dns_name_len(const uint8_t *name);

/** Number of labels, not counting the root (RFC 4034 3.1.3). */
int tw_dns_name_labels(const uint8_t *name);

/** Lowercase ASCII letters of a wire name in place (RFC 4034 6.2). */
void tw_dns_name_lower(uint8_t *name);

/** Case-insensitive equality of two wire names (RFC 1034 3.1). */
bool tw_dns_name_eq(const uint8_t *a, const uint8_t *b);

/**
 * Canonical DNS name order (RFC 4034 6.1): compare label by label from
 * the root, each label as a lowercased unsigned octet string.
 * @return <0, 0, >0.
 */
int tw_dns_name_cmp(const uint8_t *a, const uint8_t *b);

/** True when @p name is @p zone or below it (case-insensitive). */
bool tw_dns_name_is_sub(const uint8_t *name, const uint8_t *zone);

/**
 * Pointer to the suffix of @p name with @p n labels (n <= labels).
 * E.g. n = 0 gives the root label.
 */
const uint8_t *tw_dns_name_suffix(const uint8_t *name, int n);

/**
 * Presentation to wire ("www.Example.com." or "www.example.com", "." is
 * the root; \DDD and \X escapes, RFC 1035 5.1). A relative name is taken
 * as absolute.
 * @return wire length, or -TW_ESYNTAX, -TW_ELABEL, -TW_ENAMELEN.
 */
int tw_dns_name_from_str(const char *s, uint8_t out[TW_DNS_NAME_MAX]);

/**
 * Wire to presentation, with a trailing dot; non-printable octets and
 * special characters escaped (RFC 4343 2.1).
 * @return length written (excluding NUL) or -ENOSPC.
 */
int tw_dns_name_to_str(const uint8_t *name, char *buf, size_t size);

/* ---- Typed rdata (RFC 4034, 5155, 1035) -------------------------------- */

/** DNSKEY rdata (RFC 4034 2.1). */
struct tw_dns_dnskey {
	uint16_t flags;	  /**< bit 7 (0x0100) zone key, bit 15 (0x0001) SEP */
	uint8_t protocol; /**< must be 3 */
	uint8_t algorithm;
	const uint8_t *key;
	uint16_t key_len;
	uint16_t key_tag; /**< RFC 4034 appendix B */
};
#define TW_DNSKEY_F_ZONE   0x0100
#define TW_DNSKEY_F_SEP	   0x0001
#define TW_DNSKEY_F_REVOKE 0x0080

/** DS rdata (RFC 4034 5.1). */
struct tw_dns_ds {
	uint16_t key_tag;
	uint8_t algorithm;
	uint8_t digest_type;
	const uint8_t *digest;
	uint16_t digest_len;
};

/** RRSIG rdata (RFC 4034 3.1). */
struct tw_dns_rrsig {
	uint16_t type_covered;
	uint8_t algorithm;
	uint8_t labels;
	uint32_t orig_ttl;
	uint32_t expiration; /**< RFC 1982 serial arithmetic */
	uint32_t inception;
	uint16_t key_tag;
	const uint8_t *signer; /**< uncompressed (RFC 4034 3.1.7) */
	uint16_t signer_len;
	const uint8_t *sig;
	uint16_t sig_len;
	uint16_t signed_len; /**< rdata bytes before the signature field */
};

/** NSEC rdata (RFC 4034 4.1). */
struct tw_dns_nsec {
	const uint8_t *next; /**< uncompressed (RFC 4034 4.1.1) */
	uint16_t next_len;
	const uint8_t *bitmap; /**< type bit maps field (validated) */
	uint16_t bitmap_len;
};

/** NSEC3 rdata (RFC 5155 3.2). */
struct tw_dns_nsec3 {
	uint8_t hash_alg; /**< 1 = SHA-1 */
	uint8_t flags;	  /**< 0x01 = opt-out */
	uint16_t iterations;
	const uint8_t *salt;
	uint8_t salt_len;
	const uint8_t *next_hash; /**< raw (not base32hex) */
	uint8_t next_hash_len;
	const uint8_t *bitmap;
	uint16_t bitmap_len;
};
#define TW_NSEC3_F_OPTOUT 0x01

/** NSEC3PARAM rdata (RFC 5155 4.2). */
struct tw_dns_nsec3param {
	uint8_t hash_alg;
	uint8_t flags;
	uint16_t iterations;
	const uint8_t *salt;
	uint8_t salt_len;
};

/** SOA rdata (RFC 1035 3.3.13); names expanded. */
struct tw_dns_soa {
	uint8_t mname[TW_DNS_NAME_MAX];
	uint8_t rname[TW_DNS_NAME_MAX];
	uint32_t serial, refresh, retry, expire, minimum;
};

/*
 * Raw-rdata accessors: for types whose rdata never holds compressed
 * names. They take the rdata bytes alone.
 * All return 0, or -TW_ERDATA when the rdata is malformed for the type
 * (short fixed part, bad inner name, bad type bitmap, lengths).
 */
int tw_dns_rdata_dnskey(const uint8_t *rdata, size_t rdlen,
			struct tw_dns_dnskey *out);
int tw_dns_rdata_ds(const uint8_t *rdata, size_t rdlen, struct tw_dns_ds *out);
int tw_dns_rdata_rrsig(const uint8_t *rdata, size_t rdlen,
		       struct tw_dns_rrsig *out);
int tw_dns_rdata_nsec(const uint8_t *rdata, size_t rdlen,
		      struct tw_dns_nsec *out);
int tw_dns_rdata_nsec3(const uint8_t *rdata, size_t rdlen,
		       struct tw_dns_nsec3 *out);
int tw_dns_rdata_nsec3param(const uint8_t *rdata, size_t rdlen,
			    struct tw_dns_nsec3param *out);

/** Key tag of DNSKEY rdata (RFC 4034 appendix B; alg 1 per B.1). */
uint16_t tw_dns_key_tag(const uint8_t *rdata, size_t rdlen);

/**
 * True when a validated NSEC/NSEC3 type bitmap (RFC 4034 4.1.2) has
 * @p type.
 */
bool tw_dns_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type);

/**
 * True when a validated NSEC/NSEC3 type bitmap lists any type besides
 * RRSIG, NSEC and NSEC3: the name owns data (a NODATA answer to qtype
 * ANY is then false).
 */
bool tw_dns_bitmap_has_data(const uint8_t *bitmap, size_t len);

/*
 * Message accessors: for types whose rdata may hold compressed names
 * (RFC 3597 4): they need the message. Return 0, -TW_ERDATA, or a name
 * error.
 */
int tw_dns_rr_soa(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		  struct tw_dns_soa *out);
/**
 * Target of NS, CNAME, DNAME or PTR, expanded into @p out.
 * @return 0; -TW_ERDATA for another type or a name not filling the rdata.
 */
int tw_dns_rr_target(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		     uint8_t out[TW_DNS_NAME_MAX]);
/** Owner name of @p rr, expanded. @return its length or an error. */
int tw_dns_rr_owner(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		    uint8_t out[TW_DNS_NAME_MAX]);

/* ---- Canonical form (RFC 4034 6, RFC 6840 5.1) ------------------------ */

/**
 * Canonical, uncompressed rdata of a message RR: names in the rdata are
 * expanded, and lowercased for the types of RFC 4034 6.2 item 3 as
 * amended by RFC 6840 5.1 (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR,
 * MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX, SRV, DNAME, A6,
 * RRSIG; not NSEC, not HINFO).
 *
 * @return canonical length, or -ENOSPC, -TW_ERDATA, name errors.
 */
int tw_dns_rr_canonical_rdata(const struct tw_dns_msg *m,
			      const struct tw_dns_rr *rr, uint8_t *out,
			      size_t cap);

/** An rdata in canonical form, from any source. */
struct tw_dns_rdata_ref {
	const uint8_t *data;
	uint16_t len;
};

/**
 * Canonical RR ordering (RFC 4034 6.3): rdata as left-justified unsigned
 * octet sequences; a prefix sorts first.
 */
int tw_dns_rdata_cmp(const struct tw_dns_rdata_ref *a,
		     const struct tw_dns_rdata_ref *b);

/**
 * The exact byte string an RRSIG signs (RFC 4034 3.1.8.1, 6.2, 6.3):
 *   RRSIG_RDATA (without the signature, signer name lowercased)
 *   | RR(1) | RR(2) | ...
 * each RR being lowercase owner | type | class | original TTL | rdlength
 * | canonical rdata, sorted in canonical order with duplicates removed.
 * When the RRSIG labels field is smaller than the owner's label count the
 * owner is rebuilt as "*." + its rightmost @c labels labels (RFC 4035
 * 5.3.2). The caller has checked labels <= owner labels.
 *
 * @param rrsig_rdata, rrsig_len  The RRSIG rdata (uncompressed).
 * @param owner     The RRset owner (any case).
 * @param type, rclass  Of the RRset.
 * @param rdatas    The RRset's rdatas in canonical form (any order);
 *                  the array is sorted in place.
 * @param n         How many.
 * @param out, cap  Output buffer.
 * @return length written, or -ENOSPC, -TW_ERDATA (bad RRSIG rdata).
 */
int tw_dns_sigdata(const uint8_t *rrsig_rdata, size_t rrsig_len,
		   const uint8_t *owner, uint16_t type, uint16_t rclass,
		   struct tw_dns_rdata_ref *rdatas, size_t n, uint8_t *out,
		   size_t cap);

/* ---- Question key (hot path) ------------------------------------------ */

#define TW_DNS_QKEY_MAX (TW_DNS_NAME_MAX + 4)

/**
 * The cache key of a question: lowercased wire qname | qtype | qclass
 * (network order), and a seeded hash of exactly those bytes.
 */
struct tw_dns_qkey {
	uint32_t hash;
	uint16_t len; /**< key bytes used: name length + 4 */
	uint16_t name_len;
	uint8_t key[TW_DNS_QKEY_MAX];
};

/**
 * Parse a query's header and question and build its key in a single
 * pass over the name (lowercase + hash together). For the worker's hit
 * path: it does not walk the rest of the message.
 *
 * Requires QDCOUNT == 1, QR == 0, an uncompressed question name.
 *
 * @param pkt, len  The DNS message.
 * @param seed      Hash seed (per process, random: defeats hash flooding).
 * @param k         Filled on success.
 * @return offset just past the question (>= 17), or -TW_ETRUNC,
 *   -TW_EFORMAT (QR set, QDCOUNT != 1, compressed qname), -TW_ELABEL,
 *   -TW_ENAMELEN.
 */
int tw_dns_qkey_parse(const uint8_t *pkt, size_t len, uint32_t seed,
		      struct tw_dns_qkey *k);

/** The same hash over arbitrary key bytes (for keys built elsewhere). */
uint32_t tw_dns_qkey_hash(const uint8_t *key, size_t len, uint32_t seed);

/* ---- Writer ------------------------------------------------------------ */

#define TW_DNS_WRITER_PTRS 64 /* names remembered for compression */

/**
 * Message builder into a caller buffer. Sections must be written in
 * order: header, question, answer, authority, additional. After an error
 * every further call returns it (sticky) and tw_dns_writer_finish()
 * reports it.
 */
struct tw_dns_writer {
	uint8_t *buf;
	size_t cap;	/**< buffer size */
	size_t limit;	/**< max message size (<= cap); beyond: truncate */
	size_t len;	/**< bytes written */
	size_t reserve; /**< bytes kept free at the end (for OPT) */
	int err;
	bool truncated;
	uint8_t section; /**< current enum tw_dns_section */
	uint16_t count[4];
	uint16_t n_ptrs;
	uint16_t ptrs[TW_DNS_WRITER_PTRS]; /**< offsets of written names */
};

/** Start a message in @p buf of @p cap bytes; limit = cap. */
void tw_dns_writer_init(struct tw_dns_writer *w, uint8_t *buf, size_t cap);

/**
 * Set the size limit (e.g. the client's EDNS payload size or 512, RFC
 * 1035 4.2.1 / RFC 6891 6.2.5) and keep @p reserve bytes for the OPT RR.
 */
void tw_dns_writer_limit(struct tw_dns_writer *w, size_t limit, size_t reserve);

/** Write the header (counts are patched by finish). */
int tw_dns_write_header(struct tw_dns_writer *w, const struct tw_dns_hdr *h);

/**
 * Write the question (name uncompressed, case kept; remembered for
 * compression).
 * @return 0; -EINVAL (no header, or after an RR); a name error for a bad
 *   @p name; -ENOSPC (sticky: a message cut in its question is useless).
 */
int tw_dns_write_question(struct tw_dns_writer *w, const uint8_t *name,
			  uint16_t qtype, uint16_t qclass);

/**
 * Start a response to a parsed query: ID, opcode, RD and CD copied, QR
 * and RA set, the given RCODE (low 4 bits; the upper bits go in the OPT
 * RR); AA, TC, AD clear (set AD afterwards in w->buf[3], bit 0x20); the
 * question copied byte for byte as the client cased it (RFC 1035 7.3 /
 * 4.1.1).
 * @return 0 or the error of tw_dns_write_header()/_question().
 */
int tw_dns_write_response_start(struct tw_dns_writer *w,
				const struct tw_dns_msg *query, uint8_t rcode);

/**
 * Append an RR to @p section (>= the current one). @p rdata is
 * uncompressed; names inside the rdata of NS, CNAME, SOA, PTR, MX (RFC
 * 3597 4 well-known types) are compressed, others copied as is. A name
 * is compressed only against an identical (same case) earlier name.
 *
 * @return 0; -ENOSPC when the RR does not fit limit - reserve: nothing of
 *   it is written and the RRs of its RRset written just before it are
 *   taken back. In the answer and authority sections TC is then set (by
 *   finish) and every later RR is refused with -ENOSPC; in the additional
 *   section TC stays clear (RFC 2181 9, RFC 4035 3.1.1) and the section
 *   is closed (limit lowered to the length plus the reserve), so only the
 *   OPT RR still fits. Sticky errors: -EINVAL (no header, QD section, a
 *   section going backwards), a name error for a bad @p owner,
 *   -TW_ERDATA (rdata of NS, CNAME, SOA, PTR, MX that does not hold its
 *   names exactly; for tw_dns_write_rr_from(), any malformed source rdata).
 */
int tw_dns_write_rr(struct tw_dns_writer *w, enum tw_dns_section section,
		    const uint8_t *owner, uint16_t type, uint16_t rclass,
		    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);

/** Copy an RR of a parsed message (names expanded, then recompressed). */
int tw_dns_write_rr_from(struct tw_dns_writer *w, enum tw_dns_section section,
			 const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
			 uint32_t ttl);

/** An EDNS option to write. */
struct tw_dns_opt {
	uint16_t code;
	uint16_t len;
	const uint8_t *data;
};

/**
 * Append the OPT RR (RFC 6891 6.1.2, version 0) to the additional
 * section; it uses the reserved space, so it fits even after truncation.
 * Once written, the reserve is released. Call it once.
 *
 * @return 0; -ENOSPC (not even within the limit: TC is set); sticky
 *   -EINVAL (no header, option data missing, options over 65535 octets).
 *
 * @param udp_size  Our payload size.
 * @param ext_rcode Upper bits of the RCODE.
 * @param flags     TW_DNS_EDNS_DO etc.
 */
int tw_dns_write_opt(struct tw_dns_writer *w, uint16_t udp_size,
		     uint8_t ext_rcode, uint16_t flags,
		     const struct tw_dns_opt *opts, size_t n_opts);

/**
 * Encode an EDE option's data (RFC 8914 2): INFO-CODE + UTF-8 text (not
 * NUL-terminated on the wire).
 * @return bytes written to @p out or -ENOSPC.
 */
int tw_dns_ede_encode(uint16_t code, const char *text, uint8_t *out,
		      size_t cap);

/**
 * Patch the counts, set TC when something did not fit.
 * @return the message length, or the sticky error.
 */
int tw_dns_writer_finish(struct tw_dns_writer *w);

/* ---- Presentation format ----------------------------------------------- */

/** Mnemonic of a type ("A", "RRSIG", or "TYPE65280"), RFC 3597 5. */
const char *tw_dns_type_str(uint16_t type, char buf[16]);
/** Type from its mnemonic or TYPEnnn. @return the type or -TW_ESYNTAX. */
int tw_dns_type_from_str(const char *s);
/** "NOERROR", "SERVFAIL", ... */
const char *tw_dns_rcode_str(uint16_t rcode);

/**
 * Print an RR in presentation format (one line, no newline):
 * "owner TTL CLASS TYPE rdata". Known types are printed in their RFC
 * presentation form (A, AAAA, NS, CNAME, DNAME, PTR, MX, SRV, TXT, SOA,
 * DS, CDS, DNSKEY, CDNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, OPT as a
 * comment "; EDNS: ..."), others and any empty rdata as RFC 3597
 * "\# len hex". @p rdata must be uncompressed (see
 * tw_dns_rr_canonical_rdata(); tw_dns_rr_print() does it for a message RR).
 *
 * @return length written or -ENOSPC, -TW_ERDATA.
 */
int tw_dns_rr_to_str(const uint8_t *owner, uint16_t type, uint16_t rclass,
		     uint32_t ttl, const uint8_t *rdata, size_t rdlen,
		     char *buf, size_t size);

/** Print an RR of a parsed message (names expanded, case preserved). */
int tw_dns_rr_print(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		    char *buf, size_t size);

#define TW_DNS_ZONE_RDATA_MAX 4096

/** One RR read from a zone file. */
struct tw_dns_zone_rr {
	uint8_t owner[TW_DNS_NAME_MAX];
	uint16_t owner_len;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[TW_DNS_ZONE_RDATA_MAX];
};

/**
 * Parse one zone-file entry (RFC 1035 5.1) holding a DS or DNSKEY RR:
 * "owner [TTL] [CLASS] TYPE rdata" (TTL and class in either order; ";"
 * comments; base64 and hex may contain blanks). Multi-line entries in
 * parentheses are handled by tw_dns_zone_parse(); this takes one logical
 * line (parentheses balanced within it). Names relative to the root
 * origin: "example" is "example.", "@" is ".". A line that starts with a
 * blank has no owner: an error here. Without a TTL: @p default_ttl;
 * without a class: IN.
 *
 * @return 1 when an RR was parsed; 0 for a blank or comment line;
 *   -TW_ESYNTAX (bad syntax), -TW_EUNSUPP (a type other than DS/DNSKEY,
 *   or a $ directive), -TW_ENAMELEN, -TW_ELABEL, -ENOSPC.
 */
int tw_dns_zone_line(const char *line, uint32_t default_ttl,
		     struct tw_dns_zone_rr *out);

/** Called for each RR by tw_dns_zone_parse(); non-zero stops. */
typedef int (*tw_dns_zone_cb)(const struct tw_dns_zone_rr *rr, void *arg);

/**
 * Parse a trust-anchor file's text (NUL-terminated): DS and DNSKEY
 * entries, comments, blank lines, parentheses spanning lines, $TTL,
 * $ORIGIN (relative names and "@" follow it; the root by default), a
 * blank owner (the previous entry's). Without a TTL: $TTL, else the last
 * TTL stated, else 0. $INCLUDE and other directives: -TW_EUNSUPP.
 *
 * @param text  The file contents.
 * @param cb    Called per RR.
 * @param err_line  On error, receives the 1-based line number.
 * @return number of RRs, the callback's non-zero value, or an error as
 *   for tw_dns_zone_line().
 */
int tw_dns_zone_parse(const char *text, tw_dns_zone_cb cb, void *arg,
		      unsigned *err_line);

#ifdef __cplusplus
}
#endif

#endif /* TW_DNS_H */
