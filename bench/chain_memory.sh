#!/usr/bin/env bash
# Peak memory of forward runs on a long chain of neurons: `cajal check A A --neural` on
#   def main = fun x : Nat => succ succ ... succ x      (K succs)
# at depth D, which runs the compiled network on all D + 1 basis inputs at once (a batch of
# D + 1 states of dimension D + 1). For each CAJAL given (default build/cajal; e.g. an earlier
# revision's, built by bench/fuzz_ab.sh in build/ab/REVISION/build/cajal) and each (K, D), prints
# the peak resident memory (/usr/bin/time's %M) and the wall-clock seconds.
#
#   bench/chain_memory.sh [CAJAL ...]
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
[ -x /usr/bin/time ] || { echo "chain_memory.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
[ $# -ge 1 ] || set -- build/cajal
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for kd in "200 99" "390 199"; do
  read -r k d <<< "$kd"
  { printf 'def main = fun x : Nat =>'; for ((i = 0; i < k; ++i)); do printf ' succ'; done; printf ' x\n'; } > "$dir/chain.cj"
  for cajal in "$@"; do
    /usr/bin/time -f '%M %e' -o "$dir/time" "$cajal" check "$dir/chain.cj" "$dir/chain.cj" --neural --depth "$d" > "$dir/out" 2>&1 ||
      { echo "chain_memory.sh: $cajal failed:" >&2; cat "$dir/out" >&2; exit 1; }
    read -r kib seconds < "$dir/time"
    printf 'K = %d succs, depth %d (a batch of %d): %s: peak %d KiB, %s s\n' "$k" "$d" "$((d + 1))" "$cajal" "$kib" "$seconds"
  done
done
