/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-dns: micro-benchmarks of the lib/dns reader.
 *
 *   qkey_parse   the worker hit path: header + question -> lowercased key
 *                and hash, on a dig-style query (www.example.com A, RD,
 *                EDNS OPT with a cookie after the question, not parsed);
 *   qkey_parse   the same with a mixed-case name (0x20 randomisation);
 *   parse+iter   tw_dns_parse() of a 20-RR signed response (answer A x6 +
 *                RRSIG, 4 NS, 4 A + 4 AAAA glue + OPT) and iteration over
 *                all RRs with their owner names skipped in place;
 *   hash         tw_dns_qkey_hash() on the 21-octet key, against a
 *                per-octet FNV-1a with a final avalanche (the alternative
 *                the design considered).
 *
 * Each benchmark is calibrated to about SECONDS (default 1) per run and
 * run 5 times; the median is printed, in ns/op (CLOCK_MONOTONIC), ops/s
 * and TSC cycles/op (rdtsc, x86 only), and the best run's ns/op (a hint
 * of how much other load on the machine disturbed the median).
 *
 * usage: tw-bench-dns [SECONDS_PER_RUN]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

#include "tw_dns.h"

#define RUNS 5
#define SEED 0x2545f491u

/* dig www.example.com A with a client cookie (56 octets). */
static const uint8_t query[] = {
	0x1f, 0x2e, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29,
	0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18,
};

static uint8_t query_mixed[sizeof(query)];
static uint8_t resp[1500];
static size_t resp_len;
static volatile uint64_t sink;

/* ---- building the 20-RR response ------------------------------------- */

static void
put_bytes(const void *p, size_t n)
{
	memcpy(resp + resp_len, p, n);
	resp_len += n;
}

static void
put16(uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(b, 2);
}

static void
put32(uint32_t v)
{
	put16((uint16_t)(v >> 16));
	put16((uint16_t)v);
}

/* RR header; the rdata follows. */
static void
put_rr(const void *owner, size_t olen, uint16_t type, uint32_t ttl,
       uint16_t rdlen)
{
	put_bytes(owner, olen);
	put16(type);
	put16(TW_DNS_C_IN);
	put32(ttl);
	put16(rdlen);
}

static void
build_response(void)
{
	static const uint8_t qname[] = "\3www\7example\3com";
	static const uint8_t signer[] = "\7example\3com";
	uint8_t sig[64];
	uint16_t ns_off[4];
	int i;

	resp_len = 0;
	put_bytes("\x1f\x2e\x81\xa0\0\1\0\7\0\4\0\x09", 12);
	put_bytes(qname, sizeof(qname)); /* at 12; example.com at 16 */
	put16(TW_DNS_T_A);
	put16(TW_DNS_C_IN);
	for (i = 0; i < 6; i++) {
		put_rr("\xc0\x0c", 2, TW_DNS_T_A, 300, 4);
		put32(0xc0000200u + (uint32_t)i);
	}
	/* RRSIG A 13 3 300 ... example.com. */
	put_rr("\xc0\x0c", 2, TW_DNS_T_RRSIG, 300,
	       (uint16_t)(18 + sizeof(signer) + sizeof(sig)));
	put16(TW_DNS_T_A);
	put_bytes("\x0d\x03", 2);
	put32(300);
	put32(1767225600u);
	put32(1764547200u);
	put16(12345);
	put_bytes(signer, sizeof(signer));
	for (i = 0; i < (int)sizeof(sig); i++)
		sig[i] = (uint8_t)(i * 37 + 11);
	put_bytes(sig, sizeof(sig));
	/* example.com NS ns1..ns4.example.com (compressed). */
	for (i = 0; i < 4; i++) {
		put_rr("\xc0\x10", 2, TW_DNS_T_NS, 86400, 6);
		ns_off[i] = (uint16_t)resp_len;
		put_bytes("\3ns", 3);
		put_bytes(&(uint8_t){ (uint8_t)('1' + i) }, 1);
		put16(0xc010);
	}
	/* Glue: A and AAAA for each. */
	for (i = 0; i < 4; i++) {
		uint8_t o[2] = { (uint8_t)(0xc0 | ns_off[i] >> 8),
				 (uint8_t)ns_off[i] };

		put_rr(o, 2, TW_DNS_T_A, 86400, 4);
		put32(0xc6336400u + (uint32_t)i);
		put_rr(o, 2, TW_DNS_T_AAAA, 86400, 16);
		put_bytes("\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0", 15);
		put_bytes(&(uint8_t){ (uint8_t)i }, 1);
	}
	/* OPT: 1232, DO. */
	put_bytes("", 1);
	put16(TW_DNS_T_OPT);
	put16(1232);
	put32(0x8000);
	put16(0);
}

/* ---- the benchmarks --------------------------------------------------- */

static void
bench_qkey(uint64_t n)
{
	struct tw_dns_qkey k;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		acc += (uint64_t)tw_dns_qkey_parse(query, sizeof(query), SEED,
						   &k);
		acc += k.hash;
	}
	sink = acc;
}

static void
bench_qkey_mixed(uint64_t n)
{
	struct tw_dns_qkey k;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		acc += (uint64_t)tw_dns_qkey_parse(
			query_mixed, sizeof(query_mixed), SEED, &k);
		acc += k.hash;
	}
	sink = acc;
}

static void
bench_parse(uint64_t n)
{
	struct tw_dns_msg m;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (tw_dns_parse(&m, resp, resp_len) != 0)
			abort();
		tw_dns_rr_iter_init(&it, &m);
		while (tw_dns_rr_next(&it, &rr) == 1)
			acc += rr.type + rr.rdlen;
	}
	sink = acc;
}

static const uint8_t key21[] = "\3www\7example\3com\0\0\1\0\1";

static void
bench_hash(uint64_t n)
{
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += tw_dns_qkey_hash(key21, 21, SEED + (uint32_t)i);
	sink = acc;
}

/* The per-octet alternative: FNV-1a (64-bit) seeded, with a final
 * avalanche (murmur3 fmix64). Kept out of line like the library's. */
__attribute__((noinline)) static uint32_t
fnv1a_hash(const uint8_t *p, size_t len, uint32_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static void
bench_fnv(uint64_t n)
{
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += fnv1a_hash(key21, 21, SEED + (uint32_t)i);
	sink = acc;
}

/* ---- harness ---------------------------------------------------------- */

static double
now_s(void)
{
	return (double)tw_clock_ns(CLOCK_MONOTONIC) * 1e-9;
}

static uint64_t
tsc(void)
{
#if HAVE_TSC
	return __rdtsc();
#else
	return 0;
#endif
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
run(const char *name, void (*fn)(uint64_t), double secs)
{
	double ns[RUNS], cyc[RUNS], t;
	uint64_t n = 1000;

	/* Calibrate: grow n until one run takes >= 50 ms, then scale. */
	for (;;) {
		t = now_s();
		fn(n);
		t = now_s() - t;
		if (t >= 0.05)
			break;
		n *= 4;
	}
	n = (uint64_t)((double)n * secs / t) + 1;
	for (int r = 0; r < RUNS; r++) {
		uint64_t c0 = tsc();
		double t0 = now_s();

		fn(n);
		t = now_s() - t0;
		cyc[r] = (double)(tsc() - c0) / (double)n;
		ns[r] = t * 1e9 / (double)n;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
	qsort(cyc, RUNS, sizeof(cyc[0]), cmp_double);
	printf("%-34s %9.2f %14.0f %11.1f %9.2f\n", name, ns[RUNS / 2],
	       1e9 / ns[RUNS / 2], HAVE_TSC ? cyc[RUNS / 2] : 0.0, ns[0]);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct tw_dns_msg m;
	struct tw_dns_qkey k;
	unsigned rrs;

	if (secs <= 0) {
		fprintf(stderr, "usage: %s [SECONDS_PER_RUN]\n", argv[0]);
		return 2;
	}
	memcpy(query_mixed, query, sizeof(query));
	memcpy(query_mixed + 12, "\3wWw\7ExAmPlE\3cOM", 16);
	build_response();
	if (tw_dns_qkey_parse(query, sizeof(query), SEED, &k) < 0 ||
	    tw_dns_parse(&m, resp, resp_len) != 0) {
		fprintf(stderr, "tw-bench-dns: test packets do not parse\n");
		return 1;
	}
	rrs = (unsigned)m.hdr.ancount + m.hdr.nscount + m.hdr.arcount;

	printf("tw-bench-dns: lib/dns reader, median of %d runs of ~%.1f s\n",
	       RUNS, secs);
	printf("%-34s %9s %14s %11s %9s\n", "benchmark", "ns/op", "ops/s",
	       "cycles/op", "best ns");
	run("qkey_parse www.example.com A", bench_qkey, secs);
	run("qkey_parse wWw.ExAmPlE.cOM A", bench_qkey_mixed, secs);
	{
		char name[64];

		snprintf(name, sizeof(name),
			 "parse+iter %u-RR response (%zu B)", rrs, resp_len);
		run(name, bench_parse, secs);
	}
	run("hash 21 B: tw_dns_qkey_hash", bench_hash, secs);
	run("hash 21 B: FNV-1a + avalanche", bench_fnv, secs);
	return 0;
}
