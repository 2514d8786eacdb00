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
  define_inputs(o);
  define_threads(o);
}

namespace {
// `grad --inputs FILE`: each row's output and its inputs' gradients, then the params' gradients
// summed over the rows.
int grad_rows(const Options& args, const RunSetup& setup, const LoadedProgram& loaded, bool as_json) {
  const int depth = setup.request.depth;
  SourcePtr file = load_source(*args.one("--inputs"));
  Result<std::vector<BatchRow>> rows = read_batch_rows(file);
  if (!rows) return report(rows.diagnostics, as_json);
  auto r = grad_batch(loaded, setup.request, *rows, parse_threads(args));
  if (!r) return report(r.diagnostics, as_json);
  const NetworkBatchResult& run = r->first;
  const NetworkGradients& g = r->second;
  json out_rows = json::array(), params = json::object();
  for (std::size_t b = 0; b < rows->size(); ++b) {
    const Eigen::VectorXd output = run.run.output.col(batch_column(run.run.output, b));
    json inputs = json::object();
    if (!as_json) std::cout << "row " << b + 1 << ": output = " << shaped_text(output, *run.type, depth) << "\n";
    for (std::size_t k = 0; k < run.network.inputs.size(); ++k) {
      const Eigen::VectorXd d = g.inputs[k].col(batch_column(g.inputs[k], b));
      if (as_json) inputs[run.network.inputs[k].name] = shaped_json(d, *run.network.inputs[k].type, depth);
      else std::cout << "  d/d " << run.network.inputs[k].name << " = " << shaped_text(d, *run.network.inputs[k].type, depth) << "\n";
    }
    if (as_json) out_rows.push_back(json{{"output", vector_json(output)}, {"inputs", inputs}});
  }
  for (const NetworkInput& p : run.network.params)
    if (g.params.count(p.name)) {
      if (as_json) params[p.name] = shaped_json(g.params.at(p.name), *p.type, depth);
      else std::cout << "d/d " << p.name << " = " << shaped_text(g.params.at(p.name), *p.type, depth) << " (summed over the "
                     << rows->size() << " rows)\n";
    }
  if (as_json) std::cout << json{{"depth", depth}, {"rows", out_rows}, {"params", params}}.dump() << "\n";
  return kSuccess;
}
}  // namespace

int cmd_grad(const Options& args) {
  bool as_json = args.has("--json");
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "grad");
  setup.request.depth = depth;
  if (args.has("--inputs") && args.has("--arg")) throw UsageError{"--inputs gives the arguments of every run; it does not go with --arg"};
  if (args.has("--threads") && !args.has("--inputs")) throw UsageError{"--threads goes with --inputs"};
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, as_json);
  if (args.has("--inputs")) return grad_rows(args, setup, *loaded, as_json);
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
