#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""holdserver.py - a server that accepts and then stays silent, as
postscreen does during its greet wait, for the end-to-end tests of
ending banned sources' connections.

Usage: holdserver.py LOGFILE PORT...
Listens on every port (IPv4 and IPv6, one dual-stack socket each), keeps
every accepted connection open without sending anything, and appends to
LOGFILE "open PORT SOURCE" when it accepts one and "ended PORT SOURCE
WHY" when its read fails or sees the end (WHY: the errno name, or EOF).
"""
import errno
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
        sel.register(s, selectors.EVENT_READ, ("listen", port))
    while True:
        for key, _ in sel.select():
            kind, port, *rest = key.data
            if kind == "listen":
                conn, addr = key.fileobj.accept()
                src = addr[0].removeprefix("::ffff:")
                log.write(f"open {port} {src}\n")
                sel.register(conn, selectors.EVENT_READ, ("conn", port, src))
                continue
            src = rest[0]
            try:
                data = key.fileobj.recv(4096)
                if data:
                    continue
                why = "EOF"
            except OSError as e:
                why = errno.errorcode.get(e.errno, str(e.errno))
            log.write(f"ended {port} {src} {why}\n")
            sel.unregister(key.fileobj)
            key.fileobj.close()


if __name__ == "__main__":
    main()
