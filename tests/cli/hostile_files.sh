#!/usr/bin/env bash
# Hostile files, as a user or an attacker would try them: every reader takes regular files only,
# at most 64 MiB, and never hangs or reads without bound; a forged certificate is rejected with the
# file named (exit 2 when malformed, 1 when it does not hold); training that diverges or cannot start stops with exit 2; --smt-dump makes
# one directory at most. Each step's exit code and message are checked.
# Usage: hostile_files.sh CAJAL SPEC_EXAMPLES
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
ex=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# Readers: a device, a named pipe (would block forever), a sparse 65 MiB file, a byte-order mark.
step 2 "$d/zero.txt" -- timeout 20 "$cajal" run /dev/zero
expect_line "$d/zero.txt.err" "cajal: error: cannot read /dev/zero: it is not a regular file (a device, a pipe or a socket is not read)"
mkfifo "$d/pipe.cj"
step 2 "$d/pipe.txt" -- timeout 20 "$cajal" type "$d/pipe.cj"
expect_line "$d/pipe.txt.err" "cajal: error: cannot read $d/pipe.cj: it is not a regular file (a device, a pipe or a socket is not read)"
truncate -s 65M "$d/big.cj"
step 2 "$d/big.txt" -- timeout 20 "$cajal" fmt "$d/big.cj"
expect_line "$d/big.txt.err" "cajal: error: cannot read $d/big.cj: it is larger than 64 MiB (the limit for one file)"
printf '\xef\xbb\xbfdef main = true\n' > "$d/bom.cj"
step 2 "$d/bom.txt" -- "$cajal" run "$d/bom.cj"
grep -q "it contains a byte-order mark (U+FEFF) at its start: save it as UTF-8 without one" "$d/bom.txt.err" ||
  { echo "FAILED: no byte-order-mark message"; cat "$d/bom.txt.err"; exit 1; }

# Certificates forged with the manifest re-hashed, so that only the checker's own checks remain.
step 0 "$d/certify.txt" -- "$cajal" compile "$ex/not.cj" --certify "$d/good"
rehash() {  # rehash DIR: recompute the manifest's hashes of the three files
  /usr/bin/python3 -S - "$1" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]; m = json.load(open(os.path.join(d, "certificate.json")))
for name in ("source.cj", "network.json", "obligation.smt2"):
    m["sha256"][name] = hashlib.sha256(open(os.path.join(d, name), "rb").read()).hexdigest()
json.dump(m, open(os.path.join(d, "certificate.json"), "w"))
PY
}
forge() { rm -rf "$d/f" && cp -r "$d/good" "$d/f"; }
forge; printf 'def not = fun b : Bool => b\n' > "$d/f/source.cj"; rehash "$d/f"     # no `main`
step 2 "$d/nomain.txt" -- "$cajal" verify "$d/f"
expect_line "$d/nomain.txt.err" "cajal: certificate rejected: source.cj: the program has no \`def main\` to prove"
forge; /usr/bin/python3 -S - "$d/f" <<'PY'
import json, os, sys
p = os.path.join(sys.argv[1], "certificate.json"); m = json.load(open(p)); m["sha256"]["extra.bin"] = "00" * 32
json.dump(m, open(p, "w"))
PY
step 2 "$d/extra.txt" -- "$cajal" verify "$d/f"
expect_line "$d/extra.txt.err" "cajal: certificate rejected: certificate.json: it must list exactly the SHA-256 of source.cj, network.json and obligation.smt2 (and of params.json, if it has one)"
forge; /usr/bin/python3 -S - "$d/f" <<'PY'
import json, os, sys
p = os.path.join(sys.argv[1], "certificate.json"); m = json.load(open(p)); m["sha256"] = ["not", "an", "object"]
json.dump(m, open(p, "w"))
PY
step 2 "$d/shape.txt" -- "$cajal" verify "$d/f"
expect_line "$d/shape.txt.err" "cajal: certificate rejected: certificate.json: it must list exactly the SHA-256 of source.cj, network.json and obligation.smt2 (and of params.json, if it has one)"
forge; printf '(assert false)\n' >> "$d/f/obligation.smt2"; rehash "$d/f"     # well-formed, but not this program's
step 1 "$d/obligation.txt" -- "$cajal" verify "$d/f"
expect_line "$d/obligation.txt.err" "cajal: certificate rejected: obligation.smt2: it is not the obligation of this source and network"
forge; /usr/bin/python3 -S - "$d/f" <<'PY'                                   # a neuron reading past its graph
import json, os, sys
p = os.path.join(sys.argv[1], "network.json"); n = json.load(open(p)); n["graphs"][0]["nodes"][-1]["args"] = [999]
json.dump(n, open(p, "w"))
PY
rehash "$d/f"
step 2 "$d/index.txt" -- "$cajal" verify "$d/f"
grep -q "^cajal: certificate rejected: network.json: not a valid Cajal network: " "$d/index.txt.err" ||
  { echo "FAILED: a forged neuron index is not named"; cat "$d/index.txt.err"; exit 1; }
forge; rm "$d/f/network.json"; ln -s /dev/zero "$d/f/network.json"
step 2 "$d/devzero.txt" -- timeout 20 "$cajal" verify "$d/f"
expect_line "$d/devzero.txt.err" "cajal: certificate rejected: network.json: cannot read $d/f/network.json: it is not a regular file (a device, a pipe or a socket is not read)"
forge; rm "$d/f/source.cj"; mkfifo "$d/f/source.cj"
step 2 "$d/fifo.txt" -- timeout 20 "$cajal" verify "$d/f"
expect_line "$d/fifo.txt.err" "cajal: certificate rejected: source.cj: cannot read $d/f/source.cj: it is not a regular file (a device, a pipe or a socket is not read)"

# Training that cannot start or diverges.
data="$ex/learning/parity.jsonl"
step 2 "$d/epochs.txt" -- "$cajal" train "$ex/learning/parity.cj" --data "$data" --epochs 0 --quiet
expect_line "$d/epochs.txt.err" "cajal: error: training takes at least one epoch (--epochs 1 or more)"
step 2 "$d/lr.txt" -- "$cajal" train "$ex/learning/parity.cj" --data "$data" --lr 1e308 --extract --quiet --out "$d/learned.cj"
grep -q "^cajal: error: training diverged: the loss became .* at epoch [0-9]* (learning rate 1e+308); lower --lr$" "$d/lr.txt.err" ||
  { echo "FAILED: no divergence message"; cat "$d/lr.txt.err"; exit 1; }
[ ! -e "$d/learned.cj" ] || { echo "FAILED: a diverged training wrote $d/learned.cj"; exit 1; }

# --smt-dump: one new directory at most, and a clear error through a file.
touch "$d/plain"
step 2 "$d/dump1.txt" -- "$cajal" prove "$ex/not.cj" --smt-dump "$d/plain/sub"
grep -q "^cajal: error: --smt-dump $d/plain/sub: not a directory, and cannot be made one" "$d/dump1.txt.err" ||
  { echo "FAILED: --smt-dump through a file"; cat "$d/dump1.txt.err"; exit 1; }
step 2 "$d/dump2.txt" -- "$cajal" prove "$ex/not.cj" --smt-dump "$d/a/b/c"
[ ! -e "$d/a" ] || { echo "FAILED: --smt-dump made $d/a"; exit 1; }
step 0 "$d/dump3.txt" -- "$cajal" prove "$ex/not.cj" --smt-dump "$d/dump"
[ -s "$d/dump/differ.smt2" ] || { echo "FAILED: no $d/dump/differ.smt2"; exit 1; }
echo "every hostile file refused with its reason, no hang, no crash"
