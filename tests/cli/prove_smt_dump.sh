#!/usr/bin/env bash
# `prove --smt-dump DIR` proves (exit 0) and writes the query it asked Z3.
# Usage: prove_smt_dump.sh CAJAL FILE.cj
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir "$d/smt"
step 0 "$d/out.txt" -- "$cajal" prove "$2" --smt-dump "$d/smt"
grep -Eq '^proved at depth 9 ' "$d/out.txt" || { echo "not proved:"; cat "$d/out.txt"; exit 1; }
grep -q 'is there an input, within D' "$d/smt/differ.smt2" || { echo "no query in differ.smt2"; exit 1; }
echo "proved, and the query was dumped"
