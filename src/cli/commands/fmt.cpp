// `cajal fmt`.
#include <iostream>

#include "../cli.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::cli {

void define_fmt(Options& o) {
  o.positionals("FILE", "the program (`-` for standard input)");
}

int cmd_fmt(const Options& args) {
  SourcePtr source = load_source(one_file(args, "fmt"));
  Result<Program> parsed = parse_program(source);
  if (!parsed) return report(parsed.diagnostics, false);
  std::cout << format_program(*parsed);
  return kSuccess;
}

}  // namespace cajal::cli
