/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen/zone.c: the benchmark harness's signed in-memory zone
 * (zone.h has the overview).
 *
 * Storage. The owners are kept sorted in canonical order (RFC 4034 6.1);
 * each holds its RRsets, rendered at build time into one blob as wire
 * RRs whose owner field is a 2-octet compression pointer (RFC 1035
 * 4.1.4) left to be filled in per answer:
 *
 *   [ptr][type][class][ttl][rdlen][rdata]   the RRset's RR (one per set)
 *   [ptr][46][class][ttl][rdlen][RRSIG]     right after it: its RRSIG
 *
 * Rdata names (SOA, NS, NSEC next, RRSIG signer) are never compressed,
 * so a chunk is position independent: an answer is the query's header
 * and question, then chunks copied whole, then the pointers stored. The
 * owner each pointer names is already in the message: the question name
 * itself when the owner is the qname (positive and NODATA answers); the
 * origin, a suffix of every in-zone qname, for the apex; otherwise (the
 * NSECs of an NXDOMAIN, the glue) the owner's labels below the origin
 * are written once in front of its first RR, whose pointer then ends the
 * name at the origin, and later RRs point at those labels.
 *
 * Lookup: an open-addressing hash table on the lowercased wire name; a
 * name that is not there is placed by a binary search over the sorted
 * owners (its covering NSEC, RFC 4035 3.1.3.2).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "tw_common.h"
#include "tw_dns.h"
#include "zone.h"

/* Our EDNS payload size (RFC 6891 6.2.5; the DNS flag day 2020 value). */
#define ZONE_UDP_SIZE 1232
/* Longest signature: RSA-2048. */
#define ZONE_SIG_MAX 256
/* Longest rdata we render: an SOA with two names below a long origin. */
#define ZONE_RDATA_MAX (2 * TW_DNS_NAME_MAX + 20)
/* Fixed part of an RR after its owner: type, class, TTL, rdlength. */
#define RR_FIXED 10
/* Fixed part of RRSIG rdata before the signer (RFC 4034 3.1). */
#define RRSIG_FIXED 18
#define OPT_LEN	    11
#define MAX_NAMES   10000000u
#define HASH_SEED   0x7477u

/* The RRsets an owner may have, in the order they are stored. */
enum zslot { Z_A, Z_AAAA, Z_SOA, Z_NS, Z_DNSKEY, Z_NSEC, Z_NSLOT };
static const uint16_t slot_type[Z_NSLOT] = {
	TW_DNS_T_A,  TW_DNS_T_AAAA,   TW_DNS_T_SOA,
	TW_DNS_T_NS, TW_DNS_T_DNSKEY, TW_DNS_T_NSEC,
};

/* Owner ids at build time: the apex, ns.<origin>, then n<i>. */
#define ID_APEX	 0u
#define ID_NS	 1u
#define ID_FIRST 2u

/* An RRset in the owner's chunk area: [rel, rel + len) then the RRSIG. */
struct zset {
	uint16_t rel; /* from the owner's base */
	uint16_t len; /* 0: the owner has no such RRset */
	uint16_t sig_len;
};

struct zowner {
	uint64_t base;	   /* its chunks in z->blob */
	uint32_t name_off; /* its lowercased wire name in z->names */
	uint32_t id;
	uint8_t name_len;
	struct zset set[Z_NSLOT];
};

struct zhash {
	uint32_t hash;
	uint32_t idx1; /* owner index + 1; 0: empty */
};

struct tw_gen_zone {
	uint8_t origin[TW_DNS_NAME_MAX];
	uint8_t origin_len;
	uint8_t alg;
	uint32_t ttl, inception, expiration, serial;
	unsigned n_names, n_owners;
	unsigned label_pad;  /* tw_gen_zone_params.label_pad */
	unsigned ns_idx;     /* ns.<origin> in own[] */
	unsigned wild_cover; /* the owner whose NSEC covers *.<origin> */
	uint64_t *key8;	     /* per owner: its top label's first octets */
	struct zowner *own;  /* canonical order; own[0] is the apex */
	uint8_t *names;
	struct zhash *tab;
	uint32_t tab_mask;
	uint8_t *blob;
	EVP_PKEY *pk;
	uint16_t sig_len, key_tag;
	uint16_t dnskey_len;
	uint8_t dnskey[4 + 4 + ZONE_SIG_MAX];
	char origin_str[4 * TW_DNS_NAME_MAX + 1];
};

/* ---- Keys (RFC 3110 2, RFC 6605 4, RFC 8080 3) -------------------------- */

/* The public key field of the DNSKEY rdata; its length or an error. */
static int
public_key(EVP_PKEY *pk, uint8_t alg, uint8_t *out, size_t cap)
{
	uint8_t pt[1 + 2 * 32];
	size_t n = 0;

	if (alg == 15) {
		n = cap;
		return EVP_PKEY_get_raw_public_key(pk, out, &n) == 1
			       ? (int)n
			       : -TW_EUNSUPP;
	}
	if (alg == 13) {
		/* uncompressed point 04 | x | y; the DNSKEY has x | y */
		if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY,
						    pt, sizeof(pt), &n) != 1 ||
		    n != sizeof(pt) || pt[0] != 4 || cap < n - 1)
			return -TW_EUNSUPP;
		memcpy(out, pt + 1, n - 1);
		return (int)(n - 1);
	}
	/* RSA: exponent length (one octet, e is short), exponent, modulus */
	BIGNUM *mod = NULL, *exp = NULL;
	int rc = -TW_EUNSUPP;

	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &mod) == 1 &&
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &exp) == 1 &&
	    BN_num_bytes(exp) < 256 &&
	    (size_t)(1 + BN_num_bytes(exp) + BN_num_bytes(mod)) <= cap) {
		size_t el = (size_t)BN_num_bytes(exp);

		out[0] = (uint8_t)el;
		BN_bn2bin(exp, out + 1);
		rc = 1 + (int)el + BN_bn2bin(mod, out + 1 + el);
	}
	BN_free(mod);
	BN_free(exp);
	return rc;
}

static int
make_key(struct tw_gen_zone *z)
{
	int n;

	if (z->alg == 8)
		z->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (z->alg == 13)
		z->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		z->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!z->pk)
		return -TW_EUNSUPP;
	/* RFC 4034 2.1: flags 257 (zone key, SEP), protocol 3 */
	tw_put16(z->dnskey, TW_DNSKEY_F_ZONE | TW_DNSKEY_F_SEP);
	z->dnskey[2] = 3;
	z->dnskey[3] = z->alg;
	n = public_key(z->pk, z->alg, z->dnskey + 4, sizeof(z->dnskey) - 4);
	if (n < 0)
		return n;
	z->dnskey_len = (uint16_t)(4 + n);
	z->key_tag = tw_dns_key_tag(z->dnskey, z->dnskey_len);
	/* RSA: the modulus size; ECDSA P-256 r | s and Ed25519: 64 */
	z->sig_len = z->alg == 8 ? (uint16_t)EVP_PKEY_get_size(z->pk) : 64;
	return z->sig_len <= ZONE_SIG_MAX ? 0 : -TW_EUNSUPP;
}

/* Sign data with the zone key into sig (z->sig_len octets). */
static int
sign_data(const struct tw_gen_zone *z, EVP_MD_CTX *mc, const uint8_t *data,
	  size_t len, uint8_t *sig)
{
	uint8_t raw[ZONE_SIG_MAX + 16];
	size_t rl = sizeof(raw);
	ECDSA_SIG *es;
	const uint8_t *p = raw;
	int ok;

	/* RSA: PKCS#1 v1.5 over SHA-256 (RFC 5702 3); ECDSA: SHA-256
	 * (RFC 6605); Ed25519 hashes internally (RFC 8080 4) */
	EVP_MD_CTX_reset(mc);
	if (EVP_DigestSignInit(mc, NULL, z->alg == 15 ? NULL : EVP_sha256(),
			       NULL, z->pk) != 1 ||
	    EVP_DigestSign(mc, raw, &rl, data, len) != 1)
		return -TW_EUNSUPP;
	if (z->alg != 13) {
		if (rl != z->sig_len)
			return -TW_EUNSUPP;
		memcpy(sig, raw, rl);
		return 0;
	}
	/* OpenSSL gives a DER SEQUENCE; RFC 6605 4 wants r | s, 32 each */
	es = d2i_ECDSA_SIG(NULL, &p, (long)rl);
	if (!es)
		return -TW_EUNSUPP;
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) == 32 &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) == 32;
	ECDSA_SIG_free(es);
	return ok ? 0 : -TW_EUNSUPP;
}

/* One verification as trustwire makes it (tw_gen_zone_verify_rate()). */
static bool
verify_once(const struct tw_gen_zone *z, EVP_PKEY_CTX *pc, EVP_MD_CTX *mc,
	    const uint8_t *sig, size_t sl, const uint8_t *msg, size_t ml,
	    const uint8_t *md)
{
	if (z->alg == 15) /* Ed25519: a fresh one-shot DigestVerify */
		return EVP_DigestVerifyInit(mc, NULL, NULL, NULL, z->pk) == 1 &&
		       EVP_DigestVerify(mc, sig, sl, msg, ml) == 1;
	return EVP_PKEY_verify(pc, sig, sl, md, 32) == 1;
}

double
tw_gen_zone_verify_rate(const struct tw_gen_zone *z, double seconds)
{
	uint8_t msg[64], md[32], sig[ZONE_SIG_MAX + 16];
	size_t sl = sizeof(sig);
	EVP_PKEY_CTX *pc = NULL;
	EVP_MD_CTX *mc = NULL;
	uint64_t t0, t1 = 0;
	double rate = 0;
	unsigned long n = 0;
	int ok = 1;

	memset(msg, 0x5a, sizeof(msg));
	mc = EVP_MD_CTX_new();
	if (mc == NULL || z == NULL || seconds <= 0)
		goto out;
	/* The signature, in OpenSSL's own form (DER for ECDSA). */
	if (EVP_DigestSignInit(mc, NULL, z->alg == 15 ? NULL : EVP_sha256(),
			       NULL, z->pk) != 1 ||
	    EVP_DigestSign(mc, sig, &sl, msg, sizeof(msg)) != 1)
		goto out;
	if (z->alg != 15) {
		unsigned int ml = sizeof(md);

		pc = EVP_PKEY_CTX_new(z->pk, NULL);
		if (pc == NULL ||
		    EVP_Digest(msg, sizeof(msg), md, &ml, EVP_sha256(), NULL) !=
			    1 ||
		    EVP_PKEY_verify_init(pc) <= 0 ||
		    EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) <= 0 ||
		    (z->alg == 8 &&
		     EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0))
			goto out;
	}
	t0 = tw_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	do {
		for (unsigned i = 0; i < 16 && ok; i++, n++)
			ok = verify_once(z, pc, mc, sig, sl, msg, sizeof(msg),
					 md);
		t1 = tw_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	} while (ok && (double)(t1 - t0) < seconds * 1e9);
	if (ok && t1 > t0)
		rate = (double)n * 1e9 / (double)(t1 - t0);
out:
	EVP_PKEY_CTX_free(pc);
	EVP_MD_CTX_free(mc);
	return rate;
}

/* ---- Rendering ---------------------------------------------------------- */

static const uint8_t *
owner_name(const struct tw_gen_zone *z, const struct zowner *o)
{
	return z->names + o->name_off;
}

/*
 * The label of name i: "n<i>", and with a label_pad, '-' and 0..label_pad
 * letters after it (none for about one name in label_pad + 2). The
 * length comes from a multiplicative hash of i, the letters from i and
 * their position: fixed for a given i, so the zone and the generator's
 * queries agree.
 */
static int
owner_label(const struct tw_gen_zone *z, unsigned i, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "n%u", i);
	unsigned k;

	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	if (z->label_pad == 0)
		return n;
	k = (unsigned)(((uint64_t)(i * 2654435761u) * (z->label_pad + 2)) >>
		       32);
	if (k == 0)
		return n;
	if ((size_t)n + 1 + (k - 1) >= cap)
		return -ENOSPC;
	buf[n++] = '-';
	for (unsigned j = 1; j < k; j++)
		buf[n++] = (char)('a' + (i * 7u + j * 13u) % 26u);
	buf[n] = '\0';
	return n;
}

/* Name "<label>.<origin>" into out; its length. */
static size_t
sub_name(const struct tw_gen_zone *z, const char *label, uint8_t *out)
{
	size_t l = strlen(label);

	out[0] = (uint8_t)l;
	memcpy(out + 1, label, l);
	memcpy(out + 1 + l, z->origin, z->origin_len);
	return 1 + l + z->origin_len;
}

/* Does owner id have the RRset of slot s? */
static bool
has_slot(uint32_t id, enum zslot s)
{
	switch (s) {
	case Z_A:
		return id != ID_APEX;
	case Z_AAAA:
		return id >= ID_FIRST;
	case Z_SOA:
	case Z_NS:
	case Z_DNSKEY:
		return id == ID_APEX;
	default:
		return true; /* NSEC */
	}
}

/*
 * NSEC type bit map (RFC 4034 4.1.2): our types are all below 256, so
 * one window (0), as long as its highest type needs.
 */
static size_t
nsec_bitmap(uint32_t id, uint8_t *out)
{
	uint8_t bits[32] = { 0 };
	unsigned top = TW_DNS_T_RRSIG;

	bits[TW_DNS_T_RRSIG / 8] |= (uint8_t)(0x80 >> (TW_DNS_T_RRSIG % 8));
	for (int s = 0; s < Z_NSLOT; s++) {
		unsigned t = slot_type[s];

		if (!has_slot(id, (enum zslot)s))
			continue;
		bits[t / 8] |= (uint8_t)(0x80 >> (t % 8));
		if (t > top)
			top = t;
	}
	out[0] = 0;
	out[1] = (uint8_t)(top / 8 + 1);
	memcpy(out + 2, bits, top / 8 + 1);
	return 2 + top / 8 + 1;
}

/*
 * The rdata of owner k's RRset in slot s (canonical: lowercase names,
 * uncompressed); its length, 0 when the owner has none.
 */
static size_t
slot_rdata(const struct tw_gen_zone *z, unsigned k, enum zslot s, uint8_t *rd)
{
	const struct zowner *o = &z->own[k];
	uint32_t i = o->id - ID_FIRST;
	size_t n;

	if (!has_slot(o->id, s))
		return 0;
	switch (s) {
	case Z_A:
		/* ns: 192.0.2.53 (RFC 5737); n<i>: 10.<i as 24 bits> */
		if (o->id == ID_NS) {
			memcpy(rd, "\xc0\x00\x02\x35", 4);
		} else {
			rd[0] = 10;
			rd[1] = (uint8_t)(i >> 16);
			rd[2] = (uint8_t)(i >> 8);
			rd[3] = (uint8_t)i;
		}
		return 4;
	case Z_AAAA:
		/* 2001:db8::<i> (RFC 3849) */
		memset(rd, 0, 16);
		memcpy(rd, "\x20\x01\x0d\xb8", 4);
		tw_put32(rd + 12, i);
		return 16;
	case Z_SOA:
		/* RFC 1035 3.3.13; MINIMUM = the TTL: RFC 2308 5 */
		n = sub_name(z, "ns", rd);
		n += sub_name(z, "hostmaster", rd + n);
		tw_put32(rd + n, z->serial);
		tw_put32(rd + n + 4, 3600);
		tw_put32(rd + n + 8, 900);
		tw_put32(rd + n + 12, 1209600);
		tw_put32(rd + n + 16, z->ttl);
		return n + 20;
	case Z_NS:
		return sub_name(z, "ns", rd);
	case Z_DNSKEY:
		memcpy(rd, z->dnskey, z->dnskey_len);
		return z->dnskey_len;
	default: {
		/* NSEC: the next owner, the last one wrapping to the apex
		 * (RFC 4034 4.1.1) */
		const struct zowner *nx = &z->own[(k + 1) % z->n_owners];

		memcpy(rd, owner_name(z, nx), nx->name_len);
		return nx->name_len + nsec_bitmap(o->id, rd + nx->name_len);
	}
	}
}

/* Write one chunk RR; the owner pointer is filled in per answer. */
static size_t
put_rr(uint8_t *p, uint16_t type, uint32_t ttl, const uint8_t *rd, size_t rl)
{
	tw_put16(p, 0xc000);
	tw_put16(p + 2, type);
	tw_put16(p + 4, TW_DNS_C_IN);
	tw_put32(p + 6, ttl);
	tw_put16(p + 10, (uint16_t)rl);
	memcpy(p + 2 + RR_FIXED, rd, rl);
	return 2 + RR_FIXED + rl;
}

/* Sizes and places of every chunk; the blob's total size. */
static uint64_t
layout(struct tw_gen_zone *z)
{
	uint8_t rd[ZONE_RDATA_MAX];
	uint64_t base = 0;
	uint16_t sig = (uint16_t)(2 + RR_FIXED + RRSIG_FIXED + z->origin_len +
				  z->sig_len);

	for (unsigned k = 0; k < z->n_owners; k++) {
		struct zowner *o = &z->own[k];
		uint16_t rel = 0;

		o->base = base;
		for (int s = 0; s < Z_NSLOT; s++) {
			size_t rl = slot_rdata(z, k, (enum zslot)s, rd);

			if (!rl)
				continue;
			o->set[s].rel = rel;
			o->set[s].len = (uint16_t)(2 + RR_FIXED + rl);
			o->set[s].sig_len = sig;
			rel = (uint16_t)(rel + o->set[s].len + sig);
		}
		base += rel;
	}
	return base;
}

/* Per signing thread. */
struct signer {
	struct tw_gen_zone *z;
	unsigned from, to;
	int rc;
};

/*
 * Render and sign owner k's RRsets (RFC 4034 3.1.8.1): the RRSIG rdata
 * without its signature, then tw_dns_sigdata() for the signed data.
 */
static int
fill_owner(struct tw_gen_zone *z, unsigned k, EVP_MD_CTX *mc)
{
	const struct zowner *o = &z->own[k];
	const uint8_t *owner = owner_name(z, o);
	uint8_t rd[ZONE_RDATA_MAX], data[4 * TW_DNS_NAME_MAX + ZONE_RDATA_MAX];
	uint8_t sig[RRSIG_FIXED + TW_DNS_NAME_MAX + ZONE_SIG_MAX];
	size_t sl = RRSIG_FIXED + z->origin_len;

	for (int s = 0; s < Z_NSLOT; s++) {
		size_t rl = slot_rdata(z, k, (enum zslot)s, rd);
		uint8_t *p = z->blob + o->base + o->set[s].rel;
		struct tw_dns_rdata_ref ref = { rd, (uint16_t)rl };
		int dl, rc;

		if (!rl)
			continue;
		put_rr(p, slot_type[s], z->ttl, rd, rl);
		/* RFC 4034 3.1: no wildcards here, labels = the owner's */
		tw_put16(sig, slot_type[s]);
		sig[2] = z->alg;
		sig[3] = (uint8_t)tw_dns_name_labels(owner);
		tw_put32(sig + 4, z->ttl);
		tw_put32(sig + 8, z->expiration);
		tw_put32(sig + 12, z->inception);
		tw_put16(sig + 16, z->key_tag);
		memcpy(sig + RRSIG_FIXED, z->origin, z->origin_len);
		dl = tw_dns_sigdata(sig, sl, owner, slot_type[s], TW_DNS_C_IN,
				    &ref, 1, data, sizeof(data));
		if (dl < 0)
			return dl;
		rc = sign_data(z, mc, data, (size_t)dl, sig + sl);
		if (rc < 0)
			return rc;
		put_rr(p + o->set[s].len, TW_DNS_T_RRSIG, z->ttl, sig,
		       sl + z->sig_len);
	}
	return 0;
}

static void *
sign_range(void *arg)
{
	struct signer *sg = arg;
	EVP_MD_CTX *mc = EVP_MD_CTX_new();

	sg->rc = mc ? 0 : -ENOMEM;
	for (unsigned k = sg->from; k < sg->to && sg->rc == 0; k++)
		sg->rc = fill_owner(sg->z, k, mc);
	EVP_MD_CTX_free(mc);
	return NULL;
}

/* Sign every owner, on n_threads threads (the caller's one of them). */
static int
sign_all(struct tw_gen_zone *z, unsigned n_threads)
{
	struct signer sg[64];
	pthread_t th[64];
	unsigned started = 0;
	int rc = 0;

	if (n_threads < 1)
		n_threads = 1;
	if (n_threads > TW_ARRAY_SIZE(sg))
		n_threads = TW_ARRAY_SIZE(sg);
	for (unsigned t = 0; t < n_threads; t++) {
		sg[t].z = z;
		sg[t].from = (unsigned)((uint64_t)z->n_owners * t / n_threads);
		sg[t].to =
			(unsigned)((uint64_t)z->n_owners * (t + 1) / n_threads);
		sg[t].rc = 0;
	}
	for (unsigned t = 1; t < n_threads; t++) {
		if (pthread_create(&th[t], NULL, sign_range, &sg[t]) != 0) {
			rc = -EAGAIN;
			break;
		}
		started = t;
	}
	sign_range(&sg[0]);
	for (unsigned t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	for (unsigned t = 0; t <= started && rc == 0; t++)
		rc = sg[t].rc;
	return rc;
}

/* ---- Owners, order and lookup ------------------------------------------ */

struct sort_ent {
	const uint8_t *name;
	uint32_t id;
};

static int
sort_cmp(const void *a, const void *b)
{
	return tw_dns_name_cmp(((const struct sort_ent *)a)->name,
			       ((const struct sort_ent *)b)->name);
}

static uint32_t
name_hash(const uint8_t *name, size_t len)
{
	return tw_dns_qkey_hash(name, len, HASH_SEED);
}

/* Index of the owner named name (lowercased wire), or -1. */
static int
lookup(const struct tw_gen_zone *z, const uint8_t *name, size_t len)
{
	uint32_t h = name_hash(name, len);

	for (uint32_t i = h & z->tab_mask;; i = (i + 1) & z->tab_mask) {
		const struct zhash *e = &z->tab[i];
		const struct zowner *o;

		if (e->idx1 == 0)
			return -1;
		o = &z->own[e->idx1 - 1];
		if (e->hash == h && o->name_len == len &&
		    memcmp(owner_name(z, o), name, len) == 0)
			return (int)(e->idx1 - 1);
	}
}

/*
 * Canonical order (RFC 4034 6.1) inside this zone: every owner but the
 * apex is one label below the origin, so names in the zone are ordered
 * by their "top label", the one just below the origin (none for the
 * apex, which sorts first), and a name longer than an owner sorts right
 * after the owner whose top label it shares. The NSEC covering a name
 * that does not exist (RFC 4035 3.1.3.2) is thus that of the last owner
 * whose top label is <= the name's: a binary search over the owners'
 * top labels, first on their first 8 octets (z->key8), then whole.
 */
static uint64_t
label_key8(const uint8_t *lab, size_t len)
{
	uint64_t k = 0;

	/* big-endian, zero padded: a shorter label that is a prefix never
	 * sorts after the longer one (6.1: the prefix comes first) */
	for (size_t i = 0; i < 8; i++)
		k = k << 8 | (i < len ? lab[i] : 0u);
	return k;
}

/* Owner k's top label vs lab (len octets, lowercase): <0, 0, >0. */
static int
top_cmp(const struct tw_gen_zone *z, unsigned k, const uint8_t *lab, size_t len,
	uint64_t key)
{
	const struct zowner *o = &z->own[k];
	const uint8_t *ol = owner_name(z, o);
	size_t n = o->name_len > z->origin_len ? ol[0] : 0;
	int c;

	if (z->key8[k] != key)
		return z->key8[k] < key ? -1 : 1;
	c = memcmp(ol + 1, lab, n < len ? n : len);
	return c ? c : (int)n - (int)len;
}

static unsigned
covering(const struct tw_gen_zone *z, const uint8_t *lab, size_t len)
{
	uint64_t key = label_key8(lab, len);
	unsigned lo = 0, hi = z->n_owners; /* own[lo] <= lab < own[hi] */

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (top_cmp(z, mid, lab, len, key) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The owners, named and sorted (RFC 4034 6.1), and the hash table.
 * Names are written into z->names as "n<i>" | origin.
 */
static int
make_owners(struct tw_gen_zone *z)
{
	struct sort_ent *ent;
	uint8_t *p;
	uint32_t cap = 4;

	z->n_owners = z->n_names + ID_FIRST;
	z->names = tw_malloc((size_t)z->n_owners *
			     (z->origin_len + 12u + z->label_pad));
	z->own = tw_calloc(z->n_owners, sizeof(*z->own));
	ent = tw_malloc((size_t)z->n_owners * sizeof(*ent));
	while (cap < 2 * z->n_owners)
		cap *= 2;
	z->tab = tw_calloc(cap, sizeof(*z->tab));
	z->tab_mask = cap - 1;
	z->key8 = tw_calloc(z->n_owners, sizeof(*z->key8));
	if (!z->names || !z->own || !ent || !z->tab || !z->key8) {
		tw_free(ent);
		return -ENOMEM;
	}
	p = z->names;
	for (uint32_t id = 0; id < z->n_owners; id++) {
		char label[TW_DNS_LABEL_MAX + 1];

		ent[id].name = p;
		ent[id].id = id;
		if (id == ID_APEX) {
			memcpy(p, z->origin, z->origin_len);
			p += z->origin_len;
			continue;
		}
		if (id == ID_NS)
			snprintf(label, sizeof(label), "ns");
		else
			owner_label(z, id - ID_FIRST, label, sizeof(label));
		p += sub_name(z, label, p);
	}
	qsort(ent, z->n_owners, sizeof(*ent), sort_cmp);
	for (unsigned k = 0; k < z->n_owners; k++) {
		struct zowner *o = &z->own[k];
		uint32_t h;

		o->name_off = (uint32_t)(ent[k].name - z->names);
		o->name_len = (uint8_t)tw_dns_name_len(ent[k].name);
		o->id = ent[k].id;
		if (o->id == ID_NS)
			z->ns_idx = k;
		if (o->id != ID_APEX)
			z->key8[k] =
				label_key8(ent[k].name + 1, ent[k].name[0]);
		h = name_hash(ent[k].name, o->name_len);
		for (uint32_t i = h & z->tab_mask;; i = (i + 1) & z->tab_mask)
			if (z->tab[i].idx1 == 0) {
				z->tab[i].hash = h;
				z->tab[i].idx1 = k + 1;
				break;
			}
	}
	tw_free(ent);
	z->wild_cover = covering(z, (const uint8_t *)"*", 1);
	return 0;
}

/* ---- Build ---------------------------------------------------------------- */

int
tw_gen_zone_build(const struct tw_gen_zone_params *p, struct tw_gen_zone **out)
{
	struct tw_gen_zone *z;
	uint64_t size;
	int n, rc;

	if (!p || !out || !p->origin)
		return -EINVAL;
	*out = NULL;
	if ((p->alg != 8 && p->alg != 13 && p->alg != 15) ||
	    p->n_names > MAX_NAMES || p->label_pad > TW_GEN_NAME_PAD_MAX)
		return -EINVAL;
	z = tw_calloc(1, sizeof(*z));
	if (!z)
		return -ENOMEM;
	n = tw_dns_name_from_str(p->origin, z->origin);
	/* room for "hostmaster." and "n9999999-<pad>." below it */
	if (n < 0 || n + 11 + (int)p->label_pad > TW_DNS_NAME_MAX) {
		tw_free(z);
		return -EINVAL;
	}
	tw_dns_name_lower(z->origin);
	z->origin_len = (uint8_t)n;
	tw_dns_name_to_str(z->origin, z->origin_str, sizeof(z->origin_str));
	z->alg = p->alg;
	z->ttl = p->ttl;
	z->serial = p->now;
	z->inception = p->now - 3600u;
	z->expiration = p->now + 30u * 86400u;
	z->n_names = p->n_names;
	z->label_pad = p->label_pad;
	rc = make_key(z);
	if (rc == 0)
		rc = make_owners(z);
	if (rc == 0) {
		size = layout(z);
		z->blob = size < SIZE_MAX ? tw_malloc((size_t)size) : NULL;
		rc = z->blob ? sign_all(z, p->threads) : -ENOMEM;
	}
	if (rc < 0) {
		tw_gen_zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

void
tw_gen_zone_free(struct tw_gen_zone *z)
{
	if (!z)
		return;
	EVP_PKEY_free(z->pk);
	tw_free(z->blob);
	tw_free(z->tab);
	tw_free(z->own);
	tw_free(z->key8);
	tw_free(z->names);
	tw_free(z);
}

int
tw_gen_zone_anchor(const struct tw_gen_zone *z, char *buf, size_t cap)
{
	if (!z || !buf)
		return -EINVAL;
	return tw_dns_rr_to_str(z->origin, TW_DNS_T_DNSKEY, TW_DNS_C_IN, z->ttl,
				z->dnskey, z->dnskey_len, buf, cap);
}

int
tw_gen_zone_name(const struct tw_gen_zone *z, unsigned i, char *buf, size_t cap)
{
	char label[TW_DNS_LABEL_MAX + 1];
	int n;

	if (!z || !buf || i >= z->n_names)
		return -EINVAL;
	if (owner_label(z, i, label, sizeof(label)) < 0)
		return -ENOSPC;
	/* the root origin prints as "." */
	n = snprintf(buf, cap, "%s.%s", label,
		     z->origin_len == 1 ? "" : z->origin_str);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

unsigned
tw_gen_zone_count(const struct tw_gen_zone *z)
{
	return z ? z->n_names : 0;
}

/* ---- Answers -------------------------------------------------------------- */

/* The response under construction. */
struct resp {
	uint8_t *buf;
	size_t len, end; /* end: the size we may use, OPT excluded */
	bool over;
	uint16_t origin_at; /* the origin inside the question name */
	uint16_t count[4];
};

/*
 * Append owner o's RRset in slot s, with its RRSIG when dnssec, to
 * section sec. *at is where the owner's name is in the message, 0 when it
 * is not there yet (see the top of the file).
 */
static void
put_set(struct resp *r, const struct tw_gen_zone *z, const struct zowner *o,
	enum zslot s, bool dnssec, enum tw_dns_section sec, uint16_t *at)
{
	const struct zset *zs = &o->set[s];
	size_t rel = (size_t)o->name_len - z->origin_len;
	size_t len = zs->len + (dnssec ? zs->sig_len : 0u);
	size_t need = (*at ? 0 : rel) + len, off = 0;
	uint16_t first;
	uint8_t *p;

	/* a pointer reaches 14 bits (RFC 1035 4.1.4) */
	if (r->over || need > r->end - r->len || r->len > 0x3fff) {
		r->over = true;
		return;
	}
	first = *at;
	if (!*at) {
		/* the labels below the origin, ended by the first pointer */
		*at = rel ? (uint16_t)r->len : r->origin_at;
		first = r->origin_at;
		memcpy(r->buf + r->len, owner_name(z, o), rel);
		r->len += rel;
	}
	p = r->buf + r->len;
	memcpy(p, z->blob + o->base + zs->rel, len);
	r->len += len;
	while (off < len) {
		tw_put16(p + off, (uint16_t)(0xc000 | first));
		first = *at;
		off += 2 + RR_FIXED + tw_get16(p + off + 10);
		r->count[sec]++;
	}
}

/* The query's EDNS (RFC 6891 6.1.2), or none. */
struct qedns {
	bool on;
	uint8_t version;
	uint16_t size;
	uint16_t flags;
};

static int
query_edns(const uint8_t *q, size_t qlen, size_t off, struct qedns *e)
{
	struct tw_dns_msg m;

	memset(e, 0, sizeof(*e));
	if (tw_get16(q + 6) == 0 && tw_get16(q + 8) == 0) {
		if (tw_get16(q + 10) == 0)
			return 0;
		/* the usual query: one bare OPT RR after the question */
		if (tw_get16(q + 10) == 1 && qlen == off + OPT_LEN &&
		    q[off] == 0 && tw_get16(q + off + 1) == TW_DNS_T_OPT &&
		    tw_get16(q + off + 9) == 0) {
			e->on = true;
			e->size = tw_get16(q + off + 3);
			e->version = q[off + 6];
			e->flags = tw_get16(q + off + 7);
			return 0;
		}
	}
	/* anything else: the full parser checks it */
	if (tw_dns_parse(&m, q, qlen) < 0)
		return -EINVAL;
	e->on = m.edns.present;
	e->size = m.edns.udp_size;
	e->version = m.edns.version;
	e->flags = m.edns.flags;
	return 0;
}

/*
 * NXDOMAIN proof with DNSSEC (RFC 4035 3.1.3.2): the NSEC covering the
 * name, and the NSEC covering the wildcard at the closest encloser, if
 * that is another one. The closest encloser is the owner of the covering
 * NSEC when the name is below it (its wildcard sorts right after it:
 * the same NSEC), else the apex (z->wild_cover, found at build time).
 * top: the offset of the name's top label.
 */
static void
put_nxdomain_proof(struct resp *r, const struct tw_gen_zone *z,
		   const uint8_t *name, size_t top)
{
	const uint8_t *lab = name + top + 1;
	unsigned a = covering(z, lab, name[top]), b = z->wild_cover;
	uint16_t at = 0;

	if (top > 0 && top_cmp(z, a, lab, name[top], z->key8[a]) == 0)
		b = a;
	put_set(r, z, &z->own[a], Z_NSEC, true, TW_DNS_SEC_NS, &at);
	at = 0;
	if (b != a)
		put_set(r, z, &z->own[b], Z_NSEC, true, TW_DNS_SEC_NS, &at);
}

/*
 * Is the lowercased wire name (len octets) in the zone? The offset of
 * its top label (len - origin_len for the apex itself), or -1.
 */
static int
in_zone(const struct tw_gen_zone *z, const uint8_t *name, size_t len)
{
	size_t off = 0, top = 0;

	if (len < z->origin_len)
		return -1;
	while (len - off > z->origin_len) {
		top = off;
		off += 1u + name[off];
	}
	if (len - off != z->origin_len ||
	    memcmp(name + off, z->origin, z->origin_len) != 0)
		return -1;
	return (int)(off == 0 ? len - z->origin_len : top);
}

/*
 * Types answered REFUSED at any name: 0, OPT (RFC 6891 6.1.1), RRSIG
 * (RFC 4035 3.2.2 allows that; a forwarder has no RRSIG RRset to give),
 * and the meta types and QTYPEs 128-255 (RFC 6895 3.1: TKEY, TSIG, IXFR,
 * AXFR, MAILB, MAILA, ANY).
 */
static bool
refused_type(uint16_t t)
{
	return t == 0 || t == TW_DNS_T_OPT || t == TW_DNS_T_RRSIG ||
	       (t >= 128 && t <= 255);
}

static int
slot_of(uint16_t t)
{
	for (int s = 0; s < Z_NSLOT; s++)
		if (slot_type[s] == t)
			return s;
	return -1;
}

/* The sections of an answer for a question in the zone; the RCODE. */
static uint8_t
put_sections(struct resp *r, const struct tw_gen_zone *z, const uint8_t *name,
	     size_t name_len, size_t top, uint16_t qtype, bool dnssec)
{
	int k = lookup(z, name, name_len), s = slot_of(qtype);
	uint16_t at_q = TW_DNS_HDR_LEN, at_apex = r->origin_at, at_ns = 0;
	const struct zowner *o = k >= 0 ? &z->own[k] : NULL;

	if (o && s >= 0 && o->set[s].len) {
		put_set(r, z, o, (enum zslot)s, dnssec, TW_DNS_SEC_AN, &at_q);
		if (s == Z_NS) {
			/* glue for ns.<origin> (RFC 1035 3.3.11) */
			put_set(r, z, &z->own[z->ns_idx], Z_A, dnssec,
				TW_DNS_SEC_AR, &at_ns);
		}
		return TW_DNS_RCODE_NOERROR;
	}
	/* RFC 2308 3: the SOA in the authority section */
	put_set(r, z, &z->own[0], Z_SOA, dnssec, TW_DNS_SEC_NS, &at_apex);
	if (o) {
		/* NODATA: the owner's NSEC lacks the type (RFC 4035
		 * 3.1.3.1) */
		if (dnssec)
			put_set(r, z, o, Z_NSEC, true, TW_DNS_SEC_NS, &at_q);
		return TW_DNS_RCODE_NOERROR;
	}
	if (dnssec)
		put_nxdomain_proof(r, z, name, top);
	return TW_DNS_RCODE_NXDOMAIN;
}

static void
put_opt(struct resp *r, const struct qedns *e, uint8_t ext_rcode)
{
	uint8_t *p = r->buf + r->len;

	/* RFC 6891 6.1.2; DO copied back (RFC 3225 3) */
	p[0] = 0;
	tw_put16(p + 1, TW_DNS_T_OPT);
	tw_put16(p + 3, ZONE_UDP_SIZE);
	p[5] = ext_rcode;
	p[6] = 0;
	tw_put16(p + 7, e->flags & TW_DNS_EDNS_DO);
	tw_put16(p + 9, 0);
	r->len += OPT_LEN;
	r->count[TW_DNS_SEC_AR]++;
}

int
tw_gen_zone_answer(const struct tw_gen_zone *z, const uint8_t *q, size_t qlen,
		   uint8_t *out, size_t cap)
{
	struct tw_dns_qkey k;
	struct qedns e;
	struct resp r;
	size_t limit, qend;
	uint16_t qtype, qclass, flags;
	uint8_t rcode = TW_DNS_RCODE_NOERROR, ext = 0;
	int top = -1;
	int n = z && q && out ? tw_dns_qkey_parse(q, qlen, 0, &k) : -EINVAL;

	/* one question, QR clear, uncompressed name (RFC 1035 4.1.2) */
	if (n < 0)
		return -EINVAL;
	qend = (size_t)n;
	if (query_edns(q, qlen, qend, &e) < 0)
		return -EINVAL;
	qtype = tw_get16(k.key + k.name_len);
	qclass = tw_get16(k.key + k.name_len + 2);
	/* RFC 1035 4.2.1 (512 without EDNS), RFC 6891 6.2.5 */
	limit = e.on && e.size > 512 ? e.size : 512;
	if (cap < qend + (e.on ? OPT_LEN : 0u))
		return -ENOSPC;

	memset(&r, 0, sizeof(r));
	r.buf = out;
	r.len = qend;
	r.end = (limit < cap ? limit : cap) - (e.on ? OPT_LEN : 0u);
	r.origin_at = (uint16_t)(TW_DNS_HDR_LEN + k.name_len - z->origin_len);
	/* out may be q: the header is read again below, before it is
	 * written */
	memmove(out + TW_DNS_HDR_LEN, q + TW_DNS_HDR_LEN,
		qend - TW_DNS_HDR_LEN);

	if ((tw_get16(q + 2) & TW_DNS_F_OPCODE_MASK) != 0) {
		rcode = TW_DNS_RCODE_NOTIMP; /* RFC 1035 4.1.1 */
	} else if (e.on && e.version != 0) {
		ext = TW_DNS_RCODE_BADVERS >> 4; /* RFC 6891 6.1.3 */
	} else if (qclass != TW_DNS_C_IN || refused_type(qtype) ||
		   (top = in_zone(z, k.key, k.name_len)) < 0) {
		rcode = TW_DNS_RCODE_REFUSED;
	} else if (qtype == TW_DNS_T_DS && k.name_len == z->origin_len) {
		/*
		 * DS belongs to the parent side of the cut (RFC 4035 3.1.4.1)
		 * and there is no parent here: we refuse rather than answer
		 * NODATA from the child, which would be a wrong proof. The
		 * validator holds the anchor at the apex and never asks.
		 */
		rcode = TW_DNS_RCODE_REFUSED;
	} else {
		rcode = put_sections(&r, z, k.key, k.name_len, (size_t)top,
				     qtype, e.on && (e.flags & TW_DNS_EDNS_DO));
	}
	if (r.over) {
		/* too long for the requestor: empty and TC (RFC 2181 9) */
		if (limit > cap)
			return -ENOSPC;
		r.len = qend;
		memset(r.count, 0, sizeof(r.count));
	}
	if (e.on)
		put_opt(&r, &e, ext);

	flags = tw_get16(q + 2) &
		(TW_DNS_F_OPCODE_MASK | TW_DNS_F_RD | TW_DNS_F_CD);
	flags |= TW_DNS_F_QR | TW_DNS_F_RA | rcode | (r.over ? TW_DNS_F_TC : 0);
	memmove(out, q, 2); /* ID (out may be q) */
	tw_put16(out + 2, flags);
	tw_put16(out + 4, 1);
	tw_put16(out + 6, r.count[TW_DNS_SEC_AN]);
	tw_put16(out + 8, r.count[TW_DNS_SEC_NS]);
	tw_put16(out + 10, r.count[TW_DNS_SEC_AR]);
	return (int)r.len;
}
