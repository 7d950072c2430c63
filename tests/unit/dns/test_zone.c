/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zone-file reader: Debian's /usr/share/dns/root.key and root.ds as
 * shipped, BIND and ldns layouts, directives, and errors with their exact
 * code and line number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_dns.h"

#define KSK20326                                                           \
	"AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq" \
	"7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnI" \
	"DdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb" \
	"9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTId" \
	"sIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qih" \
	"ylGa8subX2Nn6UwNR1AkUTV74bU="
#define KSK38696                                                           \
	"AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/cidltpkyG" \
	"wCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYSjH8" \
	"e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/" \
	"dL/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGO" \
	"HOijtzN+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2" \
	"vaF18UYH9Z9GNUUeayffKC73PYc="

/* /usr/share/dns/root.key (Debian dns-root-data), verbatim. */
static const char root_key[] =
	". IN DNSKEY 257 3 8 " KSK20326 " ; keytag 20326\n"
	". IN DNSKEY 257 3 8 " KSK38696 " ; keytag 38696\n";

/* /usr/share/dns/root.ds, verbatim. */
static const char root_ds[] =
	". IN DS 20326 8 2 "
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
	". IN DS 38696 8 2 "
	"683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

static const uint8_t ds20326[32] = {
	0xe0, 0x6d, 0x44, 0xb8, 0x0b, 0x8f, 0x1d, 0x39, 0xa9, 0x5c, 0x0b,
	0x0d, 0x7c, 0x65, 0xd0, 0x84, 0x58, 0xe8, 0x80, 0x40, 0x9b, 0xbc,
	0x68, 0x34, 0x57, 0x10, 0x42, 0x37, 0xc7, 0xf8, 0xec, 0x8d,
};

#define MAX_RRS 16

struct collect {
	int n;
	struct tw_dns_zone_rr rr[MAX_RRS];
};

static int
collect_cb(const struct tw_dns_zone_rr *rr, void *arg)
{
	struct collect *c = arg;

	assert_true(c->n < MAX_RRS);
	c->rr[c->n++] = *rr;
	return 0;
}

static struct collect *
parse(const char *text, int want)
{
	static struct collect c;
	unsigned line = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = tw_dns_zone_parse(text, collect_cb, &c, &line);
	if (rc != want)
		fail_msg("parse: %d (line %u), want %d", rc, line, want);
	assert_int_equal(c.n, want);
	return &c;
}

static void
parse_err(const char *text, int err, unsigned line)
{
	struct collect c = { 0 };
	unsigned got = 0;
	int rc;

	rc = tw_dns_zone_parse(text, collect_cb, &c, &got);
	if (rc != err || got != line)
		fail_msg("\"%s\": %d at line %u, want %d at line %u", text, rc,
			 got, err, line);
}

static void
test_root_key(void **state)
{
	struct collect *c;
	struct tw_dns_dnskey k;

	(void)state;
	c = parse(root_key, 2);
	for (int i = 0; i < 2; i++) {
		struct tw_dns_zone_rr *rr = &c->rr[i];

		assert_int_equal(rr->owner_len, 1);
		assert_int_equal(rr->owner[0], 0);
		assert_int_equal(rr->type, TW_DNS_T_DNSKEY);
		assert_int_equal(rr->rclass, TW_DNS_C_IN);
		assert_int_equal(rr->ttl, 0);
		/* RSA-2048, exponent 65537: 4 + 1 + 3 + 256 octets */
		assert_int_equal(rr->rdlen, 264);
		assert_int_equal(tw_dns_rdata_dnskey(rr->rdata, rr->rdlen, &k),
				 0);
		assert_int_equal(k.flags, 257);
		assert_int_equal(k.protocol, 3);
		assert_int_equal(k.algorithm, 8);
		assert_memory_equal(k.key, "\x03\x01\x00\x01", 4);
	}
	assert_int_equal(tw_dns_key_tag(c->rr[0].rdata, c->rr[0].rdlen), 20326);
	assert_int_equal(tw_dns_key_tag(c->rr[1].rdata, c->rr[1].rdlen), 38696);
}

static void
test_root_ds(void **state)
{
	struct collect *c;

	(void)state;
	c = parse(root_ds, 2);
	assert_int_equal(c->rr[0].type, TW_DNS_T_DS);
	assert_int_equal(c->rr[0].rdlen, 36);
	assert_memory_equal(c->rr[0].rdata, "\x4f\x66\x08\x02", 4);
	assert_memory_equal(c->rr[0].rdata + 4, ds20326, 32);
	assert_int_equal(tw_get16(c->rr[1].rdata), 38696);
	assert_int_equal(c->rr[1].rdata[4], 0x68);
	assert_int_equal(c->rr[1].rdata[35], 0x16);
}

/* BIND-style: $TTL, $ORIGIN, "@", parentheses over lines, comments
 * inside, TTL/class either order, units, blank owner, relative names. */
static void
test_bind_layout(void **state)
{
	static const char text[] =
		"; trust anchors\n"
		"\n"
		"$TTL 2d\n"
		"$ORIGIN Example.\n"
		"@\tIN DNSKEY ( 257 3 RSASHA256 ; KSK\n"
		"\t\tAwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3\n"
		"\t\t+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv\n"
		"  ; a comment between the lines (with parentheses)\n"
		"\t\tArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF\n"
		"\t\t0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+e\n"
		"\t\toZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfd\n"
		"\t\tRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwN\n"
		"\t\tR1AkUTV74bU= ) ; key id = 20326\n"
		"\tIN 3600 DS 60485 RSASHA1 1 ( 2BB183AF5F22 588179A53B0A\n"
		"\t\t98631FAD1A292118 )\n"
		"www 1h30M CH DS 1 13 2 0a0B\r\n"
		"sub.example.net. DS 2 ED25519 4 FF ; absolute\n"
		"$ORIGIN sub\n"
		"a\\.b DS 3 253 1 00\n"
		"$TTL 60\n"
		"@ 7 CLASS255 DS 4 16 1 01\n"
		"@ DS 5 15 1 02";
	static const char single[] = ". IN DNSKEY 257 3 8 " KSK20326;
	struct tw_dns_zone_rr one;
	struct collect *c;
	uint8_t n[TW_DNS_NAME_MAX];

	(void)state;
	c = parse(text, 7);
	/* 1: the KSK, as on one line */
	assert_int_equal(tw_dns_zone_line(single, 0, &one), 1);
	assert_int_equal(c->rr[0].rdlen, one.rdlen);
	assert_memory_equal(c->rr[0].rdata, one.rdata, one.rdlen);
	assert_int_equal(tw_dns_name_from_str("Example.", n),
			 c->rr[0].owner_len);
	assert_memory_equal(c->rr[0].owner, n, c->rr[0].owner_len);
	assert_int_equal(c->rr[0].ttl, 172800);
	/* 2: blank owner: the previous one; class then TTL */
	assert_memory_equal(c->rr[1].owner, n, c->rr[1].owner_len);
	assert_int_equal(c->rr[1].type, TW_DNS_T_DS);
	assert_int_equal(c->rr[1].ttl, 3600);
	assert_int_equal(c->rr[1].rdlen, 24);
	assert_memory_equal(c->rr[1].rdata,
			    "\xec\x45\x05\x01\x2b\xb1\x83\xaf\x5f\x22\x58\x81"
			    "\x79\xa5\x3b\x0a\x98\x63\x1f\xad\x1a\x29\x21\x18",
			    24);
	/* 3: relative owner, units, CH, CRLF */
	tw_dns_name_from_str("www.Example.", n);
	assert_memory_equal(c->rr[2].owner, n, c->rr[2].owner_len);
	assert_int_equal(c->rr[2].ttl, 5400);
	assert_int_equal(c->rr[2].rclass, 3);
	assert_memory_equal(c->rr[2].rdata, "\x00\x01\x0d\x02\x0a\x0b", 6);
	/* 4: absolute owner; no TTL: $TTL (not the last TTL stated) */
	tw_dns_name_from_str("sub.example.net.", n);
	assert_memory_equal(c->rr[3].owner, n, c->rr[3].owner_len);
	assert_int_equal(c->rr[3].ttl, 172800);
	assert_int_equal(c->rr[3].rdata[2], 15);
	/* 5: $ORIGIN relative to the previous origin; escaped dot */
	tw_dns_name_from_str("a\\.b.sub.Example.", n);
	assert_int_equal(c->rr[4].owner_len, tw_dns_name_len(n));
	assert_memory_equal(c->rr[4].owner, n, c->rr[4].owner_len);
	assert_int_equal(c->rr[4].rdata[2], 253);
	/* 6, 7: @ is the origin; CLASSnnn; $TTL 60 */
	tw_dns_name_from_str("sub.Example.", n);
	assert_memory_equal(c->rr[5].owner, n, c->rr[5].owner_len);
	assert_int_equal(c->rr[5].ttl, 7);
	assert_int_equal(c->rr[5].rclass, 255);
	assert_int_equal(c->rr[6].ttl, 60);
	assert_int_equal(c->rr[6].rclass, TW_DNS_C_IN);
}

/* Without $TTL the last TTL stated is the default (RFC 1035 5.1). */
static void
test_last_ttl(void **state)
{
	struct collect *c;

	(void)state;
	c = parse("a. DS 1 8 2 00\n"
		  "b. 300 DS 1 8 2 00\n"
		  "c. DS 1 8 2 00\n"
		  "@ DS 1 8 2 00\n"
		  "d 4294967295 DS 1 8 2 00\n"
		  "e NONE DS 1 8 2 00\n"
		  "e ANY DS 1 8 2 00\n"
		  "e CS DS 1 8 2 00\n",
		  8);
	assert_int_equal(c->rr[7].rclass, 2);
	assert_int_equal(c->rr[5].rclass, 254);
	assert_int_equal(c->rr[6].rclass, 255);
	assert_int_equal(c->rr[0].ttl, 0);
	assert_int_equal(c->rr[1].ttl, 300);
	assert_int_equal(c->rr[2].ttl, 300);
	assert_int_equal(c->rr[3].owner_len, 1); /* @ without $ORIGIN */
	assert_int_equal(c->rr[4].ttl, 4294967295u);
	assert_int_equal(c->rr[4].owner_len, 3); /* "d" taken as "d." */
	c = parse("x. 1w2d3h4m5s DS 1 8 2 00\nx. 1h2 DS 1 8 2 00\n", 2);
	assert_int_equal(c->rr[0].ttl, 604800 + 172800 + 10800 + 240 + 5);
	assert_int_equal(c->rr[1].ttl, 3602);
	parse("", 0);
	parse("\n\n   \n; only comments\n", 0);
}

/* ldns-style output (unbound-anchor), one line each. */
static void
test_ldns_layout(void **state)
{
	struct tw_dns_zone_rr rr;

	(void)state;
	assert_int_equal(
		tw_dns_zone_line(".\t172800\tIN\tDNSKEY\t257 3 8 " KSK38696
				 " ;{id = 38696 (ksk), size = 2048b}",
				 5, &rr),
		1);
	assert_int_equal(rr.ttl, 172800);
	assert_int_equal(tw_dns_key_tag(rr.rdata, rr.rdlen), 38696);
	/* the default TTL */
	assert_int_equal(tw_dns_zone_line("x. DS 1 8 2 ( 00 )", 5, &rr), 1);
	assert_int_equal(rr.ttl, 5);
	/* a line may hold newlines inside parentheses */
	assert_int_equal(
		tw_dns_zone_line("x. DS 1 8 2 ( 00 ; c\n 11 )", 5, &rr), 1);
	assert_int_equal(rr.rdlen, 6);
	assert_int_equal(tw_dns_zone_line("", 0, &rr), 0);
	assert_int_equal(tw_dns_zone_line("; comment", 0, &rr), 0);
	assert_int_equal(tw_dns_zone_line("   \t ; indented comment", 0, &rr),
			 0);
	assert_int_equal(tw_dns_zone_line("  x. DS 1 8 2 00", 0, &rr),
			 -TW_ESYNTAX);
	assert_int_equal(tw_dns_zone_line("$TTL 5", 0, &rr), -TW_EUNSUPP);
	assert_int_equal(tw_dns_zone_line("x. DS 1 8 2 ( 00", 0, &rr),
			 -TW_ESYNTAX);
	assert_int_equal(tw_dns_zone_line("x. A 1.2.3.4", 0, &rr), -TW_EUNSUPP);
	assert_int_equal(tw_dns_zone_line("x. TYPE48 257 3 8 AA==", 0, &rr), 1);
	assert_int_equal(rr.type, TW_DNS_T_DNSKEY);
	/* escapes: ';' and '(' inside a name are not syntax */
	assert_int_equal(tw_dns_zone_line("a\\;b\\(. DS 1 8 2 00", 0, &rr), 1);
	assert_memory_equal(rr.owner,
			    "\x04"
			    "a;b(",
			    5);
}

/* Every error: code and line. */
static void
test_errors(void **state)
{
	(void)state;
	parse_err("x. DS 1 8 2 00\n\ny. IN A 192.0.2.1\n", -TW_EUNSUPP, 3);
	parse_err("x. DS 1 8 2 00\ny. IN FOO 1\n", -TW_ESYNTAX, 2);
	parse_err("x. DS 1 8 2 0\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 8 2 0g\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 8 2\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 8\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 65536 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 FOO 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 8 256 00\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 256 8 AA==\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 AA=A\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 AA==AA==\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 A===\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 AAA\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 AA!A\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 257 3 8 ==\n", -TW_ESYNTAX, 1);
	/* the line of the bad token inside a multi-line entry */
	parse_err("x. DNSKEY ( 257 3 8\n AAAA\n AA?A\n AAAA )\n", -TW_ESYNTAX,
		  3);
	/* an unclosed parenthesis: where the text ends */
	parse_err("x. DS ( 1 8 2\n 00\n\n", -TW_ESYNTAX, 4);
	parse_err("x. DS 1 8 2 00 )\n", -TW_ESYNTAX, 1);
	parse_err("x. 3600 IN\n", -TW_ESYNTAX, 1);
	parse_err("x.\n", -TW_ESYNTAX, 1);
	parse_err("x. 3600x DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. 4294967296 DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. 5000000w DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. 1h4294967295 DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. 99999999999 DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. CLASS70000 DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. CLASSX DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. IN IN DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("x. VERYLONGTYPEMNEMONICXXXXXXXX 1\n", -TW_ESYNTAX, 1);
	parse_err(" x. DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err("a..b. DS 1 8 2 00\n", -TW_ESYNTAX, 1);
	parse_err(
		"a234567890123456789012345678901234567890123456789012345678901"
		"234. DS 1 8 2 00\n",
		-TW_ELABEL, 1);
	/* a stray ')' wherever a token is expected */
	parse_err("x. )\n", -TW_ESYNTAX, 1);
	parse_err("x. 60 )\n", -TW_ESYNTAX, 1);
	parse_err("x. DS )\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 )\n", -TW_ESYNTAX, 1);
	parse_err("x. DS 1 8 )\n", -TW_ESYNTAX, 1);
	parse_err("x. DNSKEY 1 3 8 AA== )\n", -TW_ESYNTAX, 1);
	parse_err("$TTL )\n", -TW_ESYNTAX, 1);
	/* directives */
	parse_err("\n$INCLUDE other.zone\n", -TW_EUNSUPP, 2);
	parse_err("$TTL\n", -TW_ESYNTAX, 1);
	parse_err("$TTL 1 2\n", -TW_ESYNTAX, 1);
	parse_err("$TTL x\n", -TW_ESYNTAX, 1);
	parse_err("$ORIGIN a..b\n", -TW_ESYNTAX, 1);
}

static void
test_limits(void **state)
{
	static char text[12000];
	size_t n;
	char *p;

	(void)state;
	/* a 255-octet name, then one octet too many after $ORIGIN */
	n = (size_t)snprintf(text, sizeof(text), "$ORIGIN ");
	for (int i = 0; i < 3; i++)
		n += (size_t)snprintf(
			text + n, sizeof(text) - n, "%.63s.",
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	snprintf(
		text + n, sizeof(text) - n, "%.60s.\nb DS 1 8 2 00\n",
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	parse_err(text, -TW_ENAMELEN, 2);
	/* @ is fine with it, and "b." absolute too */
	p = strstr(text, "\nb DS");
	memcpy(p, "\n@ DS", 5);
	parse(text, 1);
	/* a token too long to be a name */
	memset(text, 'a', 2000);
	memcpy(text + 2000, " DS 1 8 2 00", 13);
	parse_err(text, -TW_ENAMELEN, 1);
	/* rdata beyond TW_DNS_ZONE_RDATA_MAX */
	n = (size_t)snprintf(text, sizeof(text), "x. DS 1 8 2 ");
	memset(text + n, 'A', 2 * 4093);
	text[n + 2 * 4093] = '\0';
	parse_err(text, -ENOSPC, 1);
	text[n + 2 * 4092] = '\0';
	parse(text, 1);
	n = (size_t)snprintf(text, sizeof(text), "x. DNSKEY 1 3 8 ");
	memset(text + n, 'A', 4 * 1365);
	text[n + 4 * 1365] = '\0';
	parse_err(text, -ENOSPC, 1);
	text[n + 4 * 1364] = '\0';
	parse(text, 1);
}

static int
stop_cb(const struct tw_dns_zone_rr *rr, void *arg)
{
	int *calls = arg;

	(void)rr;
	return ++*calls == 2 ? 7 : 0;
}

static void
test_callback_stop(void **state)
{
	unsigned line = 0;
	int calls = 0;

	(void)state;
	assert_int_equal(tw_dns_zone_parse(root_ds, stop_cb, &calls, &line), 7);
	assert_int_equal(calls, 2);
	assert_int_equal(line, 2);
	/* err_line may be NULL */
	calls = 0;
	assert_int_equal(tw_dns_zone_parse(root_ds, stop_cb, &calls, NULL), 7);
	assert_int_equal(
		tw_dns_zone_parse("x. A 1.2.3.4", stop_cb, &calls, NULL),
		-TW_EUNSUPP);
}

/* Print what was read and read it back (zone -> text -> zone). */
static void
test_print_roundtrip(void **state)
{
	struct tw_dns_zone_rr a, b;
	struct collect *c;
	char buf[2048];

	(void)state;
	c = parse(root_key, 2);
	for (int i = 0; i < 2; i++) {
		assert_true(tw_dns_rr_to_str(c->rr[i].owner, c->rr[i].type,
					     c->rr[i].rclass, c->rr[i].ttl,
					     c->rr[i].rdata, c->rr[i].rdlen,
					     buf, sizeof(buf)) > 0);
		assert_int_equal(tw_dns_zone_line(buf, 0, &b), 1);
		assert_int_equal(b.rdlen, c->rr[i].rdlen);
		assert_memory_equal(b.rdata, c->rr[i].rdata, b.rdlen);
	}
	assert_int_equal(tw_dns_zone_line(". IN DS 20326 8 2 "
					  "E06D44B80B8F1D39A95C0B0D7C65D084"
					  "58E880409BBC683457104237C7F8EC8D",
					  0, &a),
			 1);
	assert_true(tw_dns_rr_to_str(a.owner, a.type, a.rclass, a.ttl, a.rdata,
				     a.rdlen, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, ". 0 IN DS 20326 8 2 "
				 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC"
				 "683457104237C7F8EC8D");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_key),
		cmocka_unit_test(test_root_ds),
		cmocka_unit_test(test_bind_layout),
		cmocka_unit_test(test_last_ttl),
		cmocka_unit_test(test_ldns_layout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_print_roundtrip),
	};

	return cmocka_run_group_tests_name("dns/zone", tests, NULL, NULL);
}
