#!/usr/bin/env bash
# What this machine's cores give together, without Cajal: the ceiling for `cajal fuzz --jobs N`.
#
#   bench/core_scaling.sh [SECONDS] [ROUNDS]
#
# Compiles bench/core_scaling.c and, for each kind of work (alu: registers only; l2: a pointer
# chase within one core's L2; dram: a pointer chase over 256 MiB), runs it alone and then as
# $(nproc) processes at once, alternately, ROUNDS times each, SECONDS per run. Prints the
# speed-up of the medians (the processes' summed rate over the single one's). On dedicated cores
# every kind scales with the number of cores; on a virtual machine whose virtual cores share a
# physical core (SMT on the host) or its memory bandwidth with other guests, it does not, and
# no program run there can scale past it. Run it with nothing else on the cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-2}
rounds=${2:-5}
cores=$(nproc)
bin=$(mktemp -d)/core_scaling
trap 'rm -rf "$(dirname "$bin")"' EXIT
cc -O2 -std=c11 -o "$bin" "$here/core_scaling.c"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for kind in alu l2 dram; do
  alone=(); together=()
  for ((r = 1; r <= rounds; ++r)); do
    alone+=("$("$bin" "$kind" "$seconds")")
    sum=0
    for rate in $(for ((c = 0; c < cores; ++c)); do "$bin" "$kind" "$seconds" & done; wait); do
      sum=$(awk -v a="$sum" -v b="$rate" 'BEGIN {printf "%.0f", a + b}')
    done
    together+=("$sum")
  done
  awk -v k="$kind" -v a="$(median "${alone[@]}")" -v t="$(median "${together[@]}")" -v c="$cores" -v r="$rounds" 'BEGIN {
    printf "%-4s  1 process %.3g steps/s, %d at once %.3g steps/s together: speed-up %.2f (median of %d rounds)\n", k, a, c, t, t / a, r }'
done
