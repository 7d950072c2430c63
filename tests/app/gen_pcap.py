#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a pcap of frames, one of each class trustwire's worker knows,
for the smoke tests (fed through net_pcap's rx_pcap), or check the frames
trustwire sent (its tx_pcap).

usage: gen_pcap.py OUT.pcap DST_MAC        write; print KEY=N expectations
       gen_pcap.py --check TX.pcap OUR_MAC  print what was sent, KEY=N

Service addresses 192.0.2.53/24 and 2001:db8::53/64, upstream 192.0.2.1:53.
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


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim, src,
                       dst) + payload


def phdr(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def udp(sport, dport, payload, src=CLIENT4, dst=OUR4):
    """UDP with a correct checksum over the pseudo-header (RFC 768)."""
    d = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(phdr(src, dst, 17, len(d)) + d) or 0xFFFF
    return d[:6] + struct.pack("!H", c) + d[8:]


def icmp6(src, dst, typ, body):
    m = struct.pack("!BBH", typ, 0, 0) + body
    c = csum(phdr(src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


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


def build(out, mac):
    bcast = b"\xff" * 6
    frames, expect = [], {}

    def add(key, frame):
        frames.append(frame)
        expect[key] = expect.get(key, 0) + 1

    # Answered by the worker itself (lib/net): ARP, ND, echo.
    add("arp", eth(bcast, 0x0806, arp_request(OUR4)))
    sn = bytes.fromhex("ff0200000000000000000001ff000053")  # solicited-node
    ns = icmp6(CLIENT6, sn, 135, b"\0" * 4 + OUR6 +
               bytes([1, 1]) + SRC_MAC)
    add("nd", eth(bytes.fromhex("3333ff000053"), 0x86DD,
                  ipv6(CLIENT6, sn, 58, ns, hlim=255)))
    echo = b"\x08\x00\x00\x00\x12\x34\x00\x01pingpong"
    echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
    add("echo", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 1, echo)))
    # DNS.
    add("queries", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 17,
                                         udp(40000, 53, dns_query(1)))))
    add("queries", eth(mac, 0x86DD, ipv6(CLIENT6, OUR6, 17, udp(
        40000, 53, dns_query(2, "www.example.org", 28), CLIENT6, OUR6))))
    # VLAN-tagged query (802.1Q, VID 7).
    add("queries", eth(mac, 0x8100, struct.pack("!HH", 7, 0x0800) +
                       ipv4(CLIENT4, OUR4, 17, udp(40001, 53, dns_query(3)))))
    add("upstream", eth(mac, 0x0800, ipv4(UPSTREAM4, OUR4, 17, udp(
        53, 40002, dns_response(4), UPSTREAM4))))
    add("spoofed", eth(mac, 0x0800, ipv4(STRANGER4, OUR4, 17, udp(
        53, 40002, dns_response(4), STRANGER4))))
    # For the kernel (dropped without an exception path): TCP/53.
    add("exception", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 6, struct.pack(
        "!HHIIBBHHH", 40000, 53, 1, 0, 0x50, 0x02, 1024, 0, 0))))
    add("fragments", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 17,
                                           udp(40000, 53, dns_query(5)), frag=0x2000)))
    bad = bytearray(udp(40000, 53, dns_query(9)))
    bad[-1] ^= 0xFF
    add("bad_cksum", eth(mac, 0x0800, ipv4(CLIENT4, OUR4, 17, bytes(bad))))
    # IPv4 total length larger than the frame.
    bad = bytearray(ipv4(CLIENT4, OUR4, 17, udp(40000, 53, dns_query(6))))
    bad[2:4] = struct.pack("!H", 1400)
    add("malformed", eth(mac, 0x0800, bytes(bad)))
    add("not_ours", eth(bytes.fromhex("02aabbccddee"), 0x0800,
                        ipv4(CLIENT4, OUR4, 17, udp(40000, 53, dns_query(7)))))
    other = bytes([10, 9, 9, 9])
    add("not_ours", eth(mac, 0x0800, ipv4(CLIENT4, other, 17, udp(
        40000, 53, dns_query(8), CLIENT4, other))))

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            if len(fr) < 60:
                fr += b"\0" * (60 - len(fr))
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)
    for k in sorted(expect):
        print("%s=%d" % (k, expect[k]))


def check(path, mac):
    """Classify what trustwire sent: each reply from our MAC, to the
    client, with the right type."""
    data = open(path, "rb").read()
    off, seen = 24, {"tx_frames": 0, "tx_arp_reply": 0, "tx_nd_na": 0,
                     "tx_echo_reply": 0, "tx_arp_request": 0, "tx_other": 0}
    while off + 16 <= len(data):
        n = struct.unpack("<IIII", data[off:off + 16])[2]
        fr = data[off + 16:off + 16 + n]
        off += 16 + n
        seen["tx_frames"] += 1
        et = struct.unpack("!H", fr[12:14])[0]
        if fr[6:12] == mac and fr[0:6] == b"\xff" * 6 and et == 0x0806 \
                and fr[20:22] == b"\0\1" and fr[28:32] == OUR4 and \
                fr[38:42] == UPSTREAM4:
            # The validator asks for the upstream's MAC (RFC 826).
            seen["tx_arp_request"] += 1
        elif fr[6:12] != mac or fr[0:6] != SRC_MAC:
            seen["tx_other"] += 1
        elif et == 0x0806 and fr[20:22] == b"\0\2" and fr[28:32] == OUR4:
            seen["tx_arp_reply"] += 1
        elif et == 0x86DD and fr[20] == 58 and fr[54] == 136 and \
                fr[62:78] == OUR6 and csum(phdr(fr[22:38], fr[38:54], 58,
                                                len(fr) - 54) + fr[54:]) == 0:
            seen["tx_nd_na"] += 1
        elif et == 0x0800 and fr[23] == 1 and fr[34] == 0 and \
                fr[26:30] == OUR4 and csum(fr[14:34]) == 0 and \
                csum(fr[34:]) == 0:
            seen["tx_echo_reply"] += 1
        else:
            seen["tx_other"] += 1
    for k in sorted(seen):
        print("%s=%d" % (k, seen[k]))


def main():
    if sys.argv[1] == "--check":
        check(sys.argv[2], bytes.fromhex(sys.argv[3].replace(":", "")))
    else:
        build(sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")))


if __name__ == "__main__":
    main()
