// Each case was handled wrongly by the published Python reference; each must stay right here.
#include "support.hpp"

namespace cajal::test {
namespace {

TEST(Regression, UnusedBinderDoesNotLeakOutOfItsScope) {
  // Python: `x` stayed in the context after the lambda and was accepted outside it.
  Loaded l = load("def main = (fun x : Bool => true) x");
  ASSERT_FALSE(l.result.ok());
  std::string all = render(l.result.diagnostics);
  EXPECT_NE(all.find("linear variable `x : Bool` is never used"), std::string::npos) << all;
}

TEST(Regression, ShadowingDoesNotDropAnUnusedOuterVariable) {
  EXPECT_EQ(first_error("def main = fun x : Bool => fun x : Bool => x"), "linear variable `x : Bool` is never used");
  Loaded l = load("def main = fun x : Bool => fun x : Bool => x");
  EXPECT_EQ(l.result.diagnostics.front().span.line_col(), "1:16");  // the outer binder
}

TEST(Regression, ShadowingDoesNotRejectAValidProgram) {
  EXPECT_EQ(main_type("def main = (fun x : Bool => (fun x : Bool => x) x) true"), "Bool");
  EXPECT_EQ(run("def main = (fun x : Bool => (fun x : Bool => x) x) true"), "true");
}

TEST(Regression, IterBaseAndStepOfDifferentTypesIsRejected) {
  EXPECT_EQ(first_error("def main = iter { true | y => if y then 0 else 1 } (2)"),
            "`iter` step has type Nat but the base has type Bool; they must agree");
}

TEST(Regression, ClosuresAreNotMutatedByLaterApplications) {
  // A closure captured once and applied to different arguments through a def.
  const char* p =
      "def pair = fun a : Bool => fun b : Bool => if a then b else if b then false else true\n"
      "def with_true = pair true\n"
      "def main = fun x : Bool => if x then with_true false else with_true true";
  EXPECT_EQ(run(p, {"true"}), "false");
  EXPECT_EQ(run(p, {"false"}), "true");
}

TEST(Regression, IterStepCannotConsumeOuterLinearVariables) {
  EXPECT_NE(first_error("def main = fun f : Bool -o Bool => iter { true | y => f y } (3)")
                .find("may not use linear variable `f` from outside the loop"),
            std::string::npos);
}

TEST(Regression, NaturalsAreNotTruncatedAtNine) {
  EXPECT_EQ(run("def main = fun n : Nat => iter { n | y => succ y } (10)", {"9"}), "19");
}

}  // namespace
}  // namespace cajal::test
