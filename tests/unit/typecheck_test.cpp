// One group of tests per typing rule of spec/typing.md.
#include "support.hpp"

namespace cajal::test {
namespace {

TEST(TVar, LinearVariableUsedOnce) {
  EXPECT_EQ(main_type("def main = fun x : Bool => x"), "Bool -o Bool");
}
TEST(TVar, UsedTwiceIsRejectedWithFirstUse) {
  EXPECT_EQ(first_error("def main = fun f : Bool -o Bool -o Bool => fun x : Bool => f x x"),
            "linear variable `x` is used twice (first use at 1:62)");
}
TEST(TVar, UnknownVariable) { EXPECT_EQ(first_error("def main = nope"), "unknown variable `nope`"); }

TEST(TDef, DefsAreUnrestricted) {
  EXPECT_EQ(main_type("def t = true\ndef main = if t then t else t"), "Bool");
}
TEST(TDef, OnlyEarlierDefs) {
  EXPECT_NE(first_error("def main = later\ndef later = true").find("is defined later"), std::string::npos);
  EXPECT_NE(first_error("def f = fun n : Nat => f n").find("no recursion"), std::string::npos);
}
TEST(TParam, ParamsAreUnrestrictedEvenInsideIterSteps) {
  EXPECT_EQ(main_type("param s : Bool -o Bool\ndef main = fun n : Nat => iter { true | y => s (s y) } (n)"),
            "Nat -o Bool");
}

TEST(TAbs, BinderMustBeUsed) {
  EXPECT_EQ(first_error("def main = fun x : Nat => 0"), "linear variable `x : Nat` is never used");
}
TEST(TAbs, HigherOrder) {
  EXPECT_EQ(main_type("def main = fun f : Bool -o Nat => fun b : Bool => f b"), "(Bool -o Nat) -o Bool -o Nat");
}

TEST(TApp, SplitsTheContext) {
  EXPECT_EQ(main_type("def main = fun f : Bool -o Bool => fun x : Bool => f x"), "(Bool -o Bool) -o Bool -o Bool");
}
TEST(TApp, FunctionPositionMustBeAFunction) {
  EXPECT_EQ(first_error("def main = true false"), "this has type Bool, which is not a function; it cannot be applied");
}
TEST(TApp, ArgumentTypeMustMatch) {
  EXPECT_EQ(first_error("def main = (fun x : Bool => x) 0"), "argument has type Nat but the function expects Bool");
}

TEST(TTrueFalse, Booleans) {
  EXPECT_EQ(main_type("def main = true"), "Bool");
  EXPECT_EQ(main_type("def main = false"), "Bool");
}

TEST(TIf, BranchesShareTheirLinearVariables) {
  EXPECT_EQ(main_type("def main = fun c : Bool => fun a : Bool => if c then a else if a then false else true"),
            "Bool -o Bool -o Bool");
}
TEST(TIf, BranchesMustUseTheSameVariables) {
  EXPECT_EQ(first_error("def main = fun a : Bool => fun c : Bool => if c then a else true"),
            "branches of `if` use different linear variables: then-branch uses {a}, else-branch uses {}");
}
TEST(TIf, ConditionIsDisjointFromBranches) {
  EXPECT_EQ(first_error("def main = fun x : Bool => if x then x else x"),
            "linear variable `x` is used twice (first use at 1:31)");
}
TEST(TIf, ConditionMustBeBool) {
  EXPECT_EQ(first_error("def main = if 0 then true else false"),
            "the condition of `if` must be Bool, but it has type Nat");
}
TEST(TIf, BranchTypesMustAgree) {
  EXPECT_EQ(first_error("def main = if true then true else 0"),
            "branches of `if` have different types: then-branch is Bool, else-branch is Nat");
}
TEST(TIf, AtFunctionType) {
  EXPECT_EQ(main_type("def main = fun c : Bool => if c then fun x : Nat => succ x else fun x : Nat => x"),
            "Bool -o Nat -o Nat");
}

TEST(TZeroNum, Numerals) {
  EXPECT_EQ(main_type("def main = 0"), "Nat");
  EXPECT_EQ(main_type("def main = 18446744073709551615"), "Nat");
}

TEST(TSucc, NeedsNat) {
  EXPECT_EQ(main_type("def main = fun n : Nat => succ n"), "Nat -o Nat");
  EXPECT_EQ(first_error("def main = succ true"), "`succ` needs a Nat, but its argument has type Bool");
}

TEST(TIter, StateTypeIsTheBaseType) {
  EXPECT_EQ(main_type("def main = fun n : Nat => iter { true | y => if y then false else true } (n)"), "Nat -o Bool");
}
TEST(TIter, FunctionTypedState) {
  EXPECT_EQ(main_type("def main = fun n : Nat => iter { fun x : Bool => x | g => fun x : Bool => g x } (n)"),
            "Nat -o Bool -o Bool");
}
TEST(TIter, BaseAndCountSplitTheContext) {
  EXPECT_EQ(main_type("def main = fun b : Bool => fun n : Nat => iter { b | y => y } (n)"), "Bool -o Nat -o Bool");
}
TEST(TIter, StepMayNotUseOuterLinearVariables) {
  EXPECT_EQ(first_error("def main = fun b : Bool => iter { true | y => if b then y else y } (2)"),
            "`iter` step may not use linear variable `b` from outside the loop; make it a `param` or pass it "
            "through the state");
}
TEST(TIter, BaseAndStepTypesMustAgree) {
  EXPECT_EQ(first_error("def main = iter { true | y => if y then 0 else 1 } (2)"),
            "`iter` step has type Nat but the base has type Bool; they must agree");
}
TEST(TIter, StateVariableMustBeUsed) {
  EXPECT_EQ(first_error("def main = iter { 0 | y => 0 } (2)"), "state variable `y : Nat` is never used");
}
TEST(TIter, CountMustBeNat) {
  EXPECT_EQ(first_error("def main = iter { 0 | y => y } (true)"), "`iter` counts with a Nat, but this has type Bool");
}
TEST(TIter, StepMayShadowAnOuterName) {
  EXPECT_EQ(main_type("def main = fun y : Nat => iter { y | y => succ y } (2)"), "Nat -o Nat");
}

TEST(TLet, BindsLinearly) {
  EXPECT_EQ(main_type("def main = fun a : Nat => let b = succ a in succ b"), "Nat -o Nat");
  EXPECT_EQ(first_error("def main = let b = 0 in true"), "linear variable `b : Nat` is never used");
}

TEST(DDef, AnnotationMustMatch) {
  EXPECT_EQ(first_error("def main : Bool = 0"), "def `main` is declared as Bool but its body has type Nat");
}
TEST(DDecl, DuplicatesAreRejected) {
  EXPECT_EQ(first_error("def a = true\ndef a = false"), "`a` is already declared at 1:5");
}
TEST(DDef, EveryFailingDefIsReported) {
  Loaded l = load("def a = fun x : Bool => 0\ndef b = succ true\ndef main = true");
  ASSERT_FALSE(l.result.ok());
  EXPECT_EQ(l.result.diagnostics.size(), 2u);
}
TEST(DDef, NoCascadeFromABrokenDef) {
  Loaded l = load("def a = succ true\ndef main = a");
  ASSERT_FALSE(l.result.ok());
  EXPECT_EQ(l.result.diagnostics.size(), 1u);
}

TEST(TypeTable, RecordsEverySubterm) {
  Loaded l = load("def main = fun x : Bool => if x then 1 else 2");
  ASSERT_TRUE(l.result.ok());
  const Def* main = l.result->program.find_def("main");
  const If& i = *main->body->as<Lam>()->body->as<If>();
  EXPECT_EQ(print_type(l.result->checked.types.of(*i.cond)), "Bool");
  EXPECT_EQ(print_type(l.result->checked.types.of(*i.then_branch)), "Nat");
}

TEST(Derivation, NamesRulesAndConsumedContext) {
  auto source = std::make_shared<const Source>("t.cj", "def main = fun x : Bool => if x then false else true");
  Result<LoadedProgram> r = load_program(source, CheckOptions{true});
  ASSERT_TRUE(r.ok());
  std::string tree = render_derivation(r->checked.derivations.at("main"));
  EXPECT_NE(tree.find("T-Abs  ⊢ fun x : Bool"), std::string::npos) << tree;
  EXPECT_NE(tree.find("T-If  x : Bool ⊢ if x then false else true : Bool"), std::string::npos) << tree;
  EXPECT_NE(tree.find("T-Var  x : Bool ⊢ x : Bool"), std::string::npos) << tree;
}

}  // namespace
}  // namespace cajal::test
