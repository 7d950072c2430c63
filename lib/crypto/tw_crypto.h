/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Batched DNSSEC cryptography for the validator: signature verification,
 * message hashing, NSEC3 hashes and DS digests.
 *
 * The validator builds jobs and hands them over in bursts. One context
 * serves one validator lcore: it is not thread-safe, holds no global state
 * (OpenSSL's own aside) and allocates through tw_malloc().
 *
 * A verification burst (tw_crypto_verify_burst()), per internal batch of
 * at most tw_crypto_config.max_batch jobs:
 *  1. checks the algorithm and finds the key in the key cache, parsing the
 *     DNSKEY public key field into an OpenSSL EVP_PKEY on a miss (one per
 *     distinct (algorithm, key), reused for every signature it made);
 *  2. hashes every signed message (RSA/ECDSA: the algorithm's hash; EdDSA:
 *     SHA-256, only to identify the message) -- through Intel IPsec-MB's
 *     multi-buffer SHA on the batch path, through OpenSSL one by one on
 *     the scalar path;
 *  3. fingerprints each job, SHA-256(key, signature, message digest), and
 *     looks it up in the verdict cache; jobs identical to an earlier job
 *     of the batch are not verified again;
 *  4. runs one public-key operation per remaining job: EVP_PKEY_verify()
 *     on the digest (RSA PKCS#1 v1.5, ECDSA), EVP_DigestVerify() on the
 *     message (Ed25519, Ed448, which hash internally, RFC 8032);
 *  5. caches definitive verdicts (valid, invalid), never "could not check".
 *
 * Wire formats taken as they appear in DNS:
 *  - key: the DNSKEY "public key" field (RFC 4034 2.1.4), i.e. the rdata
 *    after flags, protocol and algorithm:
 *      RSA   (RFC 3110 2):  exponent length (1 octet, or 0 then 2 octets),
 *                           exponent, modulus; big-endian, no leading zeros
 *      ECDSA (RFC 6605 4):  x || y, 64 octets (P-256) or 96 (P-384)
 *      EdDSA (RFC 8080 3):  the raw key, 32 octets (Ed25519) or 57 (Ed448)
 *  - sig: the RRSIG "signature" field:
 *      RSA   (RFC 3110 3, RFC 5702 3): PKCS#1 v1.5, modulus length
 *      ECDSA (RFC 6605 4):  r || s, 64 or 96 octets
 *      EdDSA (RFC 8080 4):  64 octets (Ed25519) or 114 (Ed448)
 *  - signed data (RFC 4034 3.1.8.1): RRSIG rdata without the signature,
 *    followed by the RRset in canonical form; passed as an iovec array so
 *    the validator need not copy it.
 *
 * Key policy (RFC 8624 3.1 lists what a validator implements): algorithms
 * 5, 7, 8, 10, 13, 14, 15, 16 are supported; everything else (1 RSAMD5,
 * 3 DSA, 6 DSA-NSEC3-SHA1, 12 GOST, private ...) is TW_CRYPTO_UNSUPPORTED.
 * RSA moduli must be 512..4096 bits (RFC 3110 2) else TW_CRYPTO_BADKEY;
 * moduli below tw_crypto_config.rsa_min_bits (default 1024) are
 * TW_CRYPTO_UNSUPPORTED, a local policy the validator treats like an
 * unsupported algorithm (RFC 4035 5.2). Where the OpenSSL configuration
 * refuses SHA-1 in signatures (probed at creation, see
 * tw_crypto_describe()), algorithms 5 and 7 are UNSUPPORTED in that
 * context. The RSA public exponent must be odd, at least 3 and at most
 * 64 bits (OpenSSL's own limit for large moduli; it also bounds the cost
 * an attacker can ask for).
 *
 * Nothing here reads a clock: signature validity periods are the
 * validator's business.
 */
#ifndef TW_CRYPTO_H
#define TW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** DNSSEC algorithm numbers (IANA registry; RFC 8624 3.1). */
enum tw_crypto_alg {
	TW_CRYPTO_ALG_RSASHA1 = 5,	      /**< RFC 3110 */
	TW_CRYPTO_ALG_RSASHA1_NSEC3_SHA1 = 7, /**< RFC 5155 */
	TW_CRYPTO_ALG_RSASHA256 = 8,	      /**< RFC 5702 */
	TW_CRYPTO_ALG_RSASHA512 = 10,	      /**< RFC 5702 */
	TW_CRYPTO_ALG_ECDSAP256SHA256 = 13,   /**< RFC 6605 */
	TW_CRYPTO_ALG_ECDSAP384SHA384 = 14,   /**< RFC 6605 */
	TW_CRYPTO_ALG_ED25519 = 15,	      /**< RFC 8080 */
	TW_CRYPTO_ALG_ED448 = 16,	      /**< RFC 8080 */
};

/** Hash functions of the hashing API. 0 is deliberately not a hash. */
enum tw_crypto_hash {
	TW_CRYPTO_SHA1 = 1,
	TW_CRYPTO_SHA256,
	TW_CRYPTO_SHA384,
	TW_CRYPTO_SHA512,
};

/** Largest digest any enum tw_crypto_hash produces (SHA-512). */
#define TW_CRYPTO_MAX_DIGEST 64
/** NSEC3 hash length (SHA-1, RFC 5155 5). */
#define TW_CRYPTO_NSEC3_HASH_LEN 20
/** DS digest types (RFC 4034 5.1.3, RFC 4509 2.2, RFC 6605 3). */
#define TW_CRYPTO_DS_SHA1   1
#define TW_CRYPTO_DS_SHA256 2
#define TW_CRYPTO_DS_SHA384 4

/**
 * Verdict of one verification job. 0 means "not processed": a zeroed job
 * never reads as valid.
 */
enum tw_crypto_verdict {
	/** Not processed (never returned). */
	TW_CRYPTO_PENDING = 0,
	/** The signature verifies. */
	TW_CRYPTO_VALID,
	/** It does not, including a signature malformed for its algorithm. */
	TW_CRYPTO_INVALID,
	/**
	 * Algorithm not supported, or RSA key below rsa_min_bits (a local
	 * policy: treat it like an unsupported algorithm, RFC 4035 5.2).
	 */
	TW_CRYPTO_UNSUPPORTED,
	/** Key field unparsable for its algorithm. */
	TW_CRYPTO_BADKEY,
	/**
	 * Could not check (out of memory, OpenSSL internal error): neither
	 * valid nor bogus, never cached.
	 */
	TW_CRYPTO_ERROR,
};

/** A read-only buffer; arrays of them describe scattered data. */
struct tw_crypto_iov {
	const uint8_t *base;
	size_t len;
};

/** tw_crypto_job.flags: the verdict came from the verdict cache. */
#define TW_CRYPTO_F_CACHED 0x1
/** tw_crypto_job.flags: copied from an identical job of the same batch. */
#define TW_CRYPTO_F_DUP 0x2

/** One signature verification. Inputs are not modified. */
struct tw_crypto_job {
	/* in */
	const uint8_t *key;		 /**< DNSKEY public key field */
	const uint8_t *sig;		 /**< RRSIG signature field */
	const struct tw_crypto_iov *iov; /**< signed data, in order */
	size_t key_len;
	size_t sig_len;
	unsigned int iovcnt;
	uint8_t alg;  /**< DNSSEC algorithm number (wire value) */
	void *opaque; /**< the caller's, untouched */
	/* out */
	enum tw_crypto_verdict verdict;
	uint32_t flags; /**< TW_CRYPTO_F_* */
};

/** One hash over scattered data. */
struct tw_crypto_hash_job {
	/* in */
	const struct tw_crypto_iov *iov;
	unsigned int iovcnt;
	enum tw_crypto_hash alg;
	/* out */
	/** 0, -EINVAL (unknown alg, NULL iov or base), -ENOMEM. */
	int status;
	/** tw_crypto_hash_len(alg) octets. */
	uint8_t digest[TW_CRYPTO_MAX_DIGEST];
};

/**
 * One NSEC3 owner-name hash (RFC 5155 5):
 *   IH(salt, x, 0) = H(x || salt)
 *   IH(salt, x, k) = H(IH(salt, x, k - 1) || salt), k > 0
 *   hash = IH(salt, name, iterations)
 * so iterations + 1 SHA-1 computations.
 */
struct tw_crypto_nsec3_job {
	/* in */
	/**
	 * Owner name in canonical wire form (RFC 4034 6.2: lower case,
	 * uncompressed), 1..255 octets. The caller canonicalises.
	 */
	const uint8_t *name;
	const uint8_t *salt;
	size_t name_len;
	uint16_t iterations;
	uint8_t salt_len;
	uint8_t alg; /**< NSEC3 hash algorithm; 1 = SHA-1, the only one */
	/* out */
	/**
	 * 0; -TW_EUNSUPP (alg); -EINVAL (name length, NULL salt);
	 * -TW_ELIMIT (iterations > nsec3_max_iterations); -ENOMEM.
	 */
	int status;
	uint8_t hash[TW_CRYPTO_NSEC3_HASH_LEN];
};

/**
 * One DS digest (RFC 4034 5.1.4):
 *   digest = H(owner name in canonical form || DNSKEY rdata)
 * where DNSKEY rdata = flags | protocol | algorithm | public key.
 */
struct tw_crypto_ds_job {
	/* in */
	const uint8_t *owner; /**< canonical wire form, 1..255 octets */
	const uint8_t *rdata; /**< the DNSKEY rdata, >= 4 octets */
	size_t owner_len;
	size_t rdata_len;
	uint8_t digest_type; /**< TW_CRYPTO_DS_SHA1/SHA256/SHA384 */
	/* out */
	uint8_t digest_len; /**< 20, 32 or 48; 0 on error */
	/**
	 * 0; -TW_EUNSUPP (digest type, e.g. 3 GOST); -EINVAL (owner or
	 * rdata length); -ENOMEM.
	 */
	int status;
	uint8_t digest[48];
};

/** How hashing is done; verification is OpenSSL on every path. */
enum tw_crypto_path {
	/** IPsec-MB when built in and usable on this CPU, else scalar. */
	TW_CRYPTO_PATH_AUTO = 0,
	/** OpenSSL only, one message at a time. */
	TW_CRYPTO_PATH_SCALAR,
	/** IPsec-MB multi-buffer, or tw_crypto_create() fails. */
	TW_CRYPTO_PATH_MB,
};

/** Context settings; tw_crypto_config_init() fills in the defaults. */
struct tw_crypto_config {
	/** Default TW_CRYPTO_PATH_AUTO. */
	enum tw_crypto_path path;
	/** Parsed keys kept, >= 1; default 1024. */
	unsigned int key_cache_entries;
	/**
	 * Verdicts kept; 0 disables the cache; rounded up to a power of
	 * two; default 65536 (48 octets each).
	 */
	unsigned int verdict_cache_entries;
	/** Jobs handled together, 1..4096; default 64. */
	unsigned int max_batch;
	/**
	 * Octets to gather scattered data into for IPsec-MB (per batch);
	 * >= 1024 * max_batch; default 256 KiB.
	 */
	size_t arena_size;
	/** RSA keys smaller are UNSUPPORTED; 512..4096; default 1024. */
	unsigned int rsa_min_bits;
	/**
	 * On the MB path, a hash with fewer messages than this in a batch is
	 * left to OpenSSL: a 16-lane flush costs as much for 1 message as for
	 * 16, and OpenSSL has SHA-NI for SHA-1/256. >= 1; default 8
	 * (measured, doc/crypto.md).
	 */
	unsigned int mb_min_burst;
	/**
	 * NSEC3 jobs with more iterations fail with -TW_ELIMIT; default 2500
	 * (RFC 5155 10.3). The validator's own cap should be lower.
	 */
	unsigned int nsec3_max_iterations;
};

/** Counters since creation or the last tw_crypto_stats_reset(). */
struct tw_crypto_stats {
	uint64_t jobs;	 /**< verification jobs taken */
	uint64_t pk_ops; /**< public-key operations performed */
	/* jobs by verdict */
	uint64_t valid;
	uint64_t invalid;
	uint64_t unsupported;
	uint64_t badkey;
	uint64_t error;
	uint64_t verdict_hits;	    /**< jobs answered by the verdict cache */
	uint64_t verdict_misses;    /**< lookups that missed */
	uint64_t verdict_evictions; /**< live entries overwritten */
	uint64_t duplicates;	    /**< jobs answered by an identical job */
	uint64_t key_hits;	    /**< key found parsed in the key cache */
	uint64_t key_parses;	    /**< key fields parsed (misses) */
	uint64_t key_evictions;
	/**
	 * Hash computations, all kinds: message digests, fingerprints, key
	 * fingerprints, hash jobs, NSEC3 iterations, DS digests.
	 */
	uint64_t hashes;
	uint64_t hashes_mb; /**< ... of which by IPsec-MB */
	/** NSEC3 SHA-1 computations, each iteration counts (CVE-2023-50868). */
	uint64_t nsec3_hashes;
	uint64_t ds_digests; /**< DS digests computed */
	/** Messages the MB path gave to OpenSSL: too long, arena full. */
	uint64_t mb_fallbacks;
};

struct tw_crypto_ctx;

/**
 * Fill @p cfg with the defaults documented in struct tw_crypto_config.
 *
 * @param cfg
 *   The configuration to initialise.
 */
void tw_crypto_config_init(struct tw_crypto_config *cfg);

/**
 * Create a context (one per validator lcore).
 *
 * @param cfg
 *   Settings, or NULL for the defaults.
 * @param ctxp
 *   Receives the context.
 * @return
 *   0 on success;
 *   -EINVAL: a setting out of range, or @p ctxp NULL;
 *   -ENOMEM: allocation failed;
 *   -ENOTSUP: TW_CRYPTO_PATH_MB asked but IPsec-MB is not built in, not
 *   usable on this CPU, or failed its self-test;
 *   -EIO: OpenSSL lacks a needed algorithm (provider not loaded).
 */
int tw_crypto_create(const struct tw_crypto_config *cfg,
		     struct tw_crypto_ctx **ctxp);

/**
 * Destroy a context and everything it caches. NULL is a no-op.
 *
 * @param ctx
 *   The context.
 */
void tw_crypto_destroy(struct tw_crypto_ctx *ctx);

/**
 * The hashing path chosen at creation.
 *
 * @param ctx
 *   The context.
 * @return
 *   TW_CRYPTO_PATH_SCALAR or TW_CRYPTO_PATH_MB (never AUTO).
 */
enum tw_crypto_path tw_crypto_get_path(const struct tw_crypto_ctx *ctx);

/**
 * Describe the back ends in use, e.g.
 * "ipsec-mb 1.3.0 (avx512) + OpenSSL 3.0.22".
 *
 * @param ctx
 *   The context.
 * @return
 *   A string owned by the context; never NULL.
 */
const char *tw_crypto_describe(const struct tw_crypto_ctx *ctx);

/**
 * Whether a DNSSEC algorithm number is supported (RFC 8624 3.1 list
 * above) by this library; a context may still refuse 5 and 7 (SHA-1
 * policy, see @file).
 *
 * @param alg
 *   DNSSEC algorithm number.
 * @return
 *   1 if supported, 0 if not.
 */
int tw_crypto_alg_supported(uint8_t alg);

/**
 * Digest length of a hash.
 *
 * @param alg
 *   The hash.
 * @return
 *   20, 32, 48 or 64; 0 for a value not in enum tw_crypto_hash.
 */
size_t tw_crypto_hash_len(enum tw_crypto_hash alg);

/**
 * Verify a burst of signatures. Every job gets a verdict and flags.
 * Duplicates within one internal batch (max_batch jobs) are verified
 * once; the verdict cache catches repeats across batches and bursts.
 *
 * @param ctx
 *   The context.
 * @param jobs
 *   The jobs; inputs are read, verdict and flags written.
 * @param n
 *   Number of jobs.
 * @return
 *   The number of jobs given a verdict: always @p n. Per-job problems
 *   (unsupported algorithm, bad key, out of memory) are verdicts.
 */
unsigned int tw_crypto_verify_burst(struct tw_crypto_ctx *ctx,
				    struct tw_crypto_job *jobs, unsigned int n);

/**
 * Check that a DNSKEY public key field is usable, parsing it into the key
 * cache (a later verification with it then finds it there).
 *
 * @param ctx
 *   The context.
 * @param alg
 *   DNSSEC algorithm number.
 * @param key
 *   The public key field.
 * @param key_len
 *   Its length.
 * @param bits
 *   If not NULL, receives the key size in bits (RSA modulus, curve size,
 *   255/448 for EdDSA), 0 when not VALID.
 * @return
 *   TW_CRYPTO_VALID (usable), TW_CRYPTO_UNSUPPORTED, TW_CRYPTO_BADKEY or
 *   TW_CRYPTO_ERROR.
 */
enum tw_crypto_verdict tw_crypto_key_check(struct tw_crypto_ctx *ctx,
					   uint8_t alg, const uint8_t *key,
					   size_t key_len, unsigned int *bits);

/**
 * Hash a burst of (scattered) messages.
 *
 * @param ctx
 *   The context.
 * @param jobs
 *   The jobs; status and digest written.
 * @param n
 *   Number of jobs.
 * @return
 *   The number of jobs with status 0.
 */
unsigned int tw_crypto_hash_burst(struct tw_crypto_ctx *ctx,
				  struct tw_crypto_hash_job *jobs,
				  unsigned int n);

/**
 * Compute a burst of NSEC3 hashes (RFC 5155 5), the names of a batch
 * hashed side by side with their iterations in lock-step so that the
 * multi-buffer lanes stay full. Every SHA-1 computation is counted in
 * tw_crypto_stats.nsec3_hashes (the validator caps that work:
 * CVE-2023-50868).
 *
 * @param ctx
 *   The context.
 * @param jobs
 *   The jobs; status and hash written.
 * @param n
 *   Number of jobs.
 * @return
 *   The number of jobs with status 0.
 */
unsigned int tw_crypto_nsec3_burst(struct tw_crypto_ctx *ctx,
				   struct tw_crypto_nsec3_job *jobs,
				   unsigned int n);

/**
 * Compute a burst of DS digests (RFC 4034 5.1.4).
 *
 * @param ctx
 *   The context.
 * @param jobs
 *   The jobs; status, digest and digest_len written.
 * @param n
 *   Number of jobs.
 * @return
 *   The number of jobs with status 0.
 */
unsigned int tw_crypto_ds_burst(struct tw_crypto_ctx *ctx,
				struct tw_crypto_ds_job *jobs, unsigned int n);

/**
 * Read the counters.
 *
 * @param ctx
 *   The context.
 * @param st
 *   Receives a copy.
 */
void tw_crypto_stats_get(const struct tw_crypto_ctx *ctx,
			 struct tw_crypto_stats *st);

/**
 * Zero the counters.
 *
 * @param ctx
 *   The context.
 */
void tw_crypto_stats_reset(struct tw_crypto_ctx *ctx);

/**
 * Drop every cached verdict (e.g. after a trust-anchor change, or in a
 * benchmark). Keys stay cached.
 *
 * @param ctx
 *   The context.
 */
void tw_crypto_verdict_cache_flush(struct tw_crypto_ctx *ctx);

/**
 * Name a verdict.
 *
 * @param v
 *   A verdict.
 * @return
 *   A static string, e.g. "valid"; never NULL.
 */
const char *tw_crypto_verdict_str(enum tw_crypto_verdict v);

#ifdef __cplusplus
}
#endif

#endif /* TW_CRYPTO_H */
