// The neuron compiler (spec/denotation.md): a type-checked program to a Network.
//
// Each compilation rule of the spec is one function in compile.cpp, named after it (C-Var, C-Abs,
// C-App, C-If, C-Iter, ...). Function-typed terms are kept symbolic while the compiler can see
// how they are used: a `fun` applied to an argument is compiled by binding its parameter to the
// argument's neurons (no matrix is built), and a `fun` becomes a matrix (an Abstract neuron) only
// where a value must be a vector: an `if` branch, an `iter` state, an argument to a matrix, a def,
// or the program's result. Every linear value is used once, so nothing is compiled twice and the
// network is polynomial in the program's size and its types' dimensions.
#pragma once

#include <optional>
#include <string>

#include "cajal/frontend/frontend.hpp"
#include "cajal/network/network.hpp"

namespace cajal {

struct CompileOptions {
  int depth = 9;  // D: naturals 0..D are represented
  // How many of main's arguments become network inputs; the rest of main's type is the output
  // (materialized as a matrix when it is a function). Default: main's leading `fun` binders.
  std::optional<std::size_t> inputs;
  // Label every neuron with its source text and position (for --show and the JSON); off in the
  // test oracle, where nobody reads them and printing them is most of the compile time.
  bool annotate = true;
  // The def to compile (`cajal check --defs` compiles others than main).
  std::string entry = "main";
  // The most the network's neurons may hold (8 bytes a number, one number per dimension of each
  // neuron): checked as each neuron is made, before its constant is allocated. 0: the process's
  // memory budget (memory_budget(), `--max-memory`).
  std::uint64_t max_bytes = 0;
};

inline constexpr int kMaxDepth = 100000;

// Compiles `main` (options.entry). Fails (with diagnostics) when main is missing, asks for more inputs than its
// type has, contains a numeral larger than the depth, or needs more than options.max_bytes.
Result<Network> compile_program(const LoadedProgram& program, const CompileOptions& options = {});

}  // namespace cajal
