// `Vec n` through the interpreter and the network (RapidCheck; the seed is printed): on random
// programs over vectors, with random real inputs and params, the interpreter's vector and the
// network's output agree to a floating-point tolerance (the two sum the same products in
// different orders). Programs without Vec stay exact (tests/property/oracle_properties.cpp).
// The inputs are drawn at full range whatever RapidCheck's size (its inRange narrows with the size:
// at max_size=40 the Nat argument was only 0 or 1 and every component negative); what was drawn is
// printed and asserted after the run.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cajal/driver/driver.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/testing/mutant.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "distribution.hpp"

namespace cajal {
namespace {

// Uniform in [lo, hi) whatever the size.
int full_range(int lo, int hi) { return *rc::gen::resize(100, rc::gen::inRange(lo, hi)); }

// Components in [-4, 4] in steps of 1/250, exactly 0 one time in eight.
std::string random_vector(std::size_t n, test::Distribution& d) {
  std::vector<double> xs;
  for (std::size_t k = 0; k < n; ++k) {
    const double x = full_range(0, 8) == 0 ? 0.0 : full_range(-1000, 1001) / 250.0;
    d.count("component > 0", x > 0);
    d.count("component = 0", x == 0);
    d.count("component < 0", x < 0);
    d.count("component > 2", x > 2);
    d.count("component < -2", x < -2);
    xs.push_back(x);
  }
  return nlohmann::json(xs).dump();
}

// Random arguments (b, n, x, y) and params (w, u, v, g) for a program of gen_vec_program, at depth 3.
RunRequest random_request(test::Distribution& d, test::Distribution& n) {
  RunRequest request;
  request.depth = 3;
  n.trial();
  const int count = full_range(0, 4);
  n.count("n = " + std::to_string(count));
  const std::vector<std::string> args{full_range(0, 2) == 1 ? "true" : "false", std::to_string(count), random_vector(2, d),
                                      random_vector(2, d)};
  for (std::size_t k = 0; k < args.size(); ++k)
    request.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(k + 1) + ">", args[k]));
  for (auto [name, size] : std::vector<std::pair<const char*, std::size_t>>{{"w", 4}, {"u", 8}, {"v", 2}, {"g", 4}})
    request.params.emplace_back(name, std::make_shared<const Source>(name, random_vector(size, d)));
  n.count(std::string("b = ") + args[0]);
  for (int c = 0; c < 22; ++c) d.trial();  // 2 + 2 argument and 4 + 8 + 2 + 4 param components a case
  return request;
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * (1 + std::abs(a)); }

TEST(Vec, InterpreterAgreesWithTheNetworkWithinTolerance) {
  test::Distribution d("Vec.InterpreterAgreesWithTheNetworkWithinTolerance (vector counts are per component)");
  test::Distribution n("Vec.InterpreterAgreesWithTheNetworkWithinTolerance (Nat argument)");
  rc::detail::checkGTest([&] {
  testing::GeneratedProgram g = *testing::gen_vec_program();
  auto source = std::make_shared<const Source>("vec.cj", format_program(g.program));
  Result<LoadedProgram> loaded = load_program(source);
  if (!loaded) RC_FAIL("not well-typed:\n" + source->text() + render(loaded.diagnostics));
  RunRequest request = random_request(d, n);
  const std::string& count = request.args[1]->text();

  Result<RunResult> interpreter = run_main(*loaded, request);
  if (!interpreter) RC_FAIL("the interpreter failed: " + render(interpreter.diagnostics) + "\n" + source->text());
  const VecValue* expected = interpreter->value->as<VecValue>();
  RC_ASSERT(expected != nullptr);
  Result<NetworkRunResult> network = run_main_on_network(*loaded, request);
  if (!network) RC_FAIL("the network failed: " + render(network.diagnostics) + "\n" + source->text());
  Eigen::VectorXd got = network->run.output.col(0);
  RC_ASSERT(static_cast<std::size_t>(got.size()) == expected->x.size());
  for (std::size_t k = 0; k < expected->x.size(); ++k) {
    const double a = expected->x[k], b = got(static_cast<Eigen::Index>(k));
    if (!close(a, b))
      RC_FAIL("interpreter " + interpreter->text + ", network " + std::to_string(b) + " at " + std::to_string(k) + "\n" +
              source->text());
  }
  RC_CLASSIFY(interpreter->text.size() > 0 && count != "0", "iterates");
  });
  n.print();
  d.print();
  for (const char* tag : {"n = 0", "n = 1", "n = 2", "n = 3"}) n.expect_at_least(tag, 0.15);
  for (const char* tag : {"b = true", "b = false"}) n.expect_at_least(tag, 0.3);
  d.expect_at_least("component > 0", 0.35);
  d.expect_at_least("component < 0", 0.35);
  d.expect_at_least("component = 0", 0.05);
  d.expect_at_least("component > 2", 0.15);
  d.expect_at_least("component < -2", 0.15);
}

// prove on the same random programs (spec/denotation.md §8.5): with every param and real input an
// unknown, the network is proved correct; and a deliberately wrong compiler whose network
// disagrees with the interpreter at a random point is refuted (the converse: whatever is proved
// agrees there).
TEST(VecProve, ProvedAndEveryMutantThatChangesTheRunRefuted) {
  test::Distribution d("VecProve.ProvedAndEveryMutantThatChangesTheRunRefuted (vector counts are per component)");
  test::Distribution n("VecProve.ProvedAndEveryMutantThatChangesTheRunRefuted (Nat argument)");
  test::Distribution verdicts("VecProve.ProvedAndEveryMutantThatChangesTheRunRefuted (mutants)");
  test::Distribution programs("VecProve.ProvedAndEveryMutantThatChangesTheRunRefuted (programs)");
  rc::detail::checkGTest([&] {
    testing::GeneratedProgram g = *testing::gen_vec_program();
    auto source = std::make_shared<const Source>("vec.cj", format_program(g.program));
    Result<LoadedProgram> loaded = load_program(source);
    if (!loaded) RC_FAIL("not well-typed:\n" + source->text() + render(loaded.diagnostics));
    ProveOptions options;
    options.depth = 3;
    options.timeout_seconds = 10;
    Result<ProveResult> proof = prove_program(*loaded, options);
    if (!proof) RC_FAIL("prove failed: " + render(proof.diagnostics) + "\n" + source->text());
    programs.trial();
    // The stated size cap (a bilinear u iterated: its degree doubles) and the timeout are the
    // honest ways out.
    auto limited = [](const ProveResult& r) {
      return r.verdict == ProveResult::Verdict::Unknown && (r.reason.rfind("size cap: ", 0) == 0 || r.reason.find("timeout") != std::string::npos);
    };
    const bool capped = limited(*proof);
    programs.count(capped ? "past the size cap or the timeout" : verdict_name(proof->verdict));
    if (capped) return;
    if (proof->verdict != ProveResult::Verdict::Proved)
      RC_FAIL(std::string(verdict_name(proof->verdict)) + " " + proof->reason + "\n" + source->text());
    RunRequest request = random_request(d, n);
    Result<RunResult> interpreter = run_main(*loaded, request);
    if (!interpreter) RC_FAIL("the interpreter failed: " + render(interpreter.diagnostics) + "\n" + source->text());
    const VecValue* expected = interpreter->value->as<VecValue>();
    RC_ASSERT(expected != nullptr);
    for (Mutant m : {Mutant::SwapIfBranches, Mutant::SuccBackwards, Mutant::IterExtraStep, Mutant::TransposedMatrix}) {
      verdicts.trial();
      RunRequest mutated = request;
      mutated.rewrite = [m](Network& net) { apply_mutant(net, m); };
      Result<NetworkRunResult> network = run_main_on_network(*loaded, mutated);
      bool disagrees = !network;  // (a mutant may also lose mass or fail to run)
      for (std::size_t k = 0; network && k < expected->x.size(); ++k)
        disagrees = disagrees || !close(expected->x[k], network->run.output(static_cast<Eigen::Index>(k), 0));
      ProveOptions wrong = options;
      wrong.rewrite = mutated.rewrite;
      Result<ProveResult> r = prove_program(*loaded, wrong);
      if (!r) RC_FAIL("prove failed: " + render(r.diagnostics));
      const bool mutant_capped = limited(*r);
      verdicts.count(std::string(mutant_name(m)) + ": " + (mutant_capped ? "past the size cap or the timeout" : verdict_name(r->verdict)));
      if (mutant_capped) continue;  // (an extra step can take a program past the cap)
      if (disagrees && r->verdict != ProveResult::Verdict::Refuted)
        RC_FAIL(std::string(mutant_name(m)) + " disagrees with the interpreter at a point, yet prove says " +
                verdict_name(r->verdict) + " " + r->reason + "\n" + source->text());
    }
  });
  programs.print();
  verdicts.print();
  n.print();
  // Not vacuous: mutants are refuted on a fair share of the programs (usual shares of the mutant
  // runs: iter-extra-step 0.2, swap-if 0.01 to 0.1), and few programs reach the cap (usually 0.1).
  verdicts.expect_at_least("iter-extra-step: refuted", 0.05);
  programs.expect_at_most("past the size cap or the timeout", 0.3);
}

}  // namespace
}  // namespace cajal
