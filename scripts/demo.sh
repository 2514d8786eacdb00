#!/usr/bin/env bash
# The main job on a bundled example, on a fresh machine: install dependencies, build the `cajal`
# tool, then type-check and run the paper's example program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target cajal_cli
example=${1:-spec/examples/paper.cj}
echo "\$ cajal type $example"
build/cajal type "$example"
echo "\$ cajal run $example"
build/cajal run "$example"
