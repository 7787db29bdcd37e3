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
BENCH_TRIVIAL_OBJ = $(BENCH_BUILD)/trivial.bpf.o
BENCH_TRIVIAL_SKEL = $(BENCH_BUILD)/trivial.skel.h
BENCH_XDP_ARGS ?=

.PHONY: bench-xdp bench-load

# The floor: same compiler and flags as the real program.
$(BENCH_TRIVIAL_OBJ): bench/trivial.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_TRIVIAL_SKEL): $(BENCH_TRIVIAL_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_trivial_bpf > $@

$(BENCH_XDP): bench/bench_xdp.c $(BPF_SKEL) $(BENCH_TRIVIAL_SKEL) $(BPF_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(BENCH_BUILD) -o $@ bench/bench_xdp.c $(LDLIBS)

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
