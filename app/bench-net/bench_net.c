/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-net: micro-benchmarks of lib/net's Internet checksum
 * (RFC 1071), the one sum a cache hit pays twice (the query's UDP
 * checksum verified, the answer's written).
 *
 * tw_cksum_partial() on buffers of one fixed length, and on lengths
 * drawn at random from a range (queries 44-83 octets, answers 60-309),
 * as the packets of real traffic vary from one to the next: code that
 * branches on the length pays mispredictions there that a fixed length
 * never shows. Each benchmark runs about SECONDS (default 0.5) 5 times;
 * the median in TSC cycles per call (rdtsc, x86 only) and ns per call.
 *
 * usage: tw-bench-net [SECONDS_PER_RUN]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TSC() __rdtsc()
#else
#define TSC() 0ull
#endif

#include "tw_net.h"

#define RUNS  5
#define NLENS 65536

static uint8_t buf[4096];
static uint16_t lens[NLENS];
static volatile uint32_t sink;

static double
now_ns(void)
{
	return (double)tw_clock_ns(CLOCK_MONOTONIC);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Calls over the length table; the buffer start moves by 16 octets so
 * that alignment varies as in mbufs. */
static void
sum_calls(uint64_t n)
{
	uint32_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += tw_cksum_partial(buf + (i & 7) * 16,
					lens[i & (NLENS - 1)], acc & 0xffff);
	sink = acc;
}

static void
run(const char *name, unsigned lo, unsigned hi, double secs)
{
	double cyc[RUNS], ns[RUNS];
	uint64_t n = 1u << 16;
	uint32_t st = 0x9e3779b9u;

	for (unsigned i = 0; i < NLENS; i++) {
		st ^= st << 13;
		st ^= st >> 17;
		st ^= st << 5;
		lens[i] = (uint16_t)(lo + st % (hi - lo + 1));
	}
	/* Calibrate to about secs per run. */
	for (;;) {
		double t0 = now_ns();

		sum_calls(n);
		if (now_ns() - t0 > secs * 1e9 / 8 || n > (1ull << 34))
			break;
		n *= 2;
	}
	n *= 8;
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();
		uint64_t c0 = TSC();

		sum_calls(n);
		cyc[r] = (double)(TSC() - c0) / (double)n;
		ns[r] = (now_ns() - t0) / (double)n;
	}
	qsort(cyc, RUNS, sizeof(cyc[0]), cmp_d);
	qsort(ns, RUNS, sizeof(ns[0]), cmp_d);
	printf("%-36s %10.1f %10.2f\n", name, cyc[RUNS / 2], ns[RUNS / 2]);
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.5;

	if (secs <= 0) {
		fprintf(stderr, "usage: %s [SECONDS_PER_RUN]\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	printf("tw-bench-net: tw_cksum_partial(), median of %d runs of ~%.1f "
	       "s\n",
	       RUNS, secs);
	printf("%-36s %10s %10s\n", "benchmark", "cycles", "ns");
	run("query, 60 octets", 60, 60, secs);
	run("queries, 44-83 octets at random", 44, 83, secs);
	run("answer, 180 octets", 180, 180, secs);
	run("answers, 60-309 octets at random", 60, 309, secs);
	return 0;
}
