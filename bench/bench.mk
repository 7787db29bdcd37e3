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
#   BENCH_DNSBL_RATES="1000 2000 5000 8000 10000"  offered new sources/s per step
#   BENCH_DNSBL_SECONDS=5                   seconds per step

BENCH_BUILD = $(BUILD)/bench
BENCH_XDP = $(BENCH_BUILD)/bench_xdp
BENCH_TRIVIAL_SKEL = $(BENCH_BUILD)/xdp_pass.skel.h
BENCH_XDP_ARGS ?=
# What bench_xdp borrows: the counters' table and per-CPU sum (stats, with
# json), the bounded number parser (settings, with errbuf), and the BPF
# tests' frame builder.
BENCH_XDP_OBJS = $(call obj,stats json settings duration errbuf)
BENCH_XDP_SRCS = bench/bench_xdp.c tests/bpf/packets.c

.PHONY: bench-xdp bench-load bench-dnsbl

# The floor: the end-to-end tests' XDP_PASS program, built by the top-level
# Makefile with the same compiler and flags as the real program.
$(BENCH_TRIVIAL_SKEL): $(BUILD)/tests/xdp_pass.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_trivial_bpf > $@

$(BENCH_XDP): $(BENCH_XDP_SRCS) tests/bpf/packets.h $(BENCH_XDP_OBJS) \
		$(BPF_SKEL) $(BENCH_TRIVIAL_SKEL) $(BPF_HDRS) \
		$(wildcard userspace/*.h)
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
	$(Q)$(BENCH_RUN_XDP)

bench-load: $(BUILD)/mxscreen
	$(Q)mkdir -p $(BENCH_BUILD)
	$(Q)$(BENCH_RUN_LOAD)

bench-dnsbl: $(BENCH_DNSBL_DEPS)
	$(Q)$(BENCH_RUN_DNSBL)

# In sequence: no part may share the CPUs with another's timing runs.
bench: $(BENCH_XDP) $(BUILD)/mxscreen $(BENCH_DNSBL_DEPS)
	$(Q)$(BENCH_RUN_XDP)
	$(Q)$(BENCH_RUN_LOAD)
	$(Q)$(BENCH_RUN_DNSBL)
