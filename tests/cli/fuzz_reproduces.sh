#!/usr/bin/env bash
# `cajal fuzz --save-failures` writes .cj files whose header commands reproduce the failure:
# run a campaign against a mutant, then run the two commands of the first saved file and check
# that the interpreter and the (mutant) network disagree on it, as the file says.
set -euo pipefail
cajal=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
set +e
"$cajal" fuzz --count 300 --seed 7 --mutant swap-if --save-failures "$dir" > "$dir/log.txt"
code=$?
set -e
[ "$code" = 1 ] || { echo "fuzz against a mutant exited $code, not 1"; cat "$dir/log.txt"; exit 1; }
file=$(ls "$dir"/failure-*.cj | head -n 1)
[ -n "$file" ] || { echo "no failure saved"; exit 1; }
cd "$dir"
interp=$(grep '^-- The interpreter:' "$file" | sed 's/^-- The interpreter: *//; s/^cajal /"$cajal" /')
network=$(grep '^-- The network:' "$file" | sed 's/^-- The network: *//; s/^cajal /"$cajal" /')
a=$(eval "$interp")
b=$(eval "$network")
echo "interpreter: $a"
echo "network:     $b"
[ -n "$a" ] && [ -n "$b" ] || { echo "a command failed"; exit 1; }
# The network prints tables ({true ↦ ...}) for functions: compare only base values directly.
if [[ "$a" != fun* ]]; then [ "$a" != "$b" ] || { echo "the saved case does not reproduce a difference"; exit 1; }; fi
echo "reproduced"
