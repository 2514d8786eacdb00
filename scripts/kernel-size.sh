#!/usr/bin/env bash
# The verify kernel's size (cajal/prove/verify.hpp): lines of code (not blank, not only a
# comment) of the kernel itself and of each piece of Cajal it trusts, as the README states them.
# Z3, OpenSSL, nlohmann-json and Boost.Spirit are trusted too, and not counted.
# Usage: scripts/kernel-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count() { cat "$@" | sed -e 's|^[[:space:]]*//.*$||' | grep -cv '^[[:space:]]*$'; }
row() { printf '%-44s %6d  %s\n' "$1" "$(count "${@:3}")" "$2"; }
# Rendering for teaching (syntax/prooftree.*, typecheck/derivation.cpp) is not on the kernel's path
# (verify prints no derivation) and is not counted.
kernel=(include/cajal/prove/verify.hpp src/prove/verify.cpp)
reader=(include/cajal/network/network.hpp src/network/network.cpp)
obligation=(src/prove/arith.hpp src/prove/symbolic.hpp src/prove/symbolic.cpp src/prove/prove.cpp include/cajal/prove/prove.hpp)
smt=(include/cajal/smt/*.hpp src/smt/*.cpp)
front=(src/parse/*.cpp src/parse/*.hpp include/cajal/parse/*.hpp src/typecheck/typecheck.cpp include/cajal/typecheck/*.hpp
       src/frontend/*.cpp include/cajal/frontend/*.hpp)
syntax=()
for f in src/syntax/*.cpp include/cajal/syntax/*.hpp; do
  case $f in *prooftree*) ;; *) syntax+=("$f") ;; esac
done
echo "piece                                         lines  files"
row "the kernel (reading, hashing, the checks)" "prove/verify.{hpp,cpp}" "${kernel[@]}"
row "network reader and validator" "network/network.{hpp,cpp}" "${reader[@]}"
row "the obligation: symbolic semantics" "prove/arith.hpp, prove/symbolic*, prove.cpp" "${obligation[@]}"
row "Z3 under a deadline" "smt/*" "${smt[@]}"
row "front end: parser and type checker" "parse/*, typecheck/*, frontend/*" "${front[@]}"
row "syntax (AST, sources, diagnostics)" "syntax/*" "${syntax[@]}"
total=$(count "${kernel[@]}" "${reader[@]}" "${obligation[@]}" "${smt[@]}" "${front[@]}" "${syntax[@]}")
printf '%-44s %6d\n' "trusted in all" "$total"
