/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Worker packet classification (which hook gets a received frame) and
 * the replies the fast path makes itself (ARP, ND, ICMP echo), on top of
 * lib/net's tw_pkt_parse(). Pure C, no DPDK: unit-tested in
 * tests/app/test_classify.c.
 *
 * Results point into the frame (house style: no copies).
 */
#ifndef TW_APP_CLASSIFY_H
#define TW_APP_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_net.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TW_CLS_MAX_ADDRS     16
#define TW_CLS_MAX_UPSTREAMS 16
#define TW_CLS_MAX_ALLOW     64
#define TW_DNS_PORT	     53

enum tw_pkt_class {
	TW_PKT_NOT_OURS = 0, /**< another MAC or another unicast address */
	TW_PKT_MALFORMED,    /**< truncated or inconsistent headers */
	TW_PKT_FRAGMENT,     /**< IP fragment: refused, never reassembled */
	TW_PKT_BAD_CKSUM,    /**< IPv4 header or UDP checksum wrong */
	TW_PKT_SPOOFED,	     /**< UDP from port 53 of a non-upstream */
	TW_PKT_DNS_QUERY,    /**< UDP to a listen address, port 53 */
	TW_PKT_UPSTREAM,     /**< UDP from a configured upstream addr:port */
	TW_PKT_EXCEPTION,    /**< ARP, ND, ICMP, TCP, ...: see tw_local_reply */
	TW_PKT_DENIED,	     /**< a DNS query from a client not allowed */
	TW_PKT_CLASS_MAX
};

/** What the fast path serves: our MAC, addresses and upstreams. */
struct tw_classify_ctx {
	uint8_t mac[6];
	uint8_t n_v4, n_v6, n_up;
	uint8_t v4[TW_CLS_MAX_ADDRS][4];
	uint8_t v6[TW_CLS_MAX_ADDRS][16];
	struct {
		uint8_t family; /**< 4 or 6 */
		uint16_t port;	/**< host order */
		uint8_t addr[16];
	} up[TW_CLS_MAX_UPSTREAMS];
	/* Clients allowed (tw_classify_allow()); none: any address. After
	 * the fields every packet reads. */
	uint8_t n_allow4, n_allow6;
	struct {
		uint32_t net, mask; /**< as loaded from the packet */
	} allow4[TW_CLS_MAX_ALLOW];
	struct {
		uint64_t net[2], mask[2];
	} allow6[TW_CLS_MAX_ALLOW];
};

/**
 * Add one of our addresses (@p ver 4: 4 octets, 6: 16), which queries
 * are answered on and replies leave from. Only an address a UDP reply
 * may come from (tw_net_reply_src_problem()): the worker's hit path
 * answers from these without checking the address again per packet.
 *
 * @return 0; -EINVAL (another version, or a group, unspecified,
 *   loopback or reserved address); -ENOSPC (TW_CLS_MAX_ADDRS of that
 *   version).
 */
int tw_classify_add_addr(struct tw_classify_ctx *cx, uint8_t ver,
			 const uint8_t *addr);

/**
 * Allow DNS queries from @p addr/@p len (@p ver 4 or 6; host bits
 * beyond the length are ignored). Once one prefix is allowed, a query
 * from an address no prefix covers is TW_PKT_DENIED.
 *
 * @return 0; -ENOSPC (TW_CLS_MAX_ALLOW of that family); -EINVAL.
 */
int tw_classify_allow(struct tw_classify_ctx *cx, uint8_t ver,
		      const uint8_t *addr, unsigned len);

/** Whether a client address may query (TCP accepts too). */
bool tw_classify_client_ok(const struct tw_classify_ctx *cx, uint8_t ver,
			   const uint8_t *addr);

/** A classified frame. */
struct tw_cls {
	struct tw_pkt pkt; /**< lib/net's summary (see tw_pkt_parse()) */
	int rc;		   /**< tw_pkt_parse()'s result */
	uint32_t len;	   /**< the frame length given */
	uint8_t cls;	   /**< enum tw_pkt_class */
	uint8_t addr_idx;  /**< matched listen address (v4 or v6 table) */
	uint8_t up_idx;	   /**< matched upstream (TW_PKT_UPSTREAM) */
};

/**
 * Classify a received Ethernet frame.
 *
 * @param flags  TW_NET_F_NO_IP_CSUM / TW_NET_F_NO_L4_CSUM when the NIC
 *               verified those checksums, else 0 (verified here).
 * @return the class (also in @p c->cls); never reads outside
 *   frame[0..len).
 */
enum tw_pkt_class tw_classify(const struct tw_classify_ctx *cx,
			      const uint8_t *frame, size_t len, unsigned flags,
			      struct tw_cls *c);

/** What tw_local_reply() wrote. */
enum tw_local {
	TW_LOCAL_NONE = 0, /**< not ours to answer: exception path */
	TW_LOCAL_ARP,	   /**< ARP reply (RFC 826) */
	TW_LOCAL_ND,	   /**< Neighbour Advertisement (RFC 4861 7.2.4) */
	TW_LOCAL_ECHO,	   /**< ICMP / ICMPv6 echo reply */
};

/**
 * For a TW_PKT_EXCEPTION frame: answer, in place, an ARP request for one
 * of our IPv4 addresses, a Neighbour Solicitation for one of our IPv6
 * addresses, or an ICMP/ICMPv6 echo request to one of them. Everything
 * else (replies, other ICMP, TCP, ...) is left for the kernel.
 *
 * @param frame, cap  The frame and its buffer size (the reply may be
 *                    longer than the request).
 * @param c           From tw_classify() on this frame.
 * @param kind        Receives the enum tw_local.
 * @return the reply's length (> 0); 0 when it is not ours to answer;
 *   a negative lib/net error for a malformed ARP/ND/echo request to us
 *   (drop it).
 */
int tw_local_reply(const struct tw_classify_ctx *cx, uint8_t *frame, size_t cap,
		   struct tw_cls *c, enum tw_local *kind);

/** Short name of a class ("dns_query", ...). */
const char *tw_pkt_class_str(enum tw_pkt_class c);

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_CLASSIFY_H */
