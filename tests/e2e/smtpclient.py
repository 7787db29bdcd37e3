#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""smtpclient.py - SMTP clients that behave as bots (or not), for the
Postfix log reader's end-to-end test.

Usage: smtpclient.py MODE SRC DST PORT [COUNT] [PAYLOAD]
Modes:
  pregreet  talk before the server's greeting: send PAYLOAD (default
            "EHLO bot") right after connecting, as spam bots do
  http      wait for the greeting, then speak HTTP ("GET / HTTP/1.1")
  authfail  EHLO, then COUNT times AUTH PLAIN with a wrong password
  unknown   EHLO, MAIL, then COUNT recipients the server does not know
  good      EHLO, MAIL, one known recipient, QUIT; COUNT connections
  submit    log in as PAYLOAD ("USER:PASSWORD") with AUTH PLAIN, then send
            COUNT messages of RCPTS recipients each (RCPTS: the 7th
            argument, default 1), to rcptN@remote.test; prints
            "accepted=A deferred=D rejected=R" (recipients) and
            "messages=M" (messages the server took), and, for the first
            refusal, its reply ("first=450 4.7.1 ...")
  authfail-hold, unknown-hold
            as authfail and unknown, but then no QUIT: the client holds
            the session, as a bot waiting for its next try, until the
            server side ends it; prints how: "reset" (a RST: mxscreen's
            ban ended it), "eof" (the server hung up) or "open" (still
            open after HOLD_TIMEOUT)
Prints "done" (exit 0) when the session went as planned as far as the
client is concerned, or "error: ..." (exit 1).  Every read is bounded.
"""
import base64
import socket
import sys

TIMEOUT = 15.0
HOLD_TIMEOUT = 10.0


def connect(src, dst, port):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.bind((src, 0))
    s.connect((dst, port))
    return s


def reply(f):
    """One SMTP reply (all its lines): (code, text)."""
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise EOFError("connection closed")
        lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(lines[-1][:3]), "\n".join(lines)


def cmd(s, f, text):
    s.sendall(text.encode() + b"\r\n")
    return reply(f)


def hold(s):
    """Wait for the server side to end the session: how it ended."""
    s.settimeout(HOLD_TIMEOUT)
    try:
        while s.recv(4096):
            pass
        return "eof"
    except ConnectionResetError:
        return "reset"
    except socket.timeout:
        return "open"


def session(src, dst, port):
    s = connect(src, dst, port)
    f = s.makefile("rb")
    code, text = reply(f)
    if code != 220:
        raise RuntimeError(f"greeting {text!r}")
    cmd(s, f, "EHLO client.example")
    return s, f


def main():
    mode, src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    payload = sys.argv[6] if len(sys.argv) > 6 else "EHLO bot"
    if mode == "pregreet":
        s = connect(src, dst, port)
        s.sendall(payload.encode().replace(b"\\r\\n", b"\r\n") + b"\r\n")
        f = s.makefile("rb")
        try:
            while f.readline():  # postscreen hangs up after its tests
                pass
        except (socket.timeout, OSError):
            pass
    elif mode == "http":
        s = connect(src, dst, port)
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"GET / HTTP/1.1\r\nHost: mx\r\n\r\n")
        try:
            while f.readline():
                pass
        except (socket.timeout, OSError):
            pass
    elif mode in ("authfail", "authfail-hold"):
        s, f = session(src, dst, port)
        try:
            for i in range(count):
                cred = base64.b64encode(f"\0alice\0guess{i}".encode()).decode()
                code, text = cmd(s, f, "AUTH PLAIN " + cred)
                if code < 500:
                    raise RuntimeError(f"AUTH answered {text!r}")
        except ConnectionResetError:
            if not mode.endswith("-hold"):
                raise
            # the ban came (from the log of the last failure) before the
            # client had read its reply
            print("reset")
            return 0
        if mode.endswith("-hold"):
            print(hold(s))
            return 0
        cmd(s, f, "QUIT")
    elif mode in ("unknown", "unknown-hold"):
        s, f = session(src, dst, port)
        cmd(s, f, "MAIL FROM:<sender@client.example>")
        try:
            for i in range(count):
                code, text = cmd(s, f, f"RCPT TO:<nobody{i}@mx.test>")
                if code < 500:
                    raise RuntimeError(f"RCPT answered {text!r}")
        except ConnectionResetError:
            if not mode.endswith("-hold"):
                raise
            print("reset")
            return 0
        if mode.endswith("-hold"):
            print(hold(s))
            return 0
        cmd(s, f, "QUIT")
    elif mode == "submit":
        user, password = payload.split(":", 1)
        rcpts = int(sys.argv[7]) if len(sys.argv) > 7 else 1
        s, f = session(src, dst, port)
        cred = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        code, text = cmd(s, f, "AUTH PLAIN " + cred)
        if code != 235:
            raise RuntimeError(f"AUTH answered {text!r}")
        counts = {"accepted": 0, "deferred": 0, "rejected": 0}
        first, messages = "", 0
        for m in range(count):
            cmd(s, f, f"MAIL FROM:<{user}@mx.test>")
            took = 0
            for r in range(rcpts):
                code, text = cmd(s, f, f"RCPT TO:<rcpt{m}-{r}@remote.test>")
                kind = ("accepted" if code < 400 else
                        "deferred" if code < 500 else "rejected")
                counts[kind] += 1
                took += code < 400
                if code >= 400 and not first:
                    first = text.replace("\n", " ")
            if took:
                code, text = cmd(s, f, "DATA")
                if code == 354:
                    s.sendall(b"Subject: test\r\n\r\nhello\r\n.\r\n")
                    code, text = reply(f)
                    messages += code < 400
                    if code >= 400 and not first:
                        first = text.replace("\n", " ")
            else:
                cmd(s, f, "RSET")
        cmd(s, f, "QUIT")
        print(" ".join(f"{k}={v}" for k, v in counts.items()) +
              f" messages={messages}" + (f" first={first}" if first else ""))
        return 0
    elif mode == "good":
        for _ in range(count):
            s, f = session(src, dst, port)
            cmd(s, f, "MAIL FROM:<sender@client.example>")
            code, text = cmd(s, f, "RCPT TO:<postmaster@mx.test>")
            if code >= 400:
                raise RuntimeError(f"RCPT answered {text!r}")
            cmd(s, f, "RSET")
            cmd(s, f, "QUIT")
            s.close()
    else:
        raise SystemExit(f"unknown mode {mode}")
    print("done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        print(f"error: {e}")
        sys.exit(1)
