#!/usr/bin/env bash
# build.kernel_symbols: an object file of a non-baseline kernel variant (src/network/kernels.hpp)
# must define no global or weak symbol that names neither of its own namespaces
# (cajal::kernels::VARIANT, Eigen_VARIANT). Such a symbol — an std:: or Eigen:: template
# instantiated here with AVX instructions — could be merged by the linker with the baseline copy
# the rest of Cajal calls, and then run on a CPU without AVX. A symbol whose mangled name
# mentions one of the variant's namespaces (as a scope or a template argument) is the variant's
# alone.
#
#   check-kernel-symbols.sh VARIANT OBJECT...
set -euo pipefail
variant=$1
shift
fail=0
count=0
for object in "$@"; do
  # Defined symbols with their types; lowercase types are local to the object, except u, v and
  # w (unique and weak symbols, which the linker merges).
  while read -r _ type name; do
    case "$type" in [a-z]) case "$type" in u | v | w) ;; *) continue ;; esac ;; esac
    count=$((count + 1))
    case "$name" in
      *"Eigen_${variant}"* | *"5cajal7kernels${#variant}${variant}"*) ;;
      DW.ref.__gxx_personality_v0) ;;  # a pointer to the C++ runtime's personality routine: data
      *) echo "check-kernel-symbols: $(basename "$object") defines $type $(echo "$name" | c++filt) outside cajal::kernels::$variant and Eigen_$variant"; fail=1 ;;
    esac
  done < <(nm --defined-only "$object")
done
if [ $fail -eq 0 ]; then echo "check-kernel-symbols: $variant: $count global symbols, each in the variant's own namespaces"; fi
exit $fail
