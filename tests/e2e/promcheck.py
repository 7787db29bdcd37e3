#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""promcheck.py - read mxscreen's Prometheus text with a real parser
(prometheus_client, Debian's python3-prometheus-client) and check it.

  promcheck.py check FILE|-         parse; check the rules below; print
                                    "N families, M samples"
  promcheck.py value FILE|- NAME [LABEL=VALUE...]
                                    print the value of one sample (an
                                    integer); exit 1 when there is none
  promcheck.py series FILE|-        print "name{label=value,...}" of every
                                    sample, sorted (values left out), to
                                    compare two expositions' shapes
  promcheck.py watch FILE SECONDS   read FILE over and over for SECONDS
                                    while something rewrites it: every
                                    read must be a whole, valid
                                    exposition; print how many different
                                    files (inodes) were seen

The rules: every metric is named mxscreen_...; a counter's samples end in
_total; no label is named for an address (addr, address, ip, src,
source, client, host); no label value is an IP address.  Failures go to
stderr with what was found, exit status 1.

Run it with /usr/bin/python3: the Debian package installs the parser for
the system's Python.
"""
import ipaddress
import os
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

ADDRESS_LABELS = {"addr", "address", "ip", "src", "source", "client", "host"}
# the family the exposition ends with: a file cut short lacks it
LAST_FAMILY = "mxscreen_dnsbl_zone_usable"


class Bad(Exception):
    pass


def read(path):
    if path == "-":
        return sys.stdin.read()
    with open(path) as f:
        return f.read()


def parse(text):
    """The families of text, checked; raises Bad."""
    if not text.endswith("\n"):
        raise Bad("does not end in a newline (cut short?)")
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others
        raise Bad(f"the parser refuses it: {e!r}")
    if not families:
        raise Bad("no metrics")
    names = [f.name for f in families]
    if len(set(names)) != len(names):
        raise Bad(f"a family appears twice: {names}")
    for fam in families:
        if not fam.name.startswith("mxscreen_"):
            raise Bad(f"metric {fam.name} is not named mxscreen_...")
        for s in fam.samples:
            if fam.type == "counter" and not s.name.endswith("_total"):
                raise Bad(f"counter sample {s.name} does not end in _total")
            for label, value in s.labels.items():
                if label.lower() in ADDRESS_LABELS:
                    raise Bad(f"{s.name} has a label {label}={value}")
                try:
                    ipaddress.ip_address(value)
                except ValueError:
                    continue
                raise Bad(f"{s.name} has an address as a label value: "
                          f"{label}={value}")
    return families


def samples(families):
    for fam in families:
        yield from fam.samples


def cmd_check(path):
    fams = parse(read(path))
    print(f"{len(fams)} families, {sum(1 for _ in samples(fams))} samples")


def cmd_value(path, name, *labels):
    want = dict(kv.split("=", 1) for kv in labels)
    for s in samples(parse(read(path))):
        if s.name == name and all(s.labels.get(k) == v
                                  for k, v in want.items()):
            print(int(s.value))
            return
    raise Bad(f"no sample {name} with {want}")


def cmd_series(path):
    out = set()
    for s in samples(parse(read(path))):
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        out.add(f"{s.name}{{{labels}}}")
    print("\n".join(sorted(out)))


def cmd_watch(path, seconds):
    end = time.monotonic() + float(seconds)
    inodes, reads = set(), 0
    while time.monotonic() < end:
        # open and read through one descriptor: a rename replaces the
        # name, never the file an open descriptor reads
        with open(path) as f:
            inode = os.fstat(f.fileno()).st_ino
            text = f.read()
        reads += 1
        try:
            families = parse(text)
        except Bad as e:
            raise Bad(f"read {reads} (inode {inode}): {e}")
        if not any(f.name == LAST_FAMILY for f in families):
            raise Bad(f"read {reads} (inode {inode}): no {LAST_FAMILY}: "
                      f"cut short?")
        inodes.add(inode)
    print(f"{reads} reads, {len(inodes)} files")


def main(argv):
    cmds = {"check": cmd_check, "value": cmd_value, "series": cmd_series,
            "watch": cmd_watch}
    if len(argv) < 3 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except Bad as e:
        print(f"promcheck: {argv[2]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
