// `cajal type`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/typecheck/typecheck.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::cli {

void define_type(Options& o) {
  o.positionals("FILE", "the program (`-` for standard input)");
  define_json(o);
  o.flag("--derivation", "print each def's typing derivation, rule by rule");
  o.flag("--latex", "with --derivation: write each derivation as a bussproofs proof tree, for slides");
}

int cmd_type(const Options& args) {
  bool as_json = args.has("--json");
  bool derivation = args.has("--derivation");
  const bool latex = args.has("--latex");
  if (latex && !derivation) throw UsageError{"--latex goes with --derivation"};
  if (latex && as_json) throw UsageError{"--latex writes LaTeX, not JSON"};
  SourcePtr source = load_source(one_file(args, "type"));
  Result<LoadedProgram> loaded = load_program(source, CheckOptions{derivation});
  if (!loaded) return report(loaded.diagnostics, as_json);
  const Program& p = loaded->program;
  const Globals& globals = loaded->checked.globals;
  if (as_json) {
    json decls = json::array();
    for (const Decl& d : p.decls) {
      const std::string& name = decl_name(d);
      json j{{"name", name},
             {"kind", std::holds_alternative<Def>(d) ? "def" : "param"},
             {"type", print_type(globals.find(name)->type)}};
      if (derivation && std::holds_alternative<Def>(d))
        j["derivation"] = render_derivation(loaded->checked.derivations.at(name));
      decls.push_back(std::move(j));
    }
    json out{{"decls", decls}};
    if (const Global* main = globals.find("main")) out["type"] = print_type(main->type);
    std::cout << out.dump() << "\n";
    return kSuccess;
  }
  if (latex) {
    std::cout << "% cajal type --derivation --latex: \\usepackage{bussproofs} and \\usepackage{amssymb}\n";
    for (const std::string& name : loaded->checked.def_order)
      std::cout << "% def " << name << " : " << print_type(globals.find(name)->type) << "\n"
                << render_derivation_latex(loaded->checked.derivations.at(name));
    return kSuccess;
  }
  for (const Decl& d : p.decls) {
    const std::string& name = decl_name(d);
    bool is_def = std::holds_alternative<Def>(d);
    std::cout << (is_def ? "def " : "param ") << name << " : " << print_type(globals.find(name)->type) << "\n";
    if (derivation && is_def) std::cout << render_derivation(loaded->checked.derivations.at(name)) << "\n";
  }
  return kSuccess;
}

}  // namespace cajal::cli
