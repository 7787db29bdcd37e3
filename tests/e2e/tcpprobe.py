#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tcpprobe.py - one TCP connection attempt from a chosen source address.

Usage: tcpprobe.py SRC DST PORT TIMEOUT
Prints one word and exits with its code:
  banner   0  connected and read the server's greeting (all of its lines)
  reset    1  refused (the server side answered the SYN with a RST)
  timeout  2  no answer to the SYN within TIMEOUT seconds (SYNs dropped)
  error    3  anything else (message on stderr)
  nobanner 4  connected, but no banner within BANNER_TIMEOUT seconds
  ended    5  connected, then reset before the whole banner came (a ban
              that ends the source's open connections: close_connections)
TIMEOUT bounds only the connect: a connection that was made is given
BANNER_TIMEOUT (5 s) for the banner, so that a slow server on a busy
machine is never mistaken for a dropped SYN.
"""
import socket
import sys

BANNER_TIMEOUT = 5.0


def main():
    src, dst, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect((dst, port))
    except ConnectionRefusedError:
        print("reset")
        s.close()
        return 1
    except (socket.timeout, TimeoutError):
        print("timeout")
        s.close()
        return 2
    except (ConnectionResetError, BrokenPipeError):
        # the handshake completed (a refused SYN is ECONNREFUSED) and the
        # connection was reset before connect() returned
        print("ended")
        s.close()
        return 5
    except OSError as e:
        print("error")
        print(f"{src} -> {dst}:{port}: {e}", file=sys.stderr)
        s.close()
        return 3
    s.settimeout(BANNER_TIMEOUT)
    try:
        f = s.makefile("rb")
        line = f.readline()
        if not line.startswith(b"220"):
            print("error")
            print(f"unexpected banner {line!r}", file=sys.stderr)
            return 3
        # a multi-line greeting (postscreen's "220-" then, after its greet
        # wait, "220 "): talking before its end is what a bot does
        while line.startswith(b"220-"):
            line = f.readline()
        if not line.startswith(b"220 "):
            # the connection ended inside a multi-line greeting
            print("ended")
            return 5
        try:
            s.sendall(b"QUIT\r\n")
        except OSError:
            pass  # the banner came; a ban may end the connection after it
        print("banner")
        return 0
    except (socket.timeout, TimeoutError):
        print("nobanner")
        return 4
    except ConnectionResetError:
        print("ended")
        return 5
    except OSError as e:
        print("error")
        print(f"{src} -> {dst}:{port} after connecting: {e}", file=sys.stderr)
        return 3
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
