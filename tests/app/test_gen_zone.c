/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tw-gen/zone.c: the harness's signed in-memory zone. Its answers
 * must validate with our own validator (lib/dnssec) from the zone's
 * anchor, for RSASHA256, ECDSAP256SHA256 and Ed25519: positive answers,
 * NODATA (RFC 4035 3.1.3.1), NXDOMAIN (RFC 4035 3.1.3.2), the question
 * echoed as asked; one flipped signature octet makes them bogus; the
 * NSEC chain is in canonical order (RFC 4034 6.1); hostile queries get
 * an error, never a crash (run under ASan too).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "tw_dns.h"
#include "tw_dnssec.h"
#include "zone.h"

#define NOW	HX_NOW
#define N_NAMES 50
#define BUF	4096

/* Query flavours. */
enum { Q_PLAIN, Q_EDNS, Q_DO };

static const uint8_t algs[] = { 8, 13, 15 };
static struct tw_gen_zone *zones[3];

static int
setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++) {
		struct tw_gen_zone_params p = { .origin = "bench.",
						.alg = algs[i],
						.n_names = N_NAMES,
						.now = NOW,
						.ttl = 3600 };

		if (tw_gen_zone_build(&p, &zones[i]) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++)
		tw_gen_zone_free(zones[i]);
	return 0;
}

/* A query (RD, CD set) for wire name nm; its length. */
static size_t
query_wire(uint8_t *buf, const uint8_t *nm, uint16_t qtype, int flavour,
	   uint16_t id)
{
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { .id = id, .flags = TW_DNS_F_RD | TW_DNS_F_CD };
	int n;

	tw_dns_writer_init(&w, buf, BUF);
	assert_int_equal(tw_dns_write_header(&w, &h), 0);
	assert_int_equal(tw_dns_write_question(&w, nm, qtype, TW_DNS_C_IN), 0);
	if (flavour != Q_PLAIN)
		assert_int_equal(
			tw_dns_write_opt(&w, 1232, 0,
					 flavour == Q_DO ? TW_DNS_EDNS_DO : 0,
					 NULL, 0),
			0);
	n = tw_dns_writer_finish(&w);
	assert_true(n > 0);
	return (size_t)n;
}

/* Ask z; the response length (asserted positive). */
static size_t
ask(const struct tw_gen_zone *z, const char *name, uint16_t qtype, int flavour,
    uint8_t *resp)
{
	uint8_t q[BUF], nm[TW_DNS_NAME_MAX];
	size_t ql;
	int n;

	hx_name(name, nm);
	ql = query_wire(q, nm, qtype, flavour, 0x4242);
	n = tw_gen_zone_answer(z, q, ql, resp, BUF);
	assert_true(n > 0);
	return (size_t)n;
}

/* The validator's fetches (DNSKEY), answered by the zone itself. */
static int
resolve(void *arg, const uint8_t *name, uint16_t qtype, struct hx_answer *out)
{
	uint8_t q[BUF], r[BUF];
	size_t ql = query_wire(q, name, qtype, Q_DO, 7);
	int n = tw_gen_zone_answer(arg, q, ql, r, sizeof(r));

	if (n <= 0)
		return -1;
	out->wire = malloc((size_t)n);
	assert_non_null(out->wire);
	memcpy(out->wire, r, (size_t)n);
	out->len = (size_t)n;
	return 0;
}

/* Validate resp for (name, qtype) from z's anchor, in a fresh context
 * (a bogus verdict is remembered per zone, RFC 4035 4.7). */
static void
validate(const struct tw_gen_zone *z, const uint8_t *resp, size_t len,
	 const char *name, uint16_t qtype, enum tw_dnssec_status expect)
{
	struct tw_dnssec_ctx *ctx = NULL;
	struct tw_dnssec_result res;
	uint8_t nm[TW_DNS_NAME_MAX];
	char anchor[2048];

	assert_true(tw_gen_zone_anchor(z, anchor, sizeof(anchor)) > 0);
	assert_int_equal(tw_dnssec_ctx_create(NULL, &ctx), 0);
	assert_int_equal(tw_dnssec_anchor_add_text(ctx, anchor, NULL), 1);
	hx_name(name, nm);
	assert_int_equal(hx_validate(ctx, resp, len, nm, qtype, NOW, resolve,
				     (void *)z, &res, NULL, NULL),
			 TW_VAL_DONE);
	tw_dnssec_ctx_destroy(ctx);
	if (res.status != expect)
		print_message("%s/%u: %s (%s)\n", name, qtype,
			      tw_dnssec_status_str(res.status), res.reason);
	assert_int_equal(res.status, expect);
}

/* Parse a response; counts of RRs of type t in section sec. */
static unsigned
count_rr(const uint8_t *resp, size_t len, int sec, uint16_t t)
{
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	unsigned n = 0;

	assert_int_equal(tw_dns_parse(&m, resp, len), 0);
	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1)
		if (rr.section == sec && rr.type == t)
			n++;
	return n;
}

static struct tw_dns_msg
parsed(const uint8_t *resp, size_t len)
{
	struct tw_dns_msg m;

	assert_int_equal(tw_dns_parse(&m, resp, len), 0);
	return m;
}

static void
test_anchor(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++) {
		struct tw_dns_zone_rr zr;
		struct tw_dns_dnskey k;
		char line[2048], tiny[8];
		uint8_t nm[TW_DNS_NAME_MAX];

		assert_true(tw_gen_zone_anchor(zones[i], line, sizeof(line)) >
			    20);
		assert_non_null(strstr(line, "bench."));
		assert_int_equal(tw_dns_zone_line(line, 0, &zr), 1);
		assert_int_equal(zr.type, TW_DNS_T_DNSKEY);
		hx_name("bench.", nm);
		assert_true(tw_dns_name_eq(zr.owner, nm));
		assert_int_equal(tw_dns_rdata_dnskey(zr.rdata, zr.rdlen, &k),
				 0);
		assert_int_equal(k.flags, 257);
		assert_int_equal(k.algorithm, algs[i]);
		/* RFC 3110 2 (e = 65537), RFC 6605 4 (x | y), RFC 8080 3 */
		assert_int_equal(k.key_len, algs[i] == 8    ? 1 + 3 + 256
					    : algs[i] == 13 ? 64
							    : 32);
		assert_int_equal(
			tw_gen_zone_anchor(zones[i], tiny, sizeof(tiny)),
			-ENOSPC);
	}
}

/* A question. */
struct qcase {
	const char *name;
	uint16_t type;
};

/*
 * Ask every zone each question with DO=1: NOERROR, @p an answer RRs (the
 * RRset and its RRSIG) or, for NODATA (an = 0), SOA, NSEC and their
 * RRSIGs in the authority section; the answer validates as secure.
 */
static void
secure_all(const struct qcase *qs, size_t n, unsigned an)
{
	const uint16_t flags =
		TW_DNS_F_QR | TW_DNS_F_RD | TW_DNS_F_RA | TW_DNS_F_CD;
	uint8_t r[BUF];

	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++)
		for (size_t j = 0; j < n; j++) {
			size_t len =
				ask(zones[i], qs[j].name, qs[j].type, Q_DO, r);
			struct tw_dns_msg m = parsed(r, len);

			assert_int_equal(m.hdr.id, 0x4242);
			assert_int_equal(m.hdr.flags, flags); /* NOERROR */
			assert_int_equal(m.hdr.ancount, an);
			if (an) {
				assert_int_equal(count_rr(r, len, TW_DNS_SEC_AN,
							  qs[j].type),
						 1);
			} else {
				assert_int_equal(m.hdr.nscount, 4);
				assert_int_equal(count_rr(r, len, TW_DNS_SEC_NS,
							  TW_DNS_T_SOA),
						 1);
				assert_int_equal(count_rr(r, len, TW_DNS_SEC_NS,
							  TW_DNS_T_NSEC),
						 1);
			}
			assert_true(m.edns.present);
			assert_true(m.edns.flags & TW_DNS_EDNS_DO);
			validate(zones[i], r, len, qs[j].name, qs[j].type,
				 TW_DNSSEC_SECURE);
		}
}

static void
test_positive(void **state)
{
	static const struct qcase qs[] = {
		{ "n7.bench.", TW_DNS_T_A },	{ "n42.bench.", TW_DNS_T_AAAA },
		{ "n0.bench.", TW_DNS_T_A },	{ "n49.bench.", TW_DNS_T_AAAA },
		{ "ns.bench.", TW_DNS_T_A },	{ "bench.", TW_DNS_T_DNSKEY },
		{ "bench.", TW_DNS_T_SOA },	{ "bench.", TW_DNS_T_NS },
		{ "n3.bench.", TW_DNS_T_NSEC },
	};

	(void)state;
	secure_all(qs, TW_ARRAY_SIZE(qs), 2);
}

/* The data itself: n7 A 10.0.0.7, n42 AAAA 2001:db8::42, NS glue. */
static void
test_rdata(void **state)
{
	const struct tw_gen_zone *z = zones[2];
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	struct tw_dns_msg m;
	uint8_t r[BUF], t[TW_DNS_NAME_MAX], ns[TW_DNS_NAME_MAX];
	size_t len;

	(void)state;
	len = ask(z, "n7.bench.", TW_DNS_T_A, Q_PLAIN, r);
	m = parsed(r, len);
	assert_int_equal(m.hdr.ancount, 1);
	assert_int_equal(m.hdr.arcount, 0);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(rr.ttl, 3600);
	assert_int_equal(rr.rdlen, 4);
	assert_memory_equal(r + rr.rdata_off, "\x0a\x00\x00\x07", 4);

	len = ask(z, "n42.bench.", TW_DNS_T_AAAA, Q_EDNS, r);
	m = parsed(r, len);
	assert_int_equal(m.hdr.ancount, 1);
	assert_int_equal(m.hdr.arcount, 1); /* the OPT */
	assert_false(m.edns.flags & TW_DNS_EDNS_DO);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_memory_equal(r + rr.rdata_off,
			    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x2a", 16);

	/* NS ns.bench. with its A (and RRSIG) as additional data */
	len = ask(z, "bench.", TW_DNS_T_NS, Q_DO, r);
	m = parsed(r, len);
	assert_int_equal(m.hdr.arcount, 3);
	assert_int_equal(count_rr(r, len, TW_DNS_SEC_AR, TW_DNS_T_A), 1);
	tw_dns_rr_iter_init(&it, &m);
	assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
	assert_int_equal(tw_dns_rr_target(&m, &rr, t), 0);
	hx_name("ns.bench.", ns);
	assert_true(tw_dns_name_eq(t, ns));
	while (tw_dns_rr_next(&it, &rr) == 1)
		if (rr.section == TW_DNS_SEC_AR && rr.type == TW_DNS_T_A) {
			assert_true(tw_dns_rr_owner(&m, &rr, t) > 0);
			assert_true(tw_dns_name_eq(t, ns));
		}
}

static void
test_nodata(void **state)
{
	static const struct qcase qs[] = {
		{ "n3.bench.", TW_DNS_T_TXT },	  { "n3.bench.", TW_DNS_T_MX },
		{ "ns.bench.", TW_DNS_T_AAAA },	  { "n5.bench.", TW_DNS_T_DS },
		{ "n5.bench.", TW_DNS_T_DNSKEY }, { "bench.", TW_DNS_T_A },
		{ "bench.", TW_DNS_T_TXT },
	};
	uint8_t r[BUF];

	(void)state;
	secure_all(qs, TW_ARRAY_SIZE(qs), 0);
	/* without DO: the SOA alone (RFC 2308 2.2) */
	for (size_t j = 0; j < TW_ARRAY_SIZE(qs); j++) {
		size_t len = ask(zones[0], qs[j].name, qs[j].type, Q_EDNS, r);

		assert_int_equal(parsed(r, len).hdr.nscount, 1);
	}
}

static void
nxdomain(const struct tw_gen_zone *z, const char *name, uint16_t qtype)
{
	uint8_t r[BUF];
	size_t len = ask(z, name, qtype, Q_DO, r);
	struct tw_dns_msg m = parsed(r, len);
	unsigned nsec = count_rr(r, len, TW_DNS_SEC_NS, TW_DNS_T_NSEC);

	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_NXDOMAIN);
	assert_int_equal(m.hdr.ancount, 0);
	assert_true(nsec == 1 || nsec == 2);
	assert_int_equal(m.hdr.nscount, 2 + 2 * nsec);
	validate(z, r, len, name, qtype, TW_DNSSEC_SECURE);
	len = ask(z, name, qtype, Q_PLAIN, r);
	m = parsed(r, len);
	assert_int_equal(m.hdr.flags & TW_DNS_F_RCODE_MASK,
			 TW_DNS_RCODE_NXDOMAIN);
	assert_int_equal(m.hdr.nscount, 1);
}

static void
test_nxdomain(void **state)
{
	static const char *const names[] = {
		"zzz.bench.",	"abc.bench.",  "n7x.bench.",
		"n500.bench.",	"x.n4.bench.", "a.b.n10.bench.",
		"*.bench.",	"-.bench.",    "\\001x.bench.",
		"nt.bench.",	"x.ns.bench.", "n.bench.",
		"0.bench.",	"n49a.bench.", "\\255.bench.",
		"n1.n1.bench.", "*.n3.bench.", "z.z.z.z.bench.",
	};
	char rnd[64];

	(void)state;
	srand(1);
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++) {
		for (size_t j = 0; j < TW_ARRAY_SIZE(names); j++)
			nxdomain(zones[i], names[j], TW_DNS_T_A);
		/* the random-subdomain flood */
		for (int j = 0; j < 20; j++) {
			int l = 1 + rand() % 20;

			for (int c = 0; c < l; c++)
				rnd[c] = "abcdefghijklmnopqrstuvwxyz0123456789"
					[rand() % 36];
			snprintf(rnd + l, sizeof(rnd) - (size_t)l, ".bench.");
			nxdomain(zones[i], rnd,
				 j & 1 ? TW_DNS_T_AAAA : TW_DNS_T_A);
		}
	}
}

/* The question comes back as asked; the name matches in any case. */
static void
test_case(void **state)
{
	static const char *const names[] = { "N7.BeNcH.", "BENCH.",
					     "ZzZ.BeNcH.", "nS.bench." };
	static const uint16_t types[] = { TW_DNS_T_A, TW_DNS_T_DNSKEY,
					  TW_DNS_T_A, TW_DNS_T_TXT };
	static const uint8_t rcodes[] = { 0, 0, 3, 0 };
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++)
		for (size_t j = 0; j < TW_ARRAY_SIZE(names); j++) {
			size_t ql, nl;
			int n;

			hx_name(names[j], nm);
			nl = tw_dns_name_len(nm);
			ql = query_wire(q, nm, types[j], Q_DO, 0xbeef);
			n = tw_gen_zone_answer(zones[i], q, ql, r, sizeof(r));
			assert_true(n > 0);
			assert_memory_equal(r, q, 2);
			assert_memory_equal(r + 12, q + 12, nl + 4);
			assert_int_equal(r[3] & 0xf, rcodes[j]);
			validate(zones[i], r, (size_t)n, names[j], types[j],
				 TW_DNSSEC_SECURE);
		}
}

/* Flip the last octet of the first RRSIG of section sec. */
static void
flip_rrsig(uint8_t *r, size_t len, int sec, int nth)
{
	struct tw_dns_msg m = parsed(r, len);
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;

	tw_dns_rr_iter_init(&it, &m);
	while (tw_dns_rr_next(&it, &rr) == 1)
		if (rr.section == sec && rr.type == TW_DNS_T_RRSIG &&
		    nth-- == 0) {
			r[rr.end_off - 1] ^= 0x01;
			return;
		}
	fail_msg("no RRSIG");
}

static void
test_bogus(void **state)
{
	uint8_t r[BUF];
	size_t len;

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(algs); i++) {
		len = ask(zones[i], "n7.bench.", TW_DNS_T_A, Q_DO, r);
		flip_rrsig(r, len, TW_DNS_SEC_AN, 0);
		validate(zones[i], r, len, "n7.bench.", TW_DNS_T_A,
			 TW_DNSSEC_BOGUS);
		/* NODATA: the NSEC's signature (the second in authority) */
		len = ask(zones[i], "n7.bench.", TW_DNS_T_TXT, Q_DO, r);
		flip_rrsig(r, len, TW_DNS_SEC_NS, 1);
		validate(zones[i], r, len, "n7.bench.", TW_DNS_T_TXT,
			 TW_DNSSEC_BOGUS);
		/* NXDOMAIN: the covering NSEC's signature */
		len = ask(zones[i], "n7x.bench.", TW_DNS_T_A, Q_DO, r);
		flip_rrsig(r, len, TW_DNS_SEC_NS, 1);
		validate(zones[i], r, len, "n7x.bench.", TW_DNS_T_A,
			 TW_DNSSEC_BOGUS);
	}
}

/* rcode of the answer to a query for (name, type, class). */
static int
rcode_of(const char *name, uint16_t qtype, uint16_t qclass, uint16_t flags)
{
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];
	size_t ql;
	int n;

	hx_name(name, nm);
	ql = query_wire(q, nm, qtype, Q_DO, 1);
	tw_put16(q + 2, flags);
	tw_put16(q + 12 + tw_dns_name_len(nm) + 2, qclass);
	n = tw_gen_zone_answer(zones[1], q, ql, r, sizeof(r));
	assert_true(n > 0);
	assert_true(r[2] & 0x80);
	return parsed(r, (size_t)n).hdr.flags & TW_DNS_F_RCODE_MASK;
}

static void
test_refused(void **state)
{
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];
	struct tw_dns_msg m;
	size_t ql;
	int n;

	/* outside the origin, DS at the apex, class CH, ANY, RRSIG, AXFR,
	 * opcode NOTIFY (4); then a good one */
	static const struct {
		const char *name;
		uint16_t type, qclass, flags;
		uint8_t rcode;
	} cs[] = {
		{ "example.", TW_DNS_T_A, 1, TW_DNS_F_RD, 5 },
		{ "n1.benchx.", TW_DNS_T_A, 1, TW_DNS_F_RD, 5 },
		{ "xbench.", TW_DNS_T_A, 1, TW_DNS_F_RD, 5 },
		{ ".", TW_DNS_T_NS, 1, TW_DNS_F_RD, 5 },
		{ "bench.", TW_DNS_T_DS, 1, TW_DNS_F_RD, 5 },
		{ "n1.bench.", TW_DNS_T_A, 3, TW_DNS_F_RD, 5 },
		{ "n1.bench.", TW_DNS_T_ANY, 1, TW_DNS_F_RD, 5 },
		{ "n1.bench.", TW_DNS_T_RRSIG, 1, TW_DNS_F_RD, 5 },
		{ "n1.bench.", 252, 1, TW_DNS_F_RD, 5 },
		{ "n1.bench.", TW_DNS_T_A, 1, 4 << 11, 4 },
		{ "n1.bench.", TW_DNS_T_A, 1, TW_DNS_F_RD, 0 },
	};

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(cs); i++)
		assert_int_equal(rcode_of(cs[i].name, cs[i].type, cs[i].qclass,
					  cs[i].flags),
				 cs[i].rcode);

	/* EDNS version 1: BADVERS (RFC 6891 6.1.3) */
	hx_name("n1.bench.", nm);
	ql = query_wire(q, nm, TW_DNS_T_A, Q_DO, 1);
	q[ql - 5] = 1;
	n = tw_gen_zone_answer(zones[1], q, ql, r, sizeof(r));
	assert_true(n > 0);
	m = parsed(r, (size_t)n);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(m.edns.version, 0);
	assert_int_equal(m.hdr.ancount, 0);
}

/* Longer than the requestor's payload size: empty with TC. */
static void
test_truncation(void **state)
{
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];
	struct tw_dns_msg m;
	size_t ql;
	int n;

	(void)state;
	hx_name("zzz.bench.", nm); /* NXDOMAIN: ~1000 octets with RSA */
	ql = query_wire(q, nm, TW_DNS_T_A, Q_DO, 1);
	tw_put16(q + ql - 8, 512); /* OPT CLASS */
	n = tw_gen_zone_answer(zones[0], q, ql, r, sizeof(r));
	assert_true(n > 0 && n <= 512);
	m = parsed(r, (size_t)n);
	assert_true(m.hdr.flags & TW_DNS_F_TC);
	assert_int_equal(m.hdr.ancount + m.hdr.nscount, 0);
	assert_true(m.edns.present);
	/* the same fits 1232 */
	tw_put16(q + ql - 8, 1232);
	n = tw_gen_zone_answer(zones[0], q, ql, r, sizeof(r));
	m = parsed(r, (size_t)n);
	assert_false(m.hdr.flags & TW_DNS_F_TC);
	/* a buffer too small for it: -ENOSPC, not TC */
	assert_int_equal(tw_gen_zone_answer(zones[0], q, ql, r, 600), -ENOSPC);
	assert_int_equal(tw_gen_zone_answer(zones[0], q, ql, r, 20), -ENOSPC);
}

/* The NSEC chain: canonical order (RFC 4034 6.1), closed at the apex. */
static void
test_nsec_chain(void **state)
{
	uint8_t cur[TW_DNS_NAME_MAX], apex[TW_DNS_NAME_MAX], r[BUF];
	char s[1024];
	unsigned steps = 0;

	(void)state;
	hx_name("bench.", apex);
	memcpy(cur, apex, tw_dns_name_len(apex));
	do {
		struct tw_dns_rr_iter it;
		struct tw_dns_rr rr;
		struct tw_dns_msg m;
		struct tw_dns_nsec ns;
		size_t len;

		assert_true(tw_dns_name_to_str(cur, s, sizeof(s)) > 0);
		len = ask(zones[2], s, TW_DNS_T_NSEC, Q_PLAIN, r);
		m = parsed(r, len);
		assert_int_equal(m.hdr.ancount, 1);
		tw_dns_rr_iter_init(&it, &m);
		assert_int_equal(tw_dns_rr_next(&it, &rr), 1);
		assert_int_equal(
			tw_dns_rdata_nsec(r + rr.rdata_off, rr.rdlen, &ns), 0);
		/* the first steps of the order */
		if (steps == 0)
			assert_string_equal(s, "bench.");
		if (steps == 1)
			assert_string_equal(s, "n0.bench.");
		if (steps == 3)
			assert_string_equal(s, "n10.bench.");
		if (steps == 12)
			assert_string_equal(s, "n19.bench.");
		if (steps == 13)
			assert_string_equal(s, "n2.bench.");
		if (!tw_dns_name_eq(ns.next, apex))
			assert_true(tw_dns_name_cmp(cur, ns.next) < 0);
		assert_true(tw_dns_bitmap_has(ns.bitmap, ns.bitmap_len,
					      TW_DNS_T_NSEC));
		memcpy(cur, ns.next, ns.next_len);
		steps++;
	} while (!tw_dns_name_eq(cur, apex) && steps < 1000);
	assert_string_equal(s, "ns.bench.");
	assert_int_equal(steps, N_NAMES + 2);
}

static void
test_names(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(tw_gen_zone_count(zones[0]), N_NAMES);
	assert_int_equal(tw_gen_zone_name(zones[0], 42, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "n42.bench.");
	assert_int_equal(tw_gen_zone_name(zones[0], N_NAMES, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(tw_gen_zone_name(zones[0], 42, buf, 5), -ENOSPC);
}

static void
test_build_errors(void **state)
{
	struct tw_gen_zone_params p = { .origin = "bench.", .alg = 5 };
	struct tw_gen_zone *z = (void *)1;

	(void)state;
	assert_int_equal(tw_gen_zone_build(&p, &z), -EINVAL);
	assert_null(z);
	assert_int_equal(tw_gen_zone_build(NULL, &z), -EINVAL);
	p.alg = 15;
	p.origin = "a..b.";
	assert_int_equal(tw_gen_zone_build(&p, &z), -EINVAL);
	p.origin = NULL;
	assert_int_equal(tw_gen_zone_build(&p, &z), -EINVAL);
	tw_gen_zone_free(NULL);
}

/* A bigger zone signed on 3 threads, another origin; out == q works. */
static void
test_bigger(void **state)
{
	struct tw_gen_zone_params p = { .origin = "Sub.Example.",
					.alg = 15,
					.n_names = 3000,
					.now = NOW,
					.ttl = 300,
					.threads = 3 };
	struct tw_gen_zone *z = NULL;
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];
	char name[64];
	size_t ql;
	int n;

	(void)state;
	assert_int_equal(tw_gen_zone_build(&p, &z), 0);
	for (unsigned i = 0; i < 3000; i += 499) {
		size_t len;

		assert_true(tw_gen_zone_name(z, i, name, sizeof(name)) > 0);
		len = ask(z, name, TW_DNS_T_A, Q_DO, r);
		validate(z, r, len, name, TW_DNS_T_A, TW_DNSSEC_SECURE);
		snprintf(name, sizeof(name), "n%ux.sub.example.", i);
		nxdomain(z, name, TW_DNS_T_AAAA);
	}
	assert_string_equal(name, "n2994x.sub.example.");
	/* in place */
	hx_name("n2999.sub.example.", nm);
	ql = query_wire(q, nm, TW_DNS_T_AAAA, Q_DO, 9);
	n = tw_gen_zone_answer(z, q, ql, r, sizeof(r));
	assert_true(n > 0);
	assert_int_equal(tw_gen_zone_answer(z, q, ql, q, sizeof(q)), n);
	assert_memory_equal(q, r, (size_t)n);
	tw_gen_zone_free(z);
}

/*
 * Names of varied lengths (label_pad): lengths spread over label_pad + 2
 * values, labels "n<i>" or "n<i>-<letters>", each name answered and
 * validated, and NXDOMAIN proofs still right with the longer labels in
 * the canonical order (RFC 4034 6.1).
 */
static void
test_label_pad(void **state)
{
	struct tw_gen_zone_params p = { .origin = "bench.",
					.alg = 13,
					.n_names = 600,
					.now = NOW,
					.ttl = 300,
					.threads = 2,
					.label_pad = 12 };
	struct tw_gen_zone *z = NULL;
	unsigned seen[64] = { 0 }, distinct = 0;
	uint8_t r[BUF];
	char name[96], want[16];

	(void)state;
	assert_int_equal(tw_gen_zone_build(&p, &z), 0);
	for (unsigned i = 0; i < 600; i++) {
		int n = tw_gen_zone_name(z, i, name, sizeof(name));
		size_t lab = strcspn(name, ".");

		assert_true(n > 0);
		/* "n<i>", then nothing or '-' and letters */
		snprintf(want, sizeof(want), "n%u", i);
		assert_memory_equal(name, want, strlen(want));
		assert_true(lab == strlen(want) ||
			    (name[strlen(want)] == '-' &&
			     lab - strlen(want) <= p.label_pad + 1));
		for (size_t k = strlen(want) + 1; k < lab; k++)
			assert_true(name[k] >= 'a' && name[k] <= 'z');
		assert_string_equal(name + lab, ".bench.");
		if (seen[lab - strlen(want)]++ == 0)
			distinct++;
		if (i % 37 == 0) {
			size_t len = ask(z, name, TW_DNS_T_A, Q_DO, r);

			validate(z, r, len, name, TW_DNS_T_A, TW_DNSSEC_SECURE);
			/* a name just after it in canonical order */
			name[lab] = '\0';
			strcat(name, "0.bench.");
			nxdomain(z, name, TW_DNS_T_A);
		}
	}
	/* 0 to 13 octets beyond "n<i>" ('-' and 0..12 letters): 14
	 * lengths, all drawn */
	assert_int_equal(distinct, p.label_pad + 2);
	tw_gen_zone_free(z);
	p.label_pad = TW_GEN_NAME_PAD_MAX + 1;
	assert_int_equal(tw_gen_zone_build(&p, &z), -EINVAL);
	assert_null(z);
}

static void
expect_einval(const uint8_t *q, size_t len)
{
	uint8_t r[BUF];

	assert_int_equal(tw_gen_zone_answer(zones[1], q, len, r, sizeof(r)),
			 -EINVAL);
}

static void
test_hostile(void **state)
{
	uint8_t q[BUF], r[BUF], nm[TW_DNS_NAME_MAX];
	size_t ql;

	(void)state;
	hx_name("n1.bench.", nm);
	ql = query_wire(q, nm, TW_DNS_T_A, Q_DO, 1);
	assert_int_equal(tw_gen_zone_answer(NULL, q, ql, r, sizeof(r)),
			 -EINVAL);
	expect_einval(q, 0);
	expect_einval(q, 11);
	expect_einval(q, 16);
	expect_einval(q, 12 + 6);  /* name cut */
	expect_einval(q, 12 + 10); /* no QTYPE */
	expect_einval(q, 12 + 11 + 3);
	expect_einval(q, ql - 1); /* OPT cut */
	q[2] |= 0x80;		  /* QR */
	expect_einval(q, ql);
	q[2] &= 0x7f;
	tw_put16(q + 4, 0);
	expect_einval(q, ql);
	tw_put16(q + 4, 2);
	expect_einval(q, ql);
	tw_put16(q + 4, 1);
	tw_put16(q + 10, 2); /* two additional RRs, one there */
	expect_einval(q, ql);
	tw_put16(q + 10, 1);
	assert_true(tw_gen_zone_answer(zones[1], q, ql, r, sizeof(r)) > 0);

	/* a compression pointer in the question: "n1" + pointer to 12 */
	memcpy(q + 12, "\x02n1\xc0\x0c", 5);
	expect_einval(q, ql);
	/* a label of the reserved type 0x40 */
	q[12] = 0x42;
	expect_einval(q, ql);

	/* random bytes and random mutations of a good query: an error or
	 * a well-formed response, never a read out of bounds (ASan) */
	srand(7);
	for (int i = 0; i < 20000; i++) {
		size_t len;
		int n;

		if (i & 1) {
			len = (size_t)(rand() % 64);
			for (size_t j = 0; j < len; j++)
				q[j] = (uint8_t)rand();
		} else {
			len = query_wire(q, nm, TW_DNS_T_A, i % 3, 1);
			for (int j = rand() % 4; j >= 0; j--)
				q[rand() % len] = (uint8_t)rand();
			len -= (size_t)(rand() % 3 == 0 ? rand() % 4 : 0);
		}
		n = tw_gen_zone_answer(zones[i % 3], q, len, r, sizeof(r));
		if (n > 0)
			assert_int_equal(tw_dns_parse(&(struct tw_dns_msg){ 0 },
						      r, (size_t)n),
					 0);
		else
			assert_true(n == -EINVAL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_positive),
		cmocka_unit_test(test_rdata),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_bogus),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_nsec_chain),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_bigger),
		cmocka_unit_test(test_label_pad),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("app/gen_zone", tests, setup,
					   teardown);
}
