#!/usr/bin/env bash
# Builds vwifi-fuzz for libFuzzer (coverage-instrumented, AddressSanitizer) into <build-path>:
#   fuzz-build.sh <swift> <build-path>
# Under --sanitize=fuzzer SwiftPM compiles the executable as a library and libFuzzer brings
# `main`; -DVWIFI_LIBFUZZER drops the corpus replayer's @main (Sources/vwifi-fuzz/FuzzMain.swift).
# SwiftPM passes `--sanitize=fuzzer --sanitize=address` to swiftc as two -sanitize= flags in an
# order that varies from build to build, and swiftc keeps only the last: half the builds had no
# coverage instrumentation in the Swift modules (libFuzzer then fuzzes blind: ~4,000 counters
# from the C code instead of ~42,000), the other half no AddressSanitizer. The trailing
# -Xswiftc -sanitize=fuzzer,address is the one swiftc keeps; the result is checked anyway.
set -uo pipefail
swift=$1 path=$2
bin=$path/release/vwifi-fuzz
build() {
  mkdir -p "$path"
  "$swift" build -c release --build-path "$path" --product vwifi-fuzz \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DVWIFI_LIBFUZZER \
    >"$path/build.log" 2>&1
  local status=$?
  # ld.gold warns "Cannot export local symbol" for every instrumented module: harmless.
  grep -v "Cannot export local symbol" "$path/build.log" | tail -3
  return $status
}
counters() {
  SWIFT_BACKTRACE=enable=no timeout -k 5 60 "$bin" device-model -runs=0 2>&1 \
    | grep -m1 -oE '[0-9]+ inline 8-bit counters' | awk '{print $1}'
}
build || exit 1
n=$(counters)
[ "${n:-0}" -ge 10000 ] || { echo "vwifi-fuzz has ${n:-no} coverage counters: its Swift code is not instrumented (see $path/build.log)"; exit 1; }
# Swift code under AddressSanitizer calls __asan_report_* (C-only ASan would show few).
asan=$(nm "$path/x86_64-unknown-linux-gnu/release/DataPaths.build/"*.o 2>/dev/null | grep -c ' U __asan_report')
[ "${asan:-0}" -ge 1 ] || { echo "vwifi-fuzz's Swift code is not built with AddressSanitizer (see $path/build.log)"; exit 1; }
echo "vwifi-fuzz: $n coverage counters, AddressSanitizer on"
