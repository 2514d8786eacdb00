#!/usr/bin/env bash
# Regenerates the fuzzing harnesses' seed corpora (tests/fuzz/corpus/TARGET) from the language's
# examples, the golden tests and the built `cajal` tool. The seeds are committed; run this after
# a change to the examples or the formats, then commit what changed.
# Usage: scripts/fuzz-seeds.sh BUILD_DIR   (a normal build with the `cajal` tool)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cajal=$(cd "$1" && pwd)/cajal
out="$root/tests/fuzz/corpus"
rm -rf "$out" && mkdir -p "$out"/{source,network,certificate,examples,args}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

name() { sha1sum "$1" | cut -c1-16; }
keep() { cp "$2" "$out/$1/$(name "$2")"; }  # keep TARGET FILE

# source: every example and golden program, and some programs the oracle generates (the shrunk
# failures of a planted compiler bug: small, varied, and well typed).
while IFS= read -r f; do keep source "$f"; done < <(find "$root/spec/examples" "$root/tests/golden" -name '*.cj' | sort)
"$cajal" fuzz --count 400 --seed 11 --max-size 30 --mutant iter-extra-step --save-failures "$tmp/gen" >/dev/null || true
for f in "$tmp"/gen/*.cj; do [ -e "$f" ] && keep source "$f"; done

# network: the examples compiled at small depths (the format of --emit json and network.json).
for f in "$root"/spec/examples/*.cj; do
  for d in 1 3; do
    "$cajal" compile "$f" --depth $d --emit json > "$tmp/net.json" 2>/dev/null && keep network "$tmp/net.json"
  done
done

# certificate: a few certificates, their four files joined as fuzz_certificate.cpp reads them.
for f in not and xor even pred; do
  rm -rf "$tmp/cert"
  "$cajal" compile "$root/spec/examples/$f.cj" --depth 3 --certify "$tmp/cert" >/dev/null 2>&1 || continue
  { cat "$tmp/cert/certificate.json"; printf '\n----8<----\n'; cat "$tmp/cert/source.cj"; printf '\n----8<----\n'
    cat "$tmp/cert/network.json"; printf '\n----8<----\n'; cat "$tmp/cert/obligation.smt2"; } > "$tmp/cert.blob"
  keep certificate "$tmp/cert.blob"
  # the same with the obligation left empty: the harness writes in the one it gives rise to
  { cat "$tmp/cert/certificate.json"; printf '\n----8<----\n'; cat "$tmp/cert/source.cj"; printf '\n----8<----\n'
    cat "$tmp/cert/network.json"; printf '\n----8<----\n'; } > "$tmp/cert.blob"
  keep certificate "$tmp/cert.blob"
done

# examples: the learning examples' data, whole and line by line.
for f in "$root"/spec/examples/learning/*.jsonl; do
  keep examples "$f"
  head -3 "$f" > "$tmp/few.jsonl" && keep examples "$tmp/few.jsonl"
done

# args: the first byte picks the program of fuzz_args.cpp (its parameter's type), the rest is a term.
i=0
for seed in '\x00true' '\x00false' '\x013' '\x010' '\x02fun b : Bool => b' '\x02{true \xe2\x86\xa6 false, false \xe2\x86\xa6 true}' \
            '\x03fun n : Nat => succ n' '\x03{0 |-> 1, 1 |-> 2}' '\x04fun g : Bool -o Bool => g true' '\x05[1, 2, 3]' \
            '\x00[0.5, 0.5]' '\x01let x = 2 in succ x'; do
  printf "$seed" > "$tmp/arg$i" && keep args "$tmp/arg$i"
  i=$((i + 1))
done
for t in source network certificate examples args; do echo "fuzz-seeds: $t: $(ls "$out/$t" | wc -l) seeds, $(du -sh "$out/$t" | cut -f1)"; done
