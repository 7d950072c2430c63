/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * trustwire application internals: the process-wide state (read-only
 * once the lcores run) and the per-lcore state (written only by its
 * lcore), the lcore loop and the hook functions of the worker and the
 * validator. See doc/dataplane.md for the picture.
 *
 * Roles (any combination on one lcore; one lcore can hold all of them):
 *   worker     polls one RX queue of every port, classifies, answers
 *              hits, hands misses and upstream answers to validators
 *              over rings, sends the rest to the exception path;
 *   validator  consumes its rings, talks to upstreams, validates,
 *              answers clients through its own TX queue;
 *   main       (the EAL main lcore) stop conditions; it also runs any
 *              worker/validator role it was given.
 */
#ifndef TW_APP_TRUSTWIRE_H
#define TW_APP_TRUSTWIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "answer.h"
#include "classify.h"
#include "config.h"
#include "neigh.h"
#include "ratelimit.h"
#include "stats.h"
#include "tw_common.h"
#include "tw_idle.h"
#include "tw_port.h"

#define TW_MAX_PORTS	  TW_CFG_MAX_PORTS
#define TW_MAX_VALIDATORS 32
#define TW_MAX_BURST	  256

#define TW_ROLE_WORKER	  0x1
#define TW_ROLE_VALIDATOR 0x2
#define TW_ROLE_MAIN	  0x4

struct tw_app;
struct tw_tcp_server; /* tcp.c */
struct tw_tcp_req;    /* tcp.c */

/** A worker's RX queue. */
struct tw_rxq_ref {
	uint16_t port_idx; /**< index in app->ports */
	uint16_t port_id;
	uint16_t queue_id;
};

/**
 * What the worker's hit path needs of a port, copied at start (the port
 * settings do not change while the lcores run): no walk through app and
 * its port array per packet.
 */
struct tw_port_hot {
	uint16_t udp_max[2]; /**< tw_port_udp_max(): IPv4, IPv6 */
	uint8_t tx_fl;	     /**< TW_NET_F_TX_*_OFFLOAD of its TX offloads */
	bool rx_cksum;	     /**< the port verifies RX checksums */
};

/** A DNS query of an RX burst waiting for its cache lookup. */
struct tw_hitq {
	struct rte_mbuf *m;
	struct tw_cls c;	/**< classified in place (no copy per query) */
	struct tw_query_hit qi; /**< tw_query_info_hit() */
	uint16_t port_idx;
};

struct tw_vstate; /* validator.c */

/** Mbufs a worker gathered for one validator during one RX burst. */
struct tw_stage {
	uint16_t n;
	struct rte_mbuf *m[TW_MAX_BURST];
};

/** Phases of the hit path timed by -Dphase_cycles=true builds. */
enum { TW_PHASE_PARSE = 0, TW_PHASE_LOOKUP, TW_PHASE_ANSWER, TW_PHASES };

/**
 * Per-lcore state, allocated on the lcore's NUMA node, cache aligned;
 * written only by its lcore (the stats are read by telemetry with
 * relaxed loads).
 */
struct tw_lcore {
	/* Read-mostly. */
	struct tw_app *app;
	unsigned lcore_id;
	uint16_t idx;		/**< among active lcores: TX queue index */
	uint16_t worker_idx;	/**< RX and exception queue index */
	uint16_t validator_idx; /**< which rings it consumes */
	uint8_t roles;		/**< TW_ROLE_* */
	uint16_t burst;
	uint16_t n_rxq;
	struct tw_rxq_ref rxq[TW_MAX_PORTS];
	struct tw_port_hot port_hot[TW_MAX_PORTS]; /**< by port index */
	uint64_t drain_tsc; /**< TX flush period in TSC cycles */
	uint64_t tsc_hz;
	/* tw_lcore_seconds(): the current second and where the next one
	 * starts, in TSC cycles. */
	uint64_t sec_next_tsc;
	uint32_t sec_now;

	/* Validator side: the rings it consumes (single consumer). */
	struct rte_ring *miss_ring;
	struct rte_ring *resp_ring;

	/* Written by the loop. */
	uint64_t prev_drain_tsc;
	struct tw_idle idle;
	struct tw_ratelimit bogus_rl;
	struct tw_stats stats;
	struct tw_txq txq[TW_MAX_PORTS];     /**< to the wire, per port */
	struct tw_txq exc_txq[TW_MAX_PORTS]; /**< to the kernel, per port */
	/* txq counters already added to stats (auto-flushes included). */
	uint64_t tx_seen[TW_MAX_PORTS];
	uint64_t tx_drop_seen[TW_MAX_PORTS];
	uint64_t exc_drop_seen[TW_MAX_PORTS];
	struct tw_stage stage_miss[TW_MAX_VALIDATORS];
	struct tw_stage stage_resp[TW_MAX_VALIDATORS];

	/* Worker: this lcore's cache index and the hit path's scratch. */
	struct tw_cache_worker *cw;
	uint32_t cache_iter;
	uint16_t n_hq;
	struct tw_hitq hq[TW_MAX_BURST];
	struct tw_dns_qkey hk[TW_MAX_BURST];
	struct tw_cache_key ck[TW_MAX_BURST];
	const struct tw_cache_blob *hb[TW_MAX_BURST];
	/* -Dphase_cycles=true builds: TSC cycles of the RX bursts' query
	 * handling by phase (TW_PHASE_*) and the queries they covered;
	 * zero otherwise. Read by tw-gen after a phase. */
	uint64_t phase_cyc[TW_PHASES];
	uint64_t phase_q;

	/* Validator: its resolver state (validator.c). */
	struct tw_vstate *vs;
	struct rte_ring *tcpq_ring; /**< TCP client questions for it */
} TW_CACHE_ALIGNED;

/** Process-wide state: built at start, read-only while lcores run. */
struct tw_app {
	const struct tw_config *cfg;
	struct rte_mempool *pool;

	unsigned n_ports;
	struct tw_port ports[TW_MAX_PORTS];
	struct tw_classify_ctx cls[TW_MAX_PORTS]; /**< per port (its MAC) */
	bool has_exc;
	struct tw_port exc[TW_MAX_PORTS]; /**< exception port per port */

	unsigned n_lcores; /**< lcores with a role (main always has one) */
	struct tw_lcore *lcores[RTE_MAX_LCORE]; /**< by index */
	struct tw_lcore *by_id[RTE_MAX_LCORE];	/**< by lcore id */
	unsigned n_workers;
	unsigned n_validators;
	/** NUMA socket of each worker's lcore, by worker index: its cache
	 * index lives there (dns_setup()). */
	int worker_socket[RTE_MAX_LCORE];
	/** Workers whose cache tables are in ordinary pages (no hugepage
	 * memory left for them). */
	unsigned cache_small_pages;
	struct rte_ring *miss_ring[TW_MAX_VALIDATORS];
	struct rte_ring *resp_ring[TW_MAX_VALIDATORS];

	uint32_t hash_seed; /**< per process, random */

	/* The DNS side. */
	struct tw_cache *cache;	     /**< per-worker indexes, shared blobs */
	struct tw_neigh_table neigh; /**< next hops of upstream traffic */
	struct tw_upstream_route routes[TW_CFG_MAX_UPSTREAMS];
	/* TCP clients (tcp.c): questions to validators, answers back. */
	struct rte_ring *tcpq_ring[TW_MAX_VALIDATORS];
	struct rte_ring *tcpa_ring; /**< validators -> TCP thread */
	int tcp_efd;		    /**< eventfd: answers are waiting */
	struct tw_tcp_server *tcp;
	uint64_t start_tsc;
	uint64_t stop_tsc; /**< --duration: stop here; 0: never */
	volatile int quit; /**< read relaxed by every lcore */
};

/*
 * Cache time, seconds of the TSC (the same base on every lcore): the
 * quotient is kept and renewed when the TSC passes the next second, so
 * a poll pays a compare, not a 64-bit division (tens of cycles, and a
 * turn of the loop has several).
 */
static inline uint32_t
tw_lcore_seconds(struct tw_lcore *lc, uint64_t tsc)
{
	if (unlikely(tsc >= lc->sec_next_tsc)) {
		lc->sec_now = (uint32_t)(tsc / lc->tsc_hz);
		lc->sec_next_tsc = ((uint64_t)lc->sec_now + 1) * lc->tsc_hz;
	}
	return lc->sec_now;
}

/* app.c: the data plane's life, after rte_eal_init(). */
#define TW_EXIT_RUNTIME 1 /**< EAL, ports, memory */
#define TW_EXIT_CONFIG	2 /**< configuration or usage */

/**
 * Build the data plane of @p cfg (kept, must outlive @p app): lcore roles
 * from the EAL lcores, ports (probed, configured, started), the mbuf pool,
 * the validator rings, the cache and next hops, every lcore's state, the
 * validators (trust anchors), telemetry, the exception path. Errors are
 * printed (one line with the fix).
 *
 * @param app  zeroed (large: static or heap, not the stack).
 * @return 0, TW_EXIT_CONFIG or TW_EXIT_RUNTIME. Call tw_app_fini()
 *   either way.
 */
int tw_app_init(struct tw_app *app, const struct tw_config *cfg);

/**
 * Start the TCP service, print the start-up lines, run every lcore's
 * loop (tw_lcore_main()) until a signal, --duration or tw_app_stop(),
 * then print the final statistics.
 * @return 0 or TW_EXIT_RUNTIME.
 */
int tw_app_run(struct tw_app *app);

/** Stop and free what tw_app_init() built (also after it failed). */
void tw_app_fini(struct tw_app *app);

/* lcore.c: the unified poll loop (lcore_function_t). */
int tw_lcore_main(void *arg);
/**
 * One turn of tw_lcore_main()'s loop without its idle back-off: the
 * roles' polls, the TX drain timer (and the main role's stop checks),
 * the busy/worker/validator cycle counters. For harnesses that drive
 * an lcore themselves (app/tw-gen).
 * @return the work done (packets and events; 0: idle).
 */
unsigned tw_lcore_turn(struct tw_lcore *lc);
/** Push staged ring entries and flush every TX buffer of @p lc. */
void tw_lcore_flush(struct tw_lcore *lc);
/** Ask every lcore to stop (signal-safe: one relaxed store). */
void tw_app_stop(struct tw_app *app);
/** Stop requested by a signal (set by the handler in main.c). */
extern volatile int tw_signal_received;

/* worker.c */
unsigned tw_worker_poll(struct tw_lcore *lc);

/*
 * Worker hooks: the DNS logic plugs in here. Each one owns @p m (sends
 * or frees it). See worker.c and doc/dataplane.md.
 */
void worker_handle_dns_query(struct tw_lcore *lc, uint16_t port_idx,
			     struct rte_mbuf *m, const struct tw_cls *c);
void worker_handle_upstream_response(struct tw_lcore *lc, uint16_t port_idx,
				     struct rte_mbuf *m,
				     const struct tw_cls *c);
void worker_handle_exception(struct tw_lcore *lc, uint16_t port_idx,
			     struct rte_mbuf *m, struct tw_cls *c);
/** Push staged misses/responses to the validator rings. */
void tw_worker_flush_stages(struct tw_lcore *lc);

/** Map an ethdev port id to its index in app->ports (0 if unknown). */
static inline uint16_t
tw_port_idx(const struct tw_app *app, uint16_t port_id)
{
	unsigned i;

	for (i = 0; i < app->n_ports; i++)
		if (app->ports[i].port_id == port_id)
			return (uint16_t)i;
	return 0;
}

/**
 * Send a DNS answer written at pkt->payload_off of @p m (@p dns_len
 * octets) back to the client: lib/net turns the query frame around (MAC,
 * IP, ports, lengths, checksums, VLAN tags kept), then the port's TX
 * buffer of this lcore. Frees @p m on error.
 */
int tw_reply_udp(struct tw_lcore *lc, uint16_t port_idx, struct rte_mbuf *m,
		 struct tw_pkt *pkt, size_t dns_len);

/* validator.c */
int tw_validator_init(struct tw_lcore *lc);
void tw_validator_fini(struct tw_lcore *lc);
unsigned tw_validator_poll(struct tw_lcore *lc, uint64_t now_tsc);
/*
 * Forget what this validator has cached (its store of validated answers;
 * lib/dnssec's keys, cuts and bogus zones; lib/crypto's verdicts) so the
 * next answers are validated from scratch. Only while it has no job or
 * fetch outstanding: -EBUSY otherwise (nothing flushed). For harnesses
 * that drive the loop themselves (tw-gen --miss-rounds); the lcore's
 * own thread only.
 */
int tw_validator_flush(struct tw_lcore *lc);
void validator_handle_miss(struct tw_lcore *lc, struct rte_mbuf *m);
void validator_handle_upstream_response(struct tw_lcore *lc,
					struct rte_mbuf *m);
unsigned validator_timers(struct tw_lcore *lc, uint64_t now_tsc);

/* tcp.c: TCP/53 for clients (RFC 7766) through the kernel. */
int tw_tcp_start(struct tw_app *app);
void tw_tcp_stop(struct tw_app *app);
/** A TCP client question taken by a validator (see tcp.c). */
struct tw_tcp_req {
	uint64_t conn;	  /**< connection id (tcp.c) */
	uint16_t len;	  /**< question length */
	uint16_t ans_len; /**< answer length; 0: none (drop) */
	uint8_t *ans;	  /**< answer, tw_malloc()ed by the validator */
	uint8_t q[];	  /**< the question */
};
/** Hand a finished request back to the TCP thread (any validator). */
void tw_tcp_answer(struct tw_app *app, struct tw_tcp_req *req);

/* telemetry.c */
int tw_telemetry_register(struct tw_app *app);
void tw_stats_print_final(struct tw_app *app, FILE *f);
/**
 * Rate-limited log line for a bogus answer (per lcore token bucket,
 * log.bogus_rate/bogus_burst); suppressed lines are counted.
 */
void tw_log_bogus(struct tw_lcore *lc, const char *qname, uint16_t qtype,
		  int ede, const char *reason);

#endif /* TW_APP_TRUSTWIRE_H */
