/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Presentation format: mnemonics and one-line printing of every type we
 * format, compared with the exact expected text (RFC 4034 2.3, 3.3, 4.3,
 * 5.4 examples, RFC 5155, RFC 3597 5, RFC 4648 10 test vectors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_test.h"
#include "tw_dns.h"

/* Test helper: RFC 4648 base64 to bytes. */
static size_t
unb64(const char *s, uint8_t *out)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *s != '\0' && *s != '='; s++) {
		const char *p = strchr(a, *s);

		assert_non_null(p);
		acc = acc << 6 | (uint32_t)(p - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

/*
 * Print and compare. Also: every buffer shorter than the text gives
 * -ENOSPC and leaves an empty, terminated string.
 */
static void
expect(const char *owner, uint16_t type, uint16_t rclass, uint32_t ttl,
       const void *rd, size_t rdlen, const char *want)
{
	uint8_t n[TW_DNS_NAME_MAX];
	char buf[2048];
	int len;

	wire(owner, n);
	len = tw_dns_rr_to_str(n, type, rclass, ttl, rd, rdlen, buf,
			       sizeof(buf));
	if (len < 0)
		fail_msg("type %u: error %d, want \"%s\"", type, len, want);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
	for (size_t sz = 0; sz <= strlen(want); sz++) {
		char small[2048];

		memset(small, 'x', sizeof(small));
		assert_int_equal(tw_dns_rr_to_str(n, type, rclass, ttl, rd,
						  rdlen, small, sz),
				 -ENOSPC);
		if (sz > 0)
			assert_int_equal(small[0], '\0');
	}
	assert_int_equal(tw_dns_rr_to_str(n, type, rclass, ttl, rd, rdlen, buf,
					  strlen(want) + 1),
			 (int)strlen(want));
}

static void
expect_err(uint16_t type, const void *rd, size_t rdlen)
{
	uint8_t n[TW_DNS_NAME_MAX];
	char buf[512];

	wire(".", n);
	if (tw_dns_rr_to_str(n, type, TW_DNS_C_IN, 0, rd, rdlen, buf,
			     sizeof(buf)) != -TW_ERDATA)
		fail_msg("type %u, %zu octets: not -TW_ERDATA", type, rdlen);
	assert_string_equal(buf, "");
}

static void
test_type_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(tw_dns_type_str(TW_DNS_T_A, buf), "A");
	assert_string_equal(tw_dns_type_str(TW_DNS_T_RRSIG, buf), "RRSIG");
	assert_string_equal(tw_dns_type_str(TW_DNS_T_NSEC3PARAM, buf),
			    "NSEC3PARAM");
	assert_string_equal(tw_dns_type_str(32769, buf), "DLV");
	assert_string_equal(tw_dns_type_str(65280, buf), "TYPE65280");
	assert_string_equal(tw_dns_type_str(0, buf), "TYPE0");
	assert_string_equal(tw_dns_type_str(65535, buf), "TYPE65535");

	assert_int_equal(tw_dns_type_from_str("A"), 1);
	assert_int_equal(tw_dns_type_from_str("dnskey"), TW_DNS_T_DNSKEY);
	assert_int_equal(tw_dns_type_from_str("NSAP-PTR"), 23);
	assert_int_equal(tw_dns_type_from_str("TYPE65280"), 65280);
	assert_int_equal(tw_dns_type_from_str("type1"), 1);
	assert_int_equal(tw_dns_type_from_str("TYPE65535"), 65535);
	assert_int_equal(tw_dns_type_from_str("TYPE65536"), -TW_ESYNTAX);
	assert_int_equal(tw_dns_type_from_str("TYPE"), -TW_ESYNTAX);
	assert_int_equal(tw_dns_type_from_str("TYPE1x"), -TW_ESYNTAX);
	assert_int_equal(tw_dns_type_from_str("TYPE-1"), -TW_ESYNTAX);
	assert_int_equal(tw_dns_type_from_str("FOO"), -TW_ESYNTAX);
	assert_int_equal(tw_dns_type_from_str(""), -TW_ESYNTAX);
	/* every mnemonic goes both ways */
	for (unsigned t = 0; t < 65536; t++) {
		const char *s = tw_dns_type_str((uint16_t)t, buf);

		assert_int_equal(tw_dns_type_from_str(s), (int)t);
	}
}

static void
test_rcode_str(void **state)
{
	(void)state;
	assert_string_equal(tw_dns_rcode_str(0), "NOERROR");
	assert_string_equal(tw_dns_rcode_str(2), "SERVFAIL");
	assert_string_equal(tw_dns_rcode_str(3), "NXDOMAIN");
	assert_string_equal(tw_dns_rcode_str(5), "REFUSED");
	assert_string_equal(tw_dns_rcode_str(16), "BADVERS");
	assert_string_equal(tw_dns_rcode_str(23), "BADCOOKIE");
	assert_string_equal(tw_dns_rcode_str(12), "RESERVED");
	assert_string_equal(tw_dns_rcode_str(4095), "RESERVED");
}

static void
test_basic_types(void **state)
{
	uint8_t rd[600];
	int k;

	(void)state;
	expect("host.example.com", TW_DNS_T_A, TW_DNS_C_IN, 86400,
	       "\x01\x02\x03\x04", 4, "host.example.com. 86400 IN A 1.2.3.4");
	expect("x", TW_DNS_T_AAAA, TW_DNS_C_IN, 0,
	       "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	       "\x01",
	       16, "x. 0 IN AAAA 2001:db8::1");
	k = tw_dns_name_from_str("ns1.Example.com", rd);
	expect("example.com", TW_DNS_T_NS, TW_DNS_C_IN, 3600, rd, (size_t)k,
	       "example.com. 3600 IN NS ns1.Example.com.");
	expect("www.example.com", TW_DNS_T_CNAME, TW_DNS_C_IN, 1, rd, (size_t)k,
	       "www.example.com. 1 IN CNAME ns1.Example.com.");
	expect("example.com", TW_DNS_T_DNAME, TW_DNS_C_IN, 1, rd, (size_t)k,
	       "example.com. 1 IN DNAME ns1.Example.com.");
	expect("4.3.2.1.in-addr.arpa", TW_DNS_T_PTR, TW_DNS_C_IN, 1, rd,
	       (size_t)k, "4.3.2.1.in-addr.arpa. 1 IN PTR ns1.Example.com.");
	rd[0] = 0;
	rd[1] = 10;
	k = tw_dns_name_from_str("mail.example.com", rd + 2);
	expect("example.com", TW_DNS_T_MX, TW_DNS_C_IN, 3600, rd, (size_t)k + 2,
	       "example.com. 3600 IN MX 10 mail.example.com.");
	memcpy(rd, "\x00\x01\x00\x02\x13\xc4", 6);
	k = tw_dns_name_from_str("sip.example.com", rd + 6);
	expect("_sip._udp.example.com", TW_DNS_T_SRV, TW_DNS_C_IN, 60, rd,
	       (size_t)k + 6,
	       "_sip._udp.example.com. 60 IN SRV 1 2 5060 sip.example.com.");
	k = tw_dns_name_from_str("ns1.example.com", rd);
	k += tw_dns_name_from_str("hostmaster.example.com", rd + k);
	memcpy(rd + k,
	       "\x78\xa3\xf1\x75\x00\x00\x1c\x20\x00\x00\x0e\x10\x00\x12\x75"
	       "\x00\x00\x00\x01\x2c",
	       20);
	expect("example.com", TW_DNS_T_SOA, TW_DNS_C_IN, 3600, rd,
	       (size_t)k + 20,
	       "example.com. 3600 IN SOA ns1.example.com. "
	       "hostmaster.example.com. 2024010101 7200 3600 1209600 300");
	/* character-strings: quotes, backslash, \DDD (RFC 1035 5.1) */
	expect("t", TW_DNS_T_TXT, TW_DNS_C_IN, 0,
	       "\x05hello\x0a"
	       "a \"q\" \\ \x01\xff\x00",
	       18,
	       "t. 0 IN TXT \"hello\" \"a \\\"q\\\" \\\\ \\001\\255\" \"\"");
	/* RFC 3597 5: unknown type and class; other classes */
	expect("a.example", 65280, TW_DNS_C_IN, 0, "\x0a\x00\x00\x01", 4,
	       "a.example. 0 IN TYPE65280 \\# 4 0A000001");
	expect("a.example", 65280, 5, 0, "", 0,
	       "a.example. 0 CLASS5 TYPE65280 \\# 0");
	expect("a.example", TW_DNS_T_A, 3, 0, "\x7f\x00\x00\x01", 4,
	       "a.example. 0 CH A 127.0.0.1");
	/* RFC 2136 2.5: empty rdata of deletions */
	expect("a.example", TW_DNS_T_NS, 255, 0, "", 0,
	       "a.example. 0 ANY NS \\# 0");
	expect("a.example", TW_DNS_T_TXT, 254, 0, "", 0,
	       "a.example. 0 NONE TXT \\# 0");
	expect("a.example", 13, 4, 0, "\x01x\x01y", 4,
	       "a.example. 0 HS HINFO \\# 4 01780179");
}

/* RFC 4034 2.3, 5.4 and 3.3 examples. */
static const char dskey_b64[] =
	"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMz"
	"NXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJ"
	"BjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";
static const char sig_b64[] =
	"oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DD"
	"Kdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nw"
	"wfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=";

static void
test_dnssec_types(void **state)
{
	uint8_t rd[600];
	char want[1024];
	size_t k;
	int n;

	(void)state;
	/* DNSKEY: flags protocol algorithm base64 (RFC 4034 2.2) */
	memcpy(rd, "\x01\x00\x03\x05", 4);
	k = 4 + unb64(dskey_b64, rd + 4);
	assert_int_equal(tw_dns_key_tag(rd, k), 60485);
	snprintf(want, sizeof(want),
		 "dskey.example.com. 86400 IN DNSKEY 256 3 5 %s", dskey_b64);
	expect("dskey.example.com", TW_DNS_T_DNSKEY, TW_DNS_C_IN, 86400, rd, k,
	       want);
	snprintf(want, sizeof(want),
		 "dskey.example.com. 86400 IN CDNSKEY 256 3 5 %s", dskey_b64);
	expect("dskey.example.com", TW_DNS_T_CDNSKEY, TW_DNS_C_IN, 86400, rd, k,
	       want);
	/* RFC 4648 10 base64 vectors as keys */
	static const char *const b64v[][2] = {
		{ "", "" },
		{ "f", " Zg==" },
		{ "fo", " Zm8=" },
		{ "foo", " Zm9v" },
		{ "foob", " Zm9vYg==" },
		{ "fooba", " Zm9vYmE=" },
		{ "foobar", " Zm9vYmFy" },
	};
	for (size_t i = 0; i < 7; i++) {
		memcpy(rd, "\x01\x01\x03\x0f", 4);
		memcpy(rd + 4, b64v[i][0], strlen(b64v[i][0]));
		snprintf(want, sizeof(want), ". 0 IN DNSKEY 257 3 15%s",
			 b64v[i][1]);
		expect(".", TW_DNS_T_DNSKEY, TW_DNS_C_IN, 0, rd,
		       4 + strlen(b64v[i][0]), want);
	}
	/* DS: tag algorithm digest-type HEX (RFC 4034 5.3, 5.4) */
	memcpy(rd,
	       "\xec\x45\x05\x01\x2b\xb1\x83\xaf\x5f\x22\x58\x81\x79\xa5\x3b"
	       "\x0a\x98\x63\x1f\xad\x1a\x29\x21\x18",
	       24);
	expect("dskey.example.com", TW_DNS_T_DS, TW_DNS_C_IN, 86400, rd, 24,
	       "dskey.example.com. 86400 IN DS 60485 5 1 "
	       "2BB183AF5F22588179A53B0A98631FAD1A292118");
	expect("dskey.example.com", TW_DNS_T_CDS, TW_DNS_C_IN, 0, rd, 4,
	       "dskey.example.com. 0 IN CDS 60485 5 1");
	/* RRSIG (RFC 4034 3.3): times as YYYYMMDDHHmmSS */
	memcpy(rd,
	       "\x00\x01\x05\x03\x00\x01\x51\x80\x3e\x7c\x9d\xd7\x3e\x55\x10"
	       "\xd7\x0a\x52",
	       18);
	n = tw_dns_name_from_str("example.com", rd + 18);
	k = 18 + (size_t)n;
	k += unb64(sig_b64, rd + k);
	snprintf(want, sizeof(want),
		 "host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 "
		 "20030220173103 2642 example.com. %s",
		 sig_b64);
	expect("host.example.com", TW_DNS_T_RRSIG, TW_DNS_C_IN, 86400, rd, k,
	       want);
	/* epoch edges; no signature */
	memset(rd + 8, 0xff, 4);
	memset(rd + 12, 0, 4);
	expect("x", TW_DNS_T_RRSIG, TW_DNS_C_IN, 0, rd, 18 + (size_t)n,
	       "x. 0 IN RRSIG A 5 3 86400 21060207062815 19700101000000 2642 "
	       "example.com.");
	tw_put32(rd + 8, 951782400);	/* 2000-02-29, a leap day */
	tw_put32(rd + 12, 4107542399u); /* 2100-02-28 23:59:59 */
	expect("x", TW_DNS_T_RRSIG, TW_DNS_C_IN, 0, rd, 18 + (size_t)n,
	       "x. 0 IN RRSIG A 5 3 86400 20000229000000 21000228235959 2642 "
	       "example.com.");
}

static void
test_denial_types(void **state)
{
	uint8_t rd[600];
	int k;

	(void)state;
	/* RFC 4034 4.3: the NSEC example, wire form as given there */
	k = tw_dns_name_from_str("host.example.com", rd);
	static const uint8_t bm[] = {
		0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
	};
	memcpy(rd + k, bm, sizeof(bm));
	expect("alfa.example.com", TW_DNS_T_NSEC, TW_DNS_C_IN, 86400, rd,
	       (size_t)k + sizeof(bm),
	       "alfa.example.com. 86400 IN NSEC host.example.com. A MX RRSIG "
	       "NSEC TYPE1234");
	/* empty bitmap */
	expect("a", TW_DNS_T_NSEC, TW_DNS_C_IN, 0, rd, (size_t)k,
	       "a. 0 IN NSEC host.example.com.");

	/* NSEC3 (RFC 5155 3.3): salt in hex, next hash base32hex */
	static const uint8_t n3[] = {
		1,    1,    0,	  12,	4,    0xaa, 0xbb, 0xcc, 0xdd,
		6,    'f',  'o',  'o',	'b',  'a',  'r',  0x00, 0x07,
		0x22, 0x01, 0x00, 0x00, 0x00, 0x02, 0x90,
	};
	expect("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example", TW_DNS_T_NSEC3,
	       TW_DNS_C_IN, 3600, n3, sizeof(n3),
	       "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 1 "
	       "12 AABBCCDD CPNMUOJ1E8 NS SOA MX RRSIG DNSKEY NSEC3PARAM");
	/* RFC 4648 10 base32hex vectors, no salt, no types */
	static const char *const b32v[][2] = {
		{ "f", "CO" },		 { "fo", "CPNG" },
		{ "foo", "CPNMU" },	 { "foob", "CPNMUOG" },
		{ "fooba", "CPNMUOJ1" },
	};
	for (size_t i = 0; i < 5; i++) {
		char want[128];
		size_t hl = strlen(b32v[i][0]);

		memcpy(rd, "\x01\x00\x00\x00\x00", 5);
		rd[5] = (uint8_t)hl;
		memcpy(rd + 6, b32v[i][0], hl);
		snprintf(want, sizeof(want), "h. 0 IN NSEC3 1 0 0 - %s",
			 b32v[i][1]);
		expect("h", TW_DNS_T_NSEC3, TW_DNS_C_IN, 0, rd, 6 + hl, want);
	}
	/* NSEC3PARAM (RFC 5155 4.3) */
	expect("example", TW_DNS_T_NSEC3PARAM, TW_DNS_C_IN, 0,
	       "\x01\x00\x00\x0c\x04\xaa\xbb\xcc\xdd", 9,
	       "example. 0 IN NSEC3PARAM 1 0 12 AABBCCDD");
	expect("example", TW_DNS_T_NSEC3PARAM, TW_DNS_C_IN, 0,
	       "\x01\x00\x00\x00\x00", 5, "example. 0 IN NSEC3PARAM 1 0 0 -");
}

static void
test_opt(void **state)
{
	static const uint8_t opt[] = {
		0,   15,   0,	 9, 0,	6,    'b',  'a', 'd', ' ',
		's', 'i',  'g',	 0, 10, 0,    8,    1,	 2,   3,
		4,   5,	   6,	 7, 8,	0,    15,   0,	 2,   0,
		99,  0xfd, 0xe9, 0, 0,	0xfd, 0xea, 0,	 1,   0xab,
	};

	(void)state;
	expect(".", TW_DNS_T_OPT, 1232, 0x00008000, opt, sizeof(opt),
	       "; EDNS: version 0; flags: do; udp: 1232; EDE: 6 (DNSSEC "
	       "Bogus) \"bad sig\"; COOKIE: 0102030405060708; EDE: 99 "
	       "(Unknown); OPT65001:; OPT65002: AB");
	expect(".", TW_DNS_T_OPT, 512, 0x01010001, "", 0,
	       "; EDNS: version 1; flags: z=0x0001; udp: 512; ext-rcode: 1");
	expect_err(TW_DNS_T_OPT, "\x00\x0f\x00", 3);
	expect_err(TW_DNS_T_OPT, "\x00\x0f\x00\x03\x00\x00", 6);
	expect_err(TW_DNS_T_OPT, "\x00\x0f\x00\x01\x00", 5);
}

static void
test_malformed(void **state)
{
	(void)state;
	expect_err(TW_DNS_T_A, "\x01\x02\x03", 3);
	expect_err(TW_DNS_T_AAAA, "\x01\x02\x03", 3);
	expect_err(TW_DNS_T_NS, "\x01x\x00\x00", 4);
	expect_err(TW_DNS_T_NS, "\x01x", 2);
	expect_err(TW_DNS_T_CNAME, "\xc0\x0c", 2);
	expect_err(TW_DNS_T_MX, "\x00\x01", 2);
	expect_err(TW_DNS_T_MX, "\x00\x01\x01", 3);
	expect_err(TW_DNS_T_SRV, "\x00\x01\x00\x01\x00\x01", 6);
	expect_err(TW_DNS_T_SOA, "\x02", 1);
	expect_err(TW_DNS_T_SOA, "\x00\x02", 2);
	expect_err(TW_DNS_T_SOA, "\x00\x00\x01", 3);
	expect_err(TW_DNS_T_TXT,
		   "\x03"
		   "ab",
		   3);
	expect_err(TW_DNS_T_TXT,
		   "\x01"
		   "a\x05",
		   3);
	expect_err(TW_DNS_T_DS, "\x00\x01\x05", 3);
	expect_err(TW_DNS_T_DNSKEY, "\x01\x00\x03", 3);
	expect_err(TW_DNS_T_RRSIG,
		   "\x00\x01\x05\x03\x00\x01\x51\x80\x3e\x7c"
		   "\x9d\xd7\x3e\x55\x10\xd7\x0a\x52",
		   18);
	expect_err(TW_DNS_T_RRSIG,
		   "\x00\x01\x05\x03\x00\x01\x51\x80\x3e\x7c"
		   "\x9d\xd7\x3e\x55\x10\xd7\x0a\x52\x05",
		   19);
	expect_err(TW_DNS_T_NSEC, "\x05", 1);
	/* bitmaps: short, length 0, 33, past the end, windows out of
	 * order */
	expect_err(TW_DNS_T_NSEC, "\x00\x00", 2);
	expect_err(TW_DNS_T_NSEC, "\x00\x00\x00", 3);
	expect_err(TW_DNS_T_NSEC, "\x00\x00\x21", 3);
	expect_err(TW_DNS_T_NSEC, "\x00\x00\x02\x40", 4);
	expect_err(TW_DNS_T_NSEC, "\x00\x01\x01\x40\x00\x01\x40", 7);
	/* NSEC3: short, salt past the end, no hash length, hash 0, hash
	 * past the end, bad bitmap */
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00", 4);
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00\x02\xaa", 6);
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00\x00", 5);
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00\x00\x00", 6);
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00\x00\x02\xaa", 7);
	expect_err(TW_DNS_T_NSEC3, "\x01\x00\x00\x00\x00\x01\xaa\x00", 8);
	expect_err(TW_DNS_T_NSEC3PARAM, "\x01\x00\x00\x00", 4);
	expect_err(TW_DNS_T_NSEC3PARAM, "\x01\x00\x00\x00\x01", 5);
}

/* A response with compressed, mixed-case names, printed RR by RR. */
static const uint8_t msg[] = {
	0x12,
	0x34,
	0x81,
	0x80,
	0,
	1,
	0,
	2,
	0,
	0,
	0,
	2,
	/* 12: Example.COM MX IN */
	T_QUESTION_EXAMPLE_COM_MX,
	/* 29: MX 10 Mail.<12> */
	T_RR_MX_MAIL,
	/* 50: TXT */
	0xc0,
	12,
	0,
	16,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	3,
	2,
	'h',
	'i',
	/* 65: A for Mail (<43>) */
	0xc0,
	43,
	0,
	1,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	4,
	192,
	0,
	2,
	25,
	/* 81: OPT */
	0,
	0,
	41,
	0x10,
	0x00,
	0,
	0,
	0x80,
	0,
	0,
	6,
	0,
	15,
	0,
	2,
	0,
	24,
};

static void
test_rr_print(void **state)
{
	static const char *const want[] = {
		"Example.COM. 3600 IN MX 10 Mail.Example.COM.",
		"Example.COM. 60 IN TXT \"hi\"",
		"Mail.Example.COM. 60 IN A 192.0.2.25",
		"; EDNS: version 0; flags: do; udp: 4096; EDE: 24 (Invalid "
		"Data)",
	};
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	struct tw_dns_rr_iter it;
	char buf[256];
	int i = 0;

	(void)state;
	assert_int_equal(tw_dns_parse(&m, msg, sizeof(msg)), 0);
	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1) {
		assert_int_equal(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)),
				 (int)strlen(want[i]));
		assert_string_equal(buf, want[i]);
		i++;
	}
	assert_int_equal(i, 4);
	/* broken RRs handed in directly */
	tw_dns_rr_iter_init(&it, &m);
	tw_dns_rr_next(&it, &rr);
	rr.rdlen = 3;
	assert_int_equal(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)),
			 -TW_ERDATA);
	rr.rdlen = 200;
	assert_int_equal(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)),
			 -TW_ETRUNC);
	rr.owner_off = 200;
	assert_true(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)) < 0);
}

/* An RRSIG too big for the stack buffer of tw_dns_rr_print(). */
static void
test_rr_print_big(void **state)
{
	uint8_t pkt[2048] = { 0, 0, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
	size_t n = 12, sig = 1200;
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	struct tw_dns_rr_iter it;
	static char buf[4096];
	int len;

	(void)state;
	pkt[n++] = 0; /* root owner */
	tw_put16(pkt + n, TW_DNS_T_RRSIG);
	tw_put16(pkt + n + 2, TW_DNS_C_IN);
	tw_put32(pkt + n + 4, 0);
	tw_put16(pkt + n + 8, (uint16_t)(18 + 1 + sig));
	n += 10;
	memset(pkt + n, 0, 18 + 1);
	pkt[n + 1] = TW_DNS_T_A;
	n += 19;
	memset(pkt + n, 0xff, sig);
	n += sig;
	assert_int_equal(tw_dns_parse(&m, pkt, n), 0);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	len = tw_dns_rr_print(&m, &rr, buf, sizeof(buf));
	assert_true(len > 1600);
	static const char head[] = ". 0 IN RRSIG A 0 0 0 19700101000000 "
				   "19700101000000 0 . ////";
	assert_memory_equal(buf, head, strlen(head));
	assert_int_equal(len, strlen(head) - 4 + 1600);
}

static void *
fail_malloc(size_t size, void *ctx)
{
	(void)size;
	(void)ctx;
	return NULL;
}

static void
test_rr_print_nomem(void **state)
{
	uint8_t pkt[2048] = { 0, 0, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct tw_alloc_hooks hooks = { .malloc_fn = fail_malloc };
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	struct tw_dns_rr_iter it;
	char buf[64];
	size_t n = 13;

	(void)state;
	/* root owner, SIG-like RRSIG rdata of 1200 octets */
	tw_put16(pkt + n, TW_DNS_T_RRSIG);
	tw_put16(pkt + n + 2, TW_DNS_C_IN);
	tw_put16(pkt + n + 8, 1200);
	n += 10 + 1200;
	assert_int_equal(tw_dns_parse(&m, pkt, n), 0);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	tw_alloc_set_hooks(&hooks);
	assert_int_equal(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)), -ENOMEM);
	tw_alloc_set_hooks(NULL);
	assert_int_equal(tw_dns_rr_print(&m, &rr, buf, sizeof(buf)), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_str),
		cmocka_unit_test(test_rcode_str),
		cmocka_unit_test(test_basic_types),
		cmocka_unit_test(test_dnssec_types),
		cmocka_unit_test(test_denial_types),
		cmocka_unit_test(test_opt),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_rr_print),
		cmocka_unit_test(test_rr_print_big),
		cmocka_unit_test(test_rr_print_nomem),
	};

	return cmocka_run_group_tests_name("dns/present", tests, NULL, NULL);
}
