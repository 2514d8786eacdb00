// Running SMT-LIB2 scripts with Z3 (the C API's script evaluator).
#include <z3.h>

#include <memory>
#include <sstream>

#include "cajal/smt/script.hpp"

namespace cajal::smt {

Result<std::vector<std::string>> run_smtlib(const std::string& script) {
  using R = Result<std::vector<std::string>>;
  Z3_config config = Z3_mk_config();
  Z3_context context = Z3_mk_context(config);
  Z3_del_config(config);
  Z3_set_error_handler(context, nullptr);  // errors come back as text, not as an abort
  std::string output = Z3_eval_smtlib2_string(context, script.c_str());
  Z3_error_code error = Z3_get_error_code(context);
  std::string message = error != Z3_OK ? Z3_get_error_msg(context, error) : "";
  Z3_del_context(context);
  if (error != Z3_OK) return R::failure(error_at(Span{}, "Z3 rejected the script: " + message));
  std::vector<std::string> answers;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line == "sat" || line == "unsat" || line == "unknown") answers.push_back(line);
    else if (line.rfind("(error", 0) == 0) return R::failure(error_at(Span{}, "Z3: " + line));
  }
  return R::success(std::move(answers));
}

}  // namespace cajal::smt
