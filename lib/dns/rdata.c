/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed access to DNSSEC rdata (RFC 4034, RFC 5155). These rdata never
 * hold compressed names, so the accessors take the rdata bytes alone and
 * return pointers into them.
 */
#include <stdbool.h>
#include <stdint.h>

#include "dns_priv.h"
#include "tw_dns.h"

/*
 * RFC 4034 appendix B: the 16-bit one's-complement-like sum of the rdata
 * taken as big-endian 16-bit words. Algorithm 1 (RSA/MD5) is different
 * (B.1): the most significant 16 bits of the least significant 24 bits of
 * the modulus, i.e. the third- and second-to-last octets of the rdata.
 */
uint16_t
tw_dns_key_tag(const uint8_t *rdata, size_t rdlen)
{
	uint32_t ac = 0;
	size_t i;

	if (rdlen >= 4 && rdata[3] == 1)
		return rdlen >= 4 + 3 ? tw_get16(rdata + rdlen - 3) : 0;
	for (i = 0; i + 1 < rdlen; i += 2)
		ac += tw_get16(rdata + i);
	if (i < rdlen)
		ac += (uint32_t)rdata[i] << 8;
	ac += ac >> 16;
	return (uint16_t)ac;
}

/*
 * DNSKEY (RFC 4034 2.1): FLAGS(2) PROTOCOL(1) ALGORITHM(1) PUBLIC KEY.
 * The protocol value is reported, not judged: a key with protocol != 3
 * is well-formed rdata that the validator must not use (2.1.2).
 */
int
tw_dns_rdata_dnskey(const uint8_t *rdata, size_t rdlen,
		    struct tw_dns_dnskey *out)
{
	if (rdlen < 4 || rdlen > UINT16_MAX)
		return -TW_ERDATA;
	out->flags = tw_get16(rdata);
	out->protocol = rdata[2];
	out->algorithm = rdata[3];
	out->key = rdata + 4;
	out->key_len = (uint16_t)(rdlen - 4);
	out->key_tag = tw_dns_key_tag(rdata, rdlen);
	return 0;
}

/* DS (RFC 4034 5.1): KEY TAG(2) ALGORITHM(1) DIGEST TYPE(1) DIGEST. */
int
tw_dns_rdata_ds(const uint8_t *rdata, size_t rdlen, struct tw_dns_ds *out)
{
	/* A DS without a digest cannot match any key. */
	if (rdlen < 5 || rdlen > UINT16_MAX)
		return -TW_ERDATA;
	out->key_tag = tw_get16(rdata);
	out->algorithm = rdata[2];
	out->digest_type = rdata[3];
	out->digest = rdata + 4;
	out->digest_len = (uint16_t)(rdlen - 4);
	return 0;
}

/*
 * RRSIG (RFC 4034 3.1): TYPE COVERED(2) ALGORITHM(1) LABELS(1)
 * ORIGINAL TTL(4) EXPIRATION(4) INCEPTION(4) KEY TAG(2) SIGNER'S NAME
 * (uncompressed, 3.1.7) SIGNATURE.
 */
int
tw_dns_rdata_rrsig(const uint8_t *rdata, size_t rdlen, struct tw_dns_rrsig *out)
{
	int n;

	if (rdlen < 18 + 1 || rdlen > UINT16_MAX)
		return -TW_ERDATA;
	n = tw_dns_name_check(rdata + 18, rdlen - 18);
	if (n < 0)
		return -TW_ERDATA;
	out->type_covered = tw_get16(rdata);
	out->algorithm = rdata[2];
	out->labels = rdata[3];
	out->orig_ttl = tw_get32(rdata + 4);
	out->expiration = tw_get32(rdata + 8);
	out->inception = tw_get32(rdata + 12);
	out->key_tag = tw_get16(rdata + 16);
	out->signer = rdata + 18;
	out->signer_len = (uint16_t)n;
	out->signed_len = (uint16_t)(18 + n);
	out->sig = rdata + out->signed_len;
	out->sig_len = (uint16_t)(rdlen - out->signed_len);
	return 0;
}

int
tw_dns_bitmap_check(const uint8_t *bitmap, size_t len)
{
	size_t p = 0;
	int last = -1;

	while (p < len) {
		uint8_t win, blen;

		if (len - p < 2)
			return -TW_ERDATA;
		win = bitmap[p];
		blen = bitmap[p + 1];
		/* RFC 4034 4.1.2: windows in increasing order, each once;
		 * bitmap length 1..32; trailing zero octets omitted. */
		if ((int)win <= last || blen == 0 || blen > 32 ||
		    blen > len - p - 2 || bitmap[p + 1 + blen] == 0)
			return -TW_ERDATA;
		last = win;
		p += 2 + (size_t)blen;
	}
	return 0;
}

bool
tw_dns_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type)
{
	unsigned win = type >> 8, bit = type & 0xff;
	size_t p = 0;

	/* Bounds-checked even though the bitmap has been validated. */
	while (len - p >= 2) {
		unsigned w = bitmap[p], blen = bitmap[p + 1];

		if (blen > len - p - 2)
			return false;
		if (w == win)
			return bit / 8 < blen &&
			       (bitmap[p + 2 + bit / 8] & (0x80 >> (bit % 8)));
		if (w > win)
			return false;
		p += 2 + blen;
	}
	return false;
}

bool
tw_dns_bitmap_has_data(const uint8_t *bitmap, size_t len)
{
	size_t p = 0;

	while (len - p >= 2) {
		unsigned w = bitmap[p], blen = bitmap[p + 1];

		if (blen > len - p - 2)
			return false;
		for (unsigned i = 0; i < blen; i++) {
			uint8_t b = bitmap[p + 2 + i];

			/* window 0, octet 5: RRSIG 46, NSEC 47 (bits 6, 7);
			 * octet 6: NSEC3 50 (bit 2) */
			if (w == 0 && i == 5)
				b &= (uint8_t)~0x03;
			else if (w == 0 && i == 6)
				b &= (uint8_t)~0x20;
			if (b != 0)
				return true;
		}
		p += 2 + blen;
	}
	return false;
}

/* NSEC (RFC 4034 4.1): NEXT DOMAIN NAME (uncompressed) TYPE BIT MAPS. */
int
tw_dns_rdata_nsec(const uint8_t *rdata, size_t rdlen, struct tw_dns_nsec *out)
{
	int n;

	if (rdlen > UINT16_MAX)
		return -TW_ERDATA;
	n = tw_dns_name_check(rdata, rdlen);
	if (n < 0)
		return -TW_ERDATA;
	if (tw_dns_bitmap_check(rdata + n, rdlen - (size_t)n) < 0)
		return -TW_ERDATA;
	out->next = rdata;
	out->next_len = (uint16_t)n;
	out->bitmap = rdata + n;
	out->bitmap_len = (uint16_t)(rdlen - (size_t)n);
	return 0;
}

/*
 * NSEC3 (RFC 5155 3.2): HASH ALG(1) FLAGS(1) ITERATIONS(2) SALT LENGTH(1)
 * SALT HASH LENGTH(1) NEXT HASHED OWNER NAME TYPE BIT MAPS.
 */
int
tw_dns_rdata_nsec3(const uint8_t *rdata, size_t rdlen, struct tw_dns_nsec3 *out)
{
	size_t p;

	if (rdlen < 6 || rdlen > UINT16_MAX)
		return -TW_ERDATA;
	out->hash_alg = rdata[0];
	out->flags = rdata[1];
	out->iterations = tw_get16(rdata + 2);
	out->salt_len = rdata[4];
	out->salt = rdata + 5;
	p = 5 + (size_t)out->salt_len;
	/* The hash length octet and at least one hash octet (3.2: the
	 * next hashed owner name is never empty). */
	if (p + 1 >= rdlen || rdata[p] == 0 || rdata[p] > rdlen - p - 1)
		return -TW_ERDATA;
	out->next_hash_len = rdata[p];
	out->next_hash = rdata + p + 1;
	p += 1 + (size_t)out->next_hash_len;
	if (tw_dns_bitmap_check(rdata + p, rdlen - p) < 0)
		return -TW_ERDATA;
	out->bitmap = rdata + p;
	out->bitmap_len = (uint16_t)(rdlen - p);
	return 0;
}

/* NSEC3PARAM (RFC 5155 4.2): HASH ALG FLAGS ITERATIONS SALT LENGTH SALT. */
int
tw_dns_rdata_nsec3param(const uint8_t *rdata, size_t rdlen,
			struct tw_dns_nsec3param *out)
{
	if (rdlen < 5 || rdlen != 5 + (size_t)rdata[4])
		return -TW_ERDATA;
	out->hash_alg = rdata[0];
	out->flags = rdata[1];
	out->iterations = tw_get16(rdata + 2);
	out->salt_len = rdata[4];
	out->salt = rdata + 5;
	return 0;
}
