// prove on random programs whose main takes a function of a function: h : (A ⊸ B) ⊸ C or
// (Bool ⊸ Bool) ⊸ Bool ⊸ D (gen_higher_order_program), and the other shapes (gen_matrix_input_
// program; RapidCheck, the seed is printed). Every such input is a matrix of real unknowns, and
// the claim is for every matrix (spec/denotation.md §8.6; a run's mass past D is dropped on both
// sides), which decides it for every definable value: both sides are linear in h and the matrix
// units, each a definable value, span the matrices. On every program the compiled network is
// proved; under each deliberately wrong compiler (mutant.hpp), prove refutes when the mutated
// network differs from the proved one on a matrix unit (and every x) where the proved one loses
// no mass, and only when it differs on some matrix unit.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cajal/compile/compile.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/mutant.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "distribution.hpp"

namespace cajal {
namespace {

constexpr int kDepth = 3;

// Every matrix unit of h's type (and every x): the inputs on which two networks, multilinear in
// h, agree exactly when they agree on every matrix (the units span them).
std::vector<NetworkArgs> unit_inputs(const Network& net) {
  const std::size_t dim_h = dimension(*net.inputs[0].type, kDepth);
  const std::size_t xs = net.inputs.size() > 1 ? dimension(*net.inputs[1].type, kDepth) : 1;
  std::vector<NetworkArgs> out;
  for (std::size_t u = 0; u < dim_h; ++u)
    for (std::size_t x = 0; x < xs; ++x) {
      NetworkArgs args;
      args.inputs.push_back(Eigen::VectorXd::Unit(static_cast<Eigen::Index>(dim_h), static_cast<Eigen::Index>(u)));
      if (net.inputs.size() > 1) args.inputs.push_back(Eigen::VectorXd::Unit(static_cast<Eigen::Index>(xs), static_cast<Eigen::Index>(x)));
      out.push_back(std::move(args));
    }
  return out;
}

// A generated program, loaded (it must type-check), as the file `name`.
Result<LoadedProgram> load_generated(const testing::GeneratedProgram& g, const char* name, std::shared_ptr<const Source>& source) {
  source = std::make_shared<const Source>(name, format_program(g.program));
  Result<LoadedProgram> loaded = load_program(source);
  if (!loaded) RC_FAIL("not well-typed:\n" + source->text() + render(loaded.diagnostics));
  return loaded;
}

void proved_and_mutants_refuted_when_the_network_changes(const char* name, rc::Gen<testing::GeneratedProgram> programs) {
  test::Distribution d(name);
  rc::detail::checkGTest([&] {
    std::shared_ptr<const Source> source;
    Result<LoadedProgram> loaded = load_generated(*programs, "matrix.cj", source);
    ProveOptions options;
    options.depth = kDepth;
    options.timeout_seconds = 30;
    Result<ProveResult> proof = prove_program(*loaded, options);
    if (!proof) RC_FAIL("prove failed: " + render(proof.diagnostics) + "\n" + source->text());
    if (proof->verdict != ProveResult::Verdict::Proved)
      RC_FAIL(std::string(verdict_name(proof->verdict)) + " " + proof->reason + "\n" + source->text());
    d.trial();
    CompileOptions compile;
    compile.depth = kDepth;
    Result<Network> right = compile_program(*loaded, compile);
    RC_ASSERT(right.ok());
    const std::vector<NetworkArgs> inputs = unit_inputs(*right);
    for (Mutant m : {Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep, Mutant::TransposedMatrix}) {
      Network wrong = *right;
      apply_mutant(wrong, m);
      bool changes = false, changes_without_loss = false;
      for (const NetworkArgs& args : inputs) {
        Result<NetworkRun> a = run_network(*right, args), b = run_network(wrong, args);
        RC_ASSERT(a.ok() && b.ok());
        if (a->output == b->output) continue;
        changes = true;
        changes_without_loss = changes_without_loss || a->mass_lost.cwiseAbs().maxCoeff() == 0;
      }
      ProveOptions mutated = options;
      mutated.rewrite = [m](Network& n) { apply_mutant(n, m); };
      Result<ProveResult> r = prove_program(*loaded, mutated);
      RC_ASSERT(r.ok());
      d.count(std::string(mutant_name(m)) + ": " + verdict_name(r->verdict));
      if (r->verdict == ProveResult::Verdict::Unknown) RC_FAIL(std::string("unknown: ") + r->reason + "\n" + source->text());
      const bool refuted = r->verdict == ProveResult::Verdict::Refuted;
      if (changes_without_loss && !refuted)
        RC_FAIL(std::string(mutant_name(m)) + " changes the network on a matrix unit, yet prove says proved\n" + source->text());
      if (refuted && !changes)
        RC_FAIL(std::string(mutant_name(m)) + " changes nothing on the matrix units, yet prove refutes it\n" + source->text());
    }
  });
  d.print();
  d.expect_at_least("swap-if: refuted", 0.03);
  d.expect_at_least("iter-extra-step: refuted", 0.1);
  d.expect_at_least("succ-backwards: refuted", 0.03);
}

TEST(ProveHigherOrder, ProvedAndMutantsRefutedWhenTheNetworkChanges) {
  proved_and_mutants_refuted_when_the_network_changes("ProveHigherOrder.ProvedAndMutantsRefutedWhenTheNetworkChanges",
                                                       testing::gen_higher_order_program());
}

TEST(ProveMatrixInputs, ProvedAndMutantsRefutedWhenTheNetworkChanges) {
  proved_and_mutants_refuted_when_the_network_changes("ProveMatrixInputs.ProvedAndMutantsRefutedWhenTheNetworkChanges",
                                                       testing::gen_matrix_input_program());
}

// The warnings without their examples (each way may find another input first).
std::vector<std::string> counts(std::vector<std::string> warnings) {
  for (std::string& w : warnings) w = w.substr(0, w.find(", e.g."));
  return warnings;
}

// On random programs (gen_program: Bool, Nat, functions of those; params as unknowns), the
// obligation split into cases (spec/denotation.md §8.7) and asked whole give the same verdict,
// counterexamples of the same inputs and, when proved, the same warning, for the compiler and
// under a mutant.
TEST(ProveCases, SplitAndWholeAgreeOnRandomPrograms) {
  test::Distribution d("ProveCases.SplitAndWholeAgreeOnRandomPrograms");
  rc::detail::checkGTest([&] {
    std::shared_ptr<const Source> source;
    Result<LoadedProgram> loaded = load_generated(*testing::gen_program(), "cases.cj", source);
    const auto m = *rc::gen::element(Mutant::None, Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep,
                                     Mutant::TransposedMatrix);
    ProveOptions split;
    split.depth = kDepth;
    split.timeout_seconds = 30;
    if (m != Mutant::None) split.rewrite = [m](Network& n) { apply_mutant(n, m); };
    ProveOptions whole = split;
    whole.whole = true;
    Result<ProveResult> a = prove_program(*loaded, split), b = prove_program(*loaded, whole);
    RC_ASSERT(a.ok() == b.ok());
    if (!a) return;  // (e.g. a numeral above D: refused alike)
    d.trial();
    if (a->verdict == ProveResult::Verdict::Unknown || b->verdict == ProveResult::Verdict::Unknown)
      RC_FAIL("unknown: " + a->reason + " / " + b->reason + "\n" + source->text());
    d.count(std::string(verdict_name(a->verdict)));
    if (a->verdict != b->verdict)
      RC_FAIL(std::string("split: ") + verdict_name(a->verdict) + ", whole: " + verdict_name(b->verdict) + " under " +
              mutant_name(m) + "\n" + source->text());
    RC_ASSERT(a->inputs.size() == b->inputs.size());
    // (A refuted split stops at its case: the inputs outside D of later cases are not counted.)
    if (a->verdict == ProveResult::Verdict::Proved) RC_ASSERT(counts(a->warnings) == counts(b->warnings));
  });
  d.print();
  d.expect_at_least("refuted", 0.05);
  d.expect_at_least("proved", 0.3);
}

}  // namespace
}  // namespace cajal
