#!/usr/bin/env bash
# Runs libFuzzer targets of vwifi-fuzz for a bounded time, in parallel, on a scratch copy of
# the seed corpus (Tests/FuzzCorpus/<target>, its regressions/ included, and <target>.dict as
# libFuzzer's dictionary when there is one), so the repository's
# corpus is never written. Prints executions, rate and coverage per target; copies any crash,
# timeout or OOM input into <crash-dir>/<target>/ and fails with the command that reproduces it.
# Used by `make fuzz` and `make fuzz-smoke`:  fuzz.sh <vwifi-fuzz> <seconds> <crash-dir> <work-dir> <target>...
set -uo pipefail
bin=$1 seconds=$2 crashes=$3 work=$4
shift 4
corpus_root=$(dirname "$0")/../Tests/FuzzCorpus
# libFuzzer reads -max_total_time=0 as "no limit": a bounded run needs at least a second.
[ "$seconds" -ge 1 ] 2>/dev/null || { echo "fuzz.sh: seconds must be a whole number >= 1, not '$seconds'"; exit 2; }
rm -rf "$work"
mkdir -p "$work"
for t in "$@"; do
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  find "$corpus_root/$t" -type f -exec cp {} "$work/$t/corpus/" \;
  dict=()
  [ -f "$corpus_root/$t.dict" ] && dict=(-dict="$corpus_root/$t.dict")
  ( SWIFT_BACKTRACE=enable=no timeout -k 5 $((seconds + 120)) "$bin" "$t" -max_total_time="$seconds" "${dict[@]}" \
      -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/$t/artifacts/" \
      "$work/$t/corpus" >"$work/$t/log" 2>&1
    echo $? >"$work/$t/status" ) &
done
wait
failed=0
for t in "$@"; do
  log=$work/$t/log
  stat() { grep -m1 "stat::$1:" "$log" | awk '{print $2}'; }
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  corpus=$(find "$work/$t/corpus" -type f | wc -l)
  echo "$t: $(stat number_of_executed_units) executions in ${seconds} s ($(stat average_exec_per_sec)/s), ${cov:-cov: ?} (edges, features), corpus $corpus inputs, peak RSS $(stat peak_rss_mb) MB"
  # The whole package is instrumented: tens of thousands of edges. A few thousand means the
  # Swift modules were built without -sanitize=fuzzer (seen once): fuzzing them is blind.
  counters=$(grep -m1 -oE '[0-9]+ inline 8-bit counters' "$log" | awk '{print $1}')
  if [ "${counters:-0}" -lt 10000 ]; then
    failed=1
    echo "  $t: only ${counters:-no} coverage counters: the Swift code is not instrumented; rm -rf the fuzz build path and make fuzz-build"
  fi
  found=$(find "$work/$t/artifacts" -type f | sort)
  if [ -n "$found" ]; then
    failed=1
    mkdir -p "$crashes/$t"
    for f in $found; do
      cp "$f" "$crashes/$t/"
      echo "  FOUND $(basename "$f"): reproduce with  SWIFT_BACKTRACE=enable=no $bin $t $crashes/$t/$(basename "$f")"
      echo "    or, without libFuzzer:  swift run vwifi-fuzz $t $crashes/$t/$(basename "$f")"
    done
    grep -m3 -E "Fatal error|ERROR: (AddressSanitizer|libFuzzer)" "$log" | sed 's/^/    /'
    echo "  then fix the bug and move the input to Tests/FuzzCorpus/$t/regressions/ with a named test (README: Fuzzing)"
  elif [ "$(cat "$work/$t/status")" != 0 ]; then
    failed=1
    echo "  $t exited with status $(cat "$work/$t/status"); the end of its log ($log):"
    tail -20 "$log" | sed 's/^/    /'
  fi
done
exit $failed
