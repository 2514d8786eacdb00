#!/usr/bin/env bash
# The verify kernel's size (cajal/prove/verify.hpp): lines of code (not blank, not only a
# comment) of the kernel itself and of each piece of Cajal it trusts, as the README states them.
# Z3, OpenSSL, nlohmann-json and Boost.Spirit are trusted too, and not counted.
# Usage: scripts/kernel-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count() { cat "$@" | sed -e 's|^[[:space:]]*//.*$||' | grep -cv '^[[:space:]]*$'; }
row() { printf '%-44s %6d  %s\n' "$1" "$(count "${@:3}")" "$2"; }
echo "piece                                         lines  files"
row "the kernel (reading, hashing, the checks)" "prove/verify.{hpp,cpp}" include/cajal/prove/verify.hpp src/prove/verify.cpp
row "network reader and validator" "network/network.{hpp,cpp}" include/cajal/network/network.hpp src/network/network.cpp
row "the obligation: symbolic semantics" "prove/symbolic*, prove.cpp" src/prove/symbolic.hpp src/prove/symbolic.cpp src/prove/prove.cpp include/cajal/prove/prove.hpp
row "Z3 under a watchdog" "smt/*" include/cajal/smt/*.hpp src/smt/*.cpp
row "front end: parser and type checker" "parse/*, typecheck/*, frontend/*" src/parse/*.cpp src/parse/*.hpp include/cajal/parse/*.hpp src/typecheck/*.cpp include/cajal/typecheck/*.hpp src/frontend/*.cpp include/cajal/frontend/*.hpp
row "syntax (AST, sources, diagnostics)" "syntax/*" src/syntax/*.cpp include/cajal/syntax/*.hpp
total=$(count include/cajal/prove/verify.hpp src/prove/verify.cpp include/cajal/network/network.hpp src/network/network.cpp \
  src/prove/symbolic.hpp src/prove/symbolic.cpp src/prove/prove.cpp include/cajal/prove/prove.hpp include/cajal/smt/*.hpp src/smt/*.cpp \
  src/parse/*.cpp src/parse/*.hpp include/cajal/parse/*.hpp src/typecheck/*.cpp include/cajal/typecheck/*.hpp src/frontend/*.cpp \
  include/cajal/frontend/*.hpp src/syntax/*.cpp include/cajal/syntax/*.hpp)
printf '%-44s %6d\n' "trusted in all" "$total"
