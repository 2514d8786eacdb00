// `cajal train` and `--extract` (include/cajal/learn/train.hpp).
#include "cajal/learn/train.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

Result<std::vector<TrainingExample>> examples(const std::string& text) {
  static std::vector<SourcePtr> keep;
  keep.push_back(std::make_shared<const Source>("data.jsonl", text));
  return read_examples(keep.back());
}

const char* kParity = "param step : Bool -o Bool\ndef main = fun n : Nat => iter { true | y => step y } (n)";
const char* kParityData =
    "{\"args\": [\"0\"], \"output\": \"true\"}\n{\"args\": [\"1\"], \"output\": \"false\"}\n\n"
    "{\"args\": [\"2\"], \"output\": \"true\"}\n{\"args\": [\"3\"], \"output\": \"false\"}\n";

TEST(ReadExamples, JsonLinesWithValuesInSourceSyntaxOrAsVectors) {
  auto r = examples("{\"args\": [\"3\", [0.5, 0.5]], \"output\": \"false\"}\n\n{\"args\": [], \"output\": 1}\n");
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].args[0], "3");
  EXPECT_EQ((*r)[0].args[1], "[0.5,0.5]");
  EXPECT_EQ((*r)[1].output, "[1]");
  auto bad = examples("{\"args\": [\"0\"], \"output\": \"true\"}\nnot json\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.diagnostics.front().span.line_col(), "2:1");
  EXPECT_FALSE(examples("\n\n").ok());
}

TEST(Train, AdamLearnsNotFromFourParities) {
  Loaded l = load(kParity);
  ASSERT_TRUE(l.result.ok());
  TrainOptions options;
  int calls = 0;
  options.progress = [&](int epoch, double) { EXPECT_EQ(epoch, ++calls); };
  Result<TrainResult> r = train(*l.result, *examples(kParityData), options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(calls, 200);
  EXPECT_LT(r->final_loss, 1e-6);
  EXPECT_GT(r->losses.front(), 0.1);
  Eigen::VectorXd not_matrix(4);
  not_matrix << 0, 1, 1, 0;
  EXPECT_LT((r->params.at("step") - not_matrix).cwiseAbs().maxCoeff(), 1e-3);
  // The same seed gives the same run.
  options.progress = nullptr;
  Result<TrainResult> again = train(*l.result, *examples(kParityData), options);
  EXPECT_EQ(again->params.at("step"), r->params.at("step"));
}

TEST(Train, ExamplesMustFitMainsType) {
  Loaded l = load(kParity);
  Result<TrainResult> wrong = train(*l.result, *examples("{\"args\": [\"true\"], \"output\": \"true\"}\n"), {});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.diagnostics.front().message, "argument 1 has type Bool but Nat is expected");
  Result<TrainResult> arity = train(*l.result, *examples("{\"args\": [\"1\", \"2\"], \"output\": \"true\"}\n"), {});
  ASSERT_FALSE(arity.ok());
  Loaded none = load("def main = fun n : Nat => n");
  EXPECT_FALSE(train(*none.result, *examples(kParityData), {}).ok());
}

TEST(Extract, NearestFunctionsAsTables) {
  Loaded l = load("param t : Bool -o Nat -o Bool\nparam b : Bool\ndef main = t");
  ASSERT_TRUE(l.result.ok());
  // At D = 1: t is 4 × 2 (rows: the 2 × 2 matrices of Nat -o Bool, row-major), b is 2.
  Eigen::VectorXd t(8), b(2);
  // column true:  [[0.9, 0.2], [0.1, 0.7]]  -> {0 ↦ true, 1 ↦ false}
  // column false: [[0.3, 0.6], [0.4, 0.1]]  -> {0 ↦ false, 1 ↦ true}
  t << 0.9, 0.3, 0.2, 0.6, 0.1, 0.4, 0.7, 0.1;
  b << 0.2, 0.8;
  Result<Program> p = extract(*l.result, {{"t", t}, {"b", b}}, 1);
  ASSERT_TRUE(p.ok()) << render(p.diagnostics);
  EXPECT_EQ(print_term(*p->find_def("t")->body), "{true ↦ {0 ↦ true, 1 ↦ false}, false ↦ {0 ↦ false, 1 ↦ true}}");
  EXPECT_EQ(print_term(*p->find_def("b")->body), "false");
  EXPECT_EQ(p->find_param("t"), nullptr);
  Loaded higher = load("param h : (Bool -o Bool) -o Bool\ndef main = true");
  Result<Program> no = extract(*higher.result, {{"h", Eigen::VectorXd::Zero(8)}}, 1);
  ASSERT_FALSE(no.ok());
  EXPECT_NE(no.diagnostics.front().message.find("not a function between finite types"), std::string::npos);
}

}  // namespace
}  // namespace cajal::test
