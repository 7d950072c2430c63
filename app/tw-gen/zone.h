/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen/zone: an in-memory DNSSEC-signed zone that answers queries
 * fast, the "fast upstream" of the benchmark harness (doc/performance.md).
 *
 * The zone <origin> holds:
 *   <origin>          SOA, NS ns.<origin>, DNSKEY (one key, flags 257,
 *                     signing everything), NSEC
 *   ns.<origin>       A 192.0.2.53, NSEC
 *   n<i>.<origin>     A 10.x.y.z and AAAA 2001:db8::<i> (i < n_names), NSEC
 * every RRset signed (RFC 4034 3) at build time, the NSEC chain in
 * canonical order (RFC 4034 6.1). Answers are put together from RRs
 * rendered once at build time: a query costs a hash lookup on the
 * lowercased name (a binary search over the sorted owners for a name
 * that does not exist), a few memcpy and pointer stores, no allocation.
 *
 * It answers as a forwarding recursive resolver would (RA set, AA and AD
 * clear, RD and CD copied, the question copied as asked, an OPT RR when
 * the query had one, RRSIGs and NSEC proofs only for DO=1):
 *   A/AAAA/NS/SOA/DNSKEY/NSEC that exist     the RRset (+ RRSIG)
 *   another type at an existing name          NODATA (RFC 4035 3.1.3.1)
 *   a name that does not exist                NXDOMAIN (RFC 4035 3.1.3.2)
 *   DS at the apex, ANY, RRSIG, meta types,   REFUSED (see zone.c)
 *   class other than IN, name outside origin
 *   opcode other than QUERY                   NOTIMP
 *   EDNS version other than 0                 BADVERS (RFC 6891 6.1.3)
 * A response longer than the requestor's payload size (512 without EDNS,
 * RFC 1035 4.2.1; RFC 6891 6.2.5) is sent empty with TC set.
 *
 * Thread safety: after tw_gen_zone_build() returns, the zone is read
 * only; tw_gen_zone_answer(), _anchor() and _name() may be called from
 * any number of threads at once.
 */
#ifndef TW_GEN_ZONE_H
#define TW_GEN_ZONE_H

#include <stddef.h>
#include <stdint.h>

struct tw_gen_zone;

struct tw_gen_zone_params {
	/* apex in presentation form, e.g. "bench." ; the trust anchor sits
	 * here */
	const char *origin;
	/* 8 RSASHA256 (2048-bit key), 13 ECDSAP256SHA256, 15 ED25519 */
	uint8_t alg;
	/* owners n0.<origin> ... n<N-1>.<origin>, each with one A and one
	 * AAAA */
	unsigned n_names;
	/* 0: the owners' labels are "n<i>"; 1..TW_GEN_NAME_PAD_MAX: "n<i>"
	 * then, for most names, '-' and up to this many letters, a length
	 * drawn per name (fixed by i), so the names' lengths vary as real
	 * ones do (the labels differ in length by up to label_pad + 1) */
	unsigned label_pad;
	/* UNIX time: RRSIG inception now-3600, expiration now+30 days */
	uint32_t now;
	/* TTL of every RR (e.g. 3600) */
	uint32_t ttl;
	/* signing threads; 0 or 1: the calling thread only */
	unsigned threads;
};

/* Largest tw_gen_zone_params.label_pad: "n<8 digits>-" + 40 letters is
 * 50 octets, inside the 63 of a label. */
#define TW_GEN_NAME_PAD_MAX 40

/*
 * Generate the key(s) with OpenSSL, build and sign everything.
 * @return 0; -EINVAL (NULL argument, bad origin, alg not 8/13/15, a
 *   name too long, n_names over 10,000,000); -ENOMEM; -TW_EUNSUPP
 *   (OpenSSL failed to make a key or a signature); -EAGAIN (a signing
 *   thread could not be started). Prints nothing.
 */
int tw_gen_zone_build(const struct tw_gen_zone_params *p,
		      struct tw_gen_zone **out);

/*
 * The trust anchor for trustwire's --trust-anchor file: one DNSKEY
 * zone-file line ("bench. 3600 IN DNSKEY 257 3 8 AwEAA..."),
 * NUL-terminated, no newline.
 * @return its length; -ENOSPC (cap too small); -EINVAL.
 */
int tw_gen_zone_anchor(const struct tw_gen_zone *z, char *buf, size_t cap);

/*
 * Answer one DNS query message q[0..qlen) into out (cap octets); out
 * may be q itself (answered in place).
 * @return the response length; -EINVAL (malformed query: short, QR set,
 *   QDCOUNT not 1, compressed or bad question name, a malformed OPT or
 *   other RR after the question); -ENOSPC (the response does not fit in
 *   cap).
 */
int tw_gen_zone_answer(const struct tw_gen_zone *z, const uint8_t *q,
		       size_t qlen, uint8_t *out, size_t cap);

/*
 * The owner name of name i in presentation form, e.g. "n42.bench." (for
 * the generator's query list).
 * @return its length; -EINVAL (i >= n_names); -ENOSPC.
 */
int tw_gen_zone_name(const struct tw_gen_zone *z, unsigned i, char *buf,
		     size_t cap);

/*
 * OpenSSL's own verification rate for the zone's key, in this thread:
 * what `openssl speed` measures (one EVP_PKEY_verify() per signature
 * for RSA and ECDSA on a verify-initialised context, a fresh
 * EVP_DigestVerify() for Ed25519, as trustwire calls them), over a
 * signature of a fixed 64-octet message made once, for @p seconds of
 * this thread's CPU time. For a yardstick taken right beside each
 * measured pass (tw-gen --miss-rounds).
 * @return verifications per CPU second; 0 when OpenSSL failed.
 */
double tw_gen_zone_verify_rate(const struct tw_gen_zone *z, double seconds);

/* Number of n<i> names (the params' n_names). */
unsigned tw_gen_zone_count(const struct tw_gen_zone *z);

void tw_gen_zone_free(struct tw_gen_zone *z);

#endif
