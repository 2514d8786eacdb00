#!/usr/bin/env bash
# Reproduces the learning experiment end to end on a fresh Debian machine: installs what is
# missing (Debian's python3-torch, python3-matplotlib and dataset-fashion-mnist among it), builds
# `cajal`, and runs experiments/fashion_iter/experiment.py, writing CSV files, PNG plots and
# results.md to experiments/fashion_iter/results (or to the folder given as the first argument).
#   bash experiments/run_all.sh            # about 15 minutes on 2 CPU cores
#   bash experiments/run_all.sh --smoke    # the CI version, about a minute
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
smoke=()
out="$root/experiments/fashion_iter/results"
for a in "$@"; do
  if [ "$a" = --smoke ]; then smoke=(--smoke); else out=$a; fi
done
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$root/build" --target cajal_cli -j"$(nproc)"
/usr/bin/python3 "$root/experiments/fashion_iter/experiment.py" --cajal "$root/build/cajal" --out "$out" "${smoke[@]}"
