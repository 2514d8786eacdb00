#!/usr/bin/env bash
# The front end at scale, through the `cajal` tool: the throughput of parsing and type-checking a
# 10 MB program (`cajal type`), and the time and peak memory of refusing 100 000 nested
# parentheses (the parser bounds terms at kMaxTermDepth = 2000 levels). Prints the figures the
# README quotes; each is the best of 3 runs.
# Usage: bench/parser_scale.sh BUILD_DIR
set -euo pipefail
cajal=$(cd "$1" && pwd)/cajal
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# 10 MB of defs: a chain of small functions over every construct (each def uses the one before).
/usr/bin/python3 -S - "$d/big.cj" <<'PY'
import sys
out, i, size = [], 0, 0
out.append("def f0 = fun b : Bool => b\n")
while size < 10_000_000:
    i += 1
    line = (f"def f{i} = fun x : Bool => let y = f{i-1} (if x then false else true) in "
            f"iter {{ y | s => {{true ↦ false, false ↦ true}} s }} (succ (succ {i % 7}))\n")
    out.append(line)
    size += len(line.encode())
out.append(f"def main = fun n : Nat => iter {{ true | z => f{i} z }} (n)\n")
open(sys.argv[1], "w").write("".join(out))
PY
printf 'def main = %s' "$(printf '(%.0s' $(seq 100000))" > "$d/deep.cj"

best() {  # best FILE ARGS...: prints "seconds peak_kib exit" of the fastest of 3 runs
  local b="" 
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M %x" -o "$d/t" "$cajal" "$@" >/dev/null 2>&1 || true
    read -r s m x < <(tail -1 "$d/t")
    if [ -z "$b" ] || awk "BEGIN{exit !($s < ${b%% *})}"; then b="$s $m $x"; fi
  done
  echo "$b"
}
bytes=$(stat -c %s "$d/big.cj")
read -r s m x < <(best type "$d/big.cj")
echo "type-check a $(awk "BEGIN{printf \"%.1f\", $bytes/1e6}") MB program ($(grep -c '^def' "$d/big.cj") defs): $s s," \
     "$(awk "BEGIN{printf \"%.1f\", $bytes/1e6/$s}") MB/s, peak $((m / 1024)) MiB, exit $x"
read -r s m x < <(best type "$d/deep.cj")
echo "refuse 100 000 nested parentheses: $s s, peak $((m / 1024)) MiB, exit $x (expected 2)"
