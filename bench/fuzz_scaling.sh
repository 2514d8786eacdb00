#!/usr/bin/env bash
# The speed-up of `cajal fuzz --jobs N` over `--jobs 1`, measured on this machine.
#
#   bench/fuzz_scaling.sh [CAJAL] [JOBS] [COUNT] [ROUNDS]
#
# Shared virtual machines change speed from one second to the next (noisy neighbours on the
# memory system), so one serial run against one parallel run says little. The two are run
# alternately, ROUNDS times each, on the same programs (--seed 1); the script prints every
# rate, the ratio of the medians and the ratio of the best rates (the machine's speed when
# nothing else slowed it). Run it with nothing else on the cores.
set -euo pipefail
cajal=${1:-build/cajal}
jobs=${2:-2}
count=${3:-40000}
rounds=${4:-7}
rate() { "$cajal" fuzz --count "$count" --seed 1 --jobs "$1" | sed -n 's/.*(\([0-9.]*\) programs\/s).*/\1/p'; }
serial=(); parallel=()
for ((r = 1; r <= rounds; ++r)); do
  s=$(rate 1); p=$(rate "$jobs")
  serial+=("$s"); parallel+=("$p")
  printf 'round %d: --jobs 1 %s programs/s, --jobs %s %s programs/s\n' "$r" "$s" "$jobs" "$p"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms=$(median "${serial[@]}"); mp=$(median "${parallel[@]}")
best() { printf '%s\n' "$@" | sort -g | tail -1; }
bs=$(best "${serial[@]}"); bp=$(best "${parallel[@]}")
awk -v s="$ms" -v p="$mp" -v bs="$bs" -v bp="$bp" -v j="$jobs" -v c="$count" -v r="$rounds" 'BEGIN {
  printf "median of %d rounds of %d programs: --jobs 1 %.0f programs/s, --jobs %d %.0f programs/s, speed-up %.2f\n", r, c, s, j, p, p / s
  printf "best of %d rounds: --jobs 1 %.0f programs/s, --jobs %d %.0f programs/s, speed-up %.2f\n", r, bs, j, bp, bp / bs }'
