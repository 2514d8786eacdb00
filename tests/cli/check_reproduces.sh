#!/usr/bin/env bash
# `cajal check` prints, with a counterexample, the two `cajal run` commands that reproduce it:
# run them (each must exit 0) and check that they print the two values the counterexample states,
# and that these differ. Usage: check_reproduces.sh CAJAL CHECK-ARGS...
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
step 1 "$dir/out.txt" -- "$cajal" check "$@"
grep -q '^not equivalent at depth ' "$dir/out.txt" || { echo "no negative verdict:"; cat "$dir/out.txt"; exit 1; }
left=$(sed -n 's/^  left  ([^)]*): //p' "$dir/out.txt")
right=$(sed -n 's/^  right ([^)]*): //p' "$dir/out.txt")
first=$(sed -n 's/^reproduce: cajal /"$cajal" /p' "$dir/out.txt")
second=$(grep -A1 '^reproduce:' "$dir/out.txt" | tail -n 1 | sed 's/^ *cajal /"$cajal" /')
[ -n "$left" ] && [ -n "$right" ] && [ -n "$first" ] && [ -n "$second" ] || { echo "incomplete counterexample:"; cat "$dir/out.txt"; exit 1; }
# A side without a value ("no value: MESSAGE"): its run exits 2 with MESSAGE in its error.
run_side() {
  local want=$1 out=$2 cmd=$3
  if [[ "$want" == "no value: "* ]]; then
    step 2 "$out.run" -- eval "$cmd"
    grep -qF -- "error: ${want#no value: }" "$out.run.err" || { echo "FAILED: no error \`${want#no value: }\`:"; cat "$out.run.err"; exit 1; }
    echo "$want" > "$out"
  else
    step 0 "$out" -- eval "$cmd"
  fi
}
run_side "$left" "$dir/a.txt" "$first"
run_side "$right" "$dir/b.txt" "$second"
a=$(cat "$dir/a.txt") b=$(cat "$dir/b.txt")
echo "left:  $left / cajal run: $a"
echo "right: $right / cajal run: $b"
[ "$a" = "$left" ] && [ "$b" = "$right" ] && [ "$a" != "$b" ] || { echo "the counterexample does not reproduce"; cat "$dir/out.txt"; exit 1; }
echo "reproduced"
