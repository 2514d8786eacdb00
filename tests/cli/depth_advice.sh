#!/usr/bin/env bash
# Depth advice is a depth that works: when `cajal run --engine network` advises "rerun with
# --depth N", rerunning with --depth N gives the interpreter's value. A function argument reaches
# the network as its table on 0 … D; a column whose natural is above D is zero (its mass is lost,
# as in the matrix the compiler materializes), so the advice counts only the naturals the run
# reads. Usage: depth_advice.sh CAJAL
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
plus9='fun x : Nat => iter { 9 | y => succ y } (x)'
# program # argument # the interpreter's value
cases=(
  "fun f : Nat -o Nat => f 0#fun x : Nat => succ x#1"
  "fun f : Nat -o Nat => f 9#fun x : Nat => succ x#10"
  "fun f : Nat -o Nat => f 0#$plus9#9"
  "fun f : Nat -o Nat => f 9#$plus9#18"
  "fun f : Nat -o Nat => succ (f 5)#$plus9#15"
)
for c in "${cases[@]}"; do
  IFS='#' read -r program arg value <<< "$c"
  step 0 "$dir/interp.txt" -- "$cajal" run -e "$program" --arg "$arg"
  expect_line "$dir/interp.txt" "$value"
  depth=9
  for attempt in 1 2; do
    code=0
    "$cajal" run -e "$program" --arg "$arg" --engine network --depth "$depth" > "$dir/net.txt" 2> "$dir/net.err" || code=$?
    if [ "$code" = 0 ]; then break; fi
    advised=$(sed -n 's/.*rerun with --depth \([0-9]*\).*/\1/p' "$dir/net.err" | head -n 1)
    [ -n "$advised" ] && [ "$attempt" = 1 ] || { echo "FAILED: $program with $arg at depth $depth:"; cat "$dir/net.err"; exit 1; }
    depth=$advised
  done
  expect_line "$dir/net.txt" "$value"
  echo "ok: ($program) ($arg) = $value at depth $depth"
done
