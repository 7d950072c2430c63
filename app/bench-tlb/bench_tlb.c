/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-tlb: the latency of a random load as the memory it lands in
 * grows, in three layouts, to tell the TLB's share from the caches':
 *
 *   packed   one line per 4 KiB page's worth of region, the lines side
 *            by side (a region/64 bytes block: few pages, only caches);
 *   4k       one line per page of a region in 4 KiB pages
 *            (MADV_NOHUGEPAGE);
 *   2m       the same in 2 MB hugepages (MAP_HUGETLB).
 *
 * Each is a pointer chase through a random cyclic order of the lines
 * (every load depends on the one before: latency, not throughput), so
 * all three touch the same number of lines; 4k and 2m add one page per
 * line. The cache index of lib/cache is such a table: a lookup lands on
 * a random bucket of a region of 37.8 MB for 2^20 entries.
 *
 * On bare metal the 2m column stays near "packed" up to the L2 TLB's
 * reach in 2 MB pages (gigabytes); in a virtual machine whose host backs
 * guest memory with 4 KiB pages, the TLB caches the smaller page of the
 * two stages, and 2m behaves like 4k past ~8 MB (2048 entries x 4 KiB,
 * with a shorter walk). Median of 3 runs of 2 M loads each, TSC cycles
 * per load (rdtsc; x86 only).
 *
 * usage: tw-bench-tlb [MAX_MB]   (default 64; sizes 1, 2, 4, ... MAX_MB)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TSC() __rdtsc()
#else
#define TSC() 0ull
#endif

#define LINE  64
#define PAGE  4096
#define LOADS 2000000u
#define RUNS  3

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* Chain lines i = 0..n-1 at offset(i) into one random cycle. */
static size_t
chain(uint8_t *base, size_t n, size_t (*offset)(size_t))
{
	size_t *order = malloc(n * sizeof(*order));
	size_t i, first;

	if (order == NULL)
		return SIZE_MAX;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		size_t j = (size_t)(rnd() % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		*(size_t *)(void *)(base + offset(order[i])) =
			offset(order[(i + 1) % n]);
	first = offset(order[0]);
	free(order);
	return first;
}

static size_t
off_packed(size_t i)
{
	return i * LINE;
}

/* One line per page, at a line offset that varies with the page (so the
 * lines do not all fall in the same cache sets). */
static size_t
off_paged(size_t i)
{
	return i * PAGE + (i % (PAGE / LINE)) * LINE;
}

static double
chase(const uint8_t *base, size_t start)
{
	double v[RUNS];
	size_t cur = start;

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = TSC();

		for (unsigned k = 0; k < LOADS; k++)
			cur = *(const size_t *)(const void *)(base + cur);
		v[r] = (double)(TSC() - t0) / LOADS;
	}
	if (cur == SIZE_MAX)
		puts("");
	/* median of three */
	if (v[0] > v[1]) {
		double t = v[0];

		v[0] = v[1];
		v[1] = t;
	}
	return v[2] < v[0] ? v[0] : v[2] > v[1] ? v[1] : v[2];
}

static double
measure(size_t mb, int kind)
{
	size_t sz = mb << 20, n = sz / PAGE, start;
	size_t len = kind == 0 ? n * LINE : sz;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (kind == 2 ? MAP_HUGETLB : 0);
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	double c;

	if (p == MAP_FAILED)
		return -1;
	if (kind == 1)
		madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0, len); /* every page mapped before timing */
	start = chain(p, n, kind == 0 ? off_packed : off_paged);
	c = start == SIZE_MAX ? -1 : chase(p, start);
	munmap(p, len);
	return c;
}

int
main(int argc, char **argv)
{
	size_t max_mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	int na = 0;

	if (max_mb < 1 || max_mb > 4096) {
		fprintf(stderr, "usage: tw-bench-tlb [MAX_MB 1..4096]\n");
		return 2;
	}
	printf("random dependent loads, TSC cycles per load (median of %d "
	       "runs of %u)\n",
	       RUNS, LOADS);
	printf("%8s %8s %8s %8s %8s\n", "region", "lines", "packed", "4k",
	       "2m");
	for (size_t mb = 1; mb <= max_mb; mb *= 2) {
		double c[3];

		for (int k = 0; k < 3; k++)
			c[k] = measure(mb, k);
		printf("%6zuMB %8zu %8.1f %8.1f ", mb, (mb << 20) / PAGE, c[0],
		       c[1]);
		if (c[2] < 0) {
			printf("%8s\n", "n/a");
			na = 1;
		} else {
			printf("%8.1f\n", c[2]);
		}
	}
	if (na)
		printf("(2m n/a: not enough free 2 MB hugepages; reserve "
		       "MAX_MB/2 of them: echo N > /proc/sys/vm/nr_hugepages)"
		       "\n");
	return 0;
}
