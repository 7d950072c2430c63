/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Per-lcore counters. Each lcore owns one cache-aligned struct tw_stats
 * and is its only writer: an increment is a relaxed load + store (a plain
 * add on x86, no locked instruction); readers (the telemetry thread, the
 * final print) use relaxed loads, so a read is never torn and never
 * slows the data path. Totals are sums over the lcores.
 *
 * Pure C (no DPDK) so tests can use it; telemetry.c exports it.
 */
#ifndef TW_APP_STATS_H
#define TW_APP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "tw_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counter ids; names in stats.c (telemetry keys, final print). */
enum tw_ctr {
	TW_CTR_RX,		  /* frames received on the service ports */
	TW_CTR_TX,		  /* frames the ports accepted */
	TW_CTR_TX_DROPPED,	  /* TX queue full: freed */
	TW_CTR_NOT_OURS,	  /* other MAC / unicast address */
	TW_CTR_MALFORMED,	  /* malformed dropped */
	TW_CTR_FRAGMENTS,	  /* IP fragments dropped */
	TW_CTR_SPOOFED,		  /* spoofed answers dropped */
	TW_CTR_BAD_CKSUM,	  /* bad IPv4/UDP checksum (NIC or ours) */
	TW_CTR_DENIED,		  /* queries from clients not allowed */
	TW_CTR_QUERIES,		  /* DNS queries from clients */
	TW_CTR_HITS,		  /* answered from this lcore's cache */
	TW_CTR_MISSES,		  /* handed to a validator */
	TW_CTR_RING_FULL,	  /* worker -> validator ring full: dropped */
	TW_CTR_UPSTREAM_RX,	  /* upstream answers received (worker) */
	TW_CTR_UPSTREAM_QUERIES,  /* queries sent upstream (validator) */
	TW_CTR_UPSTREAM_TIMEOUTS, /* upstream did not answer in time */
	TW_CTR_VAL_MISSES,	  /* misses taken by this validator */
	TW_CTR_VAL_RESPONSES,	  /* upstream answers taken by it */
	TW_CTR_SECURE,		  /* validated: AD set */
	TW_CTR_INSECURE,	  /* provably unsigned: passed through */
	TW_CTR_BOGUS,		  /* SERVFAIL + EDE (see bogus_ede) */
	TW_CTR_INDETERMINATE,	  /* could not check */
	TW_CTR_SERVFAIL,	  /* SERVFAIL answers sent */
	TW_CTR_TRUNCATED,	  /* TC=1 answers: client buffer too small */
	TW_CTR_FORMERR,		  /* FORMERR answers: a malformed OPT RR */
	TW_CTR_COALESCED,	  /* queries joined an outstanding question */
	TW_CTR_STORE_ANSWERS,	  /* answered from a validator's store */
	TW_CTR_OVERLOAD,	  /* dropped: too many pending (max_inflight) */
	TW_CTR_UPSTREAM_RETRIES,  /* upstream query sent again (timeout,
				     error, bogus answer) */
	TW_CTR_TCP_FALLBACKS,	  /* truncated upstream answer: TCP */
	TW_CTR_TCP_QUERIES,	  /* client queries over TCP */
	TW_CTR_NEIGH_REQUESTS,	  /* ARP requests / solicitations sent */
	TW_CTR_PUBLISHED,	  /* cache entries published to workers */
	TW_CTR_ARP_REPLIES,	  /* ARP requests for us answered */
	TW_CTR_ND_REPLIES,	  /* Neighbour Solicitations answered */
	TW_CTR_ECHO_REPLIES,	  /* ICMP/ICMPv6 echo requests answered */
	TW_CTR_EXC_TO_KERNEL,	  /* exception path: wire -> kernel */
	TW_CTR_EXC_FROM_KERNEL,	  /* exception path: kernel -> wire */
	TW_CTR_EXC_DROPPED,	  /* exception traffic without a path */
	TW_CTR_LOG_SUPPRESSED,	  /* bogus log lines over the rate */
	TW_CTR_POLLS,		  /* loop iterations */
	TW_CTR_IDLE_SLEEPS,	  /* back-off sleeps */
	TW_CTR_IDLE_US,		  /* microseconds asked to sleep */
	TW_CTR_BUSY_CYCLES,	  /* TSC cycles of loop turns that did work */
	TW_CTR_WORKER_CYCLES,	  /* ... of which in the worker poll */
	TW_CTR_VALIDATOR_CYCLES,  /* ... of which in the validator poll */
	TW_CTR_MAX
};

/* EDE INFO-CODEs 0..27 are assigned (RFC 8914 4 + IANA); room to grow. */
#define TW_STATS_EDE_MAX 32

struct tw_stats {
	uint64_t c[TW_CTR_MAX];
	uint64_t bogus_ede[TW_STATS_EDE_MAX]; /* bogus answers per EDE */
} TW_CACHE_ALIGNED;

/** Counter name (a telemetry dict key: [a-z_] only). */
const char *tw_ctr_name(enum tw_ctr i);

/** Add @p n (single writer: the owning lcore). */
static inline void
tw_stat_add(struct tw_stats *s, enum tw_ctr i, uint64_t n)
{
	__atomic_store_n(&s->c[i],
			 __atomic_load_n(&s->c[i], __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

static inline void
tw_stat_inc(struct tw_stats *s, enum tw_ctr i)
{
	tw_stat_add(s, i, 1);
}

/** Count a bogus answer with its EDE code (out-of-range codes: 0). */
static inline void
tw_stat_bogus(struct tw_stats *s, int ede)
{
	unsigned e = ede >= 0 && ede < TW_STATS_EDE_MAX ? (unsigned)ede : 0;

	tw_stat_inc(s, TW_CTR_BOGUS);
	__atomic_store_n(&s->bogus_ede[e],
			 __atomic_load_n(&s->bogus_ede[e], __ATOMIC_RELAXED) +
				 1,
			 __ATOMIC_RELAXED);
}

static inline uint64_t
tw_stat_read(const struct tw_stats *s, enum tw_ctr i)
{
	return __atomic_load_n(&s->c[i], __ATOMIC_RELAXED);
}

/** @p out = sum of @p n per-lcore counters (relaxed reads). */
void tw_stats_sum(struct tw_stats *out, const struct tw_stats *const *in,
		  unsigned n);

/**
 * One line "PREFIX name=value ..." (all counters when @p all, else only
 * the non-zero ones), then the non-zero bogus EDE counts.
 */
void tw_stats_print(FILE *f, const char *prefix, const struct tw_stats *s,
		    int all);

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_STATS_H */
