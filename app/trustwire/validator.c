/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Validator role: consumes its two rings (misses from every worker,
 * upstream answers routed by destination port), talks to upstreams,
 * validates, answers. The loop and the rings are real; the processing is
 * a PLACEHOLDER until lib/dns, lib/dnssec, lib/crypto and lib/cache land.
 */
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "trustwire.h"

/*
 * HOOK validator_handle_miss -- STUB.
 *
 * Target (DESIGN.md "Data flow"):
 *   - coalesce identical questions (pending table keyed by the qkey; the
 *     mbuf is kept as the client's query until the answer is known);
 *   - query an upstream (cfg->upstreams, round robin with failover) with
 *     DO=1 CD=1, a random ID and a random source port p with
 *     p % n_validators == validator_idx so answers come back to this
 *     lcore's ring (RFC 5452 9.2: ID and port randomness);
 *     TW_CTR_UPSTREAM_QUERIES, sent via lc->txq[port];
 *   - limits.max_inflight pending queries; beyond: SERVFAIL.
 * Now: counted and freed (TW_CTR_VAL_MISSES, TW_CTR_STUB_DROPPED).
 */
void
validator_handle_miss(struct tw_lcore *lc, struct rte_mbuf *m)
{
	tw_stat_inc(&lc->stats, TW_CTR_VAL_MISSES);
	tw_stat_inc(&lc->stats, TW_CTR_STUB_DROPPED);
	rte_pktmbuf_free(m);
}

/*
 * HOOK validator_handle_upstream_response -- STUB.
 *
 * Target: match ID, source address/port and question against the
 * pending query (else TW_CTR_SPOOFED, RFC 5452 9.1); fetch DNSKEY/DS up
 * the chain as needed; batch signature checks through lib/crypto;
 * verdict secure/insecure/bogus/indeterminate with EDE (lib/dnssec);
 * answer every waiting client (AD for secure, SERVFAIL + EDE for bogus
 * with tw_log_bogus(), TW_CTR_SECURE/INSECURE/BOGUS via tw_stat_bogus);
 * publish the entry to every worker's cache over lib/cache's SPSC rings.
 * Now: counted and freed.
 */
void
validator_handle_upstream_response(struct tw_lcore *lc, struct rte_mbuf *m)
{
	tw_stat_inc(&lc->stats, TW_CTR_VAL_RESPONSES);
	tw_stat_inc(&lc->stats, TW_CTR_STUB_DROPPED);
	rte_pktmbuf_free(m);
}

/*
 * HOOK validator_timers -- STUB.
 * Target: expire pending upstream queries after
 * limits.upstream_timeout_ms (TW_CTR_UPSTREAM_TIMEOUTS), retry on the
 * next upstream, finally SERVFAIL with EDE 22 (No Reachable Authority,
 * RFC 8914 4.23). Returns the work done (for the idle back-off).
 */
unsigned
validator_timers(struct tw_lcore *lc, uint64_t now_tsc)
{
	(void)lc;
	(void)now_tsc;
	return 0;
}

unsigned
tw_validator_poll(struct tw_lcore *lc, uint64_t now_tsc)
{
	void *objs[TW_MAX_BURST];
	unsigned n, i, work;

	n = rte_ring_sc_dequeue_burst(lc->miss_ring, objs, lc->burst, NULL);
	for (i = 0; i < n; i++)
		validator_handle_miss(lc, objs[i]);
	work = n;
	n = rte_ring_sc_dequeue_burst(lc->resp_ring, objs, lc->burst, NULL);
	for (i = 0; i < n; i++)
		validator_handle_upstream_response(lc, objs[i]);
	work += n;
	return work + validator_timers(lc, now_tsc);
}
