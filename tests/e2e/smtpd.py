#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""smtpd.py - a minimal SMTP greeter for the end-to-end tests.

Usage: smtpd.py LOGFILE PORT...
Listens on every port on all IPv4 and IPv6 addresses, answers each
connection with a 220 banner, and appends "PORT SOURCE" to LOGFILE, so a
test can count the connections that really reached the server.
"""
import selectors
import socket
import sys


def main():
    log = open(sys.argv[1], "a", buffering=1)
    sel = selectors.DefaultSelector()
    for port in map(int, sys.argv[2:]):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
        s.listen(128)
        sel.register(s, selectors.EVENT_READ, port)
    while True:
        for key, _ in sel.select():
            conn, addr = key.fileobj.accept()
            src = addr[0].removeprefix("::ffff:")
            log.write(f"{key.data} {src}\n")
            try:
                conn.sendall(b"220 mxscreen-test ESMTP\r\n")
            except OSError:
                pass
            conn.close()


if __name__ == "__main__":
    main()
