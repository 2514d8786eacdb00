// Properties of `cajal check` on random well-typed programs (RapidCheck; the seed is printed):
// a program is equivalent to its pretty-printed, β-reduced and η-expanded forms, and a mutated
// copy is either equivalent or has a counterexample that reproduces under the interpreter.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cajal/check/check.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "cajal/testing/transform.hpp"

namespace cajal {
namespace {

using testing::GeneratedProgram;
using Verdict = EquivalenceResult::Verdict;

struct RcChoices final : testing::Choices {
  int pick(int lo, int hi) override { return *rc::gen::inRange(lo, hi); }
};

LoadedProgram loaded(const Program& p) {
  Result<CheckedProgram> checked = check_program(p);
  RC_ASSERT(checked.ok());
  return LoadedProgram{p, std::move(*checked)};
}

EquivalenceOptions small_depth() {
  EquivalenceOptions o;
  o.depth = 3;
  o.exhaustive_limit = 2000;
  o.timeout_seconds = 20;
  return o;
}

// The verdict on main of `a` against main of `b`; unknown only for a stated reason.
EquivalenceResult compare(const LoadedProgram& a, const LoadedProgram& b, const EquivalenceOptions& o) {
  Result<EquivalenceResult> r = check_equivalence(CheckSide{&a, "main", "a"}, CheckSide{&b, "main", "b"}, o);
  RC_ASSERT(r.ok());
  if (r->verdict == Verdict::Unknown) RC_ASSERT(!r->reason.empty());
  return *r;
}

void expect_equivalent(const LoadedProgram& a, const Program& variant, const char* what) {
  LoadedProgram b = loaded(variant);
  EquivalenceResult r = compare(a, b, small_depth());
  RC_CLASSIFY(r.verdict == Verdict::Unknown, std::string(what) + ": unknown");
  if (r.verdict == Verdict::NotEquivalent)
    RC_FAIL(std::string(what) + " is not equivalent: " + r.counterexample->left + " vs " + r.counterexample->right +
            "\n" + format_program(variant));
}

RC_GTEST_PROP(Check, ProgramIsEquivalentToItsRewrites, (const GeneratedProgram& g)) {
  LoadedProgram original = loaded(g.program);
  // Pretty-printed and parsed back.
  auto text = std::make_shared<const Source>("printed.cj", format_program(g.program));
  Result<Program> printed = parse_program(text);
  RC_ASSERT(printed.ok());
  expect_equivalent(original, *printed, "the printed program");
  // β-reduced (when that does not blow the program up).
  Program beta = testing::map_defs(g.program, [](const Def& d) { return testing::beta_reduce(d.body); });
  std::size_t before = 0, after = 0;
  for (const Decl& d : g.program.decls)
    if (const Def* def = std::get_if<Def>(&d)) before += term_size(*def->body);
  for (const Decl& d : beta.decls)
    if (const Def* def = std::get_if<Def>(&d)) after += term_size(*def->body);
  if (after <= 20 * before + 50) expect_equivalent(original, beta, "the β-reduced program");
  // η-expanded at random function-typed subterms.
  RcChoices ch;
  Program eta = testing::map_defs(g.program, [&](const Def& d) { return testing::eta_expand(d.body, original.checked.types, ch); });
  expect_equivalent(original, eta, "the η-expanded program");
}

RC_GTEST_PROP(Check, MutantIsEquivalentOrItsCounterexampleReproduces, (const GeneratedProgram& g)) {
  RcChoices ch;
  const Def* main = g.program.find_def("main");
  std::optional<TermPtr> changed = testing::mutate(main->body, ch);
  RC_PRE(changed.has_value());
  Program mutant = testing::map_defs(g.program, [&](const Def& d) { return d.name == "main" ? *changed : d.body; });
  LoadedProgram a = loaded(g.program), b = loaded(mutant);
  EquivalenceResult r = compare(a, b, small_depth());
  RC_CLASSIFY(r.verdict == Verdict::Equivalent, "equivalent");
  RC_CLASSIFY(r.verdict == Verdict::NotEquivalent, "not equivalent");
  RC_CLASSIFY(r.verdict == Verdict::Unknown, "unknown: " + r.reason.substr(0, 40));
  if (r.verdict != Verdict::NotEquivalent) return;
  RC_ASSERT(r.counterexample.has_value());
  // `cajal run` on each side, with the counterexample's inputs as source terms.
  std::string values[2];
  for (int side = 0; side < 2; ++side) {
    RunRequest request;
    for (const auto& in : r.counterexample->inputs) {
      auto source = std::make_shared<const Source>(in.name, in.value);
      if (in.is_param) request.params.emplace_back(in.name, source);
      else request.args.push_back(source);
    }
    Result<RunResult> run = run_main(side == 0 ? a : b, request);
    RC_ASSERT(run.ok());
    values[side] = print_term(*run->value_term);
  }
  RC_ASSERT(values[0] == r.counterexample->left);
  RC_ASSERT(values[1] == r.counterexample->right);
  RC_ASSERT(values[0] != values[1]);
}

}  // namespace
}  // namespace cajal

namespace cajal {
namespace {

// spec/equivalence.md §4: without params, with inputs of type Bool and Nat, and with every run
// inside D, observational and neural equivalence give the same verdict.
RC_GTEST_PROP(Check, NotionsCoincideWithoutParamsWithinTheDepth, (const GeneratedProgram& g)) {
  RC_PRE(g.program.decls.size() > 0);
  for (const Decl& d : g.program.decls) RC_PRE(!std::holds_alternative<Param>(d));
  for (TypePtr t = g.main_type; t->is_arrow(); t = t->to) RC_PRE(!t->from->is_arrow());
  RcChoices ch;
  std::optional<TermPtr> changed = testing::mutate(g.program.find_def("main")->body, ch);
  RC_PRE(changed.has_value());
  Program mutant = testing::map_defs(g.program, [&](const Def& d) { return d.name == "main" ? *changed : d.body; });
  LoadedProgram a = loaded(g.program), b = loaded(mutant);
  EquivalenceOptions observational = small_depth(), neural = small_depth();
  neural.neural = true;
  EquivalenceResult o = compare(a, b, observational);
  Result<EquivalenceResult> n = check_equivalence(CheckSide{&a, "main", "a"}, CheckSide{&b, "main", "b"}, neural);
  RC_PRE(n.ok());  // (a mutated numeral may exceed the depth: the network cannot be compiled)
  RC_PRE(o.verdict != Verdict::Unknown && n->verdict != Verdict::Unknown);
  RC_PRE(o.warnings.empty() && n->warnings.empty());  // every run inside D
  RC_CLASSIFY(o.verdict == Verdict::Equivalent, "equivalent");
  RC_ASSERT(o.verdict == n->verdict);
}

}  // namespace
}  // namespace cajal
