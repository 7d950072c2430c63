/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Worker packet classification: which hook gets a received frame.
 *
 * PLACEHOLDER parser (Ethernet, one VLAN tag, IPv4, IPv6, UDP) until
 * lib/net lands; then tw_classify() keeps this interface and its body
 * calls lib/net's header parsers. Pure C, no DPDK: unit-tested in
 * tests/app/test_classify.c.
 *
 * Results are offsets into the frame (house style: no copies).
 */
#ifndef TW_APP_CLASSIFY_H
#define TW_APP_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TW_CLS_MAX_ADDRS     16
#define TW_CLS_MAX_UPSTREAMS 16
#define TW_DNS_PORT	     53

enum tw_pkt_class {
	TW_PKT_NOT_OURS = 0, /**< another MAC or another unicast address */
	TW_PKT_MALFORMED,    /**< truncated or inconsistent headers */
	TW_PKT_FRAGMENT,  /**< IP fragment to us: refused, never reassembled */
	TW_PKT_SPOOFED,	  /**< UDP from port 53 of a non-upstream */
	TW_PKT_DNS_QUERY, /**< UDP to a listen address, port 53 */
	TW_PKT_UPSTREAM,  /**< UDP from a configured upstream addr:port */
	TW_PKT_EXCEPTION, /**< ARP, ND, ICMP, TCP, ... for the kernel */
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
};

/** Parsed headers of a frame, as offsets. */
struct tw_pkt {
	uint8_t cls;	  /**< enum tw_pkt_class */
	uint8_t family;	  /**< 4 or 6; 0 for non-IP */
	uint8_t proto;	  /**< IP protocol / next header */
	uint8_t addr_idx; /**< matched listen address (v4 or v6 table) */
	uint8_t up_idx;	  /**< matched upstream (TW_PKT_UPSTREAM) */
	uint16_t ethertype;
	uint16_t l2_len;	   /**< Ethernet + VLAN */
	uint16_t l3_len;	   /**< IP header (with IPv4 options) */
	uint16_t src_off, dst_off; /**< IP addresses in the frame */
	uint16_t sport, dport;	   /**< host order (UDP/TCP) */
	uint16_t payload_off;	   /**< UDP payload (DNS message) */
	uint16_t payload_len;
};

/**
 * Classify a received Ethernet frame.
 *
 * @return the class (also stored in @p pkt->cls); never reads outside
 *   frame[0..len).
 */
enum tw_pkt_class tw_classify(const struct tw_classify_ctx *cx,
			      const uint8_t *frame, size_t len,
			      struct tw_pkt *pkt);

/** Short name of a class ("dns_query", ...). */
const char *tw_pkt_class_str(enum tw_pkt_class c);

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_CLASSIFY_H */
