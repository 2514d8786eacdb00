#!/usr/bin/env bash
# The committed rule lemmas are what `cajal lemmas --out` writes today.
# Usage: lemmas_up_to_date.sh CAJAL proofs/lemmas
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
step 0 "$d/out.txt" -- "$cajal" lemmas --out "$d/lemmas"
diff -r "$d/lemmas" "$2"
echo "the lemmas are up to date"
