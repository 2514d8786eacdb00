// The rule lemmas are not vacuous: each is proved as written, and a wrong variant is refuted.
#include "cajal/prove/lemmas.hpp"
#include "support.hpp"

namespace cajal {
namespace {

const Lemma& find(const std::vector<Lemma>& lemmas, const std::string& name) {
  for (const Lemma& l : lemmas)
    if (l.name == name) return l;
  throw std::runtime_error("no lemma " + name);
}

std::vector<std::string> answers(const std::string& script) {
  Result<std::vector<std::string>> r = run_smtlib(script);
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? *r : std::vector<std::string>{};
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

TEST(Lemmas, SmallBoundsAreProved) {
  for (const Lemma& l : rule_lemmas(LemmaBounds{4, 2})) {
    std::vector<std::string> a = answers(l.smtlib);
    EXPECT_EQ(a.size(), l.queries) << l.name;
    EXPECT_EQ(std::count(a.begin(), a.end(), "unsat"), static_cast<long>(a.size())) << l.name;
  }
}

TEST(Lemmas, WrongVariantsAreRefuted) {
  std::vector<Lemma> lemmas = rule_lemmas(LemmaBounds{4, 2});
  std::string swapped = find(lemmas, "L-If").smtlib;  // the mix takes the other branch
  replace_all(swapped, "(ite c t0 u0)", "(ite c u0 t0)");
  std::vector<std::string> a = answers(swapped);
  EXPECT_NE(std::find(a.begin(), a.end(), "sat"), a.end());

  std::string shifted = find(lemmas, "L-Succ").smtlib;  // succ adds two
  replace_all(shifted, "(+ k 1)", "(+ k 2)");
  a = answers(shifted);
  EXPECT_NE(std::find(a.begin(), a.end(), "sat"), a.end());

  std::string extra = find(lemmas, "L-Iter").smtlib;  // read out one step too late
  replace_all(extra, "(ite (= k 0) 1.0 0.0)", "(ite (= k 1) 1.0 0.0)");
  a = answers(extra);
  EXPECT_NE(std::find(a.begin(), a.end(), "sat"), a.end());
}

// The queries for every size (emitted first in each file) are not vacuous either: for each lemma
// a wrong variant of its claim is refuted by one of them.
TEST(Lemmas, WrongVariantsAreRefutedForEverySize) {
  const std::pair<const char*, std::pair<const char*, const char*>> wrong[] = {
      {"L-Const", {"(ite (= i k) 1.0 0.0)", "(ite (= i (+ k 1)) 1.0 0.0)"}},
      {"L-Var", {"Real (v j))", "Real (v (+ j 1)))"}},
      {"L-Succ", {"(+ k 1)", "(+ k 2)"}},
      {"L-If", {"(ite c (t i) (u i))", "(ite c (u i) (t i))"}},
      {"L-App", {"(= (S cols) (F (+ (* r cols) j)))", "(= (S cols) (F (+ (* r cols) (- j 1))))"}},
      {"L-Abs", {"(= (S a) (R r j))", "(= (S a) (R r (+ j 1)))"}},
      {"L-Iter", {"(= (S (+ D 1)) (H k c))", "(= (S (+ D 1)) (H (+ k 1) c))"}},
  };
  std::vector<Lemma> lemmas = rule_lemmas(LemmaBounds{2, 1});
  for (const auto& [name, change] : wrong) {
    const Lemma& l = find(lemmas, name);
    ASSERT_GT(l.for_every_size, 0u) << name;
    std::string text = l.smtlib;
    ASSERT_NE(text.find(change.first), std::string::npos) << name;
    replace_all(text, change.first, change.second);
    std::vector<std::string> a = answers(text);
    ASSERT_GE(a.size(), l.for_every_size);
    EXPECT_NE(std::find(a.begin(), a.begin() + static_cast<long>(l.for_every_size), "sat"), a.begin() + static_cast<long>(l.for_every_size))
        << name << ": a wrong variant is not refuted by a query for every size";
    Result<LemmaCheck> as_written = check_lemma(l.smtlib);
    ASSERT_TRUE(as_written.ok());
    EXPECT_EQ(as_written->for_every_size, l.for_every_size) << name;
    EXPECT_EQ(as_written->for_every_size_unsat, l.for_every_size) << name;
  }
}

TEST(Lemmas, ScriptErrorsAreDiagnostics) {
  Result<std::vector<std::string>> r = run_smtlib("(assert (= x 1))\n(check-sat)\n");
  EXPECT_FALSE(r.ok());
}

// A script that runs past its time is interrupted and reported (verify passes its --timeout):
// the pigeonhole principle for 11 pigeons in 10 holes takes Z3 far longer than 0.2 s.
TEST(Lemmas, AScriptPastItsTimeIsInterrupted) {
  const int pigeons = 11, holes = 10;
  std::string script;
  auto p = [](int i, int h) { return "p" + std::to_string(i) + "_" + std::to_string(h); };
  for (int i = 0; i < pigeons; ++i)
    for (int h = 0; h < holes; ++h) script += "(declare-const " + p(i, h) + " Bool)\n";
  for (int i = 0; i < pigeons; ++i) {
    script += "(assert (or";
    for (int h = 0; h < holes; ++h) script += " " + p(i, h);
    script += "))\n";
  }
  for (int h = 0; h < holes; ++h)
    for (int i = 0; i < pigeons; ++i)
      for (int j = i + 1; j < pigeons; ++j) script += "(assert (not (and " + p(i, h) + " " + p(j, h) + ")))\n";
  script += "(check-sat)\n";
  Result<std::vector<std::string>> r = run_smtlib(script, 0.2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("did not finish the script within 0.2 s"), std::string::npos)
      << r.diagnostics.front().message;
}

}  // namespace
}  // namespace cajal
