#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""policyask.py - one Postfix policy delegation request, as smtpd sends it
(SMTPD_POLICY_README: name=value lines, an empty line), and the answer's
action printed on stdout.  For the demo, where no Postfix runs.

Usage: policyask.py HOST PORT NAME=VALUE...
Exits 1 when the server closes or answers without an action line.
"""
import socket
import sys


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: policyask.py HOST PORT NAME=VALUE...")
    host, port = sys.argv[1], int(sys.argv[2])
    request = "request=smtpd_access_policy\n"
    request += "".join(a + "\n" for a in sys.argv[3:]) + "\n"
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(request.encode())
        answer = b""
        while not answer.endswith(b"\n\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    for line in answer.decode(errors="replace").splitlines():
        if line.startswith("action="):
            print(line[len("action="):])
            return
    sys.exit("policyask.py: no action in the answer: %r" % answer)


if __name__ == "__main__":
    main()
