#!/usr/bin/env bash
# package.deb: CPack writes the .deb; its control fields (dpkg-deb -I) declare the dependencies
# and its contents (dpkg-deb -c) hold the tool, headers, libraries, CMake package, pkg-config file,
# Python package, examples and bash completion, all under /usr.
#
#   deb.sh BUILD_DIR WITH_PYTHON_MODULE(ON|OFF)
set -euo pipefail
build=$1 with_python=${2:-ON}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -B "$tmp" > cpack.log) || { cat "$tmp/cpack.log"; exit 1; }
deb=$(ls "$tmp"/cajal_*.deb)
echo "deb.sh: $(basename "$deb"), $(du -h "$deb" | cut -f1)"
dpkg-deb -I "$deb" > "$tmp/info"
dpkg-deb -c "$deb" | awk '{print $6}' > "$tmp/contents"
fail=0
need_field() {
  if ! grep -Eq "$1" "$tmp/info"; then echo "deb.sh: control has no $1"; fail=1; fi
}
need_file() {
  if ! grep -Eq "^$1\$" "$tmp/contents"; then echo "deb.sh: package has no $1"; fail=1; fi
}
need_field '^ Package: cajal$'
need_field '^ Version: [0-9]+\.[0-9]+\.[0-9]+'
# Declared: the development packages the headers and static libraries need ...
for dep in libeigen3-dev libz3-dev libssl-dev nlohmann-json3-dev librapidcheck-dev; do
  need_field "^ Depends: .*\\b$dep\\b"
done
if [[ "$with_python" =~ ^(ON|1|TRUE|YES)$ ]]; then
  need_field '^ Depends: .*python3 \(>= 3\.[0-9]+\), python3 \(<< 3\.[0-9]+\), python3-numpy'
fi
# ... and found by dpkg-shlibdeps: the tool's run-time libraries.
for dep in libc6 libstdc\\+\\+6 libz3-4; do
  need_field "^ Depends: .*\\b$dep\\b"
done
for f in ./usr/bin/cajal ./usr/include/cajal/driver/driver.hpp ./usr/include/cajal/driver/junit.hpp \
         './usr/lib/(x86_64-linux-gnu/)?libcajal_driver\.a' './usr/lib/(x86_64-linux-gnu/)?libcajal_rapidcheck\.a' \
         './usr/lib/(x86_64-linux-gnu/)?cmake/cajal/cajalConfig\.cmake' \
         './usr/lib/(x86_64-linux-gnu/)?cmake/cajal/cajalConfigVersion\.cmake' \
         './usr/lib/(x86_64-linux-gnu/)?pkgconfig/cajal\.pc' ./usr/share/bash-completion/completions/cajal \
         ./usr/share/cajal/examples/even.cj; do
  need_file "$f"
done
if [[ "$with_python" =~ ^(ON|1|TRUE|YES)$ ]]; then
  need_file ./usr/lib/python3/dist-packages/cajal/__init__.py
  need_file './usr/lib/python3/dist-packages/cajal/_cajal\..*\.so'
fi
if grep -q '^./usr/local' "$tmp/contents"; then echo "deb.sh: files under /usr/local"; fail=1; fi
if [ $fail -ne 0 ]; then
  cat "$tmp/info"
  exit 1
fi
# It installs here: apt resolves every declared dependency on this Debian (a simulated
# `apt install ./cajal_*.deb`: nothing is changed on the machine), and the tool it holds runs.
if ! apt-get install --simulate --no-install-recommends "$deb" > "$tmp/apt.log" 2>&1; then
  echo "deb.sh: apt cannot install $(basename "$deb"):"; tail -20 "$tmp/apt.log"; exit 1
fi
grep -q "^Inst cajal " "$tmp/apt.log" || { echo "deb.sh: apt would not install cajal:"; cat "$tmp/apt.log"; exit 1; }
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/cajal" --help > "$tmp/help.txt" || { echo "deb.sh: the packaged cajal --help failed"; exit 1; }
grep -q "^usage: cajal" "$tmp/help.txt" || { echo "deb.sh: the packaged cajal --help printed:"; cat "$tmp/help.txt"; exit 1; }
sed -n 's/^ Depends: /deb.sh: Depends: /p' "$tmp/info"
echo "deb.sh: apt resolves its dependencies here (simulated install), and the packaged cajal --help runs"
echo "deb.sh: $(wc -l < "$tmp/contents") entries; all expected files and dependencies present"
