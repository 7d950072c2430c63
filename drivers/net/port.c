/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drivers/net: ethdev port setup for any PMD, TX buffers, checksums and
 * the net_tap exception port. See tw_port.h.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_udp.h>

#include "tw_port.h"

RTE_LOG_REGISTER(tw_logtype_port, trustwire.port, INFO);

#define PORT_LOG(level, fmt, ...)                                         \
	rte_log(RTE_LOG_##level, tw_logtype_port, "trustwire: " fmt "\n", \
		##__VA_ARGS__)

/* Hash on addresses and ports: queries of one client stay on one queue. */
#define TW_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP)

static int
lookup(const char *name, uint16_t *port_id)
{
	return rte_eth_dev_get_port_by_name(name, port_id) == 0 ? 0 : -ENODEV;
}

int
tw_port_probe(const char *devargs, uint16_t *port_id)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_dev_iterator it;
	uint16_t id;
	size_t n;
	int rc;

	n = strcspn(devargs, ",");
	if (n == 0 || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, devargs, n);
	name[n] = '\0';
	if (lookup(devargs, port_id) == 0 || lookup(name, port_id) == 0)
		return 0;
	/* Not probed by EAL (-a/--vdev): hot-plug it. */
	rc = rte_dev_probe(devargs);
	if (rc != 0 && rc != -EEXIST) {
		PORT_LOG(ERR, "cannot probe device '%s': %s", devargs,
			 rte_strerror(-rc));
		return -ENODEV;
	}
	if (lookup(name, port_id) == 0)
		return 0;
	/* PCI addresses may be written in a short form ("01:00.0"). */
	RTE_ETH_FOREACH_MATCHING_DEV(id, devargs, &it)
	{
		*port_id = id;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	PORT_LOG(ERR, "device '%s' has no ethdev port", devargs);
	return -ENODEV;
}

int
tw_port_setup(struct tw_port *p, uint16_t port_id,
	      const struct tw_port_conf *conf)
{
	struct rte_eth_conf ec;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	uint16_t q, rxd, txd;
	int rc;

	if (conf->n_rxq == 0 || conf->n_txq == 0 || conf->pool == NULL)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->port_id = port_id;
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0)
		return rc;
	rte_eth_dev_get_name_by_port(port_id, p->name);
	snprintf(p->driver, sizeof(p->driver), "%s",
		 info.driver_name ? info.driver_name : "?");
	p->socket = rte_eth_dev_socket_id(port_id);
	if (p->socket < 0)
		p->socket = (int)rte_socket_id();

	memset(&ec, 0, sizeof(ec));
	/* RSS over the worker queues when the device can (l3fwd style). */
	p->n_rxq = 1;
	p->rss_hf = TW_RSS_HF & info.flow_type_rss_offloads;
	if (conf->n_rxq > 1 && conf->n_rxq <= info.max_rx_queues &&
	    conf->n_rxq <= TW_PORT_MAX_QUEUES && p->rss_hf != 0) {
		p->n_rxq = conf->n_rxq;
		p->rss = true;
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_key = NULL; /* PMD default */
		ec.rx_adv_conf.rss_conf.rss_hf = p->rss_hf;
	} else {
		p->rss_hf = 0;
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	}
	/* TX: one queue per sending lcore, or shared under a lock. */
	p->n_txq = conf->n_txq;
	if (p->n_txq > info.max_tx_queues)
		p->n_txq = info.max_tx_queues;
	if (p->n_txq > TW_PORT_MAX_QUEUES)
		p->n_txq = TW_PORT_MAX_QUEUES;
	if (p->n_txq == 0)
		return -ENOTSUP;
	p->txq_shared = p->n_txq < conf->n_txq;
	for (q = 0; q < TW_PORT_MAX_QUEUES; q++)
		rte_spinlock_init(&p->txq_lock[q]);

	/* Checksum offloads the device announces; software otherwise. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		ec.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		p->tx_ip4_cksum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
		ec.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		p->tx_udp_cksum = true;
	}
	if ((info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_CHECKSUM) ==
	    RTE_ETH_RX_OFFLOAD_CHECKSUM) {
		ec.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_CHECKSUM;
		p->rx_cksum = true;
	}

	rc = rte_eth_dev_configure(port_id, p->n_rxq, p->n_txq, &ec);
	if (rc != 0) {
		PORT_LOG(ERR, "port %u (%s): configure %u rxq %u txq: %s",
			 port_id, p->name, p->n_rxq, p->n_txq,
			 rte_strerror(-rc));
		return rc;
	}
	p->configured = true;
	if (rte_eth_dev_get_mtu(port_id, &p->mtu) != 0 || p->mtu < 1280)
		p->mtu = RTE_ETHER_MTU;
	rxd = conf->rx_desc;
	txd = conf->tx_desc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rxd, &txd);
	if (rc != 0)
		return rc;
	p->rx_desc = rxd;
	p->tx_desc = txd;

	rxc = info.default_rxconf;
	rxc.offloads = ec.rxmode.offloads;
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(
			port_id, q, rxd, (unsigned)p->socket, &rxc, conf->pool);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: rx queue %u setup: %s", port_id,
				 q, rte_strerror(-rc));
			return rc;
		}
	}
	txc = info.default_txconf;
	txc.offloads = ec.txmode.offloads;
	for (q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(port_id, q, txd,
					    (unsigned)p->socket, &txc);
		if (rc != 0) {
			PORT_LOG(ERR, "port %u: tx queue %u setup: %s", port_id,
				 q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_macaddr_get(port_id, &p->mac);
	if (rc != 0)
		return rc;
	if (conf->promiscuous) {
		rc = rte_eth_promiscuous_enable(port_id);
		if (rc != 0 && rc != -ENOTSUP)
			return rc;
	}
	return 0;
}

int
tw_port_start(struct tw_port *p)
{
	int rc = rte_eth_dev_start(p->port_id);

	if (rc != 0) {
		PORT_LOG(ERR, "port %u (%s): start: %s", p->port_id, p->name,
			 rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	return 0;
}

void
tw_port_close(struct tw_port *p)
{
	if (!p->configured || !rte_eth_dev_is_valid_port(p->port_id))
		return;
	if (p->started) {
		rte_eth_dev_stop(p->port_id);
		p->started = false;
	}
	rte_eth_dev_close(p->port_id);
	p->configured = false;
}

void
tw_port_describe(const struct tw_port *p, char *buf, size_t size)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	snprintf(buf, size,
		 "port %u %s (%s) mac %s: %u rxq (RSS %s), %u txq%s, "
		 "desc %u/%u, tx csum ipv4 %s udp %s, rx csum %s",
		 p->port_id, p->name, p->driver, mac, p->n_rxq,
		 p->rss ? "on" : "off", p->n_txq,
		 p->txq_shared ? " (shared, locked)" : "", p->rx_desc,
		 p->tx_desc, p->tx_ip4_cksum ? "offload" : "software",
		 p->tx_udp_cksum ? "offload" : "software",
		 p->rx_cksum ? "offload" : "software");
}

void
tw_port_print_stats(const struct tw_port *p, FILE *f)
{
	struct rte_eth_stats s;

	if (rte_eth_stats_get(p->port_id, &s) != 0)
		return;
	fprintf(f,
		"port %u %s: ipackets %" PRIu64 " opackets %" PRIu64
		" ibytes %" PRIu64 " obytes %" PRIu64 " imissed %" PRIu64
		" ierrors %" PRIu64 " oerrors %" PRIu64 " rx_nombuf %" PRIu64
		"\n",
		p->port_id, p->name, s.ipackets, s.opackets, s.ibytes, s.obytes,
		s.imissed, s.ierrors, s.oerrors, s.rx_nombuf);
}

int
tw_port_exception_create(struct tw_port *exc, const struct tw_port *phys,
			 const char *ifname, uint16_t n_queues,
			 struct rte_mempool *pool)
{
	struct tw_port_conf conf = {
		.n_rxq = n_queues,
		.n_txq = n_queues,
		.rx_desc = 512,
		.tx_desc = 512,
		.pool = pool,
	};
	char name[RTE_ETH_NAME_MAX_LEN], devargs[192];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint16_t port_id;
	int rc;

	/* net_tap only says -EINVAL when the interface exists: check first. */
	if (if_nametoindex(ifname) != 0) {
		PORT_LOG(ERR, "exception interface %s already exists", ifname);
		return -EEXIST;
	}
	rte_ether_format_addr(mac, sizeof(mac), &phys->mac);
	snprintf(name, sizeof(name), "net_tap_%s", ifname);
	/*
	 * The kernel side gets the physical port's MAC: its ARP replies and
	 * ND advertisements for the service addresses then name the MAC the
	 * fast path receives on.
	 */
	snprintf(devargs, sizeof(devargs), "%s,iface=%s,mac=%s", name, ifname,
		 mac);
	/* rte_dev_probe(): the vdev bus is a plugin, not in libdpdk.pc. */
	rc = rte_dev_probe(devargs);
	if (rc != 0) {
		PORT_LOG(ERR, "exception port %s: %s", devargs,
			 rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_get_port_by_name(name, &port_id);
	if (rc == 0)
		rc = tw_port_setup(exc, port_id, &conf);
	if (rc == 0) {
		/* net_tap: RSS is meaningless, queues are picked by us. */
		exc->rss = false;
	} else if (rte_eth_dev_get_port_by_name(name, &port_id) == 0) {
		exc->port_id = port_id;
		exc->configured = true;
		tw_port_exception_destroy(exc);
	}
	return rc;
}

void
tw_port_exception_destroy(struct tw_port *exc)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (!exc->configured)
		return;
	if (rte_eth_dev_info_get(exc->port_id, &info) == 0)
		dev = info.device;
	tw_port_close(exc);
	/* Removes the kernel interface too. */
	if (dev != NULL)
		rte_dev_remove(dev);
}

void
tw_txq_init(struct tw_txq *q, struct tw_port *p, uint16_t lcore_idx,
	    uint16_t size)
{
	memset(q, 0, sizeof(*q));
	q->port_id = p->port_id;
	q->queue_id = (uint16_t)(lcore_idx % p->n_txq);
	q->lock = p->txq_shared ? &p->txq_lock[q->queue_id] : NULL;
	if (size == 0 || size > TW_TXQ_MAX_BURST)
		size = TW_TXQ_MAX_BURST;
	q->size = size;
}

void
tw_port_tx_offload(const struct tw_port *p, struct rte_mbuf *m, uint16_t l2_len,
		   uint16_t l3_len, bool ipv6)
{
	m->l2_len = l2_len;
	m->l3_len = l3_len;
	if (ipv6) {
		if (p->tx_udp_cksum)
			m->ol_flags |=
				RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
		return;
	}
	if (p->tx_ip4_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	if (p->tx_udp_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
}

/*
 * Single-segment frames only (no scatter RX, answers built in one mbuf):
 * the stable rte_ipv4/6_udptcp_cksum() read contiguous data; the _mbuf
 * variants are still experimental in 22.11.
 */
void
tw_port_tx_cksum(const struct tw_port *p, struct rte_mbuf *m, uint16_t l2_len,
		 uint16_t l3_len, bool ipv6)
{
	struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(
		m, struct rte_udp_hdr *, l2_len + l3_len);

	m->l2_len = l2_len;
	m->l3_len = l3_len;
	if (ipv6) {
		struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv6_hdr *, l2_len);

		if (p->tx_udp_cksum) {
			m->ol_flags |=
				RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
			udp->dgram_cksum =
				rte_ipv6_phdr_cksum(ip6, m->ol_flags);
		} else {
			udp->dgram_cksum = 0;
			udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
		}
		return;
	}
	{
		struct rte_ipv4_hdr *ip4 = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv4_hdr *, l2_len);

		ip4->hdr_checksum = 0;
		if (p->tx_ip4_cksum)
			m->ol_flags |=
				RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		else
			ip4->hdr_checksum = rte_ipv4_cksum(ip4);
		if (p->tx_udp_cksum) {
			m->ol_flags |=
				RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
			udp->dgram_cksum =
				rte_ipv4_phdr_cksum(ip4, m->ol_flags);
		} else {
			udp->dgram_cksum = 0;
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip4, udp);
		}
	}
}

/* Append an rtattr to the netlink message in @p buf (@p cap bytes). */
static void
nl_attr(char *buf, size_t cap, uint16_t type, const void *data, size_t len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	size_t off = NLMSG_ALIGN(nh->nlmsg_len);
	struct rtattr rta;

	if (off + RTA_SPACE(len) > cap)
		return;
	rta.rta_type = type;
	rta.rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(buf + off, &rta, sizeof(rta));
	memcpy(buf + off + RTA_LENGTH(0), data, len);
	nh->nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
}

int
tw_kernel_addr_add(const char *ifname, int family, const uint8_t *addr,
		   uint8_t prefix_len)
{
	union {
		struct nlmsghdr nh;
		char buf[256];
	} req;
	struct ifaddrmsg *ifa = NLMSG_DATA(&req.nh);
	char ack[256];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *rh = (struct nlmsghdr *)ack;
	unsigned idx = if_nametoindex(ifname);
	uint32_t flags = IFA_F_NODAD;
	size_t alen = family == AF_INET ? 4 : 16;
	ssize_t n;
	int fd, rc;

	if (idx == 0)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags =
		NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = idx;
	nl_attr(req.buf, sizeof(req), IFA_LOCAL, addr, alen);
	nl_attr(req.buf, sizeof(req), IFA_ADDRESS, addr, alen);
	if (family == AF_INET6)
		nl_attr(req.buf, sizeof(req), IFA_FLAGS, &flags, sizeof(flags));

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	n = recv(fd, ack, sizeof(ack), 0);
	rc = n < 0 ? -errno : -EIO;
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
	    rh->nlmsg_type == NLMSG_ERROR)
		rc = ((struct nlmsgerr *)NLMSG_DATA(rh))->error;
	close(fd);
	return rc == -EEXIST ? 0 : rc;
}

/* Write @p val to /proc/sys/net/<path>; 0 or -errno. */
static int
sysctl_write(const char *path, const char *val)
{
	char file[128];
	FILE *f;
	int rc = 0;

	snprintf(file, sizeof(file), "/proc/sys/net/%s", path);
	f = fopen(file, "w");
	if (f == NULL)
		return -errno;
	if (fputs(val, f) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* The kernel interface behind a port that reads one (AF_PACKET, pcap). */
static int
kernel_iface(const struct tw_port *p, const char *exclude, char *ifname)
{
	struct rte_eth_dev_info info;
	struct if_nameindex *ifs, *i;
	int fd, found = -ENODEV;

	if (strcmp(p->driver, "net_af_packet") != 0 &&
	    strcmp(p->driver, "net_pcap") != 0)
		return -ENOTSUP;
	if (rte_eth_dev_info_get(p->port_id, &info) == 0 &&
	    info.if_index != 0 && if_indextoname(info.if_index, ifname) &&
	    strcmp(ifname, exclude) != 0)
		return 0;
	/* Else the interface with the port's MAC (not the exception one). */
	ifs = if_nameindex();
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (i = ifs; ifs != NULL && fd >= 0 && i->if_index != 0; i++) {
		struct ifreq ifr;

		if (strcmp(i->if_name, exclude) == 0)
			continue;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
		    memcmp(ifr.ifr_hwaddr.sa_data, p->mac.addr_bytes, 6) == 0) {
			snprintf(ifname, IF_NAMESIZE, "%s", i->if_name);
			found = 0;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	if (ifs != NULL)
		if_freenameindex(ifs);
	return found;
}

int
tw_port_kernel_isolate(const struct tw_port *p, const char *exc_ifname,
		       char *ifname)
{
	char path[96];
	int rc;

	rc = kernel_iface(p, exc_ifname, ifname);
	if (rc != 0)
		return rc;
	/* RFC 3704 strict reverse path: the kernel's route to our clients
	 * is the exception interface, so what arrives on this one is
	 * dropped before local delivery. */
	snprintf(path, sizeof(path), "ipv4/conf/%s/rp_filter", ifname);
	rc = sysctl_write(path, "1");
	/* No ARP answers for addresses that are not on this interface. */
	snprintf(path, sizeof(path), "ipv4/conf/%s/arp_ignore", ifname);
	if (rc == 0)
		rc = sysctl_write(path, "1");
	snprintf(path, sizeof(path), "ipv6/conf/%s/disable_ipv6", ifname);
	if (rc == 0)
		rc = sysctl_write(path, "1");
	return rc;
}
