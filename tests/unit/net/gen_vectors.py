#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the test frames of tests/unit/net (net_vectors.h) and the seed
corpus of tests/fuzz/corpus/net from the same definitions.

Checksums are computed here with a plain 16-bit-word Internet checksum
(RFC 1071), independently of lib/net. Run from anywhere:
    python3 tests/unit/net/gen_vectors.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


CLI_MAC = mac('52:54:00:12:34:56')
SRV_MAC = mac('02:00:00:00:00:53')
CLI4, SRV4 = ip4('192.0.2.10'), ip4('192.0.2.53')
CLI6, SRV6 = ip6('2001:db8::10'), ip6('2001:db8::53')

# dig example.com A +edns (UDP size 1232), ID 0x1234, RD AD
DNS_Q = bytes.fromhex('123401200001000000000001') + \
    b'\x07example\x03com\x00' + bytes.fromhex('00010001') + \
    bytes.fromhex('000029 04d0 00000000 0000'.replace(' ', ''))


def eth(dst, src, etype, tags=()):
    h = dst + src
    for tpid, tci in tags:
        h += struct.pack('!HH', tpid, tci)
    return h + struct.pack('!H', etype)


def ipv4(src, dst, proto, payload, ttl=64, ident=0x1c46, frag=0x4000,
         opts=b'', tos=0, bad_csum=False):
    ihl = 5 + len(opts) // 4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, tos,
                    ihl * 4 + len(payload), ident, frag, ttl, proto, 0,
                    src, dst) + opts
    c = csum(h)
    if bad_csum:
        c ^= 0x0101
    return h[:10] + struct.pack('!H', c) + h[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64, tc=0, flow=0x12345):
    return struct.pack('!IHBB16s16s', 6 << 28 | tc << 20 | flow,
                       len(payload), nh, hlim, src, dst) + payload


def udp(src, dst, sport, dport, payload, v6=False, zero=False, bad=False):
    ln = 8 + len(payload)
    h = struct.pack('!HHHH', sport, dport, ln, 0) + payload
    if v6:
        ph = src + dst + struct.pack('!IxxxB', ln, 17)
    else:
        ph = src + dst + struct.pack('!xBH', 17, ln)
    c = csum(ph + h) or 0xffff
    if zero:
        c = 0
    if bad:
        c ^= 0x8000
    return h[:6] + struct.pack('!H', c) + h[8:]


def icmp6(src, dst, typ, code, body):
    m = struct.pack('!BBH', typ, code, 0) + body
    ph = src + dst + struct.pack('!IxxxB', len(m), 58)
    return m[:2] + struct.pack('!H', csum(ph + m)) + m[4:]


def icmp4(typ, code, body):
    m = struct.pack('!BBH', typ, code, 0) + body
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def v4_dns(tags=(), opts=b'', frag=0x0000, payload=DNS_Q, **kw):
    u = udp(CLI4, SRV4, 53514, 53, payload, **kw)
    return eth(SRV_MAC, CLI_MAC, 0x0800, tags) + \
        ipv4(CLI4, SRV4, 17, u, opts=opts, frag=frag)


def v6_dns(ext=b'', first_nh=17, **kw):
    u = udp(CLI6, SRV6, 53514, 53, DNS_Q, v6=True, **kw)
    return eth(SRV_MAC, CLI_MAC, 0x86dd) + \
        ipv6(CLI6, SRV6, first_nh, ext + u)


# Hop-by-hop (PadN) -> destination options -> routing (type 4, segments
# left 0) -> AH (Payload Len 4: (4 + 2) * 4 = 24 octets) -> UDP
def ext_chain():
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])            # -> dstopts, PadN
    dst = bytes([43, 1, 1, 12]) + bytes(12)           # -> routing, 16 octets
    rt = bytes([51, 0, 4, 0]) + bytes(4)              # type 4, segleft 0
    ah = bytes([17, 4, 0, 0]) + struct.pack('!II', 0x1000, 1) + bytes(12)
    return hbh + dst + rt + ah


PING_DATA = struct.pack('!II', 0x65f0a1b2, 0x000c3d41) + bytes(range(0x10, 0x38))

VECTORS = {}
VECTORS['v4_dns'] = v4_dns()
VECTORS['v4_dns_vlan'] = v4_dns(tags=((0x8100, (5 << 13) | 100),))
VECTORS['v4_dns_qinq'] = v4_dns(tags=((0x88a8, 10), (0x8100, 200)))
VECTORS['v4_dns_opts'] = v4_dns(opts=bytes([0x94, 4, 0, 0]))  # router alert
VECTORS['v4_dns_nocsum'] = v4_dns(zero=True)
VECTORS['v4_dns_badcsum'] = v4_dns(bad=True)
VECTORS['v4_frag_mf'] = v4_dns(frag=0x2000)
VECTORS['v4_frag_off'] = v4_dns(frag=0x00b9)
# A 12-octet payload: Ethernet padding brings the frame to 60 octets.
VECTORS['v4_short_pad'] = v4_dns(payload=DNS_Q[:12]) + bytes(6)
VECTORS['v6_dns'] = v6_dns()
VECTORS['v6_dns_ext'] = v6_dns(ext=ext_chain(), first_nh=0)
VECTORS['v6_dns_zero'] = v6_dns(zero=True)
VECTORS['v6_frag'] = eth(SRV_MAC, CLI_MAC, 0x86dd) + ipv6(
    CLI6, SRV6, 44, bytes([17, 0, 0, 1, 0, 0, 0, 7]) +
    udp(CLI6, SRV6, 53514, 53, DNS_Q, v6=True))
VECTORS['arp_req'] = eth(b'\xff' * 6, CLI_MAC, 0x0806) + \
    arp(1, CLI_MAC, CLI4, bytes(6), SRV4)
VECTORS['arp_req_vlan'] = eth(b'\xff' * 6, CLI_MAC, 0x0806,
                              ((0x8100, 100),)) + \
    arp(1, CLI_MAC, CLI4, bytes(6), SRV4)
VECTORS['icmp4_echo'] = eth(SRV_MAC, CLI_MAC, 0x0800) + ipv4(
    CLI4, SRV4, 1, icmp4(8, 0, struct.pack('!HH', 0x4a2b, 1) + PING_DATA),
    ident=0xbeef)
VECTORS['icmp6_echo'] = eth(SRV_MAC, CLI_MAC, 0x86dd) + ipv6(
    CLI6, SRV6, 58, icmp6(CLI6, SRV6, 128, 0,
                          struct.pack('!HH', 0x4a2b, 1) + PING_DATA))
SN = ip6('ff02::1:ff00:53')
SN_MAC = mac('33:33:ff:00:00:53')
VECTORS['nd_ns'] = eth(SN_MAC, CLI_MAC, 0x86dd) + ipv6(
    CLI6, SN, 58, icmp6(CLI6, SN, 135, 0, bytes(4) + SRV6 +
                        bytes([1, 1]) + CLI_MAC), hlim=255, flow=0)
VECTORS['nd_ns_dad'] = eth(SN_MAC, CLI_MAC, 0x86dd) + ipv6(
    bytes(16), SN, 58, icmp6(bytes(16), SN, 135, 0, bytes(4) + SRV6),
    hlim=255, flow=0)


def c_array(name, data):
    out = 'static const uint8_t %s[] = {\n' % name
    for i in range(0, len(data), 12):
        out += '\t' + ', '.join('0x%02x' % b for b in data[i:i + 12]) + ',\n'
    return out + '};\n'


def main():
    h = ['/* SPDX-License-Identifier: BSD-3-Clause */',
         '/* Generated by gen_vectors.py: test frames with checksums',
         ' * computed independently of lib/net. Do not edit. */',
         '#ifndef NET_VECTORS_H', '#define NET_VECTORS_H', '',
         '#include <stdint.h>', '']
    for k, v in VECTORS.items():
        h.append(c_array('vec_' + k, v))
    h.append('#endif /* NET_VECTORS_H */')
    with open(os.path.join(HERE, 'net_vectors.h'), 'w') as f:
        f.write('\n'.join(h) + '\n')

    corpus = os.path.join(ROOT, 'tests', 'fuzz', 'corpus', 'net')
    os.makedirs(corpus, exist_ok=True)
    seeds = dict(VECTORS)
    # Invalid ones: truncated, bad version, three VLAN tags.
    seeds['trunc_v4'] = VECTORS['v4_dns'][:40]
    seeds['trunc_v6_ext'] = VECTORS['v6_dns_ext'][:70]
    bad = bytearray(VECTORS['v4_dns'])
    bad[14] = 0x65
    seeds['bad_version'] = bytes(bad)
    seeds['three_tags'] = eth(SRV_MAC, CLI_MAC, 0x88a8, ((0x8100, 1),
                                                         (0x8100, 2)))
    for k, v in seeds.items():
        with open(os.path.join(corpus, k), 'wb') as f:
            f.write(v)


if __name__ == '__main__':
    main()
