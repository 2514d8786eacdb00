#include "cajal/driver/driver.hpp"

#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {
std::string quoted(const std::string& name) { return "`" + name + "`"; }
Diagnostic plain_error(std::string message) { return error_at(Span{}, std::move(message)); }
}  // namespace

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

Result<RunResult> run_main(const LoadedProgram& loaded, const RunRequest& request) {
  using R = Result<RunResult>;
  const Global* main = loaded.checked.globals.find("main");
  if (!main || main->kind != Global::Kind::Def) {
    std::string where = loaded.program.sources.empty() ? "the program" : loaded.program.sources.front()->name();
    return R::failure(plain_error("no `def main` in " + where + ": `cajal run` evaluates the def named main"));
  }

  // Params: closed terms of the declared type. They may not mention defs or other params.
  std::map<std::string, ValuePtr> param_values;
  Program empty;
  for (const auto& [name, source] : request.params) {
    const Param* param = loaded.program.find_param(name);
    if (!param) return R::failure(plain_error("--param " + name + ": the program declares no param " + quoted(name)));
    if (param_values.count(name)) return R::failure(plain_error("--param " + name + " is given twice"));
    Result<TermPtr> term = parse_term(source);
    if (!term) return R::failure(std::move(term.diagnostics));
    TypeTable types;
    Result<TypePtr> type = check_closed_term(**term, Globals{}, types);
    if (!type) return R::failure(std::move(type.diagnostics));
    if (!same_type(*type, param->type))
      return R::failure(error_at((*term)->span, "param " + quoted(name) + " is declared as " +
                                                    print_type(param->type) + " but this value has type " +
                                                    print_type(*type)));
    Evaluator closed(empty, {}, request.eval);
    Result<ValuePtr> value = closed.eval(**term);
    if (!value) return R::failure(std::move(value.diagnostics));
    param_values.emplace(name, *value);
  }

  // Arguments: closed terms (they may mention defs and params) of main's parameter types.
  TypePtr type = main->type;
  std::vector<TermPtr> arg_terms;
  for (std::size_t i = 0; i < request.args.size(); ++i) {
    Result<TermPtr> term = parse_term(request.args[i]);
    if (!term) return R::failure(std::move(term.diagnostics));
    if (!type->is_arrow())
      return R::failure(error_at((*term)->span, "main has type " + print_type(main->type) + ", which takes " +
                                                    std::to_string(i) + " argument" + (i == 1 ? "" : "s") + ", but " +
                                                    std::to_string(request.args.size()) + " were given"));
    TypeTable types;
    Result<TypePtr> arg_type = check_closed_term(**term, loaded.checked.globals, types);
    if (!arg_type) return R::failure(std::move(arg_type.diagnostics));
    if (!same_type(*arg_type, type->from))
      return R::failure(error_at((*term)->span, "argument " + std::to_string(i + 1) + " has type " +
                                                    print_type(*arg_type) + " but main expects " +
                                                    print_type(type->from)));
    arg_terms.push_back(*term);
    type = type->to;
  }

  Evaluator evaluator(loaded.program, std::move(param_values), request.eval);
  Result<ValuePtr> value = evaluator.def_value("main");
  if (!value) return R::failure(std::move(value.diagnostics));
  for (const TermPtr& arg : arg_terms) {
    Result<ValuePtr> a = evaluator.eval(*arg);
    if (!a) return R::failure(std::move(a.diagnostics));
    value = evaluator.apply(*value, *a, arg->span);
    if (!value) return R::failure(std::move(value.diagnostics));
  }
  Result<TermPtr> term = evaluator.readback(*value);
  if (!term) return R::failure(std::move(term.diagnostics));
  return R::success(RunResult{type, *value, *term});
}

}  // namespace cajal
