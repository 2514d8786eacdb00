// The physical limit the engine is measured against: Eigen's GEMM compiled for this machine
// (-march=native), whatever flags the rest of the benchmark has. Eigen is renamed here
// (-DEigen=Eigen_bench_native, bench/CMakeLists.txt) so its instantiations with this machine's
// instructions never merge with the benchmark's own.
#include <Eigen/Core>

namespace cajal::bench {

// c = a · b: a is m × k row-major, b k × n and c m × n column-major.
void native_gemm(const double* a, const double* b, double* c, long m, long k, long n) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<Eigen::MatrixXd>(c, m, n).noalias() = Eigen::Map<const RowMajor>(a, m, k) * Eigen::Map<const Eigen::MatrixXd>(b, k, n);
}

}  // namespace cajal::bench
