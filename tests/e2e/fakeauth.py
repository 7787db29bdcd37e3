#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""fakeauth.py - a Dovecot authentication server that refuses everyone,
for Postfix's smtpd_sasl_type = dovecot in the Postfix log reader's test:
every AUTH fails, so smtpd logs "SASL PLAIN authentication failed".

Usage: fakeauth.py SOCKET_PATH
Speaks the server side of Dovecot's auth protocol (version 1.2): the
handshake (VERSION, MECH, SPID, CUID, COOKIE, DONE), then FAIL for every
AUTH request.  One thread per connection; runs until killed.
"""
import os
import socket
import sys
import threading


def serve(conn):
    f = conn.makefile("rb")
    conn.sendall(b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
                 b"SPID\t1\nCUID\t1\nCOOKIE\t" + b"0" * 32 + b"\nDONE\n")
    for line in f:
        fields = line.rstrip(b"\n").split(b"\t")
        if fields[0] == b"AUTH" and len(fields) > 1:
            conn.sendall(b"FAIL\t" + fields[1] + b"\treason=wrong password\n")
    conn.close()


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.listen(16)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
