#!/usr/bin/env bash
# `cajal fuzz --save-failures` writes .cj files whose header commands reproduce the failure:
# run a campaign against a mutant (exit 1), then run the two commands of the first saved file
# (each exits 0) and check that the interpreter and the (mutant) network disagree on it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
step 1 "$dir/log.txt" -- "$cajal" fuzz --count 300 --seed 7 --mutant swap-if --save-failures "$dir"
file=$(ls "$dir"/failure-*.cj | head -n 1)
[ -n "$file" ] || { echo "no failure saved"; exit 1; }
cd "$dir"
interp=$(grep '^-- The interpreter:' "$file" | sed 's/^-- The interpreter: *//; s/^cajal /"$cajal" /')
network=$(grep '^-- The network:' "$file" | sed 's/^-- The network: *//; s/^cajal /"$cajal" /')
[ -n "$interp" ] && [ -n "$network" ] || { echo "the saved file has no reproduction commands:"; cat "$file"; exit 1; }
step 0 "$dir/a.txt" -- eval "$interp"
step 0 "$dir/b.txt" -- eval "$network"
a=$(cat "$dir/a.txt") b=$(cat "$dir/b.txt")
echo "interpreter: $a"
echo "network:     $b"
[ -n "$a" ] && [ -n "$b" ] || { echo "a command printed nothing"; exit 1; }
# The network prints tables ({true ↦ ...}) for functions: compare only base values directly.
if [[ "$a" != fun* ]]; then [ "$a" != "$b" ] || { echo "the saved case does not reproduce a difference"; exit 1; }; fi
echo "reproduced"
