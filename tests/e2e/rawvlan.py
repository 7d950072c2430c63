# SPDX-License-Identifier: BSD-3-Clause
"""An 802.1Q-tagged DNS client on a raw AF_PACKET socket (standard
library only), for the e2e 'vlan' case: the kernel here may have no VLAN
interfaces (no 8021q), so the frames are written and read whole.

Sends tagged frames (ARP request, DNS over UDP/IPv4 and UDP/IPv6) out of
IFNAME and reads what comes back with its tag: in the frame itself, or
(veth strips it on receive, like a NIC's VLAN offload) in the packet
socket's auxiliary data (PACKET_AUXDATA, struct tpacket_auxdata)."""

import os
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
ETH_P_ARP = 0x0806
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
# struct tpacket_auxdata: status, len, snaplen (u32), mac, net, vlan_tci,
# vlan_tpid (u16)
AUX = struct.Struct("=IIIHHHH")


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_v4(src, dst, sport, dport, payload):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    ulen = 8 + len(payload)
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(s + d + struct.pack("!BBH", 0, 17, ulen) + u) or 0xFFFF
    u = u[:6] + struct.pack("!H", c) + u[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen,
                     int.from_bytes(os.urandom(2), "big"), 0, 64, 17, 0, s,
                     d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + u


def udp_v6(src, dst, sport, dport, payload):
    s = socket.inet_pton(socket.AF_INET6, src)
    d = socket.inet_pton(socket.AF_INET6, dst)
    ulen = 8 + len(payload)
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(s + d + struct.pack("!I3xB", ulen, 17) + u) or 0xFFFF
    u = u[:6] + struct.pack("!H", c) + u[8:]
    return struct.pack("!IHBB", 6 << 28, ulen, 17, 64) + s + d + u


class VlanClient:
    """Tagged frames out of @ifname, VLAN @vid, from MAC @mac."""

    def __init__(self, ifname, vid, mac):
        self.vid = vid
        self.mac = mac_bytes(mac)
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        self.s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)

    def close(self):
        self.s.close()

    def send(self, dst_mac, ethertype, payload):
        self.s.send(dst_mac + self.mac +
                    struct.pack("!HHH", ETH_P_8021Q, self.vid, ethertype) +
                    payload)

    def recv(self, want, timeout):
        """The first frame (not sent by us) for which want(ethertype,
        payload, src_mac) is true: (vid or None, ethertype, payload,
        src_mac), or None after timeout seconds."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.s], [], [], left)[0]:
                return None
            data, anc, _, addr = self.s.recvmsg(65535,
                                                socket.CMSG_SPACE(AUX.size))
            if addr[2] == PACKET_OUTGOING or len(data) < 14:
                continue
            vid = None
            et = struct.unpack("!H", data[12:14])[0]
            off = 14
            if et == ETH_P_8021Q and len(data) >= 18:
                vid = struct.unpack("!H", data[14:16])[0] & 0xFFF
                et = struct.unpack("!H", data[16:18])[0]
                off = 18
            for lvl, typ, cdata in anc:
                if lvl == SOL_PACKET and typ == PACKET_AUXDATA and \
                        len(cdata) >= AUX.size:
                    st, _, _, _, _, tci, _ = AUX.unpack(cdata[:AUX.size])
                    if st & TP_STATUS_VLAN_VALID:
                        vid = tci & 0xFFF
            if want(et, data[off:], data[6:12]):
                return vid, et, data[off:], data[6:12]

    def arp(self, spa, tpa, timeout=2.0):
        """ARP request for tpa: (vid of the reply, sender MAC) or None."""
        req = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, self.mac,
                          socket.inet_aton(spa), b"\0" * 6,
                          socket.inet_aton(tpa))
        self.send(b"\xff" * 6, ETH_P_ARP, req)

        def want(et, p, _):
            return et == ETH_P_ARP and len(p) >= 28 and \
                struct.unpack("!H", p[6:8])[0] == 2 and \
                p[14:18] == socket.inet_aton(tpa)
        r = self.recv(want, timeout)
        return None if r is None else (r[0], r[2][8:14])

    def dns(self, dst_mac, src, dst, wire, timeout=2.0):
        """One DNS query over UDP (IPv4 or IPv6 by address): (vid of the
        answer frame, DNS payload) or None."""
        sport = 1024 + int.from_bytes(os.urandom(2), "big") % 60000
        if ":" in dst:
            self.send(dst_mac, ETH_P_IPV6, udp_v6(src, dst, sport, 53, wire))
            et, a = ETH_P_IPV6, socket.inet_pton(socket.AF_INET6, dst)
        else:
            self.send(dst_mac, ETH_P_IP, udp_v4(src, dst, sport, 53, wire))
            et, a = ETH_P_IP, socket.inet_aton(dst)

        def l4(e, p):
            """UDP header offset of an answer from dst:53, or None."""
            if e != et:
                return None
            if et == ETH_P_IP and len(p) >= 28 and p[9] == 17 and \
                    p[12:16] == a:
                o = (p[0] & 15) * 4
            elif et == ETH_P_IPV6 and len(p) >= 48 and p[6] == 17 and \
                    p[8:24] == a:
                o = 40
            else:
                return None
            if struct.unpack("!HH", p[o:o + 4]) != (53, sport):
                return None
            return o

        r = self.recv(lambda e, p, _: l4(e, p) is not None and
                      p[l4(e, p) + 8:l4(e, p) + 10] == wire[:2], timeout)
        if r is None:
            return None
        o = l4(r[1], r[2])
        return r[0], r[2][o + 8:]
