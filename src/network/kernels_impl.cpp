// One variant of the engine's numeric kernels (kernels.hpp). This file is compiled once per
// instruction-set level, with CAJAL_KERNEL_VARIANT naming the variant (baseline, v3, native) and,
// for all but the baseline, `Eigen` renamed to a namespace of the variant's own (-DEigen=...), so
// that Eigen's templates instantiated here with AVX instructions are never merged by the linker
// with the baseline instantiations the rest of Cajal uses.
//
// Only code that runs after dispatch may live here: the check that a CPU can run this variant is
// in kernels.cpp (compiled for the baseline), reading the feature bits this file exports as data.
#include <Eigen/Core>

#include "kernels.hpp"

#if !defined(CAJAL_KERNEL_VARIANT) || !defined(CAJAL_KERNEL_NAME)
#error "compile with -DCAJAL_KERNEL_VARIANT=baseline|v3|native and -DCAJAL_KERNEL_NAME=\"...\""
#endif

namespace cajal::kernels::CAJAL_KERNEL_VARIANT {

namespace {

using Eigen::Dynamic;
using Eigen::OuterStride;
template <int Order>
using In = Eigen::Map<const Eigen::Matrix<double, Dynamic, Dynamic, Order>, 0, OuterStride<>>;
using Out = Eigen::Map<Eigen::Matrix<double, Dynamic, Dynamic, Eigen::ColMajor>, 0, OuterStride<>>;

template <int OrderA, int OrderB>
void product(const Gemm& g) {
  In<OrderA> a(g.a, g.m, g.k, OuterStride<>(g.lda));
  In<OrderB> b(g.b, g.k, g.n, OuterStride<>(g.ldb));
  Out c(g.c, g.m, g.n, OuterStride<>(g.ldc));
  if (g.accumulate)
    c.noalias() += a * b;
  else
    c.noalias() = a * b;
}

void gemm(const Gemm& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    if (!g.accumulate) Out(g.c, g.m, g.n, OuterStride<>(g.ldc)).setZero();
    return;
  }
  if (g.a_row_major) {
    if (g.b_row_major) product<Eigen::RowMajor, Eigen::RowMajor>(g);
    else product<Eigen::RowMajor, Eigen::ColMajor>(g);
  } else {
    if (g.b_row_major) product<Eigen::ColMajor, Eigen::RowMajor>(g);
    else product<Eigen::ColMajor, Eigen::ColMajor>(g);
  }
}

}  // namespace

extern const Table table;
const Table table{CAJAL_KERNEL_NAME, &gemm};

// The instruction-set extensions this variant was compiled for (kernels.cpp checks each one
// against the CPU before using it). Data, not code: reading it is safe on any CPU.
extern const unsigned long long features;
const unsigned long long features = 0
#ifdef __SSE3__
    | (1ull << 0)
#endif
#ifdef __SSSE3__
    | (1ull << 1)
#endif
#ifdef __SSE4_1__
    | (1ull << 2)
#endif
#ifdef __SSE4_2__
    | (1ull << 3)
#endif
#ifdef __POPCNT__
    | (1ull << 4)
#endif
#ifdef __AVX__
    | (1ull << 5)
#endif
#ifdef __AVX2__
    | (1ull << 6)
#endif
#ifdef __FMA__
    | (1ull << 7)
#endif
#ifdef __BMI__
    | (1ull << 8)
#endif
#ifdef __BMI2__
    | (1ull << 9)
#endif
#ifdef __AVX512F__
    | (1ull << 10)
#endif
#ifdef __AVX512VL__
    | (1ull << 11)
#endif
#ifdef __AVX512BW__
    | (1ull << 12)
#endif
#ifdef __AVX512DQ__
    | (1ull << 13)
#endif
#ifdef __AVX512CD__
    | (1ull << 14)
#endif
#ifdef __AVX512VNNI__
    | (1ull << 15)
#endif
#ifdef __AVX512IFMA__
    | (1ull << 16)
#endif
#ifdef __AVX512VBMI__
    | (1ull << 17)
#endif
#ifdef __AVX512VBMI2__
    | (1ull << 18)
#endif
#ifdef __AVX512BITALG__
    | (1ull << 19)
#endif
#ifdef __AVX512VPOPCNTDQ__
    | (1ull << 20)
#endif
#ifdef __AVX512BF16__
    | (1ull << 21)
#endif
#ifdef __FMA4__
    | (1ull << 22)
#endif
#ifdef __XOP__
    | (1ull << 23)
#endif
#ifdef __SSE4A__
    | (1ull << 24)
#endif
#ifdef __AES__
    | (1ull << 25)
#endif
#ifdef __PCLMUL__
    | (1ull << 26)
#endif
#ifdef __GFNI__
    | (1ull << 27)
#endif
#ifdef __VPCLMULQDQ__
    | (1ull << 28)
#endif
    ;

}  // namespace cajal::kernels::CAJAL_KERNEL_VARIANT
