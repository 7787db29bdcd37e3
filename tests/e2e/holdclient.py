#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""holdclient.py - clients that connect and hold their connections open,
for the end-to-end tests of ending banned sources' connections.

Usage: holdclient.py LOGFILE SRC,DST,PORT...
Opens one connection per argument from SRC to DST:PORT and keeps them all
open without sending anything.  Appends to LOGFILE "open SRC PORT" once
connected (or "failed SRC PORT WHY"), and "ended SRC PORT WHY TIME" when
a connection ends (WHY: ECONNRESET for a RST, EOF for the server's FIN;
TIME: CLOCK_REALTIME seconds).  Runs until killed.
"""
import errno
import selectors
import socket
import sys
import time


def main():
    log = open(sys.argv[1], "a", buffering=1)
    sel = selectors.DefaultSelector()
    for spec in sys.argv[2:]:
        src, dst, port = spec.split(",")
        family = socket.AF_INET6 if ":" in dst else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.bind((src, 0))
        s.settimeout(5)
        try:
            s.connect((dst, int(port)))
        except (ConnectionResetError, BrokenPipeError):
            # the handshake completed (a refused SYN is ECONNREFUSED) and
            # the connection was reset before connect() returned: a ban
            # that ended it at once
            log.write(f"open {src} {port}\n")
            log.write(f"ended {src} {port} ECONNRESET {time.time():.3f}\n")
            s.close()
            continue
        except OSError as e:
            log.write(f"failed {src} {port} {e.errno}\n")
            s.close()
            continue
        log.write(f"open {src} {port}\n")
        sel.register(s, selectors.EVENT_READ, (src, port))
    while True:
        if not sel.get_map():
            time.sleep(3600)
            continue
        for key, _ in sel.select():
            src, port = key.data
            try:
                if key.fileobj.recv(4096):
                    continue
                why = "EOF"
            except OSError as e:
                why = errno.errorcode.get(e.errno, str(e.errno))
            log.write(f"ended {src} {port} {why} {time.time():.3f}\n")
            sel.unregister(key.fileobj)
            key.fileobj.close()


if __name__ == "__main__":
    main()
