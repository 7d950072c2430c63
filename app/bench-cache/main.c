/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-cache: single-core micro-benchmark of lib/cache.
 *
 * Measures, on one thread, nanoseconds per
 *   - hit: lookup + render (ID, client QNAME case, TTL decrement) for a
 *     Zipf-distributed key mix, one at a time and in bursts of 32 with
 *     tw_cache_prefetch() first (how a poll-mode worker would run it);
 *   - miss: lookup of absent keys (includes the TinyLFU sketch update);
 *   - insert: into an index with free room, and into a full one
 *     (eviction + admission), blobs created beforehand;
 *   - blob creation (the validator's cost);
 * and the hit ratio of a Zipf stream over more keys than the index holds
 * (a miss inserts the key at once), TinyLFU against CLOCK.
 *
 * usage: tw-bench-cache [-k keys] [-e entries] [-q queries] [-s zipf_s]
 *                       [-r answer_rrs] [-p tinylfu|clock]
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tw_cache.h"

#define BURST 32

struct bkey {
	uint8_t data[64];
	struct tw_cache_key k;
};

static double
now_ns(void)
{
	return (double)tw_clock_ns(CLOCK_MONOTONIC);
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t
rng(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* FNV-1a: stands in for the data plane's keyed hash. */
static uint32_t
hash32(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static void
make_key(struct bkey *bk, unsigned i, uint8_t flags)
{
	char label[24];
	size_t n = 0, l;

	l = (size_t)snprintf(label, sizeof(label), "w%u", i);
	bk->data[n++] = (uint8_t)l;
	memcpy(bk->data + n, label, l);
	n += l;
	memcpy(bk->data + n, "\5bench\7example\0", 15);
	n += 15;
	memcpy(bk->data + n, "\0\1\0\1", 4); /* A IN */
	n += 4;
	bk->k.data = bk->data;
	bk->k.len = (uint16_t)n;
	bk->k.flags = flags;
	bk->k.hash = hash32(bk->data, n);
}

/* Response: question, `rrs` A records (TTL 3600), an OPT RR. */
static struct tw_cache_blob *
make_blob(struct tw_cache *c, const struct tw_cache_key *k, unsigned rrs,
	  uint32_t now)
{
	uint8_t msg[4096];
	uint16_t toff[256];
	struct tw_cache_answer a;
	struct tw_cache_blob *b = NULL;
	uint16_t n = 12;

	memset(msg, 0, 12);
	tw_put16(msg + 2, 0x81a0); /* QR RD RA AD */
	tw_put16(msg + 4, 1);
	tw_put16(msg + 6, (uint16_t)rrs);
	tw_put16(msg + 10, 1);
	memcpy(msg + n, k->data, k->len);
	n = (uint16_t)(n + k->len);
	for (unsigned i = 0; i < rrs; i++) {
		tw_put16(msg + n, 0xc00c);
		tw_put16(msg + n + 2, 1);
		tw_put16(msg + n + 4, 1);
		toff[i] = (uint16_t)(n + 6);
		tw_put32(msg + n + 6, 3600);
		tw_put16(msg + n + 10, 4);
		tw_put32(msg + n + 12, 0x0a000000u + i);
		n = (uint16_t)(n + 16);
	}
	uint16_t opt = n;

	msg[n] = 0;
	tw_put16(msg + n + 1, 41);
	tw_put16(msg + n + 3, 1232);
	tw_put32(msg + n + 5, 0x8000);
	tw_put16(msg + n + 9, 0);
	n = (uint16_t)(n + 11);

	memset(&a, 0, sizeof(a));
	a.key = *k;
	a.msg = msg;
	a.msg_len = n;
	a.ttl_off = toff;
	a.n_ttl = (uint16_t)rrs;
	a.opt_off = opt;
	a.ttl = 3600;
	a.kind = TW_CACHE_POSITIVE;
	a.ede = TW_CACHE_NO_EDE;
	if (tw_cache_blob_create(c, &a, now, &b) != 0) {
		fprintf(stderr, "blob_create failed\n");
		exit(1);
	}
	return b;
}

/* Zipf(s) over [0, n): inverse CDF by binary search. */
static unsigned *
zipf_stream(unsigned n, double s, size_t q)
{
	double *cdf = malloc(sizeof(double) * n), sum = 0;
	unsigned *out = malloc(sizeof(unsigned) * q);

	if (cdf == NULL || out == NULL)
		exit(1);
	for (unsigned i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), s);
		cdf[i] = sum;
	}
	for (size_t j = 0; j < q; j++) {
		double u = (double)(rng() >> 11) / 9007199254740992.0 * sum;
		unsigned lo = 0, hi = n - 1;

		while (lo < hi) {
			unsigned mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* Scatter ranks over key numbers. */
		out[j] = (unsigned)(((uint64_t)lo * 2654435761u) % n);
	}
	free(cdf);
	return out;
}

static struct tw_cache *
new_cache(uint32_t entries, uint32_t policy)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = entries,
		.max_bytes = 8ull << 30,
		.policy = policy,
		.defer_max = 1u << 16,
	};
	struct tw_cache *c;

	if (tw_cache_create(&cfg, &c) != 0) {
		fprintf(stderr, "tw_cache_create failed\n");
		exit(1);
	}
	return c;
}

static double
hit_ratio(struct bkey *keys, unsigned nkeys, uint32_t entries,
	  const unsigned *qs, size_t q, uint32_t policy, unsigned rrs)
{
	struct tw_cache *c = new_cache(entries, policy);
	struct tw_cache_worker *w = tw_cache_worker(c, 0);
	size_t hits = 0;

	(void)nkeys;
	for (size_t j = 0; j < q; j++) {
		const struct tw_cache_key *k = &keys[qs[j]].k;

		if (tw_cache_lookup(w, k, 1) != NULL)
			hits++;
		else
			tw_cache_insert(w, make_blob(c, k, rrs, 1), 1);
		tw_cache_quiescent(w);
	}
	tw_cache_destroy(c);
	return (double)hits / (double)q;
}

int
main(int argc, char **argv)
{
	unsigned nkeys = 100000, rrs = 2;
	uint32_t entries = 131072, policy = TW_CACHE_POLICY_TINYLFU;
	size_t q = 1000000;
	double s = 0.99;
	int opt;

	while ((opt = getopt(argc, argv, "k:e:q:s:r:p:h")) != -1) {
		switch (opt) {
		case 'k':
			nkeys = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'e':
			entries = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			q = strtoull(optarg, NULL, 0);
			break;
		case 's':
			s = strtod(optarg, NULL);
			break;
		case 'r':
			rrs = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			policy = strcmp(optarg, "clock") == 0
					 ? TW_CACHE_POLICY_CLOCK
					 : TW_CACHE_POLICY_TINYLFU;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-k keys] [-e entries] [-q queries] "
				"[-s zipf_s] [-r answer_rrs] "
				"[-p tinylfu|clock]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (nkeys == 0 || rrs == 0 || rrs > 200 || q == 0) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}

	struct bkey *keys = calloc(nkeys * 2u, sizeof(*keys));
	struct tw_cache_blob **blobs = calloc(nkeys, sizeof(*blobs));
	unsigned *qs = zipf_stream(nkeys, s, q);
	/*
	 * The query stream as key copies laid out in order: in the data
	 * plane the key was just parsed from the packet and is in L1, so
	 * the benchmark must not pay a cache miss to fetch it.
	 */
	struct bkey *qk = malloc(q * sizeof(*qk));
	struct bkey *mk = malloc(q * sizeof(*mk));
	uint8_t out[4096], qname[64];
	struct tw_cache *c;
	struct tw_cache_worker *w;
	struct tw_cache_stats st;
	double t0, t1;
	uint64_t sink = 0;

	if (keys == NULL || blobs == NULL)
		return 1;
	for (unsigned i = 0; i < nkeys * 2u; i++)
		make_key(&keys[i], i, TW_CACHE_KF_EDNS | TW_CACHE_KF_DO);
	if (qk == NULL || mk == NULL)
		return 1;
	for (size_t j = 0; j < q; j++) {
		qk[j] = keys[qs[j]];
		qk[j].k.data = qk[j].data;
		mk[j] = keys[nkeys + qs[j]];
		mk[j].k.data = mk[j].data;
	}

	c = new_cache(entries, policy);
	w = tw_cache_worker(c, 0);

	/* Blob creation (validator side). */
	t0 = now_ns();
	for (unsigned i = 0; i < nkeys; i++)
		blobs[i] = make_blob(c, &keys[i].k, rrs, 1000);
	t1 = now_ns();
	printf("keys %u, index entries %u, answer %u A + OPT = %u bytes, "
	       "blob %u bytes, policy %s\n",
	       nkeys, entries, rrs, tw_cache_blob_len(blobs[0]),
	       tw_cache_blob_size(blobs[0]),
	       policy == TW_CACHE_POLICY_CLOCK ? "clock" : "tinylfu");
	printf("blob create            %8.1f ns\n", (t1 - t0) / nkeys);

	/* Insert with room. */
	t0 = now_ns();
	for (unsigned i = 0; i < nkeys; i++) {
		tw_cache_blob_get(blobs[i]);
		tw_cache_insert(w, blobs[i], 1000);
	}
	t1 = now_ns();
	printf("insert (room)          %8.1f ns\n", (t1 - t0) / nkeys);
	tw_cache_worker_stats(w, &st);
	printf("  entries %llu, worker memory %zu bytes (%.1f per entry), "
	       "blob bytes %llu (%.1f per entry)\n",
	       (unsigned long long)st.entries, tw_cache_worker_mem(w),
	       (double)tw_cache_worker_mem(w) / entries,
	       (unsigned long long)tw_cache_blob_bytes(c),
	       (double)tw_cache_blob_bytes(c) / nkeys);

	/*
	 * Hot hits: 64 keys, all in L1: the instruction cost of the hit
	 * path without cache misses (what a popular name costs).
	 */
	{
		double best_l = 1e30, best_r = 1e30;
		size_t n = 4000000;

		for (int rep = 0; rep < 3; rep++) {
			t0 = now_ns();
			for (size_t j = 0; j < n; j++)
				sink += (uintptr_t)tw_cache_lookup(
					w, &keys[j & 63].k, 1010);
			t1 = now_ns();
			best_l = fmin(best_l, (t1 - t0) / n);
			t0 = now_ns();
			for (size_t j = 0; j < n; j++) {
				const struct tw_cache_key *k = &keys[j & 63].k;
				const struct tw_cache_blob *b =
					tw_cache_lookup(w, k, 1010);

				if (b != NULL)
					sink += (uint64_t)tw_cache_blob_render(
						b, out, sizeof(out),
						(uint16_t)j, k->data, 1010);
			}
			t1 = now_ns();
			best_r = fmin(best_r, (t1 - t0) / n);
		}
		printf("hot hit (64 keys): lookup %.1f ns, lookup+render "
		       "%.1f ns\n",
		       best_l, best_r);
	}

	/* Hits: lookup + render, one at a time. Age 10 s: TTLs rewritten. */
	memcpy(qname, keys[0].data, keys[0].k.len - 4u);
	struct tw_cache_stats st0;

	tw_cache_worker_stats(w, &st0);
	t0 = now_ns();
	for (size_t j = 0; j < q; j++) {
		const struct tw_cache_key *k = &qk[j].k;
		const struct tw_cache_blob *b = tw_cache_lookup(w, k, 1010);

		if (b != NULL)
			sink += (uint64_t)tw_cache_blob_render(
				b, out, sizeof(out), (uint16_t)j, k->data,
				1010);
	}
	t1 = now_ns();
	tw_cache_worker_stats(w, &st);
	printf("hit: lookup+render     %8.1f ns  (zipf s=%.2f, %.1f%% hits)\n",
	       (t1 - t0) / q, s,
	       100.0 * (double)(st.hits - st0.hits) /
		       (double)(st.lookups - st0.lookups));

	/* Same with tw_cache_lookup_burst() (pipelined prefetch). */
	{
		struct tw_cache_key kb[BURST];
		const struct tw_cache_blob *rb[BURST];

		t0 = now_ns();
		for (size_t j = 0; j + BURST <= q; j += BURST) {
			for (unsigned i = 0; i < BURST; i++)
				kb[i] = qk[j + i].k;
			tw_cache_lookup_burst(w, kb, BURST, 1010, rb);
			for (unsigned i = 0; i < BURST; i++)
				if (rb[i] != NULL)
					sink += (uint64_t)tw_cache_blob_render(
						rb[i], out, sizeof(out),
						(uint16_t)i, kb[i].data, 1010);
		}
		t1 = now_ns();
	}
	printf("hit: lookup_burst(%d)   %8.1f ns\n", BURST,
	       (t1 - t0) / (double)(q / BURST * BURST));

	/* Lookup alone, and render alone. */
	t0 = now_ns();
	for (size_t j = 0; j < q; j++)
		sink += (uintptr_t)tw_cache_lookup(w, &qk[j].k, 1010);
	t1 = now_ns();
	printf("  lookup only          %8.1f ns\n", (t1 - t0) / q);
	t0 = now_ns();
	for (size_t j = 0; j < q; j++)
		sink += (uint64_t)tw_cache_blob_render(
			blobs[j % 64], out, sizeof(out), 1, qname, 1010);
	t1 = now_ns();
	printf("  render only (hot)    %8.1f ns\n", (t1 - t0) / q);

	/* Misses: keys never inserted. */
	t0 = now_ns();
	for (size_t j = 0; j < q; j++)
		sink += (uintptr_t)tw_cache_lookup(w, &mk[j].k, 1010);
	t1 = now_ns();
	printf("miss                   %8.1f ns\n", (t1 - t0) / q);
	tw_cache_quiescent(w);

	/* Inserts into a full index (eviction, admission). */
	{
		unsigned n = nkeys;
		struct tw_cache_blob **nb = calloc(n, sizeof(*nb));

		if (nb == NULL)
			return 1;
		tw_cache_flush(w);
		for (unsigned i = 0; i < entries; i++) {
			tw_cache_insert(w,
					make_blob(c, &keys[nkeys + i % nkeys].k,
						  rrs, 1000),
					1000);
			if (i % 1024 == 0)
				tw_cache_quiescent(w);
		}
		for (unsigned i = 0; i < n; i++)
			nb[i] = blobs[i];
		t0 = now_ns();
		for (unsigned i = 0; i < n; i++) {
			tw_cache_blob_get(nb[i]);
			tw_cache_insert(w, nb[i], 1000);
			if ((i & 255) == 255)
				tw_cache_quiescent(w);
		}
		t1 = now_ns();
		tw_cache_quiescent(w);
		tw_cache_worker_stats(w, &st);
		printf("insert (full index)    %8.1f ns  (%llu evictions, %llu "
		       "rejects)\n",
		       (t1 - t0) / n, (unsigned long long)st.evictions,
		       (unsigned long long)st.admit_rejects);
		free(nb);
	}
	for (unsigned i = 0; i < nkeys; i++)
		tw_cache_blob_put(blobs[i]);
	tw_cache_destroy(c);

	/* Hit ratio when the keys outnumber the entries. */
	{
		unsigned hk = nkeys * 2, he = entries / 8;
		size_t hq = q / 2;
		unsigned *hs = zipf_stream(hk, s, hq);
		double lfu = hit_ratio(keys, hk, he, hs, hq,
				       TW_CACHE_POLICY_TINYLFU, rrs);
		double clk = hit_ratio(keys, hk, he, hs, hq,
				       TW_CACHE_POLICY_CLOCK, rrs);

		printf("hit ratio, %u keys, %u entries, %zu zipf queries: "
		       "tinylfu %.1f%%, clock %.1f%%\n",
		       hk, he, hq, 100 * lfu, 100 * clk);
		free(hs);
	}
	free(qs);
	free(qk);
	free(mk);
	free(keys);
	free(blobs);
	return sink == 42 ? 1 : 0;
}
