#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a pcap of frames, one of each class trustwire's worker knows,
for the smoke tests (fed through net_pcap's rx_pcap).

usage: gen_pcap.py OUT.pcap DST_MAC [arp-only]

Service addresses 192.0.2.53/24 and 2001:db8::53/64, upstream 192.0.2.1:53.
The expected per-class counts are printed as KEY=N lines on stdout.
"""
import struct
import sys

OUR4 = bytes([192, 0, 2, 53])
OUR6 = bytes.fromhex("20010db8000000000000000000000053")
CLIENT4 = bytes([198, 51, 100, 7])
CLIENT6 = bytes.fromhex("20010db8000000000000000000000007")
UPSTREAM4 = bytes([192, 0, 2, 1])
STRANGER4 = bytes([203, 0, 113, 9])
SRC_MAC = bytes.fromhex("020000000001")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, etype, payload):
    return dst + SRC_MAC + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, frag=0x4000):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag,
                      64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src,
                       dst) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def dns_query(qid, name="example.com", qtype=1):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + \
        struct.pack("!HH", qtype, 1)


def dns_response(qid):
    m = bytearray(dns_query(qid))
    m[2] |= 0x80
    return bytes(m)


def arp_request(target):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, SRC_MAC,
                       CLIENT4, b"\0" * 6, target)


def main():
    out, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    arp_only = len(sys.argv) > 3 and sys.argv[3] == "arp-only"
    bcast = b"\xff" * 6
    frames, expect = [], {}

    def add(key, frame):
        frames.append(frame)
        expect[key] = expect.get(key, 0) + 1

    add("exception", eth(bcast, 0x0806, arp_request(OUR4)))
    if not arp_only:
        add("queries", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 17,
                                             udp(40000, 53, dns_query(1)))))
        add("queries", eth(mac, 0x86DD, ipv6(CLIENT6, OUR6, 17,
                                             udp(40000, 53, dns_query(2, "www.example.org", 28)))))
        # VLAN-tagged query (802.1Q, VID 7).
        add("queries", eth(mac, 0x8100, struct.pack("!HH", 7, 0x0800) +
                           ipv4(CLIENT4, OUR4, 17, udp(40001, 53, dns_query(3)))))
        add("upstream", eth(mac, 0x0800, ipv4(UPSTREAM4, OUR4, 17,
                                              udp(53, 40002, dns_response(4)))))
        add("spoofed", eth(mac, 0x0800, ipv4(STRANGER4, OUR4, 17,
                                             udp(53, 40002, dns_response(4)))))
        add("exception", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 1,
                                               b"\x08\x00\xf7\xff\x00\x00\x00\x00")))
        add("exception", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 6,
                                               struct.pack("!HHIIBBHHH", 40000, 53, 1, 0, 0x50, 0x02, 1024, 0, 0))))
        add("fragments", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 17,
                                               udp(40000, 53, dns_query(5)), frag=0x2000)))
        # IPv4 total length larger than the frame.
        bad = bytearray(ipv4(CLIENT4, OUR4, 17, udp(40000, 53, dns_query(6))))
        bad[2:4] = struct.pack("!H", 1400)
        add("malformed", eth(mac, 0x0800, bytes(bad)))
        add("not_ours", eth(bytes.fromhex("02aabbccddee"), 0x0800,
                            ipv4(CLIENT4, OUR4, 17, udp(40000, 53, dns_query(7)))))
        add("not_ours", eth(mac, 0x0800, ipv4(CLIENT4, bytes([10, 9, 9, 9]), 17,
                                              udp(40000, 53, dns_query(8)))))

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            if len(fr) < 60:
                fr += b"\0" * (60 - len(fr))
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)
    for k in sorted(expect):
        print("%s=%d" % (k, expect[k]))


if __name__ == "__main__":
    main()
