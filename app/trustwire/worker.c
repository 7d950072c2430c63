/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker role: RX burst -> classify -> hook -> TX buffer / validator
 * ring / exception path. The three worker_handle_*() hooks are where the
 * DNS fast path plugs in; what is a STUB today is marked so.
 */
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "trustwire.h"

/* TW_DNS_HDR_LEN of lib/dns (RFC 1035 4.1.1), until it is linked in. */
#define TW_DNS_HDR_LEN_PLACEHOLDER 12

static inline void
drop(struct tw_lcore *lc, struct rte_mbuf *m, enum tw_ctr ctr)
{
	tw_stat_inc(&lc->stats, ctr);
	rte_pktmbuf_free(m);
}

static inline void
stage(struct tw_stage *s, struct rte_mbuf *m)
{
	/* Flushed after every RX burst, which is <= TW_MAX_BURST. */
	s->m[s->n++] = m;
}

/*
 * PLACEHOLDER question hash (FNV-1a over the question bytes, ASCII
 * lowercased) to pick a validator. Replaced by the qkey hash of
 * tw_dns_qkey_parse() (lib/dns) when the parser lands, so that the cache
 * key, the coalescing key and the validator choice are one hash.
 */
static uint32_t
placeholder_qhash(const uint8_t *msg, uint16_t len, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;
	uint16_t i;

	for (i = TW_DNS_HDR_LEN_PLACEHOLDER; i < len; i++) {
		uint8_t c = msg[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/*
 * HOOK worker_handle_dns_query -- STUB (needs lib/dns, lib/cache).
 *
 * Target (doc/dataplane.md "Worker loop"):
 *   1. tw_dns_qkey_parse(payload, payload_len, app->hash_seed, &key):
 *      header + question, lowercased and hashed in one pass; errors ->
 *      TW_CTR_MALFORMED (FORMERR only for well-formed headers).
 *   2. Look the key up in this lcore's cache (lib/cache, single writer).
 *      Hit: write the answer over the query's payload (blob copy, ID,
 *      TTLs, flags, OPT/EDE), tw_pkt_udp_reply_sum() (lib/net: swaps
 *      MAC/IP/ports, lengths, checksums; TW_NET_F_TX_* for the offloads
 *      the port has), tw_port_tx_offload(), then
 *      tw_txq_send(&lc->txq[port_idx], m); TW_CTR_HITS.
 *   3. Miss: hand the mbuf to the validator key.hash % n_validators.
 *
 * Now: no parser and no cache, so every query is a miss and goes to a
 * validator chosen by a placeholder hash (the ring path is real).
 */
void
worker_handle_dns_query(struct tw_lcore *lc, uint16_t port_idx,
			struct rte_mbuf *m, const struct tw_cls *c)
{
	const struct tw_app *app = lc->app;
	const struct tw_pkt *pkt = &c->pkt;
	const uint8_t *msg =
		rte_pktmbuf_mtod_offset(m, const uint8_t *, pkt->payload_off);
	uint32_t h;

	(void)port_idx;
	tw_stat_inc(&lc->stats, TW_CTR_QUERIES);
	if (pkt->payload_len < TW_DNS_HDR_LEN_PLACEHOLDER) {
		drop(lc, m, TW_CTR_MALFORMED);
		return;
	}
	h = placeholder_qhash(msg, (uint16_t)pkt->payload_len, app->hash_seed);
	/* Offsets for the validator: no second parse of L2/L3. */
	m->l2_len = pkt->l3_off;
	m->l3_len = pkt->l4_off - pkt->l3_off;
	m->hash.usr = h;
	tw_stat_inc(&lc->stats, TW_CTR_MISSES);
	stage(&lc->stage_miss[h % app->n_validators], m);
}

/*
 * HOOK worker_handle_upstream_response -- ring path real, checks STUB.
 *
 * An upstream's answer arrives on whatever queue RSS chose; it belongs
 * to the validator that sent the query. Validators pick their source
 * ports so that port % n_validators == validator_idx (doc/dataplane.md),
 * so the owner is known without shared state.
 * Target additions: nothing else on the worker (ID/question matching
 * against the pending query is the validator's, RFC 5452 9.1).
 */
void
worker_handle_upstream_response(struct tw_lcore *lc, uint16_t port_idx,
				struct rte_mbuf *m, const struct tw_cls *c)
{
	const struct tw_app *app = lc->app;

	(void)port_idx;
	tw_stat_inc(&lc->stats, TW_CTR_UPSTREAM_RX);
	m->l2_len = c->pkt.l3_off;
	m->l3_len = c->pkt.l4_off - c->pkt.l3_off;
	stage(&lc->stage_resp[c->pkt.dport % app->n_validators], m);
}

/*
 * HOOK worker_handle_exception: ARP, ND, ICMP, TCP (including TCP/53,
 * RFC 7766), other UDP, non-IP.
 * 1. ARP requests for our IPv4 addresses, Neighbour Solicitations for
 *    our IPv6 addresses and echo requests to them are answered here, in
 *    place (lib/net), and sent back out of the port they came in on.
 * 2. The rest goes unchanged to the kernel over the exception port
 *    (exception.type tap); the kernel's frames come back in
 *    tw_worker_poll(). Without one: counted and dropped.
 * Target addition: learn the gateway's MAC from its ARP/ND answers for
 * the validators' upstream queries.
 */
void
worker_handle_exception(struct tw_lcore *lc, uint16_t port_idx,
			struct rte_mbuf *m, struct tw_cls *c)
{
	const struct tw_app *app = lc->app;
	enum tw_local kind;
	int n;

	n = tw_local_reply(&app->cls[port_idx], rte_pktmbuf_mtod(m, uint8_t *),
			   (size_t)m->buf_len - m->data_off, c, &kind);
	if (n > 0) {
		static const enum tw_ctr ctr[] = {
			[TW_LOCAL_ARP] = TW_CTR_ARP_REPLIES,
			[TW_LOCAL_ND] = TW_CTR_ND_REPLIES,
			[TW_LOCAL_ECHO] = TW_CTR_ECHO_REPLIES,
		};

		m->data_len = (uint16_t)n;
		m->pkt_len = (uint32_t)n;
		m->ol_flags = 0; /* lib/net wrote every checksum */
		tw_stat_inc(&lc->stats, ctr[kind]);
		tw_txq_send(&lc->txq[port_idx], m);
		return;
	}
	if (n < 0) {
		drop(lc, m,
		     n == -TW_ECSUM ? TW_CTR_BAD_CKSUM : TW_CTR_MALFORMED);
		return;
	}
	if (!app->has_exc) {
		drop(lc, m, TW_CTR_EXC_DROPPED);
		return;
	}
	tw_stat_inc(&lc->stats, TW_CTR_EXC_TO_KERNEL);
	tw_txq_send(&lc->exc_txq[port_idx], m);
}

static void
flush_stage(struct tw_lcore *lc, struct tw_stage *s, struct rte_ring *r)
{
	unsigned sent, i;

	sent = rte_ring_mp_enqueue_burst(r, (void *const *)s->m, s->n, NULL);
	for (i = sent; i < s->n; i++)
		drop(lc, s->m[i], TW_CTR_RING_FULL);
	s->n = 0;
}

void
tw_worker_flush_stages(struct tw_lcore *lc)
{
	const struct tw_app *app = lc->app;
	unsigned v;

	for (v = 0; v < app->n_validators; v++) {
		if (lc->stage_miss[v].n > 0)
			flush_stage(lc, &lc->stage_miss[v], app->miss_ring[v]);
		if (lc->stage_resp[v].n > 0)
			flush_stage(lc, &lc->stage_resp[v], app->resp_ring[v]);
	}
}

static void
handle_one(struct tw_lcore *lc, uint16_t port_idx, struct rte_mbuf *m)
{
	const struct tw_app *app = lc->app;
	struct tw_cls c;
	uint64_t f = m->ol_flags;
	unsigned flags = 0;

	/* No scatter RX: a chained mbuf is a frame we did not configure. */
	if (unlikely(m->nb_segs != 1)) {
		drop(lc, m, TW_CTR_MALFORMED);
		return;
	}
	/* Checksums the NIC verified are not verified again (lib/net). */
	if (app->ports[port_idx].rx_cksum) {
		if (unlikely((f & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
				     RTE_MBUF_F_RX_IP_CKSUM_BAD ||
			     (f & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
				     RTE_MBUF_F_RX_L4_CKSUM_BAD)) {
			drop(lc, m, TW_CTR_BAD_CKSUM);
			return;
		}
		if ((f & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_GOOD)
			flags |= TW_NET_F_NO_IP_CSUM;
		if ((f & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD)
			flags |= TW_NET_F_NO_L4_CSUM;
	}
	switch (tw_classify(&app->cls[port_idx],
			    rte_pktmbuf_mtod(m, const uint8_t *),
			    rte_pktmbuf_data_len(m), flags, &c)) {
	case TW_PKT_DNS_QUERY:
		worker_handle_dns_query(lc, port_idx, m, &c);
		return;
	case TW_PKT_UPSTREAM:
		worker_handle_upstream_response(lc, port_idx, m, &c);
		return;
	case TW_PKT_EXCEPTION:
		worker_handle_exception(lc, port_idx, m, &c);
		return;
	case TW_PKT_SPOOFED:
		drop(lc, m, TW_CTR_SPOOFED);
		return;
	case TW_PKT_FRAGMENT:
		drop(lc, m, TW_CTR_FRAGMENTS);
		return;
	case TW_PKT_BAD_CKSUM:
		drop(lc, m, TW_CTR_BAD_CKSUM);
		return;
	case TW_PKT_MALFORMED:
		drop(lc, m, TW_CTR_MALFORMED);
		return;
	case TW_PKT_NOT_OURS:
	default:
		drop(lc, m, TW_CTR_NOT_OURS);
		return;
	}
}

/* Kernel -> wire: what the kernel sent on the exception port. */
static unsigned
poll_exception(struct tw_lcore *lc)
{
	struct tw_app *app = lc->app;
	struct rte_mbuf *pkts[TW_MAX_BURST];
	unsigned p, total = 0;
	uint16_t n, i;

	for (p = 0; p < app->n_ports; p++) {
		if (lc->worker_idx >= app->exc[p].n_rxq)
			continue;
		n = rte_eth_rx_burst(app->exc[p].port_id, lc->worker_idx, pkts,
				     lc->burst);
		for (i = 0; i < n; i++)
			tw_txq_send(&lc->txq[p], pkts[i]);
		tw_stat_add(&lc->stats, TW_CTR_EXC_FROM_KERNEL, n);
		total += n;
	}
	return total;
}

unsigned
tw_worker_poll(struct tw_lcore *lc)
{
	struct rte_mbuf *pkts[TW_MAX_BURST];
	unsigned q, total = 0;
	uint16_t n, i;

	for (q = 0; q < lc->n_rxq; q++) {
		const struct tw_rxq_ref *r = &lc->rxq[q];

		n = rte_eth_rx_burst(r->port_id, r->queue_id, pkts, lc->burst);
		if (n == 0)
			continue;
		tw_stat_add(&lc->stats, TW_CTR_RX, n);
		for (i = 0; i < n; i++) {
			if (i + 1 < n)
				rte_prefetch0(
					rte_pktmbuf_mtod(pkts[i + 1], void *));
			handle_one(lc, r->port_idx, pkts[i]);
		}
		tw_worker_flush_stages(lc);
		total += n;
	}
	if (lc->app->has_exc)
		total += poll_exception(lc);
	return total;
}
