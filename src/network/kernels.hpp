// The engine's numeric kernels, built once per instruction-set level and chosen at start-up.
//
// Everything else in Cajal is compiled for the baseline x86-64 (so an installed package runs on
// any x86-64 machine); these few functions, where the engine spends its time on large shapes, are
// compiled again for x86-64-v3 (AVX2 + FMA) and, in a source build with CAJAL_NATIVE, for the
// machine that builds them (-march=native). kernels() picks the best variant this CPU supports,
// once (CAJAL_KERNELS=baseline|v3|native in the environment forces one, for tests).
//
// The interface is plain data (pointers and sizes): no Eigen or standard-library type crosses it,
// so the variants' code never meets (each variant's TU sees Eigen under a namespace of its own,
// and the CTest build.kernel_symbols checks that a variant's object defines nothing else).
#pragma once

#include <cstddef>

namespace cajal::kernels {

// C = A·B, or C += A·B when `accumulate`. C is m × n, column-major with leading dimension ldc.
// A is m × k and B is k × n, each column-major (or row-major when its flag is set) with the given
// leading dimension — the conventions of BLAS's dgemm.
struct Gemm {
  std::ptrdiff_t m = 0, n = 0, k = 0;
  const double* a = nullptr;
  std::ptrdiff_t lda = 0;
  bool a_row_major = false;
  const double* b = nullptr;
  std::ptrdiff_t ldb = 0;
  bool b_row_major = false;
  double* c = nullptr;
  std::ptrdiff_t ldc = 0;
  bool accumulate = false;
};

// y = F·x, or y += F·x when `accumulate`, for the n columns of x: F is rows × cols, row-major;
// x is cols × n and y rows × n, column-major. For the small products (a neuron of dimension 10 on
// one column) where a GEMM's set-up would cost more than the arithmetic: each row's dot product
// is summed in four interleaved partial sums (0, 4, 8, ...; 1, 5, ...), which this variant's
// vector unit adds at once, then the rest of the row.
struct Small {
  std::ptrdiff_t rows = 0, cols = 0, n = 0;
  const double* f = nullptr;
  const double* x = nullptr;
  double* y = nullptr;
  bool accumulate = false;
};

struct Table {
  const char* name;  // "baseline", "x86-64-v3", "native"
  void (*gemm)(const Gemm&);
  void (*small)(const Small&);
};

// The variant in use (chosen on first call; thread-safe).
const Table& kernels();

}  // namespace cajal::kernels
