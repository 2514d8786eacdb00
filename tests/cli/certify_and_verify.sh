#!/usr/bin/env bash
# Certificates: `compile --certify` writes one (exit 0, the proof's verdict printed), `verify`
# re-checks it (exit 0), and a tampered certificate is rejected (exit 1, the altered file named).
# Usage: certify_and_verify.sh CAJAL FILE.cj, or CAJAL -e TERM (the certificate's source.cj is then
# the program `def main = TERM`, which verify reads back).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
shift
src=("$@")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
step 0 "$d/compile.txt" -- "$cajal" compile "${src[@]}" --certify "$d/c"
expect_line "$d/compile.txt" "certificate in $d/c: proved at depth 9"
step 0 "$d/verify.txt" -- "$cajal" verify "$d/c"
expect_line "$d/verify.txt" "verified: the network in $d/c computes its source's main for every input within depth 9"
echo '-- x' >> "$d/c/source.cj"
step 1 "$d/tampered.txt" -- "$cajal" verify "$d/c"
expect_line "$d/tampered.txt.err" "cajal: certificate rejected: source.cj: altered (its SHA-256 is not the one certificate.json lists)"
echo "certified, verified, and the tampered certificate rejected"
