/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Next hops of the upstream traffic and their MAC addresses.
 *
 * Upstream queries leave through the DPDK ports (kernel bypass both
 * ways), so trustwire resolves the link-layer address of the next hop
 * itself: the upstream when it is on a listen prefix, else the gateway
 * of its family. The table holds exactly those next hops, fixed at start
 * (tw_neigh_routes()); nothing on the wire adds entries, so the table
 * cannot be flooded. Workers learn MACs from the ARP packets (RFC 826:
 * replies and requests whose sender is a next hop) and Neighbour
 * Advertisements / Solicitations (RFC 4861 7.2.5, 7.2.3) they receive;
 * validators read them when they send, and ask (ARP request, Neighbour
 * Solicitation) when an entry is still empty.
 *
 * Concurrency: an entry's MAC and port are one 64-bit word, written
 * with a release store by any worker and read with an acquire load by
 * any validator: no lock, no torn read. Pure C (no DPDK).
 */
#ifndef TW_APP_NEIGH_H
#define TW_APP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TW_NEIGH_MAX (TW_CFG_MAX_UPSTREAMS + 2)

struct tw_neigh {
	uint8_t ip_ver;	  /**< 4 or 6 */
	uint8_t addr[16]; /**< the next hop's address */
	uint8_t src[16];  /**< our address to ask from (same prefix) */
	/** bit 63: valid; bits 48..55: port index; bits 0..47: MAC. */
	uint64_t word;
};

struct tw_neigh_table {
	unsigned n;
	struct tw_neigh e[TW_NEIGH_MAX];
};

/** How upstream number i is reached. */
struct tw_upstream_route {
	uint8_t ip_ver;
	uint8_t addr[16];
	uint16_t port;
	uint8_t src[16]; /**< our source address */
	int neigh;	 /**< next-hop entry; -1: no route (no gateway) */
};

/**
 * Fill @p t and @p r (cfg->n_upstreams entries) from the configuration:
 * source address = the listen address whose prefix holds the upstream,
 * else the gateway, else the first listen address of the family; next
 * hop = the upstream when on-link, else the gateway of its family.
 *
 * @return the number of upstreams without a route (no listen address of
 *   their family, or off-link without a gateway).
 */
unsigned tw_neigh_routes(const struct tw_config *cfg, struct tw_neigh_table *t,
			 struct tw_upstream_route *r);

/**
 * Record that @p addr (a next hop) has MAC @p mac behind port
 * @p port_idx. Addresses that are no next hop are ignored, and so are
 * group (broadcast, multicast) and all-zero MACs.
 *
 * @return true when an entry was updated.
 */
bool tw_neigh_learn(struct tw_neigh_table *t, uint8_t ip_ver,
		    const uint8_t *addr, const uint8_t *mac, uint16_t port_idx);

/**
 * Read entry @p i.
 *
 * @return true and @p mac, @p port_idx when known; false otherwise.
 */
bool tw_neigh_get(const struct tw_neigh_table *t, int i, uint8_t mac[6],
		  uint16_t *port_idx);

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_NEIGH_H */
