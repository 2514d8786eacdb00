// `Vec n` through every stage: the type and its syntax, vectors in the interpreter (E-AppMatrix),
// the compiler's ℝⁿ, and what prove, check and extract say about them.
#include "cajal/check/check.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/learn/train.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/prove/prove.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

const char* kRnn =
    "param W : Vec 2 -o Vec 2\n"
    "def main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (n)";

TEST(VecType, SyntaxAndPrinting) {
  EXPECT_EQ(main_type("def main = fun x : Vec 3 => x"), "Vec 3 -o Vec 3");
  EXPECT_EQ(main_type("param W : Vec 3 -o Vec 2\ndef main = W"), "Vec 3 -o Vec 2");
  EXPECT_EQ(first_error("def main = fun x : Vec 0 => x"), "the size of a Vec must be between 1 and 1048576, got 0");
  EXPECT_EQ(first_error("def main = fun x : Vec => x"), "expected the size of the vector (a numeral), found `=>`");
  EXPECT_EQ(first_error("def main = fun x : Vec 2 => fun y : Vec 3 => if true then x else y"),
            "branches of `if` use different linear variables: then-branch uses {x}, else-branch uses {y}");
  // Sizes are part of the type.
  EXPECT_EQ(first_error("param W : Vec 3 -o Vec 2\ndef main = fun x : Vec 2 => W x"),
            "argument has type Vec 2 but the function expects Vec 3");
  EXPECT_EQ(first_error("def Vec = 1"), "expected identifier, found `Vec`");
}

TEST(VecEval, VectorsAreValuesAndMatricesApply) {
  // E-AppMatrix: W = [[0, -1], [1, 0]] (row-major), a quarter turn, applied twice.
  EXPECT_EQ(run(kRnn, {"2", "[1, 0]"}, {{"W", "[0, -1, 1, 0]"}}), "[-1, 0]");
  EXPECT_EQ(run(kRnn, {"0", "[0.5, 2]"}, {{"W", "[0, -1, 1, 0]"}}), "[0.5, 2]");
  // A matrix into Bool must give an exact one-hot vector in the interpreter.
  const char* probe = "param P : Vec 2 -o Bool\ndef main = fun x : Vec 2 => if P x then 1 else 2";
  EXPECT_EQ(run(probe, {"[1, 0]"}, {{"P", "[1, 0, 0, 1]"}}), "1");
  EXPECT_EQ(run(probe, {"[0.5, 0.5]"}, {{"P", "[1, 0, 0, 1]"}}),
            "ERROR: [0.5, 0.5] is a soft boolean, not a value: only the network computes with it (use --engine network)");
  // A function that captures a vector has no source syntax.
  EXPECT_EQ(run("def main = fun x : Vec 2 => fun b : Bool => if b then x else x", {"[1, 2]"}),
            "ERROR: a vector, or a function that captures one, has no source syntax (Vec has no literals)");
}

TEST(VecCompile, VectorsAreRealInputsOfTheirSize) {
  Loaded l = load(kRnn);
  ASSERT_TRUE(l.result.ok());
  RunRequest request = request_for({"3", "[1, 2]"}, {{"W", "[0.5, 0, 0, 2]"}});
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->run.output.col(0), (Eigen::Vector2d(0.125, 16)));
  EXPECT_EQ(*r->value, "[0.125, 16]");          // decode: every real vector is a Vec value
  EXPECT_EQ(r->run.mass_lost.cwiseAbs().maxCoeff(), 0.0);  // vectors have no mass to lose
  // The interpreter agrees.
  EXPECT_EQ(run(kRnn, {"3", "[1, 2]"}, {{"W", "[0.5, 0, 0, 2]"}}), "[0.125, 16]");
  // C-Abs materializes a function on Vec 2 over the basis of ℝ².
  Eigen::VectorXd identity(4);
  identity << 1, 0, 0, 1;
  Loaded id = load("def main = fun x : Vec 2 => x");
  RunRequest none;
  EXPECT_EQ(materialize_main(*id.result, none)->tensor, identity);
}

TEST(VecLimits, ProveAndBothChecksDecide) {
  Loaded l = load(kRnn);
  Result<ProveResult> p = prove_program(*l.result);  // a polynomial identity (spec/denotation.md §8.5)
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->verdict, ProveResult::Verdict::Proved) << p->reason;
  Loaded two = load(std::string(kRnn) + "\ndef other = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (iter { n | k => k } (0))");
  ASSERT_TRUE(two.result.ok()) << render(two.result.diagnostics);
  CheckSide a{&*two.result, "main", "a"}, b{&*two.result, "other", "b"};
  // Observationally, as polynomials in W's and x's entries (spec/equivalence.md §5).
  EXPECT_EQ(check_equivalence(a, b)->verdict, EquivalenceResult::Verdict::Equivalent);
  EquivalenceOptions neural;
  neural.neural = true;
  EXPECT_EQ(check_equivalence(a, b, neural)->verdict, EquivalenceResult::Verdict::Equivalent);
  // A learned matrix on vectors is not a function between finite types: nothing to extract.
  Result<Program> e = extract(*l.result, {{"W", Eigen::VectorXd::Zero(4)}}, 9);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.diagnostics.front().message.find("not a function between finite types"), std::string::npos);
}

TEST(VecTrain, LearnsAMatrixFromVectorExamples) {
  Loaded l = load(kRnn);
  auto data = std::make_shared<const Source>(
      "turn.jsonl",
      "{\"args\": [\"1\", [1, 0]], \"output\": [0, 1]}\n{\"args\": [\"1\", [0, 1]], \"output\": [-1, 0]}\n"
      "{\"args\": [\"2\", [1, 0]], \"output\": [-1, 0]}\n");
  Result<std::vector<TrainingExample>> examples = read_examples(data);
  ASSERT_TRUE(examples.ok()) << render(examples.diagnostics);
  TrainOptions options;
  options.epochs = 600;
  Result<TrainResult> r = train(*l.result, *examples, options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_LT(r->final_loss, 1e-6);
  Eigen::VectorXd turn(4);
  turn << 0, -1, 1, 0;
  EXPECT_LT((r->params.at("W") - turn).cwiseAbs().maxCoeff(), 1e-3) << r->params.at("W").transpose();
}

}  // namespace
}  // namespace cajal::test
