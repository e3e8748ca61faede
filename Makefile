# The README's two commands: `make paper` (the paper's suite, results and charts) and
# `make test`. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?= -c release
APT_PACKAGES := libpfm4-dev libnuma-dev gnuplot-nox binutils gcc iperf3 iputils-ping sockperf
BIN = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/vwifi-bench
SUITE ?= Workloads/paper.yaml
RUN_FLAGS ?=

.PHONY: deps build paper quick drift bench test doctor clean tsan asan sanitizers

# iperf3's package asks whether to run its server as a system daemon: answer no before it
# asks (the harness starts its server only inside a run's own namespace, and stops it).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  echo "iperf3 iperf3/start_daemon boolean false" | $$SUDO debconf-set-selections; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product vwifi-bench

doctor: build
	$(BIN) doctor

paper: build
	@if [ -f $(SUITE) ]; then \
	  $(BIN) run $(SUITE) $(RUN_FLAGS); \
	else \
	  echo "The paper suite ($(SUITE)) does not exist yet: running doctor and a native path smoke run."; \
	  $(BIN) doctor; \
	fi

quick:
	$(MAKE) paper RUN_FLAGS=--quick

# This machine's run-to-run drift (README: Comparing two runs): DRIFT_RUNS back-to-back runs of
# the suite (about 11 minutes each for the paper's), then `drift` over them into DRIFT_OUT, for
# `compare --drift`. Every run stays in Results/ as usual.
DRIFT_RUNS ?= 4
DRIFT_OUT ?= Results/drift.csv
drift: build
	@set -e; dirs=""; for i in $$(seq 1 $(DRIFT_RUNS)); do \
	  echo "drift: run $$i of $(DRIFT_RUNS)"; \
	  $(BIN) run $(SUITE) $(RUN_FLAGS); \
	  dirs="$$dirs $$(readlink -f Results/latest)"; \
	done; \
	$(BIN) drift --out $(DRIFT_OUT) $$dirs

# The harness's own cost against the floor of each mechanism (README: Harness performance).
BENCH_FLAGS ?=
bench: build
	$(BIN) bench $(BENCH_FLAGS)

# The tests, then each fuzz target for a few seconds (the libFuzzer build is separate: .build-fuzz).
# Two passes: the tests inside the test process first, then the ones that start the real binary
# (CLITests). Those run whole pipelines in other processes, and beside them the in-process tests
# that time real pipelines (hop tables, medium goodput, tool cross-checks) would measure a machine
# taken by someone else; each pass still runs its own tests in parallel.
IN_PROCESS_TESTS := --skip '^CLITests\.'
BINARY_TESTS := --filter '^CLITests\.'
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build $(IN_PROCESS_TESTS)
	$(SWIFT) test --skip-build $(BINARY_TESTS)
	$(MAKE) --no-print-directory fuzz-smoke

# The whole test suite under ThreadSanitizer and AddressSanitizer (LeakSanitizer included), each in
# its own build directory. Any report fails the target. The malloc interposer that counts
# allocations stands down under a sanitizer, so allocation checks are skipped there.
SANITIZER_DIR := $(CURDIR)/Tests/Sanitizers
TSAN_ENV := TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 suppressions=$(SANITIZER_DIR)/tsan.supp" \
  SWIFT_BACKTRACE=enable=no
ASAN_ENV := ASAN_OPTIONS="detect_leaks=1 halt_on_error=1 detect_stack_use_after_return=0" \
  LSAN_OPTIONS="suppressions=$(SANITIZER_DIR)/lsan.supp print_suppressions=0" SWIFT_BACKTRACE=enable=no
tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	$(TSAN_ENV) $(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan $(IN_PROCESS_TESTS)
	$(TSAN_ENV) $(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan $(BINARY_TESTS)

asan: deps
	set -o pipefail; $(SWIFT) build --build-tests --sanitize=address --build-path .build-asan 2>&1 | { grep -v "Cannot export local symbol" || true; }
	$(ASAN_ENV) $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan $(IN_PROCESS_TESTS)
	$(ASAN_ENV) $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan $(BINARY_TESTS)

sanitizers: tsan asan

clean:
	rm -rf .build .build-tsan .build-asan $(FUZZ_BUILD_PATH)

# Fuzzing (README: Fuzzing): libFuzzer targets of Sources/Fuzzing, built with
# AddressSanitizer into $(FUZZ_BUILD_PATH); seeds in Tests/FuzzCorpus/<target>. A found input is
# copied to $(FUZZ_CRASHES)/<target>/ and the run fails with the command that reproduces it.
FUZZ_BUILD_PATH ?= .build-fuzz
FUZZ_BIN = $(FUZZ_BUILD_PATH)/release/vwifi-fuzz
FUZZ_TARGETS ?= device-model guest-outbox suite-parser
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_CRASHES ?= fuzz-crashes

.PHONY: fuzz-build fuzz-smoke fuzz

fuzz-build: deps
	scripts/fuzz-build.sh $(SWIFT) $(FUZZ_BUILD_PATH)

fuzz-smoke: fuzz-build
	scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SMOKE_SECONDS) $(FUZZ_CRASHES) $(FUZZ_BUILD_PATH)/work $(FUZZ_TARGETS)

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SECONDS) $(FUZZ_CRASHES) $(FUZZ_BUILD_PATH)/work $(FUZZ_TARGETS)
