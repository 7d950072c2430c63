/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * lib/net: packet headers over byte buffers, for the data plane's fast
 * path and its exception path. Pure C, no DPDK, no allocation.
 *
 * What it covers:
 *  - Ethernet II with up to two VLAN tags (802.1Q C-tag, 802.1ad S-tag)
 *  - IPv4 (RFC 791): header checksum, options skipped, fragments refused
 *  - IPv6 (RFC 8200): extension header chain walked to the upper layer,
 *    fragments refused
 *  - UDP (RFC 768) with the IPv4 and IPv6 pseudo-header checksums
 *  - the Internet checksum (RFC 1071) and its incremental update (RFC 1624)
 *  - ARP for Ethernet/IPv4 (RFC 826): parse, build requests and replies
 *  - ICMPv6 Neighbour Discovery (RFC 4861): parse NS/NA, build NS/NA
 *  - ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443): reply in place
 *  - tw_pkt_parse(): one call that summarises a whole frame (L2, L3, UDP)
 *    and tw_pkt_udp_reply(): turns a received UDP query frame, in place,
 *    into the response frame once the answer is in its payload.
 *
 * Conventions:
 *  - Input is (const uint8_t *, size_t len): nothing past len is read.
 *  - Numeric header fields in the structs are in host order (as tw_get16()
 *    reads them). Addresses are pointers into the parsed buffer (network
 *    order, 4 or 16 octets); nothing is copied.
 *  - Checksum values are numbers in host order, as tw_get16() reads the
 *    field and tw_put16() writes it.
 *  - Functions return 0 (or a length) on success and a negative error.
 *
 * Errors (every function lists the ones it returns):
 *  - -TW_ETRUNC: something claims more bytes than there are: the buffer is
 *    shorter than a header, or a length field (IPv4 total length, IPv6
 *    payload length, an extension header, the UDP length, an ND option)
 *    points past the buffer or past the length of the enclosing header.
 *  - -TW_EFORMAT: a field value is invalid in itself or inconsistent with
 *    another field of the same header (IP version, IHL < 5, total length
 *    shorter than the header, UDP length < 8, ND hop limit not 255, a
 *    multicast or broadcast source address, ...).
 *  - -TW_EFRAG: an IPv4 fragment (MF set or offset != 0) or an IPv6
 *    Fragment header. Fragments are never reassembled here.
 *  - -TW_ECSUM: a checksum does not verify (IPv4 header, UDP, ICMP,
 *    ICMPv6), or a UDP checksum of zero over IPv6 (RFC 8200 8.1).
 *  - -TW_EPROTO: well formed but not what this function handles (another
 *    ethertype, L4 protocol, ARP hardware type, ICMP type, three VLAN tags,
 *    a routing header with segments left, too many extension headers).
 *  - -ENOSPC: an output buffer is too small. -EMSGSIZE: a result would not
 *    fit the IP length fields. -EINVAL: the arguments do not describe what
 *    the function needs (e.g. a summary that is not UDP).
 *
 * Decisions (see the sections below for the RFC text behind them):
 *  - VLAN: up to two tags (802.1ad S-tag or 0x8100, then a C-tag); both
 *    TCIs reported; replies keep the tags of the request.
 *  - Fragments (IPv4 MF/offset, IPv6 Fragment header) are refused, never
 *    reassembled; IPv4 options and IPv6 extension headers are skipped on
 *    input and dropped from replies built in place.
 *  - A multicast or broadcast source address is refused at L3; replies
 *    are never made in place for a request sent to a group address.
 *  - IPv6 routing headers with segments left != 0 are refused: we are the
 *    final destination or the packet is not ours.
 *
 * The Ethernet frame check sequence is not part of any buffer here.
 */
#ifndef TW_NET_H
#define TW_NET_H

#include <stddef.h>
#include <stdint.h>

#include "tw_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Constants                                                          */
/* ------------------------------------------------------------------ */

#define TW_ETH_ALEN	6  /**< octets in a MAC address */
#define TW_ETH_HLEN	14 /**< untagged Ethernet II header */
#define TW_VLAN_HLEN	4  /**< one VLAN tag (TPID + TCI) */
#define TW_ETH_MAX_TAGS 2
#define TW_IPV4_HLEN	20 /**< IPv4 header without options */
#define TW_IPV6_HLEN	40 /**< IPv6 fixed header */
#define TW_UDP_HLEN	8
#define TW_ARP_LEN	28 /**< ARP packet for Ethernet/IPv4 */
#define TW_ICMP_HLEN	8  /**< ICMP/ICMPv6 echo header */
#define TW_ND_LEN	24 /**< NS/NA without options */

#define TW_ETHERTYPE_IPV4 0x0800
#define TW_ETHERTYPE_ARP  0x0806
#define TW_ETHERTYPE_VLAN 0x8100 /**< 802.1Q C-tag TPID */
#define TW_ETHERTYPE_QINQ 0x88a8 /**< 802.1ad S-tag TPID */
#define TW_ETHERTYPE_IPV6 0x86dd

/** VLAN identifier and priority of a Tag Control Information field. */
#define TW_VLAN_ID(tci)	 ((uint16_t)((tci)&0x0fff))
#define TW_VLAN_PCP(tci) ((uint8_t)((tci) >> 13))

/* IP protocol numbers and IPv6 extension header types (IANA). */
#define TW_IPPROTO_HOPOPTS  0
#define TW_IPPROTO_ICMP	    1
#define TW_IPPROTO_TCP	    6
#define TW_IPPROTO_UDP	    17
#define TW_IPPROTO_ROUTING  43
#define TW_IPPROTO_FRAGMENT 44
#define TW_IPPROTO_ESP	    50
#define TW_IPPROTO_AH	    51
#define TW_IPPROTO_ICMPV6   58
#define TW_IPPROTO_NONE	    59
#define TW_IPPROTO_DSTOPTS  60
#define TW_IPPROTO_MH	    135
#define TW_IPPROTO_HIP	    139
#define TW_IPPROTO_SHIM6    140

/** At most this many IPv6 extension headers are walked (-TW_EPROTO). */
#define TW_IPV6_MAX_EXT 8

/** TTL / hop limit of frames built or turned around here when 0 is given. */
#define TW_NET_DEFAULT_TTL 64

/* Flags of the parse functions. */
/** Do not verify the IPv4 header checksum (the NIC did). */
#define TW_NET_F_NO_IP_CSUM 0x1u
/** Do not verify the UDP checksum (the NIC did). A zero UDP checksum over
 *  IPv6 is still refused: it is invalid whatever the NIC says. */
#define TW_NET_F_NO_L4_CSUM 0x2u

/* Flags of the functions that write a frame for transmission. */
/** Leave the IPv4 header checksum 0: the NIC fills it in. */
#define TW_NET_F_TX_IP_OFFLOAD 0x10u
/** Store the pseudo-header sum (not complemented) in the UDP checksum, the
 *  form NICs with UDP checksum offload expect; they finish it. */
#define TW_NET_F_TX_L4_OFFLOAD 0x20u

/* ------------------------------------------------------------------ */
/* Internet checksum (RFC 1071, RFC 1624)                             */
/* ------------------------------------------------------------------ */

/**
 * One's complement sum of a buffer, added to a running sum.
 *
 * Adds 8 bytes at a time (RFC 1071 2(B): the sum is independent of byte
 * order and may be computed in wider words, then folded).
 *
 * @param buf
 *   Data. It must start at an even offset of the checksummed data (the
 *   sum of one part is added to the sum of the next; odd-length parts
 *   only at the end).
 * @param len
 *   Length in octets; an odd last octet is padded with zero.
 * @param sum
 *   Running sum (0 to start), as returned by this function or a
 *   pseudo-header sum.
 * @return
 *   The new running sum, folded to 16 bits, in [0, 0xffff]; 0 only when
 *   every octet and @p sum were zero.
 */
uint32_t tw_cksum_partial(const void *buf, size_t len, uint32_t sum);

/** Fold a 32-bit one's complement sum to 16 bits (not complemented). */
static inline uint16_t
tw_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/**
 * The Internet checksum of a buffer: ~(one's complement sum).
 *
 * @return
 *   The value to store in a checksum field (host order).
 */
static inline uint16_t
tw_cksum(const void *buf, size_t len)
{
	return (uint16_t)~tw_cksum_fold(tw_cksum_partial(buf, len, 0));
}

/**
 * Incremental checksum update for one 16-bit field that changed from @p m
 * to @p m_new (RFC 1624 section 3, eqn 3: HC' = ~(~HC + ~m + m')).
 * Equal to a full recomputation for any checksum that a full computation
 * produced (IPv4 header, ICMP); for UDP use tw_udp_cksum_update16().
 *
 * @param hc
 *   The current checksum field value (host order).
 * @return
 *   The new checksum field value.
 */
static inline uint16_t
tw_cksum_update16(uint16_t hc, uint16_t m, uint16_t m_new)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~m + m_new;

	return (uint16_t)~tw_cksum_fold(s);
}

/** tw_cksum_update16() for a 32-bit field (two 16-bit words). */
static inline uint16_t
tw_cksum_update32(uint16_t hc, uint32_t m, uint32_t m_new)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t) ~(m >> 16) +
		     (uint16_t)~m + (m_new >> 16) + (m_new & 0xffff);

	return (uint16_t)~tw_cksum_fold(s);
}

/**
 * UDP flavour of tw_cksum_update16(): a field of 0 means "no checksum"
 * (IPv4) and stays 0; a computed 0 is sent as 0xffff (RFC 768).
 */
static inline uint16_t
tw_udp_cksum_update16(uint16_t uc, uint16_t m, uint16_t m_new)
{
	uint16_t c;

	if (uc == 0)
		return 0;
	c = tw_cksum_update16(uc, m, m_new);
	return c == 0 ? 0xffff : c;
}

/**
 * Sum of the IPv4 pseudo-header (RFC 768): source, destination, zero,
 * protocol, length.
 *
 * @param src
 *   4 octets. @param dst 4 octets.
 * @param proto
 *   Protocol number. @param len upper-layer length (UDP length).
 * @return
 *   Running sum for tw_cksum_partial().
 */
uint32_t tw_ipv4_phdr_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
			  uint32_t len);

/**
 * Sum of the IPv6 pseudo-header (RFC 8200 8.1): source, destination,
 * upper-layer packet length, zeros, next header.
 *
 * @param src
 *   16 octets. @param dst 16 octets (the final destination).
 * @return
 *   Running sum for tw_cksum_partial().
 */
uint32_t tw_ipv6_phdr_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
			  uint32_t len);

/* ------------------------------------------------------------------ */
/* Ethernet II and VLAN tags                                          */
/* ------------------------------------------------------------------ */

/*
 * Ethernet II (untagged), 802.1Q tagged and 802.1ad double tagged:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  destination MAC (6 octets)                   |
 *  +                               +-------------------------------+
 *  |                               |                               |
 *  +-------------------------------+                               +
 *  |                    source MAC (6 octets)                      |
 *  +-------------------------------+-------------------------------+
 *  | TPID 0x88a8 (S) or 0x8100     | PCP |D|   VLAN ID (12 bits)   |  outer
 *  +-------------------------------+-------------------------------+  tag
 *  | TPID 0x8100 (C)               | PCP |D|   VLAN ID (12 bits)   |  inner
 *  +-------------------------------+-------------------------------+  tag
 *  | EtherType (0x0800, 0x86dd, 0x0806)                            |
 *  +-------------------------------+
 *
 * Tags: none, one (0x8100 or 0x88a8), or two: an outer 0x88a8 or 0x8100
 * (the pre-802.1ad "double 0x8100" stacking) followed by an inner 0x8100.
 * An 0x88a8 tag inside another tag, or a third tag, is -TW_EPROTO. Both
 * TCIs are reported; the VLAN of a frame is that of its innermost tag.
 */

/** One VLAN tag. */
struct tw_vlan_tag {
	uint16_t tpid; /**< 0x8100 or 0x88a8 */
	uint16_t tci;  /**< PCP (3 bits), DEI (1 bit), VLAN ID (12 bits) */
};

/** A parsed (or to-be-built) Ethernet header. MACs are at offsets 0, 6. */
struct tw_eth_info {
	uint16_t ethertype; /**< payload ethertype, after the tags */
	uint16_t hdr_len;   /**< 14 + 4 * n_tags: offset of the L3 header */
	uint8_t n_tags;	    /**< 0, 1 or 2 */
	struct tw_vlan_tag tag[TW_ETH_MAX_TAGS]; /**< outermost first */
};

/**
 * Parse an Ethernet II header and its VLAN tags.
 *
 * @param p
 *   Frame (no FCS). @param len its length.
 * @param eth
 *   Filled on success.
 * @return
 *   0; -TW_ETRUNC shorter than the header and tags; -TW_EPROTO three tags,
 *   an S-tag inside a tag, or an 802.3 length (< 0x0600) instead of an
 *   ethertype.
 */
int tw_eth_parse(const uint8_t *p, size_t len, struct tw_eth_info *eth);

/** VLAN ID of the innermost tag, or 0 for an untagged frame. */
static inline uint16_t
tw_eth_vlan_id(const struct tw_eth_info *eth)
{
	return eth->n_tags ? TW_VLAN_ID(eth->tag[eth->n_tags - 1].tci) : 0;
}

/**
 * Write an Ethernet header.
 *
 * @param p
 *   Output. @param cap its size.
 * @param dst
 *   Destination MAC (6 octets). @param src source MAC (6 octets).
 * @param eth
 *   ethertype, n_tags and tag[] (a tpid of 0 means 0x8100); hdr_len is
 *   ignored.
 * @return
 *   Header length written; -ENOSPC @p cap too small; -EINVAL n_tags > 2.
 */
int tw_eth_build(uint8_t *p, size_t cap, const uint8_t *dst, const uint8_t *src,
		 const struct tw_eth_info *eth);

/* ------------------------------------------------------------------ */
/* IPv4                                                               */
/* ------------------------------------------------------------------ */

/*
 * IPv4 header (RFC 791 3.1):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |0|D|M|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5)          |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

#define TW_IPV4_DF	0x4000 /**< don't fragment (in tw_ipv4_info.frag) */
#define TW_IPV4_MF	0x2000 /**< more fragments */
#define TW_IPV4_OFFMASK 0x1fff /**< fragment offset, 8-octet units */

/** A parsed (or to-be-built) IPv4 header. */
struct tw_ipv4_info {
	const uint8_t *src; /**< 4 octets, in the buffer */
	const uint8_t *dst; /**< 4 octets, in the buffer */
	uint16_t hdr_len;   /**< IHL * 4: offset of the payload */
	uint16_t total_len; /**< header + payload; bytes past it are padding */
	uint16_t id;
	uint16_t frag; /**< flags and fragment offset */
	uint8_t tos;
	uint8_t ttl;
	uint8_t proto;
};

/**
 * Parse and check an IPv4 header. Options are skipped, not interpreted.
 *
 * @param p
 *   The IPv4 packet. @param len bytes available (may exceed the total
 *   length: trailing Ethernet padding is allowed).
 * @param ip
 *   Filled on success (and, for -TW_EFRAG, fully filled too).
 * @param flags
 *   TW_NET_F_NO_IP_CSUM or 0.
 * @return
 *   0; -TW_ETRUNC @p len shorter than the header or the total length;
 *   -TW_EFORMAT version not 4, IHL < 5, total length < IHL * 4, a
 *   multicast (224/4) or limited broadcast source (RFC 1122 3.2.1.3);
 *   -TW_ECSUM bad header checksum; -TW_EFRAG MF set or offset != 0.
 */
int tw_ipv4_parse(const uint8_t *p, size_t len, struct tw_ipv4_info *ip,
		  unsigned flags);

/**
 * IPv4 header checksum (RFC 791 3.1) over @p hlen octets, computed as if
 * the checksum field were zero.
 *
 * @return
 *   The value to store at offset 10.
 */
uint16_t tw_ipv4_hdr_cksum(const uint8_t *hdr, size_t hlen);

/**
 * Write a 20-octet IPv4 header (no options) with its checksum.
 *
 * @param ip
 *   tos, total_len, id, frag, ttl, proto, src, dst; hdr_len is ignored.
 * @return
 *   20; -ENOSPC @p cap < 20; -EINVAL total_len < 20.
 */
int tw_ipv4_build(uint8_t *p, size_t cap, const struct tw_ipv4_info *ip);

/* ------------------------------------------------------------------ */
/* IPv6                                                               */
/* ------------------------------------------------------------------ */

/*
 * IPv6 fixed header (RFC 8200 3):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |           Flow Label                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Source Address (16 octets)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Destination Address (16 octets)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Extension headers (RFC 8200 4) all start with Next Header:
 *
 *  +---------------+---------------+-------------------------------
 *  |  Next Header  |  Hdr Ext Len  |  ...  (Hdr Ext Len + 1) * 8 octets
 *  +---------------+---------------+-------------------------------
 *
 * except AH (RFC 4302 2.2), whose Payload Len counts 4-octet words minus
 * 2: (Payload Len + 2) * 4 octets. Walked with the standard format: hop-
 * by-hop (first only, RFC 8200 4.3), routing (segments left must be 0:
 * we are the final destination, so the header's Destination Address is
 * the one the pseudo-header uses, RFC 8200 8.1), destination options,
 * mobility, HIP, shim6, the experimental 253/254. Fragment (44) is
 * -TW_EFRAG. ESP (50), No Next Header (59) and everything else stop the
 * walk and are the "upper-layer protocol".
 */

/** A parsed (or to-be-built) IPv6 header. */
struct tw_ipv6_info {
	const uint8_t *src;   /**< 16 octets, in the buffer */
	const uint8_t *dst;   /**< 16 octets, in the buffer */
	uint32_t flow;	      /**< flow label (20 bits) */
	uint32_t l4_off;      /**< upper-layer header offset from the header */
	uint32_t l4_len;      /**< upper-layer bytes (payload - extensions) */
	uint16_t payload_len; /**< bytes after the fixed header */
	uint8_t tclass;	      /**< traffic class */
	uint8_t next_hdr;     /**< Next Header of the fixed header */
	uint8_t hop_limit;
	uint8_t proto; /**< upper-layer protocol after the extensions */
};

/**
 * Parse an IPv6 header and walk its extension headers.
 *
 * @param p
 *   The IPv6 packet. @param len bytes available (trailing padding ok).
 * @param ip6
 *   Filled on success; on an extension header error every field but
 *   proto, l4_off and l4_len is filled.
 * @return
 *   0; -TW_ETRUNC @p len < 40 or < 40 + payload length, or an extension
 *   header past the payload length; -TW_EFORMAT version not 6, multicast
 *   source (RFC 4291 2.7), hop-by-hop not first; -TW_EFRAG a Fragment header; -TW_EPROTO a jumbogram
 *   (RFC 2675: payload length 0 with hop-by-hop), a routing header with
 *   segments left != 0, more than TW_IPV6_MAX_EXT extension headers.
 */
int tw_ipv6_parse(const uint8_t *p, size_t len, struct tw_ipv6_info *ip6);

/**
 * Walk an extension header chain (see the diagram above).
 *
 * @param p
 *   The first octet after the IPv6 fixed header.
 * @param len
 *   Bytes of payload (the payload length).
 * @param nh
 *   The fixed header's Next Header.
 * @param proto
 *   Out: upper-layer protocol. @param off out: its offset from @p p.
 * @return
 *   0 or the errors of tw_ipv6_parse() for the extensions.
 */
int tw_ipv6_ext_walk(const uint8_t *p, size_t len, uint8_t nh, uint8_t *proto,
		     uint32_t *off);

/**
 * Write a 40-octet IPv6 fixed header.
 *
 * @param ip6
 *   tclass, flow, payload_len, next_hdr, hop_limit, src, dst.
 * @return
 *   40; -ENOSPC @p cap < 40.
 */
int tw_ipv6_build(uint8_t *p, size_t cap, const struct tw_ipv6_info *ip6);

/** True for a multicast address (ff00::/8, RFC 4291 2.7). */
static inline int
tw_ipv6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

/** True for the unspecified address :: (RFC 4291 2.5.2). */
int tw_ipv6_is_unspecified(const uint8_t *a);

/** Solicited-node multicast address ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
void tw_ipv6_solicited_node(uint8_t *out, const uint8_t *addr);

/* ------------------------------------------------------------------ */
/* UDP                                                                */
/* ------------------------------------------------------------------ */

/*
 * UDP header (RFC 768):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The checksum covers a pseudo-header (IPv4: RFC 768; IPv6: RFC 8200
 * 8.1), the header and the data. A computed 0 is sent as 0xffff. A
 * received 0 means "no checksum" over IPv4 and is invalid over IPv6.
 */

/** A parsed UDP header. */
struct tw_udp_info {
	uint16_t sport;
	uint16_t dport;
	uint16_t len; /**< UDP length: header + payload */
	uint16_t cksum;
};

/**
 * Parse a UDP header (the checksum is checked by tw_udp_verify_v4/v6).
 *
 * @param p
 *   The UDP datagram. @param len bytes of IP payload available for it.
 * @return
 *   0; -TW_ETRUNC @p len < 8 or the UDP length > @p len;
 *   -TW_EFORMAT UDP length < 8.
 */
int tw_udp_parse(const uint8_t *p, size_t len, struct tw_udp_info *u);

/**
 * Verify a UDP checksum over IPv4.
 *
 * @param udp
 *   The datagram. @param ulen its UDP length.
 * @param src
 *   4 octets. @param dst 4 octets.
 * @return
 *   0 (a zero checksum field means none: accepted); -TW_ECSUM.
 */
int tw_udp_verify_v4(const uint8_t *udp, size_t ulen, const uint8_t *src,
		     const uint8_t *dst);

/**
 * Verify a UDP checksum over IPv6.
 *
 * @return
 *   0; -TW_ECSUM bad or zero checksum (RFC 8200 8.1).
 */
int tw_udp_verify_v6(const uint8_t *udp, size_t ulen, const uint8_t *src,
		     const uint8_t *dst);

/**
 * UDP checksum over IPv4 / IPv6, as if the checksum field were zero.
 *
 * @return
 *   The value to store at offset 6: never 0 (0 is sent as 0xffff).
 */
uint16_t tw_udp_cksum_v4(const uint8_t *udp, size_t ulen, const uint8_t *src,
			 const uint8_t *dst);
uint16_t tw_udp_cksum_v6(const uint8_t *udp, size_t ulen, const uint8_t *src,
			 const uint8_t *dst);

/**
 * Write a UDP header with a zero checksum; store one afterwards with
 * tw_udp_cksum_v4/v6() once the payload is in place.
 *
 * @return
 *   8; -ENOSPC @p cap < 8; -EMSGSIZE @p payload_len > 65527.
 */
int tw_udp_build(uint8_t *p, size_t cap, uint16_t sport, uint16_t dport,
		 size_t payload_len);

/* ------------------------------------------------------------------ */
/* ARP (RFC 826), Ethernet / IPv4 only                                */
/* ------------------------------------------------------------------ */

/*
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Hardware type (1)        |     Protocol type (0x0800)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  HLEN (6)     |   PLEN (4)    |  Operation (1 req, 2 reply)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Sender hardware address (6) | Sender protocol address (4)   |
 *  | Target hardware address (6) | Target protocol address (4)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

#define TW_ARP_OP_REQUEST 1
#define TW_ARP_OP_REPLY	  2

/** A parsed ARP packet; addresses point into the buffer. */
struct tw_arp {
	const uint8_t *sha; /**< sender MAC */
	const uint8_t *spa; /**< sender IPv4 */
	const uint8_t *tha; /**< target MAC */
	const uint8_t *tpa; /**< target IPv4 */
	uint16_t op;
};

/**
 * Parse an ARP packet (the Ethernet payload).
 *
 * @return
 *   0; -TW_ETRUNC @p len < 28; -TW_EPROTO not Ethernet/IPv4 (hardware
 *   type, protocol type, address lengths) or operation not 1 or 2.
 */
int tw_arp_parse(const uint8_t *p, size_t len, struct tw_arp *arp);

/**
 * Build the reply frame to an ARP request: the caller has checked that
 * req->tpa is one of our addresses. @p out may be the request frame itself
 * (the request's fields are read before anything is written).
 *
 * @param eth
 *   The request's Ethernet header: its VLAN tags are reused.
 * @param req
 *   The parsed request. @param our_mac our MAC (6 octets).
 * @return
 *   Frame length (eth->hdr_len + 28, no padding: NICs pad to 60);
 *   -ENOSPC @p cap too small; -TW_EPROTO @p req is not a request;
 *   -EINVAL bad @p eth.
 */
int tw_arp_build_reply(uint8_t *out, size_t cap, const struct tw_eth_info *eth,
		       const struct tw_arp *req, const uint8_t *our_mac);

/**
 * Build a broadcast ARP request frame: who has @p tpa, tell @p spa.
 *
 * @param eth
 *   VLAN tags to use (ethertype and hdr_len ignored), or NULL: untagged.
 * @return
 *   Frame length; -ENOSPC; -EINVAL bad tags.
 */
int tw_arp_build_request(uint8_t *out, size_t cap,
			 const struct tw_eth_info *eth, const uint8_t *our_mac,
			 const uint8_t *spa, const uint8_t *tpa);

/* ------------------------------------------------------------------ */
/* Frame summary and in-place UDP response                            */
/* ------------------------------------------------------------------ */

/**
 * What tw_pkt_parse() found in a frame. Offsets are from the frame start.
 *
 *  frame: | eth + tags | IPv4/IPv6 (+ options/extensions) | UDP | payload |
 *         0            l3_off                     l4_off     payload_off
 */
struct tw_pkt {
	struct tw_eth_info eth; /**< ethertype, tags, hdr_len (= l3_off) */
	const uint8_t *src;	/**< L3 source address (4 or 16 octets) */
	const uint8_t *dst;	/**< L3 destination address */
	uint32_t l3_off;	/**< IP header */
	uint32_t l4_off;	/**< upper-layer header, 0 if none found */
	uint32_t l4_len;	/**< upper-layer length (UDP: UDP length) */
	uint32_t payload_off;	/**< UDP payload (the DNS message) */
	uint32_t payload_len;	/**< UDP payload length */
	uint32_t frame_len; /**< L2 + IP length: trailing padding excluded */
	uint16_t sport;	    /**< UDP source port */
	uint16_t dport;	    /**< UDP destination port */
	uint8_t ip_ver;	    /**< 4, 6, or 0 when not IP */
	uint8_t l4_proto;   /**< upper-layer protocol (see l4_off) */
	uint8_t ttl;	    /**< IPv4 TTL or IPv6 hop limit */
};

/**
 * Summarise a frame: Ethernet (VLAN), IPv4 or IPv6, UDP, with every check
 * of tw_eth_parse(), tw_ipv4_parse(), tw_ipv6_parse(), tw_udp_parse() and
 * the UDP checksum. The common shape (Ethernet, IPv4 without options, UDP)
 * takes a short straight path.
 *
 * On -TW_EPROTO the frame is well formed as far as it was parsed and @p pkt
 * says what it is, for the exception path: pkt->eth always (ethertype 0
 * for a refused tag stack or an 802.3 length field); if ip_ver is 4
 * or 6, src, dst, ttl, l3_off and frame_len; if l4_off != 0 also l4_proto
 * and l4_len (e.g. ICMP, ICMPv6, TCP, ESP). Other fields are 0/NULL.
 *
 * @param frame
 *   The frame (no FCS). @param len its length.
 * @param pkt
 *   Out. @param flags TW_NET_F_NO_IP_CSUM, TW_NET_F_NO_L4_CSUM or 0.
 * @return
 *   0: a UDP datagram, every field set; -TW_EPROTO (see above); or the
 *   errors of the layer parsers: -TW_ETRUNC, -TW_EFORMAT, -TW_EFRAG,
 *   -TW_ECSUM.
 */
int tw_pkt_parse(const uint8_t *frame, size_t len, struct tw_pkt *pkt,
		 unsigned flags);

/**
 * Turn a received UDP frame, in place, into its response. The caller has
 * written the new payload (@p payload_len octets) at pkt->payload_off.
 *
 * Swaps MACs, IP addresses and ports; keeps the VLAN tags; drops IPv4
 * options and IPv6 extension headers (the UDP header and payload move
 * down); sets the IP and UDP lengths; TTL / hop limit := @p ttl; clears
 * ECN; IPv4: keeps the ID, sets DF (RFC 9715 3.1: DNS responses are not
 * fragmented), updates the header checksum incrementally (RFC 1624 eqn 3)
 * or recomputes it when options were dropped; computes the UDP checksum.
 * The query's IPv4 header checksum must have been valid (verified by
 * tw_pkt_parse() or by the NIC).
 *
 * @param frame
 *   The frame @p pkt was parsed from. @param cap its buffer size.
 * @param pkt
 *   From tw_pkt_parse() returning 0; updated to describe the response.
 * @param payload_len
 *   New UDP payload length.
 * @param ttl
 *   TTL / hop limit; 0: TW_NET_DEFAULT_TTL.
 * @param flags
 *   TW_NET_F_TX_IP_OFFLOAD, TW_NET_F_TX_L4_OFFLOAD or 0.
 * @return
 *   The response frame length; -EINVAL @p pkt is not a UDP summary;
 *   -TW_EPROTO the query went to a multicast or broadcast address (the
 *   caller answers only its own unicast addresses; this is a safety net);
 *   -ENOSPC pkt->payload_off + @p payload_len > @p cap; -EMSGSIZE the
 *   datagram would not fit the IP length field.
 */
int tw_pkt_udp_reply(uint8_t *frame, size_t cap, struct tw_pkt *pkt,
		     size_t payload_len, uint8_t ttl, unsigned flags);

/**
 * Why @p addr (4 octets when @p ip_ver is 4, else 16) can be no UDP
 * reply's source, or NULL when it can: a group address (IPv4 224/4 and
 * 255.255.255.255, RFC 1112 4 and RFC 919 7; IPv6 ff00::/8, RFC 4291
 * 2.7) or one no UDP source may have (IPv4 0/8, 127/8, 240/4, RFC 1122
 * 3.2.1.3; IPv6 :: and ::1, RFC 4291 2.5.2-3). tw_pkt_udp_reply()
 * refuses these; the configuration refuses them as listen addresses.
 *
 * @return NULL, or a phrase naming the kind of address ("a multicast
 *   address", "the unspecified address", ...).
 */
const char *tw_net_reply_src_problem(uint8_t ip_ver, const uint8_t *addr);

/**
 * tw_pkt_udp_reply() with the payload's checksum sum supplied by the
 * caller (e.g. kept with a cached answer and adjusted with
 * tw_cksum_update16() for the ID and TTLs it patched), so the UDP checksum
 * costs the headers only.
 *
 * @param payload_sum
 *   tw_cksum_partial(payload, payload_len, 0) of the payload as written.
 * @return
 *   As tw_pkt_udp_reply().
 */
int tw_pkt_udp_reply_sum(uint8_t *frame, size_t cap, struct tw_pkt *pkt,
			 size_t payload_len, uint8_t ttl, unsigned flags,
			 uint32_t payload_sum);

/** Addresses and ports of a UDP frame to build (e.g. a query upstream). */
struct tw_udp_flow {
	uint8_t dst_mac[TW_ETH_ALEN];
	uint8_t src_mac[TW_ETH_ALEN];
	uint8_t n_tags; /**< 0, 1, 2 */
	struct tw_vlan_tag tag[TW_ETH_MAX_TAGS];
	uint8_t ip_ver;	     /**< 4 or 6 */
	uint8_t tos;	     /**< IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;	     /**< 0: TW_NET_DEFAULT_TTL */
	uint16_t ip_id;	     /**< IPv4 identification */
	uint32_t flow_label; /**< IPv6 */
	uint8_t src[16];     /**< IPv4 uses the first 4 octets */
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
};

/**
 * Offset of the UDP payload in a frame built by tw_pkt_udp_build() for
 * @p fl (where to write the payload first); 0 for a bad @p fl.
 */
size_t tw_pkt_udp_hdr_len(const struct tw_udp_flow *fl);

/**
 * Write the Ethernet, IP and UDP headers (and checksums) in front of a
 * payload already at tw_pkt_udp_hdr_len(fl). IPv4 gets DF set.
 *
 * @param pkt
 *   If not NULL, filled as tw_pkt_parse() would.
 * @return
 *   Frame length; -EINVAL bad ip_ver or n_tags; -ENOSPC @p cap too small;
 *   -EMSGSIZE @p payload_len too big for the IP length field.
 */
int tw_pkt_udp_build(uint8_t *frame, size_t cap, const struct tw_udp_flow *fl,
		     size_t payload_len, struct tw_pkt *pkt, unsigned flags);

/* ------------------------------------------------------------------ */
/* ICMP / ICMPv6 echo (RFC 792, RFC 4443 4.1, 4.2)                    */
/* ------------------------------------------------------------------ */

/*
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Type (8/0, 128/129) | Code (0)|           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...
 *
 * ICMP checksums cover the message; ICMPv6 adds the IPv6 pseudo-header.
 */

#define TW_ICMP_ECHO_REPLY    0
#define TW_ICMP_ECHO_REQUEST  8
#define TW_ICMP6_ECHO_REQUEST 128
#define TW_ICMP6_ECHO_REPLY   129
#define TW_ICMP6_ND_NS	      135
#define TW_ICMP6_ND_NA	      136

/**
 * Turn an ICMP (IPv4) or ICMPv6 echo request frame, in place, into the
 * echo reply: same identifier, sequence and data (RFC 792, RFC 4443 4.2);
 * MACs and addresses swapped, options/extension headers dropped, TTL /
 * hop limit := @p ttl; checksums updated (RFC 1624). The caller has
 * checked that the request was sent to one of our unicast addresses.
 *
 * @param frame
 *   The frame. @param pkt from tw_pkt_parse() (-TW_EPROTO with
 *   l4_proto ICMP or ICMPv6); updated to describe the reply.
 * @param ttl
 *   0: TW_NET_DEFAULT_TTL.
 * @return
 *   The reply frame length; -EINVAL @p pkt is not ICMP/ICMPv6;
 *   -TW_ETRUNC message shorter than 8; -TW_EPROTO not an echo request, or
 *   sent to a multicast or broadcast address;
 *   -TW_EFORMAT code not 0; -TW_ECSUM bad checksum.
 */
int tw_icmp_echo_reply(uint8_t *frame, struct tw_pkt *pkt, uint8_t ttl);

/* ------------------------------------------------------------------ */
/* IPv6 Neighbour Discovery (RFC 4861 4.3, 4.4, 4.6.1)                */
/* ------------------------------------------------------------------ */

/*
 * Neighbour Solicitation (type 135) and Advertisement (type 136):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |R|S|O|                   Reserved (NS: all reserved)           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Target Address (16 octets)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Options ...: | Type | Length (8-octet units) | value ...     |
 *
 * Options used: 1 Source Link-Layer Address (NS), 2 Target Link-Layer
 * Address (NA), each 8 octets for Ethernet (RFC 4861 4.6.1).
 */

#define TW_ND_OPT_SLLA 1
#define TW_ND_OPT_TLLA 2

#define TW_ND_NA_F_ROUTER    0x80 /**< R */
#define TW_ND_NA_F_SOLICITED 0x40 /**< S */
#define TW_ND_NA_F_OVERRIDE  0x20 /**< O */

/** A parsed Neighbour Solicitation. */
struct tw_nd_ns {
	const uint8_t *target; /**< 16 octets */
	const uint8_t *slla;   /**< source link-layer address, or NULL */
};

/** A parsed Neighbour Advertisement. */
struct tw_nd_na {
	const uint8_t *target; /**< 16 octets */
	const uint8_t *tlla;   /**< target link-layer address, or NULL */
	uint8_t flags;	       /**< TW_ND_NA_F_* */
};

/**
 * Parse and validate a Neighbour Solicitation (RFC 4861 7.1.1).
 *
 * @param frame
 *   The frame. @param pkt from tw_pkt_parse() (-TW_EPROTO, ICMPv6).
 * @return
 *   0; -EINVAL @p pkt is not ICMPv6; -TW_EPROTO not an NS;
 *   -TW_ETRUNC message < 24 octets or an option past its end;
 *   -TW_EFORMAT hop limit not 255, code not 0, multicast target, option
 *   length 0, or (unspecified source) a
 *   destination that is not solicited-node multicast or an SLLA present;
 *   -TW_ECSUM bad checksum.
 */
int tw_nd_parse_ns(const uint8_t *frame, const struct tw_pkt *pkt,
		   struct tw_nd_ns *ns);

/**
 * Parse and validate a Neighbour Advertisement (RFC 4861 7.1.2).
 *
 * @return
 *   As tw_nd_parse_ns(), with: -TW_EFORMAT S set on a multicast
 *   destination (and no unspecified-source rule).
 */
int tw_nd_parse_na(const uint8_t *frame, const struct tw_pkt *pkt,
		   struct tw_nd_na *na);

/**
 * Build the Neighbour Advertisement answering a solicitation for one of
 * our addresses (ns->target; the caller checked it is ours), RFC 4861
 * 7.2.4: source = the target, TLLA option = @p our_mac, O set; to the
 * solicitor with S set, or to all-nodes (ff02::1) with S clear when the
 * solicitation came from :: (duplicate address detection). Ethernet
 * destination: the SLLA, else the NS frame's source MAC. @p out may be the
 * NS frame.
 *
 * @param frame
 *   The NS frame. @param pkt, @p ns its summary and parse.
 * @param router
 *   Nonzero: set R.
 * @return
 *   Frame length (hdr_len + 40 + 32); -ENOSPC; -EINVAL bad tags in @p pkt.
 */
int tw_nd_build_na(uint8_t *out, size_t cap, const uint8_t *frame,
		   const struct tw_pkt *pkt, const struct tw_nd_ns *ns,
		   const uint8_t *our_mac, int router);

/**
 * Build a Neighbour Solicitation for @p target (address resolution,
 * RFC 4861 7.2.2): to its solicited-node multicast address, SLLA option.
 *
 * @param eth
 *   VLAN tags to use, or NULL.
 * @param src
 *   Our IPv6 address (16 octets).
 * @return
 *   Frame length (hdr_len + 40 + 32); -ENOSPC; -EINVAL bad tags.
 */
int tw_nd_build_ns(uint8_t *out, size_t cap, const struct tw_eth_info *eth,
		   const uint8_t *our_mac, const uint8_t *src,
		   const uint8_t *target);

#ifdef __cplusplus
}
#endif

#endif /* TW_NET_H */
