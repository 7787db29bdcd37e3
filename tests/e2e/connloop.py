#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""connloop.py - many complete TCP handshakes from one source, bounded.

Usage: connloop.py SRC DST PORT COUNT
Connects COUNT times in a row from SRC to DST:PORT (each connect waits at
most 1 s) and closes each connection at once; prints how many were made.
Used to fill the handshake ring buffer while mxscreend is stopped.
"""
import socket
import sys


def main():
    src, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    made = 0
    for _ in range(count):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(1.0)
        try:
            s.bind((src, 0))
            s.connect((dst, port))
            made += 1
        except OSError:
            pass
        finally:
            s.close()
    print(made)


if __name__ == "__main__":
    main()
