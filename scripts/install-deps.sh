#!/usr/bin/env bash
# Installs everything Cajal needs to build and test on Debian bookworm, from Debian packages only.
# Safe to run repeatedly: packages already present are skipped, and apt is not touched at all
# when nothing is missing. Needs root (or sudo) only when something must be installed.
set -euo pipefail

packages=(
  build-essential g++ cmake make pkg-config git ca-certificates python3
  libboost-dev        # Boost.Spirit X3 (header only)
  libeigen3-dev       # Eigen 3.4
  librapidcheck-dev   # RapidCheck (+ its GoogleTest integration)
  libgtest-dev        # GoogleTest 1.12
  libz3-dev           # Z3 4.8.12 (found with pkg-config)
  libssl-dev          # SHA-256 (OpenSSL's libcrypto) for certificates
  libbenchmark-dev    # Google Benchmark (bench/)
  nlohmann-json3-dev  # JSON output and network serialization
  libcli11-dev        # CLI11: the `cajal` tool's flags (src/cli)
  libmimalloc-dev     # mimalloc: a faster malloc, per thread, for `cajal fuzz` and the benchmarks
  clang-14 libfuzzer-14-dev libclang-rt-14-dev  # libFuzzer + ASan/UBSan: the harnesses in tests/fuzz (scripts/fuzz.sh)
  parallel            # GNU parallel: the sharded-campaign test (`cajal fuzz --shard K/N`, README)
  python3-torch       # PyTorch, to test `cajal compile --emit torch` against the engine (/usr/bin/python3)
  python3-dev pybind11-dev python3-pybind11  # the Python module `cajal` (python/)
  python3-numpy python3-pytest               # its values (vectors as arrays) and its tests
  dpkg-dev            # dpkg-shlibdeps, for CPack's .deb (the CTest package.deb)
  python3-matplotlib  # the experiment's plots (experiments/)
  dataset-fashion-mnist  # the experiment's data, /usr/share/datasets/fashion-mnist (never downloaded)
  graphviz            # `dot`: `cajal compile --emit svg` and the diagrams of `cajal explain`
  chromium            # headless: the CTest that opens an `explain` page in a real browser
  python3-nbconvert python3-ipykernel  # docs/notebooks executed in CI (jupyter nbconvert --execute)
  texlive-latex-base texlive-science   # pdflatex and bussproofs: the --latex proof trees compile (cli.latex_compiles)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
