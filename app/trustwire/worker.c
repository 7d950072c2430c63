/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker role: RX burst -> classify -> hook -> TX buffer / validator
 * ring / exception path. DNS queries are looked up in this lcore's cache
 * once per burst; hits are answered in the query's own mbuf.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "trustwire.h"
#include "net_pkt_fast.h"

/*
 * -Dphase_cycles=true: rdtsc at the phase boundaries of an RX burst
 * (doc/performance.md, "Where the cycles go"); nothing otherwise.
 */
#ifdef TW_PHASE_CYCLES
#define PHASE_T(v)		uint64_t v = rte_rdtsc()
#define PHASE_ADD(lc, ph, a, b) ((lc)->phase_cyc[ph] += (b) - (a))
#define PHASE_Q(lc, n)		((lc)->phase_q += (n))
#else
#define PHASE_T(v)		((void)0)
#define PHASE_ADD(lc, ph, a, b) ((void)0)
#define PHASE_Q(lc, n)		((void)0)
#endif

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

/* A miss: to the validator that owns the question's hash (the caller
 * counts it). */
static inline void
miss(struct tw_lcore *lc, struct rte_mbuf *m, uint32_t hash)
{
	stage(&lc->stage_miss[hash % lc->app->n_validators], m);
}

/*
 * HOOK worker_handle_dns_query: the first half of the fast path.
 *   1. tw_dns_qkey_parse(): header + question, lowercased and hashed in
 *      one pass with the per-process seed (the cache key, the coalescing
 *      key and the validator choice are this one hash);
 *   2. tw_query_info_hit(): the OPT RR (EDNS size, DO) and the flags;
 *      DO, CD and EDNS pick the cache variant (tw_answer_variant()), RD
 *      and AD only the answer's header bits (tw_answer_client_bits());
 *   3. queued for the burst lookup (tw_worker_poll() then looks the
 *      whole burst up at once and answers the hits); what the cache
 *      must not answer (other opcodes, EDNS versions, extra RRs) goes to
 *      a validator at once.
 * A malformed question is dropped (counted): no FORMERR to hostile
 * input we cannot even attribute. A readable question whose OPT RR is
 * malformed goes to a validator, which answers FORMERR.
 */
void
worker_handle_dns_query(struct tw_lcore *lc, uint16_t port_idx,
			struct rte_mbuf *m, const struct tw_cls *c)
{
	const struct tw_app *app = lc->app;
	const struct tw_pkt *pkt = &c->pkt;
	const uint8_t *msg =
		rte_pktmbuf_mtod_offset(m, const uint8_t *, pkt->payload_off);
	struct tw_hitq *h = &lc->hq[lc->n_hq];
	struct tw_dns_qkey *k = &lc->hk[lc->n_hq];
	int rc;

	/* The queries that reach the hit queue are counted per burst
	 * (lookup_burst()). */
	rc = tw_dns_qkey_parse(msg, pkt->payload_len, app->hash_seed, k);
	if (likely(rc >= 0))
		rc = tw_query_info_hit(msg, pkt->payload_len, (size_t)rc,
				       &h->qi);
	if (unlikely(rc != 0)) {
		tw_stat_inc(&lc->stats, TW_CTR_QUERIES);
		if (rc == -TW_EOPT) {
			/* A readable question with a malformed OPT RR:
			 * FORMERR from the validator (RFC 6891 6.1.1). */
			tw_stat_inc(&lc->stats, TW_CTR_MISSES);
			miss(lc, m, k->hash);
			return;
		}
		drop(lc, m, TW_CTR_MALFORMED);
		return;
	}
	if (unlikely(h->qi.slow != 0)) {
		tw_stat_inc(&lc->stats, TW_CTR_QUERIES);
		tw_stat_inc(&lc->stats, TW_CTR_MISSES);
		miss(lc, m, k->hash);
		return;
	}
	/*
	 * The lookup key. Its bucket is not prefetched here but by the
	 * burst lookup's first stage, for the whole burst at once: a
	 * prefetch per packet in the middle of the parse cost more than it
	 * hid (doc/performance.md, seventh round: 12-35 cycles per query
	 * less without it, with a large or a small index).
	 */
	lc->ck[lc->n_hq] = (struct tw_cache_key){ .data = k->key,
						  .len = k->len,
						  .hash = k->hash,
						  .flags = tw_answer_variant(
							  h->qi.kflags) };
	h->m = m;
	/* tw_worker_poll() classifies into the next slot: nothing to copy. */
	if (unlikely(c != &h->c))
		h->c = *c;
	h->port_idx = port_idx;
	lc->n_hq++;
}

/*
 * A hit's frame: lib/net turns the headers around (MACs, addresses,
 * ports, lengths, IPv4 header checksum) and computes the UDP checksum,
 * or the port's offloads do. The common shape (IPv4 without options,
 * IPv6 without extension headers) takes lib/net's straight reply
 * inline, without tw_pkt_udp_reply()'s checks of a summary the
 * classifier just made (the answer was rendered within the frame's
 * room, and the address it leaves from is one of ours, unicast); the
 * rest goes through tw_pkt_udp_reply(). (tw_reply_udp(), without its
 * copy of the frame summary.)
 */
static void
reply_hit(struct tw_lcore *lc, struct tw_hitq *h, size_t dns_len)
{
	struct rte_mbuf *m = h->m;
	struct tw_pkt *pkt = &h->c.pkt;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned fl = lc->port_hot[h->port_idx].tx_fl;
	int n;

	/* The classifier answers only its own addresses, which are all
	 * unicast (tw_classify_add_addr()): the shape is all to check. */
	if (likely(net_udp_reply_plain(pkt))) {
		net_udp_reply_fast(f, pkt, (uint32_t)dns_len + TW_UDP_HLEN, 0,
				   fl);
		n = (int)(pkt->l4_off + TW_UDP_HLEN + dns_len);
	} else {
		n = tw_pkt_udp_reply(f, (size_t)m->buf_len - m->data_off, pkt,
				     dns_len, 0, fl);
		if (unlikely(n < 0)) {
			/* As tw_reply_udp(): not for a classified query. */
			rte_pktmbuf_free(m);
			return;
		}
	}
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	m->ol_flags = 0;
	if (fl != 0)
		tw_port_tx_offload(&lc->app->ports[h->port_idx], m,
				   (uint16_t)pkt->l3_off,
				   (uint16_t)(pkt->l4_off - pkt->l3_off),
				   pkt->ip_ver == 6);
	tw_txq_send(&lc->txq[h->port_idx], m);
}

/* Answer a hit in the query's own mbuf and send it. @return 1 when it
 * counts as a hit (answered, TC=1 included), 0 when it was dropped. */
static unsigned
answer_hit(struct tw_lcore *lc, struct tw_hitq *h, const struct tw_dns_qkey *k,
	   const struct tw_cache_blob *b, uint32_t now)
{
	struct rte_mbuf *m = h->m;
	const struct tw_pkt *pkt = &h->c.pkt;
	uint8_t *dns = rte_pktmbuf_mtod_offset(m, uint8_t *, pkt->payload_off);
	size_t room = (size_t)m->buf_len - m->data_off - pkt->payload_off;
	/* The client's size, and no IP fragments (RFC 9715 3.1): the MTU. */
	size_t cap = TW_MIN(
		TW_MIN(room, (size_t)h->qi.limit),
		(size_t)lc->port_hot[h->port_idx].udp_max[pkt->ip_ver == 6]);
	uint8_t qn[TW_DNS_NAME_MAX];
	int n;

	/* The answer around the client's QNAME octets (RFC 4343 case),
	 * which stay where they are. */
	n = tw_cache_blob_render_inplace(b, dns, cap, h->qi.id, now);
	if (likely(n >= 0)) {
		/* The variant's answer serves RD and AD alike (answer.h). */
		tw_answer_client_bits(dns, h->qi.kflags);
		reply_hit(lc, h, (size_t)n);
		return 1;
	}
	/* Too big for the client: TC=1 (RFC 6891 7, RFC 1035). */
	memcpy(qn, dns + TW_DNS_HDR_LEN, k->name_len);
	n = tw_answer_tc(dns, cap, tw_cache_blob_msg(b), tw_cache_blob_len(b),
			 (size_t)TW_DNS_HDR_LEN + k->len, h->qi.id, qn,
			 k->name_len, h->qi.kflags,
			 (uint16_t)lc->app->cfg->limits.edns_udp_size);
	tw_stat_inc(&lc->stats, TW_CTR_TRUNCATED);
	if (n < 0) {
		drop(lc, m, TW_CTR_MALFORMED);
		return 0;
	}
	tw_answer_client_bits(dns, h->qi.kflags);
	tw_reply_udp(lc, h->port_idx, m, &h->c.pkt, (size_t)n);
	return 1;
}

/*
 * The second half of the fast path: one burst lookup in this lcore's
 * cache (no lock, no atomic, no reference count), hits answered in
 * place, misses to the validators.
 */
static void
lookup_burst(struct tw_lcore *lc, uint32_t now)
{
	unsigned i, n = lc->n_hq, hits = 0, misses = 0;

	if (n == 0)
		return;
	PHASE_T(t0);
	/* The keys (lc->ck) were filled by worker_handle_dns_query(). */
	tw_cache_lookup_burst(lc->cw, lc->ck, n, now, lc->hb);
	PHASE_T(t1);
	PHASE_ADD(lc, TW_PHASE_LOOKUP, t0, t1);
	for (i = 0; i < n; i++) {
		if (likely(lc->hb[i] != NULL)) {
			hits += answer_hit(lc, &lc->hq[i], &lc->hk[i],
					   lc->hb[i], now);
		} else {
			misses++;
			miss(lc, lc->hq[i].m, lc->hk[i].hash);
		}
	}
	/* Per burst, not per packet. */
	tw_stat_add(&lc->stats, TW_CTR_QUERIES, n);
	tw_stat_add(&lc->stats, TW_CTR_HITS, hits);
	tw_stat_add(&lc->stats, TW_CTR_MISSES, misses);
	lc->n_hq = 0;
	PHASE_T(t2);
	PHASE_ADD(lc, TW_PHASE_ANSWER, t1, t2);
	PHASE_Q(lc, n);
}

/*
 * HOOK worker_handle_upstream_response.
 *
 * An upstream's answer arrives on whatever queue RSS chose; it belongs
 * to the validator that sent the query. Validators pick their source
 * ports so that port % n_validators == validator_idx (doc/dataplane.md),
 * so the owner is known without shared state.
 * Nothing else on the worker: ID, address, port and question matching
 * against the pending query is the validator's (RFC 5452 9.1).
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
 * ARP (RFC 826: the sender of a request or a reply, when it is a next
 * hop we use) and ND (RFC 4861 7.2.5 NA target with its TLLA, none
 * without one; 7.2.3 NS source with its SLLA) update the next-hop table.
 */
static void
learn_neigh(struct tw_lcore *lc, uint16_t port_idx, struct rte_mbuf *m,
	    const struct tw_cls *c)
{
	struct tw_app *app = lc->app;
	const struct tw_pkt *p = &c->pkt;
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);

	if (app->neigh.n == 0 || c->rc != -TW_EPROTO)
		return;
	if (p->ip_ver == 0 && p->eth.ethertype == TW_ETHERTYPE_ARP) {
		struct tw_arp arp;

		if (tw_arp_parse(frame + p->eth.hdr_len,
				 c->len - p->eth.hdr_len, &arp) == 0)
			tw_neigh_learn(&app->neigh, 4, arp.spa, arp.sha,
				       port_idx);
		return;
	}
	if (p->ip_ver == 6 && p->l4_proto == TW_IPPROTO_ICMPV6 &&
	    p->l4_len >= 1) {
		if (frame[p->l4_off] == TW_ICMP6_ND_NA) {
			struct tw_nd_na na;

			/* RFC 4861 7.2.5: without a target link-layer
			 * address option, nothing to learn. */
			if (tw_nd_parse_na(frame, p, &na) == 0 &&
			    na.tlla != NULL)
				tw_neigh_learn(&app->neigh, 6, na.target,
					       na.tlla, port_idx);
		} else if (frame[p->l4_off] == TW_ICMP6_ND_NS) {
			struct tw_nd_ns ns;

			if (tw_nd_parse_ns(frame, p, &ns) == 0 &&
			    ns.slla != NULL)
				tw_neigh_learn(&app->neigh, 6, p->src, ns.slla,
					       port_idx);
		}
	}
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
 * 0. Before that: the ARP and ND packets of the upstream traffic's next
 *    hops teach us their MACs (neigh.h); the packet goes on as before.
 */
void
worker_handle_exception(struct tw_lcore *lc, uint16_t port_idx,
			struct rte_mbuf *m, struct tw_cls *c)
{
	const struct tw_app *app = lc->app;
	enum tw_local kind;
	int n;

	learn_neigh(lc, port_idx, m, c);
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
	/* Classified into the next hit queue slot: a query stays there. */
	struct tw_cls *c = &lc->hq[lc->n_hq].c;
	uint64_t f = m->ol_flags;
	unsigned flags = 0;

	/* No scatter RX: a chained mbuf is a frame we did not configure. */
	if (unlikely(m->nb_segs != 1)) {
		drop(lc, m, TW_CTR_MALFORMED);
		return;
	}
	/* Checksums the NIC verified are not verified again (lib/net). */
	if (lc->port_hot[port_idx].rx_cksum) {
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
			    rte_pktmbuf_data_len(m), flags, c)) {
	case TW_PKT_DNS_QUERY:
		worker_handle_dns_query(lc, port_idx, m, c);
		return;
	case TW_PKT_UPSTREAM:
		worker_handle_upstream_response(lc, port_idx, m, c);
		return;
	case TW_PKT_EXCEPTION:
		worker_handle_exception(lc, port_idx, m, c);
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
	case TW_PKT_DENIED:
		drop(lc, m, TW_CTR_DENIED);
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
	/* Cache time: seconds of the TSC, the same base on every lcore. */
	uint32_t now = tw_lcore_seconds(lc, rte_rdtsc());

	/*
	 * Publications of the validators into this lcore's index, before
	 * the RX burst: a validator publishes before it sends the answer,
	 * so a client's repeat of a question it was just answered always
	 * finds the entry here (a hit, not a trip to the validator's store).
	 */
	total += tw_cache_drain(lc->cw, now, 64);
	for (q = 0; q < lc->n_rxq; q++) {
		const struct tw_rxq_ref *r = &lc->rxq[q];

		n = rte_eth_rx_burst(r->port_id, r->queue_id, pkts, lc->burst);
		if (n == 0)
			continue;
		tw_stat_add(&lc->stats, TW_CTR_RX, n);
		/* Frames two ahead: a DRAM miss takes longer than one
		 * packet's work. */
		rte_prefetch0(rte_pktmbuf_mtod(pkts[0], void *));
		if (n > 1)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[1], void *));
		PHASE_T(t0);
		for (i = 0; i < n; i++) {
			if (i + 2 < n)
				rte_prefetch0(
					rte_pktmbuf_mtod(pkts[i + 2], void *));
			handle_one(lc, r->port_idx, pkts[i]);
		}
		PHASE_T(t1);
		PHASE_ADD(lc, TW_PHASE_PARSE, t0, t1);
		lookup_burst(lc, now);
		tw_worker_flush_stages(lc);
		total += n;
	}
	if (lc->app->has_exc)
		total += poll_exception(lc);
	if ((++lc->cache_iter & 63) == 0)
		tw_cache_sweep(lc->cw, now, 16);
	/* No blob pointer from a lookup lives past this point. */
	tw_cache_quiescent(lc->cw);
	return total;
}
