// Harness: source text → parse → type-check; when it type-checks, the printed program reads back
// (fmt is a round trip), main is evaluated (step and nesting budgets) and compiled at depths 0
// and 3 (memory budget), the network reads back from its JSON, and runs on basis inputs.
#include "cajal/compile/compile.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/print.hpp"
#include "harness.hpp"

using namespace cajal;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::set_harness_budget();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  fuzz::on_large_stack([&] {
    auto source = std::make_shared<const Source>("fuzz.cj", text);
    Result<LoadedProgram> loaded = load_program(source);
    if (!loaded) {
      (void)render(loaded.diagnostics);
      return;
    }
    const std::string printed = format_program(loaded->program);
    Result<LoadedProgram> again = load_program(std::make_shared<const Source>("printed.cj", printed));
    if (!again) fuzz::property_failed("the formatted program does not load again:\n" + printed + "\n" + render(again.diagnostics));
    if (!loaded->program.find_def("main")) return;
    RunRequest request;
    request.eval = EvalOptions{20'000, 1'000};
    (void)run_main(*loaded, request);
    for (int depth : {0, 3}) {
      CompileOptions options;
      options.depth = depth;
      Result<Network> net = compile_program(*loaded, options);
      if (!net) continue;
      Result<Network> back = network_from_json(to_json(*net), "network.json");
      if (!back) fuzz::property_failed("a compiled network does not read back: " + render(back.diagnostics));
      if (net->work() > 1e5) continue;
      NetworkArgs args = fuzz::basis_args(*net, 1);
      (void)run_network(*net, args);
    }
  });
  return 0;
}
