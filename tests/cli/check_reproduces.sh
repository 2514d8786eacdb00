#!/usr/bin/env bash
# `cajal check` prints, with a counterexample, the two `cajal run` commands that reproduce it:
# run them and check that they print the two values the counterexample states, and that these
# differ. Usage: check_reproduces.sh CAJAL CHECK-ARGS...
set -euo pipefail
cajal=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
set +e
"$cajal" check "$@" > "$dir/out.txt" 2> "$dir/err.txt"
code=$?
set -e
[ "$code" = 1 ] || { echo "check exited $code, not 1"; cat "$dir/out.txt" "$dir/err.txt"; exit 1; }
left=$(sed -n 's/^  left  ([^)]*): //p' "$dir/out.txt")
right=$(sed -n 's/^  right ([^)]*): //p' "$dir/out.txt")
first=$(sed -n 's/^reproduce: cajal /"$cajal" /p' "$dir/out.txt")
second=$(grep -A1 '^reproduce:' "$dir/out.txt" | tail -n 1 | sed 's/^ *cajal /"$cajal" /')
a=$(eval "$first")
b=$(eval "$second")
echo "left:  $left / cajal run: $a"
echo "right: $right / cajal run: $b"
[ "$a" = "$left" ] && [ "$b" = "$right" ] && [ "$a" != "$b" ] || { echo "the counterexample does not reproduce"; cat "$dir/out.txt"; exit 1; }
echo "reproduced"
