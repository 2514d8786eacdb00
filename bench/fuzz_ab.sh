#!/usr/bin/env bash
# `cajal fuzz` programs/s of an earlier revision against this build, on the same programs,
# measured in alternating rounds.
#
#   bench/fuzz_ab.sh REVISION [CAJAL] [COUNT] [ROUNDS] [JOBS]
#
# A shared machine's speed drifts by 10 % and more within an hour, so a figure measured today
# cannot be set against one measured on another day. This script builds REVISION's tool (once,
# kept in build/ab/REVISION, with the build type this tree's README uses) and runs it and CAJAL
# (default build/cajal) alternately, ROUNDS times each (default 5), on COUNT programs (default
# 40000, --seed 1) with --jobs JOBS (default 1). It prints every rate, the medians, and their
# ratio: the speed-up on this machine as it is now. Run it with nothing else on the cores.
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -ge 1 ] && exit 0 || exit 2
fi
rev=$1 cajal=${2:-build/cajal} count=${3:-40000} rounds=${4:-5} jobs=${5:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
sha=$(git -C "$root" rev-parse --short=12 "$rev^{commit}")
dir=$root/build/ab/$sha
if [ ! -x "$dir/build/cajal" ]; then
  echo "fuzz_ab.sh: building $rev ($sha) in $dir (once)"
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$root" archive "$sha" | tar -x -C "$dir/"
  mkdir -p "$dir/build"
  (cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$dir/configure.log" 2>&1 &&
    cmake --build "$dir/build" -j"$(nproc)" --target cajal_cli > "$dir/build.log" 2>&1) ||
    { echo "fuzz_ab.sh: building $rev failed; see $dir/configure.log and $dir/build.log"; exit 1; }
fi
old=$dir/build/cajal
rate() { "$1" fuzz --count "$count" --seed 1 --jobs "$jobs" | sed -n 's/.*(\([0-9.]*\) programs\/s).*/\1/p'; }
before=(); after=()
for ((r = 1; r <= rounds; ++r)); do
  b=$(rate "$old"); a=$(rate "$cajal")
  before+=("$b"); after+=("$a")
  printf 'round %d: %s %s programs/s, this build %s programs/s\n' "$r" "$sha" "$b" "$a"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mb=$(median "${before[@]}"); ma=$(median "${after[@]}")
awk -v b="$mb" -v a="$ma" -v s="$sha" -v r="$rounds" -v c="$count" -v j="$jobs" 'BEGIN {
  printf "median of %d rounds of %d programs (--jobs %d): %s %.0f programs/s, this build %.0f programs/s, ratio %.2f\n",
         r, c, j, s, b, a, a / b }'
