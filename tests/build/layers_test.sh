#!/usr/bin/env bash
# build.layers_catch_*: scripts/check-layers.py must refuse a wrong-way include and a z3::solver
# outside src/smt (run on a copy of the tree with one offence planted), and accept the tree as is.
set -euo pipefail
root=$1 python=$2
"$python" "$root/scripts/check-layers.py" "$root" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plant() {  # plant FILE LINE: a copy of the tree with LINE appended to FILE; the check must fail
  rm -rf "$tmp/tree" && mkdir -p "$tmp/tree" && cp -r "$root/src" "$root/include" "$root/scripts" "$tmp/tree/"
  printf '%s\n' "$2" >> "$tmp/tree/$1"
  if "$python" "$tmp/tree/scripts/check-layers.py" "$tmp/tree" > "$tmp/out" 2>&1; then
    echo "check-layers accepted: $1 with: $2"; exit 1
  fi
  grep -q "$1" "$tmp/out" || { echo "check-layers did not name $1:"; cat "$tmp/out"; exit 1; }
}
plant src/compile/compile.cpp '#include "cajal/driver/driver.hpp"'
plant include/cajal/eval/eval.hpp '#include "cajal/network/network.hpp"'
plant src/syntax/ast.cpp '#include "../parse/cst.hpp"'
plant src/check/check.cpp 'static void f(z3::solver& s) { (void)s; }'
echo "check-layers refuses each planted offence"
