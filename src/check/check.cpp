// Semantic equivalence of two programs (include/cajal/check/check.hpp, spec/equivalence.md):
// chooses the decision procedure (check_internal.hpp lists the parts).
#include "cajal/check/check.hpp"

#include <z3++.h>

#include <algorithm>
#include <cctype>

#include "../prove/symbolic.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/smt/context.hpp"
#include "cajal/syntax/print.hpp"
#include "check_internal.hpp"

namespace cajal {

const char* verdict_name(EquivalenceResult::Verdict v) {
  switch (v) {
    case EquivalenceResult::Verdict::Equivalent: return "equivalent";
    case EquivalenceResult::Verdict::NotEquivalent: return "not equivalent";
    case EquivalenceResult::Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

using namespace check_impl;

// Runs one decision procedure; what it cannot express, or a Z3 failure, is an unknown verdict.
template <class Decide>
void decide(EquivalenceResult& out, Decide f) {
  try {
    f();
  } catch (const symbolic::Unsupported& u) {
    out.verdict = Verdict::Unknown;
    out.reason = (u.timeout ? "timeout: " : u.cap ? "size cap: " : "") + u.why;
  } catch (const z3::exception& e) {
    out.verdict = Verdict::Unknown;
    out.reason = smt::z3_failure(e.msg());
  }
}

}  // namespace

Result<EquivalenceResult> check_equivalence(const CheckSide& left, const CheckSide& right,
                                            const EquivalenceOptions& options) {
  using R = Result<EquivalenceResult>;
  const auto start = Clock::now();
  Result<Setup> setup = make_setup(left, right, options);
  if (!setup) return R::failure(std::move(setup.diagnostics));
  const Setup& s = *setup;
  EquivalenceResult out;
  out.depth = options.depth;
  out.type = s.type;
  auto finish = [&]() {
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return R::success(std::move(out));
  };

  if (options.neural) {
    Network nets[2];
    for (int k = 0; k < 2; ++k) {
      const CheckSide& side = k == 0 ? left : right;
      CompileOptions compile;
      compile.depth = options.depth;
      compile.inputs = s.positions;
      compile.annotate = false;
      compile.entry = side.def;
      Result<Network> net = compile_program(*side.program, compile);
      if (!net) return R::failure(std::move(net.diagnostics));
      nets[k] = std::move(*net);
    }
    decide(out, [&] {
      if (s.slots.size() == s.positions) check_impl::neural_numeric(s, nets[0], nets[1], options, out);
      else check_impl::neural_polynomial(s, nets[0], nets[1], options, out);
    });
    return finish();
  }

  // Observational: exhaustively when the inputs are few, else with Z3.
  // Inputs with no list of values (Vec n, matrices, functions of functions other than the listed
  // shape) are real unknowns for the symbolic method: both sides are polynomials in them
  // (spec/equivalence.md §5).
  std::size_t total = 1;
  bool real = false;
  for (const Slot& slot : s.slots) {
    const std::size_t n = count_values(*slot.type, options.depth, options.exhaustive_limit);
    total = saturating_mul(total, n, options.exhaustive_limit);
    real = real || n == 0;
  }
  if (real) {
    if (options.method == EquivalenceOptions::Method::Exhaustive) {
      out.verdict = Verdict::Unknown;
      out.reason = "an input has no list of values (a Vec, a matrix, or a function of a function other than (A ⊸ B) ⊸ C "
                   "with B and C Bool or Nat): use --method symbolic or auto";
      return finish();
    }
    decide(out, [&] { check_impl::symbolic(left, right, s, options, out); });
    return finish();
  }
  bool small = total <= options.exhaustive_limit;
  // A function of a function with a list of definable values is compared by listing them when
  // they are few (counterexamples are then definable values, printed as terms), whatever the
  // method asked; past the list's cap, the symbolic method takes it as a matrix of real unknowns.
  for (const Slot& slot : s.slots) {
    if (!listed_higher_order(*slot.type)) continue;
    if (small) {
      check_impl::exhaustive(left, right, s, options, total, out);
      return finish();
    }
    if (options.method != EquivalenceOptions::Method::Exhaustive) {
      decide(out, [&] { check_impl::symbolic(left, right, s, options, out); });
      return finish();
    }
    out.verdict = Verdict::Unknown;
    out.reason = "`" + slot.name + "` is a function of a function (" + print_type(slot.type) +
                 "), and there are more than " + std::to_string(options.exhaustive_limit) +
                 " input tuples to list (--method symbolic takes it as a matrix)";
    return finish();
  }
  if (options.method == EquivalenceOptions::Method::Exhaustive && !small) {
    out.verdict = Verdict::Unknown;
    out.reason = "more than " + std::to_string(options.exhaustive_limit) + " input tuples to list";
    return finish();
  }
  if (options.method == EquivalenceOptions::Method::Exhaustive ||
      (options.method == EquivalenceOptions::Method::Auto && small)) {
    check_impl::exhaustive(left, right, s, options, total, out);
    return finish();
  }
  decide(out, [&] { check_impl::symbolic(left, right, s, options, out); });
  return finish();
}

std::string shell_word(const std::string& w) {
  bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '=';
  });
  if (plain) return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> reproduce_commands(const CheckSide& left, const CheckSide& right, const EquivalenceResult& r,
                                            bool neural) {
  std::vector<std::string> out;
  if (!r.counterexample) return out;
  for (const CheckSide* side : {&left, &right}) {
    std::string cmd = "cajal run";
    // (the interpreter takes a depth for inputs given as numbers: a matrix's encoding at r.depth)
    bool numbers = false;
    for (const auto& in : r.counterexample->inputs) numbers = numbers || (!in.value.empty() && in.value.front() == '[');
    if (neural) cmd += " --engine network --depth " + std::to_string(r.depth);
    else if (numbers && r.depth != 9) cmd += " --depth " + std::to_string(r.depth);
    cmd += " " + shell_word(side->label);
    if (side->def != "main") cmd += " --def " + shell_word(side->def);
    for (const auto& in : r.counterexample->inputs) {
      if (!in.is_param) cmd += " --arg " + shell_word(in.value);
      else if (side->program->program.find_param(in.name)) cmd += " --param " + shell_word(in.name + "=" + in.value);
    }
    out.push_back(cmd);
  }
  return out;
}

}  // namespace cajal
