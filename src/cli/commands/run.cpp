// `cajal run`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::cli {

void define_run(Options& o) {
  define_program(o, true);
  o.valued("--engine", "ENGINE", "interpreter (default) or network");
  define_depth(o);
  define_mutant(o);
  o.valued("--def", "NAME", "run this def instead of main");
  define_json(o);
  define_max_memory(o);
}

int cmd_run(const Options& args) {
  bool as_json = args.has("--json");
  std::string engine = args.one("--engine").value_or("interpreter");
  if (engine != "interpreter" && engine != "network")
    throw UsageError{"--engine is `interpreter` or `network`, got `" + engine + "`"};
  if (engine == "interpreter" && (args.has("--depth") || args.has("--mutant")))
    throw UsageError{std::string(args.has("--depth") ? "--depth" : "--mutant") + " goes with --engine network"};
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "run");
  setup.request.depth = depth;
  if (auto def = args.one("--def")) setup.request.entry = *def;
  if (Mutant m = parse_mutant(args); m != Mutant::None) setup.request.rewrite = [m](Network& n) { apply_mutant(n, m); };
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, as_json);
  if (engine == "network") {
    Result<NetworkRunResult> r = run_main_on_network(*loaded, setup.request);
    if (!r) return report(r.diagnostics, as_json);
    Eigen::VectorXd out = r->run.output.col(0);
    std::string value = r->value ? *r->value : shaped_text(out, *r->type, depth);
    if (as_json)
      std::cout << json{{"type", print_type(r->type)}, {"value", value}, {"depth", depth},
                        {"vector", vector_json(out)}}.dump()
                << "\n";
    else
      std::cout << value << "\n";
    return kSuccess;
  }
  RunRequest& request = setup.request;
  Result<RunResult> result = run_main(*loaded, request);
  if (!result) return report(result.diagnostics, as_json);
  std::string value = result->text;
  if (as_json)
    std::cout << json{{"type", print_type(result->type)}, {"value", value}}.dump() << "\n";
  else
    std::cout << value << "\n";
  return kSuccess;
}

}  // namespace cajal::cli
