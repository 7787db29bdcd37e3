# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# mxscreen top-level Makefile.
#   make              build the CLI and the BPF object into build/
#   make test         install test dependencies, run every test
#   make demo         screener in throwaway namespaces
#   make bench        cost per packet and bulk-load figures (not a test)
#   make install      PREFIX=/usr/local DESTDIR=
#   V=1               show full commands

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/mxscreen
UNITDIR ?= $(PREFIX)/lib/systemd/system

# The one place the version is written; debian/changelog must agree
# (the package test checks).
VERSION = 0.1.0

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH_TRIPLET := $(shell $(CC) -print-multiarch)
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
# -Iuserspace: a header of another userspace folder is "lib/kmap.h".
CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -DMXSCREEN_VERSION='"$(VERSION)"' \
	  -I$(BUILD)/bpf -Iuserspace \
	  $(shell $(PKG_CONFIG) --cflags libxdp libbpf 2>/dev/null)
# EXTRA_CFLAGS: added to every compile and link (make test-asan uses it;
# CFLAGS on the command line would replace the flags above).
CFLAGS += $(EXTRA_CFLAGS)
LDLIBS = $(shell $(PKG_CONFIG) --libs libxdp libbpf 2>/dev/null) -lelf -lz

BPF_CFLAGS = -O2 -g -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	     -Wall -Werror -I/usr/include/$(ARCH_TRIPLET)

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer

# --- userspace modules -------------------------------------------------------
# A module NAME is userspace/FOLDER/NAME.c (README, "Layout"): lib/ holds
# what both programs link, mxscreen/ the CLI's own modules, mxscreend/ the
# daemon's own.  Each program links lib/ and its folder, nothing else.
USERSPACE_DIRS = lib mxscreen mxscreend
# Both programs: parsing and printing (pure, unit tested one by one), the
# maps (kmap), the Prometheus exposition.
LIB_MODULES = errbuf addr duration listfile settings json stats log boottime \
	      kmap kmap_dir metrics
# The CLI's own.
CLI_MODULES = cli cli_args cli_lists cli_attach cli_info cli_daemon

BPF_OBJ = $(BUILD)/bpf/mxscreen.bpf.o
BPF_SKEL = $(BUILD)/bpf/mxscreen.skel.h
# The socket iterator that ends banned sources' connections: an object of
# its own, as it needs kernel 6.5 where the screener needs 6.1.
CLOSE_OBJ = $(BUILD)/bpf/sockclose.bpf.o
CLOSE_SKEL = $(BUILD)/bpf/sockclose.skel.h
BPF_HDRS = $(wildcard bpf/*.h)

# The source of each module named in $(1), in whichever folder it is.
mod_src = $(foreach m,$(1),\
	$(or $(wildcard $(USERSPACE_DIRS:%=userspace/%/$(m).c)),\
	     $(error no module $(m) in userspace/{$(USERSPACE_DIRS)})))
# Their objects: build/obj/userspace/FOLDER/NAME.o.
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(call mod_src,$(1)))
san_obj = $(patsubst %.c,$(BUILD)/san/%.o,$(call mod_src,$(1)))

CLI_OBJS = $(call obj,$(LIB_MODULES) $(CLI_MODULES)) \
	   $(BUILD)/obj/loader/loader.o

# mxscreend: the DNSBL daemon.  c-ares does its DNS.  Its configuration
# (config_format: the effective settings of mxscreend -n), the DNSBL
# engine and its zones, the state file.
MXSCREEND_MODULES = config config_format dnsbl_sites inflight state handshake \
		    dnsbl daemon daemon_state mxscreend metrics_file \
		    daemon_iface
MXSCREEND_OBJS = $(call obj,$(LIB_MODULES) $(MXSCREEND_MODULES)) \
		 $(BUILD)/obj/loader/loader.o
CARES_LIBS = $(shell $(PKG_CONFIG) --libs libcares 2>/dev/null)
# Its static lists: mynetworks, allowlist_files, blocklist_files.
MXSCREEND_MODULES += listsync
# The fleet export (docs/fleet.md): export.c writes the text and is pure,
# export_file.c walks the maps and writes the file.
LIB_MODULES += export export_file
CLI_MODULES += cli_export
MXSCREEND_MODULES += daemon_export
# Postfix's own verdicts (daemon_postfix.h): the events' names, the line
# parser and the window counts are pure; the reader follows files and the
# journal (libsystemd's sd-journal); bans share daemon_ban.c with rate bans.
LIB_MODULES += pflog_event pfscore kmap_pfscore
MXSCREEND_MODULES += pflog_parse pflog_file pflog_journal pflog daemon_ban \
		     daemon_postfix
# Ending banned sources' connections (sockclose.h): the BPF iterator or
# sock_diag, for the CLI's block and the daemon's bans.
LIB_MODULES += sockclose sockdiag
MXSCREEND_MODULES += daemon_close
# The policy service (daemon_policy.h): the protocol and the per-login
# windows are pure; the server owns the sockets; accounts live in a map.
LIB_MODULES += account kmap_account
CLI_MODULES += cli_account
MXSCREEND_MODULES += policy_proto policy_server daemon_policy
SYSTEMD_LIBS = $(shell $(PKG_CONFIG) --libs libsystemd 2>/dev/null)

.PHONY: all clean test test-unit test-bpf test-journal test-man test-install test-e2e \
	test-asan test-valgrind lint demo demo-run bench install deps deb test-deb
.DELETE_ON_ERROR:
# Keep intermediate objects (sanitizer builds) between runs.
.SECONDARY:

all: $(BUILD)/mxscreen $(BUILD)/mxscreend $(BPF_OBJ)

# --- BPF ---------------------------------------------------------------------
$(BPF_OBJ): bpf/mxscreen.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name mxscreen_bpf > $@

$(CLOSE_OBJ): bpf/sockclose.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(CLOSE_SKEL): $(CLOSE_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name sockclose_bpf > $@

# --- userspace ---------------------------------------------------------------
USERSPACE_HDRS = $(wildcard $(USERSPACE_DIRS:%=userspace/%/*.h) loader/*.h)

$(BUILD)/obj/%.o: %.c $(BPF_SKEL) $(CLOSE_SKEL) $(USERSPACE_HDRS) $(BPF_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c $(BPF_SKEL) $(CLOSE_SKEL) $(USERSPACE_HDRS) $(BPF_HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/mxscreen: $(CLI_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mxscreend: $(MXSCREEND_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CARES_LIBS) \
		$(SYSTEMD_LIBS)

# --- tests -------------------------------------------------------------------
# Each unit test links only its module plus the modules that module needs.
UNIT_TESTS = $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_DEPS_addr = errbuf
UNIT_DEPS_duration = errbuf
UNIT_DEPS_settings = duration errbuf
UNIT_DEPS_dnsbl_sites = errbuf
UNIT_DEPS_config = dnsbl_sites duration settings addr errbuf pflog_event
UNIT_DEPS_config_format = $(UNIT_DEPS_config) config listfile
UNIT_DEPS_pflog_parse = pflog_event addr errbuf
UNIT_DEPS_listfile = addr errbuf
UNIT_DEPS_stats = json
UNIT_DEPS_cli_args = addr duration settings errbuf export
UNIT_DEPS_state = addr settings duration errbuf
UNIT_DEPS_export = addr settings duration errbuf
# metrics: the kmap calls are stubbed by the test
UNIT_DEPS_metrics = stats json settings duration errbuf addr
# metrics_file: metrics_write and log_msg are stubbed by the test
UNIT_DEPS_metrics_file =
# dnsbl: the test calls its pure reply parser only; the engine links along
UNIT_DEPS_dnsbl = $(sort config inflight log $(UNIT_DEPS_config))
UNIT_LIBS_dnsbl = $(CARES_LIBS)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c tests/unit/check.h
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(call obj,$* $(UNIT_DEPS_$*)) $(CMOCKA_LIBS) \
		$(UNIT_LIBS_$*)

$(BUILD)/tests/unit-san/test_%: tests/unit/test_%.c tests/unit/check.h
	$(call msg,LINK-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $< \
		$(call san_obj,$* $(UNIT_DEPS_$*)) $(CMOCKA_LIBS) $(UNIT_LIBS_$*)

# The module under test and the modules it needs are prerequisites too,
# from whichever folder they are in.  Explicit rules: a pattern rule
# without a recipe would add no prerequisites.
$(foreach t,$(UNIT_TESTS),\
	$(eval $(BUILD)/tests/unit/test_$(t): $(call obj,$(t) $(UNIT_DEPS_$(t))))\
	$(eval $(BUILD)/tests/unit-san/test_$(t): $(call san_obj,$(t) $(UNIT_DEPS_$(t)))))

UNIT_BINS = $(patsubst %,$(BUILD)/tests/unit/test_%,$(UNIT_TESTS))
UNIT_SAN_BINS = $(patsubst %,$(BUILD)/tests/unit-san/test_%,$(UNIT_TESTS))

# The program with its maps written by the real writer (kmap, kmap_dir).
XDP_TEST_OBJS = $(call obj,kmap kmap_dir settings duration stats json addr \
			errbuf)
$(BUILD)/tests/bpf/test_xdp: tests/bpf/test_xdp.c tests/bpf/packets.c \
		tests/bpf/packets.h $(XDP_TEST_OBJS) $(BPF_SKEL) $(BPF_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/bpf -o $@ tests/bpf/test_xdp.c \
		tests/bpf/packets.c $(XDP_TEST_OBJS) $(LDLIBS) $(CMOCKA_LIBS) \
		-lpthread

# The handshake program through the daemon's module, with real
# connections in a network namespace of its own.
HANDSHAKE_TEST_OBJS = $(call obj,handshake kmap kmap_dir log settings duration stats json addr \
			errbuf) $(BUILD)/obj/loader/loader.o
$(BUILD)/tests/bpf/test_handshake: tests/bpf/test_handshake.c tests/bpf/lo.h \
		tests/unit/check.h $(HANDSHAKE_TEST_OBJS) $(BPF_SKEL) $(BPF_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ tests/bpf/test_handshake.c \
		$(HANDSHAKE_TEST_OBJS) $(LDLIBS) $(CMOCKA_LIBS)

# Which connections a ban ends, with real sockets, through both
# mechanisms (the iterator and sock_diag).
SOCKCLOSE_TEST_OBJS = $(call obj,sockclose sockdiag) $(XDP_TEST_OBJS)
$(BUILD)/tests/bpf/test_sockclose: tests/bpf/test_sockclose.c tests/bpf/lo.h \
		tests/unit/check.h $(SOCKCLOSE_TEST_OBJS) $(CLOSE_SKEL) $(BPF_HDRS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ tests/bpf/test_sockclose.c \
		$(SOCKCLOSE_TEST_OBJS) $(LDLIBS) $(CMOCKA_LIBS)

deps:
	$(Q)scripts/deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory lint test-unit test-fuzz test-bpf \
		test-journal test-man test-install test-deb test-e2e test-asan \
		test-valgrind

# cppcheck and clang-tidy (.clang-tidy) over userspace/ and loader/.
lint: $(BPF_SKEL) $(CLOSE_SKEL)
	$(Q)scripts/lint.sh $(BUILD)

# make install honours DESTDIR and PREFIX, and the binary it installs runs.
test-install: all
	$(Q)echo "== make install"; rm -rf $(BUILD)/install-test; \
	$(MAKE) --no-print-directory -s install DESTDIR=$(CURDIR)/$(BUILD)/install-test \
		PREFIX=/usr >/dev/null; \
	for f in usr/sbin/mxscreen usr/lib/mxscreen/mxscreen.bpf.o \
		 usr/share/man/man8/mxscreen.8 usr/share/man/man8/mxscreend.8 \
		 usr/share/man/man5/mxscreen.conf.5 usr/share/doc/mxscreen/LICENSE \
		 usr/share/doc/mxscreen/examples/mxscreen.conf.example \
		 usr/share/doc/mxscreen/examples/mxscreend.conf \
		 usr/lib/systemd/system/mxscreend.service \
		 usr/lib/systemd/system/mxscreen@.service; do \
		test -f $(BUILD)/install-test/$$f || { echo "missing $$f"; exit 1; }; \
	done; $(BUILD)/install-test/usr/sbin/mxscreen --version; \
	$(BUILD)/install-test/usr/sbin/mxscreend --version; \
	rm -rf $(BUILD)/install-test; \
	echo "== systemd units"; \
	out=$$(systemd-analyze verify scripts/systemd/mxscreend.service \
		scripts/systemd/mxscreen@.service 2>&1 | \
		grep -v -e "is not executable" -e "Command 'man " || true); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "units: ok"

# Every manual page renders without a single warning.
test-man:
	$(Q)fail=0; for page in man/*.[0-9]; do \
		echo "== $$page"; \
		out=$$(man --warnings -l $$page 2>&1 >/dev/null; \
		       groff -man -Tutf8 -ww $$page 2>&1 >/dev/null); \
		if [ -n "$$out" ]; then echo "$$out"; fail=1; fi; \
	done; [ $$fail = 0 ] && echo "man pages: ok"

test-unit: $(UNIT_BINS) $(UNIT_SAN_BINS)
	$(Q)set -e; for t in $(UNIT_BINS) $(UNIT_SAN_BINS); do \
		echo "== $$t"; $$t; done

BPF_TESTS = $(BUILD)/tests/bpf/test_xdp $(BUILD)/tests/bpf/test_handshake \
	    $(BUILD)/tests/bpf/test_sockclose

# test_xdp, fuzz_xdp and bench_xdp pin their maps under /sys/fs/bpf so that
# kmap can write them; bpffs is not mounted at boot everywhere, so mount it
# first, as the loader does for the CLI.
BPFFS_READY = mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

test-bpf: $(BPF_TESTS)
	$(Q)$(BPFFS_READY)
	$(Q)set -e; for t in $(BPF_TESTS); do echo "== $$t"; $$t; done

# The journal reader against a real systemd-journald, started by the test
# in a private mount namespace.
JOURNAL_READER = $(BUILD)/tests/journal/journal_reader
JOURNAL_READER_OBJS = $(call obj,pflog_journal pflog_parse pflog_event addr errbuf)
$(JOURNAL_READER): tests/journal/journal_reader.c $(JOURNAL_READER_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(SYSTEMD_LIBS)

JOURNAL_SEND = $(BUILD)/tests/journal/journal_send
$(JOURNAL_SEND): tests/journal/journal_send.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(SYSTEMD_LIBS)

test-journal: $(JOURNAL_READER) $(JOURNAL_SEND)
	$(Q)tests/journal/test_journal.sh $(JOURNAL_READER) $(JOURNAL_SEND)

$(BUILD)/tests/xdp_pass.bpf.o: tests/e2e/xdp_pass.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

test-e2e: all $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o tests/e2e/run.sh $(BUILD)/mxscreen

# The whole end-to-end suite once more, with the CLI and the daemon built
# with ASan and UBSan (objects in $(BUILD)/asan).  Every report is written
# to $(BUILD)/asan-reports, and any report fails the run, leaks included:
# a sanitizer message in a test's output alone could go unnoticed (a test
# that expects a command to fail would take the sanitizer's exit for it).
# Built with clang: gcc's UBSan ignores log_path and prints to stderr.
ASAN_BUILD = $(BUILD)/asan
ASAN_REPORTS = $(CURDIR)/$(BUILD)/asan-reports
test-asan: $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CC=$(CLANG) \
		EXTRA_CFLAGS="-O1 $(SAN_FLAGS)" $(ASAN_BUILD)/mxscreen $(ASAN_BUILD)/mxscreend
	$(Q)rm -rf $(ASAN_REPORTS); mkdir -p $(ASAN_REPORTS); \
	ASAN_OPTIONS=log_path=$(ASAN_REPORTS)/asan:detect_leaks=1 \
	UBSAN_OPTIONS=log_path=$(ASAN_REPORTS)/ubsan:print_stacktrace=1 \
	XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o tests/e2e/run.sh $(ASAN_BUILD)/mxscreen; \
	rc=$$?; reports=$$(ls $(ASAN_REPORTS)); \
	if [ -n "$$reports" ]; then \
		echo "test-asan: sanitizer reports:"; \
		for r in $(ASAN_REPORTS)/*; do echo "== $$r"; cat "$$r"; done; \
		exit 1; \
	fi; \
	echo "test-asan: no sanitizer report"; exit $$rc

# The daemon under valgrind memcheck through the DNSBL end-to-end test:
# no error, no leak.  tests/valgrind/bpf.supp holds the false positives of
# valgrind's bpf() wrapper, and nothing else.
VG_REPORTS = $(CURDIR)/$(BUILD)/valgrind-reports
test-valgrind: all $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)rm -rf $(VG_REPORTS); mkdir -p $(VG_REPORTS); \
	E2E_DAEMON_WRAPPER="valgrind --log-file=$(VG_REPORTS)/mxscreend.%p \
		--suppressions=$(CURDIR)/tests/valgrind/bpf.supp --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect" \
	XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o tests/e2e/run.sh $(BUILD)/mxscreen test_dnsbl; \
	rc=$$?; n=0; bad=0; \
	for r in $(VG_REPORTS)/*; do \
		[ -e "$$r" ] || continue; n=$$((n + 1)); \
		grep -E "ERROR SUMMARY|in use at exit|All heap blocks" "$$r"; \
		grep -q "ERROR SUMMARY: 0 errors" "$$r" || { bad=1; cat "$$r"; }; \
	done; \
	[ $$n -gt 0 ] || { echo "test-valgrind: no valgrind report: did the daemon run?"; exit 1; }; \
	[ $$bad = 0 ] || { echo "test-valgrind: memcheck found errors"; exit 1; }; \
	echo "test-valgrind: $$n daemon runs, no memcheck error, no leak"; exit $$rc

# deps first, then a fresh make: the variables above ask pkg-config and the
# compiler, which a fresh machine only has after deps.sh.
demo: deps
	$(Q)$(MAKE) --no-print-directory demo-run

demo-run: all $(BUILD)/tests/xdp_pass.bpf.o
	$(Q)XDP_PASS_OBJ=$(BUILD)/tests/xdp_pass.bpf.o scripts/demo.sh $(BUILD)/mxscreen

-include bench/bench.mk
-include tests/fuzz/fuzz.mk

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)/mxscreen \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/mxscreen $(DESTDIR)$(SBINDIR)/mxscreen
	install -m 0755 $(BUILD)/mxscreend $(DESTDIR)$(SBINDIR)/mxscreend
	install -m 0644 $(BPF_OBJ) $(DESTDIR)$(LIBDIR)/mxscreen/mxscreen.bpf.o
	install -m 0644 man/mxscreen.8 man/mxscreend.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/mxscreen.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	install -m 0644 docs/mxscreen.conf.example scripts/fail2ban/mxscreend.conf \
		$(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 scripts/systemd/mxscreend.service \
		scripts/systemd/mxscreen@.service $(DESTDIR)$(UNITDIR)/

# --- Debian package ------------------------------------------------------------
# make deb: build/deb/mxscreen_VERSION_ARCH.deb, built from a copy of the
# tree (dpkg-buildpackage writes into the parent directory, and must not
# see build/ or .git).
DEB_DIR = $(BUILD)/deb
deb:
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/mxscreen-$(VERSION)
	$(Q)tar -c --exclude=./$(BUILD) --exclude=./.git --exclude=./debian/build . | \
		tar -x -C $(DEB_DIR)/mxscreen-$(VERSION)
	$(Q)cd $(DEB_DIR)/mxscreen-$(VERSION) && \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -40 ../build.log; echo "make deb failed: $(DEB_DIR)/build.log"; exit 1; }
	$(Q)rm -rf $(DEB_DIR)/mxscreen-$(VERSION)
	$(Q)ls $(DEB_DIR)/*.deb

# The package built, checked by lintian, installed into a fresh Debian 12
# root, removed and purged (tests/deb/test_package.sh).  Needs dpkg-dev,
# debhelper, lintian and mmdebstrap (deps.sh) and Debian's mirror.
test-deb:
	$(Q)if ! command -v dpkg-buildpackage >/dev/null; then \
		echo "== package test: SKIP (dpkg-dev not installed; scripts/deps.sh installs it)"; \
	else $(MAKE) --no-print-directory deb && tests/deb/test_package.sh $(DEB_DIR); fi

clean:
	rm -rf $(BUILD)
