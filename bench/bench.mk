# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# bench.mk - `make bench` (included by the top-level Makefile; not part of
# `make test`).  Needs root.
#   make bench           both parts below
#   make bench-xdp       cost per packet: build/bench/xdp.json + a table
#   make bench-load      CLI bulk import of 1M prefixes: build/bench/bulkload.json
#   BENCH_XDP_ARGS=...   extra bench_xdp options (--only ipv4-1M, --runs 9, ...)

BENCH_BUILD = $(BUILD)/bench
BENCH_XDP = $(BENCH_BUILD)/bench_xdp
BENCH_TRIVIAL_SKEL = $(BENCH_BUILD)/xdp_pass.skel.h
BENCH_XDP_ARGS ?=
# What bench_xdp borrows: the counters' table and per-CPU sum (stats, with
# json), the bounded number parser (settings, with errbuf), and the BPF
# tests' frame builder.
BENCH_XDP_OBJS = $(call obj,stats json settings errbuf)
BENCH_XDP_SRCS = bench/bench_xdp.c tests/bpf/packets.c

.PHONY: bench-xdp bench-load

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

BENCH_RUN_XDP = $(BENCH_XDP) --out $(BENCH_BUILD)/xdp.json $(BENCH_XDP_ARGS)
BENCH_RUN_LOAD = bench/bulkload.sh $(BUILD)/mxscreen $(BENCH_BUILD)

bench-xdp: $(BENCH_XDP)
	$(Q)$(BENCH_RUN_XDP)

bench-load: $(BUILD)/mxscreen
	$(Q)mkdir -p $(BENCH_BUILD)
	$(Q)$(BENCH_RUN_LOAD)

# In sequence: the bulk load must not share the CPUs with the timing runs.
bench: $(BENCH_XDP) $(BUILD)/mxscreen
	$(Q)$(BENCH_RUN_XDP)
	$(Q)$(BENCH_RUN_LOAD)
