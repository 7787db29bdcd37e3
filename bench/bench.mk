# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# bench.mk - `make bench` (included by the top-level Makefile; not part of
# `make test`).  Needs root.
#   make bench           the three parts below, one after the other
#   make bench-xdp       cost per packet: build/bench/xdp.json + a table
#   make bench-load      CLI bulk import of 1M prefixes: build/bench/bulkload.json
#   make bench-dnsbl     mxscreend against a local rbldnsd with real handshakes:
#                        new sources/s, memory per cached address, delay to the
#                        block entry: build/bench/dnsbl.json + a table
#   BENCH_XDP_ARGS=...   extra bench_xdp options (--only ipv4-1M, --runs 9, ...)
#   make bench-lists     mxscreend with a 1M-line blocklist file: sync, resync,
#                        Prometheus exposition, idle CPU: build/bench/lists.json
#   make bench-pflog     mxscreend following a Postfix log written at 100,000
#                        lines/s, rotated halfway: lines read, daemon CPU:
#                        build/bench/pflog.json
#   make bench-policy    mxscreend's Postfix policy service (policy_listen)
#                        asked as 50 smtpd processes ask it for 1,000
#                        logins: closed-loop answers/s, latency at 20,000
#                        requests/s offered, daemon CPU, against an echo
#                        server on the same loopback: build/bench/policy.json
#   BENCH_POLICY_RATE=20000 BENCH_POLICY_SECONDS=10 BENCH_POLICY_CONNS=50
#   BENCH_POLICY_ACCOUNTS=1000
#   BENCH_DNSBL_RATES="1000 2000 5000 8000 10000"  offered new sources/s per step
#   BENCH_DNSBL_SECONDS=5                   seconds per step
#   make bench-mail      a botnet floods real Postfix/postscreen, without and
#                        with mxscreen (not part of `make bench`: about 15
#                        minutes; scripts/deps.sh bench installs Postfix):
#                        build/bench/mail.json, mail.png + a table
#   BENCH_MAIL_SCENARIOS="a b c" (c: bots that pregreet, mxscreend learning
#   from Postfix's log) BENCH_MAIL_RUNS=3 BENCH_MAIL_SECONDS=25
#   BENCH_MAIL_RATE_A=300 BENCH_MAIL_B_RATES="600 1000 1500 2000 3000"

BENCH_BUILD = $(BUILD)/bench
BENCH_XDP = $(BENCH_BUILD)/bench_xdp
BENCH_TRIVIAL_SKEL = $(BENCH_BUILD)/xdp_pass.skel.h
BENCH_XDP_ARGS ?=
# What bench_xdp borrows: the counters' table and per-CPU sum (stats, with
# json), the bounded number parser (settings, with errbuf), and the BPF
# tests' frame builder.
BENCH_XDP_OBJS = $(call obj,kmap kmap_dir addr stats json settings duration \
	errbuf)
BENCH_XDP_SRCS = bench/bench_xdp.c tests/bpf/packets.c

.PHONY: bench-xdp bench-load bench-dnsbl bench-mail

# The floor: the end-to-end tests' XDP_PASS program, built by the top-level
# Makefile with the same compiler and flags as the real program.
$(BENCH_TRIVIAL_SKEL): $(BUILD)/tests/xdp_pass.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_trivial_bpf > $@

$(BENCH_XDP): $(BENCH_XDP_SRCS) tests/bpf/packets.h $(BENCH_XDP_OBJS) \
		$(BPF_SKEL) $(BENCH_TRIVIAL_SKEL) $(BPF_HDRS) $(USERSPACE_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(BENCH_BUILD) -Itests/bpf -o $@ \
		$(BENCH_XDP_SRCS) $(BENCH_XDP_OBJS) $(LDLIBS)

# The connection load generator and the SMTP greeter it talks to: plain
# C, no libraries (reused by later connection-flood benchmarks).
BENCH_LOADGEN = $(BENCH_BUILD)/loadgen
BENCH_GREETER = $(BENCH_BUILD)/greeter

$(BENCH_BUILD)/%: bench/%.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

BENCH_DNSBL_DEPS = $(BUILD)/mxscreen $(BUILD)/mxscreend \
	$(BUILD)/tests/xdp_pass.bpf.o $(BENCH_LOADGEN) $(BENCH_GREETER)

BENCH_RUN_XDP = $(BENCH_XDP) --out $(BENCH_BUILD)/xdp.json $(BENCH_XDP_ARGS)
BENCH_RUN_LOAD = bench/bulkload.sh $(BUILD)/mxscreen $(BENCH_BUILD)
BENCH_RUN_DNSBL = MXSCREEN=$(BUILD)/mxscreen MXSCREEND=$(BUILD)/mxscreend \
	XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o LOADGEN=$(BENCH_LOADGEN) \
	GREETER=$(BENCH_GREETER) bench/dnsbl.sh $(BENCH_BUILD)

bench-xdp: $(BENCH_XDP)
	$(Q)$(BPFFS_READY)
	$(Q)$(BENCH_RUN_XDP)

bench-load: $(BUILD)/mxscreen
	$(Q)mkdir -p $(BENCH_BUILD)
	$(Q)$(BENCH_RUN_LOAD)

bench-dnsbl: $(BENCH_DNSBL_DEPS)
	$(Q)$(BENCH_RUN_DNSBL)

.PHONY: bench-lists
bench-lists: $(BUILD)/mxscreen $(BUILD)/mxscreend $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)MXSCREEN=$(BUILD)/mxscreen XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o \
		bench/lists.sh $(BENCH_BUILD)

# The Postfix log reader at BENCH_PFLOG_RATE lines/s for BENCH_PFLOG_SECONDS.
BENCH_PFLOG_RATE ?= 100000
BENCH_PFLOG_SECONDS ?= 10
.PHONY: bench-pflog
bench-pflog: $(BUILD)/mxscreen $(BUILD)/mxscreend $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)MXSCREEN=$(BUILD)/mxscreen XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o \
		bench/pflog.sh $(BENCH_BUILD) $(BENCH_PFLOG_RATE) $(BENCH_PFLOG_SECONDS)

# The policy service: policygen (plain C, no libraries; also its own echo
# server, the floor) against mxscreend's policy_listen, closed loop and at
# BENCH_POLICY_RATE requests/s, BENCH_POLICY_SECONDS a run.
BENCH_POLICYGEN = $(BENCH_BUILD)/policygen
BENCH_POLICY_RATE ?= 20000
BENCH_POLICY_SECONDS ?= 10
BENCH_POLICY_CONNS ?= 50
BENCH_POLICY_ACCOUNTS ?= 1000
.PHONY: bench-policy
bench-policy: $(BUILD)/mxscreen $(BUILD)/mxscreend $(BUILD)/tests/xdp_pass.bpf.o \
		$(BENCH_POLICYGEN)
	$(Q)$(BPFFS_READY)
	$(Q)MXSCREEN=$(BUILD)/mxscreen XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o \
		POLICYGEN=$(BENCH_POLICYGEN) bench/policy.sh $(BENCH_BUILD) \
		$(BENCH_POLICY_RATE) $(BENCH_POLICY_SECONDS) $(BENCH_POLICY_CONNS) \
		$(BENCH_POLICY_ACCOUNTS)

# In sequence: no part may share the CPUs with another's timing runs.
bench: $(BENCH_XDP) $(BUILD)/mxscreen $(BENCH_DNSBL_DEPS)
	$(Q)$(BPFFS_READY)
	$(Q)$(BENCH_RUN_XDP)
	$(Q)$(BENCH_RUN_LOAD)
	$(Q)$(BENCH_RUN_DNSBL)

# --- bench-pps: packets per second dropped at 1k/100k/1M list entries by
# mxscreen, nftables (netdev ingress, ip prerouting) and the bare TCP stack.
#   BENCH_PPS_SIZES="1000 100000 1000000"   list sizes
#   BENCH_PPS_SECONDS=5                      seconds per measurement
#   BENCH_PPS_FLOOD=1000000                  entries for the spoofed-flood case
#                                            (0: skip it)
BENCH_PKTGEN = $(BENCH_BUILD)/pktgen
BENCH_PKTGEN_OBJ = $(BENCH_BUILD)/pktgen.bpf.o
BENCH_PKTGEN_SKEL = $(BENCH_BUILD)/pktgen.skel.h

.PHONY: bench-pps

$(BENCH_PKTGEN_OBJ): bench/pktgen.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_PKTGEN_SKEL): $(BENCH_PKTGEN_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name pktgen_bpf > $@

$(BENCH_PKTGEN): bench/pktgen.c tests/bpf/packets.c tests/bpf/packets.h \
		$(BENCH_PKTGEN_SKEL)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -I$(BENCH_BUILD) -Itests/bpf -o $@ \
		bench/pktgen.c tests/bpf/packets.c $(LDLIBS)

bench-pps: $(BUILD)/mxscreen $(BUILD)/mxscreend $(BPF_OBJ) $(BENCH_PKTGEN)
	$(Q)MXSCREEN=$(BUILD)/mxscreen MXSCREEND=$(BUILD)/mxscreend \
		PKTGEN=$(BENCH_PKTGEN) bench/pps.sh $(BENCH_BUILD)

# Real Postfix behind mxscreen: its own package set (postfix, gnuplot).
BENCH_MAIL_DEPS = $(BUILD)/mxscreen $(BUILD)/mxscreend \
	$(BUILD)/tests/xdp_pass.bpf.o $(BENCH_LOADGEN)

bench-mail: $(BENCH_MAIL_DEPS)
	$(Q)MXSCREEN=$(BUILD)/mxscreen MXSCREEND=$(BUILD)/mxscreend \
		XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o LOADGEN=$(BENCH_LOADGEN) \
		bench/mail.sh $(BENCH_BUILD)

# Every bench installs what it needs first (deps.sh bench: Postfix,
# nftables, ethtool, gnuplot, perf beside the build and test packages),
# and finds the tools in sbin even from a shell whose PATH lacks it (su
# without -: ethtool is /sbin/ethtool, nft /usr/sbin/nft).
BENCH_TARGETS = bench bench-xdp bench-load bench-dnsbl bench-lists bench-pflog \
	bench-policy bench-pps bench-mail
.PHONY: bench-deps
$(BENCH_TARGETS): | bench-deps
bench-deps:
	$(Q)scripts/deps.sh bench
export PATH := $(PATH):/usr/sbin:/sbin
