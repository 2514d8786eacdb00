#!/usr/bin/env bash
# Reproduces both learning experiments (iterate and conditional, experiments/README.md) end to end on
# a fresh Debian machine: installs what is missing (Debian's python3-torch, python3-matplotlib and
# dataset-fashion-mnist among it), builds `cajal`, and runs experiments/fashion/experiment.py,
# writing CSV files, PNG plots, summary.json and results.md to experiments/fashion/results (or to
# the folder given as an argument).
#   bash experiments/run_all.sh                  # the committed run: about an hour on 2 CPU cores
#   bash experiments/run_all.sh --smoke          # the CI version: about 20 seconds of training
#   bash experiments/run_all.sh --device cuda    # on a machine with a GPU (one run at a time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
extra=()
out="$root/experiments/fashion/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) extra+=(--smoke) ;;
    --device|--jobs) extra+=("$1" "$2"); shift ;;
    -*) echo "run_all.sh: unknown option $1 (--smoke, --device DEV, --jobs N, or an output folder)" >&2; exit 2 ;;
    *) out=$1 ;;
  esac
  shift
done
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$root/build" --target cajal_cli -j"$(nproc)"
/usr/bin/python3 "$root/experiments/fashion/experiment.py" --cajal "$root/build/cajal" --out "$out" "${extra[@]}"
