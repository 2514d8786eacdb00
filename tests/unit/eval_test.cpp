// One group of tests per big-step rule of spec/semantics.md.
#include "support.hpp"

namespace cajal::test {
namespace {

TEST(EVar, LooksUpTheEnvironment) { EXPECT_EQ(run("def main = fun x : Nat => x", {"7"}), "7"); }
TEST(EDef, DefsAreEvaluatedOnDemand) { EXPECT_EQ(run("def two = 2\ndef main = succ two"), "3"); }
// A def is evaluated once, but the naturals it met count at every use: how large a natural an
// application needs does not depend on whether an earlier one evaluated the def first.
TEST(EDef, TheNaturalsADefMetCountAtEveryUse) {
  Loaded l = load("def seven = 7\ndef main = fun b : Bool => if b then seven else 0");
  ASSERT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  Evaluator ev(l.result->program, {});
  ValuePtr main = *ev.def_value("main");
  std::uint64_t met = 99;
  ASSERT_TRUE(ev.apply_counting(main, make_bool(false), met).ok());
  EXPECT_EQ(met, 0u);
  ASSERT_TRUE(ev.apply_counting(main, make_bool(true), met).ok());  // evaluates `seven`
  EXPECT_EQ(met, 7u);
  ASSERT_TRUE(ev.apply_counting(main, make_bool(true), met).ok());  // `seven` is known now
  EXPECT_EQ(met, 7u);
  EXPECT_EQ(ev.max_natural(), 7u);
}
TEST(EParam, ParamsTakeTheirValueFromTheCommandLine) {
  EXPECT_EQ(run("param p : Nat\ndef main = succ p", {}, {{"p", "4"}}), "5");
  EXPECT_EQ(run("param p : Nat\ndef main = succ p"), "ERROR: param `p` has no value; give it one with --param p=TERM");
  EXPECT_EQ(run("param p : Nat\ndef main = succ p", {}, {{"p", "true"}}),
            "ERROR: param `p` is declared as Nat but this value has type Bool");
  EXPECT_EQ(run("param p : Nat\ndef main = 0", {}, {{"q", "1"}}),
            "ERROR: --param q: the program declares no param `q`");
}
TEST(EAbs, FunctionsAreValuesPrintedAsClosedTerms) {
  EXPECT_EQ(run("def main = fun x : Bool => x"), "fun x : Bool => x");
  EXPECT_EQ(run("def not = fun b : Bool => if b then false else true\ndef main = fun x : Bool => not x"),
            "fun x : Bool => (fun b : Bool => if b then false else true) x");
  EXPECT_EQ(run("def main = fun a : Nat => fun b : Nat => iter { a | y => succ y } (b)", {"3"}),
            "fun b : Nat => iter { 3 | y => succ y } (b)");
}
TEST(EApp, CallByValue) {
  EXPECT_EQ(run("def main = (fun x : Nat => succ x) (succ 1)"), "3");
}
TEST(ETrueFalse, Booleans) {
  EXPECT_EQ(run("def main = true"), "true");
  EXPECT_EQ(run("def main = false"), "false");
}
TEST(EIf, SelectsABranch) {
  const char* p = "def main = fun c : Bool => if c then 1 else 2";
  EXPECT_EQ(run(p, {"true"}), "1");
  EXPECT_EQ(run(p, {"false"}), "2");
}
TEST(EIf, EvaluatesOnlyTheSelectedBranch) {
  // The other branch would overflow.
  EXPECT_EQ(run("def main = if true then 1 else succ 18446744073709551615"), "1");
}
TEST(ENum, NumeralsAreExact) { EXPECT_EQ(run("def main = 18446744073709551615"), "18446744073709551615"); }
TEST(ESucc, AddsOneAndReportsOverflow) {
  EXPECT_EQ(run("def main = succ 9"), "10");  // no truncation at 9
  EXPECT_EQ(run("def main = succ 18446744073709551615"),
            "ERROR: natural number overflow: `succ` of 18446744073709551615 does not fit in 64 bits");
}
TEST(EIter, ZeroAndSucc) {
  const char* p = "def main = fun n : Nat => iter { true | y => if y then false else true } (n)";
  EXPECT_EQ(run(p, {"0"}), "true");
  EXPECT_EQ(run(p, {"1"}), "false");
  EXPECT_EQ(run(p, {"3"}), "false");
  EXPECT_EQ(run(p, {"10"}), "true");
}
TEST(EIter, Addition) {
  EXPECT_EQ(run("def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)", {"20", "22"}), "42");
}
TEST(EIter, FunctionTypedState) {
  // Iterating function composition: g ↦ (x ↦ not (g x)), so n applications of not.
  const char* p =
      "def main = fun n : Nat => iter { fun x : Bool => x | g => fun x : Bool => if g x then false else true } (n)";
  EXPECT_EQ(run(p, {"3"}), "fun x : Bool => if (fun x : Bool => if (fun x : Bool => if (fun x : Bool => x) x then "
                           "false else true) x then false else true) x then false else true");
}
TEST(EIter, BudgetStopsHugeIterations) {
  EvalOptions small;
  small.max_steps = 1000;
  std::string r = run("def main = iter { 0 | y => succ y } (1000000)", {}, {}, small);
  EXPECT_EQ(r.rfind("ERROR: evaluation budget exceeded (1000 steps)", 0), 0u) << r;
}
TEST(ELet, BindsTheValue) { EXPECT_EQ(run("def main = let x = succ 1 in succ x"), "3"); }

TEST(Closures, AreImmutable) {
  // Applying a closure twice (through an unrestricted def) must not let the first call's
  // argument leak into the second.
  const char* p =
      "def k = fun a : Nat => fun b : Nat => iter { a | y => succ y } (b)\n"
      "def add5 = k 5\n"
      "def main = fun c : Bool => if c then add5 1 else add5 2";
  EXPECT_EQ(run(p, {"true"}), "6");
  EXPECT_EQ(run(p, {"false"}), "7");
  Loaded l = load(p);
  ASSERT_TRUE(l.result.ok());
  Evaluator ev(l.result->program, {});
  Result<ValuePtr> add5 = ev.def_value("add5");
  ASSERT_TRUE(add5.ok());
  auto one = ev.apply(*add5, make_nat(1));
  auto two = ev.apply(*add5, make_nat(2));
  auto one_again = ev.apply(*add5, make_nat(1));
  EXPECT_EQ((*one)->as<NatValue>()->value, 6u);
  EXPECT_EQ((*two)->as<NatValue>()->value, 7u);
  EXPECT_EQ((*one_again)->as<NatValue>()->value, 6u);
}

TEST(Run, ArgumentsAreCheckedAgainstMain) {
  EXPECT_EQ(run("def main = fun x : Bool => x", {"3"}), "ERROR: argument 1 has type Nat but main expects Bool");
  EXPECT_EQ(run("def main = true", {"3"}),
            "ERROR: main has type Bool, which takes 0 arguments, but 1 were given");
  EXPECT_EQ(run("def other = true"), "ERROR: no `def main` in test.cj: `cajal run` evaluates the def named main");
}

}  // namespace
}  // namespace cajal::test
