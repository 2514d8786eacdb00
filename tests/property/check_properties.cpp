// Properties of `cajal check` on random well-typed programs (RapidCheck; the seed is printed):
// a program is equivalent to its pretty-printed, β-reduced and η-expanded forms, and a mutated
// copy is either equivalent or has a counterexample that reproduces under the interpreter. Each
// property prints what it explored (how often η changed the program, where the mutations fell,
// how the verdicts split) and asserts minimum shares of it after the run.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cajal/check/check.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "cajal/testing/transform.hpp"
#include "distribution.hpp"

namespace cajal {
namespace {

using testing::GeneratedProgram;
using Verdict = EquivalenceResult::Verdict;

// RapidCheck's choices for the rewrites. RapidCheck's inRange narrows its range with the size (at
// max_size=40, inRange(0, 2) is always 0, so every coin was false): as in the library's generators
// (src/testing/generators.cpp), choices run at full size, so coins are fair and every site can be
// picked. The last pick is kept, to see where a mutation fell.
struct RcChoices final : testing::Choices {
  int pick(int lo, int hi) override {
    last_lo = lo, last_hi = hi;
    return last = *rc::gen::resize(100, rc::gen::inRange(lo, hi));
  }
  int last_lo = 0, last_hi = 0, last = 0;
};

// Where a mutation fell among the term's sites: the first site, or a quarter of the site list.
void count_site(test::Distribution& d, const RcChoices& ch) {
  const int n = ch.last_hi - ch.last_lo, at = ch.last - ch.last_lo;
  d.count("site #0", at == 0);
  d.count("a term with one site", n == 1);
  d.count("site in the second half of the term's sites", 2 * at >= n && n > 1);
  d.count("site in the last quarter of the term's sites", 4 * at >= 3 * n && n > 1);
}

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

// `cajal run` on each side, with the counterexample's inputs as source terms, gives the two
// values it states, and they differ. A side without a value (a table past its keys) stops with
// the message the counterexample states; a vector prints as run prints it.
void reproduces(const EquivalenceResult& r, const LoadedProgram& a, const LoadedProgram& b) {
  RC_ASSERT(r.counterexample.has_value());
  std::string values[2];
  for (int side = 0; side < 2; ++side) {
    RunRequest request;
    request.depth = r.depth;  // (a matrix input's numbers are its encoding at the check's depth)
    for (const auto& in : r.counterexample->inputs) {
      auto source = std::make_shared<const Source>(in.name, in.value);
      if (in.is_param) request.params.emplace_back(in.name, source);
      else request.args.push_back(source);
    }
    Result<RunResult> run = run_main(side == 0 ? a : b, request);
    if (!run) RC_ASSERT(run.diagnostics.front().code == std::string("eval.table-miss"));
    values[side] = !run ? "no value: " + run.diagnostics.front().message : run->value_term ? print_term(*run->value_term) : run->text;
  }
  RC_ASSERT(values[0] == r.counterexample->left);
  RC_ASSERT(values[1] == r.counterexample->right);
  RC_ASSERT(values[0] != values[1]);
}

TEST(Check, ProgramIsEquivalentToItsRewrites) {
  test::Distribution d("Check.ProgramIsEquivalentToItsRewrites");
  rc::detail::checkGTest([&](const GeneratedProgram& g) {
    d.trial();
    LoadedProgram original = loaded(g.program);
    const std::string text = format_program(g.program);
    // Pretty-printed and parsed back.
    auto source = std::make_shared<const Source>("printed.cj", text);
    Result<Program> printed = parse_program(source);
    RC_ASSERT(printed.ok());
    expect_equivalent(original, *printed, "the printed program");
    // β-reduced (when that does not blow the program up).
    Program beta = testing::map_defs(g.program, [](const Def& d) { return testing::beta_reduce(d.body); });
    std::size_t before = 0, after = 0;
    for (const Decl& decl : g.program.decls)
      if (const Def* def = std::get_if<Def>(&decl)) before += term_size(*def->body);
    for (const Decl& decl : beta.decls)
      if (const Def* def = std::get_if<Def>(&decl)) after += term_size(*def->body);
    const bool compared_beta = after <= 20 * before + 50;
    if (compared_beta) expect_equivalent(original, beta, "the β-reduced program");
    d.count("β compared", compared_beta);
    d.count("β changed the program", compared_beta && format_program(beta) != text);
    // η-expanded at random function-typed subterms.
    RcChoices ch;
    Program eta = testing::map_defs(g.program, [&](const Def& def) { return testing::eta_expand(def.body, original.checked.types, ch); });
    d.count("η changed the program", format_program(eta) != text);
    expect_equivalent(original, eta, "the η-expanded program");
  });
  d.print();
  d.expect_at_least("η changed the program", 0.5);
  d.expect_at_least("β changed the program", 0.2);
}

TEST(Check, MutantIsEquivalentOrItsCounterexampleReproduces) {
  test::Distribution d("Check.MutantIsEquivalentOrItsCounterexampleReproduces");
  rc::detail::checkGTest([&](const GeneratedProgram& g) {
  RcChoices ch;
  const Def* main = g.program.find_def("main");
  std::optional<TermPtr> changed = testing::mutate(main->body, ch);
  RC_PRE(changed.has_value());
  d.trial();
  count_site(d, ch);
  Program mutant = testing::map_defs(g.program, [&](const Def& d) { return d.name == "main" ? *changed : d.body; });
  LoadedProgram a = loaded(g.program), b = loaded(mutant);
  EquivalenceResult r = compare(a, b, small_depth());
  RC_CLASSIFY(r.verdict == Verdict::Equivalent, "equivalent");
  RC_CLASSIFY(r.verdict == Verdict::NotEquivalent, "not equivalent");
  RC_CLASSIFY(r.verdict == Verdict::Unknown, "unknown: " + r.reason.substr(0, 40));
  d.count("equivalent", r.verdict == Verdict::Equivalent);
  d.count("not equivalent", r.verdict == Verdict::NotEquivalent);
  d.count("unknown", r.verdict == Verdict::Unknown);
  if (r.verdict != Verdict::NotEquivalent) return;
  reproduces(r, a, b);
  });
  d.print();
  d.expect_at_most("site #0", 0.3);
  d.expect_at_least("site in the second half of the term's sites", 0.25);
  d.expect_at_least("site in the last quarter of the term's sites", 0.08);
  d.expect_at_least("not equivalent", 0.15);
  d.expect_at_least("equivalent", 0.02);
}

}  // namespace
}  // namespace cajal

namespace cajal {
namespace {

// The programs spec/equivalence.md §4 speaks of, built directly (no discarding): no params, a few
// defs, and a main whose inputs are booleans and naturals, with a Bool or Nat result.
GeneratedProgram make_first_order_program(testing::Choices& ch, int size) {
  GeneratedProgram out;
  testing::Context theta;
  const int defs = ch.pick(0, 3);
  for (int k = 0; k < defs; ++k) {
    const std::string name = "d" + std::to_string(k);
    TypePtr t = testing::make_type(ch, 1);
    out.program.decls.push_back(Def{name, {}, nullptr, testing::make_term(ch, t, {}, theta, std::max(1, size / 8))});
    theta.emplace_back(name, t);
  }
  testing::Context delta;
  const int inputs = ch.pick(0, 4);
  for (int k = 0; k < inputs; ++k) delta.emplace_back("x" + std::to_string(k + 1), ch.coin() ? Type::nat() : Type::boolean());
  TypePtr type = ch.coin() ? Type::nat() : Type::boolean();
  TermPtr body = testing::make_term(ch, type, delta, theta, std::max(1, size / 2));
  for (std::size_t k = delta.size(); k-- > 0;) {
    body = make_term(Lam{delta[k].first, {}, delta[k].second, body});
    type = Type::arrow(delta[k].second, type);
  }
  out.program.decls.push_back(Def{"main", {}, nullptr, body});
  out.main_type = type;
  return out;
}

rc::Gen<GeneratedProgram> gen_first_order_program() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_first_order_program(ch, size);
    });
  });
}

// spec/equivalence.md §4: without params, with inputs of type Bool and Nat, and with every run
// inside D, observational and neural equivalence give the same verdict.
TEST(Check, NotionsCoincideWithoutParamsWithinTheDepth) {
  test::Distribution d("Check.NotionsCoincideWithoutParamsWithinTheDepth");
  rc::detail::checkGTest([&] {
    const GeneratedProgram g = *gen_first_order_program();
    d.trial();
    for (const Decl& decl : g.program.decls) RC_ASSERT(!std::holds_alternative<Param>(decl));
    for (TypePtr t = g.main_type; t->is_arrow(); t = t->to) RC_ASSERT(!t->from->is_arrow());
    RcChoices ch;
    std::optional<TermPtr> changed = testing::mutate(g.program.find_def("main")->body, ch);
    d.count("discarded: no mutation site", !changed);
    RC_PRE(changed.has_value());
    Program mutant = testing::map_defs(g.program, [&](const Def& def) { return def.name == "main" ? *changed : def.body; });
    LoadedProgram a = loaded(g.program), b = loaded(mutant);
    EquivalenceOptions observational = small_depth(), neural = small_depth();
    neural.neural = true;
    EquivalenceResult o = compare(a, b, observational);
    Result<EquivalenceResult> n = check_equivalence(CheckSide{&a, "main", "a"}, CheckSide{&b, "main", "b"}, neural);
    d.count("discarded: a numeral above the depth", !n.ok());
    RC_PRE(n.ok());  // (a mutated numeral may exceed the depth: the network cannot be compiled)
    const bool unknown = o.verdict == Verdict::Unknown || n->verdict == Verdict::Unknown;
    d.count("discarded: unknown", unknown);
    RC_PRE(!unknown);
    const bool outside = !o.warnings.empty() || !n->warnings.empty();
    d.count("discarded: a run outside the depth", outside);
    RC_PRE(!outside);  // every run inside D
    RC_CLASSIFY(o.verdict == Verdict::Equivalent, "equivalent");
    d.count("compared", true);
    d.count("compared: equivalent", o.verdict == Verdict::Equivalent);
    d.count("compared: not equivalent", o.verdict == Verdict::NotEquivalent);
    int nat_inputs = 0, inputs = 0;
    for (TypePtr t = g.main_type; t->is_arrow(); t = t->to, ++inputs) nat_inputs += t->from->kind == Type::Kind::Nat;
    d.count("compared: with a Nat input", nat_inputs > 0);
    d.count("compared: with 2 or 3 inputs", inputs >= 2);
    RC_ASSERT(o.verdict == n->verdict);
  });
  d.print();
  d.expect_at_least("compared", 0.5);
  d.expect_at_least("compared: not equivalent", 0.08);
  d.expect_at_least("compared: equivalent", 0.02);
  d.expect_at_least("compared: with a Nat input", 0.1);
  d.expect_at_least("compared: with 2 or 3 inputs", 0.1);
}

}  // namespace
}  // namespace cajal

namespace cajal {
namespace {

// On one random program: it is equivalent to its β-reduced and η-expanded forms, and for a
// mutated copy an observational `equivalent` is one of the networks too, and an observational
// counterexample reproduces under the interpreter.
void rewrites_equivalent_and_mutants_agree_with_neural(test::Distribution& d, const GeneratedProgram& g) {
  d.trial();
  LoadedProgram original = loaded(g.program);
  Program beta = testing::map_defs(g.program, [](const Def& def) { return testing::beta_reduce(def.body); });
  expect_equivalent(original, beta, "the β-reduced program");
  RcChoices ch;
  Program eta = testing::map_defs(g.program, [&](const Def& def) { return testing::eta_expand(def.body, original.checked.types, ch); });
  d.count("η changed the program", format_program(eta) != format_program(g.program));
  expect_equivalent(original, eta, "the η-expanded program");

  std::optional<TermPtr> changed = testing::mutate(g.program.find_def("main")->body, ch);
  if (!changed) return;
  Program mutant = testing::map_defs(g.program, [&](const Def& def) { return def.name == "main" ? *changed : def.body; });
  LoadedProgram b = loaded(mutant);
  EquivalenceResult observational = compare(original, b, small_depth());
  EquivalenceOptions neural = small_depth();
  neural.neural = true;
  Result<EquivalenceResult> networks = check_equivalence(CheckSide{&original, "main", "a"}, CheckSide{&b, "main", "b"}, neural);
  if (!networks) return;  // (a mutated numeral above the depth: no network)
  d.count(std::string("mutant: ") + verdict_name(observational.verdict) + ", neural " + verdict_name(networks->verdict));
  d.count("mutant: decided with an input as a matrix", observational.verdict != Verdict::Unknown &&
                                                            observational.method.find("matrices") != std::string::npos);
  if (observational.verdict == Verdict::Equivalent && networks->verdict == Verdict::NotEquivalent)
    RC_FAIL("equivalent observationally, not as networks:\n" + format_program(g.program) + "\nmutant:\n" + format_program(mutant));
  if (observational.verdict != Verdict::NotEquivalent) return;
  reproduces(observational, original, b);
}

// Real inputs (spec/equivalence.md §5): random programs over vectors (gen_vec_program: real params
// and inputs, Bool and Nat arguments).
TEST(CheckVec, RewritesAreEquivalentAndMutantsAgreeWithNeural) {
  test::Distribution d("CheckVec.RewritesAreEquivalentAndMutantsAgreeWithNeural");
  rc::detail::checkGTest([&] { rewrites_equivalent_and_mutants_agree_with_neural(d, *testing::gen_vec_program()); });
  d.print();
  d.expect_at_least("η changed the program", 0.3);
  d.expect_at_least("mutant: not equivalent, neural not equivalent", 0.05);  // (about 0.15 is usual)
}

// Functions of functions (spec/equivalence.md §1, §5): random programs whose input h has a shape
// without a list, taken as a matrix; a counterexample is a matrix unit.
TEST(CheckMatrixInputs, RewritesAreEquivalentAndMutantsAgreeWithNeural) {
  test::Distribution d("CheckMatrixInputs.RewritesAreEquivalentAndMutantsAgreeWithNeural");
  rc::detail::checkGTest([&] { rewrites_equivalent_and_mutants_agree_with_neural(d, *testing::gen_matrix_input_program()); });
  d.print();
  d.expect_at_least("η changed the program", 0.3);
  d.expect_at_least("mutant: not equivalent, neural not equivalent", 0.05);
  d.expect_at_least("mutant: decided with an input as a matrix", 0.2);
}

}  // namespace
}  // namespace cajal
