// `cajal run`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/eval/trace.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
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
  o.flag("--trace", "print how the value was computed: the interpreter's big-step derivation, rule by rule\n"
                    "(E-App, E-IfTrue, ...), or with --engine network every neuron's value and the\n"
                    "recurrent neurons' states h_0 ... h_D with the weights n_k that select the output");
  o.valued("--trace-limit", "N", "with --trace: record at most N rule applications (default 500)");
  o.flag("--latex", "with --trace: write the derivation as bussproofs proof trees, for slides");
  define_inputs(o);
  define_threads(o);
}

namespace {
// `run --engine network --inputs FILE`: one line (or JSON object) per row, in order.
int run_batch(const Options& args, const RunSetup& setup, const LoadedProgram& loaded, bool as_json) {
  const int depth = setup.request.depth;
  SourcePtr file = load_source(*args.one("--inputs"));
  Result<std::vector<BatchRow>> rows = read_batch_rows(file);
  if (!rows) return report(rows.diagnostics, as_json);
  Result<NetworkBatchResult> r = run_batch_on_network(loaded, setup.request, *rows, parse_threads(args));
  if (!r) return report(r.diagnostics, as_json);
  json outputs = json::array();
  for (std::size_t b = 0; b < r->values.size(); ++b) {
    const Eigen::VectorXd out = r->run.output.col(batch_column(r->run.output, b));
    const std::string value = r->values[b] ? *r->values[b] : shaped_text(out, *r->type, depth);
    if (as_json) outputs.push_back(json{{"value", value}, {"vector", vector_json(out)}});
    else std::cout << value << "\n";
  }
  if (as_json) std::cout << json{{"type", print_type(r->type)}, {"depth", depth}, {"outputs", outputs}}.dump() << "\n";
  return kSuccess;
}
}  // namespace

int cmd_run(const Options& args) {
  bool as_json = args.has("--json");
  std::string engine = args.one("--engine").value_or("interpreter");
  if (engine != "interpreter" && engine != "network")
    throw UsageError{"--engine is `interpreter` or `network`, got `" + engine + "`"};
  if (engine == "interpreter" && args.has("--mutant")) throw UsageError{"--mutant goes with --engine network"};
  const bool trace = args.has("--trace");
  if (!trace && (args.has("--trace-limit") || args.has("--latex")))
    throw UsageError{std::string(args.has("--latex") ? "--latex" : "--trace-limit") + " goes with --trace"};
  if (trace && as_json) throw UsageError{"--trace prints text (or LaTeX with --latex), not JSON"};
  if (args.has("--inputs") && engine != "network") throw UsageError{"--inputs goes with --engine network"};
  if (args.has("--inputs") && (args.has("--arg") || trace))
    throw UsageError{std::string("--inputs gives the arguments of every run; it does not go with ") +
                     (trace ? "--trace" : "--arg")};
  if (args.has("--threads") && !args.has("--inputs")) throw UsageError{"--threads goes with --inputs"};
  if (engine == "network" && (args.has("--trace-limit") || args.has("--latex")))
    throw UsageError{std::string(args.has("--latex") ? "--latex" : "--trace-limit") +
                     " goes with the interpreter's trace (the network's trace is one line per neuron)"};
  int depth = parse_depth(args);
  RunSetup setup = run_setup(args, "run");
  setup.request.depth = depth;
  // For the interpreter, a depth says what an argument given as numbers encodes (a matrix value,
  // as `cajal check` prints a counterexample at its depth); without one it has no meaning.
  auto numbers = [](const SourcePtr& s) { return s->text().find_first_not_of(" \t\n") != std::string::npos &&
                                                 s->text()[s->text().find_first_not_of(" \t\n")] == '['; };
  bool given_as_numbers = false;
  for (const SourcePtr& a : setup.request.args) given_as_numbers = given_as_numbers || numbers(a);
  for (const auto& [name, p] : setup.request.params) given_as_numbers = given_as_numbers || numbers(p);
  if (engine == "interpreter" && args.has("--depth") && !given_as_numbers)
    throw UsageError{"--depth goes with --engine network, or with an argument given as numbers (the depth they encode at)"};
  if (auto def = args.one("--def")) setup.request.entry = *def;
  if (Mutant m = parse_mutant(args); m != Mutant::None) setup.request.rewrite = [m](Network& n) { apply_mutant(n, m); };
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, as_json);
  if (args.has("--inputs")) return run_batch(args, setup, *loaded, as_json);
  if (engine == "network") {
    Result<NetworkRunResult> r = run_main_on_network(*loaded, setup.request);
    if (!r) return report(r.diagnostics, as_json);
    if (trace) {
      Result<std::vector<NeuronTrace>> t = trace_network(r->network, r->inputs);
      if (!t) return report(t.diagnostics, as_json);
      std::cout << show_trace(r->network, *t) << "value: ";
    }
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
  Trace steps;
  steps.limit = parse_count(args, "--trace-limit", steps.limit);
  if (trace) request.eval.trace = &steps;
  Result<RunResult> result = run_main(*loaded, request);
  if (trace) {  // the derivation so far, also when the run stopped with an error
    std::cout << (args.has("--latex") ? render_trace_latex(steps) : render_trace(steps));
    if (result && !args.has("--latex")) std::cout << "value: ";
  }
  if (!result) return report(result.diagnostics, as_json);
  if (trace && args.has("--latex")) return kSuccess;
  std::string value = result->text;
  if (as_json)
    std::cout << json{{"type", print_type(result->type)}, {"value", value}}.dump() << "\n";
  else
    std::cout << value << "\n";
  return kSuccess;
}

}  // namespace cajal::cli
