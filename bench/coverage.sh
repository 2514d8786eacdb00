#!/usr/bin/env bash
# What `prove` and `check` decide at D = 9, one representative program per kind of input, and how
# long each takes (wall clock of the whole process, front end and Z3 teardown included; the
# median of ROUNDS runs). The README's coverage table is this script's output.
#
#   bench/coverage.sh [CAJAL] [ROUNDS]
#
# Run it with nothing else on the cores.
set -euo pipefail
cajal=${1:-build/cajal}
rounds=${2:-5}
ex=$(dirname "$0")/../spec/examples
eq=$ex/equivalence
cases=(
  "Bool, Nat|prove $ex/mul.cj"
  "functions on Bool, Nat (tables)|prove $ex/iterate_fn.cj"
  "(A -o B) -o C (a matrix)|prove -e fun~h~:~(Bool~-o~Bool)~-o~Bool~=>~fun~c~:~Bool~=>~h~(fun~x~:~Bool~=>~if~c~then~x~else~x)"
  "(Nat -o Nat) -o Nat -o Nat (a matrix)|prove -e fun~h~:~(Nat~-o~Nat)~-o~Nat~-o~Nat~=>~fun~n~:~Nat~=>~h~(fun~x~:~Nat~=>~succ~x)~n"
  "a Bool computed from reals (soft)|prove $ex/vectors/classify.cj"
  "a learned soft Bool -o Bool step, fixed|prove $ex/learning/parity.cj --param step=[0.25,0.5,0.75,0.5]"
  "Vec n, Vec n -o Vec m (polynomials)|prove $ex/vectors/rnn.cj"
  "Vec, at fixed learned values|prove $ex/vectors/rnn.cj --param W=[0.5,-1,1,0.25]"
  "Vec, certificate written|compile $ex/vectors/rnn.cj --certify CERT"
  "Vec, certificate re-checked|verify CERT"
  "check: Bool, Nat (symbolic)|check $eq/add_comm.cj --defs left right --method symbolic"
  "check: (A -o B) -o C (listed)|check $eq/fun_of_fun_wrong.cj --defs left right"
  "check: (A -o B) -o Bool -o D (a matrix)|check $eq/fun_of_fun_matrix.cj --defs left right"
  "check: Vec (polynomials)|check $eq/vec_matrix_power.cj --defs left right"
)
cert=$(mktemp -d)
tmp=$(mktemp)
trap 'rm -rf "$cert" "$tmp"' EXIT
printf '| input | command | verdict | seconds (median of %d) |\n|---|---|---|---:|\n' "$rounds"
for c in "${cases[@]}"; do
  what=${c%%|*}
  cmd=${c#*|}
  cmd=${cmd//CERT/$cert/c}
  times=()
  for ((r = 1; r <= rounds; ++r)); do
    # shellcheck disable=SC2086  # (the case is a list of words; `~` stands for a space in -e terms)
    args=($cmd)
    args=("${args[@]//\~/ }")
    /usr/bin/time -o "$tmp" -f "%e" "$cajal" "${args[@]}" > "$tmp.out" 2>&1 || true
    times+=("$(tail -n 1 "$tmp")")
  done
  verdict=$(head -n 1 "$tmp.out" | sed -E 's/ \(.*//; s/ at depth [0-9]+//; s/^certificate in [^:]*: //; s/^verified:.*/verified/')
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  shown=${cmd//$cert\/c/DIR}
  shown=${shown//$ex\//}
  printf '| %s | `cajal %s` | %s | %s |\n' "$what" "${shown//\~/ }" "$verdict" "$median"
done
rm -f "$tmp.out"
