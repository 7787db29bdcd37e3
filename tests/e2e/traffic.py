#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""traffic.py - steady SMTP connection attempts from a refused and a
welcome source, for a bounded time, counting every wrong outcome.

Usage: traffic.py DST PORT SECONDS STOPFILE REFUSED_SRC WELCOME_SRC
Round after round, until SECONDS have passed or STOPFILE exists: one
connect from REFUSED_SRC (must not be answered within 0.3 s: the SYN is
dropped) and one from WELCOME_SRC (must connect; its connection is
closed at once).  Prints "rounds=N refused_passed=N welcome_refused=N"
and exits 0 either way: the test judges the numbers.
"""
import os
import socket
import sys
import time


def attempt(src, dst, port, timeout):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect((dst, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def main():
    dst, port, seconds, stopfile = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    refused_src, welcome_src = sys.argv[5], sys.argv[6]
    end = time.monotonic() + seconds
    rounds = refused_passed = welcome_refused = 0
    while time.monotonic() < end and not os.path.exists(stopfile):
        rounds += 1
        if attempt(refused_src, dst, port, 0.3):
            refused_passed += 1
        if not attempt(welcome_src, dst, port, 2.0):
            welcome_refused += 1
    print(f"rounds={rounds} refused_passed={refused_passed} welcome_refused={welcome_refused}")


if __name__ == "__main__":
    main()
