# exhume: plain Makefile.  `make demo` and `make check` install what is missing.
# `make check-fast` is `make check` without the boot-image test.
# Modules are discovered: every src/<module>/*.c is part of the library except
# src/cli and src/tui, which are the front ends linked into the binary.

CC      ?= cc
PREFIX     ?= /usr/local
RULES_DIR  ?= $(CURDIR)/rules
LOCALE_DIR ?= $(CURDIR)/build/locale
# libevtx comes last: the libyal libraries export the helper libraries they
# bundle (libcdata, libcerror, libbfio ...) and the first one loaded
# serves them all; libevtx 20240504's copies break libewf's and the
# others' when they come first.
PKGS    := libntfs-3g yara libcrypto libarchive libnewt blkid hivex \
           libpcre2-8 libxml-2.0 zlib libvhdi libqcow libvmdk libsmraw libewf \
           libvshadow libevtx
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread

WARN    := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla
DEFS    := -D_GNU_SOURCE -DEXH_RULES_DIR='"$(RULES_DIR)"' \
           -DEXH_LOCALE_DIR='"$(LOCALE_DIR)"'
CPPFLAGS_ALL := -Iinclude $(DEFS) $(PKG_CFLAGS)
REL_CFLAGS := $(WARN) -O2 -g
SAN_CFLAGS := $(WARN) -O1 -g -fsanitize=address,undefined \
              -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined


LIB_SRC  := $(sort $(filter-out src/cli/% src/tui/%,$(wildcard src/*/*.c)))
BIN_SRC  := $(sort $(wildcard src/cli/*.c src/tui/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
HDRS     := $(wildcard include/exhume/*.h src/*/*_int.h)

REL_LIB_OBJ := $(LIB_SRC:%.c=build/rel/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=build/san/%.o)
REL_BIN_OBJ := $(BIN_SRC:%.c=build/rel/%.o)
SAN_BIN_OBJ := $(BIN_SRC:%.c=build/san/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)
TOOL_BIN    := $(filter-out build/tools/faultinject build/tools/lowspace,\
               $(TOOL_SRC:tests/tools/%.c=build/tools/%)) \
               build/tools/faultinject.so build/tools/lowspace.so

EXHUME     := build/rel/exhume
EXHUME_SAN := build/san/exhume

.PHONY: all deps demo check check-fast lint unit integration bench bench-history eval image check-image \
        clean install tools locale fuzz fuzz-smoke
all: $(EXHUME) locale

# ---- build ----------------------------------------------------------------
build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(REL_CFLAGS) $(CPPFLAGS_ALL) -c $< -o $@
build/san/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	@$(CC) $(SAN_CFLAGS) $(CPPFLAGS_ALL) -c $< -o $@

build/rel/libexhume.a: $(REL_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^
build/san/libexhume.a: $(SAN_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

$(EXHUME): $(REL_BIN_OBJ) build/rel/libexhume.a
	$(CC) $(REL_CFLAGS) -o $@ $(REL_BIN_OBJ) build/rel/libexhume.a $(PKG_LIBS)
$(EXHUME_SAN): $(SAN_BIN_OBJ) build/san/libexhume.a
	$(CC) $(SAN_CFLAGS) $(SAN_LDFLAGS) -o $@ $(SAN_BIN_OBJ) \
	    build/san/libexhume.a $(PKG_LIBS)

build/san/tests/%: tests/unit/%.c build/san/libexhume.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) $(CPPFLAGS_ALL) -Isrc $(shell pkg-config --cflags cmocka) \
	    $(SAN_LDFLAGS) -o $@ $< build/san/libexhume.a $(PKG_LIBS) \
	    $(shell pkg-config --libs cmocka)

# Test tools (fixture builders, generators) write test files: they are not
# part of exhume.  They may use the library's API.
build/tools/%: tests/tools/%.c build/rel/libexhume.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) $(CPPFLAGS_ALL) -Isrc -o $@ $< build/rel/libexhume.a \
	    $(PKG_LIBS)
# faultinject.so is preloaded into the release binary by t1400: it fails
# the Nth allocation or reads at chosen offsets.  Not linked to exhume.
build/tools/faultinject.so: tests/tools/faultinject.c
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -shared -fPIC -o $@ $< -ldl
# lowspace.so is preloaded by t5360: a directory reports little free space.
build/tools/lowspace.so: tests/tools/lowspace.c
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -shared -fPIC -o $@ $< -ldl
tools: $(TOOL_BIN)

# ---- translations ----------------------------------------------------------
# po/<lang>/*.po: one catalog part per front end or module (cli, tui,
# report), merged into one "exhume" domain per language.
LANGS := $(notdir $(wildcard po/*))
MO := $(LANGS:%=build/locale/%/LC_MESSAGES/exhume.mo)
.SECONDEXPANSION:
build/locale/%/LC_MESSAGES/exhume.mo: $$(wildcard po/%/*.po)
	@mkdir -p $(@D)
	msgcat --use-first -o $(@D)/exhume.po $^
	msgfmt --check -o $@ $(@D)/exhume.po
locale: $(MO)

# ---- the two commands -----------------------------------------------------
deps:
	@sh tests/lib/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all tools
	@sh tests/lib/demo.sh

# check (what .ci/run runs): deps, lint, unit, integration, then
# check-image, which builds the USB image and boots it in qemu (about
# 3 min more under TCG).  check-fast: everything but check-image.
check: check-fast
	@$(MAKE) --no-print-directory check-image

check-fast: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory fuzz-smoke

lint: $(HDRS)
	@sh tests/lib/lint.sh

unit: locale $(UNIT_BIN)
	@sh tests/lib/run-unit.sh $(UNIT_BIN)

# Two test scripts at a time: t1300's mutants are the long pole and the
# rest runs beside them (every script has its own temporary folder).
PROVE_FLAGS ?= -j2

integration: $(EXHUME_SAN) $(EXHUME) $(TOOL_BIN) locale
	@EXHUME=$(CURDIR)/$(EXHUME_SAN) EXHUME_REL=$(CURDIR)/$(EXHUME) \
	    TOOLS=$(CURDIR)/build/tools TOP=$(CURDIR) \
	    prove -f --timer --ext .sh $(PROVE_FLAGS) tests/t/

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer harnesses tests/fuzz/fuzz_<parser>.c, linked against the library
# built by clang with coverage, ASan and UBSan.  fuzz-smoke (in check-fast)
# replays every saved regression input, then fuzzes each harness for
# FUZZ_SMOKE_RUNS inputs from its seeds with a fixed seed (the same verdict
# on every machine; FUZZ_SMOKE_SECONDS caps it); `make fuzz` fuzzes each FUZZ_SECONDS
# and then runs FUZZ_MUTANTS mutated disks through the CLI (t1300).
FUZZ_CC     ?= clang-14
FUZZ_CFLAGS := -std=c17 -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/%.o)
FUZZ_SMOKE_SECONDS ?= 120
FUZZ_SMOKE_RUNS ?= 1000
FUZZ_SECONDS ?= 600
FUZZ_MUTANTS ?= 3000
FUZZ_MUTANT_SEED ?= 1000

build/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS_ALL) -c $< -o $@
build/fuzz/libexhume.a: $(FUZZ_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^
build/fuzz/bin/%: tests/fuzz/%.c build/fuzz/libexhume.a $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS_ALL) -Isrc \
	    -o $@ $< build/fuzz/libexhume.a $(PKG_LIBS)
fuzz-smoke: $(FUZZ_BIN) build/tools/mkfixture
	@FUZZ_RUNS=$(FUZZ_SMOKE_RUNS) sh tests/lib/fuzz.sh \
	    $(FUZZ_SMOKE_SECONDS) $(FUZZ_BIN)
fuzz: $(FUZZ_BIN) build/tools/mkfixture $(EXHUME_SAN)
	@sh tests/lib/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
	@MUTANTS=$(FUZZ_MUTANTS) MUTANT_SEED=$(FUZZ_MUTANT_SEED) \
	    EXHUME=$(CURDIR)/$(EXHUME_SAN) TOOLS=$(CURDIR)/build/tools \
	    TOP=$(CURDIR) prove -v tests/t/t1300-mutated-disks.sh

bench: deps
	@$(MAKE) --no-print-directory all tools
	@sh bench/run.sh

# Peak memory with 100k deleted records and a 4 GiB journal (never in check).
bench-history: all tools
	@sh bench/history.sh

# Generic web-shell rules on a benign corpus (skipped when there is none).
eval: all tools
	@sh bench/eval-webshells.sh

-include image/image.mk

install: all
	install -D -m 755 $(EXHUME) $(DESTDIR)$(PREFIX)/bin/exhume
	install -D -m 644 src/cli/exhume.8 $(DESTDIR)$(PREFIX)/share/man/man8/exhume.8

clean:
	rm -rf build

# The evtx test writer is #included by its users; rebuild them when it changes.
EVTXW := tests/lib/evtxwriter.c tests/lib/evtxwriter.h
build/tools/mkevtx: $(EVTXW)
$(filter build/san/tests/test_events_%,$(UNIT_BIN)): $(EVTXW) \
    tests/unit/events_helper.h
# The hive spec builder is #included by mkhive and the host unit tests.
build/tools/mkhive $(filter build/san/tests/test_host_%,$(UNIT_BIN)): \
    tests/lib/hivespec.h
