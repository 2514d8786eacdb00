#!/usr/bin/env bash
# The learning example of spec/examples/learning: the recurrent program learns `not` from four
# parities, extracts it, and is proved equal to even.cj for every n ≤ 30; the plain classifier,
# trained on the same examples, is not (a counterexample among n ≥ 4). Every step's exit code is
# checked.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ex=$root/spec/examples/learning
step 0 "$dir/train.txt" -- "$cajal" train "$ex/parity.cj" --data "$ex/parity.jsonl" --extract --out "$dir/learned.cj" --quiet
expect_line "$dir/learned.cj" 'def step : Bool -o Bool = {true ↦ false, false ↦ true}'
step 0 "$dir/check.txt" -- "$cajal" check "$dir/learned.cj" "$root/spec/examples/even.cj" --depth 30
grep -q '^equivalent at depth 30 ' "$dir/check.txt" || { echo "not equivalent to even:"; cat "$dir/check.txt"; exit 1; }
step 0 "$dir/prove.txt" -- "$cajal" prove "$dir/learned.cj" --depth 30
grep -q '^proved at depth 30 ' "$dir/prove.txt" || { echo "not proved:"; cat "$dir/prove.txt"; exit 1; }
step 0 "$dir/train2.txt" -- "$cajal" train "$ex/classifier.cj" --data "$ex/parity.jsonl" --depth 30 --extract --out "$dir/classifier.cj" --quiet
step 1 "$dir/check.json" -- "$cajal" check "$dir/classifier.cj" "$root/spec/examples/even.cj" --depth 30 --json
grep -q '"verdict":"not equivalent"' "$dir/check.json" || { echo "no negative verdict:"; cat "$dir/check.json"; exit 1; }
n=$(sed -n 's/.*"inputs":{"n":"\([0-9]*\)"}.*/\1/p' "$dir/check.json")
[ -n "$n" ] && [ "$n" -ge 4 ] || { echo "the classifier's counterexample '$n' is missing or among the training examples"; exit 1; }
echo "learned not and proved it for n ≤ 30; the classifier fails at n = $n"
