// Diagnostics: errors are values at library boundaries.
//
// Every stage reports problems as Diagnostics with a primary span and optional located notes;
// render() prints them clang-style:
//
//   file.cj:3:14: error: linear variable `x` is used twice (first use at 3:9)
//     def main = fun x : Bool => if x then x else false
//                                          ^
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cajal/syntax/source.hpp"

namespace cajal {

enum class Severity { error, warning, note };

struct Note {
  Span span;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::error;
  Span span;
  std::string message;
  std::vector<Note> notes;
  bool internal = false;  // a bug in Cajal, not in the input (the CLI exits 4, not 2)
  std::string code = {};  // a stable name for an error callers act on, e.g. "eval.table-miss"; usually empty
};

Diagnostic error_at(Span span, std::string message);

// clang-style rendering of one diagnostic, its source line and a caret (and its notes).
std::string render(const Diagnostic& d);
std::string render(const std::vector<Diagnostic>& ds);

// The value of a stage or the diagnostics that explain why there is none.
template <class T>
struct Result {
  std::optional<T> value;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& operator*() const { return *value; }
  T& operator*() { return *value; }
  const T* operator->() const { return &*value; }
  T* operator->() { return &*value; }

  static Result success(T v) { return Result{std::move(v), {}}; }
  static Result failure(std::vector<Diagnostic> ds) { return Result{std::nullopt, std::move(ds)}; }
  static Result failure(Diagnostic d) { return failure(std::vector<Diagnostic>{std::move(d)}); }
};

}  // namespace cajal
