# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# fuzz.mk - fuzzing (included by the top-level Makefile).
#   make fuzz          every target under libFuzzer for FUZZ_SECONDS (300)
#                      each: new inputs go into tests/fuzz/corpus/TARGET,
#                      crashes into build/fuzz/crashes/TARGET, the output
#                      into build/fuzz/logs/TARGET.log.  Needs clang with
#                      libFuzzer (libclang-rt-14-dev); fuzz_xdp needs root.
#   FUZZ_TARGETS="addr state"   only these (names without fuzz_)
#   FUZZ_SECONDS=60    seconds per target
#   FUZZ_ARGS=...      more libFuzzer options (-jobs=2 -workers=2, ...)
#   make fuzz-merge    minimise every corpus in place (libFuzzer -merge=1)
#   make fuzz-seeds    write the built seeds (DNS replies, frames: mkseeds.c)
#                      into their corpora
#   make test-fuzz     every corpus and regression input through every
#                      target built without libFuzzer (replay.c, ASan and
#                      UBSan, gcc): part of `make test`
#
# Replaying one input: build/fuzz/replay/fuzz_TARGET FILE (or
# build/fuzz/fuzz_TARGET FILE, the libFuzzer build, which does the same).

FUZZ_BUILD = $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_ARGS ?=
FUZZ_TARGETS ?= addr duration settings dnsbl_sites state listfile config \
		cli_args dns_answer xdp pflog_parse policy_proto

# Each target links the module it fuzzes and what that module needs (the
# unit test's list, so both follow the module), plus FUZZ_SRCS_x and
# FUZZ_LIBS_x.
fuzz_mods = $(1) $(UNIT_DEPS_$(1))
FUZZ_MODS_addr = $(call fuzz_mods,addr)
FUZZ_MODS_duration = $(call fuzz_mods,duration)
FUZZ_MODS_settings = $(call fuzz_mods,settings)
FUZZ_MODS_dnsbl_sites = $(call fuzz_mods,dnsbl_sites)
# and the clock conversions the state file's times go through
FUZZ_MODS_state = $(call fuzz_mods,state) boottime
FUZZ_MODS_listfile = $(call fuzz_mods,listfile)
FUZZ_MODS_config = $(call fuzz_mods,config)
FUZZ_MODS_cli_args = $(call fuzz_mods,cli_args)
FUZZ_MODS_pflog_parse = $(call fuzz_mods,pflog_parse)
FUZZ_MODS_policy_proto = $(call fuzz_mods,policy_proto)
FUZZ_MODS_dns_answer = $(call fuzz_mods,dnsbl)
FUZZ_LIBS_dns_answer = $(CARES_LIBS)
# The real XDP object (the skeleton), its writer (kmap) and the BPF tests'
# frame builder.
FUZZ_MODS_xdp = kmap kmap_dir settings duration stats json addr errbuf
FUZZ_SRCS_xdp = tests/bpf/packets.c
FUZZ_LIBS_xdp = $(LDLIBS)

FUZZ_HDRS = tests/fuzz/fuzz.h tests/bpf/packets.h $(BPF_SKEL) $(BPF_HDRS) \
	    $(USERSPACE_HDRS)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
fuzz_obj = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(call mod_src,$(1)))

.PHONY: fuzz fuzz-merge fuzz-seeds test-fuzz

# Modules with libFuzzer's coverage instrumentation (clang only).
$(FUZZ_BUILD)/obj/%.o: %.c $(BPF_SKEL) $(USERSPACE_HDRS) $(BPF_HDRS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

# fuzz_NAME under libFuzzer, and the same target with replay.c's main().
define fuzz_target_rules
$(FUZZ_BUILD)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) \
		$(FUZZ_HDRS) $(call fuzz_obj,$(FUZZ_MODS_$(1)))
	$$(call msg,LINK,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CLANG) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Itests/bpf \
		-o $$@ tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) \
		$(call fuzz_obj,$(FUZZ_MODS_$(1))) $(FUZZ_LIBS_$(1))

$(FUZZ_BUILD)/replay/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c \
		$(FUZZ_SRCS_$(1)) $(FUZZ_HDRS) $(call san_obj,$(FUZZ_MODS_$(1)))
	$$(call msg,LINK-SAN,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests/bpf -o $$@ \
		tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c $(FUZZ_SRCS_$(1)) \
		$(call san_obj,$(FUZZ_MODS_$(1))) $(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target_rules,$(t))))

# The built seeds: DNS replies and frames (the text seeds are files).
$(FUZZ_BUILD)/mkseeds: tests/fuzz/mkseeds.c tests/bpf/packets.c \
		tests/bpf/packets.h tests/unit/dnsmsg.h
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ tests/fuzz/mkseeds.c tests/bpf/packets.c

fuzz-seeds: $(FUZZ_BUILD)/mkseeds
	$(Q)mkdir -p tests/fuzz/corpus/dns_answer tests/fuzz/corpus/xdp
	$(Q)$(FUZZ_BUILD)/mkseeds tests/fuzz/corpus/dns_answer tests/fuzz/corpus/xdp

# A target's inputs: its corpus, then its regressions (read, never
# written) if it has any; its dictionary if it has one.
fuzz_inputs = tests/fuzz/corpus/$$t $$( [ -d tests/fuzz/regressions/$$t ] && \
	echo tests/fuzz/regressions/$$t) $$( [ -f tests/fuzz/dict/$$t.dict ] && \
	echo -dict=tests/fuzz/dict/$$t.dict)

fuzz: $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))
	$(Q)$(BPFFS_READY)
	$(Q)failed=""; for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/corpus/$$t $(FUZZ_BUILD)/crashes/$$t \
			$(FUZZ_BUILD)/logs; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ \
			$(FUZZ_ARGS) $(fuzz_inputs) \
			> $(FUZZ_BUILD)/logs/$$t.log 2>&1 || failed="$$failed $$t"; \
		grep -aE "^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::average_exec_per_sec|ERROR|invariant violated|^artifact_prefix|Test unit written" \
			$(FUZZ_BUILD)/logs/$$t.log || true; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: crashes in:$$failed (see $(FUZZ_BUILD)/logs and $(FUZZ_BUILD)/crashes)"; \
		exit 1; \
	fi

# Minimising keeps the named seeds (seed-*) as they are and drops the
# copies libFuzzer makes of them (named by the SHA-1 of their content);
# inputs are cut to FUZZ_MERGE_MAX_LEN bytes.
FUZZ_MERGE_MAX_LEN ?= 4096
fuzz-merge: $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))
	$(Q)$(BPFFS_READY)
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		c=tests/fuzz/corpus/$$t; m=$(FUZZ_BUILD)/merge/$$t; \
		rm -rf $$m; mkdir -p $$m $(FUZZ_BUILD)/logs; \
		$(FUZZ_BUILD)/fuzz_$$t -merge=1 -max_len=$(FUZZ_MERGE_MAX_LEN) \
			$$m $$c > $(FUZZ_BUILD)/logs/$$t-merge.log 2>&1 || \
			{ tail $(FUZZ_BUILD)/logs/$$t-merge.log; exit 1; }; \
		for s in $$c/seed-*; do \
			[ -f "$$s" ] || continue; cp "$$s" $$m/; \
			rm -f $$m/$$(sha1sum < "$$s" | cut -d' ' -f1); \
		done; \
		echo "fuzz_$$t: $$(ls $$c | wc -l) inputs -> $$(ls $$m | wc -l)"; \
		rm -rf $$c; mv $$m $$c; \
	done

test-fuzz: $(patsubst %,$(FUZZ_BUILD)/replay/fuzz_%,$(FUZZ_TARGETS))
	$(Q)$(BPFFS_READY)
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t: corpus and regressions"; \
		$(FUZZ_BUILD)/replay/fuzz_$$t tests/fuzz/corpus/$$t \
			tests/fuzz/regressions/$$t; \
	done
