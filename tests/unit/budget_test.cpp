// The memory budget (cajal/network/network.hpp): sizes from input are estimated and refused
// before anything is allocated; dimensions saturate instead of wrapping around.
#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/prove/prove.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

// Sets the process's budget for one test and puts the old one back.
struct Budget {
  std::uint64_t saved = memory_budget();
  explicit Budget(std::uint64_t bytes) { set_memory_budget(bytes); }
  ~Budget() { set_memory_budget(saved); }
};

TEST(Budget, DimensionsSaturateInsteadOfWrapping) {
  EXPECT_EQ(saturating_product(std::size_t{1} << 33, std::size_t{1} << 31), SIZE_MAX);  // 2^64 wraps to 0
  EXPECT_EQ(saturating_product(std::size_t{1} << 20, std::size_t{1} << 20), std::size_t{1} << 40);
  Loaded l = load("def main = fun f : (Vec 1048576 -o Vec 1048576) -o Vec 1048576 -o Vec 1048576 => f");
  ASSERT_TRUE(l.result.ok());
  EXPECT_EQ(dimension(*l.result->checked.globals.find("main")->type, 9), SIZE_MAX);  // 2^80
}

TEST(Budget, CompilingPastTheBudgetIsRefusedWithTheEstimate) {
  Loaded l = load("def main = fun v : Vec 1048576 => v");
  ASSERT_TRUE(l.result.ok());
  CompileOptions options;
  options.inputs = 0;  // main as one tensor: a 2^20 x 2^20 matrix
  options.max_bytes = std::uint64_t{1} << 30;
  Result<Network> net = compile_program(*l.result, options);
  ASSERT_FALSE(net.ok());
  EXPECT_TRUE(is_over_budget(net.diagnostics.front()));
  EXPECT_NE(net.diagnostics.front().message.find("needs about 8 TiB, more than the memory budget of 1 GiB"), std::string::npos)
      << net.diagnostics.front().message;
  options.inputs = 1;  // the identity on one input: small
  EXPECT_TRUE(compile_program(*l.result, options).ok());
}

TEST(Budget, RunningAndProvingPastTheBudgetAreRefused) {
  Loaded l = load("def main = fun n : Nat => iter { true | y => if y then false else true } (n)");
  ASSERT_TRUE(l.result.ok());
  Result<Network> net = compile_program(*l.result);
  ASSERT_TRUE(net.ok());
  NetworkArgs args;
  args.inputs.push_back(Eigen::MatrixXd::Identity(10, 10));
  EXPECT_TRUE(run_network(*net, args).ok());
  Budget small(64);
  Result<NetworkRun> run = run_network(*net, args);
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(is_over_budget(run.diagnostics.front())) << run.diagnostics.front().message;
  ProveOptions options;  // the network compiled under the default budget, proved under the small one
  Result<ProveResult> proof = prove_network(*l.result, *net, options);
  ASSERT_FALSE(proof.ok());
  EXPECT_TRUE(is_over_budget(proof.diagnostics.front())) << proof.diagnostics.front().message;
}

TEST(Budget, ReadingANetworkPastTheBudgetIsRefused) {
  Loaded l = load("def main = fun n : Nat => succ n");
  ASSERT_TRUE(l.result.ok());
  Result<Network> net = compile_program(*l.result);
  ASSERT_TRUE(net.ok());
  const std::string json = to_json(*net);
  EXPECT_TRUE(network_from_json(json).ok());
  Budget small(64);
  Result<Network> back = network_from_json(json, "n.json");
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(is_over_budget(back.diagnostics.front())) << back.diagnostics.front().message;
}

TEST(Budget, SizesAreWrittenForPeople) {
  EXPECT_EQ(bytes_text(20), "20 bytes");
  EXPECT_EQ(bytes_text(1536), "1.5 KiB");
  EXPECT_EQ(bytes_text(8.0 * (1ull << 40)), "8 TiB");
  EXPECT_EQ(bytes_text(1e30), "more than 16 EiB");
}

}  // namespace
}  // namespace cajal::test
