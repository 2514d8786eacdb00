#!/usr/bin/env bash
# The whole test suite on a fresh machine: install dependencies, configure, build, run CTest.
# Warnings in Cajal's own code are errors here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAJAL_WERROR=ON
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
