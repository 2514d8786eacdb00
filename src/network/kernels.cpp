// Choosing the engine's kernels at start-up (kernels.hpp). Compiled for the baseline x86-64: it
// asks the CPU which extensions it has before any variant's code runs.
#include "kernels.hpp"

#include <cstdlib>
#include <cstring>
#include <iterator>

namespace cajal::kernels {

namespace baseline {  // compiled with the flags of the rest of Cajal: runs wherever Cajal does
extern const Table table;
}  // namespace baseline
#ifdef CAJAL_KERNELS_V3
namespace v3 {
extern const Table table;
extern const unsigned long long features;
}  // namespace v3
#endif
#ifdef CAJAL_KERNELS_NATIVE
namespace native {
extern const Table table;
extern const unsigned long long features;
}  // namespace native
#endif

namespace {

// Whether this CPU has every extension in `features` (the bits of kernels_impl.cpp).
bool cpu_has(unsigned long long features) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  const bool has[] = {
      __builtin_cpu_supports("sse3") != 0,         __builtin_cpu_supports("ssse3") != 0,
      __builtin_cpu_supports("sse4.1") != 0,       __builtin_cpu_supports("sse4.2") != 0,
      __builtin_cpu_supports("popcnt") != 0,       __builtin_cpu_supports("avx") != 0,
      __builtin_cpu_supports("avx2") != 0,         __builtin_cpu_supports("fma") != 0,
      __builtin_cpu_supports("bmi") != 0,          __builtin_cpu_supports("bmi2") != 0,
      __builtin_cpu_supports("avx512f") != 0,      __builtin_cpu_supports("avx512vl") != 0,
      __builtin_cpu_supports("avx512bw") != 0,     __builtin_cpu_supports("avx512dq") != 0,
      __builtin_cpu_supports("avx512cd") != 0,     __builtin_cpu_supports("avx512vnni") != 0,
      __builtin_cpu_supports("avx512ifma") != 0,   __builtin_cpu_supports("avx512vbmi") != 0,
      __builtin_cpu_supports("avx512vbmi2") != 0,  __builtin_cpu_supports("avx512bitalg") != 0,
      __builtin_cpu_supports("avx512vpopcntdq") != 0, __builtin_cpu_supports("avx512bf16") != 0,
      __builtin_cpu_supports("fma4") != 0,         __builtin_cpu_supports("xop") != 0,
      __builtin_cpu_supports("sse4a") != 0,        __builtin_cpu_supports("aes") != 0,
      __builtin_cpu_supports("pclmul") != 0,       __builtin_cpu_supports("gfni") != 0,
      __builtin_cpu_supports("vpclmulqdq") != 0,
  };
  for (std::size_t bit = 0; bit < std::size(has); ++bit)
    if ((features >> bit & 1u) && !has[bit]) return false;
  // A bit this file does not know of: never run code compiled for it.
  return (features >> std::size(has)) == 0;
#else
  return features == 0;
#endif
}

// The variants built into this binary that this CPU runs, best first.
const Table& choose() {
  const Table* runnable[3];
  std::size_t count = 0;
#ifdef CAJAL_KERNELS_NATIVE
  if (cpu_has(native::features)) runnable[count++] = &native::table;
#endif
#ifdef CAJAL_KERNELS_V3
  if (cpu_has(v3::features)) runnable[count++] = &v3::table;
#endif
  runnable[count++] = &baseline::table;
  // CAJAL_KERNELS forces a variant (when it is built and this CPU runs it): for tests and
  // benchmarks that compare them.
  if (const char* forced = std::getenv("CAJAL_KERNELS"); forced && *forced)
    for (std::size_t i = 0; i < count; ++i)
      if (std::strcmp(runnable[i]->name, forced) == 0) return *runnable[i];
  return *runnable[0];
}

}  // namespace

const Table& kernels() {
  static const Table& chosen = choose();
  return chosen;
}

}  // namespace cajal::kernels
