#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""fakeauth.py - a Dovecot authentication server for Postfix's
smtpd_sasl_type = dovecot in the end-to-end tests: it refuses everyone
(so smtpd logs "SASL PLAIN authentication failed"), or accepts the
logins it is given.

Usage: fakeauth.py SOCKET_PATH [USER:PASSWORD,...]
Speaks the server side of Dovecot's auth protocol (version 1.2): the
handshake (VERSION, MECH, SPID, CUID, COOKIE, DONE), then for every AUTH
request OK when it is PLAIN with an initial response naming a listed user
and password, FAIL otherwise.  One thread per connection; runs until
killed.
"""
import base64
import os
import socket
import sys
import threading


USERS = {}


def verdict(fields):
    """OK or FAIL for one AUTH request's fields."""
    mech = fields[2] if len(fields) > 2 else b""
    resp = [f[5:] for f in fields[3:] if f.startswith(b"resp=")]
    if mech == b"PLAIN" and resp:
        try:
            _, user, password = base64.b64decode(resp[0]).split(b"\0")
        except ValueError:
            return b"FAIL\t" + fields[1] + b"\treason=bad response\n"
        if USERS.get(user) == password:
            return b"OK\t" + fields[1] + b"\tuser=" + user + b"\n"
    return b"FAIL\t" + fields[1] + b"\treason=wrong password\n"


def serve(conn):
    f = conn.makefile("rb")
    conn.sendall(b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
                 b"SPID\t1\nCUID\t1\nCOOKIE\t" + b"0" * 32 + b"\nDONE\n")
    for line in f:
        fields = line.rstrip(b"\n").split(b"\t")
        if fields[0] == b"AUTH" and len(fields) > 1:
            conn.sendall(verdict(fields))
    conn.close()


def main():
    path = sys.argv[1]
    for pair in (sys.argv[2].split(",") if len(sys.argv) > 2 else []):
        user, password = pair.split(":", 1)
        USERS[user.encode()] = password.encode()
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
