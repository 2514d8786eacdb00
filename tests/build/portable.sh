#!/usr/bin/env bash
# build.portable: the configuration a package is built with (-DCAJAL_NATIVE=OFF: the engine's
# kernels for the baseline and x86-64-v3 only, chosen at start-up) builds without a warning, names
# the kernels it chose, and its test oracle agrees with this build's: the same fuzz campaign gives
# the same summary (every comparison is exact on one-hot inputs, whichever kernels compute it).
#
#   portable.sh SOURCE_DIR BUILD_DIR CAJAL CXX   (CAJAL: this build's tool; CXX: its compiler)
set -euo pipefail
src=$1 dir=$2/portable cajal=$3 cxx=$4

cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAJAL_NATIVE=OFF -DCAJAL_WERROR=ON \
  -DCMAKE_CXX_COMPILER="$cxx" > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
variants=baseline
if [ "$(uname -m)" = x86_64 ]; then variants="baseline;v3"; fi
grep -q "engine kernels for $variants\$" "$dir.configure.log" ||
  { echo "portable.sh: expected the kernels '$variants':"; grep "engine kernels" "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j2 --target cajal_cli > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; exit 1; }
portable=$dir/cajal

# The kernels it runs: x86-64-v3 where the CPU has AVX2, FMA, BMI1 and BMI2, else the baseline;
# never native.
kernels=$("$portable" --version | sed -n 's/^engine kernels: //p')
expected=baseline
has() { grep -qw "$1" /proc/cpuinfo; }
if [ "$variants" != baseline ] && has avx2 && has fma && has bmi1 && has bmi2; then expected=x86-64-v3; fi
if [ "$kernels" != "$expected" ]; then
  echo "portable.sh: the portable build runs the '$kernels' kernels, expected '$expected'"
  exit 1
fi
echo "portable.sh: the portable build runs the $kernels kernels; this build runs the $("$cajal" --version | sed -n 's/^engine kernels: //p') kernels"

# The same campaign in both builds: the same summary, but for the time it took.
summary() { "$1" fuzz --count 3000 --seed 1 --json 2>/dev/null | grep -v '"seconds"'; }
if ! diff <(summary "$cajal") <(summary "$portable"); then
  echo "portable.sh: the portable build's fuzz summary differs from this build's (above)"
  exit 1
fi
echo "portable.sh: fuzz --count 3000 --seed 1 gives the same summary in both builds"
