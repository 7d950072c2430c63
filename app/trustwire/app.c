/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trustwire's data plane after rte_eal_init(): lcore roles, ports,
 * mempool, rings, cache, lcore states, validators, telemetry, exception
 * path (tw_app_init()); the lcores' loops until a stop (tw_app_run());
 * teardown (tw_app_fini()). main.c keeps the command line, the
 * configuration, EAL and the signals; app/tw-gen drives the same data
 * plane over in-memory ports.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "trustwire.h"

#define EXIT_RUNTIME TW_EXIT_RUNTIME
#define EXIT_CONFIG  TW_EXIT_CONFIG

#define LOG(fmt, ...) fprintf(stdout, "trustwire: " fmt "\n", ##__VA_ARGS__)
#define WARN(fmt, ...) \
	fprintf(stderr, "trustwire: warning: " fmt "\n", ##__VA_ARGS__)
#define ERR(fmt, ...) fprintf(stderr, "trustwire: " fmt "\n", ##__VA_ARGS__)

/* ---- lcore roles ------------------------------------------------------ */

static int
check_enabled(const struct tw_config *cfg, const struct tw_cfg_lcores *l,
	      const char *key, struct tw_config_err *err)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (!rte_lcore_is_enabled(l->id[i]))
			return tw_config_error(err, cfg, l->line,
					       "add it to the EAL lcores (-l, "
					       "--lcores) or remove it",
					       "lcore %u in %s is not enabled "
					       "by EAL",
					       l->id[i], key);
	return 0;
}

/*
 * Defaults (doc/dataplane.md "lcore roles"): one EAL lcore does both
 * roles; with more, the last one validates and the others work. A list
 * given for one role takes its lcores out of the other role's default.
 */
static int
assign_roles(const struct tw_config *cfg, uint8_t roles[RTE_MAX_LCORE],
	     struct tw_config_err *err)
{
	unsigned ids[RTE_MAX_LCORE], n = 0, i, id, last;
	int rc;

	memset(roles, 0, RTE_MAX_LCORE);
	RTE_LCORE_FOREACH(id)
	ids[n++] = id;
	last = ids[n - 1];
	rc = check_enabled(cfg, &cfg->workers, "lcores.workers / --workers",
			   err);
	if (rc == 0)
		rc = check_enabled(cfg, &cfg->validators,
				   "lcores.validators / --validators", err);
	if (rc != 0)
		return rc;
	for (i = 0; i < cfg->workers.n; i++)
		roles[cfg->workers.id[i]] |= TW_ROLE_WORKER;
	for (i = 0; i < cfg->validators.n; i++)
		roles[cfg->validators.id[i]] |= TW_ROLE_VALIDATOR;

	if (!cfg->workers.set && !cfg->validators.set) {
		for (i = 0; i < n; i++)
			roles[ids[i]] |=
				n == 1 || ids[i] != last ? TW_ROLE_WORKER : 0;
		roles[last] |= TW_ROLE_VALIDATOR;
	} else if (!cfg->workers.set) {
		for (i = 0; i < n; i++)
			if (!(roles[ids[i]] & TW_ROLE_VALIDATOR))
				roles[ids[i]] |= TW_ROLE_WORKER;
		if (n == cfg->validators.n) /* every lcore validates */
			for (i = 0; i < n; i++)
				roles[ids[i]] |= TW_ROLE_WORKER;
	} else if (!cfg->validators.set) {
		unsigned free_n = 0;

		for (i = 0; i < n; i++)
			if (!(roles[ids[i]] & TW_ROLE_WORKER)) {
				roles[ids[i]] |= TW_ROLE_VALIDATOR;
				free_n++;
			}
		if (free_n == 0) /* every lcore works: the last one also */
			roles[cfg->workers.id[cfg->workers.n - 1]] |=
				TW_ROLE_VALIDATOR;
	}
	roles[rte_get_main_lcore()] |= TW_ROLE_MAIN;
	return 0;
}

/* ---- set-up ------------------------------------------------------------ */

static void
fill_classify(struct tw_classify_ctx *cx, const struct tw_port *p,
	      const struct tw_config *cfg)
{
	unsigned i;

	memset(cx, 0, sizeof(*cx));
	memcpy(cx->mac, p->mac.addr_bytes, 6);
	for (i = 0; i < cfg->n_listen; i++) {
		const struct tw_cfg_prefix *l = &cfg->listen[i];

		/* tw_config_validate() refused what this would (an address
		 * no reply may leave from); beyond TW_CLS_MAX_ADDRS of a
		 * version the rest are not ours. */
		(void)tw_classify_add_addr(cx, l->family == AF_INET ? 4 : 6,
					   l->addr);
	}
	for (i = 0; i < cfg->n_allow; i++) {
		const struct tw_cfg_prefix *a = &cfg->allow[i];

		/* config.c holds at most TW_CFG_MAX_ALLOW == TW_CLS_MAX_ALLOW */
		(void)tw_classify_allow(cx, a->family == AF_INET ? 4 : 6,
					a->addr, a->len);
	}
	for (i = 0; i < cfg->n_upstreams && i < TW_CLS_MAX_UPSTREAMS; i++) {
		const struct tw_cfg_upstream *u = &cfg->upstreams[i];

		cx->up[i].family = u->family == AF_INET ? 4 : 6;
		cx->up[i].port = u->port;
		memcpy(cx->up[i].addr, u->addr, 16);
		cx->n_up++;
	}
}

static int
find_ports(struct tw_app *app, const struct tw_config *cfg,
	   uint16_t ids[TW_MAX_PORTS], struct tw_config_err *err)
{
	unsigned i;
	uint16_t id;

	app->n_ports = 0;
	if (cfg->n_ports == 0) {
		RTE_ETH_FOREACH_DEV(id)
		{
			if (app->n_ports < TW_MAX_PORTS)
				ids[app->n_ports++] = id;
		}
		if (app->n_ports == 0)
			return tw_config_error(
				err, cfg, 0,
				"give EAL a device (-a PCI-ADDRESS, --vdev "
				"net_af_packet0,iface=eth1, --vdev net_null0 "
				"for a test) or list 'ports'",
				"no DPDK port to serve on");
		return 0;
	}
	for (i = 0; i < cfg->n_ports; i++) {
		if (tw_port_probe(cfg->ports[i].devargs, &ids[i]) != 0)
			return tw_config_error(
				err, cfg, cfg->ports[i].line,
				"check the PCI address (dpdk-devbind.py -s) "
				"or vdev arguments; see the EAL log above",
				"port '%s' not found and could not be probed",
				cfg->ports[i].devargs);
		app->n_ports++;
	}
	return 0;
}

static unsigned
mbufs_needed(const struct tw_config *cfg, unsigned n_ports, unsigned n_rx,
	     unsigned n_tx, unsigned n_val, unsigned n_lcores)
{
	unsigned n = 0, p;

	for (p = 0; p < n_ports; p++) {
		unsigned rxd = cfg->n_ports && cfg->ports[p].rx_desc
				       ? cfg->ports[p].rx_desc
				       : cfg->io.rx_desc;
		unsigned txd = cfg->n_ports && cfg->ports[p].tx_desc
				       ? cfg->ports[p].tx_desc
				       : cfg->io.tx_desc;

		n += n_rx * rxd + n_tx * txd;
		if (cfg->exception.type == TW_CFG_EXC_TAP)
			n += n_rx * (512 + 512);
	}
	/*
	 * One ring's worth per validator: under overload the rings fill and
	 * drop (ring_full_dropped) or RX runs out of mbufs (rx_nombuf);
	 * either way the loss is counted, and memory stays bounded.
	 */
	n += n_val * cfg->io.ring_size;
	/* And a quarter of that held by each validator for waiting clients
	 * (validator.c: the query frame is answered in place). */
	n += n_val * (cfg->io.ring_size / 4);
	n += n_lcores * (256 + 4 * cfg->io.burst); /* caches, buffers */
	return n + 1024;
}

static int
create_rings(struct tw_app *app, const struct tw_config *cfg)
{
	char name[RTE_RING_NAMESIZE];
	unsigned v;

	for (v = 0; v < app->n_validators; v++) {
		/* Many workers produce, one validator consumes. */
		snprintf(name, sizeof(name), "tw_miss_%u", v);
		app->miss_ring[v] =
			rte_ring_create(name, cfg->io.ring_size,
					(int)rte_socket_id(), RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tw_resp_%u", v);
		app->resp_ring[v] =
			rte_ring_create(name, cfg->io.ring_size,
					(int)rte_socket_id(), RING_F_SC_DEQ);
		if (app->miss_ring[v] == NULL || app->resp_ring[v] == NULL) {
			ERR("cannot create validator rings of %u entries: %s",
			    cfg->io.ring_size, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

static struct tw_lcore *
new_lcore(struct tw_app *app, const struct tw_config *cfg, unsigned id,
	  uint8_t roles, uint16_t idx, uint16_t widx, uint16_t vidx)
{
	struct tw_lcore *lc;
	struct timespec ts;
	unsigned p;

	lc = rte_zmalloc_socket("tw_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
				(int)rte_lcore_to_socket_id(id));
	if (lc == NULL)
		return NULL;
	lc->app = app;
	lc->lcore_id = id;
	lc->roles = roles;
	lc->idx = idx;
	lc->worker_idx = widx;
	lc->validator_idx = vidx;
	lc->burst = (uint16_t)cfg->io.burst;
	lc->tsc_hz = rte_get_tsc_hz();
	lc->drain_tsc = lc->tsc_hz * cfg->io.tx_drain_us / 1000000;
	if (lc->drain_tsc == 0)
		lc->drain_tsc = 1;
	tw_idle_init(&lc->idle, cfg->idle.spin_polls, cfg->idle.sleep_max_us);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	tw_ratelimit_init(
		&lc->bogus_rl, cfg->log.bogus_rate, cfg->log.bogus_burst,
		(uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	for (p = 0; p < app->n_ports; p++) {
		const struct tw_port *port = &app->ports[p];
		struct tw_port_hot *ph = &lc->port_hot[p];

		ph->udp_max[0] = tw_port_udp_max(port, false);
		ph->udp_max[1] = tw_port_udp_max(port, true);
		ph->tx_fl =
			(uint8_t)((port->tx_ip4_cksum ? TW_NET_F_TX_IP_OFFLOAD
						      : 0) |
				  (port->tx_udp_cksum ? TW_NET_F_TX_L4_OFFLOAD
						      : 0));
		ph->rx_cksum = port->rx_cksum;
		tw_txq_init(&lc->txq[p], &app->ports[p], idx, lc->burst);
		if (app->has_exc)
			tw_txq_init(&lc->exc_txq[p], &app->exc[p], widx,
				    lc->burst);
		if ((roles & TW_ROLE_WORKER) && widx < app->ports[p].n_rxq) {
			lc->rxq[lc->n_rxq].port_idx = (uint16_t)p;
			lc->rxq[lc->n_rxq].port_id = app->ports[p].port_id;
			lc->rxq[lc->n_rxq].queue_id = widx;
			lc->n_rxq++;
		}
	}
	if (roles & TW_ROLE_VALIDATOR) {
		lc->miss_ring = app->miss_ring[vidx];
		lc->resp_ring = app->resp_ring[vidx];
		lc->tcpq_ring = app->tcpq_ring[vidx];
	}
	if (roles & TW_ROLE_WORKER)
		lc->cw = tw_cache_worker(app->cache, widx);
	return lc;
}

static void
print_start(const struct tw_app *app, const struct tw_config *cfg)
{
	char a[64];
	unsigned i;

	for (i = 0; i < cfg->n_listen; i++)
		LOG("listen %s/%u",
		    tw_config_addr_str(cfg->listen[i].family,
				       cfg->listen[i].addr, a, sizeof(a)),
		    cfg->listen[i].len);
	for (i = 0; i < cfg->n_upstreams; i++)
		LOG("upstream %s port %u",
		    tw_config_addr_str(cfg->upstreams[i].family,
				       cfg->upstreams[i].addr, a, sizeof(a)),
		    cfg->upstreams[i].port);
	if (cfg->n_listen == 0)
		WARN("no listen address: no frame is a DNS query (fix: "
		     "--listen ADDR/PREFIX or 'listen' in the config)");
	if (cfg->n_upstreams == 0)
		WARN("no upstream resolver: misses cannot be resolved (fix: "
		     "--upstream ADDR[:PORT] or 'upstreams')");
	if (cfg->n_listen > 0 && cfg->n_allow == 0)
		WARN("queries from any address are answered: an open "
		     "resolver wherever the listen addresses are reachable "
		     "(RFC 5358) (fix: --allow NET/LEN or 'allow' with the "
		     "client prefixes)");
	for (i = 0; i < cfg->n_allow; i++)
		LOG("clients allowed: %s/%u",
		    tw_config_addr_str(cfg->allow[i].family, cfg->allow[i].addr,
				       a, sizeof(a)),
		    cfg->allow[i].len);
	if (!app->has_exc)
		WARN("no exception path: TCP, ICMP errors and other traffic "
		     "for the kernel are dropped; ARP, ND and echo are "
		     "answered (fix: "
		     "--exception tap, or exception.type: tap)");
	for (i = 0; i < app->n_lcores; i++) {
		const struct tw_lcore *lc = app->lcores[i];

		LOG("lcore %u:%s%s%s (rx queues %u, tx queue %u)", lc->lcore_id,
		    lc->roles & TW_ROLE_WORKER ? " worker" : "",
		    lc->roles & TW_ROLE_VALIDATOR ? " validator" : "",
		    lc->roles & TW_ROLE_MAIN ? " main" : "", lc->n_rxq,
		    lc->idx);
	}
}

/*
 * The kernel side of each exception interface gets the service
 * addresses: it then answers ARP (RFC 826), ND (RFC 4861), ICMP and TCP
 * (RST, or a TCP DNS service bound there) for them, with the port's MAC.
 */
static int
exception_addresses(struct tw_app *app, const struct tw_config *cfg)
{
	char a[64];
	unsigned p, i;
	int rc;

	for (p = 0; p < app->n_ports; p++) {
		const char *ifname = app->exc[p].name + strlen("net_tap_");

		for (i = 0; i < cfg->n_listen; i++) {
			const struct tw_cfg_prefix *l = &cfg->listen[i];

			tw_config_addr_str(l->family, l->addr, a, sizeof(a));
			rc = tw_kernel_addr_add(ifname, l->family, l->addr,
						l->len);
			if (rc != 0) {
				ERR("cannot add %s/%u to %s: %s (fix: run with "
				    "CAP_NET_ADMIN or set exception.addresses: "
				    "false)",
				    a, l->len, ifname, strerror(-rc));
				return rc;
			}
			LOG("exception interface %s: address %s/%u", ifname, a,
			    l->len);
		}
		{
			char kif[IF_NAMESIZE];

			rc = tw_port_kernel_isolate(&app->ports[p], ifname,
						    kif);
			if (rc == 0)
				LOG("kernel interface %s of port %u: "
				    "rp_filter 1, arp_ignore 1, IPv6 off (the "
				    "kernel answers over %s only)",
				    kif, app->ports[p].port_id, ifname);
			else if (rc != -ENOTSUP)
				WARN("kernel interface of port %u not isolated "
				     "(%s): the kernel may answer clients "
				     "itself (fix: sysctl rp_filter=1, "
				     "arp_ignore=1 on it)",
				     app->ports[p].port_id, strerror(-rc));
		}
	}
	return 0;
}

static void
drain_rings(struct tw_app *app)
{
	void *m;
	unsigned v;

	for (v = 0; v < app->n_validators; v++) {
		while (app->miss_ring[v] &&
		       rte_ring_sc_dequeue(app->miss_ring[v], &m) == 0)
			rte_pktmbuf_free(m);
		while (app->resp_ring[v] &&
		       rte_ring_sc_dequeue(app->resp_ring[v], &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(app->miss_ring[v]);
		rte_ring_free(app->resp_ring[v]);
	}
}

/*
 * Each worker's cache index and admission sketch (lib/cache's large
 * tables, tens of MB for a million entries) in DPDK memory on the
 * worker's NUMA node: with hugepages a lookup's bucket costs no TLB
 * miss, and the pages are there from the start (no page fault on the
 * data path). rte_zmalloc() memory is zeroed. With --no-huge (DPDK
 * memory is 4 KiB pages then, and its fixed -m is for the mbufs), or
 * where hugepages run short, NULL: lib/cache then takes ordinary
 * memory, faulted in at creation.
 */
static void *
cache_table_alloc(size_t size, size_t align, uint32_t worker, void *ctx)
{
	struct tw_app *app = ctx;
	void *p = NULL;

	if (rte_eal_has_hugepages())
		p = rte_zmalloc_socket("tw_cache_table", size, align,
				       app->worker_socket[worker]);
	if (p == NULL)
		app->cache_small_pages++;
	return p;
}

static void
cache_table_free(void *p, void *ctx)
{
	(void)ctx;
	rte_free(p);
}

/*
 * The DNS side: the workers' cache, the next hops of the upstreams and
 * the rings of the TCP service. Before the lcores are made.
 */
static int
dns_setup(struct tw_app *app, const struct tw_config *cfg)
{
	struct tw_cache_config cc = {
		.n_workers = app->n_workers,
		.n_publishers = app->n_validators,
		.entries = cfg->cache.entries,
		.ttl_min = cfg->cache.min_ttl,
		.ttl_max = cfg->cache.max_ttl,
		.bogus_ttl_max = cfg->cache.bogus_ttl,
		.table_alloc = cache_table_alloc,
		.table_free = cache_table_free,
		.table_ctx = app,
	};
	char name[RTE_RING_NAMESIZE], a[64];
	unsigned v, bad, i;
	int rc;

	if (cc.neg_ttl_max == 0 || cc.neg_ttl_max > cc.ttl_max)
		cc.neg_ttl_max = cc.ttl_max < 10800 ? cc.ttl_max : 10800;
	rc = tw_cache_create(&cc, &app->cache);
	if (rc != 0) {
		ERR("cannot create the cache (%u entries per worker): %s",
		    cfg->cache.entries, tw_strerror(rc));
		return rc;
	}
	LOG("cache: %u entries per worker, %u worker(s), %u publisher(s); "
	    "index %.1f MB per worker in %s",
	    cfg->cache.entries, app->n_workers, app->n_validators,
	    (double)tw_cache_worker_mem(tw_cache_worker(app->cache, 0)) / 1e6,
	    app->cache_small_pages == 0 ? "hugepages"
	    : !rte_eal_has_hugepages()
		    ? "4 KiB pages (--no-huge)"
		    : "4 KiB pages (hugepages ran short: fix: more "
		      "hugepages, or fewer cache.entries)");
	bad = tw_neigh_routes(cfg, &app->neigh, app->routes);
	for (i = 0; i < cfg->n_upstreams; i++)
		if (app->routes[i].neigh < 0)
			WARN("upstream %s: no route (fix: a listen address on "
			     "its prefix, or --gateway ADDR)",
			     tw_config_addr_str(cfg->upstreams[i].family,
						cfg->upstreams[i].addr, a,
						sizeof(a)));
	(void)bad;
	for (v = 0; v < app->n_validators; v++) {
		snprintf(name, sizeof(name), "tw_tcpq_%u", v);
		app->tcpq_ring[v] =
			rte_ring_create(name, 1024, (int)rte_socket_id(),
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (app->tcpq_ring[v] == NULL)
			return -ENOMEM;
	}
	app->tcpa_ring = rte_ring_create("tw_tcpa", 1024 * TW_MAX_VALIDATORS,
					 (int)rte_socket_id(), RING_F_SC_DEQ);
	if (app->tcpa_ring == NULL)
		return -ENOMEM;
	return 0;
}

void
tw_app_fini(struct tw_app *app)
{
	unsigned i;

	tw_tcp_stop(app);
	for (i = 0; i < app->n_lcores; i++)
		if (app->lcores[i]->roles & TW_ROLE_VALIDATOR)
			tw_validator_fini(app->lcores[i]);
	for (i = 0; i < app->n_ports; i++) {
		tw_port_close(&app->ports[i]);
		if (app->has_exc)
			tw_port_exception_destroy(&app->exc[i]);
	}
	drain_rings(app);
	for (i = 0; i < app->n_lcores; i++)
		rte_free(app->lcores[i]);
	tw_cache_destroy(app->cache);
	app->cache = NULL;
	rte_mempool_free(app->pool);
}

/* Everything after rte_eal_init() up to the lcore launch. */
int
tw_app_init(struct tw_app *app, const struct tw_config *cfg)
{
	struct tw_config_err err;
	uint8_t roles[RTE_MAX_LCORE];
	uint16_t ids[TW_MAX_PORTS];
	unsigned id, i, n_tx = 0, nw = 0, nv = 0, ntx = 0, n_mbufs;
	int rc;

	app->cfg = cfg;
	if (assign_roles(cfg, roles, &err) != 0 ||
	    find_ports(app, cfg, ids, &err) != 0) {
		ERR("%s", err.text);
		return EXIT_CONFIG;
	}
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		/* Worker indexes follow lcore ids, as in new_lcore(). */
		if (roles[id] & TW_ROLE_WORKER)
			app->worker_socket[app->n_workers++] =
				(int)rte_lcore_to_socket_id(id);
		if (roles[id] & TW_ROLE_VALIDATOR)
			app->n_validators++;
		if (roles[id] & (TW_ROLE_WORKER | TW_ROLE_VALIDATOR))
			n_tx++;
	}
	if (app->n_validators > TW_MAX_VALIDATORS ||
	    app->n_workers > TW_PORT_MAX_QUEUES) {
		ERR("at most %u validators and %u workers (fix: fewer lcores "
		    "in lcores.validators / lcores.workers)",
		    TW_MAX_VALIDATORS, TW_PORT_MAX_QUEUES);
		return EXIT_CONFIG;
	}

	n_mbufs = cfg->io.mbufs;
	if (n_mbufs == 0)
		n_mbufs = mbufs_needed(cfg, app->n_ports, app->n_workers, n_tx,
				       app->n_validators, rte_lcore_count());
	app->pool = rte_pktmbuf_pool_create("tw_mbufs", n_mbufs, 256, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE,
					    (int)rte_socket_id());
	if (app->pool == NULL) {
		ERR("cannot allocate %u mbufs (about %u MB): %s (fix: set "
		    "io.mbufs lower or give EAL more memory: -m MB with "
		    "--no-huge, or hugepages, see scripts/hugepages.sh)",
		    n_mbufs,
		    (unsigned)((uint64_t)n_mbufs *
				       (RTE_MBUF_DEFAULT_BUF_SIZE + 256) >>
			       20),
		    rte_strerror(rte_errno));
		return EXIT_RUNTIME;
	}
	LOG("mbuf pool: %u mbufs of %u bytes", n_mbufs,
	    (unsigned)RTE_MBUF_DEFAULT_BUF_SIZE);

	for (i = 0; i < app->n_ports; i++) {
		struct tw_port_conf pc = {
			.n_rxq = (uint16_t)app->n_workers,
			.n_txq = (uint16_t)n_tx,
			.rx_desc =
				(uint16_t)(cfg->n_ports && cfg->ports[i].rx_desc
						   ? cfg->ports[i].rx_desc
						   : cfg->io.rx_desc),
			.tx_desc =
				(uint16_t)(cfg->n_ports && cfg->ports[i].tx_desc
						   ? cfg->ports[i].tx_desc
						   : cfg->io.tx_desc),
			.pool = app->pool,
		};
		char desc[256];

		rc = tw_port_setup(&app->ports[i], ids[i], &pc);
		if (rc != 0) {
			ERR("port %u: setup failed: %s", ids[i],
			    rte_strerror(-rc));
			return EXIT_RUNTIME;
		}
		tw_port_describe(&app->ports[i], desc, sizeof(desc));
		LOG("%s", desc);
		if (app->ports[i].n_rxq < app->n_workers)
			WARN("port %u has %u RX queue(s) for %u workers: only "
			     "workers 0..%u receive from it",
			     ids[i], app->ports[i].n_rxq, app->n_workers,
			     app->ports[i].n_rxq - 1);
		fill_classify(&app->cls[i], &app->ports[i], cfg);
	}
	if (cfg->exception.type == TW_CFG_EXC_TAP) {
		for (i = 0; i < app->n_ports; i++) {
			char ifname[TW_CFG_IFNAME_MAX + 8], desc[256];

			if (i == 0)
				snprintf(ifname, sizeof(ifname), "%s",
					 cfg->exception.name);
			else
				snprintf(ifname, sizeof(ifname), "%.10s-%u",
					 cfg->exception.name, i);
			rc = tw_port_exception_create(
				&app->exc[i], &app->ports[i], ifname,
				(uint16_t)app->n_workers, app->pool);
			if (rc == -EEXIST)
				ERR("exception interface %s already exists in "
				    "this network namespace (fix: another "
				    "exception.name, --exception tap:NAME)",
				    ifname);
			else if (rc != 0)
				ERR("exception port %s: %s (fix: run as root "
				    "with /dev/net/tun, or --exception none)",
				    ifname, rte_strerror(-rc));
			if (rc != 0) {
				for (; i > 0; i--)
					tw_port_exception_destroy(
						&app->exc[i - 1]);
				return EXIT_RUNTIME;
			}
			tw_port_describe(&app->exc[i], desc, sizeof(desc));
			LOG("exception path for port %u: kernel interface %s: "
			    "%s",
			    app->ports[i].port_id, ifname, desc);
		}
		app->has_exc = true;
	}
	if (create_rings(app, cfg) != 0)
		return EXIT_RUNTIME;

	if (getrandom(&app->hash_seed, sizeof(app->hash_seed), 0) !=
	    sizeof(app->hash_seed))
		app->hash_seed = (uint32_t)rte_rdtsc();
	if (dns_setup(app, cfg) != 0)
		return EXIT_RUNTIME;
	RTE_LCORE_FOREACH(id)
	{
		/* TX queue index: counts only lcores that transmit. */
		uint16_t idx = (uint16_t)(roles[id] & (TW_ROLE_WORKER |
						       TW_ROLE_VALIDATOR)
						  ? ntx++
						  : 0);
		struct tw_lcore *lc;

		if (roles[id] == 0)
			continue;
		lc = new_lcore(app, cfg, id, roles[id], idx, (uint16_t)nw,
			       (uint16_t)nv);
		if (lc == NULL) {
			ERR("out of memory for lcore %u state", id);
			return EXIT_RUNTIME;
		}
		if (roles[id] & TW_ROLE_WORKER)
			nw++;
		if (roles[id] & TW_ROLE_VALIDATOR)
			nv++;
		app->lcores[app->n_lcores++] = lc;
		app->by_id[id] = lc;
	}
	RTE_LCORE_FOREACH(id)
	{
		if (roles[id] == 0)
			WARN("lcore %u has no role and stays idle", id);
	}
	for (i = 0; i < app->n_lcores; i++) {
		if (!(app->lcores[i]->roles & TW_ROLE_VALIDATOR))
			continue;
		rc = tw_validator_init(app->lcores[i]);
		if (rc != 0) {
			ERR("validator on lcore %u: %s",
			    app->lcores[i]->lcore_id, tw_strerror(rc));
			return rc == -EINVAL ? EXIT_CONFIG : EXIT_RUNTIME;
		}
	}
	LOG("trust anchors from %s", cfg->trust_anchor);

	if (tw_telemetry_register(app) != 0)
		WARN("telemetry commands not registered");
	for (i = 0; i < app->n_ports; i++) {
		if (tw_port_start(&app->ports[i]) != 0)
			return EXIT_RUNTIME;
		if (app->has_exc && tw_port_start(&app->exc[i]) != 0)
			return EXIT_RUNTIME;
	}
	if (app->has_exc && cfg->exception.addresses &&
	    exception_addresses(app, cfg) != 0)
		return EXIT_RUNTIME;
	return 0;
}

/* The TCP service, the start log, every lcore's loop, final statistics. */
int
tw_app_run(struct tw_app *app)
{
	const struct tw_config *cfg = app->cfg;
	unsigned i;

	if (tw_tcp_start(app) != 0)
		return EXIT_RUNTIME;
	print_start(app, cfg);
	app->start_tsc = rte_rdtsc();
	if (cfg->duration_s > 0)
		app->stop_tsc = app->start_tsc +
				(uint64_t)cfg->duration_s * rte_get_tsc_hz();
	LOG("running on %u lcore(s), %u worker(s), %u validator(s); stop "
	    "with SIGINT/SIGTERM%s",
	    app->n_lcores, app->n_workers, app->n_validators,
	    cfg->duration_s ? " or after --duration" : "");
	fflush(stdout);

	for (i = 0; i < app->n_lcores; i++)
		if (app->lcores[i]->lcore_id != rte_get_main_lcore())
			rte_eal_remote_launch(tw_lcore_main, app->lcores[i],
					      app->lcores[i]->lcore_id);
	tw_lcore_main(app->by_id[rte_get_main_lcore()]);
	rte_eal_mp_wait_lcore();

	if (tw_signal_received)
		LOG("stopping on signal %s",
		    tw_signal_received == SIGINT ? "SIGINT" : "SIGTERM");
	else
		LOG("stopping after --duration %u s", cfg->duration_s);
	tw_stats_print_final(app, stdout);
	return 0;
}
