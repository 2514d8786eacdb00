#!/usr/bin/env bash
# Runs one libFuzzer harness (tests/fuzz) for SECONDS: first every saved regression input of that
# harness (tests/fuzz/regressions/TARGET), then coverage-guided fuzzing from the seed corpus
# (tests/fuzz/corpus/TARGET) and the working corpus kept in the build directory. Builds the
# harnesses first (clang-14, -DCAJAL_FUZZ=ON: AddressSanitizer + UBSan) when needed.
#
# Usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#        scripts/fuzz.sh --build
# TARGET: source | network | certificate | examples | args
# Env:   CAJAL_FUZZ_BUILD  the build directory (default: build-fuzz beside src/)
#        CXX               the compiler (default: clang++-14)
#        CAJAL_FUZZ_JOBS   build parallelism (default: 2)
# A finding exits non-zero and leaves its reproducer in $CAJAL_FUZZ_BUILD/artifacts/TARGET/;
# replay it with `$CAJAL_FUZZ_BUILD/tests/fuzz/fuzz_TARGET FILE`, and after the fix keep it in
# tests/fuzz/regressions/TARGET/ so that every later run replays it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CAJAL_FUZZ_BUILD:-$root/build-fuzz}
cxx=${CXX:-clang++-14}
targets=(source network certificate examples args)

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

build_harnesses() {
  command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (install clang-14 and libclang-rt-14-dev)" >&2; exit 2; }
  mkdir -p "$build"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAJAL_FUZZ=ON \
      -DCAJAL_BUILD_TESTS=OFF -DCAJAL_BUILD_BENCHMARKS=OFF -DCAJAL_USE_MIMALLOC=OFF -DCAJAL_PYTHON=OFF >"$build/configure.log" 2>&1 ||
      { cat "$build/configure.log" >&2; exit 2; }
  fi
  cmake --build "$build" -j "${CAJAL_FUZZ_JOBS:-2}" --target $(printf 'fuzz_%s ' "${targets[@]}") >"$build/build.log" 2>&1 ||
    { tail -50 "$build/build.log" >&2; exit 2; }
}

[ $# -ge 1 ] || usage
if [ "$1" = "--build" ]; then build_harnesses; echo "fuzz.sh: harnesses built in $build/tests/fuzz"; exit 0; fi
[ $# -ge 2 ] || usage
target=$1 seconds=$2
shift 2
[[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target' (one of: ${targets[*]})" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }
build_harnesses
harness="$build/tests/fuzz/fuzz_$target"
seeds="$root/tests/fuzz/corpus/$target"
corpus="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
dict=()
case $target in source|args) dict=(-dict="$root/tests/fuzz/cajal.dict") ;; esac
# Deep nesting needs stack: the harness runs each input on its own 256 MiB thread.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

regressions=("$root/tests/fuzz/regressions/$target"/*)
if [ -e "${regressions[0]}" ]; then
  echo "fuzz.sh: replaying ${#regressions[@]} regression input(s) of $target"
  "$harness" -timeout=60 -rss_limit_mb=2048 "${regressions[@]}" >"$build/regressions-$target.log" 2>&1 ||
    { cat "$build/regressions-$target.log"; echo "fuzz.sh: a regression input of $target fails again" >&2; exit 1; }
fi

log="$build/fuzz-$target.log"
status=0
started=$SECONDS
"$harness" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dict[@]}" "$@" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
took=$((SECONDS - started))
# (a harness that dies before its first report leaves none of these lines: `|| true`)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
echo "fuzz.sh: $target: ${took} s, ${runs:-?} inputs, ${rate:-?} exec/s, coverage ${cov:-?} edges (${ft:-?} features), corpus $(ls "$corpus" | wc -l) inputs"
if [ $status -ne 0 ]; then
  grep -E "ERROR|SUMMARY|property failed|Test unit written" "$log" | head -20 || tail -20 "$log"
  echo "fuzz.sh: $target found a problem (exit $status); the reproducer is in $artifacts/ and the log in $log" >&2
  exit 1
fi
echo "fuzz.sh: $target: no crash, leak, timeout or failed property"
