#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""offload.py IFNAME [IFNAME...]

Turns off TX checksum offload (and with it scatter-gather and TSO, which
depend on it) on an interface, like `ethtool -K IFNAME tx off`, without
needing the ethtool package: legacy ETHTOOL_STXCSUM via SIOCETHTOOL.

Why: on a veth, the kernel leaves UDP/TCP checksums to the "hardware", so
frames read by AF_PACKET on the peer (DPDK net_af_packet) carry partial
checksums, and TSO would hand it 64 KB TCP super-frames. With TX offload
off, every frame is complete and MTU-sized, as on a wire.
Prints the new TX checksum state; exit status 1 on failure.
"""

import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_GTXCSUM = 0x16
ETHTOOL_STXCSUM = 0x17
ETHTOOL_GTSO = 0x1e


def ethtool_value(sock, ifname, cmd, data=0):
    """struct ethtool_value {u32 cmd; u32 data;} behind struct ifreq's
    ifr_data pointer (struct ifreq is 40 bytes on 64-bit Linux)."""
    buf = ctypes.create_string_buffer(struct.pack("II", cmd, data), 8)
    ifreq = struct.pack("16sP", ifname.encode("ascii"),
                        ctypes.addressof(buf)).ljust(40, b"\0")
    fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifreq)
    return struct.unpack("II", buf.raw[:8])[1]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    rc = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for ifname in argv[1:]:
            try:
                ethtool_value(s, ifname, ETHTOOL_STXCSUM, 0)
                state = ethtool_value(s, ifname, ETHTOOL_GTXCSUM)
                tso = ethtool_value(s, ifname, ETHTOOL_GTSO)
                print("%s: tx-checksumming %s, tcp-segmentation-offload %s"
                      % (ifname, "on" if state else "off",
                         "on" if tso else "off"))
                if state or tso:
                    rc = 1
            except OSError as e:
                sys.stderr.write("offload: %s: %s\n" % (ifname, e))
                rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
