// Translation validation with Z3: proved for the compiler, refuted for its mutants, honest about
// what it does not support.
#include <filesystem>
#include <fstream>

#include "cajal/prove/prove.hpp"
#include "cajal/testing/mutant.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

ProveResult prove(const std::string& text, Mutant mutant = Mutant::None, int depth = 9) {
  Loaded l = load(text);
  EXPECT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  ProveOptions options;
  options.depth = depth;
  if (mutant != Mutant::None) options.rewrite = [mutant](Network& n) { apply_mutant(n, mutant); };
  options.timeout_seconds = 30;
  Result<ProveResult> r = prove_program(*l.result, options);
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? *r : ProveResult{};
}

const char* kEven =
    "def not = fun b : Bool => if b then false else true\n"
    "def main = fun n : Nat => iter { true | y => not y } (n)";
const char* kAdd = "def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)";

// A network read from a file may hold any number: a constant of 1e19 (past what a 64-bit
// integer holds) is refused as a reason, not cast (the cast was undefined behaviour).
TEST(Prove, AHugeConstantInAReadNetworkIsAReasonNotACast) {
  Loaded l = load("def main = fun b : Bool => if b then false else true");
  ASSERT_TRUE(l.result.ok());
  ProveOptions options;
  options.rewrite = [](Network& n) {
    for (Graph& g : n.graphs)
      for (Node& node : g.nodes)
        if (node.op == Op::Const) node.value(0) = 1e19;
  };
  Result<ProveResult> r = prove_program(*l.result, options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Unknown);
  EXPECT_NE(r->reason.find("not a whole number below 2^53"), std::string::npos) << r->reason;
}

TEST(Prove, CorrectCompilationIsProved) {
  EXPECT_EQ(prove(kEven).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(kAdd).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("param m : Nat\ndef main = fun n : Nat => iter { 0 | y => iter { y | z => succ z } (m) } (n)").verdict,
            ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("def main = fun a : Bool => fun b : Bool => if a then b else if b then false else false", Mutant::None, 0).verdict,
            ProveResult::Verdict::Proved);
}

TEST(Prove, WarnsAboutInputsOutsideTheDepth) {
  ProveResult r = prove(kAdd);
  ASSERT_EQ(r.warnings.size(), 1u);
  // m + n > 9 for 45 of the 100 pairs (m, n) ≤ 9.
  EXPECT_NE(r.warnings[0].find("45 inputs need naturals above D = 9 and are outside this claim, e.g."), std::string::npos)
      << r.warnings[0];
  EXPECT_TRUE(prove(kEven).warnings.empty());
}

TEST(Prove, MutantsAreRefutedWithACounterexample) {
  ProveResult swap = prove(kEven, Mutant::SwapIfBranches);
  ASSERT_EQ(swap.verdict, ProveResult::Verdict::Refuted);
  ASSERT_EQ(swap.inputs.size(), 1u);
  EXPECT_EQ(swap.inputs[0].first, "n");
  EXPECT_NE(swap.interpreter_value, swap.network_value);
  EXPECT_NE(swap.first_disagreement.find("(C-Iter)"), std::string::npos) << swap.first_disagreement;
  ProveResult local = prove("def main = fun b : Bool => fun n : Nat => if b then n else succ n", Mutant::SwapIfBranches);
  ASSERT_EQ(local.verdict, ProveResult::Verdict::Refuted);
  EXPECT_NE(local.first_disagreement.find("`if b then n else succ n` at 1:43 (C-If): the program gives"), std::string::npos)
      << local.first_disagreement;
  EXPECT_EQ(prove(kAdd, Mutant::SuccBackwards).verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove(kEven, Mutant::IterExtraStep).verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove("param m : Nat\ndef mul = fun n : Nat => iter { 0 | y => iter { y | z => succ z } (m) } (n)\n"
                  "def main = mul",
                  Mutant::TransposedMatrix)
                .verdict,
            ProveResult::Verdict::Refuted);
}

TEST(Prove, FunctionInputsAndStatesAsTables) {
  EXPECT_EQ(prove("def main = fun f : Bool -o Bool => f true").verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("def main = fun n : Nat => iter { fun x : Bool => x | g => fun x : Bool => g x } (n)").verdict,
            ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("param s : Nat -o Bool\ndef main = fun c : Bool => fun n : Nat => if c then s n else s (succ n)").verdict,
            ProveResult::Verdict::Proved);
  ProveResult r = prove("def main = fun f : Bool -o Nat => fun b : Bool => succ (f b)", Mutant::SuccBackwards);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(r.inputs[0].first, "f");
  EXPECT_EQ(r.inputs[0].second.front(), '{');  // a table, e.g. {true ↦ 0, false ↦ 0}
}

// An input that is a function of a function, (A ⊸ B) ⊸ C with A, B, C Bool or Nat, ranges over
// its definable values fun g => k (g a) (spec/equivalence.md §1) with a and k unknowns; the
// network takes it as its matrix, ⟦k⟧(r, b) · ⟦a⟧(a') at (r, b · dim A + a').
TEST(Prove, FunctionsOfFunctionsAsInputs) {
  const char* issue = "def main = fun h : (Bool -o Bool) -o Bool => fun c : Bool => h (fun x : Bool => if c then x else x)";
  EXPECT_EQ(prove(issue).verdict, ProveResult::Verdict::Proved);
  const char* negate = "def main = fun h : (Bool -o Bool) -o Bool => fun c : Bool => "
                       "h (fun x : Bool => if c then x else (if x then false else true))";
  EXPECT_EQ(prove(negate).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(negate, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(r.inputs[0].first, "h");
  EXPECT_EQ(r.inputs[0].second.rfind("fun g : Bool -o Bool => {", 0), 0u) << r.inputs[0].second;
  const char* nat = "def main = fun h : (Nat -o Nat) -o Nat => fun n : Nat => iter { h (fun x : Nat => succ x) | y => succ y } (n)";
  EXPECT_EQ(prove(nat).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(nat, Mutant::TransposedMatrix).verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove(nat, Mutant::IterExtraStep).verdict, ProveResult::Verdict::Refuted);
}

TEST(Prove, UnsupportedProgramsAreUnknownNeverProved) {
  ProveResult f = prove("def main = fun g : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => g (fun x : Bool => x) b");
  EXPECT_EQ(f.verdict, ProveResult::Verdict::Unknown);
  EXPECT_NE(f.reason.find("not supported yet"), std::string::npos);
}

TEST(Prove, EverySpecExampleIsProvedAtDepthNine) {
  // Correctness only: how long a proof takes belongs to the benchmarks (bench/), not to a test.
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(CAJAL_SOURCE_DIR) / "spec/examples")) {
    if (entry.path().extension() != ".cj") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ProveResult r = prove(text);
    EXPECT_EQ(r.verdict, ProveResult::Verdict::Proved) << entry.path() << ": " << r.reason;
  }
}

}  // namespace
}  // namespace cajal::test
