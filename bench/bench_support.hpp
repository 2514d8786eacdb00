// Helpers for the benchmarks: programs from source text.
#pragma once

#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "cajal/compile/compile.hpp"
#include "cajal/driver/driver.hpp"

namespace cajal::bench {

struct Program {
  SourcePtr source;
  LoadedProgram loaded;
};

inline Program load(const std::string& text) {
  auto source = std::make_shared<const Source>("bench.cj", text);
  Result<LoadedProgram> r = load_program(source);
  if (!r) throw std::runtime_error(render(r.diagnostics));
  return Program{source, std::move(*r)};
}

inline Network compile(const LoadedProgram& p, int depth) {
  CompileOptions options;
  options.depth = depth;
  Result<Network> net = compile_program(p, options);
  if (!net) throw std::runtime_error(render(net.diagnostics));
  return std::move(*net);
}

}  // namespace cajal::bench
