#include "cajal/frontend/frontend.hpp"

#include "cajal/parse/parse.hpp"

namespace cajal {

Result<LoadedProgram> load_program(const SourcePtr& source, const CheckOptions& options) {
  Result<Program> parsed = parse_program(source);
  if (!parsed) return Result<LoadedProgram>::failure(std::move(parsed.diagnostics));
  Result<CheckedProgram> checked = check_program(*parsed, options);
  if (!checked) return Result<LoadedProgram>::failure(std::move(checked.diagnostics));
  return Result<LoadedProgram>::success(LoadedProgram{std::move(*parsed), std::move(*checked)});
}

Result<LoadedProgram> load_inline(const SourcePtr& term_source, const CheckOptions& options) {
  Result<TermPtr> term = parse_term(term_source);
  if (!term) return Result<LoadedProgram>::failure(std::move(term.diagnostics));
  Program program;
  program.sources.push_back(term_source);
  program.decls.push_back(Def{"main", Span{term_source.get(), 0, 0}, nullptr, *term});
  Result<CheckedProgram> checked = check_program(program, options);
  if (!checked) return Result<LoadedProgram>::failure(std::move(checked.diagnostics));
  return Result<LoadedProgram>::success(LoadedProgram{std::move(program), std::move(*checked)});
}

}  // namespace cajal
