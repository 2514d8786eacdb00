#!/usr/bin/env bash
# The main job on a bundled example, on a fresh machine: install dependencies, build the `cajal`
# tool, then type-check the paper's example, run it with the reference interpreter, compile it to
# neurons and run the network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target cajal_cli
example=${1:-spec/examples/even.cj}
show() { echo "\$ cajal $*"; build/cajal "$@"; echo; }
show type "$example"
show run "$example" --arg 7
show compile "$example" --show
show compile "$example" --json --depth 4
show run "$example" --engine network --arg 7
