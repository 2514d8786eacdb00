#!/usr/bin/env bash
# package.consumer: `cmake --install` into a temporary prefix, then, against that prefix only:
# the out-of-tree consumer project tests/consumer (find_package(cajal): embed the compiler, run a
# RapidCheck property from cajal::testing, the installed tool as cajal::cli) configured, built and
# tested; a program built with the installed pkg-config file; `import cajal` from the installed
# Python package; the installed bash completion.
#
#   consumer.sh BUILD_DIR SOURCE_DIR PYTHON WITH_PYTHON_MODULE(ON|OFF)
set -euo pipefail
build=$1 src=$2 python=$3 with_python=${4:-ON}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
libdir=$(sed -n 's/^libdir=${prefix}\///p' "$prefix"/lib*/pkgconfig/cajal.pc 2>/dev/null || true)
libdir=${libdir:-lib}
for f in bin/cajal include/cajal/frontend/frontend.hpp include/cajal/testing/rapidcheck.hpp \
         "$libdir/cmake/cajal/cajalConfig.cmake" "$libdir/cmake/cajal/cajalConfigVersion.cmake" \
         "$libdir/cmake/cajal/cajalTargets.cmake" "$libdir/pkgconfig/cajal.pc" "$libdir/libcajal_driver.a" \
         "$libdir/libcajal_rapidcheck.a" share/cajal/examples/even.cj share/bash-completion/completions/cajal; do
  if [ ! -e "$prefix/$f" ]; then echo "consumer.sh: not installed: $f"; exit 1; fi
done
"$prefix/bin/cajal" run "$prefix/share/cajal/examples/even.cj" --arg 4 | grep -qx true

# The consumer project: configure, build, test (its own CTest: embed, property, tool).
cmake -S "$src/tests/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/configure.log" ||
  { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/consumer" -j2 > "$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
ctest --test-dir "$tmp/consumer" --output-on-failure
echo "consumer.sh: find_package(cajal) consumer configured, built and tested"

# pkg-config: the flags build and link a program against the installed libraries.
cat > "$tmp/pc.cpp" <<'CPP'
#include <iostream>
#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
int main() {
  auto source = std::make_shared<const cajal::Source>("<pc>", "def main = fun b : Bool => if b then false else true");
  auto program = cajal::load_program(source);
  cajal::RunRequest request;
  request.args = {std::make_shared<const cajal::Source>("<arg>", "true")};
  auto value = cajal::run_main(*program, request);
  std::cout << (value ? value->text : cajal::render(value.diagnostics)) << "\n";
  return value && value->text == "false" ? 0 : 1;
}
CPP
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
# shellcheck disable=SC2046
g++ "$tmp/pc.cpp" -o "$tmp/pc" $(pkg-config --cflags --libs cajal)
"$tmp/pc" | grep -qx false
echo "consumer.sh: pkg-config cajal: $(pkg-config --libs cajal | wc -w) link words, program built and run"

# The Python package, from the prefix (not the build tree).
[[ "$with_python" =~ ^(ON|1|TRUE|YES)$ ]] && PYTHONPATH="$prefix/lib/python3/dist-packages" "$python" - "$prefix" <<'PY'
import sys, cajal
assert cajal.__file__.startswith(sys.argv[1]), cajal.__file__
assert cajal.load("def main = fun b : Bool => b").run(True) is True
print("consumer.sh: import cajal from", cajal.__file__)
PY

# The bash completion script.
bash -n "$prefix/share/bash-completion/completions/cajal"
echo "consumer.sh: all passed"
