/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "stats.h"

static const char *const ctr_names[TW_CTR_MAX] = {
	[TW_CTR_RX] = "rx",
	[TW_CTR_TX] = "tx",
	[TW_CTR_TX_DROPPED] = "tx_dropped",
	[TW_CTR_NOT_OURS] = "not_ours",
	[TW_CTR_MALFORMED] = "malformed_dropped",
	[TW_CTR_FRAGMENTS] = "fragments_dropped",
	[TW_CTR_SPOOFED] = "spoofed_dropped",
	[TW_CTR_BAD_CKSUM] = "bad_cksum_dropped",
	[TW_CTR_DENIED] = "denied_dropped",
	[TW_CTR_QUERIES] = "queries",
	[TW_CTR_HITS] = "hits",
	[TW_CTR_MISSES] = "misses",
	[TW_CTR_RING_FULL] = "ring_full_dropped",
	[TW_CTR_UPSTREAM_RX] = "upstream_responses",
	[TW_CTR_UPSTREAM_QUERIES] = "upstream_queries",
	[TW_CTR_UPSTREAM_TIMEOUTS] = "upstream_timeouts",
	[TW_CTR_VAL_MISSES] = "validator_misses",
	[TW_CTR_VAL_RESPONSES] = "validator_responses",
	[TW_CTR_SECURE] = "secure",
	[TW_CTR_INSECURE] = "insecure",
	[TW_CTR_BOGUS] = "bogus",
	[TW_CTR_INDETERMINATE] = "indeterminate",
	[TW_CTR_SERVFAIL] = "servfail",
	[TW_CTR_TRUNCATED] = "truncated",
	[TW_CTR_FORMERR] = "formerr",
	[TW_CTR_COALESCED] = "coalesced",
	[TW_CTR_STORE_ANSWERS] = "store_answers",
	[TW_CTR_OVERLOAD] = "overload_dropped",
	[TW_CTR_UPSTREAM_RETRIES] = "upstream_retries",
	[TW_CTR_TCP_FALLBACKS] = "tcp_fallbacks",
	[TW_CTR_TCP_QUERIES] = "tcp_queries",
	[TW_CTR_NEIGH_REQUESTS] = "neigh_requests",
	[TW_CTR_PUBLISHED] = "published",
	[TW_CTR_ARP_REPLIES] = "arp_replies",
	[TW_CTR_ND_REPLIES] = "nd_replies",
	[TW_CTR_ECHO_REPLIES] = "echo_replies",
	[TW_CTR_EXC_TO_KERNEL] = "exception_to_kernel",
	[TW_CTR_EXC_FROM_KERNEL] = "exception_from_kernel",
	[TW_CTR_EXC_DROPPED] = "exception_dropped",
	[TW_CTR_LOG_SUPPRESSED] = "log_suppressed",
	[TW_CTR_POLLS] = "polls",
	[TW_CTR_IDLE_SLEEPS] = "idle_sleeps",
	[TW_CTR_IDLE_US] = "idle_us",
	[TW_CTR_BUSY_CYCLES] = "busy_cycles",
	[TW_CTR_WORKER_CYCLES] = "worker_cycles",
	[TW_CTR_VALIDATOR_CYCLES] = "validator_cycles",
};

const char *
tw_ctr_name(enum tw_ctr i)
{
	return (unsigned)i < TW_CTR_MAX && ctr_names[i] ? ctr_names[i] : "?";
}

void
tw_stats_sum(struct tw_stats *out, const struct tw_stats *const *in, unsigned n)
{
	unsigned k, i;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < n; k++) {
		for (i = 0; i < TW_CTR_MAX; i++)
			out->c[i] +=
				__atomic_load_n(&in[k]->c[i], __ATOMIC_RELAXED);
		for (i = 0; i < TW_STATS_EDE_MAX; i++)
			out->bogus_ede[i] += __atomic_load_n(
				&in[k]->bogus_ede[i], __ATOMIC_RELAXED);
	}
}

void
tw_stats_print(FILE *f, const char *prefix, const struct tw_stats *s, int all)
{
	unsigned i;

	fprintf(f, "%s", prefix);
	for (i = 0; i < TW_CTR_MAX; i++) {
		uint64_t v = tw_stat_read(s, (enum tw_ctr)i);

		if (all || v != 0)
			fprintf(f, " %s=%" PRIu64, ctr_names[i], v);
	}
	for (i = 0; i < TW_STATS_EDE_MAX; i++)
		if (s->bogus_ede[i] != 0)
			fprintf(f, " bogus_ede%u=%" PRIu64, i, s->bogus_ede[i]);
	fprintf(f, "\n");
}
