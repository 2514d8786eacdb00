#!/usr/bin/env bash
# Drawings: `compile --emit dot` of every example with a main is a graph that Graphviz's `dot`
# lays out without complaint (warnings included), and `--emit svg` writes one SVG document.
# Usage: emit_dot_examples.sh CAJAL EXAMPLES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
examples=$2
if ! command -v dot >/dev/null; then
  echo "SKIPPED: Graphviz's dot is not installed (scripts/install-deps.sh installs graphviz)"
  exit 0
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
count=0
while IFS= read -r f; do
  grep -q '^def main' "$f" || continue
  name=$(echo "${f#"$examples"/}" | tr '/' '_')
  step 0 "$d/$name.dot" -- "$cajal" compile "$f" --emit dot
  head -1 "$d/$name.dot" | grep -qx 'digraph cajal {' || { echo "FAILED: $f: not a digraph"; exit 1; }
  if ! dot -Tsvg "$d/$name.dot" > "$d/$name.svg" 2> "$d/$name.dot.log" || [ -s "$d/$name.dot.log" ]; then
    echo "FAILED: dot -Tsvg on the graph of $f:"; cat "$d/$name.dot.log"; exit 1
  fi
  count=$((count + 1))
done < <(find "$examples" -name '*.cj' | sort)
[ "$count" -ge 10 ] || { echo "FAILED: only $count examples drawn"; exit 1; }
step 0 "$d/even.svg" -- "$cajal" compile "$examples/even.cj" --emit svg --out "$d/even-out.svg"
grep -q '<svg' "$d/even-out.svg" && grep -q '</svg>' "$d/even-out.svg" || { echo "FAILED: --emit svg wrote no SVG"; exit 1; }
grep -q 'C&#45;Iter' "$d/even-out.svg" || { echo "FAILED: the drawing of even.cj has no C-Iter neuron"; exit 1; }
echo "dot laid out the graphs of $count examples; --emit svg wrote an SVG"
