#!/usr/bin/env bash
# How long `prove` and `check` take past their --timeout, and how much memory they use, on hard
# cases (wall clock and peak resident memory of the whole process, teardown included).
#
#   bench/z3_bounds.sh [CAJAL] [ROUNDS]
#
# Each case runs ROUNDS times; the script prints every run and the worst. Run it with nothing
# else on the cores.
set -euo pipefail
cajal=${1:-build/cajal}
rounds=${2:-5}
ex=$(dirname "$0")/../spec/examples
cases=(
  "prove $ex/mul.cj --depth 128 --timeout 5"
  "prove $ex/mul.cj --depth 128 --timeout 2"
  "prove $ex/add.cj --depth 128 --timeout 5"
  "prove $ex/mul.cj --depth 64 --timeout 5 --whole"
  "prove $ex/vectors/rnn.cj --depth 128 --timeout 5"
  "check $ex/equivalence/add_comm.cj --defs left right --depth 64 --method symbolic --timeout 5"
  "prove $ex/mul.cj --depth 64 --whole --timeout 60 --max-memory 200M"
)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for c in "${cases[@]}"; do
  worst=0 worst_kb=0 all=""
  for ((r = 1; r <= rounds; ++r)); do
    # shellcheck disable=SC2086  # (the case is a list of words)
    /usr/bin/time -o "$tmp" -f "%e %M" "$cajal" $c > /dev/null 2>&1 || true
    read -r s kb < <(tail -n 1 "$tmp")
    all="$all $s"
    worst=$(awk -v a="$worst" -v b="$s" 'BEGIN { print (b > a) ? b : a }')
    worst_kb=$(( kb > worst_kb ? kb : worst_kb ))
  done
  printf 'cajal %s\n  seconds:%s; worst %s s, peak %d MiB\n' "$c" "$all" "$worst" $((worst_kb / 1024))
done
