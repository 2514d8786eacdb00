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
