// `Vec n` through the interpreter and the network (RapidCheck; the seed is printed): on random
// programs over vectors, with random real inputs and params, the interpreter's vector and the
// network's output agree to a floating-point tolerance (the two sum the same products in
// different orders). Programs without Vec stay exact (tests/property/oracle_properties.cpp).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cajal/driver/driver.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/testing/rapidcheck.hpp"

namespace cajal {
namespace {

std::string random_vector(std::size_t n) {
  std::vector<double> xs;
  for (std::size_t k = 0; k < n; ++k) xs.push_back(*rc::gen::inRange(-1000, 1001) / 250.0);
  return nlohmann::json(xs).dump();
}

RC_GTEST_PROP(Vec, InterpreterAgreesWithTheNetworkWithinTolerance, ()) {
  testing::GeneratedProgram g = *testing::gen_vec_program();
  auto source = std::make_shared<const Source>("vec.cj", format_program(g.program));
  Result<LoadedProgram> loaded = load_program(source);
  if (!loaded) RC_FAIL("not well-typed:\n" + source->text() + render(loaded.diagnostics));
  RunRequest request;
  request.depth = 3;
  const std::vector<std::string> args{*rc::gen::element<std::string>("true", "false"),
                                      std::to_string(*rc::gen::inRange(0, 4)), random_vector(2), random_vector(2)};
  for (std::size_t k = 0; k < args.size(); ++k)
    request.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(k + 1) + ">", args[k]));
  for (auto [name, n] : std::vector<std::pair<const char*, std::size_t>>{{"w", 4}, {"u", 8}, {"v", 2}, {"g", 4}})
    request.params.emplace_back(name, std::make_shared<const Source>(name, random_vector(n)));

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
    if (std::abs(a - b) > 1e-9 * (1 + std::abs(a)))
      RC_FAIL("interpreter " + interpreter->text + ", network " + std::to_string(b) + " at " + std::to_string(k) + "\n" +
              source->text());
  }
  RC_CLASSIFY(interpreter->text.size() > 0 && args[1] != "0", "iterates");
}

}  // namespace
}  // namespace cajal
