#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tcpprobe.py - one TCP connection attempt from a chosen source address.

Usage: tcpprobe.py SRC DST PORT TIMEOUT
Prints one word and exits with its code:
  banner  0  connected and read the server's first line
  reset   1  refused (the server side answered the SYN with a RST)
  timeout 2  no answer within TIMEOUT seconds (SYNs dropped)
  error   3  anything else (message on stderr)
"""
import socket
import sys


def main():
    src, dst, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect((dst, port))
        line = s.makefile("rb").readline()
        if not line.startswith(b"220"):
            print("error")
            print(f"unexpected banner {line!r}", file=sys.stderr)
            return 3
        s.sendall(b"QUIT\r\n")
        print("banner")
        return 0
    except ConnectionRefusedError:
        print("reset")
        return 1
    except (socket.timeout, TimeoutError):
        print("timeout")
        return 2
    except OSError as e:
        print("error")
        print(f"{src} -> {dst}:{port}: {e}", file=sys.stderr)
        return 3
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
