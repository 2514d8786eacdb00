// The grammar, production by production (spec/grammar.md).
#include "support.hpp"

namespace cajal {
namespace {

TermPtr term(const std::string& text) {
  static std::vector<SourcePtr> keep;  // spans point into their sources
  keep.push_back(std::make_shared<const Source>("t", text));
  Result<TermPtr> r = parse_term(keep.back());
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? *r : make_term(BoolLit{false});
}

std::string parse_error(const std::string& text) {
  auto s = std::make_shared<const Source>("t.cj", text);
  Result<Program> r = parse_program(s);
  return r ? std::string() : r.diagnostics.front().message;
}

TEST(Parse, Literals) {
  EXPECT_TRUE(term("true")->is<BoolLit>());
  EXPECT_EQ(term("42")->as<NatLit>()->value, 42u);
  EXPECT_EQ(term("18446744073709551615")->as<NatLit>()->value, UINT64_MAX);
  EXPECT_TRUE(term("succ 0")->is<Succ>());
  EXPECT_TRUE(term("succ succ 0")->as<Succ>()->arg->is<Succ>());
}

TEST(Parse, ApplicationIsLeftAssociative) {
  TermPtr t = term("f a b");
  const App* outer = t->as<App>();
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->arg->as<Var>()->name, "b");
  EXPECT_EQ(outer->fn->as<App>()->arg->as<Var>()->name, "a");
}

TEST(Parse, ArrowIsRightAssociative) {
  TermPtr t = term("fun f : Bool -o Nat -o Bool => f");
  const Type& a = *t->as<Lam>()->param_type;
  EXPECT_EQ(a.from->kind, Type::Kind::Bool);
  EXPECT_TRUE(a.to->is_arrow());
  TermPtr u = term("fun f : (Bool -o Nat) -o Bool => f");
  EXPECT_TRUE(u->as<Lam>()->param_type->from->is_arrow());
}

TEST(Parse, AlternativeNotations) {
  TermPtr a = term("fun x : Bool -o Bool => x");
  EXPECT_TRUE(*a == *term("\\x : Bool ⊸ Bool. x"));
  EXPECT_TRUE(*a == *term("λx:Bool ⊸ Bool. x"));
  EXPECT_TRUE(*term("iter { 0 | y => succ y } (2)") == *term("iter{0|y↪succ y}(2)"));
}

TEST(Parse, LambdaIfLetExtendRight) {
  TermPtr t = term("fun x : Bool => if x then f x else g x");
  EXPECT_TRUE(t->as<Lam>()->body->is<If>());
  TermPtr l = term("let x = f y in g x");
  EXPECT_TRUE(l->as<Let>()->body->is<App>());
}

TEST(Parse, IterFields) {
  TermPtr t = term("iter { true | s => not s } (n)");
  const Iter* it = t->as<Iter>();
  ASSERT_TRUE(it);
  EXPECT_EQ(it->state, "s");
  EXPECT_TRUE(it->base->is<BoolLit>());
  EXPECT_TRUE(it->step->is<App>());
  EXPECT_EQ(it->count->as<Var>()->name, "n");
}

TEST(Parse, KeywordsAreWholeWords) {
  EXPECT_EQ(term("funny")->as<Var>()->name, "funny");
  EXPECT_EQ(term("iter'")->as<Var>()->name, "iter'");
  EXPECT_EQ(term("x_1")->as<Var>()->name, "x_1");
}

TEST(Parse, Declarations) {
  auto s = std::make_shared<const Source>("t.cj", "param w : Bool\ndef id : Bool -o Bool = fun x : Bool => x\ndef main = id w");
  Result<Program> r = parse_program(s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->decls.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Param>(r->decls[0]));
  EXPECT_TRUE(std::get<Def>(r->decls[1]).annotation);
  EXPECT_FALSE(std::get<Def>(r->decls[2]).annotation);
}

TEST(Parse, SpansPointAtTheSource) {
  TermPtr t = term("  f (g x)");
  EXPECT_EQ(t->span.begin, 2u);
  EXPECT_EQ(t->span.end, 9u);
}

TEST(Parse, EmptyFileIsAnEmptyProgram) {
  auto s = std::make_shared<const Source>("t.cj", "  -- only a comment\n");
  Result<Program> r = parse_program(s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->decls.empty());
}

TEST(ParseErrors, SayWhatWasExpected) {
  EXPECT_EQ(parse_error("def main = if true then false"), "expected `else`, found end of input");
  EXPECT_EQ(parse_error("def main = fun x : => x"), "expected type, found `=>`");
  EXPECT_EQ(parse_error("def if = true"), "expected identifier, found `if`");
  EXPECT_EQ(parse_error("def main = true )"), "expected a declaration (`def` or `param`), found `)`");
  EXPECT_EQ(parse_error("main = true"), "expected a declaration (`def` or `param`), found `main`");
}

TEST(ParseErrors, HostileInputIsRejectedNotCrashed) {
  EXPECT_NE(parse_error("def main = " + std::string(100000, '(')).find("nested too deeply"), std::string::npos);
  std::string succs;
  for (int i = 0; i < 100000; ++i) succs += "succ ";
  EXPECT_NE(parse_error("def main = " + succs + "0").find("nested too deeply"), std::string::npos);
  std::string spine = "def main = f";
  for (int i = 0; i < 5000; ++i) spine += " x";
  EXPECT_NE(parse_error(spine).find("nested too deeply"), std::string::npos);
  EXPECT_NE(parse_error("def main = 99999999999999999999999").find("numeral is too large"), std::string::npos);
  EXPECT_NE(parse_error(std::string("\x7f" "ELF\x02\x01\x01\0\0", 9)).find("not Cajal source text"), std::string::npos);
  EXPECT_NE(parse_error("def main = \xff\xfe").find("not valid UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace cajal
