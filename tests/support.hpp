// Helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cajal/driver/driver.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::test {

// A program together with the source its diagnostics point into.
struct Loaded {
  SourcePtr source;
  Result<LoadedProgram> result;
};

inline Loaded load(const std::string& text, const std::string& name = "test.cj") {
  auto source = std::make_shared<const Source>(name, text);
  return Loaded{source, load_program(source)};
}

// The first diagnostic's message for a program that must be rejected ("" if it was accepted).
inline std::string first_error(const std::string& text) {
  Loaded l = load(text);
  return l.result ? std::string() : l.result.diagnostics.front().message;
}

// The type of `main` as printed, for a program that must be accepted.
inline std::string main_type(const std::string& text) {
  Loaded l = load(text);
  if (!l.result) return "REJECTED: " + render(l.result.diagnostics);
  return print_type(l.result->checked.globals.find("main")->type);
}

// A RunRequest for argument and param terms (its sources live as long as the request).
inline RunRequest request_for(const std::vector<std::string>& args,
                              const std::vector<std::pair<std::string, std::string>>& params, int depth = 9) {
  RunRequest request;
  for (std::size_t i = 0; i < args.size(); ++i)
    request.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(i + 1) + ">", args[i]));
  for (auto& [n, t] : params) request.params.emplace_back(n, std::make_shared<const Source>("<param " + n + ">", t));
  request.depth = depth;
  return request;
}

// Runs main on the given argument terms; returns the printed value or "ERROR: message".
inline std::string run(const std::string& text, std::vector<std::string> args = {},
                       std::vector<std::pair<std::string, std::string>> params = {}, EvalOptions options = {}) {
  Loaded l = load(text);
  if (!l.result) return "REJECTED: " + render(l.result.diagnostics);
  RunRequest request;
  for (std::size_t i = 0; i < args.size(); ++i)
    request.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(i + 1) + ">", args[i]));
  for (auto& [n, t] : params) request.params.emplace_back(n, std::make_shared<const Source>("<param " + n + ">", t));
  request.eval = options;
  Result<RunResult> r = run_main(*l.result, request);
  if (!r) return "ERROR: " + r.diagnostics.front().message;
  return r->text;
}

}  // namespace cajal::test
