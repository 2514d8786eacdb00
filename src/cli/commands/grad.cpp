// `cajal grad`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/network/engine.hpp"

namespace cajal::cli {

void define_grad(Options& o) {
  define_program(o, true);
  define_depth(o);
  define_json(o);
  define_max_memory(o);
}

int cmd_grad(const Options& args) {
  bool as_json = args.has("--json");
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "grad");
  setup.request.depth = depth;
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, as_json);
  auto r = grad_main(*loaded, setup.request);
  if (!r) return report(r.diagnostics, as_json);
  const NetworkRunResult& run = r->first;
  const NetworkGradients& g = r->second;
  if (as_json) {
    json inputs = json::object(), params = json::object();
    for (std::size_t k = 0; k < run.network.inputs.size(); ++k)
      inputs[run.network.inputs[k].name] = shaped_json(g.inputs[k].col(0), *run.network.inputs[k].type, depth);
    for (const NetworkInput& p : run.network.params)
      if (g.params.count(p.name)) params[p.name] = shaped_json(g.params.at(p.name), *p.type, depth);
    std::cout << json{{"output", vector_json(run.run.output.col(0))}, {"depth", depth}, {"inputs", inputs}, {"params", params}}.dump()
              << "\n";
    return kSuccess;
  }
  std::cout << "output = " << shaped_text(run.run.output.col(0), *run.type, depth) << "\n";
  for (std::size_t k = 0; k < run.network.inputs.size(); ++k)
    std::cout << "d/d " << run.network.inputs[k].name << " = "
              << shaped_text(g.inputs[k].col(0), *run.network.inputs[k].type, depth) << "\n";
  for (const NetworkInput& p : run.network.params)
    if (g.params.count(p.name))
      std::cout << "d/d " << p.name << " = " << shaped_text(g.params.at(p.name), *p.type, depth) << "\n";
  return kSuccess;
}

}  // namespace cajal::cli
