// prove on random programs whose main takes a function of a function, h : (A ⊸ B) ⊸ C or
// (Bool ⊸ Bool) ⊸ Bool ⊸ D (RapidCheck; the seed is printed). The claim for such an input is over
// its definable values fun g => k (g a), or fun g => fun c => if c then k₀ (g a₀) else k₁ (g a₁)
// (spec/equivalence.md §1, spec/denotation.md §8.4). On every program the
// compiled network is proved; under each deliberately wrong compiler (mutant.hpp), prove refutes
// exactly when the mutated network computes something else than the proved one on some definable
// value of h and some x whose run stays within D: every (a, k) and every x is run through both
// networks, whose matrix for h is ⟦k⟧(r, b) · ⟦a⟧(a') at (r, b · dim A + a').
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

// Every definable value of h (as its matrix) and every x (a basis vector), in turn. For
// h : (A ⊸ B) ⊸ C, fun g => k (g a): entry (r, b · dim A + a') is [k(b) = r] · [a' = a]; for
// h : (A ⊸ B) ⊸ Bool ⊸ D, fun g => fun c => if c then k₀ (g a₀) else k₁ (g a₁): row r · 2 + c
// holds k_c and a_c.
std::vector<NetworkArgs> definable_inputs(const Network& net) {
  const Type& h = *net.inputs[0].type;
  const std::size_t pairs = h.to->is_arrow() ? 2 : 1;
  const std::size_t dim_a = dimension(*h.from->from, kDepth), dim_b = dimension(*h.from->to, kDepth),
                    dim_r = dimension(pairs == 2 ? *h.to->to : *h.to, kDepth);
  std::size_t tables = 1;  // tables k : B ⊸ R
  for (std::size_t b = 0; b < dim_b; ++b) tables *= dim_r;
  std::size_t per_pair = dim_a * tables, values = 1;
  for (std::size_t c = 0; c < pairs; ++c) values *= per_pair;
  std::vector<NetworkArgs> out;
  for (std::size_t v = 0; v < values; ++v) {
    Eigen::VectorXd m = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dim_r * pairs * dim_b * dim_a));
    for (std::size_t c = 0, rest = v; c < pairs; ++c, rest /= per_pair) {
      const std::size_t a = (rest % per_pair) % dim_a;
      for (std::size_t b = 0, k = (rest % per_pair) / dim_a; b < dim_b; ++b, k /= dim_r)  // k(b) = k % dim_r
        m(static_cast<Eigen::Index>(((k % dim_r) * pairs + c) * dim_b * dim_a + b * dim_a + a)) = 1;
    }
    const std::size_t xs = net.inputs.size() > 1 ? dimension(*net.inputs[1].type, kDepth) : 1;
    for (std::size_t x = 0; x < xs; ++x) {
      NetworkArgs args;
      args.inputs.push_back(m);
      if (net.inputs.size() > 1) args.inputs.push_back(Eigen::VectorXd::Unit(static_cast<Eigen::Index>(xs), static_cast<Eigen::Index>(x)));
      out.push_back(std::move(args));
    }
  }
  return out;
}

TEST(ProveHigherOrder, ProvedAndMutantsRefutedExactlyWhenTheNetworkChanges) {
  test::Distribution d("ProveHigherOrder.ProvedAndMutantsRefutedExactlyWhenTheNetworkChanges");
  rc::detail::checkGTest([&] {
    testing::GeneratedProgram g = *testing::gen_higher_order_program();
    auto source = std::make_shared<const Source>("higher.cj", format_program(g.program));
    Result<LoadedProgram> loaded = load_program(source);
    if (!loaded) RC_FAIL("not well-typed:\n" + source->text() + render(loaded.diagnostics));
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
    const std::vector<NetworkArgs> inputs = definable_inputs(*right);
    for (Mutant m : {Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep, Mutant::TransposedMatrix}) {
      Network wrong = *right;
      apply_mutant(wrong, m);
      bool changes = false;
      for (const NetworkArgs& args : inputs) {
        Result<NetworkRun> a = run_network(*right, args), b = run_network(wrong, args);
        RC_ASSERT(a.ok() && b.ok());
        // Only runs within D are claimed: where the proved network loses mass, the program's run
        // needed a natural above D.
        if (a->mass_lost.cwiseAbs().maxCoeff() > 0) continue;
        if (a->output != b->output) {
          changes = true;
          break;
        }
      }
      ProveOptions mutated = options;
      mutated.rewrite = [m](Network& n) { apply_mutant(n, m); };
      Result<ProveResult> r = prove_program(*loaded, mutated);
      RC_ASSERT(r.ok());
      d.count(std::string(mutant_name(m)) + ": " + verdict_name(r->verdict));
      if (r->verdict == ProveResult::Verdict::Unknown) RC_FAIL(std::string("unknown: ") + r->reason + "\n" + source->text());
      if (changes != (r->verdict == ProveResult::Verdict::Refuted))
        RC_FAIL(std::string(mutant_name(m)) + (changes ? " changes the network on a definable value, yet prove says "
                                                       : " changes nothing on the definable values, yet prove says ") +
                verdict_name(r->verdict) + "\n" + source->text());
    }
  });
  d.print();
  // Not vacuous: each kind of mutant is refuted on some programs.
  // (usual shares: swap-if 0.1 to 0.25, iter-extra-step 0.4 to 0.85, succ-backwards 0.1 to 0.2)
  d.expect_at_least("swap-if: refuted", 0.03);
  d.expect_at_least("iter-extra-step: refuted", 0.1);
  d.expect_at_least("succ-backwards: refuted", 0.03);
}

}  // namespace
}  // namespace cajal
