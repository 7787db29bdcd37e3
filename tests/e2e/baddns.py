#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""baddns.py - a DNS server that misbehaves on purpose, for the fault
injection test of mxscreend (tests/e2e/test_dns_faults.sh).

Usage: baddns.py ADDR PORT LOGFILE [LISTED_ADDR...]

Every zone answers its RFC 5782 probes correctly (2.0.0.127.ZONE is
127.0.0.2, 1.0.0.127.ZONE does not exist), so that mxscreend takes the
zone into use; every other query gets the fault the zone is named for:

  garbage.test  the query's ID followed by random bytes (0..300 of them),
                or, every other time, a whole packet of random bytes
  trunc.test    a listing (127.0.0.2) cut off inside its answer record
  wrongid.test  a listing (127.0.0.2) under another query ID: it must be
                ignored, so the lookup times out
  count.test    a header that promises 40 answers, and one listing
  cname.test    a CNAME loop: the name points to another that points back
  ptrloop.test  an answer whose owner name is a compression pointer to
                itself
  servfail.test SERVFAIL
  silent.test   no answer at all
  hugettl.test  the LISTED_ADDRs listed (127.0.0.2) with a TTL of
                2^31 - 1 seconds; every other address does not exist

Each query is logged as "ZONE NAME" to LOGFILE (flushed per line), so the
test can tell that the daemon did ask.  Only ever runs on loopback inside
the test's network namespace.
"""
import ipaddress
import random
import socket
import struct
import sys

TYPE_A, TYPE_CNAME = 1, 5
RCODE_NXDOMAIN, RCODE_SERVFAIL = 3, 2
rng = random.Random(5782)


def parse_query(pkt):
    """(id, flags, labels, question bytes) or None."""
    if len(pkt) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    if qd != 1 or flags & 0x8000:
        return None
    pos, labels = 12, []
    while pos < len(pkt):
        n = pkt[pos]
        pos += 1
        if n == 0:
            break
        if n > 63 or pos + n > len(pkt):
            return None
        labels.append(pkt[pos:pos + n].decode("ascii", "replace").lower())
        pos += n
    if pos + 4 > len(pkt):
        return None
    return qid, flags, labels, pkt[12:pos + 4]


def header(qid, rcode=0, an=0, flags=0x8400):
    return struct.pack("!HHHHHH", qid, flags | rcode, 1, an, 0, 0)


def rr_a(ttl, addr, owner=b"\xc0\x0c"):
    return owner + struct.pack("!HHIH", TYPE_A, 1, ttl, 4) + \
        socket.inet_aton(addr)


def encode_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def listed(qid, question, ttl=300):
    return header(qid, an=1) + question + rr_a(ttl, "127.0.0.2")


def address_of(labels, zone_labels):
    """The address a DNSBL query name is about, or None."""
    rev = labels[:len(labels) - zone_labels]
    try:
        if len(rev) == 4:
            return str(ipaddress.ip_address(".".join(reversed(rev))))
        if len(rev) == 32:
            nibbles = "".join(reversed(rev))
            groups = [nibbles[i:i + 4] for i in range(0, 32, 4)]
            return str(ipaddress.ip_address(":".join(groups)))
    except ValueError:
        pass
    return None


def answer(pkt, listed_addrs):
    q = parse_query(pkt)
    if not q:
        return None, None
    qid, _, labels, question = q
    zone = ".".join(labels[-2:])
    name = ".".join(labels)
    rev = labels[:-2]
    if rev == ["2", "0", "0", "127"]:
        return zone + " " + name, listed(qid, question)
    if rev == ["1", "0", "0", "127"]:
        return zone + " " + name, header(qid, RCODE_NXDOMAIN) + question
    log = zone + " " + name
    if zone == "garbage.test":
        junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        if rng.random() < 0.5:
            return log, struct.pack("!H", qid) + junk
        return log, bytes(rng.getrandbits(8)
                          for _ in range(rng.randint(1, 512)))
    if zone == "trunc.test":
        full = listed(qid, question)
        cut = len(header(qid)) + len(question) + rng.randint(1, 13)
        return log, full[:cut]
    if zone == "wrongid.test":
        return log, listed(qid ^ 0x5555, question)
    if zone == "count.test":
        full = listed(qid, question)
        return log, full[:6] + struct.pack("!H", 40) + full[8:]
    if zone == "cname.test":
        other = encode_name("loop." + zone)
        rr1 = b"\xc0\x0c" + struct.pack("!HHIH", TYPE_CNAME, 1, 300,
                                        len(other)) + other
        # the second record's owner is the first one's target
        target = 12 + len(question) + 12
        rr2 = struct.pack("!H", 0xc000 | target) + \
            struct.pack("!HHIH", TYPE_CNAME, 1, 300, 2) + b"\xc0\x0c"
        return log, header(qid, an=2) + question + rr1 + rr2
    if zone == "ptrloop.test":
        own = 12 + len(question)
        return log, header(qid, an=1) + question + \
            rr_a(300, "127.0.0.2", owner=struct.pack("!H", 0xc000 | own))
    if zone == "servfail.test":
        return log, header(qid, RCODE_SERVFAIL) + question
    if zone == "silent.test":
        return log, None
    if zone == "hugettl.test":
        if address_of(labels, 2) in listed_addrs:
            return log, listed(qid, question, ttl=2**31 - 1)
        return log, header(qid, RCODE_NXDOMAIN) + question
    return log, header(qid, RCODE_NXDOMAIN) + question


def main():
    addr, port, logfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    listed_addrs = {str(ipaddress.ip_address(a)) for a in sys.argv[4:]}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    with open(logfile, "a", buffering=1) as log:
        while True:
            pkt, peer = sock.recvfrom(4096)
            what, reply = answer(pkt, listed_addrs)
            if what:
                log.write(what + "\n")
            if reply is not None:
                sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
