/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed DNSSEC rdata with the RFC examples: RFC 4034 2.3 (DNSKEY), 3.3
 * (RRSIG), 4.3 (NSEC), 5.3/5.4 (DS, key tag 60485), RFC 5155 appendix A
 * (NSEC3, NSEC3PARAM); key tags (appendix B, B.1) and type bitmaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_priv.h"
#include "tw_dns.h"

/* RFC 4034 2.3: example.com. 86400 IN DNSKEY 256 3 5 ( AQPSKmyn... ) */
static const uint8_t rfc4034_2_3_dnskey[] = {
	0x01, 0x00, 0x03, 0x05, 0x01, 0x03, 0xd2, 0x2a, 0x6c, 0xa7, 0x7f, 0x35,
	0xb8, 0x93, 0x20, 0x6f, 0xd3, 0x5e, 0x4c, 0x50, 0x6d, 0x83, 0x78, 0x84,
	0x37, 0x09, 0xb9, 0x7e, 0x04, 0x16, 0x47, 0xe1, 0xbf, 0xf4, 0x3d, 0x8d,
	0x64, 0xc6, 0x49, 0xaf, 0x1e, 0x37, 0x19, 0x73, 0xc9, 0xe8, 0x91, 0xfc,
	0xe3, 0xdf, 0x51, 0x9a, 0x8c, 0x84, 0x0a, 0x63, 0xee, 0x42, 0xa6, 0xd2,
	0xeb, 0xdd, 0xbb, 0x97, 0x03, 0x5d, 0x21, 0x5a, 0xa4, 0xe4, 0x17, 0xb1,
	0xfa, 0x45, 0xfa, 0x11, 0xa9, 0x74, 0x1e, 0xa2, 0x09, 0x8c, 0x1d, 0xfa,
	0x5f, 0xb5, 0xfe, 0xb3, 0x32, 0xfd, 0x4b, 0xc8, 0x15, 0x20, 0x89, 0xae,
	0xf3, 0x6b, 0xa6, 0x44, 0xcc, 0xe2, 0x41, 0x3b, 0x3b, 0x72, 0xbe, 0x18,
	0xcb, 0xef, 0x8d, 0xa2, 0x53, 0xf4, 0xe9, 0x3d, 0x21, 0x03, 0x86, 0x6d,
	0x92, 0x34, 0xa2, 0xe2, 0x8d, 0xf5, 0x29, 0xa6, 0x7d, 0x54, 0x68, 0xdb,
	0xef, 0xe3,
};
/* RFC 4034 5.4: dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0... ) */
static const uint8_t rfc4034_5_4_dnskey[] = {
	0x01, 0x00, 0x03, 0x05, 0x01, 0x03, 0x9e, 0x8a, 0x24, 0x74, 0x18, 0xe3,
	0x18, 0x90, 0x3b, 0x21, 0x5a, 0x84, 0x8a, 0xcf, 0xd5, 0xf3, 0x7f, 0x02,
	0x6b, 0xd4, 0x06, 0x2d, 0xb2, 0x6c, 0x77, 0x4c, 0x69, 0x09, 0x68, 0xd5,
	0xd5, 0x6d, 0xf8, 0xbf, 0xda, 0x91, 0xe6, 0xf3, 0x6d, 0x9a, 0x27, 0x98,
	0x88, 0xf4, 0x13, 0x33, 0x35, 0x7c, 0x5e, 0x60, 0x29, 0x99, 0x0d, 0x10,
	0xfd, 0xf5, 0x66, 0x30, 0x62, 0xa5, 0x12, 0x76, 0x33, 0x26, 0x98, 0x0a,
	0x61, 0x5d, 0xdb, 0xf1, 0x7a, 0x05, 0xdd, 0xfc, 0xce, 0x7e, 0x5f, 0xb3,
	0xab, 0xcc, 0xa0, 0x5a, 0x31, 0xb0, 0x95, 0x74, 0x52, 0xd4, 0x52, 0x1e,
	0x83, 0x87, 0x07, 0x89, 0x06, 0x31, 0x15, 0xbf, 0x97, 0xf6, 0xc3, 0x08,
	0xcc, 0xf5, 0x7c, 0xdc, 0x9c, 0xe7, 0xfe, 0x10, 0xf6, 0xed, 0x1b, 0xd0,
	0xcc, 0x06, 0x60, 0x03, 0x8c, 0x50, 0xdc, 0xdb, 0x0f, 0xeb, 0x96, 0x3c,
	0x2f, 0x17,
};
/* RFC 4034 5.3/5.4: dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF... ) */
static const uint8_t rfc4034_5_3_ds[] = {
	0xec, 0x45, 0x05, 0x01, 0x2b, 0xb1, 0x83, 0xaf, 0x5f, 0x22, 0x58, 0x81,
	0x79, 0xa5, 0x3b, 0x0a, 0x98, 0x63, 0x1f, 0xad, 0x1a, 0x29, 0x21, 0x18,
};
/* RFC 4034 3.3: host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 (
 *     20030220173103 2642 example.com. oJB1W6WN... ) */
static const uint8_t rfc4034_3_3_rrsig[] = {
	0x00, 0x01, 0x05, 0x03, 0x00, 0x01, 0x51, 0x80, 0x3e, 0x7c, 0x9d, 0xd7,
	0x3e, 0x55, 0x10, 0xd7, 0x0a, 0x52, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0xa0, 0x90, 0x75, 0x5b, 0xa5,
	0x8d, 0x1a, 0xff, 0xa5, 0x76, 0xf4, 0x37, 0x58, 0x31, 0xb4, 0x31, 0x09,
	0x20, 0xe4, 0x81, 0x21, 0x8d, 0x18, 0xa9, 0xf1, 0x64, 0xeb, 0x3d, 0x81,
	0xaf, 0xd3, 0xb8, 0x75, 0xd3, 0xc7, 0x54, 0x28, 0x63, 0x1e, 0x0c, 0xf2,
	0xa2, 0x8d, 0x50, 0x87, 0x5f, 0x70, 0xc3, 0x29, 0xd7, 0xdb, 0xfa, 0xfe,
	0xa8, 0x07, 0xdc, 0x1f, 0xba, 0x1d, 0xc3, 0x4c, 0x95, 0xd4, 0x01, 0xf2,
	0x3f, 0x33, 0x4c, 0xe6, 0x3b, 0xfc, 0xf3, 0xf1, 0xb5, 0xb4, 0x47, 0x39,
	0xe5, 0xf0, 0xed, 0xed, 0x18, 0xd6, 0xb3, 0x3f, 0x04, 0x0a, 0x91, 0x13,
	0x76, 0xd1, 0x73, 0xd7, 0x57, 0xa9, 0xf0, 0xc1, 0xfa, 0x17, 0x98, 0x94,
	0x1b, 0xb0, 0xb3, 0x6b, 0x2d, 0xf9, 0x06, 0x27, 0x90, 0xfa, 0x7f, 0x01,
	0x66, 0xf2, 0x73, 0x7e, 0xea, 0x90, 0x73, 0x78, 0x34, 0x1f, 0xb1, 0x2d,
	0xc0, 0xa7, 0x7a,
};
/* RFC 5155 appendix A: 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. NSEC3 1 1 12
 * aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM
 * RRSIG ) */
static const uint8_t rfc5155_nsec3[] = {
	0x01, 0x01, 0x00, 0x0c, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, 0x14,
	0x17, 0x4e, 0xb2, 0x40, 0x9f, 0xe2, 0x8b, 0xcb, 0x48, 0x87,
	0xa1, 0x83, 0x6f, 0x95, 0x7f, 0x0a, 0x84, 0x25, 0xe2, 0x7b,
	0x00, 0x07, 0x22, 0x01, 0x00, 0x00, 0x00, 0x02, 0x90,
};
/* RFC 5155 appendix A: example. NSEC3PARAM 1 0 12 aabbccdd */
static const uint8_t rfc5155_nsec3param[] = {
	0x01, 0x00, 0x00, 0x0c, 0x04, 0xaa, 0xbb, 0xcc, 0xdd,
};

/* RFC 4034 4.3: alfa.example.com. 86400 IN NSEC host.example.com. (
 *     A MX RRSIG NSEC TYPE1234 ), the wire form printed in the RFC. */
static const uint8_t rfc4034_4_3_nsec[] = {
	0x04, 0x68, 0x6f, 0x73, 0x74, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x06, 0x40, 0x01,
	0x00, 0x00, 0x00, 0x03, 0x04, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
};

static void
test_dnskey_rfc4034(void **state)
{
	struct tw_dns_dnskey k;

	(void)state;
	assert_int_equal(tw_dns_rdata_dnskey(rfc4034_2_3_dnskey,
					     sizeof(rfc4034_2_3_dnskey), &k),
			 0);
	assert_int_equal(k.flags, 256);
	assert_true(k.flags & TW_DNSKEY_F_ZONE);
	assert_false(k.flags & TW_DNSKEY_F_SEP);
	assert_int_equal(k.protocol, 3);
	assert_int_equal(k.algorithm, 5);
	assert_ptr_equal(k.key, rfc4034_2_3_dnskey + 4);
	assert_int_equal(k.key_len, sizeof(rfc4034_2_3_dnskey) - 4);
	/* The key the RFC 4034 3.3 RRSIG example names: tag 2642. */
	assert_int_equal(k.key_tag, 2642);

	assert_int_equal(tw_dns_rdata_dnskey(rfc4034_5_4_dnskey,
					     sizeof(rfc4034_5_4_dnskey), &k),
			 0);
	assert_int_equal(k.key_tag, 60485);
	assert_int_equal(
		tw_dns_key_tag(rfc4034_5_4_dnskey, sizeof(rfc4034_5_4_dnskey)),
		60485);
	/* Protocol != 3 is reported, not refused (RFC 4034 2.1.2). */
	{
		uint8_t rd[8] = { 1, 1, 2, 13, 0xaa, 0xbb, 0xcc, 0xdd };

		assert_int_equal(tw_dns_rdata_dnskey(rd, 8, &k), 0);
		assert_int_equal(k.protocol, 2);
		assert_int_equal(k.flags, TW_DNSKEY_F_ZONE | TW_DNSKEY_F_SEP);
		assert_int_equal(tw_dns_rdata_dnskey(rd, 4, &k), 0);
		assert_int_equal(k.key_len, 0);
		assert_int_equal(tw_dns_rdata_dnskey(rd, 3, &k), -TW_ERDATA);
	}
}

static void
test_ds_rfc4034(void **state)
{
	struct tw_dns_ds ds;

	(void)state;
	assert_int_equal(
		tw_dns_rdata_ds(rfc4034_5_3_ds, sizeof(rfc4034_5_3_ds), &ds),
		0);
	assert_int_equal(ds.key_tag, 60485);
	assert_int_equal(ds.algorithm, 5);
	assert_int_equal(ds.digest_type, 1);
	assert_int_equal(ds.digest_len, 20);
	assert_memory_equal(ds.digest,
			    "\x2b\xb1\x83\xaf\x5f\x22\x58\x81\x79\xa5\x3b\x0a"
			    "\x98\x63\x1f\xad\x1a\x29\x21\x18",
			    20);
	assert_int_equal(tw_dns_rdata_ds(rfc4034_5_3_ds, 4, &ds), -TW_ERDATA);
	assert_int_equal(tw_dns_rdata_ds(rfc4034_5_3_ds, 5, &ds), 0);
	assert_int_equal(ds.digest_len, 1);
}

static void
test_rrsig_rfc4034(void **state)
{
	struct tw_dns_rrsig s;
	uint8_t rd[64];

	(void)state;
	assert_int_equal(tw_dns_rdata_rrsig(rfc4034_3_3_rrsig,
					    sizeof(rfc4034_3_3_rrsig), &s),
			 0);
	assert_int_equal(s.type_covered, TW_DNS_T_A);
	assert_int_equal(s.algorithm, 5);
	assert_int_equal(s.labels, 3);
	assert_int_equal(s.orig_ttl, 86400);
	assert_int_equal(s.expiration, 1048354263); /* 20030322173103 */
	assert_int_equal(s.inception, 1045762263);  /* 20030220173103 */
	assert_int_equal(s.key_tag, 2642);
	assert_ptr_equal(s.signer, rfc4034_3_3_rrsig + 18);
	assert_int_equal(s.signer_len, 13);
	assert_memory_equal(s.signer, "\7example\3com", 13);
	assert_int_equal(s.signed_len, 18 + 13);
	assert_ptr_equal(s.sig, rfc4034_3_3_rrsig + 31);
	assert_int_equal(s.sig_len, 128);
	assert_int_equal(s.sig[0], 0xa0);

	/* Errors: short, signer cut, compressed, too long. */
	assert_int_equal(tw_dns_rdata_rrsig(rfc4034_3_3_rrsig, 18, &s),
			 -TW_ERDATA);
	assert_int_equal(tw_dns_rdata_rrsig(rfc4034_3_3_rrsig, 30, &s),
			 -TW_ERDATA);
	/* Root signer, empty signature: well-formed. */
	assert_int_equal(tw_dns_rdata_rrsig(rfc4034_3_3_rrsig, 31, &s), 0);
	assert_int_equal(s.sig_len, 0);
	memcpy(rd, rfc4034_3_3_rrsig, 18);
	memcpy(rd + 18, "\xc0\x0c\1\2", 4);
	assert_int_equal(tw_dns_rdata_rrsig(rd, 22, &s), -TW_ERDATA);
	rd[18] = 0;
	assert_int_equal(tw_dns_rdata_rrsig(rd, 19, &s), 0);
	assert_int_equal(s.signer_len, 1);
	assert_int_equal(s.signed_len, 19);
	assert_int_equal(s.sig_len, 0);
}

static void
test_nsec_rfc4034(void **state)
{
	struct tw_dns_nsec n;
	static const uint16_t has[] = { TW_DNS_T_A, TW_DNS_T_MX, TW_DNS_T_RRSIG,
					TW_DNS_T_NSEC, 1234 };
	static const uint16_t hasnt[] = { 0,	TW_DNS_T_NS, TW_DNS_T_AAAA,
					  1233, 1235,	     1279,
					  1024, 65535,	     TW_DNS_T_DNSKEY };

	(void)state;
	assert_int_equal(tw_dns_rdata_nsec(rfc4034_4_3_nsec,
					   sizeof(rfc4034_4_3_nsec), &n),
			 0);
	assert_ptr_equal(n.next, rfc4034_4_3_nsec);
	assert_int_equal(n.next_len, 18);
	assert_int_equal(n.bitmap_len, sizeof(rfc4034_4_3_nsec) - 18);
	for (size_t i = 0; i < TW_ARRAY_SIZE(has); i++)
		assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, has[i]));
	for (size_t i = 0; i < TW_ARRAY_SIZE(hasnt); i++)
		assert_false(
			tw_dns_bitmap_has(n.bitmap, n.bitmap_len, hasnt[i]));
	/* Data types besides RRSIG/NSEC/NSEC3: A, MX, 1234 here; none in
	 * bitmaps of only the DNSSEC types, or of type 1234 alone ... */
	assert_true(tw_dns_bitmap_has_data(n.bitmap, n.bitmap_len));
	{
		static const uint8_t
			meta[] = { 0, 7, 0, 0, 0, 0, 0, 0x03, 0x20 },
			hi[] = { 4, 27, [28] = 0x20 }, none[] = { 0 };

		assert_false(tw_dns_bitmap_has_data(meta, sizeof(meta)));
		assert_true(tw_dns_bitmap_has_data(hi, sizeof(hi)));
		assert_false(tw_dns_bitmap_has_data(none, 0));
		/* ... and a window length past the end reads nothing */
		assert_false(tw_dns_bitmap_has_data(hi, 20));
	}
	/* Cut anywhere: refused or a valid shorter bitmap, never a read
	 * past the end (exact-size copies for ASan). */
	for (size_t len = 0; len < sizeof(rfc4034_4_3_nsec); len++) {
		uint8_t *c = malloc(len ? len : 1);

		assert_non_null(c);
		memcpy(c, rfc4034_4_3_nsec, len);
		int r = tw_dns_rdata_nsec(c, len, &n);
		/* Cuts right after a window end are complete bitmaps. */
		if (len == 18 || len == 18 + 2 + 6)
			assert_int_equal(r, 0);
		else
			assert_int_equal(r, -TW_ERDATA);
		free(c);
	}
	assert_int_equal(tw_dns_rdata_nsec((const uint8_t *)"\xc0\x0c", 2, &n),
			 -TW_ERDATA);
	/* Larger than any rdata: refused before reading. */
	assert_int_equal(tw_dns_rdata_nsec(rfc4034_4_3_nsec, 70000, &n),
			 -TW_ERDATA);
}

static void
test_nsec3_rfc5155(void **state)
{
	struct tw_dns_nsec3 n;
	struct tw_dns_nsec3param p;
	uint8_t rd[64];

	(void)state;
	assert_int_equal(
		tw_dns_rdata_nsec3(rfc5155_nsec3, sizeof(rfc5155_nsec3), &n),
		0);
	assert_int_equal(n.hash_alg, 1);
	assert_int_equal(n.flags, TW_NSEC3_F_OPTOUT);
	assert_int_equal(n.iterations, 12);
	assert_int_equal(n.salt_len, 4);
	assert_memory_equal(n.salt, "\xaa\xbb\xcc\xdd", 4);
	assert_int_equal(n.next_hash_len, 20);
	/* base32hex 2t7b4g4v... */
	assert_memory_equal(n.next_hash, "\x17\x4e\xb2\x40\x9f", 5);
	assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_MX));
	assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_DNSKEY));
	assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_NS));
	assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_SOA));
	assert_true(
		tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_NSEC3PARAM));
	assert_true(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_RRSIG));
	assert_false(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_A));
	assert_false(tw_dns_bitmap_has(n.bitmap, n.bitmap_len, TW_DNS_T_DS));

	/* Empty bitmap (empty non-terminal), empty salt. */
	memcpy(rd, "\1\0\0\0\0\2\xab\xcd", 8);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 8, &n), 0);
	assert_int_equal(n.salt_len, 0);
	assert_int_equal(n.next_hash_len, 2);
	assert_int_equal(n.bitmap_len, 0);
	/* Hash length 0, hash past the end, salt past the end, short. */
	memcpy(rd, "\1\0\0\0\0\0", 6);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 6, &n), -TW_ERDATA);
	memcpy(rd, "\1\0\0\0\0\3\xab\xcd", 8);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 8, &n), -TW_ERDATA);
	memcpy(rd, "\1\0\0\0\7\1\xab\xcd", 8);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 8, &n), -TW_ERDATA);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 5, &n), -TW_ERDATA);
	/* Bad bitmap. */
	memcpy(rd, "\1\0\0\0\0\1\xab\0\1\0", 10);
	assert_int_equal(tw_dns_rdata_nsec3(rd, 10, &n), -TW_ERDATA);
	for (size_t len = 0; len < sizeof(rfc5155_nsec3); len++) {
		uint8_t *c = malloc(len ? len : 1);

		assert_non_null(c);
		memcpy(c, rfc5155_nsec3, len);
		int r = tw_dns_rdata_nsec3(c, len, &n);
		assert_int_equal(r, len == 30 ? 0 : -TW_ERDATA);
		free(c);
	}

	assert_int_equal(tw_dns_rdata_nsec3param(rfc5155_nsec3param,
						 sizeof(rfc5155_nsec3param),
						 &p),
			 0);
	assert_int_equal(p.hash_alg, 1);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.iterations, 12);
	assert_int_equal(p.salt_len, 4);
	assert_memory_equal(p.salt, "\xaa\xbb\xcc\xdd", 4);
	assert_int_equal(tw_dns_rdata_nsec3param(rfc5155_nsec3param, 8, &p),
			 -TW_ERDATA);
	assert_int_equal(tw_dns_rdata_nsec3param(rfc5155_nsec3param, 4, &p),
			 -TW_ERDATA);
	memcpy(rd, rfc5155_nsec3param, 9);
	rd[9] = 0;
	assert_int_equal(tw_dns_rdata_nsec3param(rd, 10, &p), -TW_ERDATA);
}

static void
test_key_tag(void **state)
{
	uint8_t rd[16] = { 1, 0, 3, 1, 0x11, 0x22, 0x33, 0x44, 0x55 };

	(void)state;
	/* RFC 4034 B.1, algorithm 1: octets -3 and -2 of the modulus. */
	assert_int_equal(tw_dns_key_tag(rd, 9), 0x3344);
	assert_int_equal(tw_dns_key_tag(rd, 7), 0x1122);
	assert_int_equal(tw_dns_key_tag(rd, 6), 0);
	/* Odd length: the last octet counts as a high byte. */
	rd[3] = 8;
	assert_int_equal(tw_dns_key_tag(rd, 5), (0x0100 + 0x0308 + 0x1100));
	assert_int_equal(tw_dns_key_tag(rd, 0), 0);
	/* Carry folding: many 0xffff words. */
	{
		uint8_t big[1024];

		memset(big, 0xff, sizeof(big));
		big[3] = 8;
		/* 512 words; the sum folds its carry back in. */
		uint32_t ac = 0;
		for (size_t i = 0; i < sizeof(big); i += 2)
			ac += (uint32_t)big[i] << 8 | big[i + 1];
		ac += ac >> 16;
		assert_int_equal(tw_dns_key_tag(big, sizeof(big)),
				 (uint16_t)ac);
	}
}

static void
test_bitmap_edges(void **state)
{
	static const struct {
		const char *b;
		size_t n;
		int r;
	} cases[] = {
		{ "", 0, 0 },
		{ "\0\1\x40", 3, 0 },		       /* A */
		{ "\0\1\x40\1\1\x80", 6, 0 },	       /* A, 256 */
		{ "\0\1\x40\xff\1\1", 6, 0 },	       /* A, 65535 */
		{ "\0", 1, -TW_ERDATA },	       /* cut header */
		{ "\0\1", 2, -TW_ERDATA },	       /* cut map */
		{ "\0\0", 2, -TW_ERDATA },	       /* length 0 */
		{ "\0\1\0", 3, -TW_ERDATA },	       /* trailing zero */
		{ "\0\2\x40\0", 4, -TW_ERDATA },       /* trailing zero */
		{ "\1\1\x40\0\1\x40", 6, -TW_ERDATA }, /* decreasing */
		{ "\0\1\x40\0\1\x20", 6, -TW_ERDATA }, /* repeated */
		{ "\0\1\x40\1", 4, -TW_ERDATA },       /* cut 2nd */
	};
	uint8_t b[40];

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(cases); i++)
		assert_int_equal(
			tw_dns_bitmap_check((const uint8_t *)cases[i].b,
					    cases[i].n),
			cases[i].r);
	/* Length 32 (types up to 255) valid, 33 not. */
	memset(b, 0, sizeof(b));
	b[1] = 32;
	b[33] = 0x01;
	assert_int_equal(tw_dns_bitmap_check(b, 34), 0);
	assert_true(tw_dns_bitmap_has(b, 34, 255));
	assert_false(tw_dns_bitmap_has(b, 34, 254));
	assert_false(tw_dns_bitmap_has(b, 34, 256));
	b[1] = 33;
	b[34] = 0x01;
	assert_int_equal(tw_dns_bitmap_check(b, 35), -TW_ERDATA);
	/* has() on the 65535 case and on garbage: no overread. */
	memset(b, 0, sizeof(b));
	memcpy(b, "\0\1\x40\xff\x20", 5);
	b[5 + 31] = 0x01;
	assert_int_equal(tw_dns_bitmap_check(b, 37), 0);
	assert_true(tw_dns_bitmap_has(b, 37, 65535));
	assert_true(tw_dns_bitmap_has(b, 37, 1));
	assert_false(tw_dns_bitmap_has(b, 37, 65534));
	assert_false(tw_dns_bitmap_has((const uint8_t *)"\0\xff", 2, 1));
	assert_false(tw_dns_bitmap_has((const uint8_t *)"\0", 1, 1));
	assert_false(tw_dns_bitmap_has((const uint8_t *)"\0\1\x40", 3, 9));
	assert_false(tw_dns_bitmap_has((const uint8_t *)"\2\1\x40", 3, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnskey_rfc4034),
		cmocka_unit_test(test_ds_rfc4034),
		cmocka_unit_test(test_rrsig_rfc4034),
		cmocka_unit_test(test_nsec_rfc4034),
		cmocka_unit_test(test_nsec3_rfc5155),
		cmocka_unit_test(test_key_tag),
		cmocka_unit_test(test_bitmap_edges),
	};

	return cmocka_run_group_tests_name("dns/rdata", tests, NULL, NULL);
}
