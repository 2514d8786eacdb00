// Translation validation with Z3: proved for the compiler, refuted for its mutants, unknown only
// with a measured reason (a timeout, a size cap).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>

#include "cajal/prove/prove.hpp"
#include "cajal/testing/mutant.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

ProveResult prove_with(const std::string& text, const ProveOptions& options) {
  Loaded l = load(text);
  EXPECT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  if (!l.result.ok()) return ProveResult{};
  Result<ProveResult> r = prove_program(*l.result, options);
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? *r : ProveResult{};
}

ProveResult prove(const std::string& text, Mutant mutant = Mutant::None, int depth = 9) {
  ProveOptions options;
  options.depth = depth;
  if (mutant != Mutant::None) options.rewrite = [mutant](Network& n) { apply_mutant(n, mutant); };
  options.timeout_seconds = 30;
  return prove_with(text, options);
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

// The obligation split into cases, one per value of the Bool and Nat unknowns but the last
// (spec/denotation.md §8.7), and asked whole are the same question: the same verdict for the
// compiler and for each mutant, and a counterexample of the same inputs.
TEST(ProveCases, SplitAndWholeGiveTheSameVerdict) {
  const char* programs[] = {
      kAdd,
      "param m : Nat\ndef add_m = fun x : Nat => iter { x | z => succ z } (m)\ndef main = fun n : Nat => iter { 0 | y => add_m y } (n)",
      "def main = fun a : Bool => fun m : Nat => fun n : Nat => if a then iter { m | y => succ y } (n) else iter { n | y => succ y } (m)",
      "def main = fun b : Bool => fun f : Bool -o Nat => fun c : Bool => if c then f b else succ (f b)",
  };
  for (const char* text : programs) {
    Loaded l = load(text);
    ASSERT_TRUE(l.result.ok()) << render(l.result.diagnostics);
    for (Mutant m : {Mutant::None, Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep, Mutant::TransposedMatrix}) {
      ProveOptions split;
      split.depth = 5;
      if (m != Mutant::None) split.rewrite = [m](Network& n) { apply_mutant(n, m); };
      ProveOptions whole = split;
      whole.whole = true;
      whole.obligation_text = true;
      Result<ProveResult> a = prove_program(*l.result, split), b = prove_program(*l.result, whole);
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->verdict, b->verdict) << text << " under " << mutant_name(m) << ": " << a->reason << " / " << b->reason;
      EXPECT_EQ(a->inputs.size(), b->inputs.size()) << text;
      if (a->verdict != ProveResult::Verdict::Proved) continue;  // (a refuted split stops counting the inputs outside D)
      ASSERT_EQ(a->warnings.size(), b->warnings.size()) << text;
      for (std::size_t k = 0; k < a->warnings.size(); ++k)  // (the count; each way may find another example first)
        EXPECT_EQ(a->warnings[k].substr(0, a->warnings[k].find(", e.g.")), b->warnings[k].substr(0, b->warnings[k].find(", e.g.")));
      EXPECT_TRUE(a->obligation.empty());  // (only a whole obligation is one SMT-LIB2 question)
      EXPECT_FALSE(b->obligation.empty());
    }
  }
}

TEST(ProveCases, ACounterexampleGivesTheCaseItWasFoundIn) {
  ProveResult r = prove(kAdd, Mutant::SuccBackwards);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(r.inputs[0].first, "m");  // the split unknown, with its case's value
  EXPECT_TRUE(!r.inputs[0].second.empty() && std::all_of(r.inputs[0].second.begin(), r.inputs[0].second.end(), ::isdigit))
      << r.inputs[0].second;
  EXPECT_NE(r.interpreter_value, r.network_value);
}

// A proof the timeout stops says how far it got: the cases proved, in order. (mul.cj at D = 128
// takes about 11 s on the machine of the README's figures: 2 s is not enough.)
TEST(ProveCases, ATimeoutSaysWhichCasesWereProved) {
  Loaded l = load(
      "param m : Nat\ndef add_m = fun x : Nat => iter { x | z => succ z } (m)\ndef main = fun n : Nat => iter { 0 | y => add_m y } (n)");
  ASSERT_TRUE(l.result.ok());
  ProveOptions options;
  options.depth = 128;
  options.timeout_seconds = 2;
  Result<ProveResult> r = prove_program(*l.result, options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  ASSERT_EQ(r->verdict, ProveResult::Verdict::Unknown);
  EXPECT_NE(r->reason.find("timeout"), std::string::npos) << r->reason;
  EXPECT_NE(r->reason.find("of the 129 cases, up to m = "), std::string::npos) << r->reason;
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

// An input that is a function of a function is a matrix of real unknowns (spec/denotation.md
// §8.6), which decides the claim for its definable values (they span the matrices); a
// counterexample is a matrix unit.
TEST(Prove, FunctionsOfFunctionsAsInputs) {
  const char* issue = "def main = fun h : (Bool -o Bool) -o Bool => fun c : Bool => h (fun x : Bool => if c then x else x)";
  EXPECT_EQ(prove(issue).verdict, ProveResult::Verdict::Proved);
  const char* negate = "def main = fun h : (Bool -o Bool) -o Bool => fun c : Bool => "
                       "h (fun x : Bool => if c then x else (if x then false else true))";
  EXPECT_EQ(prove(negate).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(negate, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(r.inputs[0].first, "h");
  // a matrix unit, printed as the definable value it is: fun g => {0 ↦ c} ({b ↦ 0, … ↦ 1} (g a))
  EXPECT_EQ(r.inputs[0].second.rfind("fun g : Bool -o Bool => {0 ↦ ", 0), 0u) << r.inputs[0].second;
  const char* nat = "def main = fun h : (Nat -o Nat) -o Nat => fun n : Nat => iter { h (fun x : Nat => succ x) | y => succ y } (n)";
  EXPECT_EQ(prove(nat).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(nat, Mutant::TransposedMatrix).verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove(nat, Mutant::IterExtraStep).verdict, ProveResult::Verdict::Refuted);
}

// (A ⊸ B) ⊸ Bool ⊸ D, as a matrix too.
TEST(Prove, FunctionsOfFunctionsWithABoolArgument) {
  const char* identity = "def main = fun g : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => g (fun x : Bool => x) b";
  EXPECT_EQ(prove(identity).verdict, ProveResult::Verdict::Proved);
  const char* succ = "def main = fun g : (Nat -o Nat) -o Bool -o Nat => fun b : Bool => "
                     "g (fun x : Nat => succ x) (if b then false else true)";
  EXPECT_EQ(prove(succ).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(succ, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(r.inputs[0].second.front(), '[') << r.inputs[0].second;
  EXPECT_NE(r.interpreter_value, r.network_value);
}

// A function of a function that an `iter` state or an `if` must merge has no table: it is merged
// as a choice and applied by applying both sides (the case tests/property/prove_properties.cpp
// found, as `unknown`, before).
TEST(Prove, FunctionsOfFunctionsMergedByIterAndIf) {
  const char* negations = "def main = fun n : Nat => fun b : Bool => iter { fun f : Bool -o Bool => f b "
                          "| s => fun f : Bool -o Bool => s (fun y : Bool => if f y then false else true) } (n) (fun x : Bool => x)";
  EXPECT_EQ(prove(negations).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(negations, Mutant::SwapIfBranches).verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove(negations, Mutant::IterExtraStep).verdict, ProveResult::Verdict::Refuted);
  const char* branches = "def main = fun h : (Nat -o Nat) -o Bool => fun c : Bool => "
                         "(if c then (fun g : Nat -o Nat => h g) else (fun g : Nat -o Nat => h (fun x : Nat => g (succ x)))) "
                         "(fun y : Nat => y)";
  EXPECT_EQ(prove(branches).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(branches, Mutant::SwapIfBranches).verdict, ProveResult::Verdict::Refuted);
}

// A def used more than once is shared as its table (spec/denotation.md §8.4): a chain of 16 defs,
// each applying the previous one twice, is 2^16 applications of d0 unfolded. Its proof is about
// correctness here (its time is bench/prove_bench.cpp's BM_ProveDoublingChain).
TEST(Prove, SharedDefsAreTabulatedOnce) {
  std::string chain = "def d0 = fun b : Bool => if b then false else true\n";
  for (int k = 1; k <= 16; ++k)
    chain += "def d" + std::to_string(k) + " = fun b : Bool => d" + std::to_string(k - 1) + " (d" + std::to_string(k - 1) + " b)\n";
  EXPECT_EQ(prove(chain + "def main = d16").verdict, ProveResult::Verdict::Proved);
  // not ∘ (not^(2^16)): refuted when `if` is compiled with its branches swapped (identity).
  const std::string odd = chain + "def main = fun b : Bool => d0 (d16 b)";
  EXPECT_EQ(prove(odd).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(odd, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(r.interpreter_value, r.inputs[0].second == "true" ? "false" : "true");
  // A Nat def used twice, applied past D: outside the claim, as when it is unfolded.
  ProveResult past = prove("def inc = fun n : Nat => succ n\ndef main = fun n : Nat => inc (inc n)");
  EXPECT_EQ(past.verdict, ProveResult::Verdict::Proved);
  ASSERT_EQ(past.warnings.size(), 1u);
  EXPECT_NE(past.warnings[0].find("2 inputs need naturals above D = 9"), std::string::npos) << past.warnings[0];
}

// Functions of functions of the other shapes are matrices of real unknowns (spec/denotation.md
// §8.6): the claim is for every matrix, so a wrong network is refuted at one.
TEST(Prove, FunctionsOfFunctionsOfEveryShapeAreDecided) {
  const char* nat = "def main = fun g : (Nat -o Nat) -o Nat -o Nat => fun n : Nat => g (fun x : Nat => succ x) n";
  EXPECT_EQ(prove(nat, Mutant::None, 4).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove(nat, Mutant::SuccBackwards, 4).verdict, ProveResult::Verdict::Refuted);
  const char* deeper = "def main = fun h : ((Bool -o Bool) -o Bool) -o Bool => h (fun g : Bool -o Bool => if g true then false else true)";
  EXPECT_EQ(prove(deeper).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(deeper, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(std::count(r.inputs[0].second.begin(), r.inputs[0].second.end(), ','), 15) << r.inputs[0].second;  // 2 × 8
  EXPECT_NE(r.interpreter_value, r.network_value);
  // A result that is a function of a function: its columns are its values at the matrix units.
  EXPECT_EQ(prove("def main = fun g : Bool -o Bool => g true").verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("def main = fun g : Bool -o Bool => if g true then false else true", Mutant::SwapIfBranches).verdict,
            ProveResult::Verdict::Refuted);
}

// Vec inputs and params (spec/denotation.md §8.5): both sides are polynomials in the real
// unknowns, with coefficients over the discrete ones, and agree for every real input exactly when
// every coefficient does.
const char* kRnn = "param W : Vec 2 -o Vec 2\n"
                   "def main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (n)";

TEST(ProveVectors, RealInputsAndParamsAreProvedAsPolynomialIdentities) {
  EXPECT_EQ(prove(kRnn).verdict, ProveResult::Verdict::Proved);
  // A matrix param that is not square, under an `if` (merged coefficient by coefficient).
  EXPECT_EQ(prove("param W : Vec 2 -o Vec 3\n"
                  "def main = fun b : Bool => fun x : Vec 2 => if b then W x else W x")
                .verdict,
            ProveResult::Verdict::Proved);
  // An iteration whose state is a function on Vec 2: a matrix, its columns the images of e_0, e_1.
  EXPECT_EQ(prove("param W : Vec 2 -o Vec 2\n"
                  "def main = fun n : Nat => iter { fun y : Vec 2 => y | f => fun y : Vec 2 => W (f y) } (n)")
                .verdict,
            ProveResult::Verdict::Proved);
  // A table of vectors and a bilinear map (degree 2 in the reals, 3 with x).
  EXPECT_EQ(prove("param t : Bool -o Vec 2\nparam B : Vec 2 -o Vec 2 -o Vec 2\n"
                  "def main = fun a : Bool => fun b : Bool => fun x : Vec 2 => if a then B (t b) x else B x (t b)")
                .verdict,
            ProveResult::Verdict::Proved);
  // A function on Vec as an input: the network takes its matrix.
  EXPECT_EQ(prove("def main = fun x : Vec 2 => fun f : Vec 2 -o Vec 2 => f x").verdict, ProveResult::Verdict::Proved);
}

TEST(ProveVectors, MutantsAreRefutedAtAPointWhereTheyDiffer) {
  ProveResult r = prove(kRnn, Mutant::IterExtraStep);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  ASSERT_EQ(r.inputs.size(), 3u);  // W, then n and x
  EXPECT_EQ(r.inputs[0].first, "W");
  EXPECT_EQ(r.inputs[0].second.front(), '[');  // its encoding, as --param takes it
  EXPECT_EQ(r.inputs[2].first, "x");
  EXPECT_NE(r.interpreter_value, r.network_value);
  EXPECT_EQ(prove("param W : Vec 2 -o Vec 2\n"
                  "def main = fun n : Nat => iter { fun y : Vec 2 => y | f => fun y : Vec 2 => W (f y) } (n)",
                  Mutant::TransposedMatrix)
                .verdict,
            ProveResult::Verdict::Refuted);
  EXPECT_EQ(prove("param t : Bool -o Vec 2\nparam B : Vec 2 -o Vec 2 -o Vec 2\n"
                  "def main = fun a : Bool => fun b : Bool => fun x : Vec 2 => if a then B (t b) x else B x (t b)",
                  Mutant::SwapIfBranches)
                .verdict,
            ProveResult::Verdict::Refuted);
}

ProveResult prove_at(const std::string& text, std::map<std::string, Eigen::VectorXd> params, Mutant mutant = Mutant::None) {
  ProveOptions options;
  options.params = std::move(params);
  if (mutant != Mutant::None) options.rewrite = [mutant](Network& n) { apply_mutant(n, mutant); };
  return prove_with(text, options);
}

TEST(ProveVectors, FixedParamsAreStatedExactly) {
  Eigen::VectorXd turn(4), learned(4);
  turn << 0, -1, 1, 0;
  learned << 0.1, -0.9999999999999999, 1.0000000000000262, 3e-300;  // not short decimals: exact rationals
  EXPECT_EQ(prove_at(kRnn, {{"W", turn}}).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove_at(kRnn, {{"W", learned}}).verdict, ProveResult::Verdict::Proved);
  ProveResult wrong = prove_at(kRnn, {{"W", turn}}, Mutant::IterExtraStep);
  ASSERT_EQ(wrong.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(wrong.inputs[0].first, "n");  // W is no longer an unknown
  // A soft Bool part (a trained step before --extract) is taken as its numbers (spec/denotation.md
  // §8.6): the claim is the denotation at them. The size must be the encoding's.
  Loaded parity = load("param step : Bool -o Bool\ndef main = fun n : Nat => iter { true | y => step y } (n)");
  ASSERT_TRUE(parity.result.ok());
  ProveOptions options;
  Eigen::VectorXd soft(4), short_(3), table(4);
  soft << 0.25, 0.5, 0.75, 0.5;
  short_ << 0, 1, 1;
  table << 0, 1, 1, 0;
  options.params = {{"step", soft}};
  Result<ProveResult> r = prove_program(*parity.result, options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Proved);
  ProveOptions mutated = options;
  mutated.rewrite = [](Network& n) { apply_mutant(n, Mutant::IterExtraStep); };
  r = prove_program(*parity.result, mutated);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Refuted);
  options.params = {{"step", short_}};
  r = prove_program(*parity.result, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("is not a value of its type: it has 3 numbers"), std::string::npos)
      << r.diagnostics.front().message;
  options.params = {{"step", table}};  // not: parity, proved at that value
  r = prove_program(*parity.result, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Proved);
}

// A Bool computed from reals is soft (spec/denotation.md §8.6): `if` weighs its branches by it.
TEST(ProveVectors, ABoolComputedFromRealsIsSoft) {
  const char* classify = "param c : Vec 2 -o Bool\ndef main = fun x : Vec 2 => fun n : Nat => if c x then succ n else n";
  EXPECT_EQ(prove(classify).verdict, ProveResult::Verdict::Proved);
  ProveResult r = prove(classify, Mutant::SwapIfBranches);
  ASSERT_EQ(r.verdict, ProveResult::Verdict::Refuted);
  EXPECT_NE(r.interpreter_value, r.network_value);
  // At fixed values, any real numbers (a learned classifier's).
  Eigen::VectorXd c(4);
  c << 0.5, 0.25, 0.5, 0.75;
  EXPECT_EQ(prove_at(classify, {{"c", c}}).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove_at(classify, {{"c", c}}, Mutant::SwapIfBranches).verdict, ProveResult::Verdict::Refuted);
}

TEST(ProveVectors, PolynomialsPastTheSizeCapAreUnknownWithTheCap) {
  // W^n for an unknown 6 × 6 W, as an iteration of functions (matrices): 6^(n-1) distinct
  // monomials per entry by n = 9, past the cap. (An iteration of vectors would be proved by
  // induction, ProveInduction below; one of functions is unrolled.)
  ProveResult r = prove("param W : Vec 6 -o Vec 6\n"
                        "def main = fun n : Nat => iter { fun y : Vec 6 => y | f => fun y : Vec 6 => W (f y) } (n)");
  EXPECT_EQ(r.verdict, ProveResult::Verdict::Unknown);
  EXPECT_EQ(r.reason.rfind("size cap: ", 0), 0u) << r.reason;
  EXPECT_NE(r.reason.find("--param"), std::string::npos) << r.reason;
}

// Induction on the count (spec/denotation.md §8.8): an iteration of vectors in the network's
// top-level graph is proved from its count, its start and one step on a state of fresh unknowns,
// at any depth; the polynomials of W^n x are never formed.
TEST(ProveInduction, AnIterationOfVectorsIsProvedForEveryCount) {
  EXPECT_EQ(prove(kRnn, Mutant::None, 128).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("param W : Vec 6 -o Vec 6\ndef main = fun n : Nat => fun x : Vec 6 => iter { x | h => W h } (n)").verdict,
            ProveResult::Verdict::Proved);
  // Not main's body: under W, and one iteration the start of another (each met once).
  EXPECT_EQ(prove("param W : Vec 6 -o Vec 6\ndef main = fun n : Nat => fun x : Vec 6 => W (iter { x | h => W h } (n))").verdict,
            ProveResult::Verdict::Proved);
  EXPECT_EQ(prove("param W : Vec 3 -o Vec 3\nparam U : Vec 3 -o Vec 3\n"
                  "def main = fun m : Nat => fun n : Nat => fun x : Vec 3 => iter { iter { x | h => W h } (n) | h => U h } (m)",
                  Mutant::None, 32)
                .verdict,
            ProveResult::Verdict::Proved);
  // A bilinear step with a vector param (degree 2 in the reals), and a count that is computed.
  EXPECT_EQ(prove("param B : Vec 2 -o Vec 2 -o Vec 2\nparam u : Vec 2\n"
                  "def main = fun n : Nat => fun x : Vec 2 => iter { x | h => B u h } (succ n)",
                  Mutant::None, 64)
                .verdict,
            ProveResult::Verdict::Proved);
}

// Each part the induction compares is compared: a network whose step, start or count is wrong is
// refuted (the case is then unrolled, and the counterexample found there), never proved.
TEST(ProveInduction, AWrongStepStartOrCountIsRefuted) {
  auto iterate = [](Network& n) -> Node& { return n.graphs[0].nodes[static_cast<std::size_t>(n.graphs[0].output)]; };
  auto proof = [](const char* text, std::function<void(Network&)> rewrite, int depth = 64) {
    ProveOptions options;
    options.depth = depth;
    options.rewrite = std::move(rewrite);
    return prove_with(text, options);
  };
  // The step returns its state: x instead of W^n x.
  ProveResult step = proof(kRnn, [](Network& n) { n.graphs[1].output = n.graphs[1].inputs[0]; });
  EXPECT_EQ(step.verdict, ProveResult::Verdict::Refuted);
  // The same, for an iteration that is not main's body (its value goes through W).
  const char* under_w = "param W : Vec 2 -o Vec 2\ndef main = fun n : Nat => fun x : Vec 2 => W (iter { x | h => W h } (n))";
  EXPECT_EQ(proof(under_w, {}).verdict, ProveResult::Verdict::Proved);
  EXPECT_EQ(proof(under_w, [](Network& n) { n.graphs[1].output = n.graphs[1].inputs[0]; }).verdict, ProveResult::Verdict::Refuted);
  // The start is x instead of W x.
  const char* start_of_w_x = "param W : Vec 2 -o Vec 2\ndef main = fun n : Nat => fun x : Vec 2 => iter { W x | h => W h } (n)";
  EXPECT_EQ(proof(start_of_w_x, {}).verdict, ProveResult::Verdict::Proved);
  ProveResult start = proof(start_of_w_x, [&](Network& n) { iterate(n).args[0] = n.graphs[0].inputs[1]; });
  EXPECT_EQ(start.verdict, ProveResult::Verdict::Refuted);
  // The count is n instead of succ n.
  const char* succ_count = "param W : Vec 2 -o Vec 2\ndef main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (succ n)";
  EXPECT_EQ(proof(succ_count, {}).verdict, ProveResult::Verdict::Proved);
  ProveResult count = proof(succ_count, [&](Network& n) { iterate(n).args[1] = n.graphs[0].inputs[0]; });
  EXPECT_EQ(count.verdict, ProveResult::Verdict::Refuted);
  EXPECT_EQ(proof(kRnn, [](Network& n) { apply_mutant(n, Mutant::IterExtraStep); }).verdict, ProveResult::Verdict::Refuted);
  // A count of D + 2 entries, (eₙ, 1): the neuron adds the state after D + 1 steps. Its first D + 1
  // entries are the count's encoding, so only the count's length tells (found in review: the
  // induction compared the first D + 1 and proved it).
  ProveResult longer = proof(kRnn, [](Network& n) {
    Graph& g = n.graphs[0];
    const std::size_t counts = static_cast<std::size_t>(n.depth) + 1;
    Node iterate = g.nodes[static_cast<std::size_t>(g.output)];
    Node widen;  // (counts + 1) × counts: the identity, then a row of ones
    widen.op = Op::Const;
    widen.dim = (counts + 1) * counts;
    widen.value = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(widen.dim));
    for (std::size_t k = 0; k < counts; ++k) {
      widen.value(static_cast<Eigen::Index>(k * counts + k)) = 1;
      widen.value(static_cast<Eigen::Index>(counts * counts + k)) = 1;
    }
    Node zero;  // (in the old neuron's place)
    zero.op = Op::Const;
    zero.dim = iterate.dim;
    zero.value = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(iterate.dim));
    g.nodes[static_cast<std::size_t>(g.output)] = zero;
    g.nodes.push_back(widen);
    Node apply;
    apply.op = Op::Apply;
    apply.dim = apply.rows = counts + 1;
    apply.cols = counts;
    apply.args = {static_cast<int>(g.nodes.size()) - 1, iterate.args[1]};
    g.nodes.push_back(apply);
    iterate.args[1] = static_cast<int>(g.nodes.size()) - 1;
    g.nodes.push_back(iterate);
    g.output = static_cast<int>(g.nodes.size()) - 1;
  }, 3);  // (unrolled, every case runs D + 1 steps: a small D)
  EXPECT_EQ(longer.verdict, ProveResult::Verdict::Refuted);
}

TEST(Prove, EverySpecExampleIsProvedAtDepthNine) {
  // Correctness only: how long a proof takes belongs to the benchmarks (bench/), not to a test.
  // With vectors/ and learning/; the pairs of equivalence/ are for `check` (no main).
  int proved = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::filesystem::path(CAJAL_SOURCE_DIR) / "spec/examples")) {
    if (entry.path().extension() != ".cj" || entry.path().parent_path().filename() == "equivalence") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ProveResult r = prove(text);
    EXPECT_EQ(r.verdict, ProveResult::Verdict::Proved) << entry.path() << ": " << r.reason;
    ++proved;
  }
  EXPECT_GE(proved, 17);  // the 14 top-level examples, rnn.cj, parity.cj, classifier.cj
}

}  // namespace
}  // namespace cajal::test
