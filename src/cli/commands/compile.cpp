// `cajal compile`.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "../cli.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/draw/draw.hpp"
#include "cajal/network/torch.hpp"
#include "cajal/prove/certificate.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::cli {

void define_compile(Options& o) {
  define_program(o, false);
  define_depth(o);
  o.valued("--emit", "FORMAT", "write the network as json, as a PyTorch module (torch), as a Graphviz graph (dot)\n"
                               "or as that graph drawn by Graphviz (svg)");
  o.valued("--out", "FILE", "write to FILE instead of stdout");
  o.valued("--param", "NAME=TERM", "a value for a param (repeatable); a JSON list is a raw vector for the network;\n"
                                   "with --certify, the claim is for that value (written to DIR/params.json)");
  o.valued("--certify", "DIR", "write a certificate (source, network, obligation, SHA-256 manifest) to DIR");
  define_json(o);
  o.flag("--show", "print the network, each neuron with its rule and source");
  define_max_memory(o);
}

int cmd_compile(const Options& args) {
  bool as_json = args.has("--json");
  int depth = parse_depth(args);
  std::optional<std::string> emit = args.one("--emit");
  if (emit && *emit != "json" && *emit != "torch" && *emit != "dot" && *emit != "svg")
    throw UsageError{"--emit takes `json`, `torch`, `dot` or `svg`, got `" + *emit + "`"};
  std::optional<std::string> out_file = args.one("--out");
  if (out_file && !emit) throw UsageError{"--out goes with --emit"};
  RunSetup setup = run_setup(args, "compile");
  setup.request.depth = depth;
  Result<LoadedProgram> loaded = load(setup);
  if (!loaded) return report(loaded.diagnostics, as_json);

  if (auto dir = args.one("--certify")) {  // the network with its proof obligation, checked by Z3
    ProveOptions prove;
    prove.depth = depth;
    Result<std::map<std::string, Eigen::VectorXd>> fixed = param_encodings(*loaded, setup.request);
    if (!fixed) return report(fixed.diagnostics, as_json);
    prove.params = std::move(*fixed);
    // A certificate's source is a program: an inline term (-e) is written as `def main = TERM`,
    // and certified as read back from that text (what verify will read).
    const std::string text = setup.inline_term ? "def main =\n  " + setup.source->text() + "\n" : setup.source->text();
    Result<LoadedProgram> program = setup.inline_term ? load_program(std::make_shared<const Source>(setup.source->name(), text))
                                                       : std::move(loaded);
    if (!program) return report(program.diagnostics, as_json);
    Result<ProveResult> r = write_certificate(*program, text, prove, *dir);
    if (!r) return report(r.diagnostics, as_json);
    std::cout << "certificate in " << *dir << ": " << verdict_name(r->verdict) << " at depth " << depth;
    if (r->verdict == ProveResult::Verdict::Unknown) std::cout << " (" << r->reason << ")";
    std::cout << "\n";
    for (const std::string& w : r->warnings) std::cerr << "cajal: warning: " << w << "\n";
    return exit_code(r->verdict);
  }
  CompileOptions options;
  options.depth = depth;
  Result<Network> net = compile_program(*loaded, options);
  if (!net) return report(net.diagnostics, as_json);
  if (emit) {
    std::string text;
    if (*emit == "torch") {
      text = to_torch(*net, setup_name(args));
    } else if (*emit == "dot") {
      text = to_dot(*net);
    } else if (*emit == "svg") {
      Result<std::string> svg = network_svg(*net);
      if (!svg) return report(svg.diagnostics, as_json);
      text = *svg;
    } else {
      text = to_json(*net) + "\n";
    }
    if (!out_file) {
      std::cout << text;
    } else {
      std::ofstream out(*out_file, std::ios::binary);
      if (!(out << text)) throw UsageError{"cannot write " + *out_file + ": " + std::strerror(errno)};
    }
  }
  if (args.has("--show")) std::cout << show(*net);
  if (as_json || (!emit && !args.has("--show"))) {
    Result<Materialized> r = materialize_main(*loaded, setup.request);
    if (!r) return report(r.diagnostics, as_json);
    const Type& type = *r->type;
    const Eigen::VectorXd& tensor = r->tensor;
    if (r->mass_lost > 1e-9)
      std::cerr << "cajal: warning: the tensor lost mass past the depth D = " << depth
                << ": for some arguments main's result needs naturals above " << depth << "\n";
    json shape = type.is_arrow() ? json::array({dimension(*type.to, depth), dimension(*type.from, depth)})
                                 : json::array({dimension(type, depth)});
    if (as_json) {
      std::cout << json{{"type", print_type(type)}, {"depth", depth}, {"shape", shape}, {"tensor", vector_json(tensor)}}.dump()
                << "\n";
    } else {
      std::cout << "main : " << print_type(type) << " at depth " << depth << ": " << r->neurons
                << " neurons; tensor " << shape.dump() << "\n"
                << shaped_text(tensor, type, depth) << "\n";
    }
  }
  return kSuccess;
}

}  // namespace cajal::cli
