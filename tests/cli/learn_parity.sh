#!/usr/bin/env bash
# The learning example of spec/examples/learning: the recurrent program learns `not` from four
# parities, extracts it, and is proved equal to even.cj for every n ≤ 30; the plain classifier,
# trained on the same examples, is not (a counterexample among n ≥ 4).
set -euo pipefail
cajal=$1 root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ex=$root/spec/examples/learning
"$cajal" train "$ex/parity.cj" --data "$ex/parity.jsonl" --extract --out "$dir/learned.cj" --quiet
grep -q 'def step : Bool -o Bool = {true ↦ false, false ↦ true}' "$dir/learned.cj" || { echo "did not learn not:"; cat "$dir/learned.cj"; exit 1; }
"$cajal" check "$dir/learned.cj" "$root/spec/examples/even.cj" --depth 30 | grep -q '^equivalent at depth 30' || { echo "not equivalent to even"; exit 1; }
"$cajal" prove "$dir/learned.cj" --depth 30 | grep -q '^proved at depth 30' || { echo "not proved"; exit 1; }
"$cajal" train "$ex/classifier.cj" --data "$ex/parity.jsonl" --depth 30 --extract --out "$dir/classifier.cj" --quiet
set +e
"$cajal" check "$dir/classifier.cj" "$root/spec/examples/even.cj" --depth 30 --json > "$dir/check.json"
code=$?
set -e
[ "$code" = 1 ] || { echo "the classifier was not refuted (exit $code)"; cat "$dir/check.json"; exit 1; }
n=$(sed -n 's/.*"inputs":{"n":"\([0-9]*\)"}.*/\1/p' "$dir/check.json")
[ "$n" -ge 4 ] || { echo "the classifier's counterexample $n is among the training examples"; exit 1; }
echo "learned not and proved it for n ≤ 30; the classifier fails at n = $n"
