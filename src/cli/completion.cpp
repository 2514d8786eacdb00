// `cajal completion bash`: a bash completion script made from the command table (main.cpp) and
// each command's CLI11 flags, so it cannot fall behind them. Hidden from `cajal --help`; the build
// runs it to write the script the package installs (share/bash-completion/completions/cajal).
#include <string>

#include "cli.hpp"

namespace cajal::cli {

namespace {
std::string words(const std::vector<std::string>& ws) {
  std::string out;
  for (const std::string& w : ws) out += (out.empty() ? "" : " ") + w;
  return out;
}
}  // namespace

std::string bash_completion() {
  std::vector<std::string> names;
  for (const Command& c : commands()) names.push_back(c.name);
  std::vector<std::string> mutants;
  for (Mutant m : kAllMutants) mutants.push_back(mutant_name(m));

  std::string cases;
  for (const Command& c : commands()) {
    std::unique_ptr<Options> options;
    std::unique_ptr<CLI::App> app = make_app(c, options);
    std::vector<std::string> flags, valued;
    for (const CLI::Option* opt : app->get_options()) {
      std::vector<std::string> spelled;
      for (const std::string& l : opt->get_lnames()) spelled.push_back("--" + l);
      for (const std::string& s : opt->get_snames()) spelled.push_back("-" + s);
      for (const std::string& s : spelled) {
        flags.push_back(s);
        if (opt->get_expected_min() > 0) valued.push_back(s);
      }
    }
    cases += "    " + std::string(c.name) + ") flags=\"" + words(flags) + "\"; valued=\"" + words(valued) + "\" ;;\n";
  }
  return "# bash completion for cajal, written by `cajal completion bash` from the tool's own command table.\n"
         "_cajal() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" flags=\"\" valued=\"\"\n"
         "  (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  COMPREPLY=()\n"
         "  if (( COMP_CWORD == 1 )); then\n"
         "    COMPREPLY=( $(compgen -W \"" + words(names) + " help --help --version\" -- \"$cur\") )\n"
         "    return 0\n"
         "  fi\n"
         "  case \"${COMP_WORDS[1]}\" in\n"
         "    help) (( COMP_CWORD == 2 )) && COMPREPLY=( $(compgen -W \"" + words(names) + "\" -- \"$cur\") ); return 0 ;;\n" +
         cases +
         "    *) return 0 ;;\n"
         "  esac\n"
         "  if [[ \"$prev\" == --mutant ]]; then\n"
         "    COMPREPLY=( $(compgen -W \"" + words(mutants) + "\" -- \"$cur\") )\n"
         "  elif [[ \" $valued \" == *\" $prev \"* ]]; then\n"
         "    COMPREPLY=( $(compgen -f -- \"$cur\") )\n"
         "  elif [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=( $(compgen -W \"$flags\" -- \"$cur\") )\n"
         "  else\n"
         "    COMPREPLY=( $(compgen -f -- \"$cur\") )\n"
         "  fi\n"
         "  return 0\n"
         "}\n"
         "complete -o filenames -F _cajal cajal\n";
}

}  // namespace cajal::cli
