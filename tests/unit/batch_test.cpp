// Many inputs through one network (run_batch_on_network, grad_batch: `cajal run --inputs`, `cajal
// grad --inputs`): each row gives what its run alone gives, on every number of threads.
#include "support.hpp"

namespace cajal::test {
namespace {

const char* kRnn =
    "param W : Vec 2 -o Vec 2\n"
    "def main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (n)";
const char* kAdd = "def main = fun m : Nat => fun n : Nat => iter { m | k => succ k } (n)";

BatchRow row(const std::vector<std::string>& args) {
  BatchRow r;
  for (std::size_t k = 0; k < args.size(); ++k)
    r.args.push_back(std::make_shared<const Source>("<row arg " + std::to_string(k + 1) + ">", args[k]));
  return r;
}

RunRequest params_only(const std::vector<std::pair<std::string, std::string>>& params, int depth = 9) {
  return request_for({}, params, depth);
}

TEST(Batch, EachRowIsWhatItsRunAloneGives) {
  Loaded l = load(kRnn);
  ASSERT_TRUE(l.result.ok());
  const std::vector<std::pair<std::string, std::string>> w = {{"W", "[0.5, -1, 1, 0.25]"}};
  std::vector<std::vector<std::string>> rows_text = {{"0", "[1, 2]"}, {"3", "[1, 0]"}, {"9", "[-0.5, 4]"}, {"1", "[0, 0]"}};
  std::vector<BatchRow> rows;
  for (const auto& r : rows_text) rows.push_back(row(r));
  Result<NetworkBatchResult> batch = run_batch_on_network(*l.result, params_only(w), rows, 1);
  ASSERT_TRUE(batch.ok()) << render(batch.diagnostics);
  Result<std::pair<NetworkBatchResult, NetworkGradients>> grads = grad_batch(*l.result, params_only(w), rows, 1);
  ASSERT_TRUE(grads.ok()) << render(grads.diagnostics);
  ASSERT_EQ(batch->values.size(), rows.size());
  Eigen::VectorXd summed = Eigen::VectorXd::Zero(4);
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const auto col = static_cast<Eigen::Index>(b);
    Result<NetworkRunResult> alone = run_main_on_network(*l.result, request_for(rows_text[b], w));
    ASSERT_TRUE(alone.ok()) << render(alone.diagnostics);
    EXPECT_EQ(batch->run.output.col(col), alone->run.output.col(0)) << "row " << b;
    EXPECT_EQ(batch->values[b], alone->value) << "row " << b;
    Result<std::pair<NetworkRunResult, NetworkGradients>> g = grad_main(*l.result, request_for(rows_text[b], w));
    ASSERT_TRUE(g.ok()) << render(g.diagnostics);
    for (std::size_t k = 0; k < g->second.inputs.size(); ++k)
      EXPECT_EQ(grads->second.inputs[k].col(col), g->second.inputs[k].col(0)) << "row " << b << ", input " << k;
    summed += g->second.params.at("W");
  }
  EXPECT_TRUE(grads->second.params.at("W").isApprox(summed, 1e-12)) << grads->second.params.at("W").transpose();
}

// More rows than a chunk (cajal::Plan::kChunkColumns), on one thread and on three: the same bits.
TEST(Batch, TheSameOnEveryNumberOfThreads) {
  Loaded l = load(kAdd);
  ASSERT_TRUE(l.result.ok());
  std::vector<BatchRow> rows;
  for (int k = 0; k < 700; ++k) rows.push_back(row({std::to_string(k % 5), std::to_string(k % 4)}));
  ASSERT_GT(static_cast<Eigen::Index>(rows.size()), 2 * Plan::kChunkColumns);
  auto one = grad_batch(*l.result, params_only({}), rows, 1);
  auto three = grad_batch(*l.result, params_only({}), rows, 3);
  ASSERT_TRUE(one.ok() && three.ok());
  EXPECT_EQ(one->first.run.output, three->first.run.output);
  for (std::size_t k = 0; k < one->second.inputs.size(); ++k) EXPECT_EQ(one->second.inputs[k], three->second.inputs[k]);
  for (std::size_t b = 0; b < rows.size(); ++b)
    EXPECT_EQ(*one->first.values[b], std::to_string(b % 5 + b % 4)) << "row " << b;
}

TEST(Batch, ARowPastTheDepthIsNamed) {
  Loaded l = load(kAdd);
  ASSERT_TRUE(l.result.ok());
  auto source = std::make_shared<const Source>("rows.jsonl", "{\"args\": [\"1\", \"2\"]}\n{\"args\": [\"5\", \"7\"]}\n");
  std::vector<BatchRow> rows = {row({"1", "2"}), row({"5", "7"})};
  rows[1].where = Span{source.get(), 21, 41};
  Result<NetworkBatchResult> r = run_batch_on_network(*l.result, params_only({}), rows);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().span.where(), "rows.jsonl:2:1");
  EXPECT_NE(r.diagnostics.front().message.find("lost mass past the depth D = 9"), std::string::npos);
  EXPECT_NE(r.diagnostics.front().message.find("rerun with --depth 12"), std::string::npos) << r.diagnostics.front().message;
}

// A param given as a real vector that is not a distribution (here of mass 2) turns the mass check
// off for every row, as it does for one run.
TEST(Batch, ARealParamTurnsTheMassCheckOffForEveryRow) {
  Loaded l = load("param p : Bool\ndef main = fun n : Nat => if p then n else n");
  ASSERT_TRUE(l.result.ok());
  const std::vector<std::pair<std::string, std::string>> p = {{"p", "[2, 0]"}};
  ASSERT_TRUE(run_main_on_network(*l.result, request_for({"4"}, p)).ok());
  Result<NetworkBatchResult> r = run_batch_on_network(*l.result, params_only(p), {row({"3"}), row({"4"})});
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->run.output(4, 1), 2.0);
}

TEST(Batch, RowsAgreeOnTheirArgumentsAndGiveThemAll) {
  Loaded l = load("def main = fun b : Bool => fun c : Bool => if b then c else if c then false else true");
  ASSERT_TRUE(l.result.ok());
  Result<NetworkBatchResult> partial = run_batch_on_network(*l.result, params_only({}), {row({"true", "false"}), row({"true"})});
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.diagnostics.front().message, "this row has 1 arguments and the first 2: a batch runs one network");
  Result<NetworkBatchResult> none = run_batch_on_network(*l.result, params_only({}), {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.diagnostics.front().message, "a batch needs at least one row");
  Result<NetworkBatchResult> both = run_batch_on_network(*l.result, request_for({"true"}, {}), {row({"true", "true"})});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.diagnostics.front().message, "a batch takes its arguments from its rows, not from --arg");
  Result<NetworkBatchResult> mistyped = run_batch_on_network(*l.result, params_only({}), {row({"true", "3"})});
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.diagnostics.front().message, "argument 2 has type Nat but main expects Bool");
}

// The inputs' columns are sized before they are made: 100 rows of a Vec 1000 are 800 000 bytes.
TEST(Batch, ABatchPastTheMemoryBudgetIsRefused) {
  Loaded l = load("def main = fun x : Vec 1000 => x");
  ASSERT_TRUE(l.result.ok());
  std::string vector = "[0";
  for (int k = 1; k < 1000; ++k) vector += ", 0";
  vector += "]";
  std::vector<BatchRow> rows(100, row({vector}));
  const std::uint64_t budget = memory_budget();
  set_memory_budget(std::uint64_t{256} << 10);
  Result<NetworkBatchResult> r = run_batch_on_network(*l.result, params_only({}), rows);
  rows.resize(10);
  Result<NetworkBatchResult> fewer = run_batch_on_network(*l.result, params_only({}), rows);  // (80 000 bytes)
  set_memory_budget(budget);
  EXPECT_TRUE(fewer.ok()) << render(fewer.diagnostics);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(is_over_budget(r.diagnostics.front())) << r.diagnostics.front().message;
  EXPECT_NE(r.diagnostics.front().message.find("the inputs of a batch of 100 rows"), std::string::npos)
      << r.diagnostics.front().message;
}

}  // namespace
}  // namespace cajal::test
