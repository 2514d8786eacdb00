#!/usr/bin/env bash
# How `cajal prove` scales with the depth: every spec/examples program with a `def main` (params
# are unknowns), proved at D = 9, 16, 32, 64 and 128 (wall clock of the whole process,
# front end and compiler included; one run each), and the growth law time ∝ D^k fitted by least
# squares on log time against log D over D ≥ 16 (for programs that take at least 0.5 s at D = 128;
# below that the process's fixed cost dominates). The README's table is this script's output.
#
#   bench/prove_depths.sh [CAJAL] [TIMEOUT]
#
# A run that is not `proved` (unknown at TIMEOUT seconds, default 120) is shown as its verdict.
# Run it with nothing else on the cores.
set -euo pipefail
cajal=${1:-build/cajal}
timeout=${2:-120}
ex=$(cd "$(dirname "$0")/../spec/examples" && pwd)
depths=(9 16 32 64 128)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "| program | D = 9 | 16 | 32 | 64 | 128 | k |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
while IFS= read -r file; do
  grep -q '^def main' "$file" || continue
  name=${file#"$ex"/}
  row="| \`$name\`"
  logs=""
  for d in "${depths[@]}"; do
    start=$(date +%s.%N)
    verdict=$("$cajal" prove "$file" --depth "$d" --timeout "$timeout" 2> /dev/null | head -n 1 | cut -d' ' -f1) || true
    end=$(date +%s.%N)
    s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    if [ "$verdict" = proved ]; then
      row="$row | $s s"
      [ "$d" -ge 16 ] && logs="$logs $d $s"
    else
      row="$row | ${verdict:-error}"
    fi
  done
  # shellcheck disable=SC2086  # (pairs of words)
  k=$(echo $logs | awk '{
        n = 0; for (i = 1; i < NF; i += 2) { x[n] = log($i); y[n] = log($(i + 1)); last = $(i + 1); ++n }
        if (n < 4 || last < 0.5) { print "–"; exit }
        sx = sy = sxx = sxy = 0
        for (i = 0; i < n; ++i) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i] }
        printf "%.1f", (n * sxy - sx * sy) / (n * sxx - sx * sx) }')
  echo "$row | $k |"
done < <(find "$ex" -name '*.cj' | LC_ALL=C sort)
