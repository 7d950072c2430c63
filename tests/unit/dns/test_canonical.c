/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Canonical form: canonical rdata of every type with names (RFC 4034 6.2
 * item 3, RFC 6840 5.1) from messages with compressed, mixed-case names;
 * canonical RR order (RFC 4034 6.3); the signed data of an RRSIG
 * (RFC 4034 3.1.8.1) checked byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_test.h"
#include "tw_dns.h"

/* ---- Canonical rdata -------------------------------------------------- */

enum { F_END, F_FIX, F_NAME, F_NAMEU, F_STR };

struct field {
	int kind;
	const char *s; /* F_FIX: bytes; names; F_STR: the text */
	uint8_t n;     /* F_FIX: length */
};

struct ccase {
	uint16_t type;
	bool lower;
	struct field f[6];
};

#define FIX(str, len)           \
	{                       \
		F_FIX, str, len \
	}
#define NAME(str)              \
	{                      \
		F_NAME, str, 0 \
	}
#define NAMEU(str)              \
	{                       \
		F_NAMEU, str, 0 \
	}
#define STR(str)              \
	{                     \
		F_STR, str, 0 \
	}

/*
 * F_NAME "Prefix": in the message "Prefix" + a pointer to the question
 * name "Example.COM" (offset 12); canonical "prefix.example.com".
 * F_NAMEU: an uncompressed name (RRSIG, NSEC must not be compressed).
 */
static const struct ccase cases[] = {
	{ TW_DNS_T_NS, true, { NAME("NS1") } },
	{ 3, true, { NAME("MD.Host") } },
	{ 4, true, { NAME("MF") } },
	{ TW_DNS_T_CNAME, true, { NAME("WWW") } },
	{ 7, true, { NAME("MB") } },
	{ 8, true, { NAME("MG") } },
	{ 9, true, { NAME("MR") } },
	{ TW_DNS_T_PTR, true, { NAME("Ptr.Target") } },
	{ TW_DNS_T_DNAME, true, { NAME("") } },
	{ TW_DNS_T_SOA,
	  true,
	  { NAME("NS1"), NAME("HostMaster"),
	    FIX("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
		"\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14",
		20) } },
	{ 14, true, { NAME("RMail"), NAME("EMail") } },
	{ TW_DNS_T_MX, true, { FIX("\x00\x0a", 2), NAME("MX") } },
	{ 17, true, { NAME("Mbox"), NAMEU("TXT.Example.ORG") } },
	{ 18, true, { FIX("\x00\x01", 2), NAME("AFS") } },
	{ 21, true, { FIX("\x00\x02", 2), NAME("Relay") } },
	{ 24,
	  true,
	  { FIX("\x00\x01\x05\x02\x00\x00\x0e\x10\x01\x02\x03\x04\x05\x06\x07"
		"\x08\x09\x0a",
		18),
	    NAME("SIGNER"), FIX("SiGnAtUrE", 9) } },
	{ 26, true, { FIX("\x00\x0a", 2), NAME("Map822"), NAME("MapX400") } },
	{ 30, true, { NAME("Next"), FIX("\x40\x01\x00\x00\x00\x01", 6) } },
	{ TW_DNS_T_SRV,
	  true,
	  { FIX("\x00\x01\x00\x02\x13\xc4", 6), NAME("SIP.Target") } },
	{ TW_DNS_T_NAPTR,
	  true,
	  { FIX("\x00\x64\x00\x0a", 4), STR("U"), STR("E2U+SIP"),
	    STR("!^.*$!sip:Info@Example.COM!"), NAME("Repl") } },
	{ 36, true, { FIX("\x00\x05", 2), NAME("KX") } },
	{ 38,
	  true,
	  { FIX("\x40\x00\x00\x00\x00\x00\x00\x00\x01", 9), NAME("Prefix") } },
	{ 38,
	  true,
	  { FIX("\x00\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x01",
		17) } },
	{ TW_DNS_T_RRSIG,
	  true,
	  { FIX("\x00\x01\x08\x02\x00\x00\x0e\x10\x70\xdb\xd8\x80\x38\x6d\x43"
		"\x80\x23\x49",
		18),
	    NAMEU("Example.COM"), FIX("SiG", 3) } },
	/* RFC 6840 5.1: NSEC's next name keeps its case */
	{ TW_DNS_T_NSEC,
	  false,
	  { NAMEU("Next.Example.COM"), FIX("\x00\x01\x40", 3) } },
	/* no names: copied as they are */
	{ 13, false, { STR("CPU-X"), STR("OS-Y") } },
	{ TW_DNS_T_TXT, false, { STR("MiXeD"), STR("") } },
	{ 65280, false, { FIX("\xc0\x0c\x03WWW", 6) } },
	{ TW_DNS_T_A, false, { FIX("\xc0\x00\x02\x01", 4) } },
};

/* Question "Example.COM" A IN at offset 12, then one RR. */
static void
build_case(const struct ccase *c, struct pb *msg, struct pb *want)
{
	size_t rdlen_at;

	msg->n = want->n = 0;
	pb_bytes(msg, "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00", 12);
	pb_name(msg, "Example.COM", false);
	pb_u16(msg, TW_DNS_T_A);
	pb_u16(msg, TW_DNS_C_IN);
	pb_bytes(msg, "\xc0\x0c", 2);
	pb_u16(msg, c->type);
	pb_u16(msg, TW_DNS_C_IN);
	pb_bytes(msg, "\x00\x00\x0e\x10", 4);
	rdlen_at = msg->n;
	pb_u16(msg, 0);
	for (const struct field *f = c->f; f->kind != F_END; f++) {
		switch (f->kind) {
		case F_FIX:
			pb_bytes(msg, f->s, f->n);
			pb_bytes(want, f->s, f->n);
			break;
		case F_STR:
			pb_u8(msg, (uint8_t)strlen(f->s));
			pb_bytes(msg, f->s, strlen(f->s));
			pb_u8(want, (uint8_t)strlen(f->s));
			pb_bytes(want, f->s, strlen(f->s));
			break;
		case F_NAME:
			pb_labels(msg, f->s, false);
			pb_bytes(msg, "\xc0\x0c", 2);
			pb_labels(want, f->s, c->lower);
			pb_name(want, "Example.COM", c->lower);
			break;
		default:
			pb_name(msg, f->s, false);
			pb_name(want, f->s, c->lower);
			break;
		}
	}
	tw_put16(msg->b + rdlen_at, (uint16_t)(msg->n - rdlen_at - 2));
}

static void
test_canonical_rdata(void **state)
{
	struct pb msg, want;
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	uint8_t out[1024];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build_case(&cases[i], &msg, &want);
		assert_int_equal(tw_dns_parse(&m, msg.b, msg.n), 0);
		nth_rr(&m, 0, &rr);
		n = tw_dns_rr_canonical_rdata(&m, &rr, out, sizeof(out));
		if (n != (int)want.n)
			fail_msg("type %u: length %d, want %zu", cases[i].type,
				 n, want.n);
		assert_memory_equal(out, want.b, want.n);
		/* exactly enough room, and one octet less */
		assert_int_equal(
			tw_dns_rr_canonical_rdata(&m, &rr, out, want.n), n);
		if (want.n > 0)
			assert_int_equal(tw_dns_rr_canonical_rdata(&m, &rr, out,
								   want.n - 1),
					 -ENOSPC);
	}
}

/* Hostile RRs handed straight to tw_dns_rr_canonical_rdata(). */
static void
test_canonical_errors(void **state)
{
	struct pb msg, want;
	struct tw_dns_msg m;
	struct tw_dns_rr rr;
	uint8_t out[1024];

	(void)state;
	/* MX: the name runs past the rdata */
	build_case(&cases[11], &msg, &want);
	assert_int_equal(tw_dns_parse(&m, msg.b, msg.n), 0);
	nth_rr(&m, 0, &rr);
	rr.rdlen = 4;
	assert_int_equal(tw_dns_rr_canonical_rdata(&m, &rr, out, sizeof(out)),
			 -TW_ERDATA);
	/* MX: shorter than the preference */
	rr.rdlen = 1;
	assert_int_equal(tw_dns_rr_canonical_rdata(&m, &rr, out, sizeof(out)),
			 -TW_ERDATA);
	/* rdata past the end of the message */
	rr.rdlen = 200;
	assert_true(tw_dns_rr_canonical_rdata(&m, &rr, out, sizeof(out)) < 0);
	/* a pointer loop inside the rdata */
	rr.rdlen = 4;
	msg.b[rr.rdata_off + 2] = 0xc0;
	msg.b[rr.rdata_off + 3] = (uint8_t)(rr.rdata_off + 2);
	assert_int_equal(tw_dns_rr_canonical_rdata(&m, &rr, out, sizeof(out)),
			 -TW_ELOOP);

	/*
	 * A fake message longer than 65535 octets in which a SIG rdata of
	 * 65535 octets grows past RDLENGTH when its signer is expanded.
	 */
	size_t big = 70000;
	uint8_t *pkt = calloc(1, big);
	assert_non_null(pkt);
	for (int i = 0; i < 3; i++) {
		pkt[12 + i * 64] = 63;
		memset(pkt + 13 + i * 64, 'a', 63);
	}
	pkt[12 + 192] = 61;
	memset(pkt + 12 + 193, 'b', 61); /* 254 octets + root: 255 */
	memset(&m, 0, sizeof(m));
	m.pkt = pkt;
	m.len = big;
	memset(&rr, 0, sizeof(rr));
	rr.type = 24;
	rr.rclass = TW_DNS_C_IN;
	rr.rdata_off = 300;
	rr.rdlen = 65535;
	pkt[300 + 18] = 0xc0;
	pkt[300 + 19] = 12;
	uint8_t *o = malloc(70000);
	assert_non_null(o);
	assert_int_equal(tw_dns_rr_canonical_rdata(&m, &rr, o, 70000),
			 -TW_ERDATA);
	free(o);
	free(pkt);
}

/* ---- Canonical order -------------------------------------------------- */

static void
test_rdata_cmp(void **state)
{
	static const uint8_t a[] = { 1, 2 }, b[] = { 1, 2, 0 }, c[] = { 1, 3 },
			     d[] = { 0x80 };
	struct tw_dns_rdata_ref ra = { a, 2 }, rb = { b, 3 }, rc = { c, 2 },
				rd = { d, 1 }, re = { NULL, 0 };

	(void)state;
	assert_true(tw_dns_rdata_cmp(&ra, &rb) < 0); /* prefix first */
	assert_true(tw_dns_rdata_cmp(&rb, &ra) > 0);
	assert_true(tw_dns_rdata_cmp(&rb, &rc) < 0);
	assert_true(tw_dns_rdata_cmp(&rc, &rd) < 0); /* unsigned octets */
	assert_true(tw_dns_rdata_cmp(&re, &ra) < 0); /* empty first */
	assert_int_equal(tw_dns_rdata_cmp(&re, &re), 0);
	assert_int_equal(tw_dns_rdata_cmp(&ra, &ra), 0);
}

/* ---- Signed data ------------------------------------------------------ */

/*
 * RFC 5702 6.1: www.example.net. 3600 IN A 192.0.2.91, signed
 * "A 8 3 3600 20300101000000 20000101000000 9033 example.net.".
 * 2030-01-01 = 1893456000 = 0x70dbd880, 2000-01-01 = 946684800 =
 * 0x386d4380, 9033 = 0x2349.
 */
static const uint8_t rfc5702_rrsig[] = {
	0x00,
	0x01, /* type covered A */
	0x08, /* RSASHA256 */
	0x03, /* labels */
	0x00,
	0x00,
	0x0e,
	0x10, /* original TTL 3600 */
	0x70,
	0xdb,
	0xd8,
	0x80, /* expiration */
	0x38,
	0x6d,
	0x43,
	0x80, /* inception */
	0x23,
	0x49, /* key tag 9033 */
	7,
	'e',
	'x',
	'a',
	'm',
	'p',
	'l',
	'e',
	3,
	'n',
	'e',
	't',
	0,
	/* the signature: not part of the signed data */
	0x91,
	0x10,
	0x8e,
	0x1f,
	0xab,
	0xbb,
};

static const uint8_t rfc5702_signed[] = {
	/* RRSIG rdata without the signature */
	0x00,
	0x01,
	0x08,
	0x03,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x70,
	0xdb,
	0xd8,
	0x80,
	0x38,
	0x6d,
	0x43,
	0x80,
	0x23,
	0x49,
	7,
	'e',
	'x',
	'a',
	'm',
	'p',
	'l',
	'e',
	3,
	'n',
	'e',
	't',
	0,
	/* www.example.net. A IN 3600 rdlength 4 192.0.2.91 */
	3,
	'w',
	'w',
	'w',
	7,
	'e',
	'x',
	'a',
	'm',
	'p',
	'l',
	'e',
	3,
	'n',
	'e',
	't',
	0,
	0x00,
	0x01,
	0x00,
	0x01,
	0x00,
	0x00,
	0x0e,
	0x10,
	0x00,
	0x04,
	192,
	0,
	2,
	91,
};

static void
test_sigdata_rfc5702(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 91 };
	struct tw_dns_rdata_ref rd = { a, 4 };
	uint8_t out[512], n[TW_DNS_NAME_MAX], sig[sizeof(rfc5702_rrsig)];
	int len;

	(void)state;
	len = tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
			     wire("www.example.net", n), TW_DNS_T_A,
			     TW_DNS_C_IN, &rd, 1, out, sizeof(out));
	assert_int_equal(len, sizeof(rfc5702_signed));
	assert_memory_equal(out, rfc5702_signed, sizeof(rfc5702_signed));

	/* owner and signer in capitals: the same signed data; the
	 * caller's RRSIG rdata is not modified */
	memcpy(sig, rfc5702_rrsig, sizeof(sig));
	memcpy(sig + 19, "EXAMPLE", 7);
	len = tw_dns_sigdata(sig, sizeof(sig), wire("WWW.Example.NET", n),
			     TW_DNS_T_A, TW_DNS_C_IN, &rd, 1, out, sizeof(out));
	assert_int_equal(len, sizeof(rfc5702_signed));
	assert_memory_equal(out, rfc5702_signed, sizeof(rfc5702_signed));
	assert_memory_equal(sig + 19, "EXAMPLE", 7);

	/* exactly enough room; one octet less */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, &rd, 1, out,
					sizeof(rfc5702_signed)),
			 (int)sizeof(rfc5702_signed));
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, &rd, 1, out,
					sizeof(rfc5702_signed) - 1),
			 -ENOSPC);
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, &rd, 1, out, 20),
			 -ENOSPC);
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, NULL, 0, out, 30),
			 -ENOSPC);
	/* no RRs: only the RRSIG part */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, NULL, 0, out, sizeof(out)),
			 31);
}

/*
 * RFC 4034 3.3: "host.example.com. 86400 IN RRSIG A 5 3 86400
 * 20030322173103 20030220173103 2642 example.com. oJB1W6WN...". Its
 * RSA/SHA-1 signature, opened with the example.com DNSKEY of RFC 4034
 * 2.3 (key tag 2642), holds the SHA-1 digest
 * ce556959267e1522d62e3efb760ed38da9501f84, which is the SHA-1 of the
 * bytes below: the signed data of the RRset {host.example.com. A 1.2.3.4}
 * (checked offline). So these bytes are what a real signer signed.
 */
static const uint8_t rfc4034_signed[] = {
	0x00, 0x01, 0x05, 0x03, 0x00, 0x01, 0x51, 0x80, 0x3e, 0x7c, 0x9d,
	0xd7, 0x3e, 0x55, 0x10, 0xd7, 0x0a, 0x52, 0x07, 0x65, 0x78, 0x61,
	0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x04, 0x68,
	0x6f, 0x73, 0x74, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01,
	0x51, 0x80, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
};

static void
test_sigdata_rfc4034(void **state)
{
	static const uint8_t a[] = { 1, 2, 3, 4 };
	struct tw_dns_rdata_ref rd = { a, 4 };
	uint8_t rrsig[31 + 128], out[256], n[TW_DNS_NAME_MAX];

	(void)state;
	/* the RRSIG rdata: the signed part, then a 1024-bit signature */
	memcpy(rrsig, rfc4034_signed, 31);
	memset(rrsig + 31, 0xa0, 128);
	assert_int_equal(tw_dns_sigdata(rrsig, sizeof(rrsig),
					wire("Host.Example.COM", n), TW_DNS_T_A,
					TW_DNS_C_IN, &rd, 1, out, sizeof(out)),
			 (int)sizeof(rfc4034_signed));
	assert_memory_equal(out, rfc4034_signed, sizeof(rfc4034_signed));
}

/* RFC 4035 5.3.2: labels 2 on a 4-label owner -> "*.example.net". */
static void
test_sigdata_wildcard(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 1 };
	struct tw_dns_rdata_ref rd = { a, 4 };
	uint8_t out[512], n[TW_DNS_NAME_MAX], sig[sizeof(rfc5702_rrsig)];
	static const uint8_t want_owner[] = { 1,   '*', 7,   'e', 'x',
					      'a', 'm', 'p', 'l', 'e',
					      3,   'n', 'e', 't', 0 };
	int len;

	(void)state;
	memcpy(sig, rfc5702_rrsig, sizeof(sig));
	sig[3] = 2;
	len = tw_dns_sigdata(sig, sizeof(sig), wire("A.b.Example.NET", n),
			     TW_DNS_T_A, TW_DNS_C_IN, &rd, 1, out, sizeof(out));
	assert_int_equal(len, 31 + 15 + 10 + 4);
	assert_memory_equal(out + 31, want_owner, sizeof(want_owner));
	assert_int_equal(tw_get16(out + 31 + 15), TW_DNS_T_A);
	/* labels 0: "*." + root */
	sig[3] = 0;
	len = tw_dns_sigdata(sig, sizeof(sig), wire("x.Example.NET", n),
			     TW_DNS_T_A, TW_DNS_C_IN, &rd, 1, out, sizeof(out));
	assert_int_equal(len, 31 + 3 + 10 + 4);
	assert_memory_equal(out + 31, "\x01*\x00", 3);
	/* labels above the owner's count: the caller's bug, refused */
	sig[3] = 4;
	assert_int_equal(tw_dns_sigdata(sig, sizeof(sig),
					wire("example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, &rd, 1, out, sizeof(out)),
			 -TW_ERDATA);
}

/* RFC 4034 6.3: sorted, duplicates once; the array sorted in place. */
static void
test_sigdata_order(void **state)
{
	static const uint8_t r1[] = { 192, 0, 2, 2 }, r2[] = { 192, 0, 2, 1 },
			     r3[] = { 192, 0, 2, 2 }, r4[] = { 10, 0, 0, 1 };
	struct tw_dns_rdata_ref rd[4] = {
		{ r1, 4 }, { r2, 4 }, { r3, 4 }, { r4, 4 }
	};
	uint8_t out[512], n[TW_DNS_NAME_MAX];
	const size_t rr = 17 + 10 + 4;
	int len;

	(void)state;
	len = tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
			     wire("www.example.net", n), TW_DNS_T_A,
			     TW_DNS_C_IN, rd, 4, out, sizeof(out));
	assert_int_equal(len, 31 + 3 * rr);
	assert_memory_equal(out + 31 + rr - 4, r4, 4);
	assert_memory_equal(out + 31 + 2 * rr - 4, r2, 4);
	assert_memory_equal(out + 31 + 3 * rr - 4, r1, 4);
	/* every RR carries the original TTL and the RRset's class */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tw_get16(out + 31 + i * rr + 19), TW_DNS_C_IN);
		assert_int_equal(tw_get32(out + 31 + i * rr + 21), 3600);
	}
	assert_memory_equal(rd[0].data, r4, 4);
	assert_memory_equal(rd[1].data, r2, 4);
	assert_int_equal(tw_dns_rdata_cmp(&rd[2], &rd[3]), 0);
	/* a room check that counts the duplicate once */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, rd, 4, out, 31 + 3 * rr),
			 (int)(31 + 3 * rr));
}

static void
test_sigdata_errors(void **state)
{
	uint8_t out[512], n[TW_DNS_NAME_MAX], sig[sizeof(rfc5702_rrsig)];
	static const uint8_t badname[] = { 64, 0 };

	(void)state;
	/* shorter than the fixed part */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, 17,
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, NULL, 0, out, sizeof(out)),
			 -TW_ERDATA);
	/* signer cut short, signer compressed */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, 25,
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, NULL, 0, out, sizeof(out)),
			 -TW_ERDATA);
	memcpy(sig, rfc5702_rrsig, sizeof(sig));
	sig[18] = 0xc0;
	assert_int_equal(tw_dns_sigdata(sig, sizeof(sig),
					wire("www.example.net", n), TW_DNS_T_A,
					TW_DNS_C_IN, NULL, 0, out, sizeof(out)),
			 -TW_ERDATA);
	/* a bad owner */
	assert_int_equal(tw_dns_sigdata(rfc5702_rrsig, sizeof(rfc5702_rrsig),
					badname, TW_DNS_T_A, TW_DNS_C_IN, NULL,
					0, out, sizeof(out)),
			 -TW_ELABEL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_rdata),
		cmocka_unit_test(test_canonical_errors),
		cmocka_unit_test(test_rdata_cmp),
		cmocka_unit_test(test_sigdata_rfc5702),
		cmocka_unit_test(test_sigdata_rfc4034),
		cmocka_unit_test(test_sigdata_wildcard),
		cmocka_unit_test(test_sigdata_order),
		cmocka_unit_test(test_sigdata_errors),
	};

	return cmocka_run_group_tests_name("dns/canonical", tests, NULL, NULL);
}
