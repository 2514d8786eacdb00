#!/usr/bin/env bash
# `equivalent` means every input was compared. Addition against itself at D = 120 has thousands of
# inputs whose runs leave D, which the interpreter compares one by one: within a 4 s limit it
# cannot compare them all, and the verdict is `unknown` (exit 3) with how many it compared and what
# to raise (the count depends on the machine's speed, so only the shape of the message is checked).
# Usage: check_unexamined.sh CAJAL EQUIVALENCE-DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
step 3 "$dir/out.txt" -- "$cajal" check "$2/add_comm.cj" --defs left left --depth 120 --method symbolic --timeout 4
grep -Eq '^unknown at depth 120 .*: no counterexample within D, but more than [0-9]+ inputs need naturals above D = 120 .*it compared [0-9]+ within (half the time limit \(raise --timeout\)|its cap of 4096); the others were not examined$' "$dir/out.txt" ||
  { echo "FAILED: not the unknown verdict expected:"; cat "$dir/out.txt"; exit 1; }
cat "$dir/out.txt"
