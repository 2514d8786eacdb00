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

}  // namespace
}  // namespace cajal
