#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""synloop.py - connection attempts from one source at a steady rate, to
catch a moment in which the screener lets a blocked source through or
refuses an allowed one.

Usage: synloop.py SRC DST PORT INTERVAL WAIT MAX SECONDS STOPFILE
Every INTERVAL seconds a new non-blocking connect from SRC (each one a
fresh SYN), until STOPFILE exists, MAX attempts were made or SECONDS
passed; each attempt is given WAIT seconds.  Prints one JSON line:
  attempts   connects started
  connected  handshakes that completed (for a blocked source: a gap)
  slow       of them, completed after more than SLOW seconds: the first
             SYN was lost and a retransmission got through (for an
             allowed source: a refusal)
  timeout    no handshake within WAIT (SYNs dropped)
  error      refused (RST) or another error
"""
import errno
import json
import os
import selectors
import socket
import sys
import time

SLOW = 0.5


def main():
    src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    interval, wait = float(sys.argv[4]), float(sys.argv[5])
    max_attempts, seconds, stopfile = int(sys.argv[6]), float(sys.argv[7]), sys.argv[8]
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    sel = selectors.DefaultSelector()
    counts = dict(attempts=0, connected=0, slow=0, timeout=0, error=0)
    start = time.monotonic()
    next_at = start

    def finish(s, what):
        sel.unregister(s)
        s.close()
        counts[what] += 1

    while True:
        now = time.monotonic()
        stopping = (counts["attempts"] >= max_attempts or now - start >= seconds
                    or os.path.exists(stopfile))
        if stopping and not sel.get_map():
            break
        if not stopping and now >= next_at:
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((src, 0))
            rc = s.connect_ex((dst, port))
            counts["attempts"] += 1
            if rc not in (0, errno.EINPROGRESS):
                s.close()
                counts["error"] += 1
            else:
                sel.register(s, selectors.EVENT_WRITE, now)
            next_at += interval
        for key, _ in sel.select(timeout=min(interval, 0.05)):
            s, began = key.fileobj, key.data
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                if time.monotonic() - began > SLOW:
                    counts["slow"] += 1
                finish(s, "connected")
            else:
                finish(s, "error")
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            if now - key.data > wait:
                finish(key.fileobj, "timeout")
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
