/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * drivers/net: DPDK ethdev ports for trustwire, for any PMD (PCI NICs,
 * net_af_packet, net_pcap, net_ring, net_null, net_memif, net_tap, ...).
 *
 * - tw_port_probe(): find a port by PCI address / device name, or
 *   hot-plug it from a vdev string ("net_pcap0,iface=veth0").
 * - tw_port_setup(): one RX queue per worker with RSS when the device
 *   can spread flows over that many queues (one queue otherwise); one TX
 *   queue per transmitting lcore, or fewer shared under a spinlock when
 *   the device has fewer; IPv4/UDP checksum offload when the device
 *   announces it in dev_info (software checksums otherwise).
 * - struct tw_txq: per-lcore TX buffer, flushed when full and on a timer
 *   by the lcore loop (about 100 us of TSC), like l3fwd.
 * - tw_port_exception_create(): a net_tap port that hands ARP, ND, ICMP,
 *   TCP and everything else the fast path does not handle to the kernel
 *   (and the kernel's replies back out of the physical port).
 * - tw_idle_wait(): the adaptive back-off of tw_idle.h.
 *
 * Functions return 0 or a negative errno unless said otherwise.
 */
#ifndef TW_PORT_H
#define TW_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_spinlock.h>

#include "tw_idle.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TW_PORT_MAX_QUEUES 128
#define TW_TXQ_MAX_BURST   256

/** What the application wants from a port. */
struct tw_port_conf {
	uint16_t n_rxq;	  /**< RX queues wanted (one per worker) */
	uint16_t n_txq;	  /**< TX queues wanted (one per sending lcore) */
	uint16_t rx_desc; /**< descriptors per RX queue (adjusted) */
	uint16_t tx_desc; /**< descriptors per TX queue (adjusted) */
	struct rte_mempool *pool;
	bool promiscuous; /**< receive frames for any MAC */
};

/** A configured port. */
struct tw_port {
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[32];
	struct rte_ether_addr mac;
	int socket;
	uint16_t n_rxq; /**< configured RX queues (<= wanted) */
	uint16_t n_txq; /**< configured TX queues (<= wanted) */
	uint16_t rx_desc, tx_desc;
	bool rss;	   /**< RSS spreads over n_rxq > 1 queues */
	bool tx_ip4_cksum; /**< IPv4 header checksum offloaded */
	bool tx_udp_cksum; /**< UDP checksum offloaded */
	bool rx_cksum;	   /**< RX IPv4/UDP checksum flags valid */
	bool txq_shared;   /**< fewer TX queues than lcores: locked */
	uint16_t mtu;	   /**< IP MTU (rte_eth_dev_get_mtu(), else 1500) */
	bool configured;   /**< tw_port_setup() reached configure */
	bool started;
	uint64_t rss_hf; /**< hash functions in use */
	rte_spinlock_t txq_lock[TW_PORT_MAX_QUEUES];
};

/**
 * Find the port named @p devargs (PCI address, ethdev name, or the name
 * part of a vdev string) or hot-plug it with rte_dev_probe().
 *
 * @return 0 and *port_id; -ENODEV when the device cannot be found or
 *   probed (the PMD's own message went to the EAL log).
 */
int tw_port_probe(const char *devargs, uint16_t *port_id);

/**
 * Configure @p port_id (RSS, offloads, queues) and fill @p p.
 * Queues are set up but the port is not started.
 *
 * @return 0, -EINVAL (bad conf), -ENOTSUP (device refuses the
 *   configuration), -ENOMEM, or the PMD's error.
 */
int tw_port_setup(struct tw_port *p, uint16_t port_id,
		  const struct tw_port_conf *conf);

/** Start the port (and set promiscuous mode if asked at setup). */
int tw_port_start(struct tw_port *p);

/** Stop and close the port; safe on a port never started. */
void tw_port_close(struct tw_port *p);

/** One line describing the port's configuration (for the start log). */
void tw_port_describe(const struct tw_port *p, char *buf, size_t size);

/** Print the ethdev counters (ipackets, opackets, imissed, ...). */
void tw_port_print_stats(const struct tw_port *p, FILE *f);

/**
 * Create the exception path for physical port @p phys: a net_tap
 * interface named @p ifname with the physical port's MAC address (so the
 * kernel answers ARP/ND for the service addresses with the right MAC),
 * with @p n_queues queue pairs, configured like any port.
 *
 * @return 0; -EEXIST when an interface of that name exists in this
 *   network namespace; or the error of rte_dev_probe()/tw_port_setup()
 *   (e.g. -EPERM without CAP_NET_ADMIN).
 */
int tw_port_exception_create(struct tw_port *exc, const struct tw_port *phys,
			     const char *ifname, uint16_t n_queues,
			     struct rte_mempool *pool);

/** Remove an exception port made by tw_port_exception_create(). */
void tw_port_exception_destroy(struct tw_port *exc);

/**
 * Add an address to a kernel interface (rtnetlink RTM_NEWADDR, in the
 * caller's network namespace), e.g. the service addresses on the
 * exception interface so the kernel answers ARP, ND, ICMP and TCP for
 * them. IPv6 addresses skip duplicate address detection (IFA_F_NODAD):
 * the fast path owns them already.
 *
 * @param family  AF_INET or AF_INET6.
 * @param addr    4 or 16 bytes, network order.
 * @return 0 (also when the address is already there), -ENODEV (no such
 *   interface), -EPERM (no CAP_NET_ADMIN), or the kernel's error.
 */
int tw_kernel_addr_add(const char *ifname, int family, const uint8_t *addr,
		       uint8_t prefix_len);

/**
 * Keep the kernel away from the frames of a port that reads a kernel
 * interface (net_af_packet, net_pcap on an iface): AF_PACKET does not
 * take the frames from the kernel, so once the exception path gives the
 * kernel our service addresses it would also accept the clients'
 * packets arriving on that interface (weak host model) and answer them
 * itself (ICMP port unreachable for UDP/53, ARP). Sets, for that
 * interface, rp_filter 1 (strict reverse path: the kernel routes our
 * clients over the exception interface), arp_ignore 1 and disable_ipv6.
 *
 * @param exc_ifname  The exception interface (never touched).
 * @param ifname      Receives the interface name (IF_NAMESIZE).
 * @return 0; -ENOTSUP (another PMD: nothing to do); -ENODEV (no such
 *   interface found); -errno writing /proc/sys.
 */
int tw_port_kernel_isolate(const struct tw_port *p, const char *exc_ifname,
			   char *ifname);

/* ---- TX buffering --------------------------------------------------- */

/**
 * One lcore's TX buffer towards one queue of one port. Packets are
 * buffered and sent in bursts when the buffer is full and when the lcore
 * loop's drain timer fires; what the device does not take is freed and
 * counted in @c dropped. When the queue is shared (tw_port.txq_shared)
 * @c lock serialises the tx_burst call only.
 */
struct tw_txq {
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t len;
	uint16_t size;
	rte_spinlock_t *lock; /**< NULL when the queue is this lcore's */
	uint64_t sent;
	uint64_t dropped;
	struct rte_mbuf *pkts[TW_TXQ_MAX_BURST];
};

/**
 * Initialise @p q for lcore number @p lcore_idx (0..n) on port @p p.
 * @param size  flush threshold (the burst size), 1..TW_TXQ_MAX_BURST.
 */
void tw_txq_init(struct tw_txq *q, struct tw_port *p, uint16_t lcore_idx,
		 uint16_t size);

/** Send what is buffered. @return packets handed to the device. */
static inline uint16_t
tw_txq_flush(struct tw_txq *q)
{
	uint16_t n, i;

	if (q->len == 0)
		return 0;
	if (q->lock != NULL)
		rte_spinlock_lock(q->lock);
	n = rte_eth_tx_burst(q->port_id, q->queue_id, q->pkts, q->len);
	if (q->lock != NULL)
		rte_spinlock_unlock(q->lock);
	/* Like l3fwd: what the ring did not take is dropped, not retried. */
	for (i = n; i < q->len; i++)
		rte_pktmbuf_free(q->pkts[i]);
	q->sent += n;
	q->dropped += (uint64_t)(q->len - n);
	q->len = 0;
	return n;
}

/**
 * Largest UDP payload of a frame this port sends unfragmented: the MTU
 * minus the IPv4 (20, no options) or IPv6 (40) and UDP headers.
 */
static inline uint16_t
tw_port_udp_max(const struct tw_port *p, bool ipv6)
{
	return (uint16_t)(p->mtu - (ipv6 ? 48 : 28));
}

/** Buffer one packet; flushes when the buffer reaches its size. */
static inline void
tw_txq_send(struct tw_txq *q, struct rte_mbuf *m)
{
	q->pkts[q->len++] = m;
	if (q->len >= q->size)
		tw_txq_flush(q);
}

/* ---- Checksums ------------------------------------------------------- */

/**
 * Prepare the IPv4 or IPv6 + UDP checksums of an outgoing frame whose
 * headers are complete: offloaded when @p p supports it (ol_flags,
 * l2_len/l3_len and the pseudo-header sum, as the PMD API requires),
 * computed in software otherwise.
 *
 * @param l2_len  Ethernet (+ VLAN) header length.
 * @param l3_len  IP header length (IPv4 with options, IPv6 fixed 40).
 * @param ipv6    true for IPv6 (no header checksum; UDP checksum is
 *                mandatory, RFC 8200 8.1).
 */
void tw_port_tx_cksum(const struct tw_port *p, struct rte_mbuf *m,
		      uint16_t l2_len, uint16_t l3_len, bool ipv6);

/**
 * Ask the device for the checksum offloads it has (p->tx_ip4_cksum,
 * p->tx_udp_cksum) on a frame whose checksum fields already hold what
 * those offloads expect: IPv4 header checksum 0, UDP checksum = the
 * pseudo-header sum. That is what lib/net writes with
 * TW_NET_F_TX_IP_OFFLOAD / TW_NET_F_TX_L4_OFFLOAD (e.g.
 * tw_pkt_udp_reply() on the hit path): pass it those flags for exactly
 * the offloads the port has, then call this. Sets ol_flags, l2_len and
 * l3_len; changes no byte of the frame.
 */
void tw_port_tx_offload(const struct tw_port *p, struct rte_mbuf *m,
			uint16_t l2_len, uint16_t l3_len, bool ipv6);

/* ---- Idle back-off --------------------------------------------------- */

/**
 * Account a poll with @p work units of work and pause or sleep as
 * tw_idle_step() decides.
 * @return the microseconds slept (0 when it only paused).
 */
static inline uint32_t
tw_idle_wait(struct tw_idle *s, unsigned work)
{
	uint32_t us = tw_idle_step(s, work);

	if (us == 0) {
		if (work == 0)
			rte_pause();
		return 0;
	}
	{
		struct timespec ts = { .tv_sec = 0,
				       .tv_nsec = (long)us * 1000 };

		nanosleep(&ts, NULL);
	}
	return us;
}

#ifdef __cplusplus
}
#endif

#endif /* TW_PORT_H */
