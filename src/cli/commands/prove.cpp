// `cajal prove`.
#include <algorithm>
#include <iostream>

#include "../cli.hpp"
#include "cajal/prove/prove.hpp"

namespace cajal::cli {

void define_prove(Options& o) {
  define_program(o, false);
  define_depth(o);
  define_timeout(o);
  define_seed(o);
  o.valued("--smt-dump", "DIR", "write every query as SMT-LIB2, with a header saying what it asks");
  o.flag("--whole", "ask the obligation as one question, as a certificate states it, not case by case");
  define_fixed_param(o);
  define_mutant(o);
  define_json(o);
  define_max_memory(o);
  define_junit(o);
}

int cmd_prove(const Options& args) {
  bool as_json = args.has("--json");
  ProveOptions options;
  options.depth = parse_depth(args);
  options.timeout_seconds = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  options.seed = static_cast<unsigned>(parse_count(args, "--seed", 0));
  options.smt_dump_dir = args.one("--smt-dump");
  options.whole = args.has("--whole");
  if (Mutant m = parse_mutant(args); m != Mutant::None) options.rewrite = [m](Network& n) { apply_mutant(n, m); };
  RunSetup setup = run_setup(args, "prove");
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) {
    write_junit(args, junit::error_suite("cajal prove", setup_name(args), loaded.diagnostics));
    return report(loaded.diagnostics, as_json);
  }
  setup.request.depth = options.depth;
  Result<std::map<std::string, Eigen::VectorXd>> fixed = param_encodings(*loaded, setup.request);
  if (!fixed) return report(fixed.diagnostics, as_json);
  options.params = std::move(*fixed);
  Result<ProveResult> r = prove_program(*loaded, options);
  if (!r) {
    write_junit(args, junit::error_suite("cajal prove", setup_name(args), r.diagnostics));
    return report(r.diagnostics, as_json);
  }
  write_junit(args, junit::prove_suite(setup_name(args), *r));
  const char* verdict = verdict_name(r->verdict);
  if (as_json) {
    json j{{"verdict", verdict}, {"depth", r->depth}, {"seconds", r->seconds}, {"warnings", r->warnings}};
    if (r->verdict == ProveResult::Verdict::Unknown) j["reason"] = r->reason;
    if (r->verdict == ProveResult::Verdict::Refuted) {
      json inputs = json::object();
      for (const auto& [name, value] : r->inputs) inputs[name] = value;
      j["counterexample"] = {{"inputs", inputs},
                             {"interpreter", r->interpreter_value},
                             {"network", r->network_value},
                             {"first_disagreement", r->first_disagreement}};
    }
    std::cout << j.dump() << "\n";
  } else {
    std::cout << verdict << " at depth " << r->depth << " (" << r->seconds << " s)";
    if (r->verdict == ProveResult::Verdict::Unknown) std::cout << ": " << r->reason;
    std::cout << "\n";
    if (r->verdict == ProveResult::Verdict::Refuted) {
      std::cout << "counterexample:\n";
      for (const auto& [name, value] : r->inputs) std::cout << "  " << name << " = " << value << "\n";
      std::cout << "  the program's value: " << r->interpreter_value << "\n"
                << "  the network's output: " << r->network_value << "\n";
      if (!r->first_disagreement.empty()) std::cout << "  first disagreeing subterm: " << r->first_disagreement << "\n";
    }
    for (const std::string& w : r->warnings) std::cerr << "cajal: warning: " << w << "\n";
  }
  return exit_code(r->verdict);
}

}  // namespace cajal::cli
