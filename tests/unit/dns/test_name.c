/* SPDX-License-Identifier: BSD-3-Clause */
/* Names: decompression (RFC 1035 4.1.4), limits, canonical order (RFC
 * 4034 6.1), presentation format (RFC 1035 5.1, RFC 4343 2.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_priv.h"
#include "tw_dns.h"

/* A 12-octet header followed by @p body; returns the total length. */
static size_t
with_hdr(uint8_t *pkt, const uint8_t *body, size_t n)
{
	memset(pkt, 0, TW_DNS_HDR_LEN);
	memcpy(pkt + TW_DNS_HDR_LEN, body, n);
	return TW_DNS_HDR_LEN + n;
}

static void
wire(const char *s, uint8_t out[TW_DNS_NAME_MAX])
{
	assert_true(tw_dns_name_from_str(s, out) > 0);
}

static void
test_unpack_plain(void **state)
{
	static const uint8_t body[] = { 3,   'w', 'w', 'w', 7,	 'E',
					'x', 'a', 'm', 'p', 'l', 'e',
					3,   'c', 'o', 'm', 0,	 0xaa };
	uint8_t pkt[64], out[TW_DNS_NAME_MAX], exp[TW_DNS_NAME_MAX];
	size_t len = with_hdr(pkt, body, sizeof(body)), next = 0;

	(void)state;
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, out, &next), 17);
	assert_int_equal(next, 29);
	wire("www.Example.com.", exp);
	assert_memory_equal(out, exp, 17);
	/* Validation only. */
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL), 17);
	/* The root name. */
	assert_int_equal(tw_dns_name_unpack(pkt, len, 28, out, &next), 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(next, 29);
}

static void
test_unpack_compressed(void **state)
{
	/* 12: example.com; 25: www + ptr 12; 31: ptr 25 (ptr to ptr). */
	static const uint8_t body[] = { 7,   'e', 'x', 'a',  'm', 'p',	'l',
					'e', 3,	  'c', 'o',  'm', 0,	3,
					'w', 'w', 'w', 0xc0, 12,  0xc0, 25 };
	uint8_t pkt[64], out[TW_DNS_NAME_MAX], exp[TW_DNS_NAME_MAX];
	size_t len = with_hdr(pkt, body, sizeof(body)), next;

	(void)state;
	wire("www.example.com", exp);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 25, out, &next), 17);
	assert_int_equal(next, 31);
	assert_memory_equal(out, exp, 17);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 31, out, &next), 17);
	assert_int_equal(next, 33);
	assert_memory_equal(out, exp, 17);
	/* A pointer into the middle of a name: "com". */
	pkt[len - 1] = 20;
	assert_int_equal(tw_dns_name_unpack(pkt, len, 31, out, &next), 5);
	assert_memory_equal(out, "\003com", 5);
}

static void
test_unpack_loops(void **state)
{
	uint8_t pkt[64];
	size_t len;

	(void)state;
	/* Pointer to itself. */
	len = with_hdr(pkt, (const uint8_t[]){ 0xc0, 12 }, 2);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_ELOOP);
	/* A -> B -> A: A at 14 points back to B at 12, B points to A. */
	len = with_hdr(pkt, (const uint8_t[]){ 0xc0, 14, 0xc0, 12 }, 4);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 14, NULL, NULL),
			 -TW_ELOOP);
	/* Starting at B, the first pointer is already forward. */
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_EPTR);
	/* A label then a pointer back to the label: "a.a.a..." forever. */
	len = with_hdr(pkt, (const uint8_t[]){ 1, 'a', 0xc0, 12 }, 4);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_ELOOP);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 14, NULL, NULL),
			 -TW_ELOOP);
	/* A -> B -> C -> B through three names. */
	len = with_hdr(pkt,
		       (const uint8_t[]){ 1, 'b', 0xc0, 16, 1, 'c', 0xc0, 12, 1,
					  'a', 0xc0, 16 },
		       12);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 20, NULL, NULL),
			 -TW_ELOOP);
}

static void
test_unpack_bad_pointers(void **state)
{
	uint8_t pkt[64];
	size_t len;

	(void)state;
	/* Forward, to a valid name. */
	len = with_hdr(pkt, (const uint8_t[]){ 0xc0, 14, 0 }, 3);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_EPTR);
	/* Past the end of the packet. */
	len = with_hdr(pkt, (const uint8_t[]){ 0, 0xff, 0xff }, 3);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 13, NULL, NULL),
			 -TW_EPTR);
	/* Into the header. */
	len = with_hdr(pkt, (const uint8_t[]){ 0xc0, 3 }, 2);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_EPTR);
	/* Pointer cut in half. */
	len = with_hdr(pkt, (const uint8_t[]){ 1, 'a', 0xc0 }, 3);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_ETRUNC);
	/* Reserved label types 01 and 10 (RFC 6891 5). */
	len = with_hdr(pkt, (const uint8_t[]){ 0x41, 'a', 0 }, 3);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_ELABEL);
	len = with_hdr(pkt, (const uint8_t[]){ 0x80, 0 }, 2);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, NULL, NULL),
			 -TW_ELABEL);
}

static void
test_unpack_truncated(void **state)
{
	static const uint8_t body[] = { 3, 'w', 'w', 'w', 1, 'x', 0 };
	uint8_t out[TW_DNS_NAME_MAX];

	(void)state;
	/* Every cut of the name, in an exact-size heap buffer (ASan). */
	for (size_t n = 0; n < sizeof(body); n++) {
		uint8_t *pkt = malloc(TW_DNS_HDR_LEN + n);

		assert_non_null(pkt);
		with_hdr(pkt, body, n);
		assert_int_equal(tw_dns_name_unpack(pkt, TW_DNS_HDR_LEN + n, 12,
						    out, NULL),
				 -TW_ETRUNC);
		free(pkt);
	}
}

static void
test_unpack_pointer_chain(void **state)
{
	uint8_t pkt[TW_DNS_HDR_LEN + 1 + 2 * 200];
	size_t len = TW_DNS_HDR_LEN + 1;

	(void)state;
	/* Root at 12, then pointer i points to pointer i - 1. */
	memset(pkt, 0, sizeof(pkt));
	for (size_t i = 0; i < 200; i++) {
		size_t target = i == 0 ? 12 : len - 2;

		pkt[len] = (uint8_t)(0xc0 | target >> 8);
		pkt[len + 1] = (uint8_t)target;
		len += 2;
	}
	/* 128 jumps are fine, 129 are refused. */
	assert_int_equal(tw_dns_name_unpack(pkt, len, 13 + 2 * 127, NULL, NULL),
			 1);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 13 + 2 * 128, NULL, NULL),
			 -TW_ELOOP);
	assert_int_equal(tw_dns_name_unpack(pkt, len, len - 2, NULL, NULL),
			 -TW_ELOOP);
}

/* Build "x{a}.x{b}...." style names of exactly @p total octets. */
static size_t
long_name(uint8_t *out, size_t total)
{
	size_t pos = 0;

	while (total - pos > 1) {
		size_t lab = TW_MIN((size_t)63, total - pos - 2);

		out[pos] = (uint8_t)lab;
		memset(out + pos + 1, 'a', lab);
		pos += lab + 1;
	}
	out[pos] = 0;
	return pos + 1;
}

static void
test_unpack_limits(void **state)
{
	uint8_t pkt[TW_DNS_HDR_LEN + 300], out[TW_DNS_NAME_MAX];
	uint8_t name[300];
	size_t len, next;

	(void)state;
	/* Exactly 255 octets: valid. */
	assert_int_equal(long_name(name, 255), 255);
	len = with_hdr(pkt, name, 255);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, out, &next), 255);
	assert_int_equal(next, len);
	assert_memory_equal(out, name, 255);
	assert_int_equal(tw_dns_name_check(name, 255), 255);
	/* 256: invalid. */
	assert_int_equal(long_name(name, 256), 256);
	len = with_hdr(pkt, name, 256);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, out, &next),
			 -TW_ENAMELEN);
	assert_int_equal(tw_dns_name_check(name, 256), -TW_ENAMELEN);
	/* 63-octet label valid; a 64 length octet is label type 01. */
	name[0] = 63;
	memset(name + 1, 'b', 64);
	name[64] = 0;
	len = with_hdr(pkt, name, 65);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, out, NULL), 65);
	assert_int_equal(tw_dns_name_check(name, 65), 65);
	name[0] = 64;
	name[65] = 0;
	len = with_hdr(pkt, name, 66);
	assert_int_equal(tw_dns_name_unpack(pkt, len, 12, out, NULL),
			 -TW_ELABEL);
	assert_int_equal(tw_dns_name_check(name, 66), -TW_ELABEL);
}

static void
test_unpack_expanded_too_long(void **state)
{
	/* "63 a's" . "63 a's" . ptr -> (63 . 63 . root): 64*4+1 = 257. */
	uint8_t pkt[TW_DNS_HDR_LEN + 300];
	size_t len = TW_DNS_HDR_LEN;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	for (int i = 0; i < 2; i++) {
		pkt[len] = 63;
		memset(pkt + len + 1, 'z', 63);
		len += 64;
	}
	pkt[len++] = 0; /* 12: 129-octet name */
	size_t second = len;
	for (int i = 0; i < 2; i++) {
		pkt[len] = 63;
		memset(pkt + len + 1, 'y', 63);
		len += 64;
	}
	pkt[len++] = 0xc0;
	pkt[len++] = 12;
	assert_int_equal(tw_dns_name_unpack(pkt, len, second, NULL, NULL),
			 -TW_ENAMELEN);
	/* One label less before the pointer fits: 64 + 129 = 193. */
	assert_int_equal(tw_dns_name_unpack(pkt, len, second + 64, NULL, NULL),
			 193);
}

static void
test_check(void **state)
{
	(void)state;
	assert_int_equal(tw_dns_name_check((const uint8_t *)"", 1), 1);
	assert_int_equal(tw_dns_name_check((const uint8_t *)"\1a", 3), 3);
	assert_int_equal(tw_dns_name_check((const uint8_t *)"\1a", 2),
			 -TW_ETRUNC);
	assert_int_equal(tw_dns_name_check((const uint8_t *)"\3ab", 3),
			 -TW_ETRUNC);
	assert_int_equal(tw_dns_name_check((const uint8_t *)"", 0), -TW_ETRUNC);
	assert_int_equal(tw_dns_name_check((const uint8_t *)"\1a\300\014", 5),
			 -TW_ELABEL);
}

static void
test_len_labels_lower(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX], exp[TW_DNS_NAME_MAX];
	uint8_t offs[TW_DNS_LABELS_MAX + 1];

	(void)state;
	wire("WwW.ExAmPlE.CoM", n);
	assert_int_equal(tw_dns_name_len(n), 17);
	assert_int_equal(tw_dns_name_labels(n), 3);
	assert_int_equal(tw_dns_name_offsets(n, offs), 3);
	assert_int_equal(offs[0], 0);
	assert_int_equal(offs[1], 4);
	assert_int_equal(offs[2], 12);
	assert_int_equal(offs[3], 16);
	tw_dns_name_lower(n);
	wire("www.example.com", exp);
	assert_memory_equal(n, exp, 17);
	/* Only A-Z fold (RFC 4343 3): not '@', '[', 0xC1 or 0xE1. */
	memcpy(n, "\4@[\301Z", 6);
	tw_dns_name_lower(n);
	assert_memory_equal(n, "\4@[\301z", 6);
	assert_int_equal(tw_dns_name_labels((const uint8_t *)""), 0);
	assert_int_equal(tw_dns_name_len((const uint8_t *)""), 1);
	for (int c = 0; c < 256; c++)
		assert_int_equal(tw_dns_lc((uint8_t)c),
				 c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static void
test_eq(void **state)
{
	uint8_t a[TW_DNS_NAME_MAX], b[TW_DNS_NAME_MAX];

	(void)state;
	wire("WWW.example.COM", a);
	wire("www.EXAMPLE.com.", b);
	assert_true(tw_dns_name_eq(a, b));
	wire("www.example.co", b);
	assert_false(tw_dns_name_eq(a, b));
	wire("www.example.com.x", b);
	assert_false(tw_dns_name_eq(a, b));
	wire("wwwexample.com", b);
	assert_false(tw_dns_name_eq(a, b));
	/* '@' (0x40) and '`' (0x60) differ by the case bit: not equal. */
	wire("@", a);
	wire("`", b);
	assert_false(tw_dns_name_eq(a, b));
	assert_true(tw_dns_name_eq((const uint8_t *)"", (const uint8_t *)""));
}

static void
test_cmp_rfc4034(void **state)
{
	/* RFC 4034 6.1, in canonical order. */
	static const char *const order[] = {
		"example",	   "a.example",	     "yljkjljk.a.example",
		"Z.a.example",	   "zABC.a.EXAMPLE", "z.example",
		"\\001.z.example", "*.z.example",    "\\200.z.example",
	};
	uint8_t a[TW_DNS_NAME_MAX], b[TW_DNS_NAME_MAX];

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(order); i++) {
		wire(order[i], a);
		assert_int_equal(tw_dns_name_cmp(a, a), 0);
		for (size_t j = i + 1; j < TW_ARRAY_SIZE(order); j++) {
			wire(order[j], b);
			assert_true(tw_dns_name_cmp(a, b) < 0);
			assert_true(tw_dns_name_cmp(b, a) > 0);
		}
	}
	wire("Z.A.EXAMPLE", a);
	wire("z.a.example", b);
	assert_int_equal(tw_dns_name_cmp(a, b), 0);
	wire(".", a);
	assert_true(tw_dns_name_cmp(a, b) < 0);
	/* A label that is a prefix of another sorts first. */
	wire("ab.example", a);
	wire("abc.example", b);
	assert_true(tw_dns_name_cmp(a, b) < 0);
}

static void
test_sub_suffix(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX], z[TW_DNS_NAME_MAX];

	(void)state;
	wire("www.Example.com", n);
	wire("example.COM", z);
	assert_true(tw_dns_name_is_sub(n, z));
	assert_true(tw_dns_name_is_sub(z, z));
	assert_false(tw_dns_name_is_sub(z, n));
	wire(".", z);
	assert_true(tw_dns_name_is_sub(n, z));
	wire("ample.com", z);
	assert_false(tw_dns_name_is_sub(n, z));
	wire("org", z);
	assert_false(tw_dns_name_is_sub(n, z));

	assert_ptr_equal(tw_dns_name_suffix(n, 3), n);
	assert_ptr_equal(tw_dns_name_suffix(n, 2), n + 4);
	assert_ptr_equal(tw_dns_name_suffix(n, 1), n + 12);
	assert_ptr_equal(tw_dns_name_suffix(n, 0), n + 16);
	assert_null(tw_dns_name_suffix(n, 4));
	assert_null(tw_dns_name_suffix(n, -1));
}

static void
test_from_str(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX];
	char s[600];

	(void)state;
	assert_int_equal(tw_dns_name_from_str(".", n), 1);
	assert_int_equal(n[0], 0);
	assert_int_equal(tw_dns_name_from_str("www.Example.com.", n), 17);
	assert_memory_equal(n, "\3www\7Example\3com", 17);
	assert_int_equal(tw_dns_name_from_str("www.Example.com", n), 17);
	assert_memory_equal(n, "\3www\7Example\3com", 17);
	/* \X and \DDD (RFC 1035 5.1). */
	assert_int_equal(tw_dns_name_from_str("a\\.b.\\065\\255\\000.", n), 9);
	assert_memory_equal(n, "\3a.b\3A\377\0\0", 9);
	assert_int_equal(tw_dns_name_from_str("\\\\", n), 3);
	assert_memory_equal(n, "\1\\", 3);

	assert_int_equal(tw_dns_name_from_str("", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str(NULL, n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("..", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a..b", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str(".a", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a.b..", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a\\", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a\\25", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a\\2x5", n), -TW_ESYNTAX);
	assert_int_equal(tw_dns_name_from_str("a\\256", n), -TW_ESYNTAX);

	/* 63-octet label fine, 64 not. */
	memset(s, 'a', 64);
	s[63] = '\0';
	assert_int_equal(tw_dns_name_from_str(s, n), 65);
	s[63] = 'a';
	s[64] = '\0';
	assert_int_equal(tw_dns_name_from_str(s, n), -TW_ELABEL);
	/* 255 octets: 3 x 63 + 61 labels; one more octet is too many. */
	memset(s, 'a', sizeof(s));
	s[63] = s[127] = s[191] = '.';
	s[253] = '\0';
	assert_int_equal(tw_dns_name_from_str(s, n), 255);
	assert_int_equal(tw_dns_name_check(n, 255), 255);
	s[253] = 'a';
	s[254] = '\0';
	assert_int_equal(tw_dns_name_from_str(s, n), -TW_ENAMELEN);
	s[253] = '.';
	s[254] = 'b';
	s[255] = '\0';
	assert_int_equal(tw_dns_name_from_str(s, n), -TW_ENAMELEN);
}

static void
test_to_str(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX];
	char buf[1100];
	int len;

	(void)state;
	assert_int_equal(tw_dns_name_to_str((const uint8_t *)"", buf, 2), 1);
	assert_string_equal(buf, ".");
	assert_int_equal(tw_dns_name_to_str((const uint8_t *)"", buf, 1),
			 -ENOSPC);
	wire("www.Example.com", n);
	assert_int_equal(tw_dns_name_to_str(n, buf, sizeof(buf)), 16);
	assert_string_equal(buf, "www.Example.com.");
	/* RFC 4343 2.1 escapes. */
	memcpy(n, "\11a.b\\ \001\200\"(\3;@$\0", 16);
	len = tw_dns_name_to_str(n, buf, sizeof(buf));
	assert_string_equal(buf, "a\\.b\\\\\\032\\001\\128\\\"\\(.\\;\\@\\$.");
	assert_int_equal(len, (int)strlen(buf));
	/* Every too-small buffer is refused, the exact size works. */
	for (int size = 0; size <= len; size++)
		assert_int_equal(tw_dns_name_to_str(n, buf, (size_t)size),
				 -ENOSPC);
	assert_int_equal(tw_dns_name_to_str(n, buf, (size_t)len + 1), len);
}

static void
test_str_roundtrip(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX], back[TW_DNS_NAME_MAX];
	char buf[1100];

	(void)state;
	/* Every octet value survives to_str -> from_str. */
	for (int base = 0; base < 256; base += 60) {
		size_t pos = 0;

		for (int l = 0; l < 4; l++) {
			n[pos++] = 15;
			for (int i = 0; i < 15; i++)
				n[pos++] = (uint8_t)(base + l * 15 + i);
		}
		n[pos++] = 0;
		assert_true(tw_dns_name_to_str(n, buf, sizeof(buf)) > 0);
		assert_int_equal(tw_dns_name_from_str(buf, back), (int)pos);
		assert_memory_equal(n, back, pos);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unpack_plain),
		cmocka_unit_test(test_unpack_compressed),
		cmocka_unit_test(test_unpack_loops),
		cmocka_unit_test(test_unpack_bad_pointers),
		cmocka_unit_test(test_unpack_truncated),
		cmocka_unit_test(test_unpack_pointer_chain),
		cmocka_unit_test(test_unpack_limits),
		cmocka_unit_test(test_unpack_expanded_too_long),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_len_labels_lower),
		cmocka_unit_test(test_eq),
		cmocka_unit_test(test_cmp_rfc4034),
		cmocka_unit_test(test_sub_suffix),
		cmocka_unit_test(test_from_str),
		cmocka_unit_test(test_to_str),
		cmocka_unit_test(test_str_roundtrip),
	};

	return cmocka_run_group_tests_name("dns/name", tests, NULL, NULL);
}
