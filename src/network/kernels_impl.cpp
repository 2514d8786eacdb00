// One variant of the engine's numeric kernels (kernels.hpp). This file is compiled once per
// instruction-set level, with CAJAL_KERNEL_VARIANT naming the variant (baseline, v3, native) and,
// for all but the baseline, `Eigen` renamed to a namespace of the variant's own (-DEigen=...), so
// that Eigen's templates instantiated here with AVX instructions are never merged by the linker
// with the baseline instantiations the rest of Cajal uses.
//
// Only code that runs after dispatch may live here: the check that a CPU can run this variant is
// in kernels.cpp (compiled for the baseline), reading the feature bits this file exports as data.
#include <Eigen/Core>
#include <cmath>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

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

// a·b + c: one rounding where this variant has FMA, else two.
inline double mul_add(double a, double b, double c) {
#ifdef __FMA__
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// One row's dot product with x: four lane sums (columns 0, 4, 8, ...; 1, 5, ...; ...) added as
// (lane 0 + lane 1) + (lane 2 + lane 3), then the columns past the last multiple of four in order.
// four_rows below computes the same sums, rounded the same way.
double row_sum(const double* fi, const double* x, std::ptrdiff_t cols) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::ptrdiff_t j = 0;
  for (; j + 4 <= cols; j += 4) {
    s0 = mul_add(fi[j], x[j], s0);
    s1 = mul_add(fi[j + 1], x[j + 1], s1);
    s2 = mul_add(fi[j + 2], x[j + 2], s2);
    s3 = mul_add(fi[j + 3], x[j + 3], s3);
  }
  double s = (s0 + s1) + (s2 + s3);
  for (; j < cols; ++j) s = mul_add(fi[j], x[j], s);
  return s;
}

#if defined(__AVX2__) && defined(__FMA__)
// Four rows' dot products at once: a vector of lane sums per row, the four rows reduced together.
void four_rows(const double* f, std::ptrdiff_t cols, const double* x, double* sums) {
  const double *f0 = f, *f1 = f0 + cols, *f2 = f1 + cols, *f3 = f2 + cols;
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  std::ptrdiff_t j = 0;
  for (; j + 4 <= cols; j += 4) {
    const __m256d xj = _mm256_loadu_pd(x + j);
    a0 = _mm256_fmadd_pd(_mm256_loadu_pd(f0 + j), xj, a0);
    a1 = _mm256_fmadd_pd(_mm256_loadu_pd(f1 + j), xj, a1);
    a2 = _mm256_fmadd_pd(_mm256_loadu_pd(f2 + j), xj, a2);
    a3 = _mm256_fmadd_pd(_mm256_loadu_pd(f3 + j), xj, a3);
  }
  // hadd(a0, a1) = (a0₀+a0₁, a1₀+a1₁, a0₂+a0₃, a1₂+a1₃); the halves regrouped by lane pair.
  const __m256d h01 = _mm256_hadd_pd(a0, a1), h23 = _mm256_hadd_pd(a2, a3);
  const __m256d pairs01 = _mm256_permute2f128_pd(h01, h23, 0x20), pairs23 = _mm256_permute2f128_pd(h01, h23, 0x31);
  _mm256_storeu_pd(sums, _mm256_add_pd(pairs01, pairs23));
  for (; j < cols; ++j) {
    const double xj = x[j];
    sums[0] = mul_add(f0[j], xj, sums[0]);
    sums[1] = mul_add(f1[j], xj, sums[1]);
    sums[2] = mul_add(f2[j], xj, sums[2]);
    sums[3] = mul_add(f3[j], xj, sums[3]);
  }
}
#endif

void small(const Small& p) {
  for (std::ptrdiff_t b = 0; b < p.n; ++b) {
    const double* xb = p.x + b * p.cols;
    double* yb = p.y + b * p.rows;
    std::ptrdiff_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
    for (; i + 4 <= p.rows; i += 4) {
      double sums[4];
      four_rows(p.f + i * p.cols, p.cols, xb, sums);
      for (int r = 0; r < 4; ++r) yb[i + r] = p.accumulate ? yb[i + r] + sums[r] : sums[r];
    }
#endif
    for (; i < p.rows; ++i) {
      const double s = row_sum(p.f + i * p.cols, xb, p.cols);
      yb[i] = p.accumulate ? yb[i] + s : s;
    }
  }
}

}  // namespace

extern const Table table;
const Table table{CAJAL_KERNEL_NAME, &gemm, &small};

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
