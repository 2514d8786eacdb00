#!/usr/bin/env bash
# Certified learning (issue 14): `cajal train --certify DIR` proves what training produced and
# `cajal verify DIR` re-checks it; altered learned values (the manifest re-hashed, as a forger
# would) are rejected. Two programs:
# - vectors/rnn.cj: its learned step W : Vec 2 -o Vec 2 is a real matrix; the claim is for those
#   values (params.json), every n ≤ 9 and every real x, as a polynomial identity;
# - learning/parity.cj: its learned step, a soft Bool -o Bool matrix, certified at its numbers; and
#   with --extract the learned step rounded to a table, certified as a program.
# Usage: train_certify.sh CAJAL ROOT
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
root=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
py=/usr/bin/python3
# rehash DIR FILE: certificate.json lists FILE's new SHA-256 (what a forger does after an edit).
rehash() {
  "$py" - "$1" "$2" <<'PY'
import hashlib, json, sys
d, name = sys.argv[1], sys.argv[2]
m = json.load(open(f"{d}/certificate.json"))
m["sha256"][name] = hashlib.sha256(open(f"{d}/{name}", "rb").read()).hexdigest()
json.dump(m, open(f"{d}/certificate.json", "w"), indent=1)
PY
}
# nudge DIR PARAM K: entry K of PARAM in DIR/params.json moved by 1e-9, and re-hashed.
nudge() {
  "$py" - "$1/params.json" "$2" "$3" <<'PY'
import json, sys
path, name, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = json.load(open(path))
p[name][k] += 1e-9
json.dump(p, open(path, "w"), indent=1)
PY
  rehash "$1" params.json
}

# 1. A Vec example: train, certify at the learned values, verify.
v=$root/spec/examples/vectors
step 0 "$d/rnn.txt" -- "$cajal" train "$v/rnn.cj" --data "$v/turn.jsonl" --epochs 600 --quiet --out "$d/rnn-learned.cj" --certify "$d/rnn"
expect_line "$d/rnn.txt.err" "cajal: certificate in $d/rnn: proved at depth 9"
[ -f "$d/rnn/params.json" ] || { echo "no params.json in the certificate"; exit 1; }
step 0 "$d/rnn-verify.txt" -- "$cajal" verify "$d/rnn"
expect_line "$d/rnn-verify.txt" "verified: the network in $d/rnn computes its source's main for every input within depth 9 at the values of W in params.json"
# The same values given by hand to compile --certify make the same claim.
W=$("$py" -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['W']))" "$d/rnn/params.json")
step 0 "$d/rnn-compile.txt" -- "$cajal" compile "$v/rnn.cj" --param "W=$W" --certify "$d/rnn2"
cmp -s "$d/rnn/obligation.smt2" "$d/rnn2/obligation.smt2" || { echo "compile --certify --param states another obligation"; exit 1; }
# 2. Altered learned values, re-hashed: rejected.
nudge "$d/rnn" W 1
step 1 "$d/rnn-tampered.txt" -- "$cajal" verify "$d/rnn"
expect_line "$d/rnn-tampered.txt.err" "cajal: certificate rejected: obligation.smt2: it is not the obligation of this source and network at these param values"
# ... and params.json left out of the manifest: rejected too (the values a claim is for are bound to it).
cp "$d/rnn2/params.json" "$d/rnn2/params.json.keep"
"$py" - "$d/rnn2/certificate.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
del m["sha256"]["params.json"]
json.dump(m, open(sys.argv[1], "w"), indent=1)
PY
step 1 "$d/rnn-unlisted.txt" -- "$cajal" verify "$d/rnn2"
expect_line "$d/rnn-unlisted.txt.err" "cajal: certificate rejected: params.json: it is not listed in certificate.json (the values a claim is for must be bound to it)"

# 3. Parity: the learned step is a soft matrix. Certified as learned, the claim is the denotation
#    at its numbers (spec/denotation.md 8.6); altered numbers are rejected. With --extract it is
#    rounded to a table, and the extracted program is certified; altering that table is rejected.
p=$root/spec/examples/learning
step 0 "$d/soft.txt" -- "$cajal" train "$p/parity.cj" --data "$p/parity.jsonl" --quiet --out "$d/soft.cj" --certify "$d/soft"
expect_line "$d/soft.txt.err" "cajal: certificate in $d/soft: proved at depth 9"
step 0 "$d/soft-verify.txt" -- "$cajal" verify "$d/soft"
expect_line "$d/soft-verify.txt" "verified: the network in $d/soft computes its source's main for every input within depth 9 at the values of step in params.json"
nudge "$d/soft" step 0
step 1 "$d/soft-tampered.txt" -- "$cajal" verify "$d/soft"
expect_line "$d/soft-tampered.txt.err" "cajal: certificate rejected: obligation.smt2: it is not the obligation of this source and network at these param values"
step 0 "$d/parity.txt" -- "$cajal" train "$p/parity.cj" --data "$p/parity.jsonl" --quiet --extract --out "$d/parity.cj" --certify "$d/parity"
expect_line "$d/parity.txt.err" "cajal: certificate in $d/parity: proved at depth 9"
step 0 "$d/parity-verify.txt" -- "$cajal" verify "$d/parity"
expect_line "$d/parity-verify.txt" "verified: the network in $d/parity computes its source's main for every input within depth 9"
sed -i 's/{true ↦ false, false ↦ true}/{true ↦ true, false ↦ true}/' "$d/parity/source.cj"
grep -q '{true ↦ true, false ↦ true}' "$d/parity/source.cj" || { echo "the learned table was not found to alter"; exit 1; }
rehash "$d/parity" source.cj
step 1 "$d/parity-tampered.txt" -- "$cajal" verify "$d/parity"
expect_line "$d/parity-tampered.txt.err" "cajal: certificate rejected: obligation.smt2: it is not the obligation of this source and network"
echo "trained, certified, verified; altered learned values rejected (rnn.cj, parity.cj soft and extracted)"
