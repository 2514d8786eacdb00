// The printer's contract: parse(print(t)) == t, with the fewest parentheses.
#include "support.hpp"

namespace cajal {
namespace {

std::string roundtrip(const std::string& text) {
  auto s = std::make_shared<const Source>("t", text);
  Result<TermPtr> t = parse_term(s);
  EXPECT_TRUE(t.ok()) << render(t.diagnostics);
  std::string printed = print_term(**t);
  auto s2 = std::make_shared<const Source>("t2", printed);
  Result<TermPtr> back = parse_term(s2);
  EXPECT_TRUE(back.ok()) << printed << "\n" << render(back.diagnostics);
  EXPECT_TRUE(**t == **back) << printed;
  return printed;
}

// `out` (a formatting of p) parses back to the same program.
void expect_parses_back(const Program& p, const std::string& out) {
  auto source = std::make_shared<const Source>("formatted.cj", out);
  Result<Program> back = parse_program(source);
  ASSERT_TRUE(back.ok()) << out << render(back.diagnostics);
  EXPECT_TRUE(p == *back) << out;
}

TEST(Print, MinimalParentheses) {
  EXPECT_EQ(roundtrip("((f a) b)"), "f a b");
  EXPECT_EQ(roundtrip("f (a b)"), "f (a b)");
  EXPECT_EQ(roundtrip("(fun x : Bool => x) true"), "(fun x : Bool => x) true");
  EXPECT_EQ(roundtrip("f (fun x : Bool => x)"), "f (fun x : Bool => x)");
  EXPECT_EQ(roundtrip("succ (succ 0)"), "succ succ 0");
  EXPECT_EQ(roundtrip("succ (f x)"), "succ (f x)");
  EXPECT_EQ(roundtrip("(if c then f else g) x"), "(if c then f else g) x");
  EXPECT_EQ(roundtrip("λf:(Bool ⊸ Bool) ⊸ Bool. f"), "fun f : (Bool -o Bool) -o Bool => f");
  EXPECT_EQ(roundtrip("iter{0|y↪succ y}(let n = 2 in n)"), "iter { 0 | y => succ y } (let n = 2 in n)");
  EXPECT_EQ(roundtrip("if if a then b else c then (let x = y in x) else fun z : Nat => z"),
            "if if a then b else c then let x = y in x else fun z : Nat => z");
}

TEST(Print, FormatProgramRoundTripsAndKeepsComments) {
  std::string text =
      "-- header\ndef not : Bool -o Bool = fun x : Bool => -- inside\n if x then false else true\n"
      "param w : Nat\n-- before main\ndef main = not true\n-- trailing\n";
  auto s = std::make_shared<const Source>("t.cj", text);
  Result<Program> p = parse_program(s);
  ASSERT_TRUE(p.ok());
  std::string out = format_program(*p);
  EXPECT_EQ(out,
            "-- header\n-- inside\ndef not : Bool -o Bool = fun x : Bool => if x then false else true\n\n"
            "param w : Nat\n\n-- before main\ndef main = not true\n\n-- trailing\n");
  expect_parses_back(*p, out);
  auto s2 = std::make_shared<const Source>("t2.cj", out);
  EXPECT_EQ(format_program(*parse_program(s2)), out);  // idempotent
}

TEST(Print, LongTermsBreakAcrossLines) {
  std::string body = "fun a : Bool => fun b : Bool => let c = if a then b else if b then false else true in "
                     "iter { c | y => if y then false else true } (3)";
  auto s = std::make_shared<const Source>("t.cj", "def main = " + body);
  Result<Program> p = parse_program(s);
  ASSERT_TRUE(p.ok());
  std::string out = format_program(*p, 40);
  EXPECT_GT(std::count(out.begin(), out.end(), '\n'), 3);
  expect_parses_back(*p, out);
}

TEST(Print, LongApplicationsBreakOneArgumentPerLine) {
  std::string arg = "(fun x : Bool => if x then false else true)";
  std::string text = "def main = fun g : (Bool -o Bool) -o (Bool -o Bool) -o Bool -o Bool => g " + arg + " " + arg + " true";
  auto s = std::make_shared<const Source>("t.cj", text);
  Result<Program> p = parse_program(s);
  ASSERT_TRUE(p.ok()) << render(p.diagnostics);
  std::string out = format_program(*p, 60);
  // Every argument on a line of its own, under the function (a `fun` header cannot break).
  EXPECT_NE(out.find("\n    g\n      (fun x : Bool => if x then false else true)\n      (fun x"), std::string::npos) << out;
  EXPECT_NE(out.find("\n      true\n"), std::string::npos) << out;
  expect_parses_back(*p, out);
}

}  // namespace
}  // namespace cajal
